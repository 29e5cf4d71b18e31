// Conformance: opening an address family (spec 5.3, AF-030 ... AF-044;
// state table 2.4 rows O1-O7; sequences S1, S2, S3).
//
// (R) rules drive the stack and assert what NDIS does; (D) rules check that
// the implementation's driver keeps the obligation (monitor clean) and that
// a driver broken on purpose, defined below, is reported under that rule.
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
using drivers::ClBinding;
using drivers::Client;
using drivers::CmAf;
using drivers::CmAfState;
using drivers::CmPort;
using drivers::OpPolicy;

// A client that runs a test hook from inside ProtocolCoAfRegisterNotify
// (the one place a client may open an AF, AF-030) before its own open, and
// another from its open-completion logic.
class HookedClient : public Client {
 public:
  using Client::Client;
  std::function<void(ClBinding&)> in_notify;
  std::function<void(ClAf&, NDIS_HANDLE, NDIS_STATUS)> on_open_complete;
  std::vector<KIRQL> open_complete_irql;

  void OnAfRegisterNotify(ClBinding& b, PCO_ADDRESS_FAMILY af) override {
    if (in_notify) in_notify(b);
    Client::OnAfRegisterNotify(b, af);
  }
  void OnOpenAfComplete(ClAf& af, NDIS_HANDLE h, NDIS_STATUS s) override {
    open_complete_irql.push_back(NDIS_CURRENT_IRQL());
    if (on_open_complete) on_open_complete(af, h, s);
    Client::OnOpenAfComplete(af, h, s);
  }
};

// A call manager that completes its pended opens while holding an NDIS spin
// lock, i.e. at DISPATCH_LEVEL, as a driver completing from its DPC would.
class CmCompletesOpenAtDispatch : public CallManager {
 public:
  using CallManager::CallManager;
  KIRQL irql_at_complete = PASSIVE_LEVEL;
  std::function<void()> after_complete;

 protected:
  void EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af) override {
    NDIS_SPIN_LOCK lock;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    irql_at_complete = NDIS_CURRENT_IRQL();
    CallManager::EdgeOpenAfComplete(status, af);
    NdisReleaseSpinLock(&lock);
    NdisFreeSpinLock(&lock);
    if (after_complete) after_complete();
  }
};

// A call manager that records the IRQL NDIS calls ProtocolCmOpenAf at.
class CmRecordsOpenIrql : public CallManager {
 public:
  using CallManager::CallManager;
  std::vector<KIRQL> open_irql;
  NDIS_STATUS OnOpenAf(CmPort& port, PCO_ADDRESS_FAMILY af, NDIS_HANDLE h,
                       PNDIS_HANDLE ctx) override {
    open_irql.push_back(NDIS_CURRENT_IRQL());
    return CallManager::OnOpenAf(port, af, h, ctx);
  }
};

// Broken on purpose (AF-034): pends the open and never completes it.
class CmNeverCompletesOpen : public CallManager {
 public:
  using CallManager::CallManager;

 protected:
  void EdgeOpenAfComplete(NDIS_STATUS, CmAf&) override {}
};

// Broken on purpose (AF-034, row O7): completes a pended open with
// NDIS_STATUS_PENDING.
class CmCompletesOpenWithPending : public CallManager {
 public:
  using CallManager::CallManager;

 protected:
  void EdgeOpenAfComplete(NDIS_STATUS, CmAf& af) override {
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_PENDING, af.ndis_af, &af);
  }
};

// Broken on purpose (AF-036): after failing a pended open it still uses the
// NdisAfHandle (a notify-close on it).
class CmUsesHandleAfterFailedOpen : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS stale_status = NDIS_STATUS_SUCCESS;

 protected:
  void EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af) override {
    NDIS_HANDLE h = af.ndis_af;
    CallManager::EdgeOpenAfComplete(status, af);
    if (status != NDIS_STATUS_SUCCESS) stale_status = NdisCmNotifyCloseAddressFamily(h);
  }
};

