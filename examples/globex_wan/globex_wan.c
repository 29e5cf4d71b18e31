/*
 * globex_wan.c - GXWAN, the Globex Communications GX-2 ISDN BRI miniport.
 *
 * Copyright (c) Globex Communications. All rights reserved.
 *
 * GXWAN is an NDIS 5.1 WAN miniport (NDIS_USE_WAN_WRAPPER) for the GX-2
 * basic-rate ISDN adapter, and the TAPI service provider of its lines: one
 * TAPI line device per B-channel. NDISWAN binds to it, NDISTAPI sends it
 * the OID_TAPI_* requests, and RAS gets one data link per connected call.
 *
 * The board latches every change (call progress, received frames, transmit
 * completions) in a status FIFO and raises its interrupt. MiniportISR masks
 * the board and queues the DPC; MiniportHandleInterrupt drains the FIFO at
 * DISPATCH_LEVEL, reports what happened with NdisMIndicateStatus (line-up,
 * line-down, fragment, TAPI events), closes each batch with
 * NdisMIndicateStatusComplete, and unmasks the board again.
 *
 * The miniport is serialized: NDIS never runs two of its handlers at once,
 * apart from the ISR. The adapter lock guards the transmit queues, which the
 * send path and the DPC share, and is never held across a call into NDIS.
 */
#include "globex_wan.h"

GX_GLOBALS GxGlobals;
GX_ADAPTER GxAdapters[GX_MAX_ADAPTERS];

DRIVER_INITIALIZE DriverEntry;

/* Where OID_TAPI_GET_ID keeps its DeviceID and the string body after it. */
#define GX_DEVICE_ID_OFFSET ((ULONG)offsetof(NDIS_TAPI_GET_ID, DeviceID))
#define GX_DEVICE_ID_BODY_OFFSET (GX_DEVICE_ID_OFFSET + (ULONG)sizeof(VAR_STRING))

/* ---- Driver entry and registration ---- */

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_MINIPORT_CHARACTERISTICS Characteristics;

  NdisZeroMemory(&GxGlobals, sizeof(GxGlobals));
  NdisZeroMemory(GxAdapters, sizeof(GxAdapters));
  GxGlobals.NextHandle = 0x4758; /* "GX" */

  NdisMInitializeWrapper(&GxGlobals.NdisWrapperHandle, DriverObject, RegistryPath, NULL);
  if (GxGlobals.NdisWrapperHandle == NULL) return NDIS_STATUS_FAILURE;

  NdisZeroMemory(&Characteristics, sizeof(Characteristics));
  Characteristics.MajorNdisVersion = GX_NDIS_MAJOR_VERSION;
  Characteristics.MinorNdisVersion = GX_NDIS_MINOR_VERSION;
  Characteristics.Reserved = NDIS_USE_WAN_WRAPPER;
  Characteristics.CheckForHangHandler = GxCheckForHang;
  Characteristics.DisableInterruptHandler = GxDisableInterrupt;
  Characteristics.EnableInterruptHandler = GxEnableInterrupt;
  Characteristics.HaltHandler = GxHalt;
  Characteristics.HandleInterruptHandler = GxHandleInterrupt;
  Characteristics.InitializeHandler = GxInitialize;
  Characteristics.ISRHandler = GxIsr;
  Characteristics.QueryInformationHandler = GxQueryInformation;
  Characteristics.ResetHandler = GxReset;
  Characteristics.WanSendHandler = GxWanSend;
  Characteristics.SetInformationHandler = GxSetInformation;
  Characteristics.PnPEventNotifyHandler = GxPnPEventNotify;
  Characteristics.AdapterShutdownHandler = GxShutdown;

  return NdisMRegisterMiniport(GxGlobals.NdisWrapperHandle, &Characteristics,
                               sizeof(Characteristics));
}

/* ---- Lookups ---- */

static ULONG_PTR GxNewHandle(VOID) { return GxGlobals.NextHandle++; }

static PGX_LINE GxFindLine(PGX_ADAPTER Adapter, HDRV_LINE hdLine) {
  ULONG i;

  if (hdLine == 0) return NULL;
  for (i = 0; i < Adapter->ChannelCount; i++) {
    if (Adapter->Lines[i].Open && Adapter->Lines[i].hdLine == hdLine) return &Adapter->Lines[i];
  }
  return NULL;
}

static PGX_CALL GxFindCall(PGX_ADAPTER Adapter, HDRV_CALL hdCall) {
  ULONG i;

  if (hdCall == 0) return NULL;
  for (i = 0; i < GX_MAX_CALLS; i++) {
    if (Adapter->Calls[i].InUse && Adapter->Calls[i].hdCall == hdCall) return &Adapter->Calls[i];
  }
  return NULL;
}

/* The call holding a B-channel: a live call. */
static PGX_CALL GxCallOnChannel(PGX_ADAPTER Adapter, ULONG Channel) {
  ULONG i;

  for (i = 0; i < GX_MAX_CALLS; i++) {
    PGX_CALL Call = &Adapter->Calls[i];
    if (Call->InUse && Call->HoldsChannel && Call->Channel == Channel) return Call;
  }
  return NULL;
}

/* NdisLinkHandle comes from NDISWAN: look it up, never dereference it. */
static PGX_LINK GxFindLink(PGX_ADAPTER Adapter, NDIS_HANDLE NdisLinkHandle) {
  ULONG i;

  for (i = 0; i < GX_MAX_CALLS; i++) {
    PGX_CALL Call = &Adapter->Calls[i];
    if (Call->InUse && (NDIS_HANDLE)&Call->Link == NdisLinkHandle) return &Call->Link;
  }
  return NULL;
}

static PGX_CALL GxAllocateCall(PGX_ADAPTER Adapter, PGX_LINE Line) {
  ULONG i;

  for (i = 0; i < GX_MAX_CALLS; i++) {
    PGX_CALL Call = &Adapter->Calls[i];
    if (Call->InUse) continue;
    NdisZeroMemory(Call, sizeof(*Call));
    Call->Signature = GX_CALL_SIGNATURE;
    Call->InUse = TRUE;
    Call->Line = Line;
    Call->Channel = Line->Channel;
    Call->hdCall = GxNewHandle();
    Call->Link.Signature = GX_LINK_SIGNATURE;
    Call->Link.Call = Call;
    return Call;
  }
  return NULL;
}

static ULONG GxLinkSpeed(ULONGLONG Bps) {
  ULONGLONG Speed = Bps / 100; /* NDIS_MAC_LINE_UP counts in 100 bps */
  return Speed > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)Speed;
}

/* Re-reads a B-channel's registers (line rate, frame size, queue depth). */
static VOID GxRefreshChannel(PGX_ADAPTER Adapter, ULONG Index) {
  WAN_NIC_CHANNEL_STATUS Registers;
  PGX_CHANNEL Channel = &Adapter->Channels[Index];

  if (!WanNicQueryChannel(Adapter->Nic, Index, &Registers)) return;
  Channel->LinkSpeedBps = Registers.LinkSpeedBps;
  Channel->MaxFrameBytes = Registers.MaxFrameBytes;
  Channel->TxQueueCapacity = Registers.TxQueueCapacity;
}

/* ---- Status indications ---- */

/*
 * Every entry point that may indicate notes StatusIndications on entry and
 * calls GxCompleteStatus before it returns, which closes its batch.
 */
static VOID GxIndicateStatus(PGX_ADAPTER Adapter, NDIS_STATUS Status, PVOID Buffer, UINT Size) {
  Adapter->StatusIndications++;
  NdisMIndicateStatus(Adapter->MiniportAdapterHandle, Status, Buffer, Size);
}

