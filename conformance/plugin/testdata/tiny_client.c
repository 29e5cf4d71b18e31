/*
 * tiny_client.c - TinyClient, a minimal CoNDIS client for Q.2931 signalling.
 *
 * TinyClient is an NDIS 6 connection-oriented protocol driver. It binds to
 * ATM and CoWAN adapters and, whenever a call manager offers the Q.2931
 * address family on a binding, opens it and holds it until the call
 * manager or NDIS asks for it back. It registers no SAPs and places no
 * calls. Contexts come from fixed tables, so no open or close path can fail
 * for lack of memory; each stays allocated until NDIS is done with it.
 *
 * Ordering kept throughout (TinyClRunBinding): while an AF open on a
 * binding is pending, no other CO request is made on that binding; an
 * unbind closes every AF of the binding before it closes the adapter.
 */
#include <ndis.h>

#define TINYCL_NDIS_MAJOR_VERSION 6
#define TINYCL_NDIS_MINOR_VERSION 0
#define TINYCL_DRIVER_MAJOR_VERSION 1
#define TINYCL_DRIVER_MINOR_VERSION 2

#define TINYCL_MAX_BINDINGS 8
#define TINYCL_MAX_AFS 16
#define TINYCL_MAX_OFFERS 4 /* AFs offered while another open was pending */

typedef enum _TINYCL_BINDING_STATE {
  TinyClBindingFree = 0,
  TinyClBindingOpening,   /* NdisOpenAdapterEx pended */
  TinyClBindingBound,     /* adapter open, AFs may be opened */
  TinyClBindingUnbinding, /* closing the AFs before the adapter */
  TinyClBindingClosing,   /* NdisCloseAdapterEx pended */
  TinyClBindingClosed
} TINYCL_BINDING_STATE;

typedef enum _TINYCL_AF_STATE {
  TinyClAfFree = 0,
  TinyClAfOpening, /* NdisClOpenAddressFamilyEx pended */
  TinyClAfOpen,
  TinyClAfClosing, /* NdisClCloseAddressFamily pended */
  TinyClAfClosed   /* closed, context still held by a notify-close in progress */
} TINYCL_AF_STATE;

typedef struct _TINYCL_BINDING {
  TINYCL_BINDING_STATE State;
  NDIS_HANDLE NdisBindingHandle;
  NDIS_HANDLE BindContext;
  NDIS_HANDLE UnbindContext;
  UINT SelectedMediumIndex;
  BOOLEAN InUnbindHandler; /* ProtocolUnbindAdapterEx is still on the stack */
  BOOLEAN Running;         /* TinyClRunBinding is on the stack */
  BOOLEAN RunAgain;
  UINT OfferCount;
  CO_ADDRESS_FAMILY Offers[TINYCL_MAX_OFFERS];
} TINYCL_BINDING, *PTINYCL_BINDING;

typedef struct _TINYCL_AF {
  TINYCL_AF_STATE State;
  PTINYCL_BINDING Binding;
  NDIS_HANDLE NdisAfHandle;
  CO_ADDRESS_FAMILY AddressFamily;
  BOOLEAN CloseRequested; /* close as soon as the binding allows it */
  BOOLEAN NotifyPending;  /* ProtocolClNotifyCloseAf owes a completion */
  BOOLEAN InNotify;       /* ProtocolClNotifyCloseAf is still on the stack */
  NDIS_STATUS CloseStatus;
} TINYCL_AF, *PTINYCL_AF;

typedef struct _TINYCL_GLOBALS {
  NDIS_HANDLE NdisProtocolHandle;
  NDIS_SPIN_LOCK Lock; /* guards slot allocation in the tables below */
  TINYCL_BINDING Bindings[TINYCL_MAX_BINDINGS];
  TINYCL_AF Afs[TINYCL_MAX_AFS];
} TINYCL_GLOBALS;

static TINYCL_GLOBALS TinyClGlobals;
static WCHAR TinyClProtocolName[] = u"TinyClient";
static NDIS_MEDIUM TinyClMedia[] = {NdisMediumAtm, NdisMediumCoWan};

DRIVER_INITIALIZE DriverEntry;

