// The observable effect of every fault kind, applied from a fault plan.
#include <gtest/gtest.h>

#include "reference/nic/fault_plan.h"
#include "reference/nic/soft_nic.h"
#include "reference/nic/test_util.h"

namespace ndisconf::nic {
namespace {

using namespace testing;  // NOLINT

// A connected channel 0 at tick 5 with `plan_text` installed.
std::unique_ptr<SoftNic> ConnectedWithPlan(std::string_view plan_text) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ParseResult r = ParseFaultPlan(plan_text);
  EXPECT_TRUE(r.ok()) << r.error.ToString();
  std::string error;
  EXPECT_TRUE(nic->SetFaultPlan(*r.plan, &error)) << error;
  return nic;
}

TEST(SoftNicFault, ConnectedLinkLossDropsCarrierAndCall) {
  auto nic = ConnectedWithPlan("fault at=8 ch=0 kind=link-loss\n");
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(200)), TxResult::kQueued);
  nic->Advance(5);
  NicEvent h = Ev(EventKind::kRemoteHangUp, 0, 8);
  h.reason = CallEnd::kLinkLoss;
  NicEvent tx = Ev(EventKind::kTxComplete, 0, 8);
  tx.tx_dropped = 1;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kCarrierDown, 0, 8), h, tx}));
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
  EXPECT_EQ(nic->Counters(kCh0)->carrier_losses, 1u);
  EXPECT_EQ(nic->Counters(kCh0)->tx_dropped, 1u);
}

TEST(SoftNicFault, DialingLinkLossFailsTheDial) {
  auto nic = MakeNic();
  ParseResult r = ParseFaultPlan("fault at=3 ch=0 kind=link-loss");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(nic->SetFaultPlan(*r.plan));
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  nic->Advance(10);
  NicEvent f = Ev(EventKind::kDialFailed, 0, 3);
  f.reason = CallEnd::kLinkLoss;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kRemoteRinging, 0, 2), f}));
}

TEST(SoftNicFault, IdleLinkLossHasNoEffect) {
  auto nic = MakeNic();
  ParseResult r = ParseFaultPlan("fault at=1 ch=1 kind=link-loss");
  ASSERT_TRUE(nic->SetFaultPlan(*r.plan));
  nic->Advance(3);
  EXPECT_TRUE(Drain(*nic).empty());
}

TEST(SoftNicFault, FlapDropsCarrierForDownTicksAndKeepsCall) {
  auto nic = ConnectedWithPlan("fault at=10 ch=0 kind=flap down=7");
  nic->Advance(4);
  EXPECT_TRUE(Drain(*nic).empty());
  nic->Advance(1);  // tick 10
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{Ev(EventKind::kCarrierDown, 0, 10)});
  EXPECT_FALSE(nic->Status(kCh0)->carrier);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kConnected);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(4)), TxResult::kNoCarrier);
  EXPECT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kOk);
  EXPECT_EQ(nic->Counters(kCh0)->rx_lost, 1u);
  nic->Advance(6);  // tick 16
  EXPECT_TRUE(Drain(*nic).empty());
  nic->Advance(1);  // tick 17
  NicEvent up = Ev(EventKind::kCarrierUp, 0, 17);
  up.link_speed_bps = 64000;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{up});
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(4)), TxResult::kQueued);
  EXPECT_EQ(nic->Counters(kCh0)->carrier_losses, 1u);
}

TEST(SoftNicFault, SpeedChangeReportsNewSpeed) {
  auto nic = ConnectedWithPlan("fault at=6 ch=0 kind=speed bps=56000");
  nic->Advance(1);
  NicEvent s = Ev(EventKind::kSpeedChanged, 0, 6);
  s.link_speed_bps = 56000;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{s});
  EXPECT_EQ(nic->Status(kCh0)->link_speed_bps, 56000u);
}

struct SingleErrorCase {
  const char* kind;
  uint32_t bit;
  uint64_t ErrorCounters::*counter;
};

class SoftNicSingleError : public ::testing::TestWithParam<SingleErrorCase> {};

