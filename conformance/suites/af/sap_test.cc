// Conformance: service access points (spec 5.6; state table 2.5 S1-S13;
// sequences S4 and S8).
#include <gtest/gtest.h>
#include <ndis.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "conformance/framework/fixture.h"
#include "conformance/framework/test_helpers.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;
using drivers::ClSapState;
using drivers::ClVcState;
using drivers::CmAfState;
using drivers::CmSapState;
using drivers::CmVcState;
using drivers::OpPolicy;
using drivers::SapSpec;

const SapSpec kSap{1, {0x10, 0x20, 0x30}};
const SapSpec kOtherSap{1, {0x44}};

class Sap : public ConformanceTest {
 protected:
  // The model recorded a rejection with exactly the typed outcome `want`.
  ::testing::AssertionResult Rejected(const ndis::Outcome& want) {
    return conformance::Rejected(model(), want);
  }

  // CM over a miniport with two clients, built from the implementation's
  // CM, first client and miniport.
  stack::TwoClientTopology TwoClients(const drivers::CallManagerConfig& cm = {}) {
    stack::Stack& s = NewStack();
    stack::CmTopologyParts parts;
    parts.cm = [&] { return MakeCm(cm); };
    parts.client = [&] { return MakeClient(); };
    parts.miniport = [&] { return MakeMiniport(); };
    return stack::BuildTwoClientTopology(s, parts);
  }
};

// ---- Registration (S1-S7). ----

TEST_P(Sap, RegisterSapReachesCmWithAfContextAndNdisSapHandle) {
  NDISCONF_RULES("AF-080", "AF-081");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::Client& cl = *t.client;
  size_t s1 = 0, s2 = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kSap, &s1); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kOtherSap, &s2); }),
            NDIS_STATUS_SUCCESS);
  const auto& cm = t.cm->log();
  ASSERT_EQ(cm.Count<logged::ProtocolCmRegisterSap>(), 2u);
  const std::vector<logged::ProtocolCmRegisterSap> registered =
      cm.All<logged::ProtocolCmRegisterSap>();
  ASSERT_FALSE(registered.empty());
  const logged::ProtocolCmRegisterSap& first = registered.front();
  // CallMgrAfContext, the NDIS-supplied handle and the SAP itself.
  EXPECT_EQ(first.call_mgr_af_context, t.cm->afs()[0].get());
  EXPECT_EQ(first.sap_type, kSap.type);
  ASSERT_NE(cl.saps()[s1]->ndis_sap, nullptr);
  EXPECT_EQ(first.ndis_sap_handle, cl.saps()[s1]->ndis_sap);
  EXPECT_EQ(t.cm->saps()[0]->ndis_sap, cl.saps()[s1]->ndis_sap);
  EXPECT_TRUE(t.cm->saps()[0]->sap.SameAs(cl.saps()[s1]->sap));
  // Unique: the second SAP got another handle, and neither is the AF's.
  EXPECT_NE(cl.saps()[s2]->ndis_sap, cl.saps()[s1]->ndis_sap);
  EXPECT_NE(cl.saps()[s1]->ndis_sap, cl.afs()[0]->ndis_af);
  EXPECT_EQ(Last<logged::ProtocolCmRegisterSap>(cm).ndis_sap_handle, cl.saps()[s2]->ndis_sap);
}

TEST_P(Sap, ClientWithoutSapsKeepsAfUsable) {
  NDISCONF_RULES("AF-080");
  // A client need not register any SAP: it can still create VCs and close.
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
  size_t vc = 0;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
}

TEST_P(Sap, SyncRegistrationGetsNoCompletionCallback) {
  NDISCONF_RULES("AF-087");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  EXPECT_EQ(t.client->saps()[0]->state, ClSapState::kRegistered);
}

TEST_P(Sap, SyncRegistrationFailureReturnsCmStatusWithoutCompletion) {
  NDISCONF_RULES("AF-087", "AF-085");
  drivers::CallManagerConfig cm;
  cm.register_sap = OpPolicy::Sync(NDIS_STATUS_RESOURCES);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_RESOURCES);
  stack().Settle();
  const auto* own = t.client->log().Last<logged::OwnNdisClRegisterSap>();
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->ndis_sap_handle, nullptr);  // no handle for a failed registration
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  // The handle the CM saw is gone: NDIS released its SAP state.
  const NDIS_HANDLE stale = Last<logged::ProtocolCmRegisterSap>(t.cm->log()).ndis_sap_handle;
  ASSERT_NE(stale, nullptr);
  stack().As(t.cm_id, [&] { NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, stale, nullptr); });
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCmRegisterSapComplete, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kStaleHandle, std::nullopt, "NdisSapHandle")));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  ExpectViolation("AF-085");
}

