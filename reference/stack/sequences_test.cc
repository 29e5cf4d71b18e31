// The spec's Appendix A sequences S1-S8, played end to end against the
// reference NDIS model with the reference drivers; each test asserts the
// callbacks, statuses and arguments the drivers observed.
#include <gtest/gtest.h>

#include <memory>

#include "reference/stack/stack.h"

namespace ndisconf::stack {
namespace {

namespace logged = drivers::logged;
using drivers::ClAfState;
using drivers::ClBinding;
using drivers::CmAfState;
using drivers::CmPort;
using drivers::OpPolicy;
using drivers::SapSpec;

CmTopologyParts PartsWith(CallManager::Config cm, Client::Config cl = {}, Comp::Config mp = {}) {
  CmTopologyParts p;
  p.cm = [cm] { return std::make_unique<CallManager>(cm); };
  p.client = [cl] { return std::make_unique<Client>(cl); };
  p.miniport = [mp] { return std::make_unique<Comp>(mp); };
  return p;
}

// S1 (AF-001, AF-020, AF-031, AF-039).
TEST(Sequences, S1CmRegistersClientOpensSynchronously) {
  Stack s;
  CmTopology t = BuildCmTopology(s);
  s.Settle();
  const auto& cm = t.cm->log();
  ASSERT_EQ(cm.Count<logged::OwnNdisCmRegisterAddressFamilyEx>(), 1u);
  EXPECT_EQ(cm.Last<logged::OwnNdisCmRegisterAddressFamilyEx>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cm.Last<logged::OwnNdisCmRegisterAddressFamilyEx>()->address_family,
            CO_ADDRESS_FAMILY_Q2931);

  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(cl.Last<logged::ProtocolCoAfRegisterNotify>()->address_family, CO_ADDRESS_FAMILY_Q2931);
  ASSERT_EQ(cl.Count<logged::OwnNdisClOpenAddressFamilyEx>(), 1u);
  EXPECT_EQ(cl.Last<logged::OwnNdisClOpenAddressFamilyEx>()->status, NDIS_STATUS_SUCCESS);
  // AF-039: no NDIS-originated completion after a synchronous open.
  EXPECT_EQ(cl.Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);

  ASSERT_EQ(t.client->afs().size(), 1u);
  const auto& caf = *t.client->afs()[0];
  EXPECT_EQ(caf.state, ClAfState::kOpen);
  ASSERT_NE(caf.ndis_af, nullptr);

  ASSERT_EQ(cm.Count<logged::ProtocolCmOpenAf>(), 1u);
  const auto* open = cm.Last<logged::ProtocolCmOpenAf>();
  EXPECT_EQ(open->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(open->call_mgr_binding_context, t.cm->ports()[0].get());
  EXPECT_EQ(open->ndis_af_handle, caf.ndis_af);  // AF-031: the same NdisAfHandle
  EXPECT_EQ(open->call_mgr_af_context, t.cm->afs()[0].get());
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kOpen);
  // OQ-04 default: the registering CM's own binding is not notified.
  EXPECT_EQ(cm.Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
}

// S2 (AF-034..038).
TEST(Sequences, S2OpenPendedCompletesToClient) {
  CallManager::Config cmc;
  cmc.open_af = OpPolicy::Pending();
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith(cmc));
  s.Settle();
  const auto& cl = t.client->log();
  EXPECT_EQ(cl.Last<logged::OwnNdisClOpenAddressFamilyEx>()->status, NDIS_STATUS_PENDING);
  ASSERT_EQ(cl.Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  const auto* done = cl.Last<logged::ProtocolClOpenAfCompleteEx>();
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->client_af_context, t.client->afs()[0].get());
  EXPECT_EQ(done->ndis_af_handle, t.cm->afs()[0]->ndis_af);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(t.client->afs()[0]->ndis_af, t.cm->afs()[0]->ndis_af);
}

TEST(Sequences, S2OpenPendedFailureGivesNullHandle) {
  CallManager::Config cmc;
  cmc.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith(cmc));
  s.Settle();
  const auto* done = t.client->log().Last<logged::ProtocolClOpenAfCompleteEx>();
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(done->ndis_af_handle, nullptr);  // AF-037: NULL unless SUCCESS
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kFailed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kFailed);
}

