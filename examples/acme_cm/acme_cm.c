/*
 * acme_cm.c - AcmeCM, the Acme Networks ATM signalling call manager.
 *
 * Copyright (c) Acme Networks, Inc. All rights reserved.
 *
 * AcmeCM is an NDIS 6 stand-alone CoNDIS call manager. It binds to Acme
 * ATM adapters (and to the CoWAN / WAN adapters of the AcmeLink line),
 * registers the Q.2931 address family on every binding and runs UNI
 * signalling with the switch for the CoNDIS clients above it: address
 * family associations, ILMI address (SAP) registration and point-to-point
 * calls. Exchanges with the switch that take time are finished from NDIS
 * I/O work items, at PASSIVE_LEVEL.
 *
 * Lifetime: a binding holds one reference for being bound and one per AF
 * context; an AF holds one for the client's open, one per SAP and VC, and
 * one while a notify-close is outstanding. Contexts are freed when their
 * last reference goes.
 */
#include "acme_cm.h"

ACME_GLOBALS AcmeGlobals;
NDIS_MEDIUM AcmeSupportedMedia[ACME_MEDIA_COUNT] = {NdisMediumAtm, NdisMediumCoWan, NdisMediumWan};
WCHAR AcmeProtocolName[] = u"AcmeCM";

DRIVER_INITIALIZE DriverEntry;

static VOID AcmeCompleteCloseAf(PACME_AF Af);

/* ---- Memory, references and work items ---- */

PVOID AcmeAllocateMemory(UINT Length) {
  PVOID Memory = NdisAllocateMemoryWithTagPriority(AcmeGlobals.NdisProtocolHandle, Length,
                                                   ACME_POOL_TAG, NormalPoolPriority);
  if (Memory != NULL) NdisZeroMemory(Memory, Length);
  return Memory;
}

VOID AcmeFreeMemory(PVOID Memory) {
  NdisFreeMemoryWithTagPriority(AcmeGlobals.NdisProtocolHandle, Memory, ACME_POOL_TAG);
}

VOID AcmeReferenceBinding(PACME_BINDING Binding) {
  NdisAcquireSpinLock(&Binding->Lock);
  Binding->RefCount++;
  NdisReleaseSpinLock(&Binding->Lock);
}

VOID AcmeDereferenceBinding(PACME_BINDING Binding) {
  ULONG RefCount;

  NdisAcquireSpinLock(&Binding->Lock);
  RefCount = --Binding->RefCount;
  NdisReleaseSpinLock(&Binding->Lock);
  if (RefCount == 0) {
    NdisFreeSpinLock(&Binding->Lock);
    AcmeFreeMemory(Binding);
  }
}

VOID AcmeDereferenceAf(PACME_AF Af) {
  PACME_BINDING Binding = Af->Binding;
  PACME_AF* Link;
  ULONG RefCount;

  NdisAcquireSpinLock(&Binding->Lock);
  RefCount = --Af->RefCount;
  if (RefCount == 0) {
    for (Link = &Binding->AfList; *Link != NULL; Link = &(*Link)->Next) {
      if (*Link == Af) {
        *Link = Af->Next;
        break;
      }
    }
  }
  NdisReleaseSpinLock(&Binding->Lock);
  if (RefCount == 0) {
    AcmeFreeMemory(Af);
    AcmeDereferenceBinding(Binding);
  }
}

/*
 * Runs Routine(Context) from an NDIS I/O work item allocated on the
 * binding. The routine frees its work item. Returns FALSE when no work
 * item could be had, or the adapter is already closed.
 */
BOOLEAN AcmeQueueWorkItem(PACME_BINDING Binding, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID Context) {
  NDIS_HANDLE WorkItem;

  if (Binding->NdisBindingHandle == NULL) return FALSE;
  WorkItem = NdisAllocateIoWorkItem(Binding->NdisBindingHandle);
  if (WorkItem == NULL) return FALSE;
  NdisQueueIoWorkItem(WorkItem, Routine, Context);
  return TRUE;
}

