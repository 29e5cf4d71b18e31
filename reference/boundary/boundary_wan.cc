// The C entry points of the NDIS 5.1 legacy WAN path (ndisconf/api/ndis5.h):
// each records its call and return events as docs/wan_events.md gives them
// and forwards to the active NdisWanHost (Boundary::wan_host()).
//
// Caller memory is read only as far as the caller says it reaches: a
// characteristics structure up to CharacteristicsLength, a buffer up to its
// given length (capped at Event::kMaxBlob), nothing behind a NULL pointer.
// Buffers that NDIS passes by reference (StatusBuffer, InformationBuffer) are
// recorded again on the return event, as they are after the call, so values
// written back by the callee (NdisLinkContext, WAN-024; LINE_NEWCALL's
// ulParam2, WAN-062; WAN-103) are visible in the trace.
#include <algorithm>
#include <cstring>

#include "reference/boundary/boundary.h"
#include "reference/boundary/crossing.h"
#include "reference/boundary/upcalls.h"

namespace {

using ndisconf::Boundary;
using ndisconf::Crossing;
using ndisconf::Fn;
using ndisconf::kNullSlot;

ndisconf::NdisWanHost* WanHost() { return Boundary::Get().wan_host(); }
using ndisconf::Caller;

using ndisconf::Deref;

void Put(PNDIS_STATUS status, NDIS_STATUS value) {
  if (status != nullptr) *status = value;
}
NDIS_STATUS Read(const PNDIS_STATUS status) {
  return status != nullptr ? *status : NDIS_STATUS_INVALID_PARAMETER;
}

// Bit i set if the i-th pointer-sized member from `first` is non-NULL,
// reading only what lies within `length` bytes of `s`.
uint64_t PointerMask(const void* s, size_t length, size_t first, size_t count) {
  uint64_t mask = 0;
  const auto* base = static_cast<const unsigned char*>(s);
  for (size_t i = 0; i < count; ++i) {
    const size_t off = first + i * sizeof(void*);
    if (off + sizeof(void*) > length) break;
    void* p;
    std::memcpy(&p, base + off, sizeof(p));
    if (p != nullptr) mask |= uint64_t{1} << i;
  }
  return mask;
}

// Major<<8 | Minor of an NDIS 5 characteristics structure, if its first two
// bytes lie within `length`.
uint64_t Version(const void* s, size_t length) {
  if (s == nullptr || length < 2) return kNullSlot;
  const auto* b = static_cast<const unsigned char*>(s);
  return (uint64_t{b[0]} << 8) | b[1];
}

// RequestType as the caller stored it: a value outside the enum's range is
// read as the number it is, never as an enum (which would be undefined).
uint32_t RequestType(const NDIS_REQUEST* r) {
  uint32_t t;
  std::memcpy(&t, &r->RequestType, sizeof(t));
  return t;
}

uint64_t MiniportMask(const NDIS_MINIPORT_CHARACTERISTICS* c, UINT length) {
  if (c == nullptr) return 0;
  const size_t n = std::min<size_t>(length, sizeof(*c));
  return PointerMask(c, n, offsetof(NDIS_MINIPORT_CHARACTERISTICS, CheckForHangHandler), 19);
}

// Protocol handlers in member order: the ten before Name, then the five after.
uint64_t ProtocolMask(const NDIS_PROTOCOL_CHARACTERISTICS* c, UINT length) {
  if (c == nullptr) return 0;
  const size_t n = std::min<size_t>(length, sizeof(*c));
  const uint64_t before =
      PointerMask(c, n, offsetof(NDIS_PROTOCOL_CHARACTERISTICS, OpenAdapterCompleteHandler), 10);
  const uint64_t after =
      PointerMask(c, n, offsetof(NDIS_PROTOCOL_CHARACTERISTICS, ReceivePacketHandler), 5);
  return before | (after << 10);
}

}  // namespace