// Broken on purpose (AF-040): while its first open is pending it starts a
// second open on the same binding.
class ClientOpensAgainWhilePending : public Client {
 public:
  using Client::Client;
  NDIS_STATUS second_status = NDIS_STATUS_SUCCESS;
  void OnAfRegisterNotify(ClBinding& b, PCO_ADDRESS_FAMILY af) override {
    Client::OnAfRegisterNotify(b, af);
    CO_ADDRESS_FAMILY other{0x77, 1, 0};
    NDIS_HANDLE h = nullptr;
    second_status = NdisClOpenAddressFamilyEx(b.ndis_binding, &other, &b, &h);
  }
};

// Broken on purpose (AF-030): opens the AF outside ProtocolCoAfRegisterNotify.
class ClientOpensOutsideNotify : public Client {
 public:
  using Client::Client;
  ClBinding* binding = nullptr;
  CO_ADDRESS_FAMILY family{};
  void OnAfRegisterNotify(ClBinding& b, PCO_ADDRESS_FAMILY af) override {
    binding = &b;
    family = *af;  // remembered; the open comes later
  }
};

class OpenAf : public ConformanceTest {
 protected:
  // The CM topology with the given components; empty factories use the
  // implementation's.
  stack::CmTopology Build(stack::Factory<CallManager> cm, stack::Factory<Client> client,
                          const ndis::Settings& settings = {}) {
    stack::Stack& s = NewStack(settings);
    stack::CmTopologyParts parts;
    parts.cm = cm ? cm : [this] { return MakeCm(); };
    parts.client = client ? client : [this] { return MakeClient(); };
    parts.miniport = [this] { return MakeMiniport(); };
    return stack::BuildCmTopology(s, parts);
  }
};

TEST_P(OpenAf, SyncOpenReturnsHandleAndNoCompletionCallback) {
  NDISCONF_RULES("AF-031", "AF-039");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count<logged::OwnNdisClOpenAddressFamilyEx>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(cl).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  ASSERT_EQ(t.client->afs().size(), 1u);
  const auto* open = t.cm->log().Last<logged::ProtocolCmOpenAf>();
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->ndis_af_handle, t.client->afs().at(0)->ndis_af);  // the same NdisAfHandle
  EXPECT_EQ(open->call_mgr_binding_context, t.cm->ports().at(0).get());
}

TEST_P(OpenAf, PendedOpenCompletesToClientWithHandle) {
  NDISCONF_RULES("AF-034", "AF-037");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  const auto& cl = t.client->log();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(cl).status, NDIS_STATUS_PENDING);
  ASSERT_EQ(cl.Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  const auto* done = cl.Last<logged::ProtocolClOpenAfCompleteEx>();
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->client_af_context, t.client->afs().at(0).get());
  EXPECT_EQ(done->ndis_af_handle, t.cm->afs().at(0)->ndis_af);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
}

// ---- AF-030: where the client opens. ----

TEST_P(OpenAf, ClientOpensFromRegisterNotifyAtPassive) {
  NDISCONF_RULES("AF-030");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const std::vector<std::string> names = t.client->log().Names();
  ASSERT_EQ(t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>(), 1u);
  // The open is logged right after the notify that caused it.
  size_t notify = names.size(), open = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "ProtocolCoAfRegisterNotify" && notify == names.size()) notify = i;
    if (names[i] == "own:NdisClOpenAddressFamilyEx") open = i;
  }
  ASSERT_LT(notify, open);
  EXPECT_EQ(open, notify + 1);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  // The monitor (TearDown) checks the open happened inside the notify at PASSIVE.
}

TEST_P(OpenAf, OpenOutsideRegisterNotifyIsReported) {
  NDISCONF_RULES("AF-030");
  ExpectViolation("AF-030");
  ClientOpensOutsideNotify* client = nullptr;
  stack::CmTopology t = Build(nullptr, [&] {
    auto c = std::make_unique<ClientOpensOutsideNotify>();
    client = c.get();
    return c;
  });
  stack().Settle();
  ASSERT_NE(client->binding, nullptr);
  ASSERT_EQ(t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>(), 0u);
  // Later, from the client's own context (not the notify): the open works
  // (NDIS does not police AF-030) but the monitor reports it.
  NDIS_HANDLE h = nullptr;
  const NDIS_STATUS s = stack().As(t.client_id, [&] {
    return NdisClOpenAddressFamilyEx(client->binding->ndis_binding, &client->family, client, &h);
  });
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  EXPECT_NE(h, nullptr);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(h); }),
            NDIS_STATUS_SUCCESS);
}

