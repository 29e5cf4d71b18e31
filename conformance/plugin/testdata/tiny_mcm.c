/*
 * tiny_mcm.c - TinyMcm, a minimal CoNDIS miniport call manager (MCM).
 *
 * TinyMcm drives a CoWAN adapter and is its own call manager: from
 * MiniportInitializeEx it registers the TAPI proxy address family with
 * NdisMCmRegisterAddressFamilyEx (AF-007), and it serves the clients that
 * open it: SAPs, VCs and calls, through the NdisMCm* forms of the calls
 * (AF-009, AF-110). When its adapter halts it notify-closes every AF still
 * open and waits for the clients to close them (AF-062, AF-125).
 *
 * Every request is answered at once; nothing pends except what NDIS's own
 * VC activation may pend. Contexts come from fixed tables, so no path can
 * fail for lack of memory except a full table (NDIS_STATUS_RESOURCES).
 */
#include <ndis.h>

#define TINYMCM_MAX_ADAPTERS 4
#define TINYMCM_MAX_AFS 8
#define TINYMCM_MAX_SAPS 16
#define TINYMCM_MAX_SAP_BYTES 32
#define TINYMCM_MAX_VCS 16

typedef struct _TINYMCM_ADAPTER {
  BOOLEAN InUse;
  BOOLEAN Halting;
  NDIS_HANDLE MiniportAdapterHandle;
  ULONG OpenAfs;
  NDIS_EVENT AfsClosed; /* set when OpenAfs drops to zero during a halt */
} TINYMCM_ADAPTER, *PTINYMCM_ADAPTER;

typedef struct _TINYMCM_AF {
  BOOLEAN InUse;
  PTINYMCM_ADAPTER Adapter;
  NDIS_HANDLE NdisAfHandle;
  ULONG Saps;
  ULONG Vcs;
} TINYMCM_AF, *PTINYMCM_AF;

typedef struct _TINYMCM_SAP {
  BOOLEAN InUse;
  PTINYMCM_AF Af;
  NDIS_HANDLE NdisSapHandle;
  ULONG SapType;
  ULONG SapLength;
  UCHAR Sap[TINYMCM_MAX_SAP_BYTES];
} TINYMCM_SAP, *PTINYMCM_SAP;

typedef enum _TINYMCM_VC_STATE {
  TinyMcmVcIdle = 0,
  TinyMcmVcActivating, /* NdisMCmActivateVc pended */
  TinyMcmVcActive,
  TinyMcmVcDeactivating /* NdisMCmDeactivateVc pended */
} TINYMCM_VC_STATE;

typedef struct _TINYMCM_VC {
  BOOLEAN InUse;
  PTINYMCM_AF Af;
  NDIS_HANDLE NdisVcHandle;
  TINYMCM_VC_STATE State;
} TINYMCM_VC, *PTINYMCM_VC;

static NDIS_HANDLE TinyMcmDriverHandle;
static TINYMCM_ADAPTER TinyMcmAdapters[TINYMCM_MAX_ADAPTERS];
static TINYMCM_AF TinyMcmAfs[TINYMCM_MAX_AFS];
static TINYMCM_SAP TinyMcmSaps[TINYMCM_MAX_SAPS];
static TINYMCM_VC TinyMcmVcs[TINYMCM_MAX_VCS];

/* ---- Address families ---- */

static VOID TinyMcmAfClosed(PTINYMCM_AF Af) {
  PTINYMCM_ADAPTER adapter = Af->Adapter;
  Af->InUse = FALSE;
  if (adapter->OpenAfs > 0) --adapter->OpenAfs;
  if (adapter->OpenAfs == 0 && adapter->Halting) NdisSetEvent(&adapter->AfsClosed);
}

/* AF-033: keep NdisAfHandle, hand back our context; refuse an AF we did not
 * register, and any open once the adapter is halting. */
static NDIS_STATUS TinyMcmCmOpenAf(NDIS_HANDLE CallMgrBindingContext,
                                   PCO_ADDRESS_FAMILY AddressFamily, NDIS_HANDLE NdisAfHandle,
                                   PNDIS_HANDLE CallMgrAfContext) {
  PTINYMCM_ADAPTER adapter = (PTINYMCM_ADAPTER)CallMgrBindingContext;
  if (adapter == NULL || adapter->Halting || AddressFamily == NULL ||
      AddressFamily->AddressFamily != CO_ADDRESS_FAMILY_TAPI_PROXY) {
    return NDIS_STATUS_FAILURE;
  }
  for (int i = 0; i < TINYMCM_MAX_AFS; ++i) {
    if (!TinyMcmAfs[i].InUse) {
      NdisZeroMemory(&TinyMcmAfs[i], sizeof(TinyMcmAfs[i]));
      TinyMcmAfs[i].InUse = TRUE;
      TinyMcmAfs[i].Adapter = adapter;
      TinyMcmAfs[i].NdisAfHandle = NdisAfHandle;
      ++adapter->OpenAfs;
      *CallMgrAfContext = &TinyMcmAfs[i];
      return NDIS_STATUS_SUCCESS;
    }
  }
  return NDIS_STATUS_RESOURCES;
}

