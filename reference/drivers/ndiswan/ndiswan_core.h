// reference/drivers/ndiswan/ndiswan_core.h: the part of the reference NDISWAN that
// decides what a WAN miniport's status indication means: the link table
// (NdisLinkContext <-> link), the NDISTAPI line/call table (htLine, htCall),
// the validation of every status buffer (WAN-100..103, OQ-24, OQ-25), the
// counters and the record of every rejected or doubtful indication.
//
// It calls no NDIS function: the driver (reference/drivers/ndiswan/ndiswan.h) feeds it
// each ProtocolStatus / WanReceive and then carries out the outcome it
// returns (forwarding upward, waking the send queue). Tests drive it
// directly with raw buffers.
//
// Status buffers are untrusted bytes (STYLE: bytes from outside take the
// error path). The core decodes them with spec/wan_buffers.h (the
// layouts and decoders the monitor uses too): it never reads past
// StatusBufferSize, reads through memcpy (no alignment assumption), and
// writes back only the two fields the spec allows (WAN-103):
// NDIS_MAC_LINE_UP.NdisLinkContext on an accepted initial line-up (WAN-024)
// and NDIS_TAPI_EVENT.ulParam2 on an accepted LINE_NEWCALL (WAN-062). Nothing is dropped silently: every rejected
// indication is appended to rejections() with its reason.
//
// Single-threaded, like the rest of the model; no clock.
#ifndef NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_CORE_H_
#define NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_CORE_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reference/drivers/common/history.h"
#include "spec/wan_buffers.h"

