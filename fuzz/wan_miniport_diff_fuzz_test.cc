// Fuzz target, differential: each program (fuzz/wan_miniport_program.h) runs
// against the WAN miniport under test (NDISCONF_IMPL's: a plugged-in one, or
// its Wmp) and against the reference miniport, each on a new stack with the
// reference NDISWAN, protocol and NIC, and what the rest of the stack
// observed is compared over the outcomes the spec allows
// (fuzz/wan_miniport_diff.h). An input fails (abort, after the line
//   ndisconf-divergence: <RULE-ID> <what differs>
// ) on the first difference. The monitor runs too, as in wan_miniport: a
// violation fails the input first (ndisconf-violation), and the known
// failures of NDISCONF_IGNORE_RULES / NDISCONF_EXPECTATIONS are ignored; a
// divergence whose rule is a known failure is ignored too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "conformance/framework/implementation.h"
#include "fuzz/ignored_rules.h"
#include "fuzz/wan_miniport_diff.h"
#include "fuzz/wan_miniport_program.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (ndisconf::fuzz::WanMiniportImplementation("wan_miniport_diff") == nullptr) std::exit(2);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ndisconf;
  const fuzz::WanMiniportOutcome mine = fuzz::RunSelectedOrAbort("wan_miniport_diff", data, size);
  const fuzz::WanMiniportOutcome reference = fuzz::RunWanMiniportProgram(
      *conformance::FindImplementation("reference"), data, size, fuzz::SharedMonitor());
  const std::optional<fuzz::Divergence> d = fuzz::FirstDivergence(reference, mine);
  if (d && !fuzz::IgnoredByEnvironment(d->rule)) {
    std::fprintf(stderr, "ndisconf-divergence: %s %s\n", d->rule.c_str(), d->what.c_str());
    std::abort();
  }
  return 0;
}
