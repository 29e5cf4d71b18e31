/* ndisconf/api/driver.h: NDIS 6 driver registration, bindings, miniport
 * adapters, work items, spin locks and memory: the parts of ndis.h that the
 * CoNDIS address-family lifecycle stands on (spec 3.7, 4.1).
 *
 * Signatures and member order follow WDK7:ndis.h / the DDI pages. The host
 * (the NDIS model, or another implementation plugged in through
 * ndisconf/boundary/host.h) implements every function declared here.
 *
 * Include <ndis.h>, not this file. */
#ifndef NDISCONF_API_DRIVER_H_
#define NDISCONF_API_DRIVER_H_

#include <string.h>

#include "ndisconf/api/base.h"
#include "ndisconf/api/status.h"

NDIS_EXTERN_C_BEGIN

/* ---- NDIS_OBJECT_HEADER (WDK7:ntddndis.h) ---- */
typedef struct _NDIS_OBJECT_HEADER {
  UCHAR Type;
  UCHAR Revision;
  USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;
NDIS_STATIC_ASSERT(sizeof(NDIS_OBJECT_HEADER) == 4, "NDIS_OBJECT_HEADER");

#define NDIS_OBJECT_TYPE_DEFAULT 0x80
#define NDIS_OBJECT_TYPE_BIND_PARAMETERS 0x86
#define NDIS_OBJECT_TYPE_OPEN_PARAMETERS 0x87
#define NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS 0x8A
#define NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS 0x90
#define NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS 0x91
#define NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS 0x95
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES 0x9E
#define NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS 0xA5
#define NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS 0xA6
#define NDIS_OBJECT_TYPE_STATUS_INDICATION 0x98

/* ---- GUID (guiddef.h; 16 bytes, 4-byte aligned) ---- */
#ifndef NDISCONF_GUID_DEFINED
#define NDISCONF_GUID_DEFINED
typedef struct _GUID {
  ULONG Data1;
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
} GUID, *PGUID;
NDIS_STATIC_ASSERT(sizeof(GUID) == 16, "GUID 16/16");
#endif

/* ---- NDIS_STATUS_INDICATION (NDIS 6; WDK ndis.h, DDI page
 * "NDIS_STATUS_INDICATION structure"). What ProtocolStatusEx and
 * FilterStatus receive. Field order and x64 offsets checked against the
 * public ntdiff/headers dump of ndis.sys (_NDIS_STATUS_INDICATION.h:
 * size 0x70, Guid @0x3c, NdisReserved @0x50). ---- */
typedef ULONG NDIS_PORT_NUMBER, *PNDIS_PORT_NUMBER;
#define NDIS_DEFAULT_PORT_NUMBER ((NDIS_PORT_NUMBER)0)
#define NDIS_STATUS_INDICATION_REVISION_1 1
typedef struct _NDIS_STATUS_INDICATION {
  NDIS_OBJECT_HEADER Header;
  NDIS_HANDLE SourceHandle;
  NDIS_PORT_NUMBER PortNumber;
  NDIS_STATUS StatusCode;
  ULONG Flags;
  NDIS_HANDLE DestinationHandle;
  PVOID RequestId;
  PVOID StatusBuffer;
  ULONG StatusBufferSize;
  GUID Guid;
  PVOID NdisReserved[4];
} NDIS_STATUS_INDICATION, *PNDIS_STATUS_INDICATION;
#define NDIS_SIZEOF_STATUS_INDICATION_REVISION_1 ((USHORT)sizeof(NDIS_STATUS_INDICATION))
NDIS_STATIC_ASSERT(sizeof(NDIS_STATUS_INDICATION) == 112, "NDIS_STATUS_INDICATION 0x70 on x64");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, SourceHandle) == 8, "SourceHandle @8");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, PortNumber) == 16, "PortNumber @16");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, StatusCode) == 20, "StatusCode @20");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, Flags) == 24, "Flags @24");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, DestinationHandle) == 32,
                   "DestinationHandle @32");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, RequestId) == 40, "RequestId @40");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, StatusBuffer) == 48, "StatusBuffer @48");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, StatusBufferSize) == 56,
                   "StatusBufferSize @56");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, Guid) == 60, "Guid @60");
