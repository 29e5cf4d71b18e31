/* ndisconf/api/wan.h: NDIS WAN status-indication structures and constants
 * (spec 4.3, 4.4, 4.6; WDK7:ndiswan.h = XPDDK:ndiswan.h; NDIS_WAN_LINE_UP /
 * DOWN / FRAGMENT from WDK7:ndis.h). One header for all of them, so a build
 * never sees two definitions (OQ-26).
 *
 * Sizes and offsets are static_assert-ed against the spec's x64 tables.
 * Include <ndiswan.h> (or <ndis.h>, which includes it). */
#ifndef NDISCONF_API_WAN_H_
#define NDISCONF_API_WAN_H_

#include "ndisconf/api/base.h"
#include "ndisconf/api/status.h"

NDIS_EXTERN_C_BEGIN

#define NDIS_USE_WAN_WRAPPER 0x00000001
/* Not in ndis.h (WDK7/XPDDK ndiswan.h): do not confuse with
 * NDIS_STATUS_MEDIA_SPECIFIC_INDICATION (0x40010012). */
#define NDIS_STATUS_TAPI_INDICATION ((NDIS_STATUS)0x40010080L)

/* ---- NDIS_WAN_QUALITY (enum, 4 bytes; also the OID_WAN_QUALITY_OF_SERVICE payload) ---- */
typedef enum _NDIS_WAN_QUALITY {
  NdisWanRaw = 0,
  NdisWanErrorControl = 1,
  NdisWanReliable = 2
} NDIS_WAN_QUALITY,
    *PNDIS_WAN_QUALITY;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_QUALITY) == 4, "NDIS_WAN_QUALITY is 4 bytes");

/* ---- StatusBuffer of NDIS_STATUS_WAN_LINE_UP (24 / 40) ---- */
typedef struct _NDIS_MAC_LINE_UP {
  ULONG LinkSpeed;                 /* 100 bps units; 0 = unchanged (WAN-029) */
  NDIS_WAN_QUALITY Quality;        /* WAN-030, OQ-22 */
  USHORT SendWindow;               /* 0 = NDIS_WAN_INFO.MaxTransmit (WAN-031) */
  NDIS_HANDLE ConnectionWrapperID; /* = htCall (WAN-027) */
  NDIS_HANDLE NdisLinkHandle;      /* the miniport's per-link handle (WAN-028) */
  NDIS_HANDLE NdisLinkContext; /* NULL on the initial line-up; NDISWAN writes it (WAN-023/024) */
} NDIS_MAC_LINE_UP, *PNDIS_MAC_LINE_UP;
NDIS_STATIC_ASSERT(sizeof(NDIS_MAC_LINE_UP) == 40, "NDIS_MAC_LINE_UP 24/40");
NDIS_STATIC_ASSERT(offsetof(NDIS_MAC_LINE_UP, SendWindow) == 8, "SendWindow @8");
NDIS_STATIC_ASSERT(offsetof(NDIS_MAC_LINE_UP, ConnectionWrapperID) == 16,
                   "ConnectionWrapperID @16");
NDIS_STATIC_ASSERT(offsetof(NDIS_MAC_LINE_UP, NdisLinkHandle) == 24, "NdisLinkHandle @24");
NDIS_STATIC_ASSERT(offsetof(NDIS_MAC_LINE_UP, NdisLinkContext) == 32, "NdisLinkContext @32");

/* ---- StatusBuffer of NDIS_STATUS_WAN_LINE_DOWN (4 / 8) ---- */
typedef struct _NDIS_MAC_LINE_DOWN {
  NDIS_HANDLE NdisLinkContext;
} NDIS_MAC_LINE_DOWN, *PNDIS_MAC_LINE_DOWN;
NDIS_STATIC_ASSERT(sizeof(NDIS_MAC_LINE_DOWN) == 8, "NDIS_MAC_LINE_DOWN 4/8");

