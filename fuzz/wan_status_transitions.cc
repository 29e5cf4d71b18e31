// fuzz/wan_status_transitions.cc: the transition table (see the header).
#include "fuzz/wan_status_transitions.h"

#include <array>

namespace ndisconf::fuzz {
namespace {

using T = WanTransition;
constexpr std::array<WanTransitionInfo, kWanTransitionCount> kTable = {{
    {T::kLineUpInitial, "link none --LINE_UP(initial)--> up", true, "2.7 L2; WAN-020, WAN-024"},
    {T::kLineUpDuplicate, "link up --LINE_UP(initial, same NdisLinkHandle)--> rejected", true,
     "WAN-028: one link per NdisLinkHandle"},
    {T::kLineUpUpdate, "link up --LINE_UP(live context)--> up (parameters updated)", true,
     "2.7 L4; WAN-032"},
    {T::kLineUpHandleMismatch, "link up --LINE_UP(live context, other NdisLinkHandle)--> rejected",
     true, "WAN-028, WAN-032"},
    {T::kLineUpUnknownContext, "link unknown --LINE_UP(context naming no link)--> rejected", true,
     "WAN-023, OQ-25"},
    {T::kLineUpStaleContext, "link down --LINE_UP(stale context)--> rejected", true,
     "WAN-043, OQ-25"},
    {T::kLineUpMalformed, "LINE_UP with a NULL or short buffer --> rejected", true, "WAN-100"},
    {T::kLineDownUp, "link up --LINE_DOWN--> down", true, "2.7 L6; WAN-040"},
    {T::kLineDownDown, "link down --LINE_DOWN--> rejected", true, "WAN-043, WAN-101"},
    {T::kLineDownUnknown, "link unknown --LINE_DOWN--> rejected", true, "WAN-101"},
    {T::kLineDownMalformed, "LINE_DOWN with a NULL or short buffer --> rejected", true, "WAN-100"},
    {T::kFragmentUp, "link up --FRAGMENT--> up (counted)", true, "2.7 L5; WAN-050, WAN-052"},
    {T::kFragmentDown, "link down --FRAGMENT--> rejected (not counted)", true, "WAN-043, WAN-052"},
    {T::kFragmentUnknown, "link unknown --FRAGMENT--> rejected (not counted)", true,
     "WAN-052, WAN-101"},
    {T::kFragmentMalformed, "FRAGMENT with a NULL or short buffer --> rejected", true, "WAN-100"},
    {T::kTapiAccepted, "TAPI_INDICATION --> delivered to NDISTAPI", true, "5.15; WAN-060"},
    {T::kTapiUnknownLine, "TAPI_INDICATION(htLine of no open line) --> rejected", true, "WAN-061"},
    {T::kTapiUnknownCall, "TAPI_INDICATION(htCall of no live call) --> rejected", true, "WAN-061"},
    {T::kTapiUnknownMessage, "TAPI_INDICATION(unknown ulMsg) --> rejected", true, "WAN-068"},
    {T::kTapiBadNewCall, "TAPI_INDICATION(LINE_NEWCALL, htCall or ulParam2 set) --> rejected", true,
     "WAN-062"},
    {T::kTapiMalformed, "TAPI_INDICATION with a NULL or short buffer --> rejected", true,
     "WAN-100, WAN-102"},
    {T::kTapiNotProvider, "TAPI_INDICATION from an adapter that is no TAPI provider --> rejected",
     false, "WAN-095; unreachable: the harness's only WAN miniport registers as a TAPI provider"},
    {T::kOtherStatusIgnored, "other status --> ignored by NDISWAN", true, "WAN-006, WAN-007"},
    {T::kRefusedUnderSpinLock, "status with a spin lock held --> refused by NDIS", true, "WAN-003"},
    {T::kBracketOpen, "bracket quiet --STATUS--> open", true, "2.9; WAN-001"},
    {T::kBracketStatusAgain, "bracket open --STATUS--> open", true, "2.9; WAN-010"},
    {T::kBracketClose, "bracket open --COMPLETE--> quiet", true, "2.9; WAN-011"},
    {T::kBracketCompleteQuiet, "bracket quiet --COMPLETE--> quiet", true, "2.9; WAN-011"},
    {T::kGetIdSyncLineUp, "call without link --GET_ID(sync)--> line-up before the return", true,
     "2.7 L1-L3; WAN-021, WAN-026, WAN-034(a)"},
    {T::kGetIdSyncNoLineUp, "call with a link --GET_ID(sync) again--> no new line-up", true,
     "WAN-034"},
    {T::kGetIdFailed, "dropped or freed call --GET_ID--> failure", true, "2.8 T11/T13; WAN-086"},
    {T::kGetIdPendedLineUp, "call without link --GET_ID(PENDING)--> line-up before the completion",
     false,
     "WAN-021, WAN-074; unreachable: the harness's WMP completes GET_ID synchronously "
     "(WmpConfig::get_id), and the input grammar has no selector for it"},
    {T::kDropLive, "live call --DROP--> idle", true, "2.8 T11; WAN-085"},
    {T::kDropFreed, "freed call --DROP--> failure", true, "2.8 T14; WAN-086"},
    {T::kCloseCallLive, "live call --CLOSE_CALL--> freed", true, "2.8 T13; WAN-086"},
    {T::kCloseCallFreed, "freed call --CLOSE_CALL--> failure", true, "WAN-086"},
    {T::kMakeCall, "open line --MAKE_CALL--> new call", true, "2.8 T7; WAN-084"},
}};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kTable.size(); ++i)
    if (static_cast<size_t>(kTable[i].id) != i) return false;
  return true;
}
static_assert(InEnumOrder(), "kTable lists every transition in enum order");

}  // namespace

std::span<const WanTransitionInfo> WanTransitions() { return kTable; }

}  // namespace ndisconf::fuzz
