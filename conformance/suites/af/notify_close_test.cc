// Conformance: the call manager asking the client to close (notify-close,
// spec 5.5; state table 2.4 rows N1-N7; sequences S5, S6; open questions
// OQ-08, OQ-09, OQ-10, OQ-11).
//
// (R) rules drive the stack and assert what NDIS does; (D) rules check the
// implementation's driver (monitor clean) and a driver broken on purpose,
// defined below, that the monitor must report under that rule.
#include <gtest/gtest.h>

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
using drivers::CmAfState;
using drivers::CmPort;
using drivers::CmVcState;
using drivers::Mcm;
using drivers::OpPolicy;

// Index of the first entry named `fn` in `names`, or names.size().
size_t IndexOf(const std::vector<std::string>& names, std::string_view fn) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == fn) return i;
  }
  return names.size();
}

// Broken on purpose: a CM that closes its binding on unbind without
// notify-closing the AFs opened on it.
class CmUnbindsWithoutNotifyClose : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE, CmPort& port) override {
    port.state = CmPort::State::kDown;
    return NdisCloseAdapterEx(port.ndis_handle);
  }
};

// Broken on purpose: an MCM whose MiniportHaltEx leaves its AFs open.
class McmHaltsWithoutNotifyClose : public Mcm {
 public:
  using Mcm::Mcm;
  void OnHalt(CmPort&, NDIS_HALT_ACTION) override {}
};

// Broken on purpose: pends the notify-close and never completes it.
class ClientNeverCompletesNotify : public Client {
 public:
  using Client::Client;
  NDIS_STATUS OnNotifyCloseAf(ClAf&) override { return NDIS_STATUS_PENDING; }
};

// Broken on purpose: says SUCCESS to a notify-close without closing the AF.
class ClientIgnoresNotify : public Client {
 public:
  using Client::Client;
  NDIS_STATUS OnNotifyCloseAf(ClAf&) override { return NDIS_STATUS_SUCCESS; }
};

// Closes the AF from ProtocolClNotifyCloseAf and returns SUCCESS at once,
// even though the CM pended the close (OQ-10).
class ClientClosesAndReturnsSuccess : public Client {
 public:
  using Client::Client;
  NDIS_STATUS close_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS OnNotifyCloseAf(ClAf& af) override {
    close_status = CloseAf(af.index);
    return NDIS_STATUS_SUCCESS;
  }
};

// A call manager whose handler table leaves CmNotifyCloseAfCompleteHandler
// NULL.
class CmWithoutNotifyCompleteHandler : public CallManager {
 public:
  using CallManager::CallManager;
  void FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) override {
    CallManager::FillCmHandlers(h);
    h->CmNotifyCloseAfCompleteHandler = nullptr;
  }
};

class NotifyCloseAf : public ConformanceTest {
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
  // The CM asks NDIS to notify-close AF `h` now (as from its unbind).
  NDIS_STATUS CmNotifies(const stack::CmTopology& t, NDIS_HANDLE h) {
    return stack().As(t.cm_id, [&] { return NdisCmNotifyCloseAddressFamily(h); });
  }
};

// ---- S5: a CM unbinding. ----

