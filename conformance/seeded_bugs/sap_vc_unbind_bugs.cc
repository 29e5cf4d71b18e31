// Seeded-bug variants for spec sections 5.6 (SAP), 5.7 (VC) and 5.8
// (unbind and halt): each breaks exactly one documented rule, and the
// conformance suite must reject it with that rule's ID (see
// sap_vc_unbind.bzl and BUILD.bazel).
#include <ndis.h>

#include <memory>

#include "conformance/framework/forwarding_host.h"
#include "conformance/framework/implementation.h"
#include "reference/drivers/client/client.h"
#include "reference/drivers/cm/cm.h"
#include "reference/drivers/comp/comp.h"

namespace ndisconf::conformance {
namespace {

// AF-100 (NDIS side): *NdisVcHandle must be NULL on entry, and the model
// refuses a non-NULL one with INVALID_PARAMETER (OQ-15). This NDIS clears
// the caller's value and creates the VC anyway.
class AcceptsNonNullVcHandleHost : public ForwardingHost {
 public:
  using ForwardingHost::ForwardingHost;
  NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE binding, NDIS_HANDLE af, NDIS_HANDLE ctx,
                             PNDIS_HANDLE out) override {
    if (out != nullptr) *out = nullptr;
    return ForwardingHost::NdisCoCreateVc(binding, af, ctx, out);
  }
  NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE adapter, NDIS_HANDLE af, NDIS_HANDLE ctx,
                              PNDIS_HANDLE out) override {
    if (out != nullptr) *out = nullptr;
    return ForwardingHost::NdisMCmCreateVc(adapter, af, ctx, out);
  }
};

const RegisterImplementation kAcceptsNonNullVcHandle(Implementation{
    .name = "bug-ndis-accepts-nonnull-vc-handle",
    .description = "NDIS creates a VC although *NdisVcHandle was not NULL on entry",
    .seeded_rule = "AF-100",
    .host = [](ndis::Model& m) { return std::make_unique<AcceptsNonNullVcHandleHost>(m); },
});

// AF-090 (CM): a deregistration the CM pends must be completed with
// NdisCmDeregisterSapComplete. This CM pends and forgets.
class CmNeverCompletesSapDeregister : public drivers::CallManager {
 public:
  using CallManager::CallManager;
  NDIS_STATUS OnDeregisterSap(drivers::CmSap& sap) override {
    if (!config_.deregister_sap.pends()) return CallManager::OnDeregisterSap(sap);
    if (sap.state != drivers::CmSapState::kRegistered) return NDIS_STATUS_FAILURE;
    sap.state = drivers::CmSapState::kDeregistering;
    return NDIS_STATUS_PENDING;
  }
};

const RegisterImplementation kCmNeverCompletesSapDeregister(Implementation{
    .name = "bug-cm-never-completes-sap-deregister",
    .description = "call manager pends ProtocolCmDeregisterSap and never completes it",
    .seeded_rule = "AF-090",
    .cm =
        [](const drivers::CallManagerConfig& c) {
          return std::make_unique<CmNeverCompletesSapDeregister>(c);
        },
});

// AF-120 (client): ProtocolUnbindAdapterEx must close every AF before
// NdisCloseAdapterEx. This client closes the binding straight away.
class ClientClosesBindingWithAfOpen : public drivers::Client {
 public:
  using Client::Client;
  NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE, drivers::ClBinding& b) override {
    b.state = drivers::ClBinding::State::kClosing;
    (void)NdisCloseAdapterEx(b.ndis_binding);
    b.state = drivers::ClBinding::State::kDown;
    return NDIS_STATUS_SUCCESS;
  }
};

const RegisterImplementation kClientClosesBindingWithAfOpen(Implementation{
    .name = "bug-client-closes-binding-with-af-open",
    .description = "client's ProtocolUnbindAdapterEx closes the binding with its AF still open",
    .seeded_rule = "AF-120",
    .client =
        [](const drivers::ClientConfig& c) {
          return std::make_unique<ClientClosesBindingWithAfOpen>(c);
        },
});

// AF-104 (CoNDIS miniport): MiniportCoCreateVc never returns PENDING. This
// miniport does.
class CompCreateVcPends : public drivers::Comp {
 public:
  using Comp::Comp;
  NDIS_STATUS OnCreateVc(Adapter& adapter, NDIS_HANDLE ndis_vc, PNDIS_HANDLE ctx) override {
    const NDIS_STATUS s = Comp::OnCreateVc(adapter, ndis_vc, ctx);
    return s == NDIS_STATUS_SUCCESS ? NDIS_STATUS_PENDING : s;
  }
};

const RegisterImplementation kCompCreateVcPends(Implementation{
    .name = "bug-comp-create-vc-pends",
    .description = "CoNDIS miniport returns PENDING from MiniportCoCreateVc",
    .seeded_rule = "AF-104",
    .miniport = [](const drivers::CompConfig& c) { return std::make_unique<CompCreateVcPends>(c); },
});

}  // namespace
}  // namespace ndisconf::conformance
