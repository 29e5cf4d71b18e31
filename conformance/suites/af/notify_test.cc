// Conformance: ProtocolCoAfRegisterNotify, NDIS telling clients about
// registered AFs (spec 5.2; transitions B3/B4, M2/M3, R8; OQ-03, OQ-04).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/several_afs.h"

namespace ndisconf::conformance {

namespace logged = drivers::logged;
namespace {

using drivers::CallManager;
using drivers::CallManagerConfig;
using drivers::ClAfState;
using drivers::ClBinding;
using drivers::Client;
using drivers::ClientConfig;
using drivers::Comp;
using drivers::Mcm;
using drivers::McmConfig;

// Records how many notifications `watched` had received when this CM's
// ProtocolBindAdapterEx was about to return.
class ObservingCm : public CallManager {
 public:
  ObservingCm(CallManagerConfig c, const Client* watched)
      : CallManager(std::move(c), "cm-observing"), watched_(watched) {}
  NDIS_STATUS OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params) override {
    NDIS_STATUS s = CallManager::OnBindAdapter(bind_context, params);
    seen_at_bind_return.push_back(watched_->log().Count<logged::ProtocolCoAfRegisterNotify>());
    return s;
  }
  std::vector<size_t> seen_at_bind_return;

 private:
  const Client* watched_;
};

// Records, for each ProtocolCoAfRegisterNotify, the AF it was given, the
// binding context and the IRQL, then behaves as the reference client.
class RecordingClient : public Client {
 public:
  struct Seen {
    CO_ADDRESS_FAMILY af;
    const ClBinding* binding;
    KIRQL irql;
  };
  explicit RecordingClient(ClientConfig c = {}, std::string name = "client-recording")
      : Client(std::move(c), std::move(name)) {}
  void OnAfRegisterNotify(ClBinding& binding, PCO_ADDRESS_FAMILY af) override {
    seen.push_back({af != nullptr ? *af : CO_ADDRESS_FAMILY{}, &binding, NdisGetCurrentIrql()});
    Client::OnAfRegisterNotify(binding, af);
  }
  std::vector<Seen> seen;
};

// A client whose NDIS_PROTOCOL_CO_CHARACTERISTICS lacks the notify handler.
class NoNotifyClient : public Client {
 public:
  using Client::Client;
  void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars) override {
    Client::FillCoCharacteristics(chars);
    chars->CoAfRegisterNotifyHandler = nullptr;
  }
};

class NoNotifyCm : public CallManager {
 public:
  using CallManager::CallManager;
  void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars) override {
    CallManager::FillCoCharacteristics(chars);
    chars->CoAfRegisterNotifyHandler = nullptr;
  }
};

bool HasRejection(const ndis::Model& m, const ndis::Outcome& want) {
  for (const ndis::Rejection& r : m.rejections()) {
    if (r.outcome() == want) return true;
  }
  return false;
}

class AfNotify : public ConformanceTest {
 protected:
  // The client binds first; the CM binds afterwards and registers Q2931.
  struct Late {
    Client* client = nullptr;
    ObservingCm* cm = nullptr;
  };
  Late ClientThenCm(const ndis::Settings& settings) {
    NewStack(settings);
    Late l;
    l.client = &stack().Load(MakeClient());
    ActorId mp = kNoActor;
    stack().Load(MakeMiniport(), &mp);
    const ndis::AdapterId adapter = stack().AddAdapter(mp, "comp0", NdisMediumAtm);
    stack().Settle();
    ActorId cm_id = kNoActor;
    l.cm = &stack().Load(std::make_unique<ObservingCm>(CallManagerConfig{}, l.client), &cm_id);
    EXPECT_EQ(model().BindProtocol(cm_id, adapter), NDIS_STATUS_SUCCESS);
    stack().Settle();
    return l;
  }
};

// ---------------------------------------------------------------------------
// Every bound client, once the registrar has returned.