extern "C" {

// A call made with no active WAN host: the run is over, never began, or its
// host models NDIS 6 only.
#define NDISCONF_REQUIRE_WAN_HOST(ret) \
  if (WanHost() == nullptr) return ret

VOID NdisMInitializeWrapper(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                            PVOID SystemSpecific2, PVOID SystemSpecific3) {
  if (WanHost() == nullptr) {
    if (NdisWrapperHandle != nullptr) *NdisWrapperHandle = nullptr;
    return;
  }
  Crossing c(Fn::NdisMInitializeWrapper, Caller());
  c.Call();
  WanHost()->NdisMInitializeWrapper(NdisWrapperHandle, SystemSpecific1, SystemSpecific2,
                                    SystemSpecific3);
  c.Return().Handle(Deref(NdisWrapperHandle)).Done();
}

NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE NdisWrapperHandle,
                                  PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                  UINT CharacteristicsLength) {
  NDISCONF_REQUIRE_WAN_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  const auto* mc = MiniportCharacteristics;
  const size_t n = mc != nullptr ? std::min<size_t>(CharacteristicsLength, sizeof(*mc)) : 0;
  Crossing c(Fn::NdisMRegisterMiniport, Caller());
  c.Handle(NdisWrapperHandle)
      .Ulong(Version(mc, n))
      .Ulong(n >= offsetof(NDIS_MINIPORT_CHARACTERISTICS, Reserved) + sizeof(UINT) ? mc->Reserved
                                                                                   : kNullSlot)
      .Mask(MiniportMask(mc, CharacteristicsLength))
      .Ulong(CharacteristicsLength)
      .Call();
  // The host gets a copy whose handlers record their calls (upcalls.h).
  PNDIS_MINIPORT_CHARACTERISTICS wrapped = nullptr;
  if (mc != nullptr) {
    wrapped = ndisconf::upcalls::Wrap(mc, CharacteristicsLength, Caller());
    if (wrapped == nullptr) {  // every handler-table slot of the run is taken
      c.Return(NDIS_STATUS_RESOURCES).Done();
      return NDIS_STATUS_RESOURCES;
    }
  }
  const NDIS_STATUS s =
      WanHost()->NdisMRegisterMiniport(NdisWrapperHandle, wrapped, CharacteristicsLength);
  c.Return(s).Done();
  return s;
}

VOID NdisMSetAttributesEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                          NDIS_INTERFACE_TYPE AdapterType) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMSetAttributesEx, Caller());
  c.Handle(MiniportAdapterHandle).Handle(MiniportAdapterContext).Ulong(AttributeFlags).Call();
  WanHost()->NdisMSetAttributesEx(MiniportAdapterHandle, MiniportAdapterContext,
                                  CheckForHangTimeInSeconds, AttributeFlags, AdapterType);
  c.Return().Done();
}

NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                   NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                   UINT InterruptLevel, BOOLEAN RequestIsr, BOOLEAN SharedInterrupt,
                                   NDIS_INTERRUPT_MODE InterruptMode) {
  NDISCONF_REQUIRE_WAN_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMRegisterInterrupt, Caller());
  c.Handle(Interrupt).Handle(MiniportAdapterHandle).Call();
  const NDIS_STATUS s =
      WanHost()->NdisMRegisterInterrupt(Interrupt, MiniportAdapterHandle, InterruptVector,
                                        InterruptLevel, RequestIsr, SharedInterrupt, InterruptMode);
  c.Return(s).Done();
  return s;
}

VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMDeregisterInterrupt, Caller());
  c.Handle(Interrupt).Call();
  WanHost()->NdisMDeregisterInterrupt(Interrupt);
  c.Return().Done();
}

VOID NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus, PVOID StatusBuffer,
                         UINT StatusBufferSize) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMIndicateStatus, Caller());
  c.Handle(MiniportHandle).Status(GeneralStatus).Buffer(StatusBuffer, StatusBufferSize).Call();
  WanHost()->NdisMIndicateStatus(MiniportHandle, GeneralStatus, StatusBuffer, StatusBufferSize);
  c.Return().Buffer(StatusBuffer, StatusBufferSize).Done();
}

VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMIndicateStatusComplete, Caller());
  c.Handle(MiniportHandle).Call();
  WanHost()->NdisMIndicateStatusComplete(MiniportHandle);
  c.Return().Done();
}

VOID NdisMQueryInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMQueryInformationComplete, Caller());
  c.Handle(MiniportAdapterHandle).Status(Status).Call();
  WanHost()->NdisMQueryInformationComplete(MiniportAdapterHandle, Status);
  c.Return().Done();
}

VOID NdisMSetInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMSetInformationComplete, Caller());
  c.Handle(MiniportAdapterHandle).Status(Status).Call();
  WanHost()->NdisMSetInformationComplete(MiniportAdapterHandle, Status);
  c.Return().Done();
}

VOID NdisMWanSendComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_WAN_PACKET Packet,
                          NDIS_STATUS Status) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMWanSendComplete, Caller());
  c.Handle(MiniportAdapterHandle).Handle(Packet).Status(Status).Call();
  WanHost()->NdisMWanSendComplete(MiniportAdapterHandle, Packet, Status);
  c.Return().Done();
}

VOID NdisMWanIndicateReceive(PNDIS_STATUS Status, NDIS_HANDLE MiniportAdapterHandle,
                             NDIS_HANDLE NdisLinkContext, PUCHAR Packet, ULONG PacketSize) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMWanIndicateReceive, Caller());
  c.Handle(MiniportAdapterHandle).Handle(NdisLinkContext).Ulong(PacketSize).Call();
  WanHost()->NdisMWanIndicateReceive(Status, MiniportAdapterHandle, NdisLinkContext, Packet,
                                     PacketSize);
  c.Return(Read(Status)).Done();
}

VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE MiniportAdapterHandle,
                                     NDIS_HANDLE NdisLinkContext) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisMWanIndicateReceiveComplete, Caller());
  c.Handle(MiniportAdapterHandle).Handle(NdisLinkContext).Call();
  WanHost()->NdisMWanIndicateReceiveComplete(MiniportAdapterHandle, NdisLinkContext);
  c.Return().Done();
}

VOID NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                          PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                          UINT CharacteristicsLength) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  const auto* pc = ProtocolCharacteristics;
  Crossing c(Fn::NdisRegisterProtocol, Caller());
  c.Ulong(Version(pc, pc != nullptr ? std::min<size_t>(CharacteristicsLength, sizeof(*pc)) : 0))
      .Mask(ProtocolMask(pc, CharacteristicsLength))
      .Ulong(CharacteristicsLength)
      .Call();
  // The host gets a copy whose handlers record their calls (upcalls.h).
  PNDIS_PROTOCOL_CHARACTERISTICS wrapped = nullptr;
  if (pc != nullptr) {
    wrapped = ndisconf::upcalls::Wrap(pc, CharacteristicsLength, Caller());
    if (wrapped == nullptr) {  // every handler-table slot of the run is taken
      Put(Status, NDIS_STATUS_RESOURCES);
      if (NdisProtocolHandle != nullptr) *NdisProtocolHandle = nullptr;
      c.Return(NDIS_STATUS_RESOURCES).Handle(nullptr).Done();
      return;
    }
  }
  WanHost()->NdisRegisterProtocol(Status, NdisProtocolHandle, wrapped, CharacteristicsLength);
  c.Return(Read(Status)).Handle(Deref(NdisProtocolHandle)).Done();
}

VOID NdisDeregisterProtocol(PNDIS_STATUS Status, NDIS_HANDLE NdisProtocolHandle) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisDeregisterProtocol, Caller());
  c.Handle(NdisProtocolHandle).Call();
  WanHost()->NdisDeregisterProtocol(Status, NdisProtocolHandle);
  c.Return(Read(Status)).Done();
}