TEST_P(Sap, PendedRegistrationCompletesToClientWithHandle) {
  NDISCONF_RULES("AF-083", "AF-084", "AF-087");
  drivers::CallManagerConfig cm;
  cm.register_sap = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  size_t sap = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap, &sap); }),
            NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  stack().Settle();
  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count<logged::ProtocolClRegisterSapComplete>(), 1u);
  const auto* done = cl.Last<logged::ProtocolClRegisterSapComplete>();
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->client_sap_context, t.client->saps()[sap].get());  // ProtocolSapContext
  EXPECT_EQ(done->ndis_sap_handle, t.cm->saps()[0]->ndis_sap);       // the handle the CM got
  EXPECT_NE(done->ndis_sap_handle, nullptr);
  EXPECT_EQ(t.cm->saps()[0]->state, CmSapState::kRegistered);
  EXPECT_EQ(t.client->saps()[sap]->state, ClSapState::kRegistered);
}

TEST_P(Sap, PendedRegistrationFailureCompletesWithNullHandleAndReleasesIt) {
  NDISCONF_RULES("AF-084", "AF-085");
  drivers::CallManagerConfig cm;
  cm.register_sap = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_PENDING);
  const NDIS_HANDLE handle = Last<logged::ProtocolCmRegisterSap>(t.cm->log()).ndis_sap_handle;
  stack().Settle();
  const auto* done = t.client->log().Last<logged::ProtocolClRegisterSapComplete>();
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(done->ndis_sap_handle, nullptr);  // NULL unless SUCCESS
  EXPECT_EQ(t.client->saps()[0]->state, ClSapState::kFailed);
  // AF-085: once the CM completed with a failure the handle is dead; a CM
  // that dispatches a call on it is refused and flagged.
  drivers::CmCore& cmd = *t.cm;
  const NDIS_STATUS st =
      stack().As(t.cm_id, [&] { return NdisCmDispatchIncomingCall(handle, nullptr, nullptr); });
  EXPECT_EQ(st, NDIS_STATUS_FAILURE);
  EXPECT_EQ(cmd.saps()[0]->state, CmSapState::kFailed);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClIncomingCall>(), 0u);
  ExpectViolation("AF-085");
}

