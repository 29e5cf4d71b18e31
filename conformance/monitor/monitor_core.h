// ndisconf/conformance/monitor/monitor_core.h: the monitor's core, private to
// //conformance/monitor.
//
// One frame stack and one dispatch for every rule family. The core takes
// each event in (MON-003, MON-004), pairs each return with its call
// (MON-001, MON-002), and hands the event to the one family that owns its
// function: the CoNDIS families under af/ and the NDIS 5.1 WAN families
// under wan/, each named after its section of the spec's rule catalog and
// holding its call and return hooks together. All families share the
// shadow state below (built from events only) and report through
// Monitor::State::Report, so violations land in one ordered list.
//
// A family is a pair of member functions, XxxCall and XxxReturn, plus the
// list of functions it owns (a Family, defined in its file). A check that
// one family's rule needs at another family's event is a member function of
// the rule's family, called from the other family's hook: "the AF-123
// check" is in af/unbind_halt.cc whoever calls it.
#ifndef NDISCONF_CONFORMANCE_MONITOR_MONITOR_CORE_H_
#define NDISCONF_CONFORMANCE_MONITOR_MONITOR_CORE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "conformance/monitor/af/objects.h"
#include "conformance/monitor/checks.inc"
#include "conformance/monitor/monitor.h"
#include "conformance/monitor/shadow.h"
#include "conformance/monitor/wan/objects.h"
#include "reference/boundary/event.h"

namespace ndisconf::monitor {

// Every check of checks.inc, by enum name.
enum Check : uint16_t {
#define NDISCONF_CHECK_ENUM(e, rule, name, desc) e,
  NDISCONF_MONITOR_CHECKS(NDISCONF_CHECK_ENUM)
#undef NDISCONF_CHECK_ENUM
      kCheckCount
};

// The NDIS 5.1 functions (fn.h numbers them after every NDIS 6 one) and,
// appended after those, the spin-lock functions (WAN-003): the WAN families
// own them; the CoNDIS families never look inside their frames.
inline bool IsWanFn(Fn fn) { return fn >= Fn::NdisMInitializeWrapper && fn < Fn::kCount; }

// One open call. The common fields and the argument slots are set on every
// push. The CoNDIS block (blob_hash .. mini_status) is zeroed on the push of
// an NDIS 6 function; the WAN block (adapter .. send_lc) holds what an NDIS 5
// function's own hook writes and reads back. Nothing reads a block of a
// frame that its own families did not fill.
struct Frame {
  Fn fn;
  ActorId actor;
  uint8_t irql;
  uint64_t index;
  uint64_t arg[Event::kMaxArgs];

  // ---- CoNDIS ----
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

