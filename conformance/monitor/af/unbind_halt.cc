// Rule family "unbind_halt" (spec 5.8, AF-120 ... AF-123): bindings open
// and close; a client closes its AFs before NdisCloseAdapterEx (AF-120); an
// unbind closes the binding and completes (AF-122); a closed binding handle
// is never used again (AF-123). Halting an MCM's adapter withdraws its
// registrations.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::AState;
using af::Binding;
using af::BState;
using af::Kind;

namespace af {
namespace {
constexpr Fn kUnbindHaltFns[] = {
    Fn::ProtocolBindAdapterEx,       Fn::MiniportHaltEx,    Fn::ProtocolOpenAdapterCompleteEx,
    Fn::NdisCloseAdapterEx,          Fn::NdisUnbindAdapter, Fn::ProtocolCloseAdapterCompleteEx,
    Fn::NdisCompleteUnbindAdapterEx, Fn::NdisOpenAdapterEx, Fn::ProtocolUnbindAdapterEx,
};
}  // namespace
constinit const Monitor::State::Family kUnbindHalt = {"unbind_halt", kUnbindHaltFns,
                                                      &Monitor::State::UnbindHaltCall,
                                                      &Monitor::State::UnbindHaltReturn};
}  // namespace af

void Monitor::State::UnbindHaltCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::ProtocolBindAdapterEx:
      // The adapter the bind is for (trace version 2; 0 when not known), for
      // the binding that NdisOpenAdapterEx opens with this BindContext.
      bind_adapter[AK(e.actor, a[1])] = a[3];
      break;
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
      CheckBindingUse(e, a[0], "NdisCloseAdapterEx on a binding handle that is already closed",
                      true);
      f.obj_known = bd && bd->state != BState::kClosed && bd->state != BState::kClosing;
      break;
    }
    case Fn::NdisUnbindAdapter: {
      // AF-123 / AF-126: the handle is invalid once the binding is closed.
      CheckBindingUse(e, a[0], "NdisUnbindAdapter on a closed binding handle", true);
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
      unbind_owed_binding.erase(AK(e.actor, a[0]));
      if (unbind_owed.erase(AK(e.actor, a[0])) == 0)
        Report(k122, e, a[0],
               "NdisCompleteUnbindAdapterEx for an unbind that is not pending (UnbindContext " +
                   Hex(a[0]) + ")");
      break;
    }
    default:
      break;
  }
}

void Monitor::State::UnbindHaltReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::MiniportHaltEx: {
      if (!f.obj_known) break;
      const uint64_t mh = f.obj;
      CheckMcmHalted(e, mh);
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
      if (auto it = bind_adapter.find(AK(e.actor, f.arg[2])); it != bind_adapter.end())
        bd.adapter = it->second;
      binding_by_ctx[AK(e.actor, bd.ctx)] = b;
      break;
    }
    case Fn::NdisCloseAdapterEx: {
      if (!f.obj_known) break;
      const uint64_t b = f.arg[0];
      CheckClientBindingClosed(e, b, e.actor);
      CheckCmBindingClosed(e, b, e.actor);
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
        unbind_owed_binding[AK(e.actor, f.arg[0])] = b;
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
    default:
      break;
  }
}

// AF-120: when a client's NdisCloseAdapterEx returns, no AF it opened on
// that binding is open or opening.
void Monitor::State::CheckClientBindingClosed(const Event& e, uint64_t b, ActorId actor) {
  for (const auto& [h, af] : afs) {
    if (af.Ended()) continue;
    if (af.client == actor && af.client_binding == b && !af.client_closed)
      Report(k120, e, h,
             "the client closed its binding (NdisCloseAdapterEx) with the AF still " +
                 std::string(af.state == AState::kOpening ? "opening" : "open"),
             AfDesc(af));
  }
}

bool Monitor::State::CheckBindingUse(const Event& e, uint64_t b, std::string message,
                                     bool with_state) {
  const Binding* bd = FindBinding(b);
  if (!bd || (bd->state != BState::kClosing && bd->state != BState::kClosed)) return false;
  Report(k123, e, b, std::move(message),
         with_state ? (bd->state == BState::kClosing ? "CLOSING" : "CLOSED") : "");
  return true;
}

void Monitor::State::UnbindHaltFinish() {
  for (const auto& [k, idx] : unbind_owed) {
    // A call manager whose client refused the notify-close (AF-068) of an
    // AF that still has VCs waits for them: deleting them needs its binding.
    const auto bit = unbind_owed_binding.find(k);
    bool waits_for_client = false;
    for (const auto& [h, af] : afs)
      if (bit != unbind_owed_binding.end() && !af.cm_is_mcm && af.cm_key == bit->second &&
          af.notify_refused && !af.Ended() && af.vcs > 0)
        waits_for_client = true;
    if (waits_for_client) continue;
    Report(k122, idx, k.v,
           "ProtocolUnbindAdapterEx returned PENDING and the protocol never called "
           "NdisCompleteUnbindAdapterEx");
  }
}

}  // namespace ndisconf::monitor
