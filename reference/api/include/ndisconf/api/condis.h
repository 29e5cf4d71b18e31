/* ndisconf/api/condis.h: the NDIS 6 CoNDIS surface for the address-family
 * lifecycle: AFs, SAPs, VCs and the minimal call path that activates and
 * deactivates a VC (spec 3.1-3.6, 4.1-4.2).
 *
 * Names, parameter order, types and member order follow WDK7:ndis.h and the
 * DDI pages cited in the spec. Every size and key offset is checked against
 * the spec's x64 tables below. Party (point-to-multipoint) and QoS-change
 * functions are out of the spec's scope and are not exported; their handler
 * typedefs exist because the optional-handler structures must carry them
 * (AF-130: a client sets every member, returning NOT_SUPPORTED).
 *
 * Include <ndis.h>, not this file. */
#ifndef NDISCONF_API_CONDIS_H_
#define NDISCONF_API_CONDIS_H_

#include "ndisconf/api/base.h"
#include "ndisconf/api/driver.h"
#include "ndisconf/api/status.h"

NDIS_EXTERN_C_BEGIN

/* ---- Address family (spec 4.1, 4.2) ---- */
typedef struct {
  NDIS_AF AddressFamily;
  ULONG MajorVersion;
  ULONG MinorVersion;
} CO_ADDRESS_FAMILY, *PCO_ADDRESS_FAMILY;
NDIS_STATIC_ASSERT(sizeof(CO_ADDRESS_FAMILY) == 12, "CO_ADDRESS_FAMILY 12/12");

#define CO_ADDRESS_FAMILY_Q2931 ((NDIS_AF)0x1)
#define CO_ADDRESS_FAMILY_PSCHED ((NDIS_AF)0x2)
#define CO_ADDRESS_FAMILY_L2TP ((NDIS_AF)0x3)
#define CO_ADDRESS_FAMILY_IRDA ((NDIS_AF)0x4)
#define CO_ADDRESS_FAMILY_1394 ((NDIS_AF)0x5)
#define CO_ADDRESS_FAMILY_PPP ((NDIS_AF)0x6)
#define CO_ADDRESS_FAMILY_INFINIBAND ((NDIS_AF)0x7)
#define CO_ADDRESS_FAMILY_TAPI ((NDIS_AF)0x800)
#define CO_ADDRESS_FAMILY_TAPI_PROXY ((NDIS_AF)0x801)
#define CO_ADDRESS_FAMILY_PROXY 0x80000000 /* OR-ed with the base AF */

/* ---- SAP (spec 4.1). Variable length: Sap[] holds SapLength bytes. ---- */
typedef struct _CO_SAP {
  ULONG SapType;
  ULONG SapLength;
  UCHAR Sap[1];
} CO_SAP, *PCO_SAP;
NDIS_STATIC_ASSERT(sizeof(CO_SAP) == 12, "CO_SAP 12/12");
NDIS_STATIC_ASSERT(offsetof(CO_SAP, Sap) == 8, "CO_SAP.Sap @8");
#define AF_TAPI_SAP_TYPE 0x00008000

/* ---- Call parameters (WDK7:ndis.h), used by the VC activation path ---- */
typedef ULONG SERVICETYPE;
typedef struct _CO_FLOW_PARAMETERS {
  ULONG TokenRate;
  ULONG TokenBucketSize;
  ULONG PeakBandwidth;
  ULONG Latency;
  ULONG DelayVariation;
  SERVICETYPE ServiceType;
  ULONG MaxSduSize;
  ULONG MinimumPolicedSize;
} CO_FLOW_PARAMETERS, *PCO_FLOW_PARAMETERS;

typedef struct _CO_SPECIFIC_PARAMETERS {
  ULONG ParamType;
  ULONG Length;
  UCHAR Parameters[1];
} CO_SPECIFIC_PARAMETERS, *PCO_SPECIFIC_PARAMETERS;

