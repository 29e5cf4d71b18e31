// Part of Ndiswan (reference/drivers/ndiswan/ndiswan.h): the data path: receives from
// WAN miniports, protocol sends queued per link and passed down, and their
// completion.
#include <algorithm>
#include <cstring>

#include "reference/drivers/common/names.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/ndiswan/ndiswan_impl.h"
#include "spec/wan_buffers.h"

namespace ndisconf::drivers {

using wan::Action;
using wan::Link;
using wan::LinkState;

// ---------------------------------------------------------------------------
// Data path.

NDIS_STATUS Ndiswan::OnWanReceive(NDIS_HANDLE link_context, PUCHAR packet, ULONG size) {
  log_.Add(logged::ProtocolWanReceive{.ndis_link_context = link_context, .packet_size = size});
  const wan::Outcome o = core_.OnReceive(link_context, size);
  if (o.action != Action::kReceive) return NDIS_STATUS_NOT_ACCEPTED;  // WAN-101
  if (upper_adapter_ == nullptr) return NDIS_STATUS_SUCCESS;          // nobody above: consumed
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisMWanIndicateReceive(&s, upper_adapter_, o.link->upper.handle(), packet, size);
  NdisMWanIndicateReceiveComplete(upper_adapter_, o.link->upper.handle());
  return s;
}

NDIS_STATUS Ndiswan::OnMiniportWanSend(NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet) {
  log_.Add(logged::UpperMiniportWanSend{.ndis_link_handle = link_handle, .packet = packet});
  Link* link = core_.FindLinkByUpper(wan::UpperLinkId::FromHandle(link_handle));
  // WAN-033: nothing goes down for a link that no line-up established.
  if (link == nullptr || link->state != LinkState::kUp || packet == nullptr) {
    log_.Add(logged::OwnSendRefused{.ndis_link_handle = link_handle, .packet = packet});
    return NDIS_STATUS_FAILURE;
  }
  auto owned = std::make_unique<Send>();
  Send& s = *owned;
  s.upper = packet;
  s.lower.CurrentBuffer = packet->CurrentBuffer;
  s.lower.CurrentLength = packet->CurrentLength;
  s.lower.StartBuffer = packet->StartBuffer;
  s.lower.EndBuffer = packet->EndBuffer;
  s.link = link->context.value;
  PNDIS_WAN_PACKET key = &s.lower;
  sends_[key] = std::move(owned);
  auto& queue = link_queue_[s.link];
  WanLinkSends& st = link_sends_[s.link];
  if (st.outstanding >= link->send_window || !queue.empty()) ++st.queued_total;
  queue.push_back(&s);
  s.sync_caller = true;
  TryPassDown(*link);
  auto it = sends_.find(key);
  if (it == sends_.end()) return NDIS_STATUS_PENDING;  // cannot happen: sync sends stay until here
  it->second->sync_caller = false;
  if (!it->second->done) return NDIS_STATUS_PENDING;  // NdisMWanSendComplete later
  const NDIS_STATUS result = it->second->status;
  sends_.erase(it);
  return result;
}

void Ndiswan::TryPassDown(Link& link) {
  auto& queue = link_queue_[link.context.value];
  WanLinkSends& st = link_sends_[link.context.value];
  // WAN-031: at most SendWindow packets in MiniportWanSend for the link.
  while (link.state == LinkState::kUp && !queue.empty() && st.outstanding < link.send_window) {
    Send* s = queue.front();
    queue.pop_front();
    WanLowerBinding* b = Binding(link.binding);
    if (b == nullptr) {
      s->done = true;
      s->status = NDIS_STATUS_FAILURE;
      if (!s->sync_caller) CompleteUp(*s, NDIS_STATUS_FAILURE);
      continue;
    }
    s->in_miniport = true;
    ++st.outstanding;
    st.max_outstanding = std::max(st.max_outstanding, st.outstanding);
    ++st.passed_down;
    NDIS_STATUS r = NDIS_STATUS_FAILURE;
    // WAN-028: the NdisLinkHandle from the line-up, unchanged.
    NdisWanSend(&r, b->ndis_binding, link.link_handle, &s->lower);
    if (r == NDIS_STATUS_PENDING || !s->in_miniport) continue;  // completion frees the slot
    s->in_miniport = false;
    --st.outstanding;
    ++st.completed;
    if (s->sync_caller) {
      s->done = true;
      s->status = r;
    } else {
      CompleteUp(*s, r);
    }
  }
}

void Ndiswan::OnWanSendComplete(WanLowerBinding& b, PNDIS_WAN_PACKET packet, NDIS_STATUS status) {
  log_.Add(logged::ProtocolWanSendComplete{
      .status = status, .ndis_binding_handle = b.ndis_binding, .packet = packet});
  auto it = sends_.find(packet);
  if (it == sends_.end() || !it->second->in_miniport) return;  // not ours / twice: logged only
  Send& s = *it->second;
  s.in_miniport = false;
  WanLinkSends& st = link_sends_[s.link];
  --st.outstanding;
  ++st.completed;
  const uintptr_t link_ctx = s.link;
  if (s.sync_caller) {
    s.done = true;
    s.status = status;
  } else {
    CompleteUp(s, status);
  }
  if (Link* link = core_.FindLink(wan::LinkContext{link_ctx})) TryPassDown(*link);
}

void Ndiswan::CompleteUp(Send& s, NDIS_STATUS status) {
  PNDIS_WAN_PACKET upper = s.upper;
  sends_.erase(&s.lower);  // frees s
  if (upper_adapter_ != nullptr) NdisMWanSendComplete(upper_adapter_, upper, status);
}

void Ndiswan::FailQueued(Link& link) {
  auto& queue = link_queue_[link.context.value];
  WanLinkSends& st = link_sends_[link.context.value];
  while (!queue.empty()) {
    Send* s = queue.front();
    queue.pop_front();
    ++st.failed_on_down;
    if (s->sync_caller) {
      s->done = true;
      s->status = NDIS_STATUS_FAILURE;
    } else {
      CompleteUp(*s, NDIS_STATUS_FAILURE);
    }
  }
}

}  // namespace ndisconf::drivers
