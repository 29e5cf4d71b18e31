// Rule family "tapi_requests" (spec 5.17, WAN-080 ... WAN-095): the WAN
// miniport as a TAPI provider. Requests (OID_TAPI_*, OID_WAN_GET_INFO) are
// followed from MiniportQuery/SetInformation to their final status and
// output; unsupported requests fail as TAPI says (WAN-080); provider IDs,
// hdLine and hdCall values are unique (WAN-082/083/084); a dropped call goes
// IDLE before CLOSE_CALL (WAN-085); CLOSE_CALL and CLOSE never fail, and
// nothing succeeds on what they closed (WAN-086, WAN-088); only a WAN
// wrapper miniport that is a TAPI provider takes part (WAN-095). GET_ID has
// its own family (get_id.cc).
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Bytes;
using wan::Call;
using wan::GetId;
using wan::IsTapiOid;
using wan::IsUnsupported;
using wan::kBlob;
using wan::Line;
using wan::Req;
using wan::View;

namespace wan {
namespace {
constexpr Fn kTapiRequestsFns[] = {
    Fn::MiniportQueryInformation,    Fn::MiniportSetInformation,  Fn::NdisMQueryInformationComplete,
    Fn::NdisMSetInformationComplete, Fn::ProtocolRequestComplete,
};
}  // namespace
constinit const Monitor::State::Family kTapiRequests = {"tapi_requests", kTapiRequestsFns,
                                                        &Monitor::State::TapiRequestsCall,
                                                        &Monitor::State::TapiRequestsReturn};
}  // namespace wan

void Monitor::State::TapiRequestsCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportQueryInformation:
      RequestCall(e, a, true);
      break;
    case Fn::MiniportSetInformation:
      RequestCall(e, a, false);
      break;
    case Fn::NdisMQueryInformationComplete:
      RequestCompleteCall(e, a, true);
      break;
    case Fn::NdisMSetInformationComplete:
      RequestCompleteCall(e, a, false);
      break;
    case Fn::ProtocolRequestComplete: {
      // The buffer of a pended query arrives here (NdisMQueryInformationComplete
      // carries only the status).
      const uint32_t oid = static_cast<uint32_t>(a[3]);
      for (size_t i = 0; i < awaiting.size(); ++i) {
        Adapter* ad = FindAdapter(awaiting[i]);
        if (ad == nullptr || !ad->query.awaiting_buffer || ad->query.oid != oid) continue;
        const uint64_t mh = awaiting[i];
        awaiting[i] = awaiting.back();
        awaiting.pop_back();
        ad->query.awaiting_buffer = false;
        RequestOutput(e, *ad, mh, ad->query, View(e.blob, e.blob_len, a[4]));
        break;
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::TapiRequestsReturn(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportQueryInformation:
      RequestReturn(e, a, true, f);
      break;
    case Fn::MiniportSetInformation:
      RequestReturn(e, a, false, f);
      break;
    default:
      break;
  }
}

void Monitor::State::RequestCall(const Event& e, const uint64_t* a, bool query) {
  const uint64_t mh = HandleByCtx(a[0]);
  if (mh == 0) return;
  Adapter& ad = AdapterAt(mh);
  // Learn the adapter's DeviceName from the binding whose NdisRequest this is.
  if (!ad.has_name && stack.size() >= 2 && stack[stack.size() - 2].fn == Fn::NdisRequest) {
    auto h = bind_by_handle.find(stack[stack.size() - 2].arg[0]);
    if (h != bind_by_handle.end()) {
      auto b = binds.find(h->second);
      if (b != binds.end() && b->second.has_name) {
        ad.has_name = true;
        ad.device_name = b->second.device_name;
      }
    }
  }
  const uint32_t oid = static_cast<uint32_t>(a[1]);
  Req& r = query ? ad.query : ad.set;
  r.active = true;
  r.pended = false;
  r.awaiting_buffer = false;
  r.oid = oid;
  r.status = 0;
  r.index = e.index;
  r.in_len = a[2];
  r.in_blob_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(r.in, e.blob, r.in_blob_len);
  r.g = GetId{};
  r.line_up_seen = false;
  if (IsTapiOid(oid)) TapiRequestStart(e, ad, mh, r);
}

void Monitor::State::TapiRequestStart(const Event& e, Adapter& ad, uint64_t mh, Req& r) {
  ad.tapi_seen = true;
  if (ad.wan_info_known && !ad.tapi_provider)
    ReportWanWrapper(
        e, ad, mh,
        "OID_TAPI_* request to an adapter whose OID_WAN_GET_INFO FramingBits lack TAPI_PROVIDER");
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  switch (r.oid) {
    case OID_TAPI_GET_ID:
      return GetIdStart(ad, mh, r, in);
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall))) return;
      const uint64_t hd_line = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdLine));
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      Line* l = LineByHd(mh, hd_line);
      uint64_t ht_line = 0;
      if (l != nullptr) {
        auto it = line_by_hd.find(Key{mh, hd_line});
        ht_line = it->second;
      }
      // Provisional until the request completes: the miniport may indicate
      // call states for htCall before MAKE_CALL returns.
      Call& c = calls[ht_call];
      c = Call{};
      c.adapter = mh;
      c.ht_line = ht_line;
      c.provisional = true;
      c.since = e.index;
      return;
    }
    case OID_TAPI_OPEN: {
      if (!in.Has(0, offsetof(NDIS_TAPI_OPEN, hdLine))) return;
      const uint64_t ht_line = in.U64(offsetof(NDIS_TAPI_OPEN, htLine));
      Line& l = lines[ht_line];
      if (l.open && !l.closed) return;  // re-open of an open line: leave it
      l = Line{};
      l.adapter = mh;
      l.provisional = true;
      l.open = true;
      return;
    }
    case OID_TAPI_DROP: {
      if (!in.Has(0, 16)) return;
      Call* c = CallByHd(mh, in.U64(8));
      // A DROP of a call that is already IDLE changes no state, so it owes
      // no new LINE_CALLSTATE (WAN-064 indicates changes).
      if (c != nullptr && !c->closed && c->state != LINECALLSTATE_IDLE) {
        c->idle_since_drop = false;
        c->drop_index = e.index;
      }
      return;
    }
    default:
      return;
  }
}

