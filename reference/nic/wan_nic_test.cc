// <wan_nic.h> over SoftNic: slots claimed in order, each operation reaching
// the NIC, the interrupt line carrying the adapter's handle, and every bad
// handle or argument failing with its documented value.
#include <gtest/gtest.h>
#include <wan_nic.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "reference/nic/soft_nic.h"
#include "reference/nic/wan_nic_slots.h"
#include "reference/nic/wan_nic_test_driver.h"

namespace ndisconf::nic {
namespace {

// Two adapter handles, as NDIS would hand them to MiniportInitialize.
int adapter_a_storage, adapter_b_storage;
NDIS_HANDLE const kAdapterA = &adapter_a_storage;
NDIS_HANDLE const kAdapterB = &adapter_b_storage;

std::unique_ptr<SoftNic> MakeNic(bool echo = false) {
  SoftNicConfig config;
  config.channels.resize(config.channel_count);
  for (ChannelConfig& c : config.channels) {
    c.max_frame_bytes = 64;
    c.peer.echo = echo;
  }
  return SoftNic::Create(config);
}

class WanNicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nic_ = MakeNic(/*echo=*/true);
    ASSERT_TRUE(slots_.Insert(*nic_, [this](NDIS_HANDLE h) { raised_.push_back(h); }));
  }
  PWAN_NIC Open() {
    PWAN_NIC handle = nullptr;
    EXPECT_EQ(WanNicOpen(kAdapterA, &handle), NDIS_STATUS_SUCCESS);
    return handle;
  }
  // Dials channel 0 and lets the peer answer.
  void Connect(PWAN_NIC handle) {
    ASSERT_EQ(WanNicDial(handle, 0, "5551234"), WanNicOpPending);
    nic_->Advance(10);
    WAN_NIC_CHANNEL_STATUS s;
    ASSERT_TRUE(WanNicQueryChannel(handle, 0, &s));
    ASSERT_EQ(s.CallState, WanNicCallStateConnected);
  }

  std::unique_ptr<SoftNic> nic_;
  WanNicSlots slots_;
  std::vector<NDIS_HANDLE> raised_;
};