NDIS_STATIC_ASSERT(offsetof(NDIS_STATUS_INDICATION, NdisReserved) == 80, "NdisReserved @80");

/* The two NDIS 6 status-handler shapes (WDK ndis.h): a protocol's
 * ProtocolStatusEx and a filter's FilterStatus. */
typedef VOID (*PROTOCOL_STATUS_EX_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                           PNDIS_STATUS_INDICATION StatusIndication);
typedef VOID (*FILTER_STATUS_HANDLER)(NDIS_HANDLE FilterModuleContext,
                                      PNDIS_STATUS_INDICATION StatusIndication);

/* ---- Media (NDIS_MEDIUM, WDK7:ntddndis.h) ---- */
typedef enum _NDIS_MEDIUM {
  NdisMedium802_3 = 0,
  NdisMedium802_5 = 1,
  NdisMediumFddi = 2,
  NdisMediumWan = 3,
  NdisMediumLocalTalk = 4,
  NdisMediumDix = 5,
  NdisMediumArcnetRaw = 6,
  NdisMediumArcnet878_2 = 7,
  NdisMediumAtm = 8,
  NdisMediumWirelessWan = 9,
  NdisMediumIrda = 10,
  NdisMediumBpc = 11,
  NdisMediumCoWan = 12,
  NdisMedium1394 = 13,
  NdisMediumInfiniBand = 14,
  NdisMediumTunnel = 15,
  NdisMediumNative802_11 = 16,
  NdisMediumLoopback = 17,
  NdisMediumMax
} NDIS_MEDIUM,
    *PNDIS_MEDIUM;
NDIS_STATIC_ASSERT(sizeof(NDIS_MEDIUM) == 4, "enums are 4 bytes (spec 0.3)");

typedef USHORT NET_FRAME_TYPE, *PNET_FRAME_TYPE;

/* ---- Miniport halt action ---- */
typedef enum _NDIS_HALT_ACTION {
  NdisHaltDeviceDisabled = 0,
  NdisHaltDeviceInstanceDeInstalled = 1,
  NdisHaltDevicePoweredDown = 2,
  NdisHaltDeviceSurpriseRemoved = 3,
  NdisHaltDeviceFailed = 4,
  NdisHaltDeviceInitializationFailed = 5,
  NdisHaltDeviceStopped = 6
} NDIS_HALT_ACTION,
    *PNDIS_HALT_ACTION;

/* ---- Bind / open parameters (DDI:ns-ndis-_ndis_bind_parameters,
 * _ndis_open_parameters). The bind parameters carry the prefix of the
 * real structure that protocol drivers read in ProtocolBindAdapterEx. ---- */
typedef struct _NDIS_BIND_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  PNDIS_STRING ProtocolSection;
  PNDIS_STRING AdapterName;
  PDEVICE_OBJECT PhysicalDeviceObject;
  NDIS_MEDIUM MediaType;
  ULONG MtuSize;
  ULONG64 MaxXmitLinkSpeed;
  ULONG64 XmitLinkSpeed;
  ULONG64 MaxRcvLinkSpeed;
  ULONG64 RcvLinkSpeed;
} NDIS_BIND_PARAMETERS, *PNDIS_BIND_PARAMETERS;
#define NDIS_BIND_PARAMETERS_REVISION_1 1

typedef struct _NDIS_OPEN_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  PNDIS_STRING AdapterName;
  PNDIS_MEDIUM MediumArray;
  UINT MediumArraySize;
  PUINT SelectedMediumIndex;
  PNET_FRAME_TYPE FrameTypeArray;
  UINT FrameTypeArraySize;
} NDIS_OPEN_PARAMETERS, *PNDIS_OPEN_PARAMETERS;
#define NDIS_OPEN_PARAMETERS_REVISION_1 1
#define NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1 sizeof(NDIS_OPEN_PARAMETERS)

/* ---- Protocol driver characteristics (DDI:ns-ndis-_ndis_protocol_driver_characteristics) ---- */
typedef NDIS_STATUS (*SET_OPTIONS_HANDLER)(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext);
typedef NDIS_STATUS (*PROTOCOL_BIND_ADAPTER_EX)(NDIS_HANDLE ProtocolDriverContext,
                                                NDIS_HANDLE BindContext,
                                                PNDIS_BIND_PARAMETERS BindParameters);
