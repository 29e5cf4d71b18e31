// reference/nic/soft_nic.h: a deterministic software model of a WAN NIC.
//
// SoftNic implements Nic with simulated time, a simulated remote peer per
// channel and a fault plan. Nothing happens on its own: time moves only
// when the owner calls Advance, randomness comes only from seeds in the
// configuration and the fault plan, and there are no threads. The same
// configuration, plan and sequence of calls therefore always produce the
// same events, stamped with the same ticks.
//
// Per tick (Advance runs these steps once per tick, in this order):
//   1. scheduled faults whose at_tick <= now, in canonical order
//      (CanonicalFaultPlan), then random faults: for each channel, for each
//      kind with nonzero probability (FaultKind order), one draw;
//   2. for each channel that is not hung, in channel order: reset
//      completion, flap recovery, call progress (ringing, answer / busy /
//      no answer, connect after Answer, offer timeout), then transmit
//      drain and echo;
//   3. the interrupt line is evaluated (see Nic::SetInterruptHandler).
//
// Call progress for Dial at tick t (PeerConfig):
//   answer:       RemoteRinging at t+ring_after (if ring_after < answer_after),
//                 CarrierUp + CallConnected at t+answer_after
//   busy:         DialFailed(busy) at t+max(ring_after, 1)
//   no-answer:    RemoteRinging at t+ring_after, DialFailed(no-answer) at
//                 t+no_answer_after
//   no-dial-tone: DialFailed(no-dial-tone) at t+1
// Answer at tick t: CarrierUp + CallConnected at t+connect_after.
// An offered call not answered by t+offer_timeout (0 = never) is withdrawn:
// RemoteHangUp(offer-withdrawn).
//
// Transmit drain: while a call is connected with carrier, each tick adds
// link_speed_bps bit-credits; a frame of n bytes is sent when the credit
// reaches n*8*ticks_per_second (so a 64 kbps line with 1 ms ticks sends 8
// bytes per tick). Frames sent in one tick are reported by one TxComplete.
// Credit does not accumulate while the queue is empty.
//
// Effects of faults (FaultKind):
//   link-loss       connected/answering/offered: CarrierDown (if carrier was
//                   up), RemoteHangUp(link-loss); dialing: DialFailed(link-loss);
//                   idle: none. Queued frames: TxComplete(dropped).
//   flap            connected with carrier: CarrierDown now, CarrierUp after
//                   `down` ticks if still connected; transmit pauses
//                   (Transmit returns kNoCarrier) and received frames are
//                   lost (rx_lost). Otherwise no effect.
//   speed           SpeedChanged(bps); the drain rate follows.
//   crc .. alignment  when=next: the next frame received arrives as a
//                   FrameError with the bit (bits of several armed faults
//                   combine into one FrameError; crc also flips one bit of
//                   the frame). when=now: FrameError with no bytes now.
//   partial         the next frame received is truncated to `keep` bytes and
//                   arrives as a FrameError with the given bits.
//   reset           the NIC resets the channel by itself: the call ends as
//                   for link-loss but with reason nic-reset, the channel is
//                   resetting (resets++), ResetComplete after `ticks`.
//   hang            ChannelHung (unless silent), then the channel is hung:
//                   no events are latched for it, nothing drains, received
//                   frames are lost, timers stop, Transmit returns kHung and
//                   every operation but Reset returns kHung. Faults other
//                   than reset are ignored on a hung channel.
// Every FrameError adds 1 to partial_frames and 1 to the counter of each
// bit it carries. A frame longer than max_frame_bytes arrives truncated with
// kBufferOverrun; a frame received while the local framing differs from the
// peer's carries kFraming.
//
// Ownership: the owner holds the SoftNic (unique_ptr from Create). It owns
// copies of the configuration, the fault plan, queued frames and events.
// Threading: single-threaded.
#ifndef NDISCONF_REFERENCE_NIC_SOFT_NIC_H_
#define NDISCONF_REFERENCE_NIC_SOFT_NIC_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/nic/fault_plan.h"
#include "reference/nic/nic.h"
#include "reference/nic/splitmix64.h"

