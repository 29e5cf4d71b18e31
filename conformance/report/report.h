// conformance/report/report.h: per-rule verdicts from test outcomes and monitor findings, and
// their output formats (text table, JSON, JUnit XML, markdown coverage).
//
// The main job (//tools:ndisconf) runs the conformance suite, turns each test into a
// TestOutcome (the rule IDs it cites, its result, the monitor's findings during it), calls
// ComputeVerdicts, and writes the verdicts with the writers below. Nothing here runs tests or
// reads files; every function is deterministic and may be called from any thread on
// distinct data.
#ifndef NDISCONF_CONFORMANCE_REPORT_REPORT_H_
#define NDISCONF_CONFORMANCE_REPORT_REPORT_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conformance/catalog/catalog.h"

namespace ndisconf::report {

// A monitor violation: check `check` found that the trace broke rule `rule` at event
// `event_index` (0-based index into the test's event trace).
struct Finding {
  std::string rule;   // rule ID, e.g. "AF-034"
  std::string check;  // monitor check name, e.g. "open_af_pending_ledger"
  uint64_t event_index = 0;
  std::string message;  // one line
};

// What one conformance test did.
struct TestOutcome {
  enum Result { kPassed, kFailed, kSkipped, kNotApplicable };
  std::string name;                // "OpenAf/Reference.PendingThenComplete"
  std::vector<std::string> rules;  // IDs the test cites
  Result result = kPassed;
  std::string message;  // first failure message (kFailed), reason (kSkipped/kNotApplicable)
  std::vector<Finding> findings;  // monitor violations seen while the test ran
  // kFailed only because of `findings`: the test's own checks passed. Its cited rules are
  // then judged as passed; each finding fails the rule it names.
  bool failed_on_findings_only = false;
  // Outcomes the spec allows in several ways that the driver took one way of, each with
  // what justified it ("open_af pended (the profile's may_pend lists it)").
  std::vector<std::string> allowed_ways;
};

enum class Verdict { kPass, kAcceptable, kFail, kNotApplicable, kInconclusive };

// "PASS", "ACCEPTABLE", "FAIL", "NOT_APPLICABLE", "INCONCLUSIVE".
const char* VerdictName(Verdict verdict);

struct RuleVerdict {
  const catalog::Rule* rule = nullptr;  // not owned; points into the catalog passed in
  Verdict verdict = Verdict::kInconclusive;
  std::vector<std::string> tests;  // tests citing the rule or reporting a finding on it
  std::string detail;              // why: failing event or test, or why inconclusive
  std::string failing_test;        // FAIL: the test the detail names; empty otherwise
};

// One verdict per catalog rule whose ID prefix ("AF") or whole ID ("AF-034") is in `prefixes`
// (all rules if `prefixes` is empty), in catalog order:
//   FAIL            a monitor finding (in any test) names the rule, or a test citing it failed
//                   its own checks (not only on findings, which fail the rules they name);
//                   detail is the first such finding ("event #17: <message> [check <c>, test
//                   <t>]") or failure ("test <t> failed: <message>"), then "(+N more)".
//   ACCEPTABLE      otherwise, if at least one citing test passed and a passing citing test
//                   got there by one of the outcomes the spec allows in several ways (its
//                   allowed_ways); detail: the first such way and its test.
//   PASS            otherwise, if at least one citing test passed.
//   NOT_APPLICABLE  otherwise, if the rule is cited and every citing test was not applicable.
//   INCONCLUSIVE    otherwise: no citing test (detail: the catalog's "untestable: ..." reason,
//                   or "no test cites this rule"), or all citing tests skipped or a mix of
//                   skipped and not applicable.
// Rule IDs in `outcomes` that are not in `catalog` are ignored here (see UnknownRuleIds).
// The result points into `catalog`, which must outlive it.
std::vector<RuleVerdict> ComputeVerdicts(const std::vector<catalog::Rule>& catalog,
                                         const std::vector<TestOutcome>& outcomes,
                                         const std::vector<std::string>& prefixes);

// Rule IDs cited by tests or named by findings that the catalog does not have (typos, or a
// catalog that lags the spec), sorted, each once.
std::vector<std::string> UnknownRuleIds(const std::vector<catalog::Rule>& catalog,
                                        const std::vector<TestOutcome>& outcomes);

// The defect behind failures. When one defect makes many rules FAIL (a client never notified
// fails dozens of later rules), the report leads with the root: in each test that failed or
// had a monitor finding, the earliest finding (by event) is the root, and every other rule
// that failed in that test (its other findings' rules, and its cited rules if its own checks failed) is a
// consequence. A test that failed without any finding is a root of its own, named by its
// failure. Roots are grouped by (rule, check) across tests.
struct RootCause {
  std::string rule;                // the root finding's rule; empty for a failure without a finding
  std::string check;               // its monitor check; empty likewise
  std::string message;             // the first test's finding message, or its failure message
  std::vector<std::string> tests;  // where it is the root: "test (event #N)"
  std::vector<std::string> consequences;  // rule IDs, sorted, each once, without `rule`
};
// Sorted by how much each explains (consequences and tests), most first, then by rule ID.
std::vector<RootCause> RootCauses(const std::vector<TestOutcome>& outcomes);

// "AF-061 [cm-unbind-closes-afs]: <message>; in N test(s); consequences: AF-121, ..." lines,
// one per root, under the heading "Root causes (fix these first):"; nothing when there are
// none.
void PrintRootCauses(std::ostream& out, const std::vector<RootCause>& roots);

// Number of verdicts of each kind.
struct Counts {
  int pass = 0, acceptable = 0, fail = 0, not_applicable = 0, inconclusive = 0;
  int total() const { return pass + acceptable + fail + not_applicable + inconclusive; }
};
Counts CountVerdicts(const std::vector<RuleVerdict>& verdicts);
// "<n> rules: <p> PASS, <a> ACCEPTABLE, <f> FAIL, <na> NOT_APPLICABLE, <i> INCONCLUSIVE".
std::string SummaryLine(const Counts& counts);

// How the text table is laid out: the width to fit (in columns) and whether verdicts carry
// ANSI colour (only when the output is a terminal that wants it; see tools/cli).
struct TableStyle {
  size_t columns = 100;
  bool color = false;
};

// Aligned text table: ID, LEVEL, VERDICT, RULE. The rule text wraps at word boundaries to fit
// `style.columns` (never narrower than 20 columns of text); nothing is cut. A verdict with a
// detail (the failing event or test for FAIL, the reason for NOT_APPLICABLE and
// INCONCLUSIVE, the allowed way for ACCEPTABLE) gets it on the following lines, "why: ...",
// wrapped the same way. Control characters print as spaces and invalid UTF-8 as U+FFFD. Ends
// with SummaryLine.
void PrintTable(std::ostream& out, const std::vector<RuleVerdict>& verdicts,
                const TableStyle& style = TableStyle{});

// One implementation's verdicts as a column of PrintMatrix; `verdicts` is not owned.
struct MatrixColumn {
  std::string name;
  const std::vector<RuleVerdict>* verdicts = nullptr;
};

// Several implementations side by side: ID, LEVEL, then a column per implementation headed by
// its name, with PASS, ACC (ACCEPTABLE), FAIL, N/A (NOT_APPLICABLE) or INC (INCONCLUSIVE); no
// rule text. The
// columns must list the same rules in the same order (the first column's order is used;
// a column that is shorter shows "?"). Verdicts are coloured as in PrintTable when
// `style.color`.
void PrintMatrix(std::ostream& out, const std::vector<MatrixColumn>& columns,
                 const TableStyle& style = TableStyle{});

// Run metadata written into the JSON report, in order (e.g. {"implementation", "reference"}).
using Metadata = std::vector<std::pair<std::string, std::string>>;

// JSON object {"metadata": {...}, "summary": {...}, "root_causes": [...], "rules": [...]};
// every string is escaped
// (quotes, backslash, control characters as \uXXXX or short escapes; invalid UTF-8 bytes
// become U+FFFD), so the output is valid JSON whatever the test messages contain.
void WriteJson(std::ostream& out, const std::vector<RuleVerdict>& verdicts,
               const Metadata& metadata, const std::vector<RootCause>& roots = {});

// JUnit XML: one <testsuite> per rule prefix, one <testcase> per rule (classname
// "ndisconf.<prefix>", name = rule ID), <failure> for FAIL, <skipped> for NOT_APPLICABLE and
// INCONCLUSIVE, a passing testcase with the allowed way in <system-out> for ACCEPTABLE. Text is XML-escaped; characters XML 1.0 cannot carry (most control characters,
// invalid UTF-8) become U+FFFD.
void WriteJUnit(std::ostream& out, const std::vector<RuleVerdict>& verdicts);

// Rule ID -> names (tests or monitor checks), as collected by the main job.
using RuleIndex = std::map<std::string, std::vector<std::string>>;

// Markdown coverage report: totals per level and per prefix (rules; covered by a test; by a
// monitor check; by either; not covered and recorded untestable; not covered and testable,
// i.e. a gap), then one row per rule with its tests and checks, or the recorded reason it is
// not covered.
void WriteCoverage(std::ostream& out, const std::vector<catalog::Rule>& catalog,
                   const RuleIndex& tests_per_rule, const RuleIndex& checks_per_rule);

// Escapers, exposed for tests and for other writers.
std::string JsonEscape(std::string_view s);  // without the surrounding quotes
std::string XmlEscape(std::string_view s);

}  // namespace ndisconf::report

#endif  // NDISCONF_CONFORMANCE_REPORT_REPORT_H_
