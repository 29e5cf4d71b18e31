// Tests for verdict semantics, escaping, and the exact output of each writer on a small input.
#include "conformance/report/report.h"

#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ndisconf::report {
namespace {

using catalog::Rule;

Rule MakeRule(const std::string& id, const std::string& level, const std::string& text,
              const std::string& testability = "testable") {
  return Rule{id, level, "NDIS", "5.1", "DDI:x", text, "R", testability, "-"};
}

// A small catalog: two TA rules, one untestable TA rule, one TW rule. Made-up prefixes, not spec
// IDs: a rule ID spelled out in a test file reads as a citation of that rule, and these tests
// check the report, not the rules.
std::vector<Rule> SmallCatalog() {
  return {
      MakeRule("TA-001", "MUST", "The CM registers the AF from ProtocolBindAdapterEx."),
      MakeRule("TA-002", "MUST NOT", "A client must not block while waiting for the close."),
      MakeRule("TA-003", "INFO", "Definition only.", "untestable: a definition"),
      MakeRule("TW-001", "SHOULD", "Short."),
  };
}

TestOutcome Outcome(const std::string& name, std::vector<std::string> rules,
                    TestOutcome::Result result, const std::string& message = "",
                    std::vector<Finding> findings = {}) {
  TestOutcome t;
  t.name = name;
  t.rules = std::move(rules);
  t.result = result;
  t.message = message;
  t.findings = std::move(findings);
  return t;
}

const RuleVerdict& VerdictFor(const std::vector<RuleVerdict>& vs, const std::string& id) {
  for (const RuleVerdict& v : vs) {
    if (v.rule->id == id) return v;
  }
  static RuleVerdict none;
  ADD_FAILURE() << "no verdict for " << id;
  return none;
}

// ---- Verdict semantics ----

TEST(ComputeVerdictsTest, UncitedTestableRuleIsInconclusive) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat, {}, {});
  ASSERT_EQ(vs.size(), 4u);
  EXPECT_EQ(vs[0].verdict, Verdict::kInconclusive);
  EXPECT_EQ(vs[0].detail, "no test cites this rule");
  EXPECT_TRUE(vs[0].tests.empty());
}

TEST(ComputeVerdictsTest, UncitedUntestableRuleGivesRecordedReason) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat, {}, {});
  EXPECT_EQ(VerdictFor(vs, "TA-003").verdict, Verdict::kInconclusive);
  EXPECT_EQ(VerdictFor(vs, "TA-003").detail, "untestable: a definition");
}

TEST(ComputeVerdictsTest, PassingCitingTestPasses) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat, {Outcome("T1", {"TA-001"}, TestOutcome::kPassed)}, {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kPass);
  EXPECT_EQ(VerdictFor(vs, "TA-001").tests, std::vector<std::string>{"T1"});
  EXPECT_EQ(VerdictFor(vs, "TA-001").detail, "");
}

// A passing test that took one of several allowed ways makes its rules
// ACCEPTABLE, naming the way and the test; a failure still wins.
TEST(ComputeVerdictsTest, PassThroughAnAllowedWayIsAcceptable) {
  std::vector<Rule> cat = SmallCatalog();
  TestOutcome pended = Outcome("T2", {"TA-001", "TA-002"}, TestOutcome::kPassed);
  pended.allowed_ways = {"open_af pended (the profile's may_pend lists it)"};
  auto vs = ComputeVerdicts(cat,
                            {Outcome("T1", {"TA-001"}, TestOutcome::kPassed), pended,
                             Outcome("T3", {"TA-002"}, TestOutcome::kFailed, "boom")},
                            {});
  const RuleVerdict& v = VerdictFor(vs, "TA-001");
  EXPECT_EQ(v.verdict, Verdict::kAcceptable);
  EXPECT_EQ(v.detail, "allowed: open_af pended (the profile's may_pend lists it) [test T2]");
  EXPECT_EQ(VerdictFor(vs, "TA-002").verdict, Verdict::kFail);
  const Counts c = CountVerdicts(vs);
  EXPECT_EQ(c.acceptable, 1);
  EXPECT_EQ(SummaryLine(c),
            "4 rules: 0 PASS, 1 ACCEPTABLE, 1 FAIL, 0 NOT_APPLICABLE, 2 INCONCLUSIVE");
  std::ostringstream junit;
  WriteJUnit(junit, vs);
  EXPECT_NE(junit.str().find("<system-out>ACCEPTABLE: allowed: open_af pended"), std::string::npos)
      << junit.str();
}