TEST_P(AfNotify, CmRegistrationNotifiesBoundClientOnlyAfterBindReturns) {
  NDISCONF_RULES("AF-020");
  Late l = ClientThenCm({});  // OQ-03 default: deferred
  EXPECT_EQ(l.cm->seen_at_bind_return, std::vector<size_t>{0});
  const auto& cl = l.client->log();
  ASSERT_EQ(cl.Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  const auto* n = cl.Last<logged::ProtocolCoAfRegisterNotify>();
  ASSERT_EQ(l.client->bindings().size(), 1u);
  EXPECT_EQ(n->protocol_binding_context,
            l.client->bindings()[0].get());  // the client's ProtocolBindingContext
  EXPECT_EQ(n->address_family, CO_ADDRESS_FAMILY_Q2931);
}

TEST_P(AfNotify, ImmediateNotifyPolicyDeliversFromInsideRegisterCall) {
  NDISCONF_RULES("AF-020");
  ndis::Settings s;
  s.notify_during_register = true;  // OQ-03 alternative
  Late l = ClientThenCm(s);
  EXPECT_EQ(l.cm->seen_at_bind_return, std::vector<size_t>{1});
  EXPECT_EQ(l.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);  // still exactly one
}

TEST_P(AfNotify, RegisteringCmIsNotNotifiedOfItsOwnAf) {
  NDISCONF_RULES("AF-020");
  stack::CmTopology t = CmTopology();  // OQ-04 default
  stack().Settle();
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
}

TEST_P(AfNotify, McmRegistrationNotifiesEachClientThatBindsAfterInitialize) {
  NDISCONF_RULES("AF-020");
  NewStack();
  Client& c1 = stack().Load(MakeClient());
  Client& c2 = stack().Load(std::make_unique<Client>(ClientConfig{}, "client2"));
  ActorId id = kNoActor;
  Mcm& mcm = stack().Load(MakeMcm(), &id);
  stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  for (const Client* c : {&c1, &c2}) {
    ASSERT_EQ(c->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u) << c->name();
    EXPECT_EQ(c->log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
              CO_ADDRESS_FAMILY_TAPI_PROXY);
    ASSERT_EQ(c->bindings().size(), 1u);
    EXPECT_EQ(c->log().Last<logged::ProtocolCoAfRegisterNotify>()->protocol_binding_context,
              c->bindings()[0].get());
  }
  EXPECT_EQ(mcm.log().Count<logged::ProtocolCmOpenAf>(), 2u);
}

// ---------------------------------------------------------------------------
// Clients that bind later are told too.

TEST_P(AfNotify, ClientBindingAfterRegistrationIsNotified) {
  NDISCONF_RULES("AF-021");
  NewStack();
  CallManager& cm = stack().Load(MakeCm());
  ActorId mp = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  const ndis::AdapterId adapter = stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().Settle();
  ASSERT_EQ(cm.ports().size(), 1u);
  ASSERT_EQ(cm.ports()[0]->register_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  ActorId cl = kNoActor;
  Client& client = stack().Load(MakeClient(), &cl);
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
  EXPECT_EQ(model().BindProtocol(cl, adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(client.log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
            CO_ADDRESS_FAMILY_Q2931);
  ASSERT_EQ(client.afs().size(), 1u);
  EXPECT_EQ(client.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

TEST_P(AfNotify, ClientBindingAfterMcmInitializedIsNotified) {
  NDISCONF_RULES("AF-021");
  NewStack();
  ActorId id = kNoActor;
  stack().Load(MakeMcm(), &id);
  const ndis::AdapterId adapter = stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  ActorId cl = kNoActor;
  Client& client = stack().Load(MakeClient(), &cl);
  EXPECT_EQ(model().BindProtocol(cl, adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(client.log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
            CO_ADDRESS_FAMILY_TAPI_PROXY);
}

// ---------------------------------------------------------------------------
// Repeated calls with the same binding context.

TEST_P(AfNotify, EachRegistrationOnAdapterNotifiesSameBindingContextAgain) {
  NDISCONF_RULES("AF-022");
  NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(); };
  parts.client = [&] { return MakeClient(); };
  parts.miniport = [&] { return MakeMiniport(); };
  CallManagerConfig c2;
  c2.afs = {{CO_ADDRESS_FAMILY_TAPI, 1, 0}};
  stack::TwoCmTopology t = stack::BuildTwoCmTopology(
      stack(), parts, [&] { return std::make_unique<CallManager>(c2, "cm2"); });
  stack().Settle();
  std::vector<ULONG> types;
  std::vector<NDIS_HANDLE> contexts;
  for (const auto& o : t.client->log().All<logged::ProtocolCoAfRegisterNotify>()) {
    types.push_back(o.address_family);
    contexts.push_back(o.protocol_binding_context);
  }
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(contexts[0], contexts[1]);
  EXPECT_EQ(contexts[0], t.client->bindings()[0].get());
  EXPECT_NE(types[0], types[1]);
  EXPECT_EQ(t.cm1->log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(t.cm2->log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

// ---------------------------------------------------------------------------
// A notify handler is mandatory for every CoNDIS protocol.

TEST_P(AfNotify, ProtocolWithoutNotifyHandlerIsRejected) {
  NDISCONF_RULES("AF-023");
  NewStack();
  NDIS_STATUS client_entry = NDIS_STATUS_SUCCESS, cm_entry = NDIS_STATUS_SUCCESS;
  Client& client = stack().Load(std::make_unique<NoNotifyClient>(ClientConfig{}, "client-nonotify"),
                                nullptr, &client_entry);
  stack().Load(std::make_unique<NoNotifyCm>(CallManagerConfig{}, "cm-nonotify"), nullptr,
               &cm_entry);
  EXPECT_EQ(client_entry, NDIS_STATUS_BAD_CHARACTERISTICS);  // OQ-18
  EXPECT_EQ(cm_entry, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_TRUE(HasRejection(
      model(), ndis::Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                             ndis::Reason::kMissingHandler, spec::RuleId::kAF023)));
  const auto* set = client.log().Last<logged::ProtocolSetOptions>();
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->status, NDIS_STATUS_BAD_CHARACTERISTICS);
}

TEST_P(AfNotify, CallManagerNotifyHandlerJustReturnsWhenNdisCallsIt) {
  NDISCONF_RULES("AF-023");
  ndis::Settings s;
  s.notify_registering_binding = true;  // OQ-04 alternative: NDIS calls the CM too
  stack::CmTopology t = CmTopology({}, {}, s);
  stack().Settle();
  ASSERT_EQ(t.cm->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(t.cm->log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
            CO_ADDRESS_FAMILY_Q2931);
  // The CM did nothing with it: the only open is the client's.
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(t.cm->afs().size(), 1u);
  EXPECT_EQ(t.client->afs().size(), 1u);
}

// ---------------------------------------------------------------------------
// At PASSIVE_LEVEL, with the registered AF's content.

TEST_P(AfNotify, NotifyRunsAtPassiveLevel) {
  NDISCONF_RULES("AF-024");
  NewStack();
  stack().Load(MakeCm());
  RecordingClient& client = stack().Load(std::make_unique<RecordingClient>());
  ActorId mp = kNoActor, mcm = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  stack().Load(MakeMcm(), &mcm);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().AddAdapter(mcm, "mcm0", NdisMediumCoWan);
  stack().Settle();
  ASSERT_GE(client.seen.size(), 2u);
  for (const RecordingClient::Seen& s : client.seen) {
    EXPECT_EQ(s.irql, PASSIVE_LEVEL) << "AF " << s.af.AddressFamily;
  }
}

TEST_P(AfNotify, NotifiedAfEqualsTheRegisteredAf) {
  NDISCONF_RULES("AF-025");
  NewStack();
  CallManagerConfig cc;
  cc.media = {NdisMediumAtm};
  cc.afs = {{CO_ADDRESS_FAMILY_Q2931, 3, 7}};
  McmConfig mc;
  mc.afs = {{CO_ADDRESS_FAMILY_TAPI_PROXY, 2, 5}};
  stack().Load(MakeCm(cc));
  RecordingClient& client = stack().Load(std::make_unique<RecordingClient>());
  ActorId mp = kNoActor, mcm = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  stack().Load(MakeMcm(mc), &mcm);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().AddAdapter(mcm, "mcm0", NdisMediumCoWan);
  stack().Settle();
  ASSERT_EQ(client.seen.size(), 2u);
  const CO_ADDRESS_FAMILY& a = client.seen[0].af;
  const CO_ADDRESS_FAMILY& b = client.seen[1].af;
  EXPECT_EQ(a.AddressFamily, static_cast<ULONG>(CO_ADDRESS_FAMILY_Q2931));
  EXPECT_EQ(a.MajorVersion, 3u);
  EXPECT_EQ(a.MinorVersion, 7u);
  EXPECT_EQ(b.AddressFamily, static_cast<ULONG>(CO_ADDRESS_FAMILY_TAPI_PROXY));
  EXPECT_EQ(b.MajorVersion, 2u);
  EXPECT_EQ(b.MinorVersion, 5u);
  EXPECT_NE(client.seen[0].binding, client.seen[1].binding);
}

// ---------------------------------------------------------------------------
// A client may decline by just returning.

TEST_P(AfNotify, ClientDecliningAfChangesNothingInNdis) {
  NDISCONF_RULES("AF-026");
  ClientConfig decline;
  decline.accept = {};
  stack::CmTopology t = CmTopology({}, decline);
  stack().Settle();
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(t.client->log().Count<logged::OwnNdisClOpenAddressFamilyEx>(), 0u);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 0u);
  EXPECT_TRUE(model().rejections().empty());
  // The registration is untouched: a client binding now can still open it.
  ActorId c2 = kNoActor;
  Client& client2 = stack().Load(std::make_unique<Client>(ClientConfig{}, "client2"), &c2);
  EXPECT_EQ(model().BindProtocol(c2, t.adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(client2.afs().size(), 1u);
  EXPECT_EQ(client2.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

// ---------------------------------------------------------------------------
// Several clients bound to the adapter (AF-020: "every CO client bound to
// that adapter").

TEST_P(AfNotify, CmRegistrationNotifiesEveryBoundClientWithItsOwnBinding) {
  NDISCONF_RULES("AF-020");
  stack::Stack& s = NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [this] { return MakeCm(); };
  parts.client = [this] { return MakeClient(); };
  parts.miniport = [this] { return MakeMiniport(); };
  stack::TwoClientTopology t =
      stack::BuildTwoClientTopology(s, parts, [this] { return MakeClient(); });
  s.Settle();
  for (const Client* c : {t.client1, t.client2}) {
    ASSERT_EQ(c->bindings().size(), 1u);
    ASSERT_EQ(c->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
    const auto* n = c->log().Last<logged::ProtocolCoAfRegisterNotify>();
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->protocol_binding_context,
              c->bindings()[0].get());  // its own ProtocolBindingContext
    EXPECT_EQ(n->address_family, CO_ADDRESS_FAMILY_Q2931);
    EXPECT_TRUE(AfsOpenOnOneBinding(*c, {CO_ADDRESS_FAMILY_Q2931}));
  }
  // Each client's open reached the CM as an open of its own.
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 2u);
  ASSERT_EQ(t.cm->afs().size(), 2u);
  EXPECT_NE(t.client1->afs()[0]->ndis_af, t.client2->afs()[0]->ndis_af);
}

NDISCONF_INSTANTIATE(AfNotify);

}  // namespace
}  // namespace ndisconf::conformance
