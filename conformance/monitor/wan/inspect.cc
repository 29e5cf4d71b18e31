// What the monitor knows of an NDIS 5.1 WAN object, and what the rules let
// happen to it next (Monitor::Inspect, which trace_check prints under the
// first violation): a link by its NdisLinkContext, a TAPI call by its htCall
// (or the miniport's hdCall), a TAPI line by its htLine (or hdLine), and a
// WAN adapter by its MiniportAdapterHandle (spec 2.7-2.9, sections 4.4-4.6;
// the W-rules each line names).
#include <ndistapi.h>

#include <string>
#include <vector>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

namespace {

const char* CallStateName(uint32_t s) {
  switch (s) {
    case LINECALLSTATE_IDLE:
      return "IDLE";
    case LINECALLSTATE_OFFERING:
      return "OFFERING";
    case LINECALLSTATE_ACCEPTED:
      return "ACCEPTED";
    case LINECALLSTATE_DIALTONE:
      return "DIALTONE";
    case LINECALLSTATE_DIALING:
      return "DIALING";
    case LINECALLSTATE_RINGBACK:
      return "RINGBACK";
    case LINECALLSTATE_BUSY:
      return "BUSY";
    case LINECALLSTATE_CONNECTED:
      return "CONNECTED";
    case LINECALLSTATE_PROCEEDING:
      return "PROCEEDING";
    case LINECALLSTATE_DISCONNECTED:
      return "DISCONNECTED";
    case 0:
      return "no LINE_CALLSTATE yet";
    default:
      return "another LINECALLSTATE";
  }
}

Monitor::ObjectView LinkView(const wan::Link& l, uint64_t lc) {
  const std::string h = Hex(lc);
  Monitor::ObjectView v{"WAN link", l.up ? "UP" : "DOWN", {}};
  if (!l.up) return v;  // WAN-043: the context is no longer used
  v.state += ", " + std::to_string(l.outstanding) + " send(s) outstanding of a window of " +
             std::to_string(l.window);
  if (l.outstanding > 0)
    v.next.push_back("the miniport calls NdisMWanSendComplete for each outstanding send (WAN-031)");
  v.next.push_back(
      "NDISWAN calls MiniportWanSend with the link's NdisLinkHandle, while fewer "
      "than SendWindow sends are outstanding (WAN-031)");
  v.next.push_back("the miniport calls NdisMWanIndicateReceive(NdisLinkContext=" + h +
                   ") for a frame received (WAN-025)");
  v.next.push_back("the miniport indicates NDIS_STATUS_WAN_FRAGMENT naming " + h +
                   " for a partial frame (WAN-050, WAN-051)");
  v.next.push_back(
      "the miniport indicates NDIS_STATUS_WAN_LINE_UP again with NdisLinkContext=" + h +
      " and the same NdisLinkHandle, to change SendWindow, LinkSpeed or Quality "
      "(WAN-028, WAN-032)");
  v.next.push_back("the miniport indicates NDIS_STATUS_WAN_LINE_DOWN naming " + h +
                   " when the link goes down, and uses the context no more (WAN-040, WAN-043)");
  return v;
}

// `getid`: the miniport is now handling an OID_TAPI_GET_ID for this call.
Monitor::ObjectView CallView(const wan::Call& c, uint64_t ht, bool getid) {
  const std::string h = Hex(ht);
  std::string state = c.closed        ? "CLOSED"
                      : c.provisional ? "MAKE_CALL pending"
                                      : CallStateName(c.state);
  if (!c.closed && c.lc != 0) state += ", lined up (NdisLinkContext " + Hex(c.lc) + ")";
  Monitor::ObjectView v{"TAPI call", state, {}};
  if (c.closed) return v;  // WAN-086: htCall is no longer valid
  if (c.provisional) {
    v.next.push_back("the miniport completes OID_TAPI_MAKE_CALL for htCall " + h + " (WAN-084)");
    return v;
  }
  if (getid && c.lc == 0)
    v.next.push_back(
        "the miniport lines the call up (NDIS_STATUS_WAN_LINE_UP with "
        "NdisLinkContext zero) before it completes the OID_TAPI_GET_ID it is "
        "handling (WAN-021, WAN-023, WAN-034)");
  if (c.drop_owes_idle)
    v.next.push_back("the miniport indicates LINE_CALLSTATE IDLE for htCall " + h +
                     ", which OID_TAPI_DROP owes (WAN-085)");
  switch (c.state) {
    case LINECALLSTATE_IDLE:
      v.next.push_back("NDISTAPI sends OID_TAPI_CLOSE_CALL, which cannot fail (WAN-086)");
      break;
    case LINECALLSTATE_CONNECTED:
      v.next.push_back(
          "NDISTAPI sends OID_TAPI_GET_ID with LINECALLSELECT_CALL; the first one "
          "lines the call up before it completes (WAN-021, WAN-034, WAN-070)");
      v.next.push_back(
          "the miniport indicates LINE_CALLSTATE DISCONNECTED when the remote end "
          "hangs up (WAN-087)");
      v.next.push_back("NDISTAPI sends OID_TAPI_DROP (WAN-085) or OID_TAPI_CLOSE_CALL (WAN-086)");
      break;
    case LINECALLSTATE_DISCONNECTED:
      v.next.push_back(
          "NDISTAPI sends OID_TAPI_DROP then OID_TAPI_CLOSE_CALL, or CLOSE_CALL "
          "alone (WAN-087)");
      break;
    case LINECALLSTATE_OFFERING:
    case LINECALLSTATE_ACCEPTED:
      v.next.push_back(
          "NDISTAPI sends OID_TAPI_ACCEPT or OID_TAPI_ANSWER, or the miniport "
          "indicates IDLE when the offer is withdrawn (WAN-091)");
      v.next.push_back(
          "the miniport indicates LINE_CALLSTATE CONNECTED once answered, after "
          "the line-up (WAN-022, WAN-064)");
      break;
    default:
      v.next.push_back(
          "the miniport indicates each change of the call's state with "
          "LINE_CALLSTATE: CONNECTED, after the line-up, or DISCONNECTED or IDLE "
          "(WAN-022, WAN-064)");
      v.next.push_back("NDISTAPI sends OID_TAPI_DROP (WAN-085) or OID_TAPI_CLOSE_CALL (WAN-086)");
      break;
  }
  return v;
}

Monitor::ObjectView LineView(const wan::Line& l, uint64_t ht) {
  const std::string state = l.closed ? "CLOSED" : l.open ? "OPEN" : "OPEN pending";
  Monitor::ObjectView v{"TAPI line", state, {}};
  if (l.closed) return v;  // WAN-088: requests naming it fail from now on
  if (!l.open) {
    v.next.push_back("the miniport completes OID_TAPI_OPEN for htLine " + Hex(ht) + " (WAN-083)");
    return v;
  }
  v.next.push_back(
      "NDISTAPI sends OID_TAPI_MAKE_CALL (WAN-084), OID_TAPI_SET_DEFAULT_MEDIA_"
      "DETECTION (WAN-063) or OID_TAPI_SET_STATUS_MESSAGES (WAN-065) on the line");
  v.next.push_back(
      "the miniport indicates LINE_NEWCALL for an incoming call of a detected "
      "media mode (WAN-062, WAN-063)");
  v.next.push_back(
      "NDISTAPI sends OID_TAPI_CLOSE, which cannot fail, ending its calls first "
      "(WAN-088)");
  return v;
}

// `locks`: how many spin locks the adapter's driver holds now.
Monitor::ObjectView AdapterView(const wan::Adapter& a, uint32_t locks) {
  std::string state = a.halted ? "HALTED" : "RUNNING";
  Monitor::ObjectView v{"WAN adapter", state, {}};
  if (a.halted) return v;
  if (a.bracket_open) {
    v.state += ", a status bracket open since event " + std::to_string(a.bracket_since);
    v.next.push_back("the miniport calls NdisMIndicateStatusComplete (WAN-010)");
  }
  if (a.query.active) {
    v.state += ", a query of OID " + Hex(a.query.oid) + " outstanding";
    v.next.push_back("the miniport completes the query of OID " + Hex(a.query.oid) +
                     " with NdisMQueryInformationComplete" +
                     (a.query.g.calls_for_line_up ? ", after the call's line-up (WAN-074)" : ""));
  }
  if (a.set.active) {
    v.state += ", a set of OID " + Hex(a.set.oid) + " outstanding";
    v.next.push_back("the miniport completes the set of OID " + Hex(a.set.oid) +
                     " with NdisMSetInformationComplete");
  }
  if (locks > 0) {
    v.state += ", its driver holding " + std::to_string(locks) + " spin lock(s)";
    v.next.push_back(
        "the miniport releases its spin locks (NdisReleaseSpinLock, "
        "NdisDprReleaseSpinLock) before it indicates status or completes a bracket "
        "(WAN-003)");
  }
  v.next.push_back(
      "the miniport indicates status with NdisMIndicateStatus, from its DPC or "
      "a request handler, holding no spin lock (WAN-002, WAN-003, WAN-004)");
  return v;
}

}  // namespace