TEST_F(WanNicTest, AdaptersClaimSlotsInOrder) {
  std::unique_ptr<SoftNic> second = MakeNic();
  ASSERT_TRUE(slots_.Insert(*second, nullptr));
  PWAN_NIC a = nullptr, b = nullptr, c = nullptr;
  EXPECT_EQ(WanNicOpen(kAdapterA, &a), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(slots_.open(0));
  EXPECT_FALSE(slots_.open(1));
  // One adapter, one NIC: a second claim by the same adapter is refused.
  EXPECT_EQ(WanNicOpen(kAdapterA, &c), NDIS_STATUS_RESOURCE_CONFLICT);
  EXPECT_EQ(WanNicOpen(kAdapterB, &b), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(slots_.open(1));
  EXPECT_NE(a, b);
  int third;
  EXPECT_EQ(WanNicOpen(&third, &c), NDIS_STATUS_ADAPTER_NOT_FOUND);
  EXPECT_EQ(c, nullptr);
  // A closed slot is free for the next adapter.
  WanNicClose(a);
  EXPECT_FALSE(slots_.open(0));
  EXPECT_EQ(WanNicOpen(&third, &c), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(slots_.open(0));
}

TEST_F(WanNicTest, OpenWithoutAnOutParameterIsInvalid) {
  EXPECT_EQ(WanNicOpen(kAdapterA, nullptr), NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_FALSE(slots_.open(0));
}

TEST(WanNicNoSlots, OpenFindsNoAdapter) {
  PWAN_NIC handle = nullptr;
  EXPECT_EQ(WanNicOpen(kAdapterA, &handle), NDIS_STATUS_ADAPTER_NOT_FOUND);
}

// The call's events reach a C reader in order, and the interrupt line is
// raised with the handle of the adapter that opened the NIC.
TEST_F(WanNicTest, DialConnectsAndRaisesTheAdaptersInterrupt) {
  PWAN_NIC handle = Open();
  EXPECT_EQ(WanNicChannelCount(handle), 2u);
  EXPECT_EQ(TestDialEveryChannel(handle, "5551234"), 2u);
  nic_->Advance(10);
  ASSERT_FALSE(raised_.empty());
  EXPECT_EQ(raised_.front(), kAdapterA);
  WAN_NIC_EVENT_KIND kinds[16];
  const ULONG n = TestDrainEvents(handle, kinds, 16);
  ASSERT_EQ(n, 6u);  // per channel: RemoteRinging, CarrierUp, CallConnected
  EXPECT_EQ(kinds[0], WanNicEventRemoteRinging);
  EXPECT_EQ(kinds[n - 1], WanNicEventCallConnected);
  WAN_NIC_CHANNEL_STATUS s;
  ASSERT_TRUE(WanNicQueryChannel(handle, 1, &s));
  EXPECT_TRUE(s.Carrier);
  EXPECT_EQ(s.LinkSpeedBps, 64000u);
  EXPECT_EQ(s.MaxFrameBytes, 64u);
}

TEST_F(WanNicTest, MaskedInterruptsAreNotRaised) {
  PWAN_NIC handle = Open();
  WanNicSetInterruptEnabled(handle, FALSE);
  ASSERT_EQ(WanNicDial(handle, 0, "1"), WanNicOpPending);
  nic_->Advance(10);
  EXPECT_TRUE(raised_.empty());
  WanNicSetInterruptEnabled(handle, TRUE);
  EXPECT_EQ(raised_.size(), 1u);
}

// A frame the peer echoes comes back whole, or cut to the caller's buffer
// with its full length and the truncation flag.
TEST_F(WanNicTest, ReceivedFramesAreCopiedUpToTheBuffer) {
  PWAN_NIC handle = Open();
  Connect(handle);
  WAN_NIC_EVENT_KIND kinds[8];
  TestDrainEvents(handle, kinds, 8);
  const UCHAR frame[] = {0xff, 0x03, 0x00, 0x21, 0x45};
  ASSERT_EQ(WanNicTransmit(handle, 0, frame, sizeof frame), WanNicTxQueued);
  nic_->Advance(2);
  WAN_NIC_EVENT e;
  UCHAR data[3] = {};
  bool received = false, completed = false;
  while (WanNicNextEvent(handle, &e, data, sizeof data)) {
    if (e.Kind == WanNicEventFrameReceived) {
      received = true;
      EXPECT_EQ(e.DataLength, sizeof frame);
      EXPECT_TRUE(e.DataTruncated);
      EXPECT_EQ(data[2], 0x00);
      EXPECT_EQ(data[1], 0x03);
    }
    if (e.Kind == WanNicEventTxComplete) {
      completed = true;
      EXPECT_EQ(e.TxSent, 1u);
      EXPECT_EQ(e.TxDropped, 0u);
    }
  }
  EXPECT_TRUE(received);
  EXPECT_TRUE(completed);
}

TEST_F(WanNicTest, IncomingCallCarriesCallerIdAndBearer) {
  PWAN_NIC handle = Open();
  ASSERT_EQ(nic_->InjectIncomingCall(ChannelId{1}, "4085550100", Bearer::kDataModem),
            OpStatus::kOk);
  WAN_NIC_EVENT e;
  ASSERT_TRUE(WanNicNextEvent(handle, &e, nullptr, 0));
  EXPECT_EQ(e.Kind, WanNicEventIncomingCall);
  EXPECT_EQ(e.Channel, 1u);
  EXPECT_STREQ(e.CallerId, "4085550100");
  EXPECT_EQ(e.Bearer, WanNicBearerDataModem);
  EXPECT_EQ(WanNicAnswer(handle, 1), WanNicOpPending);
  EXPECT_EQ(WanNicHangUp(handle, 1), WanNicOpOk);
  EXPECT_EQ(WanNicHangUp(handle, 1), WanNicOpInvalidState);
}

TEST_F(WanNicTest, BadArgumentsGetTheirDocumentedValues) {
  PWAN_NIC handle = Open();
  EXPECT_EQ(WanNicDial(handle, 0, nullptr), WanNicOpInvalidArgument);
  EXPECT_EQ(WanNicDial(handle, 0, "555-1234"), WanNicOpInvalidArgument);
  EXPECT_EQ(WanNicDial(handle, 0, std::string(65, '1').c_str()), WanNicOpInvalidArgument);
  EXPECT_EQ(WanNicDial(handle, 9, "1"), WanNicOpInvalidChannel);
  EXPECT_EQ(WanNicSetFraming(handle, 0, 7), WanNicOpInvalidArgument);
  EXPECT_EQ(WanNicSetFraming(handle, 0, WanNicFramingRawHdlc), WanNicOpOk);
  const UCHAR frame[1] = {0};
  EXPECT_EQ(WanNicTransmit(handle, 0, nullptr, 1), WanNicTxInvalidFrame);
  EXPECT_EQ(WanNicTransmit(handle, 0, frame, 0), WanNicTxInvalidFrame);
  EXPECT_EQ(WanNicTransmit(handle, 0, frame, 1), WanNicTxNoCarrier);
  EXPECT_EQ(WanNicTransmit(handle, 5, frame, 1), WanNicTxInvalidChannel);
  WAN_NIC_CHANNEL_STATUS s;
  EXPECT_FALSE(WanNicQueryChannel(handle, 2, &s));
  EXPECT_FALSE(WanNicQueryChannel(handle, 0, nullptr));
  // A bad event request pops nothing: the event is still there afterwards.
  ASSERT_EQ(nic_->InjectIncomingCall(ChannelId{0}, "1"), OpStatus::kOk);
  WAN_NIC_EVENT e;
  EXPECT_FALSE(WanNicNextEvent(handle, nullptr, nullptr, 0));
  EXPECT_FALSE(WanNicNextEvent(handle, &e, nullptr, 4));
  EXPECT_TRUE(WanNicNextEvent(handle, &e, nullptr, 0));
  EXPECT_EQ(e.Kind, WanNicEventIncomingCall);
}

// NULL, forged, closed and stale handles: every function fails cleanly and
// nothing reaches the NIC.
TEST_F(WanNicTest, BadHandlesReachNoNic) {
  PWAN_NIC closed = Open();
  WanNicClose(closed);
  const PWAN_NIC forged = reinterpret_cast<PWAN_NIC>(uintptr_t{0x10001});
  for (PWAN_NIC bad : {static_cast<PWAN_NIC>(nullptr), forged, closed}) {
    EXPECT_EQ(WanNicChannelCount(bad), 0u);
    EXPECT_EQ(WanNicDial(bad, 0, "1"), WanNicOpNoNic);
    EXPECT_EQ(WanNicAnswer(bad, 0), WanNicOpNoNic);
    EXPECT_EQ(WanNicHangUp(bad, 0), WanNicOpNoNic);
    EXPECT_EQ(WanNicReset(bad, 0), WanNicOpNoNic);
    EXPECT_EQ(WanNicResetAll(bad), WanNicOpNoNic);
    EXPECT_EQ(WanNicSetFraming(bad, 0, WanNicFramingPpp), WanNicOpNoNic);
    const UCHAR frame[1] = {0};
    EXPECT_EQ(WanNicTransmit(bad, 0, frame, 1), WanNicTxNoNic);
    WAN_NIC_EVENT e;
    EXPECT_FALSE(WanNicNextEvent(bad, &e, nullptr, 0));
    WanNicSetInterruptEnabled(bad, FALSE);
    WanNicClose(bad);
  }
  ASSERT_EQ(nic_->Status(ChannelId{0})->call_state, CallState::kIdle);
  // A handle from slots that no longer exist names nothing.
  PWAN_NIC stale = nullptr;
  {
    WanNicSlots other;
    std::unique_ptr<SoftNic> nic = MakeNic();
    ASSERT_TRUE(other.Insert(*nic, nullptr));
    ASSERT_EQ(WanNicOpen(kAdapterB, &stale), NDIS_STATUS_SUCCESS);
    EXPECT_EQ(WanNicChannelCount(stale), 2u);
  }
  EXPECT_EQ(WanNicChannelCount(stale), 0u);
  EXPECT_EQ(WanNicDial(stale, 0, "1"), WanNicOpNoNic);
}

TEST_F(WanNicTest, ResetCompletesWithAnEvent) {
  PWAN_NIC handle = Open();
  Connect(handle);
  WAN_NIC_EVENT_KIND kinds[8];
  TestDrainEvents(handle, kinds, 8);
  EXPECT_EQ(WanNicResetAll(handle), WanNicOpPending);
  nic_->Advance(5);
  const ULONG n = TestDrainEvents(handle, kinds, 8);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(kinds[0], WanNicEventResetComplete);
  EXPECT_EQ(kinds[1], WanNicEventResetComplete);
}

}  // namespace
}  // namespace ndisconf::nic
