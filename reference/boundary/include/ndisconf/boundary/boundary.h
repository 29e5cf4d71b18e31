// ndisconf/boundary/boundary.h: the run-time state of the API boundary.
//
// One process runs one NDIS at a time, as one machine runs one NDIS. The
// boundary holds that run's state: the active host, the declared drivers,
// the stack of drivers whose code is running (so a call is attributed to the
// driver that made it), the sinks that receive events, and the event index.
//
// Single-threaded by design (the model has no threads); nothing here locks.
#ifndef NDISCONF_BOUNDARY_BOUNDARY_H_
#define NDISCONF_BOUNDARY_BOUNDARY_H_

#include <ndis.h>

#include <string>
#include <vector>

#include "ndisconf/boundary/event.h"
#include "ndisconf/boundary/host.h"
#include "ndisconf/boundary/wan_host.h"

namespace ndisconf {

class Boundary {
 public:
  // The process-wide boundary (constant-initialized: usable from any static
  // initializer, and no guard on the per-crossing path).
  static Boundary& Get() { return instance_; }

  // Starts a new run on `host` (not owned; must outlive the run). Clears
  // drivers, sinks, the actor stack and the event index. The WAN host (the
  // NDIS 5.1 functions of ndis5.h) becomes dynamic_cast<NdisWanHost*>(host):
  // NULL if the host does not implement the legacy WAN path.
  void BeginRun(NdisHost* host);
  // Ends the run: no host is active afterwards; API calls then fail with
  // NDIS_STATUS_ADAPTER_NOT_READY (or do nothing, for VOID functions).
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

// Records one crossing: build the call's arguments, Call(), do the work,
// then Return(status) with the out values, then Done(). For a kUp crossing
// (NDIS calling a driver) `actor` is the driver called, and it is the
// current actor between Call() and Done(). For kDown, `actor` is normally
// Boundary::Get().CurrentActor().
//
//   Crossing c(Fn::ProtocolCmOpenAf, cm);
//   c.Handle(ctx).Af(af).Handle(h);
//   c.Call();
//   NDIS_STATUS s = handler(ctx, af, h, &cm_af_ctx);
//   c.Return(s).Handle(cm_af_ctx).Done();
class Crossing {
 public:
  Crossing(Fn fn, ActorId actor) {
    event_.fn = fn;
    event_.actor = actor;
  }
  Crossing(const Crossing&) = delete;
  Crossing& operator=(const Crossing&) = delete;

  Crossing& Handle(const void* h) { return Slot(reinterpret_cast<uintptr_t>(h)); }
  Crossing& Status(NDIS_STATUS s) { return Slot(static_cast<uint32_t>(s)); }
  Crossing& Ulong(uint64_t v) { return Slot(v); }
  Crossing& Mask(uint64_t v) { return Slot(v); }
  Crossing& Af(const CO_ADDRESS_FAMILY* af);  // NULL records as all-ones
  // Records SapType, SapLength and min(SapLength, Event::kMaxBlob) bytes of
  // Sap (the bytes a call manager would read). NULL records as all-ones.
  Crossing& Sap(const CO_SAP* sap);
  Crossing& Header(const NDIS_OBJECT_HEADER* h);  // NULL records as all-ones
  // A kBuffer argument: one slot with `length` (the caller's claim), and the
  // first min(length, Event::kMaxBlob) bytes of `p` in the blob; no bytes if
  // `p` is NULL. Reads no more than that many bytes of `p`.
  Crossing& Buffer(const void* p, uint64_t length);

  void Call() {
    event_.phase = Phase::kCall;
    Boundary& b = Boundary::Get();
    b.Emit(event_);
    if (DirectionOf(event_.fn) == Direction::kUp) {
      b.PushActor(event_.actor);
      pushed_ = true;
    }
  }
  Crossing& Return(NDIS_STATUS status = NDIS_STATUS_SUCCESS) {
    if (pushed_) {
      Boundary::Get().PopActor();
      pushed_ = false;
    }
    event_.phase = Phase::kReturn;
    event_.status = status;
    event_.arg_count = 0;
    event_.blob_len = 0;
    return *this;
  }
  void Done() { Boundary::Get().Emit(event_); }

 private:
  Crossing& Slot(uint64_t v) {
    // The schema (fn.cc) never needs more than kMaxArgs slots; a builder
    // that overflows is a bug in this library, and the extra value is
    // dropped rather than written out of bounds.
    if (event_.arg_count < Event::kMaxArgs) event_.arg[event_.arg_count++] = v;
    return *this;
  }
  Event event_;
  bool pushed_ = false;
};

// Value recorded for a NULL structure pointer.
inline constexpr uint64_t kNullSlot = ~uint64_t{0};

// Packs an NDIS_OBJECT_HEADER into one slot (Type<<24 | Revision<<16 | Size).
constexpr uint64_t PackHeader(uint8_t type, uint8_t revision, uint16_t size) {
  return (uint64_t{type} << 24) | (uint64_t{revision} << 16) | size;
}

}  // namespace ndisconf

#endif  // NDISCONF_BOUNDARY_BOUNDARY_H_