  // ---- NDIS 5.1 WAN ----
  uint64_t adapter;  // the miniport adapter handle the call is about
  // NdisMIndicateStatus: status and claimed size; the buffer is in IndBuf.
  int32_t gstatus;
  uint64_t len;
  uint16_t blob_len, cur_len;
  // No protocol has written the buffer back yet: `cur` is still `blob`.
  bool cur_is_blob;
  uint8_t nnotified;
  bool notified_overflow;
  Key notified[8];
  // `upper`: the adapter is an intermediate driver's virtual adapter
  // (NDISWAN's), so the buffer is an NDIS_WAN_* structure, not NDIS_MAC_*.
  bool upper;
  bool initial_line_up, newcall;
  // LINE_NEWCALL came with htCall = ulParam2 = 0, so it asks NDISTAPI for a
  // handle (WAN-062); one that already names a call NDISTAPI may refuse.
  bool newcall_asks;
  // An initial line-up for a handle whose link is up (reported as WAN-025):
  // NDISWAN may refuse it and leave NdisLinkContext NULL (E-11).
  bool duplicate_line_up;
  uint64_t up_handle, up_ht_call, newcall_hd_call, newcall_ht_line;
  uint32_t up_window;
  size_t p2_off, p2_size;
  // What the indication changes in the shadow state once NDIS has passed it
  // on (a line-down, a fragment, a line-up update, a LINE_CALLSTATE): set by
  // the family's call hook, applied by ApplyIndication at the first
  // ProtocolStatus, or at the return when nothing shows NDIS refused it.
  // `context_violation`: the call broke WAN-002/003/004, which NDIS refuses
  // under wan_context_violations_refused.
  bool has_effect, effect_applied, context_violation;
  uint64_t effect_obj;    // NdisLinkContext, or htCall for LINE_CALLSTATE
  uint32_t effect_value;  // the new SendWindow, or the call state
  // NdisMIndicateStatusComplete: the bindings it owes ProtocolStatusComplete.
  bool done[8];
  // MiniportWanSend: the link it went to.
  uint64_t send_lc;
};

// The open calls, innermost last. pop() only lowers the count: the popped
// frame stays intact in place until the next push, so a return hook reads it
// there (nothing is pushed during a return hook). The storage never shrinks.
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
  // Position of a frame of this stack (also of a frame just popped).
  size_t IndexOf(const Frame& f) const { return static_cast<size_t>(&f - v_.data()); }
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

struct Monitor::State {
  // A rule family: its name (the spec section's), the functions whose
  // events it receives, and its hooks (nullptr: none for that phase). Each function belongs to at most one
  // family; the core checks that once, when it builds its dispatch table.
  using Hook = void (State::*)(const Event& e, const uint64_t* a, Frame& f);
  struct Family {
    const char* name;
    std::span<const Fn> fns;
    Hook call;
    Hook ret;
  };

  State();

  Profile profile;
  const Family* const* dispatch;  // by function number (monitor_core.cc)
  std::vector<Violation> violations;
  size_t max_violations = 100000;
  uint64_t suppressed = 0;
  uint64_t events = 0;
  bool finished = false;
  size_t slots_in[kFnCount];
  size_t slots_out[kFnCount];
  bool drivers_declared = false;
  std::vector<bool> declared;
  FrameStack stack;

  // ---- CoNDIS shadow state (spec 2.1-2.6) ----
  std::vector<af::Driver> drivers;  // by actor
  HMap<af::Binding> bindings;
  KMap<uint64_t> binding_by_ctx;  // (actor, ProtocolBindingContext) -> binding handle
  HMap<af::Adapter> adapters;
  HMap<uint64_t> adapter_by_ctx;  // MiniportAdapterContext -> miniport adapter handle
  std::vector<af::Reg> regs;
  KMap<size_t> reg_by_key;  // (key handle, AF type) -> live reg index
  HMap<af::Af> afs;
  KMap<uint64_t> af_by_client_ctx;  // (client, ClientAfContext) -> AF handle
  KMap<uint64_t> af_by_cm_ctx;      // (cm, CallMgrAfContext) -> AF handle
  HMap<af::Sap> saps;
  KMap<uint64_t> sap_by_client_ctx;  // (client, ProtocolSapContext) -> SAP handle
  HMap<af::Vc> vcs;
  KMap<uint64_t> vc_by_ctx;            // (actor, its VC context) -> VC handle
  HMap<af::Kind> live;                 // AF-140
  KMap<uint64_t> unbind_owed;          // (actor, UnbindContext) -> event index
  KMap<uint64_t> unbind_owed_binding;  // (actor, UnbindContext) -> binding handle
  KMap<uint64_t> bind_adapter;  // (actor, BindContext) -> the adapter ProtocolBindAdapterEx named
  // NDIS-owed completions, small: scanned linearly.
  std::vector<uint64_t> owed_open_complete, owed_close_complete, owed_cm_notify;
  std::vector<uint64_t> owed_sap_reg_complete, owed_sap_dereg_complete;

