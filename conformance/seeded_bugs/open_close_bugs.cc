// Seeded-bug variants for opening and closing AFs (spec 5.3-5.5): each
// replaces one component (the NDIS host, the call manager, the MCM or the
// client) with a copy that breaks exactly one documented rule, and the conformance suite must reject it with that rule's
// ID (see BUILD.bazel: one test per variant runs the main job with
// --expect-fail=<rule>).
#include <memory>
#include <set>

#include "conformance/framework/forwarding_host.h"
#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

using drivers::CallManager;
using drivers::CallManagerConfig;
using drivers::ClAf;
using drivers::Client;
using drivers::ClientConfig;
using drivers::CmAf;
using drivers::CmPort;
using drivers::Mcm;
using drivers::McmConfig;

// AF-034: a pended open must be completed exactly once. This CM completes it
// twice.
class CmOpenCompleteTwice : public CallManager {
 public:
  using CallManager::CallManager;
  void EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af) override {
    CallManager::EdgeOpenAfComplete(status, af);
    CallManager::EdgeOpenAfComplete(status, af);
  }
};

const RegisterImplementation kCmOpenCompleteTwice(Implementation{
    .name = "bug-cm-open-complete-twice",
    .description = "call manager completes a pended open twice",
    .seeded_rule = "AF-034",
    .cm = [](const CallManagerConfig& c) { return std::make_unique<CmOpenCompleteTwice>(c); },
});

// AF-057: a second NdisClCloseAddressFamily on an AF that is already closing
// (or closed) must fail. This NDIS reports SUCCESS for it.
class NdisDoubleCloseSucceeds : public ForwardingHost {
 public:
  using ForwardingHost::ForwardingHost;
  NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE h) override {
    const NDIS_STATUS s = inner_.NdisClCloseAddressFamily(h);
    if (s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING) {
      closing_.insert(h);
      return s;
    }
    return closing_.count(h) != 0 ? NDIS_STATUS_SUCCESS : s;
  }

 private:
  std::set<NDIS_HANDLE> closing_;
};

const RegisterImplementation kNdisDoubleCloseSucceeds(Implementation{
    .name = "bug-ndis-double-close-succeeds",
    .description = "NDIS lets a repeated NdisClCloseAddressFamily succeed",
    .seeded_rule = "AF-057",
    .host = [](ndis::Model& m) { return std::make_unique<NdisDoubleCloseSucceeds>(m); },
});

// AF-053: a pended close is completed with NDIS_STATUS_SUCCESS only. This CM
// completes it with NDIS_STATUS_FAILURE.
class CmCloseCompleteFailure : public CallManager {
 public:
  using CallManager::CallManager;
  void EdgeCloseAfComplete(CmAf& af) override {
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_FAILURE, af.ndis_af);
  }
};

const RegisterImplementation kCmCloseCompleteFailure(Implementation{
    .name = "bug-cm-close-complete-failure",
    .description = "call manager completes a pended close with NDIS_STATUS_FAILURE",
    .seeded_rule = "AF-053",
    .cm = [](const CallManagerConfig& c) { return std::make_unique<CmCloseCompleteFailure>(c); },
});

// AF-062: a halting MCM notify-closes every open AF from MiniportHaltEx.
// This MCM halts without doing so.
class McmHaltLeavesAfsOpen : public Mcm {
 public:
  using Mcm::Mcm;
  void OnHalt(CmPort&, NDIS_HALT_ACTION) override {}
};

const RegisterImplementation kMcmHaltLeavesAfsOpen(Implementation{
    .name = "bug-mcm-halt-leaves-afs-open",
    .description = "MCM returns from MiniportHaltEx without notify-closing its open AFs",
    .seeded_rule = "AF-062",
    .mcm = [](const McmConfig& c) { return std::make_unique<McmHaltLeavesAfsOpen>(c); },
});

// AF-065: a client that pends ProtocolClNotifyCloseAf must later call
// NdisClNotifyCloseAddressFamilyComplete. This client pends and forgets.
class ClientNeverCompletesNotify : public Client {
 public:
  using Client::Client;
  NDIS_STATUS OnNotifyCloseAf(ClAf&) override { return NDIS_STATUS_PENDING; }
};

const RegisterImplementation kClientNeverCompletesNotify(Implementation{
    .name = "bug-client-never-completes-notify",
    .description = "client pends a notify-close and never completes it",
    .seeded_rule = "AF-065",
    .client = [](const ClientConfig& c) { return std::make_unique<ClientNeverCompletesNotify>(c); },
});

}  // namespace
}  // namespace ndisconf::conformance
