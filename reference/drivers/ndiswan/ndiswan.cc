// Implementation of reference/drivers/ndiswan/ndiswan.h: construction, DriverEntry
// (NDIS 5 protocol and virtual-miniport registration), binding to WAN
// miniports (NDISWAN's lower edge) and the virtual miniport protocols bind
// to (its upper edge). The rest of Ndiswan is in ndiswan_tapi.cc (requests
// down and the NDISTAPI upper edge), ndiswan_status.cc (status from WAN
// miniports, forwarded up) and ndiswan_sends.cc (the data path).
#include "reference/drivers/ndiswan/ndiswan.h"

#include <algorithm>
#include <cstring>

#include "reference/drivers/common/names.h"
#include "reference/drivers/ndiswan/ndis5_protocol_thunks.h"
#include "reference/drivers/ndiswan/ndiswan_impl.h"
#include "reference/drivers/ndiswan/wan_slots.h"
#include "spec/wan_buffers.h"

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

}  // namespace

Ndiswan::Ndiswan(Config config, std::string name)
    : LoggingDriver(std::move(name)),
      config_(std::move(config)),
      core_(wan::CoreOptions{config_.strict, config_.tapi_layout, config_.instance_tag}),
      slot_(Slots::Acquire(this)) {}

Ndiswan::~Ndiswan() { Slots::Release(slot_); }

STATUS_HANDLER Ndiswan::LowerStatusHandler() { return ProtocolThunks::StatusHandler(); }
STATUS_COMPLETE_HANDLER Ndiswan::LowerStatusCompleteHandler() {
  return ProtocolThunks::StatusCompleteHandler();
}

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
