// The NDIS 5.1 WAN checks of the rule monitor (spec 2.7-2.9, 5.11-5.18):
// WAN shadow state from the NDIS 5 events and one report per broken rule.
//
// Buffers are decoded by x64 offset (static_asserted in ndisconf/api) with
// a bounds check against both the length the caller claimed and the bytes
// the event carries; nothing is ever cast from a blob.
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "conformance/monitor/wan_monitor.h"

namespace ndisconf::monitor::wan {
namespace {

constexpr uint64_t kNull = ~uint64_t{0};  // boundary's kNullSlot
constexpr size_t kBlob = Event::kMaxBlob;

// x64 layouts (spec 4.4; static_asserted in ndisconf/api/{wan,tapi}.h).
constexpr size_t kLineUpSize = sizeof(NDIS_MAC_LINE_UP);      // 40
constexpr size_t kLineDownSize = sizeof(NDIS_MAC_LINE_DOWN);  // 8
constexpr size_t kFragmentSize = sizeof(NDIS_MAC_FRAGMENT);   // 16
constexpr size_t kTapiEventSize = sizeof(NDIS_TAPI_EVENT);    // 48
constexpr size_t kTapiEventCompatSize = 32;                   // ULONG params (WAN-102)
constexpr size_t kLineUpContextOff = offsetof(NDIS_MAC_LINE_UP, NdisLinkContext);
// NDISWAN's upper edge (NDIS_WAN_*, passed to protocols bound to its
// virtual adapter): LocalAddress and DeviceName are IN OUT (WAN-037).
constexpr size_t kWanLineUpSize = sizeof(NDIS_WAN_LINE_UP);      // 64
constexpr size_t kWanLineDownSize = sizeof(NDIS_WAN_LINE_DOWN);  // 12
constexpr size_t kWanFragmentSize = sizeof(NDIS_WAN_FRAGMENT);   // 12
constexpr size_t kWanLocalOff = offsetof(NDIS_WAN_LINE_UP, LocalAddress);
constexpr size_t kWanReservedLocal = 2;  // LocalAddress[0..1] belong to NDISWAN
constexpr size_t kWanDeviceNameOff = offsetof(NDIS_WAN_LINE_UP, DeviceName);
constexpr size_t kGetIdDeviceIdOff = offsetof(NDIS_TAPI_GET_ID, DeviceID);
constexpr uint32_t kWanErrorBits = 0x3F;
constexpr uint32_t kDeserialize = NDIS_ATTRIBUTE_DESERIALIZE;

int32_t SlotStatus(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
std::string St(int32_t s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<uint32_t>(s));
  return buf;
}

// A view of bytes: `n` is what may be read (the smaller of the claimed
// length and what the event carries).
struct Bytes {
  const uint8_t* p = nullptr;
  size_t n = 0;
  bool Has(size_t off, size_t len) const { return off <= n && len <= n - off; }
  uint16_t U16(size_t off) const {
    uint16_t v;
    std::memcpy(&v, p + off, 2);
    return v;
  }
  uint32_t U32(size_t off) const {
    uint32_t v;
    std::memcpy(&v, p + off, 4);
    return v;
  }
  uint64_t U64(size_t off) const {
    uint64_t v;
    std::memcpy(&v, p + off, 8);
    return v;
  }
};
Bytes View(const uint8_t* blob, uint16_t blob_len, uint64_t claimed) {
  const size_t have = std::min<size_t>(blob_len, kBlob);
  return Bytes{blob, static_cast<size_t>(std::min<uint64_t>(have, claimed))};
}

struct Key {
  uint64_t v, w;
  bool operator==(const Key& o) const { return v == o.v && w == o.w; }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = k.v * 0x9E3779B97F4A7C15ull ^ (k.w + 0x632BE59BD9B4E019ull + (k.v >> 29));
    return static_cast<size_t>(h ^ (h >> 32));
  }
};
struct U64Hash {
  size_t operator()(uint64_t v) const {
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return static_cast<size_t>(v);
  }
};
template <typename V>
using HMap = std::unordered_map<uint64_t, V, U64Hash>;
template <typename V>
using KMap = std::unordered_map<Key, V, KeyHash>;

bool IsTapiOid(uint32_t oid) { return (oid >> 24) == 0x07; }
bool IsWanStatus(int32_t s) {
  return s == NDIS_STATUS_WAN_LINE_UP || s == NDIS_STATUS_WAN_LINE_DOWN ||
         s == NDIS_STATUS_WAN_FRAGMENT || s == NDIS_STATUS_TAPI_INDICATION;
}
bool IsUnsupported(int32_t s) {
  return s == NDIS_STATUS_NOT_SUPPORTED || s == NDIS_STATUS_INVALID_OID ||
         s == NDIS_STATUS_NOT_RECOGNIZED || s == NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
}

// FNV-1a of a device-class string, lower-cased, up to its NUL.
uint32_t ClassHash(Bytes b, size_t off, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; ++i) {
    uint8_t c = b.p[off + i];
    if (c == 0) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
    h = (h ^ c) * 16777619u;
  }
  return h;
}
const uint32_t kNdisClassHash = [] {
  const uint8_t s[] = {'n', 'd', 'i', 's'};
  return ClassHash(Bytes{s, 4}, 0, 4);
}();

// ---- shadow objects ----

struct Driver {
  bool registered = false;  // NdisMRegisterMiniport seen
  bool wan_wrapper = false;
  uint32_t major = 0;
};

// NDIS_TAPI_GET_ID, as decoded from the request (spec 4.4).
struct GetId {
  bool decoded = false;
  bool class_known = false, ndis = false;
  uint32_t select = 0, class_hash = 0;
  uint64_t hd_line = 0, hd_call = 0;
  uint64_t ht_call = 0;  // the call hdCall names, 0 if unknown
  bool call_known = false;
  bool calls_for_line_up = false;  // WAN-034 decision table
};

// One outstanding request to the miniport (NDIS 5 serializes them).
struct Req {
  bool active = false, pended = false, awaiting_buffer = false;
  uint32_t oid = 0;
  int32_t status = 0;
  uint64_t index = 0;
  uint64_t in_len = 0;
  uint16_t in_blob_len = 0;
  uint8_t in[kBlob];
  GetId g;
  bool line_up_seen = false;
};

struct Adapter {
  ActorId actor = kNoActor;
  uint64_t ctx = 0;
  bool attrs_known = false, deserialized = false;
  bool halted = false;
  // WAN info (OID_WAN_GET_INFO) and TAPI.
  bool wan_info_known = false, tapi_provider = false, tapi_seen = false;
  uint32_t max_transmit = 0;
  bool provider_up = false;
  uint64_t provider_id = 0;
  bool reported_095 = false, reported_095_version = false;
  // Bindings: the DeviceName that NDIS 5 bindings to this adapter carry.
  bool has_name = false;
  uint64_t device_name = 0;
  // Status bracket (2.9).
  bool bracket_open = false;
  uint64_t bracket_since = 0;
  uint8_t nnotified = 0;
  bool notified_overflow = false;
  Key notified[8];
  Req query, set;
};

struct Bind5 {
  bool has_name = false, open = false, closed = false;
  uint64_t device_name = 0;
  uint64_t handle = 0;
};

struct Line {
  uint64_t adapter = 0, hd_line = 0;
  bool provisional = true, open = false, closed = false;
  uint32_t media_modes = 0, line_states = 0, address_states = 0;
};

struct Call {
  uint64_t adapter = 0, ht_line = 0, hd_call = 0;
  bool provisional = true;  // MAKE_CALL not completed yet
  bool closed = false, closed_by_line = false;
  bool from_newcall = false, saw_callstate = false;
  uint32_t state = 0;
  bool drop_owes_idle = false, idle_since_drop = true;
  uint64_t drop_index = 0, since = 0;
  uint64_t lc = 0;  // link context of its line-up, 0 if none
  uint32_t getid_count = 0;
  uint8_t nclasses = 0;
  uint32_t classes[4] = {};
};

struct Link {
  uint64_t adapter = 0, handle = 0, ht_call = 0;
  bool up = false;
  uint32_t window = 0, outstanding = 0;
  uint64_t since = 0, fragments = 0;
};

// One open call of an NDIS 5 function. A frame is pushed for every WAN call
// event, so it holds only what is cheap to fill: the common fields are set
// on every push, the per-function ones only by the function that reads them
// back (IndicateCall, StatusCompleteCall, WanSendCall); nothing reads a
// per-function field of a frame of another function. The status buffers of
// NdisMIndicateStatus live in a side store (IndBuf), not here.
struct WFrame {
  Fn fn;
  ActorId actor;
  uint8_t irql;
  uint64_t index;
  uint64_t adapter;
  // The first three argument slots: the only ones any check reads back from
  // a frame (NdisOpenAdapter/NdisCloseAdapter, NdisRequest, MiniportWanSend,
  // ProtocolBindAdapter, the request handlers).
  static constexpr size_t kArgs = 3;
  uint64_t arg[kArgs];
  // NdisMIndicateStatus: status and claimed size; the buffer is in IndBuf.
  int32_t gstatus;
  uint64_t len;
  uint16_t blob_len, cur_len;
  // No protocol has written the buffer back yet: `cur` is still `blob`, so
  // it was not copied.
  bool cur_is_blob;
  uint8_t nnotified;
  bool notified_overflow;
  Key notified[8];
  // What the indication was about. `upper`: the adapter is an intermediate
  // driver's virtual adapter (NDISWAN's), so the buffer is an NDIS_WAN_*
  // structure, not an NDIS_MAC_* one.
  bool upper;
  bool initial_line_up, newcall;
  // An initial line-up for a handle whose link is up (reported as WAN-025):
  // NDISWAN may refuse it and leave NdisLinkContext NULL (E-11).
  bool duplicate_line_up;
  uint64_t up_handle, up_ht_call, newcall_hd_call, newcall_ht_line;
  uint32_t up_window;
  size_t p2_off, p2_size;
  // NdisMIndicateStatusComplete: the bindings it owes ProtocolStatusComplete.
  bool done[8];
  // MiniportWanSend: the link it went to.
  uint64_t send_lc;
};

// NdisMIndicateStatus's buffers, one per stack position (the frame at
// stack[i] owns bufs[i]): the buffer at the call, and as the next protocol
// should see it (a protocol may write NdisLinkContext back, WAN-024). Kept
// apart so that the frames every call fills stay small.
struct IndBuf {
  uint8_t blob[kBlob];
  uint8_t cur[kBlob];
};

}  // namespace