// A test that failed only on a monitor finding of another rule (its own
// checks passed) fails that rule, not the rules it cites; and the finding is
// its root with no consequences.
TEST(ComputeVerdictsTest, FailureOnFindingsOnlyFailsOnlyTheFindingsRules) {
  std::vector<Rule> cat = SmallCatalog();
  TestOutcome t = Outcome("T1", {"TA-001"}, TestOutcome::kFailed, "monitor: TA-002",
                          {{"TA-002", "close_ledger", 17, "close never completed"}});
  t.failed_on_findings_only = true;
  auto vs = ComputeVerdicts(cat, {t}, {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kPass);
  EXPECT_EQ(VerdictFor(vs, "TA-002").verdict, Verdict::kFail);
  std::vector<RootCause> roots = RootCauses({t});
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].rule, "TA-002");
  EXPECT_TRUE(roots[0].consequences.empty());
  // The same failure with the test's own checks failing fails TA-001 too.
  t.failed_on_findings_only = false;
  vs = ComputeVerdicts(cat, {t}, {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kFail);
  EXPECT_EQ(RootCauses({t})[0].consequences, std::vector<std::string>{"TA-001"});
}

TEST(ComputeVerdictsTest, FailingCitingTestFailsEvenIfAnotherPassed) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat,
                            {Outcome("T1", {"TA-001"}, TestOutcome::kPassed),
                             Outcome("T2", {"TA-001", "TA-002"}, TestOutcome::kFailed, "boom")},
                            {});
  const RuleVerdict& v = VerdictFor(vs, "TA-001");
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_EQ(v.detail, "test T2 failed: boom");
  EXPECT_EQ(v.tests, (std::vector<std::string>{"T1", "T2"}));
  EXPECT_EQ(VerdictFor(vs, "TA-002").verdict, Verdict::kFail);
}

TEST(ComputeVerdictsTest, FindingFailsRuleEvenInPassingTestThatDoesNotCiteIt) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(
      cat,
      {Outcome("T1", {"TA-001"}, TestOutcome::kPassed, "",
               {Finding{"TA-002", "no_blocking", 17, "client blocked in NotifyCloseAf"}})},
      {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kPass);
  const RuleVerdict& v = VerdictFor(vs, "TA-002");
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_EQ(v.detail, "event #17: client blocked in NotifyCloseAf [check no_blocking, test T1]");
  EXPECT_EQ(v.tests, std::vector<std::string>{"T1"});
}

TEST(ComputeVerdictsTest, FindingIsPreferredOverTestFailureAndOthersAreCounted) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs =
      ComputeVerdicts(cat,
                      {Outcome("T1", {"TA-001"}, TestOutcome::kFailed, "expected SUCCESS"),
                       Outcome("T2", {"TA-001"}, TestOutcome::kFailed, "x",
                               {Finding{"TA-001", "c", 3, "m1"}, Finding{"TA-001", "c", 9, "m2"}})},
                      {});
  const RuleVerdict& v = VerdictFor(vs, "TA-001");
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_EQ(v.detail, "event #3: m1 [check c, test T2] (+3 more)");
  EXPECT_EQ(v.failing_test, "T2");  // the test the detail names, not the first citing one
  const auto no_finding =
      ComputeVerdicts(cat,
                      {Outcome("T0", {"TA-001"}, TestOutcome::kPassed),
                       Outcome("T1", {"TA-001"}, TestOutcome::kFailed, "expected SUCCESS")},
                      {});
  EXPECT_EQ(VerdictFor(no_finding, "TA-001").failing_test, "T1");
  EXPECT_EQ(VerdictFor(no_finding, "TA-002").failing_test, "");
}

TEST(ComputeVerdictsTest, PassAndNotApplicableIsPass) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat,
                            {Outcome("T1", {"TA-001"}, TestOutcome::kNotApplicable, "no MCM"),
                             Outcome("T2", {"TA-001"}, TestOutcome::kPassed)},
                            {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kPass);
}

