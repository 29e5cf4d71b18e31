// fuzz/wan_status_transitions.h: the (state, event, outcome) transitions of
// the WAN state machines of the spec that the wan_status target can drive,
// as the runner records them from the events of a run (not from the input
// bytes): the link machine per NdisLinkContext (spec 2.7), the TAPI call and
// OID_TAPI_GET_ID ordering (2.7 L1-L3, 2.8), NDISWAN's handling of TAPI
// indications (5.15) and the status bracket per adapter (2.9).
//
// The numbering is part of nothing persistent (a run's set is a bitmask);
// the names are what `wan_status_transitions --missing` prints.
#ifndef NDISCONF_FUZZ_WAN_STATUS_TRANSITIONS_H_
#define NDISCONF_FUZZ_WAN_STATUS_TRANSITIONS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ndisconf::fuzz {

enum class WanTransition : uint8_t {
  // Link machine (spec 2.7), on an NdisMIndicateStatus by the WMP.
  kLineUpInitial,         // none --LINE_UP(ctx NULL)--> up                  L2, WAN-024
  kLineUpDuplicate,       // up --initial LINE_UP, same NdisLinkHandle--> rejected  WAN-028
  kLineUpUpdate,          // up --LINE_UP(ctx, same handle)--> up, updated   L4, WAN-032
  kLineUpHandleMismatch,  // up --LINE_UP(ctx, other handle)--> rejected     WAN-028
  kLineUpUnknownContext,  // unknown --LINE_UP(ctx naming no link)--> rejected  WAN-023, OQ-25
  kLineUpStaleContext,    // down --LINE_UP(stale ctx)--> rejected           WAN-043, OQ-25
  kLineUpMalformed,       // LINE_UP, NULL or short buffer --> rejected      WAN-100
  kLineDownUp,            // up --LINE_DOWN--> down                          L6, WAN-040
  kLineDownDown,          // down --LINE_DOWN--> rejected                    WAN-043, WAN-101
  kLineDownUnknown,       // unknown --LINE_DOWN--> rejected                 WAN-101
  kLineDownMalformed,     // LINE_DOWN, NULL or short buffer --> rejected    WAN-100
  kFragmentUp,            // up --FRAGMENT--> up, counted                    L5, WAN-052
  kFragmentDown,          // down --FRAGMENT--> rejected, not counted        WAN-043, WAN-052
  kFragmentUnknown,       // unknown --FRAGMENT--> rejected, not counted     WAN-052, WAN-101
  kFragmentMalformed,     // FRAGMENT, NULL or short buffer --> rejected     WAN-100
  // TAPI indications (spec 2.8, 5.16), on an NDIS_STATUS_TAPI_INDICATION.
  kTapiAccepted,        // delivered to NDISTAPI                           WAN-060
  kTapiUnknownLine,     // htLine names no open line --> rejected         WAN-061
  kTapiUnknownCall,     // htCall names no live call --> rejected         WAN-061
  kTapiUnknownMessage,  // ulMsg not a WAN-068 message --> rejected       WAN-068
  kTapiBadNewCall,      // LINE_NEWCALL with htCall/ulParam2 set --> rejected  WAN-062
  kTapiMalformed,       // NULL or short NDIS_TAPI_EVENT --> rejected     WAN-102
  kTapiNotProvider,     // from an adapter without TAPI_PROVIDER          WAN-095
  // Any other status, and the model's own refusal.
  kOtherStatusIgnored,    // NDISWAN does not act on it                     WAN-006, WAN-007
  kRefusedUnderSpinLock,  // NDIS refuses a call with a spin lock held      WAN-003
  // Status bracket per adapter (spec 2.9).
  kBracketOpen,           // quiet --STATUS--> open                         WAN-001
  kBracketStatusAgain,    // open --STATUS--> open                          WAN-010
  kBracketClose,          // open --COMPLETE--> quiet                       WAN-011
  kBracketCompleteQuiet,  // quiet --COMPLETE--> quiet (no one to notify)   WAN-011
  // OID_TAPI_GET_ID("ndis", CALL) and the call (spec 2.7 L1-L3, 2.8).
  kGetIdSyncLineUp,    // call without link --GET_ID--> line-up, then return  L1-L3, WAN-021
  kGetIdSyncNoLineUp,  // call with a link --GET_ID again--> no line-up   WAN-034
  kGetIdFailed,        // dropped or freed call --GET_ID--> failure       WAN-086
  kGetIdPendedLineUp,  // GET_ID PENDING, line-up before the completion   WAN-021, WAN-074
  kDropLive,           // live call --DROP--> idle                        T11, WAN-085
  kDropFreed,          // freed call --DROP--> failure                    T14, WAN-086
  kCloseCallLive,      // live call --CLOSE_CALL--> freed                 T13, WAN-086
  kCloseCallFreed,     // freed call --CLOSE_CALL--> failure              WAN-086
  kMakeCall,           // line open --MAKE_CALL--> new call               T7, WAN-084
  kCount,
};
inline constexpr size_t kWanTransitionCount = static_cast<size_t>(WanTransition::kCount);
static_assert(kWanTransitionCount <= 64, "a run's transitions are a 64-bit mask");

struct WanTransitionInfo {
  WanTransition id;
  std::string_view name;  // what --missing prints
  bool reachable;         // by the input grammar on this harness
  std::string_view why;   // spec rows and rules; for an unreachable one, why not
};

// Every transition, in enum order.
std::span<const WanTransitionInfo> WanTransitions();

constexpr uint64_t WanTransitionBit(WanTransition t) { return uint64_t{1} << static_cast<int>(t); }

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_STATUS_TRANSITIONS_H_