struct WanMonitor::State {
  const Profile* profile;
  ReportFn report;
  void* report_ctx;
  uint64_t unknown_links = 0;

  std::vector<WFrame> stack;
  std::vector<IndBuf> bufs;  // same size as stack
  size_t depth = 0;
  IndBuf& Buf(const WFrame& f) { return bufs[static_cast<size_t>(&f - stack.data())]; }
  // What the next protocol should see of indication frame `f`.
  const uint8_t* Cur(const WFrame& f) { return f.cur_is_blob ? Buf(f).blob : Buf(f).cur; }

  HMap<Driver> drivers;            // by actor
  HMap<Adapter> adapters;          // by MiniportAdapterHandle
  HMap<uint64_t> adapter_by_ctx;   // MiniportAdapterContext -> handle
  KMap<Bind5> binds;               // (ProtocolBindingContext, actor)
  HMap<Key> bind_by_handle;        // NdisBindingHandle -> binds key
  HMap<Line> lines;                // by htLine
  KMap<uint64_t> line_by_hd;       // (adapter, hdLine) -> htLine
  HMap<Call> calls;                // by htCall
  KMap<uint64_t> call_by_hd;       // (adapter, hdCall) -> htCall
  HMap<Link> links;                // by NdisLinkContext
  KMap<uint64_t> link_by_handle;   // (adapter, NdisLinkHandle) -> context, up links
  HMap<uint64_t> sends;            // pended packet -> context
  std::vector<uint64_t> awaiting;  // adapters whose pended query owes its buffer
  // Spin locks (WAN-003), by the NDIS_SPIN_LOCK's address: held or not, by
  // whom since when; and how many each actor holds.
  struct SpinLock {
    bool held = false;
    ActorId holder = kNoActor;
    uint64_t since = 0;
  };
  HMap<SpinLock> spin_locks;
  std::vector<uint32_t> locks_held;  // by actor

  State(const Profile* p, ReportFn r, void* c) : profile(p), report(r), report_ctx(c) {
    stack.resize(32);
    bufs.resize(32);
    adapters.reserve(16);
    binds.reserve(16);
    lines.reserve(64);
    calls.reserve(256);
    call_by_hd.reserve(256);
    links.reserve(256);
    link_by_handle.reserve(256);
    sends.reserve(256);
    awaiting.reserve(8);
  }

  void Report(CheckId c, uint64_t index, uint64_t object, std::string msg, std::string state = {}) {
    report(report_ctx, c, index, object, std::move(msg), std::move(state));
  }
  bool Strict() const { return profile->strict; }

  // ---- lookups ----
  // Nearly every WAN event names one of the last two adapters looked up (a
  // WAN miniport's and, above it, NDISWAN's virtual adapter), so those two
  // are remembered. Adapters are never erased and map nodes never move, so
  // the pointers stay valid for the monitor's life.
  struct AdapterCache {
    uint64_t mh = 0;
    Adapter* ad = nullptr;
  };
  AdapterCache recent[2];
  Adapter* Cached(uint64_t mh) {
    if (recent[0].ad != nullptr && recent[0].mh == mh) return recent[0].ad;
    if (recent[1].ad != nullptr && recent[1].mh == mh) {
      std::swap(recent[0], recent[1]);
      return recent[0].ad;
    }
    return nullptr;
  }
  Adapter* Remember(uint64_t mh, Adapter* ad) {
    recent[1] = recent[0];
    recent[0] = AdapterCache{mh, ad};
    return ad;
  }
  Adapter& AdapterAt(uint64_t mh) {
    if (Adapter* ad = Cached(mh)) return *ad;
    return *Remember(mh, &adapters[mh]);
  }
  Adapter* FindAdapter(uint64_t mh) {
    if (Adapter* ad = Cached(mh)) return ad;
    auto it = adapters.find(mh);
    return it == adapters.end() ? nullptr : Remember(mh, &it->second);
  }
  uint64_t HandleByCtx(uint64_t ctx) {
    auto it = adapter_by_ctx.find(ctx);
    return it == adapter_by_ctx.end() ? 0 : it->second;
  }
  Call* FindCall(uint64_t ht) {
    auto it = calls.find(ht);
    return it == calls.end() ? nullptr : &it->second;
  }
  Call* CallByHd(uint64_t mh, uint64_t hd, uint64_t* ht_out = nullptr) {
    auto it = call_by_hd.find(Key{mh, hd});
    if (it == call_by_hd.end()) return nullptr;
    Call* c = FindCall(it->second);
    if (c == nullptr || c->adapter != mh || c->hd_call != hd) return nullptr;
    if (ht_out) *ht_out = it->second;
    return c;
  }
  Line* FindLine(uint64_t ht) {
    auto it = lines.find(ht);
    return it == lines.end() ? nullptr : &it->second;
  }
  Line* LineByHd(uint64_t mh, uint64_t hd) {
    auto it = line_by_hd.find(Key{mh, hd});
    if (it == line_by_hd.end()) return nullptr;
    Line* l = FindLine(it->second);
    return (l != nullptr && l->adapter == mh && l->hd_line == hd) ? l : nullptr;
  }
  Link* FindLink(uint64_t lc) {
    auto it = links.find(lc);
    return it == links.end() ? nullptr : &it->second;
  }
  Link* UpLinkOfCall(const Call& c) {
    if (c.lc == 0) return nullptr;
    Link* l = FindLink(c.lc);
    return (l != nullptr && l->up) ? l : nullptr;
  }
  bool LiveCallHd(uint64_t mh, uint64_t hd) {
    Call* c = CallByHd(mh, hd);
    return c != nullptr && !c->closed;
  }
  // Innermost open frame of `fn` by `actor`, or nullptr.
  const WFrame* Open(Fn fn, ActorId actor) const {
    for (size_t i = depth; i-- > 0;)
      if (stack[i].fn == fn && stack[i].actor == actor) return &stack[i];
    return nullptr;
  }
  WFrame* Top() { return depth > 0 ? &stack[depth - 1] : nullptr; }
  // Whether `actor` (a miniport driver) also has an NDIS 5 protocol binding
  // open below it: an intermediate driver such as NDISWAN, whose virtual
  // adapter indicates NDIS_WAN_* structures upward rather than a WAN
  // miniport's NDIS_MAC_* ones.
  bool BoundBelow(ActorId actor) const {
    for (const auto& [k, b] : binds)
      if (k.w == actor && b.open) return true;
    return false;
  }

  // ---- spin locks ----
  uint32_t& HeldBy(ActorId actor) {
    if (actor >= locks_held.size()) locks_held.resize(static_cast<size_t>(actor) + 1);
    return locks_held[actor];
  }
  void Unhold(SpinLock& l) {
    if (!l.held) return;
    l.held = false;
    --HeldBy(l.holder);
  }
  void SpinLockCall(const Event& e, uint64_t lock) {
    switch (e.fn) {
      case Fn::NdisAllocateSpinLock: {
        SpinLock& l = spin_locks[lock];
        Unhold(l);  // re-initialized: whatever it was, it is free now
        l = SpinLock{};
        break;
      }
      case Fn::NdisFreeSpinLock: {
        auto it = spin_locks.find(lock);
        if (it == spin_locks.end()) break;
        Unhold(it->second);
        spin_locks.erase(it);
        break;
      }
      case Fn::NdisAcquireSpinLock:
      case Fn::NdisDprAcquireSpinLock: {
        SpinLock& l = spin_locks[lock];
        if (l.held) break;  // a second acquire would deadlock; the holder keeps it
        l = SpinLock{true, e.actor, e.index};
        ++HeldBy(e.actor);
        break;
      }
      case Fn::NdisReleaseSpinLock:
      case Fn::NdisDprReleaseSpinLock: {
        auto it = spin_locks.find(lock);
        if (it != spin_locks.end()) Unhold(it->second);
        break;
      }
      default:
        break;
    }
  }

  // ---- entry ----
  void OnEvent(const Event& e, bool call, const uint64_t* a);
  void OnCall(const Event& e, const uint64_t* a, WFrame& f);
  void OnReturn(const Event& e, const uint64_t* a, WFrame& f);
  void Finish();

  // ---- areas ----
  void StatusContext(const Event& e, uint64_t mh, const char* what);
  void IndicateCall(const Event& e, const uint64_t* a, WFrame& f);
  void IndicateReturn(const Event& e, const uint64_t* a, WFrame& f);
  void UpperIndicateCall(const Event& e, WFrame& f);
  void UpperIndicateReturn(const Event& e, const uint64_t* a, WFrame& f);
  void LineUpCall(const Event& e, Adapter& ad, uint64_t mh, Bytes b, WFrame& f);
  void LinkContextUse(const Event& e, uint64_t mh, uint64_t lc, const char* what);
  void TapiIndication(const Event& e, Adapter& ad, uint64_t mh, Bytes b, WFrame& f);
  void ProtocolStatusCall(const Event& e, const uint64_t* a);
  void ProtocolStatusReturn(const Event& e, const uint64_t* a);
  void StatusCompleteCall(const Event& e, WFrame& f);
  void StatusCompleteReturn(const Event& e, WFrame& f);
  void RequestCall(const Event& e, const uint64_t* a, bool query);
  void RequestReturn(const Event& e, const uint64_t* a, bool query, const WFrame& f);
  void RequestCompleteCall(const Event& e, const uint64_t* a, bool query);
  void TapiRequestStart(const Event& e, Adapter& ad, uint64_t mh, Req& r);
  void TapiRequestStatus(const Event& e, Adapter& ad, uint64_t mh, Req& r, int32_t status,
                         bool pended);
  void RequestOutput(const Event& e, Adapter& ad, uint64_t mh, Req& r, Bytes out);
  void CloseLine(Line& l, uint64_t ht_line, uint64_t index);
  void CloseCall(Call& c, uint64_t index, bool by_line);
  void WanSendCall(const Event& e, const uint64_t* a, WFrame& f);
};

// ---------------------------------------------------------------------------

