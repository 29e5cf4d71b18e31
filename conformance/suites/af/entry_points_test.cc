// Conformance: registration of CoNDIS entry points through
// NdisSetOptionalHandlers (spec 5.9, structures of 4.1; OQ-11, OQ-18).
//
// Malformed registrations are made by local variants of the reference
// drivers that change one field of one structure; NDIS must refuse them
// with NDIS_STATUS_BAD_CHARACTERISTICS (OQ-18) and the driver's
// registration fails with that status.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
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
using drivers::Mcm;
using drivers::McmConfig;

constexpr size_t kClientHandlers = 19;
constexpr size_t kCmHandlers = 17;

// Sets the i-th handler pointer of an optional-handler structure to NULL.
template <typename T>
void NullHandler(T* s, size_t first_offset, size_t i) {
  void* null = nullptr;
  std::memcpy(reinterpret_cast<unsigned char*>(s) + first_offset + i * sizeof(void*), &null,
              sizeof(null));
}

template <typename T>
using Edit = std::function<void(T*)>;

// Reference drivers with one edit applied to one registered structure.
class EditedClient : public Client {
 public:
  EditedClient(std::string name, Edit<NDIS_CO_CLIENT_OPTIONAL_HANDLERS> cl,
               Edit<NDIS_PROTOCOL_CO_CHARACTERISTICS> co = nullptr)
      : Client(ClientConfig{}, std::move(name)), cl_(std::move(cl)), co_(std::move(co)) {}
  void FillClientHandlers(NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) override {
    Client::FillClientHandlers(h);
    if (cl_) cl_(h);
  }
  void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* c) override {
    Client::FillCoCharacteristics(c);
    if (co_) co_(c);
  }

 private:
  Edit<NDIS_CO_CLIENT_OPTIONAL_HANDLERS> cl_;
  Edit<NDIS_PROTOCOL_CO_CHARACTERISTICS> co_;
};

class EditedCm : public CallManager {
 public:
  EditedCm(std::string name, Edit<NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS> cm)
      : CallManager(CallManagerConfig{}, std::move(name)), cm_(std::move(cm)) {}
  void FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) override {
    CallManager::FillCmHandlers(h);
    if (cm_) cm_(h);
  }

 private:
  Edit<NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS> cm_;
};

class EditedMcm : public Mcm {
 public:
  EditedMcm(std::string name, Edit<NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS> cm,
            Edit<NDIS_MINIPORT_CO_CHARACTERISTICS> mco = nullptr)
      : Mcm(McmConfig{}, std::move(name)), cm_(std::move(cm)), mco_(std::move(mco)) {}
  void FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) override {
    Mcm::FillCmHandlers(h);
    if (cm_) cm_(h);
  }
  void FillMiniportCoCharacteristics(NDIS_MINIPORT_CO_CHARACTERISTICS* c) override {
    Mcm::FillMiniportCoCharacteristics(c);
    if (mco_) mco_(c);
  }

 private:
  Edit<NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS> cm_;
  Edit<NDIS_MINIPORT_CO_CHARACTERISTICS> mco_;
};

// A client that registers its client handlers but no
// NDIS_PROTOCOL_CO_CHARACTERISTICS.
class ClientWithoutCoChars : public Client {
 public:
  using Client::Client;
  NDIS_STATUS OnSetOptions(NDIS_HANDLE h) override {
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS cl = MakeClientHandlers();
    return NdisSetOptionalHandlers(h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&cl));
  }
};

class CmWithoutCoChars : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnSetOptions(NDIS_HANDLE h) override {
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm = MakeCmHandlers();
    return NdisSetOptionalHandlers(h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&cm));
  }
};

