// Implementation of ndisconf/drivers/ndiswan.h.
#include "ndisconf/drivers/ndiswan.h"

#include <algorithm>
#include <cstring>

#include "ndisconf/drivers/names.h"
#include "ndisconf/drivers/ndis5_protocol_thunks.h"
#include "ndisconf/drivers/wan_slots.h"
#include "ndisconf/spec/wan_buffers.h"

namespace ndisconf::drivers {

using wan::Action;
using wan::Link;
using wan::LinkState;

namespace {

using Slots = InstanceSlots<Ndiswan, 8>;

NDIS_MEDIUM kWanMedium[] = {NdisMediumWan};

std::u16string ToU16(const NDIS_STRING* s) {
  if (s == nullptr || s->Buffer == nullptr) return {};
  return std::u16string(reinterpret_cast<const char16_t*>(s->Buffer), s->Length / sizeof(WCHAR));
}

std::u16string ToU16(const std::string& s) { return std::u16string(s.begin(), s.end()); }

using ProtocolThunks = Ndis5ProtocolThunks<Ndiswan, WanLowerBinding, Slots>;

// The virtual miniport's MiniportInitialize carries no driver context either.
template <size_t I>
struct InitializeThunk {
  static NDIS_STATUS Fn(PNDIS_STATUS open_error, PUINT selected, PNDIS_MEDIUM media, UINT count,
                        NDIS_HANDLE adapter_handle, NDIS_HANDLE) {
    if (open_error != nullptr) *open_error = NDIS_STATUS_SUCCESS;
    Ndiswan* d = Slots::Get(I);
    return d != nullptr ? d->OnMiniportInitialize(selected, media, count, adapter_handle)
                        : NDIS_STATUS_FAILURE;
  }
  static constexpr W_INITIALIZE_HANDLER kFn = &Fn;
};

constexpr auto kInitializeThunks = Slots::Table<W_INITIALIZE_HANDLER, InitializeThunk>();

// ---- Virtual-miniport thunks (MiniportAdapterContext = Ndiswan*). ----
VOID MpHaltThunk(NDIS_HANDLE ctx) { static_cast<Ndiswan*>(ctx)->OnMiniportHalt(); }
BOOLEAN MpCheckForHangThunk(NDIS_HANDLE) { return FALSE; }
NDIS_STATUS MpResetThunk(PBOOLEAN addressing_reset, NDIS_HANDLE) {
  if (addressing_reset != nullptr) *addressing_reset = FALSE;
  return NDIS_STATUS_SUCCESS;
}
NDIS_STATUS MpQueryThunk(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buffer, ULONG length, PULONG written,
                         PULONG needed) {
  return static_cast<Ndiswan*>(ctx)->OnMiniportQuery(oid, buffer, length, written, needed);
}
NDIS_STATUS MpSetThunk(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buffer, ULONG length, PULONG read,
                       PULONG needed) {
  return static_cast<Ndiswan*>(ctx)->OnMiniportSet(oid, buffer, length, read, needed);
}
NDIS_STATUS MpWanSendThunk(NDIS_HANDLE ctx, NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  return static_cast<Ndiswan*>(ctx)->OnMiniportWanSend(link_handle, packet);
}

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

// An NdisRequest in flight: the NDIS_REQUEST and its information buffer,
// owned here until the request completes.
struct Ndiswan::Request {
  enum class Kind : uint8_t {
    kWanInfo,
    kLinkSpeed,
    kProviderInit,
    kProviderShutdown,
    kOpen,
    kClose,
    kSetMedia,
    kSetStatusMessages,
    kMakeCall,
    kGetCallId,
    kGetLineId,
    kAccept,
    kAnswer,
    kDrop,
    kCloseCall,
  };
  Kind kind = Kind::kWanInfo;
  NDIS_OID oid = 0;
  NDIS_REQUEST req{};
  std::vector<uint64_t> storage;  // 8-aligned information buffer
  size_t record = 0;
  uintptr_t subject = 0;
  bool issuing = false;
  bool finished = false;

  Request(Kind k, NDIS_OID o, size_t bytes, uintptr_t subj = 0)
      : kind(k), oid(o), storage((bytes + 7) / 8, 0), subject(subj) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage.data()); }
  ULONG size() const { return static_cast<ULONG>(storage.size() * 8); }
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(data());
  }
};