void WanMonitor::State::OnEvent(const Event& e, bool call, const uint64_t* a) {
  if (call) {
    if (depth == stack.size()) {
      stack.resize(stack.size() * 2);
      bufs.resize(stack.size());
    }
    WFrame& f = stack[depth++];
    f.fn = e.fn;
    f.actor = e.actor;
    f.irql = e.irql;
    f.index = e.index;
    f.adapter = 0;
    // From the event, as `a` reads it (missing slots are 0); not copied
    // from `a`, which was just written slot by slot: a wide copy of it
    // stalls on store forwarding.
    const size_t n = e.arg_count;
    for (size_t k = 0; k < WFrame::kArgs; ++k) f.arg[k] = e.arg[k] & (uint64_t{0} - (k < n));
    OnCall(e, a, f);
    return;
  }
  // Match with the innermost open call of the same function and actor;
  // frames above it are abandoned (Monitor reports MON-001). A balanced
  // run returns from the top frame; only an unbalanced trace searches.
  size_t i = depth - 1;
  if (depth == 0 || stack[i].fn != e.fn || stack[i].actor != e.actor) {
    i = depth;
    while (i-- > 0)
      if (stack[i].fn == e.fn && stack[i].actor == e.actor) break;
    if (i == static_cast<size_t>(-1)) return;
  }
  depth = i;
  WFrame& f = stack[i];  // stays valid: nothing is pushed before OnReturn ends
  OnReturn(e, a, f);
}

void WanMonitor::State::OnCall(const Event& e, const uint64_t* a, WFrame& f) {
  switch (e.fn) {
    case Fn::NdisMRegisterMiniport: {
      Driver& d = drivers[e.actor];
      d.registered = true;
      d.wan_wrapper = a[2] != kNull && (a[2] & NDIS_USE_WAN_WRAPPER) != 0;
      d.major = a[1] != kNull ? static_cast<uint32_t>(a[1] >> 8) & 0xff : 0;
      break;
    }
    case Fn::MiniportInitialize: {
      f.adapter = a[0];
      AdapterAt(a[0]).actor = e.actor;
      break;
    }
    case Fn::NdisMSetAttributesEx: {
      Adapter& ad = AdapterAt(a[0]);
      if (ad.actor == kNoActor) ad.actor = e.actor;
      ad.ctx = a[1];
      ad.attrs_known = true;
      ad.deserialized = a[2] != kNull && (a[2] & kDeserialize) != 0;
      adapter_by_ctx[a[1]] = a[0];
      break;
    }
    case Fn::MiniportHalt:
    case Fn::MiniportISR:
    case Fn::MiniportHandleInterrupt:
      f.adapter = HandleByCtx(a[0]);
      break;
    case Fn::NdisMIndicateStatus:
      IndicateCall(e, a, f);
      break;
    case Fn::NdisMIndicateStatusComplete:
      StatusCompleteCall(e, f);
      break;
    case Fn::MiniportQueryInformation:
      RequestCall(e, a, true);
      break;
    case Fn::MiniportSetInformation:
      RequestCall(e, a, false);
      break;
    case Fn::NdisMQueryInformationComplete:
      RequestCompleteCall(e, a, true);
      break;
    case Fn::NdisMSetInformationComplete:
      RequestCompleteCall(e, a, false);
      break;
    case Fn::MiniportWanSend:
      WanSendCall(e, a, f);
      break;
    case Fn::NdisMWanSendComplete: {
      auto it = sends.find(a[1]);
      if (it == sends.end()) break;
      if (Link* l = FindLink(it->second); l != nullptr && l->outstanding > 0) --l->outstanding;
      sends.erase(it);
      break;
    }
    case Fn::NdisMWanIndicateReceive:
      LinkContextUse(e, a[0], a[1], "NdisMWanIndicateReceive");
      break;
    case Fn::NdisMWanIndicateReceiveComplete:
      LinkContextUse(e, a[0], a[1], "NdisMWanIndicateReceiveComplete");
      break;
    case Fn::NdisOpenAdapter: {
      Bind5& b = binds[Key{a[1], e.actor}];
      b = Bind5{};
      if (const WFrame* bind = Open(Fn::ProtocolBindAdapter, e.actor)) {
        b.has_name = true;
        b.device_name = bind->arg[1];
      }
      break;
    }
    case Fn::ProtocolOpenAdapterComplete: {
      auto it = binds.find(Key{a[0], e.actor});
      if (it == binds.end()) break;
      if (SlotStatus(a[1]) == NDIS_STATUS_SUCCESS)
        it->second.open = true;
      else
        binds.erase(it);
      break;
    }
    case Fn::ProtocolCloseAdapterComplete: {
      auto it = binds.find(Key{a[0], e.actor});
      if (it != binds.end()) {
        it->second.open = false;
        it->second.closed = true;
      }
      break;
    }
    case Fn::ProtocolRequestComplete: {
      // The buffer of a pended query arrives here (NdisMQueryInformationComplete
      // carries only the status).
      const uint32_t oid = static_cast<uint32_t>(a[3]);
      for (size_t i = 0; i < awaiting.size(); ++i) {
        Adapter* ad = FindAdapter(awaiting[i]);
        if (ad == nullptr || !ad->query.awaiting_buffer || ad->query.oid != oid) continue;
        const uint64_t mh = awaiting[i];
        awaiting[i] = awaiting.back();
        awaiting.pop_back();
        ad->query.awaiting_buffer = false;
        RequestOutput(e, *ad, mh, ad->query, View(e.blob, e.blob_len, a[4]));
        break;
      }
      break;
    }
    case Fn::ProtocolStatus:
      ProtocolStatusCall(e, a);
      break;
    case Fn::NdisAllocateSpinLock:
    case Fn::NdisFreeSpinLock:
    case Fn::NdisAcquireSpinLock:
    case Fn::NdisReleaseSpinLock:
    case Fn::NdisDprAcquireSpinLock:
    case Fn::NdisDprReleaseSpinLock:
      SpinLockCall(e, a[0]);
      break;
    case Fn::ProtocolStatusComplete: {
      WFrame* c = depth >= 2 ? &stack[depth - 2] : nullptr;
      if (c == nullptr || c->fn != Fn::NdisMIndicateStatusComplete || c->notified_overflow) break;
      const Key k{a[0], e.actor};
      uint8_t i = 0;
      while (i < c->nnotified && !(c->notified[i] == k)) ++i;
      if (i == c->nnotified)
        Report(kW011, e.index, a[0],
               "ProtocolStatusComplete to binding " + Hex(a[0]) +
                   ", which no indication of the bracket notified");
      else if (c->done[i])
        Report(kW011, e.index, a[0], "binding " + Hex(a[0]) + " got ProtocolStatusComplete twice");
      else
        c->done[i] = true;
      break;
    }
    default:
      break;
  }
}

