// One wan_status input does the same thing whatever ran before it in the
// process: libFuzzer runs millions of inputs in one process, and a finding
// is only worth its reproducer if replaying that one input alone repeats
// it. The target runs every input on one reused stack, put back into its
// post-setup state after each (WanStack::kReused, wan_status_input.h), so
// the reference here is a stack built for the input alone (kFresh): every
// committed input, and inputs made to leave things behind (a call still
// dialing, a second link up, a hung or resetting channel, a refused
// indication and the violation it leads to), gives on the reused stack the
// identical event sequence (WanStatusOutcome::event_sequence), counters,
// transitions and violations, in several orders, after other
// implementations' runs and after fresh stacks; and so does every
// registered implementation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
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

const conformance::Implementation& Reference() {
  return *conformance::FindImplementation("reference");
}

// Inputs made to leave state behind on the stack they ran on (record tags:
// wan_status_input.h). Byte 0 is the scheduler prefix's length.
std::map<std::string, std::vector<uint8_t>> Leftovers() {
  std::map<std::string, std::vector<uint8_t>> in;
  in["call_left_dialing"] = {0, 5, 3};  // TAPI MAKE_CALL
  // DROP, CLOSE_CALL, then a new MAKE_CALL that connects in time and its GET_ID.
  in["second_link_up"] = {0, 5, 0, 5, 1, 5, 3, 3, 7, 3, 7, 5, 2};
  in["channel_hung"] = {0, 2, 11, 0};               // FAULT hang
  in["channel_resetting"] = {0, 2, 10, 5};          // FAULT reset, 5 ticks
  in["carrier_flapping"] = {0, 2, 1, 7};            // FAULT flap, down 8 ticks
  in["call_dropped_and_closed"] = {0, 5, 0, 5, 1};  // TAPI DROP, CLOSE_CALL
  // A line-down under a spin lock, which NDIS refuses (WAN-003, the
  // harness WMP's own violation, which no input is failed for); the link
  // stays up for the send after it.
  in["line_down_refused_under_lock"] = {0, 0, 1, 8, 0, 0x1e, 0, 0, 0, 0, 0, 0, 0, 0, 4, 2, 4, 14};
  // A fragment on the live link, queued and never completed, after a long
  // scheduler prefix (the setup's decisions take its first bytes).
  std::vector<uint8_t> fragment = {200};
  fragment.insert(fragment.end(), 200, 0xFF);
  const std::vector<uint8_t> rec = {0, 2, 16, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
  fragment.insert(fragment.end(), rec.begin(), rec.end());
  in["fragment_after_long_schedule"] = fragment;
  return in;
}

// Every committed input (corpora/wan_status: the named seeds and any the
// campaigns merged), by file name.
std::map<std::string, std::vector<uint8_t>> Committed() {
  namespace fs = std::filesystem;
  std::map<std::string, std::vector<uint8_t>> in;
  std::error_code ec;
  for (const fs::directory_entry& f : fs::directory_iterator("corpora/wan_status", ec)) {
    std::ifstream s(f.path(), std::ios::binary);
    in[f.path().filename().string()] = {std::istreambuf_iterator<char>(s),
                                        std::istreambuf_iterator<char>()};
  }
  return in;
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

TEST(WanStatusIsolation, TheReusedStackRunsEveryInputAsANewStackDoes) {
  std::map<std::string, std::vector<uint8_t>> inputs = Committed();
  ASSERT_GE(inputs.size(), 10u) << "no corpora/wan_status";
  for (auto& [name, data] : Leftovers()) inputs[name] = data;
  std::vector<std::string> names;
  std::map<std::string, WanStatusOutcome> fresh;
  for (const auto& [name, data] : inputs) {
    names.push_back(name);
    fresh[name] = RunWanStatusInput(Reference(), data.data(), data.size(), WanStack::kFresh);
    EXPECT_FALSE(fresh[name].reused_stack) << name;
  }
  // The leftovers do what they are named for.
  EXPECT_GT(fresh["second_link_up"].ndiswan.line_ups, fresh["empty"].ndiswan.line_ups);
  EXPECT_EQ(fresh["line_down_refused_under_lock"].refused_by_ndis, 1u);
  EXPECT_EQ(fresh["line_down_refused_under_lock"].rules_violated, std::set<std::string>{"WAN-003"});
  EXPECT_EQ(fresh["line_down_refused_under_lock"].first_rule, "");
  EXPECT_GT(fresh["fragment_after_long_schedule"].ndiswan.fragments, 0u);

  auto reused = [&](const std::string& name, const std::string& when) {
    const std::vector<uint8_t>& d = inputs[name];
    const WanStatusOutcome o = RunWanStatusInput(Reference(), d.data(), d.size());
    EXPECT_TRUE(o.reused_stack) << name;
    ExpectSame(fresh[name], o, name + " " + when);
  };
  for (const std::string& name : names) reused(name, "forward");
  for (auto it = names.rbegin(); it != names.rend(); ++it) reused(*it, "backward");
  for (const std::string& name : names) {
    // After every leftover, and after a fresh stack came and went.
    for (const auto& [left, data] : Leftovers()) {
      (void)RunWanStatusInput(Reference(), data.data(), data.size());
      reused(name, "after " + left);
    }
    const std::vector<uint8_t>& d = inputs[name];
    (void)RunWanStatusInput(Reference(), d.data(), d.size(), WanStack::kFresh);
    reused(name, "after a fresh stack");
  }
}

TEST(WanStatusIsolation, EveryImplementationRunsTheSameOnBothStacks) {
  std::map<std::string, std::vector<uint8_t>> inputs = Leftovers();
  for (const NamedSeed& s : WanStatusSeeds()) inputs[s.name] = s.data;
  for (const conformance::Implementation* impl : conformance::AllImplementations()) {
    size_t on_reused = 0;
    for (const auto& [name, d] : inputs) {
      const WanStatusOutcome f = RunWanStatusInput(*impl, d.data(), d.size(), WanStack::kFresh);
      const WanStatusOutcome r = RunWanStatusInput(*impl, d.data(), d.size());
      ExpectSame(f, r, impl->name + ": " + name);
      on_reused += r.reused_stack;
    }
    // Every registered implementation's WAN components have a rollback
    // (the reference's, or a variant that adds no state to them).
    EXPECT_EQ(on_reused, inputs.size()) << impl->name;
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
