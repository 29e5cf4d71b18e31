// Implementation of fuzz/status_handler_reference.h.
#include "fuzz/status_handler_reference.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "reference/boundary/boundary.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::fuzz {
namespace {

// The process's one WAN stack (the boundary serves one run at a time).
struct World {
  const conformance::Implementation* impl = nullptr;
  conformance::RunHosts hosts;  // before the stack: destroyed after it
  std::unique_ptr<stack::Stack> stack;
  stack::WanTopology t;
  drivers::WpBinding* proto_binding = nullptr;
  drivers::WanLowerBinding* ndiswan_binding = nullptr;
  STATUS_HANDLER proto_status = nullptr, ndiswan_status = nullptr;
  STATUS_COMPLETE_HANDLER proto_complete = nullptr, ndiswan_complete = nullptr;
};
World* g_world = nullptr;  // built once per implementation, kept for the process

[[noreturn]] void Broken(const char* what) {
  // Our invariant: the reference stack's handlers leave it resettable.
  std::fprintf(stderr, "status_handler: %s\n", what);
  std::abort();
}

// The handlers run as their driver, as when NDIS calls them.
VOID ProtoStatus(NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
  ScopedActor as(g_world->t.proto_id);
  g_world->proto_status(ctx, status, buffer, size);
}
VOID ProtoComplete(NDIS_HANDLE ctx) {
  ScopedActor as(g_world->t.proto_id);
  g_world->proto_complete(ctx);
}
VOID NdiswanStatus(NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
  ScopedActor as(g_world->t.ndiswan_id);
  g_world->ndiswan_status(ctx, status, buffer, size);
}
VOID NdiswanComplete(NDIS_HANDLE ctx) {
  ScopedActor as(g_world->t.ndiswan_id);
  g_world->ndiswan_complete(ctx);
}

// Context factories: the binding, its driver reset to "no status seen yet".
// NDISWAN forwards to the protocol, so both start over for its target.
NDIS_HANDLE ProtoContext() {
  if (!g_world->t.proto->ResetStatusState()) Broken("the protocol has a send outstanding");
  return g_world->proto_binding;
}
NDIS_HANDLE NdiswanContext() {
  if (!g_world->t.ndiswan->ResetStatusState()) Broken("NDISWAN has a send or bracket open");
  (void)ProtoContext();
  return g_world->ndiswan_binding;
}

bool Build(const conformance::Implementation& impl) {
  auto w = std::make_unique<World>();
  w->impl = &impl;
  w->stack = std::make_unique<stack::Stack>();
  w->hosts = conformance::InstallHosts(impl, w->stack->model());
  stack::WanTopologyParts parts;
  parts.ndiswan = [&impl] { return conformance::MakeNdiswan(impl, {}); };
  parts.proto = [&impl] { return conformance::MakeWanProto(impl, {}); };
  parts.nic.channel_count = 1;
  w->t = stack::BuildWanTopology(*w->stack, parts);
  if (w->t.nic == nullptr || w->t.wmp_init_status != NDIS_STATUS_SUCCESS) return false;
  if (w->t.proto->bindings().empty() || w->t.ndiswan->bindings().empty()) return false;
  w->proto_binding = w->t.proto->bindings()[0].get();
  w->ndiswan_binding = w->t.ndiswan->bindings()[0].get();
  if (w->proto_binding->state != drivers::WpBinding::State::kBound ||
      w->ndiswan_binding->state != drivers::WanLowerBinding::State::kBound) {
    return false;
  }
  w->proto_status = drivers::WanProto::StatusHandler();
  w->proto_complete = drivers::WanProto::StatusCompleteHandler();
  w->ndiswan_status = drivers::Ndiswan::LowerStatusHandler();
  w->ndiswan_complete = drivers::Ndiswan::LowerStatusCompleteHandler();
  g_world = w.release();
  return true;
}

}  // namespace

bool ReferenceStatusHandler(const conformance::Implementation& impl, ReferenceHandler which,
                            StatusHandlerTarget* out) {
  if (g_world != nullptr && g_world->impl != &impl) {
    delete g_world;  // another implementation: its stack goes, the new one is built
    g_world = nullptr;
  }
  if (g_world == nullptr && !Build(impl)) {
    std::fprintf(stderr, "status_handler: the WAN stack of %s does not come up\n",
                 impl.name.c_str());
    return false;
  }
  StatusHandlerTarget t;
  t.shape = ShShape::kNdis5;
  if (which == ReferenceHandler::kWanProto) {
    t.edge = ShEdge::kAboveNdiswan;
    t.ndis5 = &ProtoStatus;
    t.ndis5_complete = &ProtoComplete;
    t.context_factory = &ProtoContext;
  } else {
    t.edge = ShEdge::kAboveMiniport;
    t.ndis5 = &NdiswanStatus;
    t.ndis5_complete = &NdiswanComplete;
    t.context_factory = &NdiswanContext;
  }
  *out = t;
  return true;
}

const stack::WanTopology& ReferenceTopology() { return g_world->t; }
const ndis::Model& ReferenceModel() { return g_world->stack->model(); }

const StatusHandlerTarget& InitializeReferenceTarget(ReferenceHandler which, const char* name) {
  static StatusHandlerTarget target;
  std::string error;
  const conformance::Implementation* impl = conformance::ImplementationFromEnvironment(&error);
  if (impl == nullptr) {
    std::fprintf(stderr, "%s: %s\n", name, error.c_str());
    std::exit(2);
  }
  if (!ReferenceStatusHandler(*impl, which, &target)) std::exit(2);
  return target;
}

}  // namespace ndisconf::fuzz
