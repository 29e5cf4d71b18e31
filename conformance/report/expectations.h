// conformance/report/expectations.h: an implementation's known failures.
//
// A team whose driver breaks some rules today records them in an
// expectations file, each with a reason, so that its CI stays green on the
// known failures and goes red on any change: a rule that newly FAILs, or a
// listed rule that no longer does (fixed: the file must say so). The file is
// text, one known failure per line:
//
//   # a line starting with '#' is a comment; blank lines are ignored
//   AF-053  close completes with the AF's last signalling status (ACME-112)
//
// The rule ID first, then at least one space or tab, then the reason (free
// text, required). `RewriteExpectations` writes this form; the main job's
// --update-expectations calls it. Nothing here reads or writes files.
#ifndef NDISCONF_CONFORMANCE_REPORT_EXPECTATIONS_H_
#define NDISCONF_CONFORMANCE_REPORT_EXPECTATIONS_H_

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/catalog/catalog.h"
#include "conformance/report/report.h"

namespace ndisconf::report {

struct KnownFailure {
  std::string rule;
  std::string reason;
  int line = 0;  // in the file, from 1
};

struct Expectations {
  std::vector<KnownFailure> failures;  // in file order
  const KnownFailure* Find(std::string_view rule) const;
};

// Parses `text` (the contents of `file`, named only in messages). On error
// returns false with `*error` = "FILE:LINE:COL: what was expected": a line
// that does not start with a catalog rule ID, a rule listed twice, or a
// rule without a reason.
bool ParseExpectations(std::string_view file, std::string_view text,
                       const std::vector<catalog::Rule>& rules, Expectations* out,
                       std::string* error);

// Reads the file at `path` and parses it as above. A file that does not exist
// is an empty list when `missing_ok` (a first rewrite), and otherwise, like
// any unreadable file, an error "PATH: cannot read the expectations file".
bool LoadExpectations(const std::string& path, bool missing_ok,
                      const std::vector<catalog::Rule>& rules, Expectations* out,
                      std::string* error);

// How the verdicts of a run differ from the expectations. Only the rules
// the run judged (those in `verdicts`) are compared.
struct ExpectationDiff {
  // FAIL, and not listed: the verdict's rule and detail.
  std::vector<const RuleVerdict*> unexpected_failures;
  // Listed, and not FAIL: the listing and the verdict the rule got.
  std::vector<std::pair<const KnownFailure*, const RuleVerdict*>> unexpected_passes;
  // Listed, and FAIL, as expected.
  size_t expected_failures = 0;
  bool ok() const { return unexpected_failures.empty() && unexpected_passes.empty(); }
};
ExpectationDiff CompareExpectations(const Expectations& expected,
                                    const std::vector<RuleVerdict>& verdicts);

// Prints the diff for a person: one line per difference, what to do about
// it, and a summary line ("expectations met: N known failure(s)" or
// "expectations not met: U unexpected failure(s), P unexpected pass(es)").
// `update_command` is how to rewrite the file (shown when it differs).
void PrintExpectationDiff(std::ostream& out, const ExpectationDiff& diff,
                          std::string_view update_command);

// The file that makes `verdicts` expected: every FAIL rule in catalog
// order, with its reason from `previous` when it was listed there, and
// otherwise "new: " and the verdict's detail (a person should edit it).
// `implementation` names the implementation in the header comment.
void RewriteExpectations(std::ostream& out, std::string_view implementation,
                         const Expectations& previous, const std::vector<RuleVerdict>& verdicts);

}  // namespace ndisconf::report

#endif  // NDISCONF_CONFORMANCE_REPORT_EXPECTATIONS_H_