VOID NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                     PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                     PNDIS_MEDIUM MediumArray, UINT MediumArraySize, NDIS_HANDLE NdisProtocolHandle,
                     NDIS_HANDLE ProtocolBindingContext, PNDIS_STRING AdapterName, UINT OpenOptions,
                     PVOID AddressingInformation) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisOpenAdapter, Caller());
  c.Handle(NdisProtocolHandle).Handle(ProtocolBindingContext).Ulong(MediumArraySize).Call();
  WanHost()->NdisOpenAdapter(
      Status, OpenErrorStatus, NdisBindingHandle, SelectedMediumIndex, MediumArray, MediumArraySize,
      NdisProtocolHandle, ProtocolBindingContext, AdapterName, OpenOptions, AddressingInformation);
  c.Return(Read(Status))
      .Handle(Deref(NdisBindingHandle))
      .Ulong(SelectedMediumIndex != nullptr ? *SelectedMediumIndex : kNullSlot)
      .Done();
}

VOID NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCloseAdapter, Caller());
  c.Handle(NdisBindingHandle).Call();
  WanHost()->NdisCloseAdapter(Status, NdisBindingHandle);
  c.Return(Read(Status)).Done();
}

VOID NdisCompleteBindAdapter(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                             NDIS_STATUS OpenStatus) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisCompleteBindAdapter, Caller());
  c.Handle(BindAdapterContext).Status(Status).Status(OpenStatus).Call();
  WanHost()->NdisCompleteBindAdapter(BindAdapterContext, Status, OpenStatus);
  c.Return().Done();
}

VOID NdisCompleteUnbindAdapter(NDIS_HANDLE UnbindAdapterContext, NDIS_STATUS Status) {
  NDISCONF_REQUIRE_WAN_HOST();
  Crossing c(Fn::NdisCompleteUnbindAdapter, Caller());
  c.Handle(UnbindAdapterContext).Status(Status).Call();
  WanHost()->NdisCompleteUnbindAdapter(UnbindAdapterContext, Status);
  c.Return().Done();
}

VOID NdisRequest(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle, PNDIS_REQUEST NdisRequest) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  // Query and set share the layout of Oid, InformationBuffer(Length) and
  // the two byte counts, so one view serves both.
  const auto* q = NdisRequest != nullptr ? &NdisRequest->DATA.QUERY_INFORMATION : nullptr;
  Crossing c(Fn::NdisRequest, Caller());
  c.Handle(NdisBindingHandle)
      .Ulong(NdisRequest != nullptr ? RequestType(NdisRequest) : kNullSlot)
      .Ulong(q != nullptr ? q->Oid : kNullSlot)
      .Buffer(q != nullptr ? q->InformationBuffer : nullptr,
              q != nullptr ? q->InformationBufferLength : 0)
      .Call();
  WanHost()->NdisRequest(Status, NdisBindingHandle, NdisRequest);
  c.Return(Read(Status))
      .Ulong(q != nullptr ? q->BytesWritten : kNullSlot)
      .Ulong(q != nullptr ? q->BytesNeeded : kNullSlot)
      .Buffer(q != nullptr ? q->InformationBuffer : nullptr,
              q != nullptr ? q->InformationBufferLength : 0)
      .Done();
}

VOID NdisWanSend(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisLinkHandle,
                 PNDIS_WAN_PACKET Packet) {
  if (WanHost() == nullptr) return Put(Status, NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisWanSend, Caller());
  c.Handle(NdisBindingHandle)
      .Handle(NdisLinkHandle)
      .Handle(Packet)
      .Ulong(Packet != nullptr ? Packet->CurrentLength : kNullSlot)
      .Call();
  WanHost()->NdisWanSend(Status, NdisBindingHandle, NdisLinkHandle, Packet);
  c.Return(Read(Status)).Done();
}

#undef NDISCONF_REQUIRE_WAN_HOST

}  // extern "C"