TEST_P(SoftNicSingleError, ArmedErrorMarksTheNextReceivedFrame) {
  const SingleErrorCase& c = GetParam();
  auto nic = ConnectedWithPlan(std::string("fault at=6 ch=0 kind=") + c.kind);
  nic->Advance(1);
  EXPECT_TRUE(Drain(*nic).empty());  // armed, nothing to report yet
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(6)), OpStatus::kOk);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::kFrameError);
  EXPECT_EQ(ev[0].errors.bits, c.bit);
  EXPECT_EQ(ev[0].bytes.size(), 6u);
  if (c.bit == FrameErrors::kCrc) {
    EXPECT_NE(ev[0].bytes, Bytes(6));  // one bit flipped
  } else {
    EXPECT_EQ(ev[0].bytes, Bytes(6));
  }
  ErrorCounters k = *nic->Counters(kCh0);
  EXPECT_EQ(k.*(c.counter), 1u);
  EXPECT_EQ(k.partial_frames, 1u);
  EXPECT_EQ(k.frames_rx, 0u);
  EXPECT_EQ(k.crc + k.framing + k.hw_overrun + k.buffer_overrun + k.timeout + k.alignment, 1u);
  // Only the next frame.
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(6)), OpStatus::kOk);
  EXPECT_EQ(Kinds(Drain(*nic)), std::vector<EventKind>{EventKind::kFrameReceived});
}

TEST_P(SoftNicSingleError, ImmediateErrorIsLatchedAtOnceWithoutBytes) {
  const SingleErrorCase& c = GetParam();
  auto nic = ConnectedWithPlan(std::string("fault at=6 ch=0 when=now kind=") + c.kind);
  nic->Advance(1);
  NicEvent e = Ev(EventKind::kFrameError, 0, 6);
  e.errors.bits = c.bit;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{e});
  EXPECT_EQ((*nic->Counters(kCh0)).*(c.counter), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, SoftNicSingleError,
    ::testing::Values(
        SingleErrorCase{"crc", FrameErrors::kCrc, &ErrorCounters::crc},
        SingleErrorCase{"framing", FrameErrors::kFraming, &ErrorCounters::framing},
        SingleErrorCase{"hw-overrun", FrameErrors::kHardwareOverrun, &ErrorCounters::hw_overrun},
        SingleErrorCase{"buffer-overrun", FrameErrors::kBufferOverrun,
                        &ErrorCounters::buffer_overrun},
        SingleErrorCase{"timeout", FrameErrors::kTimeout, &ErrorCounters::timeout},
        SingleErrorCase{"alignment", FrameErrors::kAlignment, &ErrorCounters::alignment}),
    [](const ::testing::TestParamInfo<SingleErrorCase>& info) {
      std::string name = info.param.kind;
      name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
      return name;
    });

TEST(SoftNicFault, SeveralArmedErrorsCombineInOneFrameError) {
  auto nic = ConnectedWithPlan(
      "fault at=6 ch=0 kind=timeout\n"
      "fault at=6 ch=0 kind=alignment\n");
  nic->Advance(1);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(3)), OpStatus::kOk);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].errors.bits, FrameErrors::kTimeout | FrameErrors::kAlignment);
  ErrorCounters k = *nic->Counters(kCh0);
  EXPECT_EQ(k.timeout, 1u);
  EXPECT_EQ(k.alignment, 1u);
  EXPECT_EQ(k.partial_frames, 1u);
}

TEST(SoftNicFault, PartialFrameIsTruncatedWithItsFlags) {
  auto nic = ConnectedWithPlan("fault at=6 ch=0 kind=partial keep=3 errors=crc|timeout");
  nic->Advance(1);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(10)), OpStatus::kOk);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::kFrameError);
  EXPECT_EQ(ev[0].errors.bits, FrameErrors::kCrc | FrameErrors::kTimeout);
  EXPECT_EQ(ev[0].bytes.size(), 3u);
  ErrorCounters k = *nic->Counters(kCh0);
  EXPECT_EQ(k.partial_frames, 1u);
  EXPECT_EQ(k.crc, 1u);
  EXPECT_EQ(k.timeout, 1u);
}

TEST(SoftNicFault, NicResetDropsCallThenCompletesAfterTicks) {
  auto nic = ConnectedWithPlan("fault at=7 ch=0 kind=reset ticks=4");
  nic->Advance(10);
  NicEvent h = Ev(EventKind::kRemoteHangUp, 0, 7);
  h.reason = CallEnd::kNicReset;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kCarrierDown, 0, 7), h,
                                                Ev(EventKind::kResetComplete, 0, 11)}));
  EXPECT_EQ(nic->Counters(kCh0)->resets, 1u);
  EXPECT_FALSE(nic->Status(kCh0)->resetting);
}

TEST(SoftNicFault, ResettingChannelRejectsDialAndTransmit) {
  auto nic = ConnectedWithPlan("fault at=6 ch=0 kind=reset ticks=10");
  nic->Advance(1);
  EXPECT_TRUE(nic->Status(kCh0)->resetting);
  EXPECT_EQ(nic->Dial(kCh0, "1"), OpStatus::kInvalidState);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(4)), TxResult::kNoCarrier);
  EXPECT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kInvalidState);
}

