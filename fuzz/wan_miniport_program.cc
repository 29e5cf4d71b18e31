// fuzz/wan_miniport_program.cc: the WAN miniport program runner
// (wan_miniport_program.h).
#include "fuzz/wan_miniport_program.h"

#include <ndistapi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <utility>

#include "fuzz/ignored_rules.h"
#include "reference/boundary/boundary.h"
#include "reference/ndis/scheduler.h"
#include "reference/nic/fault_plan.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::fuzz {
namespace {

namespace wan = drivers::wan;

// Operands per tag; a tag past the end has no entry.
constexpr uint8_t kOperands[] = {1, 0, 1, 1, 1, 1, 2, 1, 1, 2, 2, 1, 0, 1};
constexpr uint32_t kChannels = 2;

class Run {
 public:
  Run(const conformance::Implementation& impl, std::span<const uint8_t> schedule,
      monitor::Monitor& monitor)
      : impl_(impl), monitor_(monitor), chooser_(schedule), stack_({}, &chooser_) {
    monitor_.Reset();
    hosts_ = conformance::InstallHosts(impl_, stack_.model());
    Boundary::Get().AddSink(&monitor_);
    stack::WanTopologyParts parts;
    parts.nic.channel_count = kChannels;
    parts.wmp = [this](nic::Nic& n,
                       std::function<void(NDIS_HANDLE)> raise) -> std::unique_ptr<drivers::Driver> {
      if (impl_.plugged && impl_.plugged->role == conformance::PluggedRole::kWanMiniport) {
        return impl_.plugged->make();
      }
      drivers::WmpConfig c;
      c.nics = {&n};
      c.raise_interrupt = std::move(raise);
      return conformance::MakeWmp(impl_, c);
    };
    parts.ndiswan = [this] { return conformance::MakeNdiswan(impl_, {}); };
    parts.proto = [this] { return conformance::MakeWanProto(impl_, {}); };
    t_ = stack::BuildWanTopology(stack_, parts);
    if (t_.ndiswan == nullptr || t_.nic == nullptr) return;
    Tapi([&] { return t_.ndiswan->ProviderInitialize(0, 0); });
    OpenLine();
  }

  // Runs one record; false when the input ended inside it.
  bool Step(uint8_t tag, std::span<const uint8_t>& in) {
    const size_t operands = kOperands[tag];
    if (in.size() < operands) return false;
    const std::span<const uint8_t> a = in.first(operands);
    in = in.subspan(operands);
    if (t_.ndiswan == nullptr || t_.nic == nullptr) return true;
    switch (tag) {
      case 0:
        stack::Pump(stack_, *t_.nic, a[0] % 16 + 1);
        break;
      case 1: {
        HTAPI_CALL call = 0;
        if (Tapi([&] { return t_.ndiswan->MakeCall(line_, "5551234", &call); }) !=
                NDIS_STATUS_FAILURE &&
            call != 0) {
          calls_.push_back(call);
        }
        break;
      }
      case 2:
        OnCall(a[0], [&](HTAPI_CALL c) { return t_.ndiswan->GetCallId(c); });
        break;
      case 3:
        OnCall(a[0], [&](HTAPI_CALL c) { return t_.ndiswan->Drop(c); });
        break;
      case 4:
        OnCall(a[0], [&](HTAPI_CALL c) { return t_.ndiswan->CloseCall(c); });
        break;
      case 5: {
        const ULONG modes = ((a[0] & 1) ? LINEMEDIAMODE_DIGITALDATA : 0) |
                            ((a[0] & 2) ? LINEMEDIAMODE_DATAMODEM : 0);
        Tapi([&] { return t_.ndiswan->SetDefaultMediaDetection(line_, modes); });
        break;
      }
      case 6:
        (void)t_.nic->InjectIncomingCall(nic::ChannelId{a[0] % kChannels}, "4711",
                                         static_cast<nic::Bearer>(a[1] % 3));
        stack_.Settle();
        break;
      case 7:
        OnCall(a[0], [&](HTAPI_CALL c) { return t_.ndiswan->Answer(c); });
        break;
      case 8:
        (void)t_.nic->InjectRemoteHangUp(nic::ChannelId{a[0] % kChannels});
        stack_.Settle();
        break;
      case 9: {
        std::vector<uint8_t> frame(a[1] % 64 + 1, 0x7e);
        frame[0] = 0xff;
        (void)t_.nic->InjectFrame(nic::ChannelId{a[0] % kChannels}, frame);
        stack_.Settle();
        break;
      }
      case 10:
        if (!calls_.empty()) {
          const wan::Link* link = t_.ndiswan->core().FindLinkForCall(calls_[a[0] % calls_.size()]);
          if (link != nullptr) {
            const wan::UpperLinkId upper = link->upper;
            stack_.As(t_.proto_id, [&] { return t_.proto->Send(0, upper, a[1] % 64 + 1); });
            stack_.Settle();
          }
        }
        break;
      case 11: {
        const size_t n = std::min<size_t>(a[0] % 32, in.size());
        const nic::FaultPlan plan = nic::FaultPlanFromBytes(in.first(n), kChannels);
        in = in.subspan(n);
        for (const nic::ScheduledFault& f : plan.faults) (void)t_.nic->InjectFault(f);
        stack_.Settle();
        break;
      }
      case 12:
        Tapi([&] { return t_.ndiswan->Close(line_); });
        OpenLine();
        break;
      case 13:
        OnCall(a[0], [&](HTAPI_CALL c) { return t_.ndiswan->Accept(c); });
        break;
    }
    NoteNewCalls();
    return true;
  }