TEST(ComputeVerdictsTest, AllCitingTestsNotApplicableIsNotApplicable) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat,
                            {Outcome("T1", {"TA-001"}, TestOutcome::kNotApplicable, "NDIS 5 only"),
                             Outcome("T2", {"TA-001"}, TestOutcome::kNotApplicable)},
                            {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kNotApplicable);
  EXPECT_EQ(VerdictFor(vs, "TA-001").detail, "not applicable: T1: NDIS 5 only");
}

TEST(ComputeVerdictsTest, SkippedOnlyOrSkippedAndNotApplicableIsInconclusive) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat,
                            {Outcome("T1", {"TA-001"}, TestOutcome::kSkipped, "filtered"),
                             Outcome("T2", {"TA-002"}, TestOutcome::kSkipped, "filtered"),
                             Outcome("T3", {"TA-002"}, TestOutcome::kNotApplicable)},
                            {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").verdict, Verdict::kInconclusive);
  EXPECT_EQ(VerdictFor(vs, "TA-001").detail, "no citing test ran (1 skipped test): T1: filtered");
  EXPECT_EQ(VerdictFor(vs, "TA-002").verdict, Verdict::kInconclusive);
  EXPECT_EQ(VerdictFor(vs, "TA-002").detail,
            "no citing test ran (1 skipped test, 1 not applicable): T2: filtered");
}

TEST(ComputeVerdictsTest, CitingARuleTwiceCountsOnce) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(cat, {Outcome("T1", {"TA-001", "TA-001"}, TestOutcome::kPassed)}, {});
  EXPECT_EQ(VerdictFor(vs, "TA-001").tests, std::vector<std::string>{"T1"});
}

TEST(ComputeVerdictsTest, PrefixFilterKeepsCatalogOrder) {
  std::vector<Rule> cat = SmallCatalog();
  auto af = ComputeVerdicts(cat, {}, {"TA"});
  ASSERT_EQ(af.size(), 3u);
  EXPECT_EQ(af[0].rule->id, "TA-001");
  EXPECT_EQ(af[2].rule->id, "TA-003");
  auto wan = ComputeVerdicts(cat, {}, {"TW"});
  ASSERT_EQ(wan.size(), 1u);
  EXPECT_EQ(wan[0].rule, &cat[3]);
  EXPECT_EQ(ComputeVerdicts(cat, {}, {"TA", "TW"}).size(), 4u);
  EXPECT_TRUE(ComputeVerdicts(cat, {}, {"T"}).empty());  // whole prefix, not a string prefix
}

TEST(ComputeVerdictsTest, RuleIdSelectsThatRuleAlongsidePrefixes) {
  std::vector<Rule> cat = SmallCatalog();
  auto one = ComputeVerdicts(cat, {}, {"TA-002"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].rule, &cat[1]);
  auto mixed = ComputeVerdicts(cat, {}, {"TW", "TA-003"});
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[0].rule, &cat[2]);
  EXPECT_EQ(mixed[1].rule, &cat[3]);
}

TEST(ComputeVerdictsTest, FindingOnFilteredOutRuleIsIgnored) {
  std::vector<Rule> cat = SmallCatalog();
  auto vs = ComputeVerdicts(
      cat, {Outcome("T1", {"TA-001"}, TestOutcome::kPassed, "", {Finding{"TW-001", "c", 1, "m"}})},
      {"TA"});
  EXPECT_EQ(CountVerdicts(vs).fail, 0);
}

TEST(UnknownRuleIdsTest, ListsCitedAndFoundIdsMissingFromCatalog) {
  std::vector<Rule> cat = SmallCatalog();
  EXPECT_EQ(UnknownRuleIds(cat, {Outcome("T1", {"TA-001", "TA-09", "TA-09"}, TestOutcome::kPassed,
                                         "", {Finding{"XX-001", "c", 0, "m"}})}),
            (std::vector<std::string>{"TA-09", "XX-001"}));
  EXPECT_TRUE(UnknownRuleIds(cat, {Outcome("T1", {"TA-001"}, TestOutcome::kPassed)}).empty());
}

TEST(VerdictNameTest, Names) {
  EXPECT_STREQ(VerdictName(Verdict::kPass), "PASS");
  EXPECT_STREQ(VerdictName(Verdict::kAcceptable), "ACCEPTABLE");
  EXPECT_STREQ(VerdictName(Verdict::kFail), "FAIL");
  EXPECT_STREQ(VerdictName(Verdict::kNotApplicable), "NOT_APPLICABLE");
  EXPECT_STREQ(VerdictName(Verdict::kInconclusive), "INCONCLUSIVE");
}