/* ---- Driver entry and registration ---- */

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Characteristics;
  NDIS_STATUS Status;

  UNREFERENCED_PARAMETER(RegistryPath);

  NdisZeroMemory(&AcmeGlobals, sizeof(AcmeGlobals));
  AcmeGlobals.DriverObject = DriverObject;
  AcmeGlobals.NextVci = ACME_FIRST_USER_VCI;

  NdisZeroMemory(&Characteristics, sizeof(Characteristics));
  Characteristics.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
  Characteristics.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  Characteristics.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
  Characteristics.MajorNdisVersion = ACME_NDIS_MAJOR_VERSION;
  Characteristics.MinorNdisVersion = ACME_NDIS_MINOR_VERSION;
  Characteristics.MajorDriverVersion = ACME_DRIVER_MAJOR_VERSION;
  Characteristics.MinorDriverVersion = ACME_DRIVER_MINOR_VERSION;
  Characteristics.Name.Buffer = AcmeProtocolName;
  Characteristics.Name.Length = (USHORT)(sizeof(AcmeProtocolName) - sizeof(WCHAR));
  Characteristics.Name.MaximumLength = (USHORT)sizeof(AcmeProtocolName);
  Characteristics.SetOptionsHandler = AcmeSetOptions;
  Characteristics.BindAdapterHandlerEx = AcmeBindAdapter;
  Characteristics.UnbindAdapterHandlerEx = AcmeUnbindAdapter;
  Characteristics.OpenAdapterCompleteHandlerEx = AcmeOpenAdapterComplete;
  Characteristics.CloseAdapterCompleteHandlerEx = AcmeCloseAdapterComplete;
  Characteristics.NetPnPEventHandler = AcmePnPEvent;
  Characteristics.UninstallHandler = AcmeUninstall;
  Characteristics.OidRequestCompleteHandler = AcmeOidRequestComplete;
  Characteristics.StatusHandlerEx = AcmeStatus;
  Characteristics.ReceiveNetBufferListsHandler = AcmeReceiveNetBufferLists;
  Characteristics.SendNetBufferListsCompleteHandler = AcmeSendNetBufferListsComplete;

  Status =
      NdisRegisterProtocolDriver(&AcmeGlobals, &Characteristics, &AcmeGlobals.NdisProtocolHandle);
  return (NTSTATUS)Status;
}

NDIS_STATUS AcmeSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext) {
  NDIS_PROTOCOL_CO_CHARACTERISTICS CoCharacteristics;
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS CmHandlers;
  NDIS_STATUS Status;

  UNREFERENCED_PARAMETER(DriverContext);

  NdisZeroMemory(&CoCharacteristics, sizeof(CoCharacteristics));
  CoCharacteristics.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS;
  CoCharacteristics.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  CoCharacteristics.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1;
  CoCharacteristics.CoStatusHandlerEx = AcmeCoStatus;
  CoCharacteristics.CoAfRegisterNotifyHandler = AcmeCoAfRegisterNotify;
  CoCharacteristics.CoReceiveNetBufferListsHandler = AcmeCoReceiveNetBufferLists;
  CoCharacteristics.CoSendNetBufferListsCompleteHandler = AcmeCoSendNetBufferListsComplete;
  Status =
      NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&CoCharacteristics);
  if (Status != NDIS_STATUS_SUCCESS) return Status;

  /* The whole structure, so that NDIS sees CmNotifyCloseAfCompleteHandler. */
  NdisZeroMemory(&CmHandlers, sizeof(CmHandlers));
  CmHandlers.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS;
  CmHandlers.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
  CmHandlers.Header.Size = (USHORT)sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
  CmHandlers.CmCreateVcHandler = AcmeCoCreateVc;
  CmHandlers.CmDeleteVcHandler = AcmeCoDeleteVc;
  CmHandlers.CmOpenAfHandler = AcmeCmOpenAf;
  CmHandlers.CmCloseAfHandler = AcmeCmCloseAf;
  CmHandlers.CmRegisterSapHandler = AcmeCmRegisterSap;
  CmHandlers.CmDeregisterSapHandler = AcmeCmDeregisterSap;
  CmHandlers.CmMakeCallHandler = AcmeCmMakeCall;
  CmHandlers.CmCloseCallHandler = AcmeCmCloseCall;
  CmHandlers.CmIncomingCallCompleteHandler = AcmeCmIncomingCallComplete;
  CmHandlers.CmAddPartyHandler = AcmeCmAddParty;
  CmHandlers.CmDropPartyHandler = AcmeCmDropParty;
  CmHandlers.CmActivateVcCompleteHandler = AcmeCmActivateVcComplete;
  CmHandlers.CmDeactivateVcCompleteHandler = AcmeCmDeactivateVcComplete;
  CmHandlers.CmModifyCallQoSHandler = AcmeCmModifyCallQoS;
  CmHandlers.CmOidRequestHandler = AcmeCmOidRequest;
  CmHandlers.CmOidRequestCompleteHandler = AcmeCmOidRequestComplete;
  CmHandlers.CmNotifyCloseAfCompleteHandler = AcmeCmNotifyCloseAfComplete;
  return NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&CmHandlers);
}

