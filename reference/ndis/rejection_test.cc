// The rejection record's vocabulary: every Reason and Unrecorded value has a
// distinct name, and Outcome compares and prints every typed field.
#include "reference/ndis/rejection.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ndisconf::ndis {
namespace {

using spec::RuleId;

TEST(Reason, EveryReasonHasADistinctName) {
  std::set<std::string> names;
  for (size_t i = 0; i < kReasonCount; ++i) {
    const std::string name = ToString(static_cast<Reason>(i));
    EXPECT_NE(name, "?") << "Reason " << i;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_STREQ(ToString(static_cast<Reason>(kReasonCount)), "?");
  EXPECT_STREQ(ToString(Reason::kNullArgument), "null_argument");
}

TEST(Unrecorded, EveryValueButNoneHasAName) {
  EXPECT_EQ(NameOf(Unrecorded::kNone), "");
  EXPECT_EQ(NameOf(Unrecorded::kNdisWaitEvent), "NdisWaitEvent");
  EXPECT_EQ(NameOf(Unrecorded::kRaiseInterrupt), "RaiseInterrupt");
}

TEST(Outcome, EqualOnlyWhenEveryTypedFieldIs) {
  const Outcome o(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE, Reason::kHasChildren,
                  RuleId::kAF057);
  EXPECT_EQ(o, Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE, Reason::kHasChildren,
                       RuleId::kAF057));
  EXPECT_NE(o, Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE, Reason::kHasChildren));
  EXPECT_NE(o, Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE, Reason::kClosing,
                       RuleId::kAF057));
  EXPECT_NE(o, Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_NOT_ACCEPTED, Reason::kHasChildren,
                       RuleId::kAF057));
  EXPECT_NE(o, Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_FAILURE, Reason::kHasChildren,
                       RuleId::kAF057));
  EXPECT_NE(Outcome(Unrecorded::kNdisSetEvent, NDIS_STATUS_INVALID_PARAMETER, Reason::kNullArgument,
                    std::nullopt, "Event"),
            Outcome(Unrecorded::kNdisResetEvent, NDIS_STATUS_INVALID_PARAMETER,
                    Reason::kNullArgument, std::nullopt, "Event"));
}

TEST(Rejection, PrintsItsOutcomeThenTheDetail) {
  Rejection r;
  r.fn = Fn::NdisClCloseAddressFamily;
  r.status = NDIS_STATUS_FAILURE;
  r.rule = RuleId::kAF057;
  r.reason = Reason::kHasChildren;
  r.detail = "the AF still has 1 SAP(s) and 0 VC(s)";
  EXPECT_EQ(r.function(), "NdisClCloseAddressFamily");
  EXPECT_EQ(r.ToString(),
            "NdisClCloseAddressFamily 0xc0000001 [AF-057] has_children: the AF still has 1 SAP(s) "
            "and 0 VC(s)");
  r.fn = Fn::kCount;
  r.unrecorded = Unrecorded::kNdisWaitEvent;
  r.rule.reset();
  r.reason = Reason::kWaitTimedOut;
  r.detail.clear();
  EXPECT_EQ(r.function(), "NdisWaitEvent");
  EXPECT_EQ(ToString(r.outcome()), "NdisWaitEvent 0xc0000001 wait_timed_out");
}

}  // namespace
}  // namespace ndisconf::ndis
