// Implementation of reference/drivers/common/ndis6_characteristics.h.
#include "reference/drivers/common/ndis6_characteristics.h"

namespace ndisconf::drivers {

namespace {

// Protocol defaults.
NDIS_STATUS NetPnPEvent(NDIS_HANDLE, PVOID) { return NDIS_STATUS_SUCCESS; }
VOID Uninstall(VOID) {}
VOID OidRequestComplete(NDIS_HANDLE, PVOID, NDIS_STATUS) {}
VOID StatusEx(NDIS_HANDLE, PVOID) {}
VOID Receive(NDIS_HANDLE, PVOID, ULONG, ULONG, ULONG) {}
VOID SendComplete(NDIS_HANDLE, PVOID, ULONG) {}
VOID CoStatusEx(NDIS_HANDLE, NDIS_HANDLE, PVOID) {}
VOID CoReceive(NDIS_HANDLE, NDIS_HANDLE, PNET_BUFFER_LIST, ULONG, ULONG) {}
VOID CoSendComplete(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {}

// Miniport defaults.
VOID Unload(PDRIVER_OBJECT) {}
NDIS_STATUS Pause(NDIS_HANDLE, PVOID) { return NDIS_STATUS_SUCCESS; }
NDIS_STATUS Restart(NDIS_HANDLE, PVOID) { return NDIS_STATUS_SUCCESS; }
NDIS_STATUS OidRequest(NDIS_HANDLE, PVOID) { return NDIS_STATUS_NOT_SUPPORTED; }
VOID Send(NDIS_HANDLE, PVOID, ULONG, ULONG) {}
VOID Return(NDIS_HANDLE, PVOID, ULONG) {}
VOID CancelSend(NDIS_HANDLE, PVOID) {}
BOOLEAN CheckForHang(NDIS_HANDLE) { return FALSE; }
NDIS_STATUS Reset(NDIS_HANDLE, BOOLEAN* addressing_reset) {
  if (addressing_reset != nullptr) *addressing_reset = FALSE;
  return NDIS_STATUS_SUCCESS;
}
VOID DevicePnP(NDIS_HANDLE, PVOID) {}
VOID Shutdown(NDIS_HANDLE, ULONG) {}
VOID CancelOid(NDIS_HANDLE, PVOID) {}

}  // namespace

NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Ndis6ProtocolCharacteristics() {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
  NdisZeroMemory(&c, sizeof(c));
  c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
  c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  c.MajorNdisVersion = 6;
  c.MinorNdisVersion = 0;
  c.MajorDriverVersion = 1;
  c.NetPnPEventHandler = &NetPnPEvent;
  c.UninstallHandler = &Uninstall;
  c.OidRequestCompleteHandler = &OidRequestComplete;
  c.StatusHandlerEx = &StatusEx;
  c.ReceiveNetBufferListsHandler = &Receive;
  c.SendNetBufferListsCompleteHandler = &SendComplete;
  return c;
}

NDIS_PROTOCOL_CO_CHARACTERISTICS Ndis6ProtocolCoCharacteristics() {
  NDIS_PROTOCOL_CO_CHARACTERISTICS c;
  NdisZeroMemory(&c, sizeof(c));
  c.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS;
  c.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  c.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  c.CoStatusHandlerEx = &CoStatusEx;
  c.CoReceiveNetBufferListsHandler = &CoReceive;
  c.CoSendNetBufferListsCompleteHandler = &CoSendComplete;
  return c;
}

NDIS_MINIPORT_DRIVER_CHARACTERISTICS Ndis6MiniportCharacteristics() {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
  NdisZeroMemory(&c, sizeof(c));
  c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  c.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
  c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
  c.MajorNdisVersion = 6;
  c.MinorNdisVersion = 0;
  c.MajorDriverVersion = 1;
  c.UnloadHandler = &Unload;
  c.PauseHandler = &Pause;
  c.RestartHandler = &Restart;
  c.OidRequestHandler = &OidRequest;
  c.SendNetBufferListsHandler = &Send;
  c.ReturnNetBufferListsHandler = &Return;
  c.CancelSendHandler = &CancelSend;
  c.CheckForHangHandlerEx = &CheckForHang;
  c.ResetHandlerEx = &Reset;
  c.DevicePnPEventNotifyHandler = &DevicePnP;
  c.ShutdownHandlerEx = &Shutdown;
  c.CancelOidRequestHandler = &CancelOid;
  return c;
}

NDIS_MINIPORT_CO_CHARACTERISTICS Ndis6MiniportCoCharacteristics() {
  NDIS_MINIPORT_CO_CHARACTERISTICS c;
  NdisZeroMemory(&c, sizeof(c));
  c.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS;
  c.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1;
  c.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1;
  return c;
}

NDIS_OPEN_PARAMETERS Ndis6OpenParameters(PNDIS_BIND_PARAMETERS params,
                                         std::vector<NDIS_MEDIUM>& media, PUINT selected) {
  NDIS_OPEN_PARAMETERS open;
  NdisZeroMemory(&open, sizeof(open));
  open.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
  open.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
  open.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
  open.AdapterName = params != nullptr ? params->AdapterName : nullptr;
  open.MediumArray = media.data();
  open.MediumArraySize = static_cast<UINT>(media.size());
  open.SelectedMediumIndex = selected;
  return open;
}

}  // namespace ndisconf::drivers
