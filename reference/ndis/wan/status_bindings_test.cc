// Reference-model tests of the WAN "status" family's NDIS 5 bindings (spec
// 1.2, 2.7, 3.9): bind, open, pended bind and unbind, and halt.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"
#include "reference/ndis/stub_wan_drivers.h"
#include "reference/ndis/wan/wan_test_stack.h"

namespace ndisconf::ndis {
namespace {

using testing::Bind5Rec;
using testing::H;

using testing::Rejected;
using testing::WanStack;

// ---- Binding. ----

TEST(WanBinding, EveryProtocolBindsWithTheAdaptersOneDeviceName) {
  WanStack st;
  st.Start();
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.IsBound(st.up.actor, st.adapter));
  const auto binds = st.rec.Calls(Fn::ProtocolBindAdapter);
  ASSERT_EQ(binds.size(), 2u);
  EXPECT_EQ(binds[0].arg[1], binds[1].arg[1]);  // same DeviceName string
  EXPECT_NE(binds[0].arg[0], binds[1].arg[0]);  // distinct BindContexts
  EXPECT_EQ(st.wan.bind().selected, 0u);
  const auto opens = st.rec.Returns(Fn::NdisOpenAdapter);
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_EQ(opens[0].status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(opens[0].arg[0], H(st.wan.bind().binding));
}

TEST(WanBinding, ProtocolNotAcceptingTheMediumGetsUnsupportedMediaAndStaysUnbound) {
  WanStack st;
  st.up.media = {NdisMedium802_3, NdisMediumFddi};
  st.Start();
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_FALSE(st.model.IsBound(st.up.actor, st.adapter));
  EXPECT_EQ(st.up.bind().open_status, NDIS_STATUS_UNSUPPORTED_MEDIA);
}

TEST(WanBinding, PendedBindCompletesThroughNdisCompleteBindAdapter) {
  WanStack st;
  st.wan.bind_returns = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  NdisCompleteBindAdapter(st.wan.bind().bind_ctx, NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanBinding, UnbindClosesTheBindingAndItsHandleIsStale) {
  WanStack st;
  st.Start();
  NDIS_HANDLE binding = st.wan.bind().binding;
  EXPECT_TRUE(st.model.UnbindProtocol(st.wan.actor, st.adapter));
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapter), 1u);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisCloseAdapter(&s, binding);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisCloseAdapter, NDIS_STATUS_FAILURE,
                                         Reason::kStaleHandle, std::nullopt, "NdisBindingHandle")));
}

// What a host in front of the model asks: the running adapter's name, and
// nothing for a forged handle or an adapter that has halted.
TEST(WanBinding, RunningAdapterNameNamesOnlyARunningAdapter) {
  WanStack st;
  st.Start();
  EXPECT_EQ(st.model.RunningAdapterName(st.mh()), std::optional<std::string>("WAN1"));
  int forged = 0;
  EXPECT_EQ(st.model.RunningAdapterName(&forged), std::nullopt);
  EXPECT_EQ(st.model.RunningAdapterName(nullptr), std::nullopt);
  const NDIS_HANDLE handle = st.mh();
  ASSERT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_EQ(st.model.RunningAdapterName(handle), std::nullopt);
  EXPECT_TRUE(st.model.rejections().empty()) << "a query records nothing";
}

TEST(WanBinding, PendedUnbindCompletesThroughNdisCompleteUnbindAdapter) {
  WanStack st;
  st.wan.unbind_pends = true;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.wan.actor, st.adapter));
  Bind5Rec& b = st.wan.bind();
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisCloseAdapter(&s, b.binding);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  NdisCompleteUnbindAdapter(b.unbind_ctx, NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanBinding, HaltCallsMiniportHaltAndUnbindsTheProtocols) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  EXPECT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_EQ(st.mp.halts, 1);
  EXPECT_EQ(st.rec.Count(Fn::NdisMDeregisterInterrupt), 1u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapter), 2u);
  EXPECT_TRUE(st.model.rejections().empty());
}

}  // namespace
}  // namespace ndisconf::ndis
