// Implementation of reference/drivers/wanproto/wanproto.h.
#include "reference/drivers/wanproto/wanproto.h"

#include <cstring>

#include "reference/drivers/common/names.h"
#include "reference/drivers/ndiswan/ndis5_protocol_thunks.h"
#include "reference/drivers/ndiswan/wan_slots.h"

namespace ndisconf::drivers {
namespace {

using Slots = InstanceSlots<WanProto, 8>;

NDIS_MEDIUM kWanMedium[] = {NdisMediumWan};

using ProtocolThunks = Ndis5ProtocolThunks<WanProto, WpBinding, Slots>;

template <class T>
T Read(const void* buffer) {
  T v{};
  std::memcpy(&v, buffer, sizeof(T));
  return v;
}

}  // namespace

const char* ToString(TimerMode m) { return m == TimerMode::kNormal ? "normal" : "degraded"; }

WanProto::WanProto(Config config, std::string name)
    : LoggingDriver(std::move(name)), config_(std::move(config)), slot_(Slots::Acquire(this)) {}

WanProto::~WanProto() { Slots::Release(slot_); }

NDIS_STATUS WanProto::DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) {
  if (slot_ == Slots::kNone) return NDIS_STATUS_RESOURCES;
  NDIS_PROTOCOL_CHARACTERISTICS pc;
  ProtocolThunks::Fill(&pc, slot_);
  pc.Name = MakeNdisString(name(), name_buffer_);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRegisterProtocol(&s, &protocol_handle_, &pc, sizeof(pc));
  log_.Add(logged::OwnNdisRegisterProtocol{.status = s, .ndis_protocol_handle = protocol_handle_});
  return s;
}

const WpLink* WanProto::link(wan::UpperLinkId id) const {
  auto it = links_.find(id.value);
  return it == links_.end() ? nullptr : &it->second;
}

TimerMode WanProto::mode() const {
  for (const auto& [id, l] : links_) {
    if (l.up) return TimerMode::kNormal;
  }
  return TimerMode::kDegraded;  // WAN-036: no data channel yet (or all down, WAN-041)
}
ULONG WanProto::timeout() const {
  return mode() == TimerMode::kNormal ? config_.normal_timeout : config_.degraded_timeout;
}
ULONG WanProto::retries() const {
  return mode() == TimerMode::kNormal ? config_.normal_retries : config_.degraded_retries;
}

void WanProto::SetMode(WpLink& link, TimerMode mode) {
  link.mode = mode;
  link.timeout = mode == TimerMode::kNormal ? config_.normal_timeout : config_.degraded_timeout;
  link.retries = mode == TimerMode::kNormal ? config_.normal_retries : config_.degraded_retries;
}

STATUS_HANDLER WanProto::StatusHandler() { return ProtocolThunks::StatusHandler(); }
STATUS_COMPLETE_HANDLER WanProto::StatusCompleteHandler() {
  return ProtocolThunks::StatusCompleteHandler();
}

bool WanProto::ResetStatusState() {
  if (!packets_.empty()) return false;
  links_.clear();
  indications_.clear();
  counters_ = {};
  in_status_complete_ = 0;
  return true;
}

// ---- Binding. ----

void WanProto::OnBindAdapter(PNDIS_STATUS status, NDIS_HANDLE bind_context,
                             PNDIS_STRING device_name) {
  log_.Add(logged::ProtocolBindAdapter{.bind_context = bind_context, .device_name = device_name});
  if (!config_.bind_to.empty()) {
    std::u16string want(config_.bind_to.begin(), config_.bind_to.end());
    std::u16string got;
    if (device_name != nullptr && device_name->Buffer != nullptr) {
      got.assign(reinterpret_cast<const char16_t*>(device_name->Buffer),
                 device_name->Length / sizeof(WCHAR));
    }
    if (got != want) {
      if (status != nullptr) *status = NDIS_STATUS_NOT_SUPPORTED;
      return;
    }
  }
  auto owned = std::make_unique<WpBinding>();
  WpBinding& b = *owned;
  b.owner = this;
  b.index = bindings_.size();
  b.bind_context = bind_context;
  bindings_.push_back(std::move(owned));
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
  NdisOpenAdapter(&s, &open_error, &b.ndis_binding, &b.selected_medium, kWanMedium, 1,
                  protocol_handle_, &b, device_name, 0, nullptr);
  if (status != nullptr) *status = s;
  if (s == NDIS_STATUS_PENDING) return;
  b.state = s == NDIS_STATUS_SUCCESS ? WpBinding::State::kBound : WpBinding::State::kDown;
  if (s == NDIS_STATUS_SUCCESS) QueryInfo(b);
}

