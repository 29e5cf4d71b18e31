// Part of Ndiswan (reference/drivers/ndiswan/ndiswan.h): the NdisRequests it issues to
// WAN miniports (WAN and TAPI OIDs, spec 3.9) and their completion, and the
// NDISTAPI upper edge (provider init/shutdown, open/close, calls, GET_ID).
#include <algorithm>
#include <cstring>

#include "reference/drivers/common/names.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/ndiswan/ndiswan_impl.h"
#include "spec/wan_buffers.h"

namespace ndisconf::drivers {

using wan::Link;
using wan::LinkState;

namespace {

bool IsQueryOid(NDIS_OID oid) {
  // Spec 3.9: these TAPI OIDs go to MiniportQueryInformation, the rest to
  // MiniportSetInformation.
  return oid == OID_TAPI_GET_ID || oid == OID_TAPI_MAKE_CALL || oid == OID_TAPI_OPEN ||
         oid == OID_TAPI_PROVIDER_INITIALIZE || oid == OID_WAN_GET_INFO ||
         oid == OID_GEN_LINK_SPEED;
}

// GET_ID buffer layout (OQ-23): [NDIS_TAPI_GET_ID][DeviceID body][class string].
constexpr ULONG kDeviceIdBody = 36;
constexpr size_t kDeviceIdOffset = spec::wan::kGetIdDeviceIdOff;
constexpr ULONG kDeviceIdTotal = sizeof(VAR_STRING) + kDeviceIdBody;
constexpr size_t kDeviceClassOffset = kDeviceIdOffset + kDeviceIdTotal;

}  // namespace

// ---------------------------------------------------------------------------
// Requests.

NDIS_STATUS Ndiswan::Issue(WanLowerBinding& b, std::unique_ptr<Request> owned) {
  Request& r = *owned;
  r.record = requests_.size();
  requests_.push_back(
      WanRequestRecord{r.oid, b.index, r.subject, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING, false});
  const bool raw = r.kind == Request::Kind::kRaw;
  const bool query = raw ? r.raw_query : IsQueryOid(r.oid);
  r.req.RequestType = query ? NdisRequestQueryInformation : NdisRequestSetInformation;
  // QUERY_INFORMATION and SET_INFORMATION share their layout.
  r.req.DATA.QUERY_INFORMATION.Oid = r.oid;
  r.req.DATA.QUERY_INFORMATION.InformationBuffer = r.data();
  r.req.DATA.QUERY_INFORMATION.InformationBufferLength = raw ? r.raw_length : r.size();
  PNDIS_REQUEST key = &r.req;
  in_flight_[key] = std::move(owned);
  r.issuing = true;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, b.ndis_binding, key);
  requests_[r.record].returned = s;
  auto it = in_flight_.find(key);
  if (it == in_flight_.end()) return s;  // completed re-entrantly
  it->second->issuing = false;
  if (s != NDIS_STATUS_PENDING) {
    Finish(b, *it->second, s);
    in_flight_.erase(key);
  }
  return s;
}

void Ndiswan::OnRequestComplete(WanLowerBinding& b, PNDIS_REQUEST request, NDIS_STATUS status) {
  log_.Add(logged::ProtocolRequestComplete{
      .status = status, .ndis_binding_handle = b.ndis_binding, .request = request});
  auto it = in_flight_.find(request);
  if (it == in_flight_.end()) return;  // not ours (or completed twice): ignored, logged above
  Finish(b, *it->second, status);
  in_flight_.erase(it);
}

