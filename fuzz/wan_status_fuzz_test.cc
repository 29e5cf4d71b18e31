// Fuzz target: NDIS WAN status indications of any shape, in any order,
// through the real path (spec 2.7-2.9; issue 3, bad input): a WAN miniport
// (the reference WMP, scripted from its DPC) -> the model's
// NdisMIndicateStatus -> NDISWAN -> NdisMIndicateStatus on NDISWAN's virtual
// adapter -> the protocol above, with the rule monitor watching every
// crossing. Fuzzed indications mix with real ones from the software NIC
// (fault injection), NIC time and NDISTAPI requests on a connected call, so
// the orderings as well as the buffers vary.
//
// Must never crash or read out of bounds (ASan/UBSan), and after every input:
//   - every NdisMIndicateStatus the WMP made reached NDISWAN's ProtocolStatus
//     exactly once, or the model recorded why it refused it;
//   - NDISWAN accounted for every indication exactly once: accepted (line-up,
//     update, line-down, fragment, TAPI event), ignored (other status) or
//     rejected with a reason; no lost counter;
//   - every upward indication by NDISWAN reached the protocol once;
//   - the monitor reported no MON-* self-check (the live boundary only ever
//     emits well-formed, balanced events; WAN-* findings are expected).
//   - no violation by the implementation under test: NDISWAN, the protocol
//     and the WAN host of NDISCONF_IMPL's implementation (default reference;
//     the WMP stays the scripted reference one). A violation of an (R)
//     check, or of a (D) check on an event of a driver other than the WMP
//     (whose WAN-* findings are the point), prints
//       ndisconf-violation: <RULE-ID> check=<check> event=<N>
//     (the first in event order) and aborts.
//
// With NDISCONF_IGNORE_RULES=WAN-024,WAN-031 set (fuzz/ignored_rules.h),
// violations of those rules do not fail an input: a stop-gap that keeps a
// campaign going past a known, not yet fixed finding of the implementation
// under test. Unset: every rule counts.
//
// The stack is built once per process (for NDISCONF_IMPL's implementation)
// and put back into its post-setup state after every input: the boundary's
// run, the model, the WMP, NDISWAN, the protocol, the NIC, the monitor and
// this file's sinks each have a Checkpoint and a Rollback, so an input runs
// exactly as on a new stack (WanStack in wan_status_input.h says when a new
// stack is built instead; wan_status_isolation_test compares the two).
//
// Input: a byte n, then n bytes for the model's scheduler (ndis::ByteChooser:
// which ready work item or DPC runs next, and whether a PASSIVE_LEVEL
// delivery runs inline; FIFO once they run out), then a sequence of records,
// each a tag byte and its operands; a record cut short by the end of the
// input is dropped. Tags and selectors are fixed values (wan_status_input.h:
// append-only; a retired value keeps its slot). A tag or selector with no
// entry skips its record: the bytes read so far are consumed and decoding
// goes on with the next byte, so adding an operation renumbers no seed.
//   0 INDICATE sel size_lo size_hi flags payload...
//       status by sel: 0 LINE_UP, 1 LINE_DOWN, 2 FRAGMENT, 3 TAPI_INDICATION,
//       4 MEDIA_CONNECT, or 5 the next 4 bytes, little-endian;
//       StatusBufferSize = (size_hi << 8 | size_lo) % 1025;
//       flags bit 0: StatusBuffer NULL (the size is still passed);
//       flags bit 1: write a live NdisLinkContext (link (flags >> 2 & 3) %
//       count) where the status's structure keeps it;
//       flags bit 4: hold the adapter's spin lock across the call (WAN-003:
//       NDIS records and refuses it); flags bits 5 and 6, TAPI_INDICATION
//       only: write the live htLine (bit 5) or htCall (bit 6) of the
//       setup's line and call into the NDIS_TAPI_EVENT; payload: exactly
//       min(size, 64) bytes (the rest of the buffer zero).
//       Queued; played from the WMP's next DPC.
//   1 COMPLETE          queue NdisMIndicateStatusComplete
//   2 FAULT kind arg    inject NIC fault `kind` (0 link loss ... 11 hang,
//                       WanFaultForTag) on channel 0, now
//   3 PUMP n            (n % 8) + 1 ticks of NIC time
//   4 INTERRUPT         play the queue: interrupt -> ISR -> DPC
//   5 TAPI which        on the connected call: 0 DROP, 1 CLOSE_CALL,
//                       2 GET_ID, 3 a new MAKE_CALL
// Tags 2-5 play the queue first. The queue is played at the end too.
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "fuzz/ignored_rules.h"
#include "fuzz/wan_mutator.h"
#include "fuzz/wan_status_input.h"
#include "fuzz/wan_status_recorder.h"
#include "fuzz/wan_status_transitions.h"
#include "reference/boundary/boundary.h"
#include "reference/ndis/scheduler.h"
#include "reference/stack/wan_stack.h"