typedef struct _CO_CALL_MANAGER_PARAMETERS {
  CO_FLOW_PARAMETERS Transmit;
  CO_FLOW_PARAMETERS Receive;
  CO_SPECIFIC_PARAMETERS CallMgrSpecific;
} CO_CALL_MANAGER_PARAMETERS, *PCO_CALL_MANAGER_PARAMETERS;

typedef struct _CO_MEDIA_PARAMETERS {
  ULONG Flags;
  ULONG ReceivePriority;
  ULONG ReceiveSizeHint;
  CO_SPECIFIC_PARAMETERS MediaSpecific;
} CO_MEDIA_PARAMETERS, *PCO_MEDIA_PARAMETERS;

typedef struct _CO_CALL_PARAMETERS {
  ULONG Flags;
  PCO_CALL_MANAGER_PARAMETERS CallMgrParameters;
  PCO_MEDIA_PARAMETERS MediaParameters;
} CO_CALL_PARAMETERS, *PCO_CALL_PARAMETERS;
NDIS_STATIC_ASSERT(sizeof(CO_CALL_PARAMETERS) == 24, "CO_CALL_PARAMETERS x64");

/* Opaque in this API: OID requests on a VC/AF and NET_BUFFER_LISTs are not
 * part of the AF lifecycle; handlers that take them return NOT_SUPPORTED. */
typedef struct _NDIS_OID_REQUEST NDIS_OID_REQUEST, *PNDIS_OID_REQUEST;
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;

/* ---- Handler typedefs common to clients and call managers ---- */
typedef NDIS_STATUS (*PROTOCOL_CO_CREATE_VC)(NDIS_HANDLE ProtocolAfContext,
                                             NDIS_HANDLE NdisVcHandle,
                                             PNDIS_HANDLE ProtocolVcContext);
typedef NDIS_STATUS (*PROTOCOL_CO_DELETE_VC)(NDIS_HANDLE ProtocolVcContext);
typedef NDIS_STATUS (*PROTOCOL_CO_OID_REQUEST)(NDIS_HANDLE ProtocolAfContext,
                                               NDIS_HANDLE ProtocolVcContext,
                                               NDIS_HANDLE ProtocolPartyContext,
                                               PNDIS_OID_REQUEST OidRequest);
typedef VOID (*PROTOCOL_CO_OID_REQUEST_COMPLETE)(NDIS_HANDLE ProtocolAfContext,
                                                 NDIS_HANDLE ProtocolVcContext,
                                                 NDIS_HANDLE ProtocolPartyContext,
                                                 PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status);
/* Spelled PROTCOL_ (sic) in WDK7:ndis.h and MINGW:ndis.h (OQ-35); both names work. */
typedef VOID (*PROTOCOL_CO_AF_REGISTER_NOTIFY)(NDIS_HANDLE ProtocolBindingContext,
                                               PCO_ADDRESS_FAMILY AddressFamily);
typedef PROTOCOL_CO_AF_REGISTER_NOTIFY PROTCOL_CO_AF_REGISTER_NOTIFY;
typedef VOID (*PROTOCOL_CO_STATUS_EX)(NDIS_HANDLE ProtocolBindingContext,
                                      NDIS_HANDLE ProtocolVcContext, PVOID StatusIndication);
typedef VOID (*PROTOCOL_CO_RECEIVE_NET_BUFFER_LISTS)(NDIS_HANDLE ProtocolBindingContext,
                                                     NDIS_HANDLE ProtocolVcContext,
                                                     PNET_BUFFER_LIST NetBufferLists,
                                                     ULONG NumberOfNetBufferLists,
                                                     ULONG ReceiveFlags);
typedef VOID (*PROTOCOL_CO_SEND_NET_BUFFER_LISTS_COMPLETE)(NDIS_HANDLE ProtocolVcContext,
                                                           PNET_BUFFER_LIST NetBufferLists,
                                                           ULONG SendCompleteFlags);

/* ---- Client handler typedefs ---- */
typedef VOID (*PROTOCOL_CL_OPEN_AF_COMPLETE_EX)(NDIS_HANDLE ProtocolAfContext,
                                                NDIS_HANDLE NdisAfHandle, NDIS_STATUS Status);
