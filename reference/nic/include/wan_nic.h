/* wan_nic.h: the programming interface of ndisconf's WAN NIC, in C.
 *
 * A WAN miniport written in C drives its adapter's hardware through these
 * functions, as a vendor's miniport drives its board through the board's
 * register interface. They are a C view of the NIC abstraction
 * (reference/nic/nic.h, which states the contract in full: what each
 * operation reports later, FIFO order, exactly-once transmit completion);
 * the values of every enumeration equal that header's.
 *
 * Resources: MiniportInitialize calls WanNicOpen with its
 * MiniportAdapterHandle to claim the NIC the harness put in the adapter's
 * slot; MiniportHalt calls WanNicClose. The NIC's interrupt line is wired to
 * NDIS for that adapter: once the miniport has called
 * NdisMRegisterInterrupt, a NIC event makes NDIS run its MiniportISR (and,
 * if asked, MiniportHandleInterrupt), as a real interrupt would.
 *
 * Threading: none. Every function runs synchronously on the caller's thread
 * and never calls back into the driver, except that a function which latches
 * an event may raise the interrupt line before it returns.
 *
 * Bad input never crashes: a NULL or closed WAN_NIC, a channel out of range,
 * a NULL buffer or an overlong length gets the documented failure value. */
#ifndef NDISCONF_WAN_NIC_H_
#define NDISCONF_WAN_NIC_H_

#include <ndis.h>

NDIS_EXTERN_C_BEGIN

/* The adapter's NIC, as WanNicOpen hands it out. Opaque. */
typedef struct _WAN_NIC* PWAN_NIC;

/* Outcome of Dial, Answer, HangUp, Reset, ResetAll and SetFraming
 * (nic::OpStatus). */
typedef enum _WAN_NIC_OP_STATUS {
  WanNicOpOk = 0,              /* done; nothing more is reported */
  WanNicOpPending = 1,         /* started; an event reports the outcome */
  WanNicOpInvalidChannel = 2,  /* no such channel */
  WanNicOpInvalidState = 3,    /* not allowed in the channel's state */
  WanNicOpHung = 4,            /* the channel is hung; only a reset helps */
  WanNicOpInvalidArgument = 5, /* a malformed argument (dial string, framing) */
  WanNicOpNoNic = 6            /* NULL or closed WAN_NIC */
} WAN_NIC_OP_STATUS;

/* Outcome of WanNicTransmit (nic::TxResult). */
typedef enum _WAN_NIC_TX_RESULT {
  WanNicTxQueued = 0,         /* accepted; a TxComplete event accounts for it */
  WanNicTxBusy = 1,           /* the transmit queue is full */
  WanNicTxNoCarrier = 2,      /* no connected call with carrier */
  WanNicTxHung = 3,           /* the channel is hung */
  WanNicTxInvalidChannel = 4, /* no such channel */
  WanNicTxInvalidFrame = 5,   /* empty, NULL, or longer than MaxFrameBytes */
  WanNicTxNoNic = 6           /* NULL or closed WAN_NIC */
} WAN_NIC_TX_RESULT;

typedef enum _WAN_NIC_FRAMING {
  WanNicFramingPpp = 0,
  WanNicFramingRawHdlc = 1,
  WanNicFramingTransparent = 2
} WAN_NIC_FRAMING;

typedef enum _WAN_NIC_CALL_STATE {
  WanNicCallStateIdle = 0,
  WanNicCallStateDialing = 1,
  WanNicCallStateOffered = 2,
  WanNicCallStateAnswering = 3,
  WanNicCallStateConnected = 4
} WAN_NIC_CALL_STATE;

/* The bearer of an incoming call. */
typedef enum _WAN_NIC_BEARER {
  WanNicBearerDigitalData = 0,
  WanNicBearerDataModem = 1,
  WanNicBearerVoice = 2
} WAN_NIC_BEARER;

/* Why a call attempt failed or a call ended. */
typedef enum _WAN_NIC_CALL_END {
  WanNicEndNone = 0,
  WanNicEndRemoteHangUp = 1,
  WanNicEndBusy = 2,
  WanNicEndNoAnswer = 3,
  WanNicEndNoDialTone = 4,
  WanNicEndLinkLoss = 5,
  WanNicEndNicReset = 6,
  WanNicEndOfferWithdrawn = 7
} WAN_NIC_CALL_END;

/* The kinds of status-FIFO entries, and the WAN_NIC_EVENT fields each sets. */
typedef enum _WAN_NIC_EVENT_KIND {
  WanNicEventCarrierUp = 0,      /* LinkSpeedBps */
  WanNicEventCarrierDown = 1,    /* - */
  WanNicEventSpeedChanged = 2,   /* LinkSpeedBps */
  WanNicEventRemoteRinging = 3,  /* - (an outbound call rings at the remote) */
  WanNicEventIncomingCall = 4,   /* CallerId, Bearer; the channel is offered */
  WanNicEventCallConnected = 5,  /* - */
  WanNicEventRemoteHangUp = 6,   /* Reason; the call is idle */
  WanNicEventDialFailed = 7,     /* Reason; the call is idle */
  WanNicEventFrameReceived = 8,  /* the frame, in the data buffer */
  WanNicEventFrameError = 9,     /* Errors; what arrived, in the data buffer */
  WanNicEventTxComplete = 10,    /* TxSent, TxDropped (oldest frames first) */
  WanNicEventResetComplete = 11, /* - ; the channel is idle */
  WanNicEventChannelHung = 12    /* - ; only a reset helps */
} WAN_NIC_EVENT_KIND;

