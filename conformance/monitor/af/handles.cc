// Rule family "handles" (spec 5.10, AF-140): no new binding, AF, SAP or VC
// handle collides with a live handle of any kind. The families that create
// and end objects call AddLive and DropLive (monitor_core.h).
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

void Monitor::State::AddLive(const Event& e, uint64_t h, af::Kind k) {
  if (h == 0) return;
  auto [it, inserted] = live.try_emplace(h, k);
  if (!inserted) {
    Report(k140, e, h,
           std::string("new ") + af::KindName(k) + " handle " + Hex(h) + " collides with a live " +
               af::KindName(it->second) + " handle");
    it->second = k;
  }
}

}  // namespace ndisconf::monitor
