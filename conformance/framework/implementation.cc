#include "conformance/framework/implementation.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "reference/boundary/boundary.h"

namespace ndisconf::conformance {
namespace {

std::map<std::string, Implementation>& Registry() {
  static std::map<std::string, Implementation> registry;
  return registry;
}

std::vector<const Implementation*>& Selection() {
  static std::vector<const Implementation*> selected;
  return selected;
}

}  // namespace

RegisterImplementation::RegisterImplementation(Implementation impl) {
  const std::string name = impl.name;
  if (!Registry().emplace(name, std::move(impl)).second) {
    // Two implementations with one name is a build defect, found at start-up.
    std::fprintf(stderr, "ndisconf: implementation '%s' registered twice\n", name.c_str());
    std::abort();
  }
}

std::vector<const Implementation*> AllImplementations() {
  std::vector<const Implementation*> all;
  for (const auto& [name, impl] : Registry()) all.push_back(&impl);
  std::stable_partition(all.begin(), all.end(),
                        [](const Implementation* i) { return i->name == "reference"; });
  return all;
}

const Implementation* FindImplementation(const std::string& name) {
  auto it = Registry().find(name);
  return it == Registry().end() ? nullptr : &it->second;
}

void SelectImplementation(const Implementation* impl) {
  Selection() = impl == nullptr ? std::vector<const Implementation*>{}
                                : std::vector<const Implementation*>{impl};
}

void SelectImplementations(std::vector<const Implementation*> impls) {
  Selection() = std::move(impls);
}

std::vector<const Implementation*> SelectedImplementations() {
  if (!Selection().empty()) return Selection();
  std::vector<const Implementation*> real;
  for (const Implementation* impl : AllImplementations()) {
    if (impl->seeded_rule.empty()) real.push_back(impl);
  }
  return real;
}

RunHosts InstallHosts(const Implementation& impl, ndis::Model& model) {
  RunHosts hosts;
  if (impl.host) {
    hosts.host = impl.host(model);
    Boundary::Get().SetHost(hosts.host.get());
  }
  if (impl.wan_host) {
    hosts.wan_host = impl.wan_host(model);
    Boundary::Get().SetWanHost(hosts.wan_host.get());
  } else if (auto* both = dynamic_cast<NdisWanHost*>(hosts.host.get())) {
    Boundary::Get().SetWanHost(both);
  }
  return hosts;
}

const char* PluggedRoleName(PluggedRole role) {
  switch (role) {
    case PluggedRole::kCallManager:
      return "call_manager";
    case PluggedRole::kWanMiniport:
      return "wan_miniport";
    case PluggedRole::kClient:
      return "client";
    case PluggedRole::kMcm:
      return "mcm";
    case PluggedRole::kWanProtocol:
      return "wan_protocol";
  }
  return "?";
}

bool RoleIsActor(PluggedRole role, std::string_view actors) {
  std::vector<std::string_view> mine;
  switch (role) {
    case PluggedRole::kCallManager:
      // A call manager is a CM and a CMx, and a protocol driver; the generic
      // actors name it too when it is the one acting.
      mine = {"CM", "CMx", "protocol", "caller", "peer", "all"};
      break;
    case PluggedRole::kWanMiniport:
      // A WAN miniport is the WMP (and the actor of the rules a miniport
      // shares with NDISTAPI or NDISWAN); it is no protocol driver. The
      // generic actors (caller, peer, all) are those of CoNDIS VC and NDIS 6
      // object-header rules, which an NDIS 5 WAN driver never meets.
      mine = {"WMP"};
      break;
    case PluggedRole::kClient:
      mine = {"CL", "protocol", "caller", "peer", "all"};
      break;
    case PluggedRole::kMcm:
      // An MCM is a miniport with a call manager inside: the MCM and a CMx,
      // but no protocol driver (it binds to nothing).
      mine = {"MCM", "CMx", "caller", "peer", "all"};
      break;
    case PluggedRole::kWanProtocol:
      // A protocol above NDISWAN is the spec's PROTO. The "protocol" rules
      // (AF-122, AF-123) are NDIS 6 binding rules, which an NDIS 5.x
      // protocol's NdisCloseAdapter does not reach; the generic actors are
      // CoNDIS ones, as for a WAN miniport.
      mine = {"PROTO"};
      break;
  }
  size_t start = 0;
  while (start <= actors.size()) {
    size_t end = actors.find_first_of(",/", start);
    if (end == std::string_view::npos) end = actors.size();
    std::string_view actor = actors.substr(start, end - start);
    while (!actor.empty() && actor.front() == ' ') actor.remove_prefix(1);
    while (!actor.empty() && actor.back() == ' ') actor.remove_suffix(1);
    if (std::find(mine.begin(), mine.end(), actor) != mine.end()) return true;
    start = end + 1;
  }
  return false;
}

std::unique_ptr<drivers::CallManager> MakeCm(const Implementation& impl,
                                             const drivers::CallManagerConfig& config) {
  return impl.cm ? impl.cm(config) : std::make_unique<drivers::CallManager>(config);
}
std::unique_ptr<drivers::Client> MakeClient(const Implementation& impl,
                                            const drivers::ClientConfig& config) {
  return impl.client ? impl.client(config) : std::make_unique<drivers::Client>(config);
}
std::unique_ptr<drivers::Mcm> MakeMcm(const Implementation& impl,
                                      const drivers::McmConfig& config) {
  return impl.mcm ? impl.mcm(config) : std::make_unique<drivers::Mcm>(config);
}
std::unique_ptr<drivers::Comp> MakeMiniport(const Implementation& impl,
                                            const drivers::CompConfig& config) {
  return impl.miniport ? impl.miniport(config) : std::make_unique<drivers::Comp>(config);
}
std::unique_ptr<drivers::Wmp> MakeWmp(const Implementation& impl,
                                      const drivers::WmpConfig& config) {
  return impl.wmp ? impl.wmp(config) : std::make_unique<drivers::Wmp>(config);
}
std::unique_ptr<drivers::Ndiswan> MakeNdiswan(const Implementation& impl,
                                              const drivers::NdiswanConfig& config) {
  return impl.ndiswan ? impl.ndiswan(config) : std::make_unique<drivers::Ndiswan>(config);
}
std::unique_ptr<drivers::WanProto> MakeWanProto(const Implementation& impl,
                                                const drivers::WanProtoConfig& config) {
  return impl.wanproto ? impl.wanproto(config) : std::make_unique<drivers::WanProto>(config);
}

const Implementation* ImplementationFromEnvironment(std::string* error) {
  const char* env = std::getenv("NDISCONF_IMPL");
  const std::string name = env == nullptr || *env == '\0' ? "reference" : env;
  if (const Implementation* impl = FindImplementation(name)) return impl;
  std::string known;
  for (const Implementation* impl : AllImplementations()) {
    known += known.empty() ? "" : ", ";
    known += impl->name;
  }
  *error =
      "NDISCONF_IMPL=" + name + " names no registered implementation (registered: " + known + ")";
  return nullptr;
}

std::string ImplementationParamName(const Implementation* impl) {
  std::string name = impl->name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace ndisconf::conformance
