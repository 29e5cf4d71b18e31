// Same configuration, plan and calls -> the same events; random faults are
// reproducible from their seed; send accounting survives every fault.
#include <gtest/gtest.h>

#include "reference/nic/fault_plan.h"
#include "reference/nic/soft_nic.h"
#include "reference/nic/test_util.h"

namespace ndisconf::nic {
namespace {

using namespace testing;  // NOLINT

constexpr std::string_view kBusyPlan =
    "fault at=20 ch=0 kind=crc\n"
    "fault at=40 ch=1 kind=flap down=9\n"
    "fault at=60 ch=0 kind=partial keep=2 errors=0x5\n"
    "fault at=90 ch=1 kind=speed bps=128000\n"
    "fault at=150 ch=0 kind=hang\n"
    "seed value=0xC0FFEE\n"
    "prob kind=crc ppm=20000\n"
    "prob kind=flap ppm=5000\n"
    "prob kind=partial ppm=10000\n"
    "prob kind=link-loss ppm=2000\n"
    "prob kind=reset ppm=1000\n"
    "prob kind=speed ppm=3000\n"
    "range name=flap min=2 max=20\n";

struct RunResult {
  std::vector<NicEvent> events;
  std::vector<ErrorCounters> counters;
  uint64_t accepted = 0;  // frames Transmit queued
};

// One step of a fixed workload: keeps both channels in calls, sends and
// receives frames, resets hung channels, then lets a tick pass.
void Step(SoftNic& nic, int step, uint64_t* accepted) {
  for (uint32_t i = 0; i < 2; ++i) {
    ChannelId ch{i};
    ChannelStatus s = *nic.Status(ch);
    if (s.hung && step % 25 == 0) (void)nic.Reset(ch);
    if (s.call_state == CallState::kIdle && !s.resetting) (void)nic.Dial(ch, "100");
    if (s.call_state == CallState::kConnected) {
      if (nic.Transmit(ch, Bytes(10 + step % 30, static_cast<uint8_t>(step))) ==
          TxResult::kQueued) {
        ++*accepted;
      }
      if (step % 3 == 0) (void)nic.InjectFrame(ch, Bytes(5 + step % 7));
    }
  }
  nic.Advance(1);
}

SoftNicConfig WorkloadConfig(uint64_t nic_seed) {
  SoftNicConfig config;
  config.seed = nic_seed;
  config.channels.resize(2);
  config.channels[1].peer.echo = true;
  return config;
}

// The workload for 400 steps; records every event via the interrupt.
RunResult RunWorkload(const FaultPlan& plan, uint64_t nic_seed = 7) {
  std::unique_ptr<SoftNic> nic = SoftNic::Create(WorkloadConfig(nic_seed));
  RunResult out;
  nic->SetInterruptHandler([&] {
    while (auto e = nic->NextEvent()) out.events.push_back(*e);
  });
  EXPECT_TRUE(nic->SetFaultPlan(plan));
  for (int step = 0; step < 400; ++step) Step(*nic, step, &out.accepted);
  (void)nic->ResetAll();  // completes whatever is still queued
  nic->Advance(5);
  for (uint32_t i = 0; i < 2; ++i) out.counters.push_back(*nic->Counters(ChannelId{i}));
  return out;
}

FaultPlan Parse(std::string_view text) {
  ParseResult r = ParseFaultPlan(text);
  EXPECT_TRUE(r.ok()) << r.error.ToString();
  return r.plan.value_or(FaultPlan{});
}

TEST(SoftNicDeterminism, SameSeedAndPlanGiveIdenticalEventSequence) {
  FaultPlan plan = Parse(kBusyPlan);
  RunResult a = RunWorkload(plan);
  RunResult b = RunWorkload(plan);
  ASSERT_GT(a.events.size(), 100u);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.counters, b.counters);
}

TEST(SoftNicDeterminism, ARestoredNicRunsOnAsFromItsSavedState) {
  std::unique_ptr<SoftNic> nic = SoftNic::Create(WorkloadConfig(7));
  std::vector<NicEvent> events;
  nic->SetInterruptHandler([&] {
    while (auto e = nic->NextEvent()) events.push_back(*e);
  });
  ASSERT_TRUE(nic->SetFaultPlan(Parse(kBusyPlan)));
  uint64_t accepted = 0;
  for (int step = 0; step < 150; ++step) Step(*nic, step, &accepted);
  const std::unique_ptr<SoftNic> saved = nic->SaveState();
  const Ticks now = nic->now();

  events.clear();
  for (int step = 150; step < 400; ++step) Step(*nic, step, &accepted);
  const std::vector<NicEvent> first = events;
  ASSERT_GT(first.size(), 50u);

  nic->RestoreState(*saved);
  EXPECT_EQ(nic->now(), now);
  events.clear();
  for (int step = 150; step < 400; ++step) Step(*nic, step, &accepted);
  EXPECT_EQ(events, first);  // the same calls, faults and random draws
}

TEST(SoftNicDeterminism, RandomFaultsFollowTheSeed) {
  FaultPlan plan = Parse(kBusyPlan);
  FaultPlan other = plan;
  other.random->seed = 12345;
  RunResult a = RunWorkload(plan);
  RunResult b = RunWorkload(other);
  EXPECT_NE(a.events, b.events);
  // Each kind with a probability actually fired in this run.
  ErrorCounters k = a.counters[0];
  EXPECT_GT(k.crc, 0u);
  EXPECT_GT(k.resets + a.counters[1].resets, 2u);
  EXPECT_GT(k.carrier_losses + a.counters[1].carrier_losses, 0u);
}

TEST(SoftNicDeterminism, PlanTextRoundTripGivesSameRun) {
  FaultPlan plan = Parse(kBusyPlan);
  FaultPlan again = Parse(FaultPlanToText(plan));
  EXPECT_EQ(again, plan);
  EXPECT_EQ(RunWorkload(plan).events, RunWorkload(again).events);
}

// The contract in nic.h: every accepted frame is completed exactly once.
TEST(SoftNicDeterminism, EveryAcceptedFrameIsCompletedExactlyOnceUnderFaults) {
  for (uint64_t seed : {1ull, 2ull, 3ull, 99ull}) {
    FaultPlan plan = Parse(kBusyPlan);
    plan.random->seed = seed;
    plan.random->ppm[static_cast<size_t>(FaultKind::kHang)] = 3000;
    RunResult r = RunWorkload(plan, seed);
    uint64_t completed = 0;
    for (const NicEvent& e : r.events) {
      if (e.kind == EventKind::kTxComplete) completed += e.tx_sent + e.tx_dropped;
    }
    EXPECT_EQ(completed, r.accepted) << "seed " << seed;
    uint64_t counted = 0;
    for (const ErrorCounters& k : r.counters) counted += k.frames_tx + k.tx_dropped;
    EXPECT_EQ(counted, r.accepted) << "seed " << seed;
  }
}

TEST(SoftNicDeterminism, EventTicksNeverDecrease) {
  RunResult r = RunWorkload(Parse(kBusyPlan));
  for (size_t i = 1; i < r.events.size(); ++i) {
    ASSERT_LE(r.events[i - 1].tick, r.events[i].tick) << i;
  }
}

}  // namespace
}  // namespace ndisconf::nic
