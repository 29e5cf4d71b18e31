// Reference-model tests of SAPs (spec 2.5, AF-080..AF-093) and VCs with the
// minimal call path (spec 2.6, AF-100..AF-111, OQ-12..OQ-15).
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::Af;
using testing::H;
using testing::S;
using testing::SapRec;
using testing::Stack;
using testing::StubProtocol;
using testing::VcRec;

// ---- SAPs. ----

TEST(Sap, CmReturnsSuccessRegisterReturnsSuccessWithoutCompletion) {
  // Checks S1, S2, AF-081, AF-087.
  Stack st;
  st.Start();
  SapRec* sap = nullptr;
  EXPECT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  EXPECT_NE(sap->sap, nullptr);
  const auto c = st.rec.Calls(Fn::ProtocolCmRegisterSap);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], H(&st.CmAf()));
  EXPECT_EQ(c[2 - 2].arg[3], H(sap->sap));  // CallMgrAfContext, SapType, SapLength, NdisSapHandle
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClRegisterSapComplete), 0u);
}

TEST(Sap, PendingThenCompleteDeliversRegisterSapComplete) {
  // Checks S3, S5, AF-083, AF-084.
  Stack st;
  st.cm.cm.reg_sap = NDIS_STATUS_PENDING;
  st.Start();
  SapRec* sap = nullptr;
  EXPECT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_PENDING);
  const uint64_t sh = st.rec.Calls(Fn::ProtocolCmRegisterSap)[0].arg[3];
  {
    ScopedActor as(st.cm.actor);
    NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, reinterpret_cast<NDIS_HANDLE>(sh), nullptr);
  }
  const auto c = st.rec.Calls(Fn::ProtocolClRegisterSapComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(c[0].arg[1], H(sap));
  EXPECT_EQ(H(sap->sap), sh);
}

TEST(Sap, PendingThenFailureDeliversNullHandleAndHandleIsInvalid) {
  // Checks S6, AF-085.
  Stack st;
  st.cm.cm.reg_sap = NDIS_STATUS_PENDING;
  st.Start();
  SapRec* sap = nullptr;
  EXPECT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_PENDING);
  auto sh = reinterpret_cast<NDIS_HANDLE>(st.rec.Calls(Fn::ProtocolCmRegisterSap)[0].arg[3]);
  ScopedActor as(st.cm.actor);
  NdisCmRegisterSapComplete(NDIS_STATUS_INVALID_DATA, sh, nullptr);
  const auto c = st.rec.Calls(Fn::ProtocolClRegisterSapComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], S(NDIS_STATUS_INVALID_DATA));
  EXPECT_EQ(c[0].arg[4], 0u);  // Status, ctx, SapType, SapLength, NdisSapHandle
  NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, sh, nullptr);
  EXPECT_EQ(st.model.rejections().size(), 1u);
}

TEST(Sap, CmRejectsDuplicateWithInvalidDataReturnedToClient) {
  // Checks S4, AF-082, OQ-16.
  Stack st;
  st.cm.cm.reg_sap = NDIS_STATUS_INVALID_DATA;
  st.Start();
  SapRec* sap = nullptr;
  EXPECT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(sap->sap, nullptr);
}

TEST(Sap, DeregisterPendingThenSecondDeregisterFailsThenCompleteDelivers) {
  // Checks S8, S10, S11, S12, AF-088, AF-090, AF-091.
  Stack st;
  st.Start();
  SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  st.cm.cm.dereg_sap = NDIS_STATUS_PENDING;
  EXPECT_EQ(st.cl.DeregisterSap(*sap), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cl.DeregisterSap(*sap), NDIS_STATUS_FAILURE);
  ScopedActor as(st.cm.actor);
  NdisCmDeregisterSapComplete(NDIS_STATUS_SUCCESS, sap->sap);
  EXPECT_EQ(st.cl.dereg_sap_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
}

TEST(Sap, DeregisterSyncSuccessReturnsSuccess) {
  // S9, OQ-17.
  Stack st;
  st.Start();
  SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.cl.DeregisterSap(*sap), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(st.cl.dereg_sap_complete.empty());
}

TEST(Sap, DeregisterAfterAfClosedCompletesWithFailure) {
  // Checks S13, AF-091.
  Stack st;
  st.Start();
  SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.cl.DeregisterSap(*sap), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmDeregisterSap), 0u);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.cl.dereg_sap_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
}

