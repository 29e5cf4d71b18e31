/* ndisconf/api/ndis5.h: the NDIS 5.1 ("legacy") miniport and protocol
 * surface that the NDIS WAN status-indication path runs on (spec 1.2, 3.9;
 * OQ-19: the NDIS WAN path is modelled as the NDIS 5.1 legacy WAN profile).
 *
 * A WAN miniport registers through NdisMInitializeWrapper and
 * NdisMRegisterMiniport with NDIS_USE_WAN_WRAPPER in Reserved (WAN-095);
 * NDISWAN and the protocols above it register with NdisRegisterProtocol and
 * see status through ProtocolStatus / ProtocolStatusComplete. Names,
 * parameter order and member order follow XPDDK:ndis.h / WDK7:ndis.h.
 *
 * Include <ndis.h>, not this file. */
#ifndef NDISCONF_API_NDIS5_H_
#define NDISCONF_API_NDIS5_H_

#include "ndisconf/api/base.h"
#include "ndisconf/api/driver.h"
#include "ndisconf/api/status.h"

NDIS_EXTERN_C_BEGIN

/* ---- WAN packets (WDK7:ndis.h NDIS_WAN_PACKET; LIST_ENTRY is in base.h) ---- */
typedef struct _NDIS_WAN_PACKET {
  LIST_ENTRY WanPacketQueue;
  PUCHAR CurrentBuffer;
  ULONG CurrentLength;
  PUCHAR StartBuffer;
  PUCHAR EndBuffer;
  PVOID ProtocolReserved1;
  PVOID ProtocolReserved2;
  PVOID ProtocolReserved3;
  PVOID ProtocolReserved4;
  PVOID MacReserved1;
  PVOID MacReserved2;
  PVOID MacReserved3;
  PVOID MacReserved4;
} NDIS_WAN_PACKET, *PNDIS_WAN_PACKET;

/* ---- Requests (NDIS_REQUEST, query and set forms) ---- */
typedef enum _NDIS_REQUEST_TYPE {
  NdisRequestQueryInformation = 0,
  NdisRequestSetInformation = 1,
  NdisRequestQueryStatistics = 2
} NDIS_REQUEST_TYPE,
    *PNDIS_REQUEST_TYPE;

typedef struct _NDIS_REQUEST {
  UCHAR MacReserved[4 * sizeof(PVOID)];
  NDIS_REQUEST_TYPE RequestType;
  union _DATA {
    struct _QUERY_INFORMATION {
      NDIS_OID Oid;
      PVOID InformationBuffer;
      UINT InformationBufferLength;
      UINT BytesWritten;
      UINT BytesNeeded;
    } QUERY_INFORMATION;
    struct _SET_INFORMATION {
      NDIS_OID Oid;
      PVOID InformationBuffer;
      UINT InformationBufferLength;
      UINT BytesRead;
      UINT BytesNeeded;
    } SET_INFORMATION;
  } DATA;
} NDIS_REQUEST, *PNDIS_REQUEST;

typedef enum _NDIS_INTERFACE_TYPE {
  NdisInterfaceInternal = 0,
  NdisInterfaceIsa = 1,
  NdisInterfacePci = 5
} NDIS_INTERFACE_TYPE,
    *PNDIS_INTERFACE_TYPE;

typedef enum _NDIS_INTERRUPT_MODE {
  NdisInterruptLevelSensitive = 0,
  NdisInterruptLatched = 1
} NDIS_INTERRUPT_MODE,
    *PNDIS_INTERRUPT_MODE;

/* Opaque to the miniport: NDIS fills it in NdisMRegisterInterrupt. */
typedef struct _NDIS_MINIPORT_INTERRUPT {
  PVOID Reserved[8];
} NDIS_MINIPORT_INTERRUPT, *PNDIS_MINIPORT_INTERRUPT;

