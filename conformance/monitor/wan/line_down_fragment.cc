// Rule families "line_down" and "fragment" (spec 5.13, WAN-040 ... WAN-043;
// 5.14, WAN-050 ... WAN-051): a line-down carries a whole
// NDIS_MAC_LINE_DOWN and takes an up link down; a fragment carries a whole
// NDIS_MAC_FRAGMENT with a non-empty set of WAN_ERROR_* bits; once a link is
// down nothing names its context again (WAN-043). Strict profiles also want
// every link down before its call closes and by the end of the run (WAN-040).
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Bytes;
using wan::Call;
using wan::Link;

void Monitor::State::LineDownCall(const Event& e, uint64_t mh, Bytes b, Frame& f) {
  const spec::wan::Decoded<spec::wan::MacLineDown> down = spec::wan::DecodeMacLineDown(b);
  if (!down.ok()) {
    Report(kW040Size, e.index, mh,
           "NDIS_STATUS_WAN_LINE_DOWN with StatusBufferSize " + std::to_string(f.len) +
               "; NDIS_MAC_LINE_DOWN needs 8");
    return;
  }
  const uint64_t lc = down->link_context;
  Link* l = FindLink(lc);
  if (l != nullptr && l->up && l->adapter == mh) {
    f.has_effect = true;  // LineDownApply, once NDIS passes it on
    f.effect_obj = lc;
    return;
  }
  LinkContextUse(e, mh, lc, "line-down");
}

// A line-down NDIS passed on: the link is down from here on. One NDIS
// refused (WAN-003) never reached NDISWAN, so its link stays up and
// NDISWAN may still send on it (WAN-033).
void Monitor::State::LineDownApply(const Frame& f) {
  Link* l = FindLink(f.effect_obj);
  if (l == nullptr || !l->up || l->adapter != f.adapter) return;
  l->up = false;
  l->since = f.index;
  link_by_handle.erase(Key{f.adapter, l->handle});
}

void Monitor::State::FragmentCall(const Event& e, uint64_t mh, Bytes b, Frame& f) {
  const spec::wan::Decoded<spec::wan::MacFragment> frag = spec::wan::DecodeMacFragment(b);
  if (!frag.ok()) {
    Report(kW050, e.index, mh,
           "NDIS_STATUS_WAN_FRAGMENT with StatusBufferSize " + std::to_string(f.len) +
               "; NDIS_MAC_FRAGMENT needs 16");
    return;
  }
  const uint64_t lc = frag->link_context;
  const uint32_t errors = frag->errors;
  if (errors == 0 || (errors & ~spec::wan::kDefinedWanErrors) != 0)
    Report(kW051, e.index, lc,
           "fragment Errors " + Hex(errors) + " is " +
               (errors == 0 ? std::string("empty") : "outside the WAN_ERROR_* bits (0x3F)"));
  Link* l = FindLink(lc);
  if (l != nullptr && l->up && l->adapter == mh) {
    f.has_effect = true;  // FragmentApply, once NDIS passes it on
    f.effect_obj = lc;
    return;
  }
  LinkContextUse(e, mh, lc, "fragment");
}

// A fragment NDIS passed on counts against its link (WAN-052).
void Monitor::State::FragmentApply(const Frame& f) {
  Link* l = FindLink(f.effect_obj);
  if (l != nullptr && l->up && l->adapter == f.adapter) ++l->fragments;
}

bool Monitor::State::CheckContextAfterLineDown(const Event& e, uint64_t mh, uint64_t lc,
                                               const char* what) {
  Link* l = FindLink(lc);
  if (l == nullptr || l->adapter != mh) return false;
  if (l->up) return true;
  Report(kW043, e.index, lc,
         std::string(what) + " names NdisLinkContext " + Hex(lc) + " after its line-down (event " +
             std::to_string(l->since) + ")");
  return true;
}

void Monitor::State::CheckLineDownBeforeCloseCall(const Event& e, const Call& c, uint64_t ht) {
  if ((profile.wan_line_down_before_close_call || Strict()) && UpLinkOfCall(c) != nullptr)
    Report(kW040Close, e.index, c.lc,
           "OID_TAPI_CLOSE_CALL of htCall " + Hex(ht) + " completed with its link " + Hex(c.lc) +
               " still up (OQ-28 strict)");
}

void Monitor::State::LineDownFinish() {
  if (profile.wan_links_down_at_finish || Strict())
    for (const auto& [lc, l] : links)
      if (l.up)
        Report(kW040Finish, l.since, lc,
               "link " + Hex(lc) + " is still up at the end of the run (strict)");
}

}  // namespace ndisconf::monitor