TEST_P(NotifyCloseAf, CmUnbindNotifyClosesAfSynchronouslyWithoutCmCompletion) {
  NDISCONF_RULES("AF-061", "AF-063", "AF-064", "AF-067", "AF-068");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ClAf* af = t.client->afs().at(0).get();
  ASSERT_EQ(af->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  const auto& cm = t.cm->log();
  const auto& cl = t.client->log();
  ASSERT_EQ(cm.Count<logged::OwnNdisCmNotifyCloseAddressFamily>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisCmNotifyCloseAddressFamily>(cm).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Last<logged::OwnNdisCmNotifyCloseAddressFamily>(cm).ndis_af_handle, af->ndis_af);
  // AF-061: from the unbind, before the binding is closed.
  const std::vector<std::string> names = cm.Names();
  EXPECT_LT(IndexOf(names, "ProtocolUnbindAdapterEx"),
            IndexOf(names, "own:NdisCmNotifyCloseAddressFamily"));
  EXPECT_LT(IndexOf(names, "own:NdisCmNotifyCloseAddressFamily"),
            IndexOf(names, "own:NdisCloseAdapterEx"));
  // AF-063: the client that holds the AF, with its ClientAfContext.
  ASSERT_EQ(cl.Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAf>(cl).client_af_context, af);
  // AF-064: it closed the AF before returning SUCCESS.
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAfRet>(cl).status, NDIS_STATUS_SUCCESS);
  EXPECT_LT(IndexOf(cl.Names(), "own:NdisClCloseAddressFamily"),
            IndexOf(cl.Names(), "ProtocolClNotifyCloseAf:ret"));
  EXPECT_EQ(af->state, ClAfState::kClosed);
  // AF-067 / OQ-10: no CM completion on the synchronous path.
  EXPECT_EQ(cm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, CmClosingBindingWithAfOpenIsReported) {
  NDISCONF_RULES("AF-061");
  ExpectViolation("AF-061");
  stack::CmTopology t =
      Build([] { return std::make_unique<CmUnbindsWithoutNotifyClose>(); }, nullptr);
  stack().Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
}

// ---- S6: an MCM halting. ----

TEST_P(NotifyCloseAf, McmHaltNotifyClosesEveryOpenAf) {
  NDISCONF_RULES("AF-062", "AF-063");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ClAf* af = t.client->afs().at(0).get();
  ASSERT_EQ(af->state, ClAfState::kOpen);
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  const auto& mcm = t.mcm->log();
  ASSERT_EQ(mcm.Count<logged::OwnNdisMCmNotifyCloseAddressFamily>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisMCmNotifyCloseAddressFamily>(mcm).status, NDIS_STATUS_SUCCESS);
  const std::vector<std::string> names = mcm.Names();
  EXPECT_LT(IndexOf(names, "MiniportHaltEx"),
            IndexOf(names, "own:NdisMCmNotifyCloseAddressFamily"));
  EXPECT_LT(IndexOf(names, "own:NdisMCmNotifyCloseAddressFamily"),
            IndexOf(names, "MiniportHaltEx:ret"));
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAf>(t.client->log()).client_af_context, af);
  EXPECT_EQ(af->state, ClAfState::kClosed);
  EXPECT_EQ(t.mcm->afs().at(0)->state, CmAfState::kClosed);
}

TEST_P(NotifyCloseAf, McmHaltingWithoutNotifyCloseIsReported) {
  NDISCONF_RULES("AF-062");
  ExpectViolation("AF-062");
  stack::Stack& s = NewStack();
  stack::McmTopologyParts parts;
  parts.mcm = [] { return std::make_unique<McmHaltsWithoutNotifyClose>(); };
  parts.client = [this] { return MakeClient(); };
  stack::McmTopology t = stack::BuildMcmTopology(s, parts);
  s.Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  s.Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
}

// ---- N4/N5: the client pends. ----

