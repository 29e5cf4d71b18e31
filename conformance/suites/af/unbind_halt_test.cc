// Conformance: unbind and halt with address families open (spec 5.8;
// binding table 2.1 B5-B9, adapter table 2.2 M4-M6; sequences S5, S6, S7).
#include <gtest/gtest.h>
#include <ndis.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/several_afs.h"
#include "conformance/framework/test_helpers.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;
using drivers::ClBinding;
using drivers::CmAfState;
using drivers::CmPort;
using drivers::OpPolicy;
using drivers::SapSpec;

const SapSpec kSap{1, {0x61, 0x62}};

// Position of the first entry named `fn` in `names` (names.size() if none).
size_t IndexOf(const std::vector<std::string>& names, std::string_view fn) {
  return static_cast<size_t>(std::find(names.begin(), names.end(), fn) - names.begin());
}

class UnbindHalt : public ConformanceTest {
 protected:
  // The model recorded a rejection with exactly the typed outcome `want`.
  ::testing::AssertionResult Rejected(const ndis::Outcome& want) {
    return conformance::Rejected(model(), want);
  }
  // True if some rejection of `fn` cites `rule`, whatever its reason.
  bool RejectedCiting(Fn fn, spec::RuleId rule) {
    return std::any_of(model().rejections().begin(), model().rejections().end(),
                       [&](const ndis::Rejection& r) { return r.fn == fn && r.rule == rule; });
  }
  // CM topology with the implementation's CM and miniport and `client`.
  stack::CmTopology WithClient(std::unique_ptr<drivers::Client> client) {
    stack::Stack& s = NewStack();
    stack::CmTopologyParts parts;
    parts.cm = [&] { return MakeCm(); };
    parts.client = [&] { return std::move(client); };
    parts.miniport = [&] { return MakeMiniport(); };
    return stack::BuildCmTopology(s, parts);
  }
  stack::CmTopology WithCm(std::unique_ptr<drivers::CallManager> cm) {
    stack::Stack& s = NewStack();
    stack::CmTopologyParts parts;
    parts.cm = [&] { return std::move(cm); };
    parts.client = [&] { return MakeClient(); };
    parts.miniport = [&] { return MakeMiniport(); };
    return stack::BuildCmTopology(s, parts);
  }
};

// A client whose ProtocolUnbindAdapterEx closes the binding at once,
// leaving its AF open (breaks AF-120).
class CloseAdapterFirstClient : public drivers::Client {
 public:
  using Client::Client;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE, ClBinding& b) override {
    b.state = ClBinding::State::kClosing;
    (void)NdisCloseAdapterEx(b.ndis_binding);
    b.state = ClBinding::State::kDown;
    return NDIS_STATUS_SUCCESS;
  }
};

// A client that does the right unbind work but reports FAILURE (breaks
// AF-122: an unbind cannot be refused).
class RefusingUnbindClient : public drivers::Client {
 public:
  using Client::Client;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE ctx, ClBinding& b) override {
    const NDIS_STATUS s = Client::OnUnbindAdapter(ctx, b);
    return s == NDIS_STATUS_SUCCESS ? NDIS_STATUS_FAILURE : s;
  }
};

// A CM whose ProtocolUnbindAdapterEx closes its binding without
// notify-closing the AFs opened on its registration (breaks AF-121).
class NoNotifyCloseCm : public drivers::CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE, CmPort& port) override {
    port.state = CmPort::State::kClosing;
    (void)NdisCloseAdapterEx(port.ndis_handle);
    port.state = CmPort::State::kDown;
    return NDIS_STATUS_SUCCESS;
  }
};

// ---- The client unbinds (S7, B5-B9). ----