void WanMonitor::State::OnReturn(const Event& e, const uint64_t* a, WFrame& f) {
  switch (e.fn) {
    case Fn::MiniportHalt:
      if (Adapter* ad = FindAdapter(f.adapter)) ad->halted = true;
      break;
    case Fn::NdisMIndicateStatus:
      IndicateReturn(e, a, f);
      break;
    case Fn::NdisMIndicateStatusComplete:
      StatusCompleteReturn(e, f);
      break;
    case Fn::MiniportQueryInformation:
      RequestReturn(e, a, true, f);
      break;
    case Fn::MiniportSetInformation:
      RequestReturn(e, a, false, f);
      break;
    case Fn::MiniportWanSend: {
      Link* l = f.send_lc != 0 ? FindLink(f.send_lc) : nullptr;
      if (l == nullptr) break;
      if (e.status == NDIS_STATUS_PENDING)
        sends[f.arg[2]] = f.send_lc;
      else if (l->outstanding > 0)
        --l->outstanding;
      break;
    }
    case Fn::NdisOpenAdapter: {
      auto it = binds.find(Key{f.arg[1], e.actor});
      if (it == binds.end()) break;
      if (e.status == NDIS_STATUS_SUCCESS) {
        it->second.open = true;
        it->second.handle = a[0];
        bind_by_handle[a[0]] = Key{f.arg[1], e.actor};
      } else if (e.status == NDIS_STATUS_PENDING) {
        it->second.handle = a[0];
        if (a[0] != 0) bind_by_handle[a[0]] = Key{f.arg[1], e.actor};
      } else {
        binds.erase(it);
      }
      break;
    }
    case Fn::NdisCloseAdapter: {
      if (e.status != NDIS_STATUS_SUCCESS) break;
      auto h = bind_by_handle.find(f.arg[0]);
      if (h == bind_by_handle.end()) break;
      auto it = binds.find(h->second);
      if (it != binds.end()) {
        it->second.open = false;
        it->second.closed = true;
      }
      break;
    }
    case Fn::ProtocolStatus:
      ProtocolStatusReturn(e, a);
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------
// Status indications (2.9; WAN-001..WAN-011, WAN-020..WAN-065, WAN-103)
// ---------------------------------------------------------------------------

// WAN-002 / WAN-004: where and at which IRQL NdisMIndicateStatus(Complete)
// may be called.
void WanMonitor::State::StatusContext(const Event& e, uint64_t mh, const char* what) {
  const Adapter* ad = FindAdapter(mh);
  const bool deserialized = ad != nullptr && ad->deserialized;
  // One pass over the open frames for the three contexts (this runs on
  // every indication); reported in the same order as three lookups would.
  bool in_isr = false, in_halt = false, in_init = false;
  for (size_t i = 0; i < depth; ++i) {
    if (stack[i].actor != e.actor) continue;
    in_isr |= stack[i].fn == Fn::MiniportISR;
    in_halt |= stack[i].fn == Fn::MiniportHalt;
    in_init |= stack[i].fn == Fn::MiniportInitialize;
  }
  if (e.actor < locks_held.size() && locks_held[e.actor] > 0) {
    for (const auto& [lock, l] : spin_locks) {
      if (!l.held || l.holder != e.actor) continue;
      Report(kW003, e.index, mh,
             std::string(what) + " called while the caller holds spin lock " + Hex(lock) +
                 " (acquired at event " + std::to_string(l.since) + ")");
      break;
    }
  }
  if (in_isr) Report(kW002, e.index, mh, std::string(what) + " called from MiniportISR");
  if (in_halt) Report(kW002, e.index, mh, std::string(what) + " called from MiniportHalt");
  if (!deserialized && in_init)
    Report(kW002, e.index, mh,
           std::string(what) + " called from MiniportInitialize of a serialized miniport");
  if (e.irql > DISPATCH_LEVEL) {
    Report(kW004, e.index, mh,
           std::string(what) + " at IRQL " + std::to_string(e.irql) + ", above DISPATCH_LEVEL");
  } else if (ad != nullptr && ad->attrs_known && !deserialized && e.irql != DISPATCH_LEVEL) {
    Report(kW004, e.index, mh,
           std::string(what) + " by a serialized miniport at IRQL " + std::to_string(e.irql) +
               "; serialized callers run at DISPATCH_LEVEL (OQ-27)");
  }
}

void WanMonitor::State::IndicateCall(const Event& e, const uint64_t* a, WFrame& f) {
  const uint64_t mh = a[0];
  f.adapter = mh;
  f.gstatus = SlotStatus(a[1]);
  f.len = a[2];
  f.blob_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(Buf(f).blob, e.blob, f.blob_len);
  f.cur_len = f.blob_len;
  f.cur_is_blob = true;
  f.nnotified = 0;
  f.notified_overflow = false;
  f.upper = false;
  f.initial_line_up = f.newcall = f.duplicate_line_up = false;
  f.up_handle = f.up_ht_call = f.newcall_hd_call = f.newcall_ht_line = 0;
  f.up_window = 0;
  f.p2_off = f.p2_size = 0;
  Adapter& ad = AdapterAt(mh);
  if (ad.actor == kNoActor) ad.actor = e.actor;
  StatusContext(e, mh, "NdisMIndicateStatus");
  if (!ad.bracket_open) {
    ad.bracket_open = true;
    ad.bracket_since = e.index;
  }
  if (!IsWanStatus(f.gstatus)) return;
  if (ad.actor != kNoActor && BoundBelow(ad.actor)) {
    f.upper = true;
    return UpperIndicateCall(e, f);
  }

  // WAN-095 / OQ-19: who may indicate WAN status at all.
  auto d = drivers.find(e.actor);
  if (d != drivers.end() && d->second.registered) {
    if (!d->second.wan_wrapper && !ad.reported_095) {
      ad.reported_095 = true;
      Report(kW095, e.index, mh,
             "WAN status " + St(f.gstatus) +
                 " from a miniport registered without NDIS_USE_WAN_WRAPPER in Reserved");
    }
    if (profile->wan_version_scope == Profile::WanVersionScope::kNdis4Only &&
        d->second.major >= 5 && !ad.reported_095_version) {
      ad.reported_095_version = true;
      Report(kW095Version, e.index, mh,
             "WAN status " + St(f.gstatus) + " from an NDIS " + std::to_string(d->second.major) +
                 ".x miniport; profile ndis4 (OQ-19) allows NDIS WAN status only up to 4.x");
    }
  }

  const Bytes b = View(Buf(f).blob, f.blob_len, f.len);
  switch (f.gstatus) {
    case NDIS_STATUS_WAN_LINE_UP:
      if (!b.Has(0, kLineUpSize)) {
        Report(kW020, e.index, mh,
               "NDIS_STATUS_WAN_LINE_UP with StatusBufferSize " + std::to_string(f.len) +
                   (e.blob_len == 0 ? " and no buffer" : "") + "; NDIS_MAC_LINE_UP needs 40");
        return;
      }
      return LineUpCall(e, ad, mh, b, f);
    case NDIS_STATUS_WAN_LINE_DOWN: {
      if (!b.Has(0, kLineDownSize)) {
        Report(kW040Size, e.index, mh,
               "NDIS_STATUS_WAN_LINE_DOWN with StatusBufferSize " + std::to_string(f.len) +
                   "; NDIS_MAC_LINE_DOWN needs 8");
        return;
      }
      const uint64_t lc = b.U64(0);
      Link* l = FindLink(lc);
      if (l != nullptr && l->up && l->adapter == mh) {
        l->up = false;
        l->since = e.index;
        link_by_handle.erase(Key{mh, l->handle});
        return;
      }
      return LinkContextUse(e, mh, lc, "line-down");
    }
    case NDIS_STATUS_WAN_FRAGMENT: {
      if (!b.Has(0, kFragmentSize)) {
        Report(kW050, e.index, mh,
               "NDIS_STATUS_WAN_FRAGMENT with StatusBufferSize " + std::to_string(f.len) +
                   "; NDIS_MAC_FRAGMENT needs 16");
        return;
      }
      const uint64_t lc = b.U64(0);
      const uint32_t errors = b.U32(offsetof(NDIS_MAC_FRAGMENT, Errors));
      if (errors == 0 || (errors & ~kWanErrorBits) != 0)
        Report(kW051, e.index, lc,
               "fragment Errors " + Hex(errors) + " is " +
                   (errors == 0 ? std::string("empty") : "outside the WAN_ERROR_* bits (0x3F)"));
      Link* l = FindLink(lc);
      if (l != nullptr && l->up && l->adapter == mh) {
        ++l->fragments;
        return;
      }
      return LinkContextUse(e, mh, lc, "fragment");
    }
    case NDIS_STATUS_TAPI_INDICATION: {
      const size_t need =
          profile->wan_tapi_event_ulong_params ? kTapiEventCompatSize : kTapiEventSize;
      if (!b.Has(0, need)) {
        Report(kW060, e.index, mh,
               "NDIS_STATUS_TAPI_INDICATION with StatusBufferSize " + std::to_string(f.len) +
                   "; NDIS_TAPI_EVENT needs " + std::to_string(need));
        return;
      }
      return TapiIndication(e, ad, mh, b, f);
    }
    default:
      return;
  }
}

void WanMonitor::State::LineUpCall(const Event& e, Adapter& ad, uint64_t mh, Bytes b, WFrame& f) {
  const uint32_t quality = b.U32(offsetof(NDIS_MAC_LINE_UP, Quality));
  const uint16_t window = b.U16(offsetof(NDIS_MAC_LINE_UP, SendWindow));
  const uint64_t cwid = b.U64(offsetof(NDIS_MAC_LINE_UP, ConnectionWrapperID));
  const uint64_t handle = b.U64(offsetof(NDIS_MAC_LINE_UP, NdisLinkHandle));
  const uint64_t lc = b.U64(kLineUpContextOff);
  if ((profile->wan_strict_quality || Strict()) && quality > NdisWanReliable)
    Report(kW030, e.index, lc,
           "line-up Quality " + std::to_string(quality) +
               " is not an NDIS_WAN_QUALITY (0..2) (OQ-22 strict)");
  Req* g = (ad.query.active && ad.query.oid == OID_TAPI_GET_ID) ? &ad.query : nullptr;

  if (lc != 0) {
    Link* l = FindLink(lc);
    if (l != nullptr && l->up && l->adapter == mh) {  // L4: a parameter update
      if (handle != l->handle)
        Report(kW028, e.index, lc,
               "later line-up of link " + Hex(lc) + " carries NdisLinkHandle " + Hex(handle) +
                   "; its first line-up gave " + Hex(l->handle));
      if (window != 0) l->window = window;
      return;
    }
    if (l != nullptr && !l->up && l->adapter == mh) return LinkContextUse(e, mh, lc, "line-up");
    if (g != nullptr && g->g.calls_for_line_up && !g->line_up_seen) {
      Report(kW023, e.index, lc,
             "initial line-up inside OID_TAPI_GET_ID carries NdisLinkContext " + Hex(lc) +
                 " instead of NULL");
      return;
    }
    auto h = link_by_handle.find(Key{mh, handle});
    if (h != link_by_handle.end()) {
      Report(kW025, e.index, lc,
             "line-up for NdisLinkHandle " + Hex(handle) + " carries NdisLinkContext " + Hex(lc) +
                 "; NDISWAN gave " + Hex(h->second));
      return;
    }
    return LinkContextUse(e, mh, lc, "line-up");
  }

  // An initial line-up (L2).
  if (auto h = link_by_handle.find(Key{mh, handle}); h != link_by_handle.end()) {
    Report(kW025, e.index, h->second,
           "line-up with NULL NdisLinkContext for NdisLinkHandle " + Hex(handle) +
               ", whose link is up with context " + Hex(h->second) + " (context not saved)");
    f.duplicate_line_up = true;
  }
  uint64_t ht_call = 0;
  if (g != nullptr) {
    if (g->g.decoded &&
        (g->g.select != LINECALLSELECT_CALL || (g->g.call_known && !g->g.calls_for_line_up))) {
      Report(kW034, e.index, handle,
             "initial line-up inside an OID_TAPI_GET_ID (ulSelect " + Hex(g->g.select) +
                 ") that does not call for one: not LINECALLSELECT_CALL, or a device class "
                 "already asked for on that call");
    }
    ht_call = g->g.ht_call;
    if (ht_call != 0 && cwid != ht_call)
      Report(kW027, e.index, handle,
             "initial line-up ConnectionWrapperID " + Hex(cwid) + " is not the call's htCall " +
                 Hex(ht_call));
  } else {
    if (ad.tapi_seen)
      Report(kW021, e.index, handle,
             "initial line-up of a TAPI miniport outside OID_TAPI_GET_ID(\"ndis\", CALL)");
    Call* c = FindCall(cwid);
    if (c != nullptr && !c->closed && c->adapter == mh)
      ht_call = cwid;
    else if (ad.tapi_seen)
      Report(kW027, e.index, handle,
             "initial line-up ConnectionWrapperID " + Hex(cwid) + " names no live call");
  }
  f.initial_line_up = true;
  f.up_handle = handle;
  f.up_ht_call = ht_call != 0 ? ht_call : cwid;
  f.up_window = window;
}

// A line-down, fragment, later line-up or receive whose NdisLinkContext is
// not an up link of the adapter.
void WanMonitor::State::LinkContextUse(const Event& e, uint64_t mh, uint64_t lc, const char* what) {
  Link* l = FindLink(lc);
  if (l != nullptr && l->adapter == mh) {
    if (l->up) return;
    Report(kW043, e.index, lc,
           std::string(what) + " names NdisLinkContext " + Hex(lc) +
               " after its line-down (event " + std::to_string(l->since) + ")");
    return;
  }
  ++unknown_links;  // OQ-25 / WAN-101
  if (profile->wan_report_unknown_link_context || Strict())
    Report(kW025, e.index, lc,
           std::string(what) + " names NdisLinkContext " + Hex(lc) +
               ", which no line-up of this adapter established (OQ-25)");
}

void WanMonitor::State::TapiIndication(const Event& e, Adapter& ad, uint64_t mh, Bytes b,
                                       WFrame& f) {
  const bool compat = profile->wan_tapi_event_ulong_params;
  const uint64_t ht_line = b.U64(0);
  const uint64_t ht_call = b.U64(8);
  const uint32_t msg = b.U32(16);
  const uint64_t p1 = compat ? b.U32(20) : b.U64(24);
  const uint64_t p2 = compat ? b.U32(24) : b.U64(32);
  const uint64_t p3 = compat ? b.U32(28) : b.U64(40);
  ad.tapi_seen = true;
  if (ad.wan_info_known && !ad.tapi_provider && !ad.reported_095) {
    ad.reported_095 = true;
    Report(kW095, e.index, mh,
           "NDIS_STATUS_TAPI_INDICATION from an adapter whose OID_WAN_GET_INFO FramingBits lack "
           "TAPI_PROVIDER");
  }
  Line* line = FindLine(ht_line);
  if (line == nullptr || line->closed || line->adapter != mh) {
    Report(kW061, e.index, ht_line,
           "TAPI message " + std::to_string(msg) + " names htLine " + Hex(ht_line) +
               ", which is not an open line of this adapter");
    return;
  }
  auto call_msg = [&](const char* name) -> Call* {
    Call* c = FindCall(ht_call);
    if (c == nullptr || c->closed || c->adapter != mh || c->ht_line != ht_line) {
      Report(kW061, e.index, ht_call,
             std::string(name) + " names htCall " + Hex(ht_call) +
                 ", which is not a live call of line " + Hex(ht_line));
      return nullptr;
    }
    return c;
  };
  switch (msg) {
    case LINE_NEWCALL: {
      if (ht_call != 0 || p2 != 0 || p3 != 0)
        Report(kW062, e.index, p1,
               "LINE_NEWCALL with htCall " + Hex(ht_call) + ", ulParam2 " + Hex(p2) +
                   ", ulParam3 " + Hex(p3) + "; all must be 0");
      if (line->media_modes == 0)
        Report(kW063, e.index, ht_line,
               "LINE_NEWCALL on line " + Hex(ht_line) +
                   ", which has no default media detection set (outbound only)");
      if (LiveCallHd(mh, p1))
        Report(kW084, e.index, p1, "LINE_NEWCALL hdCall " + Hex(p1) + " is a live call's hdCall");
      f.newcall = true;
      f.newcall_hd_call = p1;
      f.newcall_ht_line = ht_line;
      f.p2_off = compat ? 24 : 32;
      f.p2_size = compat ? 4 : 8;
      return;
    }
    case LINE_CALLSTATE: {
      Call* c = call_msg("LINE_CALLSTATE");
      if (c == nullptr) return;
      c->saw_callstate = true;
      c->state = static_cast<uint32_t>(p1);
      c->since = e.index;
      if (p1 == LINECALLSTATE_CONNECTED && UpLinkOfCall(*c) == nullptr)
        Report(kW022, e.index, ht_call,
               "LINE_CALLSTATE CONNECTED for htCall " + Hex(ht_call) + " before its line-up");
      if (p1 == LINECALLSTATE_IDLE) {
        c->drop_owes_idle = false;
        c->idle_since_drop = true;
      }
      if (p1 == LINECALLSTATE_OFFERING && c->from_newcall && p3 != 0 &&
          (p3 & ~uint64_t{line->media_modes}) != 0)
        Report(kW063, e.index, ht_call,
               "incoming call offered with media mode " + Hex(p3) + " outside the line's " +
                   Hex(line->media_modes));
      return;
    }
    case LINE_CALLINFO:
    case LINE_CALLDEVSPECIFIC: {
      Call* c = call_msg(msg == LINE_CALLINFO ? "LINE_CALLINFO" : "LINE_CALLDEVSPECIFIC");
      if (c != nullptr && c->from_newcall && !c->saw_callstate)
        Report(kW062, e.index, ht_call,
               "call message " + std::to_string(msg) + " for htCall " + Hex(ht_call) +
                   " before the LINE_CALLSTATE that must follow LINE_NEWCALL");
      return;
    }
    case LINE_LINEDEVSTATE: {
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_LINEDEVSTATE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      const uint64_t off = p1 & ~uint64_t{line->line_states | LINEDEVSTATE_REINIT};
      if (off != 0)
        Report(kW065, e.index, ht_line,
               "LINE_LINEDEVSTATE " + Hex(p1) + " with states " + Hex(off) +
                   " not enabled by OID_TAPI_SET_STATUS_MESSAGES (enabled " +
                   Hex(line->line_states) + ")");
      return;
    }
    case LINE_ADDRESSSTATE: {
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_ADDRESSSTATE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      const uint64_t off = p2 & ~uint64_t{line->address_states};
      if (off != 0)
        Report(kW065, e.index, ht_line,
               "LINE_ADDRESSSTATE " + Hex(p2) + " with states " + Hex(off) +
                   " not enabled by OID_TAPI_SET_STATUS_MESSAGES (enabled " +
                   Hex(line->address_states) + ")");
      return;
    }
    case LINE_CLOSE:
      if (ht_call != 0)
        Report(kW061, e.index, ht_call,
               "LINE_CLOSE carries htCall " + Hex(ht_call) + "; line messages carry 0");
      return;
    default:
      return;
  }
}

// NDISWAN's upward indication (WAN-037, WAN-042, WAN-053): the size of the
// NDIS_WAN_* structure for the status.
void WanMonitor::State::UpperIndicateCall(const Event& e, WFrame& f) {
  const Bytes b = View(Buf(f).blob, f.blob_len, f.len);
  switch (f.gstatus) {
    case NDIS_STATUS_WAN_LINE_UP:
      if (!b.Has(0, kWanLineUpSize))
        Report(kW037, e.index, f.adapter,
               "NDIS_WAN_LINE_UP to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 64");
      return;
    case NDIS_STATUS_WAN_LINE_DOWN:
      if (!b.Has(0, kWanLineDownSize))
        Report(kW042, e.index, f.adapter,
               "NDIS_WAN_LINE_DOWN to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 12");
      return;
    case NDIS_STATUS_WAN_FRAGMENT:
      if (!b.Has(0, kWanFragmentSize))
        Report(kW053, e.index, f.adapter,
               "NDIS_WAN_FRAGMENT to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 12");
      return;
    default:
      return;
  }
}

// After NDISWAN's upward indication: a protocol may write its per-link
// context into LocalAddress[2..5] and may set DeviceName; nothing else of
// the structure may change (the reserved LocalAddress bytes included).
void WanMonitor::State::UpperIndicateReturn(const Event& e, const uint64_t* a, WFrame& f) {
  const Bytes before = View(Buf(f).blob, f.blob_len, f.len);
  const Bytes after = View(e.blob, e.blob_len, a[0]);
  const CheckId check = f.gstatus == NDIS_STATUS_WAN_LINE_UP     ? kW037
                        : f.gstatus == NDIS_STATUS_WAN_LINE_DOWN ? kW042
                                                                 : kW053;
  if (a[0] != f.len) {
    Report(check, e.index, f.adapter,
           "StatusBufferSize is " + std::to_string(a[0]) + " after NDISWAN's indication, " +
               std::to_string(f.len) + " before");
    return;
  }
  const bool line_up = f.gstatus == NDIS_STATUS_WAN_LINE_UP;
  const size_t n = std::min(before.n, after.n);
  for (size_t i = 0; i < n; ++i) {
    if (line_up && i >= kWanLocalOff + kWanReservedLocal && i < kWanLocalOff + 6) continue;
    if (line_up && i >= kWanDeviceNameOff && i < kWanLineUpSize) continue;
    if (before.p[i] == after.p[i]) continue;
    const bool reserved = line_up && i >= kWanLocalOff && i < kWanLocalOff + kWanReservedLocal;
    Report(check, e.index, f.adapter,
           "byte " + std::to_string(i) + " of NDISWAN's status " + St(f.gstatus) +
               " changed from " + Hex(before.p[i]) + " to " + Hex(after.p[i]) +
               (reserved ? " (LocalAddress high-order bytes, reserved to NDISWAN)"
                         : " (an IN field of the structure)"));
    return;
  }
}

void WanMonitor::State::IndicateReturn(const Event& e, const uint64_t* a, WFrame& f) {
  const uint64_t mh = f.adapter;
  const Bytes before = View(Buf(f).blob, f.blob_len, f.len);
  const Bytes after = View(e.blob, e.blob_len, a[0]);
  if (f.upper) {
    UpperIndicateReturn(e, a, f);
  } else if (a[0] != f.len) {
    // WAN-103: only NdisLinkContext of an initial line-up and LINE_NEWCALL's
    // ulParam2 may change.
    Report(kW103, e.index, mh,
           "StatusBufferSize is " + std::to_string(a[0]) + " after NdisMIndicateStatus, " +
               std::to_string(f.len) + " before");
  } else {
    size_t skip_off = 0, skip_len = 0;
    if (f.initial_line_up) {
      skip_off = kLineUpContextOff;
      skip_len = 8;
    } else if (f.newcall) {
      skip_off = f.p2_off;
      skip_len = f.p2_size;
    }
    // Compared as the two ranges around the writable field (memcmp), and
    // searched byte by byte only when something changed.
    const size_t n = std::min(before.n, after.n);
    const size_t cut = std::min(skip_off, n), resume = std::min(skip_off + skip_len, n);
    const bool same = std::memcmp(before.p, after.p, cut) == 0 &&
                      std::memcmp(before.p + resume, after.p + resume, n - resume) == 0;
    for (size_t i = 0; !same && i < n; ++i) {
      if (i >= skip_off && i < skip_off + skip_len) continue;
      if (before.p[i] != after.p[i]) {
        Report(kW103, e.index, mh,
               "StatusBuffer byte " + std::to_string(i) + " of status " + St(f.gstatus) +
                   " changed from " + Hex(before.p[i]) + " to " + Hex(after.p[i]) +
                   " across NdisMIndicateStatus");
        break;
      }
    }
  }
  Adapter& ad = AdapterAt(mh);
  // WAN-001: every open binding to the adapter was notified. None notified
  // although some are open: NDIS refused the call (profile), see
  // wan_context_violations_refused; the bracket it opened is void.
  if (ad.has_name && !f.notified_overflow) {
    bool refused = false;
    if (f.nnotified == 0 && profile->wan_context_violations_refused) {
      for (const auto& [k, b] : binds)
        refused |= b.open && b.has_name && b.device_name == ad.device_name;
      if (refused && ad.bracket_open && ad.bracket_since == f.index && ad.nnotified == 0)
        ad.bracket_open = false;
    }
    for (const auto& [k, b] : binds) {
      if (refused || !b.open || !b.has_name || b.device_name != ad.device_name) continue;
      bool got = false;
      for (uint8_t i = 0; i < f.nnotified; ++i) got |= f.notified[i] == k;
      if (!got)
        Report(kW001Every, e.index, k.v,
               "binding " + Hex(k.v) + " (actor " + std::to_string(k.w) +
                   ") to the adapter got no ProtocolStatus for status " + St(f.gstatus));
    }
  }
  const bool forwarded = f.nnotified > 0;
  if (f.initial_line_up) {
    if (f.duplicate_line_up || !after.Has(kLineUpContextOff, 8)) return;
    const uint64_t lc = after.U64(kLineUpContextOff);
    if (!forwarded) return;  // nobody bound: no NDISWAN to write a context
    if (lc == 0) {
      Report(kW024, e.index, f.up_handle,
             "initial line-up returned with NdisLinkContext still NULL");
      return;
    }
    if (Link* old = FindLink(lc); old != nullptr && old->up) {
      Report(kW024, e.index, lc,
             "initial line-up returned NdisLinkContext " + Hex(lc) +
                 ", which a live link already has");
      return;
    }
    Link& l = links[lc];
    l = Link{};
    l.adapter = mh;
    l.handle = f.up_handle;
    l.ht_call = f.up_ht_call;
    l.up = true;
    l.window = f.up_window;
    l.since = e.index;
    link_by_handle[Key{mh, f.up_handle}] = lc;
    if (Call* c = FindCall(f.up_ht_call); c != nullptr && c->adapter == mh && !c->closed)
      c->lc = lc;
    if (ad.query.active && ad.query.oid == OID_TAPI_GET_ID) ad.query.line_up_seen = true;
    return;
  }
  if (f.newcall) {
    if (!forwarded || !after.Has(f.p2_off, f.p2_size)) return;
    const uint64_t ht = f.p2_size == 8 ? after.U64(f.p2_off) : after.U32(f.p2_off);
    if (ht == 0) {
      Report(kW062Write, e.index, f.newcall_hd_call,
             "LINE_NEWCALL for hdCall " + Hex(f.newcall_hd_call) +
                 " returned with ulParam2 (htCall) still 0");
      return;
    }
    Call& c = calls[ht];
    c = Call{};
    c.adapter = mh;
    c.ht_line = f.newcall_ht_line;
    c.hd_call = f.newcall_hd_call;
    c.provisional = false;
    c.from_newcall = true;
    c.since = e.index;
    call_by_hd[Key{mh, f.newcall_hd_call}] = ht;
  }
}

void WanMonitor::State::ProtocolStatusCall(const Event& e, const uint64_t* a) {
  // The frame below the ProtocolStatus just pushed.
  WFrame* ind = depth >= 2 ? &stack[depth - 2] : nullptr;
  if (ind == nullptr || ind->fn != Fn::NdisMIndicateStatus) return;
  const Key k{a[0], e.actor};
  const int32_t gs = SlotStatus(a[1]);
  if (gs != ind->gstatus || a[2] != ind->len) {
    Report(kW001Forward, e.index, a[0],
           "ProtocolStatus got status " + St(gs) + " size " + std::to_string(a[2]) +
               "; the miniport indicated " + St(ind->gstatus) + " size " +
               std::to_string(ind->len));
  } else {
    const size_t n = std::min<size_t>(e.blob_len, kBlob);
    if (n != ind->cur_len || std::memcmp(e.blob, Cur(*ind), n) != 0)
      Report(
          kW001Forward, e.index, a[0],
          "ProtocolStatus got StatusBuffer bytes other than the miniport's for status " + St(gs));
  }
  for (uint8_t i = 0; i < ind->nnotified; ++i)
    if (ind->notified[i] == k)
      Report(kW001Forward, e.index, a[0],
             "binding " + Hex(a[0]) + " got ProtocolStatus twice for one NdisMIndicateStatus");
  auto b = binds.find(k);
  if (b != binds.end() && b->second.closed)
    Report(kW001Forward, e.index, a[0],
           "ProtocolStatus to binding " + Hex(a[0]) + " after it was closed");
  if (ind->nnotified < 8)
    ind->notified[ind->nnotified++] = k;
  else
    ind->notified_overflow = true;
  Adapter& ad = AdapterAt(ind->adapter);
  if (b != binds.end() && b->second.has_name && !ad.has_name) {
    ad.has_name = true;
    ad.device_name = b->second.device_name;
  }
  bool in_bracket = false;
  for (uint8_t i = 0; i < ad.nnotified; ++i) in_bracket |= ad.notified[i] == k;
  if (!in_bracket) {
    if (ad.nnotified < 8)
      ad.notified[ad.nnotified++] = k;
    else
      ad.notified_overflow = true;
  }
}

void WanMonitor::State::ProtocolStatusReturn(const Event& e, const uint64_t* a) {
  WFrame* ind = Top();  // the ProtocolStatus frame is popped already
  if (ind == nullptr || ind->fn != Fn::NdisMIndicateStatus) return;
  (void)a;
  // What this protocol wrote back is what the next one sees.
  ind->cur_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(Buf(*ind).cur, e.blob, ind->cur_len);
  ind->cur_is_blob = false;
}

void WanMonitor::State::StatusCompleteCall(const Event& e, WFrame& f) {
  const uint64_t mh = f.arg[0];
  f.adapter = mh;
  StatusContext(e, mh, "NdisMIndicateStatusComplete");
  Adapter& ad = AdapterAt(mh);
  // The bindings notified since the last complete; an indication made from
  // ProtocolStatusComplete opens the next bracket (WAN-012).
  f.nnotified = ad.nnotified;
  f.notified_overflow = ad.notified_overflow;
  std::copy(ad.notified, ad.notified + ad.nnotified, f.notified);
  std::fill(f.done, f.done + 8, false);
  ad.nnotified = 0;
  ad.notified_overflow = false;
  ad.bracket_open = false;
}

void WanMonitor::State::StatusCompleteReturn(const Event& e, WFrame& f) {
  if (f.notified_overflow) return;
  for (uint8_t i = 0; i < f.nnotified; ++i) {
    if (f.done[i]) continue;
    auto b = binds.find(f.notified[i]);
    if (b != binds.end() && !b->second.open) continue;  // closed since
    Report(kW011, e.index, f.notified[i].v,
           "binding " + Hex(f.notified[i].v) + " was notified but got no ProtocolStatusComplete");
  }
}

// ---------------------------------------------------------------------------
// Requests (OID_TAPI_*, OID_WAN_GET_INFO; WAN-021, 026, 070..088, 095)
// ---------------------------------------------------------------------------

void WanMonitor::State::RequestCall(const Event& e, const uint64_t* a, bool query) {
  const uint64_t mh = HandleByCtx(a[0]);
  if (mh == 0) return;
  Adapter& ad = AdapterAt(mh);
  // Learn the adapter's DeviceName from the binding whose NdisRequest this is.
  if (!ad.has_name && depth >= 2 && stack[depth - 2].fn == Fn::NdisRequest) {
    auto h = bind_by_handle.find(stack[depth - 2].arg[0]);
    if (h != bind_by_handle.end()) {
      auto b = binds.find(h->second);
      if (b != binds.end() && b->second.has_name) {
        ad.has_name = true;
        ad.device_name = b->second.device_name;
      }
    }
  }
  const uint32_t oid = static_cast<uint32_t>(a[1]);
  Req& r = query ? ad.query : ad.set;
  r.active = true;
  r.pended = false;
  r.awaiting_buffer = false;
  r.oid = oid;
  r.status = 0;
  r.index = e.index;
  r.in_len = a[2];
  r.in_blob_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(r.in, e.blob, r.in_blob_len);
  r.g = GetId{};
  r.line_up_seen = false;
  if (IsTapiOid(oid)) TapiRequestStart(e, ad, mh, r);
}

void WanMonitor::State::TapiRequestStart(const Event& e, Adapter& ad, uint64_t mh, Req& r) {
  ad.tapi_seen = true;
  if (ad.wan_info_known && !ad.tapi_provider && !ad.reported_095) {
    ad.reported_095 = true;
    Report(
        kW095, e.index, mh,
        "OID_TAPI_* request to an adapter whose OID_WAN_GET_INFO FramingBits lack TAPI_PROVIDER");
  }
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  switch (r.oid) {
    case OID_TAPI_GET_ID: {
      GetId& g = r.g;
      if (!in.Has(0, kGetIdDeviceIdOff)) return;  // too short to be a request
      g.decoded = true;
      g.hd_line = in.U64(offsetof(NDIS_TAPI_GET_ID, hdLine));
      g.hd_call = in.U64(offsetof(NDIS_TAPI_GET_ID, hdCall));
      g.select = in.U32(offsetof(NDIS_TAPI_GET_ID, ulSelect));
      const uint32_t csize = in.U32(offsetof(NDIS_TAPI_GET_ID, ulDeviceClassSize));
      const uint32_t coff = in.U32(offsetof(NDIS_TAPI_GET_ID, ulDeviceClassOffset));
      if (in.Has(coff, csize) && csize > 0) {
        g.class_known = true;
        g.class_hash = ClassHash(in, coff, csize);
        size_t len = 0;
        while (len < csize && in.p[coff + len] != 0) ++len;
        g.ndis = len == 4 && g.class_hash == kNdisClassHash;
      }
      if (g.select != LINECALLSELECT_CALL) return;
      uint64_t ht = 0;
      Call* c = CallByHd(mh, g.hd_call, &ht);
      if (c == nullptr || c->closed) return;
      g.ht_call = ht;
      bool new_class = g.class_known;
      for (uint8_t i = 0; i < c->nclasses; ++i) new_class &= c->classes[i] != g.class_hash;
      g.call_known = true;
      g.calls_for_line_up = c->getid_count == 0 || new_class;
      ++c->getid_count;
      if (g.class_known && new_class && c->nclasses < 4) c->classes[c->nclasses++] = g.class_hash;
      return;
    }
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall))) return;
      const uint64_t hd_line = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdLine));
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      Line* l = LineByHd(mh, hd_line);
      uint64_t ht_line = 0;
      if (l != nullptr) {
        auto it = line_by_hd.find(Key{mh, hd_line});
        ht_line = it->second;
      }
      // Provisional until the request completes: the miniport may indicate
      // call states for htCall before MAKE_CALL returns.
      Call& c = calls[ht_call];
      c = Call{};
      c.adapter = mh;
      c.ht_line = ht_line;
      c.provisional = true;
      c.since = e.index;
      return;
    }
    case OID_TAPI_OPEN: {
      if (!in.Has(0, offsetof(NDIS_TAPI_OPEN, hdLine))) return;
      const uint64_t ht_line = in.U64(offsetof(NDIS_TAPI_OPEN, htLine));
      Line& l = lines[ht_line];
      if (l.open && !l.closed) return;  // re-open of an open line: leave it
      l = Line{};
      l.adapter = mh;
      l.provisional = true;
      l.open = true;
      return;
    }
    case OID_TAPI_DROP: {
      if (!in.Has(0, 16)) return;
      Call* c = CallByHd(mh, in.U64(8));
      // A DROP of a call that is already IDLE changes no state, so it owes
      // no new LINE_CALLSTATE (WAN-064 indicates changes).
      if (c != nullptr && !c->closed && c->state != LINECALLSTATE_IDLE) {
        c->idle_since_drop = false;
        c->drop_index = e.index;
      }
      return;
    }
    default:
      return;
  }
}