// ---- AF-031: forwarding and handle identity. ----

TEST_P(OpenAf, OpensByTwoClientsReachCmWithDistinctHandles) {
  NDISCONF_RULES("AF-031");
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::TwoClientTopology t = stack::BuildTwoClientTopology(s, parts);
  s.Settle();
  ASSERT_EQ(t.client1->afs().size(), 1u);
  ASSERT_EQ(t.client2->afs().size(), 1u);
  const NDIS_HANDLE h1 = t.client1->afs().at(0)->ndis_af;
  const NDIS_HANDLE h2 = t.client2->afs().at(0)->ndis_af;
  ASSERT_NE(h1, nullptr);
  ASSERT_NE(h2, nullptr);
  EXPECT_NE(h1, h2);
  const auto& cm = t.cm->log();
  ASSERT_EQ(cm.Count<logged::ProtocolCmOpenAf>(), 2u);
  ASSERT_EQ(t.cm->afs().size(), 2u);
  // Each CM-side AF instance got the handle its client holds.
  std::vector<NDIS_HANDLE> cm_handles = {t.cm->afs().at(0)->ndis_af, t.cm->afs().at(1)->ndis_af};
  EXPECT_TRUE((cm_handles[0] == h1 && cm_handles[1] == h2) ||
              (cm_handles[0] == h2 && cm_handles[1] == h1));
  for (const auto& e : cm.All<logged::ProtocolCmOpenAf>()) {
    EXPECT_EQ(e.call_mgr_binding_context, t.cm->ports().at(0).get());
    EXPECT_EQ(e.address_family, CO_ADDRESS_FAMILY_Q2931);
  }
}

TEST_P(OpenAf, McmOpenGetsMiniportAdapterContextAtDispatchOrBelow) {
  NDISCONF_RULES("AF-031", "AF-044");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  const auto* open = t.mcm->log().Last<logged::ProtocolCmOpenAf>();
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(open->call_mgr_binding_context, t.mcm->ports().at(0).get());  // MiniportAdapterContext
  EXPECT_EQ(open->address_family, CO_ADDRESS_FAMILY_TAPI_PROXY);
  ASSERT_EQ(t.client->afs().size(), 1u);
  EXPECT_EQ(open->ndis_af_handle, t.client->afs().at(0)->ndis_af);
  // The monitor checks the IRQL of the ProtocolCmOpenAf event (AF-044).
}

TEST_P(OpenAf, CmOpenAfIsCalledAtDispatchOrBelow) {
  NDISCONF_RULES("AF-044");
  CmRecordsOpenIrql* cm = nullptr;
  stack::CmTopology t = Build(
      [&] {
        auto c = std::make_unique<CmRecordsOpenIrql>();
        cm = c.get();
        return c;
      },
      nullptr);
  stack().Settle();
  ASSERT_EQ(cm->open_irql.size(), 1u);
  EXPECT_LE(cm->open_irql[0], DISPATCH_LEVEL);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
}

// ---- AF-032: refused opens. ----

TEST_P(OpenAf, OpenOfUnregisteredAfFailsWithoutReachingCm) {
  NDISCONF_RULES("AF-032");
  HookedClient* client = nullptr;
  NDIS_STATUS s = NDIS_STATUS_PENDING;
  NDIS_HANDLE h = reinterpret_cast<NDIS_HANDLE>(uintptr_t{0x1234});
  int ctx = 0;
  stack::CmTopology t = Build(nullptr, [&] {
    auto c = std::make_unique<HookedClient>();
    client = c.get();
    client->in_notify = [&](ClBinding& b) {
      CO_ADDRESS_FAMILY other{0x99, 1, 0};  // registered by nobody
      s = NdisClOpenAddressFamilyEx(b.ndis_binding, &other, &ctx, &h);
    };
    return c;
  });
  stack().Settle();
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  EXPECT_EQ(h, nullptr);  // no handle handed out
  // Only the client's real open reached the CM.
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCmOpenAf>(t.cm->log()).address_family, CO_ADDRESS_FAMILY_Q2931);
  EXPECT_TRUE(Rejected(model(), ndis::Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_FAILURE,
                                              ndis::Reason::kNotRegistered, spec::RuleId::kAF032)));
}