/* UNREFERENCED_PARAMETER for a handler's whole parameter list. */
static inline VOID TinyClUnused(int Count, ...) { UNREFERENCED_PARAMETER(Count); }
#define TINYCL_UNUSED(...) TinyClUnused(0, __VA_ARGS__)

static VOID TinyClRunBinding(PTINYCL_BINDING Binding);

/* ---- Context tables ---- */

static PTINYCL_BINDING TinyClAllocateBinding(VOID) {
  PTINYCL_BINDING Binding = NULL;
  UINT i;

  NdisAcquireSpinLock(&TinyClGlobals.Lock);
  for (i = 0; i < TINYCL_MAX_BINDINGS; i++) {
    if (TinyClGlobals.Bindings[i].State == TinyClBindingFree) {
      Binding = &TinyClGlobals.Bindings[i];
      NdisZeroMemory(Binding, sizeof(*Binding));
      Binding->State = TinyClBindingOpening;
      break;
    }
  }
  NdisReleaseSpinLock(&TinyClGlobals.Lock);
  return Binding;
}

static PTINYCL_AF TinyClAllocateAf(PTINYCL_BINDING Binding) {
  PTINYCL_AF Af = NULL;
  UINT i;

  NdisAcquireSpinLock(&TinyClGlobals.Lock);
  for (i = 0; i < TINYCL_MAX_AFS; i++) {
    if (TinyClGlobals.Afs[i].State == TinyClAfFree) {
      Af = &TinyClGlobals.Afs[i];
      NdisZeroMemory(Af, sizeof(*Af));
      Af->State = TinyClAfOpening;
      Af->Binding = Binding;
      break;
    }
  }
  NdisReleaseSpinLock(&TinyClGlobals.Lock);
  return Af;
}

/* Returns a binding or AF context to its table (State 0 is "free"). */
static VOID TinyClFreeContext(PVOID Context, UINT Length) {
  NdisAcquireSpinLock(&TinyClGlobals.Lock);
  NdisZeroMemory(Context, Length);
  NdisReleaseSpinLock(&TinyClGlobals.Lock);
}
#define TinyClFreeBinding(Binding) TinyClFreeContext((Binding), sizeof(TINYCL_BINDING))
#define TinyClFreeAf(Af) TinyClFreeContext((Af), sizeof(TINYCL_AF)) /* drops NdisAfHandle */

/* Maps a context NDIS hands back to one of ours; NULL for anything else. */
static PTINYCL_BINDING TinyClBindingFromContext(NDIS_HANDLE Context) {
  UINT i;

  for (i = 0; i < TINYCL_MAX_BINDINGS; i++) {
    PTINYCL_BINDING Binding = &TinyClGlobals.Bindings[i];
    if (Context == Binding && Binding->State != TinyClBindingFree) return Binding;
  }
  return NULL;
}

static PTINYCL_AF TinyClAfFromContext(NDIS_HANDLE Context) {
  UINT i;

  for (i = 0; i < TINYCL_MAX_AFS; i++) {
    PTINYCL_AF Af = &TinyClGlobals.Afs[i];
    if (Context == Af && Af->State != TinyClAfFree) return Af;
  }
  return NULL;
}

/* The first AF of the binding in State (with CloseRequested set, if asked). */
static PTINYCL_AF TinyClFindAf(PTINYCL_BINDING Binding, TINYCL_AF_STATE State,
                               BOOLEAN CloseRequestedOnly) {
  UINT i;

  for (i = 0; i < TINYCL_MAX_AFS; i++) {
    PTINYCL_AF Af = &TinyClGlobals.Afs[i];
    if (Af->State == State && Af->Binding == Binding &&
        (!CloseRequestedOnly || Af->CloseRequested)) {
      return Af;
    }
  }
  return NULL;
}

/* ---- Address family open and close ---- */

/* Runs once the open is over, whether NDIS completed it or it did not pend. */
static VOID TinyClOpenAfDone(PTINYCL_AF Af, NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle) {
  if (Af->State != TinyClAfOpening) return;
  if (Status != NDIS_STATUS_SUCCESS) {
    /* NDIS has released the AF; so do we. */
    TinyClFreeAf(Af);
    return;
  }
  Af->NdisAfHandle = NdisAfHandle;
  Af->State = TinyClAfOpen;
  if (Af->Binding->State != TinyClBindingBound) Af->CloseRequested = TRUE;
}

