// The rule monitor: shadow state from events, one handler per function,
// one report per broken rule (see monitor.h and checks.inc).
#include "conformance/monitor/monitor.h"

#include <ndis.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "conformance/monitor/checks.inc"
#include "conformance/monitor/wan_monitor.h"

namespace ndisconf::monitor {
namespace {

enum Check : uint16_t {
#define NDISCONF_CHECK_ENUM(e, rule, name, desc) e,
  NDISCONF_MONITOR_CHECKS(NDISCONF_CHECK_ENUM)
#undef NDISCONF_CHECK_ENUM
      kCheckCount
};

const CheckInfo kCheckTable[] = {
#define NDISCONF_CHECK_INFO(e, rule, name, desc) {rule, name, desc},
    NDISCONF_MONITOR_CHECKS(NDISCONF_CHECK_INFO)
#undef NDISCONF_CHECK_INFO
};
static_assert(sizeof(kCheckTable) / sizeof(kCheckTable[0]) == kCheckCount);

constexpr uint64_t kNull = ~uint64_t{0};  // boundary's kNullSlot
constexpr uint64_t kNone = ~uint64_t{0};  // "no event index"

constexpr int32_t kSuccess = NDIS_STATUS_SUCCESS;
constexpr int32_t kPending = NDIS_STATUS_PENDING;
constexpr int32_t kFailure = NDIS_STATUS_FAILURE;
constexpr int32_t kNotAccepted = NDIS_STATUS_NOT_ACCEPTED;
constexpr int32_t kClosingStatus = NDIS_STATUS_CLOSING;

// ---- formatting, used only when a violation is reported ----
std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string St(int32_t s) {
  switch (s) {
    case NDIS_STATUS_SUCCESS:
      return "SUCCESS";
    case NDIS_STATUS_PENDING:
      return "PENDING";
    case NDIS_STATUS_FAILURE:
      return "FAILURE";
    case NDIS_STATUS_RESOURCES:
      return "RESOURCES";
    case NDIS_STATUS_NOT_ACCEPTED:
      return "NOT_ACCEPTED";
    case NDIS_STATUS_CLOSING:
      return "CLOSING";
    case NDIS_STATUS_INVALID_DATA:
      return "INVALID_DATA";
    case NDIS_STATUS_INVALID_PARAMETER:
      return "INVALID_PARAMETER";
    case NDIS_STATUS_NOT_SUPPORTED:
      return "NOT_SUPPORTED";
    case NDIS_STATUS_BAD_CHARACTERISTICS:
      return "BAD_CHARACTERISTICS";
    default: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%08x", static_cast<uint32_t>(s));
      return buf;
    }
  }
}

std::string Name(Fn fn) { return std::string(NameOf(fn)); }

// A status recorded in an argument slot (the boundary stores uint32).
int32_t SlotStatus(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

// ---- shadow objects ----
struct Key {
  uint64_t v;
  uint64_t w;
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

Key AK(ActorId a, uint64_t ctx) { return Key{ctx, a}; }

struct Driver {
  bool protocol = false, miniport = false;
  bool client = false, cm = false, proto_co = false, mini_co = false;
  uint64_t client_mask = 0, cm_mask = 0, proto_co_mask = 0;
  uint16_t cm_size = 0;
  bool mcm() const { return miniport && cm; }
};

enum class BState : uint8_t { kOpening, kOpen, kClosing, kClosed };
struct Binding {
  ActorId actor = 0;
  uint64_t ctx = 0;
  BState state = BState::kOpening;
  uint64_t bind_call = kNone;  // index of the enclosing ProtocolBindAdapterEx call
  uint32_t opening = 0;        // AF opens pending on this binding (AF-040)
};

struct Adapter {
  ActorId actor = 0;
  uint64_t ctx = 0;
  bool has_ctx = false;
  uint64_t init_call = kNone;
  bool halted = false;
};

struct Reg {
  uint64_t key = 0;  // binding handle (CM) or miniport adapter handle (MCM)
  ActorId actor = 0;
  bool mcm = false;
  uint64_t af[3] = {};
  bool live = true;
  uint64_t in_call = kNone;  // index of the bind / initialize call it was made in
};

enum class AState : uint8_t { kCmOpenCall, kOpening, kOpen, kClosing, kClosed, kFailed };
const char* AStateName(AState s) {
  switch (s) {
    case AState::kCmOpenCall:
      return "OPEN-IN-CM";
    case AState::kOpening:
      return "OPENING";
    case AState::kOpen:
      return "OPEN";
    case AState::kClosing:
      return "CLOSING";
    case AState::kClosed:
      return "CLOSED";
    case AState::kFailed:
      return "FAILED";
  }
  return "?";
}

struct Af {
  AState state = AState::kCmOpenCall;
  ActorId client = 0, cm = 0;
  uint64_t client_binding = 0, client_ctx = 0, cm_ctx = 0, cm_key = 0;
  bool cm_is_mcm = false;
  uint64_t af[3] = {};
  uint64_t since = 0;  // event index of the last state change
  int32_t open_complete_status = 0, close_complete_status = 0, notify_status = 0;
  bool open_sync = false;            // open returned synchronously
  bool open_owed = false;            // CM owes NdisCmOpenAddressFamilyComplete
  bool open_complete_owed = false;   // NDIS owes ProtocolClOpenAfCompleteEx
  bool close_owed = false;           // CM owes NdisCmCloseAddressFamilyComplete
  bool close_complete_owed = false;  // NDIS owes ProtocolClCloseAfComplete
  bool close_sync = false;           // close returned synchronously
  bool close_failed = false;         // a close was refused (OQ-07)
  bool client_closed = false;        // client called NdisClCloseAddressFamily (not refused)
  bool cm_done = false;              // handle invalid for the CM
  bool notify_active = false;
  bool notify_pending = false;      // NotifyClose returned PENDING
  bool client_notify_owed = false;  // client owes NdisClNotifyCloseAddressFamilyComplete
  bool client_notify_done = false;
  bool cm_notify_owed = false;  // NDIS owes ProtocolCmNotifyCloseAfComplete
  uint32_t saps = 0, vcs = 0;
  bool Ended() const { return state == AState::kClosed || state == AState::kFailed; }
};

enum class SState : uint8_t {
  kCmCall,
  kRegistering,
  kRegistered,
  kFailed,
  kDeregistering,
  kDeregistered
};
const char* SStateName(SState s) {
  switch (s) {
    case SState::kCmCall:
      return "REGISTER-IN-CM";
    case SState::kRegistering:
      return "REGISTERING";
    case SState::kRegistered:
      return "REGISTERED";
    case SState::kFailed:
      return "FAILED";
    case SState::kDeregistering:
      return "DEREGISTERING";
    case SState::kDeregistered:
      return "DEREGISTERED";
  }
  return "?";
}

struct Sap {
  SState state = SState::kCmCall;
  ActorId client = 0, cm = 0;
  uint64_t af = 0, client_ctx = 0, cm_ctx = 0;
  uint64_t since = 0;
  int32_t reg_status = 0, dereg_status = 0;
  bool reg_owed = false, reg_complete_owed = false;
  bool dereg_owed = false, dereg_complete_owed = false;
  bool counted = false;  // counted in Af::saps
  // S13 / AF-091: NDIS released the SAP with its AF (the client closed the
  // AF with it registered); the client's later NdisClDeregisterSap is legal
  // and NDIS answers it with FAILURE.
  bool released_with_af = false;
  bool client_done = false;  // the client has made that one deregistration
};

struct Vc {
  bool live = true;
  ActorId creator = 0;
  bool by_mcm = false;
  uint64_t af = 0, creator_ctx = 0;
  bool has_peer = false, has_mini = false;
  ActorId peer = 0, mini = 0;
  uint64_t peer_ctx = 0, mini_ctx = 0;
  bool active = false, deactivating = false, call_active = false;
};

enum class Kind : uint8_t { kBinding, kAf, kSap, kVc };
const char* KindName(Kind k) {
  switch (k) {
    case Kind::kBinding:
      return "binding";
    case Kind::kAf:
      return "AF";
    case Kind::kSap:
      return "SAP";
    case Kind::kVc:
      return "VC";
  }
  return "?";
}

struct Frame {
  Fn fn;
  ActorId actor;
  uint8_t irql;
  uint64_t index;
  uint64_t arg[Event::kMaxArgs];
  uint64_t blob_hash;
  uint64_t obj;   // AF / SAP / VC / binding the call is about
  uint8_t prior;  // prior state of obj, where it matters
  bool flag;      // per-function note (e.g. AF had children)
  bool obj_known;
  // Forwarded callback (CmOpenAf, CmCloseAf, ClNotifyCloseAf, CmRegisterSap, CmDeregisterSap).
  bool cb_called;
  int32_t cb_status;
  uint64_t cb_obj;
  uint64_t cb_out;
  // VC creation / deletion callbacks.
  uint8_t first_cb;  // 1 = miniport, 2 = peer
  bool peer_called, mini_called, peer_deleted, mini_deleted;
  ActorId peer_actor, mini_actor;
  uint64_t peer_in, mini_in, peer_vc, mini_vc, peer_out, mini_out;
  int32_t peer_status, mini_status;
};

// The open calls, innermost last. pop() only lowers the count: the
// popped frame stays intact in place until the next push, so OnReturn reads
// it there instead of copying it out (nothing is pushed during OnReturn).
// The storage never shrinks, so a steady-state push does not allocate.
class FrameStack {
 public:
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  Frame& back() { return v_[n_ - 1]; }
  const Frame& back() const { return v_[n_ - 1]; }
  Frame& operator[](size_t i) { return v_[i]; }
  const Frame& operator[](size_t i) const { return v_[i]; }
  const Frame* begin() const { return v_.data(); }
  const Frame* end() const { return v_.data() + n_; }
  void reserve(size_t n) {
    if (v_.size() < n) v_.resize(n);
  }
  // A new top frame, contents unspecified (the caller fills it).
  Frame& push() {
    if (n_ == v_.size()) v_.resize(v_.empty() ? 16 : v_.size() * 2);
    return v_[n_++];
  }
  // Pops the top frame and returns it; valid until the next push.
  Frame& pop() { return v_[--n_]; }
  // Drops the frames above the first n.
  void truncate(size_t n) {
    if (n < n_) n_ = n;
  }

 private:
  std::vector<Frame> v_;
  size_t n_ = 0;
};

uint64_t BlobHash(const Event& e) {
  uint64_t h = 1469598103934665603ull ^ e.blob_len;
  const size_t n = std::min<size_t>(e.blob_len, Event::kMaxBlob);
  for (size_t i = 0; i < n; ++i) h = (h ^ e.blob[i]) * 1099511628211ull;
  return h;
}

size_t SlotCount(const ArgSpec* specs, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += SlotsOf(specs[i].kind);
  return total;
}

bool IsUp(Fn fn) { return SpecOf(fn).direction == Direction::kUp; }

}  // namespace

// ---------------------------------------------------------------------------

struct Monitor::State {
  Profile profile;
  std::unique_ptr<wan::WanMonitor> wan;  // the NDIS 5.1 WAN checks (wan_checks.cc)
  static void WanReport(void* ctx, uint16_t c, uint64_t index, uint64_t object, std::string message,
                        std::string state) {
    static_cast<State*>(ctx)->Report(static_cast<Check>(c), index, object, std::move(message),
                                     std::move(state));
  }
  std::vector<Violation> violations;
  size_t max_violations = 100000;
  uint64_t suppressed = 0;
  uint64_t events = 0;
  bool finished = false;
  size_t slots_in[kFnCount];
  size_t slots_out[kFnCount];

  bool drivers_declared = false;
  std::vector<bool> declared;
  std::vector<Driver> drivers;
  FrameStack stack;

  HMap<Binding> bindings;
  KMap<uint64_t> binding_by_ctx;  // (actor, ProtocolBindingContext) -> binding handle
  HMap<Adapter> adapters;
  HMap<uint64_t> adapter_by_ctx;  // MiniportAdapterContext -> miniport adapter handle
  std::vector<Reg> regs;
  KMap<size_t> reg_by_key;  // (key handle, AF type) -> live reg index
  HMap<Af> afs;
  KMap<uint64_t> af_by_client_ctx;  // (client, ClientAfContext) -> AF handle
  KMap<uint64_t> af_by_cm_ctx;      // (cm, CallMgrAfContext) -> AF handle
  HMap<Sap> saps;
  KMap<uint64_t> sap_by_client_ctx;  // (client, ProtocolSapContext) -> SAP handle
  HMap<Vc> vcs;
  KMap<uint64_t> vc_by_ctx;    // (actor, its VC context) -> VC handle
  HMap<Kind> live;             // AF-140
  KMap<uint64_t> unbind_owed;  // (actor, UnbindContext) -> event index

  // NDIS-owed completions, small: scanned linearly.
  std::vector<uint64_t> owed_open_complete, owed_close_complete, owed_cm_notify;
  std::vector<uint64_t> owed_sap_reg_complete, owed_sap_dereg_complete;

  State() {
    for (size_t i = 0; i < kFnCount; ++i) {
      const FnSpec& s = SpecOf(static_cast<Fn>(i));
      slots_in[i] = SlotCount(s.in, s.in_count);
      slots_out[i] = SlotCount(s.out, s.out_count);
    }
    stack.reserve(64);
    drivers.resize(64);
    bindings.reserve(256);
    afs.reserve(1024);
    saps.reserve(256);
    vcs.reserve(1024);
    live.reserve(2048);
  }

  // ---- reporting ----
  void Report(Check c, uint64_t index, uint64_t object, std::string message,
              std::string state = {}) {
    if (violations.size() >= max_violations) {
      ++suppressed;
      return;
    }
    const CheckInfo& info = kCheckTable[c];
    violations.push_back(Violation{std::string(info.rule), std::string(info.check),
                                   std::move(message), index, object, std::move(state)});
  }
  void Report(Check c, const Event& e, uint64_t object, std::string message,
              std::string state = {}) {
    Report(c, e.index, object, std::move(message), std::move(state));
  }
  std::string AfDesc(const Af& a) {
    std::string s = AStateName(a.state);
    if (a.notify_active) s += "+NOTIFYING";
    return s;
  }

  Driver& D(ActorId a) {
    if (a >= drivers.size()) drivers.resize(static_cast<size_t>(a) + 1);
    return drivers[a];
  }

  // ---- stack helpers ----
  Frame* Top() { return stack.empty() ? nullptr : &stack.back(); }
  // The frame directly below the top (the caller of the current callback).
  Frame* Parent(Fn a, Fn b = Fn::kCount, Fn c = Fn::kCount, Fn d = Fn::kCount) {
    if (stack.size() < 2) return nullptr;
    Frame& p = stack[stack.size() - 2];
    return (p.fn == a || p.fn == b || p.fn == c || p.fn == d) ? &p : nullptr;
  }
  // After a pop: the frame now on top, if it is one of these.
  Frame* TopIs(Fn a, Fn b = Fn::kCount, Fn c = Fn::kCount, Fn d = Fn::kCount) {
    if (stack.empty()) return nullptr;
    Frame& p = stack.back();
    return (p.fn == a || p.fn == b || p.fn == c || p.fn == d) ? &p : nullptr;
  }
  // Innermost open frame of `fn` for `actor` (excluding the top one if skip_top).
  const Frame* Innermost(Fn fn, ActorId actor, bool skip_top) const {
    size_t n = stack.size();
    if (skip_top && n > 0) --n;
    for (size_t i = n; i-- > 0;) {
      if (stack[i].fn == fn && stack[i].actor == actor) return &stack[i];
    }
    return nullptr;
  }

  // ---- object helpers ----
  void AddLive(const Event& e, uint64_t h, Kind k) {
    if (h == 0) return;
    auto [it, inserted] = live.try_emplace(h, k);
    if (!inserted) {
      Report(k140, e, h,
             std::string("new ") + KindName(k) + " handle " + Hex(h) + " collides with a live " +
                 KindName(it->second) + " handle");
      it->second = k;
    }
  }
  void DropLive(uint64_t h) { live.erase(h); }
  Af* FindAf(uint64_t h) {
    auto it = afs.find(h);
    return it == afs.end() ? nullptr : &it->second;
  }
  Sap* FindSap(uint64_t h) {
    auto it = saps.find(h);
    return it == saps.end() ? nullptr : &it->second;
  }
  Vc* FindVc(uint64_t h) {
    auto it = vcs.find(h);
    return it == vcs.end() ? nullptr : &it->second;
  }
  Binding* FindBinding(uint64_t h) {
    auto it = bindings.find(h);
    return it == bindings.end() ? nullptr : &it->second;
  }
  uint64_t BindingByCtx(ActorId a, uint64_t ctx) {
    auto it = binding_by_ctx.find(AK(a, ctx));
    return it == binding_by_ctx.end() ? 0 : it->second;
  }
  static void Erase(std::vector<uint64_t>& v, size_t i) {
    v[i] = v.back();
    v.pop_back();
  }
  void CloseAf(Af& a, uint64_t h, const Event& e) {
    a.state = AState::kClosed;
    a.since = e.index;
    a.cm_done = true;
    DropLive(h);
    af_by_cm_ctx.erase(AK(a.cm, a.cm_ctx));
    af_by_client_ctx.erase(AK(a.client, a.client_ctx));
  }
  void FailAf(Af& a, uint64_t h, const Event& e) {
    a.state = AState::kFailed;
    a.since = e.index;
    a.cm_done = true;
    DropLive(h);
  }
  void WithdrawRegs(uint64_t key) {
    for (Reg& r : regs) {
      if (r.live && r.key == key) {
        r.live = false;
        reg_by_key.erase(Key{r.key, r.af[0]});
      }
    }
  }
  // The innermost Ndis(M)CmRegisterAddressFamilyEx of `actor` for AF `type`
  // that has not returned yet, or nullptr.
  const Frame* RegisterInProgress(ActorId actor, uint64_t type) const {
    for (size_t i = stack.size(); i-- > 0;) {
      const Frame& s = stack[i];
      if ((s.fn == Fn::NdisCmRegisterAddressFamilyEx ||
           s.fn == Fn::NdisMCmRegisterAddressFamilyEx) &&
          s.actor == actor && s.arg[1] == type)
        return &s;
    }
    return nullptr;
  }
  // Was the AF type registered live anywhere?
  const Reg* AnyReg(uint64_t type) const {
    for (const Reg& r : regs)
      if (r.live && r.af[0] == type) return &r;
    return nullptr;
  }
  // NDIS calls a handler: flag it if the driver registered it as NULL.
  void CheckHandler(const Event& e, bool cm_struct, int bit) {
    const Driver& d = D(e.actor);
    if (cm_struct) {
      if (d.cm && !(d.cm_mask >> bit & 1))
        Report(k131, e, 0,
               "NDIS called " + Name(e.fn) + " of a call manager whose handler " +
                   std::to_string(bit + 1) +
                   " was NULL or outside Header.Size (OQ-11 when Size is 136)");
    } else if (d.client && !(d.client_mask >> bit & 1)) {
      Report(k130, e, 0, "NDIS called " + Name(e.fn) + " of a client whose handler was NULL");
    }
  }

  // ---- entry ----
  void OnEvent(const Event& e);
  void OnCall(const Event& e, const uint64_t* a);
  void OnReturn(const Event& e, const uint64_t* a, Frame& f);
  void Finish();

  // per-area handlers
  void SetOptionalHandlersReturn(const Event& e, const Frame& f);
  void CmRegisterCall(const Event& e, const uint64_t* a, bool mcm);
  void CmRegisterReturn(const Event& e, const Frame& f, bool mcm);
  void NotifyCall(const Event& e, const uint64_t* a);
  void CreateVcCall(const Event& e, const uint64_t* a, bool mcm);
  void CreateVcReturn(const Event& e, const uint64_t* a, const Frame& f, bool mcm);
  void DeleteVcCall(const Event& e, const uint64_t* a, bool mcm);
  void DeleteVcReturn(const Event& e, const Frame& f, bool mcm);
  void VcCallbackCall(const Event& e, const uint64_t* a, bool peer, bool create);
  void VcCallbackReturn(const Event& e, const uint64_t* a, const Frame& f, bool peer, bool create);
  void BindingClosedChecks(const Event& e, uint64_t b, ActorId actor);
};

void Monitor::State::OnEvent(const Event& e) {
  ++events;
  const size_t fi = static_cast<size_t>(e.fn);
  if (fi >= kFnCount) {
    Report(kMonShape, e, 0,
           "event names function number " + std::to_string(fi) +
               ", which is not in the vocabulary; ignored");
    return;
  }
  if (drivers_declared && (e.actor >= declared.size() || !declared[e.actor]) &&
      !(e.actor == kNoActor && !IsUp(e.fn))) {
    Report(kMonActor, e, 0,
           Name(e.fn) + " names actor " + std::to_string(e.actor) + ", which was not declared");
  }
  // Copy the slots so that a short or overlong event never reads past
  // what it carries: missing slots read as 0.
  // A fixed-length, branch-free masked copy: no per-event memcpy call, and
  // no branch on arg_count (which changes from event to event and was
  // mispredicted). Event::arg is always fully initialized.
  uint64_t a[Event::kMaxArgs];
  const size_t n = e.arg_count;
  for (size_t i = 0; i < Event::kMaxArgs; ++i) a[i] = e.arg[i] & (uint64_t{0} - (i < n));
  const size_t want = e.phase == Phase::kCall ? slots_in[fi] : slots_out[fi];
  if (e.arg_count != want) {
    Report(kMonShape, e, 0,
           Name(e.fn) + (e.phase == Phase::kCall ? " call" : " return") + " carries " +
               std::to_string(e.arg_count) + " argument slots; the schema has " +
               std::to_string(want));
  }
  const bool ndis5 = wan::IsWanFn(e.fn);
  const Phase phase = e.phase;
  if (ndis5 && (phase == Phase::kCall || phase == Phase::kReturn))
    wan->OnEvent(e, phase == Phase::kCall, a);
  // A call WanMonitor handles (NDIS 5.1, spin locks) still takes a frame
  // here, for MON-001/MON-004 and so that Parent() sees what is really below
  // a callback, but only its common fields: every AF check finds frames by
  // function, and none looks for one of these functions, so nothing reads
  // the rest of such a frame.
  if (phase == Phase::kCall) {
    if (ndis5) {
      Frame& f = stack.push();
      f.fn = e.fn;
      f.actor = e.actor;
      f.irql = e.irql;
      f.index = e.index;
      return;
    }
    OnCall(e, a);
    return;
  }
  if (phase != Phase::kReturn) {
    Report(kMonShape, e, 0, "event phase is neither call nor return; ignored");
    return;
  }
  // Match the return with its call.
  if (stack.empty() || stack.back().fn != e.fn || stack.back().actor != e.actor) {
    size_t i = stack.size();
    while (i-- > 0) {
      if (stack[i].fn == e.fn && stack[i].actor == e.actor) break;
    }
    if (i == static_cast<size_t>(-1)) {
      Report(kMonReturn, e, 0,
             "return of " + Name(e.fn) + " by actor " + std::to_string(e.actor) +
                 " has no matching open call" +
                 (stack.empty() ? std::string(" (no call is open)")
                                : "; the innermost open call is " + Name(stack.back().fn) +
                                      " (event " + std::to_string(stack.back().index) + ")") +
                 "; ignored");
      return;
    }
    Report(kMonReturn, e, 0,
           "return of " + Name(e.fn) + " skips " + std::to_string(stack.size() - 1 - i) +
               " open call(s), innermost " + Name(stack.back().fn) + " (event " +
               std::to_string(stack.back().index) + "); they are abandoned");
    stack.truncate(i + 1);
  }
  Frame& f = stack.pop();
  if (!ndis5) OnReturn(e, a, f);
}

// ---------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------

void Monitor::State::OnCall(const Event& e, const uint64_t* a) {
  Frame& f = stack.push();
  std::memset(&f, 0, sizeof f);  // the only zeroing: push leaves it as it was
  f.fn = e.fn;
  f.actor = e.actor;
  f.irql = e.irql;
  f.index = e.index;
  std::memcpy(f.arg, a, sizeof f.arg);
  if (e.fn == Fn::NdisClRegisterSap || e.fn == Fn::ProtocolCmRegisterSap) f.blob_hash = BlobHash(e);

  switch (e.fn) {
    case Fn::NdisSetOptionalHandlers: {
      const uint64_t h = a[1];
      const unsigned type = h == kNull ? 0 : static_cast<unsigned>(h >> 24 & 0xff);
      if (type == NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS ||
          type == NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS ||
          type == NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS ||
          type == NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS) {
        if (!Innermost(Fn::ProtocolSetOptions, e.actor, true) &&
            !Innermost(Fn::MiniportSetOptions, e.actor, true))
          Report(k131Context, e, 0,
                 "NdisSetOptionalHandlers (type " + Hex(type) +
                     ") called outside the driver's ProtocolSetOptions / MiniportSetOptions");
      }
      break;
    }
    case Fn::MiniportInitializeEx: {
      Adapter& ad = adapters[a[0]];
      ad = Adapter{};
      ad.actor = e.actor;
      ad.init_call = e.index;
      D(e.actor).miniport = true;
      break;
    }
    case Fn::MiniportHaltEx: {
      auto it = adapter_by_ctx.find(a[0]);
      f.obj = it == adapter_by_ctx.end() ? 0 : it->second;
      f.obj_known = it != adapter_by_ctx.end();
      break;
    }
    case Fn::ProtocolOpenAdapterCompleteEx: {
      const uint64_t b = BindingByCtx(e.actor, a[0]);
      if (Binding* bd = FindBinding(b); bd && bd->state == BState::kOpening) {
        if (SlotStatus(a[1]) == kSuccess) {
          bd->state = BState::kOpen;
        } else {
          bd->state = BState::kClosed;
          DropLive(b);
        }
      }
      break;
    }
    case Fn::NdisCloseAdapterEx: {
      Binding* bd = FindBinding(a[0]);
      if (bd && (bd->state == BState::kClosing || bd->state == BState::kClosed))
        Report(k123, e, a[0], "NdisCloseAdapterEx on a binding handle that is already closed",
               bd->state == BState::kClosing ? "CLOSING" : "CLOSED");
      f.obj_known = bd && bd->state != BState::kClosed && bd->state != BState::kClosing;
      break;
    }
    case Fn::NdisUnbindAdapter: {
      // AF-123 / AF-126: the handle is invalid once the binding is closed.
      if (const Binding* bd = FindBinding(a[0]);
          bd && (bd->state == BState::kClosing || bd->state == BState::kClosed))
        Report(k123, e, a[0], "NdisUnbindAdapter on a closed binding handle",
               bd->state == BState::kClosing ? "CLOSING" : "CLOSED");
      break;
    }
    case Fn::ProtocolCloseAdapterCompleteEx: {
      const uint64_t b = BindingByCtx(e.actor, a[0]);
      if (Binding* bd = FindBinding(b); bd && bd->state == BState::kClosing) {
        bd->state = BState::kClosed;
      }
      break;
    }
    case Fn::NdisCompleteUnbindAdapterEx: {
      if (unbind_owed.erase(AK(e.actor, a[0])) == 0)
        Report(k122, e, a[0],
               "NdisCompleteUnbindAdapterEx for an unbind that is not pending (UnbindContext " +
                   Hex(a[0]) + ")");
      break;
    }
    case Fn::NdisCmRegisterAddressFamilyEx:
      CmRegisterCall(e, a, false);
      break;
    case Fn::NdisMCmRegisterAddressFamilyEx:
      CmRegisterCall(e, a, true);
      break;
    case Fn::ProtocolCoAfRegisterNotify:
      NotifyCall(e, a);
      break;

    case Fn::NdisClOpenAddressFamilyEx: {
      if (profile.require_open_from_notify) {
        if (!Innermost(Fn::ProtocolCoAfRegisterNotify, e.actor, true))
          Report(
              k030, e, a[0],
              "NdisClOpenAddressFamilyEx called outside the client's ProtocolCoAfRegisterNotify");
        else if (e.irql != PASSIVE_LEVEL)
          Report(k030, e, a[0],
                 "NdisClOpenAddressFamilyEx called above PASSIVE_LEVEL (irql " +
                     std::to_string(e.irql) + ")");
      }
      if (Binding* bd = FindBinding(a[0])) {
        if (bd->state == BState::kClosing || bd->state == BState::kClosed)
          Report(k123, e, a[0], "NdisClOpenAddressFamilyEx on a closed binding handle");
        else if (bd->opening > 0 && bd->actor == e.actor)
          Report(k040, e, a[0],
                 "NdisClOpenAddressFamilyEx while another open on this binding is pending");
      }
      break;
    }
    case Fn::ProtocolCmOpenAf: {
      CheckHandler(e, true, 2);
      if (e.irql > DISPATCH_LEVEL)
        Report(k044, e, a[4], "ProtocolCmOpenAf called at IRQL " + std::to_string(e.irql));
      Frame* p = Parent(Fn::NdisClOpenAddressFamilyEx);
      const uint64_t h = a[4];
      f.obj = h;
      if (!p) {
        Report(k031Forward, e, h, "ProtocolCmOpenAf called outside any NdisClOpenAddressFamilyEx");
        break;
      }
      if (p->cb_called) {
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf called twice for one NdisClOpenAddressFamilyEx");
        break;
      }
      if (a[1] != p->arg[1] || a[2] != p->arg[2] || a[3] != p->arg[3])
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf got AF {" + Hex(a[1]) + "," + std::to_string(a[2]) + "," +
                   std::to_string(a[3]) + "} but the client opened {" + Hex(p->arg[1]) + "," +
                   std::to_string(p->arg[2]) + "," + std::to_string(p->arg[3]) + "}");
      // Which registration does the CallMgrBindingContext name?
      uint64_t key = 0;
      bool mcm = false;
      const uint64_t b = BindingByCtx(e.actor, a[0]);
      if (b != 0 && reg_by_key.count(Key{b, a[1]})) {
        key = b;
      } else if (auto it = adapter_by_ctx.find(a[0]);
                 it != adapter_by_ctx.end() && reg_by_key.count(Key{it->second, a[1]})) {
        key = it->second;
        mcm = true;
      } else if (const Frame* r = RegisterInProgress(e.actor, a[1]);
                 r && profile.notify_during_register &&
                 (r->arg[0] == b || (adapter_by_ctx.find(a[0]) != adapter_by_ctx.end() &&
                                     adapter_by_ctx.find(a[0])->second == r->arg[0]))) {
        // OQ-03 immediate delivery: the client opens from a notification sent
        // from inside the register call, before that call has returned.
        key = r->arg[0];
        mcm = r->fn == Fn::NdisMCmRegisterAddressFamilyEx;
      } else {
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf got CallMgrBindingContext " + Hex(a[0]) +
                   ", which is not a binding or adapter of this driver with AF " + Hex(a[1]) +
                   " registered");
      }
      if (h == 0) Report(k031Handle, e, h, "ProtocolCmOpenAf got a NULL NdisAfHandle");
      if (Af* old = FindAf(h); old && !old->Ended())
        Report(k031Handle, e, h, "ProtocolCmOpenAf got an NdisAfHandle that names a live AF",
               AfDesc(*old));
      AddLive(e, h, Kind::kAf);
      Af& af = afs[h];
      af = Af{};
      af.state = AState::kCmOpenCall;
      af.client = p->actor;
      af.client_binding = p->arg[0];
      af.client_ctx = p->arg[4];
      af.cm = e.actor;
      af.cm_key = key;
      af.cm_is_mcm = mcm;
      af.af[0] = a[1];
      af.af[1] = a[2];
      af.af[2] = a[3];
      af.since = e.index;
      p->cb_called = true;
      p->cb_obj = h;
      break;
    }
    case Fn::NdisCmOpenAddressFamilyComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t h = a[1];
      Af* af = FindAf(h);
      if (!af) {
        Report(k034, e, h, "NdisCmOpenAddressFamilyComplete for an unknown NdisAfHandle");
        break;
      }
      if (af->cm != e.actor) {
        Report(k009, e, h,
               "NdisCmOpenAddressFamilyComplete by a driver that is not the AF's call manager");
        break;
      }
      if (!af->open_owed) {
        if (af->state == AState::kFailed)
          Report(k036, e, h, "the call manager uses the NdisAfHandle after its open failed",
                 AfDesc(*af));
        else
          Report(k034, e, h,
                 "NdisCmOpenAddressFamilyComplete for an open that is not pending (completed "
                 "twice, or never pended)",
                 AfDesc(*af));
        break;
      }
      if (st == kPending) {
        Report(k034, e, h, "NdisCmOpenAddressFamilyComplete with NDIS_STATUS_PENDING", AfDesc(*af));
        break;
      }
      af->open_owed = false;
      if (Binding* bd = FindBinding(af->client_binding); bd && bd->opening > 0) --bd->opening;
      af->open_complete_owed = true;
      af->open_complete_status = st;
      owed_open_complete.push_back(h);
      if (st == kSuccess) {
        af->state = AState::kOpen;
        af->since = e.index;
        af->cm_ctx = a[2];
        af_by_cm_ctx[AK(af->cm, af->cm_ctx)] = h;
      } else {
        FailAf(*af, h, e);
      }
      break;
    }
    case Fn::ProtocolClOpenAfCompleteEx: {
      CheckHandler(e, false, 4);
      const uint64_t ctx = a[0], h = a[1];
      const int32_t st = SlotStatus(a[2]);
      if (e.irql != PASSIVE_LEVEL)
        Report(k037, e, h,
               "ProtocolClOpenAfCompleteEx called at IRQL " + std::to_string(e.irql) +
                   ", not PASSIVE_LEVEL");
      size_t i = 0;
      for (; i < owed_open_complete.size(); ++i) {
        const Af* af = FindAf(owed_open_complete[i]);
        if (af && af->client == e.actor && af->client_ctx == ctx) break;
      }
      if (i == owed_open_complete.size()) {
        const Af* af = FindAf(h);
        if (af && af->open_sync)
          Report(k039, e, h,
                 "NDIS called ProtocolClOpenAfCompleteEx for an open that returned synchronously",
                 AfDesc(*af));
        else
          Report(k039, e, h,
                 "NDIS called ProtocolClOpenAfCompleteEx with no pended open completed for "
                 "ProtocolAfContext " +
                     Hex(ctx));
        break;
      }
      const uint64_t owed_h = owed_open_complete[i];
      Af& af = afs[owed_h];
      Erase(owed_open_complete, i);
      af.open_complete_owed = false;
      if (st != af.open_complete_status)
        Report(k037, e, owed_h,
               "ProtocolClOpenAfCompleteEx reports " + St(st) +
                   " but the call manager completed with " + St(af.open_complete_status));
      if (af.open_complete_status == kSuccess && h != owed_h)
        Report(k037, e, owed_h,
               "ProtocolClOpenAfCompleteEx passes NdisAfHandle " + Hex(h) +
                   ", not the handle given to ProtocolCmOpenAf");
      if (af.open_complete_status != kSuccess && h != 0)
        Report(
            k037, e, owed_h,
            "ProtocolClOpenAfCompleteEx reports a failure with a non-NULL NdisAfHandle " + Hex(h));
      break;
    }

    case Fn::NdisClCloseAddressFamily: {
      const uint64_t h = a[0];
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) {
        Report(k056, e, h, "NdisClCloseAddressFamily with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(af->state);
      if (af->client != e.actor) {
        Report(k056, e, h, "NdisClCloseAddressFamily by a driver that did not open this AF",
               AfDesc(*af));
        break;
      }
      if (af->state == AState::kOpening || af->state == AState::kCmOpenCall) {
        Report(k040, e, h, "NdisClCloseAddressFamily while the open is still pending", AfDesc(*af));
      } else if (af->state == AState::kClosing || af->client_closed) {
        f.flag = true;  // repeated close
        if (profile.strict)
          Report(k056, e, h, "NdisClCloseAddressFamily repeated on a handle already being closed",
                 AfDesc(*af));
      } else if (af->Ended()) {
        Report(k056, e, h, "NdisClCloseAddressFamily on an AF that is already closed", AfDesc(*af));
      } else if (af->state == AState::kOpen) {
        if (af->close_failed && !profile.accept_close_retry)
          Report(k056, e, h,
                 "NdisClCloseAddressFamily retried after a refused close (OQ-07 retry not accepted "
                 "by the profile)",
                 AfDesc(*af));
        if (af->saps + af->vcs > 0) {
          f.cb_out = 1;  // had children
          Report(k050, e, h,
                 "NdisClCloseAddressFamily with " + std::to_string(af->saps) + " SAP(s) and " +
                     std::to_string(af->vcs) + " VC(s) still on the AF",
                 AfDesc(*af));
        }
      }
      break;
    }
    case Fn::ProtocolCmCloseAf: {
      CheckHandler(e, true, 3);
      Frame* p = Parent(Fn::NdisClCloseAddressFamily);
      uint64_t h = 0;
      if (p) {
        h = p->obj;
        p->cb_called = true;
        if (p->cb_out == 1 &&
            profile.close_with_children == Profile::CloseWithChildren::kNdisChecks)
          Report(k057, e, h,
                 "NDIS forwarded the close to ProtocolCmCloseAf although the AF has SAPs/VCs "
                 "(ndis-checks profile, OQ-06)");
      } else {
        auto it = af_by_cm_ctx.find(AK(e.actor, a[0]));
        if (it == af_by_cm_ctx.end()) {
          Report(k051, e, 0,
                 "ProtocolCmCloseAf outside NdisClCloseAddressFamily, with an unknown "
                 "CallMgrAfContext " +
                     Hex(a[0]));
          break;
        }
        h = it->second;
        Report(k051, e, h, "ProtocolCmCloseAf called outside NdisClCloseAddressFamily");
      }
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) break;
      f.obj_known = true;
      if (af->cm != e.actor)
        Report(k051, e, h, "ProtocolCmCloseAf went to a driver that is not the AF's call manager",
               AfDesc(*af));
      else if (a[0] != af->cm_ctx)
        Report(
            k035, e, h,
            "ProtocolCmCloseAf got CallMgrAfContext " + Hex(a[0]) + ", expected " + Hex(af->cm_ctx),
            AfDesc(*af));
      break;
    }
    case Fn::NdisCmCloseAddressFamilyComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t h = a[1];
      Af* af = FindAf(h);
      if (!af) {
        Report(k053, e, h, "NdisCmCloseAddressFamilyComplete for an unknown NdisAfHandle");
        break;
      }
      if (af->cm != e.actor) {
        Report(k009, e, h,
               "NdisCmCloseAddressFamilyComplete by a driver that is not the AF's call manager",
               AfDesc(*af));
        break;
      }
      if (!af->close_owed) {
        Report(k053, e, h,
               "NdisCmCloseAddressFamilyComplete for a close that is not pending (completed twice, "
               "or never pended)",
               AfDesc(*af));
        break;
      }
      if (st != kSuccess)
        Report(k053, e, h,
               "NdisCmCloseAddressFamilyComplete with " + St(st) + "; the status must be SUCCESS",
               AfDesc(*af));
      af->close_owed = false;
      af->close_complete_owed = true;
      af->close_complete_status = st;
      owed_close_complete.push_back(h);
      CloseAf(*af, h, e);
      if (af->notify_pending && af->client_notify_done && !af->cm_notify_owed) {
        af->cm_notify_owed = true;
        owed_cm_notify.push_back(h);
      }
      break;
    }
    case Fn::ProtocolClCloseAfComplete: {
      CheckHandler(e, false, 5);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_close_complete.size(); ++i) {
        const Af* af = FindAf(owed_close_complete[i]);
        if (af && af->client == e.actor && af->client_ctx == a[1]) break;
      }
      if (i == owed_close_complete.size()) {
        Report(k060, e, 0,
               "NDIS called ProtocolClCloseAfComplete with no pended close completed for "
               "ProtocolAfContext " +
                   Hex(a[1]) + " (synchronous return, or duplicate)");
        break;
      }
      const uint64_t h = owed_close_complete[i];
      Af& af = afs[h];
      Erase(owed_close_complete, i);
      af.close_complete_owed = false;
      if (st != af.close_complete_status)
        Report(k054, e, h,
               "ProtocolClCloseAfComplete reports " + St(st) +
                   " but the call manager completed with " + St(af.close_complete_status));
      break;
    }

    case Fn::NdisCmNotifyCloseAddressFamily: {
      const uint64_t h = a[0];
      f.obj = h;
      const Driver& d = D(e.actor);
      if (e.irql != PASSIVE_LEVEL)
        Report(d.mcm() ? k062 : k061, e, h,
               "NdisCmNotifyCloseAddressFamily called at IRQL " + std::to_string(e.irql) +
                   ", not PASSIVE_LEVEL");
      if (profile.strict && !Innermost(Fn::ProtocolUnbindAdapterEx, e.actor, true) &&
          !Innermost(Fn::MiniportHaltEx, e.actor, true))
        Report(d.mcm() ? k062 : k061, e, h,
               "NdisCmNotifyCloseAddressFamily called outside ProtocolUnbindAdapterEx / "
               "MiniportHaltEx");
      Af* af = FindAf(h);
      if (!af) {
        Report(k055, e, h,
               "NdisCmNotifyCloseAddressFamily with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(af->state);
      f.flag = af->notify_active;
      if (af->cm != e.actor) {
        Report(k009, e, h,
               "NdisCmNotifyCloseAddressFamily by a driver that is not the AF's call manager",
               AfDesc(*af));
      } else if (af->state == AState::kFailed) {
        Report(k036, e, h, "the call manager uses the NdisAfHandle after its open failed",
               AfDesc(*af));
      } else if (af->cm_done) {
        Report(k055, e, h, "the call manager uses the NdisAfHandle after the close completed",
               AfDesc(*af));
      }
      break;
    }
    case Fn::ProtocolClNotifyCloseAf: {
      CheckHandler(e, false, 18);
      if (e.irql > DISPATCH_LEVEL)
        Report(k063, e, 0, "ProtocolClNotifyCloseAf called at IRQL " + std::to_string(e.irql));
      Frame* p = Parent(Fn::NdisCmNotifyCloseAddressFamily);
      uint64_t h = 0;
      if (p) {
        h = p->obj;
        if (p->cb_called)
          Report(k063, e, h, "ProtocolClNotifyCloseAf called twice for one notify-close");
        p->cb_called = true;
      } else {
        auto it = af_by_client_ctx.find(AK(e.actor, a[0]));
        if (it == af_by_client_ctx.end()) {
          Report(k063, e, 0,
                 "ProtocolClNotifyCloseAf outside any notify-close, with unknown ClientAfContext " +
                     Hex(a[0]));
          break;
        }
        h = it->second;
        Report(k063, e, h,
               "ProtocolClNotifyCloseAf called outside Ndis(M)CmNotifyCloseAddressFamily");
      }
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) break;
      f.obj_known = true;
      if (af->client != e.actor || af->client_ctx != a[0])
        Report(k043, e, h,
               "ProtocolClNotifyCloseAf went to actor " + std::to_string(e.actor) +
                   " with context " + Hex(a[0]) + "; the AF was opened by actor " +
                   std::to_string(af->client) + " with ClientAfContext " + Hex(af->client_ctx),
               AfDesc(*af));
      af->notify_active = true;
      break;
    }
    case Fn::NdisClNotifyCloseAddressFamilyComplete: {
      const uint64_t h = a[0];
      const int32_t st = SlotStatus(a[1]);
      Af* af = FindAf(h);
      if (!af || af->client != e.actor || !af->client_notify_owed) {
        Report(k065, e, h,
               "NdisClNotifyCloseAddressFamilyComplete for a notify-close that is not pending "
               "(completed twice, or never pended)",
               af ? AfDesc(*af) : std::string());
        break;
      }
      if (st == kPending) {
        Report(k065, e, h, "NdisClNotifyCloseAddressFamilyComplete with NDIS_STATUS_PENDING",
               AfDesc(*af));
        break;
      }
      if (st == kSuccess && !af->Ended() && af->state != AState::kClosing && !af->client_closed)
        Report(k064, e, h, "the client completed notify-close with SUCCESS without closing the AF",
               AfDesc(*af));
      af->client_notify_owed = false;
      af->client_notify_done = true;
      af->notify_status = st;
      if (af->notify_pending && !af->cm_notify_owed) {
        af->cm_notify_owed = true;
        owed_cm_notify.push_back(h);
      }
      break;
    }
    case Fn::ProtocolCmNotifyCloseAfComplete: {
      CheckHandler(e, true, 16);
      const int32_t st = SlotStatus(a[1]);
      size_t i = 0;
      for (; i < owed_cm_notify.size(); ++i) {
        const Af* af = FindAf(owed_cm_notify[i]);
        if (af && af->cm == e.actor && af->cm_ctx == a[0]) break;
      }
      if (i == owed_cm_notify.size()) {
        Report(k067, e, 0,
               "NDIS called ProtocolCmNotifyCloseAfComplete with no pended notify-close completed "
               "for CallMgrAfContext " +
                   Hex(a[0]) + " (synchronous path, or duplicate)");
        break;
      }
      const uint64_t h = owed_cm_notify[i];
      Af& af = afs[h];
      Erase(owed_cm_notify, i);
      af.cm_notify_owed = false;
      af.notify_active = false;
      if (st != af.notify_status)
        Report(k067, e, h,
               "ProtocolCmNotifyCloseAfComplete reports " + St(st) +
                   " but the client completed with " + St(af.notify_status));
      break;
    }

    case Fn::NdisClRegisterSap: {
      const uint64_t h = a[0];
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) {
        Report(k056, e, h, "NdisClRegisterSap with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      if (af->client != e.actor)
        Report(k056, e, h, "NdisClRegisterSap on an AF this driver did not open", AfDesc(*af));
      else if (af->state == AState::kOpening)
        Report(k040, e, h, "NdisClRegisterSap while the AF open is pending", AfDesc(*af));
      else if (af->Ended() || af->client_closed)
        Report(k056, e, h, "NdisClRegisterSap on an AF the client already closed", AfDesc(*af));
      break;
    }
    case Fn::ProtocolCmRegisterSap: {
      CheckHandler(e, true, 4);
      const uint64_t sh = a[3];
      f.obj = sh;
      Frame* p = Parent(Fn::NdisClRegisterSap);
      if (!p) {
        Report(k081, e, sh, "ProtocolCmRegisterSap called outside NdisClRegisterSap");
        break;
      }
      if (p->cb_called) {
        Report(k081, e, sh, "ProtocolCmRegisterSap called twice for one NdisClRegisterSap");
        break;
      }
      p->cb_called = true;
      p->cb_obj = sh;
      Af* af = FindAf(p->obj);
      if (af) {
        if (af->cm != e.actor)
          Report(k081, e, sh,
                 "ProtocolCmRegisterSap went to a driver that is not the AF's call manager",
                 AfDesc(*af));
        else if (a[0] != af->cm_ctx)
          Report(k035, e, p->obj,
                 "ProtocolCmRegisterSap got CallMgrAfContext " + Hex(a[0]) + ", expected " +
                     Hex(af->cm_ctx),
                 AfDesc(*af));
      }
      if (a[1] != p->arg[2] || a[2] != p->arg[3] || f.blob_hash != p->blob_hash)
        Report(k081, e, sh, "ProtocolCmRegisterSap got a CO_SAP that differs from the client's");
      if (sh == 0) Report(k081, e, sh, "ProtocolCmRegisterSap got a NULL NdisSapHandle");
      AddLive(e, sh, Kind::kSap);
      Sap& s = saps[sh];
      s = Sap{};
      s.client = p->actor;
      s.cm = e.actor;
      s.af = p->obj;
      s.client_ctx = p->arg[1];
      s.since = e.index;
      break;
    }
    case Fn::NdisCmRegisterSapComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t sh = a[1];
      Sap* s = FindSap(sh);
      if (!s) {
        Report(k083, e, sh, "NdisCmRegisterSapComplete for an unknown NdisSapHandle");
        break;
      }
      if (s->cm != e.actor) {
        Report(k009, e, sh,
               "NdisCmRegisterSapComplete by a driver that is not the SAP's call manager",
               SStateName(s->state));
        break;
      }
      if (!s->reg_owed) {
        if (s->state == SState::kFailed)
          Report(k085, e, sh,
                 "the call manager uses the NdisSapHandle after failing its registration",
                 SStateName(s->state));
        else
          Report(k083, e, sh,
                 "NdisCmRegisterSapComplete for a registration that is not pending (completed "
                 "twice, or never pended)",
                 SStateName(s->state));
        break;
      }
      if (st == kPending) {
        Report(k083, e, sh, "NdisCmRegisterSapComplete with NDIS_STATUS_PENDING",
               SStateName(s->state));
        break;
      }
      s->reg_owed = false;
      s->reg_complete_owed = true;
      s->reg_status = st;
      s->since = e.index;
      owed_sap_reg_complete.push_back(sh);
      if (st == kSuccess) {
        s->state = SState::kRegistered;
        s->cm_ctx = a[2];
        sap_by_client_ctx[AK(s->client, s->client_ctx)] = sh;
      } else {
        s->state = SState::kFailed;
        if (s->counted) {
          if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
          s->counted = false;
        }
        DropLive(sh);
      }
      break;
    }
    case Fn::ProtocolClRegisterSapComplete: {
      CheckHandler(e, false, 6);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_sap_reg_complete.size(); ++i) {
        const Sap* s = FindSap(owed_sap_reg_complete[i]);
        if (s && s->client == e.actor && s->client_ctx == a[1]) break;
      }
      if (i == owed_sap_reg_complete.size()) {
        Report(k087, e, a[4],
               "NDIS called ProtocolClRegisterSapComplete with no pended registration completed "
               "for ProtocolSapContext " +
                   Hex(a[1]) + " (synchronous return, or duplicate)");
        break;
      }
      const uint64_t sh = owed_sap_reg_complete[i];
      Sap& s = saps[sh];
      Erase(owed_sap_reg_complete, i);
      s.reg_complete_owed = false;
      if (st != s.reg_status)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete reports " + St(st) +
                   " but the call manager completed with " + St(s.reg_status));
      if (s.reg_status == kSuccess && a[4] != sh)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete passes NdisSapHandle " + Hex(a[4]) + ", expected " +
                   Hex(sh));
      if (s.reg_status != kSuccess && a[4] != 0)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete reports a failure with a non-NULL NdisSapHandle");
      break;
    }
    case Fn::NdisClDeregisterSap: {
      const uint64_t sh = a[0];
      f.obj = sh;
      Sap* s = FindSap(sh);
      if (!s) {
        Report(k089, e, sh, "NdisClDeregisterSap with an NdisSapHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(s->state);
      if (const Af* af = FindAf(s->af);
          af && af->Ended() &&
          (s->state == SState::kRegistered || s->state == SState::kRegistering))
        s->released_with_af = true;
      f.flag = s->released_with_af && !s->client_done;
      if (s->client != e.actor)
        Report(k089, e, sh, "NdisClDeregisterSap by a driver that did not register this SAP",
               SStateName(s->state));
      else if (f.flag)
        ;  // S13: the SAP went with its AF; NDIS reports FAILURE
      else if (s->state == SState::kDeregistering && profile.strict)
        Report(k089, e, sh, "NdisClDeregisterSap repeated while the deregistration is pending",
               SStateName(s->state));
      else if (s->state == SState::kDeregistered || s->state == SState::kFailed)
        Report(k089, e, sh, "NdisClDeregisterSap on a SAP that is no longer registered",
               SStateName(s->state));
      break;
    }
    case Fn::ProtocolCmDeregisterSap: {
      CheckHandler(e, true, 5);
      Frame* p = Parent(Fn::NdisClDeregisterSap);
      if (!p) {
        // S13 / AF-052: inside a close the CM pended, NDIS itself releases
        // the SAPs the client left on that AF.
        if (const Frame* c = Parent(Fn::NdisClCloseAddressFamily)) {
          for (auto& [sh, s] : saps) {
            if (s.af != c->obj || s.cm != e.actor || s.cm_ctx != a[0] ||
                s.state != SState::kRegistered)
              continue;
            s.released_with_af = true;
            f.obj = sh;
            f.obj_known = true;
            break;
          }
          if (f.obj_known) break;
        }
        Report(k088, e, 0, "ProtocolCmDeregisterSap called outside NdisClDeregisterSap");
        break;
      }
      p->cb_called = true;
      f.obj = p->obj;
      Sap* s = FindSap(p->obj);
      if (!s) break;
      f.obj_known = true;
      if (s->cm != e.actor || s->cm_ctx != a[0])
        Report(k088, e, p->obj,
               "ProtocolCmDeregisterSap got actor " + std::to_string(e.actor) + " context " +
                   Hex(a[0]) + "; the SAP's call manager is actor " + std::to_string(s->cm) +
                   " with CallMgrSapContext " + Hex(s->cm_ctx),
               SStateName(s->state));
      if (static_cast<SState>(p->prior) == SState::kDeregistering)
        Report(k088, e, p->obj,
               "NDIS forwarded a redundant NdisClDeregisterSap to the call manager",
               SStateName(s->state));
      break;
    }
    case Fn::NdisCmDeregisterSapComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t sh = a[1];
      Sap* s = FindSap(sh);
      if (!s || !s->dereg_owed || s->cm != e.actor) {
        if (s && s->cm != e.actor)
          Report(k009, e, sh,
                 "NdisCmDeregisterSapComplete by a driver that is not the SAP's call manager",
                 SStateName(s->state));
        else
          Report(k090, e, sh,
                 "NdisCmDeregisterSapComplete for a deregistration that is not pending",
                 s ? SStateName(s->state) : "");
        break;
      }
      if (st != kSuccess)
        Report(k090, e, sh,
               "NdisCmDeregisterSapComplete with " + St(st) + "; the status must be SUCCESS",
               SStateName(s->state));
      s->dereg_owed = false;
      s->dereg_status = st;
      s->state = SState::kDeregistered;
      s->since = e.index;
      if (!s->released_with_af) {  // NDIS's own release owes the client nothing
        s->dereg_complete_owed = true;
        owed_sap_dereg_complete.push_back(sh);
      }
      if (s->counted) {
        if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
        s->counted = false;
      }
      sap_by_client_ctx.erase(AK(s->client, s->client_ctx));
      DropLive(sh);
      break;
    }
    case Fn::ProtocolClDeregisterSapComplete: {
      CheckHandler(e, false, 7);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_sap_dereg_complete.size(); ++i) {
        const Sap* s = FindSap(owed_sap_dereg_complete[i]);
        if (s && s->client == e.actor && s->client_ctx == a[1]) break;
      }
      if (i == owed_sap_dereg_complete.size()) {
        Report(k091, e, 0,
               "NDIS called ProtocolClDeregisterSapComplete with no pended deregistration "
               "completed for ProtocolSapContext " +
                   Hex(a[1]));
        break;
      }
      const uint64_t sh = owed_sap_dereg_complete[i];
      Sap& s = saps[sh];
      Erase(owed_sap_dereg_complete, i);
      s.dereg_complete_owed = false;
      if (st != s.dereg_status)
        Report(k091, e, sh,
               "ProtocolClDeregisterSapComplete reports " + St(st) +
                   " but the call manager completed with " + St(s.dereg_status));
      break;
    }
    case Fn::NdisCmDispatchIncomingCall: {
      const uint64_t sh = a[0];
      if (Sap* s = FindSap(sh)) {
        if (s->cm != e.actor)
          Report(k009, e, sh, "NdisCmDispatchIncomingCall on a SAP of another call manager",
                 SStateName(s->state));
        else if (s->state == SState::kFailed)
          Report(k085, e, sh,
                 "the call manager uses the NdisSapHandle after failing its registration",
                 SStateName(s->state));
        else if (s->state == SState::kDeregistered)
          Report(k090, e, sh,
                 "the call manager uses the NdisSapHandle after its deregistration completed",
                 SStateName(s->state));
      }
      if (Vc* v = FindVc(a[1])) {
        if (!v->live)
          Report(k107Use, e, a[1], "NdisCmDispatchIncomingCall on a deleted VC");
        else
          v->call_active = true;
      }
      break;
    }
    case Fn::ProtocolClIncomingCall: {
      CheckHandler(e, false, 13);
      if (!sap_by_client_ctx.count(AK(e.actor, a[0]))) {
        // A SAP still registering may receive calls (AF-086).
        bool pending = false;
        for (const auto& [sh, s] : saps)
          if (s.client == e.actor && s.client_ctx == a[0] && s.state == SState::kRegistering)
            pending = true;
        if (!pending)
          Report(k084, e, 0,
                 "ProtocolClIncomingCall names ProtocolSapContext " + Hex(a[0]) +
                     ", which is not a registered SAP of this client");
      }
      break;
    }

    case Fn::NdisCoCreateVc:
      CreateVcCall(e, a, false);
      break;
    case Fn::NdisMCmCreateVc:
      CreateVcCall(e, a, true);
      break;
    case Fn::NdisCoDeleteVc:
      DeleteVcCall(e, a, false);
      break;
    case Fn::NdisMCmDeleteVc:
      DeleteVcCall(e, a, true);
      break;
    case Fn::ProtocolCoCreateVc:
      VcCallbackCall(e, a, true, true);
      break;
    case Fn::MiniportCoCreateVc:
      VcCallbackCall(e, a, false, true);
      break;
    case Fn::ProtocolCoDeleteVc:
      VcCallbackCall(e, a, true, false);
      break;
    case Fn::MiniportCoDeleteVc:
      VcCallbackCall(e, a, false, false);
      break;

    case Fn::NdisMCoActivateVcComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live) v->active = SlotStatus(a[0]) == kSuccess;
      break;
    }
    case Fn::NdisMCoDeactivateVcComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live) {
        v->deactivating = false;
        if (SlotStatus(a[0]) == kSuccess) v->active = false;
      }
      break;
    }
    case Fn::ProtocolCmActivateVcComplete:
    case Fn::ProtocolCmDeactivateVcComplete: {
      if (D(e.actor).mcm())
        Report(k132, e, 0, "NDIS called " + Name(e.fn) + " of a miniport call manager");
      auto it = vc_by_ctx.find(AK(e.actor, a[1]));
      if (it != vc_by_ctx.end()) {
        if (Vc* v = FindVc(it->second); v && v->live) {
          const bool ok = SlotStatus(a[0]) == kSuccess;
          if (e.fn == Fn::ProtocolCmActivateVcComplete) {
            v->active = ok;
          } else {
            v->deactivating = false;
            if (ok) v->active = false;
          }
        }
      }
      break;
    }
    case Fn::ProtocolClMakeCallComplete:
    case Fn::ProtocolClCloseCallComplete: {
      auto it = vc_by_ctx.find(AK(e.actor, a[1]));
      if (it != vc_by_ctx.end()) {
        if (Vc* v = FindVc(it->second); v && v->live) {
          const bool ok = SlotStatus(a[0]) == kSuccess;
          if (e.fn == Fn::ProtocolClMakeCallComplete)
            v->call_active = ok;
          else if (ok)
            v->call_active = false;
        }
      }
      break;
    }
    case Fn::NdisClIncomingCallComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live && SlotStatus(a[0]) != kSuccess)
        v->call_active = false;
      break;
    }
    case Fn::NdisCmDispatchCallConnected:
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------
// Returns
// ---------------------------------------------------------------------------