void Ndiswan::Finish(WanLowerBinding& b, Request& r, NDIS_STATUS status) {
  if (r.finished) return;
  r.finished = true;
  WanRequestRecord& rec = requests_[r.record];
  rec.final_status = status;
  rec.completed = true;
  const bool ok = status == NDIS_STATUS_SUCCESS;
  const UINT written = r.req.DATA.QUERY_INFORMATION.BytesWritten;
  using K = Request::Kind;
  switch (r.kind) {
    case K::kWanInfo:
      if (ok && written >= sizeof(NDIS_WAN_INFO)) {
        std::memcpy(&b.wan_info, r.data(), sizeof(NDIS_WAN_INFO));
        b.wan_info_known = true;
        RefreshAdapterInfo(b);
      }
      break;
    case K::kLinkSpeed:
      if (ok && written >= sizeof(ULONG)) {
        ULONG speed = 0;
        std::memcpy(&speed, r.data(), sizeof(speed));
        b.link_speed_known = true;
        wan::AdapterInfo info = *core_.adapter(b.index);
        info.link_speed_baseline = speed;
        core_.SetAdapter(b.index, info);
      }
      break;
    case K::kProviderInit:
      if (ok) {
        const auto* p = r.as<NDIS_TAPI_PROVIDER_INITIALIZE>();
        b.provider_up = true;
        b.num_line_devs = p->ulNumLineDevs;
        b.provider_id = p->ulProviderID;
      }
      break;
    case K::kProviderShutdown:
      b.provider_up = false;
      break;
    case K::kOpen:
      if (wan::TapiLine* line = core_.FindLine(r.subject)) {
        if (ok) {
          line->hd_line = r.as<NDIS_TAPI_OPEN>()->hdLine;
          line->open = true;
        } else {
          core_.EraseLine(r.subject);  // WAN-083: hdLine is ignored on failure
        }
      }
      break;
    case K::kClose:
      // WAN-088: cannot fail; the line and its calls are gone (OQ-37).
      if (wan::TapiLine* line = core_.FindLine(r.subject)) line->open = false;
      for (const auto& [h, c] : core_.calls()) {
        if (c.ht_line == r.subject) core_.FindCall(h)->live = false;
      }
      break;
    case K::kSetMedia:
      if (ok) {
        if (wan::TapiLine* line = core_.FindLine(r.subject)) {
          line->media_modes = r.as<NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION>()->ulMediaModes;
        }
      }
      break;
    case K::kMakeCall:
      if (wan::TapiCall* call = core_.FindCall(r.subject)) {
        if (ok) {
          call->hd_call = r.as<NDIS_TAPI_MAKE_CALL>()->hdCall;
        } else {
          call->live = false;  // WAN-084: hdCall ignored on error
        }
      }
      break;
    case K::kGetCallId:
    case K::kGetLineId: {
      if (!ok) break;
      const spec::wan::Decoded<spec::wan::VarString> vs =
          spec::wan::DecodeVarString(spec::wan::ByteView(r.data(), r.size()), kDeviceIdOffset);
      if (!vs.ok()) break;  // NDISWAN sized the buffer: not reached
      // The miniport's VAR_STRING is untrusted: the string must lie inside
      // the DeviceID area NDISWAN gave it (WAN-072, DERIVED).
      const bool inside = vs->string_offset >= sizeof(VAR_STRING) &&
                          vs->string_size <= kDeviceIdTotal &&
                          vs->string_offset <= kDeviceIdTotal - vs->string_size;
      uint64_t value = 0;
      const ULONG n = inside ? std::min<ULONG>(vs->string_size, sizeof(value)) : 0;
      std::memcpy(&value, r.data() + kDeviceIdOffset + (inside ? vs->string_offset : 0), n);
      if (r.kind == K::kGetLineId) {
        if (wan::TapiLine* line = core_.FindLine(r.subject); line != nullptr && inside) {
          line->tapi_device_id = value;
        }
        break;
      }
      wan::TapiCall* call = core_.FindCall(r.subject);
      if (call == nullptr) break;
      // WAN-026: DeviceID must be the NdisLinkContext of a line-up of this
      // call: with a data channel per device class (WAN-034, WAN-035) a call
      // has several links, and each class names its own.
      if (inside && vs->string_size >= sizeof(NDIS_HANDLE)) {
        call->ndis_device_id = wan::LinkContext{static_cast<uintptr_t>(value)};
      }
      const Link* link =
          call->ndis_device_id.has_value() ? core_.FindLink(*call->ndis_device_id) : nullptr;
      if (link == nullptr || link->state != LinkState::kUp ||
          reinterpret_cast<uintptr_t>(link->connection_wrapper_id) != r.subject) {
        ++get_id_mismatches_;
      }
      break;
    }
    case K::kCloseCall:
      // WAN-086: cannot fail; htCall is invalid once it returns.
      if (wan::TapiCall* call = core_.FindCall(r.subject)) call->live = false;
      break;
    case K::kSetStatusMessages:
    case K::kAccept:
    case K::kAnswer:
    case K::kDrop:
      break;  // the call's state changes arrive as LINE_CALLSTATE events
    case K::kRaw:
      break;  // only its outcome, in requests()
  }
}

// ---------------------------------------------------------------------------
// NDISTAPI upper edge.

