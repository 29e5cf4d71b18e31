// SoftNic: fault injection and the clock (Advance, Step). See soft_nic.h.
#include <algorithm>
#include <utility>

#include "reference/nic/soft_nic.h"
#include "reference/nic/soft_nic_channel.h"

namespace ndisconf::nic {

using soft_nic_internal::CallContext;
using soft_nic_internal::CallInput;

// ---- Faults ------------------------------------------------------------------------

bool SoftNic::SetFaultPlan(const FaultPlan& plan, std::string* error) {
  if (auto e = ValidateFaultPlan(plan, channel_count())) {
    if (error != nullptr) *error = *e;
    return false;
  }
  plan_ = CanonicalFaultPlan(plan);
  plan_cursor_ = 0;
  fault_rng_ = SplitMix64(plan_.random ? plan_.random->seed : 0);
  return true;
}

OpStatus SoftNic::InjectFault(const ScheduledFault& fault) {
  if (Find(fault.channel) == nullptr) return OpStatus::kInvalidChannel;
  if (ValidateFault(fault, channel_count())) return OpStatus::kInvalidArgument;
  ApplyFault(fault);
  UpdateInterrupt();
  return OpStatus::kOk;
}

void SoftNic::ApplyFault(const ScheduledFault& f) {
  Channel* cp = Find(f.channel);
  if (cp == nullptr) return;  // validated plans never get here
  Channel& c = *cp;
  if (c.hung && f.kind != FaultKind::kReset) return;
  switch (f.kind) {
    case FaultKind::kLinkLoss:
      Fire(c, Input::kLineDrop, CallContext{.reason = CallEnd::kLinkLoss});
      break;
    case FaultKind::kFlap:
      if (c.call != CallState::kConnected) break;
      if (c.carrier) {
        c.carrier = false;
        ++c.counters.carrier_losses;
        Latch(c, NicEvent{.kind = EventKind::kCarrierDown});
        c.flap_up_at = AddTicks(now_, f.flap_down_ticks);
      } else if (c.flap_up_at) {
        c.flap_up_at = std::max(*c.flap_up_at, AddTicks(now_, f.flap_down_ticks));
      }
      break;
    case FaultKind::kSpeedChange:
      c.speed_bps = f.speed_bps;
      Latch(c, NicEvent{.kind = EventKind::kSpeedChanged, .link_speed_bps = f.speed_bps});
      break;
    case FaultKind::kPartialFrame:
      c.armed_errors |= f.partial_errors.bits & FrameErrors::kAll;
      c.armed_keep = f.partial_keep;
      break;
    case FaultKind::kReset:
      Fire(c, Input::kLineDrop, CallContext{.reason = CallEnd::kNicReset});
      c.hung = false;
      DropCall(c);
      Flush(c);
      StartReset(c, f.reset_ticks);
      break;
    case FaultKind::kHang:
      if (!f.silent) Latch(c, NicEvent{.kind = EventKind::kChannelHung});
      c.hung = true;
      break;
    default: {  // the six single-error kinds
      uint32_t bit = FaultKindErrorBit(f.kind);
      if (f.immediate) {
        LatchFrameError(c, bit, {});
      } else {
        c.armed_errors |= bit;
      }
      break;
    }
  }
}

// ---- Time ---------------------------------------------------------------------------

void SoftNic::Advance(Ticks ticks) {
  if (in_handler_ || in_advance_) return;
  in_advance_ = true;
  for (Ticks i = 0; i < ticks && now_ < UINT64_MAX; ++i) {
    ++now_;
    Step();
    UpdateInterrupt();
  }
  in_advance_ = false;
}

void SoftNic::Step() {
  while (plan_cursor_ < plan_.faults.size() && plan_.faults[plan_cursor_].at_tick <= now_) {
    ApplyFault(plan_.faults[plan_cursor_]);
    ++plan_cursor_;
  }
  if (plan_.random) {
    const RandomFaults& r = *plan_.random;
    for (Channel& c : channels_) {
      for (size_t k = 0; k < kFaultKindCount; ++k) {
        if (r.ppm[k] == 0) continue;
        if (fault_rng_.Below(kMaxPpm) >= r.ppm[k]) continue;
        ScheduledFault f;
        f.at_tick = now_;
        f.channel = c.id;
        f.kind = static_cast<FaultKind>(k);
        switch (f.kind) {
          case FaultKind::kFlap:
            f.flap_down_ticks = fault_rng_.InRange(r.flap_ticks.min, r.flap_ticks.max);
            break;
          case FaultKind::kSpeedChange:
            f.speed_bps = fault_rng_.InRange(r.speed_bps.min, r.speed_bps.max);
            break;
          case FaultKind::kPartialFrame:
            f.partial_keep =
                static_cast<uint32_t>(fault_rng_.InRange(r.partial_keep.min, r.partial_keep.max));
            f.partial_errors.bits = static_cast<uint32_t>(fault_rng_.InRange(1, FrameErrors::kAll));
            break;
          case FaultKind::kReset:
            f.reset_ticks = fault_rng_.InRange(r.reset_ticks.min, r.reset_ticks.max);
            break;
          default:
            break;
        }
        ApplyFault(f);
      }
    }
  }
  for (Channel& c : channels_) {
    if (!c.hung) StepChannel(c);
  }
}

void SoftNic::StepChannel(Channel& c) {
  if (c.resetting && now_ >= c.reset_done_at) {
    c.resetting = false;
    Latch(c, NicEvent{.kind = EventKind::kResetComplete});
  }
  if (c.flap_up_at && now_ >= *c.flap_up_at) {
    c.flap_up_at.reset();
    if (c.call == CallState::kConnected && !c.carrier) {
      c.carrier = true;
      c.credit = 0;
      Latch(c, NicEvent{.kind = EventKind::kCarrierUp, .link_speed_bps = c.speed_bps});
    }
  }
  if (c.ring_at && now_ >= *c.ring_at) {
    c.ring_at.reset();
    Fire(c, Input::kPeerRing, {});
  }
  if (c.outcome_at && now_ >= *c.outcome_at) {
    c.outcome_at.reset();
    switch (c.cfg.peer.dial_outcome) {
      case DialOutcome::kAnswer:
        Fire(c, Input::kPeerAnswer, {});
        break;
      case DialOutcome::kBusy:
        Fire(c, Input::kPeerReject, CallContext{.reason = CallEnd::kBusy});
        break;
      case DialOutcome::kNoAnswer:
        Fire(c, Input::kPeerReject, CallContext{.reason = CallEnd::kNoAnswer});
        break;
      case DialOutcome::kNoDialTone:
        Fire(c, Input::kPeerReject, CallContext{.reason = CallEnd::kNoDialTone});
        break;
    }
  }
  if (c.connect_at && now_ >= *c.connect_at) {
    c.connect_at.reset();
    Fire(c, Input::kConnectDone, {});
  }
  if (c.offer_timeout_at && now_ >= *c.offer_timeout_at) {
    c.offer_timeout_at.reset();
    Fire(c, Input::kPeerHangUp, CallContext{.reason = CallEnd::kOfferWithdrawn});
  }

  // Transmit drain at line rate.
  if (c.call != CallState::kConnected || !c.carrier || c.txq.empty()) {
    c.credit = 0;
    return;
  }
  c.credit += c.speed_bps;
  uint32_t sent = 0;
  std::vector<std::vector<uint8_t>> echoed;
  while (!c.txq.empty()) {
    uint64_t cost = static_cast<uint64_t>(c.txq.front().size()) * 8 * config_.ticks_per_second;
    if (c.credit < cost) break;
    c.credit -= cost;
    std::vector<uint8_t> frame = std::move(c.txq.front());
    c.txq.pop_front();
    ++sent;
    ++c.counters.frames_tx;
    c.counters.bytes_tx += frame.size();
    if (c.cfg.peer.echo) echoed.push_back(frame);
    c.peer_received.push_back(std::move(frame));
    if (c.peer_received.size() > kPeerReceivedKeep) c.peer_received.pop_front();
  }
  if (c.txq.empty()) c.credit = 0;
  if (sent > 0) Latch(c, NicEvent{.kind = EventKind::kTxComplete, .tx_sent = sent});
  for (std::vector<uint8_t>& frame : echoed) Receive(c, std::move(frame));
}

}  // namespace ndisconf::nic
