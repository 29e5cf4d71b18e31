// Call signalling, the status FIFO and the interrupt line of SoftNic.
#include <gtest/gtest.h>

#include "reference/nic/soft_nic.h"
#include "reference/nic/test_util.h"

namespace ndisconf::nic {
namespace {

using namespace testing;  // NOLINT

TEST(SoftNicCall, CreatedIdleWithConfiguredStatus) {
  auto nic = MakeNic();
  EXPECT_EQ(nic->channel_count(), 2u);
  ChannelStatus s = *nic->Status(kCh1);
  EXPECT_FALSE(s.carrier);
  EXPECT_EQ(s.link_speed_bps, 64000u);
  EXPECT_EQ(s.call_state, CallState::kIdle);
  EXPECT_EQ(s.framing, Framing::kPpp);
  EXPECT_EQ(s.tx_queue_capacity, 8u);
  EXPECT_EQ(s.max_frame_bytes, 1600u);
  EXPECT_FALSE(s.hung);
  EXPECT_EQ(nic->Status(ChannelId{2}), std::nullopt);
  EXPECT_EQ(nic->Counters(ChannelId{2}), std::nullopt);
  EXPECT_EQ(nic->NextEvent(), std::nullopt);
}

TEST(SoftNicCall, BadConfigIsRejectedWithMessage) {
  std::string error;
  SoftNicConfig c;
  c.channel_count = 0;
  EXPECT_EQ(SoftNic::Create(c, &error), nullptr);
  EXPECT_EQ(error, "channel_count must be in [1, 256]");
  c = {};
  c.channels.resize(3);
  EXPECT_EQ(SoftNic::Create(c, &error), nullptr);
  EXPECT_EQ(error, "channels must be empty or have channel_count entries");
  c = {};
  c.channels.resize(2);
  c.channels[1].link_speed_bps = 0;
  EXPECT_EQ(SoftNic::Create(c, &error), nullptr);
  EXPECT_EQ(error, "channels[1]: link_speed_bps must be in [1, 10000000000]");
  c = {};
  c.ticks_per_second = 0;
  EXPECT_EQ(SoftNic::Create(c, &error), nullptr);
  EXPECT_EQ(error, "ticks_per_second must be in [1, 1000000]");
}

TEST(SoftNicCall, IdleDialAnsweredRingsThenConnectsAtAnswerTick) {
  auto nic = MakeNic();
  ASSERT_EQ(nic->Dial(kCh0, "5551234"), OpStatus::kPending);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kDialing);
  nic->Advance(10);
  NicEvent up = Ev(EventKind::kCarrierUp, 0, 5);
  up.link_speed_bps = 64000;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kRemoteRinging, 0, 2), up,
                                                Ev(EventKind::kCallConnected, 0, 5)}));
  ChannelStatus s = *nic->Status(kCh0);
  EXPECT_EQ(s.call_state, CallState::kConnected);
  EXPECT_TRUE(s.carrier);
  EXPECT_EQ(nic->Status(kCh1)->call_state, CallState::kIdle);
}

TEST(SoftNicCall, DialingRemoteBusyFailsWithBusy) {
  auto nic = MakeNic();
  PeerConfig p;
  p.dial_outcome = DialOutcome::kBusy;
  ASSERT_EQ(nic->SetPeer(kCh0, p), OpStatus::kOk);
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  nic->Advance(5);
  NicEvent f = Ev(EventKind::kDialFailed, 0, 2);
  f.reason = CallEnd::kBusy;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{f});
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
}

TEST(SoftNicCall, DialingNoAnswerRingsThenFailsAtNoAnswerTick) {
  auto nic = MakeNic();
  PeerConfig p;
  p.dial_outcome = DialOutcome::kNoAnswer;
  p.no_answer_after = 20;
  ASSERT_EQ(nic->SetPeer(kCh0, p), OpStatus::kOk);
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  nic->Advance(30);
  NicEvent f = Ev(EventKind::kDialFailed, 0, 20);
  f.reason = CallEnd::kNoAnswer;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kRemoteRinging, 0, 2), f}));
}

