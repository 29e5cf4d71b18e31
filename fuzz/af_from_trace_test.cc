// Recorded runs become the programs they describe: the spec's canonical
// sequences and the violation traces of conformance/trace/testdata convert
// to programs with the drivers, configuration and steps the trace shows,
// and every converted program runs on the reference without a violation
// (a broken driver's trace gives the scenario, which the reference passes).
#include "fuzz/af_from_trace.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/trace/trace.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_text.h"

namespace ndisconf::fuzz {
namespace {

const char* const kTraces[] = {
    "s1_sync_open",
    "s2_pended_open",
    "s3_mcm_open",
    "s4_client_close",
    "s5_cm_unbind_notify_close",
    "s6_mcm_halt",
    "s7_client_unbind",
    "s8_incoming_call_sap_pending",
    "v_af004_second_cm_same_adapter",
    "v_af020_notify_inside_register",
    "v_af034_open_completed_twice",
    "v_af034_open_never_completed",
    "v_af039_complete_after_sync_open",
    "v_af057_double_close_succeeds",
    "v_af120_close_adapter_with_af_open",
};

std::vector<uint8_t> Convert(const std::string& name) {
  std::ifstream in("conformance/trace/testdata/" + name + ".trace", std::ios::binary);
  EXPECT_TRUE(in) << name;
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto parsed = trace::Parse(text);
  EXPECT_TRUE(std::holds_alternative<trace::Trace>(parsed)) << name;
  if (!std::holds_alternative<trace::Trace>(parsed)) return {};
  return AfProgramFromTrace(std::get<trace::Trace>(parsed));
}

std::string Text(const std::vector<uint8_t>& program) {
  return PrintAfProgram(program.data(), program.size());
}

std::string Expected(const std::string& text) {
  std::vector<uint8_t> bytes;
  AfTextError e;
  EXPECT_TRUE(ParseAfProgram(text, &bytes, &e)) << e.line << ":" << e.column << " " << e.message;
  return Text(bytes);
}

AfLifecycleOutcome OnReference(const std::vector<uint8_t>& program) {
  const conformance::Implementation* ref = conformance::FindImplementation("reference");
  EXPECT_NE(ref, nullptr);
  if (ref == nullptr) return {};
  return RunAfLifecycleProgram(*ref, program.data(), program.size());
}

// S2: the CM pends ProtocolCmOpenAf (its cfg shows it) and completes later,
// outside any other crossing (run_one); the trace has no miniport, so one is
// implied with an adapter for the bindings.
TEST(AfFromTrace, PendedOpenBecomesPendingCmAndRunOne) {
  const std::vector<uint8_t> program = Convert("s2_pended_open");
  EXPECT_EQ(Text(program), Expected("load_cm cfg=0x02\n"
                                    "load_client cfg=0x00\n"
                                    "load_miniport cfg=0x00\n"
                                    "add_adapter m=0\n"
                                    "run_one\n"));
  const AfLifecycleOutcome out = OnReference(program);
  EXPECT_EQ(out.afs_opened, 1u);
  EXPECT_EQ(out.first_rule, "");
}

// S6: an MCM's adapter is halted; the MCM is loaded as one (it registers
// its AF as a miniport) and the halt names its adapter.
TEST(AfFromTrace, McmHaltBecomesLoadMcmAndHalt) {
  const std::string text = Text(Convert("s6_mcm_halt"));
  EXPECT_NE(text.find("load_mcm"), std::string::npos) << text;
  EXPECT_NE(text.find("halt a=0"), std::string::npos) << text;
  EXPECT_EQ(text.find("load_cm"), std::string::npos) << text;
}

// S5: the CM's binding is unbound by NDIS; the client refuses nothing.
TEST(AfFromTrace, UnbindBecomesUnbindOfThatProtocol) {
  const std::string text = Text(Convert("s5_cm_unbind_notify_close"));
  EXPECT_NE(text.find("unbind p=0 a=0"), std::string::npos) << text;
}

// A run with no CoNDIS driver (the WAN chain) gives no program.
TEST(AfFromTrace, WanTraceGivesNoProgram) { EXPECT_TRUE(Convert("w1_outbound_call").empty()); }

TEST(AfFromTrace, EveryConvertedRunPassesOnTheReference) {
  for (const char* name : kTraces) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> program = Convert(name);
    ASSERT_FALSE(program.empty());
    const AfLifecycleOutcome out = OnReference(program);
    EXPECT_EQ(out.first_rule, "") << out.first_message << "\n" << Text(program);
    // S8's CM offers a call on a SAP whose registration is still pending;
    // the reference CM offers calls only on registered SAPs, so that one
    // record finds no SAP and does nothing. Every other record acts.
    const uint64_t skipped = std::string(name) == "s8_incoming_call_sap_pending" ? 1 : 0;
    EXPECT_EQ(out.records_skipped, skipped) << Text(program);
  }
}

}  // namespace
}  // namespace ndisconf::fuzz