/* ---- StatusBuffer of NDIS_STATUS_WAN_FRAGMENT (8 / 16) ---- */
typedef struct _NDIS_MAC_FRAGMENT {
  NDIS_HANDLE NdisLinkContext;
  ULONG Errors; /* OR of WAN_ERROR_* (WAN-051) */
} NDIS_MAC_FRAGMENT, *PNDIS_MAC_FRAGMENT;
NDIS_STATIC_ASSERT(sizeof(NDIS_MAC_FRAGMENT) == 16, "NDIS_MAC_FRAGMENT 8/16");
NDIS_STATIC_ASSERT(offsetof(NDIS_MAC_FRAGMENT, Errors) == 8, "Errors @8");

#define WAN_ERROR_CRC ((ULONG)0x00000001)
#define WAN_ERROR_FRAMING ((ULONG)0x00000002)
#define WAN_ERROR_HARDWAREOVERRUN ((ULONG)0x00000004)
#define WAN_ERROR_BUFFEROVERRUN ((ULONG)0x00000008)
#define WAN_ERROR_TIMEOUT ((ULONG)0x00000010)
#define WAN_ERROR_ALIGNMENT ((ULONG)0x00000020)

/* ---- What NDISWAN indicates to the protocols above it (WDK7:ndis.h) ---- */
typedef struct _NDIS_WAN_LINE_UP {
  ULONG LinkSpeed;        /* 100 bps units; 0 = unchanged */
  ULONG MaximumTotalSize; /* 0 = unchanged */
  NDIS_WAN_QUALITY Quality;
  USHORT SendWindow;
  UCHAR RemoteAddress[6]; /* NDISWAN-supplied */
  UCHAR LocalAddress[6];  /* IN OUT: the protocol's context; NDISWAN keeps the 2 high bytes */
  ULONG ProtocolBufferLength;
  PUCHAR ProtocolBuffer; /* NDISWAN-allocated protocol information */
  USHORT ProtocolType;
  NDIS_STRING DeviceName; /* IN OUT */
} NDIS_WAN_LINE_UP, *PNDIS_WAN_LINE_UP;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_LINE_UP) == 64, "NDIS_WAN_LINE_UP 48/64");
NDIS_STATIC_ASSERT(offsetof(NDIS_WAN_LINE_UP, RemoteAddress) == 14, "RemoteAddress @14");
NDIS_STATIC_ASSERT(offsetof(NDIS_WAN_LINE_UP, ProtocolBuffer) == 32, "ProtocolBuffer @32");
NDIS_STATIC_ASSERT(offsetof(NDIS_WAN_LINE_UP, ProtocolType) == 40, "ProtocolType @40 on x64");
NDIS_STATIC_ASSERT(offsetof(NDIS_WAN_LINE_UP, DeviceName) == 48, "DeviceName @48 on x64");

typedef struct _NDIS_WAN_LINE_DOWN {
  UCHAR RemoteAddress[6];
  UCHAR LocalAddress[6];
} NDIS_WAN_LINE_DOWN, *PNDIS_WAN_LINE_DOWN;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_LINE_DOWN) == 12, "NDIS_WAN_LINE_DOWN 12/12");

typedef struct _NDIS_WAN_FRAGMENT {
  UCHAR RemoteAddress[6];
  UCHAR LocalAddress[6];
} NDIS_WAN_FRAGMENT, *PNDIS_WAN_FRAGMENT;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_FRAGMENT) == 12, "NDIS_WAN_FRAGMENT 12/12");

/* ---- WAN configuration (WDK7:ndiswan.h) ---- */
typedef struct _NDIS_WAN_INFO {
  ULONG MaxFrameSize;
  ULONG MaxTransmit; /* default send window of every line (WAN-096) */
  ULONG HeaderPadding;
  ULONG TailPadding;
  ULONG Endpoints;
  UINT MemoryFlags;
  NDIS_PHYSICAL_ADDRESS HighestAcceptableAddress;
  ULONG FramingBits; /* TAPI_PROVIDER marks a TAPI-capable miniport (WAN-095) */
  ULONG DesiredACCM;
} NDIS_WAN_INFO, *PNDIS_WAN_INFO;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_INFO) == 40, "NDIS_WAN_INFO 40/40");
NDIS_STATIC_ASSERT(offsetof(NDIS_WAN_INFO, FramingBits) == 32, "FramingBits @32");

