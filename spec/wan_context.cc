// Implementation of spec/wan_context.h.
#include "spec/wan_context.h"

#include <ndis.h>

namespace ndisconf::spec::wan {
namespace {

// The header takes the IRQL as a plain byte, so it needs no API header.
constexpr uint8_t kDispatchLevel = DISPATCH_LEVEL;
static_assert(kDispatchLevel == 2);

}  // namespace

const char* ToString(ContextFault fault) {
  switch (fault) {
    case ContextFault::kInIsr:
      return "in_isr";
    case ContextFault::kInHalt:
      return "in_halt";
    case ContextFault::kInSerializedInitialize:
      return "in_serialized_initialize";
    case ContextFault::kSpinLockHeld:
      return "spin_lock_held";
    case ContextFault::kIrqlAboveDispatch:
      return "irql_above_dispatch";
    case ContextFault::kSerializedNotAtDispatch:
      return "serialized_not_at_dispatch";
  }
  return "?";
}

RuleId RuleOf(ContextFault fault) {
  switch (fault) {
    case ContextFault::kInIsr:
    case ContextFault::kInHalt:
    case ContextFault::kInSerializedInitialize:
      return RuleId::kWAN002;
    case ContextFault::kSpinLockHeld:
      return RuleId::kWAN003;
    case ContextFault::kIrqlAboveDispatch:
    case ContextFault::kSerializedNotAtDispatch:
      return RuleId::kWAN004;
  }
  return RuleId::kWAN002;
}

ContextViolations CheckIndicationContext(const IndicationContext& c) {
  ContextViolations v;
  // WAN-002: not from MiniportISR or MiniportHalt; from MiniportInitialize
  // only if the miniport is deserialized.
  if (c.in_isr) v.Add(ContextFault::kInIsr);
  if (c.in_halt) v.Add(ContextFault::kInHalt);
  if (c.in_initialize && !c.deserialized) v.Add(ContextFault::kInSerializedInitialize);
  // WAN-003: every spin lock the caller acquired is released.
  if (c.spin_locks_held > 0) v.Add(ContextFault::kSpinLockHeld);
  // WAN-004 / OQ-27: never above DISPATCH_LEVEL; a serialized miniport at
  // exactly DISPATCH_LEVEL.
  if (c.irql > kDispatchLevel) {
    v.Add(ContextFault::kIrqlAboveDispatch);
  } else if (c.serialization_known && !c.deserialized && c.irql != kDispatchLevel) {
    v.Add(ContextFault::kSerializedNotAtDispatch);
  }
  return v;
}

std::optional<ContextViolation> FirstIndicationContextViolation(const IndicationContext& c) {
  const ContextViolations v = CheckIndicationContext(c);
  if (v.empty()) return std::nullopt;
  return v[0];
}

}  // namespace ndisconf::spec::wan
