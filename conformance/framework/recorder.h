// conformance/framework/recorder.h: what each conformance test checked and
// what it found, for the per-rule report.
//
// A test cites the rules it checks (NDISCONF_RULES) and may declare itself
// not applicable to the implementation under test (NDISCONF_NOT_APPLICABLE).
// The fixture reports the monitor's unexpected findings here at TearDown.
// The main job (tools/ndisconf) reads the record after the run and turns it
// into verdicts; `bazel test` ignores it but sees the same citations as
// test properties in its XML output.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_RECORDER_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_RECORDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::conformance {

// A monitor violation that the test did not expect.
struct Finding {
  std::string rule;
  std::string check;
  uint64_t event_index = 0;
  std::string message;
};

struct TestRecord {
  std::vector<std::string> rules;  // cited rule IDs, in citation order
  bool not_applicable = false;
  std::string not_applicable_reason;
  std::vector<Finding> findings;
  // The test's own checks failed (an assertion, or a violation it expected
  // and did not see), as opposed to failing only on unexpected monitor
  // findings, which fail the rules they name.
  bool checks_failed = false;
  // The outcomes the spec allows in several ways that the test saw the
  // driver take one way of, with what justified it (ACCEPTABLE verdicts).
  std::vector<std::string> allowed_ways;
};

class Recorder {
 public:
  static Recorder& Get();

  // Keyed by the full test name "Suite.Test/param".
  void Cite(const std::string& test, std::string_view rule);
  void NotApplicable(const std::string& test, std::string reason);
  void AddFinding(const std::string& test, Finding finding);
  void AllowedWay(const std::string& test, std::string way);
  void ChecksFailed(const std::string& test) { records_[test].checks_failed = true; }

  const std::map<std::string, TestRecord>& records() const { return records_; }
  void Clear() {
    records_.clear();
    trace_error_.clear();
  }

  // Where each test's event trace is written at TearDown (empty: nowhere),
  // as <dir>/<test name with non-alphanumerics as '_'>.trace.
  void set_trace_dir(std::string dir) { trace_dir_ = std::move(dir); }
  const std::string& trace_dir() const { return trace_dir_; }

  // A trace that could not be written (a full disk, a file turned into a
  // folder): an I/O error of the run, not a failure of the test. The runner
  // reports the first one and exits 2 without verdicts; later traces are
  // not attempted.
  void SetTraceError(std::string message) {
    if (trace_error_.empty()) trace_error_ = std::move(message);
  }
  const std::string& trace_error() const { return trace_error_; }

 private:
  std::map<std::string, TestRecord> records_;
  std::string trace_dir_;
  std::string trace_error_;
};

// Full name of the running GoogleTest test ("Suite.Test/param").
std::string CurrentTestName();

// Cites the rules the current test checks. Records them and sets the test
// property "ndisconf_rules".
void CiteRules(std::initializer_list<std::string_view> rules);

}  // namespace ndisconf::conformance

// Usage, first statement of a test body:  NDISCONF_RULES("AF-031", "AF-039");
#define NDISCONF_RULES(...) ::ndisconf::conformance::CiteRules({__VA_ARGS__})

// Marks the current test not applicable to the implementation under test
// (e.g. an MCM-only rule on an implementation without an MCM) and skips it.
#define NDISCONF_NOT_APPLICABLE(reason)                        \
  do {                                                         \
    ::ndisconf::conformance::Recorder::Get().NotApplicable(    \
        ::ndisconf::conformance::CurrentTestName(), (reason)); \
    GTEST_SKIP() << "not applicable: " << (reason);            \
  } while (0)

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_RECORDER_H_