TEST_P(NotifyCloseAf, PendedNotifyCloseCompletesToCmWithClientStatusOnce) {
  NDISCONF_RULES("AF-063", "AF-065", "AF-066", "AF-067", "AF-068");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  cl.saps_after_open = {drivers::SapSpec{1, {7}}};
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  ClAf* af = t.client->afs().at(0).get();
  const NDIS_HANDLE h = af->ndis_af;
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  const auto& cm = t.cm->log();
  EXPECT_EQ(Last<logged::OwnNdisCmNotifyCloseAddressFamily>(cm).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAfRet>(t.client->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(cm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  stack().Settle();
  // AF-065/066: the client tore down, closed, then completed with the
  // (already closed) AF's handle; NDIS accepted it.
  const auto& log = t.client->log();
  ASSERT_EQ(log.Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(log).ndis_af_handle, h);
  EXPECT_EQ(Last<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(log).status,
            NDIS_STATUS_SUCCESS);
  EXPECT_LT(IndexOf(log.Names(), "own:NdisClCloseAddressFamily"),
            IndexOf(log.Names(), "own:NdisClNotifyCloseAddressFamilyComplete"));
  EXPECT_EQ(FindRejection(model(), Fn::NdisClNotifyCloseAddressFamilyComplete), nullptr);
  // AF-067: exactly one CM completion, with the CM's context and the client's status.
  ASSERT_EQ(cm.Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(cm).call_mgr_af_context,
            t.cm->afs().at(0).get());
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(cm).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(af->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, PendedNotifyCompletedWithErrorPassesErrorToCm) {
  NDISCONF_RULES("AF-067");
  class ClientCompletesNotifyWithError : public Client {
   public:
    using Client::Client;
    NDIS_STATUS OnNotifyCloseAf(ClAf&) override { return NDIS_STATUS_PENDING; }
  };
  ClientCompletesNotifyWithError* client = nullptr;
  stack::CmTopology t = Build(nullptr, [&] {
    auto c = std::make_unique<ClientCompletesNotifyWithError>();
    client = c.get();
    return c;
  });
  stack().Settle();
  const NDIS_HANDLE h = client->afs().at(0)->ndis_af;
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_PENDING);
  // The client refuses, late: the AF stays open.
  stack().As(t.client_id,
             [&] { NdisClNotifyCloseAddressFamilyComplete(h, NDIS_STATUS_NOT_ACCEPTED); });
  stack().Settle();
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(t.cm->log()).status,
            NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
}

TEST_P(NotifyCloseAf, NotifyCompleteAfterTombstoneReleasedIsRefused) {
  NDISCONF_RULES("AF-065", "AF-066");
  ExpectViolation("AF-065");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_PENDING);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 1u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
  // A second completion: the tombstone is gone, NDIS refuses the handle.
  stack().As(t.client_id, [&] { NdisClNotifyCloseAddressFamilyComplete(h, NDIS_STATUS_SUCCESS); });
  EXPECT_TRUE(Rejected(
      model(), ndis::Outcome(Fn::NdisClNotifyCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                             ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
}

TEST_P(NotifyCloseAf, ClientNeverCompletingPendedNotifyIsReported) {
  NDISCONF_RULES("AF-065");
  ExpectViolation("AF-065");
  stack::CmTopology t =
      Build(nullptr, [] { return std::make_unique<ClientNeverCompletesNotify>(); });
  stack().Settle();
  EXPECT_EQ(CmNotifies(t, t.client->afs().at(0)->ndis_af), NDIS_STATUS_PENDING);
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
}

TEST_P(NotifyCloseAf, NotifyCompleteWithPendingStatusIsRefused) {
  NDISCONF_RULES("AF-065");
  ExpectViolation("AF-065");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_PENDING);
  stack().As(t.client_id, [&] { NdisClNotifyCloseAddressFamilyComplete(h, NDIS_STATUS_PENDING); });
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClNotifyCloseAddressFamilyComplete,
                                              NDIS_STATUS_FAILURE, ndis::Reason::kPendingStatus)));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  stack().Settle();  // the client's real completion follows
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
}

// ---- AF-064: SUCCESS means closed. ----

TEST_P(NotifyCloseAf, SuccessWithoutClosingIsRefusedAndReported) {
  NDISCONF_RULES("AF-064", "AF-068");
  ExpectViolation("AF-064");
  stack::CmTopology t = Build(nullptr, [] { return std::make_unique<ClientIgnoresNotify>(); });
  stack().Settle();
  EXPECT_EQ(CmNotifies(t, t.client->afs().at(0)->ndis_af), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kLeftOpen, spec::RuleId::kAF064)));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
}

