// The reference NDIS model: run lifetime, the harness-facing scheduler,
// IRQL and spin-lock tracking, driver memory, driver work items, and the
// shared helpers (rejections, handle diagnostics, fault injection).
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
std::string Hex(const void* p) {
  return Hex(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)));
}

Model::Impl::Impl(Settings s, Chooser* c)
    : settings(s), chooser(c != nullptr ? c : &fifo), codec(s.handle_seed) {}

Model::Impl::~Impl() {
  // Driver memory not freed by its driver: the model owns the pool.
  for (auto& [p, n] : driver_memory) std::free(const_cast<void*>(p));
}

void Model::Impl::Reject(Callee fn, NDIS_STATUS status, Cause cause) {
  // The index of the latest event: for a rejection at the top of an NDIS
  // function, the call event of that function.
  const uint64_t n = Boundary::Get().event_count();
  Rejection r;
  r.event_index = n == 0 ? 0 : n - 1;
  r.fn = fn.fn;
  r.unrecorded = fn.unrecorded;
  r.status = status;
  r.rule = cause.rule;
  r.reason = cause.reason;
  r.param = cause.param;
  r.detail = std::move(cause.detail);
  rejections.push_back(std::move(r));
}

bool Model::Impl::Allocate() {
  // AF-005 / AF-006 / AF-032 / AF-102: allocation failure -> RESOURCES.
  ++allocation_calls;
  if (settings.fail_allocation_at != 0 && allocation_calls == settings.fail_allocation_at) {
    return false;
  }
  ++allocations;
  return true;
}

std::optional<Cause> Model::Impl::PassiveViolation() const {
  if (!settings.enforce_passive_irql || irql == PASSIVE_LEVEL) return std::nullopt;
  // DERIVED (Settings::enforce_passive_irql): no catalog rule of its own.
  return Cause{Reason::kIrqlTooHigh,
               "called at IRQL " + std::to_string(irql) + "; this function requires PASSIVE_LEVEL"};
}

Cause Model::Impl::BadHandle(std::string_view param, HandleKind expected, const void* value,
                             LookupError error) const {
  std::string s(param);
  auto cause = [&](Reason r, std::string detail) {
    return Cause{r, std::move(detail), std::nullopt, param};
  };
  switch (error) {
    case LookupError::kNone:  // not a failure; callers never pass it
      return cause(Reason::kWrongState, s + " " + Hex(value) + " is live");
    case LookupError::kNull:
      return cause(Reason::kNullArgument, "NULL " + s);
    case LookupError::kStale:
      return cause(Reason::kStaleHandle, "stale " + s + " " + Hex(value) +
                                             " (its object was closed, deleted or withdrawn)");
    case LookupError::kUnknown:
      return cause(Reason::kUnknownHandle, "unknown " + s + " " + Hex(value));
    case LookupError::kWrongKind: {
      // Say which kind it is only if it really is a live handle of that kind.
      const uint64_t v = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(value));
      const char* live = nullptr;
      if (drivers.Find(v)) live = HandleKindName(HandleKind::kDriver);
      if (adapters.Find(v)) live = HandleKindName(HandleKind::kAdapter);
      if (bindings.Find(v)) live = HandleKindName(HandleKind::kBinding);
      if (bind_ctxs.Find(v)) live = HandleKindName(HandleKind::kBindContext);
      if (unbind_ctxs.Find(v)) live = HandleKindName(HandleKind::kUnbindContext);
      if (afs.Find(v)) live = HandleKindName(HandleKind::kAf);
      if (saps.Find(v)) live = HandleKindName(HandleKind::kSap);
      if (vcs.Find(v)) live = HandleKindName(HandleKind::kVc);
      if (work_items.Find(v)) live = HandleKindName(HandleKind::kWorkItem);
      if (wrappers.Find(v)) live = HandleKindName(HandleKind::kWrapper);
      if (live != nullptr) {
        return cause(Reason::kWrongHandleKind, s + " " + Hex(value) + " is a " + live + ", not a " +
                                                   HandleKindName(expected));
      }
      return cause(Reason::kUnknownHandle, "unknown " + s + " " + Hex(value));
    }
  }
  return cause(Reason::kUnknownHandle, s);
}

