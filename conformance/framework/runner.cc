#include "conformance/framework/runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/catalog/catalog.h"
#include "conformance/framework/implementation.h"
#include "conformance/framework/recorder.h"
#include "conformance/monitor/monitor.h"
#include "conformance/report/expectations.h"
#include "conformance/report/html.h"
#include "conformance/report/report.h"
#include "tools/cli/cli.h"

namespace ndisconf::conformance {
namespace {

constexpr char kUsage[] = R"(ndisconf: run the conformance suite against an NDIS implementation and
print a per-rule verdict table.

Usage: ndisconf [options] [gtest flags]

Options:
  --impl=NAME[,NAME...]
                       implementations under test (default: reference); see
                       --list; "all" for every one. With several, the table has a
                       verdict column each and --out gets a report per name
  --list               list the implementations (the reference and its seeded-bug
                       variants) and exit
  --rules=R[,R...]     rules to report, each a prefix (AF, WAN) or a rule ID
                       (AF-034); default: AF,WAN; an unknown one is an error
  --out=DIR            write DIR/<impl>.json (report), DIR/<impl>.junit.xml and
                       DIR/<impl>.html; default under `bazel run`:
                       <workspace>/out/ndisconf
  --json=FILE          write the JSON report to FILE
  --junit=FILE         write the JUnit XML report to FILE
  --html=FILE          write the HTML report (every implementation on one page,
                       root causes first, filterable) to FILE; default under
                       --out: <impl>.html, or report.html for several
  --replay-command=TEXT
                       the command the HTML report gives to rerun a failing
                       test, before --impl=<impl> --gtest_filter=<test>
                       (default: bazel run //tools:ndisconf --)
  --traces=DIR         record each test's run as a trace file in DIR
                       (ndisconf-trace 2; check one with //tools/trace_check)
  --coverage=FILE      write the markdown rule-coverage report to FILE: for each
                       rule, the tests and monitor checks that cover it, or the
                       recorded reason it is not covered
  --expect-fail=RULE   exit 0 only if RULE's verdict is FAIL (used to prove that
                       the suite rejects a seeded-bug variant with the right rule)
  --expectations=FILE  the implementation's known failures (docs/plugging_in.md):
                       exit 0 only if the rules that FAIL are exactly the ones
                       FILE lists; "none" expects no FAIL
  --update-expectations=FILE
                       run, then rewrite FILE so that it lists exactly the
                       rules that FAIL (keeping the reasons of those it listed)
  --update-command=TEXT
                       how the expectations are rewritten, shown when they are
                       not met (the Bazel macro passes its _update target)
  --verbose            print every test as it runs (GoogleTest's own output);
                       by default stderr shows a progress line (updated in
                       place on a terminal, every 10% otherwise) and each
                       failure in full
  --help               this text

A relative FILE or DIR is relative to the folder the command was typed in,
also under `bazel run` (BUILD_WORKING_DIRECTORY); an expectations FILE that
starts with // is relative to the workspace (BUILD_WORKSPACE_DIRECTORY).

Verdicts: PASS (a test checked the rule and passed, and the monitor reported no
violation of it), FAIL (a citing test failed, or the monitor reported a
violation; the failing event is shown), NOT_APPLICABLE (the implementation does
not implement what the rule is about; the test's reason is shown), INCONCLUSIVE
(no test checks the rule; the catalog's reason is shown). The table fits the
terminal ($COLUMNS, else its width; 100 columns in a file or pipe) and wraps
long text; verdicts are coloured on a terminal unless NO_COLOR is set.

Exit status: 0 if no rule FAILs (with --expect-fail: if RULE FAILs; with
--expectations: if the expectations are met; with --update-expectations: once
the file is written); 1 otherwise; 2 on a usage or I/O error. Every output
(--out, --json, --junit, --html, --coverage, --traces) is checked before any
test runs; a report is replaced
only once it has been written in full. Other flags go to GoogleTest (e.g.
--gtest_filter=*OpenAf*).
)";

struct Options {
  std::string impl = "reference";
  std::vector<std::string> prefixes = {"AF", "WAN"};
  std::string out_dir, json, junit, coverage, expect_fail, traces;
  std::string expectations, update_expectations, update_command, html, replay_command;
  bool list = false, verbose = false, help = false;
};

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Consumes our own flags from argv, leaving the rest (argv[0] and gtest's).
bool ParseOptions(int* argc, char** argv, Options* o, std::string* error) {
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    auto text = [&](const char* name, std::string* dst) {
      const std::string prefix = std::string(name) + "=";
      if (arg.rfind(prefix, 0) != 0) return false;
      *dst = arg.substr(prefix.size());
      return true;
    };
    // A path the user typed is relative to where they ran `bazel run`.
    auto path = [&](const char* name, std::string* dst) {
      if (!text(name, dst)) return false;
      *dst = cli::UserPath(*dst);
      return true;
    };
    std::string rules;
    if (path("--out", &o->out_dir) || path("--json", &o->json) || path("--junit", &o->junit) ||
        path("--html", &o->html) || path("--coverage", &o->coverage) ||
        path("--traces", &o->traces)) {
      continue;
    }
    if (text("--impl", &o->impl) || text("--expect-fail", &o->expect_fail) ||
        text("--update-command", &o->update_command) ||
        text("--replay-command", &o->replay_command)) {
      continue;
    }
    if (text("--expectations", &o->expectations) ||
        text("--update-expectations", &o->update_expectations)) {
      continue;
    }
    if (text("--rules", &rules)) {
      o->prefixes = SplitCommas(rules);
      continue;
    }
    if (arg == "--list") {
      o->list = true;
      continue;
    }
    if (arg == "--verbose") {
      o->verbose = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      o->help = true;
      continue;
    }
    if (arg.rfind("--gtest_", 0) != 0 && arg.rfind("--", 0) == 0) {
      *error = "unknown option " + arg + " (see --help)";
      return false;
    }
    argv[kept++] = argv[i];
  }
  *argc = kept;
  return true;
}

// Collects each test's result as GoogleTest reports it.
class OutcomeListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestPartResult(const ::testing::TestPartResult& part) override {
    if (part.failed() && first_failure_.empty()) {
      first_failure_ = std::string(part.file_name() ? part.file_name() : "?") + ":" +
                       std::to_string(part.line_number()) + ": " + part.summary();
    }
  }
  void OnTestStart(const ::testing::TestInfo&) override { first_failure_.clear(); }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    report::TestOutcome o;
    o.name = std::string(info.test_suite_name()) + "." + info.name();
    const ::testing::TestResult* r = info.result();
    if (r->Skipped()) {
      o.result = report::TestOutcome::kSkipped;
    } else if (r->Failed()) {
      o.result = report::TestOutcome::kFailed;
      o.message = first_failure_;
      // Keep the table readable: the first line of the failure only.
      if (auto nl = o.message.find('\n'); nl != std::string::npos) o.message.resize(nl);
    }
    outcomes_.push_back(std::move(o));
  }
  std::vector<report::TestOutcome>& outcomes() { return outcomes_; }

 private:
  std::string first_failure_;
  std::vector<report::TestOutcome> outcomes_;
};

// --rules names only catalog prefixes or rule IDs, selects at least one
// rule, and includes the --expect-fail rule if one is given.
bool CheckRuleSelection(const Options& o, std::string* error) {
  const std::vector<catalog::Rule>& rules = catalog::Catalog();
  std::vector<std::string> prefixes;
  for (const catalog::Rule& r : rules) {
    if (std::find(prefixes.begin(), prefixes.end(), r.prefix()) == prefixes.end()) {
      prefixes.emplace_back(r.prefix());
    }
  }
  if (o.prefixes.empty()) {
    *error = "--rules selects no rule (give prefixes such as AF,WAN or rule IDs)";
    return false;
  }
  for (const std::string& p : o.prefixes) {
    if (std::find(prefixes.begin(), prefixes.end(), p) != prefixes.end()) continue;
    if (catalog::FindRule(p) != nullptr) continue;
    std::string known;
    for (const std::string& k : prefixes) known += (known.empty() ? "" : ", ") + k;
    *error = "--rules: unknown rule prefix or ID '" + p + "' (prefixes: " + known + ")";
    return false;
  }
  if (!o.expect_fail.empty()) {
    const catalog::Rule* r = catalog::FindRule(o.expect_fail);
    const auto& sel = o.prefixes;
    if (std::find(sel.begin(), sel.end(), std::string(r->prefix())) == sel.end() &&
        std::find(sel.begin(), sel.end(), r->id) == sel.end()) {
      *error = "--expect-fail=" + o.expect_fail + " is outside --rules";
      return false;
    }
  }
  return true;
}

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

// Creates `dir` and its parents if missing. False (and *error) if that fails
// or `dir` is something other than a folder.
bool EnsureFolder(const std::filesystem::path& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create folder " + dir.string() + ": " + ec.message();
    return false;
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    *error = dir.string() + " is not a folder";
    return false;
  }
  return true;
}

// True if a file can be created in `dir`: creates and removes a probe file
// (permission bits alone do not tell, e.g. for root or a read-only mount).
bool FolderWritable(const std::filesystem::path& dir, std::string* error) {
  const std::filesystem::path probe = dir / ".ndisconf-write-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    *error = "cannot write in folder " + dir.string() + ": " + ErrnoText(errno);
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

// Checks, before any test runs, that an output file can be written: its
// folder exists or can be made and takes new files, and the path is not a
// folder. An existing file is left untouched.
bool CheckOutputFile(const std::string& path, std::string* error) {
  const std::filesystem::path p(path);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) {
    *error = path + " is a folder";
    return false;
  }
  if (!EnsureFolder(dir, error) || !FolderWritable(dir, error)) return false;
  if (!std::filesystem::exists(p, ec)) return true;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);  // no O_TRUNC: keep the old report
  if (fd < 0) {
    *error = "cannot write " + path + ": " + ErrnoText(errno);
    return false;
  }
  ::close(fd);
  return true;
}

// What the user sees while the suite runs, on stderr, instead of
// GoogleTest's line per test: each failure in full (where, what, which
// test), and progress: on a terminal one line rewritten in place, otherwise
// a line at every tenth of the tests, so a log stays short.
class ProgressPrinter : public ::testing::EmptyTestEventListener {
 public:
  ProgressPrinter() : tty_(cli::IsTerminal(2)), columns_(cli::OutputColumns(2, 80)) {}