namespace ndisconf::nic {

namespace soft_nic_internal {
enum class CallInput : uint8_t;  // the call state machine's inputs (soft_nic_channel.h)
struct CallContext;
}  // namespace soft_nic_internal

// What the remote does with an outbound call.
enum class DialOutcome : uint8_t { kAnswer = 0, kBusy = 1, kNoAnswer = 2, kNoDialTone = 3 };

// The simulated remote end of one channel. Tick counts are <= 10^9.
struct PeerConfig {
  DialOutcome dial_outcome = DialOutcome::kAnswer;
  Ticks ring_after = 2;             // Dial -> RemoteRinging (and busy verdict)
  Ticks answer_after = 5;           // Dial -> connected
  Ticks no_answer_after = 30;       // Dial -> DialFailed(no-answer)
  Ticks connect_after = 2;          // Answer -> connected
  Ticks offer_timeout = 0;          // offered -> withdrawn; 0 = never
  bool echo = false;                // every frame sent is received back, same tick
  Framing framing = Framing::kPpp;  // the peer's framing
};

struct ChannelConfig {
  uint64_t link_speed_bps = 64000;  // 1 .. kMaxSpeedBps
  uint32_t tx_queue_capacity = 8;   // frames, 1 .. 65536 (the send window)
  uint32_t max_frame_bytes = 1600;  // 1 .. 65535
  Framing framing = Framing::kPpp;  // initial local framing
  PeerConfig peer;
};

struct SoftNicConfig {
  uint32_t channel_count = 2;            // 1 .. 256
  Ticks ticks_per_second = 1000;         // 1 .. 10^6
  uint64_t seed = 1;                     // internal randomness (bit flips)
  Ticks reset_ticks = 3;                 // driver Reset -> ResetComplete, <= 10^9
  uint32_t event_queue_capacity = 4096;  // status FIFO depth, 1 .. 10^6
  // Empty: every channel uses ChannelConfig{}. Otherwise exactly
  // channel_count entries.
  std::vector<ChannelConfig> channels;
};

class SoftNic final : public Nic {
 public:
  // Builds a NIC at tick 0, all channels idle, interrupts enabled, no fault
  // plan. Returns nullptr and sets *error (if non-null) to a message naming
  // the bad field when the configuration is out of bounds.
  static std::unique_ptr<SoftNic> Create(const SoftNicConfig& config, std::string* error = nullptr);

  ~SoftNic() override;

  // ---- A reused NIC (fuzz/wan_status runs every input on one stack) --------
  // A copy of this NIC's whole state (configuration, time, channels and
  // their calls and queues, fault plan, random generators, latched events,
  // interrupt line and handler), to come back to with RestoreState. The
  // copy drives nothing: it is only kept.
  std::unique_ptr<SoftNic> SaveState() const;
  // Puts this NIC back into the state `saved` (a SaveState of this NIC)
  // holds. Not from inside the interrupt handler or Advance.
  void RestoreState(const SoftNic& saved);

  // ---- Nic -----------------------------------------------------------------
  uint32_t channel_count() const override;
  std::optional<ChannelStatus> Status(ChannelId ch) const override;
  std::optional<ErrorCounters> Counters(ChannelId ch) const override;
  uint64_t event_overflows() const override;
  [[nodiscard]] OpStatus Dial(ChannelId ch, std::string_view number) override;
  [[nodiscard]] OpStatus Answer(ChannelId ch) override;
  [[nodiscard]] OpStatus HangUp(ChannelId ch) override;
  [[nodiscard]] TxResult Transmit(ChannelId ch, std::span<const uint8_t> frame) override;
  [[nodiscard]] OpStatus Reset(ChannelId ch) override;
  [[nodiscard]] OpStatus ResetAll() override;
  [[nodiscard]] OpStatus SetFraming(ChannelId ch, Framing framing) override;
  void SetInterruptHandler(std::function<void()> handler) override;
  void SetInterruptEnabled(bool enabled) override;
  std::optional<NicEvent> NextEvent() override;

  // ---- Time ----------------------------------------------------------------
  // Runs `ticks` ticks (see the file comment). A call made from inside the
  // interrupt handler, or from inside Advance, does nothing.
  void Advance(Ticks ticks);
  Ticks now() const;