/* NdisMSetAttributesEx flags. */
#define NDIS_ATTRIBUTE_IGNORE_PACKET_TIMEOUT 0x00000001
#define NDIS_ATTRIBUTE_IGNORE_REQUEST_TIMEOUT 0x00000002
#define NDIS_ATTRIBUTE_BUS_MASTER 0x00000008
#define NDIS_ATTRIBUTE_DESERIALIZE 0x00000020

/* ---- NDIS 5.x miniport handlers (W_*) ---- */
typedef BOOLEAN (*W_CHECK_FOR_HANG_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_DISABLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_ENABLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HALT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef VOID (*W_HANDLE_INTERRUPT_HANDLER)(NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_INITIALIZE_HANDLER)(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                            PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                            NDIS_HANDLE MiniportAdapterHandle,
                                            NDIS_HANDLE WrapperConfigurationContext);
typedef VOID (*W_ISR_HANDLER)(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
                              NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_QUERY_INFORMATION_HANDLER)(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                                                   PVOID InformationBuffer,
                                                   ULONG InformationBufferLength,
                                                   PULONG BytesWritten, PULONG BytesNeeded);
typedef NDIS_STATUS (*W_RECONFIGURE_HANDLER)(PNDIS_STATUS OpenErrorStatus,
                                             NDIS_HANDLE MiniportAdapterContext,
                                             NDIS_HANDLE WrapperConfigurationContext);
typedef NDIS_STATUS (*W_RESET_HANDLER)(PBOOLEAN AddressingReset,
                                       NDIS_HANDLE MiniportAdapterContext);
typedef NDIS_STATUS (*W_SEND_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PVOID Packet, UINT Flags);
typedef NDIS_STATUS (*WM_SEND_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                       NDIS_HANDLE NdisLinkHandle, PNDIS_WAN_PACKET Packet);
typedef NDIS_STATUS (*W_SET_INFORMATION_HANDLER)(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                                                 PVOID InformationBuffer,
                                                 ULONG InformationBufferLength, PULONG BytesRead,
                                                 PULONG BytesNeeded);
typedef NDIS_STATUS (*W_TRANSFER_DATA_HANDLER)(PVOID Packet, PUINT BytesTransferred,
                                               NDIS_HANDLE MiniportAdapterContext,
                                               NDIS_HANDLE MiniportReceiveContext, UINT ByteOffset,
                                               UINT BytesToTransfer);
typedef NDIS_STATUS (*WM_TRANSFER_DATA_HANDLER)(VOID);
typedef VOID (*W_RETURN_PACKET_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PVOID Packet);
typedef VOID (*W_SEND_PACKETS_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PVOID* PacketArray,
                                       UINT NumberOfPackets);
typedef VOID (*W_ALLOCATE_COMPLETE_HANDLER)(NDIS_HANDLE MiniportAdapterContext,
                                            PVOID VirtualAddress, PVOID PhysicalAddress,
                                            ULONG Length, PVOID Context);
typedef VOID (*W_CANCEL_SEND_PACKETS_HANDLER)(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId);
typedef VOID (*W_PNP_EVENT_NOTIFY_HANDLER)(NDIS_HANDLE MiniportAdapterContext, ULONG PnPEvent,
                                           PVOID InformationBuffer, ULONG InformationBufferLength);
typedef VOID (*W_MINIPORT_SHUTDOWN_HANDLER)(NDIS_HANDLE MiniportAdapterContext);

/* NDIS 5.0/5.1 miniport characteristics (XPDDK:ndis.h NDIS50_MINIPORT_CHARACTERISTICS). */
typedef struct _NDIS_MINIPORT_CHARACTERISTICS {
  UCHAR MajorNdisVersion;
  UCHAR MinorNdisVersion;
  USHORT Filler;
  UINT Reserved; /* NDIS_USE_WAN_WRAPPER for a WAN miniport (WAN-095) */
  W_CHECK_FOR_HANG_HANDLER CheckForHangHandler;
  W_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;
  W_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;
  W_HALT_HANDLER HaltHandler;
  W_HANDLE_INTERRUPT_HANDLER HandleInterruptHandler;
  W_INITIALIZE_HANDLER InitializeHandler;
  W_ISR_HANDLER ISRHandler;
  W_QUERY_INFORMATION_HANDLER QueryInformationHandler;
  W_RECONFIGURE_HANDLER ReconfigureHandler;
  W_RESET_HANDLER ResetHandler;
  union {
    W_SEND_HANDLER SendHandler;
    WM_SEND_HANDLER WanSendHandler;
  };
  W_SET_INFORMATION_HANDLER SetInformationHandler;
  union {
    W_TRANSFER_DATA_HANDLER TransferDataHandler;
    WM_TRANSFER_DATA_HANDLER WanTransferDataHandler;
  };
  W_RETURN_PACKET_HANDLER ReturnPacketHandler;
  W_SEND_PACKETS_HANDLER SendPacketsHandler;
  W_ALLOCATE_COMPLETE_HANDLER AllocateCompleteHandler;
  W_CANCEL_SEND_PACKETS_HANDLER CancelSendPacketsHandler;
  W_PNP_EVENT_NOTIFY_HANDLER PnPEventNotifyHandler;
  W_MINIPORT_SHUTDOWN_HANDLER AdapterShutdownHandler;
} NDIS_MINIPORT_CHARACTERISTICS, *PNDIS_MINIPORT_CHARACTERISTICS;
typedef NDIS_MINIPORT_CHARACTERISTICS NDIS_WAN_MINIPORT_CHARACTERISTICS;
typedef NDIS_MINIPORT_CHARACTERISTICS* PNDIS_WAN_MINIPORT_CHARACTERISTICS;
NDIS_STATIC_ASSERT(offsetof(NDIS_MINIPORT_CHARACTERISTICS, CheckForHangHandler) == 8,
                   "NDIS 5 miniport characteristics: handlers @8 on x64");
NDIS_STATIC_ASSERT(sizeof(NDIS_MINIPORT_CHARACTERISTICS) == 8 + 19 * sizeof(PVOID),
                   "NDIS 5.1 miniport characteristics: 19 handler slots");

/* ---- NDIS 5.x protocol handlers ---- */
typedef VOID (*OPEN_ADAPTER_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                              NDIS_STATUS Status, NDIS_STATUS OpenErrorStatus);
typedef VOID (*CLOSE_ADAPTER_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                               NDIS_STATUS Status);
typedef VOID (*SEND_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext, PVOID Packet,
                                      NDIS_STATUS Status);
typedef VOID (*WAN_SEND_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                          PNDIS_WAN_PACKET Packet, NDIS_STATUS Status);
typedef VOID (*TRANSFER_DATA_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext, PVOID Packet,
                                               NDIS_STATUS Status, UINT BytesTransferred);
typedef VOID (*WAN_TRANSFER_DATA_COMPLETE_HANDLER)(VOID);
typedef VOID (*RESET_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status);
typedef VOID (*REQUEST_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                         PNDIS_REQUEST NdisRequest, NDIS_STATUS Status);
typedef NDIS_STATUS (*RECEIVE_HANDLER)(NDIS_HANDLE ProtocolBindingContext,
                                       NDIS_HANDLE MacReceiveContext, PVOID HeaderBuffer,
                                       UINT HeaderBufferSize, PVOID LookAheadBuffer,
                                       UINT LookaheadBufferSize, UINT PacketSize);
/* NDISWAN's receive from a WAN miniport: NdisLinkContext names the link. */
typedef NDIS_STATUS (*WAN_RECEIVE_HANDLER)(NDIS_HANDLE NdisLinkContext, PUCHAR Packet,
                                           ULONG PacketSize);
typedef VOID (*RECEIVE_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext);
/* ProtocolStatus / ProtocolStatusComplete (spec 3.9). */
typedef VOID (*STATUS_HANDLER)(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS GeneralStatus,
                               PVOID StatusBuffer, UINT StatusBufferSize);
typedef VOID (*STATUS_COMPLETE_HANDLER)(NDIS_HANDLE ProtocolBindingContext);
typedef VOID (*BIND_HANDLER)(PNDIS_STATUS Status, NDIS_HANDLE BindContext, PNDIS_STRING DeviceName,
                             PVOID SystemSpecific1, PVOID SystemSpecific2);
typedef VOID (*UNBIND_HANDLER)(PNDIS_STATUS Status, NDIS_HANDLE ProtocolBindingContext,
                               NDIS_HANDLE UnbindContext);
typedef NDIS_STATUS (*PNP_EVENT_HANDLER)(NDIS_HANDLE ProtocolBindingContext, PVOID NetPnPEvent);
typedef VOID (*UNLOAD_PROTOCOL_HANDLER)(VOID);

/* NDIS 5.0/5.1 protocol characteristics (XPDDK:ndis.h NDIS50_PROTOCOL_CHARACTERISTICS),
 * without the CoNDIS tail (CoSend/CoStatus/CoReceive/CoAfRegisterNotify),
 * which NDIS 6 replaces with NDIS_PROTOCOL_CO_CHARACTERISTICS. */
typedef struct _NDIS_PROTOCOL_CHARACTERISTICS {
  UCHAR MajorNdisVersion;
  UCHAR MinorNdisVersion;
  USHORT Filler;
  UINT Reserved;
  OPEN_ADAPTER_COMPLETE_HANDLER OpenAdapterCompleteHandler;
  CLOSE_ADAPTER_COMPLETE_HANDLER CloseAdapterCompleteHandler;
  union {
    SEND_COMPLETE_HANDLER SendCompleteHandler;
    WAN_SEND_COMPLETE_HANDLER WanSendCompleteHandler;
  };
  union {
    TRANSFER_DATA_COMPLETE_HANDLER TransferDataCompleteHandler;
    WAN_TRANSFER_DATA_COMPLETE_HANDLER WanTransferDataCompleteHandler;
  };
  RESET_COMPLETE_HANDLER ResetCompleteHandler;
  REQUEST_COMPLETE_HANDLER RequestCompleteHandler;
  union {
    RECEIVE_HANDLER ReceiveHandler;
    WAN_RECEIVE_HANDLER WanReceiveHandler;
  };
  RECEIVE_COMPLETE_HANDLER ReceiveCompleteHandler;
  STATUS_HANDLER StatusHandler;
  STATUS_COMPLETE_HANDLER StatusCompleteHandler;
  NDIS_STRING Name;
  PVOID ReceivePacketHandler;
  BIND_HANDLER BindAdapterHandler;
  UNBIND_HANDLER UnbindAdapterHandler;
  PNP_EVENT_HANDLER PnPEventHandler;
  UNLOAD_PROTOCOL_HANDLER UnloadHandler;
} NDIS_PROTOCOL_CHARACTERISTICS, *PNDIS_PROTOCOL_CHARACTERISTICS;
NDIS_STATIC_ASSERT(offsetof(NDIS_PROTOCOL_CHARACTERISTICS, OpenAdapterCompleteHandler) == 8,
                   "NDIS 5 protocol characteristics: handlers @8 on x64");
NDIS_STATIC_ASSERT(offsetof(NDIS_PROTOCOL_CHARACTERISTICS, Name) == 88,
                   "NDIS 5 protocol characteristics: Name after 10 handlers");

/* ---- Miniport functions (WAN miniport; NDIS 5.1). ---- */

/* DriverEntry, first NDIS call. PASSIVE. */
VOID NdisMInitializeWrapper(PNDIS_HANDLE NdisWrapperHandle, PVOID SystemSpecific1,
                            PVOID SystemSpecific2, PVOID SystemSpecific3);
/* DriverEntry. SUCCESS | BAD_VERSION | BAD_CHARACTERISTICS | RESOURCES. PASSIVE. */
NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE NdisWrapperHandle,
                                  PNDIS_MINIPORT_CHARACTERISTICS MiniportCharacteristics,
                                  UINT CharacteristicsLength);