TEST_P(OpenAf, CmResourcesFailurePropagatesWithoutCompletion) {
  NDISCONF_RULES("AF-032", "AF-033", "AF-039");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Sync(NDIS_STATUS_RESOURCES);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  const auto* open = t.cm->log().Last<logged::ProtocolCmOpenAf>();
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->status, NDIS_STATUS_RESOURCES);
  const auto& cl = t.client->log();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(cl).status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(cl).ndis_af_handle, nullptr);  // no handle
  EXPECT_EQ(cl.Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kFailed);
}

TEST_P(OpenAf, CmOtherFailurePropagatesAsIs) {
  NDISCONF_RULES("AF-033", "AF-039");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Sync(NDIS_STATUS_NOT_SUPPORTED);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  EXPECT_EQ(Last<logged::ProtocolCmOpenAf>(t.cm->log()).status, NDIS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client->log()).status,
            NDIS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kFailed);
}

TEST_P(OpenAf, NdisAllocationFailureGivesResources) {
  NDISCONF_RULES("AF-032");
  // Find, in a probe run of the same topology, how many allocations NDIS
  // made before the client's open; then fail exactly the open's.
  uint64_t before_open = 0;
  {
    stack::Stack probe;
    stack::CmTopologyParts parts;
    parts.cm = [this] { return MakeCm(); };
    parts.client = [&] {
      auto c = std::make_unique<HookedClient>();
      c->in_notify = [&](ClBinding&) { before_open = probe.model().stats().allocations; };
      return std::unique_ptr<Client>(std::move(c));
    };
    parts.miniport = [this] { return MakeMiniport(); };
    stack::BuildCmTopology(probe, parts);
    probe.Settle();
  }
  ASSERT_GT(before_open, 0u);
  ndis::Settings settings;
  settings.fail_allocation_at = before_open + 1;
  stack::CmTopology t = Build(
      nullptr, [] { return std::make_unique<HookedClient>(); }, settings);
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client->log()).status,
            NDIS_STATUS_RESOURCES);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 0u);
  EXPECT_TRUE(Rejected(
      model(), ndis::Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_RESOURCES,
                             ndis::Reason::kInjectedAllocationFailure, spec::RuleId::kAF032)));
}

// ---- AF-034: the pended-open ledger. ----

TEST_P(OpenAf, PendedOpenNeverCompletedIsReported) {
  NDISCONF_RULES("AF-034");
  ExpectViolation("AF-034");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending();
  stack::CmTopology t =
      Build([&] { return std::make_unique<CmNeverCompletesOpen>(config); }, nullptr);
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client->log()).status,
            NDIS_STATUS_PENDING);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpening);
}

TEST_P(OpenAf, OpenCompletedWithPendingIsIgnoredAndReported) {
  NDISCONF_RULES("AF-034");
  ExpectViolation("AF-034");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending();
  stack::CmTopology t =
      Build([&] { return std::make_unique<CmCompletesOpenWithPending>(config); }, nullptr);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  EXPECT_EQ(t.client->afs().at(0)->state, ClAfState::kOpening);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmOpenAddressFamilyComplete, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kPendingStatus, spec::RuleId::kAF034)));
}

TEST_P(OpenAf, ImplementationCmCompletesEachPendedOpenOnce) {
  NDISCONF_RULES("AF-034");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  // Exactly one completion reached the client, with the CM's status; a
  // second one would be a rejection and a monitor finding.
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClOpenAfCompleteEx>(t.client->log()).status,
            NDIS_STATUS_RESOURCES);
  EXPECT_EQ(FindRejection(model(), Fn::NdisCmOpenAddressFamilyComplete), nullptr);
}

// ---- AF-035: CallMgrAfContext. ----

