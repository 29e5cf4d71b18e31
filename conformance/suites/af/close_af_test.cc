// Conformance: the client closing an address family (spec 5.4; state table
// 2.4 rows C1-C6; sequence S4; open questions OQ-05, OQ-06, OQ-07, OQ-10).
//
// (R) rules drive the stack and assert what NDIS does; (D) rules check the
// implementation's driver (monitor clean) and a driver broken on purpose,
// defined below, that the monitor must report under that rule.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/several_afs.h"
#include "conformance/framework/test_helpers.h"

namespace ndisconf::conformance {
namespace {

using drivers::CallManager;
using drivers::ClAf;
using drivers::ClAfState;
using drivers::Client;
using drivers::CmAf;
using drivers::CmAfState;
using drivers::OpPolicy;
using drivers::SapSpec;

// Broken on purpose: completes a pended close with NDIS_STATUS_FAILURE.
class CmCompletesCloseWithFailure : public CallManager {
 public:
  using CallManager::CallManager;

 protected:
  void EdgeCloseAfComplete(CmAf& af) override {
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_FAILURE, af.ndis_af);
  }
};

// Broken on purpose: pends the close and never completes it.
class CmNeverCompletesClose : public CallManager {
 public:
  using CallManager::CallManager;

 protected:
  void EdgeCloseAfComplete(CmAf&) override {}
};

// Broken on purpose: keeps using the NdisAfHandle after completing the close.
class CmUsesHandleAfterClose : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS stale_status = NDIS_STATUS_SUCCESS;

 protected:
  void EdgeCloseAfComplete(CmAf& af) override {
    NDIS_HANDLE h = af.ndis_af;
    CallManager::EdgeCloseAfComplete(af);
    stale_status = NdisCmNotifyCloseAddressFamily(h);
  }
};

// A client that, inside ProtocolClNotifyCloseAf and after its own handling
// (which closes the AF), lets a test hook run other work, as if the CM's
// completion ran on another processor while the client is still inside.
class ClientRunsHookInNotify : public Client {
 public:
  using Client::Client;
  std::function<void()> in_notify;
  NDIS_STATUS OnNotifyCloseAf(ClAf& af) override {
    const NDIS_STATUS s = Client::OnNotifyCloseAf(af);
    if (in_notify) in_notify();
    return s;
  }
};

class CloseAf : public ConformanceTest {
 protected:
  stack::CmTopology Build(stack::Factory<CallManager> cm, stack::Factory<Client> client,
                          const ndis::Settings& settings = {}) {
    stack::Stack& s = NewStack(settings);
    stack::CmTopologyParts parts;
    parts.cm = cm ? cm : [this] { return MakeCm(); };
    parts.client = client ? client : [this] { return MakeClient(); };
    parts.miniport = [this] { return MakeMiniport(); };
    return stack::BuildCmTopology(s, parts);
  }
  NDIS_STATUS ClientCloses(const stack::CmTopology& t, size_t af = 0) {
    return stack().As(t.client_id, [&] { return t.client->CloseAf(af); });
  }
};

// ---- C1/C2: synchronous close. ----

TEST_P(CloseAf, SyncCloseReachesCmWithItsContextAndGetsNoCompletion) {
  NDISCONF_RULES("AF-051", "AF-060");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmCloseAf>(t.cm->log()).call_mgr_af_context,
            t.cm->afs().at(0).get());  // CallMgrAfContext
  EXPECT_EQ(Last<logged::ProtocolCmCloseAfRet>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
}

TEST_P(CloseAf, McmSyncCloseReachesMcmAndGetsNoCompletion) {
  NDISCONF_RULES("AF-051", "AF-060");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(t.mcm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmCloseAf>(t.mcm->log()).call_mgr_af_context,
            t.mcm->afs().at(0).get());
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
}

// ---- C3/C5: pended close. ----