  // ---- Fault plan ----------------------------------------------------------
  // Replaces the plan (a copy is kept). Scheduled faults with at_tick <= now
  // fire on the next tick. The random component's generator restarts from
  // its seed. Returns false and sets *error (if non-null) when
  // ValidateFaultPlan(plan, channel_count()) fails; the old plan stays.
  [[nodiscard]] bool SetFaultPlan(const FaultPlan& plan, std::string* error = nullptr);

  // Applies one fault now (its at_tick is ignored), as the plan would.
  // kInvalidChannel; kInvalidArgument if its parameters are out of bounds.
  [[nodiscard]] OpStatus InjectFault(const ScheduledFault& fault);

  // ---- Remote peer ---------------------------------------------------------
  // The peer calls this channel: IncomingCall(caller_id, bearer) and the call
  // is kOffered. caller_id: 0..64 printable ASCII bytes (else
  // kInvalidArgument). kInvalidState unless idle and not resetting; kHung.
  [[nodiscard]] OpStatus InjectIncomingCall(ChannelId ch, std::string_view caller_id,
                                            Bearer bearer = Bearer::kDigitalData);

  // The peer clears an offered, answering or connected call:
  // CarrierDown (if carrier was up) + RemoteHangUp(remote-hang-up).
  // kInvalidState otherwise; kHung.
  [[nodiscard]] OpStatus InjectRemoteHangUp(ChannelId ch);

  // The peer sends one frame (1..65535 bytes, copied), received at once.
  // kOk when it went on the line (received, as a FrameError, or lost to a
  // flap or a hang, counted in rx_lost); kInvalidState when no call is
  // connected; kInvalidArgument for an empty or oversized buffer.
  [[nodiscard]] OpStatus InjectFrame(ChannelId ch, std::span<const uint8_t> frame);

  // Replaces / reads the peer's behaviour (applies to later dials, offers and
  // frames). kInvalidArgument if a tick count exceeds 10^9.
  [[nodiscard]] OpStatus SetPeer(ChannelId ch, const PeerConfig& peer);
  std::optional<PeerConfig> Peer(ChannelId ch) const;

  // Frames the peer received from this channel since the last call, oldest
  // first (at most the latest 4096 are kept). The caller owns the result.
  std::vector<std::vector<uint8_t>> TakePeerReceived(ChannelId ch);

 private:
  struct Channel;
  using Input = soft_nic_internal::CallInput;
  using CallContext = soft_nic_internal::CallContext;

  explicit SoftNic(const SoftNicConfig& config);
  // Memberwise, so a member added to SoftNic is saved and restored too;
  // private: a copy is SaveState's and nobody else's.
  SoftNic(const SoftNic&) = default;
  SoftNic& operator=(const SoftNic&) = default;

  Channel* Find(ChannelId ch);
  const Channel* Find(ChannelId ch) const;
  void Step();
  void StepChannel(Channel& c);
  bool Fire(Channel& c, Input input, const CallContext& ctx);
  void EnterState(Channel& c, CallState next);
  void DropCall(Channel& c);
  void Flush(Channel& c);
  void StartReset(Channel& c, Ticks ticks);
  void ApplyFault(const ScheduledFault& f);
  void Receive(Channel& c, std::vector<uint8_t> frame);
  void LatchFrameError(Channel& c, uint32_t bits, std::vector<uint8_t> bytes);
  void Latch(Channel& c, NicEvent event);
  void UpdateInterrupt();

  SoftNicConfig config_;
  std::vector<Channel> channels_;
  Ticks now_ = 0;
  SplitMix64 rng_;
  FaultPlan plan_;  // canonical
  size_t plan_cursor_ = 0;
  SplitMix64 fault_rng_{0};
  std::deque<NicEvent> events_;
  uint64_t overflows_ = 0;
  std::function<void()> handler_;
  bool irq_enabled_ = true;
  bool line_ = false;
  bool in_handler_ = false;
  bool in_advance_ = false;
};

}  // namespace ndisconf::nic

#endif  // NDISCONF_REFERENCE_NIC_SOFT_NIC_H_
