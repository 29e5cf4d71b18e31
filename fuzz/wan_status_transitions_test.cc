// The transitions the wan_status runner records (wan_status_transitions.h)
// are the ones the named seeds drive, and none for an input with no record.
#include "fuzz/wan_status_transitions.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/wan_status_input.h"
#include "fuzz/wan_status_seeds.h"

namespace ndisconf::fuzz {
namespace {

using W = WanTransition;

uint64_t Reached(const std::string& seed) {
  for (const NamedSeed& s : WanStatusSeeds())
    if (s.name == seed) return RunWanStatusInput(s.data.data(), s.data.size()).transitions;
  ADD_FAILURE() << "no seed " << seed;
  return 0;
}

bool Has(uint64_t reached, W t) { return (reached & WanTransitionBit(t)) != 0; }

TEST(WanStatusTransitions, TableNamesAreUniqueAndCiteTheSpec) {
  std::set<std::string_view> names;
  for (const WanTransitionInfo& t : WanTransitions()) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    EXPECT_NE(t.why.find("WAN-"), std::string_view::npos) << t.name;
    if (!t.reachable) EXPECT_NE(t.why.find("unreachable: "), std::string_view::npos) << t.name;
  }
  EXPECT_EQ(names.size(), kWanTransitionCount);
}

TEST(WanStatusTransitions, AnInputWithoutRecordsReachesNone) {
  EXPECT_EQ(RunWanStatusInput(nullptr, 0).transitions, 0u);
  EXPECT_EQ(Reached("empty"), 0u);  // the harness's own line-up and GET_ID do not count
}

TEST(WanStatusTransitions, FragmentOnALiveLinkIsCounted) {
  const uint64_t r = Reached("fragment_on_live_link");
  EXPECT_TRUE(Has(r, W::kFragmentUp));
  EXPECT_TRUE(Has(r, W::kBracketOpen));
  EXPECT_TRUE(Has(r, W::kBracketClose));
  EXPECT_FALSE(Has(r, W::kFragmentUnknown));
  EXPECT_FALSE(Has(r, W::kFragmentDown));
}

TEST(WanStatusTransitions, LineDownThenTheStaleContext) {
  const uint64_t r = Reached("line_down_then_fragment_on_stale_link");
  EXPECT_TRUE(Has(r, W::kLineDownUp));
  EXPECT_TRUE(Has(r, W::kLineDownDown));
  EXPECT_TRUE(Has(r, W::kFragmentDown));
  EXPECT_FALSE(Has(r, W::kFragmentUp));
  EXPECT_FALSE(Has(r, W::kLineDownUnknown));
}

TEST(WanStatusTransitions, NullBuffersAreMalformedForEveryWanStatus) {
  const uint64_t r = Reached("null_buffer_every_status");
  EXPECT_TRUE(Has(r, W::kLineUpMalformed));
  EXPECT_TRUE(Has(r, W::kLineDownMalformed));
  EXPECT_TRUE(Has(r, W::kFragmentMalformed));
  EXPECT_TRUE(Has(r, W::kTapiMalformed));
  EXPECT_FALSE(Has(r, W::kLineUpInitial));
}

TEST(WanStatusTransitions, SpinLockRefusalAndLineUpHandles) {
  EXPECT_TRUE(Has(Reached("fragment_under_spin_lock"), W::kRefusedUnderSpinLock));
  const uint64_t r = Reached("line_up_update_and_initial_for_unknown_handle");
  EXPECT_TRUE(Has(r, W::kLineUpInitial));
  EXPECT_TRUE(Has(r, W::kLineUpHandleMismatch));
  EXPECT_FALSE(Has(r, W::kRefusedUnderSpinLock));
}

TEST(WanStatusTransitions, TapiRequestsOnTheCall) {
  const uint64_t r = Reached("nic_faults_tapi_and_time");
  EXPECT_TRUE(Has(r, W::kGetIdSyncLineUp));
  EXPECT_TRUE(Has(Reached("indications_interleaved_with_faults"), W::kDropLive));
}

// The live htLine and htCall flags (kIndicateLiveHtLine, kIndicateLiveHtCall)
// reach the two TAPI rejections no constant handle can.
TEST(WanStatusTransitions, TapiEventsOnTheLiveLine) {
  const uint64_t r = Reached("tapi_events_on_the_live_line");
  EXPECT_TRUE(Has(r, W::kTapiAccepted));
  EXPECT_TRUE(Has(r, W::kTapiUnknownCall));
  EXPECT_TRUE(Has(r, W::kTapiBadNewCall));
  EXPECT_FALSE(Has(r, W::kTapiUnknownLine));
}

// The committed corpus reaches every reachable transition, so a campaign
// started from it begins with all of them (and a change that makes one
// unreachable shows here).
TEST(WanStatusTransitions, CommittedCorpusReachesEveryReachableTransition) {
  namespace fs = std::filesystem;
  uint64_t all = 0;
  size_t files = 0;
  std::error_code ec;
  for (const fs::directory_entry& f : fs::directory_iterator("corpora/wan_status", ec)) {
    std::ifstream in(f.path(), std::ios::binary);
    const std::vector<uint8_t> p((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    all |= RunWanStatusInput(p.data(), p.size()).transitions;
    ++files;
  }
  ASSERT_GT(files, 0u) << "corpora/wan_status not found";
  for (const WanTransitionInfo& t : WanTransitions())
    if (t.reachable) EXPECT_TRUE(Has(all, t.id)) << t.name;
}

TEST(WanStatusTransitions, NoSeedReachesAnUnreachableOne) {
  uint64_t all = 0;
  for (const NamedSeed& s : WanStatusSeeds())
    all |= RunWanStatusInput(s.data.data(), s.data.size()).transitions;
  for (const WanTransitionInfo& t : WanTransitions())
    if (!t.reachable) EXPECT_FALSE(Has(all, t.id)) << t.name;
}

}  // namespace
}  // namespace ndisconf::fuzz