namespace ndisconf::drivers::wan {

// ---- Strong types for the handles the core hands out or keys on. ----
// NDISWAN's name for a link (written into NDIS_MAC_LINE_UP.NdisLinkContext).
struct LinkContext {
  uintptr_t value = 0;
  NDIS_HANDLE handle() const { return reinterpret_cast<NDIS_HANDLE>(value); }
  friend bool operator==(LinkContext a, LinkContext b) { return a.value == b.value; }
  friend auto operator<=>(LinkContext a, LinkContext b) { return a.value <=> b.value; }
};
// The 48-bit id NDISWAN gives a link toward the protocols above it:
// NDIS_WAN_LINE_UP.RemoteAddress (big-endian) and, zero-extended, the
// NdisLinkHandle those protocols pass to NdisWanSend (a modelling decision:
// the NDIS 5.1 upper edge has no other per-link handle).
struct UpperLinkId {
  uint64_t value = 0;
  NDIS_HANDLE handle() const {
    return reinterpret_cast<NDIS_HANDLE>(static_cast<uintptr_t>(value));
  }
  static UpperLinkId FromHandle(NDIS_HANDLE h) {
    return {static_cast<uint64_t>(reinterpret_cast<uintptr_t>(h))};
  }
  static UpperLinkId FromBytes(const UCHAR bytes[6]);
  void ToBytes(UCHAR bytes[6]) const;
  friend bool operator==(UpperLinkId a, UpperLinkId b) { return a.value == b.value; }
};

// Layout used to decode NDIS_TAPI_EVENT (WAN-102, OQ-20): kUlongPtr (WDK7 /
// XPDDK, 48 bytes on x64, the default) or kCompatUlong (MinGW / NT4 docs,
// ULONG params, 32 bytes).
using TapiLayout = spec::wan::TapiEventLayout;

// ---- Reasons an indication is rejected (not acted on, not forwarded). ----
// Append-only: the numbering is part of recorded results.
enum class Reason : uint8_t {
  kNullBuffer = 0,           // StatusBuffer NULL with StatusBufferSize != 0 (or any NULL)
  kShortBuffer = 1,          // StatusBufferSize < ABI size of the struct (WAN-100)
  kUnknownContext = 2,       // line-up: non-NULL NdisLinkContext naming no UP link (OQ-25)
  kLinkHandleMismatch = 3,   // update line-up whose NdisLinkHandle differs (WAN-028, WAN-032)
  kDuplicateLineUp = 4,      // initial line-up for an NdisLinkHandle already UP
  kBadQuality = 5,           // Quality outside NdisWanRaw..NdisWanReliable, strict only (OQ-22)
  kUnknownLink = 6,          // line-down / fragment / receive on a link not UP (WAN-101)
  kTapiNotProvider = 7,      // TAPI indication from an adapter without TAPI_PROVIDER (WAN-095)
  kTapiUnknownLine = 8,      // htLine names no open line of this adapter (WAN-061)
  kTapiUnknownCall = 9,      // call-scoped message whose htCall names no live call (WAN-061)
  kTapiUnknownMessage = 10,  // ulMsg not one of the WAN-068 messages
  kTapiBadNewCall = 11,      // LINE_NEWCALL with htCall or ulParam2 non-zero (WAN-062)
};
inline constexpr size_t kReasonCount = 12;
const char* ToString(Reason r);
// The reasons that count as `malformed` (a wrong buffer, WAN-100 / OQ-25).
bool IsMalformed(Reason r);

// ---- Accepted, but doubtful: counted and recorded, still acted on. ----
enum class Warning : uint8_t {
  kFragmentErrorsZero = 0,     // NDIS_MAC_FRAGMENT.Errors == 0 (WAN-051, DERIVED)
  kFragmentUndefinedBits = 1,  // Errors has bits outside WAN_ERROR_* (0x3F) (WAN-051)
  kQualityOutOfRange = 2,      // Quality outside 0..2, non-strict (carried through, OQ-22)
  kTapiLineEventWithCall = 3,  // a line-scoped message carrying a non-zero htCall
};
inline constexpr size_t kWarningCount = 4;
const char* ToString(Warning w);

struct Rejection {
  uint64_t seq = 0;    // index of the indication (Counters::indications before it)
  size_t binding = 0;  // lower binding it arrived on
  NDIS_STATUS general_status = 0;
  Reason reason = Reason::kNullBuffer;
  UINT size = 0;          // StatusBufferSize (or PacketSize for a receive)
  uintptr_t context = 0;  // NdisLinkContext / htLine / htCall as read, when readable
};
struct WarningRecord {
  uint64_t seq = 0;
  size_t binding = 0;
  Warning warning = Warning::kFragmentErrorsZero;
  uint64_t value = 0;  // the doubtful value (Errors, Quality, htCall)
  uintptr_t context = 0;
};

struct Counters {
  uint64_t indications = 0;       // ProtocolStatus calls seen
  uint64_t status_completes = 0;  // ProtocolStatusComplete calls seen
  uint64_t line_ups = 0;          // accepted initial line-ups (new links)
  uint64_t line_up_updates = 0;   // accepted parameter-update line-ups (WAN-032)
  uint64_t line_downs = 0;        // accepted line-downs
  uint64_t fragments = 0;         // accepted fragment indications (all links)
  uint64_t receives = 0;          // accepted receives
  uint64_t tapi_events = 0;       // accepted TAPI indications
  uint64_t other_status = 0;      // status codes NDISWAN does not act on (ignored)
  std::array<uint64_t, kReasonCount> rejected{};
  std::array<uint64_t, kWarningCount> warnings{};

