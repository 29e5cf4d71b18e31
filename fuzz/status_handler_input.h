// fuzz/status_handler_input.h: the input format of the status_handler fuzz
// targets (issue 7 §1) and the harness that delivers one input straight to a
// status handler with its real signature.
//
// The handler under test is a driver's status handler in one of the shapes
// drivers have in the field:
//   NDIS 5  VOID ProtocolStatus(NDIS_HANDLE, NDIS_STATUS, PVOID, UINT), with
//           VOID ProtocolStatusComplete(NDIS_HANDLE) closing each burst;
//   NDIS 6  VOID ProtocolStatusEx(NDIS_HANDLE, PNDIS_STATUS_INDICATION) or
//           VOID FilterStatus(NDIS_HANDLE, PNDIS_STATUS_INDICATION), the
//           NDIS_STATUS_INDICATION (driver.h) carrying the buffer in
//           StatusBuffer / StatusBufferSize (NDIS 6 has no complete call).
// The stream is what a driver above a WAN miniport (NDIS_MAC_LINE_UP /
// LINE_DOWN / FRAGMENT, NDIS_TAPI_EVENT: NDISWAN's lower edge) or above
// NDISWAN (NDIS_WAN_LINE_UP / LINE_DOWN / FRAGMENT: protocols, filters)
// receives: well-formed, unusual-but-allowed (out-of-range quality, zero
// speed or window, longer buffers, unknown status codes) and malformed (cut
// short, NULL with a size), on known and unknown links, in any order.
//
// Input: a sequence of records, each a tag byte and its operands. Any byte
// string is valid: an operand past the end of the input reads as 0; an
// unknown tag is skipped (one byte); records after the first kMaxRecords
// (unknown tags included) are ignored, which bounds the work per input (a
// status burst is short; docs/performance.md). Tags and the ShStruct / TAPI message
// tables are append-only: a new entry takes the next value, a retired one
// keeps its value, so committed seeds keep their meaning. Multi-byte
// operands are little-endian. `link` operands name one of kLinkSlots link
// slots (link % kLinkSlots).
//   0 RAW status:u32 size:u16 bytes   any status; StatusBufferSize =
//        size % (kMaxRawSize + 1); the bytes follow (as far as the input
//        goes; the rest of the buffer is zero)
//   1 WAN_LINE_UP link speed:u32 window:u16 quality:u8
//        NDIS_WAN_LINE_UP as NDISWAN indicates it (64 bytes; RemoteAddress
//        names the link, LocalAddress[0..1] NDISWAN's, ProtocolType 0x0800)
//   2 WAN_LINE_DOWN link     NDIS_WAN_LINE_DOWN (12 bytes)
//   3 WAN_FRAGMENT link      NDIS_WAN_FRAGMENT (12 bytes)
//   4 SHORT which:u8 size:u8  structure ShStruct(which % kShStructCount),
//        well-formed for link 0, cut to StatusBufferSize = size % its size
//   5 COMPLETE                ProtocolStatusComplete (NDIS 5; nothing in NDIS 6)
//   6 TAPI line:u8 call:u8 msg:u8 p1:u8 p2:u8 p3:u8
//        NDIS_TAPI_EVENT (48 bytes): htLine = line, htCall = call, ulMsg =
//        kTapiMessages[msg % count], ulParam1..3 = p1..p3
//   7 LONG which:u8 extra:u8  structure `which` for link 0 followed by
//        `extra` zero bytes (a longer buffer is allowed)
//   8 MAC_LINE_UP link flags:u8 speed:u32 window:u16 quality:u8
//        NDIS_MAC_LINE_UP (40 bytes); NdisLinkHandle = link + 1,
//        ConnectionWrapperID = link + 0x100; NdisLinkContext NULL (an
//        initial line-up) unless flags bit 0 is set: then the context the
//        handler wrote back for this link slot in this input (an update),
//        or kUnknownLinkContext + link if none was written
//   9 MAC_LINE_DOWN link      NDIS_MAC_LINE_DOWN (8 bytes) with the slot's
//        NdisLinkContext, or kUnknownLinkContext + link if none was written
//  10 MAC_FRAGMENT link errors:u8  NDIS_MAC_FRAGMENT (16 bytes), context as
//        MAC_LINE_DOWN, Errors = errors
//  11 NULL_BUFFER which:u8 size:u16  the status of structure `which` with
//        StatusBuffer NULL and StatusBufferSize = size (malformed)
//
// Delivery: every buffer is copied into its own heap allocation of exactly
// StatusBufferSize bytes (malloc(size)), freed when the handler returns, so
// ASan reports any read past the declared size. A StatusBufferSize of 0 is
// delivered as a NULL buffer, as a miniport indicates a status without
// payload (NdisMIndicateStatus(h, status, NULL, 0); NDIS passes the pointer
// through unchanged, WAN-001). The NDIS 5 shape gets a ProtocolStatusComplete
// after the last indication when the input did not end with one.
//
// Oracle: besides the sanitizers, what the handler writes into a buffer is
// checked against the rules of its edge (StatusHandlerTarget::edge). A
// write the rules forbid is reported as the contract's violation line
//   ndisconf-violation: <RULE-ID> check=<check> event=<N>
// (N: the index of the delivery in the input, indications and completes
// counted from 0) and aborts.
#ifndef NDISCONF_FUZZ_STATUS_HANDLER_INPUT_H_
#define NDISCONF_FUZZ_STATUS_HANDLER_INPUT_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstddef>
#include <cstdint>

