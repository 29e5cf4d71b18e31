// The checks every WAN family of the reference NDIS model uses (spec 1.2,
// 2.9, 3.9; WAN-002..WAN-004, OQ-19, OQ-27): refusals the version profile
// asks for, the NDIS 5 adapter lookup, and the forbidden-context test for
// status and receive indications.
#include "reference/ndis/model_impl.h"
#include "spec/wan_context.h"

namespace ndisconf::ndis {

// ---- Shared checks. ----

bool Model::Impl::RefusedByProfile(Fn fn, NDIS_STATUS status) {
  if (settings.wan_version_scope != Settings::WanVersionScope::kNdis6Only) return false;
  Reject(fn, status,
         Cause{Reason::kWanVersionScope,
               "OQ-19: the WAN version scope is NDIS 6 only, where the NDIS 5.1 legacy WAN "
               "functions are not available (NDIS 6 miniports cannot use NdisMIndicateStatus)"});
  return true;
}

Adapter* Model::Impl::Adapter5(Fn fn, NDIS_HANDLE handle, NDIS_STATUS status) {
  Cause why;
  Adapter* a = Resolve(adapters, handle, "MiniportAdapterHandle", &why);
  if (a == nullptr) {
    Reject(fn, status, why);
    return nullptr;
  }
  if (!a->ndis5) {
    Reject(
        fn, status,
        Cause{Reason::kWrongNdisVersion,
              "OQ-19: " + std::string(NameOf(fn)) +
                  " on the adapter of an NDIS 6 miniport (NDIS 6 miniports cannot use the NDIS 5.1 "
                  "functions, DDI:nf-ndis-ndismindicatestatus)"});
    return nullptr;
  }
  return a;
}

std::optional<Cause> Model::Impl::IndicationContextViolation(const Adapter* a) const {
  // The caller's context from the model's own state; the rules (WAN-002,
  // WAN-003, WAN-004 with OQ-27) are spec/wan_context.h's.
  spec::wan::IndicationContext ctx;
  ctx.in_isr = a->in_isr;
  ctx.in_halt = a->in_halt;  // MiniportShutdown: the model never calls it
  ctx.in_initialize = a->state == Adapter::State::kInitializing;
  ctx.deserialized = a->deserialized;
  ctx.irql = irql;
  // WAN-003 is about the caller's own locks, as the monitor's check reads
  // the rule; the count spares the scan when none is held, the common case.
  const void* held_lock = nullptr;
  ActorId holder = kNoActor;
  if (held_locks != 0) {
    const ActorId caller = Boundary::Get().CurrentActor();
    for (const auto& [lock, state] : locks) {
      if (state.held && state.holder == caller) {
        held_lock = lock;
        holder = state.holder;
        ctx.spin_locks_held = 1;
        break;
      }
    }
  }
  const std::optional<spec::wan::ContextViolation> v =
      spec::wan::FirstIndicationContextViolation(ctx);
  if (!v) return std::nullopt;
  std::string detail;
  switch (v->fault) {
    case spec::wan::ContextFault::kInIsr:
      detail = "WAN-002: called from MiniportISR";
      break;
    case spec::wan::ContextFault::kInHalt:
      detail = "WAN-002: called from MiniportHalt";
      break;
    case spec::wan::ContextFault::kInSerializedInitialize:
      detail = "WAN-002: called from MiniportInitialize of a serialized miniport";
      break;
    case spec::wan::ContextFault::kSpinLockHeld:
      detail = "WAN-003: spin lock " + Hex(held_lock) + " is held (acquired by driver #" +
               std::to_string(holder) + ")";
      break;
    case spec::wan::ContextFault::kIrqlAboveDispatch:
      detail = "WAN-004: called at IRQL " + std::to_string(irql) + ", above DISPATCH_LEVEL";
      break;
    case spec::wan::ContextFault::kSerializedNotAtDispatch:
      detail = "WAN-004 / OQ-27: a serialized miniport calls at DISPATCH_LEVEL; called at IRQL " +
               std::to_string(irql);
      break;
  }
  return Cause{Reason::kIndicationContext, std::move(detail), v->rule};
}

}  // namespace ndisconf::ndis
