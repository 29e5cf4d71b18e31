// The differential oracle: the reference against itself never diverges on
// the committed programs; seeded WAN-miniport defects diverge with the rule
// they break; and FirstDivergence accepts what the spec allows (failure
// codes, optional states) while naming the first real difference.
#include "fuzz/wan_miniport_diff.h"

#include <gtest/gtest.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/wan_miniport_program.h"

namespace ndisconf::fuzz {
namespace {

std::vector<uint8_t> Seed(const std::string& name) {
  std::ifstream in("corpora/wan_miniport/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

WanMiniportOutcome RunAs(const std::string& impl, const std::vector<uint8_t>& program) {
  static monitor::Monitor* const monitor = new monitor::Monitor();
  const conformance::Implementation* i = conformance::FindImplementation(impl);
  EXPECT_NE(i, nullptr) << impl;
  return RunWanMiniportProgram(*i, program.data(), program.size(), *monitor);
}

TEST(WanMiniportDiff, TheReferenceAgreesWithItselfOnEverySeed) {
  size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator("corpora/wan_miniport")) {
    const std::vector<uint8_t> program = Seed(entry.path().filename().string());
    const WanMiniportOutcome a = RunAs("reference", program);
    const WanMiniportOutcome b = RunAs("reference", program);
    EXPECT_TRUE(a.first_rule.empty()) << entry.path() << ": " << a.first_rule;
    const std::optional<Divergence> d = FirstDivergence(a, b);
    EXPECT_FALSE(d.has_value()) << entry.path() << ": " << (d ? d->what : "");
    ++seeds;
  }
  EXPECT_GE(seeds, 8u);
}

// The outbound seed observes what it should: a call that connected, was
// lined up once and dropped to IDLE, and frames received on its link.
TEST(WanMiniportDiff, AnOutboundCallIsObserved) {
  const WanMiniportOutcome o = RunAs("reference", Seed("outbound_call_drop_close"));
  ASSERT_TRUE(o.built);
  ASSERT_EQ(o.calls.size(), 1u);
  EXPECT_EQ(o.calls[0].milestones,
            (std::vector<ULONG>{LINECALLSTATE_CONNECTED, LINECALLSTATE_IDLE}));
  EXPECT_EQ(o.calls[0].line_ups, 1u);
  EXPECT_EQ(o.calls[0].line_downs, 1u);
  EXPECT_EQ(o.calls[0].receives, 1u);
  EXPECT_FALSE(o.requests.empty());
}

TEST(WanMiniportDiff, FragmentsWithoutErrorBitsDivergeOnWan051) {
  const std::vector<uint8_t> program = Seed("receive_errors_on_link");
  const std::optional<Divergence> d =
      FirstDivergence(RunAs("reference", program), RunAs("bug-wmp-fragment-errors-zero", program));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule, "WAN-051");
  EXPECT_EQ(d->what, "call 0: fragment error bits: the reference 0x3f, the implementation 0x0");
}

TEST(WanMiniportDiff, ADropThatNeverReachesIdleDivergesOnWan085) {
  const std::vector<uint8_t> program = Seed("outbound_call_drop_close");
  const std::optional<Divergence> d =
      FirstDivergence(RunAs("reference", program), RunAs("bug-wmp-drop-without-idle", program));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule, "WAN-085");
  EXPECT_EQ(d->what,
            "call 0: states CONNECTED IDLE on the reference, CONNECTED on the "
            "implementation");
}

WanMiniportOutcome Outcome(std::vector<WanRequestObservation> requests,
                           std::vector<WanCallObservation> calls) {
  WanMiniportOutcome o;
  o.built = true;
  o.requests = std::move(requests);
  o.calls = std::move(calls);
  return o;
}

// Two failures are alike whatever their codes; pended or not is not
// recorded at all. Success against failure of a required request is a
// divergence, with the OID's rule.
TEST(WanMiniportDiff, RequestsCompareBySuccessOnly) {
  const WanMiniportOutcome ref = Outcome({{OID_TAPI_GET_ID, false}, {OID_TAPI_DROP, true}}, {});
  EXPECT_FALSE(FirstDivergence(ref, ref).has_value());
  const std::optional<Divergence> d =
      FirstDivergence(ref, Outcome({{OID_TAPI_GET_ID, false}, {OID_TAPI_DROP, false}}, {}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule, "WAN-085");
  EXPECT_EQ(d->what,
            "request 1 (OID_TAPI_DROP) succeeded on the reference and failed on the "
            "implementation");
  // An optional request the implementation declines is no divergence (found
  // by fuzzing globex_wan, which does not support OID_TAPI_ACCEPT).
  EXPECT_FALSE(FirstDivergence(Outcome({{OID_TAPI_ACCEPT, true}}, {}),
                               Outcome({{OID_TAPI_ACCEPT, false}}, {}))
                   .has_value());
}

// Calls are compared before requests, and a missing DISCONNECTED names
// WAN-087.
TEST(WanMiniportDiff, AMissingDisconnectedNamesWan087) {
  WanCallObservation hung_up;
  hung_up.milestones = {LINECALLSTATE_CONNECTED, LINECALLSTATE_DISCONNECTED};
  WanCallObservation silent;
  silent.milestones = {LINECALLSTATE_CONNECTED};
  const std::optional<Divergence> d = FirstDivergence(Outcome({{OID_TAPI_DROP, true}}, {hung_up}),
                                                      Outcome({{OID_TAPI_DROP, false}}, {silent}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule, "WAN-087");
}

// A CONNECTED the reference held back (no line-up yet) but the
// implementation indicated is WAN-022, not the DISCONNECTED after it (found
// by fuzzing globex_wan: a call connected and hung up without a GET_ID).
TEST(WanMiniportDiff, AnEarlyConnectedNamesWan022) {
  WanCallObservation held;
  held.milestones = {LINECALLSTATE_DISCONNECTED};
  WanCallObservation early;
  early.milestones = {LINECALLSTATE_CONNECTED, LINECALLSTATE_DISCONNECTED};
  const std::optional<Divergence> d = FirstDivergence(Outcome({}, {held}), Outcome({}, {early}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule, "WAN-022");
  EXPECT_EQ(d->what,
            "call 0: states DISCONNECTED on the reference, CONNECTED DISCONNECTED on the "
            "implementation");
  // The other way round the implementation left a required state out.
  const std::optional<Divergence> missing =
      FirstDivergence(Outcome({}, {early}), Outcome({}, {held}));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rule, "WAN-064");
}

}  // namespace
}  // namespace ndisconf::fuzz