void Monitor::State::OnReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisRegisterProtocolDriver:
      if (st == kSuccess) D(e.actor).protocol = true;
      break;
    case Fn::NdisMRegisterMiniportDriver:
      if (st == kSuccess) D(e.actor).miniport = true;
      break;
    case Fn::NdisSetOptionalHandlers:
      SetOptionalHandlersReturn(e, f);
      break;
    case Fn::NdisMSetMiniportAttributes: {
      if (st != kSuccess) break;
      auto it = adapters.find(f.arg[0]);
      if (it == adapters.end()) break;
      it->second.ctx = f.arg[2];
      it->second.has_ctx = true;
      adapter_by_ctx[f.arg[2]] = f.arg[0];
      break;
    }
    case Fn::MiniportInitializeEx: {
      if (st != kSuccess) {
        auto it = adapters.find(f.arg[0]);
        if (it != adapters.end()) it->second.halted = true;
        WithdrawRegs(f.arg[0]);
      }
      break;
    }
    case Fn::MiniportHaltEx: {
      if (!f.obj_known) break;
      const uint64_t mh = f.obj;
      for (const auto& [h, af] : afs) {
        if (af.cm_is_mcm && af.cm_key == mh && !af.Ended() && !(af.state == AState::kClosing))
          Report(k062, e, h, "MiniportHaltEx returned with the AF still open",
                 AStateName(af.state));
      }
      WithdrawRegs(mh);
      if (auto it = adapters.find(mh); it != adapters.end()) it->second.halted = true;
      break;
    }
    case Fn::NdisOpenAdapterEx: {
      const uint64_t b = a[0];
      if (b == 0 || (st != kSuccess && st != kPending)) break;
      AddLive(e, b, Kind::kBinding);
      Binding& bd = bindings[b];
      bd = Binding{};
      bd.actor = e.actor;
      bd.ctx = f.arg[1];
      bd.state = st == kSuccess ? BState::kOpen : BState::kOpening;
      if (const Frame* bf = Innermost(Fn::ProtocolBindAdapterEx, e.actor, false))
        bd.bind_call = bf->index;
      binding_by_ctx[AK(e.actor, bd.ctx)] = b;
      break;
    }
    case Fn::NdisCloseAdapterEx: {
      if (!f.obj_known) break;
      const uint64_t b = f.arg[0];
      BindingClosedChecks(e, b, e.actor);
      if (st == kSuccess || st == kPending) {
        Binding& bd = bindings[b];
        bd.state = st == kSuccess ? BState::kClosed : BState::kClosing;
        DropLive(b);
        WithdrawRegs(b);
      }
      break;
    }
    case Fn::ProtocolUnbindAdapterEx: {
      const uint64_t b = BindingByCtx(e.actor, f.arg[1]);
      if (st == kPending) {
        unbind_owed[AK(e.actor, f.arg[0])] = e.index;
      } else if (st == kSuccess) {
        const Binding* bd = FindBinding(b);
        if (bd && (bd->state == BState::kOpen || bd->state == BState::kOpening))
          Report(k122, e, b,
                 "ProtocolUnbindAdapterEx returned SUCCESS without closing the binding "
                 "(NdisCloseAdapterEx)");
      } else {
        Report(k122, e, b,
               "ProtocolUnbindAdapterEx returned " + St(st) +
                   "; an unbind cannot fail (SUCCESS or PENDING)");
      }
      break;
    }
    case Fn::NdisCmRegisterAddressFamilyEx:
      CmRegisterReturn(e, f, false);
      break;
    case Fn::NdisMCmRegisterAddressFamilyEx:
      CmRegisterReturn(e, f, true);
      break;

    case Fn::NdisClOpenAddressFamilyEx: {
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k031Forward, e, a[0],
                 "NdisClOpenAddressFamilyEx returned " + St(st) +
                     " without calling the call manager's ProtocolCmOpenAf");
        break;
      }
      const uint64_t h = f.cb_obj;
      Af* af = FindAf(h);
      if (!af) break;
      if (st != f.cb_status)
        Report(k033, e, h,
               "NdisClOpenAddressFamilyEx returned " + St(st) + " but ProtocolCmOpenAf returned " +
                   St(f.cb_status),
               AfDesc(*af));
      if (st == kSuccess) {
        if (a[0] != h)
          Report(k031Handle, e, h,
                 "NdisClOpenAddressFamilyEx gave the client NdisAfHandle " + Hex(a[0]) +
                     ", but ProtocolCmOpenAf got " + Hex(h),
                 AfDesc(*af));
        af->open_sync = true;
        af_by_client_ctx[AK(af->client, af->client_ctx)] = h;
      } else if (st == kPending) {
        af_by_client_ctx[AK(af->client, af->client_ctx)] = h;
      } else {
        af->open_sync = true;
      }
      break;
    }
    case Fn::ProtocolCmOpenAf: {
      Frame* p = TopIs(Fn::NdisClOpenAddressFamilyEx);
      if (p && p->cb_obj == f.obj) p->cb_status = st;
      Af* af = FindAf(f.obj);
      if (!af || af->state != AState::kCmOpenCall || af->cm != e.actor) break;
      af->since = e.index;
      if (st == kSuccess) {
        af->state = AState::kOpen;
        af->cm_ctx = a[0];
        af_by_cm_ctx[AK(af->cm, af->cm_ctx)] = f.obj;
      } else if (st == kPending) {
        af->state = AState::kOpening;
        af->open_owed = true;
        if (Binding* bd = FindBinding(af->client_binding)) ++bd->opening;
      } else {
        FailAf(*af, f.obj, e);
      }
      break;
    }
    case Fn::NdisClCloseAddressFamily: {
      if (!f.obj_known) break;
      const uint64_t h = f.obj;
      Af* af = FindAf(h);
      if (!af) break;
      const AState prior = static_cast<AState>(f.prior);
      if (f.flag) {  // repeated close while closing
        if (st != kFailure)
          Report(k057, e, h,
                 "a repeated NdisClCloseAddressFamily returned " + St(st) + ", expected FAILURE",
                 AfDesc(*af));
        break;
      }
      if (prior == AState::kClosed || prior == AState::kFailed) {
        if (st == kSuccess || st == kPending)
          Report(k057, e, h, "NdisClCloseAddressFamily on a closed AF returned " + St(st),
                 AfDesc(*af));
        break;
      }
      if (prior != AState::kOpen) break;
      if (f.cb_out == 1 && profile.close_with_children == Profile::CloseWithChildren::kNdisChecks) {
        if (st != kFailure)
          Report(k057, e, h,
                 "NdisClCloseAddressFamily with SAPs/VCs returned " + St(st) +
                     ", expected FAILURE (ndis-checks profile, OQ-06)",
                 AfDesc(*af));
        if (st == kFailure) {
          af->close_failed = true;
          break;
        }
      }
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(
              k051, e, h,
              "NdisClCloseAddressFamily returned " + St(st) + " without calling ProtocolCmCloseAf",
              AfDesc(*af));
        else
          af->close_failed = true;
        break;
      }
      if (st != f.cb_status)
        Report(k051, e, h,
               "NdisClCloseAddressFamily returned " + St(st) + " but ProtocolCmCloseAf returned " +
                   St(f.cb_status),
               AfDesc(*af));
      if (f.cb_status == kSuccess || f.cb_status == kPending) {
        af->client_closed = true;
        if (f.cb_status == kSuccess) af->close_sync = true;
      } else {
        af->close_failed = true;
      }
      break;
    }
    case Fn::ProtocolCmCloseAf: {
      Frame* p = TopIs(Fn::NdisClCloseAddressFamily);
      if (p && p->obj == f.obj) p->cb_status = st;
      if (st != kSuccess && st != kPending && st != kNotAccepted)
        Report(
            k052, e, f.obj,
            "ProtocolCmCloseAf returned " + St(st) + "; allowed: SUCCESS, PENDING, NOT_ACCEPTED");
      Af* af = FindAf(f.obj);
      if (!af || !f.obj_known || af->cm != e.actor || af->Ended()) break;
      if (st == kSuccess) {
        af->client_closed = true;
        CloseAf(*af, f.obj, e);
      } else if (st == kPending) {
        af->client_closed = true;
        af->state = AState::kClosing;
        af->since = e.index;
        af->close_owed = true;
      }
      break;
    }
    case Fn::NdisCmNotifyCloseAddressFamily: {
      if (!f.obj_known) break;
      const uint64_t h = f.obj;
      Af* af = FindAf(h);
      if (!af) break;
      const AState prior = static_cast<AState>(f.prior);
      if (f.cb_called) {
        int32_t want = f.cb_status;
        // OQ-10: SUCCESS only once CLOSED; PENDING while the client's close
        // is still pending. A client that said SUCCESS without closing at
        // all broke AF-064 (reported there); NDIS may then fail the call or
        // wait (PENDING): the spec leaves it open.
        const bool lied = f.cb_status == kSuccess && !af->Ended() &&
                          af->state != AState::kClosing && !af->client_closed;
        if (f.cb_status == kSuccess && !af->Ended()) want = kPending;
        if (lied && st == kFailure) want = kFailure;
        if (st != want)
          Report(k068, e, h,
                 "NdisCmNotifyCloseAddressFamily returned " + St(st) + ", expected " + St(want) +
                     " (ProtocolClNotifyCloseAf returned " + St(f.cb_status) + ", AF " +
                     AfDesc(*af) + ")",
                 AfDesc(*af));
      } else if (prior == AState::kOpen && !f.flag && !af->client_closed) {
        if (st == kSuccess || st == kPending)
          Report(k063, e, h,
                 "NdisCmNotifyCloseAddressFamily returned " + St(st) +
                     " without calling the client's ProtocolClNotifyCloseAf",
                 AfDesc(*af));
      } else if ((prior == AState::kOpening || f.flag) && st != kFailure) {
        Report(k068, e, h,
               std::string("NdisCmNotifyCloseAddressFamily ") +
                   (f.flag ? "repeated" : "on an opening AF") + " returned " + St(st) +
                   ", expected FAILURE (OQ-09)",
               AfDesc(*af));
      }
      if (st == kPending && !f.cb_called && !f.flag &&
          (prior == AState::kClosing || af->client_closed)) {
        // N7 / OQ-09: the client is already closing; NDIS did not ask it
        // again and owes the CM its completion once the close completes.
        af->notify_pending = true;
        af->client_notify_done = true;
        af->notify_status = kSuccess;
        if (af->Ended() && !af->cm_notify_owed) {
          af->cm_notify_owed = true;
          owed_cm_notify.push_back(h);
        }
      } else if (st == kPending && f.cb_called) {
        af->notify_pending = true;
        // The client finished synchronously but the CM's close is pending (OQ-10):
        // the completion is owed once the close completes.
        if (f.cb_status == kSuccess) af->client_notify_done = true, af->notify_status = kSuccess;
        if (af->client_notify_done && af->Ended() && !af->cm_notify_owed) {
          af->cm_notify_owed = true;
          owed_cm_notify.push_back(h);
        }
      } else if (st != kPending) {
        af->notify_active = false;
      }
      break;
    }
    case Fn::ProtocolClNotifyCloseAf: {
      Frame* p = TopIs(Fn::NdisCmNotifyCloseAddressFamily);
      if (p && p->obj == f.obj) p->cb_status = st;
      Af* af = FindAf(f.obj);
      if (!af || !f.obj_known) break;
      if (st == kSuccess) {
        if (!af->Ended() && af->state != AState::kClosing)
          Report(k064, e, f.obj, "ProtocolClNotifyCloseAf returned SUCCESS without closing the AF",
                 AfDesc(*af));
      } else if (st == kPending) {
        af->client_notify_owed = true;
        af->since = e.index;
      }
      break;
    }

    case Fn::NdisClRegisterSap: {
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k081, e, f.obj,
                 "NdisClRegisterSap returned " + St(st) + " without calling ProtocolCmRegisterSap");
        break;
      }
      if (st != f.cb_status)
        Report(k081, e, f.cb_obj,
               "NdisClRegisterSap returned " + St(st) + " but ProtocolCmRegisterSap returned " +
                   St(f.cb_status));
      if (st == kSuccess && a[0] != f.cb_obj)
        Report(k081, e, f.cb_obj,
               "NdisClRegisterSap gave the client NdisSapHandle " + Hex(a[0]) +
                   ", but ProtocolCmRegisterSap got " + Hex(f.cb_obj));
      if (st == kSuccess) {
        if (Sap* s = FindSap(f.cb_obj); s && s->state == SState::kRegistered)
          sap_by_client_ctx[AK(s->client, s->client_ctx)] = f.cb_obj;
      }
      break;
    }
    case Fn::ProtocolCmRegisterSap: {
      Frame* p = TopIs(Fn::NdisClRegisterSap);
      if (p && p->cb_obj == f.obj) p->cb_status = st;
      Sap* s = FindSap(f.obj);
      if (!s || s->state != SState::kCmCall || s->cm != e.actor) break;
      s->since = e.index;
      if (st == kSuccess || st == kPending) {
        s->state = st == kSuccess ? SState::kRegistered : SState::kRegistering;
        s->reg_owed = st == kPending;
        if (st == kSuccess) s->cm_ctx = a[0];
        if (Af* af = FindAf(s->af)) {
          ++af->saps;
          s->counted = true;
        }
      } else {
        s->state = SState::kFailed;
        DropLive(f.obj);
      }
      break;
    }
    case Fn::NdisClDeregisterSap: {
      if (!f.obj_known) break;
      const SState prior = static_cast<SState>(f.prior);
      if (f.flag) {
        // S13 / AF-091: FAILURE, synchronously or through
        // ProtocolClDeregisterSapComplete after PENDING; never forwarded.
        Sap& s = saps[f.obj];
        if (f.cb_called)
          Report(k088, e, f.obj,
                 "NDIS forwarded the deregistration of a SAP already released with its AF");
        if (st == kPending) {
          s.dereg_complete_owed = true;
          s.dereg_status = kFailure;
          s.since = e.index;
          owed_sap_dereg_complete.push_back(f.obj);
        } else if (st != kFailure) {
          Report(k091, e, f.obj,
                 "NdisClDeregisterSap of a SAP released with its AF returned " + St(st) +
                     ", expected FAILURE (or PENDING and a FAILURE completion)");
        }
        s.client_done = true;
        if (s.state != SState::kDeregistering) s.state = SState::kDeregistered;
        if (s.counted) {
          if (Af* af = FindAf(s.af); af && af->saps > 0) --af->saps;
          s.counted = false;
        }
        break;
      }
      if (prior == SState::kDeregistering) {
        if (st != kFailure)
          Report(k088, e, f.obj,
                 "a redundant NdisClDeregisterSap returned " + St(st) + ", expected FAILURE");
        break;
      }
      if (prior != SState::kRegistered) break;
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k088, e, f.obj,
                 "NdisClDeregisterSap returned " + St(st) +
                     " without calling ProtocolCmDeregisterSap");
        break;
      }
      if (st != f.cb_status)
        Report(k088, e, f.obj,
               "NdisClDeregisterSap returned " + St(st) + " but ProtocolCmDeregisterSap returned " +
                   St(f.cb_status));
      break;
    }
    case Fn::ProtocolCmDeregisterSap: {
      Frame* p = TopIs(Fn::NdisClDeregisterSap);
      if (p && p->obj == f.obj) p->cb_status = st;
      Sap* s = FindSap(f.obj);
      if (!s || !f.obj_known || s->cm != e.actor) break;
      if (st == kSuccess) {
        s->state = SState::kDeregistered;
        s->since = e.index;
        if (s->counted) {
          if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
          s->counted = false;
        }
        sap_by_client_ctx.erase(AK(s->client, s->client_ctx));
        DropLive(f.obj);
      } else if (st == kPending) {
        s->state = SState::kDeregistering;
        s->since = e.index;
        s->dereg_owed = true;
      } else {
        Report(k090, e, f.obj,
               "ProtocolCmDeregisterSap returned " + St(st) + "; it must return SUCCESS or PENDING",
               SStateName(s->state));
      }
      break;
    }

    case Fn::NdisCoCreateVc:
      CreateVcReturn(e, a, f, false);
      break;
    case Fn::NdisMCmCreateVc:
      CreateVcReturn(e, a, f, true);
      break;
    case Fn::NdisCoDeleteVc:
      DeleteVcReturn(e, f, false);
      break;
    case Fn::NdisMCmDeleteVc:
      DeleteVcReturn(e, f, true);
      break;
    case Fn::ProtocolCoCreateVc:
      VcCallbackReturn(e, a, f, true, true);
      break;
    case Fn::MiniportCoCreateVc:
      VcCallbackReturn(e, a, f, false, true);
      break;
    case Fn::ProtocolCoDeleteVc:
      VcCallbackReturn(e, a, f, true, false);
      break;
    case Fn::MiniportCoDeleteVc:
      VcCallbackReturn(e, a, f, false, false);
      break;

    case Fn::NdisCmActivateVc:
    case Fn::NdisMCmActivateVc:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && (st == kSuccess || st == kPending))
        v->active = true;
      break;
    case Fn::NdisCmDeactivateVc:
    case Fn::NdisMCmDeactivateVc:
      if (Vc* v = FindVc(f.arg[0]); v && v->live) {
        if (st == kSuccess) v->active = false, v->deactivating = false;
        if (st == kPending) v->deactivating = true;
      }
      break;
    case Fn::NdisClMakeCall:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && (st == kSuccess || st == kPending))
        v->call_active = true;
      break;
    case Fn::NdisClCloseCall:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && st == kSuccess) v->call_active = false;
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

