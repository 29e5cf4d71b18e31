// Transmit queue, drain at link speed, receive and echo of SoftNic.
#include <gtest/gtest.h>

#include "reference/nic/soft_nic.h"
#include "reference/nic/test_util.h"

namespace ndisconf::nic {
namespace {

using namespace testing;  // NOLINT

NicEvent TxDone(uint32_t ch, Ticks tick, uint32_t sent, uint32_t dropped = 0) {
  NicEvent e = Ev(EventKind::kTxComplete, ch, tick);
  e.tx_sent = sent;
  e.tx_dropped = dropped;
  return e;
}

TEST(SoftNicTx, IdleTransmitIsNoCarrier) {
  auto nic = MakeNic();
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(10)), TxResult::kNoCarrier);
  EXPECT_EQ(nic->Transmit(ChannelId{9}, Bytes(10)), TxResult::kInvalidChannel);
}

TEST(SoftNicTx, ConnectedEmptyOrOversizedFrameIsInvalid) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  EXPECT_EQ(nic->Transmit(kCh0, {}), TxResult::kInvalidFrame);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(1601)), TxResult::kInvalidFrame);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(1600)), TxResult::kQueued);
}

// 64 kbps with 1 ms ticks: 64 bits per tick, so an 80-byte frame (640 bits)
// takes 10 ticks.
TEST(SoftNicTx, ConnectedFramesDrainAtLinkSpeed) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  const Ticks t0 = nic->now();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nic->Transmit(kCh0, Bytes(80)), TxResult::kQueued);
  EXPECT_EQ(nic->Status(kCh0)->tx_queued, 3u);
  nic->Advance(9);
  EXPECT_TRUE(Drain(*nic).empty());
  nic->Advance(21);
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{TxDone(0, t0 + 10, 1), TxDone(0, t0 + 20, 1),
                                                TxDone(0, t0 + 30, 1)}));
  ErrorCounters k = *nic->Counters(kCh0);
  EXPECT_EQ(k.frames_tx, 3u);
  EXPECT_EQ(k.bytes_tx, 240u);
  EXPECT_EQ(nic->Status(kCh0)->tx_queued, 0u);
  EXPECT_EQ(nic->TakePeerReceived(kCh0), (std::vector<std::vector<uint8_t>>(3, Bytes(80))));
}

TEST(SoftNicTx, SmallFramesSentInOneTickShareOneTxComplete) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(nic->Transmit(kCh0, Bytes(2)), TxResult::kQueued);
  nic->Advance(1);  // 64 bits: four 16-bit frames
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{TxDone(0, nic->now(), 4)});
}

TEST(SoftNicTx, FullQueueIsBusyUntilACompletion) {
  SoftNicConfig c;
  c.channels.resize(2);
  c.channels[0].tx_queue_capacity = 2;
  auto nic = MakeNic(c);
  Connect(*nic, kCh0);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(8)), TxResult::kQueued);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(8)), TxResult::kQueued);
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(8)), TxResult::kBusy);
  nic->Advance(1);
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{TxDone(0, nic->now(), 1)});
  EXPECT_EQ(nic->Transmit(kCh0, Bytes(8)), TxResult::kQueued);
}

TEST(SoftNicTx, SpeedChangeChangesDrainRate) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ScheduledFault f;
  f.kind = FaultKind::kSpeedChange;
  f.speed_bps = 128000;
  ASSERT_EQ(nic->InjectFault(f), OpStatus::kOk);
  NicEvent sc = Ev(EventKind::kSpeedChanged, 0, nic->now());
  sc.link_speed_bps = 128000;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{sc});
  EXPECT_EQ(nic->Status(kCh0)->link_speed_bps, 128000u);
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(80)), TxResult::kQueued);
  nic->Advance(5);
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{TxDone(0, nic->now(), 1)});
}

TEST(SoftNicRx, ConnectedInjectedFrameIsReceived) {
  auto nic = MakeNic();
  EXPECT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kInvalidState);
  Connect(*nic, kCh0);
  EXPECT_EQ(nic->InjectFrame(kCh0, {}), OpStatus::kInvalidArgument);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(4, 9)), OpStatus::kOk);
  NicEvent r = Ev(EventKind::kFrameReceived, 0, nic->now());
  r.bytes = Bytes(4, 9);
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{r});
  EXPECT_EQ(nic->Counters(kCh0)->frames_rx, 1u);
  EXPECT_EQ(nic->Counters(kCh0)->bytes_rx, 4u);
}

TEST(SoftNicRx, EchoPeerReturnsEachSentFrame) {
  SoftNicConfig c;
  c.channels.resize(2);
  c.channels[0].peer.echo = true;
  auto nic = MakeNic(c);
  Connect(*nic, kCh0);
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(8, 0x40)), TxResult::kQueued);
  nic->Advance(1);
  NicEvent r = Ev(EventKind::kFrameReceived, 0, nic->now());
  r.bytes = Bytes(8, 0x40);
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{TxDone(0, nic->now(), 1), r}));
}

TEST(SoftNicRx, OversizedFrameArrivesTruncatedWithBufferOverrun) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(1700)), OpStatus::kOk);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::kFrameError);
  EXPECT_EQ(ev[0].errors.bits, FrameErrors::kBufferOverrun);
  EXPECT_EQ(ev[0].bytes, Bytes(1600));
  EXPECT_EQ(nic->Counters(kCh0)->buffer_overrun, 1u);
  EXPECT_EQ(nic->Counters(kCh0)->partial_frames, 1u);
}

TEST(SoftNicRx, FramingMismatchArrivesWithFramingError) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ASSERT_EQ(nic->SetFraming(kCh0, Framing::kRawHdlc), OpStatus::kOk);
  EXPECT_EQ(nic->Status(kCh0)->framing, Framing::kRawHdlc);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kOk);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].errors.bits, FrameErrors::kFraming);
  ASSERT_EQ(nic->SetFraming(kCh0, Framing::kPpp), OpStatus::kOk);
  ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kOk);
  EXPECT_EQ(Kinds(Drain(*nic)), std::vector<EventKind>{EventKind::kFrameReceived});
}

}  // namespace
}  // namespace ndisconf::nic
