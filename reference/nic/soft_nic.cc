// SoftNic: the deterministic WAN NIC model. See soft_nic.h for behaviour.
#include "reference/nic/soft_nic.h"

#include <algorithm>
#include <utility>

#include "reference/nic/soft_nic_channel.h"

namespace ndisconf::nic {

namespace {

using soft_nic_internal::CallContext;
using soft_nic_internal::CallInput;

constexpr Ticks kMaxConfigTicks = 1'000'000'000;
constexpr size_t kMaxDialLength = 64;
constexpr size_t kMaxCallerIdLength = 64;
constexpr size_t kMaxInjectedFrame = 65535;

// What a transition reports, in this order.
enum Output : uint8_t {
  kNoOutput = 0,
  kEmitRinging = 1,     // RemoteRinging
  kEmitIncoming = 2,    // IncomingCall(caller, bearer)
  kEmitConnected = 4,   // carrier on: CarrierUp(speed), CallConnected
  kEmitDialFailed = 8,  // DialFailed(reason)
  kEmitHangUp = 16,     // CarrierDown (if carrier was up), RemoteHangUp(reason)
};

// The call state machine. A (state, input) pair without a row is not
// allowed: a local operation returns kInvalidState, a peer/fault input is
// ignored. Every transition to kIdle also drops carrier, stops the call
// timers and completes queued frames as dropped.
struct Row {
  CallState from;
  CallInput in;
  CallState to;
  uint8_t out;
};
using S = CallState;
using I = CallInput;
constexpr Row kCallTable[] = {
    {S::kIdle, I::kDial, S::kDialing, kNoOutput},
    {S::kIdle, I::kPeerOffer, S::kOffered, kEmitIncoming},

    {S::kDialing, I::kPeerRing, S::kDialing, kEmitRinging},
    {S::kDialing, I::kPeerAnswer, S::kConnected, kEmitConnected},
    {S::kDialing, I::kPeerReject, S::kIdle, kEmitDialFailed},
    {S::kDialing, I::kLineDrop, S::kIdle, kEmitDialFailed},
    {S::kDialing, I::kHangUp, S::kIdle, kNoOutput},
    {S::kDialing, I::kLocalReset, S::kIdle, kNoOutput},

    {S::kOffered, I::kAnswer, S::kAnswering, kNoOutput},
    {S::kOffered, I::kPeerHangUp, S::kIdle, kEmitHangUp},
    {S::kOffered, I::kLineDrop, S::kIdle, kEmitHangUp},
    {S::kOffered, I::kHangUp, S::kIdle, kNoOutput},
    {S::kOffered, I::kLocalReset, S::kIdle, kNoOutput},

    {S::kAnswering, I::kConnectDone, S::kConnected, kEmitConnected},
    {S::kAnswering, I::kPeerHangUp, S::kIdle, kEmitHangUp},
    {S::kAnswering, I::kLineDrop, S::kIdle, kEmitHangUp},
    {S::kAnswering, I::kHangUp, S::kIdle, kNoOutput},
    {S::kAnswering, I::kLocalReset, S::kIdle, kNoOutput},

    {S::kConnected, I::kPeerHangUp, S::kIdle, kEmitHangUp},
    {S::kConnected, I::kLineDrop, S::kIdle, kEmitHangUp},
    {S::kConnected, I::kHangUp, S::kIdle, kNoOutput},
    {S::kConnected, I::kLocalReset, S::kIdle, kNoOutput},
};

const Row* FindRow(CallState from, CallInput in) {
  for (const Row& r : kCallTable) {
    if (r.from == from && r.in == in) return &r;
  }
  return nullptr;
}

bool ValidDialString(std::string_view number) {
  if (number.empty() || number.size() > kMaxDialLength) return false;
  constexpr std::string_view kAllowed = "0123456789*#+,PTWptw";
  return std::all_of(number.begin(), number.end(),
                     [&](char c) { return kAllowed.find(c) != std::string_view::npos; });
}

bool ValidCallerId(std::string_view id) {
  if (id.size() > kMaxCallerIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
}

std::optional<std::string> CheckPeer(const PeerConfig& p) {
  if (p.ring_after > kMaxConfigTicks || p.answer_after > kMaxConfigTicks ||
      p.no_answer_after > kMaxConfigTicks || p.connect_after > kMaxConfigTicks ||
      p.offer_timeout > kMaxConfigTicks) {
    return "peer tick counts must be <= 1000000000";
  }
  if (static_cast<uint8_t>(p.dial_outcome) > static_cast<uint8_t>(DialOutcome::kNoDialTone)) {
    return "peer dial_outcome out of range";
  }
  if (static_cast<uint8_t>(p.framing) > static_cast<uint8_t>(Framing::kTransparent)) {
    return "peer framing out of range";
  }
  return std::nullopt;
}

std::optional<std::string> CheckChannel(const ChannelConfig& c) {
  if (c.link_speed_bps < 1 || c.link_speed_bps > kMaxSpeedBps) {
    return "link_speed_bps must be in [1, 10000000000]";
  }
  if (c.tx_queue_capacity < 1 || c.tx_queue_capacity > 65536) {
    return "tx_queue_capacity must be in [1, 65536]";
  }
  if (c.max_frame_bytes < 1 || c.max_frame_bytes > 65535) {
    return "max_frame_bytes must be in [1, 65535]";
  }
  if (static_cast<uint8_t>(c.framing) > static_cast<uint8_t>(Framing::kTransparent)) {
    return "framing out of range";
  }
  return CheckPeer(c.peer);
}

}  // namespace

std::unique_ptr<SoftNic> SoftNic::Create(const SoftNicConfig& config, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<SoftNic> {
    if (error != nullptr) *error = std::move(message);
    return nullptr;
  };
  if (config.channel_count < 1 || config.channel_count > 256) {
    return fail("channel_count must be in [1, 256]");
  }
  if (config.ticks_per_second < 1 || config.ticks_per_second > 1'000'000) {
    return fail("ticks_per_second must be in [1, 1000000]");
  }
  if (config.reset_ticks > kMaxConfigTicks) return fail("reset_ticks must be <= 1000000000");
  if (config.event_queue_capacity < 1 || config.event_queue_capacity > 1'000'000) {
    return fail("event_queue_capacity must be in [1, 1000000]");
  }
  if (!config.channels.empty() && config.channels.size() != config.channel_count) {
    return fail("channels must be empty or have channel_count entries");
  }
  for (size_t i = 0; i < config.channels.size(); ++i) {
    if (auto e = CheckChannel(config.channels[i])) {
      return fail("channels[" + std::to_string(i) + "]: " + *e);
    }
  }
  return std::unique_ptr<SoftNic>(new SoftNic(config));
}

SoftNic::SoftNic(const SoftNicConfig& config) : config_(config), rng_(config.seed) {
  channels_.resize(config.channel_count);
  for (uint32_t i = 0; i < config.channel_count; ++i) {
    Channel& c = channels_[i];
    c.id = ChannelId{i};
    c.cfg = config.channels.empty() ? ChannelConfig{} : config.channels[i];
    c.speed_bps = c.cfg.link_speed_bps;
    c.framing = c.cfg.framing;
  }
}

SoftNic::~SoftNic() = default;

std::unique_ptr<SoftNic> SoftNic::SaveState() const {
  return std::unique_ptr<SoftNic>(new SoftNic(*this));
}

void SoftNic::RestoreState(const SoftNic& saved) { *this = saved; }

SoftNic::Channel* SoftNic::Find(ChannelId ch) {
  return ch.value < channels_.size() ? &channels_[ch.value] : nullptr;
}
const SoftNic::Channel* SoftNic::Find(ChannelId ch) const {
  return ch.value < channels_.size() ? &channels_[ch.value] : nullptr;
}

// ---- Read-only -------------------------------------------------------------

uint32_t SoftNic::channel_count() const { return static_cast<uint32_t>(channels_.size()); }

std::optional<ChannelStatus> SoftNic::Status(ChannelId ch) const {
  const Channel* c = Find(ch);
  if (c == nullptr) return std::nullopt;
  ChannelStatus s;
  s.carrier = c->carrier;
  s.link_speed_bps = c->speed_bps;
  s.framing = c->framing;
  s.call_state = c->call;
  s.hung = c->hung;
  s.resetting = c->resetting;
  s.tx_queued = static_cast<uint32_t>(c->txq.size());
  s.tx_queue_capacity = c->cfg.tx_queue_capacity;
  s.max_frame_bytes = c->cfg.max_frame_bytes;
  return s;
}

std::optional<ErrorCounters> SoftNic::Counters(ChannelId ch) const {
  const Channel* c = Find(ch);
  if (c == nullptr) return std::nullopt;
  return c->counters;
}

uint64_t SoftNic::event_overflows() const { return overflows_; }
Ticks SoftNic::now() const { return now_; }

std::optional<PeerConfig> SoftNic::Peer(ChannelId ch) const {
  const Channel* c = Find(ch);
  if (c == nullptr) return std::nullopt;
  return c->cfg.peer;
}

// ---- Events and the interrupt line ------------------------------------------

void SoftNic::Latch(Channel& c, NicEvent event) {
  if (c.hung) return;  // a hung channel reports nothing
  event.channel = c.id;
  event.tick = now_;
  if (events_.size() >= config_.event_queue_capacity) {
    ++overflows_;
    return;
  }
  events_.push_back(std::move(event));
}

void SoftNic::UpdateInterrupt() {
  if (in_handler_) return;  // re-evaluated when the handler returns
  while (true) {
    bool asserted = irq_enabled_ && !events_.empty();
    if (!asserted) {
      line_ = false;
      return;
    }
    if (line_) return;  // already signalled; waiting for the driver to drain
    line_ = true;
    if (!handler_) return;
    std::function<void()> handler = handler_;  // the handler may replace itself
    in_handler_ = true;
    handler();
    in_handler_ = false;
    // Loop: if the handler drained the FIFO and more was latched meanwhile,
    // that is a new edge.
  }
}

void SoftNic::SetInterruptHandler(std::function<void()> handler) {
  handler_ = std::move(handler);
  UpdateInterrupt();
}

void SoftNic::SetInterruptEnabled(bool enabled) {
  irq_enabled_ = enabled;
  if (!enabled) line_ = false;
  UpdateInterrupt();
}

std::optional<NicEvent> SoftNic::NextEvent() {
  if (events_.empty()) {
    line_ = false;
    return std::nullopt;
  }
  NicEvent e = std::move(events_.front());
  events_.pop_front();
  if (events_.empty()) line_ = false;
  return e;
}

// ---- Call state machine -------------------------------------------------------

bool SoftNic::Fire(Channel& c, Input input, const CallContext& ctx) {
  const Row* row = FindRow(c.call, input);
  if (row == nullptr) return false;
  const bool had_carrier = c.carrier;
  if (row->to == CallState::kIdle) DropCall(c);
  EnterState(c, row->to);
  if (row->out & kEmitRinging) Latch(c, NicEvent{.kind = EventKind::kRemoteRinging});
  if (row->out & kEmitIncoming) {
    Latch(c, NicEvent{.kind = EventKind::kIncomingCall,
                      .caller_id = std::string(ctx.caller_id),
                      .bearer = ctx.bearer});
  }
  if (row->out & kEmitConnected) {
    c.carrier = true;
    c.credit = 0;
    Latch(c, NicEvent{.kind = EventKind::kCarrierUp, .link_speed_bps = c.speed_bps});
    Latch(c, NicEvent{.kind = EventKind::kCallConnected});
  }
  if (row->out & kEmitDialFailed) {
    Latch(c, NicEvent{.kind = EventKind::kDialFailed, .reason = ctx.reason});
  }
  if (row->out & kEmitHangUp) {
    if (had_carrier) Latch(c, NicEvent{.kind = EventKind::kCarrierDown});
    Latch(c, NicEvent{.kind = EventKind::kRemoteHangUp, .reason = ctx.reason});
  }
  if (row->to == CallState::kIdle) Flush(c);
  return true;
}

// Arms the timers of the state being entered.
void SoftNic::EnterState(Channel& c, CallState next) {
  const PeerConfig& p = c.cfg.peer;
  if (next == CallState::kDialing && c.call == CallState::kIdle) {
    switch (p.dial_outcome) {
      case DialOutcome::kAnswer:
        if (p.ring_after < p.answer_after) c.ring_at = AddTicks(now_, p.ring_after);
        c.outcome_at = AddTicks(now_, p.answer_after);
        break;
      case DialOutcome::kBusy:
        c.outcome_at = AddTicks(now_, std::max<Ticks>(p.ring_after, 1));
        break;
      case DialOutcome::kNoAnswer:
        c.ring_at = AddTicks(now_, p.ring_after);
        c.outcome_at = AddTicks(now_, p.no_answer_after);
        break;
      case DialOutcome::kNoDialTone:
        c.outcome_at = AddTicks(now_, 1);
        break;
    }
  } else if (next == CallState::kOffered) {
    if (p.offer_timeout != 0) c.offer_timeout_at = AddTicks(now_, p.offer_timeout);
  } else if (next == CallState::kAnswering) {
    c.offer_timeout_at.reset();
    c.connect_at = AddTicks(now_, p.connect_after);
  } else if (next == CallState::kConnected) {
    c.ring_at.reset();
    c.outcome_at.reset();
    c.connect_at.reset();
  }
  c.call = next;
}

// Leaving a call: carrier off, timers stopped.
void SoftNic::DropCall(Channel& c) {
  if (c.carrier) ++c.counters.carrier_losses;
  c.carrier = false;
  c.ring_at.reset();
  c.outcome_at.reset();
  c.connect_at.reset();
  c.offer_timeout_at.reset();
  c.flap_up_at.reset();
  c.credit = 0;
}

// Completes every queued frame as dropped (one TxComplete).
void SoftNic::Flush(Channel& c) {
  if (c.txq.empty()) return;
  auto n = static_cast<uint32_t>(c.txq.size());
  c.txq.clear();
  c.counters.tx_dropped += n;
  c.credit = 0;
  Latch(c, NicEvent{.kind = EventKind::kTxComplete, .tx_dropped = n});
}

void SoftNic::StartReset(Channel& c, Ticks ticks) {
  ++c.counters.resets;
  c.hung = false;
  c.resetting = true;
  c.reset_done_at = AddTicks(now_, ticks);
  c.armed_errors = 0;
  c.armed_keep.reset();
  c.framing = c.cfg.framing;
}

// ---- Operations ----------------------------------------------------------------

OpStatus SoftNic::Dial(ChannelId ch, std::string_view number) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (!ValidDialString(number)) return OpStatus::kInvalidArgument;
  if (c->resetting) return OpStatus::kInvalidState;
  if (!Fire(*c, Input::kDial, {})) return OpStatus::kInvalidState;
  UpdateInterrupt();
  return OpStatus::kPending;
}

OpStatus SoftNic::Answer(ChannelId ch) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (!Fire(*c, Input::kAnswer, {})) return OpStatus::kInvalidState;
  UpdateInterrupt();
  return OpStatus::kPending;
}

