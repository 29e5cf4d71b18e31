// reference/stack/stack.h: a topology builder over the reference NDIS model.
//
// A Stack owns an ndisconf::ndis::Model (Settings and Chooser supplied by
// the caller) and the drivers loaded into it. Drivers are loaded through
// Model::LoadDriver, which declares each to the boundary and returns its
// actor id; As(actor, f) runs an upper-edge request as that driver (the
// harness's side of the boundary, never the driver's).
//
// The Build* functions assemble the spec's Appendix A topologies. Each takes
// factories, so a conformance suite can swap any component for a variant
// (e.g. a seeded-bug CM derived from CallManager).
//
// Lifetime: the model is destroyed before the drivers (its run ends first),
// so no driver code runs during teardown.
#ifndef NDISCONF_REFERENCE_STACK_STACK_H_
#define NDISCONF_REFERENCE_STACK_STACK_H_

#include <ndis.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reference/boundary/boundary.h"
#include "reference/drivers/client/client.h"
#include "reference/drivers/cm/cm.h"
#include "reference/drivers/common/support.h"
#include "reference/drivers/comp/comp.h"
#include "reference/drivers/mcm/mcm.h"
#include "reference/ndis/model.h"

namespace ndisconf::stack {

using drivers::CallManager;
using drivers::Client;
using drivers::Comp;
using drivers::Mcm;
using ndis::AdapterId;

class Stack {
 public:
  explicit Stack(ndis::Settings settings = {}, ndis::Chooser* chooser = nullptr);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  ndis::Model& model() { return *model_; }

  // Loads `driver` (DriverEntry runs now, as that driver). Returns a
  // reference valid for the Stack's lifetime; *actor gets its actor id and
  // *entry_status DriverEntry's status.
  template <class D>
  D& Load(std::unique_ptr<D> driver, ActorId* actor = nullptr,
          NDIS_STATUS* entry_status = nullptr) {
    D& ref = *driver;
    ActorId id = LoadDriver(std::move(driver), entry_status);
    if (actor != nullptr) *actor = id;
    return ref;
  }

  // The actor id of a loaded driver (kNoActor if it is not loaded here).
  ActorId actor(const drivers::Driver& driver) const;

  AdapterId AddAdapter(ActorId miniport, std::string name, NDIS_MEDIUM medium,
                       NDIS_STATUS* init_status = nullptr) {
    return model_->AddAdapter(miniport, std::move(name), medium, init_status);
  }

  // Runs f() as driver `actor` (an upper-edge request) and returns its result.
  template <class F>
  auto As(ActorId actor, F&& f) -> decltype(f()) {
    ScopedActor scope(actor);
    return f();
  }
  template <class F>
  auto As(const drivers::Driver& driver, F&& f) -> decltype(f()) {
    return As(actor(driver), std::forward<F>(f));
  }

  // Runs queued work (deferred notifications, completions, driver work
  // items) until none is ready.
  size_t Settle() { return model_->RunUntilIdle(); }

  // Keeps `thing` (hardware the drivers use, such as a NIC model) alive for
  // the Stack's lifetime; it is destroyed after the drivers.
  template <class T>
  T& Own(std::unique_ptr<T> thing) {
    T& ref = *thing;
    owned_.push_back(std::shared_ptr<T>(std::move(thing)));
    return ref;
  }

 private:
  ActorId LoadDriver(std::unique_ptr<drivers::Driver> driver, NDIS_STATUS* entry_status);

  std::vector<std::shared_ptr<void>> owned_;  // declared first: destroyed last
  std::vector<std::pair<ActorId, std::unique_ptr<drivers::Driver>>> drivers_;
  std::unique_ptr<ndis::Model> model_;  // declared last: destroyed first
};

// ---- Factories: a suite swaps a component by supplying its own. ----
template <class T>
using Factory = std::function<std::unique_ptr<T>()>;

// ---- Ready-made topologies (spec Appendix A). ----

// CM over a plain CoNDIS miniport with one client (S1, S2, S4, S5, S7, S8).
// Load order: CM, client, then the miniport's adapter (so both protocols
// bind as the adapter comes up).
struct CmTopology {
  Comp* miniport = nullptr;
  CallManager* cm = nullptr;
  Client* client = nullptr;
  ActorId miniport_id = kNoActor, cm_id = kNoActor, client_id = kNoActor;
  AdapterId adapter = 0;
};
struct CmTopologyParts {
  Factory<Comp> miniport = [] { return std::make_unique<Comp>(); };
  Factory<CallManager> cm = [] { return std::make_unique<CallManager>(); };
  Factory<Client> client = [] { return std::make_unique<Client>(); };
  NDIS_MEDIUM medium = NdisMediumAtm;
};
CmTopology BuildCmTopology(Stack& stack, CmTopologyParts parts = {});

// MCM with one client (S3, S6).
struct McmTopology {
  Mcm* mcm = nullptr;
  Client* client = nullptr;
  ActorId mcm_id = kNoActor, client_id = kNoActor;
  AdapterId adapter = 0;
};
struct McmTopologyParts {
  Factory<Mcm> mcm = [] { return std::make_unique<Mcm>(); };
  Factory<Client> client = [] { return std::make_unique<Client>(); };
  NDIS_MEDIUM medium = NdisMediumCoWan;
};
McmTopology BuildMcmTopology(Stack& stack, McmTopologyParts parts = {});

// CM over a miniport with two clients.
struct TwoClientTopology {
  Comp* miniport = nullptr;
  CallManager* cm = nullptr;
  Client* client1 = nullptr;
  Client* client2 = nullptr;
  ActorId miniport_id = kNoActor, cm_id = kNoActor, client1_id = kNoActor, client2_id = kNoActor;
  AdapterId adapter = 0;
};
TwoClientTopology BuildTwoClientTopology(Stack& stack, CmTopologyParts parts = {},
                                         Factory<Client> client2 = nullptr);

// Two CMs on one adapter, plus one client (AF-004).
struct TwoCmTopology {
  Comp* miniport = nullptr;
  CallManager* cm1 = nullptr;
  CallManager* cm2 = nullptr;
  Client* client = nullptr;
  ActorId miniport_id = kNoActor, cm1_id = kNoActor, cm2_id = kNoActor, client_id = kNoActor;
  AdapterId adapter = 0;
};
TwoCmTopology BuildTwoCmTopology(Stack& stack, CmTopologyParts parts = {},
                                 Factory<CallManager> cm2 = nullptr);

}  // namespace ndisconf::stack

#endif  // NDISCONF_REFERENCE_STACK_STACK_H_
