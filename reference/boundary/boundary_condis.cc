// The C entry points of ndisconf/api/condis.h (address families, SAPs, VCs,
// calls): each records its call, forwards it to the active NdisHost and
// records its return with the out values.
#include "reference/boundary/boundary.h"
#include "reference/boundary/crossing.h"

namespace {

using ndisconf::Caller;
using ndisconf::Crossing;
using ndisconf::Deref;
using ndisconf::Fn;
using ndisconf::Host;

}  // namespace

extern "C" {

NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                          PCO_ADDRESS_FAMILY AddressFamily) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCmRegisterAddressFamilyEx, Caller());
  c.Handle(NdisBindingHandle).Af(AddressFamily).Call();
  const NDIS_STATUS s = Host()->NdisCmRegisterAddressFamilyEx(NdisBindingHandle, AddressFamily);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE MiniportAdapterHandle,
                                           PCO_ADDRESS_FAMILY AddressFamily) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMCmRegisterAddressFamilyEx, Caller());
  c.Handle(MiniportAdapterHandle).Af(AddressFamily).Call();
  const NDIS_STATUS s =
      Host()->NdisMCmRegisterAddressFamilyEx(MiniportAdapterHandle, AddressFamily);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                      PCO_ADDRESS_FAMILY AddressFamily, NDIS_HANDLE ClientAfContext,
                                      PNDIS_HANDLE NdisAfHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClOpenAddressFamilyEx, Caller());
  c.Handle(NdisBindingHandle).Af(AddressFamily).Handle(ClientAfContext).Call();
  const NDIS_STATUS s = Host()->NdisClOpenAddressFamilyEx(NdisBindingHandle, AddressFamily,
                                                          ClientAfContext, NdisAfHandle);
  c.Return(s).Handle(Deref(NdisAfHandle)).Done();
  return s;
}

VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle,
                                     NDIS_HANDLE CallMgrAfContext) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmOpenAddressFamilyComplete, Caller());
  c.Status(Status).Handle(NdisAfHandle).Handle(CallMgrAfContext).Call();
  Host()->NdisCmOpenAddressFamilyComplete(Status, NdisAfHandle, CallMgrAfContext);
  c.Return().Done();
}

NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE NdisAfHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClCloseAddressFamily, Caller());
  c.Handle(NdisAfHandle).Call();
  const NDIS_STATUS s = Host()->NdisClCloseAddressFamily(NdisAfHandle);
  c.Return(s).Done();
  return s;
}

VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmCloseAddressFamilyComplete, Caller());
  c.Status(Status).Handle(NdisAfHandle).Call();
  Host()->NdisCmCloseAddressFamilyComplete(Status, NdisAfHandle);
  c.Return().Done();
}

NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE NdisAfHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCmNotifyCloseAddressFamily, Caller());
  c.Handle(NdisAfHandle).Call();
  const NDIS_STATUS s = Host()->NdisCmNotifyCloseAddressFamily(NdisAfHandle);
  c.Return(s).Done();
  return s;
}

VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE NdisAfHandle, NDIS_STATUS Status) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisClNotifyCloseAddressFamilyComplete, Caller());
  c.Handle(NdisAfHandle).Status(Status).Call();
  Host()->NdisClNotifyCloseAddressFamilyComplete(NdisAfHandle, Status);
  c.Return().Done();
}

NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE NdisAfHandle, NDIS_HANDLE ProtocolSapContext, PCO_SAP Sap,
                              PNDIS_HANDLE NdisSapHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClRegisterSap, Caller());
  c.Handle(NdisAfHandle).Handle(ProtocolSapContext).Sap(Sap).Call();
  const NDIS_STATUS s =
      Host()->NdisClRegisterSap(NdisAfHandle, ProtocolSapContext, Sap, NdisSapHandle);
  c.Return(s).Handle(Deref(NdisSapHandle)).Done();
  return s;
}

VOID NdisCmRegisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle,
                               NDIS_HANDLE CallMgrSapContext) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmRegisterSapComplete, Caller());
  c.Status(Status).Handle(NdisSapHandle).Handle(CallMgrSapContext).Call();
  Host()->NdisCmRegisterSapComplete(Status, NdisSapHandle, CallMgrSapContext);
  c.Return().Done();
}

NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE NdisSapHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClDeregisterSap, Caller());
  c.Handle(NdisSapHandle).Call();
  const NDIS_STATUS s = Host()->NdisClDeregisterSap(NdisSapHandle);
  c.Return(s).Done();
  return s;
}

VOID NdisCmDeregisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmDeregisterSapComplete, Caller());
  c.Status(Status).Handle(NdisSapHandle).Call();
  Host()->NdisCmDeregisterSapComplete(Status, NdisSapHandle);
  c.Return().Done();
}

NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisAfHandle,
                           NDIS_HANDLE ProtocolVcContext, PNDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCoCreateVc, Caller());
  c.Handle(NdisBindingHandle)
      .Handle(NdisAfHandle)
      .Handle(ProtocolVcContext)
      .Handle(Deref(NdisVcHandle))
      .Call();
  const NDIS_STATUS s =
      Host()->NdisCoCreateVc(NdisBindingHandle, NdisAfHandle, ProtocolVcContext, NdisVcHandle);
  c.Return(s).Handle(Deref(NdisVcHandle)).Done();
  return s;
}

NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCoDeleteVc, Caller());
  c.Handle(NdisVcHandle).Call();
  const NDIS_STATUS s = Host()->NdisCoDeleteVc(NdisVcHandle);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE NdisAfHandle,
                            NDIS_HANDLE MiniportVcContext, PNDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMCmCreateVc, Caller());
  c.Handle(MiniportAdapterHandle)
      .Handle(NdisAfHandle)
      .Handle(MiniportVcContext)
      .Handle(Deref(NdisVcHandle))
      .Call();
  const NDIS_STATUS s =
      Host()->NdisMCmCreateVc(MiniportAdapterHandle, NdisAfHandle, MiniportVcContext, NdisVcHandle);
  c.Return(s).Handle(Deref(NdisVcHandle)).Done();
  return s;
}

NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMCmDeleteVc, Caller());
  c.Handle(NdisVcHandle).Call();
  const NDIS_STATUS s = Host()->NdisMCmDeleteVc(NdisVcHandle);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisClMakeCall(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE ProtocolPartyContext, PNDIS_HANDLE NdisPartyHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClMakeCall, Caller());
  c.Handle(NdisVcHandle).Handle(CallParameters).Handle(ProtocolPartyContext).Call();
  const NDIS_STATUS s =
      Host()->NdisClMakeCall(NdisVcHandle, CallParameters, ProtocolPartyContext, NdisPartyHandle);
  c.Return(s).Handle(Deref(NdisPartyHandle)).Done();
  return s;
}

VOID NdisCmMakeCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                            NDIS_HANDLE NdisPartyHandle, NDIS_HANDLE CallMgrPartyContext,
                            PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmMakeCallComplete, Caller());
  c.Status(Status)
      .Handle(NdisVcHandle)
      .Handle(NdisPartyHandle)
      .Handle(CallMgrPartyContext)
      .Handle(CallParameters)
      .Call();
  Host()->NdisCmMakeCallComplete(Status, NdisVcHandle, NdisPartyHandle, CallMgrPartyContext,
                                 CallParameters);
  c.Return().Done();
}

NDIS_STATUS NdisClCloseCall(NDIS_HANDLE NdisVcHandle, NDIS_HANDLE NdisPartyHandle, PVOID Buffer,
                            UINT Size) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisClCloseCall, Caller());
  c.Handle(NdisVcHandle).Handle(NdisPartyHandle).Ulong(Size).Call();
  const NDIS_STATUS s = Host()->NdisClCloseCall(NdisVcHandle, NdisPartyHandle, Buffer, Size);
  c.Return(s).Done();
  return s;
}

VOID NdisCmCloseCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                             NDIS_HANDLE NdisPartyHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmCloseCallComplete, Caller());
  c.Status(Status).Handle(NdisVcHandle).Handle(NdisPartyHandle).Call();
  Host()->NdisCmCloseCallComplete(Status, NdisVcHandle, NdisPartyHandle);
  c.Return().Done();
}

#define NDISCONF_VC_CALL(fn, ...)                       \
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY); \
  Crossing c(Fn::fn, Caller());                         \
  c.Handle(NdisVcHandle);                               \
  __VA_ARGS__;                                          \
  c.Call();                                             \
  const NDIS_STATUS s = Host()->fn

NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_VC_CALL(NdisCmActivateVc, c.Handle(CallParameters))(NdisVcHandle, CallParameters);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_VC_CALL(NdisMCmActivateVc, c.Handle(CallParameters))(NdisVcHandle, CallParameters);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE NdisVcHandle) {
  NDISCONF_VC_CALL(NdisCmDeactivateVc, (void)0)(NdisVcHandle);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE NdisVcHandle) {
  NDISCONF_VC_CALL(NdisMCmDeactivateVc, (void)0)(NdisVcHandle);
  c.Return(s).Done();
  return s;
}
#undef NDISCONF_VC_CALL

VOID NdisMCoActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                               PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisMCoActivateVcComplete, Caller());
  c.Status(Status).Handle(NdisVcHandle).Handle(CallParameters).Call();
  Host()->NdisMCoActivateVcComplete(Status, NdisVcHandle, CallParameters);
  c.Return().Done();
}

VOID NdisMCoDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisMCoDeactivateVcComplete, Caller());
  c.Status(Status).Handle(NdisVcHandle).Call();
  Host()->NdisMCoDeactivateVcComplete(Status, NdisVcHandle);
  c.Return().Done();
}

NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE NdisSapHandle, NDIS_HANDLE NdisVcHandle,
                                       PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCmDispatchIncomingCall, Caller());
  c.Handle(NdisSapHandle).Handle(NdisVcHandle).Handle(CallParameters).Call();
  const NDIS_STATUS s =
      Host()->NdisCmDispatchIncomingCall(NdisSapHandle, NdisVcHandle, CallParameters);
  c.Return(s).Done();
  return s;
}

VOID NdisClIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                PCO_CALL_PARAMETERS CallParameters) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisClIncomingCallComplete, Caller());
  c.Status(Status).Handle(NdisVcHandle).Handle(CallParameters).Call();
  Host()->NdisClIncomingCallComplete(Status, NdisVcHandle, CallParameters);
  c.Return().Done();
}

VOID NdisCmDispatchCallConnected(NDIS_HANDLE NdisVcHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCmDispatchCallConnected, Caller());
  c.Handle(NdisVcHandle).Call();
  Host()->NdisCmDispatchCallConnected(NdisVcHandle);
  c.Return().Done();
}

}  // extern "C"