typedef VOID (*PROTOCOL_CL_CLOSE_AF_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE ProtocolAfContext);
typedef VOID (*PROTOCOL_CL_REGISTER_SAP_COMPLETE)(NDIS_STATUS Status,
                                                  NDIS_HANDLE ProtocolSapContext, PCO_SAP Sap,
                                                  NDIS_HANDLE NdisSapHandle);
typedef VOID (*PROTOCOL_CL_DEREGISTER_SAP_COMPLETE)(NDIS_STATUS Status,
                                                    NDIS_HANDLE ProtocolSapContext);
typedef VOID (*PROTOCOL_CL_MAKE_CALL_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE ProtocolVcContext,
                                               NDIS_HANDLE NdisPartyHandle,
                                               PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CL_MODIFY_CALL_QOS_COMPLETE)(NDIS_STATUS Status,
                                                     NDIS_HANDLE ProtocolVcContext,
                                                     PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CL_CLOSE_CALL_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE ProtocolVcContext,
                                                NDIS_HANDLE ProtocolPartyContext);
typedef VOID (*PROTOCOL_CL_ADD_PARTY_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE ProtocolPartyContext,
                                               NDIS_HANDLE NdisPartyHandle,
                                               PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CL_DROP_PARTY_COMPLETE)(NDIS_STATUS Status,
                                                NDIS_HANDLE ProtocolPartyContext);
typedef NDIS_STATUS (*PROTOCOL_CL_INCOMING_CALL)(NDIS_HANDLE ProtocolSapContext,
                                                 NDIS_HANDLE ProtocolVcContext,
                                                 PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CL_INCOMING_CALL_QOS_CHANGE)(NDIS_HANDLE ProtocolVcContext,
                                                     PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CL_INCOMING_CLOSE_CALL)(NDIS_STATUS CloseStatus,
                                                NDIS_HANDLE ProtocolVcContext, PVOID CloseData,
                                                UINT Size);
typedef VOID (*PROTOCOL_CL_INCOMING_DROP_PARTY)(NDIS_STATUS DropStatus,
                                                NDIS_HANDLE ProtocolPartyContext, PVOID CloseData,
                                                UINT Size);
typedef VOID (*PROTOCOL_CL_CALL_CONNECTED)(NDIS_HANDLE ProtocolVcContext);
typedef NDIS_STATUS (*PROTOCOL_CL_NOTIFY_CLOSE_AF)(NDIS_HANDLE ClientAfContext);

typedef PROTOCOL_CO_CREATE_VC CO_CREATE_VC_HANDLER;
typedef PROTOCOL_CO_DELETE_VC CO_DELETE_VC_HANDLER;
typedef PROTOCOL_CO_OID_REQUEST CO_OID_REQUEST_HANDLER;
typedef PROTOCOL_CO_OID_REQUEST_COMPLETE CO_OID_REQUEST_COMPLETE_HANDLER;
typedef PROTOCOL_CL_OPEN_AF_COMPLETE_EX CL_OPEN_AF_COMPLETE_HANDLER_EX;
typedef PROTOCOL_CL_CLOSE_AF_COMPLETE CL_CLOSE_AF_COMPLETE_HANDLER;
typedef PROTOCOL_CL_REGISTER_SAP_COMPLETE CL_REG_SAP_COMPLETE_HANDLER;
typedef PROTOCOL_CL_DEREGISTER_SAP_COMPLETE CL_DEREG_SAP_COMPLETE_HANDLER;
typedef PROTOCOL_CL_MAKE_CALL_COMPLETE CL_MAKE_CALL_COMPLETE_HANDLER;
typedef PROTOCOL_CL_MODIFY_CALL_QOS_COMPLETE CL_MODIFY_CALL_QOS_COMPLETE_HANDLER;
typedef PROTOCOL_CL_CLOSE_CALL_COMPLETE CL_CLOSE_CALL_COMPLETE_HANDLER;
typedef PROTOCOL_CL_ADD_PARTY_COMPLETE CL_ADD_PARTY_COMPLETE_HANDLER;
typedef PROTOCOL_CL_DROP_PARTY_COMPLETE CL_DROP_PARTY_COMPLETE_HANDLER;
typedef PROTOCOL_CL_INCOMING_CALL CL_INCOMING_CALL_HANDLER;
typedef PROTOCOL_CL_INCOMING_CALL_QOS_CHANGE CL_INCOMING_CALL_QOS_CHANGE_HANDLER;
typedef PROTOCOL_CL_INCOMING_CLOSE_CALL CL_INCOMING_CLOSE_CALL_HANDLER;
typedef PROTOCOL_CL_INCOMING_DROP_PARTY CL_INCOMING_DROP_PARTY_HANDLER;
typedef PROTOCOL_CL_CALL_CONNECTED CL_CALL_CONNECTED_HANDLER;
typedef PROTOCOL_CL_NOTIFY_CLOSE_AF CL_NOTIFY_CLOSE_AF_HANDLER;

