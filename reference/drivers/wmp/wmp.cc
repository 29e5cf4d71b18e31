// Implementation of reference/drivers/wmp/wmp.h, the reference NDIS WAN miniport:
// construction, DriverEntry and registration, MiniportInitialize / Halt /
// Reset / CheckForHang, adapter lookups and the static thunks NDIS calls.
// The rest of Wmp is in wmp_indications.cc (interrupts and status
// indications), wmp_requests.cc (OIDs and TAPI requests) and wmp_sends.cc.
#include "reference/drivers/wmp/wmp.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <utility>

#include "reference/drivers/wmp/wmp_codec.h"
#include "reference/drivers/wmp/wmp_impl.h"

namespace ndisconf::drivers {

namespace {

using wmp_impl::AdapterOf;

// The instance of each Initialize slot (see wmp.h: NDIS 5's
// MiniportInitialize carries no driver context).
std::array<Wmp*, Wmp::kMaxInstances> g_slots{};

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

struct Wmp::Saved {
  NDIS_HANDLE wrapper = nullptr;
  uintptr_t next_handle = 0;
  OwnedVector<WmpAdapter> adapters;
  WmpLog log;
};

// A member added to Wmp is saved and restored above, or said to be fixed
// (the configuration); this size (libstdc++, x86-64) is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Wmp) == 880,
              "Wmp changed: save and restore the new member in Saved, then update the size");
#endif

bool Wmp::Checkpoint() {
  if (deferrer_.outstanding() != 0) return false;
  if (saved_ == nullptr) saved_ = std::make_shared<Saved>();
  saved_->wrapper = wrapper_;
  saved_->next_handle = next_handle_;
  saved_->adapters = adapters_;
  saved_->log = log_;
  return true;
}

bool Wmp::Rollback() {
  if (saved_ == nullptr || deferrer_.outstanding() != 0) return false;
  wrapper_ = saved_->wrapper;
  next_handle_ = saved_->next_handle;
  adapters_ = saved_->adapters;
  log_.RestoreFrom(saved_->log);
  return true;
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
