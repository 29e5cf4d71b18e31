// Reference-model tests of the AF lifecycle: registration and notification
// (spec 2.3, AF-001..AF-025), open (O1-O7), close (C1-C6) and notify-close
// (N1-N7), each named state + event + outcome.
#include <gtest/gtest.h>

#include "ndisconf/ndis/model.h"
#include "stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using spec::RuleId;
using testing::Af;
using testing::AfRec;
using testing::H;
using testing::Stack;
using testing::StubProtocol;

uint64_t S(NDIS_STATUS s) { return static_cast<uint32_t>(s); }

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

// ---- Open. ----

TEST(OpenAf, CmReturnsSuccessOpenReturnsSuccessWithoutCompletionCallback) {
  // Checks O2, AF-031, AF-039.
  Stack st;
  st.Start();
  AfRec& af = st.ClientAf();
  EXPECT_EQ(af.open_status, NDIS_STATUS_SUCCESS);
  ASSERT_NE(af.af, nullptr);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
  const auto opens = st.rec.Calls(Fn::ProtocolCmOpenAf);
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].actor, st.cm.actor);
  EXPECT_EQ(opens[0].arg[0], H(&st.cm.binds[0]));  // CallMgrBindingContext
  EXPECT_EQ(opens[0].arg[1], CO_ADDRESS_FAMILY_Q2931);
  EXPECT_EQ(opens[0].arg[4], H(af.af));  // the same NdisAfHandle the client got
}

TEST(OpenAf, TwoClientsGetDistinctHandles) {
  // Checks AF-031, AF-140.
  Stack st;
  StubProtocol cl2(st.model, "cl2", StubProtocol::kClient);
  st.mp.Load();
  st.cm.Load();
  st.cl.Load();
  cl2.Load();
  st.adapter = st.mp.Add("A1");
  st.model.RunUntilIdle();
  ASSERT_EQ(cl2.client_afs.size(), 1u);
  EXPECT_NE(st.ClientAf().af, cl2.client_afs[0].af);
}

TEST(OpenAf, PendingThenCompleteAtDispatchDeliversAtPassive) {
  // Checks O3, O5, AF-034, AF-035, AF-037.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  AfRec& cl_af = st.ClientAf();
  ASSERT_EQ(cl_af.open_status, NDIS_STATUS_PENDING);
  AfRec& cm_af = st.CmAf();
  {
    ScopedActor as(st.cm.actor);
    NDIS_SPIN_LOCK lock;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, cm_af.af, &cm_af);
    NdisReleaseSpinLock(&lock);
  }
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
  ASSERT_EQ(st.model.PendingWork().size(), 1u);
  EXPECT_EQ(st.model.PendingWork()[0].kind, WorkKind::kDeferredCompletion);
  st.model.RunUntilIdle();
  const auto done = st.rec.Calls(Fn::ProtocolClOpenAfCompleteEx);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].irql, PASSIVE_LEVEL);
  EXPECT_EQ(done[0].arg[0], H(&cl_af));
  EXPECT_EQ(done[0].arg[1], H(cm_af.af));
  EXPECT_EQ(done[0].arg[2], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(cl_af.open_status, NDIS_STATUS_SUCCESS);
  // AF-035: later CM calls get the CallMgrAfContext given at completion.
  EXPECT_EQ(st.cl.CloseAf(cl_af), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Calls(Fn::ProtocolCmCloseAf)[0].arg[0], H(&cm_af));
}

TEST(OpenAf, PendingThenCompleteAtPassiveRunsInlineWhenChooserSaysSo) {
  // Checks AF-037: at PASSIVE_LEVEL the Chooser decides.
  // Notify: queued (even byte); Pick of that one item; completion: inline (odd).
  const uint8_t bytes[] = {0, 0, 1};
  ByteChooser chooser(bytes);
  Stack st(Settings{}, false, &chooser);
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  ScopedActor as(st.cm.actor);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, &st.CmAf());
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 1u);
  EXPECT_TRUE(st.model.PendingWork().empty());
}