// ---- Scheduler. ----

void Model::Impl::Queue(WorkKind kind, std::string what, std::function<void()> fn) {
  queue.push_back(Work{next_work_id++, kind, std::move(what), std::move(fn)});
}

void Model::Impl::DeliverAtPassive(WorkKind kind, std::string what, std::function<void()> fn) {
  if (irql > PASSIVE_LEVEL) {
    // AF-037 (DERIVED deferral): the caller may complete at DISPATCH_LEVEL
    // but the callback runs at PASSIVE_LEVEL, so it becomes a work item.
    if (settings.defer_dispatch_completions) {
      Queue(kind, std::move(what), std::move(fn));
    } else {
      fn();
    }
    return;
  }
  if (chooser->RunInline(kind)) {
    fn();
  } else {
    Queue(kind, std::move(what), std::move(fn));
  }
}

bool Model::Impl::RunOne() {
  if (queue.empty()) return false;
  std::vector<WorkInfo> ready;
  ready.reserve(queue.size());
  for (const Work& w : queue) ready.push_back(WorkInfo{w.id, w.kind, w.what});
  const size_t pick = chooser->Pick(ready) % ready.size();
  Work w = std::move(queue[pick]);
  queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(pick));
  // A work item runs in a fresh system thread: PASSIVE_LEVEL, whatever the
  // IRQL of the code that queued it.
  const KIRQL saved = irql;
  irql = PASSIVE_LEVEL;
  ++work_items_run;
  w.run();
  irql = saved;
  return true;
}

Driver* Model::Impl::ProtocolByActor(ActorId actor) const {
  for (const auto& d : all_drivers) {
    if (d->actor == actor && !d->is_miniport && !d->deregistered) return d.get();
  }
  return nullptr;
}

Driver* Model::Impl::MiniportByActor(ActorId actor) const {
  for (const auto& d : all_drivers) {
    if (d->actor == actor && d->is_miniport && !d->deregistered) return d.get();
  }
  return nullptr;
}

Adapter* Model::Impl::AdapterById(AdapterId id) const {
  if (id == 0 || id > all_adapters.size()) return nullptr;
  return all_adapters[id - 1].get();
}

Binding* Model::Impl::BindingOf(const Driver* protocol, const Adapter* adapter) const {
  if (adapter == nullptr) return nullptr;
  for (Binding* b : adapter->bindings) {
    if (b->protocol == protocol && b->state != Binding::State::kClosed) return b;
  }
  return nullptr;
}

// ---- Model: construction and the harness side. ----

Model::Model(Settings settings, Chooser* chooser)
    : impl_(std::make_unique<Impl>(settings, chooser)) {
  Boundary::Get().BeginRun(this);
}

Model::~Model() {
  Boundary& b = Boundary::Get();
  // End the run only if it is still ours (directly or through a decorator
  // that interposed itself with SetHost).
  if (b.host() != nullptr) b.EndRun();
}

ActorId Model::LoadDriver(std::string name, DriverEntryFn entry, NDIS_STATUS* entry_status) {
  const ActorId actor = Boundary::Get().DeclareDriver(std::move(name));
  impl_->driver_objects.push_back(std::make_unique<char>('d'));
  auto* object = reinterpret_cast<PDRIVER_OBJECT>(impl_->driver_objects.back().get());
  static UNICODE_STRING registry_path{};
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  if (entry) {
    ScopedActor as(actor);
    s = entry(object, &registry_path);
  }
  if (entry_status != nullptr) *entry_status = s;
  return actor;
}

AdapterId Model::AddAdapter(ActorId miniport, std::string name, NDIS_MEDIUM medium,
                            NDIS_STATUS* init_status) {
  return impl_->AddAdapter(miniport, std::move(name), medium, init_status);
}