/* ---- Binding and unbinding ---- */

static VOID AcmeFinishBind(PACME_BINDING Binding, NDIS_STATUS Status) {
  CO_ADDRESS_FAMILY AddressFamily;

  if (Status != NDIS_STATUS_SUCCESS) {
    AcmeDereferenceBinding(Binding);
    return;
  }
  Binding->State = AcmeBindingRunning;

  /* Offer UNI signalling to the clients of this adapter. */
  AddressFamily.AddressFamily = ACME_AF_FAMILY;
  AddressFamily.MajorVersion = ACME_AF_MAJOR_VERSION;
  AddressFamily.MinorVersion = ACME_AF_MINOR_VERSION;
  Status = NdisCmRegisterAddressFamilyEx(Binding->NdisBindingHandle, &AddressFamily);
  Binding->AfRegistered = (Status == NDIS_STATUS_SUCCESS);
}

NDIS_STATUS AcmeBindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                            PNDIS_BIND_PARAMETERS BindParameters) {
  PACME_BINDING Binding;
  NDIS_OPEN_PARAMETERS OpenParameters;
  NDIS_STATUS Status;

  UNREFERENCED_PARAMETER(ProtocolDriverContext);

  Binding = AcmeAllocateMemory(sizeof(ACME_BINDING));
  if (Binding == NULL) return NDIS_STATUS_RESOURCES;
  Binding->Signature = ACME_BINDING_SIGNATURE;
  Binding->RefCount = 1; /* dropped when the unbind completes */
  Binding->State = AcmeBindingOpening;
  Binding->BindContext = BindContext;
  NdisAllocateSpinLock(&Binding->Lock);

  NdisZeroMemory(&OpenParameters, sizeof(OpenParameters));
  OpenParameters.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
  OpenParameters.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
  OpenParameters.Header.Size = (USHORT)NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
  OpenParameters.AdapterName = BindParameters != NULL ? BindParameters->AdapterName : NULL;
  OpenParameters.MediumArray = AcmeSupportedMedia;
  OpenParameters.MediumArraySize = ACME_MEDIA_COUNT;
  OpenParameters.SelectedMediumIndex = &Binding->SelectedMediumIndex;

  Status = NdisOpenAdapterEx(AcmeGlobals.NdisProtocolHandle, Binding, &OpenParameters, BindContext,
                             &Binding->NdisBindingHandle);
  if (Status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* AcmeOpenAdapterComplete */
  AcmeFinishBind(Binding, Status);
  return Status;
}

VOID AcmeOpenAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status) {
  PACME_BINDING Binding = (PACME_BINDING)ProtocolBindingContext;
  NDIS_HANDLE BindContext = Binding->BindContext;

  AcmeFinishBind(Binding, Status);
  NdisCompleteBindAdapterEx(BindContext, Status);
}

static VOID AcmeFinishUnbind(PACME_BINDING Binding) {
  Binding->State = AcmeBindingClosed;
  if (!Binding->InUnbindHandler) NdisCompleteUnbindAdapterEx(Binding->UnbindContext);
  AcmeDereferenceBinding(Binding);
}

/*
 * Closes the adapter once nothing on the binding is in flight: no open
 * still being answered, no close still due, and every AF either closed or
 * refused its notify-close (then we wait for its VCs).
 */
VOID AcmeAdvanceUnbind(PACME_BINDING Binding) {
  BOOLEAN Idle = TRUE;
  NDIS_HANDLE NdisBindingHandle;
  NDIS_STATUS Status;
  PACME_AF Af;

  if (Binding->State != AcmeBindingUnbinding) return;

  NdisAcquireSpinLock(&Binding->Lock);
  if (Binding->OpensInProgress != 0) Idle = FALSE;
  for (Af = Binding->AfList; Af != NULL && Idle; Af = Af->Next) {
    switch (Af->State) {
      case AcmeAfOpening:
      case AcmeAfClosing:
        Idle = FALSE;
        break;
      case AcmeAfOpen:
        if (Af->NotifyState != AcmeNotifyDone || Af->VcCount != 0) Idle = FALSE;
        break;
      case AcmeAfClosed:
        if (Af->NotifyState == AcmeNotifyInProgress || Af->NotifyState == AcmeNotifyPending) {
          Idle = FALSE;
        }
        break;
    }
  }
  if (Idle) Binding->State = AcmeBindingClosing;
  NdisReleaseSpinLock(&Binding->Lock);
  if (!Idle) return;

  NdisBindingHandle = Binding->NdisBindingHandle;
  Binding->NdisBindingHandle = NULL;
  Status = NdisCloseAdapterEx(NdisBindingHandle);
  if (Status != NDIS_STATUS_PENDING) AcmeFinishUnbind(Binding);
}

