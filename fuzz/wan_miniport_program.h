// fuzz/wan_miniport_program.h: a program that drives a WAN miniport from
// both of its edges, run on a new stack; shared by the wan_miniport fuzz
// target (the monitor is the oracle) and wan_miniport_diff (the reference
// miniport is).
//
// A program: a byte n, then n bytes for the model's scheduler
// (ndis::ByteChooser), then records, each a tag byte and its operands; a
// record cut short by the end of the input is dropped, and a tag with no
// entry is skipped (one byte). The line is opened first (PROVIDER_INITIALIZE,
// OPEN of line 0). Calls are numbered in the order they appear: MAKE_CALL's
// and those the miniport offers with LINE_NEWCALL; `c` picks one (c mod
// count).
//   0 PUMP n          (n mod 16) + 1 ticks of NIC time, settling after each
//   1 MAKE_CALL       dial "5551234" on the line
//   2 GET_ID c        OID_TAPI_GET_ID("ndis") on call c
//   3 DROP c
//   4 CLOSE_CALL c
//   5 MEDIA m         SET_DEFAULT_MEDIA_DETECTION: bit 0 digital data,
//                     bit 1 data modem
//   6 INCOMING ch b   the peer calls channel ch mod 2, bearer b mod 3
//   7 ANSWER c
//   8 HANGUP ch       the peer hangs up on channel ch mod 2
//   9 FRAME ch len    the peer sends (len mod 64) + 1 bytes on channel ch mod 2
//  10 SEND c len      the protocol sends (len mod 64) + 1 bytes on call c's
//                     link, if it has one
//  11 FAULT n ...     the next n mod 32 bytes, decoded as a fault plan
//                     (nic::FaultPlanFromBytes, 2 channels): each fault is
//                     injected now
//  12 CLOSE_LINE      OID_TAPI_CLOSE, then OPEN again
//  13 ACCEPT c
#ifndef NDISCONF_FUZZ_WAN_MINIPORT_PROGRAM_H_
#define NDISCONF_FUZZ_WAN_MINIPORT_PROGRAM_H_

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"

namespace ndisconf::fuzz {

// What NDISWAN (the reference, above the miniport) saw of one call.
struct WanCallObservation {
  // The call's LINECALLSTATE_* milestones in order (OFFERING, CONNECTED,
  // DISCONNECTED, IDLE), a repeat of the previous one dropped: the states
  // a miniport must indicate. The others (DIALING, PROCEEDING, ...) are
  // optional, so they are not compared.
  std::vector<ULONG> milestones;
  uint32_t line_ups = 0;      // links NDISWAN accepted for the call
  uint32_t line_downs = 0;    // of those, links taken down
  uint64_t fragments = 0;     // fragment indications on its links
  ULONG fragment_errors = 0;  // OR of their Errors
  uint64_t receives = 0;      // receives on its links
};

// A TAPI or WAN request NDISWAN made, and how it ended.
struct WanRequestObservation {
  NDIS_OID oid = 0;
  bool succeeded = false;  // final status NDIS_STATUS_SUCCESS
};

struct WanMiniportOutcome {
  // The monitor's first violation that counts (fuzz/ignored_rules.h); empty
  // rule when none.
  std::string first_rule, first_check, first_message;
  uint64_t first_event = 0;
  // What the rest of the stack observed, for the differential target.
  std::vector<WanRequestObservation> requests;
  std::vector<WanCallObservation> calls;  // in call order (see above)
  bool built = false;                     // the topology came up
};

// Runs `data` as a program against `impl`'s WAN miniport (a plugged-in
// wan_miniport, or its Wmp), NDISWAN and protocol, on a new stack, with
// `monitor` (reset first and last) watching.
WanMiniportOutcome RunWanMiniportProgram(const conformance::Implementation& impl,
                                         const uint8_t* data, size_t size,
                                         monitor::Monitor& monitor);

// NDISCONF_IMPL's implementation once NDISCONF_IGNORE_RULES and
// NDISCONF_EXPECTATIONS parsed; nullptr (the reason on stderr, prefixed
// `target`) when any is bad.
const conformance::Implementation* WanMiniportImplementation(const char* target);

// One monitor for every run of the process (its construction is most of the
// cost of a short input); RunWanMiniportProgram resets it.
monitor::Monitor& SharedMonitor();

// A fuzz target's input: runs `data` against NDISCONF_IMPL's implementation
// (WanMiniportImplementation(target); exit 2 when the environment is bad)
// and, on a monitor violation that counts, prints
//   ndisconf-violation: <RULE-ID> check=<check> event=<N>
// and the message, then aborts. Otherwise returns the outcome.
WanMiniportOutcome RunSelectedOrAbort(const char* target, const uint8_t* data, size_t size);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_MINIPORT_PROGRAM_H_
