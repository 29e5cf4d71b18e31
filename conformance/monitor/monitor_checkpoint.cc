// Monitor::Checkpoint and Monitor::Rollback (monitor.h): the state saved as a
// copy of Monitor::State and assigned back field by field, the fields
// State::Reset resets (monitor_core.cc), so that what nothing changed costs
// nothing (the CoNDIS maps of a WAN run stay empty, and clearing an empty
// map still clears its buckets).
#include <memory>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {
namespace {

// dst = src, skipped when both are empty.
template <typename C>
void Assign(C& dst, const C& src) {
  if (dst.empty() && src.empty()) return;
  dst = src;
}

}  // namespace

// A field added to State is restored below, as it is reset by Reset();
// this size (libstdc++, x86-64) is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Monitor::State) == 4008,
              "Monitor::State changed: restore the new field in RestoreFrom, then update the size");
#endif

void Monitor::State::RestoreFrom(const State& saved) {
  Assign(violations, saved.violations);
  suppressed = saved.suppressed;
  events = saved.events;
  finished = saved.finished;
  drivers_declared = saved.drivers_declared;
  Assign(declared, saved.declared);
  // The open frames; a frame above them is scratch, filled by its push.
  stack.truncate(0);
  for (size_t i = 0; i < saved.stack.size(); ++i) stack.push() = saved.stack[i];
  drivers = saved.drivers;
  Assign(bindings, saved.bindings);
  Assign(binding_by_ctx, saved.binding_by_ctx);
  Assign(adapters, saved.adapters);
  Assign(adapter_by_ctx, saved.adapter_by_ctx);
  Assign(regs, saved.regs);
  Assign(reg_by_key, saved.reg_by_key);
  Assign(afs, saved.afs);
  Assign(af_by_client_ctx, saved.af_by_client_ctx);
  Assign(af_by_cm_ctx, saved.af_by_cm_ctx);
  Assign(saps, saved.saps);
  Assign(sap_by_client_ctx, saved.sap_by_client_ctx);
  Assign(vcs, saved.vcs);
  Assign(vc_by_ctx, saved.vc_by_ctx);
  Assign(live, saved.live);
  Assign(unbind_owed, saved.unbind_owed);
  Assign(unbind_owed_binding, saved.unbind_owed_binding);
  Assign(bind_adapter, saved.bind_adapter);
  Assign(owed_open_complete, saved.owed_open_complete);
  Assign(owed_close_complete, saved.owed_close_complete);
  Assign(owed_cm_notify, saved.owed_cm_notify);
  Assign(owed_sap_reg_complete, saved.owed_sap_reg_complete);
  Assign(owed_sap_dereg_complete, saved.owed_sap_dereg_complete);
  Assign(wan_drivers, saved.wan_drivers);
  Assign(wan_adapters, saved.wan_adapters);
  Assign(wan_adapter_by_ctx, saved.wan_adapter_by_ctx);
  Assign(binds, saved.binds);
  Assign(bind_by_handle, saved.bind_by_handle);
  Assign(lines, saved.lines);
  Assign(line_by_hd, saved.line_by_hd);
  Assign(calls, saved.calls);
  Assign(call_by_hd, saved.call_by_hd);
  Assign(links, saved.links);
  Assign(link_by_handle, saved.link_by_handle);
  Assign(sends, saved.sends);
  Assign(awaiting, saved.awaiting);
  Assign(spin_locks, saved.spin_locks);
  Assign(locks_held, saved.locks_held);
  // ind_bufs: scratch, written before it is read (one per stack position);
  // those of the open frames are theirs.
  for (size_t i = 0; i < saved.stack.size() && i < saved.ind_bufs.size(); ++i) {
    if (i < ind_bufs.size()) ind_bufs[i] = saved.ind_bufs[i];
  }
  unknown_links = saved.unknown_links;
  // A cache of pointers into wan_adapters, whose nodes the assignment above
  // may have reused for other adapters: looked up again when next needed.
  recent[0] = recent[1] = AdapterCache{};
}

void Monitor::Checkpoint() {
  if (saved_ == nullptr) {
    saved_ = std::make_unique<State>(*s_);
  } else {
    *saved_ = *s_;
  }
}

void Monitor::Rollback() {
  if (saved_ == nullptr) return Reset();
  s_->RestoreFrom(*saved_);
}

}  // namespace ndisconf::monitor
