// Implementation of ndisconf/drivers/wmp.h: the reference NDIS WAN miniport.
#include "ndisconf/drivers/wmp.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <utility>

#include "ndisconf/drivers/wmp_codec.h"

namespace ndisconf::drivers {

namespace {

using wmp::EqualsIgnoreCase;

// The instance of each Initialize slot (see wmp.h: NDIS 5's
// MiniportInitialize carries no driver context).
std::array<Wmp*, Wmp::kMaxInstances> g_slots{};

WmpAdapter* AdapterOf(NDIS_HANDLE ctx) { return static_cast<WmpAdapter*>(ctx); }

template <class T>
T LoadAt(std::span<const uint8_t> buf, size_t offset = 0) {
  T v;
  std::memcpy(&v, buf.data() + offset, sizeof(T));
  return v;
}
template <class T>
void StoreAt(std::span<uint8_t> buf, const T& v, size_t offset = 0) {
  std::memcpy(buf.data() + offset, &v, sizeof(T));
}

// Holds the adapter spin lock for a scope. Indications check !lock_held
// (WAN-003: release every spin lock before indicating).
class AdapterLock {
 public:
  explicit AdapterLock(WmpAdapter& a) : a_(a) {
    NdisAcquireSpinLock(&a_.lock);
    a_.lock_held = true;
  }
  ~AdapterLock() {
    a_.lock_held = false;
    NdisReleaseSpinLock(&a_.lock);
  }
  AdapterLock(const AdapterLock&) = delete;
  AdapterLock& operator=(const AdapterLock&) = delete;

