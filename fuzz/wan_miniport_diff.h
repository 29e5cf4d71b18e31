// fuzz/wan_miniport_diff.h: what makes two WAN miniports' runs of one
// program differ in a way the spec does not allow.
//
// The differential target (wan_miniport_diff_fuzz_test.cc) runs each
// program (wan_miniport_program.h) against the implementation under test
// and against the reference, and compares what the rest of the stack
// observed: NDISWAN's requests and how they ended, and per call its
// LINECALLSTATE milestones and its links (line-ups, line-downs, fragments
// and their error bits, receives, sends completed). It compares the set of
// outcomes the spec allows, not the reference's one choice:
//   - a required request's final status (WAN-081): success against
//     success, any failure against any failure (the spec gives each OID
//     several failure codes); an optional one (ACCEPT, ANSWER, ...) may
//     succeed on one and be declined on the other (WAN-080); whether it was
//     pended or finished at once is not compared;
//   - call states: only the milestones every miniport must indicate
//     (OFFERING, CONNECTED, DISCONNECTED, IDLE), in order; the optional
//     ones (DIALING, PROCEEDING, RINGBACK, ...) and repeats are ignored;
//   - links: counts, never handle values, timing or the order of links.
// Parameter updates (WAN-032, a MAY) are not compared, nor are sends: how
// many NDISWAN passes down at once is the send window the miniport chose
// (WAN-096). Calls come first (a missing line-up or state is the cause of
// most later differences), then requests, then the number of calls.
#ifndef NDISCONF_FUZZ_WAN_MINIPORT_DIFF_H_
#define NDISCONF_FUZZ_WAN_MINIPORT_DIFF_H_

#include <optional>
#include <string>

#include "fuzz/wan_miniport_program.h"

namespace ndisconf::fuzz {

struct Divergence {
  std::string rule;  // the catalog rule the difference breaks
  std::string what;  // "call 0: the reference indicated CONNECTED, the implementation did not"
};

// The first difference between `reference`'s and `impl`'s outcome of one
// program, or nullopt.
std::optional<Divergence> FirstDivergence(const WanMiniportOutcome& reference,
                                          const WanMiniportOutcome& impl);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_MINIPORT_DIFF_H_