TEST_P(UnbindHalt, ClientUnbindClosesEveryAfBeforeCloseAdapter) {
  NDISCONF_RULES("AF-120", "AF-122");
  drivers::ClientConfig cl;
  cl.saps_after_open = {kSap};
  cl.vcs_after_open = 1;
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  const auto names = t.client->log().Names();
  const size_t close_af = IndexOf(names, "own:NdisClCloseAddressFamily");
  const size_t close_adapter = IndexOf(names, "own:NdisCloseAdapterEx");
  ASSERT_LT(close_af, names.size());
  ASSERT_LT(close_adapter, names.size());
  EXPECT_LT(IndexOf(names, "own:NdisCoDeleteVc"), close_af);
  EXPECT_LT(IndexOf(names, "own:NdisClDeregisterSap"), close_af);
  EXPECT_LT(close_af, close_adapter);
  EXPECT_EQ(Last<logged::OwnNdisClCloseAddressFamily>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Last<logged::OwnNdisCloseAdapterEx>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
  EXPECT_FALSE(RejectedCiting(Fn::NdisCloseAdapterEx, spec::RuleId::kAF120));
}

TEST_P(UnbindHalt, PendedUnbindCompletesWithNdisCompleteUnbindAdapterEx) {
  NDISCONF_RULES("AF-122");
  drivers::CallManagerConfig cm;
  cm.close_af = OpPolicy::Pending();  // the client's AF close pends, so must its unbind
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.client->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));  // unbinding already
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisCloseAdapterEx>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  // The completion was accepted: NDIS did not have to close it itself.
  EXPECT_FALSE(RejectedCiting(Fn::ProtocolUnbindAdapterEx, spec::RuleId::kAF122));
  EXPECT_EQ(FindRejection(model(), Fn::NdisCompleteUnbindAdapterEx), nullptr);
}

TEST_P(UnbindHalt, UnbindCannotBeRefused) {
  NDISCONF_RULES("AF-122", "AF-123");
  stack::CmTopology t = WithClient(std::make_unique<RefusingUnbindClient>());
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.client->log()).status, NDIS_STATUS_FAILURE);
  // NDIS goes on as for SUCCESS: the binding is gone.
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::ProtocolUnbindAdapterEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kCannotFail, spec::RuleId::kAF122)));
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
  EXPECT_EQ(stack().As(t.client_id,
                       [&] { return NdisUnbindAdapter(t.client->bindings()[0]->ndis_binding); }),
            NDIS_STATUS_FAILURE);
  ExpectViolation("AF-122");
  ExpectViolation("AF-123");
}

TEST_P(UnbindHalt, ClientClosingBindingWithAfOpenIsFlagged) {
  NDISCONF_RULES("AF-120");
  stack::CmTopology t = WithClient(std::make_unique<CloseAdapterFirstClient>());
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisClCloseAddressFamily>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCloseAdapterEx, NDIS_STATUS_SUCCESS,
                                     ndis::Reason::kLeftOpen, spec::RuleId::kAF120)));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  ExpectViolation("AF-120");
}

TEST_P(UnbindHalt, ClosedBindingHandleIsInvalid) {
  NDISCONF_RULES("AF-123");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.cm->ports()[0]->ndis_handle;
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  ASSERT_EQ(Last<logged::OwnNdisCloseAdapterEx>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  // Any NdisXxx call with the closed handle is refused (and flagged).
  NDIS_HANDLE vh = nullptr;
  EXPECT_EQ(stack().As(t.cm_id, [&] { return NdisCoCreateVc(b, nullptr, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  EXPECT_EQ(stack().As(t.cm_id, [&] { return NdisCloseAdapterEx(b); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.cm_id, [&] { return NdisUnbindAdapter(b); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 0u);
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE, ndis::Reason::kStaleHandle,
                             std::nullopt, "NdisBindingHandle")));
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCloseAdapterEx, NDIS_STATUS_FAILURE,
                             ndis::Reason::kStaleHandle, std::nullopt, "NdisBindingHandle")));
  ExpectViolation("AF-123");
}

TEST_P(UnbindHalt, ReferenceProtocolsDoNotUseBindingAfterClose) {
  NDISCONF_RULES("AF-123");
  // Both protocols unbind with work still open (SAP, VC, pended closes);
  // neither uses its binding handle after NdisCloseAdapterEx (the monitor
  // checks every call).
  drivers::ClientConfig cl;
  cl.saps_after_open = {kSap};
  cl.vcs_after_open = 1;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  const auto cm_names = t.cm->log().Names();
  const auto cl_names = t.client->log().Names();
  ASSERT_LT(IndexOf(cm_names, "own:NdisCloseAdapterEx"), cm_names.size());
  ASSERT_LT(IndexOf(cl_names, "own:NdisCloseAdapterEx"), cl_names.size());
  for (size_t i = IndexOf(cm_names, "own:NdisCloseAdapterEx") + 1; i < cm_names.size(); ++i) {
    EXPECT_NE(cm_names[i].rfind("own:", 0), 0u) << cm_names[i];
  }
  for (size_t i = IndexOf(cl_names, "own:NdisCloseAdapterEx") + 1; i < cl_names.size(); ++i) {
    EXPECT_NE(cl_names[i].rfind("own:", 0), 0u) << cl_names[i];
  }
}

// ---- NdisUnbindAdapter (AF-126). ----

TEST_P(UnbindHalt, NdisUnbindAdapterRunsUnbindFromWorkItem) {
  NDISCONF_RULES("AF-126");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.client->bindings()[0]->ndis_binding;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisUnbindAdapter(b); }), NDIS_STATUS_SUCCESS);
  // Queued, not yet run.
  EXPECT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 0u);
  const auto work = model().PendingWork();
  EXPECT_TRUE(std::any_of(work.begin(), work.end(), [](const ndis::WorkInfo& w) {
    return w.kind == ndis::WorkKind::kUnbind;
  }));
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterEx>(t.client->log()).protocol_binding_context,
            t.client->bindings()[0].get());
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
}

