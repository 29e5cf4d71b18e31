// The committed af_lifecycle seeds are exactly what their source
// (af_lifecycle_seeds.cc) generates and do what their names say on the
// reference (AFs opened, calls up, bad calls all refused, no violation); an
// unknown tag is skipped rather than read as another operation; and the
// seeded-bug variants whose rules these programs reach are caught, each
// with the rule it breaks.
#include "fuzz/af_lifecycle_seeds.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/af_lifecycle_input.h"

namespace ndisconf::fuzz {
namespace {

std::vector<uint8_t> Committed(const std::string& name) {
  std::ifstream in("corpora/af_lifecycle/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "no seed corpora/af_lifecycle/" << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

AfLifecycleOutcome Replay(const std::string& impl, const std::vector<uint8_t>& input) {
  const conformance::Implementation* i = conformance::FindImplementation(impl);
  EXPECT_NE(i, nullptr) << impl;
  if (i == nullptr) return {};
  return RunAfLifecycleProgram(*i, input.data(), input.size());
}

TEST(AfLifecycleSeeds, CommittedFilesAreTheGeneratorsOutput) {
  for (const AfSeed& seed : AfLifecycleSeeds()) {
    EXPECT_EQ(Committed(seed.name), seed.data)
        << seed.name << " differs: run `bazel run //fuzz:af_lifecycle_seeds`";
  }
}

TEST(AfLifecycleSeeds, EachSeedDoesWhatItsNameSaysOnTheReference) {
  for (const AfSeed& seed : AfLifecycleSeeds()) {
    SCOPED_TRACE(seed.name);
    const AfLifecycleOutcome o = Replay("reference", seed.data);
    EXPECT_EQ(o.first_rule, "") << o.first_check << " at event " << o.first_event << ": "
                                << o.first_message;
    EXPECT_EQ(o.records_skipped, 0u) << "a committed seed uses known tags only";
    EXPECT_EQ(o.afs_opened, seed.afs_opened);
    EXPECT_EQ(o.calls_connected, seed.calls_connected);
    EXPECT_EQ(o.bad_calls, seed.bad_calls);
    EXPECT_EQ(o.bad_calls_accepted, 0u);
    EXPECT_GT(o.events, 0u);
  }
}

TEST(AfLifecycleSeeds, UnknownTagIsSkippedNotReinterpreted) {
  const std::vector<AfSeed> seeds = AfLifecycleSeeds();
  const AfSeed& s1 = seeds.front();
  std::vector<uint8_t> with_unknown = s1.data;
  with_unknown.insert(with_unknown.begin() + 1, 0xEE);  // after the scheduler count
  const AfLifecycleOutcome plain = Replay("reference", s1.data);
  const AfLifecycleOutcome skipped = Replay("reference", with_unknown);
  EXPECT_EQ(skipped.records_skipped, 1u);
  EXPECT_EQ(skipped.records, plain.records);
  EXPECT_EQ(skipped.events, plain.events);
  EXPECT_EQ(skipped.afs_opened, plain.afs_opened);
}

TEST(AfLifecycleSeeds, AnyByteStringIsAProgram) {
  // Cut at every length, the bad-handles seed decodes, runs and leaves the
  // reference without a violation.
  const std::vector<uint8_t> full = AfLifecycleSeeds().back().data;
  for (size_t n = 0; n <= full.size(); ++n) {
    const AfLifecycleOutcome o = Replay("reference", {full.begin(), full.begin() + n});
    ASSERT_EQ(o.first_rule, "") << "cut at " << n << ": " << o.first_message;
  }
}

struct Caught {
  const char* impl;
  const char* seed;
  const char* rule;
};
class SeededBug : public ::testing::TestWithParam<Caught> {};

TEST_P(SeededBug, IsCaughtWithItsRule) {
  const Caught& c = GetParam();
  std::vector<uint8_t> data;
  for (const AfSeed& seed : AfLifecycleSeeds())
    if (seed.name == c.seed) data = seed.data;
  ASSERT_FALSE(data.empty()) << "no seed " << c.seed;
  const AfLifecycleOutcome o = Replay(c.impl, data);
  EXPECT_EQ(o.first_rule, c.rule) << o.first_message;
  const conformance::Implementation* i = conformance::FindImplementation(c.impl);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->seeded_rule, c.rule) << "the variant is about another rule";
}

INSTANTIATE_TEST_SUITE_P(
    Variants, SeededBug,
    ::testing::Values(
        Caught{"bug-client-closes-binding-with-af-open", "s7_client_unbinds_first", "AF-120"},
        Caught{"bug-client-never-completes-notify", "s5_cm_unbind_notify_pended", "AF-065"},
        Caught{"bug-client-oversized-co-header", "s1_open_sync", "AF-136"},
        Caught{"bug-cm-close-complete-failure", "s4_close_with_sap_and_vc", "AF-053"},
        Caught{"bug-cm-never-completes-sap-deregister", "s4_close_with_sap_and_vc", "AF-090"},
        Caught{"bug-cm-open-complete-twice", "s2_open_pended", "AF-034"},
        Caught{"bug-comp-create-vc-pends", "s4_close_with_sap_and_vc", "AF-104"},
        Caught{"bug-mcm-halt-leaves-afs-open", "s6_mcm_halt", "AF-062"},
        Caught{"bug-mcm-registers-from-work-item", "s3_mcm_open", "AF-007"},
        Caught{"bug-ndis-double-close-succeeds", "bad_handles_every_function", "AF-057"},
        Caught{"bug-ndis-accepts-nonnull-vc-handle", "bad_create_vc_nonnull_handle", "AF-100"}),
    [](const auto& info) {
      std::string n = info.param.impl;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

}  // namespace
}  // namespace ndisconf::fuzz
