// The monitor's core: event intake (MON-003, MON-004), the frame stack and
// call/return pairing (MON-001, MON-002), dispatch to the rule families,
// violation reporting, and the public Monitor surface (monitor.h).
#include "conformance/monitor/monitor_core.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "spec/status_names.h"

namespace ndisconf::monitor {
namespace {

const CheckInfo kCheckTable[] = {
#define NDISCONF_CHECK_INFO(e, rule, name, desc) {rule, name, desc},
    NDISCONF_MONITOR_CHECKS(NDISCONF_CHECK_INFO)
#undef NDISCONF_CHECK_INFO
};
static_assert(sizeof(kCheckTable) / sizeof(kCheckTable[0]) == kCheckCount);

// Every family, in the spec's section order.
const Monitor::State::Family* const kFamilies[] = {
    &af::kRegistration,  &af::kNotify, &af::kOpenAf,     &af::kCloseAf,     &af::kNotifyClose,
    &af::kSap,           &af::kVc,     &af::kUnbindHalt, &af::kEntryPoints, &wan::kStatus,
    &wan::kTapiRequests, &wan::kSends,
};

// The family that owns each function (nullptr: no rule looks at it). A
// function claimed by two families is a defect of the monitor itself,
// caught the first time a Monitor is built.
const std::array<const Monitor::State::Family*, kFnCount>& Dispatch() {
  static const std::array<const Monitor::State::Family*, kFnCount> table = [] {
    std::array<const Monitor::State::Family*, kFnCount> t{};
    for (const Monitor::State::Family* fam : kFamilies) {
      for (Fn fn : fam->fns) {
        const size_t i = static_cast<size_t>(fn);
        if (t[i] != nullptr) {
          std::fprintf(stderr, "ndisconf monitor: %s is claimed by families %s and %s\n",
                       std::string(NameOf(fn)).c_str(), t[i]->name, fam->name);
          std::abort();
        }
        t[i] = fam;
      }
    }
    return t;
  }();
  return table;
}

size_t SlotCount(const ArgSpec* specs, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += SlotsOf(specs[i].kind);
  return total;
}

bool IsUp(Fn fn) { return SpecOf(fn).direction == Direction::kUp; }

}  // namespace

// ---- formatting ----
std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string St(int32_t s) { return spec::FormatStatus(static_cast<NDIS_STATUS>(s)); }

std::string StHex(int32_t s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<uint32_t>(s));
  return buf;
}

std::string Name(Fn fn) { return std::string(NameOf(fn)); }

// ---------------------------------------------------------------------------

Monitor::State::State() : dispatch(Dispatch().data()) {
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
  ind_bufs.resize(32);
  wan_adapters.reserve(16);
  binds.reserve(16);
  lines.reserve(64);
  calls.reserve(256);
  call_by_hd.reserve(256);
  links.reserve(256);
  link_by_handle.reserve(256);
  sends.reserve(256);
  awaiting.reserve(8);
}

void Monitor::State::Reset() {
  violations.clear();
  suppressed = 0;
  events = 0;
  finished = false;
  drivers_declared = false;
  declared.clear();
  stack.truncate(0);
  std::fill(drivers.begin(), drivers.end(), af::Driver{});
  bindings.clear();
  binding_by_ctx.clear();
  adapters.clear();
  adapter_by_ctx.clear();
  regs.clear();
  reg_by_key.clear();
  afs.clear();
  af_by_client_ctx.clear();
  af_by_cm_ctx.clear();
  saps.clear();
  sap_by_client_ctx.clear();
  vcs.clear();
  vc_by_ctx.clear();
  live.clear();
  unbind_owed.clear();
  unbind_owed_binding.clear();
  bind_adapter.clear();
  owed_open_complete.clear();
  owed_close_complete.clear();
  owed_cm_notify.clear();
  owed_sap_reg_complete.clear();
  owed_sap_dereg_complete.clear();
  wan_drivers.clear();
  wan_adapters.clear();
  wan_adapter_by_ctx.clear();
  binds.clear();
  bind_by_handle.clear();
  lines.clear();
  line_by_hd.clear();
  calls.clear();
  call_by_hd.clear();
  links.clear();
  link_by_handle.clear();
  sends.clear();
  awaiting.clear();
  spin_locks.clear();
  locks_held.clear();
  // ind_bufs: scratch, written before it is read (one per stack position).
  unknown_links = 0;
  recent[0] = recent[1] = AdapterCache{};
}