std::optional<Monitor::ObjectView> Monitor::State::InspectWan(uint64_t handle) const {
  // Whether the call's adapter is handling an OID_TAPI_GET_ID for it.
  auto getid = [&](const wan::Call& c) {
    auto it = wan_adapters.find(c.adapter);
    if (it == wan_adapters.end()) return false;
    const wan::Req& q = it->second.query;
    return q.active && q.oid == OID_TAPI_GET_ID && q.g.decoded && q.g.hd_call == c.hd_call;
  };
  if (auto it = links.find(handle); it != links.end()) return LinkView(it->second, handle);
  if (auto it = calls.find(handle); it != calls.end())
    return CallView(it->second, handle, getid(it->second));
  if (auto it = lines.find(handle); it != lines.end()) return LineView(it->second, handle);
  if (auto it = wan_adapters.find(handle); it != wan_adapters.end()) {
    const ActorId actor = it->second.actor;
    return AdapterView(it->second, actor < locks_held.size() ? locks_held[actor] : 0);
  }
  // The miniport's own handles (hdCall, hdLine), which the TAPI rules also
  // name: the call or line whose handle it is.
  for (const auto& [ht, c] : calls)
    if (c.hd_call == handle && !c.closed) return CallView(c, ht, getid(c));
  for (const auto& [ht, l] : lines)
    if (l.hd_line == handle && !l.closed) return LineView(l, ht);
  return std::nullopt;
}

}  // namespace ndisconf::monitor