/* Receive error bits: the same values as the WAN_ERROR_* flags of
 * NDIS_MAC_FRAGMENT.Errors, so a miniport may pass them through. */
#define WAN_NIC_ERROR_CRC 0x01
#define WAN_NIC_ERROR_FRAMING 0x02
#define WAN_NIC_ERROR_HARDWARE_OVERRUN 0x04
#define WAN_NIC_ERROR_BUFFER_OVERRUN 0x08
#define WAN_NIC_ERROR_TIMEOUT 0x10
#define WAN_NIC_ERROR_ALIGNMENT 0x20

#define WAN_NIC_MAX_CALLER_ID 64

/* One status-FIFO entry. Fields the kind does not set are zero. */
typedef struct _WAN_NIC_EVENT {
  WAN_NIC_EVENT_KIND Kind;
  ULONG Channel;
  ULONGLONG Tick; /* NIC time at which it was latched */
  ULONGLONG LinkSpeedBps;
  CHAR CallerId[WAN_NIC_MAX_CALLER_ID + 1]; /* NUL-terminated */
  WAN_NIC_BEARER Bearer;
  WAN_NIC_CALL_END Reason;
  ULONG Errors; /* WAN_NIC_ERROR_* bits */
  ULONG TxSent;
  ULONG TxDropped;
  /* The frame's length; at most DataSize bytes of it were copied to Data
   * (DataTruncated then says so). */
  ULONG DataLength;
  BOOLEAN DataTruncated;
} WAN_NIC_EVENT, *PWAN_NIC_EVENT;

/* A channel's status registers. */
typedef struct _WAN_NIC_CHANNEL_STATUS {
  BOOLEAN Carrier;
  BOOLEAN Hung;
  BOOLEAN Resetting;
  WAN_NIC_CALL_STATE CallState;
  WAN_NIC_FRAMING Framing;
  ULONGLONG LinkSpeedBps; /* the line rate, also while idle */
  ULONG TxQueued;         /* frames accepted, not yet completed */
  ULONG TxQueueCapacity;  /* the send window the channel can hold */
  ULONG MaxFrameBytes;
} WAN_NIC_CHANNEL_STATUS, *PWAN_NIC_CHANNEL_STATUS;

/* Claims the NIC in the slot of this adapter. NDIS_STATUS_SUCCESS and *Nic
 * set; NDIS_STATUS_ADAPTER_NOT_FOUND if no NIC is left for it;
 * NDIS_STATUS_INVALID_PARAMETER if Nic is NULL. Call it from
 * MiniportInitialize. */
NDIS_STATUS WanNicOpen(NDIS_HANDLE MiniportAdapterHandle, PWAN_NIC* Nic);

/* Releases the NIC: its interrupt line is disconnected and the handle is
 * invalid from now on (later calls with it fail with WanNicOpNoNic and the
 * like). NULL is ignored. */
VOID WanNicClose(PWAN_NIC Nic);

/* Number of channels (0 for a NULL or closed NIC). */
ULONG WanNicChannelCount(PWAN_NIC Nic);

/* The channel's registers: TRUE and *Status filled, or FALSE (bad NIC,
 * channel or pointer; *Status untouched). */
BOOLEAN WanNicQueryChannel(PWAN_NIC Nic, ULONG Channel, PWAN_NIC_CHANNEL_STATUS Status);

/* Call control. Dial: Number is a NUL-terminated dial string of 1..64
 * characters from "0123456789*#+,PTW"; WanNicOpPending, then
 * RemoteRinging (optional), CarrierUp and CallConnected, or DialFailed.
 * Answer: the offered call; WanNicOpPending, then CarrierUp and
 * CallConnected. HangUp: WanNicOpOk, the call is idle at return (no event;
 * queued frames complete as dropped). */
WAN_NIC_OP_STATUS WanNicDial(PWAN_NIC Nic, ULONG Channel, const CHAR* Number);
WAN_NIC_OP_STATUS WanNicAnswer(PWAN_NIC Nic, ULONG Channel);
WAN_NIC_OP_STATUS WanNicHangUp(PWAN_NIC Nic, ULONG Channel);

/* Resets one channel (or all): the call is dropped without an event,
 * queued frames complete as dropped, then ResetComplete. */
WAN_NIC_OP_STATUS WanNicReset(PWAN_NIC Nic, ULONG Channel);
WAN_NIC_OP_STATUS WanNicResetAll(PWAN_NIC Nic);

/* Framing is a WAN_NIC_FRAMING value, passed as a ULONG so that any value a
 * caller passes is checked (WanNicOpInvalidArgument), not assumed. */
WAN_NIC_OP_STATUS WanNicSetFraming(PWAN_NIC Nic, ULONG Channel, ULONG Framing);

/* Queues one frame (copied). */
WAN_NIC_TX_RESULT WanNicTransmit(PWAN_NIC Nic, ULONG Channel, const UCHAR* Frame, ULONG Length);

/* The interrupt mask (enabled when the NIC is opened): the ISR disables it,
 * the DPC enables it again once it has drained the FIFO. */
VOID WanNicSetInterruptEnabled(PWAN_NIC Nic, BOOLEAN Enabled);

/* Pops the oldest status-FIFO entry into *Event, copying up to DataSize
 * bytes of its frame to Data (which may be NULL when DataSize is 0). TRUE
 * if there was one; FALSE when the FIFO is empty or the arguments are bad. */
BOOLEAN WanNicNextEvent(PWAN_NIC Nic, PWAN_NIC_EVENT Event, PUCHAR Data, ULONG DataSize);

NDIS_EXTERN_C_END

#endif /* NDISCONF_WAN_NIC_H_ */