void Monitor::State::RequestReturn(const Event& e, const uint64_t* a, bool query, const Frame& f) {
  const uint64_t mh = HandleByCtx(f.arg[0]);
  Adapter* ad = mh != 0 ? FindAdapter(mh) : nullptr;
  if (ad == nullptr) return;
  Req& r = query ? ad->query : ad->set;
  if (!r.active || r.index != f.index) return;
  if (e.status == NDIS_STATUS_PENDING) {
    r.pended = true;
    return;
  }
  TapiRequestStatus(e, *ad, mh, r, e.status, false);
  if (query && e.status == NDIS_STATUS_SUCCESS)
    RequestOutput(e, *ad, mh, r, View(e.blob, e.blob_len, a[2]));
  r.active = false;
}

void Monitor::State::RequestCompleteCall(const Event& e, const uint64_t* a, bool query) {
  Adapter* ad = FindAdapter(a[0]);
  if (ad == nullptr) return;
  Req& r = query ? ad->query : ad->set;
  if (!r.active || !r.pended) return;  // not a WAN rule: NDIS rejects it
  const int32_t status = SlotStatus(a[1]);
  TapiRequestStatus(e, *ad, a[0], r, status, true);
  r.active = false;
  if (query && status == NDIS_STATUS_SUCCESS) {
    r.awaiting_buffer = true;
    if (std::find(awaiting.begin(), awaiting.end(), a[0]) == awaiting.end())
      awaiting.push_back(a[0]);
  }
}

void Monitor::State::CloseCall(Call& c, uint64_t index, bool by_line) {
  c.closed = true;
  c.closed_by_line = by_line;
  c.since = index;
}

