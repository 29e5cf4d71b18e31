// wanproto (PROTO) over NDISWAN's virtual adapter in the reference model:
// the indications are made by hand on that adapter, so each reaction is
// checked on its own (WAN-006, WAN-012, WAN-036, WAN-041, WAN-054).
#include "reference/drivers/wanproto/wanproto.h"

#include <gtest/gtest.h>
#include <ndis.h>

#include <cstring>
#include <memory>

#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/stack/stack.h"

namespace ndisconf::drivers {
namespace {

class WanProtoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ndiswan_ = &stack_.Load(std::make_unique<Ndiswan>(), &ndiswan_id_);
    proto_ = &stack_.Load(std::make_unique<WanProto>(), &proto_id_);
    stack_.AddAdapter(ndiswan_id_, "NDISWAN", NdisMediumWan);
    stack_.Settle();
    ASSERT_NE(ndiswan_->upper_adapter(), nullptr);
    ASSERT_EQ(proto_->bindings().size(), 1u);
    ASSERT_EQ(proto_->bindings()[0]->state, WpBinding::State::kBound);
  }

  // NDISWAN's virtual adapter indicates (it is deserialized: PASSIVE is fine).
  void Indicate(NDIS_STATUS st, void* buffer, UINT size, bool complete = true) {
    stack_.As(ndiswan_id_, [&] {
      NdisMIndicateStatus(ndiswan_->upper_adapter(), st, buffer, size);
      if (complete) NdisMIndicateStatusComplete(ndiswan_->upper_adapter());
      return 0;
    });
    stack_.Settle();
  }

  NDIS_WAN_LINE_UP LineUp(wan::UpperLinkId id, ULONG speed = 640, USHORT window = 4) {
    NDIS_WAN_LINE_UP up;
    std::memset(&up, 0, sizeof(up));
    up.LinkSpeed = speed;
    up.MaximumTotalSize = 1500;
    up.Quality = NdisWanErrorControl;
    up.SendWindow = window;
    id.ToBytes(up.RemoteAddress);
    up.LocalAddress[0] = 0x02;
    up.LocalAddress[1] = 0x01;
    up.ProtocolType = 0x0800;
    return up;
  }
  NDIS_WAN_FRAGMENT Frag(wan::UpperLinkId id) {
    NDIS_WAN_FRAGMENT f;
    std::memset(&f, 0, sizeof(f));
    id.ToBytes(f.RemoteAddress);
    return f;
  }
  NDIS_WAN_LINE_DOWN Down(wan::UpperLinkId id) {
    NDIS_WAN_LINE_DOWN d;
    std::memset(&d, 0, sizeof(d));
    id.ToBytes(d.RemoteAddress);
    return d;
  }

  stack::Stack stack_;
  Ndiswan* ndiswan_ = nullptr;
  WanProto* proto_ = nullptr;
  ActorId ndiswan_id_ = kNoActor, proto_id_ = kNoActor;
  const wan::UpperLinkId id_{0x0200'0100'0001ULL};
};

TEST_F(WanProtoTest, BeforeAnyLineUpTimersAndRetriesAreShortened) {
  // Checks WAN-036.
  EXPECT_EQ(proto_->mode(), TimerMode::kDegraded);
  EXPECT_EQ(proto_->timeout(), proto_->config().degraded_timeout);
  EXPECT_EQ(proto_->retries(), proto_->config().degraded_retries);
  EXPECT_LT(proto_->config().degraded_timeout, proto_->config().normal_timeout);
}

TEST_F(WanProtoTest, LineUpRestoresTimersAndWritesOnlyTheLowLocalAddressBytes) {
  // Checks WAN-036, WAN-037.
  NDIS_WAN_LINE_UP up = LineUp(id_);
  const NDIS_WAN_LINE_UP before = up;
  Indicate(NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
  const WpLink* l = proto_->link(id_);
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->up);
  EXPECT_EQ(l->mode, TimerMode::kNormal);
  EXPECT_EQ(l->timeout, proto_->config().normal_timeout);
  EXPECT_EQ(l->retries, proto_->config().normal_retries);
  EXPECT_EQ(proto_->mode(), TimerMode::kNormal);
  EXPECT_EQ(l->link_speed, 640u);
  EXPECT_EQ(l->send_window, 4u);
  // NDISWAN's two high-order LocalAddress bytes are kept; the rest is ours.
  EXPECT_EQ(up.LocalAddress[0], 0x02);
  EXPECT_EQ(up.LocalAddress[1], 0x01);
  EXPECT_NE(std::memcmp(up.LocalAddress + 2, before.LocalAddress + 2, 4), 0);
  NDIS_WAN_LINE_UP expect = before;
  std::memcpy(expect.LocalAddress, up.LocalAddress, 6);
  EXPECT_EQ(std::memcmp(&expect, &up, sizeof(up)), 0);
  ASSERT_EQ(proto_->indications().size(), 1u);
  EXPECT_TRUE(proto_->indications()[0].decoded);
  EXPECT_EQ(proto_->indications()[0].protocol_type, 0x0800);
  EXPECT_EQ(proto_->counters().status_completes, 1u);
}