namespace ndisconf::fuzz {

// Record tags (fixed forever).
enum class ShOp : uint8_t {
  kRaw = 0,
  kWanLineUp = 1,
  kWanLineDown = 2,
  kWanFragment = 3,
  kShort = 4,
  kComplete = 5,
  kTapi = 6,
  kLong = 7,
  kMacLineUp = 8,
  kMacLineDown = 9,
  kMacFragment = 10,
  kNullBuffer = 11,
};
inline constexpr uint8_t kShOpCount = 12;

// The structures SHORT / LONG / NULL_BUFFER name (fixed forever).
enum class ShStruct : uint8_t {
  kWanLineUp = 0,
  kWanLineDown = 1,
  kWanFragment = 2,
  kMacLineUp = 3,
  kMacLineDown = 4,
  kMacFragment = 5,
  kTapiEvent = 6,
};
inline constexpr uint8_t kShStructCount = 7;
// The structure's x64 size (its sizeof).
size_t ShStructSize(ShStruct s);

// TAPI messages of the TAPI record, by msg % kTapiMessageCount (fixed
// forever): the WAN-068 LINE_* messages, then one no WAN miniport sends.
inline constexpr ULONG kTapiMessages[] = {
    LINE_ADDRESSSTATE, LINE_CALLINFO,     LINE_CALLSTATE, LINE_CLOSE,
    LINE_DEVSPECIFIC,  LINE_LINEDEVSTATE, LINE_NEWCALL,   0x7FFF,
};
inline constexpr uint8_t kTapiMessageCount = sizeof(kTapiMessages) / sizeof(kTapiMessages[0]);

inline constexpr uint16_t kMaxRawSize = 1024;
inline constexpr uint32_t kMaxRecords = 32;
inline constexpr uint8_t kLinkSlots = 8;
// NdisLinkContext of a MAC_LINE_DOWN / MAC_FRAGMENT on a slot the handler
// never wrote a context for: never a value NDISWAN hands out.
inline constexpr uintptr_t kUnknownLinkContext = 0x5E000000;

enum class ShShape : uint8_t { kNdis5 = 0, kNdis6 = 1, kFilter = 2 };

// Whose rules say what a handler may write into a status buffer.
enum class ShEdge : uint8_t {
  // Above NDISWAN (protocols, filters): an NDIS_WAN_LINE_UP comes back
  // changed only in LocalAddress[2..5] and DeviceName (WAN-037); an
  // NDIS_WAN_LINE_DOWN (WAN-042) or NDIS_WAN_FRAGMENT (WAN-053) unchanged.
  kAboveNdiswan = 0,
  // Above a WAN miniport (NDISWAN): only a new link's NdisLinkContext and
  // LINE_NEWCALL's ulParam2 may change (WAN-103).
  kAboveMiniport = 1,
};

// The handler under test. Exactly the members of its shape are set.
struct StatusHandlerTarget {
  ShShape shape = ShShape::kNdis5;
  ShEdge edge = ShEdge::kAboveNdiswan;
  // NDIS 5: ProtocolStatus and ProtocolStatusComplete (may be null).
  STATUS_HANDLER ndis5 = nullptr;
  STATUS_COMPLETE_HANDLER ndis5_complete = nullptr;
  // NDIS 6: ProtocolStatusEx or FilterStatus.
  FILTER_STATUS_HANDLER ndis6 = nullptr;
  // Returns the handler's context in its initial state; called at the start
  // of every input (it may reset and return the same object). Null: the
  // context is NULL.
  NDIS_HANDLE (*context_factory)() = nullptr;
};

// A write into a status buffer that the edge's rules forbid.
struct ShViolation {
  const char* rule = nullptr;   // "WAN-037", ...; nullptr: none
  const char* check = nullptr;  // the monitor's check name for that rule
  uint64_t event = 0;           // index of the delivery in the input
  size_t offset = 0;            // first changed byte
};

// What one input delivered.
struct ShRunStats {
  uint32_t indications = 0;
  uint32_t completes = 0;
  uint32_t skipped = 0;    // unknown tags
  bool truncated = false;  // records past kMaxRecords were ignored
  ShViolation violation;
};

// Delivers every record of the input to `target`, and stops at the first
// forbidden write (stats.violation). Allocates nothing but the status
// buffers; single-threaded.
ShRunStats RunStatusHandlerInput(const uint8_t* data, size_t size,
                                 const StatusHandlerTarget& target);

// LLVMFuzzerTestOneInput's body: runs the input and, on a violation, prints
// the contract's line to stderr and aborts.
void RunStatusHandlerInputOrAbort(const uint8_t* data, size_t size,
                                  const StatusHandlerTarget& target);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_STATUS_HANDLER_INPUT_H_