TEST_P(UnbindHalt, SynchronousUnbindPolicyUnbindsBeforeNdisUnbindAdapterReturns) {
  NDISCONF_RULES("AF-126", "AF-123");
  ndis::Settings settings;
  settings.unbind_synchronously = true;
  stack::CmTopology t = CmTopology({}, {}, settings);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.client->bindings()[0]->ndis_binding;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisUnbindAdapter(b); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 1u);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  // The handle is invalid once NdisUnbindAdapter has returned.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisUnbindAdapter(b); }), NDIS_STATUS_FAILURE);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 1u);
  ExpectViolation("AF-123");
}

TEST_P(UnbindHalt, NdisUnbindAdapterWithBadHandleGetsFailure) {
  NDISCONF_RULES("AF-126");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisUnbindAdapter(nullptr); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisUnbindAdapter(af); }), NDIS_STATUS_FAILURE);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 0u);
  EXPECT_TRUE(model().IsBound(t.client_id, t.adapter));
}

// ---- Re-bind (AF-124). ----

TEST_P(UnbindHalt, CmRebindRenotifiesClientOncePerAf) {
  NDISCONF_RULES("AF-124");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(model().BindProtocol(t.cm_id, t.adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCmRegisterAddressFamilyEx>(), 2u);
  EXPECT_EQ(Last<logged::OwnNdisCmRegisterAddressFamilyEx>(t.cm->log()).status,
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  EXPECT_EQ(Last<logged::ProtocolCoAfRegisterNotify>(t.client->log()).address_family,
            CO_ADDRESS_FAMILY_Q2931);
  ASSERT_EQ(t.client->afs().size(), 2u);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kOpen);
  EXPECT_NE(t.client->afs()[1]->ndis_af, t.client->afs()[0]->ndis_af);
}

TEST_P(UnbindHalt, ClientRebindRenotifiesOncePerAf) {
  NDISCONF_RULES("AF-124");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(model().BindProtocol(t.client_id, t.adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  ASSERT_EQ(t.client->afs().size(), 2u);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kOpen);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 2u);
}

// ---- The CM unbinds (S5, AF-121). ----

TEST_P(UnbindHalt, CmUnbindNotifyClosesAfsBeforeClosingBinding) {
  NDISCONF_RULES("AF-121", "AF-122");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  const auto names = t.cm->log().Names();
  const size_t notify = IndexOf(names, "own:NdisCmNotifyCloseAddressFamily");
  const size_t close = IndexOf(names, "own:NdisCloseAdapterEx");
  ASSERT_LT(notify, names.size());
  ASSERT_LT(close, names.size());
  EXPECT_LT(notify, close);
  EXPECT_EQ(Last<logged::OwnNdisCmNotifyCloseAddressFamily>(t.cm->log()).ndis_af_handle,
            t.client->afs()[0]->ndis_af);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.cm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->ports()[0]->state, CmPort::State::kDown);
}