TEST_F(WanProtoTest, LineDownShortensTimersOfThatLinkUntilTheNextLineUp) {
  // Checks WAN-041.
  NDIS_WAN_LINE_UP up = LineUp(id_);
  Indicate(NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
  NDIS_WAN_LINE_DOWN down = Down(id_);
  Indicate(NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  EXPECT_FALSE(proto_->link(id_)->up);
  EXPECT_EQ(proto_->link(id_)->mode, TimerMode::kDegraded);
  EXPECT_EQ(proto_->link(id_)->timeout, proto_->config().degraded_timeout);
  EXPECT_EQ(proto_->mode(), TimerMode::kDegraded);
  NDIS_WAN_LINE_UP again = LineUp(id_, 0);  // LinkSpeed 0 = unchanged
  Indicate(NDIS_STATUS_WAN_LINE_UP, &again, sizeof(again));
  EXPECT_EQ(proto_->link(id_)->mode, TimerMode::kNormal);
  EXPECT_EQ(proto_->link(id_)->link_speed, 640u);
  EXPECT_EQ(proto_->link(id_)->line_ups, 2u);
}

TEST_F(WanProtoTest, FragmentSendsANotificationOnTheLinkAtOnce) {
  // Checks WAN-054.
  NDIS_WAN_LINE_UP up = LineUp(id_);
  Indicate(NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
  NDIS_WAN_FRAGMENT frag = Frag(id_);
  Indicate(NDIS_STATUS_WAN_FRAGMENT, &frag, sizeof(frag));
  const WpLink* l = proto_->link(id_);
  EXPECT_EQ(l->fragments, 1u);
  EXPECT_EQ(l->notifications_sent, 1u);
  const auto* sent = proto_->log().Last<logged::OwnNdisWanSend>();
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->ndis_link_handle, id_.handle());  // NdisLinkHandle = the RemoteAddress id
  // This link id was never lined up inside NDISWAN (hand-made indication),
  // so NDISWAN refuses the send rather than pass it down (WAN-033).
  EXPECT_EQ(sent->status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(l->notifications_failed, 1u);
  EXPECT_EQ(ndiswan_->log().Count<logged::OwnSendRefused>(), 1u);
}

TEST_F(WanProtoTest, ShortBuffersAreMalformedAndChangeNothing) {
  NDIS_WAN_LINE_UP up = LineUp(id_);
  Indicate(NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up) - 1);
  NDIS_WAN_LINE_DOWN down = Down(id_);
  Indicate(NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down) - 1);
  Indicate(NDIS_STATUS_WAN_FRAGMENT, &down, 6);
  Indicate(NDIS_STATUS_WAN_FRAGMENT, nullptr, sizeof(down));
  EXPECT_EQ(proto_->counters().malformed, 4u);
  EXPECT_TRUE(proto_->links().empty());
  EXPECT_EQ(proto_->mode(), TimerMode::kDegraded);
  EXPECT_EQ(proto_->counters().sends, 0u);
}

TEST_F(WanProtoTest, LineDownOrFragmentForALinkNeverUpIsUnknownLink) {
  NDIS_WAN_LINE_DOWN down = Down(id_);
  Indicate(NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  Indicate(NDIS_STATUS_WAN_FRAGMENT, &down, sizeof(down));
  EXPECT_EQ(proto_->counters().unknown_link, 2u);
  EXPECT_EQ(proto_->counters().sends, 0u);
  EXPECT_TRUE(proto_->links().empty());
}

TEST_F(WanProtoTest, OtherIndicationsAreIgnored) {
  // Checks WAN-006.
  ULONG x = 0;
  Indicate(NDIS_STATUS_MEDIA_CONNECT, &x, sizeof(x));
  Indicate(NDIS_STATUS_TAPI_INDICATION, &x, sizeof(x));
  EXPECT_EQ(proto_->counters().ignored, 2u);
  EXPECT_EQ(proto_->counters().indications, 2u);
  EXPECT_TRUE(proto_->links().empty());
}

TEST_F(WanProtoTest, SeveralIndicationsInOneBracketThenOneComplete) {
  // Checks WAN-010, WAN-012.
  NDIS_WAN_LINE_UP up = LineUp(id_);
  NDIS_WAN_FRAGMENT frag = Frag(id_);
  Indicate(NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up), /*complete=*/false);
  Indicate(NDIS_STATUS_WAN_FRAGMENT, &frag, sizeof(frag), /*complete=*/false);
  EXPECT_EQ(proto_->counters().status_completes, 0u);
  stack_.As(ndiswan_id_, [&] {
    NdisMIndicateStatusComplete(ndiswan_->upper_adapter());
    return 0;
  });
  EXPECT_EQ(proto_->counters().status_completes, 1u);
  EXPECT_EQ(proto_->counters().nested_in_complete, 0u);
  EXPECT_EQ(proto_->link(id_)->fragments, 1u);
}

}  // namespace
}  // namespace ndisconf::drivers