/* AF-052: with SAPs or VCs left the close is refused (NOT_ACCEPTED);
 * otherwise the AF is freed and the close succeeds at once (AF-055: the
 * handle is not used again). */
static NDIS_STATUS TinyMcmCmCloseAf(NDIS_HANDLE CallMgrAfContext) {
  PTINYMCM_AF af = (PTINYMCM_AF)CallMgrAfContext;
  if (af->Saps != 0 || af->Vcs != 0) return NDIS_STATUS_NOT_ACCEPTED;
  TinyMcmAfClosed(af);
  return NDIS_STATUS_SUCCESS;
}

/* The client finished a notify-close; the close itself came through
 * TinyMcmCmCloseAf. */
static VOID TinyMcmCmNotifyCloseAfComplete(NDIS_HANDLE CallMgrAfContext, NDIS_STATUS Status) {}

/* ---- SAPs ---- */

/* AF-082: a SAP registered twice, by anyone, is refused with INVALID_DATA,
 * as is one too long to keep. */
static NDIS_STATUS TinyMcmCmRegisterSap(NDIS_HANDLE CallMgrAfContext, PCO_SAP Sap,
                                        NDIS_HANDLE NdisSapHandle, PNDIS_HANDLE CallMgrSapContext) {
  PTINYMCM_AF af = (PTINYMCM_AF)CallMgrAfContext;
  if (Sap == NULL || Sap->SapLength > TINYMCM_MAX_SAP_BYTES) return NDIS_STATUS_INVALID_DATA;
  PTINYMCM_SAP free_sap = NULL;
  for (int i = 0; i < TINYMCM_MAX_SAPS; ++i) {
    PTINYMCM_SAP s = &TinyMcmSaps[i];
    if (!s->InUse) {
      if (free_sap == NULL) free_sap = s;
      continue;
    }
    if (s->Af->Adapter == af->Adapter && s->SapType == Sap->SapType &&
        s->SapLength == Sap->SapLength && NdisEqualMemory(s->Sap, Sap->Sap, Sap->SapLength)) {
      return NDIS_STATUS_INVALID_DATA;
    }
  }
  if (free_sap == NULL) return NDIS_STATUS_RESOURCES;
  NdisZeroMemory(free_sap, sizeof(*free_sap));
  free_sap->InUse = TRUE;
  free_sap->Af = af;
  free_sap->NdisSapHandle = NdisSapHandle;
  free_sap->SapType = Sap->SapType;
  free_sap->SapLength = Sap->SapLength;
  NdisMoveMemory(free_sap->Sap, Sap->Sap, Sap->SapLength);
  ++af->Saps;
  *CallMgrSapContext = free_sap;
  return NDIS_STATUS_SUCCESS;
}

/* AF-090: frees the SAP and succeeds at once. */
static NDIS_STATUS TinyMcmCmDeregisterSap(NDIS_HANDLE CallMgrSapContext) {
  PTINYMCM_SAP sap = (PTINYMCM_SAP)CallMgrSapContext;
  if (sap->Af->Saps > 0) --sap->Af->Saps;
  sap->InUse = FALSE;
  return NDIS_STATUS_SUCCESS;
}

/* ---- VCs (AF-104, AF-133: answered at once, never PENDING) ---- */

static NDIS_STATUS TinyMcmCmCreateVc(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE NdisVcHandle,
                                     PNDIS_HANDLE ProtocolVcContext) {
  PTINYMCM_AF af = (PTINYMCM_AF)ProtocolAfContext;
  for (int i = 0; i < TINYMCM_MAX_VCS; ++i) {
    if (!TinyMcmVcs[i].InUse) {
      NdisZeroMemory(&TinyMcmVcs[i], sizeof(TinyMcmVcs[i]));
      TinyMcmVcs[i].InUse = TRUE;
      TinyMcmVcs[i].Af = af;
      TinyMcmVcs[i].NdisVcHandle = NdisVcHandle;
      ++af->Vcs;
      *ProtocolVcContext = &TinyMcmVcs[i];
      return NDIS_STATUS_SUCCESS;
    }
  }
  return NDIS_STATUS_RESOURCES;
}

