// NDISCONF_IGNORE_RULES's parser (fuzz/ignored_rules.h).
#include "fuzz/ignored_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace ndisconf::fuzz {
namespace {

TEST(ParseRuleList, NamesCatalogRulesWithSpacesAndEmptyItems) {
  std::string error;
  const std::optional<RuleSet> r = ParseRuleList(" WAN-033,, AF-062 ,", &error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->count(), 2u);
  EXPECT_TRUE(Contains(*r, "WAN-033"));
  EXPECT_TRUE(Contains(*r, "AF-062"));
  EXPECT_FALSE(Contains(*r, "WAN-024"));
  EXPECT_FALSE(Contains(*r, "not-a-rule"));
}

TEST(ParseRuleList, EmptyTextNamesNoRule) {
  std::string error;
  const std::optional<RuleSet> r = ParseRuleList("", &error);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->none());
}

TEST(ParseRuleList, AMisspeltIdIsAnErrorThatNamesIt) {
  std::string error;
  EXPECT_FALSE(ParseRuleList("WAN-033,WAN-33", &error));
  EXPECT_EQ(error, "'WAN-33' is no rule ID of the catalog (AF-001 ... WAN-103)");
  EXPECT_FALSE(ParseRuleList("wan-033", &error));
  EXPECT_EQ(error, "'wan-033' is no rule ID of the catalog (AF-001 ... WAN-103)");
}

}  // namespace
}  // namespace ndisconf::fuzz