  void OnTestIterationStart(const ::testing::UnitTest& unit, int) override {
    total_ = static_cast<size_t>(unit.test_to_run_count());
  }
  void OnTestStart(const ::testing::TestInfo& info) override {
    if (!tty_) return;
    std::string line = "[" + std::to_string(done_ + 1) + "/" + std::to_string(total_) + "] " +
                       info.test_suite_name() + "." + info.name();
    if (line.size() >= columns_) line.resize(columns_ - 1);
    std::cerr << "\r\x1b[K" << line << std::flush;
  }
  void OnTestPartResult(const ::testing::TestPartResult& part) override {
    if (!part.failed()) return;
    ClearLine();
    std::cerr << (part.file_name() ? part.file_name() : "?") << ":" << part.line_number()
              << ": Failure\n"
              << part.message() << "\n";
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    ++done_;
    if (info.result()->Failed()) {
      ++failed_;
      ClearLine();
      std::cerr << "[  FAILED  ] " << info.test_suite_name() << "." << info.name() << "\n";
    }
    if (!tty_ && total_ > 0 && (done_ * 10 / total_ != (done_ - 1) * 10 / total_)) {
      std::cerr << "ndisconf: " << done_ << "/" << total_ << " tests run, " << failed_
                << " failed\n";
    }
  }
  void OnTestIterationEnd(const ::testing::UnitTest&, int) override {
    ClearLine();
    if (tty_) std::cerr << "ndisconf: " << done_ << " tests run, " << failed_ << " failed\n";
  }

