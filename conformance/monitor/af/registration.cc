// Rule family "registration" (spec 5.1, AF-001 ... AF-009): a call
// manager registers an address family from its ProtocolBindAdapterEx, an
// MCM from its MiniportInitializeEx; NDIS refuses duplicates, non-CO
// drivers and bad handles; only the owning call manager acts on its AFs and
// SAPs.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Adapter;
using af::Binding;
using af::BState;
using af::Driver;
using af::Reg;

namespace af {
namespace {
constexpr Fn kRegistrationFns[] = {
    Fn::MiniportInitializeEx,
    Fn::NdisCmRegisterAddressFamilyEx,
    Fn::NdisMCmRegisterAddressFamilyEx,
    Fn::NdisMSetMiniportAttributes,
};
}  // namespace
constinit const Monitor::State::Family kRegistration = {"registration", kRegistrationFns,
                                                        &Monitor::State::RegistrationCall,
                                                        &Monitor::State::RegistrationReturn};
}  // namespace af

void Monitor::State::RegistrationCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportInitializeEx: {
      Adapter& ad = adapters[a[0]];
      ad = Adapter{};
      ad.actor = e.actor;
      ad.init_call = e.index;
      D(e.actor).miniport = true;
      break;
    }
    case Fn::NdisCmRegisterAddressFamilyEx:
      CmRegisterCall(e, a, f, false);
      break;
    case Fn::NdisMCmRegisterAddressFamilyEx:
      CmRegisterCall(e, a, f, true);
      break;
    default:
      break;
  }
}

void Monitor::State::RegistrationReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
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
    case Fn::NdisCmRegisterAddressFamilyEx:
      CmRegisterReturn(e, f, false);
      break;
    case Fn::NdisMCmRegisterAddressFamilyEx:
      CmRegisterReturn(e, f, true);
      break;
    default:
      break;
  }
}

void Monitor::State::CmRegisterCall(const Event& e, const uint64_t* a, Frame& f, bool mcm) {
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
    CheckBindingUse(e, a[0], "NdisCmRegisterAddressFamilyEx on a closed binding handle");
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
  // AF-004 is per adapter: another CM's binding to the same adapter may hold
  // the type already (known when the trace names bindings' adapters).
  const Binding* bd = mcm ? nullptr : FindBinding(key);
  const uint64_t adapter = bd != nullptr && bd->actor == e.actor ? bd->adapter : 0;
  const Reg* other = nullptr;
  for (size_t i = 0; !dup && adapter != 0 && i < regs.size(); ++i)
    if (regs[i].live && !regs[i].mcm && regs[i].adapter == adapter && regs[i].af[0] == type)
      other = &regs[i];
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
  if (other != nullptr && st != kFailure)
    Report(k004, e, key,
           "a registration of AF " + Hex(type) + " on adapter " + Hex(adapter) +
               ", where binding " + Hex(other->key) + " already registered it, returned " + St(st) +
               ", expected FAILURE");
  if (st != kSuccess || dup || other != nullptr) return;
  Reg r;
  r.key = key;
  r.actor = e.actor;
  r.mcm = mcm;
  r.af[0] = f.arg[1];
  r.af[1] = f.arg[2];
  r.af[2] = f.arg[3];
  r.in_call = f.cb_obj;
  r.adapter = adapter;
  reg_by_key[Key{key, type}] = regs.size();
  regs.push_back(r);
}

bool Monitor::State::CheckOwningCm(const Event& e, ActorId owner, uint64_t h, std::string message,
                                   std::string state) {
  if (owner == e.actor) return true;
  Report(k009, e, h, std::move(message), std::move(state));
  return false;
}

}  // namespace ndisconf::monitor