typedef NDIS_STATUS (*PROTOCOL_UNBIND_ADAPTER_EX)(NDIS_HANDLE UnbindContext,
                                                  NDIS_HANDLE ProtocolBindingContext);
typedef VOID (*PROTOCOL_OPEN_ADAPTER_COMPLETE_EX)(NDIS_HANDLE ProtocolBindingContext,
                                                  NDIS_STATUS Status);
typedef VOID (*PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX)(NDIS_HANDLE ProtocolBindingContext);
typedef NDIS_STATUS (*PROTOCOL_NET_PNP_EVENT)(NDIS_HANDLE ProtocolBindingContext,
                                              PVOID NetPnPEventNotification);
typedef VOID (*PROTOCOL_UNINSTALL)(VOID);
typedef VOID (*PROTOCOL_OID_REQUEST_COMPLETE)(NDIS_HANDLE ProtocolBindingContext, PVOID OidRequest,
                                              NDIS_STATUS Status);
typedef VOID (*PROTOCOL_STATUS_EX)(NDIS_HANDLE ProtocolBindingContext, PVOID StatusIndication);
typedef VOID (*PROTOCOL_RECEIVE_NET_BUFFER_LISTS)(NDIS_HANDLE ProtocolBindingContext,
                                                  PVOID NetBufferLists, ULONG PortNumber,
                                                  ULONG NumberOfNetBufferLists, ULONG ReceiveFlags);
typedef VOID (*PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE)(NDIS_HANDLE ProtocolBindingContext,
                                                        PVOID NetBufferList,
                                                        ULONG SendCompleteFlags);

typedef struct _NDIS_PROTOCOL_DRIVER_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header;
  UCHAR MajorNdisVersion;
  UCHAR MinorNdisVersion;
  UCHAR MajorDriverVersion;
  UCHAR MinorDriverVersion;
  ULONG Flags;
  NDIS_STRING Name;
  SET_OPTIONS_HANDLER SetOptionsHandler;
  PROTOCOL_BIND_ADAPTER_EX BindAdapterHandlerEx;
  PROTOCOL_UNBIND_ADAPTER_EX UnbindAdapterHandlerEx;
  PROTOCOL_OPEN_ADAPTER_COMPLETE_EX OpenAdapterCompleteHandlerEx;
  PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX CloseAdapterCompleteHandlerEx;
  PROTOCOL_NET_PNP_EVENT NetPnPEventHandler;
  PROTOCOL_UNINSTALL UninstallHandler;
  PROTOCOL_OID_REQUEST_COMPLETE OidRequestCompleteHandler;
  PROTOCOL_STATUS_EX StatusHandlerEx;
  PROTOCOL_RECEIVE_NET_BUFFER_LISTS ReceiveNetBufferListsHandler;
  PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE SendNetBufferListsCompleteHandler;
} NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, *PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS;
#define NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 \
  sizeof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS)
NDIS_STATIC_ASSERT(offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, Name) == 16,
                   "protocol characteristics: Name @16 on x64");
NDIS_STATIC_ASSERT(offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SetOptionsHandler) == 32,
                   "protocol characteristics: SetOptionsHandler @32 on x64");

/* ---- Miniport driver characteristics (DDI:ns-ndis-_ndis_miniport_driver_characteristics) ---- */
typedef struct _NDIS_MINIPORT_INIT_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  ULONG Flags;
  PVOID AllocatedResources;
  NDIS_HANDLE IMDeviceInstanceContext;
  NDIS_HANDLE MiniportAddDeviceContext;
  ULONG IfIndex;
  ULONG64 NetLuid;
} NDIS_MINIPORT_INIT_PARAMETERS, *PNDIS_MINIPORT_INIT_PARAMETERS;

typedef NDIS_STATUS (*MINIPORT_INITIALIZE)(NDIS_HANDLE NdisMiniportHandle,
                                           NDIS_HANDLE MiniportDriverContext,
                                           PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters);
typedef VOID (*MINIPORT_HALT)(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction);
typedef VOID (*MINIPORT_UNLOAD)(PDRIVER_OBJECT DriverObject);
typedef NDIS_STATUS (*MINIPORT_PAUSE)(NDIS_HANDLE MiniportAdapterContext, PVOID PauseParameters);
typedef NDIS_STATUS (*MINIPORT_RESTART)(NDIS_HANDLE MiniportAdapterContext,
                                        PVOID RestartParameters);
