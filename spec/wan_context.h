// spec/wan_context.h: WAN-002, WAN-003 and WAN-004 as one pure
// predicate: may a WAN miniport, in the calling context described, call
// NdisMIndicateStatus (and, by the same rules, NdisMIndicateStatusComplete
// and NdisMWanIndicateReceive)?
//
// The reference NDIS, the rule monitor and the drivers' fake NDIS 5 each
// track the calling context from their own state (open frames, held locks,
// the IRQL, the miniport's attributes) and ask this function; none of them
// shares state with another. Pure: no state, no I/O; any context.
#ifndef NDISCONF_SPEC_WAN_CONTEXT_H_
#define NDISCONF_SPEC_WAN_CONTEXT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "spec/rule_id.h"

namespace ndisconf::spec::wan {

// The caller's context at the call, as its observer knows it.
struct IndicationContext {
  bool in_isr = false;         // inside the miniport's MiniportISR
  bool in_halt = false;        // inside its MiniportHalt (or MiniportShutdown)
  bool in_initialize = false;  // inside its MiniportInitialize
  // NDIS_ATTRIBUTE_DESERIALIZE as set by NdisMSetAttributesEx. When the
  // attributes are not known (a recorded trace that does not show them),
  // `serialization_known` is false and the serialized IRQL rule is not
  // applied; a miniport not known to be deserialized still counts as
  // serialized inside MiniportInitialize.
  bool deserialized = false;
  bool serialization_known = true;
  uint32_t spin_locks_held = 0;  // spin locks the caller acquired and holds
  uint8_t irql = 0;              // KIRQL at the call
};

// Why a context is not allowed; each names one condition of one rule.
enum class ContextFault : uint8_t {
  kInIsr,                    // WAN-002: from MiniportISR
  kInHalt,                   // WAN-002: from MiniportHalt
  kInSerializedInitialize,   // WAN-002: from MiniportInitialize of a serialized miniport
  kSpinLockHeld,             // WAN-003: with a spin lock held
  kIrqlAboveDispatch,        // WAN-004: above DISPATCH_LEVEL
  kSerializedNotAtDispatch,  // WAN-004 / OQ-27: serialized, below DISPATCH_LEVEL
};
inline constexpr size_t kContextFaultCount = 6;
const char* ToString(ContextFault fault);
// The rule a fault breaks.
RuleId RuleOf(ContextFault fault);

struct ContextViolation {
  RuleId rule = RuleId::kWAN002;
  ContextFault fault = ContextFault::kInIsr;
  friend bool operator==(ContextViolation, ContextViolation) = default;
};

// Every violated condition, in the order of ContextFault (WAN-002's, then
// WAN-003, then WAN-004); at most one WAN-004 fault (above DISPATCH_LEVEL
// is not also reported as "not at DISPATCH_LEVEL").
class ContextViolations {
 public:
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  const ContextViolation* begin() const { return v_.data(); }
  const ContextViolation* end() const { return v_.data() + n_; }
  const ContextViolation& operator[](size_t i) const { return v_[i]; }
  void Add(ContextFault fault) { v_[n_++] = ContextViolation{RuleOf(fault), fault}; }

 private:
  std::array<ContextViolation, kContextFaultCount> v_{};
  size_t n_ = 0;
};

// The rules (WAN-002, WAN-003, WAN-004 with OQ-27's answer: serialized
// callers at DISPATCH_LEVEL, deserialized callers at or below it), checked
// against `context`. Empty: allowed.
ContextViolations CheckIndicationContext(const IndicationContext& context);

// The first violation in that order, or nullopt when the call is allowed.
std::optional<ContextViolation> FirstIndicationContextViolation(const IndicationContext& context);

}  // namespace ndisconf::spec::wan

#endif  // NDISCONF_SPEC_WAN_CONTEXT_H_