static VOID TinyClOpenAf(PTINYCL_BINDING Binding, const CO_ADDRESS_FAMILY* Family) {
  NDIS_HANDLE NdisAfHandle = NULL;
  NDIS_STATUS Status;
  PTINYCL_AF Af;

  Af = TinyClAllocateAf(Binding);
  if (Af == NULL) return; /* table full: leave this AF unopened */
  Af->AddressFamily = *Family;

  Status =
      NdisClOpenAddressFamilyEx(Binding->NdisBindingHandle, &Af->AddressFamily, Af, &NdisAfHandle);
  /* Unless it pended, NDIS will not call ProtocolClOpenAfCompleteEx. */
  if (Status != NDIS_STATUS_PENDING) TinyClOpenAfDone(Af, Status, NdisAfHandle);
}

/*
 * Runs once the close is over, whether NDIS completed it or it did not
 * pend. A refused close leaves the AF open. The context is released here
 * unless a notify-close still on the stack will report the result.
 */
static VOID TinyClCloseAfDone(PTINYCL_AF Af, NDIS_STATUS Status) {
  PTINYCL_BINDING Binding = Af->Binding;

  if (Af->State != TinyClAfClosing) return;
  Af->CloseStatus = Status;
  Af->State = (Status == NDIS_STATUS_SUCCESS) ? TinyClAfClosed : TinyClAfOpen;

  if (Af->NotifyPending && !Af->InNotify) {
    /* The handle may still be named here, for this completion only. */
    Af->NotifyPending = FALSE;
    NdisClNotifyCloseAddressFamilyComplete(Af->NdisAfHandle, Status);
  }
  if (Af->State == TinyClAfClosed && !Af->InNotify) TinyClFreeAf(Af);
  TinyClRunBinding(Binding);
}

static VOID TinyClCloseAf(PTINYCL_AF Af) {
  NDIS_STATUS Status;

  Af->CloseRequested = FALSE;
  Af->State = TinyClAfClosing;
  Status = NdisClCloseAddressFamily(Af->NdisAfHandle);
  /* Unless it pended, NDIS will not call ProtocolClCloseAfComplete. */
  if (Status != NDIS_STATUS_PENDING) TinyClCloseAfDone(Af, Status);
}

/* ---- Binding state machine ---- */

static VOID TinyClFinishUnbind(PTINYCL_BINDING Binding) {
  NDIS_HANDLE UnbindContext = Binding->UnbindContext;
  PTINYCL_AF Af;

  Binding->State = TinyClBindingClosed;
  /* An AF whose close was refused is gone with the adapter. */
  while ((Af = TinyClFindAf(Binding, TinyClAfOpen, FALSE)) != NULL) TinyClFreeAf(Af);
  if (Binding->InUnbindHandler) return; /* TinyClUnbindAdapter returns SUCCESS */
  TinyClFreeBinding(Binding);
  NdisCompleteUnbindAdapterEx(UnbindContext);
}

static VOID TinyClCloseAdapter(PTINYCL_BINDING Binding) {
  NDIS_HANDLE NdisBindingHandle = Binding->NdisBindingHandle;
  NDIS_STATUS Status;

  Binding->State = TinyClBindingClosing;
  Binding->NdisBindingHandle = NULL; /* invalid from here on */
  Status = NdisCloseAdapterEx(NdisBindingHandle);
  if (Status != NDIS_STATUS_PENDING) TinyClFinishUnbind(Binding);
}

/*
 * Does whatever the binding is ready for: nothing while an AF open on it
 * is pending; otherwise closes the AFs due to close, then either closes
 * the adapter (unbinding, once every AF close has finished) or opens the
 * AFs offered while an open was pending. Safe to call re-entrantly.
 */
