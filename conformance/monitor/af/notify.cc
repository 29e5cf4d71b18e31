// Rule family "notify" (spec 5.2, AF-020 ... AF-025): NDIS tells every
// bound CoNDIS client about each registered AF through
// ProtocolCoAfRegisterNotify, at PASSIVE_LEVEL, after the registrar has
// returned (OQ-03), with the registered CO_ADDRESS_FAMILY.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Binding;
using af::BState;
using af::Reg;

namespace af {
namespace {
constexpr Fn kNotifyFns[] = {
    Fn::ProtocolCoAfRegisterNotify,
};
}  // namespace
constinit const Monitor::State::Family kNotify = {"notify", kNotifyFns, &Monitor::State::NotifyCall,
                                                  nullptr};
}  // namespace af

// ProtocolCoAfRegisterNotify: who gets it, when, and about what.
void Monitor::State::NotifyCall(const Event& e, const uint64_t* a, Frame& f) {
  CheckNotifyHandler(e);
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
  Binding* bd = FindBinding(b);
  if (bd && bd->state == BState::kOpen) {
    // AF-040 holds the client until its ProtocolClOpenAfCompleteEx: an open
    // pending at the CM, or completed there but not yet delivered.
    bool waiting = bd->opening > 0;
    for (const auto& [h, af] : afs)
      if (af.client_binding == b && af.open_complete_owed) waiting = true;
    if (waiting) bd->Defer(type);
  }
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

}  // namespace ndisconf::monitor