TEST(SoftNicCall, DialingNoDialToneFailsOnNextTick) {
  auto nic = MakeNic();
  PeerConfig p;
  p.dial_outcome = DialOutcome::kNoDialTone;
  ASSERT_EQ(nic->SetPeer(kCh0, p), OpStatus::kOk);
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  nic->Advance(3);
  NicEvent f = Ev(EventKind::kDialFailed, 0, 1);
  f.reason = CallEnd::kNoDialTone;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{f});
}

TEST(SoftNicCall, DialRejectsBadArgumentsAndStates) {
  auto nic = MakeNic();
  EXPECT_EQ(nic->Dial(ChannelId{7}, "1"), OpStatus::kInvalidChannel);
  EXPECT_EQ(nic->Dial(kCh0, ""), OpStatus::kInvalidArgument);
  EXPECT_EQ(nic->Dial(kCh0, "12a"), OpStatus::kInvalidArgument);
  EXPECT_EQ(nic->Dial(kCh0, std::string(65, '1')), OpStatus::kInvalidArgument);
  EXPECT_EQ(nic->Dial(kCh0, "+1,555*#P9T"), OpStatus::kPending);
  EXPECT_EQ(nic->Dial(kCh0, "1"), OpStatus::kInvalidState);
  EXPECT_EQ(nic->Answer(kCh0), OpStatus::kInvalidState);
}

TEST(SoftNicCall, ConnectedLocalHangUpIsSilentAndDropsQueuedFrames) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(100)), TxResult::kQueued);
  ASSERT_EQ(nic->Transmit(kCh0, Bytes(100)), TxResult::kQueued);
  EXPECT_EQ(nic->HangUp(kCh0), OpStatus::kOk);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
  EXPECT_FALSE(nic->Status(kCh0)->carrier);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::kTxComplete);
  EXPECT_EQ(ev[0].tx_sent, 0u);
  EXPECT_EQ(ev[0].tx_dropped, 2u);
  EXPECT_EQ(nic->Counters(kCh0)->tx_dropped, 2u);
  EXPECT_EQ(nic->Counters(kCh0)->carrier_losses, 1u);
  EXPECT_EQ(nic->HangUp(kCh0), OpStatus::kInvalidState);
}

TEST(SoftNicCall, IdleIncomingCallOfferedThenAnswerConnects) {
  auto nic = MakeNic();
  ASSERT_EQ(nic->InjectIncomingCall(kCh1, "4930123", Bearer::kDataModem), OpStatus::kOk);
  EXPECT_EQ(nic->Status(kCh1)->call_state, CallState::kOffered);
  std::vector<NicEvent> ev = Drain(*nic);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::kIncomingCall);
  EXPECT_EQ(ev[0].channel, kCh1);
  EXPECT_EQ(ev[0].caller_id, "4930123");
  EXPECT_EQ(ev[0].bearer, Bearer::kDataModem);
  ASSERT_EQ(nic->Answer(kCh1), OpStatus::kPending);
  EXPECT_EQ(nic->Status(kCh1)->call_state, CallState::kAnswering);
  nic->Advance(2);
  EXPECT_EQ(Kinds(Drain(*nic)),
            (std::vector<EventKind>{EventKind::kCarrierUp, EventKind::kCallConnected}));
  EXPECT_EQ(nic->Status(kCh1)->call_state, CallState::kConnected);
}

TEST(SoftNicCall, IncomingCallRejectedUnlessIdle) {
  auto nic = MakeNic();
  EXPECT_EQ(nic->InjectIncomingCall(kCh0, "bad\x01id"), OpStatus::kInvalidArgument);
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, ""), OpStatus::kOk);
  EXPECT_EQ(nic->InjectIncomingCall(kCh0, "2"), OpStatus::kInvalidState);
  EXPECT_EQ(nic->Dial(kCh0, "1"), OpStatus::kInvalidState);
}

TEST(SoftNicCall, OfferedUnansweredIsWithdrawnAfterOfferTimeout) {
  auto nic = MakeNic();
  PeerConfig p;
  p.offer_timeout = 15;
  ASSERT_EQ(nic->SetPeer(kCh0, p), OpStatus::kOk);
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kOk);
  Drain(*nic);
  nic->Advance(20);
  NicEvent h = Ev(EventKind::kRemoteHangUp, 0, 15);
  h.reason = CallEnd::kOfferWithdrawn;
  EXPECT_EQ(Drain(*nic), std::vector<NicEvent>{h});
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
}