void Monitor::State::SetOptionalHandlersReturn(const Event& e, const Frame& f) {
  const int32_t st = e.status;
  const uint64_t h = f.arg[1], mask = f.arg[2];
  if (h == kNull) {
    if (st == kSuccess) Report(k136, e, 0, "NdisSetOptionalHandlers accepted a NULL structure");
    return;
  }
  const unsigned type = static_cast<unsigned>(h >> 24 & 0xff);
  const unsigned rev = static_cast<unsigned>(h >> 16 & 0xff);
  const unsigned size = static_cast<unsigned>(h & 0xffff);
  bool size_ok = false;
  Check handler_check = k130;
  uint64_t required = 0;
  const char* what = "";
  switch (type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      size_ok = size == sizeof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS);
      required = (uint64_t{1} << 19) - 1;
      what = "NDIS_CO_CLIENT_OPTIONAL_HANDLERS";
      break;
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      size_ok = size == sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) ||
                (profile.accept_cm_handler_size_136 &&
                 size == NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1);
      required = size >= sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) ? (uint64_t{1} << 17) - 1
                                                                        : (uint64_t{1} << 16) - 1;
      handler_check = k131;
      what = "NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS";
      break;
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      size_ok = size == sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS);
      required = 2;  // CoAfRegisterNotifyHandler
      handler_check = k023;
      what = "NDIS_PROTOCOL_CO_CHARACTERISTICS";
      break;
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      size_ok = size == sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS);
      what = "NDIS_MINIPORT_CO_CHARACTERISTICS";
      break;
    default:
      return;  // not a CoNDIS structure: outside the AF rules
  }
  const bool header_ok = rev == 1 && size_ok;
  const bool handlers_ok = (mask & required) == required;
  if (st == kSuccess && !header_ok)
    Report(k136, e, 0,
           std::string("NdisSetOptionalHandlers accepted ") + what + " with Revision " +
               std::to_string(rev) + " and Size " + std::to_string(size));
  if (st == kSuccess && header_ok && !handlers_ok)
    Report(handler_check, e, 0,
           std::string("NdisSetOptionalHandlers accepted ") + what +
               " with NULL handler(s): missing mask " + Hex(required & ~mask));
  if (st != kSuccess) return;
  Driver& d = D(e.actor);
  switch (type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      d.client = true;
      d.client_mask = mask;
      break;
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      d.cm = true;
      d.cm_mask = mask;
      d.cm_size = static_cast<uint16_t>(size);
      break;
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      d.proto_co = true;
      d.proto_co_mask = mask;
      break;
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      d.mini_co = true;
      if (profile.strict && d.cm && (mask & 3))
        Report(k133, e, 0,
               "a miniport call manager supplies MiniportCoCreateVc/DeleteVc; they should be NULL");
      break;
  }
}

