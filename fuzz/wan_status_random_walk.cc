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
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/wan_status_input.h"
#include "reference/nic/splitmix64.h"
#include "tools/cli/cli.h"

namespace {

bool Flag(const std::string& arg, const std::string& name, std::string* value) {
  const std::string prefix = "--" + name + "=";
  if (arg.compare(0, prefix.size(), prefix) != 0) return false;
  *value = arg.substr(prefix.size());
  return true;
}

std::optional<uint64_t> Unsigned(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

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

int Usage() {
  std::fputs("usage: wan_status_random_walk --seed=N --max_total_time=SECONDS [--out=FILE]\n",
             stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<uint64_t> seed, seconds;
  std::string out_path;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    std::string v;
    if (Flag(arg, "seed", &v)) {
      seed = Unsigned(v);
      if (!seed) return Usage();
    } else if (Flag(arg, "max_total_time", &v)) {
      seconds = Unsigned(v);
      if (!seconds) return Usage();
    } else if (Flag(arg, "out", &v) && !v.empty()) {
      out_path = ndisconf::cli::UserPath(v);
    } else {
      return Usage();
    }
  }
  if (!seed || !seconds) return Usage();
  std::string error;
  const ndisconf::conformance::Implementation* impl =
      ndisconf::conformance::ImplementationFromEnvironment(&error);
  if (impl == nullptr) {
    std::fprintf(stderr, "wan_status_random_walk: %s\n", error.c_str());
    return 2;
  }
  ndisconf::nic::SplitMix64 rng(*seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*seconds);
  uint64_t programs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::vector<uint8_t> p = RandomProgram(rng);
    const ndisconf::fuzz::WanStatusOutcome o =
        ndisconf::fuzz::RunWanStatusInput(*impl, p.data(), p.size());
    ++programs;
    if (o.first_rule.empty()) continue;
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o.first_rule.c_str(),
                 o.first_check.c_str(), static_cast<unsigned long long>(o.first_event),
                 o.first_message.c_str());
    std::string hex;
    for (uint8_t b : p) {
      char h[4];
      std::snprintf(h, sizeof h, "%02x", b);
      hex += h;
    }
    std::fprintf(stderr, "program: %s\n", hex.c_str());
    std::fprintf(stderr, "random-walk: programs=%llu\n", static_cast<unsigned long long>(programs));
    if (!out_path.empty()) {
      std::ofstream f(out_path, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
      if (!f) std::fprintf(stderr, "random-walk: cannot write %s\n", out_path.c_str());
    }
    return 1;
  }
  std::fprintf(stderr, "random-walk: programs=%llu\n", static_cast<unsigned long long>(programs));
  return 0;
}