// One upper packet: NDISWAN's own NDIS_WAN_PACKET describing the same bytes
// goes down (the protocol's ProtocolReserved fields stay the protocol's).
struct Ndiswan::Send {
  PNDIS_WAN_PACKET upper = nullptr;
  NDIS_WAN_PACKET lower{};
  uintptr_t link = 0;
  bool in_miniport = false;
  bool sync_caller = false;  // OnMiniportWanSend is still on the stack for it
  bool done = false;
  NDIS_STATUS status = NDIS_STATUS_PENDING;
};

Ndiswan::Ndiswan(Config config, std::string name)
    : LoggingDriver(std::move(name)),
      config_(std::move(config)),
      core_(wan::CoreOptions{config_.strict, config_.tapi_layout, config_.instance_tag}),
      slot_(Slots::Acquire(this)) {}

Ndiswan::~Ndiswan() { Slots::Release(slot_); }

NDIS_STATUS Ndiswan::DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) {
  if (slot_ == Slots::kNone) return NDIS_STATUS_RESOURCES;
  NDIS_PROTOCOL_CHARACTERISTICS pc;
  ProtocolThunks::Fill(&pc, slot_);
  pc.Name = MakeNdisString(name(), name_buffer_);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRegisterProtocol(&s, &protocol_handle_, &pc, sizeof(pc));
  register_protocol_status_ = s;
  log_.Add(logged::OwnNdisRegisterProtocol{.status = s, .ndis_protocol_handle = protocol_handle_});
  if (s != NDIS_STATUS_SUCCESS) return s;
  if (!config_.register_virtual_miniport) return NDIS_STATUS_SUCCESS;

  NdisMInitializeWrapper(&wrapper_handle_, driver_object, registry_path, nullptr);
  NDIS_MINIPORT_CHARACTERISTICS mc;
  NdisZeroMemory(&mc, sizeof(mc));
  mc.MajorNdisVersion = 5;
  mc.MinorNdisVersion = 1;
  mc.Reserved = NDIS_USE_WAN_WRAPPER;  // WAN-095: the upper edge is a WAN-wrapper miniport
  mc.CheckForHangHandler = &MpCheckForHangThunk;
  mc.HaltHandler = &MpHaltThunk;
  mc.InitializeHandler = kInitializeThunks[slot_];
  mc.QueryInformationHandler = &MpQueryThunk;
  mc.ResetHandler = &MpResetThunk;
  mc.WanSendHandler = &MpWanSendThunk;
  mc.SetInformationHandler = &MpSetThunk;
  s = NdisMRegisterMiniport(wrapper_handle_, &mc, sizeof(mc));
  register_miniport_status_ = s;
  log_.Add(logged::OwnNdisMRegisterMiniport{.status = s, .ndis_wrapper_handle = wrapper_handle_});
  return s;
}

const WanLinkSends* Ndiswan::sends(wan::LinkContext c) const {
  auto it = link_sends_.find(c.value);
  return it == link_sends_.end() ? nullptr : &it->second;
}

size_t Ndiswan::queued(wan::LinkContext c) const {
  auto it = link_queue_.find(c.value);
  return it == link_queue_.end() ? 0 : it->second.size();
}

WanLowerBinding* Ndiswan::Binding(size_t i) {
  if (i >= bindings_.size()) return nullptr;
  WanLowerBinding* b = bindings_[i].get();
  return b->state == WanLowerBinding::State::kBound ? b : nullptr;
}

WanLowerBinding* Ndiswan::TapiBinding(size_t i) {
  WanLowerBinding* b = Binding(i);
  // WAN-095: only adapters that set TAPI_PROVIDER receive TAPI OIDs.
  if (b == nullptr || !b->wan_info_known || (b->wan_info.FramingBits & TAPI_PROVIDER) == 0) {
    return nullptr;
  }
  return b;
}

// ---------------------------------------------------------------------------
// Binding to WAN miniports.