/* ---- Call manager handler typedefs ---- */
typedef NDIS_STATUS (*PROTOCOL_CM_OPEN_AF)(NDIS_HANDLE CallMgrBindingContext,
                                           PCO_ADDRESS_FAMILY AddressFamily,
                                           NDIS_HANDLE NdisAfHandle, PNDIS_HANDLE CallMgrAfContext);
typedef NDIS_STATUS (*PROTOCOL_CM_CLOSE_AF)(NDIS_HANDLE CallMgrAfContext);
typedef NDIS_STATUS (*PROTOCOL_CM_REG_SAP)(NDIS_HANDLE CallMgrAfContext, PCO_SAP Sap,
                                           NDIS_HANDLE NdisSapHandle,
                                           PNDIS_HANDLE CallMgrSapContext);
typedef NDIS_STATUS (*PROTOCOL_CM_DEREGISTER_SAP)(NDIS_HANDLE CallMgrSapContext);
typedef NDIS_STATUS (*PROTOCOL_CM_MAKE_CALL)(NDIS_HANDLE CallMgrVcContext,
                                             PCO_CALL_PARAMETERS CallParameters,
                                             NDIS_HANDLE NdisPartyHandle,
                                             PNDIS_HANDLE CallMgrPartyContext);
typedef NDIS_STATUS (*PROTOCOL_CM_CLOSE_CALL)(NDIS_HANDLE CallMgrVcContext,
                                              NDIS_HANDLE CallMgrPartyContext, PVOID CloseData,
                                              UINT Size);
typedef VOID (*PROTOCOL_CM_INCOMING_CALL_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                                   PCO_CALL_PARAMETERS CallParameters);
typedef NDIS_STATUS (*PROTOCOL_CM_ADD_PARTY)(NDIS_HANDLE CallMgrVcContext,
                                             PCO_CALL_PARAMETERS CallParameters,
                                             NDIS_HANDLE NdisPartyHandle,
                                             PNDIS_HANDLE CallMgrPartyContext);
typedef NDIS_STATUS (*PROTOCOL_CM_DROP_PARTY)(NDIS_HANDLE CallMgrPartyContext, PVOID CloseData,
                                              UINT Size);
typedef VOID (*PROTOCOL_CM_ACTIVATE_VC_COMPLETE)(NDIS_STATUS Status, NDIS_HANDLE CallMgrVcContext,
                                                 PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CM_DEACTIVATE_VC_COMPLETE)(NDIS_STATUS Status,
                                                   NDIS_HANDLE CallMgrVcContext);
typedef NDIS_STATUS (*PROTOCOL_CM_MODIFY_QOS_CALL)(NDIS_HANDLE CallMgrVcContext,
                                                   PCO_CALL_PARAMETERS CallParameters);
typedef VOID (*PROTOCOL_CM_NOTIFY_CLOSE_AF_COMPLETE)(NDIS_HANDLE CallMgrAfContext,
                                                     NDIS_STATUS Status);