TEST_P(OpenAf, PendedOpenContextReachesLaterCmCallbacks) {
  NDISCONF_RULES("AF-035");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_EQ(t.client->afs().at(0)->state, ClAfState::kOpen);
  EXPECT_EQ(stack().As(t.client_id,
                       [&] {
                         return t.client->RegisterSap(0, {1, {5}});
                       }),
            NDIS_STATUS_SUCCESS);
  const auto* reg = t.cm->log().Last<logged::ProtocolCmRegisterSap>();
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->call_mgr_af_context,
            t.cm->afs().at(0).get());  // the context the CM completed with
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeregisterSap(0); }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  const auto* close = t.cm->log().Last<logged::ProtocolCmCloseAf>();
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->call_mgr_af_context, t.cm->afs().at(0).get());
}

// ---- AF-036: the CM forgets a failed open's handle. ----

TEST_P(OpenAf, ImplementationCmDropsHandleAfterFailedOpen) {
  NDISCONF_RULES("AF-036");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_EQ(t.cm->afs().size(), 1u);
  EXPECT_EQ(t.cm->afs().at(0)->state, CmAfState::kFailed);
  EXPECT_EQ(t.cm->afs().at(0)->ndis_af, nullptr);
  // The monitor sees no later use of the handle by the CM.
}