static NDIS_STATUS TinyMcmCmDeleteVc(NDIS_HANDLE ProtocolVcContext) {
  PTINYMCM_VC vc = (PTINYMCM_VC)ProtocolVcContext;
  if (vc->State != TinyMcmVcIdle) return NDIS_STATUS_NOT_ACCEPTED;
  if (vc->Af->Vcs > 0) --vc->Af->Vcs;
  vc->InUse = FALSE;
  return NDIS_STATUS_SUCCESS;
}

/* ---- Calls (AF-110: the miniport forms) ---- */

static NDIS_STATUS TinyMcmCmMakeCall(NDIS_HANDLE CallMgrVcContext,
                                     PCO_CALL_PARAMETERS CallParameters,
                                     NDIS_HANDLE NdisPartyHandle,
                                     PNDIS_HANDLE CallMgrPartyContext) {
  PTINYMCM_VC vc = (PTINYMCM_VC)CallMgrVcContext;
  if (vc->State != TinyMcmVcIdle || NdisPartyHandle != NULL) return NDIS_STATUS_FAILURE;
  vc->State = TinyMcmVcActivating;
  NDIS_STATUS status = NdisMCmActivateVc(vc->NdisVcHandle, CallParameters);
  if (status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* ActivateVcComplete */
  vc->State = status == NDIS_STATUS_SUCCESS ? TinyMcmVcActive : TinyMcmVcIdle;
  return status;
}

static VOID TinyMcmCmActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                        PCO_CALL_PARAMETERS CallParameters) {
  PTINYMCM_VC vc = (PTINYMCM_VC)CallMgrVcContext;
  if (vc->State != TinyMcmVcActivating) return;
  vc->State = Status == NDIS_STATUS_SUCCESS ? TinyMcmVcActive : TinyMcmVcIdle;
  NdisMCmMakeCallComplete(Status, vc->NdisVcHandle, NULL, NULL, CallParameters);
}

static NDIS_STATUS TinyMcmCmCloseCall(NDIS_HANDLE CallMgrVcContext, NDIS_HANDLE CallMgrPartyContext,
                                      PVOID CloseData, UINT Size) {
  PTINYMCM_VC vc = (PTINYMCM_VC)CallMgrVcContext;
  if (vc->State != TinyMcmVcActive) return NDIS_STATUS_FAILURE;
  vc->State = TinyMcmVcDeactivating;
  NDIS_STATUS status = NdisMCmDeactivateVc(vc->NdisVcHandle);
  if (status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* DeactivateVcComplete */
  vc->State = TinyMcmVcIdle;
  return NDIS_STATUS_SUCCESS;
}

static VOID TinyMcmCmDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext) {
  PTINYMCM_VC vc = (PTINYMCM_VC)CallMgrVcContext;
  if (vc->State != TinyMcmVcDeactivating) return;
  vc->State = TinyMcmVcIdle;
  NdisMCmCloseCallComplete(NDIS_STATUS_SUCCESS, vc->NdisVcHandle, NULL);
}

/* TinyMcm dispatches no incoming calls, and has no multipoint or QoS
 * changes: AF-131 asks for every member anyway, unsupported ones saying so. */
static VOID TinyMcmCmIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                          PCO_CALL_PARAMETERS CallParameters) {}

static NDIS_STATUS TinyMcmCmAddParty(NDIS_HANDLE CallMgrVcContext,
                                     PCO_CALL_PARAMETERS CallParameters,
                                     NDIS_HANDLE NdisPartyHandle,
                                     PNDIS_HANDLE CallMgrPartyContext) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS TinyMcmCmDropParty(NDIS_HANDLE CallMgrPartyContext, PVOID CloseData, UINT Size) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS TinyMcmCmModifyCallQoS(NDIS_HANDLE CallMgrVcContext,
                                          PCO_CALL_PARAMETERS CallParameters) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

/* AF-134: the call manager's own OID handlers, not the miniport's. */
static NDIS_STATUS TinyMcmCmOidRequest(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                                       NDIS_HANDLE ProtocolPartyContext,
                                       PNDIS_OID_REQUEST OidRequest) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID TinyMcmCmOidRequestComplete(NDIS_HANDLE ProtocolAfContext,
                                        NDIS_HANDLE ProtocolVcContext,
                                        NDIS_HANDLE ProtocolPartyContext,
                                        PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status) {}

/* ---- The miniport ---- */

/* NDIS routes no activation of an MCM's VCs here (it activates them itself
 * with NdisMCmActivateVc); the CO characteristics carry the members. */