void Monitor::State::CloseLine(Line& l, uint64_t ht_line, uint64_t index) {
  l.closed = true;
  l.open = false;
  // OQ-37: a CLOSE with live calls closes them too.
  for (auto& [ht, c] : calls)
    if (!c.closed && c.adapter == l.adapter && c.ht_line == ht_line) CloseCall(c, index, true);
}

// The final status of a request (its return, or NdisM*InformationComplete
// after PENDING).
void Monitor::State::TapiRequestStatus(const Event& e, Adapter& ad, uint64_t mh, Req& r,
                                       int32_t status, bool pended) {
  if (!IsTapiOid(r.oid)) return;
  const bool ok = status == NDIS_STATUS_SUCCESS;
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  if (r.oid != OID_TAPI_GET_ID && IsUnsupported(status) &&
      status != NDIS_STATUS_TAPI_OPERATIONUNAVAIL)
    Report(kW080, e.index, mh,
           "OID " + Hex(r.oid) + " failed with " + StHex(status) +
               "; an unsupported TAPI request fails with NDIS_STATUS_TAPI_OPERATIONUNAVAIL");
  switch (r.oid) {
    case OID_TAPI_GET_ID:
      return GetIdStatus(e, mh, r, status, pended);
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall))) return;
      const uint64_t hd_line = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdLine));
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      Line* l = LineByHd(mh, hd_line);
      if (ok && l != nullptr && l->closed)
        Report(kW084, e.index, hd_line,
               "OID_TAPI_MAKE_CALL on closed hdLine " + Hex(hd_line) + " succeeded");
      if (!ok) {
        auto it = calls.find(ht_call);
        if (it != calls.end() && it->second.provisional) calls.erase(it);
      }
      return;  // hdCall comes with the output
    }
    case OID_TAPI_OPEN: {
      if (ok || !in.Has(0, offsetof(NDIS_TAPI_OPEN, hdLine))) return;
      auto it = lines.find(in.U64(offsetof(NDIS_TAPI_OPEN, htLine)));
      if (it != lines.end() && it->second.provisional) lines.erase(it);
      return;
    }
    case OID_TAPI_PROVIDER_SHUTDOWN: {
      if (!ok) return;
      ad.provider_up = false;
      for (auto& [ht, l] : lines)
        if (l.adapter == mh && !l.closed) CloseLine(l, ht, e.index);
      return;
    }
    case OID_TAPI_DROP:
    case OID_TAPI_ACCEPT:
    case OID_TAPI_ANSWER: {
      if (!in.Has(0, 16)) return;
      const uint64_t hd = in.U64(8);
      Call* c = CallByHd(mh, hd);
      const char* name = r.oid == OID_TAPI_DROP     ? "OID_TAPI_DROP"
                         : r.oid == OID_TAPI_ACCEPT ? "OID_TAPI_ACCEPT"
                                                    : "OID_TAPI_ANSWER";
      CheckStaleCall(e, c, ok, name);
      if (r.oid == OID_TAPI_DROP && ok && c != nullptr && !c->closed && !c->idle_since_drop)
        c->drop_owes_idle = true;
      return;
    }
    case OID_TAPI_CLOSE_CALL: {
      if (!in.Has(0, sizeof(NDIS_TAPI_CLOSE_CALL))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_CLOSE_CALL, hdCall));
      uint64_t ht = 0;
      Call* c = CallByHd(mh, hd, &ht);
      if (c == nullptr) return;
      if (c->closed) return CheckStaleCall(e, c, ok, "OID_TAPI_CLOSE_CALL");
      if (!ok) {
        Report(kW086Fail, e.index, hd,
               "OID_TAPI_CLOSE_CALL on live hdCall " + Hex(hd) + " failed with " + StHex(status));
        return;
      }
      if (c->drop_owes_idle)
        Report(kW085, e.index, ht,
               "OID_TAPI_DROP (event " + std::to_string(c->drop_index) + ") of htCall " + Hex(ht) +
                   " was never followed by LINE_CALLSTATE IDLE before CLOSE_CALL");
      CheckNewCallGotCallState(e, *c, ht);
      CheckLineDownBeforeCloseCall(e, *c, ht);
      c->drop_owes_idle = false;
      CloseCall(*c, e.index, false);
      return;
    }
    case OID_TAPI_CLOSE: {
      if (!in.Has(0, sizeof(NDIS_TAPI_CLOSE))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_CLOSE, hdLine));
      auto it = line_by_hd.find(Key{mh, hd});
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return CheckStaleLine(e, l, hd, ok, "OID_TAPI_CLOSE");
      if (!ok) {
        Report(kW088Fail, e.index, hd,
               "OID_TAPI_CLOSE on open hdLine " + Hex(hd) + " failed with " + StHex(status));
        return;
      }
      CloseLine(*l, it->second, e.index);
      return;
    }
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION: {
      if (!in.Has(0, 20)) return;
      const uint64_t hd = in.U64(8);
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return CheckStaleLine(e, l, hd, ok, "OID_TAPI_SET_DEFAULT_MEDIA_DETECTION");
      if (ok) l->media_modes = in.U32(16);
      return;
    }
    case OID_TAPI_SET_STATUS_MESSAGES: {
      if (!in.Has(0, sizeof(NDIS_TAPI_SET_STATUS_MESSAGES))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, hdLine));
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return CheckStaleLine(e, l, hd, ok, "OID_TAPI_SET_STATUS_MESSAGES");
      if (ok) {
        l->line_states = in.U32(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, ulLineStates));
        l->address_states = in.U32(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, ulAddressStates));
      }
      return;
    }
    default:
      return;
  }
}