void WanProto::OnOpenAdapterComplete(WpBinding& b, NDIS_STATUS status, NDIS_STATUS open_error) {
  log_.Add(
      logged::ProtocolOpenAdapterComplete{.status = status, .ndis_binding_handle = b.ndis_binding});
  b.state = status == NDIS_STATUS_SUCCESS ? WpBinding::State::kBound : WpBinding::State::kDown;
  NdisCompleteBindAdapter(b.bind_context, status, open_error);
  if (status == NDIS_STATUS_SUCCESS) QueryInfo(b);
}

void WanProto::QueryInfo(WpBinding& b) {
  if (!config_.query_wan_info) return;
  b.request.RequestType = NdisRequestQueryInformation;
  b.request.DATA.QUERY_INFORMATION.Oid = OID_WAN_GET_INFO;
  b.request.DATA.QUERY_INFORMATION.InformationBuffer = &b.wan_info;
  b.request.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(b.wan_info);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, b.ndis_binding, &b.request);
  if (s != NDIS_STATUS_PENDING) b.wan_info_status = s;
}

void WanProto::OnRequestComplete(WpBinding& b, PNDIS_REQUEST request, NDIS_STATUS status) {
  log_.Add(logged::ProtocolRequestComplete{
      .status = status, .ndis_binding_handle = b.ndis_binding, .request = request});
  if (request == &b.request) b.wan_info_status = status;
}

void WanProto::OnUnbindAdapter(PNDIS_STATUS status, WpBinding& b, NDIS_HANDLE unbind_context) {
  log_.Add(logged::ProtocolUnbindAdapter{.ndis_binding_handle = b.ndis_binding,
                                         .unbind_context = unbind_context});
  b.state = WpBinding::State::kClosing;
  b.bind_context = unbind_context;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisCloseAdapter(&s, b.ndis_binding);
  if (status != nullptr) *status = s;
  if (s != NDIS_STATUS_PENDING) b.state = WpBinding::State::kDown;
}

void WanProto::OnCloseAdapterComplete(WpBinding& b, NDIS_STATUS status) {
  log_.Add(logged::ProtocolCloseAdapterComplete{.status = status,
                                                .ndis_binding_handle = b.ndis_binding});
  b.state = WpBinding::State::kDown;
  NdisCompleteUnbindAdapter(b.bind_context, status);
}

// ---- Status. ----