static VOID TinyClRunBinding(PTINYCL_BINDING Binding) {
  CO_ADDRESS_FAMILY Family;
  PTINYCL_AF Af;
  UINT i;

  if (Binding->Running) {
    Binding->RunAgain = TRUE;
    return;
  }
  Binding->Running = TRUE;
  do {
    Binding->RunAgain = FALSE;
    if (TinyClFindAf(Binding, TinyClAfOpening, FALSE) != NULL) break;

    Af = TinyClFindAf(Binding, TinyClAfOpen, TRUE);
    if (Af != NULL) {
      TinyClCloseAf(Af);
      Binding->RunAgain = TRUE;
      continue;
    }
    if (Binding->State == TinyClBindingUnbinding) {
      if (TinyClFindAf(Binding, TinyClAfClosing, FALSE) == NULL) TinyClCloseAdapter(Binding);
      break;
    }
    if (Binding->State == TinyClBindingBound && Binding->OfferCount > 0) {
      Family = Binding->Offers[0];
      Binding->OfferCount--;
      for (i = 0; i < Binding->OfferCount; i++) Binding->Offers[i] = Binding->Offers[i + 1];
      TinyClOpenAf(Binding, &Family);
      Binding->RunAgain = TRUE;
    }
  } while (Binding->RunAgain);
  Binding->Running = FALSE;
}

/* ---- Protocol driver entry points ---- */

static NDIS_STATUS TinyClBindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                                     PNDIS_BIND_PARAMETERS BindParameters) {
  NDIS_OPEN_PARAMETERS OpenParameters;
  PTINYCL_BINDING Binding;
  NDIS_STATUS Status;

  UNREFERENCED_PARAMETER(ProtocolDriverContext);

  Binding = TinyClAllocateBinding();
  if (Binding == NULL) return NDIS_STATUS_RESOURCES;
  Binding->BindContext = BindContext;

  NdisZeroMemory(&OpenParameters, sizeof(OpenParameters));
  OpenParameters.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
  OpenParameters.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
  OpenParameters.Header.Size = (USHORT)NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
  OpenParameters.AdapterName = BindParameters != NULL ? BindParameters->AdapterName : NULL;
  OpenParameters.MediumArray = TinyClMedia;
  OpenParameters.MediumArraySize = sizeof(TinyClMedia) / sizeof(TinyClMedia[0]);
  OpenParameters.SelectedMediumIndex = &Binding->SelectedMediumIndex;

  Status = NdisOpenAdapterEx(TinyClGlobals.NdisProtocolHandle, Binding, &OpenParameters,
                             BindContext, &Binding->NdisBindingHandle);
  if (Status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* TinyClOpenAdapterComplete */
  if (Status == NDIS_STATUS_SUCCESS) {
    Binding->State = TinyClBindingBound;
  } else {
    TinyClFreeBinding(Binding);
  }
  return Status;
}

static VOID TinyClOpenAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status) {
  PTINYCL_BINDING Binding = TinyClBindingFromContext(ProtocolBindingContext);
  NDIS_HANDLE BindContext;

  if (Binding == NULL || Binding->State != TinyClBindingOpening) return;
  BindContext = Binding->BindContext;
  if (Status == NDIS_STATUS_SUCCESS) {
    Binding->State = TinyClBindingBound;
  } else {
    TinyClFreeBinding(Binding);
  }
  NdisCompleteBindAdapterEx(BindContext, Status);
}

static NDIS_STATUS TinyClUnbindAdapter(NDIS_HANDLE UnbindContext,
                                       NDIS_HANDLE ProtocolBindingContext) {
  PTINYCL_BINDING Binding = TinyClBindingFromContext(ProtocolBindingContext);
  UINT i;

  if (Binding == NULL || Binding->State != TinyClBindingBound) return NDIS_STATUS_SUCCESS;
  Binding->UnbindContext = UnbindContext;
  Binding->State = TinyClBindingUnbinding;
  Binding->OfferCount = 0; /* offered but never opened: nothing to close */
  Binding->InUnbindHandler = TRUE;

  /* Every AF on the adapter is closed before the adapter is. */
  for (i = 0; i < TINYCL_MAX_AFS; i++) {
    PTINYCL_AF Af = &TinyClGlobals.Afs[i];
    if (Af->Binding == Binding && (Af->State == TinyClAfOpen || Af->State == TinyClAfOpening)) {
      Af->CloseRequested = TRUE;
    }
  }
  TinyClRunBinding(Binding);

  Binding->InUnbindHandler = FALSE;
  if (Binding->State != TinyClBindingClosed) return NDIS_STATUS_PENDING; /* completed later */
  TinyClFreeBinding(Binding);
  return NDIS_STATUS_SUCCESS;
}

