// Reference-model tests of binding, unbinding and halt with AFs open
// (spec 2.1, 2.2, AF-061, AF-062, AF-120..AF-126, R9, R10).
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::Af;
using testing::H;
using testing::Stack;
using testing::StubProtocol;

using spec::RuleId;
using testing::Rejected;

TEST(Bind, BindParametersCarryMediaTypeAndOpenSelectsIt) {
  Stack st;
  st.Start();
  const auto binds = st.rec.Calls(Fn::ProtocolBindAdapterEx);
  ASSERT_EQ(binds.size(), 2u);
  EXPECT_EQ(binds[0].arg[2], static_cast<uint64_t>(NdisMediumCoWan));
  EXPECT_EQ(st.cm.binds[0].adapter_name, "A1");
  EXPECT_TRUE(st.model.IsBound(st.cl.actor, st.adapter));
}

TEST(Bind, CmBindPendingThenCompleteAnnouncesRegistrationAfterCompletion) {
  // Checks B4 / AF-020 through NdisCompleteBindAdapterEx.
  Stack st;
  st.cm.bind_status = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_TRUE(st.cl.notified.empty());
  EXPECT_FALSE(st.model.IsBound(st.cm.actor, st.adapter));
  st.cm.CompleteBind(st.cm.binds[0], NDIS_STATUS_SUCCESS);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.cl.notified.size(), 1u);
  EXPECT_TRUE(st.model.IsBound(st.cm.actor, st.adapter));
}

TEST(Bind, BindFailingWithBindingOpenIsClosedByNdis) {
  Stack st;
  st.cm.bind_status = NDIS_STATUS_RESOURCES;
  st.Start();
  EXPECT_FALSE(st.model.IsBound(st.cm.actor, st.adapter));
  EXPECT_TRUE(st.cl.notified.empty());  // R9: the registration went with the binding
  EXPECT_TRUE(Rejected(
      st.model, Outcome(Fn::ProtocolBindAdapterEx, NDIS_STATUS_RESOURCES, Reason::kLeftOpen)));
}

TEST(Unbind, ClientUnbindClosesAfsThenBindingAndHandleIsStale) {
  // Checks B5-B9, S7, AF-120, AF-122, AF-123.
  Stack st;
  st.Start();
  NDIS_HANDLE binding = st.cl.binds[0].binding;
  EXPECT_TRUE(st.model.UnbindProtocol(st.cl.actor, st.adapter));
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(st.model.IsBound(st.cl.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
  ScopedActor as(st.cl.actor);
  NDIS_HANDLE vc = nullptr;
  EXPECT_EQ(NdisCoCreateVc(binding, nullptr, nullptr, &vc), NDIS_STATUS_FAILURE);
}

TEST(Unbind, ClientClosingBindingWithAfOpenRecordsAf120) {
  // Checks X1 / AF-120: recorded, nothing crashes, the AF handle stays usable.
  Stack st;
  st.cl.close_afs_on_unbind = false;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.cl.actor, st.adapter));
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisCloseAdapterEx, NDIS_STATUS_SUCCESS,
                                         Reason::kLeftOpen, RuleId::kAF120)));
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
}

TEST(Unbind, CmUnbindNotifyClosesClientAfsAndWithdrawsRegistration) {
  // Checks S5, AF-061, AF-121, R9.
  Stack st;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.cm.actor, st.adapter));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 1u);
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(st.model.rejections().empty());
  // New opens fail: the registration is withdrawn.
  EXPECT_EQ(st.cl.OpenAf(st.cl.binds[0], CO_ADDRESS_FAMILY_Q2931), NDIS_STATUS_FAILURE);
}

TEST(Unbind, CmClosingBindingWithAfsOpenRecordsAf061) {
  Stack st;
  st.cm.cm.notify_close_on_unbind = false;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.cm.actor, st.adapter));
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisCloseAdapterEx, NDIS_STATUS_SUCCESS,
                                         Reason::kLeftOpen, RuleId::kAF061)));
}

TEST(Unbind, UnbindRebindGivesOneNewNotificationPerClient) {
  // Checks AF-124, R11.
  Stack st;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.cm.actor, st.adapter));
  EXPECT_EQ(st.model.BindProtocol(st.cm.actor, st.adapter), NDIS_STATUS_SUCCESS);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.cl.notified.size(), 2u);
}