// The information buffer of a successful query, after the miniport wrote it.
void Monitor::State::RequestOutput(const Event& e, Adapter& ad, uint64_t mh, Req& r, Bytes out) {
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  switch (r.oid) {
    case OID_TAPI_GET_ID:
      return GetIdOutput(e, mh, r, out);
    case OID_WAN_GET_INFO: {
      if (!out.Has(0, sizeof(NDIS_WAN_INFO))) return;
      ad.wan_info_known = true;
      ad.max_transmit = out.U32(offsetof(NDIS_WAN_INFO, MaxTransmit));
      ad.tapi_provider = (out.U32(offsetof(NDIS_WAN_INFO, FramingBits)) & TAPI_PROVIDER) != 0;
      auto d = wan_drivers.find(ad.actor);
      if (d != wan_drivers.end() && d->second.registered && !d->second.wan_wrapper &&
          !ad.reported_095) {
        ad.reported_095 = true;
        Report(kW095, e.index, mh,
               "OID_WAN_GET_INFO answered by a miniport registered without NDIS_USE_WAN_WRAPPER");
      }
      return;
    }
    case OID_TAPI_PROVIDER_INITIALIZE: {
      if (!out.Has(0, sizeof(NDIS_TAPI_PROVIDER_INITIALIZE))) return;
      const uint64_t id = out.U64(offsetof(NDIS_TAPI_PROVIDER_INITIALIZE, ulProviderID));
      for (const auto& [h, other] : wan_adapters)
        if (h != mh && other.provider_up && other.provider_id == id)
          Report(kW082, e.index, id,
                 "ulProviderID " + Hex(id) + " is also the provider ID of adapter " + Hex(h));
      ad.provider_up = true;
      ad.provider_id = id;
      return;
    }
    case OID_TAPI_OPEN: {
      if (!in.Has(0, sizeof(NDIS_TAPI_OPEN)) || !out.Has(0, sizeof(NDIS_TAPI_OPEN))) return;
      const uint64_t ht_line = in.U64(offsetof(NDIS_TAPI_OPEN, htLine));
      const uint64_t hd_line = out.U64(offsetof(NDIS_TAPI_OPEN, hdLine));
      Line* other = LineByHd(mh, hd_line);
      if (other != nullptr && !other->closed) {
        auto it = line_by_hd.find(Key{mh, hd_line});
        if (it->second != ht_line)
          Report(kW083, e.index, hd_line,
                 "OID_TAPI_OPEN returned hdLine " + Hex(hd_line) + ", which open line " +
                     Hex(it->second) + " already has");
      }
      Line& l = lines[ht_line];
      l.adapter = mh;
      l.hd_line = hd_line;
      l.provisional = false;
      l.open = true;
      l.closed = false;
      line_by_hd[Key{mh, hd_line}] = ht_line;
      return;
    }
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall)) ||
          !out.Has(offsetof(NDIS_TAPI_MAKE_CALL, hdCall), 8))
        return;
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      const uint64_t hd_call = out.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdCall));
      uint64_t other_ht = 0;
      Call* other = CallByHd(mh, hd_call, &other_ht);
      if (other != nullptr && !other->closed && other_ht != ht_call)
        Report(kW084, e.index, hd_call,
               "OID_TAPI_MAKE_CALL returned hdCall " + Hex(hd_call) + ", which live call " +
                   Hex(other_ht) + " already has");
      Call& c = calls[ht_call];
      if (c.adapter != mh) {  // the provisional record went missing: rebuild it
        c = Call{};
        c.adapter = mh;
      }
      c.hd_call = hd_call;
      c.provisional = false;
      call_by_hd[Key{mh, hd_call}] = ht_call;
      return;
    }
    default:
      return;
  }
}

