/*
 * tiny_wan_proto.c - TinyWp, a minimal NDIS 5.1 protocol above NDISWAN.
 *
 * TinyWp plays the part of a transport's WAN module: it binds to NDISWAN's
 * virtual adapter (medium NdisMediumWan), learns each link from the
 * NDIS_WAN_LINE_UP that NDISWAN indicates, forgets it at the line-down, and
 * on a fragment tells the remote end at once with a short notification
 * frame (WAN-054) instead of waiting for a retransmission timer. Before a
 * link is up, and after it went down, it runs with short timers and few
 * retries (WAN-036, WAN-041); they are values, not clocks.
 *
 * A link is named by the six bytes of RemoteAddress that NDISWAN supplies;
 * the same value, zero-extended, is the NdisLinkHandle for NdisWanSend and
 * the NdisLinkContext of a receive. TinyWp writes its own per-link context
 * into LocalAddress[2..5] of the line-up and leaves LocalAddress[0..1],
 * which are NDISWAN's, alone (WAN-037).
 *
 * Every table is fixed; every status buffer is checked for size before it is
 * read. Indications for a link it never saw up are counted and dropped.
 */
#include <ndis.h>
#include <ndiswan.h>

#define TINYWP_MAX_BINDINGS 4
#define TINYWP_MAX_LINKS 32
#define TINYWP_MAX_PACKETS 8
#define TINYWP_NOTIFY_BYTES 8

#define TINYWP_NORMAL_TIMEOUT 3000
#define TINYWP_NORMAL_RETRIES 5
#define TINYWP_SHORT_TIMEOUT 100
#define TINYWP_SHORT_RETRIES 1

typedef enum _TINYWP_BINDING_STATE {
  TinyWpBindingFree = 0,
  TinyWpBindingOpening, /* NdisOpenAdapter pended */
  TinyWpBindingBound,
  TinyWpBindingClosing, /* NdisCloseAdapter pended */
  TinyWpBindingClosed
} TINYWP_BINDING_STATE;

typedef struct _TINYWP_BINDING {
  TINYWP_BINDING_STATE State;
  NDIS_HANDLE NdisBindingHandle;
  NDIS_HANDLE BindContext;   /* of a pended bind */
  NDIS_HANDLE UnbindContext; /* of a pended unbind */
  UINT SelectedMediumIndex;
  NDIS_REQUEST InfoRequest;
  NDIS_WAN_INFO WanInfo;
  NDIS_STATUS WanInfoStatus;
} TINYWP_BINDING, *PTINYWP_BINDING;

typedef struct _TINYWP_LINK {
  BOOLEAN InUse;
  BOOLEAN Up;
  ULONGLONG Id; /* RemoteAddress, big-endian */
  PTINYWP_BINDING Binding;
  ULONG Context; /* ours, in LocalAddress[2..5] */
  ULONG Timeout;
  ULONG Retries;
  ULONG Fragments;
  ULONG Receives;
} TINYWP_LINK, *PTINYWP_LINK;

typedef struct _TINYWP_PACKET {
  BOOLEAN InUse;
  NDIS_WAN_PACKET Packet;
  UCHAR Bytes[TINYWP_NOTIFY_BYTES];
} TINYWP_PACKET, *PTINYWP_PACKET;

static NDIS_HANDLE TinyWpProtocolHandle;
static TINYWP_BINDING TinyWpBindings[TINYWP_MAX_BINDINGS];
static TINYWP_LINK TinyWpLinks[TINYWP_MAX_LINKS];
static TINYWP_PACKET TinyWpPackets[TINYWP_MAX_PACKETS];
static ULONG TinyWpNextContext = 0x00C0FFEE;
static ULONG TinyWpDropped;      /* fragments not notified: no packet free */
static ULONG TinyWpUnknownLinks; /* indications for links never up */
static ULONG TinyWpIgnored;      /* statuses it does not act on (WAN-006) */

static const WCHAR TinyWpName[] = u"TinyWp";
static const WCHAR TinyWpBindTo[] = u"NDISWAN";

/* ---- Links ---- */

static ULONGLONG TinyWpLinkId(const UCHAR Address[6]) {
  ULONGLONG id = 0;
  for (int i = 0; i < 6; ++i) id = (id << 8) | Address[i];
  return id;
}

static PTINYWP_LINK TinyWpFindLink(ULONGLONG Id) {
  for (int i = 0; i < TINYWP_MAX_LINKS; ++i) {
    if (TinyWpLinks[i].InUse && TinyWpLinks[i].Id == Id) return &TinyWpLinks[i];
  }
  return NULL;
}

