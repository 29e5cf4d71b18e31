// Rule family "line_up" (spec 5.12, WAN-020 ... WAN-037; 2.7): a line-up
// carries a whole NDIS_MAC_LINE_UP; the initial line-up of a link has
// NdisLinkContext NULL and the call's htCall as ConnectionWrapperID, and
// comes inside OID_TAPI_GET_ID where that calls for one (WAN-034); NDISWAN
// writes a new unique context (WAN-024); later line-ups carry the saved
// context and the first NdisLinkHandle (WAN-025, WAN-028). NDISWAN's own
// NDIS_WAN_LINE_UP to protocols (WAN-037) is checked in buffers.cc.
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Bytes;
using wan::Call;
using wan::kLineUpContextOff;
using wan::Link;
using wan::Req;

// NDIS_STATUS_WAN_LINE_UP from a WAN miniport: an initial line-up (L2,
// NdisLinkContext NULL) or a parameter update of an up link (L4).
void Monitor::State::LineUpCall(const Event& e, Adapter& ad, uint64_t mh, Bytes b, Frame& f) {
  const spec::wan::Decoded<spec::wan::MacLineUp> up = spec::wan::DecodeMacLineUp(b);
  if (!up.ok()) {
    Report(kW020, e.index, mh,
           "NDIS_STATUS_WAN_LINE_UP with StatusBufferSize " + std::to_string(f.len) +
               (e.blob_len == 0 ? " and no buffer" : "") + "; NDIS_MAC_LINE_UP needs 40");
    return;
  }
  const uint32_t quality = up->quality;
  const uint16_t window = up->send_window;
  const uint64_t cwid = up->connection_wrapper_id;
  const uint64_t handle = up->link_handle;
  const uint64_t lc = up->link_context;
  if ((profile.wan_strict_quality || Strict()) && quality > NdisWanReliable)
    Report(kW030, e.index, lc,
           "line-up Quality " + std::to_string(quality) +
               " is not an NDIS_WAN_QUALITY (0..2) (OQ-22 strict)");
  Req* g = (ad.query.active && ad.query.oid == OID_TAPI_GET_ID) ? &ad.query : nullptr;

  if (lc != 0) {
    Link* l = FindLink(lc);
    if (l != nullptr && l->up && l->adapter == mh) {  // L4: a parameter update
      // L4's guard: both handles match (WAN-032: a later line-up fills both
      // for the channel). One that does not is no update of this link, and
      // its SendWindow does not apply (NDISWAN may refuse it, E-11).
      if (handle != l->handle) {
        Report(kW028, e.index, lc,
               "later line-up of link " + Hex(lc) + " carries NdisLinkHandle " + Hex(handle) +
                   "; its first line-up gave " + Hex(l->handle));
        return;
      }
      if (window != 0) {  // LineUpdateApply, once NDIS passes it on
        f.has_effect = true;
        f.effect_obj = lc;
        f.effect_value = window;
      }
      return;
    }
    if (l != nullptr && !l->up && l->adapter == mh) return LinkContextUse(e, mh, lc, "line-up");
    if (g != nullptr && g->g.calls_for_line_up && !g->line_up_seen) {
      Report(kW023, e.index, lc,
             "initial line-up inside OID_TAPI_GET_ID carries NdisLinkContext " + Hex(lc) +
                 " instead of NULL");
      return;
    }
    auto h = link_by_handle.find(Key{mh, handle});
    if (h != link_by_handle.end()) {
      Report(kW025, e.index, lc,
             "line-up for NdisLinkHandle " + Hex(handle) + " carries NdisLinkContext " + Hex(lc) +
                 "; NDISWAN gave " + Hex(h->second));
      return;
    }
    return LinkContextUse(e, mh, lc, "line-up");
  }

  // An initial line-up (L2).
  if (auto h = link_by_handle.find(Key{mh, handle}); h != link_by_handle.end()) {
    Report(kW025, e.index, h->second,
           "line-up with NULL NdisLinkContext for NdisLinkHandle " + Hex(handle) +
               ", whose link is up with context " + Hex(h->second) + " (context not saved)");
    f.duplicate_line_up = true;
  }
  uint64_t ht_call = 0;
  if (g != nullptr) {
    if (g->g.decoded &&
        (g->g.select != LINECALLSELECT_CALL || (g->g.call_known && !g->g.calls_for_line_up))) {
      Report(kW034, e.index, handle,
             "initial line-up inside an OID_TAPI_GET_ID (ulSelect " + Hex(g->g.select) +
                 ") that does not call for one: not LINECALLSELECT_CALL, or a device class "
                 "already asked for on that call");
    }
    ht_call = g->g.ht_call;
    if (ht_call != 0 && cwid != ht_call)
      Report(kW027, e.index, handle,
             "initial line-up ConnectionWrapperID " + Hex(cwid) + " is not the call's htCall " +
                 Hex(ht_call));
  } else {
    CheckLineUpInsideGetId(e, ad, handle);
    Call* c = FindCall(cwid);
    if (c != nullptr && !c->closed && c->adapter == mh)
      ht_call = cwid;
    else if (ad.tapi_seen)
      Report(kW027, e.index, handle,
             "initial line-up ConnectionWrapperID " + Hex(cwid) + " names no live call");
  }
  f.initial_line_up = true;
  f.up_handle = handle;
  f.up_ht_call = ht_call != 0 ? ht_call : cwid;
  f.up_window = window;
}