void Ndiswan::OnBindAdapter(PNDIS_STATUS status, NDIS_HANDLE bind_context,
                            PNDIS_STRING device_name) {
  log_.Add(logged::ProtocolBindAdapter{.bind_context = bind_context, .device_name = device_name});
  std::u16string adapter = ToU16(device_name);
  if (adapter == ToU16(config_.virtual_adapter_name)) {
    // Its own virtual adapter: NDISWAN is not a protocol of itself.
    if (status != nullptr) *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  auto owned = std::make_unique<WanLowerBinding>();
  WanLowerBinding& b = *owned;
  b.owner = this;
  b.index = bindings_.size();
  b.bind_context = bind_context;
  b.adapter_name = adapter;
  bindings_.push_back(std::move(owned));
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
  NdisOpenAdapter(&s, &open_error, &b.ndis_binding, &b.selected_medium, kWanMedium, 1,
                  protocol_handle_, &b, device_name, 0, nullptr);
  if (status != nullptr) *status = s;
  if (s == NDIS_STATUS_PENDING) return;  // OnOpenAdapterComplete finishes the bind
  b.state =
      s == NDIS_STATUS_SUCCESS ? WanLowerBinding::State::kBound : WanLowerBinding::State::kDown;
  if (s == NDIS_STATUS_SUCCESS) QueryAdapter(b);
}

void Ndiswan::OnOpenAdapterComplete(WanLowerBinding& b, NDIS_STATUS status,
                                    NDIS_STATUS open_error) {
  log_.Add(
      logged::ProtocolOpenAdapterComplete{.status = status, .ndis_binding_handle = b.ndis_binding});
  b.state = status == NDIS_STATUS_SUCCESS ? WanLowerBinding::State::kBound
                                          : WanLowerBinding::State::kDown;
  NdisCompleteBindAdapter(b.bind_context, status, open_error);
  if (status == NDIS_STATUS_SUCCESS) QueryAdapter(b);
}

void Ndiswan::QueryAdapter(WanLowerBinding& b) {
  RefreshAdapterInfo(b);
  (void)Issue(b, std::make_unique<Request>(Request::Kind::kWanInfo, OID_WAN_GET_INFO,
                                           sizeof(NDIS_WAN_INFO)));
  if (b.state != WanLowerBinding::State::kBound) return;
  (void)Issue(
      b, std::make_unique<Request>(Request::Kind::kLinkSpeed, OID_GEN_LINK_SPEED, sizeof(ULONG)));
}

void Ndiswan::RefreshAdapterInfo(WanLowerBinding& b) {
  wan::AdapterInfo info;
  const wan::AdapterInfo* old = core_.adapter(b.index);
  if (old != nullptr) info = *old;
  if (b.wan_info_known) {
    info.max_transmit = b.wan_info.MaxTransmit;
    info.max_frame_size = b.wan_info.MaxFrameSize;
    info.tapi_provider = (b.wan_info.FramingBits & TAPI_PROVIDER) != 0;
  }
  core_.SetAdapter(b.index, info);
}

void Ndiswan::OnUnbindAdapter(PNDIS_STATUS status, WanLowerBinding& b, NDIS_HANDLE unbind_context) {
  log_.Add(logged::ProtocolUnbindAdapter{.ndis_binding_handle = b.ndis_binding,
                                         .unbind_context = unbind_context});
  // The adapter's links die with the binding: protocols above hear a line-down.
  for (const auto& [c, l] : core_.links()) {
    Link* link = core_.FindLink(wan::LinkContext{c});
    if (link->binding != b.index || link->state != LinkState::kUp) continue;
    link->state = LinkState::kDown;
    wan::Outcome o;
    o.action = Action::kLineDown;
    o.link = link;
    Forward(o);
  }
  b.state = WanLowerBinding::State::kClosing;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisCloseAdapter(&s, b.ndis_binding);
  b.bind_context = unbind_context;  // kept for NdisCompleteUnbindAdapter
  if (status != nullptr) *status = s;
  if (s != NDIS_STATUS_PENDING) b.state = WanLowerBinding::State::kDown;
}

void Ndiswan::OnCloseAdapterComplete(WanLowerBinding& b, NDIS_STATUS status) {
  log_.Add(logged::ProtocolCloseAdapterComplete{.status = status,
                                                .ndis_binding_handle = b.ndis_binding});
  b.state = WanLowerBinding::State::kDown;
  NdisCompleteUnbindAdapter(b.bind_context, status);
}

// ---------------------------------------------------------------------------
// Requests.

NDIS_STATUS Ndiswan::Issue(WanLowerBinding& b, std::unique_ptr<Request> owned) {
  Request& r = *owned;
  r.record = requests_.size();
  requests_.push_back(
      WanRequestRecord{r.oid, b.index, r.subject, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING, false});
  const bool query = IsQueryOid(r.oid);
  r.req.RequestType = query ? NdisRequestQueryInformation : NdisRequestSetInformation;
  // QUERY_INFORMATION and SET_INFORMATION share their layout.
  r.req.DATA.QUERY_INFORMATION.Oid = r.oid;
  r.req.DATA.QUERY_INFORMATION.InformationBuffer = r.data();
  r.req.DATA.QUERY_INFORMATION.InformationBufferLength = r.size();
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

// ---------------------------------------------------------------------------
// Status from WAN miniports, and forwarding upward.

void Ndiswan::OnStatus(WanLowerBinding& b, NDIS_STATUS general_status, PVOID buffer, UINT size) {
  log_.Add(logged::ProtocolStatus{.general_status = general_status,
                                  .ndis_binding_handle = b.ndis_binding,
                                  .status_buffer = buffer,
                                  .status_buffer_size = size});
  const wan::Outcome o = core_.OnStatus(b.index, general_status, buffer, size);
  ++in_lower_status_;
  Forward(o);
  --in_lower_status_;
}

void Ndiswan::OnStatusComplete(WanLowerBinding& b) {
  log_.Add(logged::ProtocolStatusComplete{.ndis_binding_handle = b.ndis_binding});
  core_.OnStatusComplete();
  // kMirrorLower: the lower bracket closed, so does the upper one.
  if (upper_bracket_open_ && upper_adapter_ != nullptr) {
    upper_bracket_open_ = false;
    NdisMIndicateStatusComplete(upper_adapter_);  // WAN-010 on NDISWAN's own adapter
  }
}

void Ndiswan::Forward(const wan::Outcome& o) {
  if (o.action == Action::kTapiEvent) {
    if (tapi_sink_ != nullptr) {
      tapi_sink_->OnTapiEvent(o.tapi);
    } else {
      tapi_log_.push_back(o.tapi);
    }
    return;
  }
  if (o.link == nullptr) return;
  Link& link = *o.link;
  UpperIndication ind;
  ind.link = link.upper;
  ind.link_speed = link.link_speed;
  ind.quality = link.quality;
  ind.send_window = link.send_window;
  switch (o.action) {
    case Action::kLineUp:
    case Action::kLineUpdate: {
      // WAN-037: NDIS_WAN_LINE_UP with NDISWAN's id for the link.
      UpperLinkData& data = upper_data_[link.context.value];
      if (data.device_name.empty()) {
        (void)MakeNdisString(name() + "_link_" + std::to_string(link.upper.value & 0xFFFFFF),
                             data.device_name);
        data.protocol_buffer.assign(8, 0);
      }
      NDIS_WAN_LINE_UP up;
      NdisZeroMemory(&up, sizeof(up));
      up.LinkSpeed = link.link_speed;
      const wan::AdapterInfo* info = core_.adapter(link.binding);
      up.MaximumTotalSize = info != nullptr ? info->max_frame_size : 0;
      // Carried through uninterpreted (OQ-22); stored as bytes, since a value
      // outside the enum's range must not live in an enum object.
      std::memcpy(reinterpret_cast<uint8_t*>(&up) + offsetof(NDIS_WAN_LINE_UP, Quality),
                  &link.quality, sizeof(ULONG));
      up.SendWindow = static_cast<USHORT>(std::min<ULONG>(link.send_window, 0xFFFF));
      link.upper.ToBytes(up.RemoteAddress);
      std::memcpy(up.LocalAddress, link.local_address, 6);
      up.ProtocolBufferLength = static_cast<ULONG>(data.protocol_buffer.size());
      up.ProtocolBuffer = data.protocol_buffer.data();
      up.ProtocolType = config_.protocol_type;
      up.DeviceName.Length = static_cast<USHORT>((data.device_name.size() - 1) * sizeof(WCHAR));
      up.DeviceName.MaximumLength = static_cast<USHORT>(data.device_name.size() * sizeof(WCHAR));
      up.DeviceName.Buffer = data.device_name.data();
      ind.status = NDIS_STATUS_WAN_LINE_UP;
      IndicateUp(ind, &up, sizeof(up));
      // LocalAddress is IN OUT: keep the protocol's context, but the two
      // high-order bytes stay NDISWAN's (WAN-037).
      std::memcpy(link.local_address + 2, up.LocalAddress + 2, 4);
      if (o.action == Action::kLineUpdate) TryPassDown(link);  // the window may have grown
      break;
    }
    case Action::kLineDown: {
      NDIS_WAN_LINE_DOWN down;  // WAN-042
      link.upper.ToBytes(down.RemoteAddress);
      std::memcpy(down.LocalAddress, link.local_address, 6);
      ind.status = NDIS_STATUS_WAN_LINE_DOWN;
      IndicateUp(ind, &down, sizeof(down));
      FailQueued(link);
      break;
    }
    case Action::kFragment: {
      NDIS_WAN_FRAGMENT frag;  // WAN-053
      link.upper.ToBytes(frag.RemoteAddress);
      std::memcpy(frag.LocalAddress, link.local_address, 6);
      ind.status = NDIS_STATUS_WAN_FRAGMENT;
      IndicateUp(ind, &frag, sizeof(frag));
      break;
    }
    default:
      break;
  }
}

void Ndiswan::IndicateUp(UpperIndication ind, PVOID buffer, UINT size) {
  // WAN-007: to the bound protocols through the virtual adapter, or to the
  // configuration manager when there is no adapter for protocols to bind to.
  if (upper_adapter_ != nullptr) {
    ind.to_protocols = true;
    NdisMIndicateStatus(upper_adapter_, ind.status, buffer, size);
    // WAN-010 on NDISWAN's own adapter (NdiswanConfig::upper_bracket).
    if (config_.upper_bracket == UpperBracket::kMirrorLower && in_lower_status_ > 0) {
      upper_bracket_open_ = true;
    } else {
      upper_bracket_open_ = false;
      NdisMIndicateStatusComplete(upper_adapter_);
    }
  }
  forwarded_.push_back(ind);
  if (upper_adapter_ == nullptr || config_.always_notify_config_manager) {
    if (config_manager_ != nullptr) {
      config_manager_->OnWanIndication(ind);
    } else {
      cm_log_.push_back(ind);
    }
  }
}

// ---------------------------------------------------------------------------
// Data path.

NDIS_STATUS Ndiswan::OnWanReceive(NDIS_HANDLE link_context, PUCHAR packet, ULONG size) {
  log_.Add(logged::ProtocolWanReceive{.ndis_link_context = link_context, .packet_size = size});
  const wan::Outcome o = core_.OnReceive(link_context, size);
  if (o.action != Action::kReceive) return NDIS_STATUS_NOT_ACCEPTED;  // WAN-101
  if (upper_adapter_ == nullptr) return NDIS_STATUS_SUCCESS;          // nobody above: consumed
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisMWanIndicateReceive(&s, upper_adapter_, o.link->upper.handle(), packet, size);
  NdisMWanIndicateReceiveComplete(upper_adapter_, o.link->upper.handle());
  return s;
}

NDIS_STATUS Ndiswan::OnMiniportWanSend(NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  log_.Add(logged::UpperMiniportWanSend{.ndis_link_handle = link_handle, .packet = packet});
  Link* link = core_.FindLinkByUpper(wan::UpperLinkId::FromHandle(link_handle));
  // WAN-033: nothing goes down for a link that no line-up established.
  if (link == nullptr || link->state != LinkState::kUp || packet == nullptr) {
    log_.Add(logged::OwnSendRefused{.ndis_link_handle = link_handle, .packet = packet});
    return NDIS_STATUS_FAILURE;
  }
  auto owned = std::make_unique<Send>();
  Send& s = *owned;
  s.upper = packet;
  s.lower.CurrentBuffer = packet->CurrentBuffer;
  s.lower.CurrentLength = packet->CurrentLength;
  s.lower.StartBuffer = packet->StartBuffer;
  s.lower.EndBuffer = packet->EndBuffer;
  s.link = link->context.value;
  PNDIS_WAN_PACKET key = &s.lower;
  sends_[key] = std::move(owned);
  auto& queue = link_queue_[s.link];
  WanLinkSends& st = link_sends_[s.link];
  if (st.outstanding >= link->send_window || !queue.empty()) ++st.queued_total;
  queue.push_back(&s);
  s.sync_caller = true;
  TryPassDown(*link);
  auto it = sends_.find(key);
  if (it == sends_.end()) return NDIS_STATUS_PENDING;  // cannot happen: sync sends stay until here
  it->second->sync_caller = false;
  if (!it->second->done) return NDIS_STATUS_PENDING;  // NdisMWanSendComplete later
  const NDIS_STATUS result = it->second->status;
  sends_.erase(it);
  return result;
}

void Ndiswan::TryPassDown(Link& link) {
  auto& queue = link_queue_[link.context.value];
  WanLinkSends& st = link_sends_[link.context.value];
  // WAN-031: at most SendWindow packets in MiniportWanSend for the link.
  while (link.state == LinkState::kUp && !queue.empty() && st.outstanding < link.send_window) {
    Send* s = queue.front();
    queue.pop_front();
    WanLowerBinding* b = Binding(link.binding);
    if (b == nullptr) {
      s->done = true;
      s->status = NDIS_STATUS_FAILURE;
      if (!s->sync_caller) CompleteUp(*s, NDIS_STATUS_FAILURE);
      continue;
    }
    s->in_miniport = true;
    ++st.outstanding;
    st.max_outstanding = std::max(st.max_outstanding, st.outstanding);
    ++st.passed_down;
    NDIS_STATUS r = NDIS_STATUS_FAILURE;
    // WAN-028: the NdisLinkHandle from the line-up, unchanged.
    NdisWanSend(&r, b->ndis_binding, link.link_handle, &s->lower);
    if (r == NDIS_STATUS_PENDING || !s->in_miniport) continue;  // completion frees the slot
    s->in_miniport = false;
    --st.outstanding;
    ++st.completed;
    if (s->sync_caller) {
      s->done = true;
      s->status = r;
    } else {
      CompleteUp(*s, r);
    }
  }
}

void Ndiswan::OnWanSendComplete(WanLowerBinding& b, PNDIS_WAN_PACKET packet, NDIS_STATUS status) {
  log_.Add(logged::ProtocolWanSendComplete{
      .status = status, .ndis_binding_handle = b.ndis_binding, .packet = packet});
  auto it = sends_.find(packet);
  if (it == sends_.end() || !it->second->in_miniport) return;  // not ours / twice: logged only
  Send& s = *it->second;
  s.in_miniport = false;
  WanLinkSends& st = link_sends_[s.link];
  --st.outstanding;
  ++st.completed;
  const uintptr_t link_ctx = s.link;
  if (s.sync_caller) {
    s.done = true;
    s.status = status;
  } else {
    CompleteUp(s, status);
  }
  if (Link* link = core_.FindLink(wan::LinkContext{link_ctx})) TryPassDown(*link);
}

void Ndiswan::CompleteUp(Send& s, NDIS_STATUS status) {
  PNDIS_WAN_PACKET upper = s.upper;
  sends_.erase(&s.lower);  // frees s
  if (upper_adapter_ != nullptr) NdisMWanSendComplete(upper_adapter_, upper, status);
}

void Ndiswan::FailQueued(Link& link) {
  auto& queue = link_queue_[link.context.value];
  WanLinkSends& st = link_sends_[link.context.value];
  while (!queue.empty()) {
    Send* s = queue.front();
    queue.pop_front();
    ++st.failed_on_down;
    if (s->sync_caller) {
      s->done = true;
      s->status = NDIS_STATUS_FAILURE;
    } else {
      CompleteUp(*s, NDIS_STATUS_FAILURE);
    }
  }
}

// ---------------------------------------------------------------------------
// The virtual miniport.

NDIS_STATUS Ndiswan::OnMiniportInitialize(PUINT selected, PNDIS_MEDIUM media, UINT media_count,
                                          NDIS_HANDLE adapter_handle) {
  log_.Add(logged::UpperMiniportInitialize{.miniport_adapter_handle = adapter_handle});
  if (upper_adapter_ != nullptr) return NDIS_STATUS_FAILURE;  // one virtual adapter
  UINT index = media_count;
  for (UINT i = 0; media != nullptr && i < media_count; ++i) {
    if (media[i] == NdisMediumWan) {
      index = i;
      break;
    }
  }
  if (index == media_count) return NDIS_STATUS_UNSUPPORTED_MEDIA;
  if (selected != nullptr) *selected = index;
  NdisMSetAttributesEx(adapter_handle, this, 0,
                       NDIS_ATTRIBUTE_DESERIALIZE | NDIS_ATTRIBUTE_IGNORE_PACKET_TIMEOUT |
                           NDIS_ATTRIBUTE_IGNORE_REQUEST_TIMEOUT,
                       NdisInterfaceInternal);
  upper_adapter_ = adapter_handle;
  return NDIS_STATUS_SUCCESS;
}

void Ndiswan::OnMiniportHalt() {
  log_.Add(logged::UpperMiniportHalt{.miniport_adapter_handle = upper_adapter_});
  upper_adapter_ = nullptr;
  upper_bracket_open_ = false;  // the adapter is gone, and its bracket with it
}

NDIS_STATUS Ndiswan::OnMiniportQuery(NDIS_OID oid, PVOID buffer, ULONG length, PULONG written,
                                     PULONG needed) {
  log_.Add(logged::UpperMiniportQueryInformation{.information_buffer = buffer, .oid = oid});
  ULONG w = 0, n = 0;
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  if (oid == OID_WAN_GET_INFO) {
    n = sizeof(NDIS_WAN_INFO);
    if (buffer == nullptr || length < n) {
      s = NDIS_STATUS_INVALID_LENGTH;
    } else {
      NDIS_WAN_INFO info;
      NdisZeroMemory(&info, sizeof(info));
      info.MaxFrameSize = config_.upper_max_frame;
      info.MaxTransmit = config_.upper_max_transmit;
      info.FramingBits = PPP_FRAMING;
      std::memcpy(buffer, &info, sizeof(info));
      w = n;
    }
  } else if (oid == OID_GEN_LINK_SPEED) {
    n = sizeof(ULONG);
    if (buffer == nullptr || length < n) {
      s = NDIS_STATUS_INVALID_LENGTH;
    } else {
      ULONG speed = 0;  // per-link speeds arrive with each line-up
      std::memcpy(buffer, &speed, sizeof(speed));
      w = n;
    }
  } else {
    s = NDIS_STATUS_INVALID_OID;
  }
  if (written != nullptr) *written = w;
  if (needed != nullptr) *needed = s == NDIS_STATUS_INVALID_LENGTH ? n : 0;
  if (!config_.upper_requests.pends())
    return s == NDIS_STATUS_SUCCESS ? config_.upper_requests.status : s;
  const NDIS_STATUS final_status = s == NDIS_STATUS_SUCCESS ? config_.upper_requests.status : s;
  NDIS_HANDLE adapter = upper_adapter_;
  if (!deferrer_.Defer(adapter, [adapter, final_status] {
        NdisMQueryInformationComplete(adapter, final_status);
      })) {
    return final_status;  // no work item: answer now
  }
  return NDIS_STATUS_PENDING;
}

NDIS_STATUS Ndiswan::OnMiniportSet(NDIS_OID oid, PVOID buffer, ULONG length, PULONG read,
                                   PULONG needed) {
  log_.Add(logged::UpperMiniportSetInformation{.information_buffer = buffer, .oid = oid});
  // Link settings from protocols are accepted and not acted on.
  const bool wan_oid = (oid & 0xFF000000u) == 0x04000000u;
  const NDIS_STATUS s = wan_oid ? config_.upper_requests.status : NDIS_STATUS_INVALID_OID;
  if (read != nullptr) *read = wan_oid ? length : 0;
  if (needed != nullptr) *needed = 0;
  if (!config_.upper_requests.pends()) return s;
  NDIS_HANDLE adapter = upper_adapter_;
  if (!deferrer_.Defer(adapter, [adapter, s] { NdisMSetInformationComplete(adapter, s); })) {
    return s;
  }
  return NDIS_STATUS_PENDING;
}

}  // namespace ndisconf::drivers