static NDIS_STATUS TinyMcmCoActivateVc(NDIS_HANDLE MiniportVcContext,
                                       PCO_CALL_PARAMETERS CallParameters) {
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS TinyMcmCoDeactivateVc(NDIS_HANDLE MiniportVcContext) {
  return NDIS_STATUS_SUCCESS;
}

static VOID TinyMcmCoSend(NDIS_HANDLE MiniportVcContext, PNET_BUFFER_LIST NetBufferLists,
                          ULONG SendFlags) {}

static NDIS_STATUS TinyMcmCoOidRequest(NDIS_HANDLE MiniportAdapterContext,
                                       NDIS_HANDLE MiniportVcContext,
                                       PNDIS_OID_REQUEST NdisRequest) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS TinyMcmOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID OidRequest) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS TinyMcmSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext) {
  NDIS_MINIPORT_CO_CHARACTERISTICS co;
  NdisZeroMemory(&co, sizeof(co));
  co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS;
  co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1;
  co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1;
  /* AF-133: CoCreateVcHandler and CoDeleteVcHandler stay NULL. */
  co.CoActivateVcHandler = TinyMcmCoActivateVc;
  co.CoDeactivateVcHandler = TinyMcmCoDeactivateVc;
  co.CoSendNetBufferListsHandler = TinyMcmCoSend;
  co.CoOidRequestHandler = TinyMcmCoOidRequest;
  NDIS_STATUS status =
      NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&co);
  if (status != NDIS_STATUS_SUCCESS) return status;

  /* AF-131: every member, from MiniportSetOptions; AF-069: the whole
   * structure, so that NDIS sees CmNotifyCloseAfCompleteHandler. */
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm;
  NdisZeroMemory(&cm, sizeof(cm));
  cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS;
  cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
  cm.Header.Size = (USHORT)sizeof(cm);
  cm.CmCreateVcHandler = TinyMcmCmCreateVc;
  cm.CmDeleteVcHandler = TinyMcmCmDeleteVc;
  cm.CmOpenAfHandler = TinyMcmCmOpenAf;
  cm.CmCloseAfHandler = TinyMcmCmCloseAf;
  cm.CmRegisterSapHandler = TinyMcmCmRegisterSap;
  cm.CmDeregisterSapHandler = TinyMcmCmDeregisterSap;
  cm.CmMakeCallHandler = TinyMcmCmMakeCall;
  cm.CmCloseCallHandler = TinyMcmCmCloseCall;
  cm.CmIncomingCallCompleteHandler = TinyMcmCmIncomingCallComplete;
  cm.CmAddPartyHandler = TinyMcmCmAddParty;
  cm.CmDropPartyHandler = TinyMcmCmDropParty;
  cm.CmActivateVcCompleteHandler = TinyMcmCmActivateVcComplete;
  cm.CmDeactivateVcCompleteHandler = TinyMcmCmDeactivateVcComplete;
  cm.CmModifyCallQoSHandler = TinyMcmCmModifyCallQoS;
  cm.CmOidRequestHandler = TinyMcmCmOidRequest;
  cm.CmOidRequestCompleteHandler = TinyMcmCmOidRequestComplete;
  cm.CmNotifyCloseAfCompleteHandler = TinyMcmCmNotifyCloseAfComplete;
  return NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&cm);
}

/* AF-007: the adapter is up, so its AF is registered from here. */
static NDIS_STATUS TinyMcmInitialize(NDIS_HANDLE NdisMiniportHandle,
                                     NDIS_HANDLE MiniportDriverContext,
                                     PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters) {
  PTINYMCM_ADAPTER adapter = NULL;
  for (int i = 0; i < TINYMCM_MAX_ADAPTERS; ++i) {
    if (!TinyMcmAdapters[i].InUse) {
      adapter = &TinyMcmAdapters[i];
      break;
    }
  }
  if (adapter == NULL) return NDIS_STATUS_RESOURCES;
  NdisZeroMemory(adapter, sizeof(*adapter));
  adapter->MiniportAdapterHandle = NdisMiniportHandle;

  NDIS_MINIPORT_ADAPTER_ATTRIBUTES attrs;
  NdisZeroMemory(&attrs, sizeof(attrs));
  attrs.RegistrationAttributes.Header.Type =
      NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  attrs.RegistrationAttributes.Header.Revision =
      NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  attrs.RegistrationAttributes.Header.Size =
      (USHORT)sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES);
  attrs.RegistrationAttributes.MiniportAdapterContext = adapter;
  attrs.RegistrationAttributes.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_DESERIALIZE;
  NDIS_STATUS status = NdisMSetMiniportAttributes(NdisMiniportHandle, &attrs);
  if (status != NDIS_STATUS_SUCCESS) return status;
  adapter->InUse = TRUE;

  CO_ADDRESS_FAMILY af;
  af.AddressFamily = CO_ADDRESS_FAMILY_TAPI_PROXY;
  af.MajorVersion = 1;
  af.MinorVersion = 0;
  /* A registration NDIS refuses leaves the adapter without clients, not
   * down. */
  (void)NdisMCmRegisterAddressFamilyEx(NdisMiniportHandle, &af);
  return NDIS_STATUS_SUCCESS;
}