namespace {

using namespace ndisconf;  // NOLINT: a fuzz target's own file

// One queued action of the scripted WMP.
struct Action {
  bool complete = false;
  NDIS_STATUS status = 0;
  bool null_buffer = false;
  bool under_lock = false;
  std::vector<uint8_t> buffer;  // StatusBufferSize bytes
};

// The actions queued for the WMP's next DPC, in order. Slots are kept from
// one input to the next with their buffers, so queueing allocates nothing
// once the process has seen as many and as large.
class ActionQueue {
 public:
  // The slot of the next action, reset; queued by Commit().
  Action& Prepare() {
    if (size_ == slots_.size()) slots_.emplace_back();
    Action& a = slots_[size_];
    a.complete = false;
    a.status = 0;
    a.null_buffer = false;
    a.under_lock = false;
    a.buffer.clear();
    return a;
  }
  void Commit() { ++size_; }
  bool empty() const { return head_ == size_; }
  // The oldest action; valid until the queue is cleared.
  Action& Pop() { return slots_[head_++]; }
  void clear() { head_ = size_ = 0; }

 private:
  std::vector<Action> slots_;
  size_t head_ = 0, size_ = 0;
};

// The reference WMP, which also plays queued actions at the start of its DPC
// (a serialized miniport's indication context), before its own NIC events.
class ScriptedWmp : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  ActionQueue queue;
  void OnHandleInterrupt(drivers::WmpAdapter& a) override {
    while (!queue.empty()) {
      Action& act = queue.Pop();  // NDISWAN writes into its buffer
      if (act.complete) {
        NdisMIndicateStatusComplete(a.handle);
        continue;
      }
      if (act.under_lock) NdisDprAcquireSpinLock(&a.lock);
      // A zero-size buffer goes as NULL, as an empty vector's data() did
      // before the slots were reused (the committed seeds rely on it).
      Indicate(a, act.status, act.null_buffer || act.buffer.empty() ? nullptr : act.buffer.data(),
               static_cast<UINT>(act.buffer.size()));
      if (act.under_lock) NdisDprReleaseSpinLock(&a.lock);
    }
    queue.clear();
    Wmp::OnHandleInterrupt(a);
  }
};

// Counts the NdisMIndicateStatus calls each driver makes, and keeps each
// event's actor so a violation can be attributed.
class IndicationCounter : public EventSink {
 public:
  ActorId wmp = kNoActor, ndiswan = kNoActor, proto = kNoActor;
  // NdisMIndicateStatus calls by the WMP and by NDISWAN; ProtocolStatus
  // calls into the protocol above NDISWAN (counted at the boundary, so a
  // plugged-in protocol is counted like the reference's).
  uint64_t by_wmp = 0, by_ndiswan = 0, to_proto = 0;
  std::vector<ActorId> actors;  // by Event::index
  // A hash of each event's function, phase, actor, IRQL, status and slot
  // count, in order: the run's event sequence, without the heap addresses a
  // handle or buffer slot holds (those differ from one process state to
  // another). One multiply-xorshift step per word (not FNV-1a's per byte:
  // this runs on every event of every input).
  uint64_t sequence_hash = 14695981039346656037ull;
  void Mix(uint64_t v) {
    sequence_hash = (sequence_hash ^ v) * 0x9E3779B97F4A7C15ull;
    sequence_hash ^= sequence_hash >> 29;
  }
  void OnEvent(const Event& e) override {
    if (actors.size() <= e.index) actors.resize(e.index + 1, kNoActor);
    actors[e.index] = e.actor;
    Mix(static_cast<uint64_t>(e.fn) | uint64_t{static_cast<uint8_t>(e.phase)} << 16 |
        uint64_t{e.irql} << 24 | uint64_t{e.arg_count} << 32);
    Mix(static_cast<uint64_t>(e.actor) << 32 | static_cast<uint32_t>(e.status));
    if (e.phase != Phase::kCall) return;
    to_proto += e.fn == Fn::ProtocolStatus && e.actor == proto;
    if (e.fn != Fn::NdisMIndicateStatus) return;
    by_wmp += e.actor == wmp;
    by_ndiswan += e.actor == ndiswan;
  }
  ActorId ActorOf(uint64_t index) const { return index < actors.size() ? actors[index] : kNoActor; }
};