  uint64_t Rejected(Reason r) const { return rejected[static_cast<size_t>(r)]; }
  uint64_t Warned(Warning w) const { return warnings[static_cast<size_t>(w)]; }
  uint64_t malformed() const;  // sum over IsMalformed reasons
  uint64_t unknown_link() const { return Rejected(Reason::kUnknownLink); }
  uint64_t rejected_total() const;
  friend bool operator==(const Counters&, const Counters&) = default;
};

// What the core knows about the adapter a lower binding is open on.
struct AdapterInfo {
  ULONG max_transmit = 1;         // NDIS_WAN_INFO.MaxTransmit (WAN-031, WAN-096)
  ULONG max_frame_size = 1500;    // NDIS_WAN_INFO.MaxFrameSize (-> MaximumTotalSize)
  ULONG link_speed_baseline = 0;  // OID_GEN_LINK_SPEED, 100 bps units (WAN-029)
  bool tapi_provider = false;     // FramingBits & TAPI_PROVIDER (WAN-095)
};

enum class LinkState : uint8_t { kUp, kDown };

struct Link {
  LinkContext context;
  UpperLinkId upper;
  size_t binding = 0;
  NDIS_HANDLE link_handle = nullptr;            // the miniport's (WAN-028)
  NDIS_HANDLE connection_wrapper_id = nullptr;  // = htCall (WAN-027)
  LinkState state = LinkState::kUp;
  ULONG link_speed = 0;    // effective, 100 bps units (0 in the buffer = baseline/unchanged)
  ULONG quality = 0;       // raw NDIS_WAN_QUALITY value as indicated
  ULONG send_window = 1;   // effective (0 in the buffer = MaxTransmit / unchanged)
  uint64_t updates = 0;    // accepted update line-ups
  uint64_t fragments = 0;  // WAN-052: +1 per indication, whatever Errors holds
  ULONG fragment_errors_seen = 0;  // OR of every Errors value
  uint64_t receives = 0;
  UCHAR local_address[6] = {};  // NDIS_WAN_LINE_UP.LocalAddress as the protocol left it
};

// NDISTAPI's view of a line and a call on a TAPI-provider adapter.
struct TapiLine {
  HTAPI_LINE ht_line = 0;
  size_t binding = 0;
  ULONG device_id = 0;
  HDRV_LINE hd_line = 0;
  bool open = false;                       // OID_TAPI_OPEN succeeded, no CLOSE yet
  bool closed_by_miniport = false;         // LINE_CLOSE seen
  ULONG media_modes = 0;                   // last SET_DEFAULT_MEDIA_DETECTION sent
  std::optional<uint64_t> tapi_device_id;  // from GET_ID "tapi/line"
};
struct TapiCall {
  HTAPI_CALL ht_call = 0;
  HTAPI_LINE ht_line = 0;
  HDRV_CALL hd_call = 0;
  bool inbound = false;  // created by LINE_NEWCALL
  bool live = true;      // false once CLOSE_CALL returned (htCall invalid, WAN-086)
  ULONG state = 0;       // last LINECALLSTATE_* indicated (0: none yet)
  ULONG_PTR state_detail = 0;
  ULONG_PTR media_mode = 0;
  std::vector<ULONG> states;                  // every LINE_CALLSTATE ulParam1, in order
  std::optional<LinkContext> ndis_device_id;  // DeviceID from GET_ID "ndis" (WAN-026)
};

// One decoded TAPI indication, as delivered to the TAPI event sink.
struct TapiEvent {
  size_t binding = 0;
  HTAPI_LINE ht_line = 0;
  HTAPI_CALL ht_call = 0;  // for LINE_NEWCALL: the htCall NDISTAPI assigned
  ULONG msg = 0;
  ULONG_PTR param1 = 0, param2 = 0, param3 = 0;
};

// What the driver must do after the core accepted an indication.
enum class Action : uint8_t {
  kNone,        // rejected or ignored: nothing to forward
  kLineUp,      // new link: forward NDIS_WAN_LINE_UP (WAN-037)
  kLineUpdate,  // parameters changed: forward NDIS_WAN_LINE_UP; window may have grown
  kLineDown,    // forward NDIS_WAN_LINE_DOWN (WAN-042); drain the link's queue
  kFragment,    // forward NDIS_WAN_FRAGMENT (WAN-053)
  kReceive,     // pass the packet up
  kTapiEvent,   // deliver to the TAPI event sink
};
struct Outcome {
  Action action = Action::kNone;
  Link* link = nullptr;            // for link actions
  std::optional<Reason> rejected;  // set when the indication was refused
  TapiEvent tapi;                  // for kTapiEvent
};

struct CoreOptions {
  bool strict = false;                             // OQ-22 range check rejects
  TapiLayout tapi_layout = TapiLayout::kUlongPtr;  // WAN-102
  // Distinguishes the handles of two NDISWAN instances (contexts, ids, htLine, htCall).
  uint8_t instance_tag = 1;
};

class Core {
 public:
  explicit Core(CoreOptions options = {});