  // ---- NDIS 5.1 WAN shadow state (spec 2.7-2.9) ----
  HMap<wan::Driver> wan_drivers;      // by actor
  HMap<wan::Adapter> wan_adapters;    // by MiniportAdapterHandle
  HMap<uint64_t> wan_adapter_by_ctx;  // MiniportAdapterContext -> handle
  KMap<wan::Bind5> binds;             // (ProtocolBindingContext, actor)
  HMap<Key> bind_by_handle;           // NdisBindingHandle -> binds key
  HMap<wan::Line> lines;              // by htLine
  KMap<uint64_t> line_by_hd;          // (adapter, hdLine) -> htLine
  HMap<wan::Call> calls;              // by htCall
  KMap<uint64_t> call_by_hd;          // (adapter, hdCall) -> htCall
  HMap<wan::Link> links;              // by NdisLinkContext
  KMap<uint64_t> link_by_handle;      // (adapter, NdisLinkHandle) -> context, up links
  HMap<uint64_t> sends;               // pended packet -> context
  std::vector<uint64_t> awaiting;     // adapters whose pended query owes its buffer
  HMap<wan::SpinLock> spin_locks;     // by the NDIS_SPIN_LOCK's address (WAN-003)
  std::vector<uint32_t> locks_held;   // spin locks held, by actor
  // NdisMIndicateStatus's buffers, one per stack position (the frame at
  // stack[i] owns ind_bufs[i]).
  std::vector<wan::IndBuf> ind_bufs;
  // NdisLinkContext values that matched no link (OQ-25).
  uint64_t unknown_links = 0;
  // The last two WAN adapters looked up. Adapters are never erased and map
  // nodes never move, so the pointers stay valid for the monitor's life.
  struct AdapterCache {
    uint64_t mh = 0;
    wan::Adapter* ad = nullptr;
  };
  AdapterCache recent[2];

  // ---- core (monitor_core.cc) ----
  // Monitor::Reset: every field above except the configuration (profile,
  // dispatch, slots_in/out, max_violations) back to its initial value; a
  // field added to State must be added there too, and to RestoreFrom.
  void Reset();
  // Monitor::Rollback: every field Reset() resets back to its value in
  // `saved` (a copy of this state taken earlier; monitor_checkpoint.cc).
  void RestoreFrom(const State& saved);
  void OnEvent(const Event& e);
  void Finish();
  void Report(Check c, uint64_t index, uint64_t object, std::string message,
              std::string state = {});
  void Report(Check c, const Event& e, uint64_t object, std::string message,
              std::string state = {}) {
    Report(c, e.index, object, std::move(message), std::move(state));
  }
  bool Strict() const { return profile.strict; }
  Frame* Top() { return stack.empty() ? nullptr : &stack.back(); }
  // The frame directly below the top (the caller of the current callback).
  Frame* Parent(Fn a, Fn b = Fn::kCount, Fn c = Fn::kCount, Fn d = Fn::kCount);
  // After a pop: the frame now on top, if it is one of these.
  Frame* TopIs(Fn a, Fn b = Fn::kCount, Fn c = Fn::kCount, Fn d = Fn::kCount);
  // Innermost open frame of `fn` for `actor` (excluding the top one if skip_top).
  const Frame* Innermost(Fn fn, ActorId actor, bool skip_top) const;

  // ---- CoNDIS object helpers (af/objects.cc) ----
  af::Driver& D(ActorId a);
  std::string AfDesc(const af::Af& a) const;
  af::Af* FindAf(uint64_t h);
  af::Sap* FindSap(uint64_t h);
  af::Vc* FindVc(uint64_t h);
  af::Binding* FindBinding(uint64_t h);
  uint64_t BindingByCtx(ActorId a, uint64_t ctx);
  void CloseAf(af::Af& a, uint64_t h, const Event& e);
  void FailAf(af::Af& a, uint64_t h, const Event& e);
  void WithdrawRegs(uint64_t key);
  // The innermost Ndis(M)CmRegisterAddressFamilyEx of `actor` for AF `type`
  // that has not returned yet, or nullptr.
  const Frame* RegisterInProgress(ActorId actor, uint64_t type) const;
  // A live registration of the AF type anywhere, or nullptr.
  const af::Reg* AnyReg(uint64_t type) const;