 private:
  void ClearLine() {
    if (tty_) std::cerr << "\r\x1b[K";
  }
  const bool tty_;
  const size_t columns_;
  size_t total_ = 0, done_ = 0, failed_ = 0;
};

// For a plugged-in driver only its role's black-box suite runs, so a rule
// that no test ran for is of one of two kinds. A rule of another actor
// (NDIS, a client, a WAN driver: the reference plays those here) is
// NOT_APPLICABLE to the driver. A rule of the driver's own role that no
// black-box test checks stays INCONCLUSIVE, saying so: a gap in the suite,
// never a PASS.
void ScopeToPluggedRole(PluggedRole role, std::vector<report::RuleVerdict>* verdicts) {
  for (report::RuleVerdict& v : *verdicts) {
    if (v.verdict != report::Verdict::kInconclusive || !v.tests.empty()) continue;
    if (RoleIsActor(role, v.rule->actor)) {
      if (v.rule->testable()) {
        v.detail = std::string("no black-box test of the ") + PluggedRoleName(role) +
                   " role checks this rule yet";
      }
      continue;
    }
    v.verdict = report::Verdict::kNotApplicable;
    v.detail = (v.rule->actor == "-" ? std::string("a rule of no driver role")
                                     : "a rule of " + v.rule->actor) +
               "; the reference plays the other roles here, and the plugged-in driver is the " +
               PluggedRoleName(role);
  }
}

// An expectations file as given: "//pkg/file" is relative to the workspace
// (the Bazel macro's spelling), anything else goes through cli::UserPath.
std::string ExpectationsPath(const std::string& given) {
  if (given.rfind("//", 0) == 0) {
    const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    return (ws != nullptr && *ws != '\0' ? std::string(ws) + "/" : std::string()) + given.substr(2);
  }
  return cli::UserPath(given);
}

// Writes `text` to `path` through a temporary file renamed over it, so a
// failed write leaves the previous report as it was.
bool WriteFile(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  std::error_code ec;
  if (!out || (std::filesystem::rename(partial, path, ec), ec)) {
    std::cerr << "ndisconf: cannot write " << path << (ec ? ": " + ec.message() : "") << "\n";
    std::filesystem::remove(partial, ec);
    return false;
  }
  return true;
}

}  // namespace