// Whether `check` is a driver obligation ("(D)" in its description).
bool IsDriverObligation(std::string_view check) {
  static const auto* driver_checks = [] {
    auto* names = new std::set<std::string_view>;
    for (const monitor::CheckInfo& c : monitor::Monitor::Checks())
      if (c.description.rfind("(D)", 0) == 0) names->insert(c.check);
    return names;
  }();
  return driver_checks->count(check) != 0;
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool Byte(uint8_t* out) {
    if (p_ == end_) return false;
    *out = *p_++;
    return true;
  }
  size_t Take(uint8_t* out, size_t n) {
    const size_t k = std::min<size_t>(n, static_cast<size_t>(end_ - p_));
    if (k == 0) return 0;  // `out` may be NULL (an empty buffer's data())
    std::memcpy(out, p_, k);
    p_ += k;
    return k;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// The model's scheduler choices, read from the input's bytes as
// ndis::ByteChooser reads them, with a record of the decisions taken while
// `recording` (0: a RunInline; n: a Pick among n ready items): a reused
// stack's setup was made with no bytes, and serves an input whose bytes
// make the same decisions (SameDecisions).
class InputChooser : public ndis::Chooser {
 public:
  void Reset(std::span<const uint8_t> bytes) { bytes_ = ndis::ByteChooser(bytes); }
  size_t Pick(const std::vector<ndis::WorkInfo>& ready) override {
    if (recording) decisions.push_back(ready.size());
    return bytes_.Pick(ready);
  }
  bool RunInline(ndis::WorkKind kind) override {
    if (recording) decisions.push_back(0);
    return bytes_.RunInline(kind);
  }
  bool recording = false;
  std::vector<size_t> decisions;

 private:
  ndis::ByteChooser bytes_{{}};
};

// Whether scheduler bytes `s` make the decisions `d` that no bytes made
// (FIFO: the first ready item, never inline); the bytes past d's are the
// records'.
bool SameDecisions(std::span<const uint8_t> s, const std::vector<size_t>& d) {
  for (size_t i = 0; i < s.size() && i < d.size(); ++i) {
    if (d[i] == 0 ? (s[i] & 1) != 0 : s[i] % d[i] != 0) return false;
  }
  return true;
}

[[noreturn]] void Fail(const char* what, unsigned long long a, unsigned long long b) {
  std::fprintf(stderr, "wan_status invariant broken: %s (%llu vs %llu)\n", what, a, b);
  std::abort();
}

struct Run {
  explicit Run(const conformance::Implementation& impl) : impl(impl), stack({}, &chooser) {}
  const conformance::Implementation& impl;
  // Declared first: outlive the stack, which detaches the sinks. Its
  // profile follows the model's settings (as the conformance fixture's), so
  // what the model refuses (WAN-003 under a spin lock) is not also reported
  // as a status the bindings never got (WAN-001).
  monitor::Monitor monitor{monitor::Profile(ndis::Settings{})};
  IndicationCounter counter;
  fuzz::TransitionRecorder transitions;
  InputChooser chooser;
  conformance::RunHosts hosts;  // before the stack: destroyed after it
  stack::Stack stack;
  stack::WanTopology t;
  ScriptedWmp* wmp = nullptr;
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  uint64_t skipped = 0;  // records with an unknown tag or selector

  bool Build() {
    hosts = conformance::InstallHosts(impl, stack.model());
    Boundary::Get().AddSink(&monitor);
    Boundary::Get().AddSink(&counter);
    Boundary::Get().AddSink(&transitions);
    stack::WanTopologyParts parts;
    parts.ndiswan = [this] { return conformance::MakeNdiswan(impl, {}); };
    parts.proto = [this]() -> std::unique_ptr<drivers::Driver> {
      // A plugged-in protocol (conformance/plugin) is judged by what
      // crosses the boundary: its status handler is fed what NDISWAN
      // indicates, and the monitor checks what it does.
      if (impl.plugged && impl.plugged->role == conformance::PluggedRole::kWanProtocol)
        return impl.plugged->make();
      return conformance::MakeWanProto(impl, {});
    };
    parts.nic.channel_count = 1;
    parts.wmp = [this](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
      drivers::WmpConfig c;
      c.nics = {&n};
      c.raise_interrupt = std::move(raise);
      auto w = std::make_unique<ScriptedWmp>(c);
      wmp = w.get();
      return w;
    };
    t = stack::BuildWanTopology(stack, parts);
    if (t.nic == nullptr || t.wmp_init_status != NDIS_STATUS_SUCCESS) return false;
    counter.wmp = t.wmp_id;
    counter.ndiswan = t.ndiswan_id;
    counter.proto = t.proto_id;
    (void)Tapi([&] { return t.ndiswan->ProviderInitialize(0, 0); });
    (void)Tapi([&] { return t.ndiswan->Open(0, 0, &line); });
    (void)Tapi([&] { return t.ndiswan->MakeCall(line, "1", &call); });
    stack::Pump(stack, *t.nic, 10);
    (void)Tapi([&] { return t.ndiswan->GetCallId(call); });
    stack::Pump(stack, *t.nic, 2);
    transitions.wmp = t.wmp_id;
    transitions.ndiswan = t.ndiswan;
    transitions.model = &stack.model();
    transitions.recording = true;
    return true;
  }
  // ---- The reused stack (WanStack::kReused). ----
  // Saves the post-setup state of every component: the boundary's run, the
  // model, NDISWAN, the protocol, the WMP, the NIC, the monitor and this
  // harness's own sinks and handles. false if one of them cannot be saved.
  bool Checkpoint() {
    if (!wmp->queue.empty()) return false;
    saved.run = Boundary::Get().Checkpoint();
    if (saved.run == nullptr || !stack.model().Checkpoint() || !t.ndiswan->Checkpoint() ||
        !t.proto->Checkpoint() || !wmp->Checkpoint()) {
      return false;
    }
    saved.nic = t.nic->SaveState();
    monitor.Checkpoint();
    saved.events = counter.actors.size();
    saved.counter = counter;
    saved.counter.actors.clear();  // a prefix of counter.actors from now on
    saved.transitions = transitions;
    saved.line = line;
    saved.call = call;
    return true;
  }
  // Makes this stack's run the boundary's current one again (another run
  // may have begun since: a fresh stack, another implementation's).
  bool Resume() { return Boundary::Get().Rollback(*saved.run); }
  // Puts every component back into its saved state. false if one of them
  // cannot be (a work item a driver deferred never ran): then this stack
  // is not used again.
  bool Rollback() {
    wmp->queue.clear();
    bool ok = Boundary::Get().Rollback(*saved.run);
    ok = stack.model().Rollback() && ok;
    ok = t.ndiswan->Rollback() && ok;
    ok = t.proto->Rollback() && ok;
    ok = wmp->Rollback() && ok;
    t.nic->RestoreState(*saved.nic);
    monitor.Rollback();
    counter.actors.resize(saved.events);
    counter.sequence_hash = saved.counter.sequence_hash;
    counter.by_wmp = saved.counter.by_wmp;
    counter.by_ndiswan = saved.counter.by_ndiswan;
    counter.to_proto = saved.counter.to_proto;
    transitions = saved.transitions;
    line = saved.line;
    call = saved.call;
    skipped = 0;
    return ok;
  }
  struct Saved {
    std::shared_ptr<const Boundary::SavedRun> run;
    std::unique_ptr<nic::SoftNic> nic;
    size_t events = 0;
    IndicationCounter counter;
    fuzz::TransitionRecorder transitions;
    HTAPI_LINE line = 0;
    HTAPI_CALL call = 0;
  } saved;

  template <class F>
  NDIS_STATUS Tapi(F&& f) {
    const NDIS_STATUS s = stack.As(t.ndiswan_id, std::forward<F>(f));
    stack.Settle();
    return s;
  }
  void Play() {
    if (wmp->queue.empty()) return;
    stack.model().RaiseInterrupt(t.lower);
    stack.Settle();
  }
  // A live NdisLinkContext of NDISWAN's, or 0 when it has none up.
  uintptr_t LiveContext(size_t pick) const {
    std::vector<uintptr_t> up;
    for (const auto& [c, l] : t.ndiswan->core().links())
      if (l.state == drivers::wan::LinkState::kUp) up.push_back(c);
    return up.empty() ? 0 : up[pick % up.size()];
  }

  // Writes `handle` at `off` of `buffer` when `on` and it fits there.
  static void WriteHandle(std::vector<uint8_t>& buffer, bool on, size_t off, uint64_t handle) {
    if (on && off + sizeof handle <= buffer.size())
      std::memcpy(buffer.data() + off, &handle, sizeof handle);
  }

  // Returns false when the input ends inside the record.
  bool Indicate(Input& in) {
    uint8_t sel_byte, lo, hi, flags;
    if (!in.Byte(&sel_byte)) return false;
    const std::optional<fuzz::WanStatusSel> sel = fuzz::WanStatusForSel(sel_byte);
    if (!sel) {
      ++skipped;
      return true;
    }
    if (!in.Byte(&lo) || !in.Byte(&hi) || !in.Byte(&flags)) return false;
    Action& act = wmp->queue.Prepare();
    size_t context_off = 0;
    bool has_context = true;
    switch (*sel) {
      case fuzz::WanStatusSel::kLineUp:
        act.status = NDIS_STATUS_WAN_LINE_UP;
        context_off = offsetof(NDIS_MAC_LINE_UP, NdisLinkContext);
        break;
      case fuzz::WanStatusSel::kLineDown:
        act.status = NDIS_STATUS_WAN_LINE_DOWN;
        break;  // NdisLinkContext at 0
      case fuzz::WanStatusSel::kFragment:
        act.status = NDIS_STATUS_WAN_FRAGMENT;
        break;  // NdisLinkContext at 0
      case fuzz::WanStatusSel::kTapiIndication:
        act.status = NDIS_STATUS_TAPI_INDICATION;
        has_context = false;
        break;
      case fuzz::WanStatusSel::kMediaConnect:
        act.status = NDIS_STATUS_MEDIA_CONNECT;
        has_context = false;
        break;
      case fuzz::WanStatusSel::kRaw: {
        uint8_t s[4];
        if (in.Take(s, 4) != 4) return false;
        uint32_t v;
        std::memcpy(&v, s, 4);
        act.status = static_cast<NDIS_STATUS>(v);
        has_context = false;
        break;
      }
    }
    act.buffer.assign((size_t{hi} << 8 | lo) % 1025, 0);
    act.null_buffer = (flags & fuzz::kIndicateNullBuffer) != 0;
    act.under_lock = (flags & fuzz::kIndicateUnderLock) != 0;
    in.Take(act.buffer.data(), std::min<size_t>(act.buffer.size(), 64));
    if ((flags & fuzz::kIndicateLiveContext) != 0 && has_context &&
        context_off + sizeof(uintptr_t) <= act.buffer.size()) {
      const uintptr_t lc = LiveContext(flags >> 2 & 3);
      std::memcpy(act.buffer.data() + context_off, &lc, sizeof lc);
    }
    if (*sel == fuzz::WanStatusSel::kTapiIndication) {
      WriteHandle(act.buffer, flags & fuzz::kIndicateLiveHtLine, offsetof(NDIS_TAPI_EVENT, htLine),
                  line);
      WriteHandle(act.buffer, flags & fuzz::kIndicateLiveHtCall, offsetof(NDIS_TAPI_EVENT, htCall),
                  call);
    }
    wmp->queue.Commit();
    return true;
  }

  bool Fault(Input& in) {
    uint8_t kind_byte, arg;
    if (!in.Byte(&kind_byte) || !in.Byte(&arg)) return false;
    const std::optional<nic::FaultKind> kind = fuzz::WanFaultForTag(kind_byte);
    if (!kind) {
      ++skipped;
      return true;
    }
    Play();
    nic::ScheduledFault f;
    f.kind = *kind;
    f.channel = nic::ChannelId{0};
    f.immediate = true;
    f.flap_down_ticks = 1 + arg % 8;
    f.speed_bps = 1000 * (uint64_t{arg} + 1);
    f.partial_keep = arg;
    f.partial_errors.bits = 1u << (arg % 6);
    f.reset_ticks = arg % 8;
    f.silent = (arg & 1) != 0;
    (void)t.nic->InjectFault(f);
    stack.Settle();
    return true;
  }

  bool TapiOp(Input& in) {
    uint8_t which;
    if (!in.Byte(&which)) return false;
    const std::optional<fuzz::WanTapiOp> op = fuzz::WanTapiForTag(which);
    if (!op) {
      ++skipped;
      return true;
    }
    Play();
    using W = fuzz::WanTransition;
    const auto& calls = t.ndiswan->core().calls();
    const auto c = calls.find(call);
    const bool live = c != calls.end() && c->second.live;
    const uint64_t line_ups = t.ndiswan->counters().line_ups;
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    switch (*op) {
      case fuzz::WanTapiOp::kDrop:
        s = Tapi([&] { return t.ndiswan->Drop(call); });
        if (live && s == NDIS_STATUS_SUCCESS) transitions.Reach(W::kDropLive);
        if (!live && s != NDIS_STATUS_SUCCESS) transitions.Reach(W::kDropFreed);
        break;
      case fuzz::WanTapiOp::kCloseCall:
        s = Tapi([&] { return t.ndiswan->CloseCall(call); });
        if (live && s == NDIS_STATUS_SUCCESS) transitions.Reach(W::kCloseCallLive);
        if (!live && s != NDIS_STATUS_SUCCESS) transitions.Reach(W::kCloseCallFreed);
        break;
      case fuzz::WanTapiOp::kGetId:
        s = Tapi([&] { return t.ndiswan->GetCallId(call); });
        if (s == NDIS_STATUS_PENDING) break;  // completion mode unreachable here (table)
        if (s != NDIS_STATUS_SUCCESS)
          transitions.Reach(W::kGetIdFailed);
        else if (t.ndiswan->counters().line_ups != line_ups)
          transitions.Reach(W::kGetIdSyncLineUp);
        else
          transitions.Reach(W::kGetIdSyncNoLineUp);
        break;
      case fuzz::WanTapiOp::kMakeCall:
        s = Tapi([&] { return t.ndiswan->MakeCall(line, "2", &call); });
        if (s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING) transitions.Reach(W::kMakeCall);
        break;
    }
    return true;
  }

  void Check() {
    Play();
    stack.Settle();
    monitor.Finish();
    size_t refused = 0;
    for (const ndis::Rejection& r : stack.model().rejections())
      refused += r.fn == Fn::NdisMIndicateStatus;
    const drivers::wan::Counters& c = t.ndiswan->counters();
    if (c.indications + refused != counter.by_wmp)
      Fail("WMP indications reaching NDISWAN", c.indications + refused, counter.by_wmp);
    const uint64_t accounted = c.line_ups + c.line_up_updates + c.line_downs + c.fragments +
                               c.tapi_events + c.other_status + c.rejected_total();
    if (accounted != c.indications)
      Fail("NDISWAN outcomes per indication", accounted, c.indications);
    if (counter.to_proto != counter.by_ndiswan)
      Fail("NDISWAN indications reaching the protocol", counter.to_proto, counter.by_ndiswan);
    for (const monitor::Violation& v : monitor.violations()) {
      if (v.rule.rfind("MON-", 0) == 0) {
        std::fprintf(stderr, "monitor self-check %s at event %llu: %s\n", v.rule.c_str(),
                     static_cast<unsigned long long>(v.event_index), v.message.c_str());
        std::abort();
      }
    }
  }
};

}  // namespace

namespace ndisconf::fuzz {
namespace {

// Plays the records of `in` on `run`'s stack, then checks it (Run::Check).
void PlayRecords(Run& run, Input& in) {
  uint8_t tag;
  bool more = true;
  while (more && in.Byte(&tag)) {
    const std::optional<WanOp> op = WanOpForTag(tag);
    if (!op) {
      ++run.skipped;  // unknown tag: skip it, go on with the next byte
      continue;
    }
    switch (*op) {
      case WanOp::kIndicate:
        more = run.Indicate(in);
        break;
      case WanOp::kComplete: {
        run.wmp->queue.Prepare().complete = true;
        run.wmp->queue.Commit();
        break;
      }
      case WanOp::kFault:
        more = run.Fault(in);
        break;
      case WanOp::kPump: {
        uint8_t n;
        more = in.Byte(&n);
        if (more) {
          run.Play();
          stack::Pump(run.stack, *run.t.nic, n % 8 + 1);
        }
        break;
      }
      case WanOp::kInterrupt:
        run.Play();
        break;
      case WanOp::kTapi:
        more = run.TapiOp(in);
        break;
    }
  }
  run.Check();
}

WanStatusOutcome OutcomeOf(Run& run) {
  WanStatusOutcome o;
  o.records_skipped = run.skipped;
  o.wmp_indications = run.counter.by_wmp;
  for (const ndis::Rejection& r : run.stack.model().rejections())
    o.refused_by_ndis += r.fn == Fn::NdisMIndicateStatus;
  o.ndiswan = run.t.ndiswan->counters();
  o.protocol_indications = run.counter.to_proto;
  o.transitions = run.transitions.reached;
  o.events = run.counter.actors.size();
  o.event_sequence = run.counter.sequence_hash;
  // The first violation that counts. A known failure (ignored_rules.h) ends
  // the judging of the run: what breaks after it is taken for its consequence.
  const monitor::Violation* first = nullptr;
  uint64_t known_at = UINT64_MAX;
  for (const monitor::Violation& v : run.monitor.violations()) {
    o.rules_violated.insert(v.rule);
    const bool harness =
        run.counter.ActorOf(v.event_index) == run.t.wmp_id && IsDriverObligation(v.check);
    if (harness) continue;
    if (IgnoredByEnvironment(v.rule)) {
      known_at = std::min(known_at, v.event_index);
      continue;
    }
    if (first == nullptr || v.event_index < first->event_index) first = &v;
  }
  if (first != nullptr && first->event_index > known_at) first = nullptr;
  if (first != nullptr) {
    o.first_rule = first->rule;
    o.first_check = first->check;
    o.first_message = first->message;
    o.first_event = first->event_index;
  }
  return o;
}

// Seeded-bug variants whose NDISWAN, protocol or WAN host derive from the
// reference's and add no state of their own (only an overridden step,
// conformance/seeded_bugs/wan_*_bugs.cc), so the reference components'
// Checkpoint / Rollback cover them. A variant added here must be one;
// wan_status_isolation_test runs every registered implementation on both
// stacks and compares.
constexpr std::string_view kStatelessWanVariants[] = {
    "bug-ndis-skips-status-complete",
    "bug-ndis-status-buffer-scribbled",
    "bug-ndiswan-newcall-htcall-unwritten",
    "bug-ndiswan-no-link-context",
    "bug-wanproto-clobbers-reserved-local-address",
};

// Whether every component of `impl` that the target runs has a rollback:
// the target's WMP is always the scripted reference one; NDISWAN, the
// protocol and the WAN host are the reference's, or a variant listed above;
// an NDIS host is none, or a seeded bug's (a ForwardingHost that overrides
// one CoNDIS function and keeps no state: conformance/seeded_bugs). Any
// other implementation (a third party's driver, C++ or plugged in, or its
// own NDIS host) gets a new stack per input: its state could not be put
// back.
bool Reusable(const conformance::Implementation& impl) {
  if (impl.plugged) return false;
  if (impl.host && impl.seeded_rule.empty()) return false;
  if (!impl.ndiswan && !impl.wanproto && !impl.wan_host) return true;
  for (std::string_view name : kStatelessWanVariants)
    if (impl.name == name) return true;
  return false;
}

// An implementation's reused stack: built once with no scheduler bytes,
// its setup's scheduler decisions recorded, then checkpointed.
struct Reused {
  explicit Reused(const conformance::Implementation& impl) : run(impl) {}
  Run run;
  bool ok = false;
};

// The process keeps one reused stack, of the implementation it last ran
// (a fuzzing process runs one; a driver may have few instances per process,
// e.g. NDISWAN's 8 slots). A stack that could not be built or saved stays
// (ok false), so that it is not built again for each input; one whose
// rollback failed is dropped and built anew for the next input.
std::unique_ptr<Reused>& CurrentReused() {
  static auto* current = new std::unique_ptr<Reused>;
  return *current;
}

Reused* ReusedStack(const conformance::Implementation& impl) {
  std::unique_ptr<Reused>& r = CurrentReused();
  if (r != nullptr && &r->run.impl != &impl) r.reset();
  if (r == nullptr) {
    r = std::make_unique<Reused>(impl);
    r->run.chooser.recording = true;
    r->ok = r->run.Build();
    r->run.chooser.recording = false;
    r->ok = r->ok && r->run.Checkpoint();
  }
  return r->ok ? r.get() : nullptr;
}

}  // namespace

WanStatusOutcome RunWanStatusInput(const conformance::Implementation& impl, const uint8_t* data,
                                   size_t size, WanStack how) {
  const size_t n = size == 0 ? 0 : std::min<size_t>(data[0], size - 1);
  const std::span<const uint8_t> schedule(data + (size == 0 ? 0 : 1), n);
  Input in(data + (size == 0 ? 0 : 1 + n), size == 0 ? 0 : size - 1 - n);
  Reused* reused = how == WanStack::kReused && Reusable(impl) ? ReusedStack(impl) : nullptr;
  if (reused != nullptr && SameDecisions(schedule, reused->run.chooser.decisions) &&
      reused->run.Resume()) {
    Run& run = reused->run;
    // The setup consumed the bytes of its decisions; the records get the rest.
    run.chooser.Reset(schedule.subspan(std::min(n, run.chooser.decisions.size())));
    PlayRecords(run, in);
    WanStatusOutcome o = OutcomeOf(run);
    o.reused_stack = true;
    if (!run.Rollback()) CurrentReused().reset();
    return o;
  }
  Run run(impl);
  run.chooser.Reset(schedule);
  if (!run.Build()) {
    std::fprintf(stderr, "wan_status: the WAN topology did not build\n");
    std::abort();
  }
  PlayRecords(run, in);
  return OutcomeOf(run);
}

WanStatusOutcome RunWanStatusInput(const uint8_t* data, size_t size) {
  return RunWanStatusInput(*conformance::FindImplementation("reference"), data, size);
}
}  // namespace ndisconf::fuzz

namespace {
// NDISCONF_IMPL's implementation (contract 2), or nullptr after saying which
// names exist, or what is wrong with NDISCONF_IGNORE_RULES.
const ndisconf::conformance::Implementation* Selected() {
  static const ndisconf::conformance::Implementation* impl = [] {
    std::string error;
    const ndisconf::conformance::Implementation* i =
        ndisconf::conformance::ImplementationFromEnvironment(&error);
    if (i != nullptr && ndisconf::fuzz::IgnoredRulesFromEnvironment(&error) == nullptr) i = nullptr;
    if (i == nullptr) std::fprintf(stderr, "wan_status: %s\n", error.c_str());
    return i;
  }();
  return impl;
}

// NDISCONF_WAN_STATS=1: at exit, how many inputs ran, on which stack, and
// their mean boundary events (WanStatusOutcome::events), for the speed
// figures of docs/performance.md.
struct Stats {
  uint64_t inputs = 0, reused = 0, events = 0;
};
Stats* g_stats = nullptr;

void PrintStats() {
  const Stats& s = *g_stats;
  std::fprintf(stderr,
               "wan_status: %llu inputs (%llu on the reused stack), %llu events, %.1f per input\n",
               static_cast<unsigned long long>(s.inputs), static_cast<unsigned long long>(s.reused),
               static_cast<unsigned long long>(s.events),
               s.inputs == 0 ? 0.0 : static_cast<double>(s.events) / static_cast<double>(s.inputs));
}

// Read once, at the first input (LLVMFuzzerInitialize does not run in the
// plain replay binary).
Stats* StatsFromEnvironment() {
  const char* env = std::getenv("NDISCONF_WAN_STATS");
  if (env == nullptr || *env == 0 || *env == '0') return nullptr;
  g_stats = new Stats;
  std::atexit(PrintStats);
  return g_stats;
}
}  // namespace

// An unknown NDISCONF_IMPL or a malformed NDISCONF_IGNORE_RULES stops the
// run before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (Selected() == nullptr) std::exit(2);
  return 0;
}

