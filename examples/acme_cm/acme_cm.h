/*
 * acme_cm.h - AcmeCM, the Acme Networks ATM signalling call manager.
 *
 * Copyright (c) Acme Networks, Inc. All rights reserved.
 *
 * Private definitions of the call manager: constants, the per-binding,
 * per-AF, per-SAP and per-VC contexts, and the entry points NDIS calls.
 */
#ifndef _ACME_CM_H_
#define _ACME_CM_H_

#include <ndis.h>

#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif

/* Pool tags and context signatures read as text in a pool dump. */
#define ACME_MAKE_TAG(a, b, c, d) \
  ((ULONG)(a) | ((ULONG)(b) << 8) | ((ULONG)(c) << 16) | ((ULONG)(d) << 24))
#define ACME_POOL_TAG ACME_MAKE_TAG('A', 'c', 'm', 'e')
#define ACME_BINDING_SIGNATURE ACME_MAKE_TAG('A', 'c', 'B', 'd')
#define ACME_AF_SIGNATURE ACME_MAKE_TAG('A', 'c', 'A', 'f')
#define ACME_SAP_SIGNATURE ACME_MAKE_TAG('A', 'c', 'S', 'p')
#define ACME_VC_SIGNATURE ACME_MAKE_TAG('A', 'c', 'V', 'c')

#define ACME_NDIS_MAJOR_VERSION 6
#define ACME_NDIS_MINOR_VERSION 0
#define ACME_DRIVER_MAJOR_VERSION 2
#define ACME_DRIVER_MINOR_VERSION 4

/* The one address family AcmeCM offers: UNI signalling (Q.2931). */
#define ACME_AF_FAMILY CO_ADDRESS_FAMILY_Q2931
#define ACME_AF_MAJOR_VERSION 1
#define ACME_AF_MINOR_VERSION 0

/* SAP types the switch accepts in an ILMI address registration. */
#define ACME_SAP_TYPE_NSAP 0     /* ATM end-system address, NSAP format */
#define ACME_SAP_TYPE_E164 1     /* native E.164 number */
#define ACME_SAP_TYPE_BLLI 2     /* match on the B-LLI layer 2/3 protocol */
#define ACME_SAP_TYPE_WILDCARD 3 /* any call not claimed by another SAP */
#define ACME_SAP_TYPE_MAX ACME_SAP_TYPE_WILDCARD
#define ACME_MAX_SAP_LENGTH 20 /* an ATM end-system address */

/* VCIs below 32 are reserved for signalling, ILMI and OAM. */
#define ACME_FIRST_USER_VCI 32

#define ACME_MEDIA_COUNT 3

typedef struct _ACME_BINDING ACME_BINDING, *PACME_BINDING;
typedef struct _ACME_AF ACME_AF, *PACME_AF;
typedef struct _ACME_SAP ACME_SAP, *PACME_SAP;
typedef struct _ACME_VC ACME_VC, *PACME_VC;

typedef enum _ACME_BINDING_STATE {
  AcmeBindingOpening,
  AcmeBindingRunning,
  AcmeBindingUnbinding, /* notify-closing its AFs */
  AcmeBindingClosing,   /* NdisCloseAdapterEx pending */
  AcmeBindingClosed
} ACME_BINDING_STATE;

typedef enum _ACME_AF_STATE {
  AcmeAfOpening, /* association with the switch in progress */
  AcmeAfOpen,
  AcmeAfClosing,
  AcmeAfClosed
} ACME_AF_STATE;

typedef enum _ACME_NOTIFY_STATE {
  AcmeNotifyNone,
  AcmeNotifyInProgress, /* inside NdisCmNotifyCloseAddressFamily */
  AcmeNotifyPending,    /* waiting for ProtocolCmNotifyCloseAfComplete */
  AcmeNotifyDone
} ACME_NOTIFY_STATE;

