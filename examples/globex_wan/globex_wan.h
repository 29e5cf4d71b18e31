/*
 * globex_wan.h - GXWAN, the Globex Communications GX-2 ISDN BRI miniport.
 *
 * Copyright (c) Globex Communications. All rights reserved.
 *
 * Private definitions of the miniport: constants, the per-adapter,
 * per-channel, per-line, per-call and per-link contexts, and the entry
 * points NDIS calls.
 */
#ifndef _GLOBEX_WAN_H_
#define _GLOBEX_WAN_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>
#include <wan_nic.h>

#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif

/* Context signatures read as text in a memory dump. */
#define GX_MAKE_TAG(a, b, c, d) \
  ((ULONG)(a) | ((ULONG)(b) << 8) | ((ULONG)(c) << 16) | ((ULONG)(d) << 24))
#define GX_ADAPTER_SIGNATURE GX_MAKE_TAG('G', 'x', 'A', 'd')
#define GX_CALL_SIGNATURE GX_MAKE_TAG('G', 'x', 'C', 'l')
#define GX_LINK_SIGNATURE GX_MAKE_TAG('G', 'x', 'L', 'k')

#define GX_NDIS_MAJOR_VERSION 5
#define GX_NDIS_MINOR_VERSION 1

/*
 * Sizing. No NDIS 5 allocator works without a handle, so every context
 * lives in the static tables below: two boards per machine, a call slot
 * per call from MAKE_CALL or LINE_NEWCALL until CLOSE_CALL. The GX-2 has
 * two B-channels; the GX-8 carrier card shares this driver.
 */
#define GX_MAX_ADAPTERS 2
#define GX_MAX_CHANNELS 8
#define GX_MAX_LINES GX_MAX_CHANNELS /* one TAPI line device per B-channel */
#define GX_MAX_CALLS 16              /* per adapter */

/* Frames: the receive staging buffer bounds the largest frame we accept. */
#define GX_MAX_FRAME_SIZE 4096
#define GX_DEFAULT_FRAME_SIZE 1500
#define GX_MAX_SEND_WINDOW 8 /* NDIS_WAN_INFO.MaxTransmit, at most */

/* What MAKE_CALL dials when TAPI gives no destination (factory setup). */
#define GX_DEFAULT_DIAL_STRING "100"
#define GX_MAX_DIAL_STRING 64
#define GX_MAX_DEVICE_CLASS 32

/* Bearer services the GX-2 carries: 64k unrestricted digital, and V.110
 * rate-adapted modem data. Voice goes to the handset port, not to us. */
#define GX_MEDIA_MODES (LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM)

/* B-channel HDLC with FCS: errored frames are detected, not corrected. */
#define GX_LINE_QUALITY NdisWanErrorControl

/* The OID_TAPI_* range (ntddndis.h numbers them 0x07030101 .. 0x070301FF). */
#define GX_IS_TAPI_OID(Oid) (((Oid)&0xFFFFFF00) == 0x07030100)

typedef struct _GX_ADAPTER GX_ADAPTER, *PGX_ADAPTER;
typedef struct _GX_LINE GX_LINE, *PGX_LINE;
typedef struct _GX_CALL GX_CALL, *PGX_CALL;
typedef struct _GX_LINK GX_LINK, *PGX_LINK;

typedef enum _GX_ADAPTER_STATE {
  GxAdapterFree = 0,
  GxAdapterInitializing,
  GxAdapterRunning,
  GxAdapterHalted
} GX_ADAPTER_STATE;

typedef struct _GX_GLOBALS {
  NDIS_HANDLE NdisWrapperHandle;
  ULONG_PTR NextHandle; /* hdLine / hdCall values, never reused */
} GX_GLOBALS, *PGX_GLOBALS;

/* The data link of a call: NdisLinkHandle == the GX_LINK. */
struct _GX_LINK {
  ULONG Signature;
  PGX_CALL Call;
  BOOLEAN Up;                  /* between line-up and line-down */
  NDIS_HANDLE NdisLinkContext; /* NDISWAN's, from the initial line-up */
  ULONG LinkSpeed;             /* last indicated, 100 bps units */
  NDIS_WAN_SET_LINK_INFO LinkInfo;
  ULONG FramesSent;
  ULONG FramesReceived;
  ULONG Fragments;
};