TEST_P(UnbindHalt, CmUnbindPendedUntilClientFinishesNotifyClose) {
  NDISCONF_RULES("AF-121", "AF-122");
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  cl.saps_after_open = {kSap};
  stack::CmTopology t = CmTopology({}, cl);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  EXPECT_EQ(Last<logged::ProtocolUnbindAdapterExRet>(t.cm->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisCloseAdapterEx>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->ports()[0]->state, CmPort::State::kDown);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_FALSE(RejectedCiting(Fn::ProtocolUnbindAdapterEx, spec::RuleId::kAF122));
}

TEST_P(UnbindHalt, CmClosingBindingWithoutNotifyCloseIsFlagged) {
  NDISCONF_RULES("AF-121");
  stack::CmTopology t = WithCm(std::make_unique<NoNotifyCloseCm>());
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::OwnNdisCmNotifyCloseAddressFamily>(), 0u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCloseAdapterEx, NDIS_STATUS_SUCCESS,
                                     ndis::Reason::kLeftOpen, spec::RuleId::kAF061)));
  ExpectViolation("AF-061");  // the monitor's check for AF-121 (= AF-061)
}

// ---- Halt (S6, M4-M6, AF-125). ----

TEST_P(UnbindHalt, McmHaltNotifyClosesAfsAndGetsNoRequestsAfter) {
  NDISCONF_RULES("AF-125");
  drivers::ClientConfig cl;
  cl.saps_after_open = {kSap};
  cl.vcs_after_open = 1;
  stack::McmTopology t = McmTopology({}, cl);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  const auto names = t.mcm->log().Names();
  ASSERT_EQ(t.mcm->log().Count<logged::MiniportHaltEx>(), 1u);
  const size_t halt = IndexOf(names, "MiniportHaltEx");
  const size_t halt_ret = IndexOf(names, "MiniportHaltEx:ret");
  const size_t notify = IndexOf(names, "own:NdisMCmNotifyCloseAddressFamily");
  ASSERT_LT(halt_ret, names.size());
  // The MCM notify-closed its AF from inside MiniportHaltEx...
  EXPECT_LT(halt, notify);
  EXPECT_LT(notify, halt_ret);
  EXPECT_EQ(t.mcm->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_FALSE(t.mcm->halt_left_open());
  // ... and NDIS called nothing of it after the halt returned.
  EXPECT_EQ(halt_ret + 1, names.size()) << names.back();
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
  EXPECT_FALSE(model().HaltAdapter(t.adapter));  // halted once
}

TEST_P(UnbindHalt, UnbindBeforeHaltPolicyHaltsWithNothingOpen) {
  NDISCONF_RULES("AF-120", "AF-125");
  ndis::Settings settings;
  settings.halt_before_unbind = false;
  stack::McmTopology t = McmTopology({}, {}, settings);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_TRUE(model().HaltAdapter(t.adapter));
  stack().Settle();
  const auto cl = t.client->log().Names();
  const auto mcm = t.mcm->log().Names();
  EXPECT_LT(IndexOf(cl, "own:NdisClCloseAddressFamily"), IndexOf(cl, "own:NdisCloseAdapterEx"));
  EXPECT_EQ(t.mcm->log().Count<logged::MiniportHaltEx>(), 1u);
  // The client closed its AF during its unbind, so the halt had none open.
  EXPECT_EQ(t.mcm->log().Count<logged::OwnNdisMCmNotifyCloseAddressFamily>(), 0u);
  EXPECT_LT(IndexOf(mcm, "ProtocolCmCloseAf"), IndexOf(mcm, "MiniportHaltEx"));
  EXPECT_EQ(IndexOf(mcm, "MiniportHaltEx:ret") + 1, mcm.size());
}

// ---- The client unbinds with several AFs open on its one binding (S7;
// AF-120 speaks of every outstanding NdisAfHandle, not of one). ----

// The client holds one binding with the Q2931 AF, then the TAPI AF, open.
::testing::AssertionResult TwoAfsOpen(const stack::TwoCmTopology& t) {
  return AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI});
}

