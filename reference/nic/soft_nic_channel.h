// reference/nic/soft_nic_channel.h (private to //reference/nic:soft_nic): the
// per-channel state and the call-machine inputs that soft_nic.cc (operations,
// the call state machine, the receive path) and soft_nic_faults.cc (faults
// and the clock) share.
#ifndef NDISCONF_NIC_SOFT_NIC_CHANNEL_H_
#define NDISCONF_NIC_SOFT_NIC_CHANNEL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "reference/nic/soft_nic.h"

namespace ndisconf::nic {

namespace soft_nic_internal {

enum class CallInput : uint8_t {
  kDial,         // local Dial
  kAnswer,       // local Answer
  kHangUp,       // local HangUp
  kLocalReset,   // driver Reset
  kPeerRing,     // the remote starts ringing
  kPeerAnswer,   // the remote answers our dial
  kPeerReject,   // busy / no answer / no dial tone (ctx.reason)
  kConnectDone,  // line training after Answer finished
  kPeerOffer,    // the remote calls us (ctx.caller_id, ctx.bearer)
  kPeerHangUp,   // the remote clears (ctx.reason)
  kLineDrop,     // link loss or NIC self-reset (ctx.reason)
};

struct CallContext {
  CallEnd reason = CallEnd::kNone;
  std::string_view caller_id;
  Bearer bearer = Bearer::kDigitalData;
};

}  // namespace soft_nic_internal

struct SoftNic::Channel {
  ChannelId id;
  ChannelConfig cfg;
  CallState call = CallState::kIdle;
  bool carrier = false;
  uint64_t speed_bps = 0;
  Framing framing = Framing::kPpp;
  bool hung = false;
  bool resetting = false;
  Ticks reset_done_at = 0;
  // Call and line timers (absolute ticks).
  std::optional<Ticks> ring_at, outcome_at, connect_at, offer_timeout_at, flap_up_at;
  std::deque<std::vector<uint8_t>> txq;
  uint64_t credit = 0;  // bit-credits: link_speed_bps per tick
  uint32_t armed_errors = 0;
  std::optional<uint32_t> armed_keep;  // partial frame armed: bytes kept
  ErrorCounters counters;
  std::deque<std::vector<uint8_t>> peer_received;
};

// How many frames the simulated peer keeps for TakePeerReceived.
inline constexpr size_t kPeerReceivedKeep = 4096;

// a + b, saturating at the largest tick.
inline Ticks AddTicks(Ticks a, Ticks b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace ndisconf::nic

#endif  // NDISCONF_NIC_SOFT_NIC_CHANNEL_H_
