// Reference-model tests of the AF "registration" and "notify" families (spec
// 2.3, AF-001..AF-025, OQ-03, OQ-04): a call manager or an MCM registers an
// address family and every bound client is told about it, each named
// state + event + outcome.
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using spec::RuleId;
using testing::Af;
using testing::AfRec;
using testing::H;
using testing::Stack;
using testing::StubProtocol;

// ---- Registration and notification. ----

TEST(AfRegister, CmRegistersInBindThenClientNotifiedOnceAfterBindAtPassive) {
  // Checks AF-001, AF-020, AF-024, AF-025, OQ-03, OQ-04.
  Stack st;
  st.Start(/*run=*/false);
  ASSERT_EQ(st.cm.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_TRUE(st.cl.notified.empty());  // deferred: not inside anyone's bind
  ASSERT_EQ(st.model.PendingWork().size(), 1u);
  EXPECT_EQ(st.model.PendingWork()[0].kind, WorkKind::kAfRegisterNotify);
  st.model.RunUntilIdle();
  ASSERT_EQ(st.cl.notified.size(), 1u);
  EXPECT_EQ(st.cl.notified[0].AddressFamily, CO_ADDRESS_FAMILY_Q2931);
  EXPECT_EQ(st.cl.notified[0].MajorVersion, 1u);
  EXPECT_EQ(st.cl.notify_irql[0], PASSIVE_LEVEL);
  EXPECT_TRUE(st.cm.notified.empty());  // OQ-04: not the registering binding
  const auto calls = st.rec.Calls(Fn::ProtocolCoAfRegisterNotify);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].actor, st.cl.actor);
  EXPECT_EQ(calls[0].arg[0], H(&st.cl.binds[0]));
  EXPECT_EQ(calls[0].irql, PASSIVE_LEVEL);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(AfRegister, ClientBindingAfterRegistrationIsNotifiedAfterItsBind) {
  // Checks AF-021.
  Stack st;
  st.mp.Load();
  st.cm.Load();
  st.adapter = st.mp.Add("A1");
  st.model.RunUntilIdle();
  st.cl.Load();
  EXPECT_EQ(st.model.BindProtocol(st.cl.actor, st.adapter), NDIS_STATUS_SUCCESS);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.cl.notified.size(), 1u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCoAfRegisterNotify), 1u);
}

TEST(AfRegister, TwoAfsOnOneBindingGiveTwoNotificationsToSameContext) {
  // Checks AF-003, AF-022.
  Stack st;
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931), Af(CO_ADDRESS_FAMILY_TAPI)};
  st.Start();
  ASSERT_EQ(st.cl.notified.size(), 2u);
  const auto calls = st.rec.Calls(Fn::ProtocolCoAfRegisterNotify);
  EXPECT_EQ(calls[0].arg[0], calls[1].arg[0]);
}

TEST(AfRegister, SecondCmRegisteringSameAfOnAdapterGetsFailure) {
  // Checks AF-004.
  Stack st;
  StubProtocol cm2(st.model, "cm2", StubProtocol::kCallManager);
  cm2.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931)};
  st.Start();
  cm2.Load();
  EXPECT_EQ(st.model.BindProtocol(cm2.actor, st.adapter), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cm2.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                    Reason::kAlreadyRegistered, RuleId::kAF004));
}

TEST(AfRegister, SameCmRegisteringSameAfTwiceOnBindingGetsFailure) {
  // Checks AF-004 (DERIVED: the same CM twice).
  Stack st;
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931), Af(CO_ADDRESS_FAMILY_Q2931)};
  st.Start();
  EXPECT_EQ(st.cm.register_af_status,
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE}));
}

TEST(AfRegister, ProxyBitIsPartOfTheAfType) {
  // Checks AF-004 with CO_ADDRESS_FAMILY_PROXY: 0x80000001 and 0x1 are different types.
  Stack st;
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931),
                  Af(CO_ADDRESS_FAMILY_Q2931 | CO_ADDRESS_FAMILY_PROXY)};
  st.Start();
  EXPECT_EQ(st.cm.register_af_status,
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS}));
}

TEST(AfRegister, CmOverConnectionlessMiniportGetsFailure) {
  // Checks AF-005: the underlying miniport is not CoNDIS.
  Stack st;
  st.mp.co = false;
  st.Start();
  EXPECT_EQ(st.cm.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(st.cl.notified.empty());
}

TEST(AfRegister, ClientOnlyProtocolRegisteringGetsFailure) {
  // Checks AF-005: the caller is not a CoNDIS call manager.
  Stack st;
  st.Start();
  AfRec* unused = nullptr;
  (void)unused;
  ScopedActor as(st.cl.actor);
  CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_PPP);
  EXPECT_EQ(NdisCmRegisterAddressFamilyEx(st.cl.binds[0].binding, &af), NDIS_STATUS_FAILURE);
}