typedef PROTOCOL_CM_OPEN_AF CM_OPEN_AF_HANDLER;
typedef PROTOCOL_CM_CLOSE_AF CM_CLOSE_AF_HANDLER;
typedef PROTOCOL_CM_REG_SAP CM_REG_SAP_HANDLER;
typedef PROTOCOL_CM_DEREGISTER_SAP CM_DEREG_SAP_HANDLER;
typedef PROTOCOL_CM_MAKE_CALL CM_MAKE_CALL_HANDLER;
typedef PROTOCOL_CM_CLOSE_CALL CM_CLOSE_CALL_HANDLER;
typedef PROTOCOL_CM_INCOMING_CALL_COMPLETE CM_INCOMING_CALL_COMPLETE_HANDLER;
typedef PROTOCOL_CM_ADD_PARTY CM_ADD_PARTY_HANDLER;
typedef PROTOCOL_CM_DROP_PARTY CM_DROP_PARTY_HANDLER;
typedef PROTOCOL_CM_ACTIVATE_VC_COMPLETE CM_ACTIVATE_VC_COMPLETE_HANDLER;
typedef PROTOCOL_CM_DEACTIVATE_VC_COMPLETE CM_DEACTIVATE_VC_COMPLETE_HANDLER;
typedef PROTOCOL_CM_MODIFY_QOS_CALL CM_MODIFY_CALL_QOS_HANDLER;
typedef PROTOCOL_CM_NOTIFY_CLOSE_AF_COMPLETE CM_NOTIFY_CLOSE_AF_COMPLETE_HANDLER;

/* ---- Miniport CO handler typedefs ---- */
typedef NDIS_STATUS (*MINIPORT_CO_CREATE_VC)(NDIS_HANDLE MiniportAdapterContext,
                                             NDIS_HANDLE NdisVcHandle,
                                             PNDIS_HANDLE MiniportVcContext);
typedef NDIS_STATUS (*MINIPORT_CO_DELETE_VC)(NDIS_HANDLE MiniportVcContext);
typedef NDIS_STATUS (*MINIPORT_CO_ACTIVATE_VC)(NDIS_HANDLE MiniportVcContext,
                                               PCO_CALL_PARAMETERS CallParameters);
typedef NDIS_STATUS (*MINIPORT_CO_DEACTIVATE_VC)(NDIS_HANDLE MiniportVcContext);
typedef VOID (*MINIPORT_CO_SEND_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportVcContext,
                                                  PNET_BUFFER_LIST NetBufferLists, ULONG SendFlags);
typedef NDIS_STATUS (*MINIPORT_CO_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext,
                                               NDIS_HANDLE MiniportVcContext,
                                               PNDIS_OID_REQUEST NdisRequest);

/* ---- Characteristics and optional-handler structures (spec 4.1) ---- */
typedef struct _NDIS_PROTOCOL_CO_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header; /* 0x90 / 1 / 40 */
  ULONG Flags;
  PROTOCOL_CO_STATUS_EX CoStatusHandlerEx;
  PROTOCOL_CO_AF_REGISTER_NOTIFY CoAfRegisterNotifyHandler;
  PROTOCOL_CO_RECEIVE_NET_BUFFER_LISTS CoReceiveNetBufferListsHandler;
  PROTOCOL_CO_SEND_NET_BUFFER_LISTS_COMPLETE CoSendNetBufferListsCompleteHandler;
} NDIS_PROTOCOL_CO_CHARACTERISTICS, *PNDIS_PROTOCOL_CO_CHARACTERISTICS;
#define NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1 sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS)
NDIS_STATIC_ASSERT(sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS) == 40,
                   "NDIS_PROTOCOL_CO_CHARACTERISTICS 24/40");
NDIS_STATIC_ASSERT(offsetof(NDIS_PROTOCOL_CO_CHARACTERISTICS, CoAfRegisterNotifyHandler) == 16,
                   "CoAfRegisterNotifyHandler @16 on x64");

