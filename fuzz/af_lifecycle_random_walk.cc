// af_lifecycle_random_walk: the baseline the af_lifecycle fuzzer is measured
// against (contract §3): random programs of the same grammar, no coverage
// feedback, under the implementation NDISCONF_IMPL names, until the first
// monitor violation.
//
//   bazel run //fuzz:af_lifecycle_random_walk -- --seed=N --max_total_time=SECONDS
//       [--out=FILE]
//
// Each program: 0-15 scheduler bytes, then 1-48 records, each a known tag
// (uniform) and uniform operand bytes (resource operands are indices taken
// modulo the live count, so every record means something). The programs are
// a pure function of the seed (SplitMix64); only the stop time reads the
// clock. On a finding: the `ndisconf-violation:` line, the program's text,
// `random-walk: programs=K` on stderr, the input written to FILE if given,
// exit 1. At the time limit: `random-walk: programs=K`, exit 0. Exit 2 on a
// bad argument or an unknown NDISCONF_IMPL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_text.h"
#include "fuzz/program_tools.h"
#include "reference/nic/splitmix64.h"

namespace {

std::vector<uint8_t> RandomProgram(ndisconf::nic::SplitMix64& rng) {
  std::vector<uint8_t> p;
  const size_t schedule = rng.Below(16);
  p.push_back(static_cast<uint8_t>(schedule));
  for (size_t i = 0; i < schedule; ++i) p.push_back(static_cast<uint8_t>(rng.Next()));
  const size_t records = rng.InRange(1, 48);
  for (size_t r = 0; r < records; ++r) {
    const auto tag = static_cast<uint8_t>(rng.Below(ndisconf::fuzz::kAfOpCount));
    p.push_back(tag);
    const size_t k = ndisconf::fuzz::AfOpOperands(*ndisconf::fuzz::AfOpForTag(tag));
    for (size_t j = 0; j < k; ++j) p.push_back(static_cast<uint8_t>(rng.Next()));
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  ndisconf::fuzz::RandomWalk walk;
  walk.tool = "af_lifecycle_random_walk";
  walk.program = RandomProgram;
  walk.run = [](const std::vector<uint8_t>& p) -> std::optional<ndisconf::fuzz::WalkVerdict> {
    const std::optional<ndisconf::fuzz::AfLifecycleOutcome> o =
        ndisconf::fuzz::RunAfLifecycleInput(p.data(), p.size());
    if (!o) return std::nullopt;
    return ndisconf::fuzz::WalkVerdict{o->first_rule, o->first_check, o->first_message,
                                       o->first_event};
  };
  walk.describe = [](const std::vector<uint8_t>& p) {
    return ndisconf::fuzz::PrintAfProgram(p.data(), p.size());
  };
  return ndisconf::fuzz::RandomWalkMain(argc, argv, walk);
}
