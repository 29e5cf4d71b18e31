// Conformance: VCs as related to an address family (spec 5.7; state table
// 2.6 V1-V8; sequences S4 and S8; OQ-12 .. OQ-15).
#include <gtest/gtest.h>
#include <ndis.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/test_helpers.h"
#include "reference/boundary/boundary.h"
#include "reference/boundary/event.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClVcState;
using drivers::CmVcState;
using drivers::OpPolicy;
using drivers::SapSpec;

const SapSpec kSap{1, {0x51}};
const NDIS_HANDLE kBogus = reinterpret_cast<NDIS_HANDLE>(0xbad0c0de);

// Records the order of the create/delete-VC callbacks NDIS makes, across
// drivers (each driver's own CallLog cannot show the interleaving).
class CallOrder : public EventSink {
 public:
  void OnEvent(const Event& e) override {
    if (e.phase != Phase::kCall) return;
    if (e.fn == Fn::MiniportCoCreateVc || e.fn == Fn::ProtocolCoCreateVc ||
        e.fn == Fn::MiniportCoDeleteVc || e.fn == Fn::ProtocolCoDeleteVc) {
      calls.push_back({e.fn, e.actor});
    }
  }
  std::vector<std::pair<Fn, ActorId>> calls;
};

class Vc : public ConformanceTest {
 protected:
  // The model recorded a rejection with exactly the typed outcome `want`.
  ::testing::AssertionResult Rejected(const ndis::Outcome& want) {
    return conformance::Rejected(model(), want);
  }
  void RecordOrder() { Boundary::Get().AddSink(&order_); }

  // The client's VC 0 with an active call on it (make-call settled).
  size_t ActiveClientVc(const stack::CmTopology& t) {
    size_t vc = 0;
    EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
              NDIS_STATUS_SUCCESS);
    const NDIS_STATUS mc = stack().As(t.client_id, [&] { return t.client->MakeCall(vc); });
    EXPECT_TRUE(mc == NDIS_STATUS_SUCCESS || mc == NDIS_STATUS_PENDING) << mc;
    stack().Settle();
    EXPECT_EQ(t.client->vcs()[vc]->state, ClVcState::kActive);
    return vc;
  }

  CallOrder order_;  // outlives the run (detached when the run ends)
};

// A CM whose ProtocolCoCreateVc pends, which it must never do.
class PendingCreateCm : public drivers::CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnCreateVc(drivers::CmAf* af, NDIS_HANDLE ndis_vc, PNDIS_HANDLE ctx) override {
    const NDIS_STATUS s = CallManager::OnCreateVc(af, ndis_vc, ctx);
    return s == NDIS_STATUS_SUCCESS ? NDIS_STATUS_PENDING : s;
  }
};

// A CoNDIS miniport whose MiniportCoCreateVc pends, which it must never do.
class PendingCreateMiniport : public drivers::Comp {
 public:
  using Comp::Comp;
  NDIS_STATUS OnCreateVc(Adapter& a, NDIS_HANDLE ndis_vc, PNDIS_HANDLE ctx) override {
    const NDIS_STATUS s = Comp::OnCreateVc(a, ndis_vc, ctx);
    return s == NDIS_STATUS_SUCCESS ? NDIS_STATUS_PENDING : s;
  }
};

// An MCM for the OQ-12 policy that passes the NdisAfHandle: its
// ProtocolCoCreateVc records the first argument and maps it back to its own
// per-AF context before running the reference handler.
class AfHandleMcm : public drivers::Mcm {
 public:
  AfHandleMcm() {
    instance = this;
    seen = nullptr;
  }
  void FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) override {
    Mcm::FillCmHandlers(h);
    base_create = h->CmCreateVcHandler;
    h->CmCreateVcHandler = &CreateThunk;
  }
  static NDIS_STATUS CreateThunk(NDIS_HANDLE af_ctx, NDIS_HANDLE vc, PNDIS_HANDLE out) {
    seen = af_ctx;
    NDIS_HANDLE mapped = af_ctx;
    for (const auto& a : instance->afs()) {
      if (a->ndis_af == af_ctx) mapped = a.get();
    }
    return base_create(mapped, vc, out);
  }
  static inline AfHandleMcm* instance = nullptr;
  static inline NDIS_HANDLE seen = nullptr;
  static inline CO_CREATE_VC_HANDLER base_create = nullptr;
};

// ---- Creation (V1, V2). ----