void Monitor::State::CmRegisterCall(const Event& e, const uint64_t* a, bool mcm) {
  Frame& f = stack.back();
  if (!mcm) {
    const Frame* bf = Innermost(Fn::ProtocolBindAdapterEx, e.actor, true);
    const Binding* bd = FindBinding(a[0]);
    f.obj_known = bd && bd->actor == e.actor && bd->state == BState::kOpen;
    f.prior = bf ? 1 : 0;
    f.cb_obj = bf ? bf->index : kNone;
    if (e.irql != PASSIVE_LEVEL)
      Report(k001Context, e, a[0],
             "NdisCmRegisterAddressFamilyEx called at IRQL " + std::to_string(e.irql));
    if (!bf)
      Report(k001Context, e, a[0],
             "NdisCmRegisterAddressFamilyEx called outside the CM's ProtocolBindAdapterEx");
    else if (bd && bd->actor == e.actor && bd->bind_call != bf->index)
      Report(k001Context, e, a[0],
             "NdisCmRegisterAddressFamilyEx on a binding not opened by this ProtocolBindAdapterEx");
    if (bd && (bd->state == BState::kClosing || bd->state == BState::kClosed))
      Report(k123, e, a[0], "NdisCmRegisterAddressFamilyEx on a closed binding handle");
  } else {
    const Frame* init = Innermost(Fn::MiniportInitializeEx, e.actor, true);
    f.cb_obj = init ? init->index : kNone;
    if (e.irql != PASSIVE_LEVEL)
      Report(k007, e, a[0],
             "NdisMCmRegisterAddressFamilyEx called at IRQL " + std::to_string(e.irql));
    if (!init)
      Report(k007, e, a[0], "NdisMCmRegisterAddressFamilyEx called outside MiniportInitializeEx");
    else if (init->arg[0] != a[0])
      Report(k007, e, a[0],
             "NdisMCmRegisterAddressFamilyEx names adapter " + Hex(a[0]) +
                 " from the MiniportInitializeEx of adapter " + Hex(init->arg[0]));
    auto it = adapters.find(a[0]);
    f.obj_known = it != adapters.end() && !it->second.halted && it->second.actor == e.actor;
  }
}

