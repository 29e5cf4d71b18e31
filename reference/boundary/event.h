// reference/boundary/event.h: one API crossing, as observed at the boundary.
//
// An Event is what the rule monitor, the trace recorder and the trace
// checker see. It carries only API-level values (handles as opaque numbers,
// statuses, AF and SAP contents), never pointers into a host's internals, so
// the same monitor checks the reference model, a third party's host, a third
// party's driver or a trace read from a file.
#ifndef NDISCONF_REFERENCE_BOUNDARY_EVENT_H_
#define NDISCONF_REFERENCE_BOUNDARY_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "reference/boundary/fn.h"

namespace ndisconf {

enum class Phase : uint8_t { kCall, kReturn };

// Driver identities in a run. 0 is "no driver" (the host itself, or the
// harness acting as the I/O manager); drivers are numbered from 1 in the
// order they are declared.
using ActorId = uint16_t;
inline constexpr ActorId kNoActor = 0;

struct Event {
  static constexpr size_t kMaxArgs = 8;
  static constexpr size_t kMaxBlob = 256;

  uint64_t index = 0;  // position in the run, from 0
  Fn fn = Fn::kCount;
  Phase phase = Phase::kCall;
  // kDown: the driver making the call. kUp: the driver being called.
  ActorId actor = kNoActor;
  uint8_t irql = 0;    // IRQL at the crossing (KIRQL)
  int32_t status = 0;  // NDIS_STATUS on a kReturn of a status-returning Fn
  uint8_t arg_count = 0;
  uint16_t blob_len = 0;
  uint64_t arg[kMaxArgs] = {};
  // Variable-length data an argument refers to (CO_SAP bytes); only the
  // first blob_len bytes are meaningful.
  uint8_t blob[kMaxBlob];
};

// Receives every event of a run, in order. Implementations must not call
// back into the API from OnEvent.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const Event& event) = 0;
};

// A driver declared to the run: its id, name and what it is. The trace
// header lists them so that a trace is self-describing.
struct DriverInfo {
  ActorId id = kNoActor;
  std::string name;
};

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_BOUNDARY_EVENT_H_
