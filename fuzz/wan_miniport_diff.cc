// fuzz/wan_miniport_diff.cc: FirstDivergence (wan_miniport_diff.h).
#include "fuzz/wan_miniport_diff.h"

#include <ndistapi.h>
#include <ndiswan.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>

namespace ndisconf::fuzz {
namespace {

struct OidRule {
  NDIS_OID oid;
  const char* name;
  const char* rule;
};

// The requests a miniport must support (WAN-081 names them required), and
// the rule each one's result is checked against: the one that says what the
// miniport must do with it.
constexpr OidRule kOidRules[] = {
    {OID_WAN_GET_INFO, "OID_WAN_GET_INFO", "WAN-095"},
    {OID_TAPI_PROVIDER_INITIALIZE, "OID_TAPI_PROVIDER_INITIALIZE", "WAN-082"},
    {OID_TAPI_OPEN, "OID_TAPI_OPEN", "WAN-083"},
    {OID_TAPI_CLOSE, "OID_TAPI_CLOSE", "WAN-088"},
    {OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, "OID_TAPI_SET_DEFAULT_MEDIA_DETECTION", "WAN-063"},
    {OID_TAPI_MAKE_CALL, "OID_TAPI_MAKE_CALL", "WAN-084"},
    {OID_TAPI_GET_ID, "OID_TAPI_GET_ID", "WAN-070"},
    {OID_TAPI_DROP, "OID_TAPI_DROP", "WAN-085"},
    {OID_TAPI_CLOSE_CALL, "OID_TAPI_CLOSE_CALL", "WAN-086"},
};

std::string OidName(NDIS_OID oid) {
  for (const OidRule& r : kOidRules) {
    if (r.oid == oid) return r.name;
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(oid));
  return hex;
}

// A request with no rule of its own is an optional TAPI request (WAN-081),
// which the miniport may decline (WAN-080).
const char* OidRuleId(NDIS_OID oid) {
  for (const OidRule& r : kOidRules) {
    if (r.oid == oid) return r.rule;
  }
  return "WAN-080";
}

bool Required(NDIS_OID oid) {
  for (const OidRule& r : kOidRules) {
    if (r.oid == oid) return true;
  }
  return false;
}

const char* StateName(ULONG s) {
  switch (s) {
    case LINECALLSTATE_OFFERING:
      return "OFFERING";
    case LINECALLSTATE_CONNECTED:
      return "CONNECTED";
    case LINECALLSTATE_DISCONNECTED:
      return "DISCONNECTED";
    case LINECALLSTATE_IDLE:
      return "IDLE";
  }
  return "?";
}

std::string States(const std::vector<ULONG>& states) {
  std::string out;
  for (ULONG s : states) out += (out.empty() ? "" : " ") + std::string(StateName(s));
  return out.empty() ? "none" : out;
}

// The rule the first differing milestone breaks. At the first position
// where the two differ, the implementation either indicated a state the
// reference did not (the reference's state there comes later in the
// implementation's list, or the reference's list ended): an extra CONNECTED
// is one indicated before the line-up the reference waited for (WAN-022),
// an extra OFFERING a call offered that should not be (WAN-063). Or it left
// out the reference's state: the rule that requires that state.
const char* MilestoneRule(const std::vector<ULONG>& reference, const std::vector<ULONG>& impl) {
  size_t i = 0;
  while (i < reference.size() && i < impl.size() && reference[i] == impl[i]) ++i;
  const bool extra =
      i < impl.size() &&
      (i == reference.size() || std::find(impl.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                          impl.end(), reference[i]) != impl.end());
  if (extra) {
    switch (impl[i]) {
      case LINECALLSTATE_OFFERING:
        return "WAN-063";
      case LINECALLSTATE_CONNECTED:
        return "WAN-022";
      case LINECALLSTATE_DISCONNECTED:
        return "WAN-087";
      case LINECALLSTATE_IDLE:
        return "WAN-085";
    }
    return "WAN-064";
  }
  switch (reference[i]) {
    case LINECALLSTATE_OFFERING:
      return "WAN-062";
    case LINECALLSTATE_DISCONNECTED:
      return "WAN-087";
    case LINECALLSTATE_IDLE:
      return "WAN-085";
  }
  return "WAN-064";  // every change of state is indicated
}

template <class T>
std::optional<Divergence> Differ(const char* rule, const std::string& what, T reference, T impl) {
  if (reference == impl) return std::nullopt;
  return Divergence{rule, what + ": the reference " + std::to_string(reference) +
                              ", the implementation " + std::to_string(impl)};
}

}  // namespace

std::optional<Divergence> FirstDivergence(const WanMiniportOutcome& reference,
                                          const WanMiniportOutcome& impl) {
  if (reference.built != impl.built) {
    return Divergence{"WAN-095",
                      std::string("the topology came up with ") +
                          (reference.built ? "the reference only" : "the implementation only")};
  }
  const size_t calls = std::min(reference.calls.size(), impl.calls.size());
  for (size_t i = 0; i < calls; ++i) {
    const WanCallObservation& r = reference.calls[i];
    const WanCallObservation& m = impl.calls[i];
    const std::string call = "call " + std::to_string(i);
    if (r.milestones != m.milestones) {
      return Divergence{MilestoneRule(r.milestones, m.milestones),
                        call + ": states " + States(r.milestones) + " on the reference, " +
                            States(m.milestones) + " on the implementation"};
    }
    if (auto d = Differ("WAN-021", call + ": line-ups", r.line_ups, m.line_ups)) return d;
    if (auto d = Differ("WAN-040", call + ": line-downs", r.line_downs, m.line_downs)) return d;
    if (auto d = Differ("WAN-050", call + ": fragments", r.fragments, m.fragments)) return d;
    if (r.fragment_errors != m.fragment_errors) {
      char text[96];
      std::snprintf(
          text, sizeof text, "fragment error bits: the reference 0x%x, the implementation 0x%x",
          static_cast<unsigned>(r.fragment_errors), static_cast<unsigned>(m.fragment_errors));
      return Divergence{"WAN-051", call + ": " + text};
    }
    if (auto d = Differ("WAN-025", call + ": receives", r.receives, m.receives)) return d;
  }
  const size_t requests = std::min(reference.requests.size(), impl.requests.size());
  for (size_t i = 0; i < requests; ++i) {
    const WanRequestObservation& r = reference.requests[i];
    const WanRequestObservation& m = impl.requests[i];
    if (r.oid != m.oid) {
      return Divergence{OidRuleId(r.oid), "request " + std::to_string(i) + ": NDISWAN sent " +
                                              OidName(r.oid) + " to the reference, " +
                                              OidName(m.oid) + " to the implementation"};
    }
    // An optional request (ACCEPT, ANSWER, ...) may succeed on one and be
    // declined by the other (WAN-080, WAN-081).
    if (r.succeeded != m.succeeded && Required(r.oid)) {
      return Divergence{OidRuleId(r.oid),
                        "request " + std::to_string(i) + " (" + OidName(r.oid) + ") " +
                            (r.succeeded ? "succeeded" : "failed") + " on the reference and " +
                            (m.succeeded ? "succeeded" : "failed") + " on the implementation"};
    }
  }
  if (reference.requests.size() != impl.requests.size()) {
    const bool ref_more = reference.requests.size() > impl.requests.size();
    const WanRequestObservation& extra = (ref_more ? reference : impl).requests[requests];
    return Divergence{OidRuleId(extra.oid),
                      "NDISWAN made " + std::to_string(reference.requests.size()) +
                          " requests of the reference and " + std::to_string(impl.requests.size()) +
                          " of the implementation; " + "the first extra one is " +
                          OidName(extra.oid)};
  }
  if (reference.calls.size() != impl.calls.size()) {
    return Divergence{"WAN-062", "the reference had " + std::to_string(reference.calls.size()) +
                                     " calls, the implementation " +
                                     std::to_string(impl.calls.size()) +
                                     " (calls are MAKE_CALL's and LINE_NEWCALL's)"};
  }
  return std::nullopt;
}

}  // namespace ndisconf::fuzz
