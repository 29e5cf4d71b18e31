// Seeded-bug variants for AF registration, register notification and
// entry-point registration (spec 5.1, 5.2, 5.9): each breaks exactly one
// documented rule, and the conformance suite must reject it with that
// rule's ID (see registration.bzl).
#include <memory>
#include <string>
#include <vector>

#include "conformance/framework/forwarding_host.h"
#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

using drivers::CallManager;
using drivers::CallManagerConfig;
using drivers::Client;
using drivers::ClientConfig;
using drivers::CmPort;
using drivers::Mcm;
using drivers::McmConfig;

// AF-004 (NDIS side): only one CMx per AF type per adapter. This NDIS lets
// a second registration of a type already registered on the adapter
// "succeed" (the model refused it; the host reports SUCCESS anyway).
class DuplicateAfHost : public ForwardingHost {
 public:
  explicit DuplicateAfHost(ndis::Model& model) : ForwardingHost(model), model_(model) {}
  NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE binding, PCO_ADDRESS_FAMILY af) override {
    const size_t before = model_.rejections().size();
    const NDIS_STATUS s = inner_.NdisCmRegisterAddressFamilyEx(binding, af);
    if (s == NDIS_STATUS_FAILURE && model_.rejections().size() > before &&
        model_.rejections().back().reason == ndis::Reason::kAlreadyRegistered &&
        model_.rejections().back().rule == spec::RuleId::kAF004) {
      return NDIS_STATUS_SUCCESS;
    }
    return s;
  }

 private:
  ndis::Model& model_;
};

const RegisterImplementation kDuplicateAf(Implementation{
    .name = "bug-ndis-duplicate-af-succeeds",
    .description = "NDIS reports SUCCESS for a second registration of an AF type on one adapter",
    .seeded_rule = "AF-004",
    .host = [](ndis::Model& m) { return std::make_unique<DuplicateAfHost>(m); },
});

// AF-002: a CM registers its AFs on every binding. This CM registers only
// on the first adapter it binds to.
class CmFirstBindingOnly : public CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params) override {
    if (ports().empty()) return CallManager::OnBindAdapter(bind_context, params);
    const std::vector<CO_ADDRESS_FAMILY> afs = config().afs;
    mutable_config().afs.clear();
    const NDIS_STATUS s = CallManager::OnBindAdapter(bind_context, params);
    mutable_config().afs = afs;
    return s;
  }
};

const RegisterImplementation kCmFirstBindingOnly(Implementation{
    .name = "bug-cm-registers-first-binding-only",
    .description = "call manager registers its AF on the first adapter it binds to only",
    .seeded_rule = "AF-002",
    .cm = [](const CallManagerConfig& c) { return std::make_unique<CmFirstBindingOnly>(c); },
});

// AF-007: an MCM registers its AFs from MiniportInitializeEx. This MCM
// defers the registration to a work item that runs after initialization.
class McmRegistersLater : public Mcm {
 public:
  using Mcm::Mcm;
  NDIS_STATUS OnInitialize(NDIS_HANDLE handle) override {
    const std::vector<CO_ADDRESS_FAMILY> afs = config().afs;
    mutable_config().afs.clear();
    const NDIS_STATUS s = Mcm::OnInitialize(handle);
    mutable_config().afs = afs;
    if (s != NDIS_STATUS_SUCCESS) return s;
    CmPort* port = ports().back().get();
    if (!Later(*port, [this, port] {
          for (const CO_ADDRESS_FAMILY& configured : config().afs) {
            CO_ADDRESS_FAMILY af = configured;
            port->register_status.push_back(NdisMCmRegisterAddressFamilyEx(port->ndis_handle, &af));
          }
        })) {
      return NDIS_STATUS_RESOURCES;
    }
    return s;
  }
};

const RegisterImplementation kMcmRegistersLater(Implementation{
    .name = "bug-mcm-registers-from-work-item",
    .description = "MCM registers its AFs from a work item after MiniportInitializeEx returned",
    .seeded_rule = "AF-007",
    .mcm = [](const McmConfig& c) { return std::make_unique<McmRegistersLater>(c); },
});

// AF-136: NDIS_PROTOCOL_CO_CHARACTERISTICS has Header.Size 40 (x64). This
// client declares a larger size. NDIS tolerates it (it reads only the
// members it knows), so the client runs normally; the monitor must flag
// the header on every run.
class ClientOversizedCoHeader : public Client {
 public:
  using Client::Client;
  void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars) override {
    Client::FillCoCharacteristics(chars);
    chars->Header.Size = static_cast<USHORT>(sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS) + 8);
  }
};

const RegisterImplementation kClientOversizedCoHeader(Implementation{
    .name = "bug-client-oversized-co-header",
    .description =
        "client registers NDIS_PROTOCOL_CO_CHARACTERISTICS with a Header.Size beyond the structure",
    .seeded_rule = "AF-136",
    .client = [](const ClientConfig& c) { return std::make_unique<ClientOversizedCoHeader>(c); },
});

}  // namespace
}  // namespace ndisconf::conformance
