// conformance/framework/forwarding_host.h: an NdisHost that forwards every
// call to another host (normally the reference model). An NDIS-side
// seeded-bug variant derives from it and overrides the one function whose
// behaviour it breaks; everything else stays the reference's.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_HOST_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_HOST_H_

#include "reference/boundary/host.h"

namespace ndisconf::conformance {

class ForwardingHost : public NdisHost {
 public:
  explicit ForwardingHost(NdisHost& inner) : inner_(inner) {}

  KIRQL CurrentIrql() override { return inner_.CurrentIrql(); }
  NDIS_HANDLE MiniportHandleOfBind(NDIS_HANDLE BindContext) override {
    return inner_.MiniportHandleOfBind(BindContext);
  }
  NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                         PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars,
                                         PNDIS_HANDLE NdisProtocolHandle) override {
    return inner_.NdisRegisterProtocolDriver(ProtocolDriverContext, Chars, NdisProtocolHandle);
  }
  VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle) override {
    inner_.NdisDeregisterProtocolDriver(NdisProtocolHandle);
  }
  NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                                          NDIS_HANDLE MiniportDriverContext,
                                          PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars,
                                          PNDIS_HANDLE NdisMiniportDriverHandle) override {
    return inner_.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, MiniportDriverContext,
                                              Chars, NdisMiniportDriverHandle);
  }
  VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle) override {
    inner_.NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle);
  }
  NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisDriverHandle,
                                      PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers) override {
    return inner_.NdisSetOptionalHandlers(NdisDriverHandle, OptionalHandlers);
  }
  NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                         PNDIS_MINIPORT_ADAPTER_ATTRIBUTES Attributes) override {
    return inner_.NdisMSetMiniportAttributes(NdisMiniportHandle, Attributes);
  }
  NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                                PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                                PNDIS_HANDLE NdisBindingHandle) override {
    return inner_.NdisOpenAdapterEx(NdisProtocolHandle, ProtocolBindingContext, OpenParameters,
                                    BindContext, NdisBindingHandle);
  }
  VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status) override {
    inner_.NdisCompleteBindAdapterEx(BindAdapterContext, Status);
  }
  NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle) override {
    return inner_.NdisCloseAdapterEx(NdisBindingHandle);
  }
  VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext) override {
    inner_.NdisCompleteUnbindAdapterEx(UnbindContext);
  }
  NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE NdisBindingHandle) override {
    return inner_.NdisUnbindAdapter(NdisBindingHandle);
  }
  NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle) override {
    return inner_.NdisAllocateIoWorkItem(NdisObjectHandle);
  }
  VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                           PVOID WorkItemContext) override {
    inner_.NdisQueueIoWorkItem(NdisIoWorkItemHandle, Routine, WorkItemContext);
  }
  VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle) override {
    inner_.NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  }
  VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock) override {
    inner_.NdisAllocateSpinLock(SpinLock);
  }
  VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock) override { inner_.NdisFreeSpinLock(SpinLock); }
  VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) override {
    inner_.NdisAcquireSpinLock(SpinLock);
  }
  VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) override {
    inner_.NdisReleaseSpinLock(SpinLock);
  }
  VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) override {
    inner_.NdisDprAcquireSpinLock(SpinLock);
  }
  VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) override {
    inner_.NdisDprReleaseSpinLock(SpinLock);
  }
  VOID NdisInitializeEvent(PNDIS_EVENT Event) override { inner_.NdisInitializeEvent(Event); }
  VOID NdisSetEvent(PNDIS_EVENT Event) override { inner_.NdisSetEvent(Event); }
  VOID NdisResetEvent(PNDIS_EVENT Event) override { inner_.NdisResetEvent(Event); }
  BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait) override {
    return inner_.NdisWaitEvent(Event, MsToWait);
  }
  PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                          EX_POOL_PRIORITY Priority) override {
    return inner_.NdisAllocateMemoryWithTagPriority(NdisHandle, Length, Tag, Priority);
  }
  VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress,
                                     ULONG Tag) override {
    inner_.NdisFreeMemoryWithTagPriority(NdisHandle, VirtualAddress, Tag);
  }
  NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                            PCO_ADDRESS_FAMILY AddressFamily) override {
    return inner_.NdisCmRegisterAddressFamilyEx(NdisBindingHandle, AddressFamily);
  }
  NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE MiniportAdapterHandle,
                                             PCO_ADDRESS_FAMILY AddressFamily) override {
    return inner_.NdisMCmRegisterAddressFamilyEx(MiniportAdapterHandle, AddressFamily);
  }
  NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                        PCO_ADDRESS_FAMILY AddressFamily,
                                        NDIS_HANDLE ClientAfContext,
                                        PNDIS_HANDLE NdisAfHandle) override {
    return inner_.NdisClOpenAddressFamilyEx(NdisBindingHandle, AddressFamily, ClientAfContext,
                                            NdisAfHandle);
  }
  VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle,
                                       NDIS_HANDLE CallMgrAfContext) override {
    inner_.NdisCmOpenAddressFamilyComplete(Status, NdisAfHandle, CallMgrAfContext);
  }
  NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE NdisAfHandle) override {
    return inner_.NdisClCloseAddressFamily(NdisAfHandle);
  }
  VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle) override {
    inner_.NdisCmCloseAddressFamilyComplete(Status, NdisAfHandle);
  }
  NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE NdisAfHandle) override {
    return inner_.NdisCmNotifyCloseAddressFamily(NdisAfHandle);
  }
  VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE NdisAfHandle,
                                              NDIS_STATUS Status) override {
    inner_.NdisClNotifyCloseAddressFamilyComplete(NdisAfHandle, Status);
  }
  NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE NdisAfHandle, NDIS_HANDLE ProtocolSapContext,
                                PCO_SAP Sap, PNDIS_HANDLE NdisSapHandle) override {
    return inner_.NdisClRegisterSap(NdisAfHandle, ProtocolSapContext, Sap, NdisSapHandle);
  }
  VOID NdisCmRegisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle,
                                 NDIS_HANDLE CallMgrSapContext) override {
    inner_.NdisCmRegisterSapComplete(Status, NdisSapHandle, CallMgrSapContext);
  }
  NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE NdisSapHandle) override {
    return inner_.NdisClDeregisterSap(NdisSapHandle);
  }
  VOID NdisCmDeregisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle) override {
    inner_.NdisCmDeregisterSapComplete(Status, NdisSapHandle);
  }
  NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisAfHandle,
                             NDIS_HANDLE ProtocolVcContext, PNDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisCoCreateVc(NdisBindingHandle, NdisAfHandle, ProtocolVcContext, NdisVcHandle);
  }
  NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisCoDeleteVc(NdisVcHandle);
  }
  NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE NdisAfHandle,
                              NDIS_HANDLE MiniportVcContext, PNDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisMCmCreateVc(MiniportAdapterHandle, NdisAfHandle, MiniportVcContext,
                                  NdisVcHandle);
  }
  NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisMCmDeleteVc(NdisVcHandle);
  }
  NDIS_STATUS NdisClMakeCall(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters,
                             NDIS_HANDLE ProtocolPartyContext,
                             PNDIS_HANDLE NdisPartyHandle) override {
    return inner_.NdisClMakeCall(NdisVcHandle, CallParameters, ProtocolPartyContext,
                                 NdisPartyHandle);
  }
  VOID NdisCmMakeCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                              NDIS_HANDLE NdisPartyHandle, NDIS_HANDLE CallMgrPartyContext,
                              PCO_CALL_PARAMETERS CallParameters) override {
    inner_.NdisCmMakeCallComplete(Status, NdisVcHandle, NdisPartyHandle, CallMgrPartyContext,
                                  CallParameters);
  }
  NDIS_STATUS NdisClCloseCall(NDIS_HANDLE NdisVcHandle, NDIS_HANDLE NdisPartyHandle, PVOID Buffer,
                              UINT Size) override {
    return inner_.NdisClCloseCall(NdisVcHandle, NdisPartyHandle, Buffer, Size);
  }
  VOID NdisCmCloseCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                               NDIS_HANDLE NdisPartyHandle) override {
    inner_.NdisCmCloseCallComplete(Status, NdisVcHandle, NdisPartyHandle);
  }
  NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE NdisVcHandle,
                               PCO_CALL_PARAMETERS CallParameters) override {
    return inner_.NdisCmActivateVc(NdisVcHandle, CallParameters);
  }
  NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE NdisVcHandle,
                                PCO_CALL_PARAMETERS CallParameters) override {
    return inner_.NdisMCmActivateVc(NdisVcHandle, CallParameters);
  }
  NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisCmDeactivateVc(NdisVcHandle);
  }
  NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE NdisVcHandle) override {
    return inner_.NdisMCmDeactivateVc(NdisVcHandle);
  }
  VOID NdisMCoActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                 PCO_CALL_PARAMETERS CallParameters) override {
    inner_.NdisMCoActivateVcComplete(Status, NdisVcHandle, CallParameters);
  }
  VOID NdisMCoDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle) override {
    inner_.NdisMCoDeactivateVcComplete(Status, NdisVcHandle);
  }
  NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE NdisSapHandle, NDIS_HANDLE NdisVcHandle,
                                         PCO_CALL_PARAMETERS CallParameters) override {
    return inner_.NdisCmDispatchIncomingCall(NdisSapHandle, NdisVcHandle, CallParameters);
  }
  VOID NdisClIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                  PCO_CALL_PARAMETERS CallParameters) override {
    inner_.NdisClIncomingCallComplete(Status, NdisVcHandle, CallParameters);
  }
  VOID NdisCmDispatchCallConnected(NDIS_HANDLE NdisVcHandle) override {
    inner_.NdisCmDispatchCallConnected(NdisVcHandle);
  }

 protected:
  NdisHost& inner_;
};

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_FORWARDING_HOST_H_
