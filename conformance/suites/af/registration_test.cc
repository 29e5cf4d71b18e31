// Conformance: AF registration by call managers and miniport call managers
// (spec 5.1; state machine 2.3; sequences S1, S3; OQ-01, OQ-02, OQ-38).
//
// (R) tests drive NDIS and assert the status it returns and what the
// clients then see; (D) tests check the implementation's drivers (monitor
// clean) and, with a deliberately broken local driver, that the monitor
// reports the broken obligation.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {

namespace logged = drivers::logged;
namespace {

using drivers::CallManager;
using drivers::CallManagerConfig;
using drivers::ClAfState;
using drivers::Client;
using drivers::ClientConfig;
using drivers::CmPort;
using drivers::Comp;
using drivers::Mcm;
using drivers::McmConfig;
using drivers::OpPolicy;

constexpr CO_ADDRESS_FAMILY kQ2931{CO_ADDRESS_FAMILY_Q2931, 1, 0};
constexpr CO_ADDRESS_FAMILY kTapi{CO_ADDRESS_FAMILY_TAPI, 1, 0};
constexpr CO_ADDRESS_FAMILY kTapiProxy{CO_ADDRESS_FAMILY_TAPI_PROXY, 1, 0};

// A handle value NDIS never gave out.
NDIS_HANDLE Bogus() { return reinterpret_cast<NDIS_HANDLE>(uintptr_t{0x5eed0001}); }

// The model refused a call with exactly the typed outcome `want`.
::testing::AssertionResult Refused(const ndis::Model& m, const ndis::Outcome& want) {
  std::string seen;
  for (const ndis::Rejection& r : m.rejections()) {
    if (r.outcome() == want) return ::testing::AssertionSuccess();
    seen += "\n  " + r.ToString();
  }
  return ::testing::AssertionFailure() << "no rejection " << want << "; rejections:" << seen;
}

// Statuses of the CM's registrations on each of its bindings, in order.
std::vector<NDIS_STATUS> Registered(const drivers::CmCore& cm, size_t port) {
  if (port >= cm.ports().size()) return {};
  return cm.ports()[port]->register_status;
}

// Position of the first record of kind T in `log`, or SIZE_MAX.
template <class T>
size_t IndexOf(const drivers::CmLog& log) {
  const auto& entries = log.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (std::holds_alternative<T>(entries[i])) return i;
  }
  return SIZE_MAX;
}

// ---- Local drivers (each changes one thing about a reference driver). ----

// Registers one extra AF of its own from inside ProtocolBindAdapterEx, after
// the configured ones; `before_extra` runs just before that call.
class ExtraAfCm : public CallManager {
 public:
  ExtraAfCm(CallManagerConfig c, const CO_ADDRESS_FAMILY* extra, std::string name = "cm-extra")
      : CallManager(std::move(c), std::move(name)), extra_(extra) {}
  NDIS_STATUS OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params) override {
    NDIS_STATUS s = CallManager::OnBindAdapter(bind_context, params);
    if (s != NDIS_STATUS_SUCCESS) return s;
    if (before_extra) before_extra();
    CO_ADDRESS_FAMILY copy{};
    if (extra_ != nullptr) copy = *extra_;
    extra_status.push_back(NdisCmRegisterAddressFamilyEx(ports().back()->ndis_handle,
                                                         extra_ != nullptr ? &copy : nullptr));
    return s;
  }
  std::function<void()> before_extra;
  std::vector<NDIS_STATUS> extra_status;

 private:
  const CO_ADDRESS_FAMILY* extra_;
};

