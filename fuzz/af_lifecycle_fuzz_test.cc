// Fuzz target: programs of CoNDIS address-family lifecycle events (spec 2.1-2.6,
// 5.1-5.8): call managers, MCMs, clients and miniports loaded in any order,
// adapters added, bound, unbound and halted, AFs opened (by the clients, from
// their notify) and closed, SAPs, VCs and calls, every pending completion
// run when the scheduler bytes say, and calls with bad handles on purpose.
// The implementation NDISCONF_IMPL names (default: the reference) supplies
// every component (a plugged-in call manager, MCM or client is loaded once per
// run, and only the reference clients take client requests); the rule
// monitor watches every crossing.
//
// An input fails (abort, after the line
//   ndisconf-violation: <RULE-ID> check=<check> event=<N>
// on stderr) when the monitor reports a violation, except at the call event
// of a BAD_CALL record (the precondition broken on purpose; NDIS's answer to
// it still counts), or when NDIS accepts a BAD_CALL's handle (AF-140: a
// handle names one live object of its kind). Sanitizers and LeakSanitizer
// catch the rest. Input format: af_lifecycle_input.h.
//
// With NDISCONF_IGNORE_RULES=AF-040,AF-062 set (fuzz/ignored_rules.h),
// violations of those rules do not fail an input: a stop-gap that keeps a
// campaign going past a known, not yet fixed finding of the implementation
// under test (docs/af_program.md). Unset: every rule counts.
//
// Mutation: LLVMFuzzerCustomMutator / LLVMFuzzerCustomCrossOver below work
// on the program (af_mutator.h); one mutation in four is libFuzzer's own
// on the raw bytes (its dictionary and comparison hints). With
// NDISCONF_AF_PLAIN_MUTATOR=1 both hand everything to libFuzzer's byte
// mutator (no crossover of programs): the "without" of the measurement, as
// clang-14's libFuzzer has no -use_custom_mutator flag.
//
// With NDISCONF_AF_TRACE=FILE set, each run also writes its whole trace
// (the trace format of conformance/trace) to FILE: replay one input that
// way to read what happened, event by event.
#include <ndis.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_mutator.h"
#include "fuzz/ignored_rules.h"
#include "reference/boundary/boundary.h"
#include "reference/ndis/scheduler.h"
#include "reference/stack/stack.h"

