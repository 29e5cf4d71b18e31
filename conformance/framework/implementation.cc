#include "conformance/framework/implementation.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace ndisconf::conformance {
namespace {

std::map<std::string, Implementation>& Registry() {
  static std::map<std::string, Implementation> registry;
  return registry;
}

const Implementation*& Selection() {
  static const Implementation* selected = nullptr;
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

void SelectImplementation(const Implementation* impl) { Selection() = impl; }

std::vector<const Implementation*> SelectedImplementations() {
  if (Selection() != nullptr) return {Selection()};
  std::vector<const Implementation*> real;
  for (const Implementation* impl : AllImplementations()) {
    if (impl->seeded_rule.empty()) real.push_back(impl);
  }
  return real;
}

std::string ImplementationParamName(const Implementation* impl) {
  std::string name = impl->name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace ndisconf::conformance