// A violation by the implementation under test: the contract's line, then
// abort() so the engine records a crash.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ndisconf::conformance::Implementation* impl = Selected();
  if (impl == nullptr) std::exit(2);
  static Stats* const stats = StatsFromEnvironment();
  const ndisconf::fuzz::WanStatusOutcome o = ndisconf::fuzz::RunWanStatusInput(*impl, data, size);
  if (stats != nullptr) {
    ++stats->inputs;
    stats->reused += o.reused_stack;
    stats->events += o.events;
  }
  if (!o.first_rule.empty()) {
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o.first_rule.c_str(),
                 o.first_check.c_str(), static_cast<unsigned long long>(o.first_event),
                 o.first_message.c_str());
    std::abort();
  }
  return 0;
}

// Structure-aware mutation (fuzz/wan_mutator.h); -use_custom_mutator=0
// turns it off. LLVMFuzzerMutate is libFuzzer's byte mutator, for the
// INDICATE payloads; weak so the plain replay build links without it.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size)
    __attribute__((weak));

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  const ndisconf::fuzz::ByteMutator bytes = [](uint8_t* d, size_t n, size_t max) -> size_t {
    if (LLVMFuzzerMutate != nullptr) return LLVMFuzzerMutate(d, n, max);
    if (n > 0) d[0] ^= 1;  // outside libFuzzer: a bit flip
    return n;
  };
  ndisconf::fuzz::WanMutation kind;
  return ndisconf::fuzz::MutateWanInput(data, size, max_size, seed, bytes, &kind);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  return ndisconf::fuzz::CrossOverWanInputs(data1, size1, data2, size2, out, max_out_size, seed);
}