static VOID AcmeUnbindWorker(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PACME_BINDING Binding = (PACME_BINDING)WorkItemContext;

  NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  AcmeAdvanceUnbind(Binding);
  AcmeDereferenceBinding(Binding);
}

/* Lets a waiting unbind re-check the binding once the current handler has returned. */
static VOID AcmeKickUnbind(PACME_BINDING Binding) {
  if (Binding->State != AcmeBindingUnbinding) return;
  AcmeReferenceBinding(Binding);
  if (AcmeQueueWorkItem(Binding, AcmeUnbindWorker, Binding)) return;
  AcmeAdvanceUnbind(Binding);
  AcmeDereferenceBinding(Binding);
}

/* Asks the client of every open AF on the binding to close it. */
static VOID AcmeNotifyCloseAfs(PACME_BINDING Binding) {
  NDIS_STATUS Status;
  PACME_AF Af;

  for (;;) {
    NdisAcquireSpinLock(&Binding->Lock);
    for (Af = Binding->AfList; Af != NULL; Af = Af->Next) {
      if (Af->State == AcmeAfOpen && Af->NotifyState == AcmeNotifyNone) break;
    }
    if (Af != NULL) {
      Af->NotifyState = AcmeNotifyInProgress;
      Af->RefCount += 2; /* one for the notify-close, one for this loop */
    }
    NdisReleaseSpinLock(&Binding->Lock);
    if (Af == NULL) break;

    Status = NdisCmNotifyCloseAddressFamily(Af->NdisAfHandle);
    if (Af->NotifyState == AcmeNotifyInProgress) {
      if (Status == NDIS_STATUS_PENDING) {
        Af->NotifyState = AcmeNotifyPending; /* AcmeCmNotifyCloseAfComplete follows */
      } else {
        Af->NotifyState = AcmeNotifyDone;
        Af->NotifyStatus = Status;
        AcmeDereferenceAf(Af);
      }
    }
    AcmeDereferenceAf(Af);
  }
}

NDIS_STATUS AcmeUnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext) {
  PACME_BINDING Binding = (PACME_BINDING)ProtocolBindingContext;
  NDIS_STATUS Status;

  AcmeReferenceBinding(Binding);
  Binding->UnbindContext = UnbindContext;
  Binding->State = AcmeBindingUnbinding;
  Binding->InUnbindHandler = TRUE;

  AcmeNotifyCloseAfs(Binding);
  AcmeAdvanceUnbind(Binding);

  Binding->InUnbindHandler = FALSE;
  Status = Binding->State == AcmeBindingClosed ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
  AcmeDereferenceBinding(Binding);
  return Status;
}

VOID AcmeCloseAdapterComplete(NDIS_HANDLE ProtocolBindingContext) {
  PACME_BINDING Binding = (PACME_BINDING)ProtocolBindingContext;

  if (Binding->State == AcmeBindingClosing) AcmeFinishUnbind(Binding);
}

/* ---- Address family ---- */

/* Called once an AF is usable by its client. */
VOID AcmeAfOpened(PACME_AF Af) {
  PACME_BINDING Binding = Af->Binding;

  NdisAcquireSpinLock(&Binding->Lock);
  Af->State = AcmeAfOpen;
  Af->Next = Binding->AfList;
  Binding->AfList = Af;
  NdisReleaseSpinLock(&Binding->Lock);
}