TEST_P(NotifyCloseAf, SyncSuccessWhileCmClosePendingReturnsPendingThenCompletes) {
  NDISCONF_RULES("AF-064", "AF-067", "AF-068");
  drivers::CallManagerConfig config;
  config.close_af = OpPolicy::Pending();
  ClientClosesAndReturnsSuccess* client = nullptr;
  stack::CmTopology t = Build([&] { return std::make_unique<CallManager>(config); },
                              [&] {
                                auto c = std::make_unique<ClientClosesAndReturnsSuccess>();
                                client = c.get();
                                return c;
                              });
  stack().Settle();
  EXPECT_EQ(CmNotifies(t, client->afs().at(0)->ndis_af), NDIS_STATUS_PENDING);  // OQ-10
  EXPECT_EQ(client->close_status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  stack().Settle();
  ASSERT_EQ(client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(client->afs().at(0)->state, ClAfState::kClosed);
}

// ---- N6 / AF-068: the client's error. ----

TEST_P(NotifyCloseAf, ClientErrorIsReturnedAndAfStaysOpen) {
  NDISCONF_RULES("AF-068");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Sync(NDIS_STATUS_NOT_ACCEPTED);
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  EXPECT_EQ(CmNotifies(t, t.client->afs().at(0)->ndis_af), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
}

// ---- N7 / OQ-09: races. ----

TEST_P(NotifyCloseAf, NotifyCloseWhileOpenPendingFails) {
  NDISCONF_RULES("AF-068");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  // Run until the client's open has pended, but not the CM's completion.
  while (t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>() == 0 && model().RunOne()) {
  }
  ASSERT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client->log()).status,
            NDIS_STATUS_PENDING);
  const NDIS_HANDLE h = Last<logged::ProtocolCmOpenAf>(t.cm->log()).ndis_af_handle;
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily,
                                              NDIS_STATUS_FAILURE, ndis::Reason::kWrongState)));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
  stack().Settle();
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);  // the open completes normally
}

// The CM completed the open, but NDIS has not yet delivered the client's
// ProtocolClOpenAfCompleteEx when the CM unbinds: the notify-close reaches
// a client that still sees its open pending. The client pends the notify,
// tears the AF down once the open completes, and completes the notify
// (found by the af_lifecycle fuzzer: the reference never completed it, so
// the CM's unbind never finished).
TEST_P(NotifyCloseAf, NotifyCloseBeforeClientSawOpenCompleteIsCompletedAfterIt) {
  NDISCONF_RULES("AF-065", "AF-122");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  // Run until the CM has completed the open, but not the client's side.
  while (t.cm->afs().empty() || t.cm->afs().at(0)->state != CmAfState::kOpen) {
    ASSERT_TRUE(model().RunOne());
  }
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpening);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(),
            t.client->log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>());
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

// A client may refuse a notify-close (AF-068). A CM unbinding has then done
// what AF-061 asks (notify-closed the AF from its unbind) and cannot refuse
// the unbind (AF-122): it closes its binding, and that is no AF-061 break
// (found by the af_lifecycle fuzzer: the monitor reported one).
TEST_P(NotifyCloseAf, CmUnbindFinishesWhenClientRefusesNotifyClose) {
  NDISCONF_RULES("AF-061", "AF-068", "AF-122");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Sync(NDIS_STATUS_FAILURE);
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisCmNotifyCloseAddressFamily>(t.cm->log()).status,
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCloseAdapterEx>(), 1u);
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
  // The AF the client kept takes no new call from this CM: its binding is
  // closed (AF-123; found by the af_lifecycle fuzzer).
  drivers::Client& client = *t.client;
  (void)stack().As(t.client_id, [&] { return client.RegisterSap(0, drivers::SapSpec{1, {3}}); });
  if (!t.cm->saps().empty()) {
    EXPECT_EQ(stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); }), -1);
  }
  EXPECT_EQ(t.cm->log().Count<logged::OwnCreateVc>(), 0u);
}

// A client that makes a call after its open and refuses the notify-close.
drivers::ClientConfig RefusesNotifyWithCallUp() {
  drivers::ClientConfig c;
  c.notify_close = OpPolicy::Sync(NDIS_STATUS_FAILURE);
  c.vcs_after_open = 1;
  c.make_calls_after_open = true;
  return c;
}