TEST(Sap, RegisterOnClosedAfFails) {
  // Checks AF-056 (DERIVED FAILURE).
  Stack st;
  st.Start();
  ASSERT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
  SapRec* sap = nullptr;
  EXPECT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_FAILURE);
}

// ---- VCs. ----

TEST(Vc, ClientCreateCallsMiniportThenCmWithSameHandle) {
  // Checks V1, AF-103, OQ-13.
  Stack st;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  ASSERT_NE(vc, nullptr);
  const auto mp = st.rec.Calls(Fn::MiniportCoCreateVc);
  const auto peer = st.rec.Calls(Fn::ProtocolCoCreateVc);
  ASSERT_EQ(mp.size(), 1u);
  ASSERT_EQ(peer.size(), 1u);
  EXPECT_EQ(mp[0].arg[0], H(&st.mp));
  EXPECT_EQ(mp[0].arg[1], H(vc));
  EXPECT_EQ(peer[0].actor, st.cm.actor);
  EXPECT_EQ(peer[0].arg[0], H(&st.CmAf()));  // CallMgrAfContext
  EXPECT_EQ(peer[0].arg[1], H(vc));
  EXPECT_LT(st.rec.First(Fn::MiniportCoCreateVc), st.rec.First(Fn::ProtocolCoCreateVc));
}

TEST(Vc, PeerFirstSettingReversesCreateOrder) {
  Settings s;
  s.create_vc_order = Settings::VcCallbackOrder::kPeerFirst;
  Stack st(s);
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  EXPECT_GT(st.rec.First(Fn::MiniportCoCreateVc), st.rec.First(Fn::ProtocolCoCreateVc));
}

TEST(Vc, PeerErrorRollsBackMiniportAndReturnsPeerStatus) {
  // V1p, OQ-13.
  Stack st;
  st.cm.cm.create_vc = NDIS_STATUS_RESOURCES;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  EXPECT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_RESOURCES);
  EXPECT_EQ(vc, nullptr);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoDeleteVc), 1u);
}

TEST(Vc, PeerPendingMakesNdisDeleteItAndCreateFail) {
  // Checks V1x, AF-104.
  Stack st;
  st.cm.cm.create_vc = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  EXPECT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_FAILURE);
  const auto del = st.rec.Calls(Fn::ProtocolCoDeleteVc);
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].actor, st.cm.actor);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoDeleteVc), 1u);
}

TEST(Vc, McmClientCreateCallsMcmProtocolCreateVcOnly) {
  // Checks AF-103 (MCM), AF-133, OQ-12 default.
  Stack st(Settings{}, /*mcm=*/true);
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoCreateVc), 0u);
  const auto peer = st.rec.Calls(Fn::ProtocolCoCreateVc);
  ASSERT_EQ(peer.size(), 1u);
  EXPECT_EQ(peer[0].actor, st.mp.actor);
  EXPECT_EQ(peer[0].arg[0], H(&st.CmAf()));
}

TEST(Vc, McmCreateVcGetsAfHandleBySetting) {
  // OQ-12 option.
  Settings s;
  s.mcm_create_vc_gets_af_handle = true;
  Stack st(s, /*mcm=*/true);
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Calls(Fn::ProtocolCoCreateVc)[0].arg[0], H(st.ClientAf().af));
}

