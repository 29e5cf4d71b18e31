// The fault plan's byte form: the operation table, round trips, and
// arbitrary bytes (decode, install, run) never crash.
#include <gtest/gtest.h>

#include "reference/nic/fault_plan.h"
#include "reference/nic/soft_nic.h"
#include "reference/nic/splitmix64.h"
#include "reference/nic/test_util.h"

namespace ndisconf::nic {
namespace {

using namespace testing;  // NOLINT

TEST(FaultPlanBytes, EmptyInputIsEmptyPlan) { EXPECT_EQ(FaultPlanFromBytes({}), FaultPlan{}); }

// The table in fault_plan.h, pinned: committed fuzz seeds depend on it.
TEST(FaultPlanBytes, OperationTableIsStable) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x10, 0x00, 0x00, 0x00,                    // advance 16
      0x01, 0x05,                                      // link-loss ch 5 % 4 = 1
      0x02, 0x02, 0x00, 0x00, 0x00, 0x00,              // flap ch 2, down 0 -> 1
      0x04, 0x03, 0x01,                                // crc ch 3, now
      0x0A, 0x00, 0x04, 0x00, 0x00,                    // partial ch 0 keep 4 errors 0 -> framing
      0xFF,                                            // unknown selector: skipped
      0x00, 0x01, 0x00, 0x00, 0x00,                    // advance 1
      0x0C, 0x01, 0x01,                                // hang ch 1 silent
      0x0D, 0x2A, 0,    0,    0,    0,    0, 0, 0,     // seed 42
      0x0E, 0x0F, 0x10, 0x27, 0x00, 0x00,              // prob kind 15 % 12 = 3 (crc), 10000 ppm
      0x0F, 0x01, 0,    0,    0,    0,    0, 0, 0, 0,  // range flap min 0 -> 1
      0x05, 0,    0,    0,    0,    0,    0, 0,        //   max 5
  };
  FaultPlan p = FaultPlanFromBytes(bytes, 4);
  ASSERT_EQ(p.faults.size(), 5u);
  EXPECT_EQ(p.faults[0].kind, FaultKind::kLinkLoss);
  EXPECT_EQ(p.faults[0].at_tick, 16u);
  EXPECT_EQ(p.faults[0].channel, ChannelId{1});
  EXPECT_EQ(p.faults[1].kind, FaultKind::kFlap);
  EXPECT_EQ(p.faults[1].flap_down_ticks, 1u);
  EXPECT_EQ(p.faults[2].kind, FaultKind::kCrc);
  EXPECT_TRUE(p.faults[2].immediate);
  EXPECT_EQ(p.faults[3].kind, FaultKind::kPartialFrame);
  EXPECT_EQ(p.faults[3].partial_keep, 4u);
  EXPECT_EQ(p.faults[3].partial_errors.bits, FrameErrors::kFraming);
  EXPECT_EQ(p.faults[4].kind, FaultKind::kHang);
  EXPECT_EQ(p.faults[4].at_tick, 17u);
  EXPECT_TRUE(p.faults[4].silent);
  ASSERT_TRUE(p.random.has_value());
  EXPECT_EQ(p.random->seed, 42u);
  EXPECT_EQ(p.random->ppm[static_cast<size_t>(FaultKind::kCrc)], 10000u);
  EXPECT_EQ(p.random->flap_ticks, (Range{1, 5}));
}

TEST(FaultPlanBytes, TruncatedOperandsReadAsZero) {
  FaultPlan p = FaultPlanFromBytes(std::vector<uint8_t>{0x03}, 4);  // speed, no operands
  ASSERT_EQ(p.faults.size(), 1u);
  EXPECT_EQ(p.faults[0].channel, ChannelId{0});
  EXPECT_EQ(p.faults[0].speed_bps, 1u);  // 0 clamped to 1
}

TEST(FaultPlanBytes, TextPlanRoundTripsThroughBytes) {
  ParseResult r = ParseFaultPlan(
      "fault at=5 ch=1 kind=speed bps=10000000000\n"
      "fault at=0 ch=0 kind=link-loss\n"
      "fault at=5000000000 ch=3 kind=reset ticks=1000000000\n"
      "fault at=18446744073709551615 ch=2 kind=partial keep=65535 errors=0x21\n"
      "fault at=7 ch=0 kind=timeout when=now\n"
      "fault at=7 ch=0 kind=hang silent=yes\n"
      "fault at=9 ch=1 kind=flap down=1000000000\n"
      "seed value=99\nprob kind=speed ppm=1000000\nrange name=reset min=0 max=0\n");
  ASSERT_TRUE(r.ok()) << r.error.ToString();
  std::vector<uint8_t> bytes = FaultPlanToBytes(*r.plan);
  EXPECT_EQ(FaultPlanFromBytes(bytes, 4), CanonicalFaultPlan(*r.plan));
}