typedef struct _NDIS_MINIPORT_CO_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header; /* 0x91 / 1 / 56 */
  ULONG Flags;
  MINIPORT_CO_CREATE_VC CoCreateVcHandler;
  MINIPORT_CO_DELETE_VC CoDeleteVcHandler;
  MINIPORT_CO_ACTIVATE_VC CoActivateVcHandler;
  MINIPORT_CO_DEACTIVATE_VC CoDeactivateVcHandler;
  MINIPORT_CO_SEND_NET_BUFFER_LISTS CoSendNetBufferListsHandler;
  MINIPORT_CO_OID_REQUEST CoOidRequestHandler;
} NDIS_MINIPORT_CO_CHARACTERISTICS, *PNDIS_MINIPORT_CO_CHARACTERISTICS;
#define NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1 sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS)
NDIS_STATIC_ASSERT(sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS) == 56,
                   "NDIS_MINIPORT_CO_CHARACTERISTICS 32/56");

typedef struct _NDIS_CO_CLIENT_OPTIONAL_HANDLERS {
  NDIS_OBJECT_HEADER Header; /* 0xA6 / 1 / 160 */
  ULONG Reserved;
  CO_CREATE_VC_HANDLER ClCreateVcHandler;
  CO_DELETE_VC_HANDLER ClDeleteVcHandler;
  CO_OID_REQUEST_HANDLER ClOidRequestHandler;
  CO_OID_REQUEST_COMPLETE_HANDLER ClOidRequestCompleteHandler;
  CL_OPEN_AF_COMPLETE_HANDLER_EX ClOpenAfCompleteHandlerEx;
  CL_CLOSE_AF_COMPLETE_HANDLER ClCloseAfCompleteHandler;
  CL_REG_SAP_COMPLETE_HANDLER ClRegisterSapCompleteHandler;
  CL_DEREG_SAP_COMPLETE_HANDLER ClDeregisterSapCompleteHandler;
  CL_MAKE_CALL_COMPLETE_HANDLER ClMakeCallCompleteHandler;
  CL_MODIFY_CALL_QOS_COMPLETE_HANDLER ClModifyCallQoSCompleteHandler;
  CL_CLOSE_CALL_COMPLETE_HANDLER ClCloseCallCompleteHandler;
  CL_ADD_PARTY_COMPLETE_HANDLER ClAddPartyCompleteHandler;
  CL_DROP_PARTY_COMPLETE_HANDLER ClDropPartyCompleteHandler;
  CL_INCOMING_CALL_HANDLER ClIncomingCallHandler;
  CL_INCOMING_CALL_QOS_CHANGE_HANDLER ClIncomingCallQoSChangeHandler;
  CL_INCOMING_CLOSE_CALL_HANDLER ClIncomingCloseCallHandler;
  CL_INCOMING_DROP_PARTY_HANDLER ClIncomingDropPartyHandler;
  CL_CALL_CONNECTED_HANDLER ClCallConnectedHandler;
  CL_NOTIFY_CLOSE_AF_HANDLER ClNotifyCloseAfHandler;
} NDIS_CO_CLIENT_OPTIONAL_HANDLERS, *PNDIS_CO_CLIENT_OPTIONAL_HANDLERS;
#define NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1 1
#define NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1 \
  (offsetof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS, ClNotifyCloseAfHandler) + sizeof(PVOID))
NDIS_STATIC_ASSERT(sizeof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS) == 160,
                   "NDIS_CO_CLIENT_OPTIONAL_HANDLERS 84/160");
NDIS_STATIC_ASSERT(NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1 == 160,
                   "client handlers size macro 84/160");
NDIS_STATIC_ASSERT(offsetof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS, ClCreateVcHandler) == 8,
                   "client handlers start @8");