NDIS_STATUS Ndiswan::ProviderInitialize(size_t binding, ULONG device_id_base) {
  WanLowerBinding* b = TapiBinding(binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kProviderInit, OID_TAPI_PROVIDER_INITIALIZE,
                                     sizeof(NDIS_TAPI_PROVIDER_INITIALIZE));
  r->as<NDIS_TAPI_PROVIDER_INITIALIZE>()->ulDeviceIDBase = device_id_base;
  b->device_id_base = device_id_base;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::ProviderShutdown(size_t binding) {
  WanLowerBinding* b = TapiBinding(binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  return Issue(
      *b, std::make_unique<Request>(Request::Kind::kProviderShutdown, OID_TAPI_PROVIDER_SHUTDOWN,
                                    sizeof(NDIS_TAPI_PROVIDER_SHUTDOWN)));
}

NDIS_STATUS Ndiswan::Open(size_t binding, ULONG device_id, HTAPI_LINE* ht_line) {
  WanLowerBinding* b = TapiBinding(binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  const HTAPI_LINE h = core_.NewLine(binding, device_id);
  if (ht_line != nullptr) *ht_line = h;
  auto r =
      std::make_unique<Request>(Request::Kind::kOpen, OID_TAPI_OPEN, sizeof(NDIS_TAPI_OPEN), h);
  r->as<NDIS_TAPI_OPEN>()->ulDeviceID = device_id;
  r->as<NDIS_TAPI_OPEN>()->htLine = h;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::Close(HTAPI_LINE ht_line) {
  wan::TapiLine* line = core_.FindLine(ht_line);
  if (line == nullptr || !line->open) return NDIS_STATUS_FAILURE;
  WanLowerBinding* b = Binding(line->binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kClose, OID_TAPI_CLOSE, sizeof(NDIS_TAPI_CLOSE),
                                     ht_line);
  r->as<NDIS_TAPI_CLOSE>()->hdLine = line->hd_line;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::SetDefaultMediaDetection(HTAPI_LINE ht_line, ULONG media_modes) {
  wan::TapiLine* line = core_.FindLine(ht_line);
  if (line == nullptr || !line->open) return NDIS_STATUS_FAILURE;
  WanLowerBinding* b = Binding(line->binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kSetMedia, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
                                     sizeof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION), ht_line);
  r->as<NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION>()->hdLine = line->hd_line;
  r->as<NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION>()->ulMediaModes = media_modes;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::SetStatusMessages(HTAPI_LINE ht_line, ULONG line_states,
                                       ULONG address_states) {
  wan::TapiLine* line = core_.FindLine(ht_line);
  if (line == nullptr || !line->open) return NDIS_STATUS_FAILURE;
  WanLowerBinding* b = Binding(line->binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r =
      std::make_unique<Request>(Request::Kind::kSetStatusMessages, OID_TAPI_SET_STATUS_MESSAGES,
                                sizeof(NDIS_TAPI_SET_STATUS_MESSAGES), ht_line);
  auto* p = r->as<NDIS_TAPI_SET_STATUS_MESSAGES>();
  p->hdLine = line->hd_line;
  p->ulLineStates = line_states;
  p->ulAddressStates = address_states;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::MakeCall(HTAPI_LINE ht_line, std::string_view number, HTAPI_CALL* ht_call) {
  wan::TapiLine* line = core_.FindLine(ht_line);
  if (line == nullptr || !line->open) return NDIS_STATUS_FAILURE;
  WanLowerBinding* b = Binding(line->binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  const HTAPI_CALL h = core_.NewCall(ht_line, /*inbound=*/false);
  if (ht_call != nullptr) *ht_call = h;
  const size_t dest_offset = sizeof(NDIS_TAPI_MAKE_CALL);
  auto r = std::make_unique<Request>(Request::Kind::kMakeCall, OID_TAPI_MAKE_CALL,
                                     dest_offset + number.size() + 1, h);
  auto* p = r->as<NDIS_TAPI_MAKE_CALL>();
  p->hdLine = line->hd_line;
  p->htCall = h;  // WAN-084: the miniport keeps it for indications and the line-up
  p->ulDestAddressSize = static_cast<ULONG>(number.empty() ? 0 : number.size() + 1);
  p->ulDestAddressOffset = static_cast<ULONG>(dest_offset);
  p->bUseDefaultLineCallParams = TRUE;
  p->LineCallParams.ulTotalSize = sizeof(LINE_CALL_PARAMS);
  std::memcpy(r->data() + dest_offset, number.data(), number.size());
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::GetCallId(HTAPI_CALL ht_call, std::string_view device_class) {
  wan::TapiCall* call = core_.FindCall(ht_call);
  if (call == nullptr || !call->live) return NDIS_STATUS_FAILURE;
  wan::TapiLine* line = core_.FindLine(call->ht_line);
  WanLowerBinding* b = line != nullptr ? Binding(line->binding) : nullptr;
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kGetCallId, OID_TAPI_GET_ID,
                                     kDeviceClassOffset + device_class.size() + 1, ht_call);
  auto* p = r->as<NDIS_TAPI_GET_ID>();
  p->hdLine = line->hd_line;
  p->hdCall = call->hd_call;
  p->ulSelect = LINECALLSELECT_CALL;
  p->ulDeviceClassSize = static_cast<ULONG>(device_class.size() + 1);
  p->ulDeviceClassOffset = static_cast<ULONG>(kDeviceClassOffset);
  p->DeviceID.ulTotalSize = kDeviceIdTotal;
  std::memcpy(r->data() + kDeviceClassOffset, device_class.data(), device_class.size());
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::GetLineId(HTAPI_LINE ht_line, std::string_view device_class) {
  wan::TapiLine* line = core_.FindLine(ht_line);
  if (line == nullptr || !line->open) return NDIS_STATUS_FAILURE;
  WanLowerBinding* b = Binding(line->binding);
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kGetLineId, OID_TAPI_GET_ID,
                                     kDeviceClassOffset + device_class.size() + 1, ht_line);
  auto* p = r->as<NDIS_TAPI_GET_ID>();
  p->hdLine = line->hd_line;
  p->ulSelect = LINECALLSELECT_LINE;
  p->ulDeviceClassSize = static_cast<ULONG>(device_class.size() + 1);
  p->ulDeviceClassOffset = static_cast<ULONG>(kDeviceClassOffset);
  p->DeviceID.ulTotalSize = kDeviceIdTotal;
  std::memcpy(r->data() + kDeviceClassOffset, device_class.data(), device_class.size());
  return Issue(*b, std::move(r));
}

namespace {
// ACCEPT, ANSWER and DROP share {ulRequestID, hdCall, ulUserUserInfoSize, ...}.
static_assert(offsetof(NDIS_TAPI_ANSWER, hdCall) == offsetof(NDIS_TAPI_DROP, hdCall));
static_assert(offsetof(NDIS_TAPI_ACCEPT, hdCall) == offsetof(NDIS_TAPI_DROP, hdCall));
}  // namespace

NDIS_STATUS Ndiswan::Accept(HTAPI_CALL ht_call) {
  wan::TapiCall* call = core_.FindCall(ht_call);
  wan::TapiLine* line = call != nullptr ? core_.FindLine(call->ht_line) : nullptr;
  WanLowerBinding* b = line != nullptr && call->live ? Binding(line->binding) : nullptr;
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kAccept, OID_TAPI_ACCEPT,
                                     sizeof(NDIS_TAPI_ACCEPT), ht_call);
  r->as<NDIS_TAPI_ACCEPT>()->hdCall = call->hd_call;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::Answer(HTAPI_CALL ht_call) {
  wan::TapiCall* call = core_.FindCall(ht_call);
  wan::TapiLine* line = call != nullptr ? core_.FindLine(call->ht_line) : nullptr;
  WanLowerBinding* b = line != nullptr && call->live ? Binding(line->binding) : nullptr;
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kAnswer, OID_TAPI_ANSWER,
                                     sizeof(NDIS_TAPI_ANSWER), ht_call);
  r->as<NDIS_TAPI_ANSWER>()->hdCall = call->hd_call;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::Drop(HTAPI_CALL ht_call) {
  wan::TapiCall* call = core_.FindCall(ht_call);
  wan::TapiLine* line = call != nullptr ? core_.FindLine(call->ht_line) : nullptr;
  WanLowerBinding* b = line != nullptr && call->live ? Binding(line->binding) : nullptr;
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kDrop, OID_TAPI_DROP, sizeof(NDIS_TAPI_DROP),
                                     ht_call);
  r->as<NDIS_TAPI_DROP>()->hdCall = call->hd_call;
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::RawRequest(size_t binding, bool query, NDIS_OID oid,
                                std::span<const uint8_t> buffer) {
  WanLowerBinding* b = Binding(binding);
  if (b == nullptr || buffer.size() > kMaxRawRequest) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kRaw, oid, buffer.size());
  r->raw_query = query;
  r->raw_length = static_cast<ULONG>(buffer.size());
  if (!buffer.empty()) std::memcpy(r->data(), buffer.data(), buffer.size());
  return Issue(*b, std::move(r));
}

NDIS_STATUS Ndiswan::CloseCall(HTAPI_CALL ht_call) {
  wan::TapiCall* call = core_.FindCall(ht_call);
  wan::TapiLine* line = call != nullptr ? core_.FindLine(call->ht_line) : nullptr;
  WanLowerBinding* b = line != nullptr && call->live ? Binding(line->binding) : nullptr;
  if (b == nullptr) return NDIS_STATUS_FAILURE;
  auto r = std::make_unique<Request>(Request::Kind::kCloseCall, OID_TAPI_CLOSE_CALL,
                                     sizeof(NDIS_TAPI_CLOSE_CALL), ht_call);
  r->as<NDIS_TAPI_CLOSE_CALL>()->hdCall = call->hd_call;
  return Issue(*b, std::move(r));
}

}  // namespace ndisconf::drivers