// Random valid plans: encode, decode, compare.
TEST(FaultPlanBytes, RandomValidPlansRoundTrip) {
  SplitMix64 rng(2024);
  for (int iter = 0; iter < 500; ++iter) {
    FaultPlan p;
    size_t n = rng.Below(20);
    for (size_t i = 0; i < n; ++i) {
      ScheduledFault f;
      f.at_tick = rng.Below(4) == 0 ? rng.Next() : rng.Below(1000);
      f.channel = ChannelId{static_cast<uint32_t>(rng.Below(4))};
      f.kind = static_cast<FaultKind>(rng.Below(kFaultKindCount));
      switch (f.kind) {
        case FaultKind::kFlap:
          f.flap_down_ticks = rng.InRange(1, kMaxFlapTicks);
          break;
        case FaultKind::kSpeedChange:
          f.speed_bps = rng.InRange(1, kMaxSpeedBps);
          break;
        case FaultKind::kPartialFrame:
          f.partial_keep = static_cast<uint32_t>(rng.Below(kMaxPartialKeep + 1));
          f.partial_errors.bits = static_cast<uint32_t>(rng.InRange(1, 0x3F));
          break;
        case FaultKind::kReset:
          f.reset_ticks = rng.Below(kMaxResetTicks + 1);
          break;
        case FaultKind::kHang:
          f.silent = rng.Below(2) == 1;
          break;
        case FaultKind::kLinkLoss:
          break;
        default:
          f.immediate = rng.Below(2) == 1;
          break;
      }
      p.faults.push_back(f);
    }
    if (rng.Below(2) == 1) {
      RandomFaults rf;
      rf.seed = rng.Next();
      for (auto& ppm : rf.ppm)
        ppm = rng.Below(3) == 0 ? static_cast<uint32_t>(rng.Below(kMaxPpm + 1)) : 0;
      uint64_t a = rng.InRange(1, kMaxSpeedBps), b = rng.InRange(1, kMaxSpeedBps);
      rf.speed_bps = Range{std::min(a, b), std::max(a, b)};
      p.random = rf;
    }
    ASSERT_EQ(ValidateFaultPlan(p, 4), std::nullopt);
    EXPECT_EQ(FaultPlanFromBytes(FaultPlanToBytes(p), 4), CanonicalFaultPlan(p)) << iter;
    ParseResult text = ParseFaultPlan(FaultPlanToText(p));
    ASSERT_TRUE(text.ok()) << text.error.ToString();
    EXPECT_EQ(*text.plan, p) << iter;
  }
}

// Whatever the bytes, the decoded plan is valid for the channel count, a
// SoftNic accepts it, and running it does not crash (the sanitizer configs
// check the "no UB" half of that).
TEST(FaultPlanBytes, ArbitraryBytesDecodeToInstallablePlans) {
  SplitMix64 rng(77);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<uint8_t> bytes(rng.Below(300));
    for (uint8_t& b : bytes) {
      // Bias toward valid selectors so operations actually decode.
      b = static_cast<uint8_t>(rng.Below(4) == 0 ? rng.Below(256) : rng.Below(16));
    }
    uint32_t channels = 1 + static_cast<uint32_t>(rng.Below(4));
    FaultPlan p = FaultPlanFromBytes(bytes, channels);
    ASSERT_EQ(ValidateFaultPlan(p, channels), std::nullopt) << iter;
    ParseResult text = ParseFaultPlan(FaultPlanToText(p));
    ASSERT_TRUE(text.ok()) << text.error.ToString();
    EXPECT_EQ(*text.plan, p);

    SoftNicConfig config;
    config.channel_count = channels;
    auto nic = MakeNic(config);
    ASSERT_TRUE(nic->SetFaultPlan(p));
    nic->SetInterruptHandler([&] { Drain(*nic); });
    for (int step = 0; step < 60; ++step) {
      for (uint32_t c = 0; c < channels; ++c) {
        ChannelId ch{c};
        ChannelStatus s = *nic->Status(ch);
        if (s.hung) (void)nic->Reset(ch);
        if (s.call_state == CallState::kIdle) (void)nic->Dial(ch, "1");
        (void)nic->Transmit(ch, Bytes(1 + step % 40));
        (void)nic->InjectFrame(ch, Bytes(1 + step % 50));
      }
      nic->Advance(1 + rng.Below(3));
    }
  }
}

TEST(FaultPlanBytes, ZeroChannelCountIsTreatedAsOne) {
  FaultPlan p = FaultPlanFromBytes(std::vector<uint8_t>{0x01, 0x09}, 0);
  ASSERT_EQ(p.faults.size(), 1u);
  EXPECT_EQ(p.faults[0].channel, ChannelId{0});
}

}  // namespace
}  // namespace ndisconf::nic