static VOID GxCompleteStatus(PGX_ADAPTER Adapter, ULONG IndicationsOnEntry) {
  if (Adapter->StatusIndications != IndicationsOnEntry) {
    NdisMIndicateStatusComplete(Adapter->MiniportAdapterHandle);
  }
}

/* NDIS_STATUS_TAPI_INDICATION; *Event is what came back from NDISTAPI. */
static VOID GxIndicateTapiEvent(PGX_ADAPTER Adapter, HTAPI_LINE htLine, HTAPI_CALL htCall,
                                ULONG Msg, ULONG_PTR Param1, ULONG_PTR Param2, ULONG_PTR Param3,
                                PNDIS_TAPI_EVENT Event) {
  NdisZeroMemory(Event, sizeof(*Event));
  Event->htLine = htLine;
  Event->htCall = htCall;
  Event->ulMsg = Msg;
  Event->ulParam1 = Param1;
  Event->ulParam2 = Param2;
  Event->ulParam3 = Param3;
  GxIndicateStatus(Adapter, NDIS_STATUS_TAPI_INDICATION, Event, sizeof(*Event));
}

static VOID GxSetCallState(PGX_ADAPTER Adapter, PGX_CALL Call, ULONG CallState, ULONG Detail) {
  NDIS_TAPI_EVENT Event;

  Call->CallState = CallState;
  GxIndicateTapiEvent(Adapter, Call->Line->htLine, Call->htCall, LINE_CALLSTATE, CallState, Detail,
                      Call->MediaMode, &Event);
}

/*
 * NDIS_STATUS_WAN_LINE_UP. The first one of a link goes out with a NULL
 * NdisLinkContext and NDISWAN writes its context into the buffer; later
 * ones (a new line rate) repeat both handles.
 */
static VOID GxLineUp(PGX_ADAPTER Adapter, PGX_LINK Link, ULONG LinkSpeed) {
  NDIS_MAC_LINE_UP LineUp;

  NdisZeroMemory(&LineUp, sizeof(LineUp));
  LineUp.LinkSpeed = LinkSpeed;
  LineUp.Quality = GX_LINE_QUALITY;
  LineUp.SendWindow = 0; /* the adapter's MaxTransmit */
  LineUp.ConnectionWrapperID = (NDIS_HANDLE)Link->Call->htCall;
  LineUp.NdisLinkHandle = (NDIS_HANDLE)Link;
  LineUp.NdisLinkContext = Link->NdisLinkContext;
  GxIndicateStatus(Adapter, NDIS_STATUS_WAN_LINE_UP, &LineUp, sizeof(LineUp));
  Link->LinkSpeed = LinkSpeed;
  if (Link->NdisLinkContext == NULL) {
    Link->NdisLinkContext = LineUp.NdisLinkContext;
    Link->Up = (BOOLEAN)(Link->NdisLinkContext != NULL);
  }
}

static VOID GxLineDown(PGX_ADAPTER Adapter, PGX_LINK Link) {
  NDIS_MAC_LINE_DOWN LineDown;

  if (!Link->Up) return;
  Link->Up = FALSE;
  LineDown.NdisLinkContext = Link->NdisLinkContext;
  GxIndicateStatus(Adapter, NDIS_STATUS_WAN_LINE_DOWN, &LineDown, sizeof(LineDown));
}

/*
 * Ends a call: frees the B-channel (hanging up when we end it), takes its
 * link down and reports the new call state (IDLE after a drop,
 * DISCONNECTED with the reason when the far end or the network ended it).
 */
static VOID GxEndCall(PGX_ADAPTER Adapter, PGX_CALL Call, ULONG CallState, ULONG Mode,
                      BOOLEAN HangUp) {
  if (HangUp && Call->HoldsChannel) (VOID) WanNicHangUp(Adapter->Nic, Call->Channel);
  Call->HoldsChannel = FALSE;
  Call->NicConnected = FALSE;
  GxLineDown(Adapter, &Call->Link);
  if (Call->CallState != CallState) GxSetCallState(Adapter, Call, CallState, Mode);
}

/* CLOSE_CALL: a drop if the call is not idle yet, then hdCall is gone. */
static VOID GxCloseCall(PGX_ADAPTER Adapter, PGX_CALL Call) {
  if (Call->CallState != LINECALLSTATE_IDLE) GxEndCall(Adapter, Call, LINECALLSTATE_IDLE, 0, TRUE);
  Call->InUse = FALSE;
  Call->hdCall = 0;
  Call->htCall = 0;
}

static VOID GxCloseLine(PGX_ADAPTER Adapter, PGX_LINE Line) {
  ULONG i;

  if (!Line->Open) return;
  for (i = 0; i < GX_MAX_CALLS; i++) {
    if (Adapter->Calls[i].InUse && Adapter->Calls[i].Line == Line) {
      GxCloseCall(Adapter, &Adapter->Calls[i]);
    }
  }
  Line->Open = FALSE;
  Line->htLine = 0;
  Line->hdLine = 0;
  Line->MediaModes = 0;
  Line->LineStates = 0;
  Line->AddressStates = 0;
}

static ULONG GxDisconnectMode(WAN_NIC_CALL_END Reason) {
  switch (Reason) {
    case WanNicEndRemoteHangUp:
    case WanNicEndOfferWithdrawn:
      return LINEDISCONNECTMODE_NORMAL;
    case WanNicEndBusy:
      return LINEDISCONNECTMODE_BUSY;
    case WanNicEndNoAnswer:
      return LINEDISCONNECTMODE_NOANSWER;
    case WanNicEndNoDialTone:
      return LINEDISCONNECTMODE_NODIALTONE;
    default:
      return LINEDISCONNECTMODE_UNKNOWN;
  }
}

static ULONG GxMediaModeOfBearer(WAN_NIC_BEARER Bearer) {
  switch (Bearer) {
    case WanNicBearerDigitalData:
      return LINEMEDIAMODE_DIGITALDATA;
    case WanNicBearerDataModem:
      return LINEMEDIAMODE_DATAMODEM;
    case WanNicBearerVoice:
      return LINEMEDIAMODE_INTERACTIVEVOICE;
    default:
      return LINEMEDIAMODE_UNKNOWN;
  }
}

/*
 * The GX-2's receive status bits. The HDLC controller flags frames with a
 * bad FCS and frames that were aborted or mis-framed; we report those.
 */
static ULONG GxTranslateRxErrors(ULONG NicErrors) {
  ULONG Errors = 0;

  if ((NicErrors & WAN_NIC_ERROR_CRC) != 0) Errors |= WAN_ERROR_CRC;
  if ((NicErrors & WAN_NIC_ERROR_FRAMING) != 0) Errors |= WAN_ERROR_FRAMING;
  return Errors;
}

/* ---- Interrupts and the board's events ---- */

VOID GxIsr(PBOOLEAN InterruptRecognized, PBOOLEAN QueueMiniportHandleInterrupt,
           NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  BOOLEAN Ours = (BOOLEAN)(Adapter->State == GxAdapterRunning && Adapter->NicInterruptEnabled);

  /* A masked board cannot interrupt: then it is not ours. */
  if (Ours) {
    Adapter->NicInterruptEnabled = FALSE;
    WanNicSetInterruptEnabled(Adapter->Nic, FALSE);
  }
  *InterruptRecognized = Ours;
  *QueueMiniportHandleInterrupt = Ours;
}

VOID GxDisableInterrupt(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;

  Adapter->NicInterruptEnabled = FALSE;
  WanNicSetInterruptEnabled(Adapter->Nic, FALSE);
}

