// Replays the hand-written traces of the spec's canonical sequences
// (Appendix A, S1-S8) and seeded violations through the monitor, asserting
// the exact set of rule IDs reported; also checks that each file is
// canonical text apart from its comment lines.
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "gtest/gtest.h"

namespace ndisconf::trace {
namespace {

std::string Slurp(const std::string& name) {
  std::ifstream in("conformance/trace/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  std::set<std::string> rules;
  std::string report;
};

Outcome Replay(const std::string& name, monitor::Profile profile = {}) {
  const std::string text = Slurp(name);
  EXPECT_FALSE(text.empty()) << name;
  auto parsed = Parse(text);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << name << ":" << err->line << ":" << err->column << ": " << err->message;
    return {};
  }
  const Trace& t = std::get<Trace>(parsed);
  monitor::Monitor m(profile);
  m.DeclareDrivers(t.drivers);
  for (const Event& e : t.events) m.OnEvent(e);
  m.Finish();
  Outcome o;
  for (const monitor::Violation& v : m.violations()) {
    o.rules.insert(v.rule);
    o.report +=
        v.rule + " " + v.check + " @" + std::to_string(v.event_index) + ": " + v.message + "\n";
  }
  return o;
}

std::string WithoutComments(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out += line + "\n";
  return out;
}

using Rules = std::set<std::string>;

class CanonicalSequence : public ::testing::TestWithParam<const char*> {};

TEST_P(CanonicalSequence, ReplaysWithNoViolation) {
  const Outcome o = Replay(GetParam());
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

INSTANTIATE_TEST_SUITE_P(AppendixA, CanonicalSequence,
                         ::testing::Values("s1_sync_open.trace", "s2_pended_open.trace",
                                           "s3_mcm_open.trace", "s4_client_close.trace",
                                           "s5_cm_unbind_notify_close.trace", "s6_mcm_halt.trace",
                                           "s7_client_unbind.trace",
                                           "s8_incoming_call_sap_pending.trace"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

class TestdataFile : public ::testing::TestWithParam<const char*> {};

TEST_P(TestdataFile, IsCanonicalTextApartFromComments) {
  const std::string text = WithoutComments(Slurp(GetParam()));
  auto parsed = Parse(text);
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed));
  EXPECT_EQ(FormatTrace(std::get<Trace>(parsed)), text);
}

INSTANTIATE_TEST_SUITE_P(
    All, TestdataFile,
    ::testing::Values(
        "s1_sync_open.trace", "s2_pended_open.trace", "s3_mcm_open.trace", "s4_client_close.trace",
        "s5_cm_unbind_notify_close.trace", "s6_mcm_halt.trace", "s7_client_unbind.trace",
        "s8_incoming_call_sap_pending.trace", "v_af020_notify_inside_register.trace",
        "v_af034_open_completed_twice.trace", "v_af034_open_never_completed.trace",
        "v_af039_complete_after_sync_open.trace", "v_af057_double_close_succeeds.trace",
        "v_af120_close_adapter_with_af_open.trace", "v_af004_second_cm_same_adapter.trace"),
    [](const auto& info) {
      std::string n = info.param;
      n = n.substr(0, n.find('.'));
      return n;
    });

// The canonical-text property above also covers two seeded files; the
// violation expectations follow.
TEST(SeededViolation, OpenCompletedTwiceReportsAf034) {
  const Outcome o = Replay("v_af034_open_completed_twice.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-034"})) << o.report;
}

TEST(SeededViolation, PendedOpenNeverCompletedReportsAf034AtFinish) {
  const Outcome o = Replay("v_af034_open_never_completed.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-034"})) << o.report;
  EXPECT_NE(o.report.find("pending-open-completed"), std::string::npos) << o.report;
}

TEST(SeededViolation, OpenCompleteAfterSyncSuccessReportsAf039) {
  const Outcome o = Replay("v_af039_complete_after_sync_open.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-039"})) << o.report;
}

TEST(SeededViolation, ClientClosesBindingWithAfOpenReportsAf120) {
  const Outcome o = Replay("v_af120_close_adapter_with_af_open.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-120"})) << o.report;
}

// Trace version 2 names each binding's adapter: a second CM's registration
// of a type on the same adapter, through its own binding, must fail.
TEST(SeededViolation, SecondCmOnSameAdapterReportsAf004) {
  const Outcome o = Replay("v_af004_second_cm_same_adapter.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-004"})) << o.report;
  EXPECT_NE(o.report.find("duplicate-af-fails @28"), std::string::npos) << o.report;
}

TEST(SeededViolation, RepeatedCloseSucceedingReportsAf057) {
  const Outcome o = Replay("v_af057_double_close_succeeds.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-057"})) << o.report;
}

TEST(SeededViolation, NotifyInsideRegisterReportsAf020ButNotWhenProfileAllowsIt) {
  const Outcome o = Replay("v_af020_notify_inside_register.trace");
  EXPECT_EQ(o.rules, (Rules{"AF-020"})) << o.report;
  monitor::Profile p;
  p.notify_during_register = true;  // OQ-03 option
  const Outcome relaxed = Replay("v_af020_notify_inside_register.trace", p);
  EXPECT_EQ(relaxed.rules, Rules{}) << relaxed.report;
}

