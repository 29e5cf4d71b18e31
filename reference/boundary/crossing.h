// reference/boundary/crossing.h: how the boundary records one crossing.
//
// Private to the boundary library: only the boundary's C functions (down
// calls) and its handler thunks (upcalls, upcalls.cc) record events, so an
// NDIS host neither can nor needs to.
#ifndef NDISCONF_BOUNDARY_CROSSING_H_
#define NDISCONF_BOUNDARY_CROSSING_H_

#include <ndis.h>

#include "reference/boundary/boundary.h"
#include "reference/boundary/event.h"

namespace ndisconf {

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

// The active host (NULL: no run), and the driver whose code makes the call.
inline NdisHost* Host() { return Boundary::Get().host(); }
inline ActorId Caller() { return Boundary::Get().CurrentActor(); }
// *p, or NULL for a NULL out pointer (an out value recorded on a return).
inline const void* Deref(const PNDIS_HANDLE p) { return p != nullptr ? *p : nullptr; }

}  // namespace ndisconf

// A C entry point called with no active host (the run is over or never
// began) returns `ret` without recording anything.
#define NDISCONF_REQUIRE_HOST(ret) \
  if (::ndisconf::Host() == nullptr) return ret

#endif  // NDISCONF_BOUNDARY_CROSSING_H_