VOID GxEnableInterrupt(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;

  Adapter->NicInterruptEnabled = TRUE;
  WanNicSetInterruptEnabled(Adapter->Nic, TRUE);
}

/* TxComplete: the oldest Sent frames went out, the Dropped after them did not. */
static VOID GxCompleteSends(PGX_ADAPTER Adapter, ULONG ChannelIndex, ULONG Sent, ULONG Dropped) {
  PGX_CHANNEL Channel = &Adapter->Channels[ChannelIndex];
  LIST_ENTRY Done;
  ULONG Count = 0;
  ULONG i;

  InitializeListHead(&Done);
  NdisDprAcquireSpinLock(&Adapter->Lock);
  while (Count < Sent + Dropped && !IsListEmpty(&Channel->TxQueue)) {
    InsertTailList(&Done, RemoveHeadList(&Channel->TxQueue));
    Channel->TxQueued--;
    Count++;
  }
  NdisDprReleaseSpinLock(&Adapter->Lock);

  for (i = 0; !IsListEmpty(&Done); i++) {
    PNDIS_WAN_PACKET Packet =
        CONTAINING_RECORD(RemoveHeadList(&Done), NDIS_WAN_PACKET, WanPacketQueue);
    NdisMWanSendComplete(Adapter->MiniportAdapterHandle, Packet,
                         i < Sent ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
  }
}

static VOID GxSpeedChanged(PGX_ADAPTER Adapter, ULONG ChannelIndex, PGX_CALL Call, ULONGLONG Bps) {
  if (Bps == 0) return;
  Adapter->Channels[ChannelIndex].LinkSpeedBps = Bps;
  /* An established link learns its new rate from a second line-up. */
  if (Call != NULL && Call->Link.Up && Call->Link.LinkSpeed != GxLinkSpeed(Bps)) {
    GxLineUp(Adapter, &Call->Link, GxLinkSpeed(Bps));
  }
}

static VOID GxIncomingCall(PGX_ADAPTER Adapter, PWAN_NIC_EVENT Event, PGX_CALL Busy) {
  PGX_LINE Line = &Adapter->Lines[Event->Channel];
  ULONG MediaMode = GxMediaModeOfBearer(Event->Bearer);
  NDIS_TAPI_EVENT TapiEvent;
  PGX_CALL Call = NULL;

  if (Busy != NULL) { /* the board offers no call on a channel in use */
    Adapter->OffersRejected++;
    return;
  }
  /* Offered only to an open line that asked for calls of this bearer. */
  if (Adapter->ProviderUp && Line->Open && (Line->MediaModes & MediaMode) != 0) {
    Call = GxAllocateCall(Adapter, Line);
  }
  if (Call == NULL) {
    Adapter->OffersRejected++;
    (VOID) WanNicHangUp(Adapter->Nic, Event->Channel);
    return;
  }
  Call->Inbound = TRUE;
  Call->HoldsChannel = TRUE;
  Call->MediaMode = MediaMode;

  /* NDISTAPI hands us its htCall in ulParam2 before the indication returns. */
  GxIndicateTapiEvent(Adapter, Line->htLine, 0, LINE_NEWCALL, Call->hdCall, 0, 0, &TapiEvent);
  if (TapiEvent.ulParam2 == 0) {
    Call->InUse = FALSE;
    Adapter->OffersRejected++;
    (VOID) WanNicHangUp(Adapter->Nic, Event->Channel);
    return;
  }
  Call->htCall = TapiEvent.ulParam2;
  GxSetCallState(Adapter, Call, LINECALLSTATE_OFFERING, 0);
  if ((Line->LineStates & LINEDEVSTATE_RINGING) != 0) {
    GxIndicateTapiEvent(Adapter, Line->htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 0, 1,
                        &TapiEvent);
  }
}

static VOID GxReceiveError(PGX_ADAPTER Adapter, PGX_CALL Call, ULONG NicErrors) {
  NDIS_MAC_FRAGMENT Fragment;

  if (Call == NULL || !Call->Link.Up) {
    Adapter->RxDropped++;
    return;
  }
  NdisZeroMemory(&Fragment, sizeof(Fragment));
  Fragment.NdisLinkContext = Call->Link.NdisLinkContext;
  Fragment.Errors = GxTranslateRxErrors(NicErrors);
  Call->Link.Fragments++;
  GxIndicateStatus(Adapter, NDIS_STATUS_WAN_FRAGMENT, &Fragment, sizeof(Fragment));
}

static VOID GxReceiveFrame(PGX_ADAPTER Adapter, PGX_CALL Call, PWAN_NIC_EVENT Event) {
  NDIS_STATUS Status;
  PGX_LINK Link;

  if (Call == NULL || !Call->Link.Up || Event->DataLength == 0) {
    Adapter->RxDropped++;
    return;
  }
  if (Event->DataTruncated || Event->DataLength > sizeof(Adapter->RxBuffer)) {
    /* Longer than we can stage: the rest of the frame is lost. */
    GxReceiveError(Adapter, Call, WAN_NIC_ERROR_BUFFER_OVERRUN);
    return;
  }
  Link = &Call->Link;
  NdisMWanIndicateReceive(&Status, Adapter->MiniportAdapterHandle, Link->NdisLinkContext,
                          Adapter->RxBuffer, Event->DataLength);
  NdisMWanIndicateReceiveComplete(Adapter->MiniportAdapterHandle, Link->NdisLinkContext);
  Link->FramesReceived++;
}

VOID GxHandleInterrupt(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  ULONG Indications = Adapter->StatusIndications;
  WAN_NIC_EVENT Event;
  PGX_CALL Call;

  if (Adapter->State != GxAdapterRunning) return;

  while (WanNicNextEvent(Adapter->Nic, &Event, Adapter->RxBuffer, sizeof(Adapter->RxBuffer))) {
    if (Event.Channel >= Adapter->ChannelCount) continue;
    Call = GxCallOnChannel(Adapter, Event.Channel);

    switch (Event.Kind) {
      case WanNicEventCarrierUp:
      case WanNicEventSpeedChanged:
        GxSpeedChanged(Adapter, Event.Channel, Call, Event.LinkSpeedBps);
        break;

      case WanNicEventCarrierDown:
        /* A flap; a call that is lost comes as RemoteHangUp(LinkLoss). */
        break;

      case WanNicEventRemoteRinging:
        if (Call != NULL && !Call->Inbound)
          GxSetCallState(Adapter, Call, LINECALLSTATE_RINGBACK, 0);
        break;

      case WanNicEventIncomingCall:
        GxIncomingCall(Adapter, &Event, Call);
        break;

      case WanNicEventCallConnected:
        if (Call == NULL) break;
        Call->NicConnected = TRUE;
        /* The B-channel is through: tell TAPI, RAS starts PPP on it. */
        GxSetCallState(Adapter, Call, LINECALLSTATE_CONNECTED, 0);
        break;

      case WanNicEventRemoteHangUp:
      case WanNicEventDialFailed:
        if (Call == NULL) break;
        if (Event.Reason == WanNicEndOfferWithdrawn && Call->CallState == LINECALLSTATE_OFFERING) {
          /* Nobody answered the offer: it goes idle, CLOSE_CALL follows. */
          GxEndCall(Adapter, Call, LINECALLSTATE_IDLE, 0, FALSE);
          break;
        }
        GxEndCall(Adapter, Call, LINECALLSTATE_DISCONNECTED, GxDisconnectMode(Event.Reason), FALSE);
        /*
         * The B-channel is idle again and its link is down: nothing more to
         * do for this channel. Events still latched raise the line again
         * once we unmask.
         */
        Adapter->NicInterruptEnabled = TRUE;
        WanNicSetInterruptEnabled(Adapter->Nic, TRUE);
        return;

      case WanNicEventFrameReceived:
        GxReceiveFrame(Adapter, Call, &Event);
        break;

      case WanNicEventFrameError:
        GxReceiveError(Adapter, Call, Event.Errors);
        break;

      case WanNicEventTxComplete:
        GxCompleteSends(Adapter, Event.Channel, Event.TxSent, Event.TxDropped);
        break;

      case WanNicEventResetComplete:
        if (Call != NULL) {
          GxEndCall(Adapter, Call, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN, FALSE);
        }
        break;

      case WanNicEventChannelHung:
      default:
        /* GxCheckForHang reads the hung bit; NDIS then resets us. */
        break;
    }
  }

  GxCompleteStatus(Adapter, Indications);
  Adapter->NicInterruptEnabled = TRUE;
  WanNicSetInterruptEnabled(Adapter->Nic, TRUE);
}

/* ---- WAN and general requests ---- */

static NDIS_STATUS GxQueryValue(PVOID Buffer, ULONG Length, const VOID* Value, ULONG Size,
                                PULONG BytesWritten, PULONG BytesNeeded) {
  if (Length < Size) {
    *BytesNeeded = Size;
    return NDIS_STATUS_BUFFER_TOO_SHORT;
  }
  NdisMoveMemory(Buffer, Value, Size);
  *BytesWritten = Size;
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxQueryWanInfo(PGX_ADAPTER Adapter, PVOID Buffer, ULONG Length,
                                  PULONG BytesWritten, PULONG BytesNeeded) {
  NDIS_WAN_INFO Info;

  NdisZeroMemory(&Info, sizeof(Info));
  Info.MaxFrameSize = Adapter->MaxFrameSize;
  Info.MaxTransmit = Adapter->MaxTransmit;
  Info.HeaderPadding = 0;
  Info.TailPadding = 0;
  Info.Endpoints = Adapter->ChannelCount;
  Info.MemoryFlags = 0;
  Info.HighestAcceptableAddress = -1;
  Info.FramingBits = PPP_FRAMING | TAPI_PROVIDER;
  Info.DesiredACCM = 0;
  return GxQueryValue(Buffer, Length, &Info, sizeof(Info), BytesWritten, BytesNeeded);
}

static NDIS_STATUS GxQueryLinkInfo(PGX_ADAPTER Adapter, PVOID Buffer, ULONG Length,
                                   PULONG BytesWritten, PULONG BytesNeeded) {
  NDIS_WAN_GET_LINK_INFO Info;
  PGX_LINK Link;

  if (Length < sizeof(Info)) {
    *BytesNeeded = sizeof(Info);
    return NDIS_STATUS_BUFFER_TOO_SHORT;
  }
  NdisMoveMemory(&Info, Buffer, sizeof(Info));
  Link = GxFindLink(Adapter, Info.NdisLinkHandle);
  if (Link == NULL || !Link->Up) return NDIS_STATUS_INVALID_DATA;
  Info = Link->LinkInfo;
  Info.NdisLinkHandle = (NDIS_HANDLE)Link;
  if (Info.MaxSendFrameSize == 0) Info.MaxSendFrameSize = Adapter->MaxFrameSize;
  if (Info.MaxRecvFrameSize == 0) Info.MaxRecvFrameSize = Adapter->MaxFrameSize;
  return GxQueryValue(Buffer, Length, &Info, sizeof(Info), BytesWritten, BytesNeeded);
}

static NDIS_STATUS GxSetLinkInfo(PGX_ADAPTER Adapter, PVOID Buffer, ULONG Length, PULONG BytesRead,
                                 PULONG BytesNeeded) {
  NDIS_WAN_SET_LINK_INFO Info;
  WAN_NIC_FRAMING Framing = WanNicFramingRawHdlc;
  PGX_LINK Link;

  if (Length < sizeof(Info)) {
    *BytesNeeded = sizeof(Info);
    return NDIS_STATUS_INVALID_LENGTH;
  }
  NdisMoveMemory(&Info, Buffer, sizeof(Info));
  Link = GxFindLink(Adapter, Info.NdisLinkHandle);
  if (Link == NULL || !Link->Up) return NDIS_STATUS_INVALID_DATA;
  if ((Info.SendFramingBits & (PASS_THROUGH_MODE | RAW_PASS_THROUGH_MODE)) != 0) {
    Framing = WanNicFramingTransparent;
  } else if ((Info.SendFramingBits & PPP_FRAMING) != 0) {
    Framing = WanNicFramingPpp;
  }
  if (WanNicSetFraming(Adapter->Nic, Link->Call->Channel, Framing) != WanNicOpOk) {
    return NDIS_STATUS_FAILURE;
  }
  Link->LinkInfo = Info;
  *BytesRead = sizeof(Info);
  return NDIS_STATUS_SUCCESS;
}

/* ---- TAPI requests ---- */

/* [Offset, Offset + Size) lies inside a buffer of Length bytes. */
static BOOLEAN GxInside(ULONG Length, ULONG Offset, ULONG Size) {
  return (BOOLEAN)(Offset <= Length && Size <= Length - Offset);
}

/* The device class string at Class (Size bytes) is Name, in any case. */
static BOOLEAN GxClassIs(const UCHAR* Class, ULONG Size, const CHAR* Name) {
  ULONG i;

  for (i = 0; Name[i] != '\0'; i++) {
    UCHAR c = (i < Size) ? Class[i] : 0;
    if (c >= 'A' && c <= 'Z') c = (UCHAR)(c - 'A' + 'a');
    if (c != (UCHAR)Name[i]) return FALSE;
  }
  return (BOOLEAN)(i == Size || Class[i] == '\0');
}

/* The smallest buffer each supported TAPI request needs; 0: not supported. */
static ULONG GxTapiRequestSize(NDIS_OID Oid) {
  switch (Oid) {
    case OID_TAPI_PROVIDER_INITIALIZE:
      return sizeof(NDIS_TAPI_PROVIDER_INITIALIZE);
    case OID_TAPI_PROVIDER_SHUTDOWN:
      return sizeof(NDIS_TAPI_PROVIDER_SHUTDOWN);
    case OID_TAPI_OPEN:
      return sizeof(NDIS_TAPI_OPEN);
    case OID_TAPI_CLOSE:
      return sizeof(NDIS_TAPI_CLOSE);
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION:
      return sizeof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION);
    case OID_TAPI_SET_STATUS_MESSAGES:
      return sizeof(NDIS_TAPI_SET_STATUS_MESSAGES);
    case OID_TAPI_MAKE_CALL:
      return sizeof(NDIS_TAPI_MAKE_CALL);
    case OID_TAPI_ACCEPT:
      return offsetof(NDIS_TAPI_ACCEPT, UserUserInfo);
    case OID_TAPI_ANSWER:
      return offsetof(NDIS_TAPI_ANSWER, UserUserInfo);
    case OID_TAPI_DROP:
      return offsetof(NDIS_TAPI_DROP, UserUserInfo);
    case OID_TAPI_CLOSE_CALL:
      return sizeof(NDIS_TAPI_CLOSE_CALL);
    case OID_TAPI_GET_ID:
      return sizeof(NDIS_TAPI_GET_ID);
    default:
      return 0;
  }
}

static NDIS_STATUS GxTapiProviderInitialize(PGX_ADAPTER Adapter, PVOID Buffer, PULONG Done) {
  NDIS_TAPI_PROVIDER_INITIALIZE Request;
  ULONG i;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  for (i = 0; i < Adapter->ChannelCount; i++) {
    if (Adapter->Lines[i].Open) return NDIS_STATUS_TAPI_INUSE;
  }
  /* Our lines are ulDeviceIDBase, ulDeviceIDBase + 1, ... one per B-channel. */
  Adapter->ProviderUp = TRUE;
  Adapter->DeviceIdBase = Request.ulDeviceIDBase;
  for (i = 0; i < Adapter->ChannelCount; i++) {
    PGX_LINE Line = &Adapter->Lines[i];
    NdisZeroMemory(Line, sizeof(*Line));
    Line->Index = i;
    Line->Channel = i;
    Line->DeviceId = Request.ulDeviceIDBase + i;
  }
  Request.ulNumLineDevs = Adapter->ChannelCount;
  Request.ulProviderID = (ULONG_PTR)Adapter->MiniportAdapterHandle;
  NdisMoveMemory(Buffer, &Request, sizeof(Request));
  *Done = sizeof(Request);
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiProviderShutdown(PGX_ADAPTER Adapter) {
  ULONG i;

  for (i = 0; i < Adapter->ChannelCount; i++) GxCloseLine(Adapter, &Adapter->Lines[i]);
  Adapter->ProviderUp = FALSE;
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiOpen(PGX_ADAPTER Adapter, PVOID Buffer, PULONG Done) {
  NDIS_TAPI_OPEN Request;
  PGX_LINE Line;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  if (!Adapter->ProviderUp || Request.ulDeviceID < Adapter->DeviceIdBase ||
      Request.ulDeviceID - Adapter->DeviceIdBase >= Adapter->ChannelCount) {
    return NDIS_STATUS_TAPI_NODEVICE;
  }
  Line = &Adapter->Lines[Request.ulDeviceID - Adapter->DeviceIdBase];
  if (Line->Open) return NDIS_STATUS_TAPI_ALLOCATED;
  Line->Open = TRUE;
  Line->htLine = Request.htLine;
  Line->hdLine = GxNewHandle();
  Line->MediaModes = 0; /* outbound only until SET_DEFAULT_MEDIA_DETECTION */
  Line->LineStates = 0;
  Line->AddressStates = 0;
  Request.hdLine = Line->hdLine;
  NdisMoveMemory(Buffer, &Request, sizeof(Request));
  *Done = sizeof(Request);
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiClose(PGX_ADAPTER Adapter, PVOID Buffer) {
  NDIS_TAPI_CLOSE Request;
  PGX_LINE Line;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  Line = GxFindLine(Adapter, Request.hdLine);
  if (Line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  GxCloseLine(Adapter, Line);
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiSetDefaultMediaDetection(PGX_ADAPTER Adapter, PVOID Buffer) {
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION Request;
  PGX_LINE Line;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  Line = GxFindLine(Adapter, Request.hdLine);
  if (Line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if ((Request.ulMediaModes & ~GX_MEDIA_MODES) != 0) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  Line->MediaModes = Request.ulMediaModes;
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiSetStatusMessages(PGX_ADAPTER Adapter, PVOID Buffer) {
  NDIS_TAPI_SET_STATUS_MESSAGES Request;
  PGX_LINE Line;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  Line = GxFindLine(Adapter, Request.hdLine);
  if (Line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  Line->LineStates = Request.ulLineStates;
  Line->AddressStates = Request.ulAddressStates;
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiMakeCall(PGX_ADAPTER Adapter, PUCHAR Buffer, ULONG Length, PULONG Done) {
  NDIS_TAPI_MAKE_CALL Request;
  CHAR Number[GX_MAX_DIAL_STRING + 1];
  WAN_NIC_CHANNEL_STATUS Registers;
  ULONG MediaMode = LINEMEDIAMODE_DIGITALDATA;
  ULONG Digits = 0;
  WAN_NIC_OP_STATUS Op;
  PGX_LINE Line;
  PGX_CALL Call;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  Line = GxFindLine(Adapter, Request.hdLine);
  if (Line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if (Request.htCall == 0) return NDIS_STATUS_TAPI_INVALPARAM;
  if (!Request.bUseDefaultLineCallParams && Request.LineCallParams.ulMediaMode != 0) {
    MediaMode = Request.LineCallParams.ulMediaMode;
  }
  if ((MediaMode & ~GX_MEDIA_MODES) != 0) return NDIS_STATUS_TAPI_INVALMEDIAMODE;

  /* The called number; none means the factory default. */
  if (Request.ulDestAddressSize != 0) {
    const UCHAR* Dest;
    if (!GxInside(Length, Request.ulDestAddressOffset, Request.ulDestAddressSize)) {
      return NDIS_STATUS_TAPI_INVALADDRESS;
    }
    Dest = Buffer + Request.ulDestAddressOffset;
    while (Digits < Request.ulDestAddressSize && Dest[Digits] != '\0') {
      if (Digits == GX_MAX_DIAL_STRING) return NDIS_STATUS_TAPI_INVALADDRESS;
      Number[Digits] = (CHAR)Dest[Digits];
      Digits++;
    }
  }
  Number[Digits] = '\0';
  if (Digits == 0) NdisMoveMemory(Number, GX_DEFAULT_DIAL_STRING, sizeof(GX_DEFAULT_DIAL_STRING));

  /* The line's B-channel must be free. */
  if (GxCallOnChannel(Adapter, Line->Channel) != NULL ||
      !WanNicQueryChannel(Adapter->Nic, Line->Channel, &Registers) ||
      Registers.CallState != WanNicCallStateIdle || Registers.Hung || Registers.Resetting) {
    return NDIS_STATUS_TAPI_CALLUNAVAIL;
  }
  Call = GxAllocateCall(Adapter, Line);
  if (Call == NULL) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;

  Op = WanNicDial(Adapter->Nic, Line->Channel, Number);
  if (Op != WanNicOpPending && Op != WanNicOpOk) {
    Call->InUse = FALSE;
    if (Op == WanNicOpInvalidArgument) return NDIS_STATUS_TAPI_INVALADDRESS;
    if (Op == WanNicOpInvalidState) return NDIS_STATUS_TAPI_CALLUNAVAIL;
    return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  }
  Call->htCall = Request.htCall;
  Call->HoldsChannel = TRUE;
  Call->MediaMode = MediaMode;

  Request.hdCall = Call->hdCall;
  NdisMoveMemory(Buffer + offsetof(NDIS_TAPI_MAKE_CALL, hdCall), &Request.hdCall,
                 sizeof(Request.hdCall));
  *Done = sizeof(Request);
  GxSetCallState(Adapter, Call, LINECALLSTATE_DIALING, 0);
  return NDIS_STATUS_SUCCESS;
}

/* ACCEPT, ANSWER and DROP start alike: {ulRequestID, hdCall, ...}. */
static PGX_CALL GxCallOfRequest(PGX_ADAPTER Adapter, PVOID Buffer) {
  HDRV_CALL hdCall;

  NdisMoveMemory(&hdCall, (PUCHAR)Buffer + offsetof(NDIS_TAPI_DROP, hdCall), sizeof(hdCall));
  return GxFindCall(Adapter, hdCall);
}

static NDIS_STATUS GxTapiAccept(PGX_ADAPTER Adapter, PVOID Buffer) {
  PGX_CALL Call = GxCallOfRequest(Adapter, Buffer);

  if (Call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (Call->CallState != LINECALLSTATE_OFFERING) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  GxSetCallState(Adapter, Call, LINECALLSTATE_ACCEPTED, 0);
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiAnswer(PGX_ADAPTER Adapter, PVOID Buffer) {
  PGX_CALL Call = GxCallOfRequest(Adapter, Buffer);
  WAN_NIC_OP_STATUS Op;

  if (Call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  /* An ANSWER without ACCEPT accepts too. */
  if (!Call->Inbound || !Call->HoldsChannel ||
      (Call->CallState != LINECALLSTATE_OFFERING && Call->CallState != LINECALLSTATE_ACCEPTED)) {
    return NDIS_STATUS_TAPI_INVALCALLSTATE;
  }
  Op = WanNicAnswer(Adapter->Nic, Call->Channel);
  if (Op == WanNicOpInvalidState) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  if (Op != WanNicOpPending && Op != WanNicOpOk) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  return NDIS_STATUS_SUCCESS; /* CONNECTED follows from the board */
}

static NDIS_STATUS GxTapiDrop(PGX_ADAPTER Adapter, PVOID Buffer) {
  PGX_CALL Call = GxCallOfRequest(Adapter, Buffer);

  if (Call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  /* hdCall stays valid until CLOSE_CALL. */
  if (Call->CallState != LINECALLSTATE_IDLE) GxEndCall(Adapter, Call, LINECALLSTATE_IDLE, 0, TRUE);
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS GxTapiCloseCall(PGX_ADAPTER Adapter, PVOID Buffer) {
  NDIS_TAPI_CLOSE_CALL Request;
  PGX_CALL Call;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  Call = GxFindCall(Adapter, Request.hdCall);
  if (Call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  GxCloseCall(Adapter, Call);
  return NDIS_STATUS_SUCCESS;
}

/*
 * Fills the DeviceID VAR_STRING of a GET_ID with Body, or, when the caller's
 * DeviceID is too small, with the size it needs. Returns the bytes written.
 */
static ULONG GxWriteDeviceId(PUCHAR Buffer, ULONG Length, ULONG Total, const VOID* Body,
                             ULONG BodySize) {
  VAR_STRING DeviceId;
  ULONG Written;

  NdisMoveMemory(&DeviceId, Buffer + GX_DEVICE_ID_OFFSET, sizeof(DeviceId));
  DeviceId.ulNeededSize = sizeof(VAR_STRING) + BodySize;
  DeviceId.ulStringFormat = STRINGFORMAT_BINARY;
  if (DeviceId.ulNeededSize <= Total) {
    DeviceId.ulUsedSize = DeviceId.ulNeededSize;
    DeviceId.ulStringSize = BodySize;
    DeviceId.ulStringOffset = sizeof(VAR_STRING);
    NdisMoveMemory(Buffer + GX_DEVICE_ID_BODY_OFFSET, Body, BodySize);
  } else {
    DeviceId.ulUsedSize = sizeof(VAR_STRING);
    DeviceId.ulStringSize = 0;
    DeviceId.ulStringOffset = 0;
  }
  NdisMoveMemory(Buffer + GX_DEVICE_ID_OFFSET, &DeviceId, sizeof(DeviceId));
  Written = GX_DEVICE_ID_OFFSET + DeviceId.ulUsedSize;
  if (Written < sizeof(NDIS_TAPI_GET_ID)) Written = sizeof(NDIS_TAPI_GET_ID);
  return Written < Length ? Written : Length;
}

/*
 * The data link of a call for GET_ID("ndis"): the first GET_ID of the call
 * makes its line-up, and NDISWAN's NdisLinkContext names it from then on.
 */
static PGX_LINK GxCallLink(PGX_ADAPTER Adapter, PGX_CALL Call) {
  PGX_LINK Link = &Call->Link;

  if (Link->Up) return Link;
  if (Link->NdisLinkContext != NULL) return NULL; /* this call's link came and went */
  GxRefreshChannel(Adapter, Call->Channel);
  GxLineUp(Adapter, Link, GxLinkSpeed(Adapter->Channels[Call->Channel].LinkSpeedBps));
  if (!Link->Up) return NULL; /* nobody took the line-up */
  return Link;
}

static NDIS_STATUS GxTapiGetId(PGX_ADAPTER Adapter, PUCHAR Buffer, ULONG Length, PULONG Done) {
  NDIS_TAPI_GET_ID Request;
  BOOLEAN ClassNdis, ClassTapiLine;
  const UCHAR* Class;
  ULONG Total;
  PGX_LINE Line;
  PGX_CALL Call;
  PGX_LINK Link;

  NdisMoveMemory(&Request, Buffer, sizeof(Request));
  /* The class string lies inside the buffer, clear of the DeviceID header. */
  if (Request.ulDeviceClassOffset < GX_DEVICE_ID_BODY_OFFSET || Request.ulDeviceClassSize == 0 ||
      !GxInside(Length, Request.ulDeviceClassOffset, Request.ulDeviceClassSize) ||
      Buffer[Request.ulDeviceClassOffset] == '\0' ||
      Request.DeviceID.ulTotalSize < sizeof(VAR_STRING)) {
    return NDIS_STATUS_INVALID_DATA;
  }
  Class = Buffer + Request.ulDeviceClassOffset;
  ClassNdis = GxClassIs(Class, Request.ulDeviceClassSize, "ndis");
  ClassTapiLine = GxClassIs(Class, Request.ulDeviceClassSize, "tapi/line");
  Total = Length - GX_DEVICE_ID_OFFSET;
  if (Request.DeviceID.ulTotalSize < Total) Total = Request.DeviceID.ulTotalSize;

  switch (Request.ulSelect) {
    case LINECALLSELECT_LINE:
    case LINECALLSELECT_ADDRESS:
      Line = GxFindLine(Adapter, Request.hdLine);
      if (Line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
      if (Request.ulSelect == LINECALLSELECT_ADDRESS && Request.ulAddressID != 0) {
        return NDIS_STATUS_TAPI_INVALADDRESSID; /* one address per line */
      }
      if (!ClassTapiLine) return NDIS_STATUS_TAPI_NODEVICE;
      *Done = GxWriteDeviceId(Buffer, Length, Total, &Line->DeviceId, sizeof(Line->DeviceId));
      return NDIS_STATUS_SUCCESS;

    case LINECALLSELECT_CALL:
      Call = GxFindCall(Adapter, Request.hdCall);
      if (Call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
      if (ClassTapiLine) {
        *Done = GxWriteDeviceId(Buffer, Length, Total, &Call->Line->DeviceId,
                                sizeof(Call->Line->DeviceId));
        return NDIS_STATUS_SUCCESS;
      }
      if (!ClassNdis) return NDIS_STATUS_TAPI_NODEVICE;
      if (!Call->HoldsChannel) return NDIS_STATUS_FAILURE; /* the call has ended */
      Link = GxCallLink(Adapter, Call);
      if (Link == NULL) return NDIS_STATUS_FAILURE;
      *Done = GxWriteDeviceId(Buffer, Length, Total, &Link->NdisLinkContext,
                              sizeof(Link->NdisLinkContext));
      return NDIS_STATUS_SUCCESS;

    default:
      return NDIS_STATUS_FAILURE;
  }
}

static NDIS_STATUS GxTapiRequest(PGX_ADAPTER Adapter, NDIS_OID Oid, PVOID Buffer, ULONG Length,
                                 PULONG Done, PULONG Needed) {
  ULONG Size = GxTapiRequestSize(Oid);

  if (Size == 0) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
  if (Length < Size) {
    *Needed = Size;
    return NDIS_STATUS_INVALID_LENGTH;
  }
  switch (Oid) {
    case OID_TAPI_PROVIDER_INITIALIZE:
      return GxTapiProviderInitialize(Adapter, Buffer, Done);
    case OID_TAPI_PROVIDER_SHUTDOWN:
      return GxTapiProviderShutdown(Adapter);
    case OID_TAPI_OPEN:
      return GxTapiOpen(Adapter, Buffer, Done);
    case OID_TAPI_CLOSE:
      return GxTapiClose(Adapter, Buffer);
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION:
      return GxTapiSetDefaultMediaDetection(Adapter, Buffer);
    case OID_TAPI_SET_STATUS_MESSAGES:
      return GxTapiSetStatusMessages(Adapter, Buffer);
    case OID_TAPI_MAKE_CALL:
      return GxTapiMakeCall(Adapter, Buffer, Length, Done);
    case OID_TAPI_ACCEPT:
      return GxTapiAccept(Adapter, Buffer);
    case OID_TAPI_ANSWER:
      return GxTapiAnswer(Adapter, Buffer);
    case OID_TAPI_DROP:
      return GxTapiDrop(Adapter, Buffer);
    case OID_TAPI_CLOSE_CALL:
      return GxTapiCloseCall(Adapter, Buffer);
    case OID_TAPI_GET_ID:
      return GxTapiGetId(Adapter, Buffer, Length, Done);
    default:
      return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
  }
}

/* ---- MiniportQueryInformation / MiniportSetInformation ---- */

NDIS_STATUS GxQueryInformation(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                               PVOID InformationBuffer, ULONG InformationBufferLength,
                               PULONG BytesWritten, PULONG BytesNeeded) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  ULONG Indications = Adapter->StatusIndications;
  ULONG Length = InformationBuffer != NULL ? InformationBufferLength : 0;
  ULONG Written = 0, Needed = 0;
  NDIS_WAN_QUALITY Quality = GX_LINE_QUALITY;
  NDIS_STATUS Status;
  ULONGLONG Bps = 0;
  ULONG Value, i;

  if (Adapter->State != GxAdapterRunning) {
    Status = NDIS_STATUS_ADAPTER_NOT_READY;
  } else if (GX_IS_TAPI_OID(Oid)) {
    Status = GxTapiRequest(Adapter, Oid, InformationBuffer, Length, &Written, &Needed);
  } else {
    switch (Oid) {
      case OID_WAN_GET_INFO:
        Status = GxQueryWanInfo(Adapter, InformationBuffer, Length, &Written, &Needed);
        break;
      case OID_WAN_GET_LINK_INFO:
        Status = GxQueryLinkInfo(Adapter, InformationBuffer, Length, &Written, &Needed);
        break;
      case OID_WAN_QUALITY_OF_SERVICE:
        Status =
            GxQueryValue(InformationBuffer, Length, &Quality, sizeof(Quality), &Written, &Needed);
        break;
      case OID_WAN_LINE_COUNT:
        Value = Adapter->ChannelCount;
        Status = GxQueryValue(InformationBuffer, Length, &Value, sizeof(Value), &Written, &Needed);
        break;
      case OID_GEN_LINK_SPEED:
        /* The fastest B-channel, in 100 bps: what a LinkSpeed of 0 keeps. */
        for (i = 0; i < Adapter->ChannelCount; i++) {
          if (Adapter->Channels[i].LinkSpeedBps > Bps) Bps = Adapter->Channels[i].LinkSpeedBps;
        }
        Value = GxLinkSpeed(Bps);
        Status = GxQueryValue(InformationBuffer, Length, &Value, sizeof(Value), &Written, &Needed);
        break;
      default:
        Status = NDIS_STATUS_INVALID_OID;
        break;
    }
  }
  GxCompleteStatus(Adapter, Indications);
  if (BytesWritten != NULL) *BytesWritten = Written;
  if (BytesNeeded != NULL) *BytesNeeded = Needed;
  return Status;
}

NDIS_STATUS GxSetInformation(NDIS_HANDLE MiniportAdapterContext, NDIS_OID Oid,
                             PVOID InformationBuffer, ULONG InformationBufferLength,
                             PULONG BytesRead, PULONG BytesNeeded) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  ULONG Indications = Adapter->StatusIndications;
  ULONG Length = InformationBuffer != NULL ? InformationBufferLength : 0;
  ULONG Read = 0, Needed = 0;
  NDIS_STATUS Status;

  if (Adapter->State != GxAdapterRunning) {
    Status = NDIS_STATUS_ADAPTER_NOT_READY;
  } else if (GX_IS_TAPI_OID(Oid)) {
    Status = GxTapiRequest(Adapter, Oid, InformationBuffer, Length, &Read, &Needed);
    if (Status == NDIS_STATUS_SUCCESS) Read = GxTapiRequestSize(Oid);
  } else if (Oid == OID_WAN_SET_LINK_INFO) {
    Status = GxSetLinkInfo(Adapter, InformationBuffer, Length, &Read, &Needed);
  } else {
    Status = NDIS_STATUS_INVALID_OID;
  }
  GxCompleteStatus(Adapter, Indications);
  if (BytesRead != NULL) *BytesRead = Read;
  if (BytesNeeded != NULL) *BytesNeeded = Needed;
  return Status;
}

/* ---- Send path ---- */

NDIS_STATUS GxWanSend(NDIS_HANDLE MiniportAdapterContext, NDIS_HANDLE NdisLinkHandle,
                      PNDIS_WAN_PACKET Packet) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  PGX_LINK Link = GxFindLink(Adapter, NdisLinkHandle);
  WAN_NIC_TX_RESULT Result;
  PGX_CHANNEL Channel;
  ULONG ChannelIndex;

  if (Adapter->State != GxAdapterRunning || Link == NULL || Packet == NULL) {
    return NDIS_STATUS_INVALID_DATA;
  }
  if (!Link->Up || !Link->Call->HoldsChannel) return NDIS_STATUS_FAILURE;
  if (Packet->CurrentBuffer == NULL || Packet->CurrentLength == 0) {
    return NDIS_STATUS_INVALID_LENGTH;
  }
  ChannelIndex = Link->Call->Channel;
  Channel = &Adapter->Channels[ChannelIndex];

  /* Queued first: the board may report its completion at once. */
  NdisAcquireSpinLock(&Adapter->Lock);
  InsertTailList(&Channel->TxQueue, &Packet->WanPacketQueue);
  Channel->TxQueued++;
  NdisReleaseSpinLock(&Adapter->Lock);

  Result = WanNicTransmit(Adapter->Nic, ChannelIndex, Packet->CurrentBuffer, Packet->CurrentLength);
  if (Result == WanNicTxQueued) {
    Link->FramesSent++;
    return NDIS_STATUS_PENDING; /* NdisMWanSendComplete on TxComplete */
  }

  NdisAcquireSpinLock(&Adapter->Lock);
  RemoveEntryList(&Packet->WanPacketQueue);
  Channel->TxQueued--;
  NdisReleaseSpinLock(&Adapter->Lock);
  switch (Result) {
    case WanNicTxBusy:
      return NDIS_STATUS_RESOURCES;
    case WanNicTxInvalidFrame:
      return NDIS_STATUS_INVALID_LENGTH;
    default:
      return NDIS_STATUS_FAILURE;
  }
}

/* ---- MiniportInitialize / Halt / Reset and the rest ---- */

NDIS_STATUS GxInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                         PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                         NDIS_HANDLE MiniportAdapterHandle,
                         NDIS_HANDLE WrapperConfigurationContext) {
  PGX_ADAPTER Adapter = NULL;
  NDIS_STATUS Status;
  ULONG Window = GX_MAX_SEND_WINDOW;
  UINT Medium;
  ULONG i;

  UNREFERENCED_PARAMETER(WrapperConfigurationContext);

  if (OpenErrorStatus != NULL) *OpenErrorStatus = NDIS_STATUS_SUCCESS;
  for (Medium = 0; MediumArray != NULL && Medium < MediumArraySize; Medium++) {
    if (MediumArray[Medium] == NdisMediumWan) break;
  }
  if (MediumArray == NULL || Medium == MediumArraySize || SelectedMediumIndex == NULL) {
    return NDIS_STATUS_UNSUPPORTED_MEDIA;
  }
  *SelectedMediumIndex = Medium;

  for (i = 0; i < GX_MAX_ADAPTERS; i++) {
    if (GxAdapters[i].State == GxAdapterFree || GxAdapters[i].State == GxAdapterHalted) {
      Adapter = &GxAdapters[i];
      break;
    }
  }
  if (Adapter == NULL) return NDIS_STATUS_RESOURCES;
  NdisZeroMemory(Adapter, sizeof(*Adapter));
  Adapter->Signature = GX_ADAPTER_SIGNATURE;
  Adapter->State = GxAdapterInitializing;
  Adapter->MiniportAdapterHandle = MiniportAdapterHandle;

  /* Serialized: NDIS_ATTRIBUTE_DESERIALIZE is not set. */
  NdisMSetAttributesEx(MiniportAdapterHandle, (NDIS_HANDLE)Adapter, 0,
                       NDIS_ATTRIBUTE_IGNORE_PACKET_TIMEOUT, NdisInterfacePci);

  Status = WanNicOpen(MiniportAdapterHandle, &Adapter->Nic);
  if (Status != NDIS_STATUS_SUCCESS) goto Fail;
  WanNicSetInterruptEnabled(Adapter->Nic, FALSE);
  Adapter->ChannelCount = WanNicChannelCount(Adapter->Nic);
  if (Adapter->ChannelCount > GX_MAX_CHANNELS) Adapter->ChannelCount = GX_MAX_CHANNELS;
  if (Adapter->ChannelCount == 0) {
    Status = NDIS_STATUS_ADAPTER_NOT_FOUND;
    goto Fail;
  }

  Status = NdisMRegisterInterrupt(&Adapter->Interrupt, MiniportAdapterHandle, 0, 0, TRUE, FALSE,
                                  NdisInterruptLevelSensitive);
  if (Status != NDIS_STATUS_SUCCESS) goto Fail;
  Adapter->InterruptRegistered = TRUE;
  NdisAllocateSpinLock(&Adapter->Lock);
  Adapter->LockAllocated = TRUE;

  /* The send window and frame size are the smallest any B-channel offers. */
  Adapter->MaxFrameSize = GX_MAX_FRAME_SIZE;
  for (i = 0; i < Adapter->ChannelCount; i++) {
    PGX_CHANNEL Channel = &Adapter->Channels[i];
    InitializeListHead(&Channel->TxQueue);
    Channel->MaxFrameBytes = GX_DEFAULT_FRAME_SIZE;
    GxRefreshChannel(Adapter, i);
    if (Channel->MaxFrameBytes != 0 && Channel->MaxFrameBytes < Adapter->MaxFrameSize) {
      Adapter->MaxFrameSize = Channel->MaxFrameBytes;
    }
    if (Channel->TxQueueCapacity != 0 && Channel->TxQueueCapacity < Window) {
      Window = Channel->TxQueueCapacity;
    }
  }
  Adapter->MaxTransmit = Window;

  Adapter->State = GxAdapterRunning;
  Adapter->NicInterruptEnabled = TRUE;
  WanNicSetInterruptEnabled(Adapter->Nic, TRUE);
  return NDIS_STATUS_SUCCESS;

Fail:
  if (Adapter->Nic != NULL) WanNicClose(Adapter->Nic);
  NdisZeroMemory(Adapter, sizeof(*Adapter));
  return Status;
}

VOID GxHalt(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  LIST_ENTRY Done;
  ULONG i;

  /* No indications from here: the board goes quiet, calls just drop. */
  Adapter->State = GxAdapterHalted;
  Adapter->NicInterruptEnabled = FALSE;
  WanNicSetInterruptEnabled(Adapter->Nic, FALSE);
  if (Adapter->InterruptRegistered) {
    NdisMDeregisterInterrupt(&Adapter->Interrupt);
    Adapter->InterruptRegistered = FALSE;
  }
  for (i = 0; i < GX_MAX_CALLS; i++) {
    PGX_CALL Call = &Adapter->Calls[i];
    if (!Call->InUse) continue;
    if (Call->HoldsChannel) (VOID) WanNicHangUp(Adapter->Nic, Call->Channel);
    Call->HoldsChannel = FALSE;
    Call->Link.Up = FALSE;
  }

  /* The board will report nothing more: give NDISWAN its packets back. */
  InitializeListHead(&Done);
  NdisAcquireSpinLock(&Adapter->Lock);
  for (i = 0; i < Adapter->ChannelCount; i++) {
    PGX_CHANNEL Channel = &Adapter->Channels[i];
    while (!IsListEmpty(&Channel->TxQueue))
      InsertTailList(&Done, RemoveHeadList(&Channel->TxQueue));
    Channel->TxQueued = 0;
  }
  NdisReleaseSpinLock(&Adapter->Lock);
  while (!IsListEmpty(&Done)) {
    PNDIS_WAN_PACKET Packet =
        CONTAINING_RECORD(RemoveHeadList(&Done), NDIS_WAN_PACKET, WanPacketQueue);
    NdisMWanSendComplete(Adapter->MiniportAdapterHandle, Packet, NDIS_STATUS_FAILURE);
  }

  WanNicClose(Adapter->Nic);
  Adapter->Nic = NULL;
  if (Adapter->LockAllocated) {
    NdisFreeSpinLock(&Adapter->Lock);
    Adapter->LockAllocated = FALSE;
  }
}

NDIS_STATUS GxReset(PBOOLEAN AddressingReset, NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  ULONG Indications = Adapter->StatusIndications;
  ULONG i;

  if (AddressingReset != NULL) *AddressingReset = FALSE;
  /* The reset drops every call; TAPI keeps them until CLOSE_CALL. */
  for (i = 0; i < GX_MAX_CALLS; i++) {
    PGX_CALL Call = &Adapter->Calls[i];
    if (Call->InUse && Call->HoldsChannel) {
      GxEndCall(Adapter, Call, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN, FALSE);
    }
  }
  (VOID) WanNicResetAll(Adapter->Nic);
  GxCompleteStatus(Adapter, Indications);
  return NDIS_STATUS_SUCCESS;
}

BOOLEAN GxCheckForHang(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;
  WAN_NIC_CHANNEL_STATUS Registers;
  ULONG i;

  for (i = 0; i < Adapter->ChannelCount; i++) {
    if (WanNicQueryChannel(Adapter->Nic, i, &Registers) && Registers.Hung) return TRUE;
  }
  return FALSE;
}

VOID GxShutdown(NDIS_HANDLE MiniportAdapterContext) {
  PGX_ADAPTER Adapter = (PGX_ADAPTER)MiniportAdapterContext;

  /* The system is going down: silence the board, nothing else. */
  Adapter->NicInterruptEnabled = FALSE;
  WanNicSetInterruptEnabled(Adapter->Nic, FALSE);
}

VOID GxPnPEventNotify(NDIS_HANDLE MiniportAdapterContext, ULONG PnPEvent, PVOID InformationBuffer,
                      ULONG InformationBufferLength) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(PnPEvent);
  UNREFERENCED_PARAMETER(InformationBuffer);
  UNREFERENCED_PARAMETER(InformationBufferLength);
}