NDIS_STATUS Model::BindProtocol(ActorId protocol, AdapterId adapter) {
  Driver* p = impl_->ProtocolByActor(protocol);
  Adapter* a = impl_->AdapterById(adapter);
  if (p == nullptr || a == nullptr || a->state != Adapter::State::kRunning) {
    return impl_->Fail(
        Unrecorded::kBindProtocol, NDIS_STATUS_ADAPTER_NOT_FOUND,
        Cause{Reason::kNotRegistered, "no registered protocol " + std::to_string(protocol) +
                                          " or no running adapter " + std::to_string(adapter)});
  }
  if (impl_->BindingOf(p, a) != nullptr) {
    return impl_->Fail(Unrecorded::kBindProtocol, NDIS_STATUS_FAILURE,
                       Cause{Reason::kWrongState, "protocol already bound to adapter"});
  }
  return impl_->Bind(p, a);
}

bool Model::UnbindProtocol(ActorId protocol, AdapterId adapter) {
  Driver* p = impl_->ProtocolByActor(protocol);
  Binding* b = impl_->BindingOf(p, impl_->AdapterById(adapter));
  if (p == nullptr || b == nullptr || b->state != Binding::State::kBound) return false;
  return impl_->StartUnbind(b);
}

bool Model::HaltAdapter(AdapterId adapter) {
  Adapter* a = impl_->AdapterById(adapter);
  if (a == nullptr || a->state != Adapter::State::kRunning) return false;
  return impl_->Halt(a);
}

bool Model::IsBound(ActorId protocol, AdapterId adapter) const {
  Binding* b = impl_->BindingOf(impl_->ProtocolByActor(protocol), impl_->AdapterById(adapter));
  return b != nullptr && b->state == Binding::State::kBound;
}

std::optional<std::string> Model::RunningAdapterName(NDIS_HANDLE handle) const {
  Cause why;
  const Adapter* a = impl_->Resolve(impl_->adapters, handle, "MiniportAdapterHandle", &why);
  if (a == nullptr || a->state != Adapter::State::kRunning || a->in_halt) return std::nullopt;
  return a->name;
}

bool Model::RunOne() { return impl_->RunOne(); }

size_t Model::RunUntilIdle(size_t limit) {
  size_t n = 0;
  while (n < limit && impl_->RunOne()) ++n;
  return n;
}

std::vector<WorkInfo> Model::PendingWork() const {
  std::vector<WorkInfo> out;
  for (const Impl::Work& w : impl_->queue) out.push_back(WorkInfo{w.id, w.kind, w.what});
  return out;
}

const Settings& Model::settings() const { return impl_->settings; }
const std::vector<Rejection>& Model::rejections() const { return impl_->rejections; }

ModelStats Model::stats() const {
  ModelStats s;
  s.allocations = impl_->allocations;
  s.live_objects = impl_->drivers.live() + impl_->adapters.live() + impl_->bindings.live() +
                   impl_->bind_ctxs.live() + impl_->unbind_ctxs.live() + impl_->afs.live() +
                   impl_->saps.live() + impl_->vcs.live() + impl_->work_items.live() +
                   impl_->wrappers.live();
  for (const auto& r : impl_->all_registrations) {
    if (!r->withdrawn) ++s.live_objects;
  }
  s.driver_bytes_live = impl_->driver_bytes_live;
  s.work_items_run = impl_->work_items_run;
  return s;
}

// ---- IRQL, spin locks, memory. ----

KIRQL Model::CurrentIrql() { return impl_->irql; }
const KIRQL* Model::CurrentIrqlCell() const { return &impl_->irql; }

NDIS_HANDLE Model::MiniportHandleOfBind(NDIS_HANDLE bind_context) {
  const BindCtx* ctx =
      impl_->bind_ctxs.Find(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(bind_context)));
  return ctx != nullptr ? ctx->adapter->handle.ndis() : nullptr;
}