void WanProto::OnStatus(WpBinding& b, NDIS_STATUS general_status, PVOID buffer, UINT size) {
  log_.Add(logged::ProtocolStatus{.general_status = general_status,
                                  .ndis_binding_handle = b.ndis_binding,
                                  .status_buffer = buffer,
                                  .status_buffer_size = size});
  ++counters_.indications;
  WpIndication ind;
  ind.status = general_status;
  ind.size = size;
  ind.inside_status_complete = in_status_complete_ > 0;
  if (ind.inside_status_complete) ++counters_.nested_in_complete;  // WAN-012

  const bool line_up = general_status == NDIS_STATUS_WAN_LINE_UP;
  const bool line_down = general_status == NDIS_STATUS_WAN_LINE_DOWN;
  const bool fragment = general_status == NDIS_STATUS_WAN_FRAGMENT;
  if (!line_up && !line_down && !fragment) {
    ++counters_.ignored;  // WAN-006
    indications_.push_back(ind);
    return;
  }
  const UINT need = line_up ? sizeof(NDIS_WAN_LINE_UP)
                            : (line_down ? sizeof(NDIS_WAN_LINE_DOWN) : sizeof(NDIS_WAN_FRAGMENT));
  if (buffer == nullptr || size < need) {
    ++counters_.malformed;
    indications_.push_back(ind);
    return;
  }
  ind.decoded = true;
  if (line_up) {
    auto up = Read<NDIS_WAN_LINE_UP>(buffer);
    ind.link = wan::UpperLinkId::FromBytes(up.RemoteAddress);
    ind.link_speed = up.LinkSpeed;
    ind.send_window = up.SendWindow;
    std::memcpy(&ind.quality,
                static_cast<const uint8_t*>(buffer) + offsetof(NDIS_WAN_LINE_UP, Quality),
                sizeof(ULONG));  // not through the enum: the value is untrusted
    ind.max_total_size = up.MaximumTotalSize;
    ind.protocol_type = up.ProtocolType;
    indications_.push_back(ind);
    WpLink& link = links_[ind.link.value];
    const bool first = link.line_ups == 0;
    link.id = ind.link;
    link.up = true;
    ++link.line_ups;
    // Zero means "unchanged" for LinkSpeed and MaximumTotalSize (WAN-037).
    if (up.LinkSpeed != 0) link.link_speed = up.LinkSpeed;
    if (up.MaximumTotalSize != 0) link.max_total_size = up.MaximumTotalSize;
    link.send_window = up.SendWindow;
    link.quality = ind.quality;
    SetMode(link, TimerMode::kNormal);  // WAN-036: the data channel is up
    if (first) {
      link.local_context = config_.local_context_base + static_cast<ULONG>(links_.size());
    }
    // LocalAddress is IN OUT: the protocol's context goes into the four
    // low-order bytes; the two high-order bytes are NDISWAN's (WAN-037).
    UCHAR local[4];
    for (int i = 0; i < 4; ++i) local[i] = static_cast<UCHAR>(link.local_context >> (24 - 8 * i));
    std::memcpy(static_cast<uint8_t*>(buffer) + offsetof(NDIS_WAN_LINE_UP, LocalAddress) + 2, local,
                sizeof(local));
    return;
  }
  // NDIS_WAN_LINE_DOWN and NDIS_WAN_FRAGMENT share their layout.
  auto down = Read<NDIS_WAN_LINE_DOWN>(buffer);
  ind.link = wan::UpperLinkId::FromBytes(down.RemoteAddress);
  indications_.push_back(ind);
  auto it = links_.find(ind.link.value);
  if (it == links_.end() || !it->second.up) {
    ++counters_.unknown_link;
    return;
  }
  WpLink& link = it->second;
  if (line_down) {
    link.up = false;
    ++link.line_downs;
    SetMode(link, TimerMode::kDegraded);  // WAN-041 until the next line-up
    return;
  }
  ++link.fragments;
  if (config_.notify_on_fragment) {
    // WAN-054: tell the peer now rather than wait for a time-out.
    ++link.notifications_sent;
    NDIS_STATUS s = SendOn(b, link.id.value, config_.notification_bytes, /*notification=*/true);
    if (s != NDIS_STATUS_SUCCESS && s != NDIS_STATUS_PENDING) ++link.notifications_failed;
  }
}

void WanProto::OnStatusComplete(WpBinding& b) {
  log_.Add(logged::ProtocolStatusComplete{.ndis_binding_handle = b.ndis_binding});
  ++in_status_complete_;
  ++counters_.status_completes;
  --in_status_complete_;
}

// ---- Data path. ----

NDIS_STATUS WanProto::Send(size_t binding, wan::UpperLinkId id, ULONG bytes) {
  if (binding >= bindings_.size() || bindings_[binding]->state != WpBinding::State::kBound) {
    return NDIS_STATUS_FAILURE;
  }
  return SendOn(*bindings_[binding], id.value, bytes, /*notification=*/false);
}