// A refused notify-close on an AF with a call up: the CM's unbind waits
// (PENDING) until the client's VC is gone, since deleting it involves the
// CM's binding, then closes the binding and completes the unbind (found by
// the af_lifecycle fuzzer: the reference closed the binding at once and
// later mishandled the call's close, AF-106 / AF-123).
TEST_P(NotifyCloseAf, CmUnbindWaitsForCallsOnRefusedAf) {
  NDISCONF_RULES("AF-068", "AF-106", "AF-122", "AF-123");
  stack::CmTopology t = CmTopology({}, RefusesNotifyWithCallUp());
  stack().Settle();
  drivers::Client& client = *t.client;
  ASSERT_EQ(client.vcs().at(0)->call_status, NDIS_STATUS_SUCCESS);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  EXPECT_EQ(stack().As(t.client_id, [&] { return client.CloseCall(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return client.DeleteVc(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCloseAdapterEx>(), 1u);
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

// If that client never closes the call, the CM's unbind stays pending: the
// monitor does not hold that against the CM (AF-122), it waits on the
// client that refused (AF-068).
TEST_P(NotifyCloseAf, CmUnbindPendingOnCallsOfRefusedAfIsNotReported) {
  NDISCONF_RULES("AF-068", "AF-122");
  stack::CmTopology t = CmTopology({}, RefusesNotifyWithCallUp());
  stack().Settle();
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  // TearDown runs the monitor's end-of-run checks: no AF-122.
}

// The same for an MCM halting (AF-062): MiniportHaltEx returns after the
// refused notify-close, and the monitor does not count the AF left open.
TEST_P(NotifyCloseAf, McmHaltFinishesWhenClientRefusesNotifyClose) {
  NDISCONF_RULES("AF-062", "AF-068");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Sync(NDIS_STATUS_FAILURE);
  stack::McmTopology t = McmTopology({}, cl);
  stack().Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  const auto& mcm = t.mcm->log();
  EXPECT_EQ(Last<logged::OwnNdisMCmNotifyCloseAddressFamily>(mcm).status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(mcm.Count<logged::MiniportHaltExRet>(), 1u);
}

// The CM unbinds while the VC of an incoming call is still activating: the
// client, tearing the AF down, rejects the call once it is offered, the CM
// deletes its VC, and the notify-close completes (found by the af_lifecycle
// fuzzer: the reference accepted the call and its tear-down waited forever).
TEST_P(NotifyCloseAf, IncomingCallOfferedDuringNotifyCloseIsRejected) {
  NDISCONF_RULES("AF-065", "AF-105", "AF-122");
  drivers::CompConfig mp;
  mp.activate_vc = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, {}, {}, mp);
  stack().Settle();
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return cl.RegisterSap(0, drivers::SapSpec{1, {3}});
                       }),
            NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolClIncomingCall>(cl.log()).status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
  EXPECT_EQ(cl.afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(cl.log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 1u);
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

// The adapter halts (client and CM unbind) while the CM's own completion of
// a pended open is still to come. The client closes the AF once the open
// completes; the CM closes its binding only after ProtocolCmCloseAf has
// returned (found by the af_lifecycle fuzzer: the reference closed it from
// inside that handler, with the AF not yet closed, AF-061).
TEST_P(NotifyCloseAf, HaltWithOpenPendingAtCmClosesBindingAfterTheClose) {
  NDISCONF_RULES("AF-061", "AF-120", "AF-122");
  // Oldest work first, and every deferrable delivery inline: the open
  // completes into the client, which closes the AF, all inside the CM's
  // completion call.
  class InlineChooser : public ndis::Chooser {
   public:
    size_t Pick(const std::vector<ndis::WorkInfo>&) override { return 0; }
    bool RunInline(ndis::WorkKind) override { return true; }
  } chooser;
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(cm); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  while (t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>() == 0 && model().RunOne()) {
  }
  ASSERT_EQ(t.cm->afs().at(0)->state, CmAfState::kOpening);
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kClosed);
  const std::vector<std::string> names = t.cm->log().Names();
  EXPECT_LT(IndexOf(names, "ProtocolCmCloseAf:ret"), IndexOf(names, "own:NdisCloseAdapterEx"));
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

// The CM unbinds while its own completion of a pended open is still to
// come: the binding is closed only once that AF is completed and closed.
TEST_P(NotifyCloseAf, CmUnbindWithItsOpenStillPendingClosesTheAfFirst) {
  NDISCONF_RULES("AF-061", "AF-034", "AF-122");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm, cl);
  while (t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>() == 0 && model().RunOne()) {
  }
  ASSERT_EQ(t.cm->afs().at(0)->state, CmAfState::kOpening);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_NE(t.client->afs().at(0)->state, ClAfState::kOpen);
  EXPECT_NE(t.client->afs().at(0)->state, ClAfState::kOpening);
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

// The client pends its answer to an incoming call, and the CM unbinds
// before the answer: the client, tearing the AF down for the notify-close,
// answers with a rejection, the CM deletes its VC, and the notify-close and
// the unbind complete (found by the af_lifecycle fuzzer: the reference
// accepted the call and its tear-down waited for it forever).
TEST_P(NotifyCloseAf, IncomingCallAnsweredAfterNotifyCloseIsRejected) {
  NDISCONF_RULES("AF-065", "AF-105", "AF-122");
  drivers::ClientConfig client;
  client.incoming_call = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, client);
  stack().Settle();
  drivers::Client& cl = *t.client;
  ASSERT_EQ(stack().As(t.client_id,
                       [&] {
                         return cl.RegisterSap(0, drivers::SapSpec{1, {3}});
                       }),
            NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  ASSERT_EQ(Last<logged::ProtocolClIncomingCall>(cl.log()).status, NDIS_STATUS_PENDING);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisClIncomingCallComplete>(cl.log()).status, NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
  EXPECT_EQ(cl.afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(cl.log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 1u);
  EXPECT_FALSE(model().IsBound(t.cm_id, t.adapter));
}

TEST_P(NotifyCloseAf, RepeatedNotifyCloseFails) {
  NDISCONF_RULES("AF-068");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_PENDING);
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily,
                                              NDIS_STATUS_FAILURE, ndis::Reason::kClosing)));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
}

TEST_P(NotifyCloseAf, NotifyCloseWhileClientClosingPendsUntilCloseCompletes) {
  NDISCONF_RULES("AF-067", "AF-068");
  drivers::CallManagerConfig cm;
  cm.close_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_PENDING);
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);  // not asked again
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 0u);
  stack().Settle();
  const std::vector<std::string> names = t.client->log().Names();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
}

