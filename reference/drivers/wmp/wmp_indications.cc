// Part of Wmp (reference/drivers/wmp/wmp.h): interrupts (ISR and DPC draining the
// NIC's events) and every status indication they cause: line-up / line-down,
// fragment, TAPI indications and send completions, each bracketed by one
// status-complete (WAN-002, WAN-003, WAN-010).
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
// Interrupts.

void Wmp::OnIsr(WmpAdapter& a, PBOOLEAN recognized, PBOOLEAN queue_dpc) {
  // WAN-002: nothing is indicated here. The NIC is masked (its line
  // deasserts) and the DPC drains the FIFO. A masked NIC cannot be the
  // source, so an interrupt then is not ours.
  const bool ours = a.state == WmpAdapter::State::kRunning && a.nic_irq_enabled;
  if (ours) {
    a.nic_irq_enabled = false;
    a.nic->SetInterruptEnabled(false);
  }
  *recognized = ours ? TRUE : FALSE;
  *queue_dpc = ours ? TRUE : FALSE;
}

void Wmp::OnHandleInterrupt(WmpAdapter& a) {
  if (a.state != WmpAdapter::State::kRunning) return;
  while (std::optional<nic::NicEvent> ev = a.nic->NextEvent()) OnNicEvent(a, *ev);
  CompleteBracket(a);  // WAN-010: one complete closes the DPC's batch
  // Unmasking with events latched meanwhile re-asserts the line.
  a.nic_irq_enabled = true;
  a.nic->SetInterruptEnabled(true);
}

void Wmp::OnNicEvent(WmpAdapter& a, const nic::NicEvent& ev) {
  using nic::EventKind;
  const uint32_t ch = ev.channel.value;
  if (ch >= a.tx.size()) {
    ++a.counts.events_unmatched;
    return;
  }
  WmpCall* call = a.CallOnChannel(ch);
  switch (ev.kind) {
    case EventKind::kCarrierUp:
    case EventKind::kSpeedChanged: {
      const bool changed = ev.link_speed_bps != 0 && ev.link_speed_bps != a.speed_bps[ch];
      if (ev.link_speed_bps != 0) a.speed_bps[ch] = ev.link_speed_bps;
      // WAN-020, WAN-032: a parameter change of an established link is a
      // new line-up with both handles and the new speed.
      if (changed && call != nullptr) {
        for (WmpLink* l : call->links) {
          if (l->up) LineUp(a, *l, static_cast<ULONG>(a.speed_bps[ch] / 100));
        }
      }
      return;
    }
    case EventKind::kCarrierDown:
      // A flap: the call survives (the NIC reports a lost call with
      // RemoteHangUp(link-loss), which ends it below).
      return;
    case EventKind::kRemoteRinging:
      if (call != nullptr && !call->inbound && call->live()) {
        SetCallState(a, *call, LINECALLSTATE_RINGBACK);
      } else {
        ++a.counts.events_unmatched;
      }
      return;
    case EventKind::kIncomingCall: {
      const size_t line = ch % a.lines.size();
      WmpLine& l = a.lines[line];
      const ULONG media = wmp::MediaModeOf(ev.bearer);
      // WAN-063: only media modes the latest SET_DEFAULT_MEDIA_DETECTION
      // enabled are offered; otherwise the line is outbound-only.
      if (!a.provider_up || !l.open || (l.media_modes & media) == 0 || call != nullptr) {
        ++a.counts.offers_rejected;
        (void)a.nic->HangUp(ev.channel);
        return;
      }
      auto owned = std::make_unique<WmpCall>();
      WmpCall& c = *owned;
      a.calls.push_back(std::move(owned));
      c.hd_call = next_handle_++;
      c.line = line;
      c.channel = ch;
      c.inbound = true;
      c.media_mode = media;
      c.state = LINECALLSTATE_OFFERING;  // holds the channel while NEWCALL runs
      // WAN-062: NEWCALL{htCall = 0, hdCall, 0, 0}; NDISTAPI writes htCall
      // into ulParam2 before NdisMIndicateStatus returns.
      NDIS_TAPI_EVENT e = TapiEvent(a, l.ht_line, 0, LINE_NEWCALL, c.hd_call, 0, 0);
      if (e.ulParam2 == 0) {
        // NDISTAPI did not take the call: reject it on the line.
        c.state = LINECALLSTATE_IDLE;
        c.closed = true;
        c.channel.reset();
        ++a.counts.offers_rejected;
        (void)a.nic->HangUp(ev.channel);
        return;
      }
      c.ht_call = e.ulParam2;
      c.state = 0;
      SetCallState(a, c, LINECALLSTATE_OFFERING);         // ulParam3 = media mode (WAN-062)
      if ((l.line_states & LINEDEVSTATE_RINGING) != 0) {  // WAN-065
        TapiEvent(a, l.ht_line, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 0, 1);
      }
      return;
    }
    case EventKind::kCallConnected:
      if (call == nullptr || !call->live()) {
        ++a.counts.events_unmatched;
        return;
      }
      call->nic_connected = true;
      call->connected_held = true;
      MaybeConnected(a, *call);
      return;
    case EventKind::kRemoteHangUp:
    case EventKind::kDialFailed:
      if (call == nullptr || !call->live()) {
        ++a.counts.events_unmatched;
        return;
      }
      if (ev.reason == nic::CallEnd::kOfferWithdrawn && call->state == LINECALLSTATE_OFFERING) {
        // WAN-091: an offer nobody answered goes IDLE; CLOSE_CALL follows.
        EndCall(a, *call, LINECALLSTATE_IDLE, 0, false);
      } else {
        // WAN-087 (and WAN-040 for its links).
        EndCall(a, *call, LINECALLSTATE_DISCONNECTED, wmp::DisconnectMode(ev.reason), false);
      }
      return;
    case EventKind::kFrameReceived:
    case EventKind::kFrameError: {
      WmpLink* link = nullptr;
      if (call != nullptr) {
        for (WmpLink* l : call->links) {
          if (l->up) {
            link = l;
            break;
          }
        }
      }
      if (link == nullptr) {  // WAN-101's counterpart: no up link to name
        ++a.counts.events_unmatched;
        return;
      }
      if (ev.kind == EventKind::kFrameError) {
        // WAN-050, WAN-051.
        NDIS_MAC_FRAGMENT f;
        NdisZeroMemory(&f, sizeof(f));
        f.NdisLinkContext = link->link_context;  // WAN-025
        f.Errors = wmp::FragmentErrors(ev.errors);
        ++link->fragments;
        ++a.counts.fragment;
        Indicate(a, NDIS_STATUS_WAN_FRAGMENT, &f, sizeof(f));
        return;
      }
      assert(!a.lock_held);
      std::vector<uint8_t> frame = ev.bytes;  // NDISWAN reads it during the call
      NDIS_STATUS st = NDIS_STATUS_SUCCESS;
      NdisMWanIndicateReceive(&st, a.handle, link->link_context, frame.data(),
                              static_cast<ULONG>(frame.size()));
      NdisMWanIndicateReceiveComplete(a.handle, link->link_context);
      ++link->frames_rx;
      ++a.counts.receive;
      ++a.counts.receive_complete;
      log_.Add(logged::OwnNdisMWanIndicateReceive{.status = st,
                                                  .miniport_adapter_handle = a.handle,
                                                  .ndis_link_context = link->link_context,
                                                  .packet_size = frame.size()});
      return;
    }
    case EventKind::kTxComplete:
      CompleteSends(a, ch, ev.tx_sent, ev.tx_dropped);
      return;
    case EventKind::kResetComplete:
      // A reset ends whatever call the channel held (a NIC-initiated one
      // reports RemoteHangUp(nic-reset) first; then there is none).
      if (call != nullptr && call->live()) {
        EndCall(a, *call, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNKNOWN, false);
      }
      return;
    case EventKind::kChannelHung:
      // CheckForHang reads the NIC's hung flag; NDIS then resets us.
      return;
  }
}