TEST_P(Vc, ClientCreateVcCallsMiniportThenCmWithSameHandle) {
  NDISCONF_RULES("AF-103", "AF-111");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  RecordOrder();
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE vh = t.client->vcs()[vc]->ndis_vc;
  ASSERT_NE(vh, nullptr);
  // Synchronous: both callbacks ran before NdisCoCreateVc returned, with the
  // handle the client got.
  ASSERT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 1u);
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(Last<logged::MiniportCoCreateVc>(t.miniport->log()).ndis_vc_handle, vh);
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.cm->log()).ndis_vc_handle, vh);
  // AF-111: the CM's per-AF context is the first argument.
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.cm->log()).protocol_af_context,
            t.cm->afs()[0].get());
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoCreateVc>(), 0u);  // not the creator
  // OQ-13 default: the miniport first.
  ASSERT_EQ(order_.calls.size(), 2u);
  EXPECT_EQ(order_.calls[0], std::make_pair(Fn::MiniportCoCreateVc, t.miniport_id));
  EXPECT_EQ(order_.calls[1], std::make_pair(Fn::ProtocolCoCreateVc, t.cm_id));
}

TEST_P(Vc, PeerFirstPolicyCallsCmBeforeMiniport) {
  NDISCONF_RULES("AF-103");
  ndis::Settings settings;
  settings.create_vc_order = ndis::Settings::VcCallbackOrder::kPeerFirst;  // OQ-13, the other order
  stack::CmTopology t = CmTopology({}, {}, settings);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  RecordOrder();
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(order_.calls.size(), 2u);
  EXPECT_EQ(order_.calls[0], std::make_pair(Fn::ProtocolCoCreateVc, t.cm_id));
  EXPECT_EQ(order_.calls[1], std::make_pair(Fn::MiniportCoCreateVc, t.miniport_id));
  EXPECT_EQ(Last<logged::MiniportCoCreateVc>(t.miniport->log()).ndis_vc_handle,
            Last<logged::ProtocolCoCreateVc>(t.cm->log()).ndis_vc_handle);
}

TEST_P(Vc, CmCreatedVcReachesSapOwningClientWithClientAfContext) {
  NDISCONF_RULES("AF-101", "AF-103", "AF-111");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  RecordOrder();
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  const NDIS_HANDLE vh = t.cm->vcs()[vc]->ndis_vc;
  const auto* peer = t.client->log().Last<logged::ProtocolCoCreateVc>();
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->protocol_af_context, t.client->afs()[0].get());  // ClientAfContext
  EXPECT_EQ(peer->ndis_vc_handle, vh);
  EXPECT_EQ(Last<logged::MiniportCoCreateVc>(t.miniport->log()).ndis_vc_handle, vh);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  ASSERT_GE(order_.calls.size(), 2u);
  EXPECT_EQ(order_.calls[0].first, Fn::MiniportCoCreateVc);
  EXPECT_EQ(order_.calls[1], std::make_pair(Fn::ProtocolCoCreateVc, t.client_id));
}

TEST_P(Vc, CreateVcWithNonNullHandleGetsInvalidParameter) {
  NDISCONF_RULES("AF-100");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.client->bindings()[0]->ndis_binding;
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  NDIS_HANDLE vh = kBogus;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, af, nullptr, &vh); }),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(vh, kBogus);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_INVALID_PARAMETER,
                                     ndis::Reason::kBadArgument, spec::RuleId::kAF100)));
  ExpectViolation("AF-100");
}

TEST_P(Vc, CreateVcWithNullOutHandleGetsInvalidParameter) {
  NDISCONF_RULES("AF-102");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.client->bindings()[0]->ndis_binding;
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, af, nullptr, nullptr); }),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 0u);
}

TEST_P(Vc, CreateVcWithUnknownOrClosedAfHandleGetsFailure) {
  NDISCONF_RULES("AF-101", "AF-102");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE b = t.client->bindings()[0]->ndis_binding;
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  NDIS_HANDLE vh = nullptr;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, kBogus, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  // A binding handle in the AF slot.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, b, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  // A client may not pass NULL (that is a CM's signalling VC).
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, nullptr, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CloseAf(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(b, af, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 0u);
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE, ndis::Reason::kUnknownHandle,
                             spec::RuleId::kAF102, "NdisAfHandle")));
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kWrongHandleKind, spec::RuleId::kAF102,
                                     "NdisAfHandle")));
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE, ndis::Reason::kStaleHandle,
                             spec::RuleId::kAF102, "NdisAfHandle")));
  ExpectViolation("AF-101");
  ExpectViolation("AF-056");
}