TEST_P(Sap, DuplicateSapFromSecondClientGetsInvalidData) {
  NDISCONF_RULES("AF-082");
  stack::TwoClientTopology t = TwoClients();
  stack().Settle();
  ASSERT_EQ(t.client1->afs().size(), 1u);
  ASSERT_EQ(t.client2->afs().size(), 1u);
  EXPECT_EQ(stack().As(t.client1_id, [&] { return t.client1->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client2_id, [&] { return t.client2->RegisterSap(0, kSap); }),
            NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(Last<logged::ProtocolCmRegisterSap>(t.cm->log()).status, NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(t.client2->saps()[0]->state, ClSapState::kFailed);
  // A different SAP from the second client is fine.
  EXPECT_EQ(stack().As(t.client2_id, [&] { return t.client2->RegisterSap(0, kOtherSap); }),
            NDIS_STATUS_SUCCESS);
}

TEST_P(Sap, UnrecognisedSapTypeGetsInvalidData) {
  NDISCONF_RULES("AF-082");
  drivers::CallManagerConfig cm;
  cm.sap_types = {1};
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {7, {1}});
                       }),
            NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(Last<logged::ProtocolCmRegisterSap>(t.cm->log()).status, NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
}

TEST_P(Sap, IncomingCallWhileSapRegistrationPendingIsDelivered) {
  NDISCONF_RULES("AF-086", "AF-093");
  drivers::CallManagerConfig cm;
  cm.register_sap = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kSap); }), NDIS_STATUS_PENDING);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  // AF-093: the CM created the VC (reaching the client's ProtocolCoCreateVc
  // with its per-AF context) before dispatching the call on the SAP.
  EXPECT_EQ(Last<logged::OwnCreateVc>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(cl.log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(cl.log()).protocol_af_context, cl.afs()[0].get());
  const auto names = cl.log().Names();
  const auto create = std::find(names.begin(), names.end(), "ProtocolCoCreateVc");
  const auto incoming = std::find(names.begin(), names.end(), "ProtocolClIncomingCall");
  ASSERT_NE(incoming, names.end());
  EXPECT_LT(create, incoming);
  // AF-086: the call arrived before the registration completed.
  EXPECT_EQ(Last<logged::ProtocolClIncomingCall>(cl.log()).client_sap_context, cl.saps()[0].get());
  EXPECT_EQ(cl.log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  EXPECT_EQ(Last<logged::OwnNdisCmDispatchIncomingCall>(t.cm->log()).ndis_sap_handle,
            t.cm->saps()[0]->ndis_sap);
  stack().Settle();
  ASSERT_EQ(cl.log().Count<logged::ProtocolClRegisterSapComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClRegisterSapComplete>(cl.log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.log().Count<logged::ProtocolClCallConnected>(), 1u);
  EXPECT_EQ(cl.log().Count<logged::OwnNdisCoCreateVc>(), 0u);
}

// ---- Deregistration (S8-S13). ----

TEST_P(Sap, DeregisterSapForwardsToCmAndReturnsItsSuccess) {
  NDISCONF_RULES("AF-088", "AF-090");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_SUCCESS);  // OQ-17: the CM's synchronous SUCCESS
  const auto* dereg = t.cm->log().Last<logged::ProtocolCmDeregisterSap>();
  ASSERT_NE(dereg, nullptr);
  EXPECT_EQ(dereg->call_mgr_sap_context, t.cm->saps()[0].get());
  EXPECT_EQ(dereg->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->saps()[0]->state, CmSapState::kDeregistered);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
}

TEST_P(Sap, PendedDeregisterCompletesToClientWithSuccess) {
  NDISCONF_RULES("AF-088", "AF-090", "AF-091");
  drivers::CallManagerConfig cm;
  cm.deregister_sap = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_PENDING);
  EXPECT_EQ(Last<logged::ProtocolCmDeregisterSap>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
  stack().Settle();
  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count<logged::ProtocolClDeregisterSapComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClDeregisterSapComplete>(cl).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Last<logged::ProtocolClDeregisterSapComplete>(cl).client_sap_context,
            t.client->saps()[0].get());
  EXPECT_EQ(t.cm->saps()[0]->state, CmSapState::kDeregistered);
  EXPECT_EQ(t.client->saps()[0]->state, ClSapState::kDeregistered);
}

TEST_P(Sap, SecondDeregisterOfSapGetsFailure) {
  NDISCONF_RULES("AF-088");
  drivers::CallManagerConfig cm;
  cm.deregister_sap = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE sh = t.client->saps()[0]->ndis_sap;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_PENDING);
  // A redundant call while the deregistration is pending (issued directly:
  // the reference client refuses to make it).
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClDeregisterSap(sh); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisClDeregisterSap, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kClosing, spec::RuleId::kAF088)));
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClDeregisterSapComplete>(t.client->log()).status,
            NDIS_STATUS_SUCCESS);
}

TEST_P(Sap, DeregisteredSapHandleIsInvalid) {
  NDISCONF_RULES("AF-089", "AF-091");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE sh = t.client->saps()[0]->ndis_sap;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_SUCCESS);
  // Using the handle again is the client's error: NDIS refuses it without
  // reaching the CM, and the monitor flags it.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClDeregisterSap(sh); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisClDeregisterSap, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kStaleHandle, std::nullopt, "NdisSapHandle")));
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
  ExpectViolation("AF-089");
}