TEST_P(CloseAf, PendedCloseCompletesToClientWithSuccess) {
  NDISCONF_RULES("AF-052", "AF-053", "AF-054", "AF-055");
  drivers::CallManagerConfig cm;
  cm.close_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  const auto* done = t.client->log().Last<logged::ProtocolClCloseAfComplete>();
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->client_af_context, t.client->afs().at(0).get());
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
  EXPECT_EQ(FindRejection(model(), Fn::NdisCmCloseAddressFamilyComplete), nullptr);
  // The monitor checks the CM completed once with SUCCESS and did not use
  // the handle afterwards.
}

TEST_P(CloseAf, PendedCloseNeverCompletedIsReported) {
  NDISCONF_RULES("AF-053");
  ExpectViolation("AF-053");
  drivers::CallManagerConfig config;
  config.close_af = OpPolicy::Pending();
  stack::CmTopology t =
      Build([&] { return std::make_unique<CmNeverCompletesClose>(config); }, nullptr);
  stack().Settle();
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
}

TEST_P(CloseAf, CloseCompletedWithFailureIsPassedOnAndReported) {
  NDISCONF_RULES("AF-053", "AF-054");
  ExpectViolation("AF-053");
  drivers::CallManagerConfig config;
  config.close_af = OpPolicy::Pending();
  stack::CmTopology t =
      Build([&] { return std::make_unique<CmCompletesCloseWithFailure>(config); }, nullptr);
  stack().Settle();
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);  // OQ-07: still open
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kBadResultStatus, spec::RuleId::kAF053)));
}

TEST_P(CloseAf, CmUsingHandleAfterCloseCompleteIsRefusedAndReported) {
  NDISCONF_RULES("AF-055");
  ExpectViolation("AF-055");
  drivers::CallManagerConfig config;
  config.close_af = OpPolicy::Pending();
  CmUsesHandleAfterClose* cm = nullptr;
  stack::CmTopology t = Build(
      [&] {
        auto c = std::make_unique<CmUsesHandleAfterClose>(config);
        cm = c.get();
        return c;
      },
      nullptr);
  stack().Settle();
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cm->stale_status, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
}

TEST_P(CloseAf, CloseCompleteForAfNotClosingIsRefusedAndReported) {
  NDISCONF_RULES("AF-053");
  ExpectViolation("AF-053");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const NDIS_HANDLE h = t.cm->afs().at(0)->ndis_af;
  stack().As(t.cm_id, [&] { NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, h); });
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kNotPending, spec::RuleId::kAF053)));
  stack().As(t.cm_id, [&] { NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, nullptr); });
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kNullArgument, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);  // the AF was left open
}

// ---- AF-050 / AF-052 / AF-057 and OQ-06: close with SAPs. ----

TEST_P(CloseAf, ImplementationClientTearsDownBeforeClosing) {
  NDISCONF_RULES("AF-050");
  drivers::ClientConfig cl;
  cl.saps_after_open = {SapSpec{1, {2}}};
  cl.vcs_after_open = 1;
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  stack().As(t.client_id, [&] { t.client->TearDownAf(0); });
  stack().Settle();
  const std::vector<std::string> names = t.client->log().Names();
  size_t dereg = names.size(), del = names.size(), close = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "own:NdisClDeregisterSap") dereg = i;
    if (names[i] == "own:NdisCoDeleteVc") del = i;
    if (names[i] == "own:NdisClCloseAddressFamily") close = i;
  }
  ASSERT_LT(close, names.size());
  EXPECT_LT(dereg, close);
  EXPECT_LT(del, close);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
}

TEST_P(CloseAf, CloseWithSapPendsUntilSapDeregisteredThenSucceeds) {
  NDISCONF_RULES("AF-050", "AF-052", "AF-054");
  ExpectViolation("AF-050");  // closing with a SAP left, on purpose
  stack::CmTopology t = Build([] { return std::make_unique<CallManager>(); }, nullptr);
  stack().Settle();
  size_t sap = 0;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {4}}, &sap);
                       }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);  // the preferred CM behaviour
  EXPECT_EQ(Last<logged::ProtocolCmCloseAfRet>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
  stack().Settle();
  // Completed once the SAP is gone (the model releases it with the AF).
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
  (void)sap;
}