typedef struct _NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS {
  NDIS_OBJECT_HEADER Header; /* 0xA5 / 1 / 136 (size macro) or 144 (sizeof) */
  ULONG Reserved;
  CO_CREATE_VC_HANDLER CmCreateVcHandler;
  CO_DELETE_VC_HANDLER CmDeleteVcHandler;
  CM_OPEN_AF_HANDLER CmOpenAfHandler;
  CM_CLOSE_AF_HANDLER CmCloseAfHandler;
  CM_REG_SAP_HANDLER CmRegisterSapHandler;
  CM_DEREG_SAP_HANDLER CmDeregisterSapHandler;
  CM_MAKE_CALL_HANDLER CmMakeCallHandler;
  CM_CLOSE_CALL_HANDLER CmCloseCallHandler;
  CM_INCOMING_CALL_COMPLETE_HANDLER CmIncomingCallCompleteHandler;
  CM_ADD_PARTY_HANDLER CmAddPartyHandler;
  CM_DROP_PARTY_HANDLER CmDropPartyHandler;
  CM_ACTIVATE_VC_COMPLETE_HANDLER CmActivateVcCompleteHandler;
  CM_DEACTIVATE_VC_COMPLETE_HANDLER CmDeactivateVcCompleteHandler;
  CM_MODIFY_CALL_QOS_HANDLER CmModifyCallQoSHandler;
  CO_OID_REQUEST_HANDLER CmOidRequestHandler;
  CO_OID_REQUEST_COMPLETE_HANDLER CmOidRequestCompleteHandler;
  CM_NOTIFY_CLOSE_AF_COMPLETE_HANDLER CmNotifyCloseAfCompleteHandler;
} NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, *PNDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS;
#define NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1 1
/* WDK7 stops the size macro at CmOidRequestCompleteHandler (OQ-11). */
#define NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1 \
  (offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, CmOidRequestCompleteHandler) + sizeof(PVOID))
NDIS_STATIC_ASSERT(sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) == 144,
                   "NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS sizeof 76/144");
NDIS_STATIC_ASSERT(NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1 == 136,
                   "CM handlers size macro 72/136 (OQ-11)");
NDIS_STATIC_ASSERT(offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
                            CmNotifyCloseAfCompleteHandler) == 136,
                   "CmNotifyCloseAfCompleteHandler @136 on x64");

/* ---- Address families (spec 3.1-3.4). IRQL and returns per the spec. ---- */

/* CM, from ProtocolBindAdapterEx after NdisOpenAdapterEx (AF-001). PASSIVE.
 * SUCCESS | RESOURCES | FAILURE (AF-004, AF-005). */
NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                          PCO_ADDRESS_FAMILY AddressFamily);
/* MCM, from MiniportInitializeEx (AF-007). PASSIVE. SUCCESS | RESOURCES | FAILURE. */
NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE MiniportAdapterHandle,
                                           PCO_ADDRESS_FAMILY AddressFamily);

/* CL, usually from ProtocolCoAfRegisterNotify. PASSIVE.
 * SUCCESS (client runs its own completion) | PENDING | FAILURE | RESOURCES | CM's status. */
NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE NdisBindingHandle,
                                      PCO_ADDRESS_FAMILY AddressFamily, NDIS_HANDLE ClientAfContext,
                                      PNDIS_HANDLE NdisAfHandle);
/* CMx after ProtocolCmOpenAf returned PENDING. <= DISPATCH. Status != PENDING. */
VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle,
                                     NDIS_HANDLE CallMgrAfContext);
#define NdisMCmOpenAddressFamilyComplete(_S_, _H_, _C_) \
  NdisCmOpenAddressFamilyComplete(_S_, _H_, _C_)

/* CL. <= DISPATCH. The handle is invalid for the client on entry (AF-056). */
NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE NdisAfHandle);
/* CMx after ProtocolCmCloseAf returned PENDING. Status must be SUCCESS (AF-053). */
VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS Status, NDIS_HANDLE NdisAfHandle);
#define NdisMCmCloseAddressFamilyComplete(_S_, _H_) NdisCmCloseAddressFamilyComplete(_S_, _H_)

