// Rule family "tapi_indication" (spec 5.15, WAN-060 ... WAN-065): an
// NDIS_STATUS_TAPI_INDICATION carries a whole NDIS_TAPI_EVENT (WAN-102
// layouts) naming an open line and, for call messages, a live call of it;
// LINE_NEWCALL gets its htCall from NDISTAPI and is followed by a
// LINE_CALLSTATE; incoming calls and line/address state messages only as the
// line enabled them.
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Bytes;
using wan::Call;
using wan::Line;

// NDIS_STATUS_TAPI_INDICATION: an NDIS_TAPI_EVENT about an open line and,
// for call messages, a live call of it.
void Monitor::State::TapiIndicationCall(const Event& e, Adapter& ad, uint64_t mh, Bytes b,
                                        Frame& f) {
  const spec::wan::TapiEventLayout layout = profile.wan_tapi_event_ulong_params
                                                ? spec::wan::TapiEventLayout::kCompatUlong
                                                : spec::wan::TapiEventLayout::kUlongPtr;
  const spec::wan::Decoded<spec::wan::TapiEvent> ev = spec::wan::DecodeTapiEvent(b, layout);
  if (!ev.ok()) {
    Report(kW060, e.index, mh,
           "NDIS_STATUS_TAPI_INDICATION with StatusBufferSize " + std::to_string(f.len) +
               "; NDIS_TAPI_EVENT needs " + std::to_string(ev.error().needed));
    return;
  }
  const uint64_t ht_line = ev->ht_line;
  const uint64_t ht_call = ev->ht_call;
  const uint32_t msg = ev->msg;
  const uint64_t p1 = ev->param1;
  const uint64_t p2 = ev->param2;
  const uint64_t p3 = ev->param3;
  ad.tapi_seen = true;
  if (ad.wan_info_known && !ad.tapi_provider)
    ReportWanWrapper(e, ad, mh,
                     "NDIS_STATUS_TAPI_INDICATION from an adapter whose OID_WAN_GET_INFO "
                     "FramingBits lack TAPI_PROVIDER");
  Line* line = FindLine(ht_line);
  if (line == nullptr || line->closed || line->adapter != mh) {
    Report(kW061, e.index, ht_line,
           "TAPI message " + std::to_string(msg) + " names htLine " + Hex(ht_line) +
               ", which is not an open line of this adapter");
    return;
  }
  auto call_msg = [&](const char* name) -> Call* {
    Call* c = FindCall(ht_call);
    if (c == nullptr || c->closed || c->adapter != mh || c->ht_line != ht_line) {
      Report(kW061, e.index, ht_call,
             std::string(name) + " names htCall " + Hex(ht_call) +
                 ", which is not a live call of line " + Hex(ht_line));
      return nullptr;
    }
    return c;
  };
  switch (msg) {
    case LINE_NEWCALL: {
      if (ht_call != 0 || p2 != 0 || p3 != 0)
        Report(kW062, e.index, p1,
               "LINE_NEWCALL with htCall " + Hex(ht_call) + ", ulParam2 " + Hex(p2) +
                   ", ulParam3 " + Hex(p3) + "; all must be 0");
      if (line->media_modes == 0)
        Report(kW063, e.index, ht_line,
               "LINE_NEWCALL on line " + Hex(ht_line) +
                   ", which has no default media detection set (outbound only)");
      CheckNewCallHdCall(e, mh, p1);
      f.newcall = true;
      f.newcall_asks = ht_call == 0 && p2 == 0;
      f.newcall_hd_call = p1;
      f.newcall_ht_line = ht_line;
      f.p2_off = spec::wan::TapiEventParam(layout, 2).offset;
      f.p2_size = spec::wan::TapiEventParam(layout, 2).width;
      return;
    }
    case LINE_CALLSTATE: {
      Call* c = call_msg("LINE_CALLSTATE");
      if (c == nullptr) return;
      f.has_effect = true;  // CallStateApply, once NDIS passes it on
      f.effect_obj = ht_call;
      f.effect_value = static_cast<uint32_t>(p1);
      if (p1 == LINECALLSTATE_CONNECTED) CheckConnectedAfterLineUp(e, *c, ht_call);
      if (p1 == LINECALLSTATE_OFFERING && c->from_newcall && p3 != 0 &&
          (p3 & ~uint64_t{line->media_modes}) != 0)
        Report(kW063, e.index, ht_call,
               "incoming call offered with media mode " + Hex(p3) + " outside the line's " +
                   Hex(line->media_modes));
      return;
    }
    case LINE_CALLINFO:
    case LINE_CALLDEVSPECIFIC: {
      Call* c = call_msg(msg == LINE_CALLINFO ? "LINE_CALLINFO" : "LINE_CALLDEVSPECIFIC");
      if (c != nullptr && c->from_newcall && !c->saw_callstate)
        Report(kW062, e.index, ht_call,
               "call message " + std::to_string(msg) + " for htCall " + Hex(ht_call) +
                   " before the LINE_CALLSTATE that must follow LINE_NEWCALL");
      return;
    }
    case LINE_LINEDEVSTATE: {
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_LINEDEVSTATE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      const uint64_t off = p1 & ~uint64_t{line->line_states | LINEDEVSTATE_REINIT};
      if (off != 0)
        Report(kW065, e.index, ht_line,
               "LINE_LINEDEVSTATE " + Hex(p1) + " with states " + Hex(off) +
                   " not enabled by OID_TAPI_SET_STATUS_MESSAGES (enabled " +
                   Hex(line->line_states) + ")");
      return;
    }
    case LINE_ADDRESSSTATE: {
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_ADDRESSSTATE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      const uint64_t off = p2 & ~uint64_t{line->address_states};
      if (off != 0)
        Report(kW065, e.index, ht_line,
               "LINE_ADDRESSSTATE " + Hex(p2) + " with states " + Hex(off) +
                   " not enabled by OID_TAPI_SET_STATUS_MESSAGES (enabled " +
                   Hex(line->address_states) + ")");
      return;
    }
    case LINE_CLOSE:
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_CLOSE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      return;
    default:
      return;
  }
}