  // ---- CoNDIS families (af/*.cc) ----
  // registration (5.1: AF-001 ... AF-009)
  void RegistrationCall(const Event& e, const uint64_t* a, Frame& f);
  void RegistrationReturn(const Event& e, const uint64_t* a, Frame& f);
  void CmRegisterCall(const Event& e, const uint64_t* a, Frame& f, bool mcm);
  void CmRegisterReturn(const Event& e, const Frame& f, bool mcm);
  // AF-009: `owner` is the call manager that owns the AF or SAP `h`.
  bool CheckOwningCm(const Event& e, ActorId owner, uint64_t h, std::string message,
                     std::string state);
  // notify (5.2: AF-020 ... AF-025)
  void NotifyCall(const Event& e, const uint64_t* a, Frame& f);
  // open_af (5.3: AF-030 ... AF-044)
  void OpenAfCall(const Event& e, const uint64_t* a, Frame& f);
  void OpenAfReturn(const Event& e, const uint64_t* a, Frame& f);
  void OpenAfFinish();
  // AF-040: a client's CO call on an AF whose open is pending.
  void ReportOpenPending(const Event& e, uint64_t h, std::string message, std::string state = {});
  // AF-036: the CM uses an AF handle after failing its open.
  void ReportUseAfterFailedOpen(const Event& e, uint64_t h, const af::Af& a);
  // AF-035: a CM callback about AF `h` got the CallMgrAfContext the CM gave.
  bool CheckCmAfContext(const Event& e, uint64_t h, uint64_t got, const af::Af& a);
  // close_af (5.4: AF-050 ... AF-060)
  void CloseAfCall(const Event& e, const uint64_t* a, Frame& f);
  void CloseAfReturn(const Event& e, const uint64_t* a, Frame& f);
  void CloseAfFinish();
  // AF-055 / AF-056: use of an AF handle after its close (by the CM, by the client).
  void ReportCmUseAfterClose(const Event& e, uint64_t h, std::string message,
                             std::string state = {});
  void ReportClientUseAfterClose(const Event& e, uint64_t h, std::string message,
                                 std::string state = {});
  // notify_close (5.5: AF-061 ... AF-068)
  void NotifyCloseCall(const Event& e, const uint64_t* a, Frame& f);
  void NotifyCloseReturn(const Event& e, const uint64_t* a, Frame& f);
  void NotifyCloseFinish();
  // AF-061: a CM closed binding `b` with an AF of its registration there open.
  void CheckCmBindingClosed(const Event& e, uint64_t b, ActorId actor);
  // AF-062: an MCM's MiniportHaltEx for adapter `mh` returned with an AF open.
  void CheckMcmHalted(const Event& e, uint64_t mh);
  // sap (5.6: AF-080 ... AF-091)
  void SapCall(const Event& e, const uint64_t* a, Frame& f);
  void SapReturn(const Event& e, const uint64_t* a, Frame& f);
  void SapFinish();
  // vc (5.7: AF-100 ... AF-111)
  void VcCall(const Event& e, const uint64_t* a, Frame& f);
  void VcReturn(const Event& e, const uint64_t* a, Frame& f);
  void CreateVcCall(const Event& e, const uint64_t* a, Frame& f, bool mcm);
  void CreateVcReturn(const Event& e, const uint64_t* a, const Frame& f, bool mcm);
  void DeleteVcCall(const Event& e, const uint64_t* a, Frame& f, bool mcm);
  void DeleteVcReturn(const Event& e, const Frame& f);
  void VcCallbackCall(const Event& e, const uint64_t* a, Frame& self, bool peer, bool create);
  void VcCallbackReturn(const Event& e, const uint64_t* a, const Frame& f, bool peer, bool create);
  // AF-107: use of a VC handle after its deletion.
  void ReportVcUseAfterDelete(const Event& e, uint64_t vh, std::string message);
  // unbind_halt (5.8: AF-120 ... AF-123)
  void UnbindHaltCall(const Event& e, const uint64_t* a, Frame& f);
  void UnbindHaltReturn(const Event& e, const uint64_t* a, Frame& f);
  void UnbindHaltFinish();
  // AF-120: a client closed binding `b` with an AF it opened there open.
  void CheckClientBindingClosed(const Event& e, uint64_t b, ActorId actor);
  // AF-123: a call names binding handle `b` after NdisCloseAdapterEx;
  // `with_state` adds the binding's state to the report. Returns true if
  // reported.
  bool CheckBindingUse(const Event& e, uint64_t b, std::string message, bool with_state = false);
  // entry_points (5.9: AF-130 ... AF-137)
  void EntryPointsCall(const Event& e, const uint64_t* a, Frame& f);
  void EntryPointsReturn(const Event& e, const uint64_t* a, Frame& f);
  void EntryPointsFinish();
  void SetOptionalHandlersReturn(const Event& e, const Frame& f);
  // AF-130 / AF-131: NDIS calls handler `bit` of the CM (cm_struct) or client
  // structure: flagged if the driver registered it as NULL.
  void CheckHandler(const Event& e, bool cm_struct, int bit);
  // AF-023: NDIS calls ProtocolCoAfRegisterNotify registered as NULL.
  void CheckNotifyHandler(const Event& e);
  // AF-132 / AF-133: NDIS calls a handler an MCM must not get (its
  // activation completions, AF-132; its MiniportCoCreate/DeleteVc, AF-133).
  void CheckNotCalledOnMcm(const Event& e, uint64_t object);
  // handles (5.10: AF-140)
  void AddLive(const Event& e, uint64_t h, af::Kind k);
  void DropLive(uint64_t h) { live.erase(h); }

