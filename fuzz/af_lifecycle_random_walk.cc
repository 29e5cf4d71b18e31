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
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_text.h"
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

int Usage() {
  std::fputs("usage: af_lifecycle_random_walk --seed=N --max_total_time=SECONDS [--out=FILE]\n",
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
  ndisconf::nic::SplitMix64 rng(*seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*seconds);
  uint64_t programs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::vector<uint8_t> p = RandomProgram(rng);
    const std::optional<ndisconf::fuzz::AfLifecycleOutcome> o =
        ndisconf::fuzz::RunAfLifecycleInput(p.data(), p.size());
    if (!o) return 2;  // the message naming the implementations is out
    ++programs;
    if (o->first_rule.empty()) continue;
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o->first_rule.c_str(),
                 o->first_check.c_str(), static_cast<unsigned long long>(o->first_event),
                 o->first_message.c_str());
    const std::string text = ndisconf::fuzz::PrintAfProgram(p.data(), p.size());
    std::fputs(text.c_str(), stderr);
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
