#include "conformance/report/expectations.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ndisconf::report {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string Where(std::string_view file, int line, size_t column) {
  return std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// The first line of `text`, at most `limit` characters.
std::string FirstLine(const std::string& text, size_t limit) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > limit) line = line.substr(0, limit - 3) + "...";
  return line;
}

}  // namespace

const KnownFailure* Expectations::Find(std::string_view rule) const {
  for (const KnownFailure& f : failures) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

bool ParseExpectations(std::string_view file, std::string_view text,
                       const std::vector<catalog::Rule>& rules, Expectations* out,
                       std::string* error) {
  std::set<std::string_view> ids;
  for (const catalog::Rule& r : rules) ids.insert(r.id);
  out->failures.clear();
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    size_t i = 0;
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;
    size_t id_end = i;
    while (id_end < line.size() && !IsBlank(line[id_end])) ++id_end;
    const std::string id(line.substr(i, id_end - i));
    if (ids.count(id) == 0) {
      *error = Where(file, line_no, i + 1) +
               "expected a rule ID of the catalog (such as AF-034), "
               "found '" +
               id + "'";
      return false;
    }
    if (const KnownFailure* seen = out->Find(id)) {
      *error = Where(file, line_no, i + 1) + id + " is already listed on line " +
               std::to_string(seen->line);
      return false;
    }
    size_t reason = id_end;
    while (reason < line.size() && IsBlank(line[reason])) ++reason;
    size_t reason_end = line.size();
    while (reason_end > reason && IsBlank(line[reason_end - 1])) --reason_end;
    if (reason == reason_end) {
      *error = Where(file, line_no, id_end + 1) + "expected the reason " + id +
               " is known to fail, after the rule ID";
      return false;
    }
    out->failures.push_back({id, std::string(line.substr(reason, reason_end - reason)), line_no});
  }
  return true;
}

bool LoadExpectations(const std::string& path, bool missing_ok,
                      const std::vector<catalog::Rule>& rules, Expectations* out,
                      std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (missing_ok && !std::filesystem::exists(path, ec)) {
      out->failures.clear();
      return true;
    }
    *error = path + ": cannot read the expectations file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseExpectations(path, text.str(), rules, out, error);
}

ExpectationDiff CompareExpectations(const Expectations& expected,
                                    const std::vector<RuleVerdict>& verdicts) {
  ExpectationDiff diff;
  for (const RuleVerdict& v : verdicts) {
    const KnownFailure* known = expected.Find(v.rule->id);
    const bool failed = v.verdict == Verdict::kFail;
    if (failed && known == nullptr) diff.unexpected_failures.push_back(&v);
    if (!failed && known != nullptr) diff.unexpected_passes.emplace_back(known, &v);
    if (failed && known != nullptr) ++diff.expected_failures;
  }
  return diff;
}

void PrintExpectationDiff(std::ostream& out, const ExpectationDiff& diff,
                          std::string_view update_command) {
  for (const RuleVerdict* v : diff.unexpected_failures) {
    out << "unexpected failure: " << v->rule->id << ": " << FirstLine(v->detail, 200) << "\n";
  }
  for (const auto& [known, v] : diff.unexpected_passes) {
    out << "unexpected pass: " << known->rule << " is " << VerdictName(v->verdict) << ", but line "
        << known->line << " expects it to FAIL (" << known->reason << ")\n";
  }
  if (diff.ok()) {
    out << "expectations met: " << diff.expected_failures << " known failure(s)\n";
    return;
  }
  out << "expectations not met: " << diff.unexpected_failures.size() << " unexpected failure(s), "
      << diff.unexpected_passes.size()
      << " unexpected pass(es); fix the driver, or if the change is intended, rewrite the file: "
      << update_command << "\n";
}

void RewriteExpectations(std::ostream& out, std::string_view implementation,
                         const Expectations& previous, const std::vector<RuleVerdict>& verdicts) {
  out << "# ndisconf expectations for " << implementation
      << ": the rules known to FAIL, one per line,\n"
         "# the rule ID and the reason. A rule that FAILs and is not listed, or is listed\n"
         "# and does not FAIL, fails the test. Rewritten by ndisconf --update-expectations,\n"
         "# which keeps the reasons of rules that still FAIL.\n";
  for (const RuleVerdict& v : verdicts) {
    if (v.verdict != Verdict::kFail) continue;
    const KnownFailure* known = previous.Find(v.rule->id);
    out << v.rule->id << "  "
        << (known != nullptr ? known->reason : "new: " + FirstLine(v.detail, 160)) << "\n";
  }
}

}  // namespace ndisconf::report