void Monitor::State::CmRegisterReturn(const Event& e, const Frame& f, bool mcm) {
  const int32_t st = e.status;
  const uint64_t key = f.arg[0], type = f.arg[1];
  const Driver& d = D(e.actor);
  const bool dup = reg_by_key.count(Key{key, type}) > 0;
  if (!mcm) {
    if (!f.obj_known && st == kSuccess)
      Report(k001Status, e, key,
             "NdisCmRegisterAddressFamilyEx succeeded on a binding handle that is not an open "
             "binding of the caller");
    if (!(d.proto_co || d.cm) && st == kSuccess)
      Report(k005, e, key,
             "NdisCmRegisterAddressFamilyEx succeeded for a driver that registered no CO protocol "
             "or call-manager handlers");
  } else {
    if (!(d.miniport && (d.mini_co || d.cm)) && st == kSuccess)
      Report(k006, e, key,
             "NdisMCmRegisterAddressFamilyEx succeeded for a driver that is not a CO miniport");
    if (!f.obj_known && st == kSuccess)
      Report(k006, e, key,
             "NdisMCmRegisterAddressFamilyEx succeeded for an unknown or halted adapter handle");
  }
  if (dup && st != kFailure)
    Report(mcm ? k006 : k004, e, key,
           "a second registration of AF " + Hex(type) + " on the same " +
               (mcm ? "adapter" : "binding") + " returned " + St(st) + ", expected FAILURE");
  if (st != kSuccess || dup) return;
  Reg r;
  r.key = key;
  r.actor = e.actor;
  r.mcm = mcm;
  r.af[0] = f.arg[1];
  r.af[1] = f.arg[2];
  r.af[2] = f.arg[3];
  r.in_call = f.cb_obj;
  reg_by_key[Key{key, type}] = regs.size();
  regs.push_back(r);
}