static VOID TinyClCloseAdapterComplete(NDIS_HANDLE ProtocolBindingContext) {
  PTINYCL_BINDING Binding = TinyClBindingFromContext(ProtocolBindingContext);

  if (Binding != NULL && Binding->State == TinyClBindingClosing) TinyClFinishUnbind(Binding);
}

static NDIS_STATUS TinyClPnPEvent(NDIS_HANDLE ProtocolBindingContext,
                                  PVOID NetPnPEventNotification) {
  TINYCL_UNUSED(ProtocolBindingContext, NetPnPEventNotification);
  return NDIS_STATUS_SUCCESS;
}

static VOID TinyClUninstall(VOID) {}

static VOID TinyClOidRequestComplete(NDIS_HANDLE ProtocolBindingContext, PVOID OidRequest,
                                     NDIS_STATUS Status) {
  /* TinyClient issues no OID requests. */
  TINYCL_UNUSED(ProtocolBindingContext, OidRequest, Status);
}

static VOID TinyClStatus(NDIS_HANDLE ProtocolBindingContext, PVOID StatusIndication) {
  TINYCL_UNUSED(ProtocolBindingContext, StatusIndication);
}

static VOID TinyClReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, PVOID NetBufferLists,
                                        ULONG PortNumber, ULONG NumberOfNetBufferLists,
                                        ULONG ReceiveFlags) {
  TINYCL_UNUSED(ProtocolBindingContext, NetBufferLists, PortNumber, NumberOfNetBufferLists,
                ReceiveFlags);
}

static VOID TinyClSendNetBufferListsComplete(NDIS_HANDLE ProtocolBindingContext,
                                             PVOID NetBufferList, ULONG SendCompleteFlags) {
  TINYCL_UNUSED(ProtocolBindingContext, NetBufferList, SendCompleteFlags);
}

/* ---- CoNDIS entry points ---- */

static VOID TinyClCoAfRegisterNotify(NDIS_HANDLE ProtocolBindingContext,
                                     PCO_ADDRESS_FAMILY AddressFamily) {
  PTINYCL_BINDING Binding = TinyClBindingFromContext(ProtocolBindingContext);

  if (Binding == NULL || AddressFamily == NULL || Binding->State != TinyClBindingBound) return;
  /* Q.2931 is the only signalling TinyClient speaks; others are left alone. */
  if (AddressFamily->AddressFamily != CO_ADDRESS_FAMILY_Q2931) return;

  /* With an open pending on this binding, this one waits for its completion. */
  if (TinyClFindAf(Binding, TinyClAfOpening, FALSE) != NULL) {
    if (Binding->OfferCount < TINYCL_MAX_OFFERS) {
      Binding->Offers[Binding->OfferCount++] = *AddressFamily;
    }
    return;
  }
  TinyClOpenAf(Binding, AddressFamily);
  TinyClRunBinding(Binding);
}

static VOID TinyClClOpenAfComplete(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE NdisAfHandle,
                                   NDIS_STATUS Status) {
  PTINYCL_AF Af = TinyClAfFromContext(ProtocolAfContext);
  PTINYCL_BINDING Binding;

  if (Af == NULL || Af->State != TinyClAfOpening) return;
  Binding = Af->Binding;
  TinyClOpenAfDone(Af, Status, NdisAfHandle);
  TinyClRunBinding(Binding);
}

static VOID TinyClClCloseAfComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolAfContext) {
  PTINYCL_AF Af = TinyClAfFromContext(ProtocolAfContext);

  if (Af != NULL) TinyClCloseAfDone(Af, Status);
}

/*
 * The call manager wants the AF back (its binding is going away). Close
 * it now if we can; if the close pends, or must wait for an open on the
 * binding, the notify-close pends and TinyClCloseAfDone completes it.
 */
