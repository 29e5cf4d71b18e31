// WAN-002, WAN-003, WAN-004 (with OQ-27) as the pure predicate states them:
// one test per condition, plus the allowed contexts next to each.
#include "spec/wan_context.h"

#include <gtest/gtest.h>

#include <vector>

namespace ndisconf::spec::wan {
namespace {

constexpr uint8_t kPassive = 0, kDispatch = 2, kDirql = 5;

// A serialized miniport's DPC: the ordinary, allowed context.
IndicationContext Dpc() {
  IndicationContext c;
  c.irql = kDispatch;
  return c;
}

std::vector<ContextViolation> All(const IndicationContext& c) {
  const ContextViolations v = CheckIndicationContext(c);
  return {v.begin(), v.end()};
}

TEST(IndicationContext, SerializedAtDispatchIsAllowed) {
  EXPECT_TRUE(CheckIndicationContext(Dpc()).empty());
  EXPECT_EQ(FirstIndicationContextViolation(Dpc()), std::nullopt);
}

TEST(IndicationContext, FromIsrBreaksWan002) {
  IndicationContext c = Dpc();
  c.in_isr = true;
  EXPECT_EQ(All(c), (std::vector<ContextViolation>{{RuleId::kWAN002, ContextFault::kInIsr}}));
}

TEST(IndicationContext, FromHaltBreaksWan002) {
  IndicationContext c = Dpc();
  c.in_halt = true;
  EXPECT_EQ(All(c), (std::vector<ContextViolation>{{RuleId::kWAN002, ContextFault::kInHalt}}));
}

TEST(IndicationContext, FromInitializeBreaksWan002OnlyWhenSerialized) {
  IndicationContext c = Dpc();
  c.in_initialize = true;
  EXPECT_EQ(
      All(c),
      (std::vector<ContextViolation>{{RuleId::kWAN002, ContextFault::kInSerializedInitialize}}));
  c.deserialized = true;
  c.irql = kPassive;
  EXPECT_TRUE(CheckIndicationContext(c).empty());
  // Attributes not yet known: not known to be deserialized, so serialized.
  c.deserialized = false;
  c.serialization_known = false;
  EXPECT_EQ(
      All(c),
      (std::vector<ContextViolation>{{RuleId::kWAN002, ContextFault::kInSerializedInitialize}}));
}

TEST(IndicationContext, SpinLockHeldBreaksWan003) {
  IndicationContext c = Dpc();
  c.spin_locks_held = 1;
  EXPECT_EQ(All(c),
            (std::vector<ContextViolation>{{RuleId::kWAN003, ContextFault::kSpinLockHeld}}));
  c.spin_locks_held = 3;
  EXPECT_EQ(CheckIndicationContext(c).size(), 1u);
}

TEST(IndicationContext, AboveDispatchBreaksWan004ForEitherSerialization) {
  IndicationContext c = Dpc();
  c.irql = kDirql;
  EXPECT_EQ(All(c),
            (std::vector<ContextViolation>{{RuleId::kWAN004, ContextFault::kIrqlAboveDispatch}}));
  c.deserialized = true;
  EXPECT_EQ(All(c),
            (std::vector<ContextViolation>{{RuleId::kWAN004, ContextFault::kIrqlAboveDispatch}}));
}

TEST(IndicationContext, SerializedBelowDispatchBreaksWan004Oq27) {
  IndicationContext c = Dpc();
  c.irql = kPassive;
  EXPECT_EQ(
      All(c),
      (std::vector<ContextViolation>{{RuleId::kWAN004, ContextFault::kSerializedNotAtDispatch}}));
  // Deserialized callers may run at or below DISPATCH_LEVEL (OQ-27).
  c.deserialized = true;
  EXPECT_TRUE(CheckIndicationContext(c).empty());
  // Serialization unknown: the serialized rule is not applied.
  c.deserialized = false;
  c.serialization_known = false;
  EXPECT_TRUE(CheckIndicationContext(c).empty());
}

TEST(IndicationContext, EveryViolationInRuleOrderAndTheFirst) {
  IndicationContext c;
  c.in_isr = c.in_halt = c.in_initialize = true;
  c.spin_locks_held = 2;
  c.irql = kDirql;
  EXPECT_EQ(All(c),
            (std::vector<ContextViolation>{{RuleId::kWAN002, ContextFault::kInIsr},
                                           {RuleId::kWAN002, ContextFault::kInHalt},
                                           {RuleId::kWAN002, ContextFault::kInSerializedInitialize},
                                           {RuleId::kWAN003, ContextFault::kSpinLockHeld},
                                           {RuleId::kWAN004, ContextFault::kIrqlAboveDispatch}}));
  EXPECT_EQ(FirstIndicationContextViolation(c),
            (ContextViolation{RuleId::kWAN002, ContextFault::kInIsr}));
  c.in_isr = c.in_halt = c.in_initialize = false;
  EXPECT_EQ(FirstIndicationContextViolation(c),
            (ContextViolation{RuleId::kWAN003, ContextFault::kSpinLockHeld}));
}

TEST(ContextFault, NamesAndRules) {
  EXPECT_STREQ(ToString(ContextFault::kSerializedNotAtDispatch), "serialized_not_at_dispatch");
  EXPECT_EQ(RuleOf(ContextFault::kInSerializedInitialize), RuleId::kWAN002);
  EXPECT_EQ(RuleOf(ContextFault::kSpinLockHeld), RuleId::kWAN003);
  EXPECT_EQ(RuleOf(ContextFault::kIrqlAboveDispatch), RuleId::kWAN004);
}

}  // namespace
}  // namespace ndisconf::spec::wan
