#include "conformance/framework/recorder.h"

#include <gtest/gtest.h>

namespace ndisconf::conformance {

Recorder& Recorder::Get() {
  static Recorder recorder;
  return recorder;
}

void Recorder::Cite(const std::string& test, std::string_view rule) {
  records_[test].rules.emplace_back(rule);
}

void Recorder::NotApplicable(const std::string& test, std::string reason) {
  TestRecord& r = records_[test];
  r.not_applicable = true;
  r.not_applicable_reason = std::move(reason);
}

void Recorder::AddFinding(const std::string& test, Finding finding) {
  records_[test].findings.push_back(std::move(finding));
}

void Recorder::AllowedWay(const std::string& test, std::string way) {
  records_[test].allowed_ways.push_back(std::move(way));
}

std::string CurrentTestName() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "(no test)";
  return std::string(info->test_suite_name()) + "." + info->name();
}

void CiteRules(std::initializer_list<std::string_view> rules) {
  const std::string test = CurrentTestName();
  std::string joined;
  for (std::string_view r : rules) {
    Recorder::Get().Cite(test, r);
    if (!joined.empty()) joined += ' ';
    joined += r;
  }
  ::testing::Test::RecordProperty("ndisconf_rules", joined);
}

}  // namespace ndisconf::conformance