TEST_P(Vc, CreateVcOnUnknownBindingGetsFailure) {
  NDISCONF_RULES("AF-102");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  NDIS_HANDLE vh = nullptr;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(kBogus, af, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  // The AF handle in the binding slot.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoCreateVc(af, af, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE, ndis::Reason::kUnknownHandle,
                             std::nullopt, "NdisBindingHandle")));
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE,
                             ndis::Reason::kWrongHandleKind, std::nullopt, "NdisBindingHandle")));
}

TEST_P(Vc, CreateVcAllocationFailureGetsResources) {
  NDISCONF_RULES("AF-102");
  // Count NDIS's allocations up to the point of the create in a dry run of
  // the same topology, then fail the next one.
  uint64_t before = 0;
  {
    stack::Stack dry;
    stack::BuildCmTopology(dry);
    dry.Settle();
    before = dry.model().stats().allocations;
  }
  ndis::Settings settings;
  settings.fail_allocation_at = before + 1;
  stack::CmTopology t = CmTopology({}, {}, settings);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(model().stats().allocations, before);
  size_t vc = 0;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_RESOURCES);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 0u);
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_RESOURCES,
                             ndis::Reason::kInjectedAllocationFailure, spec::RuleId::kAF102)));
  // The next attempt succeeds.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_SUCCESS);
}

TEST_P(Vc, PeerFailureRollsBackMiniportAndPropagatesStatus) {
  NDISCONF_RULES("AF-102", "AF-103");
  drivers::CallManagerConfig cm;
  cm.create_vc_status = NDIS_STATUS_RESOURCES;
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_RESOURCES);
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.cm->log()).status, NDIS_STATUS_RESOURCES);
  // OQ-13: the miniport's half is undone; the peer, which failed, is not called.
  ASSERT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  EXPECT_EQ(t.miniport->live_vcs(), 0u);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(Last<logged::OwnNdisCoCreateVc>(t.client->log()).ndis_vc_handle, nullptr);
}

TEST_P(Vc, MiniportFailurePropagatesStatusWithoutPeerCall) {
  NDISCONF_RULES("AF-102");
  drivers::CompConfig mp;
  mp.create_vc_status = NDIS_STATUS_RESOURCES;
  stack::CmTopology t = CmTopology({}, {}, {}, mp);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_RESOURCES);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);  // miniport first (OQ-13)
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
}

TEST_P(Vc, PeerPendingCreateVcIsDeletedAndFails) {
  NDISCONF_RULES("AF-104");
  // Built by hand: the CM is a deliberately broken one.
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [] { return std::make_unique<PendingCreateCm>(); };
  parts.client = [&] { return MakeClient(); };
  parts.miniport = [&] { return MakeMiniport(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  s.Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(s.As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.cm->log()).status, NDIS_STATUS_PENDING);
  // The VC is unusable: NDIS has the CM delete it and undoes the miniport's.
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCoDeleteVc>(t.cm->log()).protocol_vc_context,
            Last<logged::ProtocolCoCreateVc>(t.cm->log()).protocol_vc_context);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  EXPECT_EQ(Last<logged::OwnNdisCoCreateVc>(t.client->log()).ndis_vc_handle, nullptr);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kCannotPend, spec::RuleId::kAF104)));
  ExpectViolation("AF-104");
}

TEST_P(Vc, MiniportPendingCreateVcIsFlaggedAndFails) {
  NDISCONF_RULES("AF-104");
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(); };
  parts.client = [&] { return MakeClient(); };
  parts.miniport = [] { return std::make_unique<PendingCreateMiniport>(); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  s.Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  EXPECT_EQ(s.As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(Last<logged::MiniportCoCreateVc>(t.miniport->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kCannotPend, spec::RuleId::kAF104)));
  ExpectViolation("AF-104");
}