// Stand-ins for an MCM's miniport VC handlers, which NDIS must never call.
int g_miniport_vc_calls = 0;
NDIS_STATUS StrayCreateVc(NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE) {
  ++g_miniport_vc_calls;
  return NDIS_STATUS_SUCCESS;
}
NDIS_STATUS StrayDeleteVc(NDIS_HANDLE) {
  ++g_miniport_vc_calls;
  return NDIS_STATUS_SUCCESS;
}
// One function registered as both the miniport's and the CM's OID handler.
NDIS_STATUS SharedOidRequest(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

// Rejections of `fn` with this status, reason and rule, whatever their parameter.
size_t CountRejections(const ndis::Model& m, Fn fn, NDIS_STATUS status, ndis::Reason reason,
                       std::optional<spec::RuleId> rule) {
  size_t n = 0;
  for (const ndis::Rejection& r : m.rejections()) {
    n += r.fn == fn && r.status == status && r.reason == reason && r.rule == rule;
  }
  return n;
}

class EntryPoints : public ConformanceTest {
 protected:
  // Loads `driver` and returns its DriverEntry status.
  template <class D>
  NDIS_STATUS EntryStatus(std::unique_ptr<D> driver) {
    NDIS_STATUS s = NDIS_STATUS_PENDING;
    stack().Load(std::move(driver), nullptr, &s);
    return s;
  }
};

// ---------------------------------------------------------------------------
// The implementation's drivers register complete, well-formed tables.

TEST_P(EntryPoints, ImplementationDriversRegisterEveryCoEntryPoint) {
  NDISCONF_RULES("AF-130", "AF-131", "AF-137");
  NewStack();
  NDIS_STATUS cm = NDIS_STATUS_PENDING, client = NDIS_STATUS_PENDING, mcm = NDIS_STATUS_PENDING;
  stack().Load(MakeCm(), nullptr, &cm);
  stack().Load(MakeClient(), nullptr, &client);
  stack().Load(MakeMcm(), nullptr, &mcm);
  EXPECT_EQ(cm, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(client, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(mcm, NDIS_STATUS_SUCCESS);
  for (const ndis::Rejection& r : model().rejections()) {
    ADD_FAILURE() << "NDIS refused " << r.ToString();
  }
}

// ---------------------------------------------------------------------------
// Every handler member is set.

TEST_P(EntryPoints, ClientHandlersWithAnyNullMemberAreRejected) {
  NDISCONF_RULES("AF-130");
  NewStack();
  for (size_t i = 0; i < kClientHandlers; ++i) {
    auto edit = [i](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) {
      NullHandler(h, offsetof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS, ClCreateVcHandler), i);
    };
    EXPECT_EQ(EntryStatus(std::make_unique<EditedClient>("client-null" + std::to_string(i), edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << "client handler #" << i + 1;
  }
  EXPECT_EQ(CountRejections(model(), Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                            ndis::Reason::kMissingHandler, spec::RuleId::kAF130),
            kClientHandlers);
}

TEST_P(EntryPoints, CmHandlersWithAnyNullMemberAreRejected) {
  NDISCONF_RULES("AF-131");
  NewStack();
  for (size_t i = 0; i < kCmHandlers; ++i) {
    auto edit = [i](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
      NullHandler(h, offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, CmCreateVcHandler), i);
    };
    EXPECT_EQ(EntryStatus(std::make_unique<EditedCm>("cm-null" + std::to_string(i), edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << "call-manager handler #" << i + 1;
  }
  EXPECT_EQ(CountRejections(model(), Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                            ndis::Reason::kMissingHandler, spec::RuleId::kAF131),
            kCmHandlers);
}

TEST_P(EntryPoints, McmHandlersWithAnyNullMemberAreRejected) {
  NDISCONF_RULES("AF-131");
  NewStack();
  for (size_t i = 0; i < kCmHandlers; ++i) {
    auto edit = [i](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
      NullHandler(h, offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, CmCreateVcHandler), i);
    };
    EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-null" + std::to_string(i), edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << "call-manager handler #" << i + 1;
  }
}

TEST_P(EntryPoints, OptionalHandlersOutsideSetOptionsAreRefused) {
  NDISCONF_RULES("AF-131", "AF-137");
  NewStack();
  CallManager& cm = stack().Load(MakeCm());
  ASSERT_NE(cm.protocol_handle(), nullptr);
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS handlers = CallManager::MakeCmHandlers();
  NDIS_PROTOCOL_CO_CHARACTERISTICS co = CallManager::MakeCoCharacteristics();
  const NDIS_HANDLE h = cm.protocol_handle();
  EXPECT_EQ(stack().As(cm,
                       [&] {
                         return NdisSetOptionalHandlers(
                             h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&handlers));
                       }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(stack().As(cm,
                       [&] {
                         return NdisSetOptionalHandlers(
                             h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&co));
                       }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(CountRejections(model(), Fn::NdisSetOptionalHandlers, NDIS_STATUS_FAILURE,
                            ndis::Reason::kOutsideCallback, spec::RuleId::kAF131),
            2u);
  ExpectViolation("AF-131");  // the monitor flags the out-of-context call
}

// ---------------------------------------------------------------------------
// What is special about an MCM.

TEST_P(EntryPoints, NdisNeverCallsMcmActivateOrDeactivateComplete) {
  NDISCONF_RULES("AF-132");
  ClientConfig c;
  c.vcs_after_open = 1;
  c.make_calls_after_open = true;
  stack::McmTopology t = McmTopology({}, c);
  stack().Settle();
  ASSERT_EQ(t.client->vcs().size(), 1u);
  EXPECT_EQ(t.client->vcs()[0]->state, drivers::ClVcState::kActive);  // the call came up
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCmMakeCall>(), 1u);
  // Close it as well, so a deactivation happens too.
  EXPECT_EQ(stack().As(*t.client, [&] { return t.client->CloseCall(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(t.client->vcs()[0]->state, drivers::ClVcState::kInactive);
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCmActivateVcComplete>(), 0u);
  EXPECT_EQ(t.mcm->log().Count<logged::ProtocolCmDeactivateVcComplete>(), 0u);
}

TEST_P(EntryPoints, McmMiniportVcHandlersAreIgnoredForItsCmVcHandlers) {
  NDISCONF_RULES("AF-133");
  g_miniport_vc_calls = 0;
  NewStack();
  ClientConfig cc;
  cc.vcs_after_open = 1;
  Client& client = stack().Load(MakeClient(cc));
  ActorId id = kNoActor;
  EditedMcm& mcm =
      stack().Load(std::make_unique<EditedMcm>("mcm-with-mp-vc", nullptr,
                                               [](NDIS_MINIPORT_CO_CHARACTERISTICS* c) {
                                                 c->CoCreateVcHandler = StrayCreateVc;
                                                 c->CoDeleteVcHandler = StrayDeleteVc;
                                               }),
                   &id);
  stack().AddAdapter(id, "mcm0", NdisMediumCoWan);
  stack().Settle();
  ASSERT_EQ(client.vcs().size(), 1u);
  EXPECT_EQ(stack().As(client, [&] { return client.DeleteVc(0); }), NDIS_STATUS_SUCCESS);
  stack().Settle();
  EXPECT_EQ(mcm.log().Count<logged::ProtocolCoCreateVc>(), 1u);
  EXPECT_EQ(mcm.log().Count<logged::ProtocolCoDeleteVc>(), 1u);
  EXPECT_EQ(g_miniport_vc_calls, 0);
}

TEST_P(EntryPoints, McmWithoutProtocolCoCreateOrDeleteVcIsRejected) {
  NDISCONF_RULES("AF-133");
  NewStack();
  auto no_create = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
    h->CmCreateVcHandler = nullptr;
  };
  auto no_delete = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
    h->CmDeleteVcHandler = nullptr;
  };
  EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-no-create", no_create)),
            NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-no-delete", no_delete)),
            NDIS_STATUS_BAD_CHARACTERISTICS);
}

TEST_P(EntryPoints, McmCmOidRequestHandlerThatIsItsMiniportOidHandlerIsRejected) {
  NDISCONF_RULES("AF-134");
  NewStack();
  auto cm = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
    h->CmOidRequestHandler = reinterpret_cast<CO_OID_REQUEST_HANDLER>(&SharedOidRequest);
  };
  auto mco = [](NDIS_MINIPORT_CO_CHARACTERISTICS* c) { c->CoOidRequestHandler = SharedOidRequest; };
  EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-shared-oid", cm, mco)),
            NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(CountRejections(model(), Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                            ndis::Reason::kSharedHandler, spec::RuleId::kAF134),
            1u);
}

TEST_P(EntryPoints, McmWithoutProtocolCoOidRequestOrCompleteIsRejected) {
  NDISCONF_RULES("AF-134");
  NewStack();
  auto no_req = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) { h->CmOidRequestHandler = nullptr; };
  auto no_done = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
    h->CmOidRequestCompleteHandler = nullptr;
  };
  EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-no-oid", no_req)),
            NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-no-oid-complete", no_done)),
            NDIS_STATUS_BAD_CHARACTERISTICS);
}

// ---------------------------------------------------------------------------
// Object headers.

TEST_P(EntryPoints, MalformedClientHandlerHeadersAreRejected) {
  NDISCONF_RULES("AF-136");
  NewStack();
  const std::vector<std::pair<std::string, Edit<NDIS_CO_CLIENT_OPTIONAL_HANDLERS>>> cases = {
      {"rev0", [](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) { h->Header.Revision = 0; }},
      {"rev2", [](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) { h->Header.Revision = 2; }},
      {"short", [](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) { h->Header.Size -= 1; }},
      {"x86size", [](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) { h->Header.Size = 84; }},
      {"type",
       [](NDIS_CO_CLIENT_OPTIONAL_HANDLERS* h) { h->Header.Type = NDIS_OBJECT_TYPE_DEFAULT; }},
  };
  for (const auto& [name, edit] : cases) {
    EXPECT_EQ(EntryStatus(std::make_unique<EditedClient>("client-" + name, edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << name;
  }
}

TEST_P(EntryPoints, MalformedProtocolCoCharacteristicsHeadersAreRejected) {
  NDISCONF_RULES("AF-136");
  NewStack();
  const std::vector<std::pair<std::string, Edit<NDIS_PROTOCOL_CO_CHARACTERISTICS>>> cases = {
      {"rev2", [](NDIS_PROTOCOL_CO_CHARACTERISTICS* c) { c->Header.Revision = 2; }},
      {"short", [](NDIS_PROTOCOL_CO_CHARACTERISTICS* c) { c->Header.Size = 24; }},
  };
  for (const auto& [name, edit] : cases) {
    EXPECT_EQ(EntryStatus(std::make_unique<EditedClient>("client-co-" + name, nullptr, edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << name;
  }
}

TEST_P(EntryPoints, MalformedCmHandlerHeadersAreRejected) {
  NDISCONF_RULES("AF-136");
  NewStack();
  const std::vector<std::pair<std::string, Edit<NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS>>> cases = {
      {"rev2", [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) { h->Header.Revision = 2; }},
      {"below-macro",
       [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
         h->Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1 - 1;
       }},
      {"x86size", [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) { h->Header.Size = 72; }},
  };
  for (const auto& [name, edit] : cases) {
    EXPECT_EQ(EntryStatus(std::make_unique<EditedCm>("cm-" + name, edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << name;
  }
}

TEST_P(EntryPoints, CmHandlersOfWdk7MacroSizeAreAcceptedAndServeClients) {
  NDISCONF_RULES("AF-136");
  NewStack();  // OQ-11: Size 136 (through CmOidRequestCompleteHandler) is accepted
  NDIS_STATUS entry = NDIS_STATUS_PENDING;
  auto macro_size = [](NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* h) {
    h->Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
    h->CmNotifyCloseAfCompleteHandler = nullptr;  // beyond Size: not read
  };
  EditedCm& cm = stack().Load(std::make_unique<EditedCm>("cm-wdk7", macro_size), nullptr, &entry);
  EXPECT_EQ(entry, NDIS_STATUS_SUCCESS);
  Client& client = stack().Load(MakeClient());
  ActorId mp = kNoActor;
  stack().Load(MakeMiniport(), &mp);
  stack().AddAdapter(mp, "comp0", NdisMediumAtm);
  stack().Settle();
  ASSERT_EQ(client.afs().size(), 1u);
  EXPECT_EQ(client.afs()[0]->state, ClAfState::kOpen);
  EXPECT_EQ(cm.log().Count<logged::ProtocolCmOpenAf>(), 1u);
}

TEST_P(EntryPoints, MalformedMiniportCoCharacteristicsHeadersAreRejected) {
  NDISCONF_RULES("AF-136");
  NewStack();
  const std::vector<std::pair<std::string, Edit<NDIS_MINIPORT_CO_CHARACTERISTICS>>> cases = {
      {"rev2", [](NDIS_MINIPORT_CO_CHARACTERISTICS* c) { c->Header.Revision = 2; }},
      {"x86size", [](NDIS_MINIPORT_CO_CHARACTERISTICS* c) { c->Header.Size = 32; }},
  };
  for (const auto& [name, edit] : cases) {
    EXPECT_EQ(EntryStatus(std::make_unique<EditedMcm>("mcm-co-" + name, nullptr, edit)),
              NDIS_STATUS_BAD_CHARACTERISTICS)
        << name;
  }
}

// ---------------------------------------------------------------------------
// Every CoNDIS protocol registers NDIS_PROTOCOL_CO_CHARACTERISTICS.

TEST_P(EntryPoints, CoProtocolWithoutCoCharacteristicsIsRejected) {
  NDISCONF_RULES("AF-137");
  NewStack();
  EXPECT_EQ(EntryStatus(std::make_unique<ClientWithoutCoChars>(ClientConfig{}, "client-noco")),
            NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(EntryStatus(std::make_unique<CmWithoutCoChars>(CallManagerConfig{}, "cm-noco")),
            NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(
      CountRejections(model(), Fn::NdisRegisterProtocolDriver, NDIS_STATUS_BAD_CHARACTERISTICS,
                      ndis::Reason::kInconsistentCharacteristics, spec::RuleId::kAF137),
      2u);
}

NDISCONF_INSTANTIATE(EntryPoints);

}  // namespace
}  // namespace ndisconf::conformance