// S3 (AF-007, AF-020, AF-031): the MCM's MiniportAdapterContext is the
// CallMgrBindingContext.
TEST(Sequences, S3McmRegistersFromInitializeClientOpens) {
  Stack s;
  McmTopology t = BuildMcmTopology(s);
  s.Settle();
  const auto& mcm = t.mcm->log();
  ASSERT_EQ(mcm.Count<logged::OwnNdisMCmRegisterAddressFamilyEx>(), 1u);
  EXPECT_EQ(mcm.Last<logged::OwnNdisMCmRegisterAddressFamilyEx>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(mcm.Last<logged::OwnNdisMCmRegisterAddressFamilyEx>()->address_family,
            CO_ADDRESS_FAMILY_TAPI_PROXY);
  ASSERT_EQ(mcm.Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(mcm.Last<logged::ProtocolCmOpenAf>()->call_mgr_binding_context,
            t.mcm->ports()[0].get());
  EXPECT_EQ(mcm.Last<logged::ProtocolCmOpenAf>()->address_family, CO_ADDRESS_FAMILY_TAPI_PROXY);
  ASSERT_EQ(t.client->afs().size(), 1u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
}

// S4 (AF-050..058, AF-088..091, AF-103..107).
TEST(Sequences, S4ClientClosesAfWithSapAndVc) {
  CallManager::Config cmc;
  cmc.deregister_sap = OpPolicy::Pending();
  cmc.close_af = OpPolicy::Pending();
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith(cmc));
  s.Settle();
  Client& cl = *t.client;
  size_t sap = 0, vc = 0;
  EXPECT_EQ(s.As(t.client_id,
                 [&] {
                   return cl.RegisterSap(0, {1, {1, 2, 3}}, &sap);
                 }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(s.As(t.client_id, [&] { return cl.CreateVc(0, &vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 1u);
  EXPECT_EQ(t.cm->log().Last<logged::ProtocolCoCreateVc>()->protocol_af_context,
            t.cm->afs()[0].get());
  EXPECT_EQ(t.cm->log().Last<logged::ProtocolCoCreateVc>()->ndis_vc_handle, cl.vcs()[vc]->ndis_vc);

  NDIS_STATUS mc = s.As(t.client_id, [&] { return cl.MakeCall(vc); });
  s.Settle();
  EXPECT_TRUE(mc == NDIS_STATUS_SUCCESS || mc == NDIS_STATUS_PENDING) << mc;
  EXPECT_EQ(cl.vcs()[vc]->state, drivers::ClVcState::kActive);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoActivateVc>(), 1u);
  NDIS_STATUS cc = s.As(t.client_id, [&] { return cl.CloseCall(vc); });
  s.Settle();
  EXPECT_TRUE(cc == NDIS_STATUS_SUCCESS || cc == NDIS_STATUS_PENDING) << cc;
  EXPECT_EQ(cl.vcs()[vc]->state, drivers::ClVcState::kInactive);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeactivateVc>(), 1u);

  EXPECT_EQ(s.As(t.client_id, [&] { return cl.DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 1u);

  EXPECT_EQ(s.As(t.client_id, [&] { return cl.DeregisterSap(sap); }), NDIS_STATUS_PENDING);
  s.Settle();
  ASSERT_EQ(cl.log().Count<logged::ProtocolClDeregisterSapComplete>(), 1u);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClDeregisterSapComplete>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClDeregisterSapComplete>()->client_sap_context,
            cl.saps()[sap].get());

  EXPECT_EQ(s.As(t.client_id, [&] { return cl.CloseAf(0); }), NDIS_STATUS_PENDING);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(t.cm->log().Last<logged::ProtocolCmCloseAf>()->call_mgr_af_context,
            t.cm->afs()[0].get());
  s.Settle();
  ASSERT_EQ(cl.log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClCloseAfComplete>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClCloseAfComplete>()->client_af_context,
            cl.afs()[0].get());
  EXPECT_EQ(cl.afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);
}

// S5 (AF-061..067, AF-122): CM unbinds with the AF open; the client pends.
TEST(Sequences, S5CmUnbindNotifyClosePended) {
  Client::Config clc;
  clc.notify_close = OpPolicy::Pending();
  clc.saps_after_open = {SapSpec{1, {7}}};
  clc.vcs_after_open = 1;
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith({}, clc));
  s.Settle();
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(s.model().UnbindProtocol(t.cm_id, t.adapter));
  s.Settle();
  const auto& cm = t.cm->log();
  const auto& cl = t.client->log();
  ASSERT_EQ(cm.Count<logged::OwnNdisCmNotifyCloseAddressFamily>(), 1u);
  EXPECT_EQ(cm.Last<logged::OwnNdisCmNotifyCloseAddressFamily>()->status, NDIS_STATUS_PENDING);
  EXPECT_EQ(cl.Last<logged::ProtocolClNotifyCloseAfRet>()->status, NDIS_STATUS_PENDING);
  EXPECT_EQ(cl.Last<logged::ProtocolClNotifyCloseAf>()->client_af_context,
            t.client->afs()[0].get());
  EXPECT_EQ(cl.Count<logged::OwnNdisClDeregisterSap>(), 1u);
  EXPECT_EQ(cl.Count<logged::OwnNdisCoDeleteVc>(), 1u);
  EXPECT_EQ(cl.Last<logged::OwnNdisClNotifyCloseAddressFamilyComplete>()->status,
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(cm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(cm.Last<logged::ProtocolCmNotifyCloseAfComplete>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cm.Last<logged::ProtocolCmNotifyCloseAfComplete>()->call_mgr_af_context,
            t.cm->afs()[0].get());
  EXPECT_EQ(cm.Last<logged::ProtocolUnbindAdapterExRet>()->status, NDIS_STATUS_PENDING);
  EXPECT_EQ(cm.Last<logged::OwnNdisCloseAdapterEx>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->ports()[0]->state, CmPort::State::kDown);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);
}

TEST(Sequences, S5CmUnbindNotifyCloseSynchronous) {
  Stack s;
  CmTopology t = BuildCmTopology(s);
  s.Settle();
  ASSERT_TRUE(s.model().UnbindProtocol(t.cm_id, t.adapter));
  s.Settle();
  const auto& cm = t.cm->log();
  EXPECT_EQ(cm.Last<logged::OwnNdisCmNotifyCloseAddressFamily>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->log().Last<logged::ProtocolClNotifyCloseAfRet>()->status,
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);  // OQ-10
  EXPECT_EQ(cm.Last<logged::ProtocolUnbindAdapterExRet>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
}

// S6 (AF-062).
TEST(Sequences, S6McmHaltNotifyClosesOpenAf) {
  Stack s;
  McmTopology t = BuildMcmTopology(s);
  s.Settle();
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(s.model().HaltAdapter(t.adapter));
  s.Settle();
  const auto& mcm = t.mcm->log();
  ASSERT_EQ(mcm.Count<logged::OwnNdisMCmNotifyCloseAddressFamily>(), 1u);
  EXPECT_EQ(mcm.Last<logged::OwnNdisMCmNotifyCloseAddressFamily>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.mcm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_FALSE(t.mcm->halt_left_open());
}

// S6 with the client pending its notify-close: MiniportHaltEx waits
// (NdisWaitEvent) while the scheduler runs the client's deferred tear-down,
// and returns only once the AF is closed (AF-062, AF-065, AF-067).
TEST(Sequences, S6McmHaltWaitsForPendedNotifyClose) {
  McmTopologyParts parts;
  parts.client = [] {
    Client::Config clc;
    clc.notify_close = OpPolicy::Pending();
    return std::make_unique<Client>(clc);
  };
  Stack s;
  McmTopology t = BuildMcmTopology(s, parts);
  s.Settle();
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(s.model().HaltAdapter(t.adapter));
  const auto& mcm = t.mcm->log();
  ASSERT_EQ(mcm.Count<logged::OwnNdisMCmNotifyCloseAddressFamily>(), 1u);
  EXPECT_EQ(mcm.Last<logged::OwnNdisMCmNotifyCloseAddressFamily>()->status, NDIS_STATUS_PENDING);
  // Already closed when HaltAdapter returned: the halt waited for it.
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.mcm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(mcm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(mcm.Last<logged::ProtocolCmNotifyCloseAfComplete>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(t.mcm->halt_left_open());
  EXPECT_TRUE(s.model().rejections().empty());
}

// S7 (AF-120).
TEST(Sequences, S7ClientUnbindsFirstClosesEveryAf) {
  Client::Config clc;
  clc.saps_after_open = {SapSpec{1, {9}}};
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith({}, clc));
  s.Settle();
  ASSERT_TRUE(s.model().UnbindProtocol(t.client_id, t.adapter));
  s.Settle();
  const auto& cl = t.client->log();
  EXPECT_EQ(cl.Count<logged::OwnNdisClDeregisterSap>(), 1u);
  EXPECT_EQ(cl.Last<logged::OwnNdisClCloseAddressFamily>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.Last<logged::OwnNdisCloseAdapterEx>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
}

// S8 (AF-086, AF-093, AF-101).
TEST(Sequences, S8IncomingCallWhileSapRegistrationPending) {
  CallManager::Config cmc;
  cmc.register_sap = OpPolicy::Pending();
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith(cmc));
  s.Settle();
  Client& cl = *t.client;
  EXPECT_EQ(s.As(t.client_id, [&] { return cl.RegisterSap(0, {1, {4, 2}}); }), NDIS_STATUS_PENDING);
  int vc = s.As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  EXPECT_EQ(t.cm->log().Last<logged::OwnCreateVc>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 1u);
  ASSERT_EQ(cl.log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(cl.log().Last<logged::ProtocolCoCreateVc>()->protocol_af_context, cl.afs()[0].get());
  ASSERT_EQ(cl.log().Count<logged::ProtocolClIncomingCall>(), 1u);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClIncomingCall>()->client_sap_context,
            cl.saps()[0].get());
  EXPECT_EQ(cl.log().Last<logged::ProtocolClIncomingCall>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  s.Settle();
  ASSERT_EQ(cl.log().Count<logged::ProtocolClRegisterSapComplete>(), 1u);
  EXPECT_EQ(cl.log().Last<logged::ProtocolClRegisterSapComplete>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.saps()[0]->ndis_sap, t.cm->saps()[0]->ndis_sap);
  EXPECT_EQ(cl.log().Count<logged::ProtocolClCallConnected>(), 1u);
}

// AF-004: a second CM registering the same AF on the same adapter fails.
TEST(Rules, Af004SecondCmSameAfSameAdapterFails) {
  Stack s;
  TwoCmTopology t = BuildTwoCmTopology(s);
  s.Settle();
  EXPECT_EQ(t.cm1->log().Last<logged::OwnNdisCmRegisterAddressFamilyEx>()->status,
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm2->log().Last<logged::OwnNdisCmRegisterAddressFamilyEx>()->status,
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.client->afs().size(), 1u);
}

// AF-082 / OQ-16: a duplicate SAP gets NDIS_STATUS_INVALID_DATA.
TEST(Rules, Af082DuplicateSapFromSecondClientInvalidData) {
  Stack s;
  TwoClientTopology t = BuildTwoClientTopology(s);
  s.Settle();
  SapSpec sap{1, {5, 5}};
  EXPECT_EQ(s.As(t.client1_id, [&] { return t.client1->RegisterSap(0, sap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(s.As(t.client2_id, [&] { return t.client2->RegisterSap(0, sap); }),
            NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(t.cm->log().Last<logged::ProtocolCmRegisterSap>()->status, NDIS_STATUS_INVALID_DATA);
}

// AF-052: the NOT_ACCEPTED mode refuses a close with a SAP left.
TEST(Rules, Af052CloseWithSapNotAcceptedKeepsAfOpen) {
  CallManager::Config cmc;
  cmc.close_with_children = drivers::CloseWithChildren::kNotAccepted;
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith(cmc));
  s.Settle();
  EXPECT_EQ(s.As(t.client_id,
                 [&] {
                   return t.client->RegisterSap(0, {1, {1}});
                 }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(s.As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kOpen);
}

// AF-026: a client that refuses the AF does not open it.
TEST(Rules, Af026RefusingClientOpensNothing) {
  Client::Config clc;
  clc.accept = {CO_ADDRESS_FAMILY_TAPI};
  Stack s;
  CmTopology t = BuildCmTopology(s, PartsWith({}, clc));
  s.Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_TRUE(t.client->afs().empty());
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 0u);
}

}  // namespace
}  // namespace ndisconf::stack