// ---------------------------------------------------------------------------
// Indications.

void Wmp::Indicate(WmpAdapter& a, NDIS_STATUS status, PVOID buffer, UINT size) {
  assert(!a.lock_held);  // WAN-003
  a.bracket_open = true;
  NdisMIndicateStatus(a.handle, status, buffer, size);
}

void Wmp::CompleteBracket(WmpAdapter& a) {
  if (!a.bracket_open) return;
  assert(!a.lock_held);  // WAN-003
  a.bracket_open = false;
  ++a.counts.status_complete;
  NdisMIndicateStatusComplete(a.handle);  // WAN-010
}

NDIS_TAPI_EVENT Wmp::TapiEvent(WmpAdapter& a, HTAPI_LINE ht_line, HTAPI_CALL ht_call, ULONG msg,
                               ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3) {
  // WAN-060, WAN-061.
  NDIS_TAPI_EVENT e;
  NdisZeroMemory(&e, sizeof(e));
  e.htLine = ht_line;
  e.htCall = ht_call;
  e.ulMsg = msg;
  e.ulParam1 = p1;
  e.ulParam2 = p2;
  e.ulParam3 = p3;
  ++a.counts.tapi;
  ++a.counts.tapi_msgs[msg];
  Indicate(a, NDIS_STATUS_TAPI_INDICATION, &e, sizeof(e));
  log_.Add(
      logged::OwnTapiIndication{.ht_line = ht_line, .ht_call = ht_call, .param1 = p1, .msg = msg});
  return e;
}