TEST(OpenAf, PendingThenFailureDeliversNullHandleAfterCleanup) {
  // Checks O6, AF-036, AF-038.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  AfRec& cm_af = st.CmAf();
  {
    ScopedActor as(st.cm.actor);
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_RESOURCES, cm_af.af, nullptr);
  }
  st.model.RunUntilIdle();
  const auto done = st.rec.Calls(Fn::ProtocolClOpenAfCompleteEx);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].arg[1], 0u);
  EXPECT_EQ(done[0].arg[2], S(NDIS_STATUS_RESOURCES));
  ScopedActor as(st.cl.actor);
  EXPECT_EQ(NdisClCloseAddressFamily(cm_af.af), NDIS_STATUS_FAILURE);  // stale
}

TEST(OpenAf, CompleteWithPendingStatusIsRejectedAndOpenStaysPending) {
  // Checks O7, AF-034.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  ScopedActor as(st.cm.actor);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_PENDING, st.CmAf().af, nullptr);
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisCmOpenAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kPendingStatus, RuleId::kAF034));
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, nullptr);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, nullptr);  // twice
  EXPECT_EQ(st.model.rejections().size(), 2u);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 1u);
}

TEST(OpenAf, CmReturnsErrorOpenReturnsItAndHandleIsInvalid) {
  // Checks O4, AF-033.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_RESOURCES;
  st.Start();
  EXPECT_EQ(st.ClientAf().open_status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(st.ClientAf().af, nullptr);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
}

TEST(OpenAf, UnregisteredAfFailsWithoutCallingCm) {
  // Checks O1f, AF-032.
  Stack st;
  st.Start();
  AfRec* af = nullptr;
  EXPECT_EQ(st.cl.OpenAf(st.cl.binds[0], CO_ADDRESS_FAMILY_PPP, &af), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmOpenAf), 1u);  // only the first, successful open
}

// ---- Close. ----

TEST(CloseAf, CmReturnsSuccessCloseReturnsSuccessWithoutCompletion) {
  // Checks C1, C2, AF-051, AF-060.
  Stack st;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
  const auto closes = st.rec.Calls(Fn::ProtocolCmCloseAf);
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].arg[0], H(&st.CmAf()));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClCloseAfComplete), 0u);
  // AF-056: the handle is invalid afterwards.
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
}

TEST(CloseAf, PendingThenCompleteDeliversCloseCompleteSuccess) {
  // Checks C3, C5, AF-052..AF-055.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  }
  const auto done = st.rec.Calls(Fn::ProtocolClCloseAfComplete);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].arg[0], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(done[0].arg[1], H(&st.ClientAf()));
  // AF-055: the CM can no longer use the handle.
  ScopedActor as(st.cm.actor);
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  EXPECT_EQ(st.model.rejections().size(), 1u);
}

TEST(CloseAf, SecondCloseWhileClosingReturnsFailure) {
  // Checks C6, AF-057.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 1u);
}

TEST(CloseAf, NotAcceptedKeepsAfOpenAndRetryIsAccepted) {
  // Checks C4, AF-052, OQ-07.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  st.cm.cm.close_af = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
}

TEST(CloseAf, StrictRetryPolicyRejectsSecondClose) {
  // OQ-07 strict.
  Settings s;
  s.accept_close_retry = false;
  Stack st(s);
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
}

TEST(CloseAf, WithSapUnderNdisChecksFailsWithoutCallingCm) {
  // Checks C1a, AF-057, OQ-06 ndis-checks.
  Settings s;
  s.close_with_children = Settings::CloseWithChildren::kNdisChecks;
  Stack st(s);
  st.Start();
  testing::SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 0u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClCloseAfComplete), 0u);
}

TEST(CloseAf, WithSapUnderCmDecidesIsForwardedToCm) {
  // OQ-06 default cm-decides.
  Stack st;
  st.Start();
  testing::SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 1u);
}

