// reference/boundary/wan_host.h: the interface an NDIS implementation
// provides for the NDIS 5.1 legacy WAN path (ndisconf/api/ndis5.h; spec 1.2,
// 3.9; OQ-19).
//
// A second interface next to NdisHost, so that a host that models only
// NDIS 6 need not implement it: Boundary::BeginRun takes the WAN host to be
// dynamic_cast<NdisWanHost*>(host), and with no WAN host every ndis5.h
// function returns (or writes to its PNDIS_STATUS) NDIS_STATUS_ADAPTER_NOT_READY.
// The C functions are defined in the boundary library, which records the
// crossing (docs/wan_events.md) and forwards to the active NdisWanHost. The
// characteristics a host receives are the boundary's copies, whose handlers
// record each call into the driver (host.h); a host records nothing.
//
// Every method has the signature of the ndis5.h function of the same name
// and the same contract; see the comments there.
#ifndef NDISCONF_REFERENCE_BOUNDARY_WAN_HOST_H_
#define NDISCONF_REFERENCE_BOUNDARY_WAN_HOST_H_

#include <ndis.h>

namespace ndisconf {

class NdisWanHost {
 public:
  virtual ~NdisWanHost() = default;

  // Miniport side (a WAN miniport registers with NDIS_USE_WAN_WRAPPER).
  virtual VOID NdisMInitializeWrapper(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                                      PVOID SystemSpecific2, PVOID SystemSpecific3) = 0;
  virtual NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE NdisWrapperHandle,
                                            PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                            UINT CharacteristicsLength) = 0;
  virtual VOID NdisMSetAttributesEx(NDIS_HANDLE MiniportAdapterHandle,
                                    NDIS_HANDLE MiniportAdapterContext,
                                    UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                                    NDIS_INTERFACE_TYPE AdapterType) = 0;
  virtual NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                             NDIS_HANDLE MiniportAdapterHandle,
                                             UINT InterruptVector, UINT InterruptLevel,
                                             BOOLEAN RequestIsr, BOOLEAN SharedInterrupt,
                                             NDIS_INTERRUPT_MODE InterruptMode) = 0;
  virtual VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt) = 0;
  virtual VOID NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus,
                                   PVOID StatusBuffer, UINT StatusBufferSize) = 0;
  virtual VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle) = 0;
  virtual VOID NdisMQueryInformationComplete(NDIS_HANDLE MiniportAdapterHandle,
                                             NDIS_STATUS Status) = 0;
  virtual VOID NdisMSetInformationComplete(NDIS_HANDLE MiniportAdapterHandle,
                                           NDIS_STATUS Status) = 0;
  virtual VOID NdisMWanSendComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_WAN_PACKET Packet,
                                    NDIS_STATUS Status) = 0;
  virtual VOID NdisMWanIndicateReceive(PNDIS_STATUS Status, NDIS_HANDLE MiniportAdapterHandle,
                                       NDIS_HANDLE NdisLinkContext, PUCHAR Packet,
                                       ULONG PacketSize) = 0;
  virtual VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE MiniportAdapterHandle,
                                               NDIS_HANDLE NdisLinkContext) = 0;

  // Protocol side (NDISWAN and the protocols above it).
  virtual VOID NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                                    PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                                    UINT CharacteristicsLength) = 0;
  virtual VOID NdisDeregisterProtocol(PNDIS_STATUS Status, NDIS_HANDLE NdisProtocolHandle) = 0;
  virtual VOID NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                               PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                               PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                               NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                               PNDIS_STRING AdapterName, UINT OpenOptions,
                               PVOID AddressingInformation) = 0;
  virtual VOID NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle) = 0;
  virtual VOID NdisCompleteBindAdapter(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                                       NDIS_STATUS OpenStatus) = 0;
  virtual VOID NdisCompleteUnbindAdapter(NDIS_HANDLE UnbindAdapterContext, NDIS_STATUS Status) = 0;
  virtual VOID NdisRequest(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle,
                           PNDIS_REQUEST NdisRequest) = 0;
  virtual VOID NdisWanSend(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle,
                           NDIS_HANDLE NdisLinkHandle, PNDIS_WAN_PACKET Packet) = 0;
};

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_BOUNDARY_WAN_HOST_H_