 private:
  WmpAdapter& a_;
};

}  // namespace

// ---------------------------------------------------------------------------
// WmpAdapter lookups.

WmpCall* WmpAdapter::FindCall(HDRV_CALL hd_call) {
  if (hd_call == 0) return nullptr;
  for (auto& c : calls) {
    if (c->hd_call == hd_call && !c->closed) return c.get();
  }
  return nullptr;
}

WmpCall* WmpAdapter::CallOnChannel(uint32_t channel) {
  for (auto& c : calls) {
    if (!c->closed && c->channel && *c->channel == channel) return c.get();
  }
  return nullptr;
}

WmpLine* WmpAdapter::FindLine(HDRV_LINE hd_line) {
  if (hd_line == 0) return nullptr;
  for (WmpLine& l : lines) {
    if (l.open && l.hd_line == hd_line) return &l;
  }
  return nullptr;
}

WmpLink* WmpAdapter::FindLink(NDIS_HANDLE h) {
  for (auto& l : links) {
    if (l.get() == h) return l.get();
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Construction and registration.

Wmp::Wmp(Config config, std::string name)
    : LoggingDriver(std::move(name)), config_(std::move(config)) {
  for (size_t i = 0; i < kMaxInstances; ++i) {
    if (g_slots[i] == nullptr) {
      g_slots[i] = this;
      slot_ = i;
      break;
    }
  }
}

Wmp::Wmp(nic::Nic& nic, Config config, std::string name) : Wmp(std::move(config), std::move(name)) {
  config_.nics.insert(config_.nics.begin(), &nic);
}

Wmp::~Wmp() {
  for (auto& a : adapters_) {
    if (a->nic != nullptr && a->state == WmpAdapter::State::kRunning) {
      a->nic->SetInterruptHandler({});  // the line must not call into a dead driver
    }
  }
  if (slot_ != kNoSlot) g_slots[slot_] = nullptr;
}

template <size_t kSlot>
NDIS_STATUS Wmp::InitializeThunk(PNDIS_STATUS open_error, PUINT selected_medium, PNDIS_MEDIUM media,
                                 UINT media_count, NDIS_HANDLE adapter_handle,
                                 NDIS_HANDLE wrapper_configuration_context) {
  return InitializeFor(kSlot, open_error, selected_medium, media, media_count, adapter_handle,
                       wrapper_configuration_context);
}

W_INITIALIZE_HANDLER Wmp::InitializeHandlerFor(size_t slot) {
  static constexpr auto kTable = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<W_INITIALIZE_HANDLER, sizeof...(I)>{&Wmp::InitializeThunk<I>...};
  }
  (std::make_index_sequence<kMaxInstances>{});
  return slot < kTable.size() ? kTable[slot] : nullptr;
}

NDIS_MINIPORT_CHARACTERISTICS Wmp::MakeCharacteristics() const {
  NDIS_MINIPORT_CHARACTERISTICS c;
  NdisZeroMemory(&c, sizeof(c));
  c.MajorNdisVersion = 5;
  c.MinorNdisVersion = 1;
  c.Reserved = NDIS_USE_WAN_WRAPPER;  // WAN-095
  c.CheckForHangHandler = &CheckForHangThunk;
  c.DisableInterruptHandler = &DisableInterruptThunk;
  c.EnableInterruptHandler = &EnableInterruptThunk;
  c.HaltHandler = &HaltThunk;
  c.HandleInterruptHandler = &HandleInterruptThunk;
  c.InitializeHandler = InitializeHandlerFor(slot_);
  c.ISRHandler = &IsrThunk;
  c.QueryInformationHandler = &QueryThunk;
  c.ReconfigureHandler = nullptr;
  c.ResetHandler = &ResetThunk;
  c.WanSendHandler = &WanSendThunk;  // WAN-095: the WAN send path
  c.SetInformationHandler = &SetThunk;
  c.WanTransferDataHandler = nullptr;
  c.PnPEventNotifyHandler = &PnPEventThunk;
  c.AdapterShutdownHandler = &ShutdownThunk;
  return c;
}

NDIS_STATUS Wmp::DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) {
  if (slot_ == kNoSlot) return NDIS_STATUS_RESOURCES;
  NdisMInitializeWrapper(&wrapper_, driver_object, registry_path, nullptr);
  NDIS_MINIPORT_CHARACTERISTICS chars = MakeCharacteristics();
  NDIS_STATUS s = NdisMRegisterMiniport(wrapper_, &chars, sizeof(chars));
  log_.Add(logged::OwnNdisMRegisterMiniport{.status = s, .ndis_wrapper_handle = wrapper_});
  return s;
}

// ---------------------------------------------------------------------------
// MiniportInitialize / Halt / Reset / CheckForHang.

NDIS_STATUS Wmp::InitializeFor(size_t slot, PNDIS_STATUS open_error, PUINT selected_medium,
                               PNDIS_MEDIUM media, UINT media_count, NDIS_HANDLE adapter_handle,
                               NDIS_HANDLE) {
  Wmp* self = slot < kMaxInstances ? g_slots[slot] : nullptr;
  if (self == nullptr) return NDIS_STATUS_FAILURE;
  if (open_error != nullptr) *open_error = NDIS_STATUS_SUCCESS;
  self->log_.Add(logged::MiniportInitialize{.miniport_adapter_handle = adapter_handle,
                                            .medium_array_size = media_count});
  NDIS_STATUS s = self->OnInitialize(selected_medium, media, media_count, adapter_handle);
  self->log_.Add(
      logged::MiniportInitializeRet{.status = s, .miniport_adapter_handle = adapter_handle});
  return s;
}

NDIS_STATUS Wmp::OnInitialize(PUINT selected_medium, PNDIS_MEDIUM media, UINT media_count,
                              NDIS_HANDLE adapter_handle) {
  UINT wan = media_count;
  for (UINT i = 0; media != nullptr && i < media_count; ++i) {
    if (media[i] == NdisMediumWan) {
      wan = i;
      break;
    }
  }
  if (wan == media_count || selected_medium == nullptr) return NDIS_STATUS_UNSUPPORTED_MEDIA;
  *selected_medium = wan;
  const size_t index = adapters_.size();
  nic::Nic* nic = index < config_.nics.size() ? config_.nics[index] : nullptr;
  if (nic == nullptr || nic->channel_count() == 0) return NDIS_STATUS_ADAPTER_NOT_FOUND;

  auto owned = std::make_unique<WmpAdapter>();
  WmpAdapter& a = *owned;
  adapters_.push_back(std::move(owned));
  a.owner = this;
  a.index = index;
  a.handle = adapter_handle;
  a.nic = nic;

  // WAN-004 / OQ-27: the serialization flag decides the IRQL rule.
  ULONG flags = config_.deserialized ? NDIS_ATTRIBUTE_DESERIALIZE : 0;
  NdisMSetAttributesEx(adapter_handle, &a, 0, flags, NdisInterfaceInternal);
  if (config_.initialize_status != NDIS_STATUS_SUCCESS) {
    a.state = WmpAdapter::State::kFailed;
    return config_.initialize_status;
  }
  NDIS_STATUS s = NdisMRegisterInterrupt(&a.interrupt, adapter_handle, 0, 0, TRUE, FALSE,
                                         NdisInterruptLevelSensitive);
  log_.Add(
      logged::OwnNdisMRegisterInterrupt{.status = s, .miniport_adapter_handle = adapter_handle});
  if (s != NDIS_STATUS_SUCCESS) {
    a.state = WmpAdapter::State::kFailed;
    return s;
  }
  a.interrupt_registered = true;
  NdisAllocateSpinLock(&a.lock);
  a.lock_allocated = true;

  const uint32_t channels = nic->channel_count();
  const uint32_t lines = config_.line_count == 0 ? channels : config_.line_count;
  a.lines.resize(lines);
  a.tx.resize(channels);
  a.speed_bps.resize(channels);
  uint32_t window = std::max<uint32_t>(config_.default_send_window, 1);
  for (uint32_t c = 0; c < channels; ++c) {
    std::optional<nic::ChannelStatus> st = nic->Status(nic::ChannelId{c});
    if (!st) continue;
    a.speed_bps[c] = st->link_speed_bps;
    if (st->tx_queue_capacity != 0) window = std::min(window, st->tx_queue_capacity);
  }
  a.max_transmit = window;

  // The NIC's interrupt line reaches NDIS through the harness's wiring.
  if (config_.raise_interrupt) {
    nic->SetInterruptHandler([this, h = adapter_handle] {
      if (config_.raise_interrupt) config_.raise_interrupt(h);
    });
  }
  nic->SetInterruptEnabled(true);
  a.nic_irq_enabled = true;
  a.state = WmpAdapter::State::kRunning;
  return NDIS_STATUS_SUCCESS;
}

void Wmp::OnHalt(WmpAdapter& a) {
  // WAN-002: no status indication from MiniportHalt. Calls are disconnected
  // on the NIC; their TAPI state is kept until CLOSE_CALL (WAN-089).
  a.nic->SetInterruptHandler({});
  for (auto& c : a.calls) {
    if (c->closed || !c->channel) continue;
    (void)a.nic->HangUp(nic::ChannelId{*c->channel});
    c->channel.reset();
    c->nic_connected = false;
    for (WmpLink* l : c->links) l->up = false;
  }
  // Frames the NIC still held are not going to be reported any more:
  // complete them here (the packets belong to NDISWAN).
  for (uint32_t ch = 0; ch < a.tx.size(); ++ch) {
    CompleteSends(a, ch, 0, static_cast<uint32_t>(a.tx[ch].size()));
  }
  if (a.interrupt_registered) {
    NdisMDeregisterInterrupt(&a.interrupt);
    a.interrupt_registered = false;
  }
  if (a.lock_allocated) {
    NdisFreeSpinLock(&a.lock);
    a.lock_allocated = false;
  }
  a.state = WmpAdapter::State::kHalted;
}

NDIS_STATUS Wmp::OnReset(WmpAdapter& a, PBOOLEAN addressing_reset) {
  if (addressing_reset != nullptr) *addressing_reset = FALSE;
  // WAN-089: a reset disconnects every call; per-call state stays until
  // CLOSE_CALL. ResetAll then completes the frames still queued (TxComplete).
  for (auto& c : a.calls) {
    if (!c->closed && c->live()) {
      EndCall(a, *c, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN, false);
    }
  }
  (void)a.nic->ResetAll();
  if (config_.reinit_after_reset) {
    for (WmpLine& l : a.lines) {
      // WAN-067; REINIT is never filtered (WAN-065).
      if (l.open) TapiEvent(a, l.ht_line, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, 0, 0);
    }
  }
  CompleteBracket(a);
  return NDIS_STATUS_SUCCESS;
}

bool Wmp::OnCheckForHang(WmpAdapter& a) {
  for (uint32_t c = 0; c < a.nic->channel_count(); ++c) {
    std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{c});
    if (st && st->hung) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Interrupts.

void Wmp::OnIsr(WmpAdapter& a, PBOOLEAN recognized, PBOOLEAN queue_dpc) {
  // WAN-002: nothing is indicated here. The NIC is masked (its line
  // deasserts) and the DPC drains the FIFO. A masked NIC cannot be the
  // source, so an interrupt then is not ours.
  const bool ours = a.state == WmpAdapter::State::kRunning && a.nic_irq_enabled;
  if (ours) {
    a.nic_irq_enabled = false;
    a.nic->SetInterruptEnabled(false);
  }
  *recognized = ours ? TRUE : FALSE;
  *queue_dpc = ours ? TRUE : FALSE;
}

void Wmp::OnHandleInterrupt(WmpAdapter& a) {
  if (a.state != WmpAdapter::State::kRunning) return;
  while (std::optional<nic::NicEvent> ev = a.nic->NextEvent()) OnNicEvent(a, *ev);
  CompleteBracket(a);  // WAN-010: one complete closes the DPC's batch
  // Unmasking with events latched meanwhile re-asserts the line.
  a.nic_irq_enabled = true;
  a.nic->SetInterruptEnabled(true);
}

void Wmp::OnNicEvent(WmpAdapter& a, const nic::NicEvent& ev) {
  using nic::EventKind;
  const uint32_t ch = ev.channel.value;
  if (ch >= a.tx.size()) {
    ++a.counts.events_unmatched;
    return;
  }
  WmpCall* call = a.CallOnChannel(ch);
  switch (ev.kind) {
    case EventKind::kCarrierUp:
    case EventKind::kSpeedChanged: {
      const bool changed = ev.link_speed_bps != 0 && ev.link_speed_bps != a.speed_bps[ch];
      if (ev.link_speed_bps != 0) a.speed_bps[ch] = ev.link_speed_bps;
      // WAN-020, WAN-032: a parameter change of an established link is a
      // new line-up with both handles and the new speed.
      if (changed && call != nullptr) {
        for (WmpLink* l : call->links) {
          if (l->up) LineUp(a, *l, static_cast<ULONG>(a.speed_bps[ch] / 100));
        }
      }
      return;
    }
    case EventKind::kCarrierDown:
      // A flap: the call survives (the NIC reports a lost call with
      // RemoteHangUp(link-loss), which ends it below).
      return;
    case EventKind::kRemoteRinging:
      if (call != nullptr && !call->inbound && call->live()) {
        SetCallState(a, *call, LINECALLSTATE_RINGBACK);
      } else {
        ++a.counts.events_unmatched;
      }
      return;
    case EventKind::kIncomingCall: {
      const size_t line = ch % a.lines.size();
      WmpLine& l = a.lines[line];
      const ULONG media = wmp::MediaModeOf(ev.bearer);
      // WAN-063: only media modes the latest SET_DEFAULT_MEDIA_DETECTION
      // enabled are offered; otherwise the line is outbound-only.
      if (!a.provider_up || !l.open || (l.media_modes & media) == 0 || call != nullptr) {
        ++a.counts.offers_rejected;
        (void)a.nic->HangUp(ev.channel);
        return;
      }
      auto owned = std::make_unique<WmpCall>();
      WmpCall& c = *owned;
      a.calls.push_back(std::move(owned));
      c.hd_call = next_handle_++;
      c.line = line;
      c.channel = ch;
      c.inbound = true;
      c.media_mode = media;
      c.state = LINECALLSTATE_OFFERING;  // holds the channel while NEWCALL runs
      // WAN-062: NEWCALL{htCall = 0, hdCall, 0, 0}; NDISTAPI writes htCall
      // into ulParam2 before NdisMIndicateStatus returns.
      NDIS_TAPI_EVENT e = TapiEvent(a, l.ht_line, 0, LINE_NEWCALL, c.hd_call, 0, 0);
      if (e.ulParam2 == 0) {
        // NDISTAPI did not take the call: reject it on the line.
        c.state = LINECALLSTATE_IDLE;
        c.closed = true;
        c.channel.reset();
        ++a.counts.offers_rejected;
        (void)a.nic->HangUp(ev.channel);
        return;
      }
      c.ht_call = e.ulParam2;
      c.state = 0;
      SetCallState(a, c, LINECALLSTATE_OFFERING);         // ulParam3 = media mode (WAN-062)
      if ((l.line_states & LINEDEVSTATE_RINGING) != 0) {  // WAN-065
        TapiEvent(a, l.ht_line, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 0, 1);
      }
      return;
    }
    case EventKind::kCallConnected:
      if (call == nullptr || !call->live()) {
        ++a.counts.events_unmatched;
        return;
      }
      call->nic_connected = true;
      call->connected_held = true;
      MaybeConnected(a, *call);
      return;
    case EventKind::kRemoteHangUp:
    case EventKind::kDialFailed:
      if (call == nullptr || !call->live()) {
        ++a.counts.events_unmatched;
        return;
      }
      if (ev.reason == nic::CallEnd::kOfferWithdrawn && call->state == LINECALLSTATE_OFFERING) {
        // WAN-091: an offer nobody answered goes IDLE; CLOSE_CALL follows.
        EndCall(a, *call, LINECALLSTATE_IDLE, 0, false);
      } else {
        // WAN-087 (and WAN-040 for its links).
        EndCall(a, *call, LINECALLSTATE_DISCONNECTED, wmp::DisconnectMode(ev.reason), false);
      }
      return;
    case EventKind::kFrameReceived:
    case EventKind::kFrameError: {
      WmpLink* link = nullptr;
      if (call != nullptr) {
        for (WmpLink* l : call->links) {
          if (l->up) {
            link = l;
            break;
          }
        }
      }
      if (link == nullptr) {  // WAN-101's counterpart: no up link to name
        ++a.counts.events_unmatched;
        return;
      }
      if (ev.kind == EventKind::kFrameError) {
        // WAN-050, WAN-051.
        NDIS_MAC_FRAGMENT f;
        NdisZeroMemory(&f, sizeof(f));
        f.NdisLinkContext = link->link_context;  // WAN-025
        f.Errors = wmp::FragmentErrors(ev.errors);
        ++link->fragments;
        ++a.counts.fragment;
        Indicate(a, NDIS_STATUS_WAN_FRAGMENT, &f, sizeof(f));
        return;
      }
      assert(!a.lock_held);
      std::vector<uint8_t> frame = ev.bytes;  // NDISWAN reads it during the call
      NDIS_STATUS st = NDIS_STATUS_SUCCESS;
      NdisMWanIndicateReceive(&st, a.handle, link->link_context, frame.data(),
                              static_cast<ULONG>(frame.size()));
      NdisMWanIndicateReceiveComplete(a.handle, link->link_context);
      ++link->frames_rx;
      ++a.counts.receive;
      ++a.counts.receive_complete;
      log_.Add(logged::OwnNdisMWanIndicateReceive{.status = st,
                                                  .miniport_adapter_handle = a.handle,
                                                  .ndis_link_context = link->link_context,
                                                  .packet_size = frame.size()});
      return;
    }
    case EventKind::kTxComplete:
      CompleteSends(a, ch, ev.tx_sent, ev.tx_dropped);
      return;
    case EventKind::kResetComplete:
      // A reset ends whatever call the channel held (a NIC-initiated one
      // reports RemoteHangUp(nic-reset) first; then there is none).
      if (call != nullptr && call->live()) {
        EndCall(a, *call, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN, false);
      }
      return;
    case EventKind::kChannelHung:
      // CheckForHang reads the NIC's hung flag; NDIS then resets us.
      return;
  }
}

// ---------------------------------------------------------------------------
// Indications.

void Wmp::Indicate(WmpAdapter& a, NDIS_STATUS status, PVOID buffer, UINT size) {
  assert(!a.lock_held);  // WAN-003
  a.bracket_open = true;
  NdisMIndicateStatus(a.handle, status, buffer, size);
}

void Wmp::CompleteBracket(WmpAdapter& a) {
  if (!a.bracket_open) return;
  assert(!a.lock_held);  // WAN-003
  a.bracket_open = false;
  ++a.counts.status_complete;
  NdisMIndicateStatusComplete(a.handle);  // WAN-010
}

NDIS_TAPI_EVENT Wmp::TapiEvent(WmpAdapter& a, HTAPI_LINE ht_line, HTAPI_CALL ht_call, ULONG msg,
                               ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3) {
  // WAN-060, WAN-061.
  NDIS_TAPI_EVENT e;
  NdisZeroMemory(&e, sizeof(e));
  e.htLine = ht_line;
  e.htCall = ht_call;
  e.ulMsg = msg;
  e.ulParam1 = p1;
  e.ulParam2 = p2;
  e.ulParam3 = p3;
  ++a.counts.tapi;
  ++a.counts.tapi_msgs[msg];
  Indicate(a, NDIS_STATUS_TAPI_INDICATION, &e, sizeof(e));
  log_.Add(
      logged::OwnTapiIndication{.ht_line = ht_line, .ht_call = ht_call, .param1 = p1, .msg = msg});
  return e;
}

void Wmp::SetCallState(WmpAdapter& a, WmpCall& call, ULONG state, ULONG param2) {
  call.state = state;
  if (state == LINECALLSTATE_CONNECTED) call.connected_held = false;
  ++a.counts.call_states[state];
  const WmpLine& l = a.lines[call.line];
  // WAN-064: call-state messages are never filtered; WAN-066 parameters.
  TapiEvent(a, l.ht_line, call.ht_call, LINE_CALLSTATE, state, param2, call.media_mode);
}

void Wmp::LineUp(WmpAdapter& a, WmpLink& link, ULONG link_speed) {
  WmpCall* call = a.FindCall(link.hd_call);
  NDIS_MAC_LINE_UP up;
  NdisZeroMemory(&up, sizeof(up));
  up.LinkSpeed = link_speed;         // 100 bps units (WAN-029)
  up.Quality = config_.quality;      // WAN-030
  up.SendWindow = link.send_window;  // 0 = MaxTransmit (WAN-031, WAN-096)
  up.ConnectionWrapperID = reinterpret_cast<NDIS_HANDLE>(call ? call->ht_call : 0);  // WAN-027
  up.NdisLinkHandle = link.link_handle();  // WAN-028: the same on every line-up
  up.NdisLinkContext = link.link_context;  // NULL initially (WAN-023), then NDISWAN's (WAN-032)
  ++a.counts.line_up;
  ++link.line_ups;
  Indicate(a, NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
  log_.Add(logged::OwnLineUp{.ndis_link_handle = link.link_handle(),
                             .ndis_link_context = up.NdisLinkContext,
                             .connection_wrapper_id = up.ConnectionWrapperID,
                             .link_speed = link_speed});
  link.link_speed = link_speed;
  if (link.link_context == nullptr) {
    link.link_context = up.NdisLinkContext;  // WAN-024, WAN-025: keep NDISWAN's
  }
  link.up = link.link_context != nullptr;
}

void Wmp::LineDown(WmpAdapter& a, WmpLink& link) {
  if (!link.up) return;
  link.up = false;
  // WAN-040; WAN-043: the link's handles are not used after this.
  NDIS_MAC_LINE_DOWN down;
  down.NdisLinkContext = link.link_context;
  ++a.counts.line_down;
  Indicate(a, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  log_.Add(logged::OwnLineDown{.ndis_link_handle = link.link_handle(),
                               .ndis_link_context = link.link_context});
}

void Wmp::MaybeConnected(WmpAdapter& a, WmpCall& call) {
  if (!call.connected_held || !call.nic_connected || !call.live()) return;
  for (WmpLink* l : call.links) {
    if (l->up) {
      SetCallState(a, call, LINECALLSTATE_CONNECTED);  // WAN-022: after the line-up
      return;
    }
  }
}

void Wmp::EndCall(WmpAdapter& a, WmpCall& call, ULONG state, ULONG mode, bool hang_up) {
  if (hang_up && call.channel) {
    (void)a.nic->HangUp(nic::ChannelId{*call.channel});
  }
  call.channel.reset();
  call.nic_connected = false;
  call.connected_held = false;
  // OQ-28: the line-down precedes the call-state change (and so precedes
  // CLOSE_CALL's completion, the strict mode's requirement).
  for (WmpLink* l : call.links) LineDown(a, *l);
  if (call.state != state) SetCallState(a, call, state, mode);
}

void Wmp::CloseCall(WmpAdapter& a, WmpCall& call) {
  // WAN-086: implies DROP; the handles are invalid afterwards.
  if (call.state != LINECALLSTATE_IDLE) EndCall(a, call, LINECALLSTATE_IDLE, 0, true);
  call.closed = true;
}

void Wmp::CloseLine(WmpAdapter& a, size_t line) {
  WmpLine& l = a.lines[line];
  if (!l.open) return;
  // WAN-088, OQ-37: calls still on the line are closed first.
  for (auto& c : a.calls) {
    if (!c->closed && c->line == line) CloseCall(a, *c);
  }
  l = WmpLine{l.device_id};
}

void Wmp::CompleteSends(WmpAdapter& a, uint32_t channel, uint32_t sent, uint32_t dropped) {
  std::vector<std::pair<PNDIS_WAN_PACKET, NDIS_STATUS>> done;
  {
    std::optional<AdapterLock> lock;
    if (a.lock_allocated) lock.emplace(a);
    std::deque<PNDIS_WAN_PACKET>& q = a.tx[channel];
    for (uint32_t i = 0; i < sent + dropped && !q.empty(); ++i) {
      done.emplace_back(q.front(), i < sent ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
      q.pop_front();
    }
  }  // released before calling NDIS (WAN-003)
  for (auto& [packet, status] : done) {
    ++a.counts.send_complete;
    NdisMWanSendComplete(a.handle, packet, status);
    log_.Add(logged::OwnNdisMWanSendComplete{
        .status = status, .miniport_adapter_handle = a.handle, .packet = packet});
  }
}

// ---------------------------------------------------------------------------
// Requests.

NDIS_STATUS Wmp::OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                           PULONG bytes_done, PULONG bytes_needed) {
  ULONG scratch_done = 0, scratch_needed = 0;
  if (bytes_done == nullptr) bytes_done = &scratch_done;
  if (bytes_needed == nullptr) bytes_needed = &scratch_needed;
  *bytes_done = 0;
  *bytes_needed = 0;
  if (a.state != WmpAdapter::State::kRunning) return NDIS_STATUS_ADAPTER_NOT_READY;
  const wmp::OidInfo* info = wmp::FindOid(oid);
  if (info == nullptr) {
    // WAN-080: TAPI requests this miniport does not support.
    return wmp::IsTapiOid(oid) ? NDIS_STATUS_TAPI_OPERATIONUNAVAIL : NDIS_STATUS_INVALID_OID;
  }
  if ((query && !info->query) || (!query && !info->set)) return NDIS_STATUS_INVALID_OID;
  if (buffer == nullptr) length = 0;
  if (length < info->min_length) {
    *bytes_needed = info->min_length;
    return NDIS_STATUS_INVALID_LENGTH;
  }
  std::span<uint8_t> buf(static_cast<uint8_t*>(buffer), length);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  switch (oid) {
    case OID_WAN_GET_INFO:
      s = WanGetInfo(a, buf, bytes_done);
      break;
    case OID_WAN_SET_LINK_INFO:
      s = WanSetLinkInfo(a, buf);
      break;
    case OID_WAN_GET_LINK_INFO:
      s = WanGetLinkInfo(a, buf, bytes_done);
      break;
    case OID_WAN_QUALITY_OF_SERVICE:
      StoreAt(buf, config_.quality);
      *bytes_done = sizeof(NDIS_WAN_QUALITY);
      break;
    case OID_WAN_LINE_COUNT:
      StoreAt(buf, static_cast<ULONG>(a.nic->channel_count()));
      *bytes_done = sizeof(ULONG);
      break;
    case OID_GEN_LINK_SPEED: {
      // The baseline of "LinkSpeed 0 = unchanged" (WAN-029): the fastest
      // channel, in 100 bps units.
      uint64_t bps = 0;
      for (uint64_t v : a.speed_bps) bps = std::max(bps, v);
      StoreAt(buf, static_cast<ULONG>(bps / 100));
      *bytes_done = sizeof(ULONG);
      break;
    }
    case OID_TAPI_PROVIDER_INITIALIZE:
      s = TapiProviderInitialize(a, buf, bytes_done);
      break;
    case OID_TAPI_PROVIDER_SHUTDOWN:
      s = TapiProviderShutdown(a);
      break;
    case OID_TAPI_OPEN:
      s = TapiOpen(a, buf, bytes_done);
      break;
    case OID_TAPI_CLOSE:
      s = TapiClose(a, buf);
      break;
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION:
      s = TapiSetDefaultMediaDetection(a, buf);
      break;
    case OID_TAPI_SET_STATUS_MESSAGES:
      s = TapiSetStatusMessages(a, buf);
      break;
    case OID_TAPI_MAKE_CALL:
      s = TapiMakeCall(a, buf, bytes_done);
      break;
    case OID_TAPI_ACCEPT:
      s = TapiAccept(a, buf);
      break;
    case OID_TAPI_ANSWER:
      s = TapiAnswer(a, buf);
      break;
    case OID_TAPI_DROP:
      s = TapiDrop(a, buf);
      break;
    case OID_TAPI_CLOSE_CALL:
      s = TapiCloseCall(a, buf);
      break;
    case OID_TAPI_GET_ID:
      s = TapiGetId(a, query, buf, bytes_done, bytes_needed);
      break;
    default:
      s = NDIS_STATUS_INVALID_OID;
      break;
  }
  if (!query && s == NDIS_STATUS_SUCCESS && *bytes_done == 0) *bytes_done = length;
  CompleteBracket(a);
  return s;
}

NDIS_STATUS Wmp::WanGetInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_WAN_INFO info;
  NdisZeroMemory(&info, sizeof(info));
  std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{0});
  info.MaxFrameSize = st ? st->max_frame_bytes : 1500;
  info.MaxTransmit = a.max_transmit;  // WAN-096
  info.Endpoints = a.nic->channel_count();
  info.HighestAcceptableAddress = -1;
  info.FramingBits = PPP_FRAMING | TAPI_PROVIDER;  // WAN-095: TAPI-capable
  StoreAt(buf, info);
  *done = sizeof(info);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::WanSetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_WAN_SET_LINK_INFO info = LoadAt<NDIS_WAN_SET_LINK_INFO>(buf);
  WmpLink* link = a.FindLink(info.NdisLinkHandle);
  if (link == nullptr || !link->up) return NDIS_STATUS_INVALID_DATA;
  nic::Framing framing = nic::Framing::kRawHdlc;
  if ((info.SendFramingBits & (PASS_THROUGH_MODE | RAW_PASS_THROUGH_MODE)) != 0) {
    framing = nic::Framing::kTransparent;
  } else if ((info.SendFramingBits & PPP_FRAMING) != 0) {
    framing = nic::Framing::kPpp;
  }
  nic::OpStatus st = a.nic->SetFraming(nic::ChannelId{link->channel}, framing);
  if (st != nic::OpStatus::kOk) return NDIS_STATUS_FAILURE;
  link->link_info = info;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::WanGetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_WAN_GET_LINK_INFO in = LoadAt<NDIS_WAN_GET_LINK_INFO>(buf);
  WmpLink* link = a.FindLink(in.NdisLinkHandle);
  if (link == nullptr || !link->up) return NDIS_STATUS_INVALID_DATA;
  NDIS_WAN_GET_LINK_INFO out = link->link_info;
  out.NdisLinkHandle = link->link_handle();
  std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{link->channel});
  if (out.MaxSendFrameSize == 0 && st) out.MaxSendFrameSize = st->max_frame_bytes;
  if (out.MaxRecvFrameSize == 0 && st) out.MaxRecvFrameSize = st->max_frame_bytes;
  StoreAt(buf, out);
  *done = sizeof(out);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiProviderInitialize(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_PROVIDER_INITIALIZE r = LoadAt<NDIS_TAPI_PROVIDER_INITIALIZE>(buf);
  for (const WmpLine& l : a.lines) {
    if (l.open) return NDIS_STATUS_TAPI_INUSE;  // a session is running on this provider
  }
  // WAN-082: lines base .. base+n-1; the adapter handle is the unique ID.
  a.provider_up = true;
  a.device_id_base = r.ulDeviceIDBase;
  for (size_t i = 0; i < a.lines.size(); ++i) {
    a.lines[i] = WmpLine{static_cast<ULONG>(r.ulDeviceIDBase + i)};
  }
  r.ulNumLineDevs = static_cast<ULONG>(a.lines.size());
  r.ulProviderID = reinterpret_cast<ULONG_PTR>(a.handle);
  StoreAt(buf, r);
  *done = sizeof(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiProviderShutdown(WmpAdapter& a) {
  // WAN-090: end the session; everything on the lines is released.
  for (size_t i = 0; i < a.lines.size(); ++i) CloseLine(a, i);
  a.provider_up = false;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiOpen(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_OPEN r = LoadAt<NDIS_TAPI_OPEN>(buf);
  if (!a.provider_up || r.ulDeviceID < a.device_id_base ||
      r.ulDeviceID - a.device_id_base >= a.lines.size()) {
    return NDIS_STATUS_TAPI_NODEVICE;
  }
  WmpLine& l = a.lines[r.ulDeviceID - a.device_id_base];
  if (l.open) return NDIS_STATUS_TAPI_ALLOCATED;
  // WAN-083: keep htLine, return our hdLine.
  l.open = true;
  l.ht_line = r.htLine;
  l.hd_line = next_handle_++;
  l.media_modes = 0;  // WAN-063: outbound-only until media detection is set
  l.line_states = 0;  // WAN-065: all disabled initially
  l.address_states = 0;
  r.hdLine = l.hd_line;
  StoreAt(buf, r);
  *done = sizeof(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiClose(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_CLOSE r = LoadAt<NDIS_TAPI_CLOSE>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  CloseLine(a, static_cast<size_t>(l - a.lines.data()));  // WAN-088: cannot fail
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiSetDefaultMediaDetection(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION r = LoadAt<NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if ((r.ulMediaModes & ~config_.supported_media_modes) != 0) {
    return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  }
  l->media_modes = r.ulMediaModes;  // WAN-063: the latest successful one counts
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiSetStatusMessages(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_SET_STATUS_MESSAGES r = LoadAt<NDIS_TAPI_SET_STATUS_MESSAGES>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  l->line_states = r.ulLineStates;  // WAN-065
  l->address_states = r.ulAddressStates;
  return NDIS_STATUS_SUCCESS;
}

std::optional<uint32_t> Wmp::FreeChannel(WmpAdapter& a, size_t line) {
  for (uint32_t c = 0; c < a.tx.size(); ++c) {
    if (c % a.lines.size() != line || a.CallOnChannel(c) != nullptr) continue;
    std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{c});
    if (st && st->call_state == nic::CallState::kIdle && !st->hung && !st->resetting) return c;
  }
  return std::nullopt;
}

NDIS_STATUS Wmp::TapiMakeCall(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_MAKE_CALL r = LoadAt<NDIS_TAPI_MAKE_CALL>(buf);
  // WAN-084: check that the line can make the call.
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if (r.htCall == 0) return NDIS_STATUS_TAPI_INVALPARAM;
  ULONG media = LINEMEDIAMODE_DIGITALDATA;
  if (!r.bUseDefaultLineCallParams && r.LineCallParams.ulMediaMode != 0) {
    media = r.LineCallParams.ulMediaMode;
  }
  if ((media & ~config_.supported_media_modes) != 0) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  std::string number = config_.default_number;  // ulDestAddressSize 0: the default number
  if (r.ulDestAddressSize != 0) {
    std::optional<std::string> dest =
        wmp::ReadCountedString(buf, r.ulDestAddressOffset, r.ulDestAddressSize);
    if (!dest) return NDIS_STATUS_INVALID_DATA;
    number = *dest;
  }
  const size_t line = static_cast<size_t>(l - a.lines.data());
  std::optional<uint32_t> ch = FreeChannel(a, line);
  if (!ch) return NDIS_STATUS_TAPI_CALLUNAVAIL;
  nic::OpStatus st = a.nic->Dial(nic::ChannelId{*ch}, number);
  log_.Add(logged::OwnNicDial{.result = st});
  if (st == nic::OpStatus::kInvalidArgument) return NDIS_STATUS_TAPI_INVALADDRESS;
  if (st != nic::OpStatus::kPending && st != nic::OpStatus::kOk) {
    return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  }
  auto owned = std::make_unique<WmpCall>();
  WmpCall& c = *owned;
  a.calls.push_back(std::move(owned));
  c.hd_call = next_handle_++;  // unique, never reused
  c.ht_call = r.htCall;        // WAN-084, WAN-027
  c.line = line;
  c.channel = *ch;
  c.media_mode = media;
  r.hdCall = c.hd_call;
  StoreAt(buf, r.hdCall, offsetof(NDIS_TAPI_MAKE_CALL, hdCall));
  *done = sizeof(NDIS_TAPI_MAKE_CALL);
  SetCallState(a, c, LINECALLSTATE_DIALING);
  SetCallState(a, c, LINECALLSTATE_PROCEEDING);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiAccept(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_ACCEPT, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (c->state != LINECALLSTATE_OFFERING) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  SetCallState(a, *c, LINECALLSTATE_ACCEPTED);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiAnswer(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_ANSWER, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  // WAN-091: ANSWER without ACCEPT counts as both.
  if (!c->inbound || !c->channel ||
      (c->state != LINECALLSTATE_OFFERING && c->state != LINECALLSTATE_ACCEPTED)) {
    return NDIS_STATUS_TAPI_INVALCALLSTATE;
  }
  nic::OpStatus st = a.nic->Answer(nic::ChannelId{*c->channel});
  if (st == nic::OpStatus::kInvalidState) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  if (st != nic::OpStatus::kPending && st != nic::OpStatus::kOk) {
    return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  }
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiDrop(WmpAdapter& a, std::span<uint8_t> buf) {
  // WAN-086: a handle CLOSE_CALL released is invalid.
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_DROP, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  // WAN-085: drop, indicate IDLE, keep htCall/hdCall until CLOSE_CALL.
  if (c->state != LINECALLSTATE_IDLE) EndCall(a, *c, LINECALLSTATE_IDLE, 0, true);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiCloseCall(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_CLOSE_CALL, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  CloseCall(a, *c);  // WAN-086: cannot fail for a valid handle
  return NDIS_STATUS_SUCCESS;
}

bool Wmp::IsDataClass(const std::string& device_class) const {
  for (const std::string& d : config_.data_device_classes) {
    if (EqualsIgnoreCase(d, device_class)) return true;
  }
  return false;
}

WmpLink* Wmp::LinkFor(WmpAdapter& a, WmpCall& call, const std::string& device_class) {
  // WAN-034: a line-up only for the first GET_ID of the call, or for a new
  // device class when the miniport keeps separate channels per class.
  for (WmpLink* l : call.links) {
    if (!l->up) continue;
    if (!config_.separate_channels_per_class || EqualsIgnoreCase(l->device_class, device_class)) {
      return l;
    }
  }
  auto owned = std::make_unique<WmpLink>();
  WmpLink& link = *owned;
  a.links.push_back(std::move(owned));
  link.adapter = &a;
  link.hd_call = call.hd_call;
  link.device_class = device_class;
  link.channel = call.channel.value_or(0);
  link.send_window = config_.line_up_send_window;
  call.links.push_back(&link);
  // WAN-021, WAN-023, WAN-027, WAN-028: the initial line-up, NULL context.
  LineUp(a, link, static_cast<ULONG>(a.speed_bps[link.channel] / 100));
  if (!link.up) return nullptr;
  MaybeConnected(a, call);  // WAN-022: a connect that waited for this line-up
  return &link;
}

NDIS_STATUS Wmp::TapiGetId(WmpAdapter& a, bool query, std::span<uint8_t> buf, PULONG done,
                           PULONG needed) {
  wmp::GetIdParse p = wmp::ParseGetId(buf);
  if (p.status != NDIS_STATUS_SUCCESS) {
    *needed = p.bytes_needed;
    return p.status;
  }
  const wmp::GetIdRequest& r = p.request;
  const bool line_class = EqualsIgnoreCase(r.device_class, wmp::kClassTapiLine);
  const bool data_class = IsDataClass(r.device_class);
  auto line_id = [&](ULONG id) {
    uint8_t bytes[sizeof(ULONG)];
    std::memcpy(bytes, &id, sizeof(id));
    *done = wmp::WriteDeviceId(buf, r.device_id_total, bytes);
    return NDIS_STATUS_SUCCESS;
  };
  // WAN-070, WAN-071, WAN-073.
  switch (r.select) {
    case LINECALLSELECT_LINE:
    case LINECALLSELECT_ADDRESS: {
      WmpLine* l = a.FindLine(r.hd_line);
      if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
      if (r.select == LINECALLSELECT_ADDRESS && r.address_id != 0) {
        return NDIS_STATUS_TAPI_INVALADDRESSID;
      }
      if (!line_class) return NDIS_STATUS_TAPI_NODEVICE;
      return line_id(l->device_id);
    }
    case LINECALLSELECT_CALL: {
      WmpCall* c = a.FindCall(r.hd_call);
      if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
      if (line_class) return line_id(a.lines[c->line].device_id);
      if (!data_class) return NDIS_STATUS_TAPI_NODEVICE;
      if (!c->live() || !c->channel) return NDIS_STATUS_FAILURE;
      if (config_.get_id == GetIdCompletion::kPending && !a.pending.active) {
        WmpPendingRequest& pr = a.pending;
        pr = WmpPendingRequest{true,
                               query,
                               buf.data(),
                               static_cast<ULONG>(buf.size()),
                               done,
                               needed,
                               c->hd_call,
                               r.device_class,
                               r.device_id_total};
        // A serialized miniport indicates at DISPATCH_LEVEL only, so its
        // line-up happens here; a deserialized one makes it from the work
        // item, between PENDING and the completion (WAN-074, OQ-27).
        if (!config_.deserialized && LinkFor(a, *c, r.device_class) == nullptr) {
          pr.active = false;
          return NDIS_STATUS_FAILURE;
        }
        WmpAdapter* ap = &a;
        if (deferrer_.Defer(a.handle, [this, ap] { CompletePendingGetId(*ap); })) {
          return NDIS_STATUS_PENDING;
        }
        pr.active = false;  // no work item: answer now
      }
      WmpLink* link = LinkFor(a, *c, r.device_class);
      if (link == nullptr) return NDIS_STATUS_FAILURE;
      // WAN-026, OQ-23: DeviceID = NdisLinkContext, written before return.
      uint8_t bytes[sizeof(NDIS_HANDLE)];
      std::memcpy(bytes, &link->link_context, sizeof(bytes));
      *done = wmp::WriteDeviceId(buf, r.device_id_total, bytes);
      return NDIS_STATUS_SUCCESS;
    }
    default:
      return NDIS_STATUS_FAILURE;  // WAN-073's catch-all
  }
}

void Wmp::CompletePendingGetId(WmpAdapter& a) {
  WmpPendingRequest pr = a.pending;
  a.pending.active = false;
  if (!pr.active) return;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  WmpCall* c = a.FindCall(pr.hd_call);
  if (a.state == WmpAdapter::State::kRunning && c != nullptr && c->live() && c->channel) {
    WmpLink* link = LinkFor(a, *c, pr.device_class);  // WAN-074: before the completion
    if (link != nullptr) {
      uint8_t bytes[sizeof(NDIS_HANDLE)];
      std::memcpy(bytes, &link->link_context, sizeof(bytes));
      *pr.bytes_done =
          wmp::WriteDeviceId(std::span<uint8_t>(static_cast<uint8_t*>(pr.buffer), pr.length),
                             pr.device_id_total, bytes);
      s = NDIS_STATUS_SUCCESS;
    }
  }
  CompleteBracket(a);
  if (pr.query) {
    NdisMQueryInformationComplete(a.handle, s);
  } else {
    NdisMSetInformationComplete(a.handle, s);
  }
  if (pr.query) {
    log_.Add(logged::OwnNdisMQueryInformationComplete{
        .status = s, .miniport_adapter_handle = a.handle, .oid = OID_TAPI_GET_ID});
  } else {
    log_.Add(logged::OwnNdisMSetInformationComplete{
        .status = s, .miniport_adapter_handle = a.handle, .oid = OID_TAPI_GET_ID});
  }
}

// ---------------------------------------------------------------------------
// Send path.

NDIS_STATUS Wmp::OnWanSend(WmpAdapter& a, NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  // L9 / WAN-033: never accept a send for a link that is not up.
  WmpLink* link = a.FindLink(link_handle);
  if (a.state != WmpAdapter::State::kRunning || link == nullptr || packet == nullptr) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_INVALID_DATA;
  }
  if (!link->up) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_FAILURE;
  }
  if (packet->CurrentBuffer == nullptr || packet->CurrentLength == 0) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_INVALID_LENGTH;
  }
  {
    // Queued first: a completion may be reported as soon as Transmit runs.
    AdapterLock lock(a);
    a.tx[link->channel].push_back(packet);
  }
  nic::TxResult r =
      a.nic->Transmit(nic::ChannelId{link->channel},
                      std::span<const uint8_t>(packet->CurrentBuffer, packet->CurrentLength));
  if (r == nic::TxResult::kQueued) {
    ++link->frames_tx;
    return NDIS_STATUS_PENDING;  // NdisMWanSendComplete on TxComplete
  }
  {
    AdapterLock lock(a);
    std::deque<PNDIS_WAN_PACKET>& q = a.tx[link->channel];
    if (!q.empty() && q.back() == packet) q.pop_back();
  }
  ++a.counts.sends_refused;
  switch (r) {
    case nic::TxResult::kBusy:
      return NDIS_STATUS_RESOURCES;
    case nic::TxResult::kInvalidFrame:
      return NDIS_STATUS_INVALID_LENGTH;
    default:
      return NDIS_STATUS_FAILURE;
  }
}

// ---------------------------------------------------------------------------
// Static thunks.

BOOLEAN Wmp::CheckForHangThunk(NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  return a->owner->OnCheckForHang(*a) ? TRUE : FALSE;
}

VOID Wmp::DisableInterruptThunk(NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  a->nic_irq_enabled = false;
  a->nic->SetInterruptEnabled(false);
}

VOID Wmp::EnableInterruptThunk(NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  a->nic_irq_enabled = true;
  a->nic->SetInterruptEnabled(true);
}

VOID Wmp::HaltThunk(NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  a->owner->log_.Add(logged::MiniportHalt{.miniport_adapter_context = ctx});
  a->owner->OnHalt(*a);
}

VOID Wmp::HandleInterruptThunk(NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  a->owner->log_.Add(logged::MiniportHandleInterrupt{.miniport_adapter_context = ctx});
  a->owner->OnHandleInterrupt(*a);
}

VOID Wmp::IsrThunk(PBOOLEAN recognized, PBOOLEAN queue_dpc, NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  BOOLEAN r = FALSE, q = FALSE;
  a->owner->OnIsr(*a, &r, &q);
  if (recognized != nullptr) *recognized = r;
  if (queue_dpc != nullptr) *queue_dpc = q;
  a->owner->log_.Add(
      logged::MiniportISR{.miniport_adapter_context = ctx, .interrupt_recognized = r});
}

NDIS_STATUS Wmp::QueryThunk(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buffer, ULONG length,
                            PULONG written, PULONG needed) {
  WmpAdapter* a = AdapterOf(ctx);
  NDIS_STATUS s = a->owner->OnRequest(*a, true, oid, buffer, length, written, needed);
  a->owner->log_.Add(
      logged::MiniportQueryInformation{.status = s, .miniport_adapter_context = ctx, .oid = oid});
  return s;
}

NDIS_STATUS Wmp::SetThunk(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buffer, ULONG length, PULONG read,
                          PULONG needed) {
  WmpAdapter* a = AdapterOf(ctx);
  NDIS_STATUS s = a->owner->OnRequest(*a, false, oid, buffer, length, read, needed);
  a->owner->log_.Add(
      logged::MiniportSetInformation{.status = s, .miniport_adapter_context = ctx, .oid = oid});
  return s;
}

NDIS_STATUS Wmp::ResetThunk(PBOOLEAN addressing_reset, NDIS_HANDLE ctx) {
  WmpAdapter* a = AdapterOf(ctx);
  a->owner->log_.Add(logged::MiniportReset{.miniport_adapter_context = ctx});
  return a->owner->OnReset(*a, addressing_reset);
}

NDIS_STATUS Wmp::WanSendThunk(NDIS_HANDLE ctx, NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  WmpAdapter* a = AdapterOf(ctx);
  NDIS_STATUS s = a->owner->OnWanSend(*a, link_handle, packet);
  a->owner->log_.Add(logged::MiniportWanSend{.status = s,
                                             .miniport_adapter_context = ctx,
                                             .ndis_link_handle = link_handle,
                                             .packet = packet});
  return s;
}

VOID Wmp::PnPEventThunk(NDIS_HANDLE, ULONG, PVOID, ULONG) {}

VOID Wmp::ShutdownThunk(NDIS_HANDLE ctx) {
  // Hardware quiet only: MiniportShutdown may not indicate (WAN-002).
  WmpAdapter* a = AdapterOf(ctx);
  a->nic->SetInterruptEnabled(false);
}

}  // namespace ndisconf::drivers