TEST_P(NotifyCloseAf, NotifyCloseOfClosedOrBogusHandleFails) {
  NDISCONF_RULES("AF-055", "AF-068");
  ExpectViolation("AF-055");  // the CM uses a handle whose close completed, on purpose
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(CmNotifies(t, h), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(CmNotifies(t, nullptr), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kNullArgument, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
}

// ---- AF-069: the CM's notify-close completion handler is required. ----

TEST_P(NotifyCloseAf, CmWithoutNotifyCompleteHandlerIsRefused) {
  NDISCONF_RULES("AF-069");
  stack::Stack& s = NewStack();
  NDIS_STATUS entry = NDIS_STATUS_SUCCESS;
  CallManager& cm = s.Load(std::make_unique<CmWithoutNotifyCompleteHandler>(), nullptr, &entry);
  ASSERT_EQ(cm.log().Count<logged::ProtocolSetOptions>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolSetOptions>(cm.log()).status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                                      ndis::Reason::kMissingHandler, spec::RuleId::kAF131,
                                      "CmNotifyCloseAfCompleteHandler")));
}

// ---- A CM unbinding with several AFs open at the client (S5 per AF). ----

// One call manager registering Q2931 and TAPI; its SAP deregistrations
// answer per `deregister_sap`.
drivers::CallManagerConfig TwoAfCm(OpPolicy deregister_sap = OpPolicy::Sync()) {
  drivers::CallManagerConfig c;
  c.afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  c.deregister_sap = deregister_sap;
  return c;
}

const drivers::SapSpec kNotifySap{1, {0x61, 0x62}};

