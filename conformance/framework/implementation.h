// conformance/framework/implementation.h: the implementations under test.
//
// An Implementation names a complete stack: an NDIS host and the drivers
// (call manager, MCM, client, CoNDIS miniport). The reference stack is one;
// each seeded-bug variant replaces one component with a copy that breaks one
// documented rule; a third party plugs its own in the same way (see
// CONTRIBUTING.md). The conformance suites are TEST_Ps instantiated over
// SelectedImplementations(): under `bazel test` that is every real (not
// seeded-bug) implementation; the main job selects exactly one.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_IMPLEMENTATION_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_IMPLEMENTATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/profile/profile.h"
#include "reference/boundary/host.h"
#include "reference/boundary/wan_host.h"
#include "reference/drivers/client/client.h"
#include "reference/drivers/cm/cm.h"
#include "reference/drivers/comp/comp.h"
#include "reference/drivers/mcm/mcm.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/wanproto/wanproto.h"
#include "reference/drivers/wmp/wmp.h"
#include "reference/ndis/model.h"

namespace ndisconf::conformance {

// A role a plugged-in driver plays (conformance/plugin): the roles a
// black-box suite exists for.
enum class PluggedRole : uint8_t {
  kCallManager,  // a stand-alone CoNDIS call manager (cm_role_test.cc)
  kWanMiniport,  // an NDIS 5.x WAN miniport over a NIC (wmp_role_test.cc)
  kClient,       // a CoNDIS client (cl_role_test.cc)
  kMcm,          // a miniport call manager (mcm_role_test.cc)
  kWanProtocol,  // an NDIS 5.x protocol bound above NDISWAN (wan_protocol_role_test.cc)
};

// "call_manager", "wan_miniport", "client", "mcm", "wan_protocol": the
// spelling of the Bazel macro's `role` and of reports.
const char* PluggedRoleName(PluggedRole role);
// True if the catalog's actor column (e.g. "CL, CMx", "caller / NDIS") names
// a driver that a plugged-in driver in `role` is: for kCallManager, CM, CMx,
// or one of the generic actors (protocol, caller, peer, all); for
// kWanMiniport, WMP; for kClient, CL or a generic one; for kMcm, MCM, CMx,
// or caller, peer, all; for kWanProtocol, PROTO. (The generic actors name
// CoNDIS and NDIS 6 rules, which the NDIS 5 WAN roles never meet.)
bool RoleIsActor(PluggedRole role, std::string_view actors);

// A driver under test plugged in whole, as its team wrote it: the suites
// load it by its DriverEntry and judge it only by what crosses the NDIS
// boundary. The reference plays every other role.
struct PluggedDriver {
  PluggedRole role = PluggedRole::kCallManager;
  std::function<std::unique_ptr<drivers::Driver>()> make;
};

struct Implementation {
  std::string name;         // "reference", "bug-cm-open-complete-twice", ...
  std::string description;  // one line
  // The rule a seeded-bug variant breaks (the suite must FAIL it); empty for
  // a real implementation.
  std::string seeded_rule;

  // Component factories; an empty function means the reference component.
  // Each gets the configuration the test asks for.
  std::function<std::unique_ptr<drivers::CallManager>(const drivers::CallManagerConfig&)> cm;
  std::function<std::unique_ptr<drivers::Client>(const drivers::ClientConfig&)> client;
  std::function<std::unique_ptr<drivers::Mcm>(const drivers::McmConfig&)> mcm;
  std::function<std::unique_ptr<drivers::Comp>(const drivers::CompConfig&)> miniport;
  // Interposes a host in front of the model (an NDIS-side variant, or a
  // team's own NDIS code); the returned host forwards to the model it is
  // given what it does not serve itself. An object that implements
  // NdisWanHost too serves the NDIS 5.1 WAN functions as well, unless
  // `wan_host` is set (InstallHosts). Empty: the model.
  std::function<std::unique_ptr<NdisHost>(ndis::Model&)> host;

