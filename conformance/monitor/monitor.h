// ndisconf/conformance/monitor/monitor.h: the rule monitor (the oracle).
//
// The Monitor watches the event stream of one run (or a recorded trace) and
// reports every broken CoNDIS address-family rule and NDIS 5.1 WAN
// status-indication rule it can observe: the (D) obligations of drivers,
// and the (R) behaviours of NDIS that show up in the events (spec sections
// 2 and 5). The checks live in one file per rule family, af/<family>.cc and
// wan/<family>.cc (see monitor_core.h). It keeps its own shadow state,
// built from events only, so it checks the reference model, a third
// party's NDIS host, a third party's driver or a trace file alike. It
// depends on the event vocabulary and the API types, never on the model.
//
// Events are untrusted input: unknown handles, unbalanced calls and
// returns and malformed events are reported (rules MON-xxx) or ignored,
// never asserted on. Single-threaded; OnEvent does no allocation in the
// steady state except when a new object (binding, AF, SAP, VC) appears or
// a violation is reported.
#ifndef NDISCONF_CONFORMANCE_MONITOR_MONITOR_H_
#define NDISCONF_CONFORMANCE_MONITOR_MONITOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/boundary/event.h"
#include "spec/open_questions.h"

namespace ndisconf::monitor {

// Behaviours the spec leaves open (section 6) that change what is legal.
// The open questions NDIS decides (OQ-03, -06, -07, -11, -12, -13 and NDIS's
// reaction to WAN-002/003/004) are the fields of spec::OpenQuestionPolicy,
// the one definition the model's ndis::Settings derives from too: a Profile
// made from a model's settings, Profile(settings), checks what that model
// was set to do. The fields below are the monitor's own.
struct Profile : spec::OpenQuestionPolicy {
  // The profile for a recorded trace, which does not say what its NDIS
  // chose: the policy's defaults, except that either VC callback order is
  // accepted (OQ-13) and an indication that reached no binding is not taken
  // as refused (WAN-001 / WAN-010 stay checked).
  Profile() {
    create_vc_order = VcCallbackOrder::kEither;
    wan_context_violations_refused = false;
  }
  // The profile matching an NDIS with this policy (e.g. the model's
  // ndis::Settings); every monitor-only field keeps its default.
  explicit Profile(const spec::OpenQuestionPolicy& ndis) : spec::OpenQuestionPolicy(ndis) {}

  // AF-030: the client opens an AF only from ProtocolCoAfRegisterNotify.
  // false relaxes the check (a client that opens later, e.g. from a work
  // item, is not flagged).
  bool require_open_from_notify = true;
  // Strict mode: also flag the SHOULD-level and DERIVED obligations that
  // the default profile tolerates (AF-056 on a repeated close, AF-089 on
  // a repeated deregistration, AF-061/062 notify-close outside unbind/halt, AF-133 MCM
  // miniport VC handlers present).
  bool strict = false;

