// conformance/framework/forwarding_wan_host.h: an NdisWanHost that forwards
// every NDIS 5.1 call (ndis5.h) to another WAN host (normally the reference
// model). A WAN-side seeded-bug variant derives from it, overrides the one
// function whose behaviour it breaks, and interposes itself with
// Boundary::SetWanHost; everything else stays the reference's. Same pattern
// as ForwardingHost (forwarding_host.h), which it complements.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_WAN_HOST_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_WAN_HOST_H_

#include "reference/boundary/wan_host.h"

namespace ndisconf::conformance {

class ForwardingWanHost : public NdisWanHost {
 public:
  explicit ForwardingWanHost(NdisWanHost& inner) : inner_(inner) {}

  VOID NdisMInitializeWrapper(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                              PVOID SystemSpecific2, PVOID SystemSpecific3) override {
    inner_.NdisMInitializeWrapper(NdisWrapperHandle, SystemSpecific1, SystemSpecific2,
                                  SystemSpecific3);
  }
  NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE NdisWrapperHandle,
                                    PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                    UINT CharacteristicsLength) override {
    return inner_.NdisMRegisterMiniport(NdisWrapperHandle, MiniportCharacteristics,
                                        CharacteristicsLength);
  }
  VOID NdisMSetAttributesEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                            UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                            NDIS_INTERFACE_TYPE AdapterType) override {
    inner_.NdisMSetAttributesEx(MiniportAdapterHandle, MiniportAdapterContext,
                                CheckForHangTimeInSeconds, AttributeFlags, AdapterType);
  }
  NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                     NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                     UINT InterruptLevel, BOOLEAN RequestIsr,
                                     BOOLEAN SharedInterrupt,
                                     NDIS_INTERRUPT_MODE InterruptMode) override {
    return inner_.NdisMRegisterInterrupt(Interrupt, MiniportAdapterHandle, InterruptVector,
                                         InterruptLevel, RequestIsr, SharedInterrupt,
                                         InterruptMode);
  }
  VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt) override {
    inner_.NdisMDeregisterInterrupt(Interrupt);
  }
  VOID NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus,
                           PVOID StatusBuffer, UINT StatusBufferSize) override {
    inner_.NdisMIndicateStatus(MiniportHandle, GeneralStatus, StatusBuffer, StatusBufferSize);
  }
  VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle) override {
    inner_.NdisMIndicateStatusComplete(MiniportHandle);
  }
  VOID NdisMQueryInformationComplete(NDIS_HANDLE MiniportAdapterHandle,
                                     NDIS_STATUS Status) override {
    inner_.NdisMQueryInformationComplete(MiniportAdapterHandle, Status);
  }
  VOID NdisMSetInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status) override {
    inner_.NdisMSetInformationComplete(MiniportAdapterHandle, Status);
  }
  VOID NdisMWanSendComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_WAN_PACKET Packet,
                            NDIS_STATUS Status) override {
    inner_.NdisMWanSendComplete(MiniportAdapterHandle, Packet, Status);
  }
  VOID NdisMWanIndicateReceive(PNDIS_STATUS Status, NDIS_HANDLE MiniportAdapterHandle,
                               NDIS_HANDLE NdisLinkContext, PUCHAR Packet,
                               ULONG PacketSize) override {
    inner_.NdisMWanIndicateReceive(Status, MiniportAdapterHandle, NdisLinkContext, Packet,
                                   PacketSize);
  }
  VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE MiniportAdapterHandle,
                                       NDIS_HANDLE NdisLinkContext) override {
    inner_.NdisMWanIndicateReceiveComplete(MiniportAdapterHandle, NdisLinkContext);
  }
  VOID NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                            PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                            UINT CharacteristicsLength) override {
    inner_.NdisRegisterProtocol(Status, NdisProtocolHandle, ProtocolCharacteristics,
                                CharacteristicsLength);
  }
  VOID NdisDeregisterProtocol(PNDIS_STATUS Status, NDIS_HANDLE NdisProtocolHandle) override {
    inner_.NdisDeregisterProtocol(Status, NdisProtocolHandle);
  }
  VOID NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                       PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                       PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                       NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                       PNDIS_STRING AdapterName, UINT OpenOptions,
                       PVOID AddressingInformation) override {
    inner_.NdisOpenAdapter(Status, OpenErrorStatus, NdisBindingHandle, SelectedMediumIndex,
                           MediumArray, MediumArraySize, NdisProtocolHandle, ProtocolBindingContext,
                           AdapterName, OpenOptions, AddressingInformation);
  }
  VOID NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle) override {
    inner_.NdisCloseAdapter(Status, NdisBindingHandle);
  }
  VOID NdisCompleteBindAdapter(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                               NDIS_STATUS OpenStatus) override {
    inner_.NdisCompleteBindAdapter(BindAdapterContext, Status, OpenStatus);
  }
  VOID NdisCompleteUnbindAdapter(NDIS_HANDLE UnbindAdapterContext, NDIS_STATUS Status) override {
    inner_.NdisCompleteUnbindAdapter(UnbindAdapterContext, Status);
  }
  VOID NdisRequest(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle,
                   PNDIS_REQUEST NdisRequest) override {
    inner_.NdisRequest(Status, NdisBindingHandle, NdisRequest);
  }
  VOID NdisWanSend(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisLinkHandle,
                   PNDIS_WAN_PACKET Packet) override {
    inner_.NdisWanSend(Status, NdisBindingHandle, NdisLinkHandle, Packet);
  }

 protected:
  NdisWanHost& inner_;
};

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_WAN_HOST_H_