// After the unbind: both AFs closed on both sides, the binding gone.
void ExpectAllClosedAndUnbound(ndis::Model& m, const stack::TwoCmTopology& t) {
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  ASSERT_EQ(t.cm1->afs().size(), 1u);
  ASSERT_EQ(t.cm2->afs().size(), 1u);
  EXPECT_EQ(t.cm1->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(t.cm2->afs()[0]->state, CmAfState::kClosed);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_FALSE(m.IsBound(t.client_id, t.adapter));
}

TEST_P(UnbindHalt, ClientUnbindWithTwoAfsClosedSynchronouslyClosesBothBeforeBinding) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-060");
  NewStack();
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Sync())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Sync())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  // Both closes return SUCCESS (no ProtocolClCloseAfComplete, AF-060) and
  // both come before NdisCloseAdapterEx, so the unbind itself is synchronous.
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=SUCCESS", "CloseAf(TAPI)=SUCCESS",
                                      "CloseAdapter=SUCCESS", "Unbind=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

TEST_P(UnbindHalt, ClientUnbindWithFirstAfCloseSyncAndSecondPendedWaitsForSecond) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-060");
  NewStack();
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Sync())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Pending())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  // The first close completing at once must not close the binding: the
  // second AF is still open, then closing.
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  stack().Settle();
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=SUCCESS", "CloseAf(TAPI)=PENDING",
                                      "Unbind=PENDING", "CloseAfComplete(TAPI,SUCCESS)",
                                      "CloseAdapter=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

TEST_P(UnbindHalt, ClientUnbindWithFirstAfClosePendedAndSecondSyncWaitsForFirst) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-060");
  NewStack();
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Pending())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Sync())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  stack().Settle();
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=PENDING", "CloseAf(TAPI)=SUCCESS",
                                      "Unbind=PENDING", "CloseAfComplete(Q2931,SUCCESS)",
                                      "CloseAdapter=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

TEST_P(UnbindHalt, ClientUnbindWithBothAfClosesPendedClosesBindingAfterLastInOrder) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-054");
  OrderChooser chooser;  // oldest first: the CMs complete in the order asked
  NewStack({}, &chooser);
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Pending())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Pending())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=PENDING", "CloseAf(TAPI)=PENDING",
                                      "Unbind=PENDING", "CloseAfComplete(Q2931,SUCCESS)",
                                      "CloseAfComplete(TAPI,SUCCESS)", "CloseAdapter=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

TEST_P(UnbindHalt, ClientUnbindWithBothAfClosesPendedClosesBindingAfterLastInReverse) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-054");
  OrderChooser chooser;
  NewStack({}, &chooser);
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Pending())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Pending())), MakeClient(), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  chooser.newest_first = true;  // the TAPI close, asked second, completes first
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=PENDING", "CloseAf(TAPI)=PENDING",
                                      "Unbind=PENDING", "CloseAfComplete(TAPI,SUCCESS)",
                                      "CloseAfComplete(Q2931,SUCCESS)", "CloseAdapter=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

TEST_P(UnbindHalt, ClientUnbindWithTwoAfsTearsDownEachAfsVcAndSapBeforeItsClose) {
  NDISCONF_RULES("AF-050", "AF-120", "AF-122");
  drivers::ClientConfig cl;
  cl.saps_after_open = {kSap};
  cl.vcs_after_open = 1;
  NewStack();
  stack::TwoCmTopology t = TwoAfsOnOneBinding(
      stack(), MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Sync())),
      MakeCm(CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Pending())), MakeClient(cl), MakeMiniport());
  ASSERT_TRUE(TwoAfsOpen(t));
  ASSERT_EQ(t.client->vcs().size(), 2u);
  ASSERT_EQ(t.client->saps().size(), 2u);
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  // AF-050 per AF: its VC deleted and its SAP deregistered before its close;
  // AF-120: both AFs closed before the binding.
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "DeleteVc(Q2931)=SUCCESS",
                                      "DeregisterSap(Q2931)=SUCCESS", "CloseAf(Q2931)=SUCCESS",
                                      "DeleteVc(TAPI)=SUCCESS", "DeregisterSap(TAPI)=SUCCESS",
                                      "CloseAf(TAPI)=PENDING", "Unbind=PENDING",
                                      "CloseAfComplete(TAPI,SUCCESS)", "CloseAdapter=SUCCESS"}));
  ExpectAllClosedAndUnbound(model(), t);
}