TEST(Vc, NdisMCmCreateVcCallsClientCreateVcOnly) {
  // Checks V2, AF-103, AF-110; V7.
  Stack st(Settings{}, /*mcm=*/true);
  st.Start();
  NDIS_HANDLE vc = nullptr;
  VcRec mine{&st.mp, nullptr};
  {
    ScopedActor as(st.mp.actor);
    ASSERT_EQ(NdisMCmCreateVc(st.mp.adapter_handle, st.CmAf().af, &mine, &vc), NDIS_STATUS_SUCCESS);
  }
  const auto peer = st.rec.Calls(Fn::ProtocolCoCreateVc);
  ASSERT_EQ(peer.size(), 1u);
  EXPECT_EQ(peer[0].actor, st.cl.actor);
  EXPECT_EQ(peer[0].arg[0], H(&st.ClientAf()));
  ScopedActor as(st.mp.actor);
  EXPECT_EQ(NdisMCmActivateVc(vc, reinterpret_cast<PCO_CALL_PARAMETERS>(&mine)),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(NdisMCmDeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(NdisMCmDeactivateVc(vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(NdisMCmDeleteVc(vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Calls(Fn::ProtocolCoDeleteVc)[0].actor, st.cl.actor);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmActivateVcComplete), 0u);  // AF-132
}

TEST(Vc, CreatorDeleteCallsPeerAndMiniportAndHandleBecomesInvalid) {
  // Checks V6, AF-107.
  Stack st;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoDeleteVc), 1u);
  EXPECT_EQ(st.rec.Calls(Fn::ProtocolCoDeleteVc)[0].actor, st.cm.actor);
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_FAILURE);
}

TEST(Vc, NonCreatorDeleteFails) {
  // Checks V8, AF-105, OQ-15.
  Stack st;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  ScopedActor as(st.cm.actor);
  EXPECT_EQ(NdisCoDeleteVc(vc), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCoDeleteVc), 0u);
}

TEST(Vc, PeerDeleteFailurePropagatesAndVcStays) {
  // Checks OQ-14, AF-108.
  Stack st;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  st.cm.cm.delete_vc = NDIS_STATUS_NOT_ACCEPTED;
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoDeleteVc), 0u);
  st.cm.cm.delete_vc = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_SUCCESS);
}

TEST(Vc, ActiveVcDeleteReturnsNotAcceptedDeactivatingReturnsClosing) {
  // Checks V3, V4, V5, AF-106, and the call path.
  Stack st;
  st.cm.cm.activate_in_make_call = true;
  st.cm.cm.deactivate_in_close_call = true;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  CO_CALL_PARAMETERS params{};
  {
    ScopedActor as(st.cl.actor);
    EXPECT_EQ(NdisClMakeCall(vc, &params, nullptr, nullptr), NDIS_STATUS_SUCCESS);
  }
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoActivateVc), 1u);
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED);
  st.mp.deactivate_vc = NDIS_STATUS_PENDING;
  st.cm.cm.close_call = NDIS_STATUS_PENDING;
  {
    ScopedActor as(st.cl.actor);
    EXPECT_EQ(NdisClCloseCall(vc, nullptr, nullptr, 0), NDIS_STATUS_PENDING);
  }
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_CLOSING);
  {
    ScopedActor as(st.mp.actor);
    NdisMCoDeactivateVcComplete(NDIS_STATUS_SUCCESS, vc);
  }
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmDeactivateVcComplete), 1u);
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED);  // the call is still closing
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, vc, nullptr);
  }
  const auto cc = st.rec.Calls(Fn::ProtocolClCloseCallComplete);
  ASSERT_EQ(cc.size(), 1u);
  EXPECT_EQ(cc[0].arg[0], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_SUCCESS);
  // The three refused deletes, and nothing else.
  ASSERT_EQ(st.model.rejections().size(), 3u);
  EXPECT_EQ(st.model.rejections()[1].status, NDIS_STATUS_CLOSING);
}