typedef NDIS_STATUS (*MINIPORT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PVOID OidRequest);
typedef VOID (*MINIPORT_SEND_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext,
                                               PVOID NetBufferList, ULONG PortNumber,
                                               ULONG SendFlags);
typedef VOID (*MINIPORT_RETURN_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext,
                                                 PVOID NetBufferLists, ULONG ReturnFlags);
typedef VOID (*MINIPORT_CANCEL_SEND)(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId);
typedef BOOLEAN (*MINIPORT_CHECK_FOR_HANG)(NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*MINIPORT_RESET)(NDIS_HANDLE MiniportAdapterContext, BOOLEAN* AddressingReset);
typedef VOID (*MINIPORT_DEVICE_PNP_EVENT_NOTIFY)(NDIS_HANDLE MiniportAdapterContext,
                                                 PVOID NetDevicePnPEvent);
typedef VOID (*MINIPORT_SHUTDOWN)(NDIS_HANDLE MiniportAdapterContext, ULONG ShutdownAction);
typedef VOID (*MINIPORT_CANCEL_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId);

typedef struct _NDIS_MINIPORT_DRIVER_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header;
  UCHAR MajorNdisVersion;
  UCHAR MinorNdisVersion;
  UCHAR MajorDriverVersion;
  UCHAR MinorDriverVersion;
  ULONG Flags;
  SET_OPTIONS_HANDLER SetOptionsHandler;
  MINIPORT_INITIALIZE InitializeHandlerEx;
  MINIPORT_HALT HaltHandlerEx;
  MINIPORT_UNLOAD UnloadHandler;
  MINIPORT_PAUSE PauseHandler;
  MINIPORT_RESTART RestartHandler;
  MINIPORT_OID_REQUEST OidRequestHandler;
  MINIPORT_SEND_NET_BUFFER_LISTS SendNetBufferListsHandler;
  MINIPORT_RETURN_NET_BUFFER_LISTS ReturnNetBufferListsHandler;
  MINIPORT_CANCEL_SEND CancelSendHandler;
  MINIPORT_CHECK_FOR_HANG CheckForHangHandlerEx;
  MINIPORT_RESET ResetHandlerEx;
  MINIPORT_DEVICE_PNP_EVENT_NOTIFY DevicePnPEventNotifyHandler;
  MINIPORT_SHUTDOWN ShutdownHandlerEx;
  MINIPORT_CANCEL_OID_REQUEST CancelOidRequestHandler;
} NDIS_MINIPORT_DRIVER_CHARACTERISTICS, *PNDIS_MINIPORT_DRIVER_CHARACTERISTICS;
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 \
  sizeof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS)
NDIS_STATIC_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SetOptionsHandler) == 16,
                   "miniport characteristics: SetOptionsHandler @16 on x64");

/* Registration attributes: how a miniport hands NDIS its
 * MiniportAdapterContext from MiniportInitializeEx. */
typedef struct _NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES {
  NDIS_OBJECT_HEADER Header;
  NDIS_HANDLE MiniportAdapterContext;
  ULONG AttributeFlags;
  UINT CheckForHangTimeInSeconds;
  ULONG InterfaceType;
} NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
#define NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 1
#define NDIS_MINIPORT_ATTRIBUTES_DESERIALIZE 0x00000004
typedef union _NDIS_MINIPORT_ADAPTER_ATTRIBUTES {
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES RegistrationAttributes;
} NDIS_MINIPORT_ADAPTER_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_ATTRIBUTES;

/* Driver-level optional handlers: any structure that starts with an
 * NDIS_OBJECT_HEADER whose Type names it (CO characteristics, CO client or
 * call-manager handlers). */
typedef struct _NDIS_DRIVER_OPTIONAL_HANDLERS {
  NDIS_OBJECT_HEADER Header;
} NDIS_DRIVER_OPTIONAL_HANDLERS, *PNDIS_DRIVER_OPTIONAL_HANDLERS;

/* ---- Registration. IRQL: PASSIVE_LEVEL (DriverEntry). ---- */

