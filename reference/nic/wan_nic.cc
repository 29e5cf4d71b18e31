// The C interface to the WAN NIC (include/wan_nic.h) and the slots it is
// served from (wan_nic_slots.h).
#include <wan_nic.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "reference/nic/wan_nic_slots.h"

namespace ndisconf::nic {
namespace {

// Every live set, oldest first; the last is current.
std::vector<WanNicSlots*>& LiveSets() {
  static std::vector<WanNicSlots*> sets;
  return sets;
}

uint64_t NextGeneration() {
  static uint64_t next = 1;
  return next++;
}

}  // namespace

WanNicSlots::WanNicSlots() : generation_(NextGeneration()) { LiveSets().push_back(this); }

WanNicSlots::~WanNicSlots() {
  // The NICs may already be gone (a Stack destroys what it owns in the order
  // it got it), so nothing here touches them.
  std::vector<WanNicSlots*>& sets = LiveSets();
  sets.erase(std::remove(sets.begin(), sets.end(), this), sets.end());
}

WanNicSlots* WanNicSlots::Current() {
  std::vector<WanNicSlots*>& sets = LiveSets();
  return sets.empty() ? nullptr : sets.back();
}

bool WanNicSlots::Insert(Nic& nic, InterruptLine line) {
  if (slots_.size() >= (size_t{1} << kSlotBits) - 1) return false;
  slots_.push_back(Slot{&nic, std::move(line), false, nullptr});
  return true;
}

NDIS_STATUS WanNicSlots::Open(NDIS_HANDLE adapter, uintptr_t* handle) {
  for (const Slot& s : slots_) {
    if (s.open && s.adapter == adapter) return NDIS_STATUS_RESOURCE_CONFLICT;
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (s.open) continue;
    s.open = true;
    s.adapter = adapter;
    InterruptLine line = s.line;
    s.nic->SetInterruptHandler([line, adapter] {
      if (line) line(adapter);
    });
    s.nic->SetInterruptEnabled(true);
    *handle = static_cast<uintptr_t>(generation_ << kSlotBits) | (i + 1);
    return NDIS_STATUS_SUCCESS;
  }
  return NDIS_STATUS_ADAPTER_NOT_FOUND;
}

const WanNicSlots::Slot* WanNicSlots::Find(uintptr_t handle) const {
  if ((handle >> kSlotBits) != generation_) return nullptr;
  const size_t index = handle & ((uintptr_t{1} << kSlotBits) - 1);
  if (index == 0 || index > slots_.size() || !slots_[index - 1].open) return nullptr;
  return &slots_[index - 1];
}

Nic* WanNicSlots::Lookup(uintptr_t handle) const {
  const Slot* s = Find(handle);
  return s == nullptr ? nullptr : s->nic;
}

void WanNicSlots::Close(uintptr_t handle) {
  const Slot* found = Find(handle);
  if (found == nullptr) return;
  Slot& s = slots_[static_cast<size_t>(found - slots_.data())];
  s.nic->SetInterruptHandler({});
  s.open = false;
  s.adapter = nullptr;
}

namespace {

// The NIC an open handle names, in whichever live set issued it.
Nic* NicOf(PWAN_NIC handle) {
  const auto value = reinterpret_cast<uintptr_t>(handle);
  for (WanNicSlots* set : LiveSets()) {
    if (Nic* nic = set->Lookup(value)) return nic;
  }
  return nullptr;
}

// nic.h and wan_nic.h number every enumeration alike.
static_assert(WanNicOpPending == static_cast<int>(OpStatus::kPending));
static_assert(WanNicOpInvalidArgument == static_cast<int>(OpStatus::kInvalidArgument));
static_assert(WanNicTxInvalidFrame == static_cast<int>(TxResult::kInvalidFrame));
static_assert(WanNicFramingTransparent == static_cast<int>(Framing::kTransparent));
static_assert(WanNicCallStateConnected == static_cast<int>(CallState::kConnected));
static_assert(WanNicBearerVoice == static_cast<int>(Bearer::kVoice));
static_assert(WanNicEndOfferWithdrawn == static_cast<int>(CallEnd::kOfferWithdrawn));
static_assert(WanNicEventChannelHung == static_cast<int>(EventKind::kChannelHung));
static_assert(WAN_NIC_ERROR_ALIGNMENT == FrameErrors::kAlignment);
static_assert(WAN_NIC_ERROR_CRC == FrameErrors::kCrc);

WAN_NIC_OP_STATUS Op(OpStatus s) { return static_cast<WAN_NIC_OP_STATUS>(s); }

}  // namespace
}  // namespace ndisconf::nic

using ndisconf::nic::ChannelId;
using ndisconf::nic::NicOf;
using ndisconf::nic::Op;
using ndisconf::nic::WanNicSlots;

extern "C" {

NDIS_STATUS WanNicOpen(NDIS_HANDLE MiniportAdapterHandle, PWAN_NIC* Nic) {
  if (Nic == nullptr) return NDIS_STATUS_INVALID_PARAMETER;
  WanNicSlots* slots = WanNicSlots::Current();
  if (slots == nullptr) return NDIS_STATUS_ADAPTER_NOT_FOUND;
  uintptr_t handle = 0;
  const NDIS_STATUS s = slots->Open(MiniportAdapterHandle, &handle);
  if (s == NDIS_STATUS_SUCCESS) *Nic = reinterpret_cast<PWAN_NIC>(handle);
  return s;
}

VOID WanNicClose(PWAN_NIC Nic) {
  const auto value = reinterpret_cast<uintptr_t>(Nic);
  for (WanNicSlots* set : ndisconf::nic::LiveSets()) set->Close(value);
}

ULONG WanNicChannelCount(PWAN_NIC Nic) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  return nic == nullptr ? 0 : nic->channel_count();
}