TEST(Vc, MakeCallPendingThenCompleteDeliversMakeCallComplete) {
  Stack st;
  st.cm.cm.make_call = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  CO_CALL_PARAMETERS params{};
  {
    ScopedActor as(st.cl.actor);
    EXPECT_EQ(NdisClMakeCall(vc, &params, nullptr, nullptr), NDIS_STATUS_PENDING);
  }
  {
    ScopedActor as(st.cm.actor);
    EXPECT_EQ(NdisCmActivateVc(vc, &params), NDIS_STATUS_SUCCESS);
    NdisCmMakeCallComplete(NDIS_STATUS_SUCCESS, vc, nullptr, nullptr, &params);
  }
  const auto c = st.rec.Calls(Fn::ProtocolClMakeCallComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(c[0].arg[1], H(&st.cl.vcs.back()));
}

TEST(Vc, ActivatePendingThenMiniportCompleteCallsCmActivateVcComplete) {
  Stack st;
  st.mp.activate_vc = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_SUCCESS);
  CO_CALL_PARAMETERS params{};
  {
    ScopedActor as(st.cm.actor);
    EXPECT_EQ(NdisCmActivateVc(vc, &params), NDIS_STATUS_PENDING);
  }
  {
    ScopedActor as(st.mp.actor);
    NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, vc, &params);
  }
  const auto c = st.rec.Calls(Fn::ProtocolCmActivateVcComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].actor, st.cm.actor);
  EXPECT_EQ(st.cl.DeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED);
}

TEST(Vc, IncomingCallWhileSapRegisteringReachesClient) {
  // Checks S7, S8, AF-086, AF-093.
  Stack st;
  st.cm.cm.reg_sap = NDIS_STATUS_PENDING;
  st.Start();
  SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_PENDING);
  auto sh = reinterpret_cast<NDIS_HANDLE>(st.rec.Calls(Fn::ProtocolCmRegisterSap)[0].arg[3]);
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cm.CreateVc(st.cm.binds[0], st.CmAf().af, &vc), NDIS_STATUS_SUCCESS);
  const auto create = st.rec.Calls(Fn::ProtocolCoCreateVc);
  ASSERT_EQ(create.size(), 1u);
  EXPECT_EQ(create[0].actor, st.cl.actor);  // the SAP-owning client
  EXPECT_EQ(create[0].arg[0], H(&st.ClientAf()));
  CO_CALL_PARAMETERS params{};
  {
    ScopedActor as(st.cm.actor);
    EXPECT_EQ(NdisCmDispatchIncomingCall(sh, vc, &params), NDIS_STATUS_SUCCESS);
    NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, sh, nullptr);
    NdisCmDispatchCallConnected(vc);
  }
  const auto in = st.rec.Calls(Fn::ProtocolClIncomingCall);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].arg[0], H(sap));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClCallConnected), 1u);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(Vc, IncomingCallPendedThenClientCompleteReachesCm) {
  Stack st;
  st.cl.incoming_call = NDIS_STATUS_PENDING;
  st.Start();
  SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cm.CreateVc(st.cm.binds[0], st.CmAf().af, &vc), NDIS_STATUS_SUCCESS);
  CO_CALL_PARAMETERS params{};
  {
    ScopedActor as(st.cm.actor);
    EXPECT_EQ(NdisCmDispatchIncomingCall(sap->sap, vc, &params), NDIS_STATUS_PENDING);
  }
  {
    ScopedActor as(st.cl.actor);
    NdisClIncomingCallComplete(NDIS_STATUS_SUCCESS, vc, &params);
  }
  const auto c = st.rec.Calls(Fn::ProtocolCmIncomingCallComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].actor, st.cm.actor);
  EXPECT_EQ(c[0].arg[0], S(NDIS_STATUS_SUCCESS));
}

TEST(Vc, CmSignallingVcCallsMiniportOnly) {
  // Checks AF-101: NULL NdisAfHandle from a CM.
  Stack st;
  st.Start();
  NDIS_HANDLE vc = nullptr;
  ASSERT_EQ(st.cm.CreateVc(st.cm.binds[0], nullptr, &vc), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoCreateVc), 1u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCoCreateVc), 0u);
  EXPECT_EQ(st.cm.DeleteVc(vc), NDIS_STATUS_SUCCESS);
}

}  // namespace
}  // namespace ndisconf::ndis
