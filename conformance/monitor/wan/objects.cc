// The lookups every WAN family uses.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

wan::Call* Monitor::State::FindCall(uint64_t ht) {
  auto it = calls.find(ht);
  return it == calls.end() ? nullptr : &it->second;
}

wan::Call* Monitor::State::CallByHd(uint64_t mh, uint64_t hd, uint64_t* ht_out) {
  auto it = call_by_hd.find(Key{mh, hd});
  if (it == call_by_hd.end()) return nullptr;
  wan::Call* c = FindCall(it->second);
  if (c == nullptr || c->adapter != mh || c->hd_call != hd) return nullptr;
  if (ht_out) *ht_out = it->second;
  return c;
}

wan::Line* Monitor::State::FindLine(uint64_t ht) {
  auto it = lines.find(ht);
  return it == lines.end() ? nullptr : &it->second;
}

wan::Line* Monitor::State::LineByHd(uint64_t mh, uint64_t hd) {
  auto it = line_by_hd.find(Key{mh, hd});
  if (it == line_by_hd.end()) return nullptr;
  wan::Line* l = FindLine(it->second);
  return (l != nullptr && l->adapter == mh && l->hd_line == hd) ? l : nullptr;
}

wan::Link* Monitor::State::UpLinkOfCall(const wan::Call& c) {
  if (c.lc == 0) return nullptr;
  wan::Link* l = FindLink(c.lc);
  return (l != nullptr && l->up) ? l : nullptr;
}

bool Monitor::State::LiveCallHd(uint64_t mh, uint64_t hd) {
  wan::Call* c = CallByHd(mh, hd);
  return c != nullptr && !c->closed;
}

bool Monitor::State::BoundBelow(ActorId actor) const {
  for (const auto& [k, b] : binds)
    if (k.w == actor && b.open) return true;
  return false;
}

}  // namespace ndisconf::monitor
