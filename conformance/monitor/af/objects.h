// ndisconf/conformance/monitor/af/objects.h: the CoNDIS shadow objects of
// the monitor (private to //conformance/monitor): drivers, bindings,
// adapters, AF registrations, AFs, SAPs and VCs as the events show them
// (spec 2.1-2.6).
#ifndef NDISCONF_CONFORMANCE_MONITOR_AF_OBJECTS_H_
#define NDISCONF_CONFORMANCE_MONITOR_AF_OBJECTS_H_

#include <cstdint>

#include "conformance/monitor/shadow.h"
#include "reference/boundary/event.h"

namespace ndisconf::monitor::af {

struct Driver {
  bool protocol = false, miniport = false;
  bool client = false, cm = false, proto_co = false, mini_co = false;
  uint64_t client_mask = 0, cm_mask = 0, proto_co_mask = 0;
  uint16_t cm_size = 0;
  bool mcm() const { return miniport && cm; }
};

enum class BState : uint8_t { kOpening, kOpen, kClosing, kClosed };
struct Binding {
  ActorId actor = 0;
  uint64_t ctx = 0;
  BState state = BState::kOpening;
  uint64_t bind_call = kNone;  // index of the enclosing ProtocolBindAdapterEx call
  uint64_t adapter = 0;        // the miniport adapter it is to (0: not known)
  uint32_t opening = 0;        // AF opens pending on this binding (AF-040)
  // AF types offered by ProtocolCoAfRegisterNotify while an open on this
  // binding was pending: AF-040 makes the client wait, so its later open of
  // one of them, outside the notify, does not break AF-030.
  static constexpr uint8_t kMaxDeferred = 8;
  uint64_t deferred[kMaxDeferred] = {};
  uint8_t deferred_count = 0;
  void Defer(uint64_t type) {
    if (deferred_count < kMaxDeferred) deferred[deferred_count++] = type;
  }
  // Removes `type` from the deferred offers; false if it was not there.
  bool TakeDeferred(uint64_t type) {
    for (uint8_t i = 0; i < deferred_count; ++i) {
      if (deferred[i] != type) continue;
      deferred[i] = deferred[--deferred_count];
      return true;
    }
    return false;
  }
};

struct Adapter {
  ActorId actor = 0;
  uint64_t ctx = 0;
  bool has_ctx = false;
  uint64_t init_call = kNone;
  bool halted = false;
};

struct Reg {
  uint64_t key = 0;      // binding handle (CM) or miniport adapter handle (MCM)
  uint64_t adapter = 0;  // a CM's: the adapter of its binding (0: not known)
  ActorId actor = 0;
  bool mcm = false;
  uint64_t af[3] = {};
  bool live = true;
  uint64_t in_call = kNone;  // index of the bind / initialize call it was made in
};

enum class AState : uint8_t { kCmOpenCall, kOpening, kOpen, kClosing, kClosed, kFailed };

struct Af {
  AState state = AState::kCmOpenCall;
  ActorId client = 0, cm = 0;
  uint64_t client_binding = 0, client_ctx = 0, cm_ctx = 0, cm_key = 0;
  bool cm_is_mcm = false;
  uint64_t af[3] = {};
  uint64_t since = 0;  // event index of the last state change
  int32_t open_complete_status = 0, close_complete_status = 0, notify_status = 0;
  bool open_sync = false;            // open returned synchronously
  bool open_owed = false;            // CM owes NdisCmOpenAddressFamilyComplete
  bool open_complete_owed = false;   // NDIS owes ProtocolClOpenAfCompleteEx
  bool close_owed = false;           // CM owes NdisCmCloseAddressFamilyComplete
  bool close_complete_owed = false;  // NDIS owes ProtocolClCloseAfComplete
  bool close_sync = false;           // close returned synchronously
  bool close_failed = false;         // a close was refused (OQ-07)
  bool client_closed = false;        // client called NdisClCloseAddressFamily (not refused)
  bool cm_done = false;              // handle invalid for the CM
  bool notify_active = false;
  bool notify_pending = false;      // NotifyClose returned PENDING
  bool client_notify_owed = false;  // client owes NdisClNotifyCloseAddressFamilyComplete
  bool client_notify_done = false;
  bool cm_notify_owed = false;  // NDIS owes ProtocolCmNotifyCloseAfComplete
  // The client answered the last notify-close with an error (AF-068): the
  // call manager did its part (AF-061 / AF-062) and may close or halt.
  bool notify_refused = false;
  uint32_t saps = 0, vcs = 0;
  bool Ended() const { return state == AState::kClosed || state == AState::kFailed; }
};

enum class SState : uint8_t {
  kCmCall,
  kRegistering,
  kRegistered,
  kFailed,
  kDeregistering,
  kDeregistered
};

struct Sap {
  SState state = SState::kCmCall;
  ActorId client = 0, cm = 0;
  uint64_t af = 0, client_ctx = 0, cm_ctx = 0;
  uint64_t since = 0;
  int32_t reg_status = 0, dereg_status = 0;
  bool reg_owed = false, reg_complete_owed = false;
  bool dereg_owed = false, dereg_complete_owed = false;
  bool counted = false;  // counted in Af::saps
  // S13 / AF-091: NDIS released the SAP with its AF (the client closed the
  // AF with it registered); the client's later NdisClDeregisterSap is legal
  // and NDIS answers it with FAILURE.
  bool released_with_af = false;
  bool client_done = false;  // the client has made that one deregistration
};

struct Vc {
  bool live = true;
  ActorId creator = 0;
  bool by_mcm = false;
  uint64_t af = 0, creator_ctx = 0;
  bool has_peer = false, has_mini = false;
  ActorId peer = 0, mini = 0;
  uint64_t peer_ctx = 0, mini_ctx = 0;
  bool active = false, deactivating = false, call_active = false;
};

enum class Kind : uint8_t { kBinding, kAf, kSap, kVc };

const char* AStateName(AState s);
const char* SStateName(SState s);
const char* KindName(Kind k);

}  // namespace ndisconf::monitor::af

#endif  // NDISCONF_CONFORMANCE_MONITOR_AF_OBJECTS_H_