  // The NDIS WAN path: the WAN miniport (over the NIC it is given), NDISWAN
  // and the protocol above it; and a WAN host in front of the model's NDIS
  // 5.1 WAN functions. Empty: the reference's.
  std::function<std::unique_ptr<drivers::Wmp>(const drivers::WmpConfig&)> wmp;
  std::function<std::unique_ptr<drivers::Ndiswan>(const drivers::NdiswanConfig&)> ndiswan;
  std::function<std::unique_ptr<drivers::WanProto>(const drivers::WanProtoConfig&)> wanproto;
  std::function<std::unique_ptr<NdisWanHost>(ndis::Model&)> wan_host;

  // A driver plugged in whole (conformance/plugin/plugin.bzl). Only the
  // black-box suite of its role runs against it; every other test is
  // NOT_APPLICABLE to it, with the reason.
  std::optional<PluggedDriver> plugged;
  // What the implementation declares it is and does (conformance/profile):
  // the black-box suites make a test that needs more NOT_APPLICABLE, naming
  // the profile field. None: every capability a test needs is assumed.
  std::optional<profile::CapabilityProfile> profile;
};

// Adds an implementation to the registry (at static-initialization time, via
// a RegisterImplementation object). Names must be unique.
class RegisterImplementation {
 public:
  explicit RegisterImplementation(Implementation impl);
};

// Every registered implementation, in name order, the reference first.
std::vector<const Implementation*> AllImplementations();
const Implementation* FindImplementation(const std::string& name);

// Restricts the suites to one implementation (the main job, before
// InitGoogleTest). Without a call, every real implementation is selected.
void SelectImplementation(const Implementation* impl);
// Restricts the suites to these implementations, in this order (the main
// job's --impl=a,b,c).
void SelectImplementations(std::vector<const Implementation*> impls);
std::vector<const Implementation*> SelectedImplementations();

// The NDIS hosts `impl` puts in front of `model` for one run, made and
// installed on the boundary: `host` (Boundary::SetHost), then the WAN host:
// `wan_host` when the implementation has a factory for it, else `host`
// itself when that object implements NdisWanHost too (one object serving
// both, as examples/initech_ndis does), else the model's. Either is empty
// when the model serves. Keep the result alive for the run: destroy it
// after the stack.
struct RunHosts {
  std::unique_ptr<NdisHost> host;
  std::unique_ptr<NdisWanHost> wan_host;
};
RunHosts InstallHosts(const Implementation& impl, ndis::Model& model);

// The components of `impl` for a run, the reference's where it supplies none.
// The conformance fixture and the fuzz targets build every stack with these,
// so a variant or a third party's driver is exercised the same way by both.
std::unique_ptr<drivers::CallManager> MakeCm(const Implementation& impl,
                                             const drivers::CallManagerConfig& config);
std::unique_ptr<drivers::Client> MakeClient(const Implementation& impl,
                                            const drivers::ClientConfig& config);
std::unique_ptr<drivers::Mcm> MakeMcm(const Implementation& impl, const drivers::McmConfig& config);
std::unique_ptr<drivers::Comp> MakeMiniport(const Implementation& impl,
                                            const drivers::CompConfig& config);
std::unique_ptr<drivers::Wmp> MakeWmp(const Implementation& impl, const drivers::WmpConfig& config);
std::unique_ptr<drivers::Ndiswan> MakeNdiswan(const Implementation& impl,
                                              const drivers::NdiswanConfig& config);
std::unique_ptr<drivers::WanProto> MakeWanProto(const Implementation& impl,
                                                const drivers::WanProtoConfig& config);

// The implementation a fuzz target or tool runs: the one the environment
// variable NDISCONF_IMPL names (`bazel run //tools:ndisconf -- --list`), or
// the reference when it is unset or empty. An unknown name yields nullptr and
// `*error` says which names exist.
const Implementation* ImplementationFromEnvironment(std::string* error);

// GoogleTest parameter-name generator: the implementation's name with '-'
// mapped to '_' (GoogleTest names allow only alphanumerics and '_').
std::string ImplementationParamName(const Implementation* impl);

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_IMPLEMENTATION_H_