TEST_P(Vc, ReferenceVcHandlersNeverPend) {
  NDISCONF_RULES("AF-104");
  // The implementation's drivers, through a full create / call / delete
  // cycle in both directions: no VC callback returns PENDING (the monitor
  // checks every one).
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const size_t vc = ActiveClientVc(t);
  const NDIS_STATUS cc = stack().As(t.client_id, [&] { return t.client->CloseCall(vc); });
  EXPECT_TRUE(cc == NDIS_STATUS_SUCCESS || cc == NDIS_STATUS_PENDING) << cc;
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  ASSERT_GE(stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); }), 0);
  stack().Settle();
  auto never_pending = [](const auto& log) {
    for (const auto& o : log.template All<logged::ProtocolCoCreateVc>()) {
      EXPECT_NE(o.status, NDIS_STATUS_PENDING) << "ProtocolCoCreateVc";
    }
    for (const auto& o : log.template All<logged::ProtocolCoDeleteVc>()) {
      EXPECT_NE(o.status, NDIS_STATUS_PENDING) << "ProtocolCoDeleteVc";
    }
  };
  never_pending(t.cm->log());
  never_pending(t.client->log());
  for (const auto& o : t.miniport->log().All<logged::MiniportCoCreateVc>()) {
    EXPECT_NE(o.status, NDIS_STATUS_PENDING) << "MiniportCoCreateVc";
  }
  for (const auto& o : t.miniport->log().All<logged::MiniportCoDeleteVc>()) {
    EXPECT_NE(o.status, NDIS_STATUS_PENDING) << "MiniportCoDeleteVc";
  }
  EXPECT_GE(t.miniport->log().Count<logged::MiniportCoCreateVc>(), 2u);
}

// ---- Deletion (V4-V8). ----

TEST_P(Vc, DeleteVcCallsMiniportAndPeerThenHandleIsInvalid) {
  NDISCONF_RULES("AF-107");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE vh = t.client->vcs()[vc]->ndis_vc;
  const NDIS_HANDLE cm_ctx = Last<logged::ProtocolCoCreateVc>(t.cm->log()).protocol_vc_context;
  ASSERT_EQ(t.miniport->vcs().size(), 1u);
  const NDIS_HANDLE mp_ctx = t.miniport->vcs()[0].get();  // MiniportVcContext
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCoDeleteVc>(t.cm->log()).protocol_vc_context, cm_ctx);
  ASSERT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  EXPECT_EQ(Last<logged::MiniportCoDeleteVc>(t.miniport->log()).miniport_vc_context, mp_ctx);
  EXPECT_EQ(Last<logged::MiniportCoDeleteVc>(t.miniport->log()).ndis_vc_handle, vh);
  // Invalid once deletion returned: a second delete is refused.
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(vh); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 1u);
  ExpectViolation("AF-107");
}

TEST_P(Vc, DeleteActiveVcGetsNotAccepted) {
  NDISCONF_RULES("AF-106");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const size_t vc = ActiveClientVc(t);
  const NDIS_HANDLE vh = t.client->vcs()[vc]->ndis_vc;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(vh); }), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
  EXPECT_EQ(t.miniport->live_vcs(), 1u);
  // After the call is closed the same VC deletes normally.
  const NDIS_STATUS cc = stack().As(t.client_id, [&] { return t.client->CloseCall(vc); });
  EXPECT_TRUE(cc == NDIS_STATUS_SUCCESS || cc == NDIS_STATUS_PENDING) << cc;
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  ExpectViolation("AF-106");  // the delete with the call up was the caller's error
}

TEST_P(Vc, DeleteWhileDeactivatingGetsClosing) {
  NDISCONF_RULES("AF-106");
  drivers::CompConfig mp;
  mp.deactivate_vc = OpPolicy::Pending();
  stack::CmTopology t = CmTopology({}, {}, {}, mp);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const size_t vc = ActiveClientVc(t);
  const NDIS_HANDLE vh = t.client->vcs()[vc]->ndis_vc;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CloseCall(vc); }), NDIS_STATUS_PENDING);
  ASSERT_EQ(Last<logged::MiniportCoDeactivateVc>(t.miniport->log()).status, NDIS_STATUS_PENDING);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(vh); }), NDIS_STATUS_CLOSING);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  stack().Settle();
  EXPECT_EQ(t.client->vcs()[vc]->state, ClVcState::kInactive);
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  ExpectViolation("AF-106");
}

TEST_P(Vc, NonCreatorDeleteGetsFailure) {
  NDISCONF_RULES("AF-105");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  const NDIS_HANDLE vh = t.client->vcs()[vc]->ndis_vc;
  // The CM is the VC's peer, not its creator (OQ-15: FAILURE).
  EXPECT_EQ(stack().As(t.cm_id, [&] { return NdisCoDeleteVc(vh); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoDeleteVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kForeignHandle, spec::RuleId::kAF105)));
  // The creator still can.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  ExpectViolation("AF-105");
}