/* A free entry, or else one whose link is down (its context is dead). */
static PTINYWP_LINK TinyWpNewLink(ULONGLONG Id) {
  PTINYWP_LINK link = NULL;
  for (int i = 0; i < TINYWP_MAX_LINKS && link == NULL; ++i) {
    if (!TinyWpLinks[i].InUse) link = &TinyWpLinks[i];
  }
  for (int i = 0; i < TINYWP_MAX_LINKS && link == NULL; ++i) {
    if (!TinyWpLinks[i].Up) link = &TinyWpLinks[i];
  }
  if (link == NULL) return NULL;
  NdisZeroMemory(link, sizeof(*link));
  link->InUse = TRUE;
  link->Id = Id;
  link->Context = TinyWpNextContext++;
  return link;
}

/* WAN-036, WAN-041: short timers while a link carries nothing. */
static VOID TinyWpSetTimers(PTINYWP_LINK Link) {
  Link->Timeout = Link->Up ? TINYWP_NORMAL_TIMEOUT : TINYWP_SHORT_TIMEOUT;
  Link->Retries = Link->Up ? TINYWP_NORMAL_RETRIES : TINYWP_SHORT_RETRIES;
}

/* ---- Sends ---- */

/* WAN-054: a short frame that tells the peer a frame of its was lost. */
static VOID TinyWpNotifyPeer(PTINYWP_LINK Link) {
  PTINYWP_PACKET p = NULL;
  for (int i = 0; i < TINYWP_MAX_PACKETS; ++i) {
    if (!TinyWpPackets[i].InUse) {
      p = &TinyWpPackets[i];
      break;
    }
  }
  if (p == NULL || Link->Binding == NULL || Link->Binding->State != TinyWpBindingBound) {
    ++TinyWpDropped;
    return;
  }
  NdisZeroMemory(p, sizeof(*p));
  p->InUse = TRUE;
  for (int i = 0; i < TINYWP_NOTIFY_BYTES; ++i) p->Bytes[i] = 0xF7;
  p->Packet.StartBuffer = p->Bytes;
  p->Packet.CurrentBuffer = p->Bytes;
  p->Packet.CurrentLength = TINYWP_NOTIFY_BYTES;
  p->Packet.EndBuffer = p->Bytes + TINYWP_NOTIFY_BYTES;
  p->Packet.ProtocolReserved1 = p;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  NdisWanSend(&status, Link->Binding->NdisBindingHandle, (NDIS_HANDLE)(ULONG_PTR)Link->Id,
              &p->Packet);
  if (status != NDIS_STATUS_PENDING) p->InUse = FALSE; /* no completion follows */
}

static VOID TinyWpWanSendComplete(NDIS_HANDLE ProtocolBindingContext, PNDIS_WAN_PACKET Packet,
                                  NDIS_STATUS Status) {
  for (int i = 0; i < TINYWP_MAX_PACKETS; ++i) {
    if (TinyWpPackets[i].InUse && &TinyWpPackets[i].Packet == Packet) {
      TinyWpPackets[i].InUse = FALSE;
      return;
    }
  }
}

static NDIS_STATUS TinyWpWanReceive(NDIS_HANDLE NdisLinkContext, PUCHAR Packet, ULONG PacketSize) {
  PTINYWP_LINK link = TinyWpFindLink((ULONGLONG)(ULONG_PTR)NdisLinkContext);
  if (link == NULL || !link->Up) {
    ++TinyWpUnknownLinks;
    return NDIS_STATUS_NOT_ACCEPTED;
  }
  ++link->Receives;
  return NDIS_STATUS_SUCCESS;
}

/* ---- Status ---- */

static VOID TinyWpLineUp(PTINYWP_BINDING Binding, PUCHAR Buffer) {
  UCHAR remote[6];
  NdisMoveMemory(remote, Buffer + FIELD_OFFSET(NDIS_WAN_LINE_UP, RemoteAddress), 6);
  const ULONGLONG id = TinyWpLinkId(remote);
  PTINYWP_LINK link = TinyWpFindLink(id);
  if (link == NULL) link = TinyWpNewLink(id);
  if (link == NULL) {
    ++TinyWpDropped;
    return;
  }
  link->Binding = Binding;
  link->Up = TRUE;
  TinyWpSetTimers(link);
  /* WAN-037: our context in the four low-order bytes of LocalAddress; the
   * two high-order bytes are NDISWAN's and stay as they are. */
  PUCHAR local = Buffer + FIELD_OFFSET(NDIS_WAN_LINE_UP, LocalAddress);
  for (int i = 0; i < 4; ++i) local[2 + i] = (UCHAR)(link->Context >> (24 - 8 * i));
}

