// reference/boundary/host.h: the interface an NDIS implementation provides.
//
// The C functions of <ndis.h> are defined once, in the boundary library:
// each records the call, forwards it to the active NdisHost, and records
// the return. An NDIS implementation (the reference model in
// reference/ndis, a seeded-bug variant, or a third party's host) implements
// this interface and records nothing: the handler tables and work item
// routines it receives (characteristics, optional handlers, the Routine of
// NdisQueueIoWorkItem) are the boundary's copies, whose handlers record each
// call the host makes through them and run the driver's handler as that
// driver. NULL handlers stay NULL, so a host's "handler missing" checks
// work; handlers the event schema has no event for are the driver's own.
// A host must call the handlers it was given, not ones it finds elsewhere.
//
// Every method has the signature of the <ndis.h> function of the same name
// and the same contract; see the comments there and the spec sections cited.
#ifndef NDISCONF_REFERENCE_BOUNDARY_HOST_H_
#define NDISCONF_REFERENCE_BOUNDARY_HOST_H_

#include <ndis.h>

namespace ndisconf {

class NdisHost {
 public:
  virtual ~NdisHost() = default;

  // The IRQL of the code path now running (recorded on every event).
  virtual KIRQL CurrentIrql() = 0;
  // Optional: where the host keeps that IRQL, so the boundary can read it
  // on every event without a virtual call. A host that returns a cell must
  // keep *cell equal to CurrentIrql() for as long as it is the active host;
  // NULL (the default) means "ask CurrentIrql()".
  virtual const KIRQL* CurrentIrqlCell() const { return nullptr; }
  // Optional: the NdisMiniportHandle of the adapter that the bind named by
  // BindContext (the second argument of ProtocolBindAdapterEx) is for. The
  // boundary records it in ProtocolBindAdapterEx's NdisMiniportHandle slot
  // (trace version 2), which the handler's arguments do not carry. NULL
  // (the default) records as unknown.
  virtual NDIS_HANDLE MiniportHandleOfBind(NDIS_HANDLE BindContext) {
    (void)BindContext;
    return nullptr;
  }

  // Registration and binding (ndisconf/api/driver.h).
  virtual NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                                 PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars,
                                                 PNDIS_HANDLE NdisProtocolHandle) = 0;
  virtual VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle) = 0;
  virtual NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject,
                                                  PUNICODE_STRING RegistryPath,
                                                  NDIS_HANDLE MiniportDriverContext,
                                                  PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars,
                                                  PNDIS_HANDLE NdisMiniportDriverHandle) = 0;
  virtual VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle) = 0;
  virtual NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisDriverHandle,
                                              PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers) = 0;
  virtual NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                                 PNDIS_MINIPORT_ADAPTER_ATTRIBUTES Attributes) = 0;
  virtual NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle,
                                        NDIS_HANDLE ProtocolBindingContext,
                                        PNDIS_OPEN_PARAMETERS OpenParameters,
                                        NDIS_HANDLE BindContext,
                                        PNDIS_HANDLE NdisBindingHandle) = 0;
  virtual VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status) = 0;
  virtual NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle) = 0;
  virtual VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext) = 0;
  virtual NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE NdisBindingHandle) = 0;
  virtual NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle) = 0;
  virtual VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle,
                                   NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext) = 0;
  virtual VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle) = 0;
  // Spin locks and memory are not recorded as events (they are not rule
  // subjects), but go through the host so it can track IRQL and inject
  // allocation failures.
  virtual VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) = 0;
  virtual VOID NdisInitializeEvent(PNDIS_EVENT Event) = 0;
  virtual VOID NdisSetEvent(PNDIS_EVENT Event) = 0;
  virtual VOID NdisResetEvent(PNDIS_EVENT Event) = 0;
  virtual BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait) = 0;
  virtual PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                                  EX_POOL_PRIORITY Priority) = 0;
  virtual VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress,
                                             ULONG Tag) = 0;

  // Address families (ndisconf/api/condis.h).
  virtual NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                                    PCO_ADDRESS_FAMILY AddressFamily) = 0;
  virtual NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE MiniportAdapterHandle,
                                                     PCO_ADDRESS_FAMILY AddressFamily) = 0;
  virtual NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                                PCO_ADDRESS_FAMILY AddressFamily,
                                                NDIS_HANDLE ClientAfContext,
                                                PNDIS_HANDLE NdisAfHandle) = 0;
  virtual VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle,
                                               NDIS_HANDLE CallMgrAfContext) = 0;
  virtual NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE NdisAfHandle) = 0;
  virtual VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle) = 0;
  virtual NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE NdisAfHandle) = 0;
  virtual VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE NdisAfHandle,
                                                      NDIS_STATUS Status) = 0;

  // SAPs.
  virtual NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE NdisAfHandle, NDIS_HANDLE ProtocolSapContext,
                                        PCO_SAP Sap, PNDIS_HANDLE NdisSapHandle) = 0;
  virtual VOID NdisCmRegisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle,
                                         NDIS_HANDLE CallMgrSapContext) = 0;
  virtual NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE NdisSapHandle) = 0;
  virtual VOID NdisCmDeregisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle) = 0;

  // VCs.
  virtual NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisAfHandle,
                                     NDIS_HANDLE ProtocolVcContext, PNDIS_HANDLE NdisVcHandle) = 0;
  virtual NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE NdisVcHandle) = 0;
  virtual NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE NdisAfHandle,
                                      NDIS_HANDLE MiniportVcContext, PNDIS_HANDLE NdisVcHandle) = 0;
  virtual NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE NdisVcHandle) = 0;

  // Calls (VC activation).
  virtual NDIS_STATUS NdisClMakeCall(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters,
                                     NDIS_HANDLE ProtocolPartyContext,
                                     PNDIS_HANDLE NdisPartyHandle) = 0;
  virtual VOID NdisCmMakeCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                      NDIS_HANDLE NdisPartyHandle, NDIS_HANDLE CallMgrPartyContext,
                                      PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual NDIS_STATUS NdisClCloseCall(NDIS_HANDLE NdisVcHandle, NDIS_HANDLE NdisPartyHandle,
                                      PVOID Buffer, UINT Size) = 0;
  virtual VOID NdisCmCloseCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                       NDIS_HANDLE NdisPartyHandle) = 0;
  virtual NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE NdisVcHandle,
                                       PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE NdisVcHandle,
                                        PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE NdisVcHandle) = 0;
  virtual NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE NdisVcHandle) = 0;
  virtual VOID NdisMCoActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                         PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual VOID NdisMCoDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle) = 0;
  virtual NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE NdisSapHandle,
                                                 NDIS_HANDLE NdisVcHandle,
                                                 PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual VOID NdisClIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                          PCO_CALL_PARAMETERS CallParameters) = 0;
  virtual VOID NdisCmDispatchCallConnected(NDIS_HANDLE NdisVcHandle) = 0;
};

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_BOUNDARY_HOST_H_
