#include "conformance/report/expectations.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/catalog/catalog.h"

namespace ndisconf::report {
namespace {

const std::vector<catalog::Rule>& Rules() { return catalog::Catalog(); }

const catalog::Rule* RuleById(const std::string& id) {
  for (const catalog::Rule& r : Rules()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

RuleVerdict V(const std::string& id, Verdict verdict, std::string detail = "") {
  RuleVerdict v;
  v.rule = RuleById(id);
  v.verdict = verdict;
  v.detail = std::move(detail);
  return v;
}

TEST(Expectations, ParsesRulesReasonsAndComments) {
  Expectations e;
  std::string error;
  ASSERT_TRUE(ParseExpectations("x.expectations",
                                "# known failures\n\nAF-053  completes with the last status\n"
                                "  AF-104\tpends DeleteVc on a VC that had a call  \r\n"
                                "AF-061 see #12\n",
                                Rules(), &e, &error))
      << error;
  ASSERT_EQ(e.failures.size(), 3u);
  EXPECT_EQ(e.failures[0].rule, "AF-053");
  EXPECT_EQ(e.failures[0].reason, "completes with the last status");
  EXPECT_EQ(e.failures[0].line, 3);
  EXPECT_EQ(e.failures[1].rule, "AF-104");
  EXPECT_EQ(e.failures[1].reason, "pends DeleteVc on a VC that had a call");
  EXPECT_EQ(e.failures[2].reason, "see #12");
  EXPECT_NE(e.Find("AF-104"), nullptr);
  EXPECT_EQ(e.Find("AF-034"), nullptr);
}

TEST(Expectations, RejectsAnUnknownRuleWithLineAndColumn) {
  Expectations e;
  std::string error;
  EXPECT_FALSE(ParseExpectations("f", "AF-053 ok\n  AF-999 no such rule\n", Rules(), &e, &error));
  EXPECT_EQ(error, "f:2:3: expected a rule ID of the catalog (such as AF-034), found 'AF-999'");
}

TEST(Expectations, RejectsARuleListedTwice) {
  Expectations e;
  std::string error;
  EXPECT_FALSE(ParseExpectations("f", "AF-053 a\nAF-053 b\n", Rules(), &e, &error));
  EXPECT_EQ(error, "f:2:1: AF-053 is already listed on line 1");
}

TEST(Expectations, RejectsARuleWithoutAReason) {
  Expectations e;
  std::string error;
  EXPECT_FALSE(ParseExpectations("f", "AF-053   \n", Rules(), &e, &error));
  EXPECT_EQ(error, "f:1:7: expected the reason AF-053 is known to fail, after the rule ID");
}

TEST(Expectations, ComparesFailuresBothWays) {
  Expectations e;
  std::string error;
  ASSERT_TRUE(ParseExpectations("f", "AF-053 known\nAF-061 fixed since\n", Rules(), &e, &error));
  const std::vector<RuleVerdict> verdicts = {
      V("AF-053", Verdict::kFail), V("AF-061", Verdict::kPass),
      V("AF-104", Verdict::kFail, "event #9: pended"), V("AF-034", Verdict::kPass)};
  const ExpectationDiff diff = CompareExpectations(e, verdicts);
  EXPECT_FALSE(diff.ok());
  EXPECT_EQ(diff.expected_failures, 1u);
  ASSERT_EQ(diff.unexpected_failures.size(), 1u);
  EXPECT_EQ(diff.unexpected_failures[0]->rule->id, "AF-104");
  ASSERT_EQ(diff.unexpected_passes.size(), 1u);
  EXPECT_EQ(diff.unexpected_passes[0].first->rule, "AF-061");
  std::ostringstream out;
  PrintExpectationDiff(out, diff, "bazel run //x:y_update_expectations");
  EXPECT_EQ(out.str(),
            "unexpected failure: AF-104: event #9: pended\n"
            "unexpected pass: AF-061 is PASS, but line 2 expects it to FAIL (fixed since)\n"
            "expectations not met: 1 unexpected failure(s), 1 unexpected pass(es); fix the "
            "driver, or if the change is intended, rewrite the file: bazel run "
            "//x:y_update_expectations\n");
}

TEST(Expectations, OnlyJudgedRulesAreCompared) {
  Expectations e;
  std::string error;
  ASSERT_TRUE(ParseExpectations("f", "WAN-011 outside this run's rules\n", Rules(), &e, &error));
  const ExpectationDiff diff = CompareExpectations(e, {V("AF-053", Verdict::kPass)});
  EXPECT_TRUE(diff.ok());
  std::ostringstream out;
  PrintExpectationDiff(out, diff, "-");
  EXPECT_EQ(out.str(), "expectations met: 0 known failure(s)\n");
}

TEST(Expectations, RewriteKeepsReasonsAndParsesBack) {
  Expectations before;
  std::string error;
  ASSERT_TRUE(ParseExpectations("f", "AF-104 ours\nAF-061 fixed\n", Rules(), &before, &error));
  const std::vector<RuleVerdict> verdicts = {V("AF-053", Verdict::kFail, "event #4: x\nmore"),
                                             V("AF-061", Verdict::kPass),
                                             V("AF-104", Verdict::kFail, "event #9")};
  std::ostringstream out;
  RewriteExpectations(out, "acme", before, verdicts);
  Expectations after;
  ASSERT_TRUE(ParseExpectations("f", out.str(), Rules(), &after, &error)) << error << out.str();
  ASSERT_EQ(after.failures.size(), 2u);
  EXPECT_EQ(after.failures[0].rule, "AF-053");
  EXPECT_EQ(after.failures[0].reason, "new: event #4: x");
  EXPECT_EQ(after.failures[1].rule, "AF-104");
  EXPECT_EQ(after.failures[1].reason, "ours");
  EXPECT_TRUE(CompareExpectations(after, verdicts).ok());
}

TEST(Expectations, LoadsAFileAndTellsAMissingOneApart) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/known.expectations";
  std::ofstream(path) << "AF-053 known\n";
  Expectations e;
  std::string error;
  ASSERT_TRUE(LoadExpectations(path, false, Rules(), &e, &error)) << error;
  ASSERT_EQ(e.failures.size(), 1u);
  EXPECT_EQ(e.failures[0].rule, "AF-053");
  const std::string missing = dir + "/none.expectations";
  EXPECT_TRUE(LoadExpectations(missing, /*missing_ok=*/true, Rules(), &e, &error));
  EXPECT_TRUE(e.failures.empty());
  EXPECT_FALSE(LoadExpectations(missing, /*missing_ok=*/false, Rules(), &e, &error));
  EXPECT_EQ(error, missing + ": cannot read the expectations file");
}

}  // namespace
}  // namespace ndisconf::report