void Monitor::State::Report(Check c, uint64_t index, uint64_t object, std::string message,
                            std::string state) {
  if (violations.size() >= max_violations) {
    ++suppressed;
    return;
  }
  const CheckInfo& info = kCheckTable[c];
  violations.push_back(Violation{std::string(info.rule), std::string(info.check),
                                 std::move(message), index, object, std::move(state)});
}

Frame* Monitor::State::Parent(Fn a, Fn b, Fn c, Fn d) {
  if (stack.size() < 2) return nullptr;
  Frame& p = stack[stack.size() - 2];
  return (p.fn == a || p.fn == b || p.fn == c || p.fn == d) ? &p : nullptr;
}

Frame* Monitor::State::TopIs(Fn a, Fn b, Fn c, Fn d) {
  if (stack.empty()) return nullptr;
  Frame& p = stack.back();
  return (p.fn == a || p.fn == b || p.fn == c || p.fn == d) ? &p : nullptr;
}

const Frame* Monitor::State::Innermost(Fn fn, ActorId actor, bool skip_top) const {
  size_t n = stack.size();
  if (skip_top && n > 0) --n;
  for (size_t i = n; i-- > 0;) {
    if (stack[i].fn == fn && stack[i].actor == actor) return &stack[i];
  }
  return nullptr;
}

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
  // The argument slots as the schema numbers them: a short or overlong
  // event never reads past what it carries, and missing slots read as 0.
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
  const Family* family = dispatch[fi];
  if (e.phase == Phase::kCall) {
    // Every call takes a frame, whether or not a family looks at it, so that
    // Parent() sees what is really below a callback (MON-001, MON-002).
    Frame& f = stack.push();
    f.fn = e.fn;
    f.actor = e.actor;
    f.irql = e.irql;
    f.index = e.index;
    std::memcpy(f.arg, a, sizeof f.arg);
    f.adapter = 0;
    // The CoNDIS families read the CoNDIS block of their own functions'
    // frames only (found by function), so a WAN frame leaves it as it was.
    if (!IsWanFn(e.fn))
      std::memset(&f.blob_hash, 0, offsetof(Frame, adapter) - offsetof(Frame, blob_hash));
    if (family != nullptr && family->call != nullptr) (this->*family->call)(e, a, f);
    return;
  }
  if (e.phase != Phase::kReturn) {
    Report(kMonShape, e, 0, "event phase is neither call nor return; ignored");
    return;
  }
  // MON-001: the return matches the innermost open call of its function and
  // actor; frames above that call are abandoned.
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
  if (family != nullptr && family->ret != nullptr) (this->*family->ret)(e, a, f);
}

// End of run: MON-002, then what each family's ledgers still owe.
void Monitor::State::Finish() {
  if (finished) return;
  finished = true;
  const size_t first = violations.size();
  for (const Frame& fr : stack)
    Report(kMonOpenAtFinish, fr.index, 0,
           Name(fr.fn) + " (actor " + std::to_string(fr.actor) + ") never returned");
  OpenAfFinish();
  CloseAfFinish();
  NotifyCloseFinish();
  SapFinish();
  UnbindHaltFinish();
  EntryPointsFinish();
  StatusFinish();
  LineDownFinish();
  TapiIndicationFinish();
  TapiRequestsFinish();
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

Monitor::Monitor(Profile profile) : s_(std::make_unique<State>()) { s_->profile = profile; }
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

void Monitor::Reset() { s_->Reset(); }
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

}  // namespace ndisconf::monitor
