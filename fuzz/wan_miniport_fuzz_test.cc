// Fuzz target: a WAN miniport under test, driven from both of its edges in
// any order (spec 5.10-5.17): from above as NDISTAPI drives it through
// NDISWAN (TAPI requests) and as a protocol sends through NDISWAN, from below
// as the remote end and the line drive it through the software NIC (calls
// offered and hung up, frames, faults), with NIC time and the model's
// scheduler in between. The rule monitor watches every crossing.
//
// The miniport is NDISCONF_IMPL's (default: the reference): a driver
// plugged in whole as a wan_miniport (conformance/plugin), which finds the
// NIC through <wan_nic.h>, or the implementation's Wmp. NDISWAN, the
// protocol and the NIC are the implementation's, or the reference's.
//
// An input fails (abort, after the line
//   ndisconf-violation: <RULE-ID> check=<check> event=<N>
// ) on the first monitor violation in event order, after a crash or a
// sanitizer report. A violation of a rule that NDISCONF_IGNORE_RULES or the
// expectations file NDISCONF_EXPECTATIONS names (fuzz/ignored_rules.h) fails
// nothing and ends the judging of the input: what breaks after a known
// failure is taken for its consequence.
//
// Every input runs on a new stack (a plugged-in driver's image is loaded
// afresh, its globals as at start-up), so inputs are independent.
//
// Input: a byte n, then n bytes for the model's scheduler (ndis::ByteChooser),
// then records, each a tag byte and its operands; a record cut short by the
// end of the input is dropped, and a tag with no entry is skipped (one
// byte). The line is opened first (PROVIDER_INITIALIZE, OPEN of line 0).
// Calls are numbered in the order they appear: MAKE_CALL's and those the
// miniport offers with LINE_NEWCALL; `c` picks one (c mod count).
//   0 PUMP n          (n mod 16) + 1 ticks of NIC time, settling after each
//   1 MAKE_CALL       dial "5551234" on the line
//   2 GET_ID c        OID_TAPI_GET_ID("ndis") on call c
//   3 DROP c
//   4 CLOSE_CALL c
//   5 MEDIA m         SET_DEFAULT_MEDIA_DETECTION: bit 0 digital data,
//                     bit 1 data modem
//   6 INCOMING ch b   the peer calls channel ch mod 2, bearer b mod 3
//   7 ANSWER c
//   8 HANGUP ch       the peer hangs up on channel ch mod 2
//   9 FRAME ch len    the peer sends (len mod 64) + 1 bytes on channel ch mod 2
//  10 SEND c len      the protocol sends (len mod 64) + 1 bytes on call c's
//                     link, if it has one
//  11 FAULT n ...     the next n mod 32 bytes, decoded as a fault plan
//                     (nic::FaultPlanFromBytes, 2 channels): each fault is
//                     injected now
//  12 CLOSE_LINE      OID_TAPI_CLOSE, then OPEN again
//  13 ACCEPT c
#include <ndis.h>
#include <ndistapi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "fuzz/ignored_rules.h"
#include "reference/boundary/boundary.h"
#include "reference/ndis/scheduler.h"
#include "reference/nic/fault_plan.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf {
namespace {

namespace wan = drivers::wan;

// Operands per tag; a tag past the end has no entry.
constexpr uint8_t kOperands[] = {1, 0, 1, 1, 1, 1, 2, 1, 1, 2, 2, 1, 0, 1};
constexpr uint32_t kChannels = 2;

struct Outcome {
  std::string first_rule, first_check, first_message;
  uint64_t first_event = 0;
};

class Run {
 public:
  Run(const conformance::Implementation& impl, std::span<const uint8_t> schedule,
      monitor::Monitor& monitor)
      : impl_(impl), monitor_(monitor), chooser_(schedule), stack_({}, &chooser_) {
    monitor_.Reset();
    if (impl_.host) {
      host_ = impl_.host(stack_.model());
      Boundary::Get().SetHost(host_.get());
    }
    if (impl_.wan_host) {
      wan_host_ = impl_.wan_host(stack_.model());
      Boundary::Get().SetWanHost(wan_host_.get());
    }
    Boundary::Get().AddSink(&monitor_);
    stack::WanTopologyParts parts;
    parts.nic.channel_count = kChannels;
    parts.wmp = [this](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise)
        -> std::unique_ptr<drivers::Driver> {
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
          const wan::Link* link =
              t_.ndiswan->core().FindLinkForCall(calls_[a[0] % calls_.size()]);
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

  Outcome Finish() {
    stack_.Settle();
    monitor_.Finish();
    Outcome out;
    for (const monitor::Violation& v : monitor_.violations()) {
      if (fuzz::IgnoredByEnvironment(v.rule)) break;  // a known failure ends the judging
      out.first_rule = v.rule;
      out.first_check = v.check;
      out.first_event = v.event_index;
      out.first_message = v.message;
      break;
    }
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
  std::unique_ptr<NdisHost> host_;
  std::unique_ptr<NdisWanHost> wan_host_;
  stack::WanTopology t_;
  HTAPI_LINE line_ = 0;
  std::vector<HTAPI_CALL> calls_;
  size_t seen_events_ = 0;
};

const conformance::Implementation* Selected() {
  static const conformance::Implementation* impl = [] {
    std::string error;
    const conformance::Implementation* i = conformance::ImplementationFromEnvironment(&error);
    if (i != nullptr && fuzz::IgnoredRulesFromEnvironment(&error) == nullptr) i = nullptr;
    if (i == nullptr) std::fprintf(stderr, "wan_miniport: %s\n", error.c_str());
    return i;
  }();
  return impl;
}

std::optional<Outcome> RunInput(const uint8_t* data, size_t size) {
  const conformance::Implementation* impl = Selected();
  if (impl == nullptr) return std::nullopt;
  static monitor::Monitor* const monitor = new monitor::Monitor();
  std::span<const uint8_t> in(data, size);
  const size_t n = in.empty() ? 0 : std::min<size_t>(in[0], in.size() - 1);
  const std::span<const uint8_t> schedule = in.empty() ? in : in.subspan(1, n);
  in = in.empty() ? in : in.subspan(1 + n);
  Outcome out;
  {
    Run run(*impl, schedule, *monitor);
    while (!in.empty()) {
      const uint8_t tag = in[0];
      in = in.subspan(1);
      if (tag >= sizeof kOperands) continue;  // no such tag: skip its byte
      if (!run.Step(tag, in)) break;
    }
    out = run.Finish();
  }
  // Freed within the input (see af_lifecycle: LeakSanitizer re-runs an
  // input that allocates more than it frees).
  monitor->Reset();
  return out;
}

}  // namespace
}  // namespace ndisconf

// An unknown NDISCONF_IMPL or a malformed NDISCONF_IGNORE_RULES /
// NDISCONF_EXPECTATIONS stops the run before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (ndisconf::Selected() == nullptr) std::exit(2);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::optional<ndisconf::Outcome> o = ndisconf::RunInput(data, size);
  if (!o) std::exit(2);
  if (!o->first_rule.empty()) {
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", o->first_rule.c_str(),
                 o->first_check.c_str(), static_cast<unsigned long long>(o->first_event),
                 o->first_message.c_str());
    std::abort();
  }
  return 0;
}