VOID Model::NdisAllocateSpinLock(PNDIS_SPIN_LOCK lock) {
  if (lock == nullptr)
    return impl_->Reject(Fn::NdisAllocateSpinLock, NDIS_STATUS_INVALID_PARAMETER,
                         NullArg("SpinLock"));
  // Re-initializing a held lock releases it (as overwriting the kernel
  // structure would).
  auto [it, inserted] = impl_->locks.try_emplace(lock);
  if (!inserted && it->second.held) --impl_->held_locks;
  it->second = SpinLockState{};
}

VOID Model::NdisFreeSpinLock(PNDIS_SPIN_LOCK lock) {
  auto it = impl_->locks.find(lock);
  if (it == impl_->locks.end()) {
    return impl_->Reject(
        Fn::NdisFreeSpinLock, NDIS_STATUS_INVALID_PARAMETER,
        Cause{Reason::kNotAllocated, "SpinLock " + Hex(lock) + " was never allocated"});
  }
  if (it->second.held) {
    return impl_->Reject(Fn::NdisFreeSpinLock, NDIS_STATUS_FAILURE,
                         Cause{Reason::kLockHeld, "SpinLock " + Hex(lock) + " freed while held"});
  }
  impl_->locks.erase(it);
}

void Model::Impl::AcquireLock(PNDIS_SPIN_LOCK lock, bool dpr) {
  Impl& m = *this;
  const Fn fn = dpr ? Fn::NdisDprAcquireSpinLock : Fn::NdisAcquireSpinLock;
  if (lock == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("SpinLock"));
  auto it = m.locks.find(lock);
  if (it == m.locks.end()) {
    m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER,
             Cause{Reason::kNotAllocated,
                   "SpinLock " + Hex(lock) + " was never allocated (treated as allocated)"});
    it = m.locks.emplace(lock, SpinLockState{}).first;
  }
  if (it->second.held) {
    // On a real machine this deadlocks; here it is refused.
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kLockHeld, "SpinLock " + Hex(lock) + " already held"});
  }
  if (dpr && m.irql < DISPATCH_LEVEL) {
    m.Reject(fn, NDIS_STATUS_FAILURE,
             Cause{Reason::kIrqlTooLow, "called below DISPATCH_LEVEL (IRQL not raised)"});
  }
  it->second.held = true;
  ++m.held_locks;
  it->second.old_irql = m.irql;
  it->second.holder = Boundary::Get().CurrentActor();
  if (!dpr) m.irql = DISPATCH_LEVEL;
}

void Model::Impl::ReleaseLock(PNDIS_SPIN_LOCK lock, bool dpr) {
  Impl& m = *this;
  const Fn fn = dpr ? Fn::NdisDprReleaseSpinLock : Fn::NdisReleaseSpinLock;
  auto it = m.locks.find(lock);
  if (lock == nullptr || it == m.locks.end() || !it->second.held) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kLockNotHeld, "SpinLock " + Hex(lock) + " is not held"});
  }
  it->second.held = false;
  --m.held_locks;
  if (!dpr) m.irql = it->second.old_irql;
}

VOID Model::NdisAcquireSpinLock(PNDIS_SPIN_LOCK lock) { impl_->AcquireLock(lock, false); }

// ---- Events. The state lives in the driver's NDIS_EVENT: Event[0] is the
// signal, Event[1] a marker that NdisInitializeEvent ran (so a wait on an
// uninitialized event is caught rather than read as "not signalled").
namespace {
constexpr ULONG_PTR kEventMarker = 0x4e44495345564e54ull;  // "NDISEVNT"
// A wait that keeps finding work (work items re-queueing themselves) still
// ends: this many steps without the signal is treated as a hang.
constexpr size_t kMaxWaitSteps = 1'000'000;
}  // namespace

VOID Model::NdisInitializeEvent(PNDIS_EVENT e) {
  if (e == nullptr)
    return impl_->Reject(Unrecorded::kNdisInitializeEvent, NDIS_STATUS_INVALID_PARAMETER,
                         NullArg("Event"));
  e->Event[0] = 0;
  e->Event[1] = kEventMarker;
  e->Event[2] = 0;
}