TEST(CloseAf, CompleteWithNonSuccessIsRejectedAndAfStaysOpen) {
  // Checks AF-053.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_FAILURE, st.CmAf().af);
  }
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kBadResultStatus, RuleId::kAF053));
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  st.cm.cm.close_af = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
}

// ---- Notify-close. ----

TEST(NotifyClose, ClientClosesSynchronouslyNotifyReturnsSuccessWithoutCmComplete) {
  // Checks N1, N2, N3, AF-063, AF-064, AF-067, OQ-10.
  Stack st;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_SUCCESS);
  const auto n = st.rec.Calls(Fn::ProtocolClNotifyCloseAf);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].arg[0], H(&st.ClientAf()));
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(NotifyClose, PendedThenCompleteOnClosedAfDeliversCmCompleteOnce) {
  // Checks N4, N5, AF-065, AF-066, AF-067, OQ-08 (tombstone).
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kCloseAndPend;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);  // the AF is CLOSED
  {
    ScopedActor as(st.cl.actor);
    NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
  }
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  const auto c = st.rec.Calls(Fn::ProtocolCmNotifyCloseAfComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], H(&st.CmAf()));
  EXPECT_TRUE(st.model.rejections().empty());
  // The tombstone is gone now.
  ScopedActor as(st.cl.actor);
  NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisClNotifyCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kStaleHandle, std::nullopt, "NdisAfHandle"));
}

TEST(NotifyClose, CmClosePendingNotifyReturnsPendingAndCompletesAfterClose) {
  // Checks OQ-10, AF-059, AF-067.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_PENDING);
  EXPECT_TRUE(st.cm.notify_close_complete.empty());
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  }
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_LT(st.rec.First(Fn::ProtocolClCloseAfComplete),
            st.rec.First(Fn::ProtocolCmNotifyCloseAfComplete));
}

TEST(NotifyClose, CloseCompletedInsideNotifyIsHeldUntilNotifyReturns) {
  // Checks AF-059.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kPendOnly;
  st.Start();
  st.cl.on_notify_close_hook = [&](AfRec& af) {
    ScopedActor cl_actor(st.cl.actor);
    EXPECT_EQ(NdisClCloseAddressFamily(af.af), NDIS_STATUS_PENDING);
    ScopedActor cm_actor(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
    EXPECT_TRUE(st.cl.close_af_complete.empty());  // held
  };
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  long notify_return = -1;
  for (size_t i = 0; i < st.rec.events.size(); ++i) {
    if (st.rec.events[i].fn == Fn::ProtocolClNotifyCloseAf &&
        st.rec.events[i].phase == Phase::kReturn) {
      notify_return = static_cast<long>(i);
    }
  }
  EXPECT_GT(st.rec.First(Fn::ProtocolClCloseAfComplete), notify_return);
}

TEST(NotifyClose, InOpeningStateFails) {
  // N7, OQ-09.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 0u);
}

TEST(NotifyClose, RepeatWhilePendingFails) {
  // OQ-09.
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kPendOnly;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 1u);
}

TEST(NotifyClose, WhileClientClosePendingReturnsPendingWithoutAskingClient) {
  // N7, OQ-09 (CLOSING): completes once the close does.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 0u);
  ScopedActor as(st.cm.actor);
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
}

TEST(NotifyClose, ClientErrorIsReturnedToCm) {
  // Checks N6, AF-068.
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kFail;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
}

TEST(NotifyClose, ShortCmHandlersPendingPathSkipsCompleteOrFailsWhenStrict) {
  // OQ-11.
  for (bool strict : {false, true}) {
    Settings s;
    s.accept_cm_handler_size_136 = !strict;
    Stack st(s);
    st.cm.cm.handler_size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
    st.cl.on_notify_close = StubProtocol::NotifyAction::kCloseAndPend;
    st.Start();
    ASSERT_EQ(st.cm.register_status, NDIS_STATUS_SUCCESS);
    EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), strict ? NDIS_STATUS_FAILURE : NDIS_STATUS_PENDING);
    ScopedActor as(st.cl.actor);
    NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
    EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
  }
}

}  // namespace
}  // namespace ndisconf::ndis
