// ndisconf/conformance/monitor/wan_monitor.h: the NDIS 5.1 WAN part of the
// rule monitor (private to //conformance/monitor).
//
// WanMonitor keeps the WAN shadow state (spec 2.7-2.9) built from the
// NDIS 5 events only: WAN miniports and their adapters, NDIS 5 bindings,
// the status-indication bracket per adapter, links, TAPI lines and calls,
// outstanding requests and WAN sends, and the WAN execution context. It
// checks rules WAN-001..WAN-103 (checks.inc) and reports through the
// Monitor's reporter, so violations land in one ordered list.
//
// Events are untrusted: every status or information buffer is decoded by
// x64 offset with bounds checks against what the event carries; a short
// buffer is reported under its rule or ignored, never read past. The
// state lives in hash maps that grow only when a new object appears, and
// call frames are reused, so OnEvent does not allocate in the steady state.
// Single-threaded, like Monitor.
#ifndef NDISCONF_CONFORMANCE_MONITOR_WAN_MONITOR_H_
#define NDISCONF_CONFORMANCE_MONITOR_WAN_MONITOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "conformance/monitor/checks.inc"
#include "conformance/monitor/monitor.h"
#include "ndisconf/boundary/event.h"

namespace ndisconf::monitor::wan {

// The same numbering as monitor.cc's check enum: both expand checks.inc.
enum CheckId : uint16_t {
#define NDISCONF_WAN_CHECK_ENUM(e, rule, name, desc) e,
  NDISCONF_MONITOR_CHECKS(NDISCONF_WAN_CHECK_ENUM)
#undef NDISCONF_WAN_CHECK_ENUM
      kCheckIdCount
};

// The functions WanMonitor looks at, and the ones Monitor's AF checks never
// look inside: the NDIS 5.1 ones (fn.h numbers them after every NDIS 6 one)
// and, appended after those, the spin-lock functions (WAN-003).
inline bool IsWanFn(Fn fn) { return fn >= Fn::NdisMInitializeWrapper && fn < Fn::kCount; }

// Receives one violation: the check, the event index that showed it, the
// handle concerned (0 if none), what was observed and the object's state.
using ReportFn = void (*)(void* ctx, uint16_t check, uint64_t index, uint64_t object,
                          std::string message, std::string state);

class WanMonitor {
 public:
  // `profile` must outlive the WanMonitor (it is the Monitor's own).
  WanMonitor(const Profile* profile, ReportFn report, void* report_ctx);
  ~WanMonitor();
  WanMonitor(const WanMonitor&) = delete;
  WanMonitor& operator=(const WanMonitor&) = delete;

  // Every event of an NDIS 5.1 function (IsWanFn) whose phase is a call or
  // a return, after Monitor's shape checks; Monitor filters out the rest and
  // passes `call` = (e.phase == Phase::kCall), which it has read already.
  // `a` holds the event's argument slots (missing ones read as 0).
  void OnEvent(const Event& e, bool call, const uint64_t* a);
  // End-of-run checks (WAN-010, WAN-040 strict, WAN-062, WAN-085).
  void Finish();

  // NdisLinkContext values that matched no link (OQ-25: counted, and
  // reported only when the profile asks).
  uint64_t unknown_link_contexts() const;

  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace ndisconf::monitor::wan

#endif  // NDISCONF_CONFORMANCE_MONITOR_WAN_MONITOR_H_