// The same for an MCM, from MiniportInitializeEx.
class ExtraAfMcm : public Mcm {
 public:
  ExtraAfMcm(McmConfig c, const CO_ADDRESS_FAMILY* extra)
      : Mcm(std::move(c), "mcm-extra"), extra_(extra) {}
  NDIS_STATUS OnInitialize(NDIS_HANDLE handle) override {
    NDIS_STATUS s = Mcm::OnInitialize(handle);
    if (s != NDIS_STATUS_SUCCESS) return s;
    if (before_extra) before_extra();
    CO_ADDRESS_FAMILY copy{};
    if (extra_ != nullptr) copy = *extra_;
    extra_status.push_back(
        NdisMCmRegisterAddressFamilyEx(handle, extra_ != nullptr ? &copy : nullptr));
    return s;
  }
  std::function<void()> before_extra;
  std::vector<NDIS_STATUS> extra_status;

 private:
  const CO_ADDRESS_FAMILY* extra_;
};

// An MCM that serves its configured AFs but registers none of them from
// MiniportInitializeEx (the test registers them later, as a late driver).
class LateMcm : public Mcm {
 public:
  using Mcm::Mcm;
  NDIS_STATUS OnInitialize(NDIS_HANDLE handle) override {
    const std::vector<CO_ADDRESS_FAMILY> afs = config().afs;
    mutable_config().afs.clear();
    NDIS_STATUS s = Mcm::OnInitialize(handle);
    mutable_config().afs = afs;
    return s;
  }
  // Registers the configured AFs now (call under this driver's actor), as
  // the MCM would from MiniportInitializeEx; returns the last status.
  NDIS_STATUS RegisterLate() {
    CmPort& port = *ports().back();
    NDIS_STATUS last = NDIS_STATUS_FAILURE;
    for (const CO_ADDRESS_FAMILY& configured : config().afs) {
      CO_ADDRESS_FAMILY af = configured;
      last = NdisMCmRegisterAddressFamilyEx(port.ndis_handle, &af);
      port.register_status.push_back(last);
    }
    return last;
  }
};

// A protocol driver with the CM's code that registers no CoNDIS handlers at
// all (it is not a CO protocol).
class NonCoProtocol : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnSetOptions(NDIS_HANDLE) override { return NDIS_STATUS_SUCCESS; }
};

// A miniport with the MCM's code that registers no CoNDIS handlers.
class NonCoMcm : public Mcm {
 public:
  using Mcm::Mcm;
  NDIS_STATUS OnSetOptions(NDIS_HANDLE) override { return NDIS_STATUS_SUCCESS; }
};

// A connectionless miniport: the CoNDIS miniport without its SetOptions, so
// it never registers NDIS_MINIPORT_CO_CHARACTERISTICS.
class ConnectionlessMiniport : public Comp {
 public:
  using Comp::Comp;
  void FillMiniportCharacteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars) override {
    Comp::FillMiniportCharacteristics(chars);
    chars->SetOptionsHandler = nullptr;
  }
};

// Tries to register an AF from its ProtocolUnbindAdapterEx (binding closing).
class RegisterOnUnbindCm : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE unbind_context, CmPort& port) override {
    CO_ADDRESS_FAMILY af = kTapi;
    unbind_register_status.push_back(NdisCmRegisterAddressFamilyEx(port.ndis_handle, &af));
    return CallManager::OnUnbindAdapter(unbind_context, port);
  }
  std::vector<NDIS_STATUS> unbind_register_status;
};

class AfRegistration : public ConformanceTest {
 protected:
  // `cm` and the implementation's client over one CoNDIS miniport.
  stack::CmTopology CmOver(std::unique_ptr<CallManager> cm, std::unique_ptr<Comp> mp = nullptr,
                           const ndis::Settings& settings = {}) {
    NewStack(settings);
    stack::CmTopology t;
    t.cm = &stack().Load(std::move(cm), &t.cm_id);
    t.client = &stack().Load(MakeClient(), &t.client_id);
    t.miniport = &stack().Load(mp ? std::move(mp) : MakeMiniport(), &t.miniport_id);
    t.adapter = stack().AddAdapter(t.miniport_id, "comp0", NdisMediumAtm);
    stack().Settle();
    return t;
  }
};

// ---------------------------------------------------------------------------
// The CM registers from ProtocolBindAdapterEx, on a binding it opened.

