// Part of Wmp (reference/drivers/wmp/wmp.h): the WAN send path (MiniportWanSend,
// WAN-033: no send on a link that is not up).
#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#include "reference/drivers/wmp/wmp.h"
#include "reference/drivers/wmp/wmp_codec.h"
#include "reference/drivers/wmp/wmp_impl.h"

namespace ndisconf::drivers {

namespace {

using wmp_impl::AdapterLock;

}  // namespace

// ---------------------------------------------------------------------------
// Send path.

NDIS_STATUS Wmp::OnWanSend(WmpAdapter& a, NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  // L9 / WAN-033: never accept a send for a link that is not up.
  WmpLink* link = a.FindLink(link_handle);
  if (a.state != WmpAdapter::State::kRunning || link == nullptr || packet == nullptr) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_INVALID_DATA;
  }
  if (!link->up) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_FAILURE;
  }
  if (packet->CurrentBuffer == nullptr || packet->CurrentLength == 0) {
    ++a.counts.sends_refused;
    return NDIS_STATUS_INVALID_LENGTH;
  }
  {
    // Queued first: a completion may be reported as soon as Transmit runs.
    AdapterLock lock(a);
    a.tx[link->channel].push_back(packet);
  }
  nic::TxResult r =
      a.nic->Transmit(nic::ChannelId{link->channel},
                      std::span<const uint8_t>(packet->CurrentBuffer, packet->CurrentLength));
  if (r == nic::TxResult::kQueued) {
    ++link->frames_tx;
    return NDIS_STATUS_PENDING;  // NdisMWanSendComplete on TxComplete
  }
  {
    AdapterLock lock(a);
    std::deque<PNDIS_WAN_PACKET>& q = a.tx[link->channel];
    if (!q.empty() && q.back() == packet) q.pop_back();
  }
  ++a.counts.sends_refused;
  switch (r) {
    case nic::TxResult::kBusy:
      return NDIS_STATUS_RESOURCES;
    case nic::TxResult::kInvalidFrame:
      return NDIS_STATUS_INVALID_LENGTH;
    default:
      return NDIS_STATUS_FAILURE;
  }
}

}  // namespace ndisconf::drivers