void Monitor::State::CheckStaleCall(const Event& e, const Call* c, bool ok, const char* oid) {
  if (c == nullptr || !c->closed || !ok) return;
  Report(c->closed_by_line ? kW088Stale : kW086Stale, e.index, c->hd_call,
         std::string(oid) + " on hdCall " + Hex(c->hd_call) +
             " succeeded after the call was closed" +
             (c->closed_by_line ? " with its line" : " by OID_TAPI_CLOSE_CALL"));
}

void Monitor::State::CheckStaleLine(const Event& e, const Line* l, uint64_t hd, bool ok,
                                    const char* oid) {
  if (l == nullptr || !l->closed || !ok) return;
  Report(kW088Stale, e.index, hd,
         std::string(oid) + " on hdLine " + Hex(hd) + " succeeded after OID_TAPI_CLOSE");
}

void Monitor::State::ReportWanWrapper(const Event& e, Adapter& ad, uint64_t mh,
                                      std::string message) {
  if (ad.reported_095) return;
  ad.reported_095 = true;
  Report(kW095, e.index, mh, std::move(message));
}

void Monitor::State::CheckWanVersionScope(const Event& e, Adapter& ad, uint64_t mh, int32_t status,
                                          const wan::Driver& d) {
  if (profile.wan_version_scope == Profile::WanVersionScope::kNdis4Only && d.major >= 5 &&
      !ad.reported_095_version) {
    ad.reported_095_version = true;
    Report(kW095Version, e.index, mh,
           "WAN status " + StHex(status) + " from an NDIS " + std::to_string(d.major) +
               ".x miniport; profile ndis4 (OQ-19) allows NDIS WAN status only up to 4.x");
  }
}

void Monitor::State::CheckNewCallHdCall(const Event& e, uint64_t mh, uint64_t hd_call) {
  if (LiveCallHd(mh, hd_call))
    Report(kW084, e.index, hd_call,
           "LINE_NEWCALL hdCall " + Hex(hd_call) + " is a live call's hdCall");
}

void Monitor::State::TapiRequestsFinish() {
  for (const auto& [ht, c] : calls) {
    if (c.closed) continue;
    if (c.drop_owes_idle)
      Report(kW085, c.drop_index, ht,
             "OID_TAPI_DROP of htCall " + Hex(ht) + " was never followed by LINE_CALLSTATE IDLE");
  }
}

}  // namespace ndisconf::monitor