  WanMiniportOutcome Finish() {
    stack_.Settle();
    monitor_.Finish();
    WanMiniportOutcome out;
    out.built = t_.ndiswan != nullptr && t_.nic != nullptr;
    for (const monitor::Violation& v : monitor_.violations()) {
      if (IgnoredByEnvironment(v.rule)) break;  // a known failure ends the judging
      out.first_rule = v.rule;
      out.first_check = v.check;
      out.first_event = v.event_index;
      out.first_message = v.message;
      break;
    }
    if (out.built) Observe(&out);
    return out;
  }

 private:
  template <class F>
  NDIS_STATUS Tapi(F&& f) {
    const NDIS_STATUS s = stack_.As(t_.ndiswan_id, f);
    stack_.Settle();
    return s;
  }
  template <class F>
  void OnCall(uint8_t pick, F&& f) {
    if (calls_.empty()) return;
    const HTAPI_CALL call = calls_[pick % calls_.size()];
    Tapi([&] { return f(call); });
  }
  void OpenLine() {
    line_ = 0;
    Tapi([&] { return t_.ndiswan->Open(0, 0, &line_); });
  }
  // What NDISWAN saw: its requests, and per call its states and links.
  void Observe(WanMiniportOutcome* out) {
    for (const drivers::WanRequestRecord& r : t_.ndiswan->requests()) {
      out->requests.push_back({r.oid, r.completed && r.final_status == NDIS_STATUS_SUCCESS});
    }
    for (HTAPI_CALL call : calls_) {
      WanCallObservation o;
      if (const wan::TapiCall* tc = t_.ndiswan->core().FindCall(call)) {
        for (ULONG s : tc->states) {
          const bool milestone = s == LINECALLSTATE_OFFERING || s == LINECALLSTATE_CONNECTED ||
                                 s == LINECALLSTATE_DISCONNECTED || s == LINECALLSTATE_IDLE;
          if (milestone && (o.milestones.empty() || o.milestones.back() != s)) {
            o.milestones.push_back(s);
          }
        }
      }
      for (const auto& [key, link] : t_.ndiswan->core().links()) {
        if (link.connection_wrapper_id != reinterpret_cast<NDIS_HANDLE>(call)) continue;
        ++o.line_ups;
        o.line_downs += link.state == wan::LinkState::kDown;
        o.fragments += link.fragments;
        o.fragment_errors |= link.fragment_errors_seen;
        o.receives += link.receives;
      }
      out->calls.push_back(std::move(o));
    }
  }

  // The calls the miniport offered (LINE_NEWCALL's htCall, ulParam2).
  void NoteNewCalls() {
    const std::vector<wan::TapiEvent>& ev = t_.ndiswan->tapi_events();
    for (; seen_events_ < ev.size(); ++seen_events_) {
      if (ev[seen_events_].msg == LINE_NEWCALL && ev[seen_events_].param2 != 0) {
        calls_.push_back(ev[seen_events_].param2);
      }
    }
  }

  const conformance::Implementation& impl_;
  monitor::Monitor& monitor_;
  ndis::ByteChooser chooser_;
  stack::Stack stack_;
  conformance::RunHosts hosts_;
  stack::WanTopology t_;
  HTAPI_LINE line_ = 0;
  std::vector<HTAPI_CALL> calls_;
  size_t seen_events_ = 0;
};

}  // namespace

const conformance::Implementation* WanMiniportImplementation(const char* target) {
  static const conformance::Implementation* impl = [target] {
    std::string error;
    const conformance::Implementation* i = conformance::ImplementationFromEnvironment(&error);
    if (i != nullptr && IgnoredRulesFromEnvironment(&error) == nullptr) i = nullptr;
    if (i == nullptr) std::fprintf(stderr, "%s: %s\n", target, error.c_str());
    return i;
  }();
  return impl;
}

monitor::Monitor& SharedMonitor() {
  static monitor::Monitor* const monitor = new monitor::Monitor();
  return *monitor;
}

WanMiniportOutcome RunSelectedOrAbort(const char* target, const uint8_t* data, size_t size) {
  const conformance::Implementation* impl = WanMiniportImplementation(target);
  if (impl == nullptr) std::exit(2);
  WanMiniportOutcome o = RunWanMiniportProgram(*impl, data, size, SharedMonitor());
  if (!o.first_rule.empty()) {
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o.first_rule.c_str(),
                 o.first_check.c_str(), static_cast<unsigned long long>(o.first_event),
                 o.first_message.c_str());
    std::abort();
  }
  return o;
}

WanMiniportOutcome RunWanMiniportProgram(const conformance::Implementation& impl,
                                         const uint8_t* data, size_t size,
                                         monitor::Monitor& monitor) {
  std::span<const uint8_t> in(data, size);
  const size_t n = in.empty() ? 0 : std::min<size_t>(in[0], in.size() - 1);
  const std::span<const uint8_t> schedule = in.empty() ? in : in.subspan(1, n);
  in = in.empty() ? in : in.subspan(1 + n);
  WanMiniportOutcome out;
  {
    Run run(impl, schedule, monitor);
    while (!in.empty()) {
      const uint8_t tag = in[0];
      in = in.subspan(1);
      if (tag >= sizeof kOperands) continue;  // no such tag: skip its byte
      if (!run.Step(tag, in)) break;
    }
    out = run.Finish();
  }
  // Freed within the input: LeakSanitizer re-runs an input that allocates
  // more than it frees (see af_lifecycle).
  monitor.Reset();
  return out;
}

}  // namespace ndisconf::fuzz