TEST_P(CloseAf, CloseWithSapNotAcceptedKeepsAfOpenAndRetrySucceeds) {
  NDISCONF_RULES("AF-052", "AF-056");
  ExpectViolation("AF-050");  // closing with a SAP left, on purpose
  drivers::CallManagerConfig config;
  config.close_with_children = drivers::CloseWithChildren::kNotAccepted;
  stack::CmTopology t = Build([&] { return std::make_unique<CallManager>(config); }, nullptr);
  stack().Settle();
  size_t sap = 0;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {4}}, &sap);
                       }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  // OQ-07 default: the AF stays open; the same handle still works.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(sap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 2u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
}

TEST_P(CloseAf, RetryAfterRefusedCloseFailsWhenRetryIsNotAccepted) {
  NDISCONF_RULES("AF-056");
  ExpectViolation("AF-050");
  ExpectViolation("AF-056");
  drivers::CallManagerConfig config;
  config.close_with_children = drivers::CloseWithChildren::kNotAccepted;
  ndis::Settings settings;
  settings.accept_close_retry = false;  // OQ-07 strict
  stack::CmTopology t =
      Build([&] { return std::make_unique<CallManager>(config); }, nullptr, settings);
  stack().Settle();
  size_t sap = 0;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {4}}, &sap);
                       }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(sap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                              ndis::Reason::kStaleHandle)));
}

TEST_P(CloseAf, CloseWithSapUnderNdisChecksFailsWithoutReachingCm) {
  NDISCONF_RULES("AF-057");
  ExpectViolation("AF-050");
  ndis::Settings settings;
  settings.close_with_children = ndis::Settings::CloseWithChildren::kNdisChecks;
  stack::CmTopology t = Build(nullptr, nullptr, settings);
  stack().Settle();
  size_t sap = 0;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {4}}, &sap);
                       }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(),
            0u);  // returned synchronously
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                              ndis::Reason::kHasChildren, spec::RuleId::kAF057)));
  // Once the SAP is gone the close goes through.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(sap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
}

TEST_P(CloseAf, CloseWithVcUnderNdisChecksFails) {
  NDISCONF_RULES("AF-057");
  ExpectViolation("AF-050");
  ndis::Settings settings;
  settings.close_with_children = ndis::Settings::CloseWithChildren::kNdisChecks;
  stack::CmTopology t = Build(nullptr, nullptr, settings);
  stack().Settle();
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                              ndis::Reason::kHasChildren, spec::RuleId::kAF057)));
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
}

// ---- C6 / AF-057: a second close. ----

TEST_P(CloseAf, DoubleCloseGetsFailure) {
  NDISCONF_RULES("AF-057");
  drivers::CallManagerConfig cm;
  cm.close_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_PENDING);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(h); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                              ndis::Reason::kClosing, spec::RuleId::kAF057)));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  stack().Settle();
  // The first close still completes, once, with SUCCESS.
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).status, NDIS_STATUS_SUCCESS);
}

TEST_P(CloseAf, CloseOfClosedAfGetsFailureAndIsReported) {
  NDISCONF_RULES("AF-057");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(h); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 0u);
}

// ---- AF-056: the client's handle is dead once it closed. ----

TEST_P(CloseAf, ImplementationClientStopsUsingHandleAfterClose) {
  NDISCONF_RULES("AF-056");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  // Its own upper edge refuses without calling NDIS.
  EXPECT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {1}});
                       }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisClRegisterSap>(), 0u);
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCoCreateVc>(), 0u);
}

TEST_P(CloseAf, SapRegistrationOnClosedAfFailsAndIsReported) {
  NDISCONF_RULES("AF-056");
  ExpectViolation("AF-056");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(ClientCloses(t), NDIS_STATUS_SUCCESS);
  drivers::SapBuffer sap(1, {6});
  NDIS_HANDLE sh = nullptr;
  int ctx = 0;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClRegisterSap(h, &ctx, sap.get(), &sh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(sh, nullptr);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
}

TEST_P(CloseAf, NullOrWrongKindHandleToCloseGetsFailure) {
  NDISCONF_RULES("AF-056");
  ExpectViolation("AF-056");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(nullptr); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kNullArgument, std::nullopt, "NdisAfHandle")));
  const NDIS_HANDLE binding = t.client->bindings().at(0)->ndis_binding;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(binding); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(
      model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                             ndis::Reason::kWrongHandleKind, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
}