  // ---- NDIS 5.1 WAN (spec 5.11-5.18; wan/) ----
  // OQ-22: NDIS_MAC_LINE_UP.Quality is carried uninterpreted by default;
  // true (or strict) flags values outside 0..2 (WAN-030).
  bool wan_strict_quality = false;
  // WAN-025 (MUST): a line-down, fragment, later line-up or receive with an
  // NdisLinkContext that no line-up established breaks the miniport's duty
  // to pass the saved context; it is reported by default (NDIS ignores and
  // counts it, OQ-25 / WAN-101). false relaxes the check outside strict
  // mode. A context whose link went down is always reported (WAN-043).
  bool wan_report_unknown_link_context = true;
  // OQ-28: either order of line-down and IDLE/DISCONNECTED is accepted;
  // true (or strict) requires a call's link to be down before its
  // OID_TAPI_CLOSE_CALL completes (WAN-040).
  bool wan_line_down_before_close_call = false;
  // WAN-102 / OQ-20: decode NDIS_TAPI_EVENT with ULONG params (the
  // mingw/NT4 layout, 32 bytes on x64) instead of ULONG_PTR (48).
  bool wan_tapi_event_ulong_params = false;
  // WAN-040: a link still up when the run ends may be legitimately up, so
  // it is not reported by default; true (or strict) reports it.
  bool wan_links_down_at_finish = false;
};

// Sets one Profile field from text, as trace_check's --profile-key=value:
//   close_with_children=cm-decides|ndis-checks
//   create_vc_order=either|miniport-first|peer-first
//   accept_close_retry, notify_during_register, accept_cm_handler_size_136,
//   mcm_create_vc_gets_af_handle, require_open_from_notify, strict = true|false
//   wan_version_scope=ndis51-legacy|ndis4|ndis6
//   wan_strict_quality, wan_report_unknown_link_context,
//   wan_line_down_before_close_call, wan_tapi_event_ulong_params,
//   wan_links_down_at_finish, wan_context_violations_refused = true|false
// Returns false and sets *error on an unknown key or a bad value.
bool SetProfileKey(Profile& profile, std::string_view key, std::string_view value,
                   std::string* error);

// One check the monitor performs: the rule it discharges, a short stable
// name, and a one-line description (marked (R) for an NDIS behaviour, (D)
// for a driver obligation).
struct CheckInfo {
  std::string_view rule;
  std::string_view check;
  std::string_view description;
};

struct Violation {
  std::string rule;          // e.g. "AF-034"
  std::string check;         // CheckInfo::check
  std::string message;       // what was observed
  uint64_t event_index = 0;  // Event::index of the event that showed it
  uint64_t object = 0;       // handle value concerned (0 if none)
  std::string state;         // shadow state of that object, if any
};

class Monitor : public EventSink {
 public:
  explicit Monitor(Profile profile = Profile{});
  ~Monitor() override;
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Every check, in rule order. Stable for the life of the process.
  static const std::vector<CheckInfo>& Checks();

  // Optional: the drivers of the run. Once declared, an event whose actor
  // is not among them is reported (MON-003).
  void DeclareDrivers(const std::vector<DriverInfo>& drivers);

  void OnEvent(const Event& event) override;

  // End-of-run (quiesce) checks: pending ledgers that were never
  // completed, completions NDIS still owes, calls that never returned.
  // Call once after the last event; calling it again does nothing.
  void Finish();

  const std::vector<Violation>& violations() const;
  // True if some violation cites `rule` (e.g. "AF-120").
  bool Violated(std::string_view rule) const;
  const Profile& profile() const;
  // Number of events seen.
  uint64_t event_count() const;

  // Forgets the run: shadow state, violations, event count, declared
  // drivers, as if newly constructed with the same profile and cap, but
  // keeps the storage already allocated (a fuzz target runs one monitor
  // over many inputs; fuzz/af_lifecycle_isolation_test checks that a reset
  // monitor gives a new one's verdicts).
  void Reset();
  // A monitor that starts every run from the same point (fuzz/wan_status:
  // the events of a reused stack's setup): Checkpoint() keeps the current
  // state (shadow state, violations, event count, declared drivers, open
  // calls); Rollback() returns to it, keeping the storage already allocated,
  // as Reset() returns to the initial state. Rollback() without a
  // checkpoint is Reset().
  void Checkpoint();
  void Rollback();

  // What the monitor knows now of the object a handle names, and what the
  // rules let happen to it next: who calls which function, with the rules
  // (and for the CoNDIS objects the rows of the spec's state tables,
  // sections 2.4 and 2.5). The handle is looked up as an NdisAfHandle, an
  // NdisSapHandle, then as the NDIS 5.1 WAN objects' (sections 2.7-2.9): an
  // NdisLinkContext, an htCall, an htLine, a MiniportAdapterHandle, and last
  // a miniport's hdCall or hdLine. nullopt for a handle that names none.
  // trace_check prints it under the first violation.
  struct ObjectView {
    std::string kind;   // "AF", "SAP", "WAN link", "TAPI call", "TAPI line", "WAN adapter"
    std::string state;  // as in Violation::state
    std::vector<std::string> next;  // empty: nothing more may happen to it
  };
  std::optional<ObjectView> Inspect(uint64_t handle) const;

  // Caps the number of violations stored (later ones are counted only).
  void set_max_violations(size_t n);
  uint64_t suppressed_violations() const;

  struct State;

 private:
  std::unique_ptr<State> s_;
  std::unique_ptr<State> saved_;  // Checkpoint()
};

}  // namespace ndisconf::monitor

#endif  // NDISCONF_CONFORMANCE_MONITOR_MONITOR_H_
