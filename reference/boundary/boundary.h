// reference/boundary/boundary.h: the run-time state of the API boundary.
//
// One process runs one NDIS at a time, as one machine runs one NDIS. The
// boundary holds that run's state: the active host, the declared drivers,
// the stack of drivers whose code is running (so a call is attributed to the
// driver that made it), the sinks that receive events, and the event index.
//
// The boundary records every crossing itself, in both directions: the C
// functions of <ndis.h> record the calls drivers make, and the handler
// tables and work item routines drivers hand NDIS reach the host wrapped,
// so that the calls the host makes through them are recorded as upcalls,
// attributed to the driver that registered them. A host records nothing.
//
// Single-threaded by design (the model has no threads); nothing here locks.
#ifndef NDISCONF_REFERENCE_BOUNDARY_BOUNDARY_H_
#define NDISCONF_REFERENCE_BOUNDARY_BOUNDARY_H_

#include <ndis.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "reference/boundary/event.h"
#include "reference/boundary/host.h"
#include "reference/boundary/wan_host.h"

namespace ndisconf {

// How many handler tables one run can hand NDIS: each registration
// (NdisRegisterProtocolDriver, NdisMRegisterMiniportDriver,
// NdisMRegisterMiniport, NdisRegisterProtocol) and each
// NdisSetOptionalHandlers with a CoNDIS structure takes one. Past the limit
// those calls return NDIS_STATUS_RESOURCES without reaching the host. A
// driver takes 1 to 3; the busiest run of the suites (AF-130: one client
// per NULL handler, each refused) takes 57. Each slot has its own
// thunks (C function pointers carry no closure), so the limit is fixed at
// compile time.
inline constexpr size_t kMaxHandlerTables = 128;

class Boundary {
 public:
  // The process-wide boundary (constant-initialized: usable from any static
  // initializer, and no guard on the per-crossing path).
  static Boundary& Get() { return instance_; }

  // Starts a new run on `host` (not owned; must outlive the run). Clears
  // drivers, sinks, the actor stack, the event index and the handler tables
  // and work items of the last run (their thunks do nothing afterwards). The WAN host (the
  // NDIS 5.1 functions of ndis5.h) becomes dynamic_cast<NdisWanHost*>(host):
  // NULL if the host does not implement the legacy WAN path.
  void BeginRun(NdisHost* host);
  // Ends the run: no host is active afterwards; API calls then fail with
  // NDIS_STATUS_ADAPTER_NOT_READY (or do nothing, for VOID functions). The
  // run's handler tables and work items are forgotten.
  void EndRun();
  NdisHost* host() const { return host_; }
  // Replaces the active host without resetting the run (a decorator, such
  // as a seeded-bug variant, interposes itself in front of the model).
  // Leaves the WAN host alone.
  void SetHost(NdisHost* host) {
    host_ = host;
    irql_cell_ = host != nullptr ? host->CurrentIrqlCell() : nullptr;
  }
  // The host of the NDIS 5.1 functions (ndis5.h); NULL = those functions
  // return / write NDIS_STATUS_ADAPTER_NOT_READY (VOID ones do nothing).
  NdisWanHost* wan_host() const { return wan_host_; }
  // Replaces the WAN host without resetting the run (a WAN-side seeded-bug
  // variant interposes itself in front of the model). Not owned.
  void SetWanHost(NdisWanHost* host) { wan_host_ = host; }

  // Declares a driver of this run; returns its actor id (1, 2, ...).
  ActorId DeclareDriver(std::string name);
  const std::vector<DriverInfo>& drivers() const { return drivers_; }

  // Sinks receive every later event, in registration order. Not owned.
  void AddSink(EventSink* sink);
  void RemoveSink(EventSink* sink);

  // The driver whose code is running now (kNoActor outside any driver).
  ActorId CurrentActor() const { return actors_.empty() ? kNoActor : actors_.back(); }
  void PushActor(ActorId a) { actors_.push_back(a); }
  void PopActor() { actors_.pop_back(); }

  uint64_t event_count() const { return next_index_; }

  // ---- A reused run (fuzz/wan_status runs every input on one stack). ----
  // Checkpoint() saves the current run: its host and WAN host, drivers,
  // sinks and event index, and the handler tables handed to the host.
  // Rollback(saved) makes that run the current one again as it was, even
  // after other runs began and ended in between (their tables are replaced
  // by the saved ones, in place, so the copies the host holds work again);
  // tables and work items handed out since the checkpoint are forgotten.
  // Both refuse (nullptr, false) while driver code runs (a non-empty actor
  // stack).
  struct SavedRun;
  std::shared_ptr<const SavedRun> Checkpoint() const;
  bool Rollback(const SavedRun& saved);

  // Stamps index and IRQL on `e` and hands it to every sink.
  void Emit(Event& e) {
    e.index = next_index_++;
    e.irql = irql_cell_ != nullptr ? *irql_cell_
             : host_ != nullptr    ? host_->CurrentIrql()
                                   : PASSIVE_LEVEL;
    for (EventSink* sink : sinks_) sink->OnEvent(e);
  }

 private:
  static Boundary instance_;
  NdisHost* host_ = nullptr;
  const KIRQL* irql_cell_ = nullptr;  // host_->CurrentIrqlCell()
  NdisWanHost* wan_host_ = nullptr;
  std::vector<DriverInfo> drivers_;
  std::vector<EventSink*> sinks_;
  std::vector<ActorId> actors_;
  uint64_t next_index_ = 0;
};

// Runs driver code as `actor` for the scope (the harness uses it when it
// calls a DriverEntry, as the I/O manager would).
class ScopedActor {
 public:
  explicit ScopedActor(ActorId actor) { Boundary::Get().PushActor(actor); }
  ~ScopedActor() { Boundary::Get().PopActor(); }
  ScopedActor(const ScopedActor&) = delete;
  ScopedActor& operator=(const ScopedActor&) = delete;
};

// Value recorded for a NULL structure pointer.
inline constexpr uint64_t kNullSlot = ~uint64_t{0};

// Packs an NDIS_OBJECT_HEADER into one slot (Type<<24 | Revision<<16 | Size).
constexpr uint64_t PackHeader(uint8_t type, uint8_t revision, uint16_t size) {
  return (uint64_t{type} << 24) | (uint64_t{revision} << 16) | size;
}

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_BOUNDARY_BOUNDARY_H_