// ---- NDIS side of "do not block waiting for the close" (OQ-10). ----

TEST_P(CloseAf, CloseCompletedWhileClientInNotifyIsDeliveredAfterItReturns) {
  NDISCONF_RULES("AF-059");
  drivers::CallManagerConfig config;
  config.close_af = OpPolicy::Pending();
  ClientRunsHookInNotify* client = nullptr;
  stack::CmTopology t = Build([&] { return std::make_unique<CallManager>(config); },
                              [&] {
                                auto c = std::make_unique<ClientRunsHookInNotify>();
                                client = c.get();
                                return c;
                              });
  stack().Settle();
  size_t inside = 99;
  client->in_notify = [&] {
    // The CM's close completion runs while the client is still inside.
    while (t.cm->afs().at(0)->state != CmAfState::kClosed && model().RunOne()) {
    }
    inside = client->log().Count<logged::ProtocolClCloseAfComplete>();
  };
  const NDIS_HANDLE h = t.cm->afs().at(0)->ndis_af;
  stack().As(t.cm_id, [&] { return NdisCmNotifyCloseAddressFamily(h); });
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
  EXPECT_EQ(inside, 0u);  // held while ProtocolClNotifyCloseAf ran
  ASSERT_EQ(client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(client->log()).status, NDIS_STATUS_SUCCESS);
  // ...and delivered right after it returned.
  const std::vector<std::string> names = client->log().Names();
  size_t ret = names.size(), done = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "ProtocolClNotifyCloseAf:ret") ret = i;
    if (names[i] == "ProtocolClCloseAfComplete") done = i;
  }
  EXPECT_LT(ret, done);
  stack().Settle();
  EXPECT_EQ(client->afs().at(0)->state, ClAfState::kClosed);
}

// ---- Several AFs closing at once (C1-C5 for each AF on its own). ----

// One call manager registering Q2931 and TAPI, pending every close (C3).
drivers::CallManagerConfig TwoAfsPendedCloses() {
  drivers::CallManagerConfig c;
  c.afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  c.close_af = OpPolicy::Pending();
  return c;
}

TEST_P(CloseAf, TwoPendedClosesCompleteEachToItsOwnAfOldestFirst) {
  NDISCONF_RULES("AF-051", "AF-052", "AF-054");
  OrderChooser chooser;
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(TwoAfsPendedCloses()); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  EXPECT_EQ(ClientCloses(t, 0), NDIS_STATUS_PENDING);
  EXPECT_EQ(ClientCloses(t, 1), NDIS_STATUS_PENDING);
  stack().Settle();
  // Each close reached the CM with that AF's CallMgrAfContext (AF-051) and
  // each completion came back with that AF's ClientAfContext (AF-054).
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{"CmCloseAf(Q2931)=PENDING", "CmCloseAf(TAPI)=PENDING"}));
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"CloseAf(Q2931)=PENDING", "CloseAf(TAPI)=PENDING",
                                      "CloseAfComplete(Q2931,SUCCESS)",
                                      "CloseAfComplete(TAPI,SUCCESS)"}));
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(1)->state, CmAfState::kClosed);
}

TEST_P(CloseAf, TwoPendedClosesCompleteEachToItsOwnAfNewestFirst) {
  NDISCONF_RULES("AF-051", "AF-052", "AF-054");
  OrderChooser chooser;
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(TwoAfsPendedCloses()); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  chooser.newest_first = true;  // the CM completes the TAPI close first
  EXPECT_EQ(ClientCloses(t, 0), NDIS_STATUS_PENDING);
  EXPECT_EQ(ClientCloses(t, 1), NDIS_STATUS_PENDING);
  stack().Settle();
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"CloseAf(Q2931)=PENDING", "CloseAf(TAPI)=PENDING",
                                      "CloseAfComplete(TAPI,SUCCESS)",
                                      "CloseAfComplete(Q2931,SUCCESS)"}));
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
}