void Wmp::SetCallState(WmpAdapter& a, WmpCall& call, ULONG state, ULONG param2) {
  call.state = state;
  if (state == LINECALLSTATE_CONNECTED) call.connected_held = false;
  ++a.counts.call_states[state];
  const WmpLine& l = a.lines[call.line];
  // WAN-064: call-state messages are never filtered; WAN-066 parameters.
  TapiEvent(a, l.ht_line, call.ht_call, LINE_CALLSTATE, state, param2, call.media_mode);
}

void Wmp::LineUp(WmpAdapter& a, WmpLink& link, ULONG link_speed) {
  WmpCall* call = a.FindCall(link.hd_call);
  NDIS_MAC_LINE_UP up;
  NdisZeroMemory(&up, sizeof(up));
  up.LinkSpeed = link_speed;         // 100 bps units (WAN-029)
  up.Quality = config_.quality;      // WAN-030
  up.SendWindow = link.send_window;  // 0 = MaxTransmit (WAN-031, WAN-096)
  up.ConnectionWrapperID = reinterpret_cast<NDIS_HANDLE>(call ? call->ht_call : 0);  // WAN-027
  up.NdisLinkHandle = link.link_handle();  // WAN-028: the same on every line-up
  up.NdisLinkContext = link.link_context;  // NULL initially (WAN-023), then NDISWAN's (WAN-032)
  ++a.counts.line_up;
  ++link.line_ups;
  Indicate(a, NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
  log_.Add(logged::OwnLineUp{.ndis_link_handle = link.link_handle(),
                             .ndis_link_context = up.NdisLinkContext,
                             .connection_wrapper_id = up.ConnectionWrapperID,
                             .link_speed = link_speed});
  link.link_speed = link_speed;
  if (link.link_context == nullptr) {
    link.link_context = up.NdisLinkContext;  // WAN-024, WAN-025: keep NDISWAN's
  }
  link.up = link.link_context != nullptr;
}

void Wmp::LineDown(WmpAdapter& a, WmpLink& link) {
  if (!link.up) return;
  link.up = false;
  // WAN-040; WAN-043: the link's handles are not used after this.
  NDIS_MAC_LINE_DOWN down;
  down.NdisLinkContext = link.link_context;
  ++a.counts.line_down;
  Indicate(a, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  log_.Add(logged::OwnLineDown{.ndis_link_handle = link.link_handle(),
                               .ndis_link_context = link.link_context});
}

void Wmp::MaybeConnected(WmpAdapter& a, WmpCall& call) {
  if (!call.connected_held || !call.nic_connected || !call.live()) return;
  for (WmpLink* l : call.links) {
    if (l->up) {
      SetCallState(a, call, LINECALLSTATE_CONNECTED);  // WAN-022: after the line-up
      return;
    }
  }
}

void Wmp::EndCall(WmpAdapter& a, WmpCall& call, ULONG state, ULONG mode, bool hang_up) {
  if (hang_up && call.channel) {
    (void)a.nic->HangUp(nic::ChannelId{*call.channel});
  }
  call.channel.reset();
  call.nic_connected = false;
  call.connected_held = false;
  // OQ-28: the line-down precedes the call-state change (and so precedes
  // CLOSE_CALL's completion, the strict mode's requirement).
  for (WmpLink* l : call.links) LineDown(a, *l);
  if (call.state != state) SetCallState(a, call, state, mode);
}

void Wmp::CloseCall(WmpAdapter& a, WmpCall& call) {
  // WAN-086: implies DROP; the handles are invalid afterwards.
  if (call.state != LINECALLSTATE_IDLE) EndCall(a, call, LINECALLSTATE_IDLE, 0, true);
  call.closed = true;
}

void Wmp::CloseLine(WmpAdapter& a, size_t line) {
  WmpLine& l = a.lines[line];
  if (!l.open) return;
  // WAN-088, OQ-37: calls still on the line are closed first.
  for (auto& c : a.calls) {
    if (!c->closed && c->line == line) CloseCall(a, *c);
  }
  l = WmpLine{l.device_id};
}

void Wmp::CompleteSends(WmpAdapter& a, uint32_t channel, uint32_t sent, uint32_t dropped) {
  std::vector<std::pair<PNDIS_WAN_PACKET, NDIS_STATUS>> done;
  {
    std::optional<AdapterLock> lock;
    if (a.lock_allocated) lock.emplace(a);
    std::deque<PNDIS_WAN_PACKET>& q = a.tx[channel];
    for (uint32_t i = 0; i < sent + dropped && !q.empty(); ++i) {
      done.emplace_back(q.front(), i < sent ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
      q.pop_front();
    }
  }  // released before calling NDIS (WAN-003)
  for (auto& [packet, status] : done) {
    ++a.counts.send_complete;
    NdisMWanSendComplete(a.handle, packet, status);
    log_.Add(logged::OwnNdisMWanSendComplete{
        .status = status, .miniport_adapter_handle = a.handle, .packet = packet});
  }
}

}  // namespace ndisconf::drivers
