// Reference-model tests of the WAN "sends" family (spec 2.7, 5.12): WAN send
// and receive through NDIS.
#include <gtest/gtest.h>
#include <ndistapi.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"
#include "reference/ndis/stub_wan_drivers.h"
#include "reference/ndis/wan/wan_test_stack.h"

namespace ndisconf::ndis {
namespace {

using testing::H;
using testing::Recorder;
using testing::StubMiniport5;
using testing::StubProtocol5;

using testing::LineUp;
using testing::Rejected;
using testing::WanStack;

// ---- WAN send and receive. ----

TEST(WanData, SendReachesMiniportWanSendWithTheLinkHandle) {
  WanStack st;
  st.Start();
  NDIS_WAN_PACKET packet{};
  packet.CurrentLength = 64;
  NDIS_HANDLE link = reinterpret_cast<NDIS_HANDLE>(0x11);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisWanSend(&s, st.wan.bind().binding, link, &packet);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.mp.sent.size(), 1u);
  EXPECT_EQ(st.mp.sent[0].first, link);  // WAN-028
  EXPECT_EQ(st.mp.sent[0].second, &packet);
  const auto call = st.rec.Calls(Fn::MiniportWanSend);
  ASSERT_EQ(call.size(), 1u);
  EXPECT_EQ(call[0].arg[0], H(&st.mp.adapter()));
  EXPECT_EQ(call[0].arg[3], 64u);
  EXPECT_EQ(call[0].irql, DISPATCH_LEVEL);
  EXPECT_TRUE(st.wan.bind().send_completes.empty());
}

TEST(WanData, PendedSendCompletesToTheSendingBinding) {
  WanStack st;
  st.mp.send_status = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_WAN_PACKET packet{};
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisWanSend(&s, st.up.bind().binding, nullptr, &packet);
  EXPECT_EQ(s, NDIS_STATUS_PENDING);
  NdisMWanSendComplete(st.mh(), &packet, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.up.bind().send_completes.size(), 1u);
  EXPECT_EQ(st.up.bind().send_completes[0].first, &packet);
  EXPECT_TRUE(st.wan.bind().send_completes.empty());
  // A second completion of the same packet is rejected.
  NdisMWanSendComplete(st.mh(), &packet, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(Rejected(
      st.model, Outcome(Fn::NdisMWanSendComplete, NDIS_STATUS_FAILURE, Reason::kNotPending)));
  EXPECT_EQ(st.up.bind().send_completes.size(), 1u);
}

TEST(WanData, ReceiveGoesToTheWanReceiveHandlerWithTheLinkContextThenComplete) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x33));
  unsigned char frame[5] = {0xff, 0x03, 0, 0x21, 0x45};
  NDIS_STATUS rs = NDIS_STATUS_FAILURE;
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
    NdisMIndicateStatusComplete(st.mh());
    NdisMWanIndicateReceive(&rs, st.mh(), up.NdisLinkContext, frame, sizeof(frame));
    NdisMWanIndicateReceiveComplete(st.mh(), up.NdisLinkContext);
  });
  EXPECT_EQ(rs, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.wan.links.size(), 1u);
  EXPECT_EQ(st.wan.links[0].receives, 1);
  EXPECT_EQ(st.wan.bind().receive_completes, 1);
  EXPECT_EQ(st.up.bind().receive_completes, 0);  // only the first binding receives
  const auto recv = st.rec.Calls(Fn::ProtocolWanReceive);
  ASSERT_EQ(recv.size(), 1u);
  EXPECT_EQ(recv[0].arg[0], H(&st.wan.links[0]));
  EXPECT_EQ(recv[0].arg[1], sizeof(frame));
}

TEST(WanData, SendOnANonWanAdapterIsNotSupported) {
  Model model;
  Recorder rec;
  StubMiniport5 mp(model, "lan");
  mp.chars.Reserved = 0;
  mp.chars.SendHandler = [](NDIS_HANDLE, PVOID, UINT) -> NDIS_STATUS {
    return NDIS_STATUS_SUCCESS;
  };
  mp.medium = NdisMedium802_3;
  StubProtocol5 p(model, "proto");
  p.media = {NdisMedium802_3};
  mp.Load();
  p.Load();
  mp.Add("LAN1", NdisMedium802_3);
  ASSERT_EQ(mp.register_status, NDIS_STATUS_SUCCESS);
  NDIS_WAN_PACKET packet{};
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisWanSend(&s, p.bind().binding, nullptr, &packet);
  EXPECT_EQ(s, NDIS_STATUS_NOT_SUPPORTED);
}

}  // namespace
}  // namespace ndisconf::ndis