TEST_P(AfRegistration, CmRegistersFromBindAdapterAfterOpeningBinding) {
  NDISCONF_RULES("AF-001");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const auto& log = t.cm->log();
  ASSERT_EQ(log.Count<logged::OwnNdisCmRegisterAddressFamilyEx>(), 1u);
  const auto* reg = log.Last<logged::OwnNdisCmRegisterAddressFamilyEx>();
  EXPECT_EQ(reg->status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.cm->ports().size(), 1u);
  EXPECT_EQ(reg->ndis_binding_handle,
            t.cm->ports()[0]->ndis_handle);  // the binding NdisOpenAdapterEx gave it
  const size_t bind = IndexOf<logged::ProtocolBindAdapterEx>(log);
  const size_t ret = IndexOf<logged::ProtocolBindAdapterExRet>(log);
  const size_t own = IndexOf<logged::OwnNdisCmRegisterAddressFamilyEx>(log);
  EXPECT_LT(bind, own);
  EXPECT_LT(own, ret);
}

TEST_P(AfRegistration, CmRegisteringOnUnknownOrForeignBindingHandleGetsFailure) {
  NDISCONF_RULES("AF-001");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_EQ(t.client->bindings().size(), 1u);
  const NDIS_HANDLE client_binding = t.client->bindings()[0]->ndis_binding;
  ASSERT_EQ(t.client->afs().size(), 1u);
  const NDIS_HANDLE af_handle = t.client->afs()[0]->ndis_af;
  CO_ADDRESS_FAMILY af = kTapi;
  // Unknown, NULL, another driver's binding, and a handle of another kind.
  EXPECT_EQ(stack().As(*t.cm, [&] { return NdisCmRegisterAddressFamilyEx(Bogus(), &af); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(*t.cm, [&] { return NdisCmRegisterAddressFamilyEx(nullptr, &af); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(*t.cm, [&] { return NdisCmRegisterAddressFamilyEx(client_binding, &af); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(*t.cm, [&] { return NdisCmRegisterAddressFamilyEx(af_handle, &af); }),
            NDIS_STATUS_FAILURE);
  stack().Settle();
  // Nothing was registered: the client heard of the CM's one AF only.
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_TRUE(Refused(model(), ndis::Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                             ndis::Reason::kForeignHandle, spec::RuleId::kAF001)));
  // The calls came from outside ProtocolBindAdapterEx: the monitor says so.
  ExpectViolation("AF-001");
}

TEST_P(AfRegistration, CmRegisteringOutsideBindAdapterIsFlagged) {
  NDISCONF_RULES("AF-001");
  // A CM that registers nothing while binding and registers afterwards,
  // from the harness, as a late driver would.
  CallManagerConfig c;
  c.afs = {};
  stack::CmTopology t = CmOver(std::make_unique<CallManager>(c, "cm-late"));
  ASSERT_EQ(t.cm->ports().size(), 1u);
  CO_ADDRESS_FAMILY af = kQ2931;
  const NDIS_HANDLE b = t.cm->ports()[0]->ndis_handle;
  EXPECT_EQ(stack().As(*t.cm, [&] { return NdisCmRegisterAddressFamilyEx(b, &af); }),
            NDIS_STATUS_SUCCESS);
  stack().Settle();
  ExpectViolation("AF-001");
}

// ---------------------------------------------------------------------------
// One registration per adapter the CM binds to; several AFs allowed.

TEST_P(AfRegistration, CmRegistersItsAfOnEveryAdapterItBindsTo) {
  NDISCONF_RULES("AF-002");
  NewStack();
  CallManager& cm = stack().Load(MakeCm());
  Client& client = stack().Load(MakeClient());
  ActorId mp = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().AddAdapter(mp, "comp1", NdisMediumAtm);
  stack().Settle();
  ASSERT_EQ(cm.ports().size(), 2u);
  EXPECT_EQ(Registered(cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(Registered(cm, 1), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(cm.log().Count<logged::OwnNdisCmRegisterAddressFamilyEx>(), 2u);
  // Each adapter's client binding heard of it and opened it.
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  ASSERT_EQ(client.afs().size(), 2u);
  EXPECT_NE(client.afs()[0]->binding, client.afs()[1]->binding);
  EXPECT_EQ(client.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(client.afs()[1]->state, ClAfState::kOpen);
}

TEST_P(AfRegistration, CmMayRegisterSeveralAfsOnOneBinding) {
  NDISCONF_RULES("AF-003");
  CallManagerConfig c;
  c.afs = {kQ2931, kTapi};
  stack::CmTopology t = CmTopology(c);
  stack().Settle();
  EXPECT_EQ(Registered(*t.cm, 0),
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS}));
  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  std::vector<ULONG> types;
  for (const auto& o : cl.All<logged::ProtocolCoAfRegisterNotify>()) {
    types.push_back(o.address_family);
  }
  EXPECT_EQ(types, (std::vector<ULONG>{CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI}));
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 2u);
}

TEST_P(AfRegistration, McmMayRegisterSeveralAfsPerAdapterOneCallEach) {
  NDISCONF_RULES("AF-003");
  McmConfig c;
  c.afs = {kTapiProxy, kQ2931};
  stack::McmTopology t = McmTopology(c);
  stack().Settle();
  EXPECT_EQ(t.mcm->log().Count<logged::OwnNdisMCmRegisterAddressFamilyEx>(), 2u);
  EXPECT_EQ(Registered(*t.mcm, 0),
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS}));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCmOpenAf>(), 2u);
}

// ---------------------------------------------------------------------------
// One CMx per AF type per adapter.

TEST_P(AfRegistration, SecondCmRegisteringSameAfOnAdapterGetsFailure) {
  NDISCONF_RULES("AF-004");
  NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(); };
  parts.client = [&] { return MakeClient(); };
  parts.miniport = [&] { return MakeMiniport(); };
  stack::TwoCmTopology t = stack::BuildTwoCmTopology(
      stack(), parts, [&] { return std::make_unique<CallManager>(CallManagerConfig{}, "cm2"); });
  stack().Settle();
  EXPECT_EQ(Registered(*t.cm1, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(Registered(*t.cm2, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(
      Refused(model(), ndis::Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kAlreadyRegistered, spec::RuleId::kAF004)));
  // The client hears of one Q2931 and its open reaches the first CM only.
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(t.cm1->log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(t.cm2->log().Count<logged::ProtocolCmOpenAf>(), 0u);
}

TEST_P(AfRegistration, TwoCmsRegisteringSameAfOnDifferentAdaptersBothSucceed) {
  NDISCONF_RULES("AF-004");
  NewStack();
  // Each CM can bind to one medium only, so each serves one adapter.
  CallManagerConfig c1, c2;
  c1.media = {NdisMediumAtm};
  c2.media = {NdisMediumCoWan};
  CallManager& cm1 = stack().Load(MakeCm(c1));
  CallManager& cm2 = stack().Load(std::make_unique<CallManager>(c2, "cm2"));
  Client& client = stack().Load(MakeClient());
  ActorId mp = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  stack().AddAdapter(mp, "compA", NdisMediumAtm);
  stack().AddAdapter(mp, "compB", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(Registered(cm1, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  ASSERT_EQ(cm2.ports().size(), 2u);
  // cm2's bind to the ATM adapter failed (no common medium); on the CoWAN
  // adapter its registration of the same type succeeds.
  EXPECT_EQ(cm2.ports()[0]->register_status, std::vector<NDIS_STATUS>{});
  EXPECT_EQ(Registered(cm2, 1), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
  EXPECT_EQ(cm1.log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(cm2.log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

TEST_P(AfRegistration, SameCmRegisteringAfTwiceOnOneBindingGetsFailure) {
  NDISCONF_RULES("AF-004");
  CallManagerConfig c;
  c.afs = {kQ2931, kQ2931};
  stack::CmTopology t = CmTopology(c);
  stack().Settle();
  EXPECT_EQ(Registered(*t.cm, 0),
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE}));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(t.cm->log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

TEST_P(AfRegistration, CmRegisteringAfThatMcmHoldsOnAdapterGetsFailure) {
  NDISCONF_RULES("AF-004");
  NewStack();
  CallManagerConfig c;
  c.afs = {kTapiProxy};
  CallManager& cm = stack().Load(MakeCm(c));
  Client& client = stack().Load(MakeClient());
  ActorId mcm_id = kNoActor;
  Mcm& mcm = stack().Load(MakeMcm(), &mcm_id);  // registers TAPI_PROXY in initialize
  stack().AddAdapter(mcm_id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(Registered(mcm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(Registered(cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(mcm.log().Count<logged::ProtocolCmOpenAf>(), 1u);
  EXPECT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 0u);
}

// ---------------------------------------------------------------------------
// NdisCmRegisterAddressFamilyEx: FAILURE causes, RESOURCES, bad input.

TEST_P(AfRegistration, RegisterByProtocolThatIsNotCoGetsFailure) {
  NDISCONF_RULES("AF-005");
  stack::CmTopology t = CmOver(std::make_unique<NonCoProtocol>(CallManagerConfig{}, "plain"));
  ASSERT_EQ(t.cm->ports().size(), 1u);
  EXPECT_EQ(Registered(*t.cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(
      Refused(model(), ndis::Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kWrongCallerRole, spec::RuleId::kAF005)));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
}

TEST_P(AfRegistration, RegisterOverMiniportThatIsNotCoGetsFailure) {
  NDISCONF_RULES("AF-005");
  stack::CmTopology t =
      CmOver(MakeCm(), std::make_unique<ConnectionlessMiniport>(drivers::CompConfig{}, "plain-mp"));
  ASSERT_EQ(t.cm->ports().size(), 1u);
  EXPECT_EQ(Registered(*t.cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(
      Refused(model(), ndis::Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kAdapterNotCoNdis, spec::RuleId::kAF005)));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
}

TEST_P(AfRegistration, RegisterOnBindingBeingClosedGetsFailure) {
  NDISCONF_RULES("AF-005", "AF-001");
  auto owned = std::make_unique<RegisterOnUnbindCm>(CallManagerConfig{}, "cm-unbind");
  RegisterOnUnbindCm* cm = owned.get();
  stack::CmTopology t = CmOver(std::move(owned));
  ASSERT_TRUE(model().UnbindProtocol(t.cm_id, t.adapter));
  stack().Settle();
  EXPECT_EQ(cm->unbind_register_status, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(Refused(model(), ndis::Outcome(Fn::NdisCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                             ndis::Reason::kClosing, spec::RuleId::kAF005)));
  // The only notification is the one for the registration made in bind.
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  // Registering outside ProtocolBindAdapterEx is the CM's own breach.
  ExpectViolation("AF-001");
}

TEST_P(AfRegistration, RegisterWhenNdisCannotAllocateGetsResources) {
  NDISCONF_RULES("AF-005");
  // A first run, identical up to the extra registration, counts NDIS's
  // allocations before it; the measured run fails the next one.
  uint64_t before = 0;
  {
    stack::Stack probe;
    auto cm = std::make_unique<ExtraAfCm>(CallManagerConfig{}, &kTapi);
    ExtraAfCm* p = cm.get();
    p->before_extra = [&] { before = probe.model().stats().allocations; };
    probe.Load(std::move(cm));
    probe.Load(MakeClient());
    ActorId mp = kNoActor;
    probe.Load(std::make_unique<Comp>(), &mp);
    probe.AddAdapter(mp, "comp0", NdisMediumAtm);
    ASSERT_EQ(p->extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  }
  ASSERT_GT(before, 0u);
  ndis::Settings s;
  s.fail_allocation_at = before + 1;
  NewStack(s);
  ExtraAfCm& cm = stack().Load(std::make_unique<ExtraAfCm>(CallManagerConfig{}, &kTapi));
  Client& client = stack().Load(MakeClient());
  ActorId mp = kNoActor;
  stack().Load(std::make_unique<Comp>(), &mp);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().Settle();
  EXPECT_EQ(Registered(cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(cm.extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_RESOURCES});
  // Only the registration that succeeded is announced.
  ASSERT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(client.log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
            CO_ADDRESS_FAMILY_Q2931);
}

TEST_P(AfRegistration, RegisterWithNullAddressFamilyGetsInvalidParameter) {
  NDISCONF_RULES("AF-005", "AF-006");
  NewStack();
  CallManagerConfig cc;
  cc.media = {NdisMediumAtm};  // the CM serves the plain miniport only
  ExtraAfCm& cm = stack().Load(std::make_unique<ExtraAfCm>(cc, nullptr));
  ExtraAfMcm& mcm = stack().Load(std::make_unique<ExtraAfMcm>(McmConfig{}, nullptr));
  Client& client = stack().Load(MakeClient());
  ActorId mp = kNoActor, mcm_id = stack().actor(mcm);
  stack().Load(std::make_unique<Comp>(), &mp);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().AddAdapter(mcm_id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(cm.extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_INVALID_PARAMETER});
  EXPECT_EQ(mcm.extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_INVALID_PARAMETER});
  // Their valid registrations stand: one notification per adapter.
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 2u);
}

// ---------------------------------------------------------------------------
// NdisMCmRegisterAddressFamilyEx.

TEST_P(AfRegistration, McmRegisteringSameAfTwiceOnAdapterGetsFailure) {
  NDISCONF_RULES("AF-006");
  McmConfig c;
  c.afs = {kTapiProxy, kTapiProxy};
  stack::McmTopology t = McmTopology(c);
  stack().Settle();
  EXPECT_EQ(Registered(*t.mcm, 0),
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE}));
  EXPECT_TRUE(
      Refused(model(), ndis::Outcome(Fn::NdisMCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kAlreadyRegistered, spec::RuleId::kAF006)));
  EXPECT_EQ(t.client->log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

TEST_P(AfRegistration, McmRegisterByMiniportThatIsNotCoGetsFailure) {
  NDISCONF_RULES("AF-006");
  NewStack();
  Client& client = stack().Load(MakeClient());
  ActorId id = kNoActor;
  NonCoMcm& mp = stack().Load(std::make_unique<NonCoMcm>(McmConfig{}, "plain-mcm"), &id);
  stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(Registered(mp, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  EXPECT_TRUE(
      Refused(model(), ndis::Outcome(Fn::NdisMCmRegisterAddressFamilyEx, NDIS_STATUS_FAILURE,
                                     ndis::Reason::kWrongCallerRole, spec::RuleId::kAF006)));
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 0u);
}

TEST_P(AfRegistration, McmRegisteringOnUnknownOrForeignAdapterHandleGetsFailure) {
  NDISCONF_RULES("AF-006", "AF-007");
  NewStack();
  Client& client = stack().Load(MakeClient());
  ActorId mcm_id = kNoActor, mp_id = kNoActor;
  Mcm& mcm = stack().Load(MakeMcm(), &mcm_id);
  Comp& comp = stack().Load(MakeMiniport(), &mp_id);
  stack().AddAdapter(mcm_id, "mcm0", NdisMediumCoWan);
  stack().AddAdapter(mp_id, "comp0", NdisMediumAtm);
  stack().Settle();
  ASSERT_EQ(mcm.ports().size(), 1u);
  const NDIS_HANDLE mcm_adapter = mcm.ports()[0]->ndis_handle;
  CO_ADDRESS_FAMILY af = kQ2931;
  EXPECT_EQ(stack().As(mcm, [&] { return NdisMCmRegisterAddressFamilyEx(Bogus(), &af); }),
            NDIS_STATUS_FAILURE);
  // Another miniport naming the MCM's adapter.
  EXPECT_EQ(stack().As(comp, [&] { return NdisMCmRegisterAddressFamilyEx(mcm_adapter, &af); }),
            NDIS_STATUS_FAILURE);
  stack().Settle();
  EXPECT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);  // the MCM's own only
  // Outside MiniportInitializeEx: the monitor flags the callers.
  ExpectViolation("AF-007");
}

TEST_P(AfRegistration, McmRegisterWhenNdisCannotAllocateGetsResources) {
  NDISCONF_RULES("AF-006");
  uint64_t before = 0;
  {
    stack::Stack probe;
    auto mcm = std::make_unique<ExtraAfMcm>(McmConfig{}, &kQ2931);
    ExtraAfMcm* p = mcm.get();
    p->before_extra = [&] { before = probe.model().stats().allocations; };
    ActorId id = kNoActor;
    probe.Load(std::move(mcm), &id);
    probe.Load(MakeClient());
    probe.AddAdapter(id, "mcm0", NdisMediumCoWan);
    ASSERT_EQ(p->extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  }
  ASSERT_GT(before, 0u);
  ndis::Settings s;
  s.fail_allocation_at = before + 1;
  NewStack(s);
  ActorId id = kNoActor;
  ExtraAfMcm& mcm = stack().Load(std::make_unique<ExtraAfMcm>(McmConfig{}, &kQ2931), &id);
  Client& client = stack().Load(MakeClient());
  stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(Registered(mcm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(mcm.extra_status, std::vector<NDIS_STATUS>{NDIS_STATUS_RESOURCES});
  ASSERT_EQ(client.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  EXPECT_EQ(client.log().Last<logged::ProtocolCoAfRegisterNotify>()->address_family,
            CO_ADDRESS_FAMILY_TAPI_PROXY);
}

// ---------------------------------------------------------------------------
// The MCM registers from MiniportInitializeEx.

TEST_P(AfRegistration, McmRegistersFromMiniportInitialize) {
  NDISCONF_RULES("AF-007");
  stack::McmTopology t = McmTopology();
  stack().Settle();
  const auto& log = t.mcm->log();
  ASSERT_EQ(log.Count<logged::OwnNdisMCmRegisterAddressFamilyEx>(), 1u);
  EXPECT_EQ(log.Last<logged::OwnNdisMCmRegisterAddressFamilyEx>()->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(log.Last<logged::OwnNdisMCmRegisterAddressFamilyEx>()->miniport_adapter_handle,
            t.mcm->ports()[0]->ndis_handle);
  EXPECT_LT(IndexOf<logged::MiniportInitializeEx>(log),
            IndexOf<logged::OwnNdisMCmRegisterAddressFamilyEx>(log));
  EXPECT_LT(IndexOf<logged::OwnNdisMCmRegisterAddressFamilyEx>(log),
            IndexOf<logged::MiniportInitializeExRet>(log));
}

TEST_P(AfRegistration, McmRegisteringAfterInitializeIsFlagged) {
  NDISCONF_RULES("AF-007");
  NewStack();
  stack().Load(MakeClient());
  ActorId id = kNoActor;
  LateMcm& mcm = stack().Load(std::make_unique<LateMcm>(McmConfig{}, "mcm-late"), &id);
  stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(stack().As(mcm, [&] { return mcm.RegisterLate(); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ExpectViolation("AF-007");
}

// ---------------------------------------------------------------------------
// An MCM displacing a stand-alone CM (OQ-02 / OQ-38, both policies).

TEST_P(AfRegistration, McmRegisteringAfHeldByCmPreemptsItForNewOpens) {
  NDISCONF_RULES("AF-008", "AF-007");
  NewStack();  // default: Settings::McmPreempt::kMcmWins (policy A)
  Client& client1 = stack().Load(MakeClient());
  CallManagerConfig cc;
  cc.afs = {kTapiProxy};
  CallManager& cm = stack().Load(MakeCm(cc));
  ActorId mcm_id = kNoActor;  // serves TAPI_PROXY, registers it only later
  LateMcm& mcm = stack().Load(std::make_unique<LateMcm>(McmConfig{}, "mcm-onboard"), &mcm_id);
  const ndis::AdapterId adapter = stack().AddAdapter(mcm_id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  ASSERT_EQ(Registered(cm, 0), std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  ASSERT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 1u);

  EXPECT_EQ(stack().As(mcm, [&] { return mcm.RegisterLate(); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  // The existing open on the CM stays.
  ASSERT_GE(client1.afs().size(), 1u);
  EXPECT_EQ(client1.afs()[0]->state, ClAfState::kOpen);
  // A client that binds now is offered the AF, and its open goes to the MCM.
  ActorId c2 = kNoActor;
  Client& client2 = stack().Load(std::make_unique<Client>(ClientConfig{}, "client2"), &c2);
  EXPECT_EQ(model().BindProtocol(c2, adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(client2.log().Count<logged::ProtocolCoAfRegisterNotify>(), 1u);
  ASSERT_EQ(client2.afs().size(), 1u);
  EXPECT_EQ(client2.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 1u);  // nothing new reached the CM
  const auto* open = mcm.log().Last<logged::ProtocolCmOpenAf>();
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->ndis_af_handle, client2.afs()[0]->ndis_af);
  // The MCM registered outside MiniportInitializeEx to stage this.
  ExpectViolation("AF-007");
}

TEST_P(AfRegistration, McmRegisteringAfHeldByCmFailsUnderFirstWinsPolicy) {
  NDISCONF_RULES("AF-008", "AF-007");
  ndis::Settings s;
  s.mcm_preempt = ndis::Settings::McmPreempt::kFirstWins;  // OQ-02 policy B
  NewStack(s);
  stack().Load(MakeClient());
  CallManagerConfig cc;
  cc.afs = {kTapiProxy};
  CallManager& cm = stack().Load(MakeCm(cc));
  ActorId mcm_id = kNoActor;
  LateMcm& mcm = stack().Load(std::make_unique<LateMcm>(McmConfig{}, "mcm-onboard"), &mcm_id);
  const ndis::AdapterId adapter = stack().AddAdapter(mcm_id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  EXPECT_EQ(stack().As(mcm, [&] { return mcm.RegisterLate(); }), NDIS_STATUS_FAILURE);
  stack().Settle();
  ActorId c2 = kNoActor;
  Client& client2 = stack().Load(std::make_unique<Client>(ClientConfig{}, "client2"), &c2);
  EXPECT_EQ(model().BindProtocol(c2, adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(client2.afs().size(), 1u);
  EXPECT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 2u);  // the CM keeps serving the AF
  EXPECT_EQ(mcm.log().Count<logged::ProtocolCmOpenAf>(), 0u);
  ExpectViolation("AF-007");
}

// ---------------------------------------------------------------------------
// NdisCm* / NdisMCm* calls come from the call manager that owns the object.

TEST_P(AfRegistration, McmCompletesPendedOpenAsTheAfsCallManager) {
  NDISCONF_RULES("AF-009");
  McmConfig c;
  c.open_af = OpPolicy::Pending();
  stack::McmTopology t = McmTopology(c);
  stack().Settle();
  const auto* done = t.client->log().Last<logged::ProtocolClOpenAfCompleteEx>();
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.client->afs().size(), 1u);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
}

TEST_P(AfRegistration, CmCompletionByDriverThatDoesNotOwnTheAfIsFlagged) {
  NDISCONF_RULES("AF-009");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_EQ(t.client->afs().size(), 1u);
  const NDIS_HANDLE h = t.client->afs()[0]->ndis_af;
  // The client, not the AF's call manager, calls a call-manager function.
  stack().As(*t.client, [&] { NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, h, nullptr); });
  stack().Settle();
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(t.client->log().Count<logged::ProtocolClOpenAfCompleteEx>(), 0u);
  ExpectViolation("AF-009");
}

NDISCONF_INSTANTIATE(AfRegistration);

}  // namespace
}  // namespace ndisconf::conformance