typedef enum _ACME_VC_STATE {
  AcmeVcIdle,
  AcmeVcActivating,
  AcmeVcActive,
  AcmeVcDeactivating,
  AcmeVcDeleting /* waiting for the switch to release the VPI/VCI */
} ACME_VC_STATE;

typedef struct _ACME_GLOBALS {
  PDRIVER_OBJECT DriverObject;
  NDIS_HANDLE NdisProtocolHandle;
  ULONG NextVci;
} ACME_GLOBALS, *PACME_GLOBALS;

/* One per adapter we are bound to (ProtocolBindingContext). */
struct _ACME_BINDING {
  ULONG Signature;
  PACME_BINDING Next;  /* AcmeGlobals.BindingList */
  NDIS_SPIN_LOCK Lock; /* protects the lists, counts and reference counts below */
  ULONG RefCount;
  ACME_BINDING_STATE State;
  NDIS_HANDLE NdisBindingHandle;
  NDIS_HANDLE BindContext;
  NDIS_HANDLE UnbindContext;
  BOOLEAN InUnbindHandler;
  BOOLEAN AfRegistered;
  UINT SelectedMediumIndex;
  ULONG OpensInProgress;
  PACME_AF AfList;   /* open AFs, notify-closed on unbind */
  PACME_SAP SapList; /* every SAP registered on this port */
};

/* One per client open of our AF (CallMgrAfContext). */
struct _ACME_AF {
  ULONG Signature;
  PACME_AF Next; /* Binding->AfList */
  PACME_BINDING Binding;
  ULONG RefCount;
  ACME_AF_STATE State;
  NDIS_HANDLE NdisAfHandle;
  CO_ADDRESS_FAMILY AddressFamily;
  ACME_NOTIFY_STATE NotifyState;
  NDIS_STATUS NotifyStatus;
  BOOLEAN CloseDeferred; /* close waits for the client's SAPs and VCs */
  ULONG SapCount;
  ULONG VcCount;
  NDIS_STATUS LastStatus; /* outcome of the last signalling exchange with the switch */
};

/* One per registered SAP (CallMgrSapContext). */
struct _ACME_SAP {
  ULONG Signature;
  PACME_SAP Next; /* Binding->SapList */
  PACME_AF Af;
  NDIS_HANDLE NdisSapHandle;
  ULONG SapType;
  ULONG SapLength;
  UCHAR Address[ACME_MAX_SAP_LENGTH];
};

/* One per client VC (CallMgrVcContext). */
struct _ACME_VC {
  ULONG Signature;
  PACME_AF Af;
  NDIS_HANDLE NdisVcHandle;
  ACME_VC_STATE State;
  ULONG Vci; /* assigned by the switch on the first call, 0 before */
  PCO_CALL_PARAMETERS CallParameters;
};

extern ACME_GLOBALS AcmeGlobals;
extern NDIS_MEDIUM AcmeSupportedMedia[ACME_MEDIA_COUNT];
extern WCHAR AcmeProtocolName[];

/* Support routines. */
PVOID AcmeAllocateMemory(UINT Length);
VOID AcmeFreeMemory(PVOID Memory);
VOID AcmeReferenceBinding(PACME_BINDING Binding);
VOID AcmeDereferenceBinding(PACME_BINDING Binding);
VOID AcmeDereferenceAf(PACME_AF Af);
VOID AcmeAfOpened(PACME_AF Af);
BOOLEAN AcmeQueueWorkItem(PACME_BINDING Binding, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID Context);
VOID AcmeAdvanceUnbind(PACME_BINDING Binding);

/* Protocol driver entry points. */
NDIS_STATUS AcmeSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext);
NDIS_STATUS AcmeBindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                            PNDIS_BIND_PARAMETERS BindParameters);
NDIS_STATUS AcmeUnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext);
VOID AcmeOpenAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status);
VOID AcmeCloseAdapterComplete(NDIS_HANDLE ProtocolBindingContext);
NDIS_STATUS AcmePnPEvent(NDIS_HANDLE ProtocolBindingContext, PVOID NetPnPEventNotification);
VOID AcmeUninstall(VOID);
VOID AcmeOidRequestComplete(NDIS_HANDLE ProtocolBindingContext, PVOID OidRequest,
                            NDIS_STATUS Status);