void Monitor::State::NotifyCall(const Event& e, const uint64_t* a) {
  const Driver& d = D(e.actor);
  if (d.proto_co && !(d.proto_co_mask & 2))
    Report(k023, e, 0,
           "NDIS called ProtocolCoAfRegisterNotify of a protocol whose CoAfRegisterNotifyHandler "
           "is NULL");
  if (e.irql != PASSIVE_LEVEL)
    Report(k024, e, 0, "ProtocolCoAfRegisterNotify called at IRQL " + std::to_string(e.irql));
  const uint64_t type = a[1];
  const Reg* any = AnyReg(type);
  // A registration still in progress (OQ-03 immediate delivery).
  bool in_register = false;
  for (size_t i = 0; i + 1 < stack.size(); ++i) {
    const Frame& s = stack[i];
    if ((s.fn == Fn::NdisCmRegisterAddressFamilyEx || s.fn == Fn::NdisMCmRegisterAddressFamilyEx) &&
        s.arg[1] == type)
      in_register = true;
  }
  if (in_register) {
    if (!profile.notify_during_register)
      Report(k020Timing, e, 0,
             "ProtocolCoAfRegisterNotify for AF " + Hex(type) +
                 " delivered from inside the call manager's register call");
  } else if (!any) {
    Report(k020Registered, e, 0,
           "ProtocolCoAfRegisterNotify for AF " + Hex(type) +
               ", which no call manager has registered");
  } else {
    bool same = false;
    for (const Reg& r : regs)
      if (r.live && r.af[0] == type && r.af[1] == a[2] && r.af[2] == a[3]) same = true;
    if (!same)
      Report(k025, e, 0,
             "ProtocolCoAfRegisterNotify passes AF {" + Hex(type) + "," + std::to_string(a[2]) +
                 "," + std::to_string(a[3]) +
                 "}, which differs from every registration of that type");
  }
  if (!profile.notify_during_register) {
    for (size_t i = 0; i + 1 < stack.size(); ++i) {
      const Frame& s = stack[i];
      if (s.fn != Fn::ProtocolBindAdapterEx && s.fn != Fn::MiniportInitializeEx) continue;
      for (const Reg& r : regs) {
        if (r.live && r.af[0] == type && r.in_call == s.index) {
          Report(k020Timing, e, r.key,
                 "ProtocolCoAfRegisterNotify delivered while the registering " +
                     std::string(r.mcm ? "MCM is still in MiniportInitializeEx"
                                       : "CM is still in ProtocolBindAdapterEx") +
                     " (event " + std::to_string(s.index) + ")");
          i = stack.size();
          break;
        }
      }
    }
  }
  const uint64_t b = BindingByCtx(e.actor, a[0]);
  const Binding* bd = FindBinding(b);
  if (!bd || bd->state != BState::kOpen) {
    Report(k021, e, b,
           "ProtocolCoAfRegisterNotify for ProtocolBindingContext " + Hex(a[0]) +
               ", which names no open binding of this driver");
  } else if (bd->bind_call != kNone) {
    for (size_t i = 0; i + 1 < stack.size(); ++i)
      if (stack[i].fn == Fn::ProtocolBindAdapterEx && stack[i].index == bd->bind_call) {
        Report(k021, e, b,
               "ProtocolCoAfRegisterNotify delivered before the client's ProtocolBindAdapterEx "
               "returned");
        break;
      }
  }
}