VOID Model::NdisSetEvent(PNDIS_EVENT e) {
  if (e == nullptr || e->Event[1] != kEventMarker) {
    return impl_->Reject(Unrecorded::kNdisSetEvent, NDIS_STATUS_INVALID_PARAMETER,
                         e == nullptr ? NullArg("Event")
                                      : Cause{Reason::kNotAllocated,
                                              "Event not initialized with NdisInitializeEvent"});
  }
  e->Event[0] = 1;
}

VOID Model::NdisResetEvent(PNDIS_EVENT e) {
  if (e == nullptr || e->Event[1] != kEventMarker) {
    return impl_->Reject(Unrecorded::kNdisResetEvent, NDIS_STATUS_INVALID_PARAMETER,
                         e == nullptr ? NullArg("Event")
                                      : Cause{Reason::kNotAllocated,
                                              "Event not initialized with NdisInitializeEvent"});
  }
  e->Event[0] = 0;
}

BOOLEAN Model::NdisWaitEvent(PNDIS_EVENT e, UINT ms_to_wait) {
  if (e == nullptr || e->Event[1] != kEventMarker) {
    impl_->Reject(Unrecorded::kNdisWaitEvent, NDIS_STATUS_INVALID_PARAMETER,
                  e == nullptr ? NullArg("Event")
                               : Cause{Reason::kNotAllocated,
                                       "Event not initialized with NdisInitializeEvent"});
    return FALSE;
  }
  if (impl_->irql != PASSIVE_LEVEL) {
    impl_->Reject(Unrecorded::kNdisWaitEvent, NDIS_STATUS_FAILURE,
                  Cause{Reason::kIrqlTooHigh, "wait above PASSIVE_LEVEL"});
    return FALSE;
  }
  // While this driver "blocks", the rest of the system runs: the scheduler
  // (the run's Chooser) picks ready work until something signals the event.
  for (size_t steps = 0; e->Event[0] == 0; ++steps) {
    if (steps == kMaxWaitSteps || !impl_->RunOne()) {
      impl_->Reject(Unrecorded::kNdisWaitEvent, NDIS_STATUS_FAILURE,
                    ms_to_wait == 0 ? Cause{Reason::kWaitWouldHang,
                                            "infinite wait with no ready work that could signal "
                                            "the event (a hang on Windows)"}
                                    : Cause{Reason::kWaitTimedOut,
                                            "timed out: no ready work signalled the event"});
      return FALSE;
    }
  }
  return TRUE;
}

VOID Model::NdisReleaseSpinLock(PNDIS_SPIN_LOCK lock) { impl_->ReleaseLock(lock, false); }
VOID Model::NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK lock) { impl_->AcquireLock(lock, true); }
VOID Model::NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK lock) { impl_->ReleaseLock(lock, true); }

PVOID Model::NdisAllocateMemoryWithTagPriority(NDIS_HANDLE, UINT length, ULONG, EX_POOL_PRIORITY) {
  Impl& m = *impl_;
  ++m.driver_allocation_calls;
  if (m.settings.fail_driver_allocation_at != 0 &&
      m.driver_allocation_calls == m.settings.fail_driver_allocation_at) {
    return nullptr;  // injected failure: NULL, as the pool does when exhausted
  }
  if (length == 0) {
    m.Reject(Unrecorded::kNdisAllocateMemoryWithTagPriority, NDIS_STATUS_INVALID_PARAMETER,
             Cause{Reason::kBadArgument, "Length 0"});
    return nullptr;
  }
  void* p = std::calloc(1, length);
  if (p == nullptr) return nullptr;
  m.driver_memory[p] = length;
  m.driver_bytes_live += length;
  return p;
}