NDIS_STATUS WanProto::SendOn(WpBinding& b, uint64_t link, ULONG bytes, bool notification) {
  auto owned = std::make_unique<Packet>();
  Packet& p = *owned;
  p.bytes.assign(bytes == 0 ? 1 : bytes, notification ? 0xF7 : 0x5A);
  p.link = link;
  p.notification = notification;
  p.packet.StartBuffer = p.bytes.data();
  p.packet.CurrentBuffer = p.bytes.data();
  p.packet.CurrentLength = bytes;
  p.packet.EndBuffer = p.bytes.data() + p.bytes.size();
  PNDIS_WAN_PACKET key = &p.packet;
  packets_[key] = std::move(owned);
  ++counters_.sends;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisWanSend(&s, b.ndis_binding, wan::UpperLinkId{link}.handle(), key);
  log_.Add(logged::OwnNdisWanSend{.status = s,
                                  .ndis_binding_handle = b.ndis_binding,
                                  .ndis_link_handle = wan::UpperLinkId{link}.handle(),
                                  .packet = key});
  if (s != NDIS_STATUS_PENDING) packets_.erase(key);  // done: no completion follows
  return s;
}

void WanProto::OnWanSendComplete(WpBinding& b, PNDIS_WAN_PACKET packet, NDIS_STATUS status) {
  log_.Add(logged::ProtocolWanSendComplete{
      .status = status, .ndis_binding_handle = b.ndis_binding, .packet = packet});
  auto it = packets_.find(packet);
  if (it == packets_.end()) return;
  ++counters_.send_completes;
  if (it->second->notification && status != NDIS_STATUS_SUCCESS) {
    auto l = links_.find(it->second->link);
    if (l != links_.end()) ++l->second.notifications_failed;
  }
  packets_.erase(it);
}

NDIS_STATUS WanProto::OnWanReceive(NDIS_HANDLE link_context, PUCHAR, ULONG size) {
  log_.Add(logged::ProtocolWanReceive{.ndis_link_context = link_context, .packet_size = size});
  auto it = links_.find(wan::UpperLinkId::FromHandle(link_context).value);
  if (it == links_.end() || !it->second.up) {
    ++counters_.unknown_link;
    return NDIS_STATUS_NOT_ACCEPTED;
  }
  ++it->second.receives;
  ++counters_.receives;
  return NDIS_STATUS_SUCCESS;
}

// ---------------------------------------------------------------------------
// A reused driver.

// Everything that changes after DriverEntry but the outstanding sends, which
// Checkpoint requires to be none. The configuration, the slot and the
// registered name are fixed.
struct WanProto::Saved {
  NDIS_HANDLE protocol_handle = nullptr;
  OwnedVector<WpBinding> bindings;
  std::map<uint64_t, WpLink> links;
  History<WpIndication> indications;
  WanProtoCounters counters;
  int in_status_complete = 0;
  WanProtoLog log;
};

// A member added to WanProto is saved and restored above, or said to be
// fixed; this size (libstdc++, x86-64) is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(WanProto) == 800,
              "WanProto changed: save and restore the new member in Saved, then update the size");
#endif

bool WanProto::Checkpoint() {
  if (!packets_.empty() || deferrer_.outstanding() != 0) return false;
  if (saved_ == nullptr) saved_ = std::make_shared<Saved>();
  Saved& s = *saved_;
  s.protocol_handle = protocol_handle_;
  s.bindings = bindings_;
  s.links = links_;
  s.indications = indications_;
  s.counters = counters_;
  s.in_status_complete = in_status_complete_;
  s.log = log_;
  return true;
}

bool WanProto::Rollback() {
  if (saved_ == nullptr || deferrer_.outstanding() != 0) return false;
  const Saved& s = *saved_;
  packets_.clear();
  protocol_handle_ = s.protocol_handle;
  bindings_ = s.bindings;
  links_ = s.links;
  indications_.RestoreFrom(s.indications);
  counters_ = s.counters;
  in_status_complete_ = s.in_status_complete;
  log_.RestoreFrom(s.log);
  return true;
}

}  // namespace ndisconf::drivers