TEST_P(Vc, ClientDeletesOnlyItsOwnVcsCmDeletesIncomingCallVc) {
  NDISCONF_RULES("AF-105");
  // The implementation's drivers: an incoming-call VC (created by the CM)
  // is deleted by the CM after the client closes the call.
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.cm_id, [&] { return t.cm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  stack().Settle();
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(0); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisCoDeleteVc>(),
            0u);  // refused without calling NDIS
  const NDIS_STATUS cc = stack().As(t.client_id, [&] { return t.client->CloseCall(0); });
  EXPECT_TRUE(cc == NDIS_STATUS_SUCCESS || cc == NDIS_STATUS_PENDING) << cc;
  stack().Settle();
  ASSERT_NE(t.cm->log().Last<logged::OwnDeleteVc>(), nullptr);
  EXPECT_EQ(Last<logged::OwnDeleteVc>(t.cm->log()).status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.cm->vcs()[vc]->state, CmVcState::kDeleted);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
}

TEST_P(Vc, PeerRefusingDeleteKeepsVc) {
  NDISCONF_RULES("AF-108");
  drivers::CallManagerConfig cm;
  cm.delete_vc_status = NDIS_STATUS_NOT_ACCEPTED;
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  // OQ-14: the peer's status is returned and the VC stays.
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }),
            NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(Last<logged::ProtocolCoDeleteVc>(t.cm->log()).status, NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
  EXPECT_EQ(t.miniport->live_vcs(), 1u);
  t.cm->mutable_config().delete_vc_status = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.miniport->live_vcs(), 0u);
}

TEST_P(Vc, DeleteWithUnknownOrWrongKindHandleGetsFailure) {
  NDISCONF_RULES("AF-107");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE af = t.client->afs()[0]->ndis_af;
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(nullptr); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(kBogus); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.client_id, [&] { return NdisCoDeleteVc(af); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(t.miniport->log().Count<logged::MiniportCoDeleteVc>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoDeleteVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kNullArgument, std::nullopt, "NdisVcHandle")));
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisCoDeleteVc, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kUnknownHandle, std::nullopt, "NdisVcHandle")));
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisCoDeleteVc, NDIS_STATUS_FAILURE,
                             ndis::Reason::kWrongHandleKind, std::nullopt, "NdisVcHandle")));
  ExpectViolation("AF-107");
}

// ---- MCM VCs (V2, V7; OQ-12). ----

TEST_P(Vc, ClientVcOnMcmAfCallsMcmWithCallMgrAfContextAndNoMiniportCreate) {
  NDISCONF_RULES("AF-103", "AF-111");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs().size(), 1u);
  RecordOrder();
  size_t vc = 0;
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->CreateVc(0, &vc); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.mcm->log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.mcm->log()).protocol_af_context,
            t.mcm->afs()[0].get());
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.mcm->log()).ndis_vc_handle,
            t.client->vcs()[vc]->ndis_vc);
  // No MiniportCoCreateVc: an MCM registers none (AF-133), and the one call
  // recorded below is ProtocolCoCreateVc.
  ASSERT_EQ(order_.calls.size(), 1u);
  EXPECT_EQ(order_.calls[0], std::make_pair(Fn::ProtocolCoCreateVc, t.mcm_id));
  EXPECT_EQ(stack().As(t.client_id, [&] { return t.client->DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
}

TEST_P(Vc, McmAfHandlePolicyPassesNdisAfHandleToMcm) {
  NDISCONF_RULES("AF-111");
  ndis::Settings settings;
  settings.mcm_create_vc_gets_af_handle = true;  // OQ-12, the other reading
  stack::Stack& s = NewStack(settings);
  stack::McmTopologyParts parts;
  parts.mcm = [] { return std::make_unique<AfHandleMcm>(); };
  parts.client = [&] { return MakeClient(); };
  stack::McmTopology t = stack::BuildMcmTopology(s, parts);
  s.Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs().size(), 1u);
  ASSERT_EQ(s.As(t.client_id, [&] { return t.client->CreateVc(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(AfHandleMcm::seen, t.client->afs()[0]->ndis_af);
  EXPECT_NE(AfHandleMcm::seen, static_cast<NDIS_HANDLE>(t.mcm->afs()[0].get()));
}

TEST_P(Vc, McmCreateVcCallsOnlyClientAndMcmDeleteVcReachesClient) {
  NDISCONF_RULES("AF-103", "AF-107", "AF-110", "AF-111");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(t.client->afs().size(), 1u);
  const NDIS_HANDLE mh = t.mcm->ports()[0]->ndis_handle;
  const NDIS_HANDLE af = t.mcm->afs()[0]->ndis_af;
  RecordOrder();
  NDIS_HANDLE vh = nullptr;
  int ctx = 0;
  ASSERT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmCreateVc(mh, af, &ctx, &vh); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_NE(vh, nullptr);
  ASSERT_EQ(order_.calls.size(), 1u);
  EXPECT_EQ(order_.calls[0], std::make_pair(Fn::ProtocolCoCreateVc, t.client_id));
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.client->log()).protocol_af_context,
            t.client->afs()[0].get());
  EXPECT_EQ(Last<logged::ProtocolCoCreateVc>(t.client->log()).ndis_vc_handle, vh);
  const NDIS_HANDLE cl_ctx = Last<logged::ProtocolCoCreateVc>(t.client->log()).protocol_vc_context;
  // A CoNDIS NdisCoDeleteVc is the wrong call for an MCM's VC.
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisCoDeleteVc(vh); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoDeleteVc>(), 0u);
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmDeleteVc(vh); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.client->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
  EXPECT_EQ(Last<logged::ProtocolCoDeleteVc>(t.client->log()).protocol_vc_context, cl_ctx);
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmDeleteVc(vh); }), NDIS_STATUS_FAILURE);
  ExpectViolation("AF-110");
  ExpectViolation("AF-107");
}