// ---- Escaping ----

TEST(JsonEscapeTest, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(JsonEscape("plain"), "plain");
  EXPECT_EQ(JsonEscape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(JsonEscape("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
  EXPECT_EQ(JsonEscape(std::string("\x01\x1f", 2)), "\\u0001\\u001f");
  EXPECT_EQ(JsonEscape(std::string("a\0b", 3)), "a\\u0000b");
  EXPECT_EQ(JsonEscape("\x7f"), "\x7f");  // DEL is legal in JSON strings
  EXPECT_EQ(JsonEscape("/"), "/");
}

TEST(JsonEscapeTest, KeepsValidUtf8AndReplacesInvalid) {
  EXPECT_EQ(JsonEscape("caf\xC3\xA9 \xE2\x89\xA4 \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x89\xA4 \xF0\x9F\x98\x80");
  EXPECT_EQ(JsonEscape("\xff"), "\\ufffd");
  EXPECT_EQ(JsonEscape("\xC0\xAF"), "\\ufffd\\ufffd");             // overlong '/'
  EXPECT_EQ(JsonEscape("\xED\xA0\x80"), "\\ufffd\\ufffd\\ufffd");  // surrogate
  EXPECT_EQ(JsonEscape("x\xE2\x89"), "x\\ufffd\\ufffd");           // truncated sequence
}

TEST(XmlEscapeTest, EscapesMarkupAndReplacesIllegalCharacters) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
  EXPECT_EQ(XmlEscape(std::string("\x01\x00", 2)), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE is not an XML Char
  EXPECT_EQ(XmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(XmlEscape("]]>"), "]]&gt;");
}

// ---- Exact output on a small input ----

std::vector<TestOutcome> SmallOutcomes() {
  return {
      Outcome("OpenAf.Sync", {"TA-001"}, TestOutcome::kPassed),
      Outcome("CloseAf.Block", {"TA-002"}, TestOutcome::kFailed, "Expected <SUCCESS> & \"x\"",
              {Finding{"TA-002", "close_ledger", 17, "close never completed"}}),
      Outcome("Wan.LineUp", {"TW-001"}, TestOutcome::kNotApplicable, "no WAN model"),
  };
}

TEST(PrintTableTest, ExactOutput) {
  std::vector<Rule> cat = SmallCatalog();
  std::ostringstream out;
  PrintTable(out, ComputeVerdicts(cat, SmallOutcomes(), {}), TableStyle{80, false});
  EXPECT_EQ(out.str(),
            "ID      LEVEL     VERDICT         RULE\n"
            "TA-001  MUST      PASS            The CM registers the AF from\n"
            "                                  ProtocolBindAdapterEx.\n"
            "TA-002  MUST NOT  FAIL            A client must not block while waiting for the\n"
            "                                  close.\n"
            "                                  why: event #17: close never completed [check\n"
            "                                       close_ledger, test CloseAf.Block] (+1\n"
            "                                       more)\n"
            "TA-003  INFO      INCONCLUSIVE    Definition only.\n"
            "                                  why: untestable: a definition\n"
            "TW-001  SHOULD    NOT_APPLICABLE  Short.\n"
            "                                  why: not applicable: Wan.LineUp: no WAN model\n"
            "4 rules: 1 PASS, 0 ACCEPTABLE, 1 FAIL, 1 NOT_APPLICABLE, 1 INCONCLUSIVE\n");
}

TEST(PrintTableTest, WrapsLongRuleTextWithinTheWidthAndCutsNothing) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "word" + std::to_string(i) + " ";
  text += std::string(50, 'x') + "\nend";
  std::vector<Rule> cat = {MakeRule("TA-001", "MUST", text)};
  std::ostringstream out;
  PrintTable(
      out,
      ComputeVerdicts(cat, {Outcome("T", {"TA-001"}, TestOutcome::kFailed, "line1\nline2")}, {}),
      TableStyle{60, false});
  EXPECT_EQ(out.str(),
            "ID      LEVEL     VERDICT         RULE\n"
            "TA-001  MUST      FAIL            word0 word1 word2 word3\n"
            "                                  word4 word5 word6 word7\n"
            "                                  word8 word9 word10 word11\n"
            "                                  word12 word13 word14\n"
            "                                  word15 word16 word17\n"
            "                                  word18 word19 word20\n"
            "                                  word21 word22 word23\n"
            "                                  word24 word25 word26\n"
            "                                  word27 word28 word29\n"
            "                                  xxxxxxxxxxxxxxxxxxxxxxxxxx\n"
            "                                  xxxxxxxxxxxxxxxxxxxxxxxx\n"
            "                                  end\n"
            "                                  why: test T failed: line1\n"
            "                                       line2\n"
            "1 rules: 0 PASS, 0 ACCEPTABLE, 1 FAIL, 0 NOT_APPLICABLE, 0 INCONCLUSIVE\n");
}

TEST(PrintTableTest, EveryLineFitsTheWidthAndEveryReasonIsShown) {
  const std::vector<Rule> cat = SmallCatalog();  // outlives the verdicts, which point into it
  const std::vector<RuleVerdict> vs = ComputeVerdicts(cat, SmallOutcomes(), {});
  // 54 = the three fixed columns (34) + the narrowest rule text (20).
  for (size_t columns : {54, 60, 80, 100, 200}) {
    std::ostringstream out;
    PrintTable(out, vs, TableStyle{columns, false});
    std::istringstream lines(out.str());
    std::string line, all;
    while (std::getline(lines, line)) {
      if (line.find(" rules: ") == std::string::npos) {
        EXPECT_LE(line.size(), columns) << line;
      }
      all += line.substr(line.find_first_not_of(' ')) + " ";
    }
    EXPECT_NE(all.find("why: untestable: a definition"), std::string::npos) << all;  // INCONCLUSIVE
    EXPECT_NE(all.find("why: not applicable: Wan.LineUp: no WAN model"), std::string::npos) << all;
    EXPECT_NE(all.find("why: event #17:"), std::string::npos) << all;  // FAIL
  }
}

TEST(PrintTableTest, VerdictsAreColouredOnlyWhenAsked) {
  const std::vector<Rule> cat = SmallCatalog();
  const std::vector<RuleVerdict> vs = ComputeVerdicts(cat, SmallOutcomes(), {});
  std::ostringstream plain, colour;
  PrintTable(plain, vs, TableStyle{100, false});
  PrintTable(colour, vs, TableStyle{100, true});
  EXPECT_EQ(plain.str().find('\x1b'), std::string::npos);
  EXPECT_NE(colour.str().find("\x1b[32mPASS          \x1b[0m"), std::string::npos);
  EXPECT_NE(colour.str().find("\x1b[1;31mFAIL          \x1b[0m"), std::string::npos);
  EXPECT_NE(colour.str().find("\x1b[33mINCONCLUSIVE  \x1b[0m"), std::string::npos);
  EXPECT_NE(colour.str().find("\x1b[36mNOT_APPLICABLE\x1b[0m"), std::string::npos);
}

TEST(WriteJsonTest, ExactOutput) {
  std::vector<Rule> cat = SmallCatalog();
  cat.resize(2);
  std::ostringstream out;
  WriteJson(out, ComputeVerdicts(cat, SmallOutcomes(), {}),
            {{"implementation", "reference"}, {"note", "tab\there"}}, RootCauses(SmallOutcomes()));
  EXPECT_EQ(
      out.str(),
      "{\n"
      "  \"metadata\": {\n"
      "    \"implementation\": \"reference\",\n"
      "    \"note\": \"tab\\there\"\n"
      "  },\n"
      "  \"summary\": {\"total\": 2, \"PASS\": 1, \"ACCEPTABLE\": 0, \"FAIL\": 1, "
      "\"NOT_APPLICABLE\": 0, "
      "\"INCONCLUSIVE\": 0},\n"
      "  \"root_causes\": [\n"
      "    {\"rule\": \"TA-002\", \"check\": \"close_ledger\", \"message\": \"event #17: close "
      "never completed\", \"tests\": [\"CloseAf.Block (event #17)\"], \"consequences\": []}\n"
      "  ],\n"
      "  \"rules\": [\n"
      "    {\"id\": \"TA-001\", \"level\": \"MUST\", \"actor\": \"NDIS\", \"section\": \"5.1\", "
      "\"verdict\": \"PASS\", \"tests\": [\"OpenAf.Sync\"], \"detail\": \"\", \"testability\": "
      "\"testable\", \"text\": \"The CM registers the AF from ProtocolBindAdapterEx.\"},\n"
      "    {\"id\": \"TA-002\", \"level\": \"MUST NOT\", \"actor\": \"NDIS\", \"section\": "
      "\"5.1\", \"verdict\": \"FAIL\", \"tests\": [\"CloseAf.Block\"], \"detail\": \"event #17: "
      "close never completed [check close_ledger, test CloseAf.Block] (+1 more)\", "
      "\"testability\": \"testable\", \"text\": \"A client must not block while waiting for the "
      "close.\"}\n"
      "  ]\n"
      "}\n");
}

TEST(WriteJsonTest, EmptyInputIsValid) {
  std::ostringstream out;
  WriteJson(out, {}, {});
  EXPECT_EQ(out.str(),
            "{\n  \"metadata\": {},\n  \"summary\": {\"total\": 0, \"PASS\": 0, \"ACCEPTABLE\": 0, "
            "\"FAIL\": 0, "
            "\"NOT_APPLICABLE\": 0, \"INCONCLUSIVE\": 0},\n  \"root_causes\": [],\n"
            "  \"rules\": []\n}\n");
}

// A client never notified: one finding early in each of two tests, and the later rules those
// tests break are grouped under it; a failure without a finding is a root of its own.
TEST(RootCausesTest, GroupsLaterFailuresUnderTheEarliestFinding) {
  const std::vector<TestOutcome> outcomes = {
      Outcome("Notify.A", {"AF-020", "AF-030"}, TestOutcome::kFailed, "x",
              {Finding{"AF-031", "later", 40, "m2"}, Finding{"AF-004", "notify", 12, "m1"}}),
      Outcome("Notify.B", {"AF-033"}, TestOutcome::kFailed, "y",
              {Finding{"AF-004", "notify", 7, "m3"}}),
      Outcome("Plain.C", {"AF-090"}, TestOutcome::kFailed, "Expected 0"),
      Outcome("Clean.D", {"AF-001"}, TestOutcome::kPassed),
      Outcome("Finding.E", {"AF-001"}, TestOutcome::kPassed, "",
              {Finding{"AF-104", "vc", 3, "pended"}}),
  };
  const std::vector<RootCause> roots = RootCauses(outcomes);
  ASSERT_EQ(roots.size(), 3u);
  EXPECT_EQ(roots[0].rule, "AF-004");
  EXPECT_EQ(roots[0].check, "notify");
  EXPECT_EQ(roots[0].message, "event #12: m1");
  EXPECT_EQ(roots[0].tests,
            (std::vector<std::string>{"Notify.A (event #12)", "Notify.B (event #7)"}));
  EXPECT_EQ(roots[0].consequences,
            (std::vector<std::string>{"AF-020", "AF-030", "AF-031", "AF-033"}));
  EXPECT_EQ(roots[1].rule, "");
  EXPECT_EQ(roots[1].message, "test Plain.C failed: Expected 0");
  EXPECT_EQ(roots[1].consequences, (std::vector<std::string>{"AF-090"}));
  EXPECT_EQ(roots[2].rule, "AF-104");
  EXPECT_TRUE(roots[2].consequences.empty());
  std::ostringstream out;
  PrintRootCauses(out, roots);
  EXPECT_EQ(out.str(),
            "Root causes (fix these first):\n"
            "  AF-004 [notify]: event #12: m1; in 2 test(s); consequences: AF-020, AF-030, "
            "AF-031, AF-033\n"
            "  a test failure: test Plain.C failed: Expected 0; in 1 test(s); consequences: "
            "AF-090\n"
            "  AF-104 [vc]: event #3: pended; in 1 test(s)\n");
  std::ostringstream none;
  PrintRootCauses(none, RootCauses({outcomes[3]}));
  EXPECT_EQ(none.str(), "");
}

TEST(WriteJUnitTest, ExactOutput) {
  std::vector<Rule> cat = SmallCatalog();
  std::ostringstream out;
  std::vector<TestOutcome> outcomes = SmallOutcomes();
  outcomes[1].findings.clear();  // the failure then comes from the test message
  WriteJUnit(out, ComputeVerdicts(cat, outcomes, {}));
  EXPECT_EQ(out.str(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"ndisconf\" tests=\"4\" failures=\"1\" errors=\"0\" "
            "skipped=\"2\">\n"
            "  <testsuite name=\"TA\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\">\n"
            "    <testcase classname=\"ndisconf.TA\" name=\"TA-001\"/>\n"
            "    <testcase classname=\"ndisconf.TA\" name=\"TA-002\">\n"
            "      <failure message=\"test CloseAf.Block failed: Expected &lt;SUCCESS&gt; "
            "&amp; &quot;x&quot;\">MUST NOT TA-002: A client must not block while waiting for "
            "the close.\n"
            "test CloseAf.Block failed: Expected &lt;SUCCESS&gt; &amp; &quot;x&quot;\n"
            "tests: CloseAf.Block</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"ndisconf.TA\" name=\"TA-003\">\n"
            "      <skipped message=\"INCONCLUSIVE: untestable: a definition\"/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "  <testsuite name=\"TW\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
            "    <testcase classname=\"ndisconf.TW\" name=\"TW-001\">\n"
            "      <skipped message=\"NOT_APPLICABLE: not applicable: Wan.LineUp: no WAN "
            "model\"/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

TEST(WriteCoverageTest, ExactOutput) {
  std::vector<Rule> cat = SmallCatalog();
  RuleIndex tests = {{"TA-001", {"OpenAf.Sync", "OpenAf.Pending"}}, {"TW-009", {"Stray"}}};
  RuleIndex checks = {{"TA-001", {"open_ledger"}}, {"TW-001", {"a|b"}}};
  std::ostringstream out;
  WriteCoverage(out, cat, tests, checks);
  EXPECT_EQ(out.str(),
            "# Rule coverage\n"
            "\n"
            "A rule is covered when a conformance test or a monitor check cites its ID. A gap "
            "is a rule that nothing covers although the catalog does not record it as "
            "untestable.\n"
            "\n"
            "## Totals by level\n"
            "\n"
            "| Level | Rules | Test | Monitor check | Either | Not covered: untestable | Not "
            "covered: gap |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n"
            "| MUST | 1 | 1 | 1 | 1 | 0 | 0 |\n"
            "| MUST NOT | 1 | 0 | 0 | 0 | 0 | 1 |\n"
            "| SHOULD | 1 | 0 | 1 | 1 | 0 | 0 |\n"
            "| INFO | 1 | 0 | 0 | 0 | 1 | 0 |\n"
            "| All | 4 | 1 | 2 | 2 | 1 | 1 |\n"
            "\n"
            "## Totals by prefix\n"
            "\n"
            "| Prefix | Rules | Test | Monitor check | Either | Not covered: untestable | Not "
            "covered: gap |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n"
            "| TA | 3 | 1 | 1 | 1 | 1 | 1 |\n"
            "| TW | 1 | 0 | 1 | 1 | 0 | 0 |\n"
            "| All | 4 | 1 | 2 | 2 | 1 | 1 |\n"
            "\n"
            "## Rules\n"
            "\n"
            "| ID | Level | Tests | Monitor checks | Status |\n"
            "|---|---|---|---|---|\n"
            "| TA-001 | MUST | `OpenAf.Sync`, `OpenAf.Pending` | `open_ledger` | covered |\n"
            "| TA-002 | MUST NOT | - | - | gap: no test or monitor check cites it |\n"
            "| TA-003 | INFO | - | - | not covered: untestable: a definition |\n"
            "| TW-001 | SHOULD | - | `a\\|b` | covered |\n");
}

TEST(WritersTest, RunOnTheRealCatalog) {
  const std::vector<Rule>& cat = catalog::Catalog();
  auto vs = ComputeVerdicts(cat, {}, {"AF"});
  EXPECT_EQ(vs.size(), 98u);
  std::ostringstream table, json, junit, coverage;
  PrintTable(table, vs);
  WriteJson(json, vs, {});
  WriteJUnit(junit, vs);
  WriteCoverage(coverage, cat, {}, {});
  EXPECT_NE(
      table.str().find("98 rules: 0 PASS, 0 ACCEPTABLE, 0 FAIL, 0 NOT_APPLICABLE, 98 INCONCLUSIVE"),
      std::string::npos);
  EXPECT_NE(coverage.str().find("| All | 169 | 0 | 0 | 0 | 10 | 159 |"), std::string::npos);
}

}  // namespace
}  // namespace ndisconf::report