TEST_P(NotifyCloseAf, CmUnbindNotifyClosesEveryAfSynchronouslyBeforeClosingBinding) {
  NDISCONF_RULES("AF-061", "AF-063", "AF-064", "AF-067");
  stack::CmTopology t = CmTopology(TwoAfCm());
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  // Each AF: notify-close to the client holding it (AF-063), which closes it
  // before returning SUCCESS (AF-064); no CM completion (AF-067); the
  // binding closes after the last (AF-061).
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{"Unbind", "CmCloseAf(Q2931)=SUCCESS",
                                      "NotifyCloseAf(Q2931)=SUCCESS", "CmCloseAf(TAPI)=SUCCESS",
                                      "NotifyCloseAf(TAPI)=SUCCESS", "CloseAdapter=SUCCESS",
                                      "Unbind=SUCCESS"}));
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"NotifyCloseAf(Q2931)", "CloseAf(Q2931)=SUCCESS",
                                      "NotifyCloseAf(Q2931)=SUCCESS", "NotifyCloseAf(TAPI)",
                                      "CloseAf(TAPI)=SUCCESS", "NotifyCloseAf(TAPI)=SUCCESS"}));
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, CmUnbindWithFirstNotifySyncAndSecondPendedWaitsForSecond) {
  NDISCONF_RULES("AF-061", "AF-064", "AF-065", "AF-066", "AF-067");
  stack::CmTopology t = CmTopology(TwoAfCm(OpPolicy::Pending()));
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  // A SAP on the TAPI AF only: its pended deregistration makes that AF's
  // notify-close pend, while the Q2931 AF's completes inside the handler.
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(1, kNotifySap); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{
                "Unbind", "CmCloseAf(Q2931)=SUCCESS", "NotifyCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAf(TAPI)=PENDING", "Unbind=PENDING", "CmCloseAf(TAPI)=SUCCESS",
                "NotifyCloseAfComplete(TAPI,SUCCESS)", "CloseAdapter=SUCCESS"}));
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{
                "NotifyCloseAf(Q2931)", "CloseAf(Q2931)=SUCCESS", "NotifyCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAf(TAPI)", "DeregisterSap(TAPI)=PENDING", "NotifyCloseAf(TAPI)=PENDING",
                "DeregisterSapComplete(TAPI,SUCCESS)", "CloseAf(TAPI)=SUCCESS",
                "NotifyCloseAfComplete(TAPI,SUCCESS)"}));
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, CmUnbindWithFirstNotifyPendedAndSecondSyncWaitsForFirst) {
  NDISCONF_RULES("AF-061", "AF-064", "AF-065", "AF-066", "AF-067");
  stack::CmTopology t = CmTopology(TwoAfCm(OpPolicy::Pending()));
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kNotifySap); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{
                "Unbind", "NotifyCloseAf(Q2931)=PENDING", "CmCloseAf(TAPI)=SUCCESS",
                "NotifyCloseAf(TAPI)=SUCCESS", "Unbind=PENDING", "CmCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAfComplete(Q2931,SUCCESS)", "CloseAdapter=SUCCESS"}));
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{
                "NotifyCloseAf(Q2931)", "DeregisterSap(Q2931)=PENDING",
                "NotifyCloseAf(Q2931)=PENDING", "NotifyCloseAf(TAPI)", "CloseAf(TAPI)=SUCCESS",
                "NotifyCloseAf(TAPI)=SUCCESS", "DeregisterSapComplete(Q2931,SUCCESS)",
                "CloseAf(Q2931)=SUCCESS", "NotifyCloseAfComplete(Q2931,SUCCESS)"}));
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, CmUnbindWithBothNotifiesPendedCompletesEachOldestFirst) {
  NDISCONF_RULES("AF-061", "AF-065", "AF-067");
  OrderChooser chooser;
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(TwoAfCm()); };
  parts.client = [&] { return MakeClient(cl); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{
                "Unbind", "NotifyCloseAf(Q2931)=PENDING", "NotifyCloseAf(TAPI)=PENDING",
                "Unbind=PENDING", "CmCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAfComplete(Q2931,SUCCESS)", "CmCloseAf(TAPI)=SUCCESS",
                "NotifyCloseAfComplete(TAPI,SUCCESS)", "CloseAdapter=SUCCESS"}));
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 2u);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

TEST_P(NotifyCloseAf, CmUnbindWithBothNotifiesPendedCompletesEachNewestFirst) {
  NDISCONF_RULES("AF-061", "AF-065", "AF-067");
  OrderChooser chooser;
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(TwoAfCm()); };
  parts.client = [&] { return MakeClient(cl); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  chooser.newest_first = true;  // the client's TAPI tear-down runs first
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{
                "Unbind", "NotifyCloseAf(Q2931)=PENDING", "NotifyCloseAf(TAPI)=PENDING",
                "Unbind=PENDING", "CmCloseAf(TAPI)=SUCCESS", "NotifyCloseAfComplete(TAPI,SUCCESS)",
                "CmCloseAf(Q2931)=SUCCESS", "NotifyCloseAfComplete(Q2931,SUCCESS)",
                "CloseAdapter=SUCCESS"}));
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 2u);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