BOOLEAN WanNicQueryChannel(PWAN_NIC Nic, ULONG Channel, PWAN_NIC_CHANNEL_STATUS Status) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  if (nic == nullptr || Status == nullptr) return FALSE;
  const std::optional<ndisconf::nic::ChannelStatus> s = nic->Status(ChannelId{Channel});
  if (!s) return FALSE;
  *Status = WAN_NIC_CHANNEL_STATUS{};
  Status->Carrier = s->carrier;
  Status->Hung = s->hung;
  Status->Resetting = s->resetting;
  Status->CallState = static_cast<WAN_NIC_CALL_STATE>(s->call_state);
  Status->Framing = static_cast<WAN_NIC_FRAMING>(s->framing);
  Status->LinkSpeedBps = s->link_speed_bps;
  Status->TxQueued = s->tx_queued;
  Status->TxQueueCapacity = s->tx_queue_capacity;
  Status->MaxFrameBytes = s->max_frame_bytes;
  return TRUE;
}

WAN_NIC_OP_STATUS WanNicDial(PWAN_NIC Nic, ULONG Channel, const CHAR* Number) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  if (nic == nullptr) return WanNicOpNoNic;
  if (Number == nullptr) return WanNicOpInvalidArgument;
  // One byte more than the longest dial string, so an overlong one is seen
  // as such without reading further.
  return Op(nic->Dial(ChannelId{Channel}, std::string_view(Number, strnlen(Number, 65))));
}

WAN_NIC_OP_STATUS WanNicAnswer(PWAN_NIC Nic, ULONG Channel) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  return nic == nullptr ? WanNicOpNoNic : Op(nic->Answer(ChannelId{Channel}));
}

WAN_NIC_OP_STATUS WanNicHangUp(PWAN_NIC Nic, ULONG Channel) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  return nic == nullptr ? WanNicOpNoNic : Op(nic->HangUp(ChannelId{Channel}));
}

WAN_NIC_OP_STATUS WanNicReset(PWAN_NIC Nic, ULONG Channel) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  return nic == nullptr ? WanNicOpNoNic : Op(nic->Reset(ChannelId{Channel}));
}

WAN_NIC_OP_STATUS WanNicResetAll(PWAN_NIC Nic) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  return nic == nullptr ? WanNicOpNoNic : Op(nic->ResetAll());
}

WAN_NIC_OP_STATUS WanNicSetFraming(PWAN_NIC Nic, ULONG Channel, ULONG Framing) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  if (nic == nullptr) return WanNicOpNoNic;
  if (Framing > WanNicFramingTransparent) return WanNicOpInvalidArgument;
  return Op(nic->SetFraming(ChannelId{Channel}, static_cast<ndisconf::nic::Framing>(Framing)));
}

WAN_NIC_TX_RESULT WanNicTransmit(PWAN_NIC Nic, ULONG Channel, const UCHAR* Frame, ULONG Length) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  if (nic == nullptr) return WanNicTxNoNic;
  if (Frame == nullptr || Length == 0) return WanNicTxInvalidFrame;
  return static_cast<WAN_NIC_TX_RESULT>(
      nic->Transmit(ChannelId{Channel}, std::span<const uint8_t>(Frame, Length)));
}

VOID WanNicSetInterruptEnabled(PWAN_NIC Nic, BOOLEAN Enabled) {
  if (ndisconf::nic::Nic* nic = NicOf(Nic)) nic->SetInterruptEnabled(Enabled != FALSE);
}

BOOLEAN WanNicNextEvent(PWAN_NIC Nic, PWAN_NIC_EVENT Event, PUCHAR Data, ULONG DataSize) {
  ndisconf::nic::Nic* nic = NicOf(Nic);
  if (nic == nullptr || Event == nullptr || (Data == nullptr && DataSize != 0)) return FALSE;
  const std::optional<ndisconf::nic::NicEvent> e = nic->NextEvent();
  if (!e) return FALSE;
  *Event = WAN_NIC_EVENT{};
  Event->Kind = static_cast<WAN_NIC_EVENT_KIND>(e->kind);
  Event->Channel = e->channel.value;
  Event->Tick = e->tick;
  Event->LinkSpeedBps = e->link_speed_bps;
  const size_t id = std::min<size_t>(e->caller_id.size(), WAN_NIC_MAX_CALLER_ID);
  std::memcpy(Event->CallerId, e->caller_id.data(), id);
  Event->Bearer = static_cast<WAN_NIC_BEARER>(e->bearer);
  Event->Reason = static_cast<WAN_NIC_CALL_END>(e->reason);
  Event->Errors = e->errors.bits;
  Event->TxSent = e->tx_sent;
  Event->TxDropped = e->tx_dropped;
  Event->DataLength = static_cast<ULONG>(e->bytes.size());
  const size_t copied = std::min<size_t>(e->bytes.size(), DataSize);
  if (copied != 0) std::memcpy(Data, e->bytes.data(), copied);
  Event->DataTruncated = copied < e->bytes.size();
  return TRUE;
}

}  // extern "C"