typedef struct _NDIS_WAN_SET_LINK_INFO {
  NDIS_HANDLE NdisLinkHandle;
  ULONG MaxSendFrameSize;
  ULONG MaxRecvFrameSize;
  ULONG HeaderPadding;
  ULONG TailPadding;
  ULONG SendFramingBits;
  ULONG RecvFramingBits;
  ULONG SendCompressionBits;
  ULONG RecvCompressionBits;
  ULONG SendACCM;
  ULONG RecvACCM;
} NDIS_WAN_SET_LINK_INFO, *PNDIS_WAN_SET_LINK_INFO, NDIS_WAN_GET_LINK_INFO,
    *PNDIS_WAN_GET_LINK_INFO;
NDIS_STATIC_ASSERT(sizeof(NDIS_WAN_SET_LINK_INFO) == 48, "NDIS_WAN_SET_LINK_INFO 44/48");

/* FramingBits. */
#define RAS_FRAMING 0x00000001
#define RAS_COMPRESSION 0x00000002
#define ARAP_V1_FRAMING 0x00000004
#define ARAP_V2_FRAMING 0x00000008
#define PPP_MULTILINK_FRAMING 0x00000010
#define PPP_SHORT_SEQUENCE_HDR_FORMAT 0x00000020
#define PPP_MC_MULTILINK_FRAMING 0x00000040
#define PPP_FRAMING 0x00000100
#define PPP_COMPRESS_ADDRESS_CONTROL 0x00000200
#define PPP_COMPRESS_PROTOCOL_FIELD 0x00000400
#define PPP_ACCM_SUPPORTED 0x00000800
#define SLIP_FRAMING 0x00001000
#define SLIP_VJ_COMPRESSION 0x00002000
#define SLIP_VJ_AUTODETECT 0x00004000
#define MEDIA_NRZ_ENCODING 0x00010000
#define MEDIA_NRZI_ENCODING 0x00020000
#define MEDIA_NLPID 0x00040000
#define RFC_1356_FRAMING 0x00100000
#define RFC_1483_FRAMING 0x00200000
#define RFC_1490_FRAMING 0x00400000
#define LLC_ENCAPSULATION 0x00800000
#define SHIVA_FRAMING 0x01000000
#define NBF_PRESERVE_MAC_ADDRESS 0x01000000
#define PASS_THROUGH_MODE 0x10000000
#define RAW_PASS_THROUGH_MODE 0x20000000
#define TAPI_PROVIDER 0x80000000

/* ---- OIDs (WDK7:ntddndis.h) ---- */
#define OID_GEN_LINK_SPEED 0x00010107
#define OID_WAN_PERMANENT_ADDRESS 0x04010101
#define OID_WAN_CURRENT_ADDRESS 0x04010102
#define OID_WAN_QUALITY_OF_SERVICE 0x04010103
#define OID_WAN_PROTOCOL_TYPE 0x04010104
#define OID_WAN_MEDIUM_SUBTYPE 0x04010105
#define OID_WAN_HEADER_FORMAT 0x04010106
#define OID_WAN_GET_INFO 0x04010107
#define OID_WAN_SET_LINK_INFO 0x04010108
#define OID_WAN_GET_LINK_INFO 0x04010109
#define OID_WAN_LINE_COUNT 0x0401010A
#define OID_WAN_PROTOCOL_CAPS 0x0401010B
#define OID_WAN_GET_BRIDGE_INFO 0x0401020A
#define OID_WAN_SET_BRIDGE_INFO 0x0401020B
#define OID_WAN_GET_COMP_INFO 0x0401020C
#define OID_WAN_SET_COMP_INFO 0x0401020D
#define OID_WAN_GET_STATS_INFO 0x0401020E

NDIS_EXTERN_C_END

#endif /* NDISCONF_API_WAN_H_ */