TEST_P(OpenAf, CmUsingHandleAfterFailedOpenIsRefusedAndReported) {
  NDISCONF_RULES("AF-036");
  ExpectViolation("AF-036");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  CmUsesHandleAfterFailedOpen* cm = nullptr;
  Build(
      [&] {
        auto c = std::make_unique<CmUsesHandleAfterFailedOpen>(config);
        cm = c.get();
        return c;
      },
      nullptr);
  stack().Settle();
  EXPECT_EQ(cm->stale_status, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
}

// ---- AF-037: the open completion reaches the client at PASSIVE. ----

TEST_P(OpenAf, OpenCompletedAtDispatchIsDeliveredLaterAtPassive) {
  NDISCONF_RULES("AF-037");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending();
  CmCompletesOpenAtDispatch* cm = nullptr;
  HookedClient* client = nullptr;
  Build(
      [&] {
        auto c = std::make_unique<CmCompletesOpenAtDispatch>(config);
        cm = c.get();
        return c;
      },
      [&] {
        auto c = std::make_unique<HookedClient>();
        client = c.get();
        return c;
      });
  size_t delivered_inside = 99;
  bool queued = false;
  cm->after_complete = [&] {
    delivered_inside = client->log().Count<logged::ProtocolClOpenAfCompleteEx>();
    for (const ndis::WorkInfo& w : model().PendingWork()) {
      queued |= w.kind == ndis::WorkKind::kDeferredCompletion &&
                w.what.find("ProtocolClOpenAfCompleteEx") != std::string::npos;
    }
  };
  stack().Settle();
  EXPECT_EQ(cm->irql_at_complete, DISPATCH_LEVEL);
  EXPECT_EQ(delivered_inside, 0u);  // not called from inside the DISPATCH completion
  EXPECT_TRUE(queued);
  ASSERT_EQ(client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  ASSERT_EQ(client->open_complete_irql.size(), 1u);
  EXPECT_EQ(client->open_complete_irql[0], PASSIVE_LEVEL);
  const auto* done = client->log().Last<logged::ProtocolClOpenAfCompleteEx>();
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->client_af_context, client->afs().at(0).get());
  EXPECT_EQ(done->ndis_af_handle, cm->afs().at(0)->ndis_af);
  EXPECT_EQ(client->afs().at(0)->ndis_af, cm->afs().at(0)->ndis_af);  // the client kept it
}

TEST_P(OpenAf, FailedOpenCompletedAtDispatchGivesNullHandleAtPassive) {
  NDISCONF_RULES("AF-037");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  HookedClient* client = nullptr;
  Build([&] { return std::make_unique<CmCompletesOpenAtDispatch>(config); },
        [&] {
          auto c = std::make_unique<HookedClient>();
          client = c.get();
          return c;
        });
  stack().Settle();
  ASSERT_EQ(client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  const auto* done = client->log().Last<logged::ProtocolClOpenAfCompleteEx>();
  EXPECT_EQ(done->status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(done->client_af_context, client->afs().at(0).get());
  EXPECT_EQ(done->ndis_af_handle, nullptr);
  ASSERT_EQ(client->open_complete_irql.size(), 1u);
  EXPECT_EQ(client->open_complete_irql[0], PASSIVE_LEVEL);
  EXPECT_EQ(client->afs().at(0)->state, ClAfState::kFailed);
}

TEST_P(OpenAf, OpenCompletedAtPassiveRunsInlineWhenSchedulerSaysSo) {
  NDISCONF_RULES("AF-037");
  // The scheduler decides whether a PASSIVE-level completion is delivered
  // inline: every RunInline byte odd = inline; Pick bytes 0 = oldest.
  static const uint8_t kInline[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  ndis::ByteChooser chooser(kInline);
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending();
  stack::Stack& s = NewStack({}, &chooser);
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(config); };
  HookedClient* client = nullptr;
  parts.client = [&] {
    auto c = std::make_unique<HookedClient>();
    client = c.get();
    return std::unique_ptr<Client>(std::move(c));
  };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::BuildCmTopology(s, parts);
  s.Settle();
  ASSERT_EQ(client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClOpenAfCompleteEx>(client->log()).status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(client->open_complete_irql.size(), 1u);
  EXPECT_EQ(client->open_complete_irql[0], PASSIVE_LEVEL);
}

// ---- AF-038: NDIS has cleaned up before the failure callback. ----

TEST_P(OpenAf, FailedOpenHandleIsDeadInsideFailureCallback) {
  NDISCONF_RULES("AF-038", "AF-056");
  ExpectViolation("AF-056");  // the probe below is a client using a dead handle, on purpose
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending(NDIS_STATUS_RESOURCES);
  HookedClient* client = nullptr;
  stack::CmTopology* tp = nullptr;
  NDIS_STATUS probe = NDIS_STATUS_SUCCESS;
  stack::CmTopology t = Build([&] { return std::make_unique<CallManager>(config); },
                              [&] {
                                auto c = std::make_unique<HookedClient>();
                                client = c.get();
                                return c;
                              });
  tp = &t;
  client->on_open_complete = [&](ClAf&, NDIS_HANDLE h, NDIS_STATUS s) {
    if (s == NDIS_STATUS_SUCCESS) return;
    EXPECT_EQ(h, nullptr);
    const NDIS_HANDLE cm_handle = Last<logged::ProtocolCmOpenAf>(tp->cm->log()).ndis_af_handle;
    probe = NdisClCloseAddressFamily(cm_handle);
  };
  stack().Settle();
  ASSERT_EQ(client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 1u);
  EXPECT_EQ(probe, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kStaleHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
}

// ---- AF-039: no NDIS-called completion after a synchronous return. ----

TEST_P(OpenAf, SyncSuccessAndSyncFailureGetNoCompletionCallback) {
  NDISCONF_RULES("AF-039");
  // Two clients: the CM accepts the first open and refuses the second.
  class CmRefusesSecondOpen : public CallManager {
   public:
    using CallManager::CallManager;
    NDIS_STATUS OnOpenAf(CmPort& port, PCO_ADDRESS_FAMILY af, NDIS_HANDLE h,
                         PNDIS_HANDLE ctx) override {
      if (opens_++ == 1) return NDIS_STATUS_FAILURE;
      return CallManager::OnOpenAf(port, af, h, ctx);
    }
    int opens_ = 0;
  };
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [] { return std::make_unique<CmRefusesSecondOpen>(); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::TwoClientTopology t =
      stack::BuildTwoClientTopology(s, parts, [this] { return MakeClient(); });
  s.Settle();
  const NDIS_STATUS r1 = Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client1->log()).status;
  const NDIS_STATUS r2 = Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client2->log()).status;
  EXPECT_TRUE((r1 == NDIS_STATUS_SUCCESS && r2 == NDIS_STATUS_FAILURE) ||
              (r1 == NDIS_STATUS_FAILURE && r2 == NDIS_STATUS_SUCCESS));
  EXPECT_EQ(t.client1->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  EXPECT_EQ(t.client2->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
}

// ---- AF-040: no CO calls while the open is pending. ----

TEST_P(OpenAf, ImplementationClientWaitsForOpenCompletionBeforeSaps) {
  NDISCONF_RULES("AF-040");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  drivers::ClientConfig cl;
  cl.saps_after_open = {drivers::SapSpec{1, {3}}};
  stack::CmTopology t = CmTopology(cm, cl);
  stack().Settle();
  const std::vector<std::string> names = t.client->log().Names();
  size_t complete = names.size(), sap = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "ProtocolClOpenAfCompleteEx" && complete == names.size()) complete = i;
    if (names[i] == "own:NdisClRegisterSap" && sap == names.size()) sap = i;
  }
  ASSERT_LT(complete, names.size());
  ASSERT_LT(sap, names.size());
  EXPECT_LT(complete, sap);
}

// One call manager registering Q2931 and TAPI, pending every open.
drivers::CallManagerConfig TwoAfsPendedOpens() {
  drivers::CallManagerConfig c;
  c.afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}, {CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  c.open_af = OpPolicy::Pending();
  return c;
}

// Two AFs registered on the binding, each open pended by the CM: the
// client opens the second only after the first's ProtocolClOpenAfCompleteEx
// (found by the af_lifecycle fuzzer: the reference opened both at once).
TEST_P(OpenAf, ImplementationClientOpensSecondAfOnlyAfterFirstCompletes) {
  NDISCONF_RULES("AF-040");
  stack::CmTopology t = CmTopology(TwoAfsPendedOpens());
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  const std::vector<std::string> names = t.client->log().Names();
  std::vector<std::string> opens;
  for (const std::string& n : names) {
    if (n == "own:NdisClOpenAddressFamilyEx" || n == "ProtocolClOpenAfCompleteEx") {
      opens.push_back(n);
    }
  }
  EXPECT_EQ(opens, (std::vector<std::string>{
                       "own:NdisClOpenAddressFamilyEx", "ProtocolClOpenAfCompleteEx",
                       "own:NdisClOpenAddressFamilyEx", "ProtocolClOpenAfCompleteEx"}));
}

// The exemption from AF-030 covers the one open AF-040 deferred: opening the
// same AF again later, outside any notify, is still reported.
TEST_P(OpenAf, DeferredOpenExemptionIsUsedUpByTheDeferredOpen) {
  NDISCONF_RULES("AF-030", "AF-040");
  ExpectViolation("AF-030");
  stack::CmTopology t = CmTopology(TwoAfsPendedOpens());
  stack().Settle();
  ASSERT_TRUE(AfsOpenOnOneBinding(*t.client, {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  // A synchronous open this time, so no completion reaches the client with
  // a context it does not know.
  t.cm->mutable_config().open_af = OpPolicy::Sync();
  CO_ADDRESS_FAMILY tapi{CO_ADDRESS_FAMILY_TAPI, 1, 0};
  int context = 0;
  NDIS_HANDLE h = nullptr;
  const NDIS_STATUS s = stack().As(t.client_id, [&] {
    return NdisClOpenAddressFamilyEx(t.client->bindings().at(0)->ndis_binding, &tapi, &context, &h);
  });
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(h); }),
            NDIS_STATUS_SUCCESS);
  stack().Settle();
}

TEST_P(OpenAf, SecondOpenWhileFirstPendingIsReported) {
  NDISCONF_RULES("AF-040");
  ExpectViolation("AF-040");
  drivers::CallManagerConfig config;
  config.open_af = OpPolicy::Pending();
  ClientOpensAgainWhilePending* client = nullptr;
  Build([&] { return std::make_unique<CallManager>(config); },
        [&] {
          auto c = std::make_unique<ClientOpensAgainWhilePending>();
          client = c.get();
          return c;
        });
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(client->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(client->second_status, NDIS_STATUS_FAILURE);  // that AF is not registered
}

// ---- AF-041: unbind after a failed open (SHOULD). ----

TEST_P(OpenAf, ClientUnbindsAfterFailedOpen) {
  NDISCONF_RULES("AF-041");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Sync(NDIS_STATUS_RESOURCES);
  drivers::ClientConfig cl;
  cl.unbind_on_open_failure = true;
  stack::CmTopology t = CmTopology(cm, cl);
  stack().Settle();
  EXPECT_EQ(Last<logged::OwnNdisClOpenAddressFamilyEx>(t.client->log()).status,
            NDIS_STATUS_RESOURCES);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolUnbindAdapterEx>(), 1u);
  EXPECT_EQ(t.client->bindings().at(0)->state, ClBinding::State::kDown);
  EXPECT_FALSE(model().IsBound(t.client_id, t.adapter));
}

// ---- AF-042: handles are opaque; altered ones are refused. ----

TEST_P(OpenAf, AlteredAfHandleIsRefusedAndRealOneStillWorks) {
  NDISCONF_RULES("AF-042", "AF-056");
  ExpectViolation("AF-056");  // the altered handle is a handle NDIS never gave out
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const NDIS_HANDLE h = t.client->afs().at(0)->ndis_af;
  ASSERT_NE(h, nullptr);
  const NDIS_HANDLE altered =
      reinterpret_cast<NDIS_HANDLE>(reinterpret_cast<uintptr_t>(h) ^ uintptr_t{1});
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(altered); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                                      ndis::Reason::kUnknownHandle, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 0u);
  // A handle of another kind (the binding handle) is refused as well.
  const NDIS_HANDLE binding = t.client->bindings().at(0)->ndis_binding;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisClCloseAddressFamily(binding); }),
            NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(
      model(), ndis::Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE,
                             ndis::Reason::kWrongHandleKind, std::nullopt, "NdisAfHandle")));
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmCloseAf>(), 1u);
}