OpStatus SoftNic::HangUp(ChannelId ch) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (!Fire(*c, Input::kHangUp, {})) return OpStatus::kInvalidState;
  UpdateInterrupt();
  return OpStatus::kOk;
}

TxResult SoftNic::Transmit(ChannelId ch, std::span<const uint8_t> frame) {
  Channel* c = Find(ch);
  if (c == nullptr) return TxResult::kInvalidChannel;
  if (c->hung) return TxResult::kHung;
  if (frame.empty() || frame.size() > c->cfg.max_frame_bytes) return TxResult::kInvalidFrame;
  if (c->call != CallState::kConnected || !c->carrier || c->resetting) return TxResult::kNoCarrier;
  if (c->txq.size() >= c->cfg.tx_queue_capacity) return TxResult::kBusy;
  c->txq.emplace_back(frame.begin(), frame.end());
  return TxResult::kQueued;
}

OpStatus SoftNic::Reset(ChannelId ch) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  c->hung = false;                   // first, so the flush below is reported
  Fire(*c, Input::kLocalReset, {});  // no row when idle: nothing to drop
  DropCall(*c);
  Flush(*c);
  StartReset(*c, config_.reset_ticks);
  UpdateInterrupt();
  return OpStatus::kPending;
}

OpStatus SoftNic::ResetAll() {
  for (Channel& c : channels_) {
    c.hung = false;
    Fire(c, Input::kLocalReset, {});
    DropCall(c);
    Flush(c);
    StartReset(c, config_.reset_ticks);
  }
  UpdateInterrupt();
  return OpStatus::kPending;
}