TEST(SoftNicCall, OfferedLocalHangUpRejectsSilently) {
  auto nic = MakeNic();
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kOk);
  Drain(*nic);
  EXPECT_EQ(nic->HangUp(kCh0), OpStatus::kOk);
  EXPECT_EQ(nic->Status(kCh0)->call_state, CallState::kIdle);
  EXPECT_TRUE(Drain(*nic).empty());
}

TEST(SoftNicCall, ConnectedRemoteHangUpReportsCarrierDownThenHangUp) {
  auto nic = MakeNic();
  Connect(*nic, kCh0);
  nic->Advance(3);
  ASSERT_EQ(nic->InjectRemoteHangUp(kCh0), OpStatus::kOk);
  NicEvent h = Ev(EventKind::kRemoteHangUp, 0, nic->now());
  h.reason = CallEnd::kRemoteHangUp;
  EXPECT_EQ(Drain(*nic), (std::vector<NicEvent>{Ev(EventKind::kCarrierDown, 0, nic->now()), h}));
  EXPECT_EQ(nic->InjectRemoteHangUp(kCh0), OpStatus::kInvalidState);
  EXPECT_EQ(nic->Counters(kCh0)->carrier_losses, 1u);
}

TEST(SoftNicCall, DialingRemoteHangUpIsNotAState) {
  auto nic = MakeNic();
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  EXPECT_EQ(nic->InjectRemoteHangUp(kCh0), OpStatus::kInvalidState);
}

TEST(SoftNicInterrupt, HandlerCalledOncePerEdgeUntilDrained) {
  auto nic = MakeNic();
  int calls = 0;
  nic->SetInterruptHandler([&] { ++calls; });
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kOk);
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(nic->InjectIncomingCall(kCh1, "2"), OpStatus::kOk);
  EXPECT_EQ(calls, 1);  // line still asserted: not drained
  Drain(*nic);
  ASSERT_EQ(nic->HangUp(kCh0), OpStatus::kOk);  // no event
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "3"), OpStatus::kOk);
  EXPECT_EQ(calls, 2);
}

TEST(SoftNicInterrupt, HandlerThatDrainsSeesEveryEventOfEachTick) {
  auto nic = MakeNic();
  std::vector<NicEvent> seen;
  int calls = 0;
  nic->SetInterruptHandler([&] {
    ++calls;
    while (auto e = nic->NextEvent()) seen.push_back(*e);
  });
  ASSERT_EQ(nic->Dial(kCh0, "1"), OpStatus::kPending);
  nic->Advance(10);
  EXPECT_EQ(calls, 2);  // tick 2 (ringing) and tick 5 (carrier, connected)
  EXPECT_EQ(Kinds(seen), (std::vector<EventKind>{EventKind::kRemoteRinging, EventKind::kCarrierUp,
                                                 EventKind::kCallConnected}));
}

TEST(SoftNicInterrupt, MaskedLineSignalsWhenEnabled) {
  auto nic = MakeNic();
  int calls = 0;
  nic->SetInterruptHandler([&] { ++calls; });
  nic->SetInterruptEnabled(false);
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kOk);
  EXPECT_EQ(calls, 0);
  nic->SetInterruptEnabled(true);
  EXPECT_EQ(calls, 1);
}

TEST(SoftNicInterrupt, AdvanceFromHandlerIsIgnored) {
  auto nic = MakeNic();
  nic->SetInterruptHandler([&] { nic->Advance(100); });
  ASSERT_EQ(nic->InjectIncomingCall(kCh0, "1"), OpStatus::kOk);
  EXPECT_EQ(nic->now(), 0u);
}

TEST(SoftNicInterrupt, FullFifoCountsOverflows) {
  SoftNicConfig c;
  c.event_queue_capacity = 2;
  auto nic = MakeNic(c);
  Connect(*nic, kCh0);
  EXPECT_EQ(nic->event_overflows(), 1u);  // ringing, carrier up, connected: one lost
  for (int i = 0; i < 5; ++i) ASSERT_EQ(nic->InjectFrame(kCh0, Bytes(4)), OpStatus::kOk);
  EXPECT_EQ(nic->event_overflows(), 4u);
  EXPECT_EQ(Drain(*nic).size(), 2u);
  EXPECT_EQ(nic->Counters(kCh0)->frames_rx, 5u);
}

}  // namespace
}  // namespace ndisconf::nic