static VOID TinyWpStatus(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS GeneralStatus,
                         PVOID StatusBuffer, UINT StatusBufferSize) {
  PTINYWP_BINDING binding = (PTINYWP_BINDING)ProtocolBindingContext;
  PUCHAR buffer = (PUCHAR)StatusBuffer;
  if (GeneralStatus == NDIS_STATUS_WAN_LINE_UP) {
    if (buffer != NULL && StatusBufferSize >= sizeof(NDIS_WAN_LINE_UP))
      TinyWpLineUp(binding, buffer);
    return;
  }
  if (GeneralStatus != NDIS_STATUS_WAN_LINE_DOWN && GeneralStatus != NDIS_STATUS_WAN_FRAGMENT) {
    ++TinyWpIgnored; /* WAN-006 */
    return;
  }
  /* NDIS_WAN_LINE_DOWN and NDIS_WAN_FRAGMENT share their layout. */
  if (buffer == NULL || StatusBufferSize < sizeof(NDIS_WAN_LINE_DOWN)) return;
  UCHAR remote[6];
  NdisMoveMemory(remote, buffer + FIELD_OFFSET(NDIS_WAN_LINE_DOWN, RemoteAddress), 6);
  PTINYWP_LINK link = TinyWpFindLink(TinyWpLinkId(remote));
  if (link == NULL || !link->Up) {
    ++TinyWpUnknownLinks;
    return;
  }
  if (GeneralStatus == NDIS_STATUS_WAN_LINE_DOWN) {
    link->Up = FALSE;
    TinyWpSetTimers(link); /* WAN-041 until the next line-up */
    return;
  }
  ++link->Fragments;
  TinyWpNotifyPeer(link); /* WAN-054 */
}

/* WAN-012: ProtocolStatus may run again while this runs; nothing here
 * depends on the bracket. */
static VOID TinyWpStatusComplete(NDIS_HANDLE ProtocolBindingContext) {}

/* ---- Binding ---- */

static BOOLEAN TinyWpIsNdiswan(PNDIS_STRING DeviceName) {
  const USHORT chars = (USHORT)(sizeof(TinyWpBindTo) / sizeof(WCHAR) - 1);
  if (DeviceName == NULL || DeviceName->Buffer == NULL ||
      DeviceName->Length != chars * sizeof(WCHAR)) {
    return FALSE;
  }
  for (USHORT i = 0; i < chars; ++i) {
    if (DeviceName->Buffer[i] != TinyWpBindTo[i]) return FALSE;
  }
  return TRUE;
}

static VOID TinyWpQueryInfo(PTINYWP_BINDING Binding) {
  NdisZeroMemory(&Binding->InfoRequest, sizeof(Binding->InfoRequest));
  Binding->InfoRequest.RequestType = NdisRequestQueryInformation;
  Binding->InfoRequest.DATA.QUERY_INFORMATION.Oid = OID_WAN_GET_INFO;
  Binding->InfoRequest.DATA.QUERY_INFORMATION.InformationBuffer = &Binding->WanInfo;
  Binding->InfoRequest.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(Binding->WanInfo);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  NdisRequest(&status, Binding->NdisBindingHandle, &Binding->InfoRequest);
  Binding->WanInfoStatus = status;
}

