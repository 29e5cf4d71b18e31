// One wan_status input does the same thing whatever ran before it in the
// process: libFuzzer runs millions of inputs in one process, and a finding
// is only worth its reproducer if replaying that one input alone repeats
// it. Every named seed, run first on its own, then after the others in
// several orders (forward, backward, interleaved with the empty input),
// gives the identical event sequence (WanStatusOutcome::event_sequence),
// counters, transitions and violations. With NDISCONF_IMPL's variants too:
// a seeded bug's finding is the same after reference runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/wan_status_input.h"
#include "fuzz/wan_status_seeds.h"

namespace ndisconf::fuzz {
namespace {

void ExpectSame(const WanStatusOutcome& a, const WanStatusOutcome& b, const std::string& what) {
  EXPECT_EQ(a.event_sequence, b.event_sequence) << what;
  EXPECT_EQ(a.events, b.events) << what;
  EXPECT_EQ(a.records_skipped, b.records_skipped) << what;
  EXPECT_EQ(a.wmp_indications, b.wmp_indications) << what;
  EXPECT_EQ(a.refused_by_ndis, b.refused_by_ndis) << what;
  EXPECT_TRUE(a.ndiswan == b.ndiswan) << what;
  EXPECT_EQ(a.protocol_indications, b.protocol_indications) << what;
  EXPECT_EQ(a.rules_violated, b.rules_violated) << what;
  EXPECT_EQ(a.first_rule, b.first_rule) << what;
  EXPECT_EQ(a.first_check, b.first_check) << what;
  EXPECT_EQ(a.first_event, b.first_event) << what;
  EXPECT_EQ(a.transitions, b.transitions) << what;
}

WanStatusOutcome RunSeed(const std::vector<uint8_t>& d) {
  return RunWanStatusInput(d.data(), d.size());
}

TEST(WanStatusIsolation, EverySeedRunsTheSameInAnyOrder) {
  const std::vector<NamedSeed> seeds = WanStatusSeeds();
  ASSERT_GE(seeds.size(), 10u);
  std::map<std::string, WanStatusOutcome> alone;
  for (const NamedSeed& s : seeds) {
    alone[s.name] = RunSeed(s.data);
    EXPECT_GT(alone[s.name].events, 0u) << s.name;
  }
  // The outcome differs between seeds, so an outcome that ignored the
  // input would fail here rather than pass every comparison below.
  EXPECT_NE(alone["empty"].event_sequence, alone["fragment_on_live_link"].event_sequence);

  for (int order = 0; order < 3; ++order) {
    std::vector<NamedSeed> run = seeds;
    if (order == 1) std::reverse(run.begin(), run.end());
    if (order == 2)
      std::rotate(run.begin(), run.begin() + static_cast<long>(run.size() / 2), run.end());
    for (const NamedSeed& s : run) {
      ExpectSame(alone[s.name], RunSeed(s.data), s.name + " in order " + std::to_string(order));
      if (order == 2) (void)RunSeed({});  // the empty input between every two
    }
  }
}

TEST(WanStatusIsolation, ASeededBugIsFoundTheSameAfterReferenceRuns) {
  const conformance::Implementation* bug =
      conformance::FindImplementation("bug-ndiswan-no-link-context");
  ASSERT_NE(bug, nullptr);
  const WanStatusOutcome first = RunWanStatusInput(*bug, nullptr, 0);
  EXPECT_EQ(first.first_rule, "WAN-024");
  for (const NamedSeed& s : WanStatusSeeds()) (void)RunSeed(s.data);
  ExpectSame(first, RunWanStatusInput(*bug, nullptr, 0), "after the seeds");
  // And the reference after the variant: no leftover of the bug.
  const WanStatusOutcome clean = RunSeed({});
  EXPECT_EQ(clean.first_rule, "");
}

}  // namespace
}  // namespace ndisconf::fuzz