void WanMonitor::State::RequestReturn(const Event& e, const uint64_t* a, bool query,
                                      const WFrame& f) {
  const uint64_t mh = HandleByCtx(f.arg[0]);
  Adapter* ad = mh != 0 ? FindAdapter(mh) : nullptr;
  if (ad == nullptr) return;
  Req& r = query ? ad->query : ad->set;
  if (!r.active || r.index != f.index) return;
  if (e.status == NDIS_STATUS_PENDING) {
    r.pended = true;
    return;
  }
  TapiRequestStatus(e, *ad, mh, r, e.status, false);
  if (query && e.status == NDIS_STATUS_SUCCESS)
    RequestOutput(e, *ad, mh, r, View(e.blob, e.blob_len, a[2]));
  r.active = false;
}

void WanMonitor::State::RequestCompleteCall(const Event& e, const uint64_t* a, bool query) {
  Adapter* ad = FindAdapter(a[0]);
  if (ad == nullptr) return;
  Req& r = query ? ad->query : ad->set;
  if (!r.active || !r.pended) return;  // not a WAN rule: NDIS rejects it
  const int32_t status = SlotStatus(a[1]);
  TapiRequestStatus(e, *ad, a[0], r, status, true);
  r.active = false;
  if (query && status == NDIS_STATUS_SUCCESS) {
    r.awaiting_buffer = true;
    if (std::find(awaiting.begin(), awaiting.end(), a[0]) == awaiting.end())
      awaiting.push_back(a[0]);
  }
}