static NDIS_STATUS TinyClClNotifyCloseAf(NDIS_HANDLE ProtocolAfContext) {
  PTINYCL_AF Af = TinyClAfFromContext(ProtocolAfContext);
  NDIS_STATUS Status;

  if (Af == NULL) return NDIS_STATUS_FAILURE;
  switch (Af->State) {
    case TinyClAfOpening: /* completed at the CM, not yet here */
      Af->CloseRequested = TRUE;
      Af->NotifyPending = TRUE;
      return NDIS_STATUS_PENDING;
    case TinyClAfClosing: /* already closing: report when it is done */
      Af->NotifyPending = TRUE;
      return NDIS_STATUS_PENDING;
    case TinyClAfOpen:
      break;
    default:
      return NDIS_STATUS_FAILURE;
  }

  Af->NotifyPending = TRUE;
  if (TinyClFindAf(Af->Binding, TinyClAfOpening, FALSE) != NULL) {
    Af->CloseRequested = TRUE;
    return NDIS_STATUS_PENDING;
  }
  Af->InNotify = TRUE;
  TinyClCloseAf(Af);
  Af->InNotify = FALSE;
  if (Af->State == TinyClAfClosing) return NDIS_STATUS_PENDING;

  /* The close finished while we were here: its status is our answer. */
  Af->NotifyPending = FALSE;
  Status = Af->CloseStatus;
  if (Af->State == TinyClAfClosed) TinyClFreeAf(Af);
  return Status;
}

/* TinyClient neither places nor accepts calls, so it takes no VCs. */
static NDIS_STATUS TinyClCoCreateVc(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE NdisVcHandle,
                                    PNDIS_HANDLE ProtocolVcContext) {
  TINYCL_UNUSED(ProtocolAfContext, NdisVcHandle);
  if (ProtocolVcContext != NULL) *ProtocolVcContext = NULL;
  return NDIS_STATUS_NOT_SUPPORTED;
}

static NDIS_STATUS TinyClCoDeleteVc(NDIS_HANDLE ProtocolVcContext) {
  UNREFERENCED_PARAMETER(ProtocolVcContext);
  return NDIS_STATUS_SUCCESS; /* nothing was ever allocated for one */
}

static NDIS_STATUS TinyClClIncomingCall(NDIS_HANDLE ProtocolSapContext,
                                        NDIS_HANDLE ProtocolVcContext,
                                        PCO_CALL_PARAMETERS CallParameters) {
  /* No SAP is registered, so no call is for us: reject it. */
  TINYCL_UNUSED(ProtocolSapContext, ProtocolVcContext, CallParameters);
  return NDIS_STATUS_FAILURE;
}

static NDIS_STATUS TinyClCoOidRequest(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                                      NDIS_HANDLE ProtocolPartyContext,
                                      PNDIS_OID_REQUEST OidRequest) {
  TINYCL_UNUSED(ProtocolAfContext, ProtocolVcContext, ProtocolPartyContext, OidRequest);
  return NDIS_STATUS_NOT_SUPPORTED;
}

/* ---- Handlers for requests TinyClient never makes ---- */

static VOID TinyClCoOidRequestComplete(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                                       NDIS_HANDLE ProtocolPartyContext,
                                       PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status) {
  TINYCL_UNUSED(ProtocolAfContext, ProtocolVcContext, ProtocolPartyContext, OidRequest, Status);
}

static VOID TinyClClRegisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolSapContext,
                                        PCO_SAP Sap, NDIS_HANDLE NdisSapHandle) {
  TINYCL_UNUSED(Status, ProtocolSapContext, Sap, NdisSapHandle);
}

static VOID TinyClClDeregisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolSapContext) {
  TINYCL_UNUSED(Status, ProtocolSapContext);
}

static VOID TinyClClMakeCallComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolVcContext,
                                     NDIS_HANDLE NdisPartyHandle,
                                     PCO_CALL_PARAMETERS CallParameters) {
  TINYCL_UNUSED(Status, ProtocolVcContext, NdisPartyHandle, CallParameters);
}

static VOID TinyClClModifyCallQoSComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolVcContext,
                                          PCO_CALL_PARAMETERS CallParameters) {
  TINYCL_UNUSED(Status, ProtocolVcContext, CallParameters);
}