/* Registers a protocol driver. Returns SUCCESS, or BAD_CHARACTERISTICS for a
 * malformed header or a missing required handler, BAD_VERSION for an
 * unsupported NDIS version, INVALID_PARAMETER for NULL pointers, RESOURCES.
 * NDIS calls SetOptionsHandler before this returns. */
NDIS_STATUS NdisRegisterProtocolDriver(
    NDIS_HANDLE ProtocolDriverContext,
    PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS ProtocolCharacteristics, PNDIS_HANDLE NdisProtocolHandle);
VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle);

NDIS_STATUS NdisMRegisterMiniportDriver(
    PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath, NDIS_HANDLE MiniportDriverContext,
    PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
    PNDIS_HANDLE NdisMiniportDriverHandle);
VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle);

/* From ProtocolSetOptions / MiniportSetOptions only (spec 3.1, AF-130/131/137).
 * Returns SUCCESS, BAD_CHARACTERISTICS (OQ-18) or FAILURE outside SetOptions. */
NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisDriverHandle,
                                    PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers);

/* From MiniportInitializeEx. */
NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes);

/* ---- Bindings (spec 3.7). ---- */
NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                              PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                              PNDIS_HANDLE NdisBindingHandle);
VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status);
NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle);
VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext);
NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE NdisBindingHandle);

/* ---- Work items (the only way a driver defers work in the model: the
 * scheduler, an input of every run, decides when they run). PASSIVE_LEVEL. ---- */
typedef VOID (*NDIS_IO_WORKITEM_ROUTINE)(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle);
VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                         PVOID WorkItemContext);
VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle);

/* ---- Spin locks: acquiring raises the current IRQL to DISPATCH_LEVEL. ---- */
typedef struct _NDIS_SPIN_LOCK {
  ULONG_PTR SpinLock;
  KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;
VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);

/* ---- Events (NDIS_EVENT over a KEVENT, 24 bytes on x64). A wait is the
 * one place a driver blocks: in the model, NdisWaitEvent runs other ready
 * work through the scheduler until the event is signalled, which is what
 * other threads would do meanwhile on Windows. PASSIVE_LEVEL for the wait;
 * set/reset at <= DISPATCH_LEVEL. ---- */
typedef struct _NDIS_EVENT {
  ULONG_PTR Event[3];
} NDIS_EVENT, *PNDIS_EVENT;
NDIS_STATIC_ASSERT(sizeof(NDIS_EVENT) == 24, "NDIS_EVENT (KEVENT) x64 size");
VOID NdisInitializeEvent(PNDIS_EVENT Event);
VOID NdisSetEvent(PNDIS_EVENT Event);
VOID NdisResetEvent(PNDIS_EVENT Event);
/* Returns TRUE once the event is signalled; FALSE if MsToWait elapsed first.
 * The model has no clock: it returns FALSE when no other work is ready that
 * could signal the event (for any MsToWait, 0 = "forever" included, which
 * on Windows would hang), and records that as a Rejection. */
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait);

/* The IRQL of the running code path (WDK: KeGetCurrentIrql). */
KIRQL NdisGetCurrentIrql(VOID);
#define NDIS_CURRENT_IRQL() NdisGetCurrentIrql()

/* ---- Memory. Returns NULL on failure (the model can inject failures). ---- */
typedef enum _EX_POOL_PRIORITY {
  LowPoolPriority = 0,
  NormalPoolPriority = 16,
  HighPoolPriority = 32
} EX_POOL_PRIORITY;
PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                        EX_POOL_PRIORITY Priority);
VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag);
/* Macros in the WDK too (over RtlZeroMemory / RtlCopyMemory). */
#define NdisZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define NdisMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
/* 1 if the Length bytes are equal, else 0 (WDK: RtlEqualMemory). */
#define NdisEqualMemory(Source1, Source2, Length) (memcmp((Source1), (Source2), (Length)) == 0)
/* The model runs one thread, so these are plain updates; they return the
 * new value, as InterlockedIncrement / InterlockedDecrement do. */
static inline LONG NdisInterlockedIncrement(LONG* Addend) { return ++*Addend; }
static inline LONG NdisInterlockedDecrement(LONG* Addend) { return --*Addend; }

NDIS_EXTERN_C_END

#endif /* NDISCONF_API_DRIVER_H_ */