OpStatus SoftNic::SetFraming(ChannelId ch, Framing framing) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (static_cast<uint8_t>(framing) > static_cast<uint8_t>(Framing::kTransparent)) {
    return OpStatus::kInvalidArgument;
  }
  c->framing = framing;
  return OpStatus::kOk;
}

// ---- Peer ----------------------------------------------------------------------

OpStatus SoftNic::InjectIncomingCall(ChannelId ch, std::string_view caller_id, Bearer bearer) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (!ValidCallerId(caller_id) ||
      static_cast<uint8_t>(bearer) > static_cast<uint8_t>(Bearer::kVoice)) {
    return OpStatus::kInvalidArgument;
  }
  if (c->resetting) return OpStatus::kInvalidState;
  if (!Fire(*c, Input::kPeerOffer, CallContext{.caller_id = caller_id, .bearer = bearer})) {
    return OpStatus::kInvalidState;
  }
  UpdateInterrupt();
  return OpStatus::kOk;
}

OpStatus SoftNic::InjectRemoteHangUp(ChannelId ch) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (c->hung) return OpStatus::kHung;
  if (!Fire(*c, Input::kPeerHangUp, CallContext{.reason = CallEnd::kRemoteHangUp})) {
    return OpStatus::kInvalidState;
  }
  UpdateInterrupt();
  return OpStatus::kOk;
}