VOID Model::NdisFreeMemoryWithTagPriority(NDIS_HANDLE, PVOID address, ULONG) {
  Impl& m = *impl_;
  auto it = m.driver_memory.find(address);
  if (it == m.driver_memory.end()) {
    return m.Reject(
        Unrecorded::kNdisFreeMemoryWithTagPriority, NDIS_STATUS_INVALID_PARAMETER,
        Cause{Reason::kNotAllocated,
              "VirtualAddress " + Hex(address) + " was not allocated by NDIS (or freed twice)"});
  }
  m.driver_bytes_live -= it->second;
  m.driver_memory.erase(it);
  std::free(address);
}

// ---- Driver work items. IRQL <= DISPATCH_LEVEL; the routine runs at PASSIVE. ----

NDIS_HANDLE Model::NdisAllocateIoWorkItem(NDIS_HANDLE object) {
  Impl& m = *impl_;
  const uint64_t v = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(object));
  Driver* owner = nullptr;
  if (Driver* d = m.drivers.Find(v)) owner = d;
  if (Adapter* a = m.adapters.Find(v)) owner = a->miniport;
  if (Binding* b = m.bindings.Find(v)) owner = b->protocol;
  if (owner == nullptr) {
    m.Reject(Fn::NdisAllocateIoWorkItem, NDIS_STATUS_INVALID_PARAMETER,
             Cause{Reason::kUnknownHandle,
                   "NdisObjectHandle " + Hex(object) +
                       " is not a live driver, miniport adapter or binding handle"});
    return nullptr;
  }
  if (!m.Allocate()) {
    m.Reject(Fn::NdisAllocateIoWorkItem, NDIS_STATUS_RESOURCES,
             Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
    return nullptr;
  }
  m.all_work_items.push_back(std::make_unique<WorkItem>());
  WorkItem* w = m.all_work_items.back().get();
  w->owner = owner;
  w->handle = m.work_items.Insert(w);
  return w->handle.ndis();
}

VOID Model::NdisQueueIoWorkItem(NDIS_HANDLE item, NDIS_IO_WORKITEM_ROUTINE routine, PVOID context) {
  Impl& m = *impl_;
  Cause why;
  WorkItem* w = m.Resolve(m.work_items, item, "NdisIoWorkItemHandle", &why);
  if (w == nullptr) return m.Reject(Fn::NdisQueueIoWorkItem, NDIS_STATUS_INVALID_PARAMETER, why);
  if (routine == nullptr) {
    return m.Reject(Fn::NdisQueueIoWorkItem, NDIS_STATUS_INVALID_PARAMETER, NullArg("Routine"));
  }
  if (w->queued) {
    return m.Reject(Fn::NdisQueueIoWorkItem, NDIS_STATUS_FAILURE,
                    Cause{Reason::kAlreadyQueued,
                          "work item " + Hex(item) + " is already queued (not queued twice)"});
  }
  w->queued = true;
  w->routine = routine;
  w->context = context;
  const WorkItemHandle h = w->handle;
  m.Queue(WorkKind::kDriverWorkItem, "NdisIoWorkItemRoutine(" + Hex(h.value) + ")", [&m, h] {
    WorkItem* wi = m.work_items.Find(h);
    if (wi == nullptr || !wi->queued) return;
    // Cleared before the routine runs, so the routine may queue it again.
    wi->queued = false;
    wi->routine(wi->context, h.ndis());
  });
}

VOID Model::NdisFreeIoWorkItem(NDIS_HANDLE item) {
  Impl& m = *impl_;
  Cause why;
  WorkItem* w = m.Resolve(m.work_items, item, "NdisIoWorkItemHandle", &why);
  if (w == nullptr) return m.Reject(Fn::NdisFreeIoWorkItem, NDIS_STATUS_INVALID_PARAMETER, why);
  if (w->queued) {
    // Freeing a queued item would free what the system thread is about to
    // run: refused, the item stays queued and still runs.
    return m.Reject(
        Fn::NdisFreeIoWorkItem, NDIS_STATUS_FAILURE,
        Cause{Reason::kAlreadyQueued, "work item " + Hex(item) + " is queued; free refused"});
  }
  m.work_items.Release(w->handle);
}

}  // namespace ndisconf::ndis