static VOID AcmeOpenAfWorker(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PACME_AF Af = (PACME_AF)WorkItemContext;
  PACME_BINDING Binding = Af->Binding;

  NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  AcmeReferenceBinding(Binding);

  /* The switch has accepted the signalling association for this AF. */
  NdisAcquireSpinLock(&Binding->Lock);
  Af->State = AcmeAfOpen;
  Binding->OpensInProgress--;
  NdisReleaseSpinLock(&Binding->Lock);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, Af->NdisAfHandle, Af);

  /* An unbind that started while the switch was answering waits for us. */
  if (Binding->State == AcmeBindingUnbinding) {
    AcmeNotifyCloseAfs(Binding);
    AcmeAdvanceUnbind(Binding);
  }
  AcmeDereferenceBinding(Binding);
}

NDIS_STATUS AcmeCmOpenAf(NDIS_HANDLE CallMgrBindingContext, PCO_ADDRESS_FAMILY AddressFamily,
                         NDIS_HANDLE NdisAfHandle, PNDIS_HANDLE CallMgrAfContext) {
  PACME_BINDING Binding = (PACME_BINDING)CallMgrBindingContext;
  PACME_AF Af;

  if (Binding->State != AcmeBindingRunning || !Binding->AfRegistered) return NDIS_STATUS_FAILURE;
  if (AddressFamily == NULL || AddressFamily->AddressFamily != ACME_AF_FAMILY) {
    return NDIS_STATUS_FAILURE;
  }

  Af = AcmeAllocateMemory(sizeof(ACME_AF));
  if (Af == NULL) return NDIS_STATUS_RESOURCES;
  Af->Signature = ACME_AF_SIGNATURE;
  Af->Binding = Binding;
  Af->RefCount = 1; /* the client's open, dropped when the close completes */
  Af->State = AcmeAfOpening;
  Af->NdisAfHandle = NdisAfHandle;
  Af->AddressFamily = *AddressFamily;
  Af->LastStatus = NDIS_STATUS_SUCCESS;
  AcmeReferenceBinding(Binding);
  *CallMgrAfContext = Af;

  /* Associate with the switch from a work item; the open completes from there. */
  NdisAcquireSpinLock(&Binding->Lock);
  Binding->OpensInProgress++;
  NdisReleaseSpinLock(&Binding->Lock);
  if (AcmeQueueWorkItem(Binding, AcmeOpenAfWorker, Af)) return NDIS_STATUS_PENDING;

  /* No work item: run without the switch association (ILMI will catch up). */
  NdisAcquireSpinLock(&Binding->Lock);
  Binding->OpensInProgress--;
  NdisReleaseSpinLock(&Binding->Lock);
  AcmeAfOpened(Af);
  return NDIS_STATUS_SUCCESS;
}

static VOID AcmeCloseAfWorker(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  AcmeCompleteCloseAf((PACME_AF)WorkItemContext);
}

static VOID AcmeCompleteCloseAf(PACME_AF Af) {
  PACME_BINDING Binding = Af->Binding;
  NDIS_HANDLE NdisAfHandle = Af->NdisAfHandle;
  NDIS_STATUS Status = Af->LastStatus;

  /*
   * The release runs over the AF's own signalling association, so it ends
   * the way the last exchange on it did; if that failed, the AF stays open
   * and the client may close it again.
   */
  Af->LastStatus = NDIS_STATUS_SUCCESS;
  Af->State = Status == NDIS_STATUS_SUCCESS ? AcmeAfClosed : AcmeAfOpen;
  if (Af->State == AcmeAfClosed) Af->NdisAfHandle = NULL;
  NdisCmCloseAddressFamilyComplete(Status, NdisAfHandle);
  AcmeAdvanceUnbind(Binding);
  if (Status == NDIS_STATUS_SUCCESS) AcmeDereferenceAf(Af); /* the client's open */
}

/* A close that waited for the client's SAPs and VCs goes on once they are gone. */
static VOID AcmeMaybeCompleteDeferredClose(PACME_AF Af) {
  PACME_BINDING Binding = Af->Binding;
  BOOLEAN CloseNow = FALSE;

  NdisAcquireSpinLock(&Binding->Lock);
  if (Af->CloseDeferred && Af->SapCount == 0 && Af->VcCount == 0) {
    Af->CloseDeferred = FALSE;
    CloseNow = TRUE;
  }
  NdisReleaseSpinLock(&Binding->Lock);
  if (!CloseNow) return;
  if (!AcmeQueueWorkItem(Binding, AcmeCloseAfWorker, Af)) AcmeCompleteCloseAf(Af);
}