static VOID TinyClClCloseCallComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolVcContext,
                                      NDIS_HANDLE ProtocolPartyContext) {
  TINYCL_UNUSED(Status, ProtocolVcContext, ProtocolPartyContext);
}

static VOID TinyClClAddPartyComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolPartyContext,
                                     NDIS_HANDLE NdisPartyHandle,
                                     PCO_CALL_PARAMETERS CallParameters) {
  TINYCL_UNUSED(Status, ProtocolPartyContext, NdisPartyHandle, CallParameters);
}

static VOID TinyClClDropPartyComplete(NDIS_STATUS Status, NDIS_HANDLE ProtocolPartyContext) {
  TINYCL_UNUSED(Status, ProtocolPartyContext);
}

static VOID TinyClClIncomingCallQoSChange(NDIS_HANDLE ProtocolVcContext,
                                          PCO_CALL_PARAMETERS CallParameters) {
  TINYCL_UNUSED(ProtocolVcContext, CallParameters);
}

static VOID TinyClClIncomingCloseCall(NDIS_STATUS CloseStatus, NDIS_HANDLE ProtocolVcContext,
                                      PVOID CloseData, UINT Size) {
  TINYCL_UNUSED(CloseStatus, ProtocolVcContext, CloseData, Size);
}

static VOID TinyClClIncomingDropParty(NDIS_STATUS DropStatus, NDIS_HANDLE ProtocolPartyContext,
                                      PVOID CloseData, UINT Size) {
  TINYCL_UNUSED(DropStatus, ProtocolPartyContext, CloseData, Size);
}

static VOID TinyClClCallConnected(NDIS_HANDLE ProtocolVcContext) {
  UNREFERENCED_PARAMETER(ProtocolVcContext);
}

static VOID TinyClCoStatus(NDIS_HANDLE ProtocolBindingContext, NDIS_HANDLE ProtocolVcContext,
                           PVOID StatusIndication) {
  TINYCL_UNUSED(ProtocolBindingContext, ProtocolVcContext, StatusIndication);
}

static VOID TinyClCoReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext,
                                          NDIS_HANDLE ProtocolVcContext,
                                          PNET_BUFFER_LIST NetBufferLists,
                                          ULONG NumberOfNetBufferLists, ULONG ReceiveFlags) {
  TINYCL_UNUSED(ProtocolBindingContext, ProtocolVcContext, NetBufferLists, NumberOfNetBufferLists,
                ReceiveFlags);
}

static VOID TinyClCoSendNetBufferListsComplete(NDIS_HANDLE ProtocolVcContext,
                                               PNET_BUFFER_LIST NetBufferLists,
                                               ULONG SendCompleteFlags) {
  TINYCL_UNUSED(ProtocolVcContext, NetBufferLists, SendCompleteFlags);
}

/* ---- Registration ---- */