// ---- An MCM halting with several AFs, and several clients holding one AF
// type (AF-062 "for each affected AF"; AF-063 "the client that has h open").

TEST_P(NotifyCloseAf, McmHaltWithTwoAfsNotifyClosesEachBeforeHaltReturns) {
  NDISCONF_RULES("AF-062", "AF-063", "AF-064");
  drivers::McmConfig mcm;
  mcm.afs = {{CO_ADDRESS_FAMILY_TAPI_PROXY, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  stack::McmTopology t = McmTopology(mcm);
  stack().Settle();
  ASSERT_TRUE(
      AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_TAPI_PROXY, CO_ADDRESS_FAMILY_TAPI}));
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  // Both notify-closes from inside MiniportHaltEx, each AF closed by the
  // client before its notify returned.
  EXPECT_EQ(CmAfSequence(*t.mcm),
            (std::vector<std::string>{
                "Halt", "CmCloseAf(TAPI_PROXY)=SUCCESS", "NotifyCloseAf(TAPI_PROXY)=SUCCESS",
                "CmCloseAf(TAPI)=SUCCESS", "NotifyCloseAf(TAPI)=SUCCESS", "Halt=done"}));
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 2u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(t.mcm->afs().at(0)->state, CmAfState::kClosed);
  EXPECT_EQ(t.mcm->afs().at(1)->state, CmAfState::kClosed);
}

TEST_P(NotifyCloseAf, CmUnbindNotifiesEachClientOfItsOwnOpenOfTheAf) {
  NDISCONF_RULES("AF-061", "AF-063", "AF-064", "AF-065", "AF-067");
  drivers::ClientConfig pends;
  pends.notify_close = OpPolicy::Pending();
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::TwoClientTopology t =
      stack::BuildTwoClientTopology(s, parts, [&] { return MakeClient(pends); });
  s.Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client1, {CO_ADDRESS_FAMILY_Q2931}));
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client2, {CO_ADDRESS_FAMILY_Q2931}));
  ASSERT_EQ(t.cm->afs().size(), 2u);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  s.Settle();
  // One notify-close per open, each to the client that made it with its own
  // ClientAfContext: client 1 closes inside the handler, client 2 pends and
  // completes later; the binding closes after both.
  ASSERT_EQ(t.client1->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  ASSERT_EQ(t.client2->log().Count<logged::ProtocolClNotifyCloseAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAf>(t.client1->log()).client_af_context,
            t.client1->afs()[0].get());
  EXPECT_EQ(Last<logged::ProtocolClNotifyCloseAf>(t.client2->log()).client_af_context,
            t.client2->afs()[0].get());
  EXPECT_EQ(ClientAfSequence(*t.client1),
            (std::vector<std::string>{"NotifyCloseAf(Q2931)", "CloseAf(Q2931)=SUCCESS",
                                      "NotifyCloseAf(Q2931)=SUCCESS"}));
  EXPECT_EQ(
      ClientAfSequence(*t.client2),
      (std::vector<std::string>{"NotifyCloseAf(Q2931)", "NotifyCloseAf(Q2931)=PENDING",
                                "CloseAf(Q2931)=SUCCESS", "NotifyCloseAfComplete(Q2931,SUCCESS)"}));
  EXPECT_EQ(CmAfSequence(*t.cm),
            (std::vector<std::string>{
                "Unbind", "CmCloseAf(Q2931)=SUCCESS", "NotifyCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAf(Q2931)=PENDING", "Unbind=PENDING", "CmCloseAf(Q2931)=SUCCESS",
                "NotifyCloseAfComplete(Q2931,SUCCESS)", "CloseAdapter=SUCCESS"}));
  // The completion names the second open's CallMgrAfContext.
  EXPECT_EQ(Last<logged::ProtocolCmNotifyCloseAfComplete>(t.cm->log()).call_mgr_af_context,
            t.cm->afs()[1].get());
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

NDISCONF_INSTANTIATE(NotifyCloseAf);

}  // namespace
}  // namespace ndisconf::conformance
