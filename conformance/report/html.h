// conformance/report/html.h: the per-rule report as one self-contained HTML page.
//
// One page for one or several implementations judged in one run: a row per rule (its ID,
// level, actor, text and documentation sources) with each implementation's verdict, the
// failing event or test, and the command that replays it; above the table, each
// implementation's counts and its root causes (RootCauses), linked to their rules. The page
// filters its rows by verdict, by rule family (the ID's prefix) and by text, with no server
// and nothing fetched: the style and the script are inline. `?verdict=FAIL&family=AF&q=text`
// in the page's address presets the filters. Deterministic: the same input writes the same
// bytes.
#ifndef NDISCONF_CONFORMANCE_REPORT_HTML_H_
#define NDISCONF_CONFORMANCE_REPORT_HTML_H_

#include <ostream>
#include <string>
#include <vector>

#include "conformance/report/report.h"

namespace ndisconf::report {

struct HtmlImplementation {
  std::string name;
  std::string description;
  // One verdict per rule, the same rules in the same order for every implementation.
  std::vector<RuleVerdict> verdicts;
  std::vector<RootCause> roots;
  // The command that reruns this implementation's suite ("bazel run //tools:ndisconf --
  // --impl=reference"); the page appends --gtest_filter=<test> to replay one test.
  std::string replay;
};

// Writes the page. `implementations` must not be empty and must agree on the rules (the
// first one's order is the table's); a mismatch writes nothing and returns false.
bool WriteHtml(std::ostream& out, const std::vector<HtmlImplementation>& implementations,
               const Metadata& metadata);

}  // namespace ndisconf::report

#endif  // NDISCONF_CONFORMANCE_REPORT_HTML_H_