// After an initial line-up: NDISWAN wrote a new, unique NdisLinkContext
// (WAN-024), and the link is up.
void Monitor::State::LineUpReturn(const Event& e, Adapter& ad, Bytes after, Frame& f) {
  const uint64_t mh = f.adapter;
  const bool forwarded = f.nnotified > 0;
  if (f.duplicate_line_up || !after.Has(wan::kLineUpContextOff, 8)) return;
  const uint64_t lc = after.U64(wan::kLineUpContextOff);
  if (!forwarded) return;  // nobody bound: no NDISWAN to write a context
  if (lc == 0) {
    Report(kW024, e.index, f.up_handle, "initial line-up returned with NdisLinkContext still NULL");
    return;
  }
  if (Link* old = FindLink(lc); old != nullptr && old->up) {
    Report(
        kW024, e.index, lc,
        "initial line-up returned NdisLinkContext " + Hex(lc) + ", which a live link already has");
    return;
  }
  Link& l = links[lc];
  l = Link{};
  l.adapter = mh;
  l.handle = f.up_handle;
  l.ht_call = f.up_ht_call;
  l.up = true;
  l.window = f.up_window;
  l.since = e.index;
  link_by_handle[Key{mh, f.up_handle}] = lc;
  if (Call* c = FindCall(f.up_ht_call); c != nullptr && c->adapter == mh && !c->closed) c->lc = lc;
  if (ad.query.active && ad.query.oid == OID_TAPI_GET_ID) ad.query.line_up_seen = true;
}

// A line-up update NDIS passed on: the new SendWindow applies to later
// sends (WAN-031); one NDIS refused leaves NDISWAN's window as it was.
void Monitor::State::LineUpdateApply(const Frame& f) {
  Link* l = FindLink(f.effect_obj);
  if (l != nullptr && l->up && l->adapter == f.adapter) l->window = f.effect_value;
}

void Monitor::State::CheckConnectedAfterLineUp(const Event& e, const Call& c, uint64_t ht_call) {
  if (UpLinkOfCall(c) == nullptr)
    Report(kW022, e.index, ht_call,
           "LINE_CALLSTATE CONNECTED for htCall " + Hex(ht_call) + " before its line-up");
}

// A line-down, fragment, later line-up or receive whose NdisLinkContext is
// not an up link of the adapter: after its line-down (WAN-043), or never
// established (WAN-025: the miniport did not pass the context NDISWAN gave;
// NDIS ignores and counts it, OQ-25).
void Monitor::State::LinkContextUse(const Event& e, uint64_t mh, uint64_t lc, const char* what) {
  if (CheckContextAfterLineDown(e, mh, lc, what)) return;
  ++unknown_links;  // OQ-25 / WAN-101
  if (profile.wan_report_unknown_link_context || Strict())
    Report(kW025, e.index, lc,
           std::string(what) + " names NdisLinkContext " + Hex(lc) +
               ", which no line-up of this adapter established");
}

}  // namespace ndisconf::monitor