// The NDIS WAN canonical sequences (Appendix A W1-W3) and seeded WAN
// violations; their events come from conformance/monitor/wan_scenarios.cc.
INSTANTIATE_TEST_SUITE_P(AppendixAWan, CanonicalSequence,
                         ::testing::Values("w1_outbound_call.trace", "w2_inbound_call.trace",
                                           "w3_fragment_and_line_down.trace"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

INSTANTIATE_TEST_SUITE_P(Wan, TestdataFile,
                         ::testing::Values("w1_outbound_call.trace", "w2_inbound_call.trace",
                                           "w3_fragment_and_line_down.trace",
                                           "wv_wan021_get_id_without_line_up.trace",
                                           "wv_wan022_connected_before_line_up.trace",
                                           "wv_wan043_fragment_after_line_down.trace",
                                           "wv_wan003_indicate_under_spin_lock.trace"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

TEST(SeededViolation, GetIdWithoutLineUpReportsWan021) {
  const Outcome o = Replay("wv_wan021_get_id_without_line_up.trace");
  EXPECT_EQ(o.rules, (Rules{"WAN-021"})) << o.report;
}

TEST(SeededViolation, ConnectedBeforeLineUpReportsWan022) {
  const Outcome o = Replay("wv_wan022_connected_before_line_up.trace");
  EXPECT_EQ(o.rules, (Rules{"WAN-022"})) << o.report;
}

TEST(SeededViolation, FragmentAfterLineDownReportsWan043) {
  const Outcome o = Replay("wv_wan043_fragment_after_line_down.trace");
  EXPECT_EQ(o.rules, (Rules{"WAN-043"})) << o.report;
}

// WAN-003 from a recorded trace alone: the spin-lock crossings say who
// holds which lock.
TEST(SeededViolation, IndicateUnderSpinLockReportsWan003) {
  const Outcome o = Replay("wv_wan003_indicate_under_spin_lock.trace");
  EXPECT_EQ(o.rules, (Rules{"WAN-003"})) << o.report;
  EXPECT_NE(o.report.find("spin lock 0x5000 (acquired at event 56)"), std::string::npos)
      << o.report;
}

TEST(SeededViolation, W3IsCleanInStrictModeToo) {
  monitor::Profile p;
  p.strict = true;
  const Outcome o = Replay("w3_fragment_and_line_down.trace", p);
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

// Monitor::Inspect: the state of an AF or SAP at a point of a canonical
// sequence, and what the spec's tables (2.4, 2.5) allow next for it.
std::optional<monitor::Monitor::ObjectView> InspectBefore(const std::string& name, uint64_t end,
                                                          uint64_t handle) {
  auto parsed = Parse(Slurp(name));
  monitor::Monitor m;
  const Trace& t = std::get<Trace>(parsed);
  m.DeclareDrivers(t.drivers);
  for (const Event& e : t.events)
    if (e.index < end) m.OnEvent(e);
  return m.Inspect(handle);
}

TEST(Inspect, PendedOpenAwaitsTheCallManagersCompletionThenIsOpen) {
  const auto pending = InspectBefore("s2_pended_open.trace", 32, 0xaf01);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->kind, "AF");
  EXPECT_EQ(pending->state, "OPENING");
  ASSERT_EQ(pending->next.size(), 1u);
  EXPECT_NE(pending->next[0].find("NdisCmOpenAddressFamilyComplete"), std::string::npos);
  EXPECT_NE(pending->next[0].find("AF-034"), std::string::npos);
  // Completed by the CM (event 32), NDIS owes the client its completion.
  const auto owed = InspectBefore("s2_pended_open.trace", 34, 0xaf01);
  ASSERT_TRUE(owed.has_value());
  EXPECT_EQ(owed->state, "OPEN");
  ASSERT_FALSE(owed->next.empty());
  EXPECT_NE(owed->next[0].find("ProtocolClOpenAfCompleteEx"), std::string::npos);
  const auto open = InspectBefore("s2_pended_open.trace", 1000, 0xaf01);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->state, "OPEN");
  ASSERT_EQ(open->next.size(), 2u);
  EXPECT_NE(open->next[0].find("NdisClCloseAddressFamily"), std::string::npos);
  EXPECT_NE(open->next[1].find("NdisCmNotifyCloseAddressFamily"), std::string::npos);
  EXPECT_FALSE(InspectBefore("s2_pended_open.trace", 1000, 0xdead).has_value());
}

TEST(Inspect, PendedSapAwaitsRegistrationCompleteOrAnIncomingCall) {
  const auto sap = InspectBefore("s8_incoming_call_sap_pending.trace", 42, 0x5a01);
  ASSERT_TRUE(sap.has_value());
  EXPECT_EQ(sap->kind, "SAP");
  EXPECT_EQ(sap->state, "REGISTERING");
  ASSERT_EQ(sap->next.size(), 2u);
  EXPECT_NE(sap->next[0].find("NdisCmRegisterSapComplete"), std::string::npos);
  EXPECT_NE(sap->next[1].find("NdisCmDispatchIncomingCall"), std::string::npos);
}

TEST(Inspect, AClosedAfAllowsNothingMore) {
  const auto closed = InspectBefore("s4_client_close.trace", 1000, 0xaf01);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->state, "CLOSED");
  EXPECT_TRUE(closed->next.empty());
}

}  // namespace
}  // namespace ndisconf::trace