OpStatus SoftNic::InjectFrame(ChannelId ch, std::span<const uint8_t> frame) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (frame.empty() || frame.size() > kMaxInjectedFrame) return OpStatus::kInvalidArgument;
  if (c->call != CallState::kConnected) return OpStatus::kInvalidState;
  Receive(*c, std::vector<uint8_t>(frame.begin(), frame.end()));
  UpdateInterrupt();
  return OpStatus::kOk;
}

OpStatus SoftNic::SetPeer(ChannelId ch, const PeerConfig& peer) {
  Channel* c = Find(ch);
  if (c == nullptr) return OpStatus::kInvalidChannel;
  if (CheckPeer(peer)) return OpStatus::kInvalidArgument;
  c->cfg.peer = peer;
  return OpStatus::kOk;
}

std::vector<std::vector<uint8_t>> SoftNic::TakePeerReceived(ChannelId ch) {
  Channel* c = Find(ch);
  if (c == nullptr) return {};
  std::vector<std::vector<uint8_t>> out(std::make_move_iterator(c->peer_received.begin()),
                                        std::make_move_iterator(c->peer_received.end()));
  c->peer_received.clear();
  return out;
}

// ---- Receive path ----------------------------------------------------------------

void SoftNic::LatchFrameError(Channel& c, uint32_t bits, std::vector<uint8_t> bytes) {
  ErrorCounters& k = c.counters;
  ++k.partial_frames;
  if (bits & FrameErrors::kCrc) ++k.crc;
  if (bits & FrameErrors::kFraming) ++k.framing;
  if (bits & FrameErrors::kHardwareOverrun) ++k.hw_overrun;
  if (bits & FrameErrors::kBufferOverrun) ++k.buffer_overrun;
  if (bits & FrameErrors::kTimeout) ++k.timeout;
  if (bits & FrameErrors::kAlignment) ++k.alignment;
  Latch(c, NicEvent{.kind = EventKind::kFrameError,
                    .errors = FrameErrors{bits},
                    .bytes = std::move(bytes)});
}