namespace {

using namespace ndisconf;  // NOLINT: a fuzz target's own file

constexpr size_t kMaxDrivers = 3;  // of each kind
constexpr size_t kMaxAdapters = 6;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool Take(uint8_t* out, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) {
      p_ = end_;
      return false;
    }
    std::copy(p_, p_ + n, out);
    p_ += n;
    return true;
  }
  bool Byte(uint8_t* out) { return Take(out, 1); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

constexpr const char* kBadCallNames[] = {
    "NdisClCloseAddressFamily", "NdisClRegisterSap", "NdisClDeregisterSap", "NdisCoCreateVc",
    "NdisCoDeleteVc",           "NdisClMakeCall",    "NdisClCloseCall"};
constexpr const char* kBadHandleNames[] = {"NULL", "garbage", "stale", "wrong-kind"};

drivers::OpPolicy Pend(bool pend) {
  return pend ? drivers::OpPolicy::Pending() : drivers::OpPolicy::Sync();
}

template <class T>
T* Pick(const std::vector<T*>& v, uint8_t i) {
  return v.empty() ? nullptr : v[i % v.size()];
}

// Keeps every event of the run (only when a trace is asked for).
class EventLog : public EventSink {
 public:
  std::vector<Event> events;
  void OnEvent(const Event& e) override { events.push_back(e); }
};

struct Driver {
  ActorId actor = kNoActor;
  drivers::CmCore* cm = nullptr;  // CM or MCM; nullptr for a plugged-in CM
  drivers::Client* client = nullptr;
  bool miniport = false;  // a plain miniport or an MCM: it can have adapters
  bool mcm = false;
};

class Run {
 public:
  // `reused`: a monitor kept across runs (reset here), or nullptr for a
  // new one.
  Run(const conformance::Implementation& impl, std::span<const uint8_t> schedule,
      EventSink* observer, monitor::Monitor* reused)
      : impl_(impl),
        monitor_(reused != nullptr ? *reused : own_monitor_.emplace()),
        chooser_(schedule),
        stack_({}, &chooser_) {
    if (reused != nullptr) reused->Reset();
    hosts_ = conformance::InstallHosts(impl_, stack_.model());
    Boundary::Get().AddSink(&monitor_);
    if (observer != nullptr) Boundary::Get().AddSink(observer);
    if (const char* path = std::getenv("NDISCONF_AF_TRACE"); path != nullptr && *path != 0) {
      trace_path_ = path;
      Boundary::Get().AddSink(&log_);
    }
  }

  ndisconf::fuzz::AfLifecycleOutcome& outcome() { return out_; }

  // Runs one record; false when the input ended inside it.
  bool Step(fuzz::AfOp op, Input& in) {
    uint8_t a[3] = {};
    if (!in.Take(a, fuzz::AfOpOperands(op))) return false;
    ++out_.records;
    switch (op) {
      case fuzz::AfOp::kLoadCm:
      case fuzz::AfOp::kLoadMcm:
        LoadCallManager(op == fuzz::AfOp::kLoadMcm, a[0]);
        break;
      case fuzz::AfOp::kLoadClient:
        LoadClient(a[0]);
        break;
      case fuzz::AfOp::kLoadMiniport:
        LoadMiniport(a[0]);
        break;
      case fuzz::AfOp::kAddAdapter:
        AddAdapter(a[0]);
        break;
      case fuzz::AfOp::kUnbind:
      case fuzz::AfOp::kBind:
        BindOrUnbind(op == fuzz::AfOp::kBind, a[0], a[1]);
        break;
      case fuzz::AfOp::kHalt:
        if (adapters_.empty()) return Skip();
        (void)stack_.model().HaltAdapter(adapters_[a[0] % adapters_.size()]);
        break;
      case fuzz::AfOp::kRunOne:
        (void)stack_.model().RunOne();
        break;
      case fuzz::AfOp::kSettle:
        stack_.Settle();
        break;
      case fuzz::AfOp::kBadCall:
        BadCall(a[0], a[1], a[2]);
        break;
      case fuzz::AfOp::kBadCreateVc:
        BadCreateVc(a[0], a[1]);
        break;
      case fuzz::AfOp::kIncomingCall:
        IncomingCall(a[0], a[1]);
        break;
      default:
        ClientOp(op, a);
        break;
    }
    return true;
  }

  void Finish() {
    stack_.Settle();
    monitor_.Finish();
    if (!trace_path_.empty()) WriteTrace();
    out_.events = monitor_.event_count();
    for (const Driver* d : clients_) {
      for (const auto& af : d->client->afs()) out_.afs_opened += af->open_status == 0;
      for (const auto& vc : d->client->vcs())
        out_.calls_connected += vc->call_status == NDIS_STATUS_SUCCESS;
    }
    // Violations are stored in event order; the first one that counts. A
    // known failure (fuzz/ignored_rules.h) ends the judging of the run:
    // what breaks after it is taken for its consequence.
    uint64_t known_at = UINT64_MAX;
    for (const monitor::Violation& v : monitor_.violations()) {
      if (IsBadCall(v.event_index)) continue;
      if (fuzz::IgnoredByEnvironment(v.rule)) {
        known_at = v.event_index;
        break;
      }
      out_.first_rule = v.rule;
      out_.first_check = v.check;
      out_.first_event = v.event_index;
      out_.first_message = v.message;
      break;
    }
    // The monitor's own finding about the same call (at its return) wins.
    // A BAD_CREATE_VC that NDIS accepted breaks the rule the monitor named
    // at its call (AF-100), otherwise a bad handle accepted breaks AF-140.
    std::string rule = "AF-140", check = "bad-handle-accepted";
    if (accepted_rule_event_ != 0) {
      for (const monitor::Violation& v : monitor_.violations()) {
        if (v.event_index != accepted_rule_event_) continue;
        rule = v.rule;
        check = v.check;
        break;
      }
    }
    if (accepted_event_ != 0 && accepted_event_ < known_at && !fuzz::IgnoredByEnvironment(rule) &&
        (out_.first_rule.empty() || accepted_event_ < out_.first_event)) {
      out_.first_rule = rule;
      out_.first_check = check;
      out_.first_event = accepted_event_;
      out_.first_message = accepted_message_;
    }
  }

 private:
  bool Skip() {
    ++out_.records_skipped;
    return true;
  }

  void WriteTrace() {
    trace::Trace t;
    t.drivers = trace::CanonicalDrivers(Boundary::Get().drivers());
    t.events = log_.events;
    std::ofstream out(trace_path_, std::ios::binary | std::ios::trunc);
    out << trace::FormatTrace(t);
    out.close();
    if (!out)
      std::fprintf(stderr, "af_lifecycle: cannot write the trace %s\n", trace_path_.c_str());
  }

  Driver& Add(ActorId actor) {
    drivers_.push_back(std::make_unique<Driver>());
    drivers_.back()->actor = actor;
    return *drivers_.back();
  }

  void LoadCallManager(bool mcm, uint8_t cfg) {
    std::vector<Driver*>& list = mcm ? mcms_ : cms_;
    if (list.size() >= kMaxDrivers) return (void)Skip();
    drivers::CmConfig c;
    if (mcm) c.afs = {{CO_ADDRESS_FAMILY_TAPI_PROXY, 1, 0}};
    if ((cfg & 1) != 0)
      c.afs.push_back({mcm ? CO_ADDRESS_FAMILY_Q2931 : CO_ADDRESS_FAMILY_TAPI, 1, 0});
    c.open_af = Pend(cfg & 2);
    c.close_af = Pend(cfg & 4);
    c.register_sap = Pend(cfg & 8);
    c.deregister_sap = Pend(cfg & 16);
    c.make_call = Pend(cfg & 32);
    c.close_call = Pend(cfg & 64);
    ActorId id = kNoActor;
    Driver* d = nullptr;
    const bool plugged_here =
        impl_.plugged && impl_.plugged->role == (mcm ? conformance::PluggedRole::kMcm
                                                     : conformance::PluggedRole::kCallManager);
    if (plugged_here) {
      // A plugged-in call manager or MCM (conformance/plugin) decides for
      // itself what to pend; `cfg` only chooses the reference's AFs. It is
      // a black box: it never dispatches an incoming call on request. Its
      // image is loaded once per run, as a system loads a driver once.
      if (!list.empty()) return (void)Skip();
      stack_.Load(impl_.plugged->make(), &id);
      d = &Add(id);
      d->miniport = mcm;
      d->mcm = mcm;
    } else if (mcm) {
      drivers::McmConfig mc;
      static_cast<drivers::CmConfig&>(mc) = c;
      drivers::Mcm& m = stack_.Load(conformance::MakeMcm(impl_, mc), &id);
      d = &Add(id);
      d->cm = &m;
      d->miniport = true;
      d->mcm = true;
    } else {
      drivers::CallManagerConfig cc;
      static_cast<drivers::CmConfig&>(cc) = c;
      drivers::CallManager& m = stack_.Load(conformance::MakeCm(impl_, cc), &id);
      d = &Add(id);
      d->cm = &m;
    }
    list.push_back(d);
    if (d->miniport)
      miniports_.push_back(d);
    else
      protocols_.push_back(d);
  }

  void LoadClient(uint8_t cfg) {
    if (impl_.plugged && impl_.plugged->role == conformance::PluggedRole::kClient) {
      // A plugged-in client (conformance/plugin) decides for itself what it
      // opens and pends; `cfg` configures only the reference's. It is a black
      // box, so the records that ask a client for something skip it (it is
      // no member of clients_), and its image is loaded once per run.
      if (plugged_client_loaded_) return (void)Skip();
      plugged_client_loaded_ = true;
      ActorId id = kNoActor;
      stack_.Load(impl_.plugged->make(), &id);
      protocols_.push_back(&Add(id));
      return;
    }
    if (clients_.size() >= kMaxDrivers) return (void)Skip();
    drivers::ClientConfig c;
    switch (cfg & 3) {
      case 1:
        c.notify_close = drivers::OpPolicy::Pending();
        break;
      case 2:
        c.notify_close = drivers::OpPolicy::Sync(NDIS_STATUS_FAILURE);
        break;
      default:
        break;
    }
    switch (cfg >> 2 & 3) {
      case 1:
        c.incoming_call = drivers::OpPolicy::Pending();
        break;
      case 2:
        c.incoming_call = drivers::OpPolicy::Sync(NDIS_STATUS_FAILURE);
        break;
      default:
        break;
    }
    if ((cfg & 16) != 0) c.saps_after_open = {drivers::SapSpec{1, {3}}};
    if ((cfg & 32) != 0) {
      c.vcs_after_open = 1;
      c.make_calls_after_open = true;
    }
    ActorId id = kNoActor;
    drivers::Client& cl = stack_.Load(conformance::MakeClient(impl_, c), &id);
    Driver& d = Add(id);
    d.client = &cl;
    clients_.push_back(&d);
    protocols_.push_back(&d);
  }

  void LoadMiniport(uint8_t cfg) {
    size_t plain = miniports_.size() - mcms_.size();
    if (plain >= kMaxDrivers) return (void)Skip();
    drivers::CompConfig c;
    c.activate_vc = Pend(cfg & 1);
    c.deactivate_vc = Pend(cfg & 2);
    ActorId id = kNoActor;
    (void)stack_.Load(conformance::MakeMiniport(impl_, c), &id);
    Driver& d = Add(id);
    d.miniport = true;
    miniports_.push_back(&d);
  }

  void AddAdapter(uint8_t m) {
    Driver* d = Pick(miniports_, m);
    if (d == nullptr || adapters_.size() >= kMaxAdapters) return (void)Skip();
    const NDIS_MEDIUM medium = d->mcm ? NdisMediumCoWan : NdisMediumAtm;
    adapters_.push_back(
        stack_.AddAdapter(d->actor, "adapter" + std::to_string(adapters_.size()), medium));
  }

  void BindOrUnbind(bool bind, uint8_t p, uint8_t a) {
    Driver* d = Pick(protocols_, p);
    if (d == nullptr || adapters_.empty()) return (void)Skip();
    const ndis::AdapterId adapter = adapters_[a % adapters_.size()];
    if (bind) {
      (void)stack_.model().BindProtocol(d->actor, adapter);
    } else {
      (void)stack_.model().UnbindProtocol(d->actor, adapter);
    }
  }

  void IncomingCall(uint8_t m, uint8_t s) {
    std::vector<Driver*> cms = cms_;
    cms.insert(cms.end(), mcms_.begin(), mcms_.end());
    Driver* d = Pick(cms, m);
    if (d == nullptr || d->cm == nullptr || d->cm->saps().empty()) return (void)Skip();
    drivers::CmCore* cm = d->cm;
    const size_t sap = s % cm->saps().size();
    (void)stack_.As(d->actor, [&] { return cm->DispatchIncomingCall(sap); });
  }

  void ClientOp(fuzz::AfOp op, const uint8_t* a) {
    Driver* d = Pick(clients_, a[0]);
    if (d == nullptr) return (void)Skip();
    drivers::Client& cl = *d->client;
    auto index = [](uint8_t i, size_t n) { return n == 0 ? 0 : i % n; };
    const size_t af = index(a[1], cl.afs().size());
    const size_t sap = index(a[1], cl.saps().size());
    const size_t vc = index(a[1], cl.vcs().size());
    stack_.As(d->actor, [&] {
      switch (op) {
        case fuzz::AfOp::kCloseAf:
          if (!cl.afs().empty()) cl.TearDownAf(af);
          break;
        case fuzz::AfOp::kRegisterSap:
          if (!cl.afs().empty()) (void)cl.RegisterSap(af, drivers::SapSpec{a[2] % 4u, {a[2]}});
          break;
        case fuzz::AfOp::kDeregisterSap:
          if (!cl.saps().empty()) (void)cl.DeregisterSap(sap);
          break;
        case fuzz::AfOp::kCreateVc:
          if (!cl.afs().empty()) (void)cl.CreateVc(af);
          break;
        case fuzz::AfOp::kDeleteVc:
          if (!cl.vcs().empty()) (void)cl.DeleteVc(vc);
          break;
        case fuzz::AfOp::kMakeCall:
          if (!cl.vcs().empty()) (void)cl.MakeCall(vc);
          break;
        case fuzz::AfOp::kCloseCall:
          if (!cl.vcs().empty()) (void)cl.CloseCall(vc);
          break;
        default:
          break;
      }
    });
  }

  // A handle of the kind `fn` takes, broken the way `kind` says.
  NDIS_HANDLE BadHandleFor(const drivers::Client& cl, fuzz::BadCallFn fn, uint8_t kind) {
    static int never_handed_out;
    NDIS_HANDLE garbage = &never_handed_out;
    NDIS_HANDLE stale = nullptr, other = nullptr;
    const bool af_fn = fn == fuzz::BadCallFn::kCloseAf || fn == fuzz::BadCallFn::kRegisterSap ||
                       fn == fuzz::BadCallFn::kCreateVc;
    const bool sap_fn = fn == fuzz::BadCallFn::kDeregisterSap;
    for (const auto& x : cl.afs()) {
      if (af_fn && x->state == drivers::ClAfState::kClosed) stale = x->ndis_af;
      if (!af_fn && x->state == drivers::ClAfState::kOpen) other = x->ndis_af;
    }
    for (const auto& x : cl.saps()) {
      if (sap_fn && x->state == drivers::ClSapState::kDeregistered) stale = x->ndis_sap;
      if (af_fn && x->state == drivers::ClSapState::kRegistered) other = x->ndis_sap;
    }
    for (const auto& x : cl.vcs()) {
      if (!af_fn && !sap_fn && x->state == drivers::ClVcState::kDeleted) stale = x->ndis_vc;
    }
    switch (static_cast<fuzz::BadHandle>(kind % 4)) {
      case fuzz::BadHandle::kNull:
        return nullptr;
      case fuzz::BadHandle::kGarbage:
        return garbage;
      case fuzz::BadHandle::kStale:
        return stale != nullptr ? stale : garbage;
      case fuzz::BadHandle::kWrongKind:
        return other != nullptr ? other : garbage;
    }
    return garbage;
  }

  void BadCall(uint8_t c, uint8_t fn_byte, uint8_t kind) {
    Driver* d = Pick(clients_, c);
    if (d == nullptr || d->client->bindings().empty()) return (void)Skip();
    const drivers::Client& cl = *d->client;
    const auto fn = static_cast<fuzz::BadCallFn>(fn_byte % 7);
    NDIS_HANDLE h = BadHandleFor(cl, fn, kind);
    NDIS_HANDLE binding = cl.bindings().front()->ndis_binding;
    ++out_.bad_calls;
    // The index the boundary gives this call's own event.
    const uint64_t call_event = Boundary::Get().event_count();
    // No context the client would mistake for its own: a completion NDIS
    // should never make must not reach the client's handlers as a real one.
    NDIS_HANDLE out = nullptr;
    CO_CALL_PARAMETERS params{};
    drivers::SapBuffer sap(1, {3});
    const NDIS_STATUS s = stack_.As(d->actor, [&]() -> NDIS_STATUS {
      switch (fn) {
        case fuzz::BadCallFn::kCloseAf:
          return NdisClCloseAddressFamily(h);
        case fuzz::BadCallFn::kRegisterSap:
          return NdisClRegisterSap(h, nullptr, sap.get(), &out);
        case fuzz::BadCallFn::kDeregisterSap:
          return NdisClDeregisterSap(h);
        case fuzz::BadCallFn::kCreateVc:
          return NdisCoCreateVc(binding, h, nullptr, &out);
        case fuzz::BadCallFn::kDeleteVc:
          return NdisCoDeleteVc(h);
        case fuzz::BadCallFn::kMakeCall:
          return NdisClMakeCall(h, &params, nullptr, nullptr);
        case fuzz::BadCallFn::kCloseCall:
          return NdisClCloseCall(h, nullptr, nullptr, 0);
      }
      return NDIS_STATUS_FAILURE;
    });
    bad_call_events_.push_back(call_event);
    if (s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING) {
      // AF-140: a handle names one live object of its kind; NDIS accepted
      // one that names none.
      ++out_.bad_calls_accepted;
      if (accepted_event_ == 0) {
        accepted_event_ = Boundary::Get().event_count() - 1;  // the return
        accepted_message_ = std::string(kBadCallNames[static_cast<size_t>(fn)]) + " with a " +
                            kBadHandleNames[kind % 4] + " handle returned " +
                            (s == NDIS_STATUS_SUCCESS ? "SUCCESS" : "PENDING");
      }
    }
  }

  // AF-100: NdisCoCreateVc on a valid AF with *NdisVcHandle not NULL on
  // entry. NDIS must refuse (INVALID_PARAMETER, OQ-15); if it creates the
  // VC anyway, the input fails with the rule the call broke (the monitor's
  // finding at the call event), and the VC is deleted again.
  void BadCreateVc(uint8_t c, uint8_t af_index) {
    Driver* d = Pick(clients_, c);
    if (d == nullptr || d->client->bindings().empty()) return (void)Skip();
    const drivers::Client& cl = *d->client;
    NDIS_HANDLE af = nullptr;
    size_t open = 0;
    for (const auto& x : cl.afs()) open += x->state == drivers::ClAfState::kOpen;
    if (open == 0) return (void)Skip();
    size_t want = af_index % open;
    for (const auto& x : cl.afs()) {
      if (x->state != drivers::ClAfState::kOpen) continue;
      if (want-- == 0) af = x->ndis_af;
    }
    static int never_handed_out;
    NDIS_HANDLE binding = cl.bindings().front()->ndis_binding;
    ++out_.bad_calls;
    const uint64_t call_event = Boundary::Get().event_count();
    NDIS_HANDLE vc = &never_handed_out;
    const NDIS_STATUS s =
        stack_.As(d->actor, [&] { return NdisCoCreateVc(binding, af, nullptr, &vc); });
    bad_call_events_.push_back(call_event);
    if (s != NDIS_STATUS_SUCCESS && s != NDIS_STATUS_PENDING) return;
    ++out_.bad_calls_accepted;
    if (accepted_event_ == 0) {
      accepted_event_ = Boundary::Get().event_count() - 1;  // the return
      accepted_rule_event_ = call_event;
      accepted_message_ = std::string("NdisCoCreateVc with *NdisVcHandle not NULL returned ") +
                          (s == NDIS_STATUS_SUCCESS ? "SUCCESS" : "PENDING");
    }
    if (s == NDIS_STATUS_SUCCESS && vc != nullptr && vc != &never_handed_out)
      (void)stack_.As(d->actor, [&] { return NdisCoDeleteVc(vc); });
  }

  // The call event of a BAD_CALL shows the precondition the caller broke on
  // purpose; what NDIS did about it (its return, any callback) follows it
  // and counts like any other event.
  bool IsBadCall(uint64_t event) const {
    return std::find(bad_call_events_.begin(), bad_call_events_.end(), event) !=
           bad_call_events_.end();
  }

  const conformance::Implementation& impl_;
  fuzz::AfLifecycleOutcome out_;
  // Before the stack: they outlive it.
  std::optional<monitor::Monitor> own_monitor_;
  monitor::Monitor& monitor_;
  EventLog log_;
  std::string trace_path_;
  ndis::ByteChooser chooser_;
  conformance::RunHosts hosts_;  // before the stack: destroyed after it
  stack::Stack stack_;
  std::vector<std::unique_ptr<Driver>> drivers_;
  std::vector<Driver*> cms_, mcms_, clients_, miniports_, protocols_;
  std::vector<ndis::AdapterId> adapters_;
  std::vector<uint64_t> bad_call_events_;
  bool plugged_client_loaded_ = false;
  uint64_t accepted_event_ = 0;  // the return of the first bad call NDIS accepted
  // For a BAD_CREATE_VC: its call event, where the monitor names the rule.
  uint64_t accepted_rule_event_ = 0;
  std::string accepted_message_;
};

const conformance::Implementation* Selected() {
  static const conformance::Implementation* impl = [] {
    std::string error;
    const conformance::Implementation* i = conformance::ImplementationFromEnvironment(&error);
    if (i != nullptr && fuzz::IgnoredRulesFromEnvironment(&error) == nullptr) i = nullptr;
    if (i == nullptr) std::fprintf(stderr, "af_lifecycle: %s\n", error.c_str());
    return i;
  }();
  return impl;
}

}  // namespace