TEST_P(OpenAf, NullArgumentsToOpenAreInvalidParameter) {
  NDISCONF_RULES("AF-032");
  NDIS_STATUS null_af = NDIS_STATUS_SUCCESS, null_out = NDIS_STATUS_SUCCESS;
  NDIS_HANDLE h = reinterpret_cast<NDIS_HANDLE>(uintptr_t{0x5678});
  int ctx = 0;
  stack::CmTopology t = Build(nullptr, [&] {
    auto c = std::make_unique<HookedClient>();
    c->in_notify = [&](ClBinding& b) {
      null_af = NdisClOpenAddressFamilyEx(b.ndis_binding, nullptr, &ctx, &h);
      CO_ADDRESS_FAMILY af{CO_ADDRESS_FAMILY_Q2931, 1, 0};
      null_out = NdisClOpenAddressFamilyEx(b.ndis_binding, &af, &ctx, nullptr);
    };
    return c;
  });
  stack().Settle();
  EXPECT_EQ(null_af, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(h, nullptr);
  EXPECT_EQ(null_out, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 1u);  // only the client's own open
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_INVALID_PARAMETER,
                                      ndis::Reason::kNullArgument, std::nullopt, "AddressFamily")));
  EXPECT_TRUE(
      Rejected(model(), ndis::Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_INVALID_PARAMETER,
                                      ndis::Reason::kNullArgument, std::nullopt, "NdisAfHandle")));
}

// ---- AF-043: ClientAfContext in the client's callbacks. ----

TEST_P(OpenAf, ClientCallbacksCarryClientAfContext) {
  NDISCONF_RULES("AF-043");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  cm.close_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ClAf* af = t.client->afs().at(0).get();
  ASSERT_EQ(af->state, ClAfState::kOpen);
  EXPECT_EQ(Last<logged::ProtocolClOpenAfCompleteEx>(t.client->log()).client_af_context, af);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_PENDING);
  stack().Settle();
  ASSERT_EQ(t.client->log().Count<logged::ProtocolClCloseAfComplete>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolClCloseAfComplete>(t.client->log()).client_af_context, af);
  EXPECT_EQ(af->state, ClAfState::kClosed);
}

NDISCONF_INSTANTIATE(OpenAf);

}  // namespace
}  // namespace ndisconf::conformance