NDIS_STATUS AcmeCmCloseAf(NDIS_HANDLE CallMgrAfContext) {
  PACME_AF Af = (PACME_AF)CallMgrAfContext;
  PACME_BINDING Binding = Af->Binding;
  BOOLEAN Busy;

  if (Af->State != AcmeAfOpen) return NDIS_STATUS_FAILURE;

  NdisAcquireSpinLock(&Binding->Lock);
  Af->State = AcmeAfClosing;
  Busy = Af->SapCount != 0 || Af->VcCount != 0;
  Af->CloseDeferred = Busy;
  NdisReleaseSpinLock(&Binding->Lock);
  if (Busy) return NDIS_STATUS_PENDING; /* AcmeMaybeCompleteDeferredClose */

  /* Release the association at the switch; the close completes from there. */
  if (AcmeQueueWorkItem(Binding, AcmeCloseAfWorker, Af)) return NDIS_STATUS_PENDING;

  /* No work item, or the adapter is already gone: nothing to tell the switch. */
  Af->State = AcmeAfClosed;
  Af->NdisAfHandle = NULL;
  AcmeKickUnbind(Binding);
  AcmeDereferenceAf(Af);
  return NDIS_STATUS_SUCCESS;
}

VOID AcmeCmNotifyCloseAfComplete(NDIS_HANDLE CallMgrAfContext, NDIS_STATUS Status) {
  PACME_AF Af = (PACME_AF)CallMgrAfContext;

  if (Af->NotifyState != AcmeNotifyPending && Af->NotifyState != AcmeNotifyInProgress) return;
  Af->NotifyState = AcmeNotifyDone;
  Af->NotifyStatus = Status;
  AcmeAdvanceUnbind(Af->Binding);
  AcmeDereferenceAf(Af);
}

/* ---- SAPs (ILMI address registration) ---- */

static BOOLEAN AcmeSapRecognised(PCO_SAP Sap) {
  return Sap != NULL && Sap->SapType <= ACME_SAP_TYPE_MAX && Sap->SapLength <= ACME_MAX_SAP_LENGTH;
}

/* Called with the binding lock held. */
static PACME_SAP AcmeFindSap(PACME_BINDING Binding, PCO_SAP Sap) {
  PACME_SAP Entry;

  for (Entry = Binding->SapList; Entry != NULL; Entry = Entry->Next) {
    if (Entry->SapType == Sap->SapType && Entry->SapLength == Sap->SapLength &&
        memcmp(Entry->Address, Sap->Sap, Sap->SapLength) == 0) {
      return Entry;
    }
  }
  return NULL;
}

NDIS_STATUS AcmeCmRegisterSap(NDIS_HANDLE CallMgrAfContext, PCO_SAP Sap, NDIS_HANDLE NdisSapHandle,
                              PNDIS_HANDLE CallMgrSapContext) {
  PACME_AF Af = (PACME_AF)CallMgrAfContext;
  PACME_BINDING Binding = Af->Binding;
  PACME_SAP SapContext;
  NDIS_STATUS Status;

  if (Af->State != AcmeAfOpen) return NDIS_STATUS_FAILURE;

  if (!AcmeSapRecognised(Sap)) {
    Status = NDIS_STATUS_INVALID_DATA;
  } else if ((SapContext = AcmeAllocateMemory(sizeof(ACME_SAP))) == NULL) {
    Status = NDIS_STATUS_RESOURCES;
  } else {
    SapContext->Signature = ACME_SAP_SIGNATURE;
    SapContext->Af = Af;
    SapContext->NdisSapHandle = NdisSapHandle;
    SapContext->SapType = Sap->SapType;
    SapContext->SapLength = Sap->SapLength;
    NdisMoveMemory(SapContext->Address, Sap->Sap, Sap->SapLength);

    /* An address is registered once per port, whichever client asks. */
    NdisAcquireSpinLock(&Binding->Lock);
    if (AcmeFindSap(Binding, Sap) != NULL) {
      Status = NDIS_STATUS_INVALID_DATA;
    } else {
      SapContext->Next = Binding->SapList;
      Binding->SapList = SapContext;
      Af->SapCount++;
      Af->RefCount++;
      Status = NDIS_STATUS_SUCCESS;
    }
    NdisReleaseSpinLock(&Binding->Lock);

    if (Status == NDIS_STATUS_SUCCESS) {
      *CallMgrSapContext = SapContext;
    } else {
      AcmeFreeMemory(SapContext);
    }
  }
  Af->LastStatus = Status;
  return Status;
}