  // ---- WAN object helpers (here: on every WAN event; the rest in wan/objects.cc) ----
  wan::Adapter* Cached(uint64_t mh) {
    if (recent[0].ad != nullptr && recent[0].mh == mh) return recent[0].ad;
    if (recent[1].ad != nullptr && recent[1].mh == mh) {
      std::swap(recent[0], recent[1]);
      return recent[0].ad;
    }
    return nullptr;
  }
  wan::Adapter* Remember(uint64_t mh, wan::Adapter* ad) {
    recent[1] = recent[0];
    recent[0] = AdapterCache{mh, ad};
    return ad;
  }
  wan::Adapter& AdapterAt(uint64_t mh) {
    if (wan::Adapter* ad = Cached(mh)) return *ad;
    return *Remember(mh, &wan_adapters[mh]);
  }
  wan::Adapter* FindAdapter(uint64_t mh) {
    if (wan::Adapter* ad = Cached(mh)) return ad;
    auto it = wan_adapters.find(mh);
    return it == wan_adapters.end() ? nullptr : Remember(mh, &it->second);
  }
  uint64_t HandleByCtx(uint64_t ctx) {
    auto it = wan_adapter_by_ctx.find(ctx);
    return it == wan_adapter_by_ctx.end() ? 0 : it->second;
  }
  wan::Call* FindCall(uint64_t ht);
  wan::Call* CallByHd(uint64_t mh, uint64_t hd, uint64_t* ht_out = nullptr);
  wan::Line* FindLine(uint64_t ht);
  wan::Line* LineByHd(uint64_t mh, uint64_t hd);
  wan::Link* FindLink(uint64_t lc) {
    auto it = links.find(lc);
    return it == links.end() ? nullptr : &it->second;
  }
  wan::Link* UpLinkOfCall(const wan::Call& c);
  // Monitor::Inspect for the WAN objects (wan/inspect.cc).
  std::optional<Monitor::ObjectView> InspectWan(uint64_t handle) const;
  bool LiveCallHd(uint64_t mh, uint64_t hd);
  // Whether `actor` (a miniport driver) also has an NDIS 5 protocol binding
  // open below it: an intermediate driver such as NDISWAN.
  bool BoundBelow(ActorId actor) const;
  // The buffers of indication frame `f` (ind_bufs grows with the stack).
  wan::IndBuf& Buf(const Frame& f) {
    const size_t i = stack.IndexOf(f);
    if (i >= ind_bufs.size())
      ind_bufs.resize(i + 1 > 2 * ind_bufs.size() ? i + 1 : 2 * ind_bufs.size());
    return ind_bufs[i];
  }
  // What the next protocol should see of indication frame `f`.
  const uint8_t* Cur(const Frame& f) { return f.cur_is_blob ? Buf(f).blob : Buf(f).cur; }