void SoftNic::Receive(Channel& c, std::vector<uint8_t> frame) {
  if (c.hung || c.call != CallState::kConnected || !c.carrier) {
    ++c.counters.rx_lost;
    return;
  }
  uint32_t bits = c.armed_errors;
  c.armed_errors = 0;
  if (c.armed_keep) {
    if (frame.size() > *c.armed_keep) frame.resize(*c.armed_keep);
    c.armed_keep.reset();
  }
  if (frame.size() > c.cfg.max_frame_bytes) {
    frame.resize(c.cfg.max_frame_bytes);
    bits |= FrameErrors::kBufferOverrun;
  }
  if (c.framing != c.cfg.peer.framing) bits |= FrameErrors::kFraming;
  if (bits == 0) {
    ++c.counters.frames_rx;
    c.counters.bytes_rx += frame.size();
    Latch(c, NicEvent{.kind = EventKind::kFrameReceived, .bytes = std::move(frame)});
    return;
  }
  if ((bits & FrameErrors::kCrc) && !frame.empty()) {
    uint64_t bit = rng_.Below(frame.size() * 8);
    frame[bit / 8] = static_cast<uint8_t>(frame[bit / 8] ^ (1u << (bit % 8)));
  }
  LatchFrameError(c, bits, std::move(frame));
}

}  // namespace ndisconf::nic