/* CM from ProtocolUnbindAdapterEx, MCM from MiniportHaltEx. PASSIVE.
 * SUCCESS | PENDING | failure (AF-068). */
NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE NdisAfHandle);
#define NdisMCmNotifyCloseAddressFamily(_AH_) NdisCmNotifyCloseAddressFamily(_AH_)
/* CL after ProtocolClNotifyCloseAf returned PENDING (AF-065, AF-066). */
VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE NdisAfHandle, NDIS_STATUS Status);

/* ---- SAPs (spec 3.5). <= DISPATCH. ---- */
NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE NdisAfHandle, NDIS_HANDLE ProtocolSapContext, PCO_SAP Sap,
                              PNDIS_HANDLE NdisSapHandle);
VOID NdisCmRegisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle,
                               NDIS_HANDLE CallMgrSapContext);
#define NdisMCmRegisterSapComplete(_S_, _H_, _C_) NdisCmRegisterSapComplete(_S_, _H_, _C_)
NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE NdisSapHandle);
VOID NdisCmDeregisterSapComplete(NDIS_STATUS Status, NDIS_HANDLE NdisSapHandle);
#define NdisMCmDeregisterSapComplete(_S_, _H_) NdisCmDeregisterSapComplete(_S_, _H_)

/* ---- VCs (spec 3.6). <= DISPATCH. *NdisVcHandle must be NULL on entry (AF-100). ---- */
NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisAfHandle,
                           NDIS_HANDLE ProtocolVcContext, PNDIS_HANDLE NdisVcHandle);
NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE NdisVcHandle);
NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE NdisAfHandle,
                            NDIS_HANDLE MiniportVcContext, PNDIS_HANDLE NdisVcHandle);
NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE NdisVcHandle);

/* ---- The minimal call path that makes a VC active (AF-106) and an
 * incoming call on a SAP (AF-086, AF-092). <= DISPATCH. ---- */
NDIS_STATUS NdisClMakeCall(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters,
                           NDIS_HANDLE ProtocolPartyContext, PNDIS_HANDLE NdisPartyHandle);
VOID NdisCmMakeCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                            NDIS_HANDLE NdisPartyHandle, NDIS_HANDLE CallMgrPartyContext,
                            PCO_CALL_PARAMETERS CallParameters);
#define NdisMCmMakeCallComplete(_S_, _VH_, _PH_, _CC_, _CP_) \
  NdisCmMakeCallComplete(_S_, _VH_, _PH_, _CC_, _CP_)
NDIS_STATUS NdisClCloseCall(NDIS_HANDLE NdisVcHandle, NDIS_HANDLE NdisPartyHandle, PVOID Buffer,
                            UINT Size);
VOID NdisCmCloseCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                             NDIS_HANDLE NdisPartyHandle);
#define NdisMCmCloseCallComplete(_S_, _VH_, _PH_) NdisCmCloseCallComplete(_S_, _VH_, _PH_)
NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters);
NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE NdisVcHandle, PCO_CALL_PARAMETERS CallParameters);
NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE NdisVcHandle);
NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE NdisVcHandle);
VOID NdisMCoActivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                               PCO_CALL_PARAMETERS CallParameters);
VOID NdisMCoDeactivateVcComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle);
NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE NdisSapHandle, NDIS_HANDLE NdisVcHandle,
                                       PCO_CALL_PARAMETERS CallParameters);
#define NdisMCmDispatchIncomingCall(_SH_, _VH_, _CP_) NdisCmDispatchIncomingCall(_SH_, _VH_, _CP_)
VOID NdisClIncomingCallComplete(NDIS_STATUS Status, NDIS_HANDLE NdisVcHandle,
                                PCO_CALL_PARAMETERS CallParameters);
VOID NdisCmDispatchCallConnected(NDIS_HANDLE NdisVcHandle);
#define NdisMCmDispatchCallConnected(_VH_) NdisCmDispatchCallConnected(_VH_)

NDIS_EXTERN_C_END

#endif /* NDISCONF_API_CONDIS_H_ */