  // ---- WAN families (wan/*.cc) ----
  // status (5.11: WAN-001 ... WAN-011): NdisMIndicateStatus(Complete),
  // ProtocolStatus(Complete), NDIS 5 adapters, bindings and spin locks.
  void StatusCall(const Event& e, const uint64_t* a, Frame& f);
  void StatusReturn(const Event& e, const uint64_t* a, Frame& f);
  void StatusFinish();
  // Returns whether the call broke WAN-002/003/004.
  bool StatusContext(const Event& e, uint64_t mh, const char* what);
  void IndicateCall(const Event& e, const uint64_t* a, Frame& f);
  void IndicateReturn(const Event& e, const uint64_t* a, Frame& f);
  // The state effect of indication frame `f` (Frame::has_effect), once:
  // only an indication NDIS passed on changes what NDISWAN and NDISTAPI
  // know (a refused line-down leaves its link up, WAN-033).
  void ApplyIndication(Frame& f);
  void ProtocolStatusCall(const Event& e, const uint64_t* a);
  void ProtocolStatusReturn(const Event& e, const uint64_t* a);
  void StatusCompleteCall(const Event& e, Frame& f);
  void StatusCompleteReturn(const Event& e, Frame& f);
  void SpinLockCall(const Event& e, uint64_t lock);
  uint32_t& HeldBy(ActorId actor);
  void Unhold(wan::SpinLock& l);
  // line_up (5.12: WAN-020 ... WAN-037)
  void LineUpCall(const Event& e, wan::Adapter& ad, uint64_t mh, wan::Bytes b, Frame& f);
  void LineUpReturn(const Event& e, wan::Adapter& ad, wan::Bytes after, Frame& f);
  void LineUpdateApply(const Frame& f);
  // WAN-025 (and WAN-043): a line-down, fragment, later line-up or receive
  // whose NdisLinkContext is not an up link of the adapter.
  void LinkContextUse(const Event& e, uint64_t mh, uint64_t lc, const char* what);
  // WAN-022: LINE_CALLSTATE CONNECTED only once the call's link is up.
  void CheckConnectedAfterLineUp(const Event& e, const wan::Call& c, uint64_t ht_call);
  // line_down_fragment (5.13, 5.14: WAN-040 ... WAN-051)
  void LineDownCall(const Event& e, uint64_t mh, wan::Bytes b, Frame& f);
  void FragmentCall(const Event& e, uint64_t mh, wan::Bytes b, Frame& f);
  void LineDownApply(const Frame& f);
  void FragmentApply(const Frame& f);
  void LineDownFinish();
  // WAN-043: `lc` names a link of adapter `mh` that went down. Returns true
  // if `lc` is a link of that adapter (up or down).
  bool CheckContextAfterLineDown(const Event& e, uint64_t mh, uint64_t lc, const char* what);
  // WAN-040 (OQ-28 strict): a call's link is down before CLOSE_CALL completes.
  void CheckLineDownBeforeCloseCall(const Event& e, const wan::Call& c, uint64_t ht);
  // tapi_indication (5.15: WAN-060 ... WAN-065)
  void TapiIndicationCall(const Event& e, wan::Adapter& ad, uint64_t mh, wan::Bytes b, Frame& f);
  void NewCallReturn(const Event& e, uint64_t mh, wan::Bytes after, Frame& f);
  void CallStateApply(const Frame& f);
  void TapiIndicationFinish();
  // WAN-062: a call from LINE_NEWCALL got a LINE_CALLSTATE before CLOSE_CALL.
  void CheckNewCallGotCallState(const Event& e, const wan::Call& c, uint64_t ht);
  // get_id (5.16: WAN-021, WAN-026, WAN-070 ... WAN-074)
  void GetIdStart(wan::Adapter& ad, uint64_t mh, wan::Req& r, wan::Bytes in);
  void GetIdStatus(const Event& e, uint64_t mh, wan::Req& r, int32_t status, bool pended);
  void GetIdOutput(const Event& e, uint64_t mh, wan::Req& r, wan::Bytes out);
  // WAN-021: an initial line-up of a TAPI miniport outside OID_TAPI_GET_ID.
  void CheckLineUpInsideGetId(const Event& e, const wan::Adapter& ad, uint64_t handle);
  // tapi_requests (5.17: WAN-080 ... WAN-095)
  void TapiRequestsCall(const Event& e, const uint64_t* a, Frame& f);
  void TapiRequestsReturn(const Event& e, const uint64_t* a, Frame& f);
  void TapiRequestsFinish();
  void RequestCall(const Event& e, const uint64_t* a, bool query);
  void RequestReturn(const Event& e, const uint64_t* a, bool query, const Frame& f);
  void RequestCompleteCall(const Event& e, const uint64_t* a, bool query);
  void TapiRequestStart(const Event& e, wan::Adapter& ad, uint64_t mh, wan::Req& r);
  void TapiRequestStatus(const Event& e, wan::Adapter& ad, uint64_t mh, wan::Req& r, int32_t status,
                         bool pended);
  void RequestOutput(const Event& e, wan::Adapter& ad, uint64_t mh, wan::Req& r, wan::Bytes out);
  void CloseLine(wan::Line& l, uint64_t ht_line, uint64_t index);
  void CloseCall(wan::Call& c, uint64_t index, bool by_line);
  // WAN-086 / WAN-088: a request that succeeded on a call or line closed before.
  void CheckStaleCall(const Event& e, const wan::Call* c, bool ok, const char* oid);
  void CheckStaleLine(const Event& e, const wan::Line* l, uint64_t hd, bool ok, const char* oid);
  // WAN-095: WAN traffic from a miniport without NDIS_USE_WAN_WRAPPER or
  // TAPI_PROVIDER, reported once per adapter.
  void ReportWanWrapper(const Event& e, wan::Adapter& ad, uint64_t mh, std::string message);
  // WAN-095 (OQ-19 ndis4 profile): no NDIS WAN status from an NDIS 5.x miniport.
  void CheckWanVersionScope(const Event& e, wan::Adapter& ad, uint64_t mh, int32_t status,
                            const wan::Driver& d);
  // WAN-084: LINE_NEWCALL's hdCall is not a live call's.
  void CheckNewCallHdCall(const Event& e, uint64_t mh, uint64_t hd_call);
  // buffers (5.18: WAN-103; NDISWAN's upper edge, WAN-037/042/053)
  void UpperIndicateCall(const Event& e, Frame& f);
  void UpperIndicateReturn(const Event& e, const uint64_t* a, Frame& f);
  void CheckBufferUnchanged(const Event& e, const uint64_t* a, Frame& f);
  // sends (WAN-031, WAN-033; receives name links too)
  void SendsCall(const Event& e, const uint64_t* a, Frame& f);
  void SendsReturn(const Event& e, const uint64_t* a, Frame& f);
  void WanSendCall(const Event& e, const uint64_t* a, Frame& f);
};

// The families, in the spec's section order (each defined in its file).
namespace af {
extern const Monitor::State::Family kRegistration, kNotify, kOpenAf, kCloseAf, kNotifyClose, kSap,
    kVc, kUnbindHalt, kEntryPoints;
}  // namespace af
namespace wan {
extern const Monitor::State::Family kStatus, kTapiRequests, kSends;
}  // namespace wan

}  // namespace ndisconf::monitor

#endif  // NDISCONF_CONFORMANCE_MONITOR_MONITOR_CORE_H_