// ---- The client bound to several adapters, or unbinding while an AF is
// still opening (AF-120: "every outstanding NdisAfHandle that depends on the
// underlying miniport"; zero AFs open or opening at NdisCloseAdapterEx). ----

TEST_P(UnbindHalt, ClientUnbindFromOneAdapterClosesOnlyThatAdaptersAf) {
  NDISCONF_RULES("AF-120", "AF-122");
  NewStack();
  drivers::CallManager& cm = stack().Load(MakeCm());
  ActorId client_id = kNoActor, mp = kNoActor;
  drivers::Client& client = stack().Load(MakeClient(), &client_id);
  stack().Load(MakeMiniport(), &mp);
  const ndis::AdapterId a0 = stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  const ndis::AdapterId a1 = stack().AddAdapter(mp, "comp1", NdisMediumAtm);
  stack().Settle();
  ASSERT_EQ(client.bindings().size(), 2u);
  ASSERT_EQ(client.afs().size(), 2u);
  ASSERT_EQ(client.afs()[0]->binding, client.bindings()[0].get());
  ASSERT_EQ(client.afs()[1]->binding, client.bindings()[1].get());
  ASSERT_EQ(client.afs()[0]->state, ClAfState::kOpen);
  ASSERT_EQ(client.afs()[1]->state, ClAfState::kOpen);
  ASSERT_TRUE(model().UnbindProtocol(client_id, a1));
  stack().Settle();
  // Only the unbound adapter's AF is closed, and before its binding.
  EXPECT_EQ(ClientAfSequence(client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=SUCCESS", "CloseAdapter=SUCCESS",
                                      "Unbind=SUCCESS"}));
  EXPECT_EQ(Last<logged::OwnNdisClCloseAddressFamily>(client.log()).client_af_context,
            client.afs()[1].get());
  EXPECT_EQ(client.afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(client.bindings()[1]->state, ClBinding::State::kDown);
  EXPECT_FALSE(model().IsBound(client_id, a1));
  // The other adapter's AF and binding are untouched and still usable.
  EXPECT_EQ(client.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(client.bindings()[0]->state, ClBinding::State::kBound);
  EXPECT_TRUE(model().IsBound(client_id, a0));
  EXPECT_EQ(stack().As(client_id, [&] { return client.CreateVc(0); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(cm.afs().size(), 2u);
  EXPECT_EQ(cm.afs()[0]->state, CmAfState::kOpen);
  EXPECT_EQ(cm.afs()[1]->state, CmAfState::kClosed);
}

TEST_P(UnbindHalt, ClientUnbindWithSecondAfStillOpeningClosesBindingAfterThatOpenEnds) {
  NDISCONF_RULES("AF-120", "AF-122");
  drivers::CallManagerConfig tapi = CmFor(CO_ADDRESS_FAMILY_TAPI, OpPolicy::Sync());
  tapi.open_af = OpPolicy::Pending();
  NewStack();
  stack::Stack& s = stack();
  stack::TwoCmTopology t;
  t.cm1 = &s.Load(MakeCm(CmFor(CO_ADDRESS_FAMILY_Q2931, OpPolicy::Sync())), &t.cm1_id);
  t.cm2 = &s.Load(MakeCm(tapi), &t.cm2_id);
  t.client = &s.Load(MakeClient(), &t.client_id);
  t.miniport = &s.Load(MakeMiniport(), &t.miniport_id);
  t.adapter = s.AddAdapter(t.miniport_id, "comp0", NdisMediumAtm);
  // Run until the TAPI open has reached its CM and pended there, and stop
  // before the CM completes it.
  while (t.cm2->log().Count<logged::ProtocolCmOpenAf>() == 0 && model().RunOne()) {
  }
  ASSERT_EQ(t.client->afs().size(), 2u);
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  ASSERT_EQ(t.client->afs()[1]->state, ClAfState::kOpening);
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCloseAdapterEx>(), 0u);
  stack().Settle();
  // The open was already with the CM when the unbind began, so it completes
  // with SUCCESS; the client then closes that AF too, and only then the
  // binding.
  const auto names = t.client->log().Names();
  const size_t opened = IndexOf(names, "ProtocolClOpenAfCompleteEx");
  const size_t tapi_close =
      names.size() - 1 -
      static_cast<size_t>(std::find(names.rbegin(), names.rend(), "own:NdisClCloseAddressFamily") -
                          names.rbegin());
  ASSERT_LT(opened, names.size());
  EXPECT_EQ(Last<logged::ProtocolClOpenAfCompleteEx>(t.client->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_LT(opened, tapi_close);
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{"Unbind", "CloseAf(Q2931)=SUCCESS", "Unbind=PENDING",
                                      "CloseAf(TAPI)=SUCCESS", "CloseAdapter=SUCCESS"}));
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
}

// ---- Re-bind with several AFs and several clients (AF-124: "exactly one
// new notification per client per AF"). ----

TEST_P(UnbindHalt, CmRebindRenotifiesEachClientOncePerAf) {
  NDISCONF_RULES("AF-124");
  drivers::CallManagerConfig cm;
  cm.afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(cm); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::TwoClientTopology t =
      stack::BuildTwoClientTopology(s, parts, [this] { return MakeClient(); });
  s.Settle();
  const std::vector<NDIS_AF> both = {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI};
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client1, both));
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client2, both));
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  s.Settle();
  EXPECT_EQ(model().BindProtocol(t.cm_id, t.adapter), NDIS_STATUS_SUCCESS);
  s.Settle();
  for (const drivers::Client* c : {t.client1, t.client2}) {
    // Two notifications before the unbind, two after: one per AF each time.
    std::vector<ULONG> types;
    for (const auto& o : c->log().All<logged::ProtocolCoAfRegisterNotify>()) {
      types.push_back(o.address_family);
    }
    EXPECT_EQ(types, (std::vector<ULONG>{CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI,
                                         CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
    ASSERT_EQ(c->afs().size(), 4u);
    EXPECT_EQ(c->afs()[0]->state, ClAfState::kClosed);
    EXPECT_EQ(c->afs()[1]->state, ClAfState::kClosed);
    EXPECT_EQ(c->afs()[2]->state, ClAfState::kOpen);
    EXPECT_EQ(c->afs()[3]->state, ClAfState::kOpen);
  }
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 8u);
}

// ---- The client unbinds while the CM's notify-closes of its AFs are still
// pended in the client (AF-120 with AF-065: both closes, both completions,
// then the binding). ----

TEST_P(UnbindHalt, ClientUnbindWithTwoNotifyClosesPendedClosesBothThenBinding) {
  NDISCONF_RULES("AF-120", "AF-065", "AF-122");
  drivers::CallManagerConfig cm;
  cm.afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  drivers::ClientConfig cl;
  cl.notify_close = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm, cl);
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClNotifyCloseAf>(), 2u);
  ASSERT_EQ(t.client->log().Count<logged::OwnNdisClNotifyCloseAddressFamilyComplete>(), 0u);
  // Now the client's own binding goes, before its pended tear-downs ran.
  ASSERT_TRUE(model().UnbindProtocol(t.client_id, t.adapter));
  stack().Settle();
  // The unbind tears both AFs down at once, completing each pended
  // notify-close as its AF closes, and closes the binding last; the
  // client's queued notify work then finds nothing left to do.
  EXPECT_EQ(ClientAfSequence(*t.client),
            (std::vector<std::string>{
                "NotifyCloseAf(Q2931)", "NotifyCloseAf(Q2931)=PENDING", "NotifyCloseAf(TAPI)",
                "NotifyCloseAf(TAPI)=PENDING", "Unbind", "CloseAf(Q2931)=SUCCESS",
                "NotifyCloseAfComplete(Q2931,SUCCESS)", "CloseAf(TAPI)=SUCCESS",
                "NotifyCloseAfComplete(TAPI,SUCCESS)", "CloseAdapter=SUCCESS", "Unbind=SUCCESS"}));
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->afs()[1]->state, ClAfState::kClosed);
  EXPECT_EQ(t.client->bindings()[0]->state, ClBinding::State::kDown);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmNotifyCloseAfComplete>(), 2u);
  EXPECT_EQ(t.cm->ports().at(0)->state, CmPort::State::kDown);
}

NDISCONF_INSTANTIATE(UnbindHalt);

}  // namespace
}  // namespace ndisconf::conformance