TEST_P(CloseAf, CloseReachesOnlyTheCmTheAfWasOpenedWith) {
  NDISCONF_RULES("AF-051", "AF-056");
  NewStack();
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Sync())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Sync())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(1); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  // The TAPI close went to the TAPI call manager, with its context...
  ASSERT_EQ(t.cm2->log().Count<logged::ProtocolCmCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmCloseAf>(t.cm2->log()).call_mgr_af_context,
            t.cm2->afs().at(0).get());
  EXPECT_EQ(t.cm2->afs().at(0)->state, CmAfState::kClosed);
  // ...and none to the other, whose AF stays open and usable: only the
  // closed AF's handle became invalid (AF-056).
  EXPECT_EQ(t.cm1->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  const SapSpec sap{1, {0x61, 0x62}};
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, sap); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Last<logged::ProtocolCmRegisterSap>(t.cm1->log()).call_mgr_af_context,
            t.cm1->afs().at(0).get());
  EXPECT_EQ(t.cm2->log().Count<logged::ProtocolCmRegisterSap>(), 0u);
}

// ---- Several SAPs and calls on the AF, each step pended (AF-050 "closes
// all calls", "deregisters all its SAPs", before NdisClCloseAddressFamily). ----

TEST_P(CloseAf, TearDownWithTwoCallsAndTwoSapsPendedClosesAfAfterAllAreGone) {
  NDISCONF_RULES("AF-050");
  drivers::CallManagerConfig cm;
  cm.close_call = OpPolicy::Pending();
  cm.deregister_sap = OpPolicy::Pending();
  drivers::ClientConfig cl;
  cl.saps_after_open = {SapSpec{1, {0x61}}, SapSpec{1, {0x62}}};
  cl.vcs_after_open = 2;
  cl.make_calls_after_open = true;
  stack::CmTopology t = CmTopology(cm, cl);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931}));
  ASSERT_EQ(t.client->saps().size(), 2u);
  ASSERT_EQ(t.client->vcs().size(), 2u);
  ASSERT_EQ(t.client->vcs()[0]->state, drivers::ClVcState::kActive);
  ASSERT_EQ(t.client->vcs()[1]->state, drivers::ClVcState::kActive);
  t.client->mutable_log().Clear();  // keep only the tear-down
  stack().As(t.client_id, [&] { t.client->TearDownAf(0); });
  stack().Settle();
  // Both calls closed and both VCs deleted, then both SAPs deregistered,
  // and only then the close: which pends nothing, as nothing is left.
  EXPECT_EQ(
      ClientAfSequence(*t.client),
      (std::vector<std::string>{"CloseCall(Q2931)=PENDING", "CloseCall(Q2931)=PENDING",
                                "CloseCallComplete(Q2931,SUCCESS)", "DeleteVc(Q2931)=SUCCESS",
                                "CloseCallComplete(Q2931,SUCCESS)", "DeleteVc(Q2931)=SUCCESS",
                                "DeregisterSap(Q2931)=PENDING", "DeregisterSap(Q2931)=PENDING",
                                "DeregisterSapComplete(Q2931,SUCCESS)",
                                "DeregisterSapComplete(Q2931,SUCCESS)", "CloseAf(Q2931)=SUCCESS"}));
  EXPECT_EQ(t.client->saps()[0]->state, drivers::ClSapState::kDeregistered);
  EXPECT_EQ(t.client->saps()[1]->state, drivers::ClSapState::kDeregistered);
  EXPECT_EQ(t.client->vcs()[0]->state, drivers::ClVcState::kDeleted);
  EXPECT_EQ(t.client->vcs()[1]->state, drivers::ClVcState::kDeleted);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
}

NDISCONF_INSTANTIATE(CloseAf);

}  // namespace
}  // namespace ndisconf::conformance