VOID AcmeStatus(NDIS_HANDLE ProtocolBindingContext, PVOID StatusIndication);
VOID AcmeReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, PVOID NetBufferLists,
                               ULONG PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags);
VOID AcmeSendNetBufferListsComplete(NDIS_HANDLE ProtocolBindingContext, PVOID NetBufferList,
                                    ULONG SendCompleteFlags);

/* Connection-oriented entry points. */
VOID AcmeCoStatus(NDIS_HANDLE ProtocolBindingContext, NDIS_HANDLE ProtocolVcContext,
                  PVOID StatusIndication);
VOID AcmeCoAfRegisterNotify(NDIS_HANDLE ProtocolBindingContext, PCO_ADDRESS_FAMILY AddressFamily);
VOID AcmeCoReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, NDIS_HANDLE ProtocolVcContext,
                                 PNET_BUFFER_LIST NetBufferLists, ULONG NumberOfNetBufferLists,
                                 ULONG ReceiveFlags);
VOID AcmeCoSendNetBufferListsComplete(NDIS_HANDLE ProtocolVcContext,
                                      PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags);

/* Call manager entry points. */
NDIS_STATUS AcmeCoCreateVc(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE NdisVcHandle,
                           PNDIS_HANDLE ProtocolVcContext);
NDIS_STATUS AcmeCoDeleteVc(NDIS_HANDLE ProtocolVcContext);
NDIS_STATUS AcmeCmOpenAf(NDIS_HANDLE CallMgrBindingContext, PCO_ADDRESS_FAMILY AddressFamily,
                         NDIS_HANDLE NdisAfHandle, PNDIS_HANDLE CallMgrAfContext);
NDIS_STATUS AcmeCmCloseAf(NDIS_HANDLE CallMgrAfContext);
NDIS_STATUS AcmeCmRegisterSap(NDIS_HANDLE CallMgrAfContext, PCO_SAP Sap, NDIS_HANDLE NdisSapHandle,
                              PNDIS_HANDLE CallMgrSapContext);
NDIS_STATUS AcmeCmDeregisterSap(NDIS_HANDLE CallMgrSapContext);
NDIS_STATUS AcmeCmMakeCall(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE NdisPartyHandle, PNDIS_HANDLE CallMgrPartyContext);
NDIS_STATUS AcmeCmCloseCall(NDIS_HANDLE CallMgrVcContext, NDIS_HANDLE CallMgrPartyContext,
                            PVOID CloseData, UINT Size);
VOID AcmeCmIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                PCO_CALL_PARAMETERS CallParameters);
NDIS_STATUS AcmeCmAddParty(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE NdisPartyHandle, PNDIS_HANDLE CallMgrPartyContext);
NDIS_STATUS AcmeCmDropParty(NDIS_HANDLE CallMgrPartyContext, PVOID CloseData, UINT Size);
VOID AcmeCmActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                              PCO_CALL_PARAMETERS CallParameters);
VOID AcmeCmDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext);
NDIS_STATUS AcmeCmModifyCallQoS(NDIS_HANDLE CallMgrVcContext, PCO_CALL_PARAMETERS CallParameters);
NDIS_STATUS AcmeCmOidRequest(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                             NDIS_HANDLE ProtocolPartyContext, PNDIS_OID_REQUEST OidRequest);
VOID AcmeCmOidRequestComplete(NDIS_HANDLE ProtocolAfContext, NDIS_HANDLE ProtocolVcContext,
                              NDIS_HANDLE ProtocolPartyContext, PNDIS_OID_REQUEST OidRequest,
                              NDIS_STATUS Status);
VOID AcmeCmNotifyCloseAfComplete(NDIS_HANDLE CallMgrAfContext, NDIS_STATUS Status);

#endif /* _ACME_CM_H_ */