TEST(AfRegister, AllocationFailureReturnsResources) {
  // Checks AF-005: allocations are mp, cm, cl drivers, adapter, cm bind ctx, cm binding,
  // then the registration.
  Settings s;
  s.fail_allocation_at = 7;
  Stack st(s);
  st.Start();
  EXPECT_EQ(st.cm.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_RESOURCES});
  EXPECT_TRUE(st.cl.notified.empty());
}

TEST(AfRegister, NotifyDuringRegisterDeliversInsideTheRegisterCall) {
  // OQ-03 option: immediate delivery (to clients already bound).
  Settings s;
  s.notify_during_register = true;
  Stack st(s);
  st.mp.Load();
  st.cl.Load();  // the client binds first this time
  st.cm.Load();
  st.adapter = st.mp.Add("A1");
  EXPECT_TRUE(st.model.PendingWork().empty());
  EXPECT_EQ(st.cl.notified.size(), 1u);
  // Delivered while the CM was still inside ProtocolBindAdapterEx.
  const long notify = st.rec.First(Fn::ProtocolCoAfRegisterNotify);
  long cm_bind_return = -1;
  for (size_t i = 0; i < st.rec.events.size(); ++i) {
    const Event& e = st.rec.events[i];
    if (e.fn == Fn::ProtocolBindAdapterEx && e.phase == Phase::kReturn && e.actor == st.cm.actor) {
      cm_bind_return = static_cast<long>(i);
    }
  }
  EXPECT_LT(notify, cm_bind_return);
}

TEST(AfRegister, McmRegistersInInitializeAndClientIsNotifiedAfterItBinds) {
  // Checks AF-006, AF-007, AF-020 (MCM), S3.
  Stack st(Settings{}, /*mcm=*/true);
  st.Start();
  EXPECT_EQ(st.mp.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  ASSERT_EQ(st.cl.notified.size(), 1u);
  EXPECT_EQ(st.cl.notified[0].AddressFamily, CO_ADDRESS_FAMILY_TAPI_PROXY);
  // The open reaches the MCM with its MiniportAdapterContext (AF-031).
  const auto opens = st.rec.Calls(Fn::ProtocolCmOpenAf);
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].actor, st.mp.actor);
  EXPECT_EQ(opens[0].arg[0], H(&st.mp));
}

TEST(AfRegister, McmRegisteringSameAfTwiceGetsFailure) {
  // Checks AF-006 / R6.
  Stack st(Settings{}, /*mcm=*/true);
  st.mp.cm.afs = {Af(CO_ADDRESS_FAMILY_TAPI_PROXY), Af(CO_ADDRESS_FAMILY_TAPI_PROXY)};
  st.Start();
  EXPECT_EQ(st.mp.register_af_status,
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE}));
}

TEST(AfRegister, McmOverCmPolicyAPreemptsForNewOpensOnly) {
  // Checks AF-008, OQ-02 policy A, OQ-38.
  Stack st(Settings{}, /*mcm=*/true, nullptr, /*with_cm=*/true);
  st.mp.cm.afs = {};
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931)};
  st.Start();
  ASSERT_EQ(st.cl.client_afs.size(), 1u);
  ASSERT_EQ(st.ClientAf().open_status, NDIS_STATUS_SUCCESS);  // opened with the CM
  {
    ScopedActor as(st.mp.actor);
    CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_Q2931);
    EXPECT_EQ(NdisMCmRegisterAddressFamilyEx(st.mp.adapter_handle, &af), NDIS_STATUS_SUCCESS);
  }
  st.model.RunUntilIdle();  // the client hears of the MCM's registration and opens it
  ASSERT_EQ(st.cl.client_afs.size(), 2u);
  EXPECT_EQ(st.cl.client_afs[1].open_status, NDIS_STATUS_SUCCESS);
  const auto opens = st.rec.Calls(Fn::ProtocolCmOpenAf);
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_EQ(opens[1].actor, st.mp.actor);
  // The existing open with the CM stays usable.
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf(0)), NDIS_STATUS_SUCCESS);
}

TEST(AfRegister, McmOverCmPolicyBFails) {
  // OQ-02 policy B.
  Settings s;
  s.mcm_preempt = Settings::McmPreempt::kFirstWins;
  Stack st(s, /*mcm=*/true, nullptr, /*with_cm=*/true);
  st.mp.cm.afs = {};
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931)};
  st.Start();
  ScopedActor as(st.mp.actor);
  CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_Q2931);
  EXPECT_EQ(NdisMCmRegisterAddressFamilyEx(st.mp.adapter_handle, &af), NDIS_STATUS_FAILURE);
}

TEST(AfRegister, CmRegisteringAfHeldByMcmGetsFailure) {
  // Checks OQ-02 policy A / AF-004.
  Stack st(Settings{}, /*mcm=*/true, nullptr, /*with_cm=*/true);
  st.cm.cm.afs = {Af(CO_ADDRESS_FAMILY_TAPI_PROXY)};
  st.Start();
  EXPECT_EQ(st.cm.register_af_status, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
}

}  // namespace
}  // namespace ndisconf::ndis
