// Implementation of reference/stack/stack.h.
#include "reference/stack/stack.h"

namespace ndisconf::stack {

Stack::Stack(ndis::Settings settings, ndis::Chooser* chooser)
    : model_(std::make_unique<ndis::Model>(settings, chooser)) {}

Stack::~Stack() {
  model_.reset();  // ends the run before any driver object goes away
  drivers_.clear();
}

ActorId Stack::LoadDriver(std::unique_ptr<drivers::Driver> driver, NDIS_STATUS* entry_status) {
  drivers::Driver* d = driver.get();
  ActorId id = model_->LoadDriver(
      d->name(),
      [d](PDRIVER_OBJECT obj, PUNICODE_STRING path) { return d->DriverEntry(obj, path); },
      entry_status);
  drivers_.emplace_back(id, std::move(driver));
  return id;
}

ActorId Stack::actor(const drivers::Driver& driver) const {
  for (const auto& [id, d] : drivers_) {
    if (d.get() == &driver) return id;
  }
  return kNoActor;
}

CmTopology BuildCmTopology(Stack& stack, CmTopologyParts parts) {
  CmTopology t;
  t.cm = &stack.Load(parts.cm(), &t.cm_id);
  t.client = &stack.Load(parts.client(), &t.client_id);
  t.miniport = &stack.Load(parts.miniport(), &t.miniport_id);
  t.adapter = stack.AddAdapter(t.miniport_id, "comp0", parts.medium);
  return t;
}

McmTopology BuildMcmTopology(Stack& stack, McmTopologyParts parts) {
  McmTopology t;
  t.client = &stack.Load(parts.client(), &t.client_id);
  t.mcm = &stack.Load(parts.mcm(), &t.mcm_id);
  t.adapter = stack.AddAdapter(t.mcm_id, "mcm0", parts.medium);
  return t;
}

TwoClientTopology BuildTwoClientTopology(Stack& stack, CmTopologyParts parts,
                                         Factory<Client> client2) {
  TwoClientTopology t;
  t.cm = &stack.Load(parts.cm(), &t.cm_id);
  t.client1 = &stack.Load(parts.client(), &t.client1_id);
  t.client2 = &stack.Load(
      client2 ? client2() : std::make_unique<Client>(Client::Config{}, "client2"), &t.client2_id);
  t.miniport = &stack.Load(parts.miniport(), &t.miniport_id);
  t.adapter = stack.AddAdapter(t.miniport_id, "comp0", parts.medium);
  return t;
}

TwoCmTopology BuildTwoCmTopology(Stack& stack, CmTopologyParts parts, Factory<CallManager> cm2) {
  TwoCmTopology t;
  t.cm1 = &stack.Load(parts.cm(), &t.cm1_id);
  t.cm2 = &stack.Load(cm2 ? cm2() : std::make_unique<CallManager>(CallManager::Config{}, "cm2"),
                      &t.cm2_id);
  t.client = &stack.Load(parts.client(), &t.client_id);
  t.miniport = &stack.Load(parts.miniport(), &t.miniport_id);
  t.adapter = stack.AddAdapter(t.miniport_id, "comp0", parts.medium);
  return t;
}

}  // namespace ndisconf::stack