void WanMonitor::State::CloseCall(Call& c, uint64_t index, bool by_line) {
  c.closed = true;
  c.closed_by_line = by_line;
  c.since = index;
}

void WanMonitor::State::CloseLine(Line& l, uint64_t ht_line, uint64_t index) {
  l.closed = true;
  l.open = false;
  // OQ-37: a CLOSE with live calls closes them too.
  for (auto& [ht, c] : calls)
    if (!c.closed && c.adapter == l.adapter && c.ht_line == ht_line) CloseCall(c, index, true);
}

// The final status of a request (its return, or NdisM*InformationComplete
// after PENDING).
void WanMonitor::State::TapiRequestStatus(const Event& e, Adapter& ad, uint64_t mh, Req& r,
                                          int32_t status, bool pended) {
  if (!IsTapiOid(r.oid)) return;
  const bool ok = status == NDIS_STATUS_SUCCESS;
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  auto stale_call = [&](const Call* c, const char* oid) {
    if (c == nullptr || !c->closed || !ok) return;
    Report(c->closed_by_line ? kW088Stale : kW086Stale, e.index, c->hd_call,
           std::string(oid) + " on hdCall " + Hex(c->hd_call) +
               " succeeded after the call was closed" +
               (c->closed_by_line ? " with its line" : " by OID_TAPI_CLOSE_CALL"));
  };
  auto stale_line = [&](const Line* l, uint64_t hd, const char* oid) {
    if (l == nullptr || !l->closed || !ok) return;
    Report(kW088Stale, e.index, hd,
           std::string(oid) + " on hdLine " + Hex(hd) + " succeeded after OID_TAPI_CLOSE");
  };
  if (r.oid != OID_TAPI_GET_ID && IsUnsupported(status) &&
      status != NDIS_STATUS_TAPI_OPERATIONUNAVAIL)
    Report(kW080, e.index, mh,
           "OID " + Hex(r.oid) + " failed with " + St(status) +
               "; an unsupported TAPI request fails with NDIS_STATUS_TAPI_OPERATIONUNAVAIL");
  switch (r.oid) {
    case OID_TAPI_GET_ID: {
      if (IsUnsupported(status)) {
        Report(kW070, e.index, mh,
               "OID_TAPI_GET_ID answered " + St(status) + "; support is mandatory");
      } else if (!(ok || status == NDIS_STATUS_TAPI_INVALLINEHANDLE ||
                   status == NDIS_STATUS_TAPI_INVALADDRESSID ||
                   status == NDIS_STATUS_TAPI_INVALCALLHANDLE ||
                   status == NDIS_STATUS_TAPI_NODEVICE ||
                   status == NDIS_STATUS_TAPI_RESOURCEUNAVAIL || status == NDIS_STATUS_FAILURE ||
                   // E-08: a buffer that cannot hold the request is refused first.
                   status == NDIS_STATUS_INVALID_LENGTH || status == NDIS_STATUS_INVALID_DATA)) {
        Report(kW073, e.index, mh,
               "OID_TAPI_GET_ID " + std::string(pended ? "completed" : "returned") + " with " +
                   St(status) + ", which is not among its return codes");
      }
      const GetId& g = r.g;
      if (!g.decoded) return;
      if (g.select == LINECALLSELECT_CALL) {
        Call* c = CallByHd(mh, g.hd_call);
        stale_call(c, "OID_TAPI_GET_ID");
        if (!ok || !g.ndis || c == nullptr || c->closed) return;
        if (UpLinkOfCall(*c) == nullptr)
          Report(pended ? kW074 : kW021, e.index, g.hd_call,
                 std::string("OID_TAPI_GET_ID(\"ndis\", CALL) for hdCall ") + Hex(g.hd_call) +
                     (pended ? " completed (NdisMQueryInformationComplete)" : " returned") +
                     " SUCCESS without a line-up for the call");
      } else if (g.select == LINECALLSELECT_LINE) {
        stale_line(LineByHd(mh, g.hd_line), g.hd_line, "OID_TAPI_GET_ID");
      }
      return;
    }
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall))) return;
      const uint64_t hd_line = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdLine));
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      Line* l = LineByHd(mh, hd_line);
      if (ok && l != nullptr && l->closed)
        Report(kW084, e.index, hd_line,
               "OID_TAPI_MAKE_CALL on closed hdLine " + Hex(hd_line) + " succeeded");
      if (!ok) {
        auto it = calls.find(ht_call);
        if (it != calls.end() && it->second.provisional) calls.erase(it);
      }
      return;  // hdCall comes with the output
    }
    case OID_TAPI_OPEN: {
      if (ok || !in.Has(0, offsetof(NDIS_TAPI_OPEN, hdLine))) return;
      auto it = lines.find(in.U64(offsetof(NDIS_TAPI_OPEN, htLine)));
      if (it != lines.end() && it->second.provisional) lines.erase(it);
      return;
    }
    case OID_TAPI_PROVIDER_SHUTDOWN: {
      if (!ok) return;
      ad.provider_up = false;
      for (auto& [ht, l] : lines)
        if (l.adapter == mh && !l.closed) CloseLine(l, ht, e.index);
      return;
    }
    case OID_TAPI_DROP:
    case OID_TAPI_ACCEPT:
    case OID_TAPI_ANSWER: {
      if (!in.Has(0, 16)) return;
      const uint64_t hd = in.U64(8);
      Call* c = CallByHd(mh, hd);
      const char* name = r.oid == OID_TAPI_DROP     ? "OID_TAPI_DROP"
                         : r.oid == OID_TAPI_ACCEPT ? "OID_TAPI_ACCEPT"
                                                    : "OID_TAPI_ANSWER";
      stale_call(c, name);
      if (r.oid == OID_TAPI_DROP && ok && c != nullptr && !c->closed && !c->idle_since_drop)
        c->drop_owes_idle = true;
      return;
    }
    case OID_TAPI_CLOSE_CALL: {
      if (!in.Has(0, sizeof(NDIS_TAPI_CLOSE_CALL))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_CLOSE_CALL, hdCall));
      uint64_t ht = 0;
      Call* c = CallByHd(mh, hd, &ht);
      if (c == nullptr) return;
      if (c->closed) return stale_call(c, "OID_TAPI_CLOSE_CALL");
      if (!ok) {
        Report(kW086Fail, e.index, hd,
               "OID_TAPI_CLOSE_CALL on live hdCall " + Hex(hd) + " failed with " + St(status));
        return;
      }
      if (c->drop_owes_idle)
        Report(kW085, e.index, ht,
               "OID_TAPI_DROP (event " + std::to_string(c->drop_index) + ") of htCall " + Hex(ht) +
                   " was never followed by LINE_CALLSTATE IDLE before CLOSE_CALL");
      if (c->from_newcall && !c->saw_callstate)
        Report(kW062, e.index, ht,
               "call " + Hex(ht) + " from LINE_NEWCALL closed without any LINE_CALLSTATE");
      if ((profile->wan_line_down_before_close_call || Strict()) && UpLinkOfCall(*c) != nullptr)
        Report(kW040Close, e.index, c->lc,
               "OID_TAPI_CLOSE_CALL of htCall " + Hex(ht) + " completed with its link " +
                   Hex(c->lc) + " still up (OQ-28 strict)");
      c->drop_owes_idle = false;
      CloseCall(*c, e.index, false);
      return;
    }
    case OID_TAPI_CLOSE: {
      if (!in.Has(0, sizeof(NDIS_TAPI_CLOSE))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_CLOSE, hdLine));
      auto it = line_by_hd.find(Key{mh, hd});
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return stale_line(l, hd, "OID_TAPI_CLOSE");
      if (!ok) {
        Report(kW088Fail, e.index, hd,
               "OID_TAPI_CLOSE on open hdLine " + Hex(hd) + " failed with " + St(status));
        return;
      }
      CloseLine(*l, it->second, e.index);
      return;
    }
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION: {
      if (!in.Has(0, 20)) return;
      const uint64_t hd = in.U64(8);
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return stale_line(l, hd, "OID_TAPI_SET_DEFAULT_MEDIA_DETECTION");
      if (ok) l->media_modes = in.U32(16);
      return;
    }
    case OID_TAPI_SET_STATUS_MESSAGES: {
      if (!in.Has(0, sizeof(NDIS_TAPI_SET_STATUS_MESSAGES))) return;
      const uint64_t hd = in.U64(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, hdLine));
      Line* l = LineByHd(mh, hd);
      if (l == nullptr) return;
      if (l->closed) return stale_line(l, hd, "OID_TAPI_SET_STATUS_MESSAGES");
      if (ok) {
        l->line_states = in.U32(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, ulLineStates));
        l->address_states = in.U32(offsetof(NDIS_TAPI_SET_STATUS_MESSAGES, ulAddressStates));
      }
      return;
    }
    default:
      return;
  }
}