static VOID TinyWpBindAdapter(PNDIS_STATUS Status, NDIS_HANDLE BindContext, PNDIS_STRING DeviceName,
                              PVOID SystemSpecific1, PVOID SystemSpecific2) {
  if (!TinyWpIsNdiswan(DeviceName)) {
    *Status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  PTINYWP_BINDING binding = NULL;
  for (int i = 0; i < TINYWP_MAX_BINDINGS; ++i) {
    if (TinyWpBindings[i].State == TinyWpBindingFree ||
        TinyWpBindings[i].State == TinyWpBindingClosed) {
      binding = &TinyWpBindings[i];
      break;
    }
  }
  if (binding == NULL) {
    *Status = NDIS_STATUS_RESOURCES;
    return;
  }
  NdisZeroMemory(binding, sizeof(*binding));
  binding->State = TinyWpBindingOpening;
  binding->BindContext = BindContext;
  NDIS_MEDIUM media[1] = {NdisMediumWan};
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
  NdisOpenAdapter(&status, &open_error, &binding->NdisBindingHandle, &binding->SelectedMediumIndex,
                  media, 1, TinyWpProtocolHandle, binding, DeviceName, 0, NULL);
  *Status = status;
  if (status == NDIS_STATUS_PENDING) return; /* TinyWpOpenAdapterComplete finishes */
  if (status != NDIS_STATUS_SUCCESS) {
    binding->State = TinyWpBindingFree;
    return;
  }
  binding->State = TinyWpBindingBound;
  TinyWpQueryInfo(binding);
}

static VOID TinyWpOpenAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status,
                                      NDIS_STATUS OpenErrorStatus) {
  PTINYWP_BINDING binding = (PTINYWP_BINDING)ProtocolBindingContext;
  binding->State = Status == NDIS_STATUS_SUCCESS ? TinyWpBindingBound : TinyWpBindingFree;
  NdisCompleteBindAdapter(binding->BindContext, Status, OpenErrorStatus);
  if (Status == NDIS_STATUS_SUCCESS) TinyWpQueryInfo(binding);
}

static VOID TinyWpRequestComplete(NDIS_HANDLE ProtocolBindingContext, PNDIS_REQUEST NdisRequest,
                                  NDIS_STATUS Status) {
  PTINYWP_BINDING binding = (PTINYWP_BINDING)ProtocolBindingContext;
  if (NdisRequest == &binding->InfoRequest) binding->WanInfoStatus = Status;
}

/* The links of a binding that goes away go down with it. */
static VOID TinyWpForgetLinks(PTINYWP_BINDING Binding) {
  for (int i = 0; i < TINYWP_MAX_LINKS; ++i) {
    if (TinyWpLinks[i].InUse && TinyWpLinks[i].Binding == Binding) {
      TinyWpLinks[i].Up = FALSE;
      TinyWpLinks[i].Binding = NULL;
      TinyWpSetTimers(&TinyWpLinks[i]);
    }
  }
}

static VOID TinyWpUnbindAdapter(PNDIS_STATUS Status, NDIS_HANDLE ProtocolBindingContext,
                                NDIS_HANDLE UnbindContext) {
  PTINYWP_BINDING binding = (PTINYWP_BINDING)ProtocolBindingContext;
  binding->State = TinyWpBindingClosing;
  binding->UnbindContext = UnbindContext;
  TinyWpForgetLinks(binding);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  NdisCloseAdapter(&status, binding->NdisBindingHandle);
  *Status = status;
  if (status != NDIS_STATUS_PENDING) binding->State = TinyWpBindingClosed;
}

static VOID TinyWpCloseAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status) {
  PTINYWP_BINDING binding = (PTINYWP_BINDING)ProtocolBindingContext;
  binding->State = TinyWpBindingClosed;
  NdisCompleteUnbindAdapter(binding->UnbindContext, Status);
}

static VOID TinyWpReceiveComplete(NDIS_HANDLE ProtocolBindingContext) {}

static VOID TinyWpResetComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status) {}

/* ---- Entry ---- */

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_PROTOCOL_CHARACTERISTICS pc;
  NdisZeroMemory(&pc, sizeof(pc));
  pc.MajorNdisVersion = 5;
  pc.MinorNdisVersion = 1;
  pc.OpenAdapterCompleteHandler = TinyWpOpenAdapterComplete;
  pc.CloseAdapterCompleteHandler = TinyWpCloseAdapterComplete;
  pc.WanSendCompleteHandler = TinyWpWanSendComplete;
  pc.ResetCompleteHandler = TinyWpResetComplete;
  pc.RequestCompleteHandler = TinyWpRequestComplete;
  pc.WanReceiveHandler = TinyWpWanReceive;
  pc.ReceiveCompleteHandler = TinyWpReceiveComplete;
  pc.StatusHandler = TinyWpStatus;
  pc.StatusCompleteHandler = TinyWpStatusComplete;
  pc.Name.Buffer = (PWSTR)TinyWpName;
  pc.Name.Length = (USHORT)(sizeof(TinyWpName) - sizeof(WCHAR));
  pc.Name.MaximumLength = (USHORT)sizeof(TinyWpName);
  pc.BindAdapterHandler = TinyWpBindAdapter;
  pc.UnbindAdapterHandler = TinyWpUnbindAdapter;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  NdisRegisterProtocol(&status, &TinyWpProtocolHandle, &pc, sizeof(pc));
  return status;
}