/* A TAPI call (hdCall). */
struct _GX_CALL {
  ULONG Signature;
  BOOLEAN InUse; /* from MAKE_CALL / LINE_NEWCALL until CLOSE_CALL */
  PGX_LINE Line;
  HDRV_CALL hdCall;
  HTAPI_CALL htCall;
  BOOLEAN Inbound;
  BOOLEAN HoldsChannel; /* the B-channel is ours until the call ends */
  ULONG Channel;
  ULONG MediaMode;
  ULONG CallState;      /* last LINECALLSTATE_* indicated, 0 before any */
  BOOLEAN NicConnected; /* the board reported CallConnected */
  GX_LINK Link;
};

/* A TAPI line device: one per B-channel. */
struct _GX_LINE {
  ULONG Index;
  ULONG Channel;
  ULONG DeviceId; /* ulDeviceIDBase + Index */
  BOOLEAN Open;
  HTAPI_LINE htLine;
  HDRV_LINE hdLine;
  ULONG MediaModes; /* SET_DEFAULT_MEDIA_DETECTION; 0 = outbound only */
  ULONG LineStates; /* SET_STATUS_MESSAGES */
  ULONG AddressStates;
};

/* A B-channel as the driver sees it. */
typedef struct _GX_CHANNEL {
  LIST_ENTRY TxQueue; /* NDIS_WAN_PACKETs the board holds, oldest first */
  ULONG TxQueued;
  ULONGLONG LinkSpeedBps;
  ULONG MaxFrameBytes;
  ULONG TxQueueCapacity;
} GX_CHANNEL, *PGX_CHANNEL;

struct _GX_ADAPTER {
  ULONG Signature;
  GX_ADAPTER_STATE State;
  NDIS_HANDLE MiniportAdapterHandle;
  PWAN_NIC Nic;
  NDIS_MINIPORT_INTERRUPT Interrupt;
  BOOLEAN InterruptRegistered;
  BOOLEAN NicInterruptEnabled;
  NDIS_SPIN_LOCK Lock; /* protects the channels' transmit queues */
  BOOLEAN LockAllocated;
  ULONG StatusIndications; /* NdisMIndicateStatus calls made, ever */

  ULONG ChannelCount;
  GX_CHANNEL Channels[GX_MAX_CHANNELS];
  ULONG MaxFrameSize;
  ULONG MaxTransmit;

  BOOLEAN ProviderUp; /* between PROVIDER_INITIALIZE and PROVIDER_SHUTDOWN */
  ULONG DeviceIdBase;
  GX_LINE Lines[GX_MAX_LINES];
  GX_CALL Calls[GX_MAX_CALLS];

  UCHAR RxBuffer[GX_MAX_FRAME_SIZE]; /* the frame of the event being handled */
  ULONG RxDropped;
  ULONG OffersRejected;
};

extern GX_GLOBALS GxGlobals;
extern GX_ADAPTER GxAdapters[GX_MAX_ADAPTERS];

/* Miniport entry points. */
NDIS_STATUS GxInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                         PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                         NDIS_HANDLE MiniportAdapterHandle,
                         NDIS_HANDLE WrapperConfigurationContext);
VOID GxHalt(NDIS_HANDLE MiniportAdapterContext);
VOID GxShutdown(NDIS_HANDLE MiniportAdapterContext);
VOID GxPnPEventNotify(NDIS_HANDLE MiniportAdapterContext, ULONG PnPEvent, PVOID InformationBuffer,
                      ULONG InformationBufferLength);
BOOLEAN GxCheckForHang(NDIS_HANDLE MiniportAdapterContext);
NDIS_STATUS GxReset(PBOOLEAN AddressingReset, NDIS_HANDLE MiniportAdapterContext);
VOID GxIsr(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
           NDIS_HANDLE MiniportAdapterContext);
VOID GxHandleInterrupt(NDIS_HANDLE MiniportAdapterContext);
VOID GxDisableInterrupt(NDIS_HANDLE MiniportAdapterContext);
VOID GxEnableInterrupt(NDIS_HANDLE MiniportAdapterContext);
NDIS_STATUS GxQueryInformation(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                               PVOID InformationBuffer, ULONG InformationBufferLength,
                               PULONG BytesWritten, PULONG BytesNeeded);
NDIS_STATUS GxSetInformation(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                             PVOID InformationBuffer, ULONG InformationBufferLength,
                             PULONG BytesRead, PULONG BytesNeeded);
NDIS_STATUS GxWanSend(NDIS_HANDLE MiniportAdapterContext, NDIS_HANDLE NdisLinkHandle,
                      PNDIS_WAN_PACKET Packet);

#endif /* _GLOBEX_WAN_H_ */
