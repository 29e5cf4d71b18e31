// The checked-in RuleId header (spec/rule_id.h) is up
// to date with the catalog: byte for byte what the generator makes of the
// embedded rules.tsv, and one RuleId per catalog rule, in order.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "conformance/catalog/catalog.h"
#include "spec/rule_id.h"
#include "spec/rule_id_gen.h"

namespace ndisconf::spec {
namespace {

constexpr std::string_view kCheckedIn =
#include "conformance/catalog/rule_id_h.inc"
    ;

TEST(RuleIdHeader, CheckedInHeaderIsWhatTheGeneratorMakesOfTheCatalog) {
  std::string generated, error;
  ASSERT_TRUE(GenerateRuleIdHeader(catalog::EmbeddedTsv(), &generated, &error)) << error;
  EXPECT_TRUE(generated == kCheckedIn)
      << "spec/rule_id.h is out of date with rules.tsv; regenerate it:\n"
         "  bazel run //spec:rule_id_gen -- \"$PWD/conformance/catalog/rules.tsv\" \\\n"
         "    > spec/rule_id.h";
}

TEST(RuleIdHeader, EveryCatalogRuleHasItsRuleIdInCatalogOrder) {
  const auto& rules = catalog::Catalog();
  ASSERT_EQ(rules.size(), kRuleIdCount);
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleId id = static_cast<RuleId>(i);
    EXPECT_EQ(ToString(id), rules[i].id);
    EXPECT_EQ(RuleIdFromString(rules[i].id), id) << rules[i].id;
  }
  EXPECT_EQ(ToString(RuleId::kAF004), "AF-004");
  EXPECT_EQ(ToString(RuleId::kWAN103), "WAN-103");
}

TEST(RuleIdHeader, UnknownTextHasNoRuleId) {
  EXPECT_EQ(RuleIdFromString("AF-999"), std::nullopt);
  EXPECT_EQ(RuleIdFromString("af-004"), std::nullopt);
  EXPECT_EQ(RuleIdFromString(""), std::nullopt);
  EXPECT_EQ(ToString(static_cast<RuleId>(kRuleIdCount)), "?");
}

TEST(RuleIdGenerator, MalformedCatalogIsRefusedWithItsLine) {
  std::string out, error;
  EXPECT_FALSE(GenerateRuleIdHeader("id\tlevel\nAF-1\tMUST\n", &out, &error));
  EXPECT_EQ(error, "line 2: rule ID 'AF-1' is not PREFIX-NNN");
  EXPECT_FALSE(GenerateRuleIdHeader("id\tlevel\nAF-001\tMUST\nAF-001\tMAY\n", &out, &error));
  EXPECT_EQ(error, "line 3: rule ID AF-001 repeats");
  EXPECT_FALSE(GenerateRuleIdHeader("id\tlevel\nAF-001\n", &out, &error));
  EXPECT_EQ(error, "line 2: no tab after the rule ID");
  EXPECT_FALSE(GenerateRuleIdHeader("id\tlevel\n", &out, &error));
  EXPECT_EQ(error, "no rule rows");
}

}  // namespace
}  // namespace ndisconf::spec