static NDIS_STATUS TinyClSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext) {
  NDIS_PROTOCOL_CO_CHARACTERISTICS CoCharacteristics;
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS ClHandlers;
  NDIS_STATUS Status;

  UNREFERENCED_PARAMETER(DriverContext);

  NdisZeroMemory(&CoCharacteristics, sizeof(CoCharacteristics));
  CoCharacteristics.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS;
  CoCharacteristics.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  CoCharacteristics.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  CoCharacteristics.CoStatusHandlerEx = TinyClCoStatus;
  CoCharacteristics.CoAfRegisterNotifyHandler = TinyClCoAfRegisterNotify;
  CoCharacteristics.CoReceiveNetBufferListsHandler = TinyClCoReceiveNetBufferLists;
  CoCharacteristics.CoSendNetBufferListsCompleteHandler = TinyClCoSendNetBufferListsComplete;
  Status =
      NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&CoCharacteristics);
  if (Status != NDIS_STATUS_SUCCESS) return Status;

  /* Every member, including those for features TinyClient does not use. */
  NdisZeroMemory(&ClHandlers, sizeof(ClHandlers));
  ClHandlers.Header.Type = NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS;
  ClHandlers.Header.Revision = NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
  ClHandlers.Header.Size = NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
  ClHandlers.ClCreateVcHandler = TinyClCoCreateVc;
  ClHandlers.ClDeleteVcHandler = TinyClCoDeleteVc;
  ClHandlers.ClOidRequestHandler = TinyClCoOidRequest;
  ClHandlers.ClOidRequestCompleteHandler = TinyClCoOidRequestComplete;
  ClHandlers.ClOpenAfCompleteHandlerEx = TinyClClOpenAfComplete;
  ClHandlers.ClCloseAfCompleteHandler = TinyClClCloseAfComplete;
  ClHandlers.ClRegisterSapCompleteHandler = TinyClClRegisterSapComplete;
  ClHandlers.ClDeregisterSapCompleteHandler = TinyClClDeregisterSapComplete;
  ClHandlers.ClMakeCallCompleteHandler = TinyClClMakeCallComplete;
  ClHandlers.ClModifyCallQoSCompleteHandler = TinyClClModifyCallQoSComplete;
  ClHandlers.ClCloseCallCompleteHandler = TinyClClCloseCallComplete;
  ClHandlers.ClAddPartyCompleteHandler = TinyClClAddPartyComplete;
  ClHandlers.ClDropPartyCompleteHandler = TinyClClDropPartyComplete;
  ClHandlers.ClIncomingCallHandler = TinyClClIncomingCall;
  ClHandlers.ClIncomingCallQoSChangeHandler = TinyClClIncomingCallQoSChange;
  ClHandlers.ClIncomingCloseCallHandler = TinyClClIncomingCloseCall;
  ClHandlers.ClIncomingDropPartyHandler = TinyClClIncomingDropParty;
  ClHandlers.ClCallConnectedHandler = TinyClClCallConnected;
  ClHandlers.ClNotifyCloseAfHandler = TinyClClNotifyCloseAf;
  return NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&ClHandlers);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Characteristics;
  NDIS_STATUS Status;

  TINYCL_UNUSED(DriverObject, RegistryPath);

  NdisZeroMemory(&TinyClGlobals, sizeof(TinyClGlobals));
  NdisAllocateSpinLock(&TinyClGlobals.Lock);

  NdisZeroMemory(&Characteristics, sizeof(Characteristics));
  Characteristics.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
  Characteristics.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  Characteristics.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  Characteristics.MajorNdisVersion = TINYCL_NDIS_MAJOR_VERSION;
  Characteristics.MinorNdisVersion = TINYCL_NDIS_MINOR_VERSION;
  Characteristics.MajorDriverVersion = TINYCL_DRIVER_MAJOR_VERSION;
  Characteristics.MinorDriverVersion = TINYCL_DRIVER_MINOR_VERSION;
  Characteristics.Name.Buffer = TinyClProtocolName;
  Characteristics.Name.Length = (USHORT)(sizeof(TinyClProtocolName) - sizeof(WCHAR));
  Characteristics.Name.MaximumLength = (USHORT)sizeof(TinyClProtocolName);
  Characteristics.SetOptionsHandler = TinyClSetOptions;
  Characteristics.BindAdapterHandlerEx = TinyClBindAdapter;
  Characteristics.UnbindAdapterHandlerEx = TinyClUnbindAdapter;
  Characteristics.OpenAdapterCompleteHandlerEx = TinyClOpenAdapterComplete;
  Characteristics.CloseAdapterCompleteHandlerEx = TinyClCloseAdapterComplete;
  Characteristics.NetPnPEventHandler = TinyClPnPEvent;
  Characteristics.UninstallHandler = TinyClUninstall;
  Characteristics.OidRequestCompleteHandler = TinyClOidRequestComplete;
  Characteristics.StatusHandlerEx = TinyClStatus;
  Characteristics.ReceiveNetBufferListsHandler = TinyClReceiveNetBufferLists;
  Characteristics.SendNetBufferListsCompleteHandler = TinyClSendNetBufferListsComplete;

  Status = NdisRegisterProtocolDriver(&TinyClGlobals, &Characteristics,
                                      &TinyClGlobals.NdisProtocolHandle);
  if (Status != NDIS_STATUS_SUCCESS) NdisFreeSpinLock(&TinyClGlobals.Lock);
  return (NTSTATUS)Status;
}
