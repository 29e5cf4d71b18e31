// wan_status_random_walk: the baseline the wan_status fuzzer is measured
// against (contract §3): random programs of the same grammar, no coverage
// feedback, under the implementation NDISCONF_IMPL names, until the first
// violation by it.
//
//   bazel run //fuzz:wan_status_random_walk -- --seed=N --max_total_time=SECONDS
//       [--out=FILE]
//
// Each program (format: wan_status_fuzz_test.cc): 0-15 scheduler bytes,
// then 1-32 records, each a known tag (uniform) with a known selector
// (uniform over the INDICATE status selectors, FAULT kinds and TAPI
// requests) and uniform bytes for every other operand, INDICATE's payload
// included. The programs are a pure function of the seed (SplitMix64); only
// the stop time reads the clock. On a finding: the `ndisconf-violation:`
// line, the program in hex, `random-walk: programs=K` on stderr, the input
// written to FILE if given, exit 1. At the time limit:
// `random-walk: programs=K`, exit 0. Exit 2 on a bad argument or an unknown
// NDISCONF_IMPL.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/program_tools.h"
#include "fuzz/wan_status_input.h"
#include "reference/nic/splitmix64.h"

namespace {

// Counts of the known values (wan_status_input.h's tables).
constexpr uint64_t kTags = 6;         // WanOpForTag: 0..5
constexpr uint64_t kSelectors = 6;    // WanStatusForSel: 0..5
constexpr uint64_t kFaultKinds = 12;  // WanFaultForTag: 0..11
constexpr uint64_t kTapiOps = 4;      // WanTapiForTag: 0..3

std::vector<uint8_t> RandomProgram(ndisconf::nic::SplitMix64& rng) {
  using ndisconf::fuzz::WanOp;
  std::vector<uint8_t> p;
  const auto byte = [&] { p.push_back(static_cast<uint8_t>(rng.Next())); };
  const size_t schedule = rng.Below(16);
  p.push_back(static_cast<uint8_t>(schedule));
  for (size_t i = 0; i < schedule; ++i) byte();
  const size_t records = rng.InRange(1, 32);
  for (size_t r = 0; r < records; ++r) {
    const auto tag = static_cast<uint8_t>(rng.Below(kTags));
    p.push_back(tag);
    switch (*ndisconf::fuzz::WanOpForTag(tag)) {
      case WanOp::kIndicate: {
        const auto sel = static_cast<uint8_t>(rng.Below(kSelectors));
        p.push_back(sel);
        if (*ndisconf::fuzz::WanStatusForSel(sel) == ndisconf::fuzz::WanStatusSel::kRaw)
          for (int i = 0; i < 4; ++i) byte();
        const uint8_t lo = static_cast<uint8_t>(rng.Next()), hi = static_cast<uint8_t>(rng.Next());
        p.push_back(lo);
        p.push_back(hi);
        byte();  // flags
        const size_t size = (size_t{hi} << 8 | lo) % 1025;
        for (size_t i = 0; i < std::min<size_t>(size, 64); ++i) byte();
        break;
      }
      case WanOp::kComplete:
      case WanOp::kInterrupt:
        break;
      case WanOp::kFault:
        p.push_back(static_cast<uint8_t>(rng.Below(kFaultKinds)));
        byte();
        break;
      case WanOp::kPump:
        byte();
        break;
      case WanOp::kTapi:
        p.push_back(static_cast<uint8_t>(rng.Below(kTapiOps)));
        break;
    }
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  ndisconf::fuzz::RandomWalk walk;
  walk.tool = "wan_status_random_walk";
  walk.program = RandomProgram;
  walk.run = [](const std::vector<uint8_t>& p) -> std::optional<ndisconf::fuzz::WalkVerdict> {
    static const ndisconf::conformance::Implementation* impl = [] {
      std::string error;
      const ndisconf::conformance::Implementation* i =
          ndisconf::conformance::ImplementationFromEnvironment(&error);
      if (i == nullptr) std::fprintf(stderr, "wan_status_random_walk: %s\n", error.c_str());
      return i;
    }();
    if (impl == nullptr) return std::nullopt;
    const ndisconf::fuzz::WanStatusOutcome o =
        ndisconf::fuzz::RunWanStatusInput(*impl, p.data(), p.size());
    return ndisconf::fuzz::WalkVerdict{o.first_rule, o.first_check, o.first_message, o.first_event};
  };
  walk.describe = [](const std::vector<uint8_t>& p) {
    std::string hex = "program: ";
    for (uint8_t b : p) {
      char h[4];
      std::snprintf(h, sizeof h, "%02x", b);
      hex += h;
    }
    return hex + "\n";
  };
  return ndisconf::fuzz::RandomWalkMain(argc, argv, walk);
}