namespace ndisconf::fuzz {
AfLifecycleOutcome RunAfLifecycleProgram(const conformance::Implementation& impl,
                                         const uint8_t* data, size_t size, EventSink* observer,
                                         monitor::Monitor* reused_monitor) {
  const size_t n = size == 0 ? 0 : std::min<size_t>(data[0], size - 1);
  const size_t start = size == 0 ? 0 : 1 + n;
  Run run(impl, std::span<const uint8_t>(data + (size == 0 ? 0 : 1), n), observer, reused_monitor);
  Input in(data + start, size - start);
  uint8_t tag;
  while (in.Byte(&tag)) {
    const std::optional<AfOp> op = AfOpForTag(tag);
    if (!op) {
      ++run.outcome().records_skipped;  // unknown tag: go on with the next byte
      continue;
    }
    if (!run.Step(*op, in)) break;
  }
  run.Finish();
  return run.outcome();
}

std::optional<AfLifecycleOutcome> RunAfLifecycleInput(const uint8_t* data, size_t size) {
  const conformance::Implementation* impl = Selected();
  if (impl == nullptr) return std::nullopt;
  // One monitor for every input (its construction was most of the cost of
  // a short input), reset at the start of each run.
  static monitor::Monitor* const reused = new monitor::Monitor();
  AfLifecycleOutcome o = RunAfLifecycleProgram(*impl, data, size, nullptr, reused);
  // Reset again on the way out, so what the monitor allocated for this input
  // is freed within it: libFuzzer re-runs an input under LeakSanitizer when
  // it mallocs more than it frees, which doubled the cost of most inputs.
  reused->Reset();
  return o;
}
}  // namespace ndisconf::fuzz