TEST_P(Sap, DeregisterAfterAfClosedGetsFailureCompletion) {
  NDISCONF_RULES("AF-091");
  // S13: the client closes the AF with a SAP still registered; the CM pends
  // the close until the SAP is gone, NDIS releases the SAP at the CM, and
  // the close completes. A later NdisClDeregisterSap learns the SAP was
  // already released.
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE sh = t.client->saps()[0]->ndis_sap;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_PENDING);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);
  EXPECT_EQ(t.cm->saps()[0]->state, CmSapState::kDeregistered);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);

  const NDIS_STATUS st = stack().As(t.client_id, [&] { return NdisClDeregisterSap(sh); });
  EXPECT_EQ(st, NDIS_STATUS_PENDING);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClDeregisterSapComplete>(t.client->log()).status,
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(Last<logged::ProtocolClDeregisterSapComplete>(t.client->log()).client_sap_context,
            t.client->saps()[0].get());
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);  // not forwarded again
  // Closing with a SAP left is the client's own error (AF-050), provoked here.
  ExpectViolation("AF-050");
}

TEST_P(Sap, DeregisterWhileNdisReleaseOfSapIsPendingGetsFailure) {
  NDISCONF_RULES("AF-088", "AF-090", "AF-091");
  // S13 with the CM pending the SAP release NDIS asked for: the client's
  // deregistration is redundant (FAILURE), the CM's completion owes the
  // client nothing, and the pended close then completes.
  drivers::CallManagerConfig cm;
  cm.deregister_sap = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE sh = t.client->saps()[0]->ndis_sap;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_PENDING);
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmDeregisterSap>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(Last<logged::ProtocolCmDeregisterSap>(t.cm->log()).call_mgr_sap_context,
            t.cm->saps()[0].get());
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClDeregisterSap(sh); }), NDIS_STATUS_FAILURE);
  stack().Settle();
  EXPECT_EQ(t.cm->saps()[0]->state, CmSapState::kDeregistered);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 1u);
  ExpectViolation("AF-050");
}

TEST_P(Sap, DeregisterLeavesIncomingCallAndVcIntact) {
  NDISCONF_RULES("AF-092");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kSap); }), NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  stack().Settle();
  ASSERT_EQ(cl.vcs().size(), 1u);
  ASSERT_EQ(cl.vcs()[0]->state, ClVcState::kActive);
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.DeregisterSap(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(cl.vcs()[0]->state, ClVcState::kActive);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kActive);
  EXPECT_EQ(cl.log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(cl.log().Count<logged::ProtocolClIncomingCloseCall>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
  // The call is still usable: the client can close it normally.
  EXPECT_EQ(stack().As(t.client_id, [&] { return cl.CloseCall(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
}

// The client's own close of an AF (AF-050 steps) after an incoming call on
// a SAP it has since deregistered: the call is closed, the CM deletes its
// VC, and only then the AF is closed.
TEST_P(Sap, ClientClosesAfWithIncomingCallAfterDeregisteringItsSap) {
  NDISCONF_RULES("AF-050", "AF-092", "AF-105");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kSap); }), NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  stack().Settle();
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.DeregisterSap(0); }), NDIS_STATUS_SUCCESS);
  stack().As(t.client_id, [&] { cl.TearDownAf(0); });
  stack().Settle();
  EXPECT_EQ(cl.afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
  const std::vector<std::string> names = cl.log().Names();
  const auto deleted = std::find(names.begin(), names.end(), "ProtocolCoDeleteVc");
  const auto closed = std::find(names.begin(), names.end(), "own:NdisClCloseAddressFamily");
  ASSERT_NE(deleted, names.end());
  ASSERT_NE(closed, names.end());
  EXPECT_LT(deleted, closed);
}

