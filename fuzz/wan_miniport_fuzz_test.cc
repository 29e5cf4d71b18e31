// Fuzz target: a WAN miniport under test, driven from both of its edges in
// any order (spec 5.10-5.17): from above as NDISTAPI drives it through
// NDISWAN (TAPI requests) and as a protocol sends through NDISWAN, from below
// as the remote end and the line drive it through the software NIC (calls
// offered and hung up, frames, faults), with NIC time and the model's
// scheduler in between. The rule monitor watches every crossing. The
// program format is in fuzz/wan_miniport_program.h.
//
// The miniport is NDISCONF_IMPL's (default: the reference): a driver
// plugged in whole as a wan_miniport (conformance/plugin), which finds the
// NIC through <wan_nic.h>, or the implementation's Wmp. NDISWAN, the
// protocol and the NIC are the implementation's, or the reference's.
//
// An input fails (abort, after the line
//   ndisconf-violation: <RULE-ID> check=<check> event=<N>
// ) on the first monitor violation in event order, after a crash or a
// sanitizer report. A violation of a rule that NDISCONF_IGNORE_RULES or the
// expectations file NDISCONF_EXPECTATIONS names (fuzz/ignored_rules.h) fails
// nothing and ends the judging of the input: what breaks after a known
// failure is taken for its consequence.
//
// Every input runs on a new stack (a plugged-in driver's image is loaded
// afresh, its globals as at start-up), so inputs are independent.
#include <cstdint>
#include <cstdlib>

#include "fuzz/wan_miniport_program.h"

// An unknown NDISCONF_IMPL or a malformed NDISCONF_IGNORE_RULES /
// NDISCONF_EXPECTATIONS stops the run before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (ndisconf::fuzz::WanMiniportImplementation("wan_miniport") == nullptr) std::exit(2);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ndisconf::fuzz::RunSelectedOrAbort("wan_miniport", data, size);
  return 0;
}
