// Rule family "notify" of the reference NDIS model (spec 2.3, 5.2;
// AF-020..AF-025, OQ-03, OQ-04): NDIS tells each bound CoNDIS client about
// every registered address family through ProtocolCoAfRegisterNotify, queued
// so that the registrar has returned first.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

// ---- AF register notification delivery (AF-020..AF-025, OQ-03, OQ-04). ----

void Model::Impl::OnBindingBound(Binding* b) {
  Adapter* a = b->adapter;
  // B4: registrations this CM made inside its bind are announced now.
  for (Registration* r : a->registrations) {
    if (r->cm_binding == b && r->Active() && !r->announced) Announce(r);
  }
  // AF-021: a client that binds later is told about every registration.
  if (b->protocol->IsCoClient()) {
    for (Registration* r : a->registrations) {
      if (r->announced && r->Active()) QueueNotify(b, r);
    }
  }
}

void Model::Impl::Announce(Registration* r) {
  r->announced = true;
  const std::vector<Binding*> list = r->adapter->bindings;
  for (Binding* b : list) {
    // OQ-04: the registering CM's own binding only if the settings say so.
    const bool own = b == r->cm_binding && settings.notify_registering_binding;
    if (b->state == Binding::State::kBound && (b->protocol->IsCoClient() || own)) {
      QueueNotify(b, r);
    }
  }
}

void Model::Impl::QueueNotify(Binding* b, Registration* r) {
  // OQ-04: the registering CM's own binding is not notified by default.
  if (r->cm_binding == b && !settings.notify_registering_binding) return;
  // AF-020: exactly one notification per (client binding, registration).
  if (!b->notified.insert(r->id).second) return;
  auto run = [b, r] {
    // The client may have begun unbinding, or the registration may have
    // been withdrawn, since the notification was queued.
    if (b->state != Binding::State::kBound || !r->Active()) return;
    // AF-025: the client gets NDIS's copy of the registered AF (content
    // equality), so one client's edits are not seen by the next.
    CO_ADDRESS_FAMILY copy = r->af;
    b->protocol->co.CoAfRegisterNotifyHandler(b->context, &copy);
  };
  if (settings.notify_during_register) {
    run();
    return;
  }
  // AF-024: ProtocolCoAfRegisterNotify runs at PASSIVE_LEVEL.
  DeliverAtPassive(WorkKind::kAfRegisterNotify,
                   "ProtocolCoAfRegisterNotify(binding " + Hex(b->handle.value) + ", af " +
                       Hex(r->af.AddressFamily) + ")",
                   run);
}

}  // namespace ndisconf::ndis