// The client deregisters its SAP while the call manager is still
// activating the VC of an incoming call on it: the CM does not dispatch the
// call on the dead SAP handle (AF-090), it deactivates and deletes its VC
// (AF-105, AF-106). Found by the af_lifecycle fuzzer: the reference CM
// dispatched it.
TEST_P(Sap, IncomingCallOnSapDeregisteredDuringActivationIsDropped) {
  NDISCONF_RULES("AF-090", "AF-105", "AF-106");
  drivers::CompConfig mp;
  mp.activate_vc = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, {}, {}, mp);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.RegisterSap(0, kSap); }), NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  ASSERT_EQ(t.cm->vcs()[vc]->state, CmVcState::kActivating);
  ASSERT_EQ(stack().As(t.client_id, [&] { return cl.DeregisterSap(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(cl.log().Count<logged::ProtocolClIncomingCall>(), 0u);
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCmDispatchIncomingCall>(), 0u);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeactivateVc>(), 1u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
}

// ---- Bad input: the status NDIS gives, and no call reaches the CM. ----

TEST_P(Sap, RegisterSapWithNullSapOrNullHandleGetsInvalidParameter) {
  NDISCONF_RULES("AF-081");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  NDIS_HANDLE out = reinterpret_cast<NDIS_HANDLE>(0x1);
  drivers::SapBuffer buf(kSap.type, kSap.bytes);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClRegisterSap(af, nullptr, nullptr, &out); }),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(
      stack().As(t.client_id, [&] { return NdisClRegisterSap(af, nullptr, buf.get(), nullptr); }),
      NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisClRegisterSap, NDIS_STATUS_INVALID_PARAMETER,
                                     ndis::Reason::kNullArgument, std::nullopt, "Sap")));
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisClRegisterSap, NDIS_STATUS_INVALID_PARAMETER,
                                     ndis::Reason::kNullArgument, std::nullopt, "NdisSapHandle")));
}

TEST_P(Sap, RegisterSapOnUnknownOrWrongKindAfHandleGetsFailure) {
  NDISCONF_RULES("AF-081");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  drivers::SapBuffer buf(kSap.type, kSap.bytes);
  NDIS_HANDLE out = nullptr;
  const NDIS_HANDLE bogus = reinterpret_cast<NDIS_HANDLE>(0xdead0000);
  EXPECT_EQ(
      stack().As(t.client_id, [&] { return NdisClRegisterSap(bogus, nullptr, buf.get(), &out); }),
      NDIS_STATUS_FAILURE);
  EXPECT_EQ(out, nullptr);
  // A binding handle is not an AF handle.
  const NDIS_HANDLE binding = t.client->bindings()[0]->ndis_binding;
  EXPECT_EQ(
      stack().As(t.client_id, [&] { return NdisClRegisterSap(binding, nullptr, buf.get(), &out); }),
      NDIS_STATUS_FAILURE);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
  ExpectViolation("AF-056");
}

TEST_P(Sap, RegisterSapOnClosedAfGetsFailure) {
  NDISCONF_RULES("AF-081");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  drivers::SapBuffer buf(kSap.type, kSap.bytes);
  NDIS_HANDLE out = nullptr;
  EXPECT_EQ(
      stack().As(t.client_id, [&] { return NdisClRegisterSap(af, nullptr, buf.get(), &out); }),
      NDIS_STATUS_FAILURE);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
  ExpectViolation("AF-056");
}

TEST_P(Sap, DeregisterWithUnknownOrWrongKindHandleGetsFailure) {
  NDISCONF_RULES("AF-088", "AF-089");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClDeregisterSap(nullptr); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(
      stack().As(t.client_id,
                 [&] { return NdisClDeregisterSap(reinterpret_cast<NDIS_HANDLE>(0xbeef0000)); }),
      NDIS_STATUS_FAILURE);
  // An AF handle is not a SAP handle.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClDeregisterSap(af); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmDeregisterSap>(), 0u);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ExpectViolation("AF-089");
}

TEST_P(Sap, CmSapCompletionsWithBadHandlesAreIgnored) {
  NDISCONF_RULES("AF-083", "AF-090");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE sh = t.client->saps()[0]->ndis_sap;
  // Completions for work that never pended, or on handles that are not SAPs.
  stack().As(t.cm_id, [&] {
    NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, sh, nullptr);
    NdisCmDeregisterSapComplete(NDIS_STATUS_SUCCESS, sh);
    NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, reinterpret_cast<NDIS_HANDLE>(0x77), nullptr);
    NdisCmDeregisterSapComplete(NDIS_STATUS_SUCCESS, nullptr);
  });
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClRegisterSapComplete>(), 0u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClDeregisterSapComplete>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCmRegisterSapComplete, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kNotPending, spec::RuleId::kAF083)));
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCmDeregisterSapComplete, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kNotPending, spec::RuleId::kAF090)));
  // The SAP is still registered and deregisters normally.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_SUCCESS);
  ExpectViolation("AF-083");
  ExpectViolation("AF-090");
}

NDISCONF_INSTANTIATE(Sap);

}  // namespace
}  // namespace ndisconf::conformance
