// The committed wan_status seeds are exactly what their source
// (wan_status_seeds.cc) generates, they do what their names say, and the
// input format keeps their meaning: each seed replays to the same, specific
// outcome (indications made, how NDIS and NDISWAN accounted for them, the
// rule the seed is about reported by the monitor); an unknown tag or
// selector is skipped rather than read as another operation.
#include "fuzz/wan_status_seeds.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/wan_status_input.h"

namespace ndisconf::fuzz {
namespace {

std::vector<uint8_t> Seed(const std::string& name) {
  std::ifstream in("corpora/wan_status/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "no seed corpora/wan_status/" << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

WanStatusOutcome Replay(const std::vector<uint8_t>& input) {
  return RunWanStatusInput(input.data(), input.size());
}

// Every input starts on a connected call: the WMP's initial line-up inside
// OID_TAPI_GET_ID and four TAPI call-state events, one indication reaching
// the protocol (the line-up).
constexpr uint64_t kSetupIndications = 5;

struct Expected {
  const char* seed;
  uint64_t indications;  // by the WMP, beyond the set-up
  uint64_t refused;      // by NDIS (never reached NDISWAN)
  uint64_t line_ups, updates, line_downs, fragments, tapi_events, other, rejected;
  const char* rule;  // the rule the seed is about, reported by the monitor ("" for none)
};

class SeedTest : public ::testing::TestWithParam<Expected> {};

TEST_P(SeedTest, ReplaysToItsOutcome) {
  const Expected& e = GetParam();
  const WanStatusOutcome o = Replay(Seed(e.seed));
  EXPECT_EQ(o.records_skipped, 0u) << "a committed seed uses known tags only";
  EXPECT_EQ(o.wmp_indications, kSetupIndications + e.indications);
  EXPECT_EQ(o.refused_by_ndis, e.refused);
  EXPECT_EQ(o.ndiswan.indications, o.wmp_indications - e.refused);
  EXPECT_EQ(o.ndiswan.line_ups, e.line_ups);
  EXPECT_EQ(o.ndiswan.line_up_updates, e.updates);
  EXPECT_EQ(o.ndiswan.line_downs, e.line_downs);
  EXPECT_EQ(o.ndiswan.fragments, e.fragments);
  EXPECT_EQ(o.ndiswan.tapi_events, e.tapi_events);
  EXPECT_EQ(o.ndiswan.other_status, e.other);
  EXPECT_EQ(o.ndiswan.rejected_total(), e.rejected);
  if (*e.rule != '\0') EXPECT_EQ(o.rules_violated.count(e.rule), 1u) << e.rule;
}

// The rule column names the WAN rule each seed provokes on purpose; the
// model refuses or rejects those indications, which the counts show.
const Expected kExpected[] = {
    Expected{"empty", 0, 0, 1, 0, 0, 0, 4, 0, 0, ""},
    Expected{"truncated_record", 0, 0, 1, 0, 0, 0, 4, 0, 0, ""},
    // Two fragments on the live link, both accepted.
    Expected{"fragment_on_live_link", 2, 0, 1, 0, 0, 2, 4, 0, 0, ""},
    // Error bits 0 and undefined bits: accepted, reported (WAN-051).
    Expected{"fragment_error_bits_zero_and_undefined", 3, 0, 1, 0, 0, 3, 4, 0, 0, "WAN-051"},
    // One fragment under a spin lock, refused by NDIS (WAN-003); one not.
    Expected{"fragment_under_spin_lock", 2, 1, 1, 0, 0, 1, 4, 0, 0, "WAN-003"},
    // Line-down, then a fragment and a line-down on the link it took down.
    Expected{"line_down_then_fragment_on_stale_link", 3, 0, 1, 0, 1, 0, 4, 0, 2, "WAN-043"},
    // NULL StatusBuffer for the five statuses: four rejected, the media
    // status ignored.
    Expected{"null_buffer_every_status", 5, 0, 1, 0, 0, 0, 4, 1, 4, "WAN-020"},
    // Fragments of sizes 0, 1, 15 (rejected), 17, 64, 1024 (accepted).
    Expected{"sizes_zero_to_far_past", 6, 0, 1, 0, 0, 3, 4, 0, 3, "WAN-050"},
    // A line-up of a line-down's size (rejected), a line-down of a
    // line-up's size (accepted).
    Expected{"size_of_another_status", 2, 0, 1, 0, 1, 0, 4, 0, 1, "WAN-020"},
    // An update naming the live link with another NdisLinkHandle
    // (rejected), and an initial line-up for an unknown handle (a new
    // link, outside OID_TAPI_GET_ID).
    Expected{"line_up_update_and_initial_for_unknown_handle", 2, 0, 2, 0, 0, 0, 4, 0, 1, "WAN-021"},
    // TAPI events with an unknown message and unknown handles, rejected.
    Expected{"tapi_events_unknown_message_and_handles", 2, 0, 1, 0, 0, 0, 4, 0, 2, "WAN-060"},
    // On the live line: a line event (accepted), a call event for no call
    // and a LINE_NEWCALL naming a call (both rejected).
    Expected{"tapi_events_on_the_live_line", 3, 0, 1, 0, 0, 0, 5, 0, 2, "WAN-061"},
    // MEDIA_CONNECT and two raw codes: ignored by NDISWAN ("other").
    Expected{"unknown_and_other_status_codes", 2, 0, 1, 0, 0, 0, 4, 2, 0, ""},
    // A fragment, a CRC fault's fragment, a line-down, a TAPI drop.
    Expected{"indications_interleaved_with_faults", 5, 0, 1, 0, 1, 2, 5, 0, 1, ""},
    // NIC faults, TAPI requests and time: a redial brings a second line
    // up, the speed change an update.
    Expected{"nic_faults_tapi_and_time", 12, 0, 2, 1, 2, 1, 11, 0, 0, ""},
    Expected{"nic_faults_tapi_and_time_reordered", 12, 0, 2, 1, 2, 1, 11, 0, 0, ""},
};
INSTANTIATE_TEST_SUITE_P(Corpus, SeedTest, ::testing::ValuesIn(kExpected),
                         [](const auto& info) { return std::string(info.param.seed); });

// `bazel run //fuzz:wan_status_seeds` was run after the last change to the
// seeds' source: each committed file holds exactly the generated bytes.
TEST(WanStatusSeeds, CommittedFilesAreTheGeneratorsOutput) {
  for (const NamedSeed& seed : WanStatusSeeds()) {
    EXPECT_EQ(Seed(seed.name), seed.data)
        << "corpora/wan_status/" << seed.name
        << " differs from its source; run bazel run //fuzz:wan_status_seeds";
  }
}

// Every generated seed has its expected outcome above, and nothing else does.
TEST(WanStatusSeeds, EveryGeneratedSeedHasAnExpectedOutcome) {
  std::set<std::string> generated, expected;
  for (const NamedSeed& seed : WanStatusSeeds()) {
    EXPECT_TRUE(generated.insert(seed.name).second) << "duplicate seed name " << seed.name;
  }
  for (const Expected& e : kExpected) expected.insert(e.seed);
  EXPECT_EQ(generated, expected);
}

// Bytes with no entry in a tag table, spliced between the records of a seed.
std::vector<uint8_t> Splice(std::vector<uint8_t> input, size_t at,
                            std::initializer_list<uint8_t> bytes) {
  input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), bytes);
  return input;
}

void ExpectSameRun(const WanStatusOutcome& a, const WanStatusOutcome& b) {
  EXPECT_EQ(a.wmp_indications, b.wmp_indications);
  EXPECT_EQ(a.refused_by_ndis, b.refused_by_ndis);
  EXPECT_TRUE(a.ndiswan == b.ndiswan);
  EXPECT_EQ(a.protocol_indications, b.protocol_indications);
  EXPECT_EQ(a.rules_violated, b.rules_violated);
}

TEST(WanStatusInput, UnknownTagsAreSkippedOneByteEach) {
  const std::vector<uint8_t> base = Seed("fragment_on_live_link");
  const WanStatusOutcome want = Replay(base);
  // base[0] = 0 scheduler bytes; records start at 1. Tags 6, 0x80, 0xff
  // name no operation (with `tag % 6` they were INDICATE, FAULT and
  // PUMP, reading the next bytes as their operands).
  const WanStatusOutcome got = Replay(Splice(base, 1, {6, 0x80, 0xff}));
  EXPECT_EQ(got.records_skipped, 3u);
  ExpectSameRun(got, want);
}

TEST(WanStatusInput, UnknownSelectorsSkipTheirRecord) {
  const std::vector<uint8_t> base = Seed("fragment_on_live_link");
  const WanStatusOutcome want = Replay(base);
  // INDICATE with status selector 6, TAPI with request 4, FAULT with kind
  // 12 (and its argument byte): each record is skipped after its selector.
  const WanStatusOutcome got = Replay(Splice(
      base, 1,
      {uint8_t(WanOp::kIndicate), 6, uint8_t(WanOp::kTapi), 4, uint8_t(WanOp::kFault), 12, 0}));
  EXPECT_EQ(got.records_skipped, 3u);
  ExpectSameRun(got, want);
}

TEST(WanStatusInput, TagValuesAreFixed) {
  // Append-only: these values are in committed seeds (wan_status_seeds.cc).
  EXPECT_EQ(WanOpForTag(0), WanOp::kIndicate);
  EXPECT_EQ(WanOpForTag(5), WanOp::kTapi);
  EXPECT_EQ(WanOpForTag(6), std::nullopt);
  EXPECT_EQ(WanStatusForSel(5), WanStatusSel::kRaw);
  EXPECT_EQ(WanStatusForSel(6), std::nullopt);
  EXPECT_EQ(WanTapiForTag(3), WanTapiOp::kMakeCall);
  EXPECT_EQ(WanTapiForTag(4), std::nullopt);
  EXPECT_EQ(WanFaultForTag(0), nic::FaultKind::kLinkLoss);
  EXPECT_EQ(WanFaultForTag(11), nic::FaultKind::kHang);
  EXPECT_EQ(WanFaultForTag(12), std::nullopt);
}

// The reference commits no violation of its own on any seed: every WAN-*
// finding there is the scripted WMP's (or NDIS's documented refusal of it).
TEST(WanStatusImplementation, ReferenceHasNoViolationOnAnySeed) {
  for (const NamedSeed& s : WanStatusSeeds()) {
    const WanStatusOutcome o = Replay(Seed(s.name));
    EXPECT_EQ(o.first_rule, "") << s.name << ": " << o.first_check << " " << o.first_message;
  }
}

// NDISCONF_IMPL's variants replace NDISWAN, the protocol or the WAN host:
// each seeded bug on those paths is the first violation, on the set-up's
// connected call (so on the empty input already).
TEST(WanStatusImplementation, SeededBugIsTheFirstViolation) {
  struct Case {
    const char* impl;
    const char* rule;
    const char* check;
  };
  for (const Case& c : {
           Case{"bug-ndis-skips-status-complete", "WAN-011", "status-complete-to-notified"},
           Case{"bug-ndis-status-buffer-scribbled", "WAN-103", "status-buffer-unchanged"},
           Case{"bug-ndiswan-no-link-context", "WAN-024", "ndiswan-writes-unique-context"},
           Case{"bug-wanproto-clobbers-reserved-local-address", "WAN-037", "upper-line-up-shape"},
       }) {
    const conformance::Implementation* impl = conformance::FindImplementation(c.impl);
    ASSERT_NE(impl, nullptr) << c.impl;
    const WanStatusOutcome o = RunWanStatusInput(*impl, nullptr, 0);
    EXPECT_EQ(o.first_rule, c.rule) << c.impl;
    EXPECT_EQ(o.first_check, c.check) << c.impl;
    EXPECT_GT(o.first_event, 0u) << c.impl;
  }
}

}  // namespace
}  // namespace ndisconf::fuzz
