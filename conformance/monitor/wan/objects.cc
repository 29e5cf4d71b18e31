// The lookups every WAN family uses.
#include <utility>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

// The last two adapters looked up (State::recent).
wan::Adapter* Monitor::State::Cached(uint64_t mh) {
  if (recent[0].ad != nullptr && recent[0].mh == mh) return recent[0].ad;
  if (recent[1].ad != nullptr && recent[1].mh == mh) {
    std::swap(recent[0], recent[1]);
    return recent[0].ad;
  }
  return nullptr;
}

wan::Adapter* Monitor::State::Remember(uint64_t mh, wan::Adapter* ad) {
  recent[1] = recent[0];
  recent[0] = AdapterCache{mh, ad};
  return ad;
}

wan::Adapter& Monitor::State::AdapterAt(uint64_t mh) {
  if (wan::Adapter* ad = Cached(mh)) return *ad;
  return *Remember(mh, &wan_adapters[mh]);
}

wan::Adapter* Monitor::State::FindAdapter(uint64_t mh) {
  if (wan::Adapter* ad = Cached(mh)) return ad;
  auto it = wan_adapters.find(mh);
  return it == wan_adapters.end() ? nullptr : Remember(mh, &it->second);
}

uint64_t Monitor::State::HandleByCtx(uint64_t ctx) {
  auto it = wan_adapter_by_ctx.find(ctx);
  return it == wan_adapter_by_ctx.end() ? 0 : it->second;
}

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

wan::Link* Monitor::State::FindLink(uint64_t lc) {
  auto it = links.find(lc);
  return it == links.end() ? nullptr : &it->second;
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

wan::IndBuf& Monitor::State::Buf(const Frame& f) {
  const size_t i = stack.IndexOf(f);
  if (i >= ind_bufs.size()) ind_bufs.resize(std::max(i + 1, ind_bufs.size() * 2));
  return ind_bufs[i];
}

const uint8_t* Monitor::State::Cur(const Frame& f) {
  return f.cur_is_blob ? Buf(f).blob : Buf(f).cur;
}

}  // namespace ndisconf::monitor
