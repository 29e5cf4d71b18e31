// Rule family "get_id" (spec 5.16, WAN-070 ... WAN-074, and the line-up
// rules that hang on it, WAN-021 and WAN-026): OID_TAPI_GET_ID is supported
// and answers with its own return codes; GET_ID("ndis", LINECALLSELECT_CALL)
// succeeds only once the call's initial line-up was made (inside the request,
// W1), and its DeviceID is that link's NdisLinkContext (OQ-23 encoding).
#include <optional>
#include <string>
#include <string_view>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Bytes;
using wan::Call;
using wan::ClassHash;
using wan::GetId;
using wan::IsUnsupported;
using wan::kBlob;
using wan::kGetIdDeviceIdOff;
using wan::kNdisClassHash;
using wan::Link;
using wan::Req;

// The request as the miniport got it: which call and device class, and
// whether it calls for an initial line-up (WAN-034's decision table).
void Monitor::State::GetIdStart(Adapter& ad, uint64_t mh, Req& r, Bytes in) {
  GetId& g = r.g;
  const spec::wan::Decoded<spec::wan::GetIdRequest> req = spec::wan::DecodeGetIdRequest(in);
  if (!req.ok()) return;  // too short to be a request
  g.decoded = true;
  g.hd_line = req->hd_line;
  g.hd_call = req->hd_call;
  g.select = req->select;
  if (const std::optional<std::string_view> cls = spec::wan::GetIdDeviceClass(in, req.value())) {
    g.class_known = true;
    g.class_hash = ClassHash(*cls);
    g.ndis = cls->size() == 4 && g.class_hash == kNdisClassHash;
  }
  if (g.select != LINECALLSELECT_CALL) return;
  uint64_t ht = 0;
  Call* c = CallByHd(mh, g.hd_call, &ht);
  if (c == nullptr || c->closed) return;
  g.ht_call = ht;
  bool new_class = g.class_known;
  for (uint8_t i = 0; i < c->nclasses; ++i) new_class &= c->classes[i] != g.class_hash;
  g.call_known = true;
  g.calls_for_line_up = c->getid_count == 0 || new_class;
  ++c->getid_count;
  if (g.class_known && new_class && c->nclasses < 4) c->classes[c->nclasses++] = g.class_hash;
  return;
}

// The request's final status (its return, or NdisMQueryInformationComplete
// after PENDING).
void Monitor::State::GetIdStatus(const Event& e, uint64_t mh, Req& r, int32_t status, bool pended) {
  const bool ok = status == NDIS_STATUS_SUCCESS;
  if (IsUnsupported(status)) {
    Report(kW070, e.index, mh,
           "OID_TAPI_GET_ID answered " + StHex(status) + "; support is mandatory");
  } else if (!(ok || status == NDIS_STATUS_TAPI_INVALLINEHANDLE ||
               status == NDIS_STATUS_TAPI_INVALADDRESSID ||
               status == NDIS_STATUS_TAPI_INVALCALLHANDLE || status == NDIS_STATUS_TAPI_NODEVICE ||
               status == NDIS_STATUS_TAPI_RESOURCEUNAVAIL || status == NDIS_STATUS_FAILURE ||
               // E-08: a buffer that cannot hold the request is refused first.
               status == NDIS_STATUS_INVALID_LENGTH || status == NDIS_STATUS_INVALID_DATA)) {
    Report(kW073, e.index, mh,
           "OID_TAPI_GET_ID " + std::string(pended ? "completed" : "returned") + " with " +
               StHex(status) + ", which is not among its return codes");
  }
  const GetId& g = r.g;
  if (!g.decoded) return;
  if (g.select == LINECALLSELECT_CALL) {
    Call* c = CallByHd(mh, g.hd_call);
    CheckStaleCall(e, c, ok, "OID_TAPI_GET_ID");
    if (!ok || !g.ndis || c == nullptr || c->closed) return;
    if (UpLinkOfCall(*c) == nullptr)
      Report(pended ? kW074 : kW021, e.index, g.hd_call,
             std::string("OID_TAPI_GET_ID(\"ndis\", CALL) for hdCall ") + Hex(g.hd_call) +
                 (pended ? " completed (NdisMQueryInformationComplete)" : " returned") +
                 " SUCCESS without a line-up for the call");
  } else if (g.select == LINECALLSELECT_LINE) {
    CheckStaleLine(e, LineByHd(mh, g.hd_line), g.hd_line, ok, "OID_TAPI_GET_ID");
  }
  return;
}

// The information buffer of a successful GET_ID("ndis", CALL) (WAN-026).
void Monitor::State::GetIdOutput(const Event& e, uint64_t mh, Req& r, Bytes out) {
  const GetId& g = r.g;
  if (!g.decoded || !g.ndis || g.select != LINECALLSELECT_CALL) return;
  Call* c = CallByHd(mh, g.hd_call);
  Link* l = c != nullptr ? UpLinkOfCall(*c) : nullptr;
  if (l == nullptr) return;  // WAN-021 / WAN-074 reported it
  // OQ-23: VAR_STRING at DeviceID; the handle bytes at ulStringOffset
  // from the VAR_STRING.
  constexpr size_t v = kGetIdDeviceIdOff;
  const spec::wan::Decoded<spec::wan::VarString> vs = spec::wan::DecodeVarString(out, v);
  if (!vs.ok()) {
    if (r.in_len >= v + sizeof(VAR_STRING))
      Report(kW026, e.index, g.hd_call, "OID_TAPI_GET_ID output carries no DeviceID VAR_STRING");
    return;
  }
  const uint32_t total = vs->total_size;
  const uint32_t needed = vs->needed_size;
  const uint32_t ssize = vs->string_size;
  const uint32_t soff = vs->string_offset;
  if (ssize == 0 && needed > total) return;  // VARSTRING too small: TAPI convention
  if (ssize < 8 || !out.Has(v + static_cast<size_t>(soff), 8)) {
    if (v + static_cast<uint64_t>(soff) + 8 > kBlob && r.in_len > kBlob) return;  // not captured
    Report(kW026, e.index, g.hd_call,
           "OID_TAPI_GET_ID DeviceID string (size " + std::to_string(ssize) + ", offset " +
               std::to_string(soff) + ") does not hold a handle inside the buffer");
    return;
  }
  const uint64_t dev = out.U64(v + soff);
  // A miniport with a data channel per device class (WAN-034, WAN-035)
  // has several links per call: the DeviceID names one of them (the
  // channel of the class asked for), not necessarily the newest.
  const Link* named = FindLink(dev);
  const bool ok = dev == c->lc || (named != nullptr && named->up && named->adapter == mh &&
                                   named->ht_call == l->ht_call);
  if (!ok)
    Report(kW026, e.index, g.hd_call,
           "OID_TAPI_GET_ID DeviceID " + Hex(dev) +
               " is not the NdisLinkContext of an up link of the call (latest " + Hex(c->lc) + ")");
  return;
}

void Monitor::State::CheckLineUpInsideGetId(const Event& e, const Adapter& ad, uint64_t handle) {
  if (ad.tapi_seen)
    Report(kW021, e.index, handle,
           "initial line-up of a TAPI miniport outside OID_TAPI_GET_ID(\"ndis\", CALL)");
}

}  // namespace ndisconf::monitor