NDIS_STATUS AcmeCmDeregisterSap(NDIS_HANDLE CallMgrSapContext) {
  PACME_SAP SapContext = (PACME_SAP)CallMgrSapContext;
  PACME_AF Af = SapContext->Af;
  PACME_BINDING Binding = Af->Binding;
  PACME_SAP* Link;

  /* The switch does not acknowledge address deregistration: drop the SAP now. */
  NdisAcquireSpinLock(&Binding->Lock);
  for (Link = &Binding->SapList; *Link != NULL; Link = &(*Link)->Next) {
    if (*Link == SapContext) {
      *Link = SapContext->Next;
      break;
    }
  }
  Af->SapCount--;
  NdisReleaseSpinLock(&Binding->Lock);

  AcmeFreeMemory(SapContext);
  AcmeMaybeCompleteDeferredClose(Af);
  AcmeDereferenceAf(Af);
  return NDIS_STATUS_SUCCESS;
}

/* ---- VCs and calls ---- */

NDIS_STATUS AcmeCoCreateVc(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE NdisVcHandle,
                           PNDIS_HANDLE ProtocolVcContext) {
  PACME_AF Af = (PACME_AF)ProtocolAfContext;
  PACME_VC Vc;

  Vc = AcmeAllocateMemory(sizeof(ACME_VC));
  if (Vc == NULL) return NDIS_STATUS_RESOURCES;
  Vc->Signature = ACME_VC_SIGNATURE;
  Vc->Af = Af;
  Vc->NdisVcHandle = NdisVcHandle;
  Vc->State = AcmeVcIdle;

  NdisAcquireSpinLock(&Af->Binding->Lock);
  Af->VcCount++;
  Af->RefCount++;
  NdisReleaseSpinLock(&Af->Binding->Lock);
  *ProtocolVcContext = Vc;
  return NDIS_STATUS_SUCCESS;
}

static VOID AcmeFreeVc(PACME_VC Vc) {
  PACME_AF Af = Vc->Af;
  PACME_BINDING Binding = Af->Binding;

  NdisAcquireSpinLock(&Binding->Lock);
  Af->VcCount--;
  NdisReleaseSpinLock(&Binding->Lock);
  AcmeFreeMemory(Vc);

  AcmeMaybeCompleteDeferredClose(Af);
  AcmeKickUnbind(Binding);
  AcmeDereferenceAf(Af);
}

static VOID AcmeDeleteVcWorker(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  /* The switch has released the VPI/VCI. */
  AcmeFreeVc((PACME_VC)WorkItemContext);
}

NDIS_STATUS AcmeCoDeleteVc(NDIS_HANDLE ProtocolVcContext) {
  PACME_VC Vc = (PACME_VC)ProtocolVcContext;

  if (Vc->State != AcmeVcIdle) return NDIS_STATUS_NOT_ACCEPTED; /* a call is still up */

  if (Vc->Vci != 0) {
    /* Wait for the switch to release the VPI/VCI of the last call. */
    Vc->State = AcmeVcDeleting;
    if (AcmeQueueWorkItem(Vc->Af->Binding, AcmeDeleteVcWorker, Vc)) return NDIS_STATUS_PENDING;
    Vc->State = AcmeVcIdle;
  }
  AcmeFreeVc(Vc);
  return NDIS_STATUS_SUCCESS;
}

static VOID AcmeVcConnected(PACME_VC Vc) {
  Vc->State = AcmeVcActive;
  if (Vc->Vci == 0) Vc->Vci = AcmeGlobals.NextVci++; /* kept for redials on this VC */
}

NDIS_STATUS AcmeCmMakeCall(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE NdisPartyHandle, PNDIS_HANDLE CallMgrPartyContext) {
  PACME_VC Vc = (PACME_VC)CallMgrVcContext;
  NDIS_STATUS Status;

  /* Point-to-multipoint needs ADD PARTY signalling, which AcmeCM does not run. */
  if (NdisPartyHandle != NULL) return NDIS_STATUS_NOT_SUPPORTED;
  if (CallMgrPartyContext != NULL) *CallMgrPartyContext = NULL;
  if (Vc->State != AcmeVcIdle) return NDIS_STATUS_FAILURE;

  Vc->CallParameters = CallParameters;
  Vc->State = AcmeVcActivating;
  Status = NdisCmActivateVc(Vc->NdisVcHandle, CallParameters);
  if (Status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* AcmeCmActivateVcComplete */
  if (Status != NDIS_STATUS_SUCCESS) {
    Vc->State = AcmeVcIdle;
    return Status;
  }
  AcmeVcConnected(Vc);
  return NDIS_STATUS_SUCCESS;
}

VOID AcmeCmActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                              PCO_CALL_PARAMETERS CallParameters) {
  PACME_VC Vc = (PACME_VC)CallMgrVcContext;

  UNREFERENCED_PARAMETER(CallParameters);

  if (Vc->State != AcmeVcActivating) return;
  if (Status == NDIS_STATUS_SUCCESS) {
    AcmeVcConnected(Vc);
  } else {
    Vc->State = AcmeVcIdle;
  }
  NdisCmMakeCallComplete(Status, Vc->NdisVcHandle, NULL, NULL, Vc->CallParameters);
}