// ---------------------------------------------------------------------------
// VCs
// ---------------------------------------------------------------------------

void Monitor::State::CreateVcCall(const Event& e, const uint64_t* a, bool mcm) {
  Frame& f = stack.back();
  const Driver& d = D(e.actor);
  const uint64_t h = a[1];
  f.obj = h;
  if (a[3] != 0)
    Report(k100, e, a[3], Name(e.fn) + " called with *NdisVcHandle = " + Hex(a[3]) + ", not NULL");
  if (!mcm && d.mcm())
    Report(k110, e, h, "a miniport call manager calls NdisCoCreateVc; it must use NdisMCmCreateVc");
  if (mcm && !d.miniport)
    Report(k110, e, h, "a protocol driver calls NdisMCmCreateVc; it must use NdisCoCreateVc");
  if (!mcm) {
    if (const Binding* bd = FindBinding(a[0]);
        bd && (bd->state == BState::kClosing || bd->state == BState::kClosed))
      Report(k123, e, a[0], "NdisCoCreateVc on a closed binding handle");
  }
  if (h == 0) {
    f.obj_known = true;  // a CM's signalling VC
    if (d.client && !d.cm)
      Report(k101, e, 0, "a client calls " + Name(e.fn) + " with a NULL NdisAfHandle");
    return;
  }
  Af* af = FindAf(h);
  if (!af) {
    f.obj_known = false;
    return;
  }
  f.obj_known = !af->Ended() && af->state != AState::kCmOpenCall && af->state != AState::kOpening;
  if (af->client == e.actor) {
    if (af->state == AState::kOpening)
      Report(k040, e, h, Name(e.fn) + " while the AF open is pending", AfDesc(*af));
    else if (af->Ended() || af->client_closed)
      Report(k056, e, h, Name(e.fn) + " with an AF handle the client already closed", AfDesc(*af));
  } else if (af->cm == e.actor) {
    if (af->state == AState::kFailed)
      Report(k036, e, h, "the call manager uses the NdisAfHandle after its open failed",
             AfDesc(*af));
    else if (af->cm_done)
      Report(k055, e, h, "the call manager uses the NdisAfHandle after the close completed",
             AfDesc(*af));
  } else {
    Report(k101, e, h, Name(e.fn) + " with an AF handle the caller neither opened nor serves",
           AfDesc(*af));
  }
}

void Monitor::State::VcCallbackCall(const Event& e, const uint64_t* a, bool peer, bool create) {
  Frame& self = stack.back();
  const Driver& d = D(e.actor);
  if (!peer && d.mcm())
    Report(k133, e, a[1], "NDIS called " + Name(e.fn) + " of a miniport call manager");
  if (create) {
    Frame* p = Parent(Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc);
    if (!p) {
      Report(k103, e, a[1], Name(e.fn) + " called outside NdisCoCreateVc / NdisMCmCreateVc");
      return;
    }
    if (peer) {
      if (p->peer_called)
        Report(k103, e, a[1], "ProtocolCoCreateVc called twice for one VC creation");
      p->peer_called = true;
      p->peer_actor = e.actor;
      p->peer_in = a[0];
      p->peer_vc = a[1];
      if (!p->first_cb) p->first_cb = 2;
    } else {
      if (p->mini_called)
        Report(k103, e, a[1], "MiniportCoCreateVc called twice for one VC creation");
      p->mini_called = true;
      p->mini_actor = e.actor;
      p->mini_in = a[0];
      p->mini_vc = a[1];
      if (!p->first_cb) p->first_cb = 1;
    }
    return;
  }
  // Deletion: inside a delete, or a rollback inside a create (AF-104, OQ-13).
  Frame* p =
      Parent(Fn::NdisCoDeleteVc, Fn::NdisMCmDeleteVc, Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc);
  if (!p) {
    Report(k107, e, 0, Name(e.fn) + " called outside VC deletion or creation rollback");
    return;
  }
  self.obj = p->obj;
  if (p->fn == Fn::NdisCoCreateVc || p->fn == Fn::NdisMCmCreateVc) {
    if (peer)
      p->peer_deleted = true;
    else
      p->mini_deleted = true;
    return;
  }
  if (peer) {
    if (p->peer_called)
      Report(k107, e, p->arg[0], "ProtocolCoDeleteVc called twice for one deletion");
    p->peer_called = true;
    p->peer_actor = e.actor;
    p->peer_in = a[0];
  } else {
    if (p->mini_called)
      Report(k107, e, p->arg[0], "MiniportCoDeleteVc called twice for one deletion");
    p->mini_called = true;
    p->mini_actor = e.actor;
    p->mini_in = a[0];
  }
}

void Monitor::State::VcCallbackReturn(const Event& e, const uint64_t* a, const Frame& f, bool peer,
                                      bool create) {
  if (e.status == kPending)
    Report(k104, e, f.arg[create ? 1 : 0],
           Name(e.fn) + " returned NDIS_STATUS_PENDING, which it must never do");
  Frame* p = create ? TopIs(Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc)
                    : TopIs(Fn::NdisCoDeleteVc, Fn::NdisMCmDeleteVc);
  if (!p) return;
  if (peer) {
    p->peer_status = e.status;
    if (create) p->peer_out = a[0];
  } else {
    p->mini_status = e.status;
    if (create) p->mini_out = a[0];
  }
}

void Monitor::State::CreateVcReturn(const Event& e, const uint64_t* a, const Frame& f, bool mcm) {
  const int32_t st = e.status;
  const uint64_t h = f.obj;
  const uint64_t vh = a[0];
  Af* af = h ? FindAf(h) : nullptr;
  if (h != 0 && !f.obj_known) {
    if (st == kSuccess)
      Report(k102, e, h,
             Name(e.fn) + " succeeded with an unknown, pending or closed NdisAfHandle " + Hex(h),
             af ? AfDesc(*af) : std::string("unknown"));
    return;
  }
  if (f.peer_called && f.peer_status == kPending) {
    if (st == kSuccess)
      Report(k104, e, vh, Name(e.fn) + " succeeded although ProtocolCoCreateVc returned PENDING");
    if (!f.peer_deleted)
      Report(k104, e, vh,
             "ProtocolCoCreateVc returned PENDING and NDIS did not call ProtocolCoDeleteVc for it");
  }
  if (st != kSuccess) {
    if (f.mini_called && f.mini_status == kSuccess && f.peer_called && f.peer_status != kSuccess &&
        !f.mini_deleted)
      Report(k103, e, f.mini_vc,
             "the peer failed the VC but NDIS did not roll back MiniportCoCreateVc (OQ-13)");
    return;
  }
  if ((f.peer_called && f.peer_status != kSuccess) ||
      (f.mini_called && f.mini_status != kSuccess)) {
    Report(k102, e, vh, Name(e.fn) + " succeeded although a create-VC callback failed");
    return;
  }
  if (vh == 0) {
    Report(k103, e, 0, Name(e.fn) + " succeeded but returned a NULL NdisVcHandle");
    return;
  }
  // Expected callback set (AF-103).
  const bool want_peer = h != 0;
  const bool want_mini = !mcm && !(af && af->cm_is_mcm);
  if (want_peer && !f.peer_called)
    Report(k103, e, vh, Name(e.fn) + " succeeded without calling the peer's ProtocolCoCreateVc");
  if (!want_peer && f.peer_called)
    Report(k103, e, vh, Name(e.fn) + " with a NULL AF called a peer's ProtocolCoCreateVc");
  if (want_mini && !f.mini_called)
    Report(k103, e, vh, Name(e.fn) + " succeeded without calling MiniportCoCreateVc");
  if (!want_mini && f.mini_called)
    Report(k103, e, vh,
           Name(e.fn) + " called MiniportCoCreateVc although the AF's call manager is an MCM");
  if (f.peer_called && f.peer_vc != vh)
    Report(
        k103, e, vh,
        "ProtocolCoCreateVc got NdisVcHandle " + Hex(f.peer_vc) + ", the creator got " + Hex(vh));
  if (f.mini_called && f.mini_vc != vh)
    Report(
        k103, e, vh,
        "MiniportCoCreateVc got NdisVcHandle " + Hex(f.mini_vc) + ", the creator got " + Hex(vh));
  if (f.peer_called && f.mini_called) {
    if (profile.create_vc_order == Profile::VcCallbackOrder::kMiniportFirst && f.first_cb != 1)
      Report(
          k103, e, vh,
          "the peer's ProtocolCoCreateVc ran before MiniportCoCreateVc (profile: miniport-first)");
    if (profile.create_vc_order == Profile::VcCallbackOrder::kPeerFirst && f.first_cb != 2)
      Report(k103, e, vh,
             "MiniportCoCreateVc ran before the peer's ProtocolCoCreateVc (profile: peer-first)");
  }
  // The peer's per-AF context (AF-111, OQ-12).
  if (af && f.peer_called) {
    ActorId want_actor;
    uint64_t want_ctx;
    if (e.actor == af->client && !mcm) {
      want_actor = af->cm;
      want_ctx = af->cm_is_mcm && profile.mcm_create_vc_gets_af_handle ? h : af->cm_ctx;
    } else {
      want_actor = af->client;
      want_ctx = af->client_ctx;
    }
    if (f.peer_actor != want_actor)
      Report(k103, e, vh,
             "ProtocolCoCreateVc went to actor " + std::to_string(f.peer_actor) +
                 ", expected actor " + std::to_string(want_actor));
    else if (f.peer_in != want_ctx)
      Report(k111, e, vh,
             "ProtocolCoCreateVc got per-AF context " + Hex(f.peer_in) + ", expected " +
                 Hex(want_ctx));
  }
  AddLive(e, vh, Kind::kVc);
  Vc& v = vcs[vh];
  v = Vc{};
  v.creator = e.actor;
  v.by_mcm = mcm;
  v.af = h;
  v.creator_ctx = f.arg[2];
  v.has_peer = f.peer_called;
  v.peer = f.peer_actor;
  v.peer_ctx = f.peer_out;
  v.has_mini = f.mini_called;
  v.mini = f.mini_actor;
  v.mini_ctx = f.mini_out;
  vc_by_ctx[AK(e.actor, v.creator_ctx)] = vh;
  if (v.has_peer) vc_by_ctx[AK(v.peer, v.peer_ctx)] = vh;
  if (af) ++af->vcs;
}