// The information buffer of a successful query, after the miniport wrote it.
void WanMonitor::State::RequestOutput(const Event& e, Adapter& ad, uint64_t mh, Req& r, Bytes out) {
  const Bytes in = View(r.in, r.in_blob_len, r.in_len);
  switch (r.oid) {
    case OID_WAN_GET_INFO: {
      if (!out.Has(0, sizeof(NDIS_WAN_INFO))) return;
      ad.wan_info_known = true;
      ad.max_transmit = out.U32(offsetof(NDIS_WAN_INFO, MaxTransmit));
      ad.tapi_provider = (out.U32(offsetof(NDIS_WAN_INFO, FramingBits)) & TAPI_PROVIDER) != 0;
      auto d = drivers.find(ad.actor);
      if (d != drivers.end() && d->second.registered && !d->second.wan_wrapper &&
          !ad.reported_095) {
        ad.reported_095 = true;
        Report(kW095, e.index, mh,
               "OID_WAN_GET_INFO answered by a miniport registered without NDIS_USE_WAN_WRAPPER");
      }
      return;
    }
    case OID_TAPI_PROVIDER_INITIALIZE: {
      if (!out.Has(0, sizeof(NDIS_TAPI_PROVIDER_INITIALIZE))) return;
      const uint64_t id = out.U64(offsetof(NDIS_TAPI_PROVIDER_INITIALIZE, ulProviderID));
      for (const auto& [h, other] : adapters)
        if (h != mh && other.provider_up && other.provider_id == id)
          Report(kW082, e.index, id,
                 "ulProviderID " + Hex(id) + " is also the provider ID of adapter " + Hex(h));
      ad.provider_up = true;
      ad.provider_id = id;
      return;
    }
    case OID_TAPI_OPEN: {
      if (!in.Has(0, sizeof(NDIS_TAPI_OPEN)) || !out.Has(0, sizeof(NDIS_TAPI_OPEN))) return;
      const uint64_t ht_line = in.U64(offsetof(NDIS_TAPI_OPEN, htLine));
      const uint64_t hd_line = out.U64(offsetof(NDIS_TAPI_OPEN, hdLine));
      Line* other = LineByHd(mh, hd_line);
      if (other != nullptr && !other->closed) {
        auto it = line_by_hd.find(Key{mh, hd_line});
        if (it->second != ht_line)
          Report(kW083, e.index, hd_line,
                 "OID_TAPI_OPEN returned hdLine " + Hex(hd_line) + ", which open line " +
                     Hex(it->second) + " already has");
      }
      Line& l = lines[ht_line];
      l.adapter = mh;
      l.hd_line = hd_line;
      l.provisional = false;
      l.open = true;
      l.closed = false;
      line_by_hd[Key{mh, hd_line}] = ht_line;
      return;
    }
    case OID_TAPI_MAKE_CALL: {
      if (!in.Has(0, offsetof(NDIS_TAPI_MAKE_CALL, hdCall)) ||
          !out.Has(offsetof(NDIS_TAPI_MAKE_CALL, hdCall), 8))
        return;
      const uint64_t ht_call = in.U64(offsetof(NDIS_TAPI_MAKE_CALL, htCall));
      const uint64_t hd_call = out.U64(offsetof(NDIS_TAPI_MAKE_CALL, hdCall));
      uint64_t other_ht = 0;
      Call* other = CallByHd(mh, hd_call, &other_ht);
      if (other != nullptr && !other->closed && other_ht != ht_call)
        Report(kW084, e.index, hd_call,
               "OID_TAPI_MAKE_CALL returned hdCall " + Hex(hd_call) + ", which live call " +
                   Hex(other_ht) + " already has");
      Call& c = calls[ht_call];
      if (c.adapter != mh) {  // the provisional record went missing: rebuild it
        c = Call{};
        c.adapter = mh;
      }
      c.hd_call = hd_call;
      c.provisional = false;
      call_by_hd[Key{mh, hd_call}] = ht_call;
      return;
    }
    case OID_TAPI_GET_ID: {
      const GetId& g = r.g;
      if (!g.decoded || !g.ndis || g.select != LINECALLSELECT_CALL) return;
      Call* c = CallByHd(mh, g.hd_call);
      Link* l = c != nullptr ? UpLinkOfCall(*c) : nullptr;
      if (l == nullptr) return;  // WAN-021 / WAN-074 reported it
      // OQ-23: VAR_STRING at DeviceID; the handle bytes at ulStringOffset
      // from the VAR_STRING.
      constexpr size_t v = kGetIdDeviceIdOff;
      if (!out.Has(v, sizeof(VAR_STRING))) {
        if (r.in_len >= v + sizeof(VAR_STRING))
          Report(kW026, e.index, g.hd_call,
                 "OID_TAPI_GET_ID output carries no DeviceID VAR_STRING");
        return;
      }
      const uint32_t total = out.U32(v + offsetof(VAR_STRING, ulTotalSize));
      const uint32_t needed = out.U32(v + offsetof(VAR_STRING, ulNeededSize));
      const uint32_t ssize = out.U32(v + offsetof(VAR_STRING, ulStringSize));
      const uint32_t soff = out.U32(v + offsetof(VAR_STRING, ulStringOffset));
      if (ssize == 0 && needed > total) return;  // VARSTRING too small: TAPI convention
      if (ssize < 8 || !out.Has(v + static_cast<size_t>(soff), 8)) {
        if (v + static_cast<uint64_t>(soff) + 8 > kBlob && r.in_len > kBlob)
          return;  // not captured
        Report(kW026, e.index, g.hd_call,
               "OID_TAPI_GET_ID DeviceID string (size " + std::to_string(ssize) + ", offset " +
                   std::to_string(soff) + ") does not hold a handle inside the buffer");
        return;
      }
      const uint64_t dev = out.U64(v + soff);
      // A miniport with a data channel per device class (WAN-034, WAN-035)
      // has several links per call: the DeviceID names one of them (the
      // channel of the class asked for), not necessarily the newest.
      const Link* named = FindLink(dev);
      const bool ok = dev == c->lc || (named != nullptr && named->up && named->adapter == mh &&
                                       named->ht_call == l->ht_call);
      if (!ok)
        Report(kW026, e.index, g.hd_call,
               "OID_TAPI_GET_ID DeviceID " + Hex(dev) +
                   " is not the NdisLinkContext of an up link of the call (latest " + Hex(c->lc) +
                   ")");
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------------------
// WAN sends (WAN-031, WAN-033)
// ---------------------------------------------------------------------------

void WanMonitor::State::WanSendCall(const Event& e, const uint64_t* a, WFrame& f) {
  const uint64_t mh = HandleByCtx(a[0]);
  f.adapter = mh;
  f.send_lc = 0;
  // NDISWAN's virtual adapter names links by its own upper ids (E-10); the
  // NdisLinkHandle rules are about the WAN miniport's links below it.
  if (BoundBelow(e.actor)) return;
  auto it = link_by_handle.find(Key{mh, a[1]});
  Link* l = it != link_by_handle.end() ? FindLink(it->second) : nullptr;
  if (l == nullptr || !l->up) {
    Report(kW033, e.index, a[1],
           "MiniportWanSend with NdisLinkHandle " + Hex(a[1]) +
               ", which is not the handle of a link that is up");
    return;
  }
  const Adapter* ad = FindAdapter(mh);
  const uint32_t window = l->window != 0 ? l->window : (ad != nullptr ? ad->max_transmit : 0);
  if (window != 0 && l->outstanding + 1 > window)
    Report(kW031, e.index, it->second,
           "MiniportWanSend makes " + std::to_string(l->outstanding + 1) +
               " sends outstanding on link " + Hex(it->second) + "; its send window is " +
               std::to_string(window));
  ++l->outstanding;
  f.send_lc = it->second;
}

// ---------------------------------------------------------------------------
// Quiesce
// ---------------------------------------------------------------------------

void WanMonitor::State::Finish() {
  for (const auto& [mh, ad] : adapters)
    if (ad.bracket_open)
      Report(kW010, ad.bracket_since, mh,
             "NdisMIndicateStatus on adapter " + Hex(mh) +
                 " was never followed by NdisMIndicateStatusComplete");
  for (const auto& [ht, c] : calls) {
    if (c.closed) continue;
    if (c.drop_owes_idle)
      Report(kW085, c.drop_index, ht,
             "OID_TAPI_DROP of htCall " + Hex(ht) + " was never followed by LINE_CALLSTATE IDLE");
    if (c.from_newcall && !c.saw_callstate)
      Report(kW062, c.since, ht,
             "call " + Hex(ht) + " from LINE_NEWCALL never got a LINE_CALLSTATE");
  }
  if (profile->wan_links_down_at_finish || Strict())
    for (const auto& [lc, l] : links)
      if (l.up)
        Report(kW040Finish, l.since, lc,
               "link " + Hex(lc) + " is still up at the end of the run (strict)");
}

// ---------------------------------------------------------------------------

WanMonitor::WanMonitor(const Profile* profile, ReportFn report, void* report_ctx)
    : s_(std::make_unique<State>(profile, report, report_ctx)) {}
WanMonitor::~WanMonitor() = default;
void WanMonitor::OnEvent(const Event& e, bool call, const uint64_t* a) { s_->OnEvent(e, call, a); }
void WanMonitor::Finish() { s_->Finish(); }
uint64_t WanMonitor::unknown_link_contexts() const { return s_->unknown_links; }

}  // namespace ndisconf::monitor::wan