/* AF-062, AF-125: notify-close every AF still open, then wait until the
 * clients have closed them all (MiniportHaltEx runs at PASSIVE_LEVEL and may
 * wait). */
static VOID TinyMcmHalt(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction) {
  PTINYMCM_ADAPTER adapter = (PTINYMCM_ADAPTER)MiniportAdapterContext;
  adapter->Halting = TRUE;
  NdisInitializeEvent(&adapter->AfsClosed);
  for (int i = 0; i < TINYMCM_MAX_AFS; ++i) {
    if (TinyMcmAfs[i].InUse && TinyMcmAfs[i].Adapter == adapter)
      (void)NdisMCmNotifyCloseAddressFamily(TinyMcmAfs[i].NdisAfHandle);
  }
  if (adapter->OpenAfs != 0) (void)NdisWaitEvent(&adapter->AfsClosed, 0);
  /* Whatever a client left behind goes with the adapter. */
  for (int i = 0; i < TINYMCM_MAX_AFS; ++i) {
    if (TinyMcmAfs[i].InUse && TinyMcmAfs[i].Adapter == adapter) TinyMcmAfs[i].InUse = FALSE;
  }
  adapter->InUse = FALSE;
}

static VOID TinyMcmUnload(PDRIVER_OBJECT DriverObject) {}
static NDIS_STATUS TinyMcmPause(NDIS_HANDLE MiniportAdapterContext, PVOID PauseParameters) {
  return NDIS_STATUS_SUCCESS;
}
static NDIS_STATUS TinyMcmRestart(NDIS_HANDLE MiniportAdapterContext, PVOID RestartParameters) {
  return NDIS_STATUS_SUCCESS;
}
static VOID TinyMcmSend(NDIS_HANDLE MiniportAdapterContext, PVOID NetBufferList, ULONG PortNumber,
                        ULONG SendFlags) {}
static VOID TinyMcmReturn(NDIS_HANDLE MiniportAdapterContext, PVOID NetBufferLists,
                          ULONG ReturnFlags) {}
static VOID TinyMcmCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId) {}
static BOOLEAN TinyMcmCheckForHang(NDIS_HANDLE MiniportAdapterContext) { return FALSE; }
static NDIS_STATUS TinyMcmReset(NDIS_HANDLE MiniportAdapterContext, BOOLEAN* AddressingReset) {
  if (AddressingReset != NULL) *AddressingReset = FALSE;
  return NDIS_STATUS_SUCCESS;
}
static VOID TinyMcmDevicePnPEvent(NDIS_HANDLE MiniportAdapterContext, PVOID NetDevicePnPEvent) {}
static VOID TinyMcmShutdown(NDIS_HANDLE MiniportAdapterContext, ULONG ShutdownAction) {}
static VOID TinyMcmCancelOid(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId) {}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS mc;
  NdisZeroMemory(&mc, sizeof(mc));
  mc.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  mc.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
  mc.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
  mc.MajorNdisVersion = 6;
  mc.MinorNdisVersion = 0;
  mc.MajorDriverVersion = 1;
  mc.SetOptionsHandler = TinyMcmSetOptions;
  mc.InitializeHandlerEx = TinyMcmInitialize;
  mc.HaltHandlerEx = TinyMcmHalt;
  mc.UnloadHandler = TinyMcmUnload;
  mc.PauseHandler = TinyMcmPause;
  mc.RestartHandler = TinyMcmRestart;
  mc.OidRequestHandler = TinyMcmOidRequest;
  mc.SendNetBufferListsHandler = TinyMcmSend;
  mc.ReturnNetBufferListsHandler = TinyMcmReturn;
  mc.CancelSendHandler = TinyMcmCancelSend;
  mc.CheckForHangHandlerEx = TinyMcmCheckForHang;
  mc.ResetHandlerEx = TinyMcmReset;
  mc.DevicePnPEventNotifyHandler = TinyMcmDevicePnPEvent;
  mc.ShutdownHandlerEx = TinyMcmShutdown;
  mc.CancelOidRequestHandler = TinyMcmCancelOid;
  return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &mc, &TinyMcmDriverHandle);
}