void Monitor::State::DeleteVcCall(const Event& e, const uint64_t* a, bool mcm) {
  Frame& f = stack.back();
  const uint64_t vh = a[0];
  f.obj = vh;
  const Driver& d = D(e.actor);
  if (!mcm && d.mcm())
    Report(k110, e, vh,
           "a miniport call manager calls NdisCoDeleteVc; it must use NdisMCmDeleteVc");
  if (mcm && !d.miniport)
    Report(k110, e, vh, "a protocol driver calls NdisMCmDeleteVc; it must use NdisCoDeleteVc");
  Vc* v = FindVc(vh);
  if (!v) {
    Report(k107Use, e, vh, Name(e.fn) + " with an NdisVcHandle NDIS never gave out");
    return;
  }
  if (!v->live) {
    Report(k107Use, e, vh, Name(e.fn) + " on a VC that was already deleted");
    return;
  }
  f.obj_known = true;
  f.prior = static_cast<uint8_t>((v->active ? 1 : 0) | (v->deactivating ? 2 : 0));
  if (v->creator != e.actor)
    Report(k105, e, vh,
           Name(e.fn) + " by actor " + std::to_string(e.actor) + "; the VC was created by actor " +
               std::to_string(v->creator));
  if (v->call_active) Report(k106, e, vh, Name(e.fn) + " while a call is still active on the VC");
}

void Monitor::State::DeleteVcReturn(const Event& e, const Frame& f, bool mcm) {
  if (!f.obj_known) return;
  const int32_t st = e.status;
  const uint64_t vh = f.obj;
  Vc* v = FindVc(vh);
  if (!v || !v->live) return;
  if (f.prior & 2) {
    if (st != kClosingStatus)
      Report(k106, e, vh,
             Name(e.fn) + " of a deactivating VC returned " + St(st) + ", expected CLOSING");
    return;
  }
  if (f.prior & 1) {
    if (st != kNotAccepted)
      Report(k106, e, vh,
             Name(e.fn) + " of an active VC returned " + St(st) + ", expected NOT_ACCEPTED");
    return;
  }
  if (f.peer_called && f.peer_status != kSuccess) {
    if (st == kSuccess)
      Report(k107, e, vh,
             Name(e.fn) + " returned SUCCESS although ProtocolCoDeleteVc failed with " +
                 St(f.peer_status) + " (OQ-14)");
    return;
  }
  if (st != kSuccess) return;
  if (v->has_peer && !f.peer_called)
    Report(k107, e, vh, Name(e.fn) + " succeeded without calling the peer's ProtocolCoDeleteVc");
  if (v->has_peer && f.peer_called && (f.peer_actor != v->peer || f.peer_in != v->peer_ctx))
    Report(k107, e, vh,
           "ProtocolCoDeleteVc got actor " + std::to_string(f.peer_actor) + " context " +
               Hex(f.peer_in) + ", expected actor " + std::to_string(v->peer) + " context " +
               Hex(v->peer_ctx));
  if (v->has_mini && !f.mini_called)
    Report(k107, e, vh, Name(e.fn) + " succeeded without calling MiniportCoDeleteVc");
  if (v->has_mini && f.mini_called && f.mini_in != v->mini_ctx)
    Report(k107, e, vh,
           "MiniportCoDeleteVc got context " + Hex(f.mini_in) + ", expected " + Hex(v->mini_ctx));
  if (!v->has_mini && f.mini_called)
    Report(k107, e, vh,
           Name(e.fn) + " called MiniportCoDeleteVc for a VC that had no miniport context");
  (void)mcm;
  v->live = false;
  vc_by_ctx.erase(AK(v->creator, v->creator_ctx));
  if (v->has_peer) vc_by_ctx.erase(AK(v->peer, v->peer_ctx));
  if (Af* af = v->af ? FindAf(v->af) : nullptr; af && af->vcs > 0) --af->vcs;
  DropLive(vh);
}

// ---------------------------------------------------------------------------
// Bindings closing (AF-120, AF-061)
// ---------------------------------------------------------------------------

void Monitor::State::BindingClosedChecks(const Event& e, uint64_t b, ActorId actor) {
  for (const auto& [h, af] : afs) {
    if (af.Ended()) continue;
    if (af.client == actor && af.client_binding == b && !af.client_closed)
      Report(k120, e, h,
             "the client closed its binding (NdisCloseAdapterEx) with the AF still " +
                 std::string(af.state == AState::kOpening ? "opening" : "open"),
             AfDesc(af));
    if (!af.cm_is_mcm && af.cm == actor && af.cm_key == b)
      Report(k061, e, h,
             "the call manager closed its binding (NdisCloseAdapterEx) with an AF on its "
             "registration not closed",
             AfDesc(af));
  }
}

// ---------------------------------------------------------------------------
// Quiesce
// ---------------------------------------------------------------------------

void Monitor::State::Finish() {
  if (finished) return;
  finished = true;
  const size_t first = violations.size();
  for (const Frame& fr : stack)
    Report(kMonOpenAtFinish, fr.index, 0,
           Name(fr.fn) + " (actor " + std::to_string(fr.actor) + ") never returned");
  for (const auto& [h, af] : afs) {
    if (af.open_owed)
      Report(k034Ledger, af.since, h,
             "ProtocolCmOpenAf returned PENDING and the call manager never called "
             "NdisCmOpenAddressFamilyComplete",
             AfDesc(af));
    if (af.open_complete_owed)
      Report(k037Owed, af.since, h,
             "the open was completed but NDIS never called ProtocolClOpenAfCompleteEx", AfDesc(af));
    if (af.close_owed)
      Report(k053Ledger, af.since, h,
             "ProtocolCmCloseAf returned PENDING and the call manager never called "
             "NdisCmCloseAddressFamilyComplete",
             AfDesc(af));
    if (af.close_complete_owed)
      Report(k054, af.since, h,
             "the close was completed but NDIS never called ProtocolClCloseAfComplete", AfDesc(af));
    if (af.client_notify_owed)
      Report(k065Ledger, af.since, h,
             "ProtocolClNotifyCloseAf returned PENDING and the client never called "
             "NdisClNotifyCloseAddressFamilyComplete",
             AfDesc(af));
    if (af.cm_notify_owed)
      Report(k067Owed, af.since, h,
             "the notify-close was completed but NDIS never called ProtocolCmNotifyCloseAfComplete",
             AfDesc(af));
  }
  for (const auto& [h, s] : saps) {
    if (s.reg_owed)
      Report(k083Ledger, s.since, h,
             "ProtocolCmRegisterSap returned PENDING and the call manager never called "
             "NdisCmRegisterSapComplete",
             SStateName(s.state));
    if (s.reg_complete_owed)
      Report(
          k084, s.since, h,
          "the SAP registration was completed but NDIS never called ProtocolClRegisterSapComplete",
          SStateName(s.state));
    if (s.dereg_owed)
      Report(k090Ledger, s.since, h,
             "ProtocolCmDeregisterSap returned PENDING and the call manager never called "
             "NdisCmDeregisterSapComplete",
             SStateName(s.state));
    if (s.dereg_complete_owed)
      Report(k091, s.since, h,
             "the SAP deregistration was completed but NDIS never called "
             "ProtocolClDeregisterSapComplete",
             SStateName(s.state));
  }
  for (const auto& [k, idx] : unbind_owed)
    Report(k122, idx, k.v,
           "ProtocolUnbindAdapterEx returned PENDING and the protocol never called "
           "NdisCompleteUnbindAdapterEx");
  for (size_t id = 0; id < drivers.size(); ++id) {
    const Driver& d = drivers[id];
    if (d.protocol && (d.client || (d.cm && !d.miniport)) && !d.proto_co)
      Report(k137, 0, 0,
             "protocol driver (actor " + std::to_string(id) +
                 ") registered CO client/call-manager handlers but no "
                 "NDIS_PROTOCOL_CO_CHARACTERISTICS");
  }
  wan->Finish();
  // Hash-map order is not meaningful: sort the quiesce reports.
  std::sort(violations.begin() + static_cast<std::ptrdiff_t>(first), violations.end(),
            [](const Violation& x, const Violation& y) {
              if (x.event_index != y.event_index) return x.event_index < y.event_index;
              if (x.rule != y.rule) return x.rule < y.rule;
              if (x.object != y.object) return x.object < y.object;
              return x.message < y.message;
            });
}

// ---------------------------------------------------------------------------
// Public surface
// ---------------------------------------------------------------------------

Monitor::Monitor(Profile profile) : s_(std::make_unique<State>()) {
  s_->profile = profile;
  s_->wan = std::make_unique<wan::WanMonitor>(&s_->profile, &State::WanReport, s_.get());
}
Monitor::~Monitor() = default;

const std::vector<CheckInfo>& Monitor::Checks() {
  static const std::vector<CheckInfo> checks(std::begin(kCheckTable), std::end(kCheckTable));
  return checks;
}

void Monitor::DeclareDrivers(const std::vector<DriverInfo>& drivers) {
  s_->drivers_declared = true;
  for (const DriverInfo& d : drivers) {
    if (d.id >= s_->declared.size()) s_->declared.resize(static_cast<size_t>(d.id) + 1, false);
    s_->declared[d.id] = true;
  }
}

void Monitor::OnEvent(const Event& event) { s_->OnEvent(event); }
void Monitor::Finish() { s_->Finish(); }
const std::vector<Violation>& Monitor::violations() const { return s_->violations; }
bool Monitor::Violated(std::string_view rule) const {
  for (const Violation& v : s_->violations)
    if (v.rule == rule) return true;
  return false;
}
const Profile& Monitor::profile() const { return s_->profile; }
uint64_t Monitor::event_count() const { return s_->events; }
void Monitor::set_max_violations(size_t n) { s_->max_violations = n; }
uint64_t Monitor::suppressed_violations() const { return s_->suppressed; }

bool SetProfileKey(Profile& p, std::string_view key, std::string_view value, std::string* error) {
  auto boolean = [&](bool& field) {
    if (value == "true" || value == "1") {
      field = true;
      return true;
    }
    if (value == "false" || value == "0") {
      field = false;
      return true;
    }
    if (error)
      *error = "profile key '" + std::string(key) + "' takes true or false, not '" +
               std::string(value) + "'";
    return false;
  };
  if (key == "close_with_children") {
    if (value == "cm-decides")
      p.close_with_children = Profile::CloseWithChildren::kCmDecides;
    else if (value == "ndis-checks")
      p.close_with_children = Profile::CloseWithChildren::kNdisChecks;
    else {
      if (error)
        *error =
            "close_with_children takes cm-decides or ndis-checks, not '" + std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "create_vc_order") {
    if (value == "either")
      p.create_vc_order = Profile::VcCallbackOrder::kEither;
    else if (value == "miniport-first")
      p.create_vc_order = Profile::VcCallbackOrder::kMiniportFirst;
    else if (value == "peer-first")
      p.create_vc_order = Profile::VcCallbackOrder::kPeerFirst;
    else {
      if (error)
        *error = "create_vc_order takes either, miniport-first or peer-first, not '" +
                 std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "accept_close_retry") return boolean(p.accept_close_retry);
  if (key == "notify_during_register") return boolean(p.notify_during_register);
  if (key == "accept_cm_handler_size_136") return boolean(p.accept_cm_handler_size_136);
  if (key == "mcm_create_vc_gets_af_handle") return boolean(p.mcm_create_vc_gets_af_handle);
  if (key == "require_open_from_notify") return boolean(p.require_open_from_notify);
  if (key == "strict") return boolean(p.strict);
  if (key == "wan_version_scope") {
    if (value == "ndis51-legacy")
      p.wan_version_scope = Profile::WanVersionScope::kNdis51Legacy;
    else if (value == "ndis4")
      p.wan_version_scope = Profile::WanVersionScope::kNdis4Only;
    else {
      if (error)
        *error = "wan_version_scope takes ndis51-legacy or ndis4, not '" + std::string(value) + "'";
      return false;
    }
    return true;
  }
  if (key == "wan_strict_quality") return boolean(p.wan_strict_quality);
  if (key == "wan_report_unknown_link_context") return boolean(p.wan_report_unknown_link_context);
  if (key == "wan_line_down_before_close_call") return boolean(p.wan_line_down_before_close_call);
  if (key == "wan_tapi_event_ulong_params") return boolean(p.wan_tapi_event_ulong_params);
  if (key == "wan_links_down_at_finish") return boolean(p.wan_links_down_at_finish);
  if (key == "wan_context_violations_refused") return boolean(p.wan_context_violations_refused);
  if (error) *error = "unknown profile key '" + std::string(key) + "'";
  return false;
}

}  // namespace ndisconf::monitor