NDIS_STATUS AcmeCmCloseCall(NDIS_HANDLE CallMgrVcContext, NDIS_HANDLE CallMgrPartyContext,
                            PVOID CloseData, UINT Size) {
  PACME_VC Vc = (PACME_VC)CallMgrVcContext;
  NDIS_STATUS Status;

  if (Vc->State != AcmeVcActive) return NDIS_STATUS_FAILURE;
  Vc->State = AcmeVcDeactivating;
  Status = NdisCmDeactivateVc(Vc->NdisVcHandle);
  if (Status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING; /* AcmeCmDeactivateVcComplete */
  /* RELEASE has gone to the switch: the call is down whatever the adapter said. */
  Vc->State = AcmeVcIdle;
  return NDIS_STATUS_SUCCESS;
}

VOID AcmeCmDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext) {
  PACME_VC Vc = (PACME_VC)CallMgrVcContext;

  UNREFERENCED_PARAMETER(Status);

  if (Vc->State != AcmeVcDeactivating) return;
  Vc->State = AcmeVcIdle;
  NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, Vc->NdisVcHandle, NULL);
}

/* This release never offers incoming calls, so there is nothing to complete. */
VOID AcmeCmIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                PCO_CALL_PARAMETERS CallParameters) {}

/* ---- Unsupported requests and handlers with nothing to do ---- */

NDIS_STATUS AcmeCmAddParty(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE NdisPartyHandle, PNDIS_HANDLE CallMgrPartyContext) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS AcmeCmDropParty(NDIS_HANDLE CallMgrPartyContext, PVOID CloseData, UINT Size) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS AcmeCmModifyCallQoS(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS AcmeCmOidRequest(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                             NDIS_HANDLE ProtocolPartyContext, PNDIS_OID_REQUEST OidRequest) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

VOID AcmeCmOidRequestComplete(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                              NDIS_HANDLE ProtocolPartyContext, PNDIS_OID_REQUEST OidRequest,
                              NDIS_STATUS Status) {
  /* AcmeCM sends no CO OID requests. */
}

/* A call manager opens no AFs itself. */
VOID AcmeCoAfRegisterNotify(NDIS_HANDLE ProtocolBindingContext, PCO_ADDRESS_FAMILY AddressFamily) {}

VOID AcmeCoStatus(NDIS_HANDLE ProtocolBindingContext, NDIS_HANDLE ProtocolVcContext,
                  PVOID StatusIndication) {}

VOID AcmeCoReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, NDIS_HANDLE ProtocolVcContext,
                                 PNET_BUFFER_LIST NetBufferLists, ULONG NumberOfNetBufferLists,
                                 ULONG ReceiveFlags) {}

VOID AcmeCoSendNetBufferListsComplete(NDIS_HANDLE ProtocolVcContext,
                                      PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags) {}

NDIS_STATUS AcmePnPEvent(NDIS_HANDLE ProtocolBindingContext, PVOID NetPnPEventNotification) {
  return NDIS_STATUS_SUCCESS;
}

VOID AcmeUninstall(VOID) {}

VOID AcmeOidRequestComplete(NDIS_HANDLE ProtocolBindingContext, PVOID OidRequest,
                            NDIS_STATUS Status) {}

VOID AcmeStatus(NDIS_HANDLE ProtocolBindingContext, PVOID StatusIndication) {}

VOID AcmeReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, PVOID NetBufferLists,
                               ULONG PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags) {
}

VOID AcmeSendNetBufferListsComplete(NDIS_HANDLE ProtocolBindingContext, PVOID NetBufferList,
                                    ULONG SendCompleteFlags) {}