// A LINE_CALLSTATE NDIS passed on: NDISTAPI knows the call's new state
// (an IDLE settles a DROP, WAN-085). One NDIS refused told it nothing.
void Monitor::State::CallStateApply(const Frame& f) {
  Call* c = FindCall(f.effect_obj);
  if (c == nullptr || c->closed || c->adapter != f.adapter) return;
  c->saw_callstate = true;
  c->state = f.effect_value;
  c->since = f.index;
  if (f.effect_value == LINECALLSTATE_IDLE) {
    c->drop_owes_idle = false;
    c->idle_since_drop = true;
  }
}

// After LINE_NEWCALL: NDISTAPI wrote the new call's htCall into ulParam2
// (WAN-062), and the call exists.
void Monitor::State::NewCallReturn(const Event& e, uint64_t mh, Bytes after, Frame& f) {
  const bool forwarded = f.nnotified > 0;
  if (!forwarded || !after.Has(f.p2_off, f.p2_size)) return;
  const uint64_t ht = f.p2_size == 8 ? after.U64(f.p2_off) : after.U32(f.p2_off);
  if (!f.newcall_asks) {
    // The miniport broke WAN-062 (reported at the call). NDISTAPI owes it
    // nothing: a ulParam2 left as it came (or 0) is a refusal, and only a
    // handle it wrote there is a call.
    const Bytes before = wan::View(Buf(f).blob, f.blob_len, f.len);
    if (!before.Has(f.p2_off, f.p2_size)) return;
    const uint64_t in = f.p2_size == 8 ? before.U64(f.p2_off) : before.U32(f.p2_off);
    if (ht == 0 || ht == in) return;
  } else if (ht == 0) {
    Report(kW062Write, e.index, f.newcall_hd_call,
           "LINE_NEWCALL for hdCall " + Hex(f.newcall_hd_call) +
               " returned with ulParam2 (htCall) still 0");
    return;
  }
  Call& c = calls[ht];
  c = Call{};
  c.adapter = mh;
  c.ht_line = f.newcall_ht_line;
  c.hd_call = f.newcall_hd_call;
  c.provisional = false;
  c.from_newcall = true;
  c.since = e.index;
  call_by_hd[Key{mh, f.newcall_hd_call}] = ht;
}

void Monitor::State::CheckNewCallGotCallState(const Event& e, const Call& c, uint64_t ht) {
  if (c.from_newcall && !c.saw_callstate)
    Report(kW062, e.index, ht,
           "call " + Hex(ht) + " from LINE_NEWCALL closed without any LINE_CALLSTATE");
}

void Monitor::State::TapiIndicationFinish() {
  for (const auto& [ht, c] : calls) {
    if (c.closed) continue;
    if (c.from_newcall && !c.saw_callstate)
      Report(kW062, c.since, ht,
             "call " + Hex(ht) + " from LINE_NEWCALL never got a LINE_CALLSTATE");
  }
}

}  // namespace ndisconf::monitor