// An unknown NDISCONF_IMPL or a malformed NDISCONF_IGNORE_RULES stops the
// run before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!ndisconf::fuzz::RunAfLifecycleInput(nullptr, 0)) std::exit(2);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::optional<ndisconf::fuzz::AfLifecycleOutcome> o =
      ndisconf::fuzz::RunAfLifecycleInput(data, size);
  if (!o) std::exit(2);
  if (!o->first_rule.empty()) {
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o->first_rule.c_str(),
                 o->first_check.c_str(), static_cast<unsigned long long>(o->first_event),
                 o->first_message.c_str());
    std::abort();
  }
  return 0;
}

// Defined by libFuzzer; absent (NULL) in the replay and AFL++ binaries.
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t* data, size_t size,
                                                         size_t max_size);

namespace {
bool PlainMutator() {
  static const bool plain = [] {
    const char* v = std::getenv("NDISCONF_AF_PLAIN_MUTATOR");
    return v != nullptr && std::string(v) == "1";
  }();
  return plain;
}
// The raw byte mutator without libFuzzer: one byte changed.
size_t FlipOneByte(uint8_t* data, size_t size, size_t max_size) {
  if (size == 0 && max_size > 0) return data[0] = 0, 1;
  if (size > 0) data[size / 2] ^= 0x5a;
  return size;
}
ndisconf::fuzz::RawMutator Raw() {
  return LLVMFuzzerMutate != nullptr ? &LLVMFuzzerMutate : &FlipOneByte;
}
}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (PlainMutator() || seed % 4 == 0) return Raw()(data, size, max_size);
  return ndisconf::fuzz::MutateAfInput(data, size, max_size, seed, Raw());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  if (PlainMutator()) return 0;  // no crossover
  return ndisconf::fuzz::CrossOverAfInputs(data1, size1, data2, size2, out, max_out_size, seed);
}