int RunnerMain(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseOptions(&argc, argv, &o, &error)) {
    std::cerr << "ndisconf: " << error << "\n";
    return 2;
  }
  if (o.help) {
    std::cout << kUsage;
    return 0;
  }
  if (o.list) {
    for (const Implementation* impl : AllImplementations()) {
      std::cout << impl->name << "\t"
                << (impl->seeded_rule.empty() ? "" : "[seeded bug: " + impl->seeded_rule + "] ")
                << (impl->plugged
                        ? std::string("[plugged-in ") + PluggedRoleName(impl->plugged->role) + "] "
                        : "")
                << impl->description << "\n";
    }
    return 0;
  }
  std::vector<const Implementation*> impls;
  if (o.impl == "all") {
    impls = AllImplementations();
  } else {
    for (const std::string& name : SplitCommas(o.impl)) {
      const Implementation* found = FindImplementation(name);
      if (found == nullptr) {
        std::cerr << "ndisconf: unknown implementation '" << name << "' (see --list)\n";
        return 2;
      }
      if (std::find(impls.begin(), impls.end(), found) == impls.end()) impls.push_back(found);
    }
  }
  if (impls.empty()) {
    std::cerr << "ndisconf: --impl names no implementation (see --list)\n";
    return 2;
  }
  const Implementation* impl = impls[0];
  const bool several = impls.size() > 1;
  if (several) {
    for (const auto& [given, option] :
         {std::pair{o.expect_fail, "--expect-fail"}, std::pair{o.expectations, "--expectations"},
          std::pair{o.update_expectations, "--update-expectations"}, std::pair{o.json, "--json"},
          std::pair{o.junit, "--junit"}}) {
      if (!given.empty()) {
        std::cerr << "ndisconf: " << option << " is for one implementation; with several, "
                  << "--out writes a report per implementation\n";
        return 2;
      }
    }
  }
  if (!o.expect_fail.empty() && catalog::FindRule(o.expect_fail) == nullptr) {
    std::cerr << "ndisconf: --expect-fail: unknown rule '" << o.expect_fail << "'\n";
    return 2;
  }
  if (!CheckRuleSelection(o, &error)) {
    std::cerr << "ndisconf: " << error << "\n";
    return 2;
  }
  // Expectations are read before the run, so a malformed file costs nothing.
  report::Expectations expectations;
  const bool expect_none = o.expectations == "none";
  const std::string expectations_path =
      o.update_expectations.empty()
          ? (expect_none || o.expectations.empty() ? std::string()
                                                   : ExpectationsPath(o.expectations))
          : ExpectationsPath(o.update_expectations);
  if (!o.update_expectations.empty() && !o.expectations.empty()) {
    std::cerr << "ndisconf: --expectations and --update-expectations exclude each other\n";
    return 2;
  }
  if (!expectations_path.empty() &&
      !report::LoadExpectations(expectations_path, !o.update_expectations.empty(),
                                catalog::Catalog(), &expectations, &error)) {
    std::cerr << "ndisconf: " << error << "\n";
    return 2;
  }

  // Every output is checked before any test runs: an I/O problem is a usage
  // error (exit 2), never a rule verdict, and no report is overwritten.
  std::string out_dir = o.out_dir;
  if (out_dir.empty()) {
    if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
      out_dir = std::string(ws) + "/out/ndisconf";
    }
  }
  // Per implementation: its JSON and JUnit reports (--json and --junit name
  // them for a single implementation); one HTML page for all.
  std::vector<std::string> json(impls.size()), junit(impls.size());
  json[0] = o.json;
  junit[0] = o.junit;
  std::string html = o.html;
  if (!out_dir.empty()) {
    for (size_t i = 0; i < impls.size(); ++i) {
      if (json[i].empty()) json[i] = out_dir + "/" + impls[i]->name + ".json";
      if (junit[i].empty()) junit[i] = out_dir + "/" + impls[i]->name + ".junit.xml";
    }
    if (html.empty()) html = out_dir + "/" + (several ? "report" : impl->name) + ".html";
  }
  {
    struct Output {
      std::string what;  // how the message names it: the option, or the default
      std::string path;
      bool folder;
    };
    auto named = [&](const std::string& given, const char* option, const std::string& path) {
      if (!given.empty()) return std::string(option) + "=" + path;
      return (o.out_dir.empty() ? "default report " : "--out report ") + path;
    };
    std::vector<Output> outputs;
    for (size_t i = 0; i < impls.size(); ++i) {
      outputs.push_back({named(o.json, "--json", json[i]), json[i], false});
      outputs.push_back({named(o.junit, "--junit", junit[i]), junit[i], false});
    }
    outputs.push_back({named(o.html, "--html", html), html, false});
    outputs.push_back({"--coverage=" + o.coverage, o.coverage, false});
    outputs.push_back({"--traces=" + o.traces, o.traces, true});
    for (const Output& out : outputs) {
      if (out.path.empty()) continue;
      std::string why;
      const bool ok = out.folder ? EnsureFolder(out.path, &why) && FolderWritable(out.path, &why)
                                 : CheckOutputFile(out.path, &why);
      if (!ok) {
        std::cerr << "ndisconf: " << out.what << ": " << why << "\n";
        return 2;
      }
    }
  }
  SelectImplementations(impls);

  ::testing::InitGoogleTest(&argc, argv);
  ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (!o.verbose) {
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new ProgressPrinter);  // owned by GoogleTest
  }
  auto* listener = new OutcomeListener;  // owned by GoogleTest
  listeners.Append(listener);
  Recorder::Get().Clear();
  Recorder::Get().set_trace_dir(o.traces);
  (void)RUN_ALL_TESTS();  // failures are reported per rule below
  if (!Recorder::Get().trace_error().empty()) {
    // The tests ran, but their record is incomplete: no verdicts, no report.
    std::cerr << "ndisconf: --traces=" << o.traces << ": " << Recorder::Get().trace_error()
              << "; no report written\n";
    return 2;
  }

  // Merge what the tests recorded (citations, not-applicable, findings).
  std::vector<report::TestOutcome>& outcomes = listener->outcomes();
  if (outcomes.empty()) {
    // Nothing ran, so nothing was checked: not a clean run. No report.
    std::cerr << "ndisconf: no test selected (check --gtest_filter); no report written\n";
    return 2;
  }
  report::RuleIndex tests_per_rule;
  for (report::TestOutcome& out : outcomes) {
    auto it = Recorder::Get().records().find(out.name);
    if (it == Recorder::Get().records().end()) continue;
    const TestRecord& rec = it->second;
    out.rules = rec.rules;
    if (rec.not_applicable) {
      out.result = report::TestOutcome::kNotApplicable;
      out.message = rec.not_applicable_reason;
    }
    for (const Finding& f : rec.findings) {
      out.findings.push_back({f.rule, f.check, f.event_index, f.message});
    }
    out.allowed_ways = rec.allowed_ways;
    out.failed_on_findings_only =
        out.result == report::TestOutcome::kFailed && !rec.checks_failed && !rec.findings.empty();
    for (const std::string& r : rec.rules) tests_per_rule[r].push_back(out.name);
  }

  // Each implementation's tests are the instances named after it.
  const std::vector<catalog::Rule>& rules = catalog::Catalog();
  std::vector<report::HtmlImplementation> judged;
  std::vector<size_t> tests_of;  // per implementation
  for (const Implementation* each : impls) {
    const std::string suffix = "/" + ImplementationParamName(each);
    std::vector<report::TestOutcome> mine;
    for (const report::TestOutcome& out : outcomes) {
      if (out.name.size() >= suffix.size() &&
          out.name.compare(out.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        mine.push_back(out);
      }
    }
    report::HtmlImplementation j;
    j.name = each->name;
    j.description = each->description;
    j.verdicts = report::ComputeVerdicts(rules, mine, o.prefixes);
    if (each->plugged) ScopeToPluggedRole(each->plugged->role, &j.verdicts);
    j.roots = report::RootCauses(mine);
    j.replay = (o.replay_command.empty() ? std::string("bazel run //tools:ndisconf --")
                                         : o.replay_command) +
               " --impl=" + each->name;
    judged.push_back(std::move(j));
    tests_of.push_back(mine.size());
  }
  const std::vector<report::RuleVerdict>& verdicts = judged[0].verdicts;

  const report::TableStyle style{cli::OutputColumns(1, 100), cli::ColorWanted(1)};
  if (!several) {
    std::cout << "\nndisconf: implementation '" << impl->name << "' (" << impl->description << "), "
              << outcomes.size() << " tests\n\n";
    // Fit the terminal (or 100 columns in a file or pipe); colour only on a terminal.
    report::PrintTable(std::cout, verdicts, style);
    std::cout << "\n";
    report::PrintRootCauses(std::cout, judged[0].roots);
  } else {
    std::cout << "\nndisconf: " << impls.size() << " implementations, " << outcomes.size()
              << " tests\n\n";
    std::vector<report::MatrixColumn> columns;
    for (const report::HtmlImplementation& j : judged) columns.push_back({j.name, &j.verdicts});
    report::PrintMatrix(std::cout, columns, style);
    for (const report::HtmlImplementation& j : judged) {
      const report::Counts c = report::CountVerdicts(j.verdicts);
      std::cout << "\n" << j.name << ": " << report::SummaryLine(c) << "\n";
      report::PrintRootCauses(std::cout, j.roots);
    }
  }

  // Findings on checks that are not catalog rules (the monitor's own
  // consistency checks), shown separately rather than dropped.
  for (const std::string& id : report::UnknownRuleIds(rules, outcomes)) {
    std::cout << "note: finding or citation for '" << id << "', which is not a catalog rule\n";
  }

  bool io_ok = true;
  for (size_t i = 0; i < impls.size(); ++i) {
    if (!json[i].empty()) {
      std::ostringstream s;
      report::WriteJson(s, judged[i].verdicts,
                        {{"tool", "ndisconf"},
                         {"implementation", impls[i]->name},
                         {"description", impls[i]->description},
                         {"tests", std::to_string(tests_of[i])}},
                        judged[i].roots);
      io_ok &= WriteFile(json[i], s.str());
      if (io_ok) std::cout << "wrote " << json[i] << "\n";
    }
    if (!junit[i].empty()) {
      std::ostringstream s;
      report::WriteJUnit(s, judged[i].verdicts);
      io_ok &= WriteFile(junit[i], s.str());
      if (io_ok) std::cout << "wrote " << junit[i] << "\n";
    }
  }
  if (!html.empty()) {
    std::ostringstream s;
    report::WriteHtml(s, judged,
                      {{"tool", "ndisconf"}, {"tests", std::to_string(outcomes.size())}});
    io_ok &= WriteFile(html, s.str());
    if (io_ok) std::cout << "wrote " << html << "\n";
  }
  if (!o.coverage.empty()) {
    report::RuleIndex checks_per_rule;
    for (const monitor::CheckInfo& c : monitor::Monitor::Checks()) {
      checks_per_rule[std::string(c.rule)].push_back(std::string(c.check));
    }
    std::ostringstream s;
    report::WriteCoverage(s, rules, tests_per_rule, checks_per_rule);
    io_ok &= WriteFile(o.coverage, s.str());
    if (io_ok) std::cout << "wrote " << o.coverage << "\n";
  }
  if (!io_ok) return 2;

  const report::Counts counts = report::CountVerdicts(verdicts);
  if (!o.update_expectations.empty()) {
    std::ostringstream s;
    report::RewriteExpectations(s, impl->name, expectations, verdicts);
    if (!WriteFile(expectations_path, s.str())) return 2;
    std::cout << "\nwrote " << expectations_path << ": " << counts.fail << " known failure(s)\n";
    return 0;
  }
  if (!o.expectations.empty()) {
    std::cout << "\n";
    report::PrintExpectationDiff(
        std::cout, report::CompareExpectations(expectations, verdicts),
        o.update_command.empty()
            ? "ndisconf --impl=" + impl->name + " --update-expectations=" + o.expectations
            : o.update_command);
    return report::CompareExpectations(expectations, verdicts).ok() ? 0 : 1;
  }
  if (!o.expect_fail.empty()) {
    for (const report::RuleVerdict& v : verdicts) {
      if (v.rule->id != o.expect_fail) continue;
      const bool caught = v.verdict == report::Verdict::kFail;
      std::cout << "\nexpected " << o.expect_fail << " to FAIL on '" << impl->name << "': "
                << (caught ? "it does" : std::string("it is ") + report::VerdictName(v.verdict))
                << "\n";
      return caught ? 0 : 1;
    }
    std::cerr << "ndisconf: --expect-fail=" << o.expect_fail << " is outside --rules\n";
    return 2;  // CheckRuleSelection refuses this before the run
  }
  for (const report::HtmlImplementation& j : judged) {
    if (report::CountVerdicts(j.verdicts).fail != 0) return 1;
  }
  return 0;
}

}  // namespace ndisconf::conformance