TEST(Unbind, NdisUnbindAdapterQueuesUnbindWorkItem) {
  // Checks AF-126.
  Stack st;
  st.Start();
  {
    ScopedActor as(st.cl.actor);
    EXPECT_EQ(NdisUnbindAdapter(st.cl.binds[0].binding), NDIS_STATUS_SUCCESS);
  }
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapterEx), 0u);
  ASSERT_EQ(st.model.PendingWork().size(), 1u);
  EXPECT_EQ(st.model.PendingWork()[0].kind, WorkKind::kUnbind);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapterEx), 1u);
  EXPECT_FALSE(st.model.IsBound(st.cl.actor, st.adapter));
}

TEST(Unbind, NdisUnbindAdapterSynchronouslyBySetting) {
  Settings s;
  s.unbind_synchronously = true;
  Stack st(s);
  st.Start();
  ScopedActor as(st.cl.actor);
  EXPECT_EQ(NdisUnbindAdapter(st.cl.binds[0].binding), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapterEx), 1u);
}

TEST(Unbind, PendingUnbindCompletesWithNdisCompleteUnbindAdapterEx) {
  // Checks AF-122.
  Stack st;
  st.cl.unbind_status = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.cl.actor, st.adapter));
  EXPECT_FALSE(st.model.IsBound(st.cl.actor, st.adapter));
  st.cl.CompleteUnbind(st.cl.binds[0]);
  EXPECT_TRUE(st.model.rejections().empty());
  EXPECT_EQ(st.model.BindProtocol(st.cl.actor, st.adapter), NDIS_STATUS_SUCCESS);
}

TEST(Halt, McmHaltNotifyClosesThenUnbindsAndWithdraws) {
  // Checks S6, M4-M6, AF-062, AF-125, R10.
  Stack st(Settings{}, /*mcm=*/true);
  st.Start();
  ASSERT_EQ(st.ClientAf().open_status, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_EQ(st.mp.halts, 1);
  EXPECT_EQ(st.mp.notify_close_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_LT(st.rec.First(Fn::MiniportHaltEx), st.rec.First(Fn::ProtocolUnbindAdapterEx));
  EXPECT_FALSE(st.model.IsBound(st.cl.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
  EXPECT_FALSE(st.model.HaltAdapter(st.adapter));
}

TEST(Halt, UnbindBeforeHaltBySetting) {
  Settings s;
  s.halt_before_unbind = false;
  Stack st(s, /*mcm=*/true);
  st.Start();
  EXPECT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_LT(st.rec.First(Fn::ProtocolUnbindAdapterEx), st.rec.First(Fn::MiniportHaltEx));
}

TEST(Halt, McmHaltReturningWithAfOpenRecordsAf062) {
  Stack st(Settings{}, /*mcm=*/true);
  st.mp.cm.notify_close_on_unbind = false;
  st.Start();
  EXPECT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::MiniportHaltEx, NDIS_STATUS_SUCCESS, Reason::kLeftOpen,
                                         RuleId::kAF062)));
}

TEST(Adapter, InitializeWithoutAttributesFails) {
  Stack st;
  st.mp.set_attributes = false;
  st.Start();
  EXPECT_EQ(st.mp.init_status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolBindAdapterEx), 0u);
}

TEST(Adapter, InitializeFailureBindsNothingAndDropsMcmRegistrations) {
  Stack st(Settings{}, /*mcm=*/true);
  st.mp.initialize_returns = NDIS_STATUS_DEVICE_FAILED;
  st.Start();
  EXPECT_EQ(st.mp.init_status, NDIS_STATUS_DEVICE_FAILED);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolBindAdapterEx), 0u);
  EXPECT_TRUE(st.cl.notified.empty());
}

TEST(Lifetime, DestroyingModelMidLifecycleFreesEverything) {
  // No leak (LeakSanitizer) with opens, closes and work pending.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  ScopedActor as(st.cm.actor);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, &st.CmAf());
  EXPECT_FALSE(st.model.PendingWork().empty());
  EXPECT_GT(st.model.stats().live_objects, 0u);
}

}  // namespace
}  // namespace ndisconf::ndis