  const CoreOptions& options() const { return options_; }
  CoreOptions& mutable_options() { return options_; }

  // Declares or refreshes what is known about lower binding `binding`.
  void SetAdapter(size_t binding, const AdapterInfo& info);
  const AdapterInfo* adapter(size_t binding) const;

  // ProtocolStatus from lower binding `binding` (WAN-001). Validates, updates
  // state and counters, writes back what the spec allows, and says what to
  // forward. Never reads past `size`; `buffer` may be NULL.
  Outcome OnStatus(size_t binding, NDIS_STATUS general_status, PVOID buffer, UINT size);
  void OnStatusComplete() { ++counters_.status_completes; }
  // WanReceive with `link_context` (WAN-101 for unknown links). Which lower
  // binding it came from is not part of the NDIS 5.1 receive signature.
  Outcome OnReceive(NDIS_HANDLE link_context, UINT packet_size);

  // Forgets every link and TAPI call, the counters, rejections and warnings,
  // and restarts the link and call numbering, as before the first
  // indication; adapters and TAPI lines stay (a reused stack, issue 7).
  void ResetLinks();
  // Returns to `earlier`, a copy of this core taken before (a reused stack
  // put back into its saved state, fuzz/wan_status): every table, counter
  // and numbering as it was; the record histories drop what came since.
  void RestoreFrom(const Core& earlier);

  // ---- Links. ----
  Link* FindLink(LinkContext c);
  Link* FindLinkByUpper(UpperLinkId id);
  const std::map<uintptr_t, Link>& links() const { return links_; }
  // The live (UP) link whose ConnectionWrapperID is `ht_call`, or nullptr.
  Link* FindLinkForCall(HTAPI_CALL ht_call);

  // ---- NDISTAPI tables (the driver adds entries as it issues requests). ----
  HTAPI_LINE NewLine(size_t binding, ULONG device_id);
  HTAPI_CALL NewCall(HTAPI_LINE line, bool inbound);
  TapiLine* FindLine(HTAPI_LINE h);
  TapiCall* FindCall(HTAPI_CALL h);
  void EraseLine(HTAPI_LINE h);
  const std::map<HTAPI_LINE, TapiLine>& lines() const { return lines_; }
  const std::map<HTAPI_CALL, TapiCall>& calls() const { return calls_; }

  const Counters& counters() const { return counters_; }
  // The most recent rejections and warnings (at most 4096 each), oldest
  // first; the counters count all of them.
  const History<Rejection>& rejections() const { return rejections_; }
  const History<WarningRecord>& warnings() const { return warnings_; }

 private:
  Outcome Reject(size_t binding, NDIS_STATUS st, Reason r, UINT size, uintptr_t context);
  void Warn(size_t binding, Warning w, uint64_t value, uintptr_t context);
  Outcome LineUp(size_t binding, PVOID buffer, UINT size);
  Outcome LineDown(size_t binding, PVOID buffer, UINT size);
  Outcome Fragment(size_t binding, PVOID buffer, UINT size);
  Outcome Tapi(size_t binding, PVOID buffer, UINT size);
  Link* FindUpLinkOn(size_t binding, uintptr_t context);

  CoreOptions options_;
  std::map<size_t, AdapterInfo> adapters_;
  std::map<uintptr_t, Link> links_;
  std::map<HTAPI_LINE, TapiLine> lines_;
  std::map<HTAPI_CALL, TapiCall> calls_;
  uint64_t next_link_ = 1;
  uint64_t next_line_ = 1;
  uint64_t next_call_ = 1;
  uint64_t seq_ = 0;  // index of the indication being processed
  Counters counters_;
  History<Rejection> rejections_;
  History<WarningRecord> warnings_;
};

}  // namespace ndisconf::drivers::wan

#endif  // NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_CORE_H_