TEST_P(Vc, McmCreateVcBadInputGetsPreciseStatus) {
  NDISCONF_RULES("AF-100", "AF-102");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE mh = t.mcm->ports()[0]->ndis_handle;
  const NDIS_HANDLE af = t.mcm->afs()[0]->ndis_af;
  NDIS_HANDLE vh = kBogus;
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmCreateVc(mh, af, nullptr, &vh); }),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmCreateVc(mh, af, nullptr, nullptr); }),
            NDIS_STATUS_INVALID_PARAMETER);
  vh = nullptr;
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmCreateVc(mh, kBogus, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisMCmCreateVc(kBogus, af, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  EXPECT_TRUE(Rejected(ndis::Outcome(Fn::NdisMCmCreateVc, NDIS_STATUS_INVALID_PARAMETER,
                                     ndis::Reason::kBadArgument, spec::RuleId::kAF100)));
  EXPECT_TRUE(
      Rejected(ndis::Outcome(Fn::NdisMCmCreateVc, NDIS_STATUS_FAILURE, ndis::Reason::kUnknownHandle,
                             spec::RuleId::kAF102, "NdisAfHandle")));
  ExpectViolation("AF-100");
}

TEST_P(Vc, McmUsingNdisCoCreateVcIsFlagged) {
  NDISCONF_RULES("AF-110");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  const NDIS_HANDLE mh = t.mcm->ports()[0]->ndis_handle;
  const NDIS_HANDLE af = t.mcm->afs()[0]->ndis_af;
  NDIS_HANDLE vh = nullptr;
  EXPECT_EQ(stack().As(t.mcm_id, [&] { return NdisCoCreateVc(mh, af, nullptr, &vh); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(vh, nullptr);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoCreateVc>(), 0u);
  ExpectViolation("AF-110");
}

TEST_P(Vc, McmIncomingCallUsesNdisMCmVcCalls) {
  NDISCONF_RULES("AF-110", "AF-093");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  ASSERT_FALSE(t.client->afs().empty()) << "the client opened no AF";
  ASSERT_EQ(stack().As(t.client_id, [&] { return t.client->RegisterSap(0, kSap); }),
            NDIS_STATUS_SUCCESS);
  const int vc = stack().As(t.mcm_id, [&] { return t.mcm->DispatchIncomingCall(0); });
  ASSERT_GE(vc, 0);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClIncomingCall>(), 1u);
  EXPECT_EQ(t.mcm->log().Count<logged::OwnNdisMCmDispatchIncomingCall>(), 1u);
  const NDIS_STATUS cc = stack().As(t.client_id, [&] { return t.client->CloseCall(0); });
  EXPECT_TRUE(cc == NDIS_STATUS_SUCCESS || cc == NDIS_STATUS_PENDING) << cc;
  stack().Settle();
  EXPECT_EQ(t.mcm->vcs()[vc]->state, CmVcState::kDeleted);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoDeleteVc>(), 1u);
}

NDISCONF_INSTANTIATE(Vc);

}  // namespace
}  // namespace ndisconf::conformance