TEST(SoftNicFault, HungChannelIsSilentUntilResetThenCompletesEverything) {
  auto nic = ConnectedWithPlan("fault at=7 ch=0 kind=hang");
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(160)), TxResult::kQueued);  // 20 ticks at 64 kbps
  nic->Advance(2);
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{Ev(EventKind::kChannelHung, 0, 7)});
  ChannelStatus s = *nic->Status(kCh0);
  EXPECT_TRUE(s.hung);
  EXPECT_EQ(s.tx_queued, 1u);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(4)), TxResult::kHung);
  EXPECT_EQ(nic->Dial(kCh0, "1"), OpStatus::kHung);
  EXPECT_EQ(nic->HangUp(kCh0), OpStatus::kHung);
  EXPECT_EQ(nic->SetFraming(kCh0, Framing::kRawHdlc), OpStatus::kHung);
  EXPECT_EQ(nic->InjectRemoteHangUp(kCh0), OpStatus::kHung);
  EXPECT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kOk);
  nic->Advance(100);  // nothing drains, nothing is reported
  EXPECT_TRUE(Drain(*nic).empty());
  EXPECT_EQ(nic->Counters(kCh0)->frames_tx, 0u);
  EXPECT_EQ(nic->Counters(kCh0)->rx_lost, 1u);

  ASSERT_EQ(nic->Reset(kCh0), OpStatus::kPending);
  NicEvent tx = Ev(EventKind::kTxComplete, 0, nic->now());
  tx.tx_dropped = 1;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{tx});
  EXPECT_FALSE(nic->Status(kCh0)->hung);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
  const Ticks t = nic->now();
  nic->Advance(3);
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{Ev(EventKind::kResetComplete, 0, t + 3)});
  EXPECT_EQ(nic->Counters(kCh0)->resets, 1u);
  Connect(*nic, kCh0);  // usable again
}

TEST(SoftNicFault, SilentHangLatchesNothing) {
  auto nic = ConnectedWithPlan("fault at=6 ch=0 kind=hang silent=yes");
  nic->Advance(3);
  EXPECT_TRUE(Drain(*nic).empty());
  EXPECT_TRUE(nic->Status(kCh0)->hung);
}

TEST(SoftNicFault, HungChannelDoesNotStopOtherChannels) {
  auto nic = ConnectedWithPlan("fault at=6 ch=0 kind=hang");
  nic->Advance(1);
  Drain(*nic);
  Connect(*nic, kCh1);
  ASSERT_EQ(nic->InjectFrame(kCh1, Bytes(4)), OpStatus::kOk);
  EXPECT_EQ(Kinds(Drain(*nic)), std::vector<EventKind>{EventKind::kFrameReceived});
}

TEST(SoftNicFault, DriverResetOfConnectedChannelIsSilentUntilResetComplete) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ASSERT_EQ(nic->Reset(kCh0), OpStatus::kPending);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
  EXPECT_TRUE(nic->Status(kCh0)->resetting);
  EXPECT_TRUE(Drain(*nic).empty());
  nic->Advance(3);
  EXPECT_EQ(Kinds(Drain(*nic)), std::vector<EventKind>{EventKind::kResetComplete});
  ASSERT_EQ(nic->ResetAll(), OpStatus::kPending);
  nic->Advance(3);
  EXPECT_EQ(Kinds(Drain(*nic)),
            (std::vector<EventKind>{EventKind::kResetComplete, EventKind::kResetComplete}));
  EXPECT_EQ(nic->Counters(kCh0)->resets, 2u);
  EXPECT_EQ(nic->Counters(kCh1)->resets, 1u);
}

TEST(SoftNicFault, PlanWithChannelOutOfRangeIsRejected) {
  auto nic = MakeNic();
  ParseResult r = ParseFaultPlan("fault at=1 ch=5 kind=crc");
  ASSERT_TRUE(r.ok());
  std::string error;
  EXPECT_FALSE(nic->SetFaultPlan(*r.plan, &error));
  EXPECT_EQ(error, "fault 0: channel 5 out of range [0, 1]");
}

TEST(SoftNicFault, InjectFaultChecksParameters) {
  auto nic = MakeNic();
  ScheduledFault f;
  f.kind = FaultKind::kSpeedChange;
  f.speed_bps = 0;
  EXPECT_EQ(nic->InjectFault(f), OpStatus::kInvalidArgument);
  f.channel = ChannelId{2};
  EXPECT_EQ(nic->InjectFault(f), OpStatus::kInvalidChannel);
}

}  // namespace
}  // namespace ndisconf::nic
