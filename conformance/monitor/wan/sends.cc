// Rule family "sends" (WAN-031, WAN-033, spec 5.12; 2.7): NDISWAN sends
// only on links that are up, within each link's send window. Receives name
// a link too, and are checked like a line-down or fragment (WAN-025,
// WAN-043).
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Link;

namespace wan {
namespace {
constexpr Fn kSendsFns[] = {
    Fn::MiniportWanSend,
    Fn::NdisMWanSendComplete,
    Fn::NdisMWanIndicateReceive,
    Fn::NdisMWanIndicateReceiveComplete,
};
}  // namespace
constinit const Monitor::State::Family kSends = {"sends", kSendsFns, &Monitor::State::SendsCall,
                                                 &Monitor::State::SendsReturn};
}  // namespace wan

void Monitor::State::SendsCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportWanSend:
      WanSendCall(e, a, f);
      break;
    case Fn::NdisMWanSendComplete: {
      auto it = sends.find(a[1]);
      if (it == sends.end()) break;
      if (Link* l = FindLink(it->second); l != nullptr && l->outstanding > 0) --l->outstanding;
      sends.erase(it);
      break;
    }
    // WAN-025 / WAN-043 are about a WAN miniport's links; NDISWAN's virtual
    // adapter names links to the protocols above it by its own ids (E-10).
    case Fn::NdisMWanIndicateReceive:
      if (!BoundBelow(e.actor)) LinkContextUse(e, a[0], a[1], "NdisMWanIndicateReceive");
      break;
    case Fn::NdisMWanIndicateReceiveComplete:
      if (!BoundBelow(e.actor)) LinkContextUse(e, a[0], a[1], "NdisMWanIndicateReceiveComplete");
      break;
    default:
      break;
  }
}

void Monitor::State::SendsReturn(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportWanSend: {
      Link* l = f.send_lc != 0 ? FindLink(f.send_lc) : nullptr;
      if (l == nullptr) break;
      if (e.status == NDIS_STATUS_PENDING)
        sends[f.arg[2]] = f.send_lc;
      else if (l->outstanding > 0)
        --l->outstanding;
      break;
    }
    default:
      break;
  }
}

void Monitor::State::WanSendCall(const Event& e, const uint64_t* a, Frame& f) {
  const uint64_t mh = HandleByCtx(a[0]);
  f.adapter = mh;
  f.send_lc = 0;
  // NDISWAN's virtual adapter names links by its own upper ids (E-10); the
  // NdisLinkHandle rules are about the WAN miniport's links below it.
  if (BoundBelow(e.actor)) return;
  auto it = link_by_handle.find(Key{mh, a[1]});
  Link* l = it != link_by_handle.end() ? FindLink(it->second) : nullptr;
  if (l == nullptr || !l->up) {
    Report(kW033, e.index, a[1],
           "MiniportWanSend with NdisLinkHandle " + Hex(a[1]) +
               ", which is not the handle of a link that is up");
    return;
  }
  const Adapter* ad = FindAdapter(mh);
  const uint32_t window = l->window != 0 ? l->window : (ad != nullptr ? ad->max_transmit : 0);
  if (window != 0 && l->outstanding + 1 > window)
    Report(kW031, e.index, it->second,
           "MiniportWanSend makes " + std::to_string(l->outstanding + 1) +
               " sends outstanding on link " + Hex(it->second) + "; its send window is " +
               std::to_string(window));
  ++l->outstanding;
  f.send_lc = it->second;
}

}  // namespace ndisconf::monitor