/* From MiniportInitialize: hands NDIS the MiniportAdapterContext; the
 * DESERIALIZE flag decides the IRQL rule of NdisMIndicateStatus (OQ-27). */
VOID NdisMSetAttributesEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportAdapterContext,
                          UINT CheckForHangTimeInSeconds, ULONG AttributeFlags,
                          NDIS_INTERFACE_TYPE AdapterType);
/* Interrupts: NDIS calls ISRHandler at device IRQL when the hardware
 * interrupts; if it asks, HandleInterruptHandler runs later as a DPC at
 * DISPATCH_LEVEL. */
NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt,
                                   NDIS_HANDLE MiniportAdapterHandle, UINT InterruptVector,
                                   UINT InterruptLevel, BOOLEAN RequestIsr, BOOLEAN SharedInterrupt,
                                   NDIS_INTERRUPT_MODE InterruptMode);
VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT Interrupt);

/* Status indications (spec 3.9, 2.9; WAN-001..012). Not from MiniportISR,
 * MiniportHalt or MiniportShutdown; serialized miniports at DISPATCH_LEVEL,
 * deserialized at <= DISPATCH_LEVEL. NDIS passes StatusBuffer by reference
 * to every bound protocol's ProtocolStatus (WAN-103). */
VOID NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus, PVOID StatusBuffer,
                         UINT StatusBufferSize);
VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle);

/* Completion of a query or set the miniport returned PENDING for. */
VOID NdisMQueryInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status);
VOID NdisMSetInformationComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status);

/* WAN data path. */
VOID NdisMWanSendComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_WAN_PACKET Packet,
                          NDIS_STATUS Status);
VOID NdisMWanIndicateReceive(PNDIS_STATUS Status, NDIS_HANDLE MiniportAdapterHandle,
                             NDIS_HANDLE NdisLinkContext, PUCHAR Packet, ULONG PacketSize);
VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE MiniportAdapterHandle,
                                     NDIS_HANDLE NdisLinkContext);

/* ---- Protocol functions (NDISWAN and the protocols above it; NDIS 5.1). ---- */
VOID NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                          PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                          UINT CharacteristicsLength);
VOID NdisDeregisterProtocol(PNDIS_STATUS Status, NDIS_HANDLE NdisProtocolHandle);
/* From ProtocolBindAdapter. *Status: SUCCESS | PENDING (then
 * OpenAdapterCompleteHandler) | UNSUPPORTED_MEDIA | ADAPTER_NOT_FOUND | FAILURE. */
VOID NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                     PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                     PNDIS_MEDIUM MediumArray, UINT MediumArraySize, NDIS_HANDLE NdisProtocolHandle,
                     NDIS_HANDLE ProtocolBindingContext, PNDIS_STRING AdapterName, UINT OpenOptions,
                     PVOID AddressingInformation);
VOID NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle);
VOID NdisCompleteBindAdapter(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                             NDIS_STATUS OpenStatus);
VOID NdisCompleteUnbindAdapter(NDIS_HANDLE UnbindAdapterContext, NDIS_STATUS Status);
/* Query/set to the bound miniport (MiniportQueryInformation /
 * MiniportSetInformation). *Status: the miniport's status, or PENDING (then
 * RequestCompleteHandler). */
VOID NdisRequest(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle, PNDIS_REQUEST NdisRequest);
/* NDISWAN's send on a link: MiniportWanSend(ctx, NdisLinkHandle, Packet). */
VOID NdisWanSend(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle, NDIS_HANDLE NdisLinkHandle,
                 PNDIS_WAN_PACKET Packet);

NDIS_EXTERN_C_END

#endif /* NDISCONF_API_NDIS5_H_ */
