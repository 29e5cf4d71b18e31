// reference/nic/nic.h: the hardware interface a WAN miniport programs against.
//
// A Nic is shaped like a multi-channel, TAPI-capable WAN adapter (ISDN
// B-channels, a modem bank): each channel has a line (carrier, link speed,
// framing), a call (idle, dialing, offered, answering, connected), a transmit
// queue and a set of error counters. The miniport drives it through the
// operations below and learns what happened from events that the NIC latches
// in one status FIFO per adapter and signals through an interrupt line.
//
// This header knows nothing of NDIS. The miniport adapts between the two;
// to make that mapping mechanical, FrameErrors bits have the same values as
// the WAN_ERROR_* flags (spec 4.4) and link speeds are in bits per second
// (the miniport divides by 100 for NDIS_MAC_LINE_UP.LinkSpeed, WAN-029).
//
// Contract every implementation keeps (the miniport may rely on it):
//   - Every frame Transmit accepts (TxResult::kQueued) is later completed
//     exactly once, counted in a TxComplete event either as sent or as
//     dropped, in FIFO order per channel. A hung channel completes nothing
//     until it is reset.
//   - Events of one channel are delivered in the order they happened.
//   - Local operations (Dial, Answer, HangUp, Reset, SetFraming) never latch
//     an event that merely echoes the request; their outcome is reported by
//     the event named in each operation's comment, or by the return value.
//
// Threading: none. All methods are called from one thread; the interrupt
// handler runs synchronously on that thread (see SetInterruptHandler).
#ifndef NDISCONF_REFERENCE_NIC_NIC_H_
#define NDISCONF_REFERENCE_NIC_NIC_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::nic {

// Simulated time in ticks. The length of a tick is an implementation
// setting (SoftNicConfig::ticks_per_second).
using Ticks = uint64_t;

// A channel (B-channel, modem port) of one NIC: 0 .. channel_count()-1.
// Strong type so a channel cannot be confused with a count, a tick or a
// byte length.
struct ChannelId {
  uint32_t value = 0;
  friend auto operator<=>(ChannelId, ChannelId) = default;
};

// Framing the channel's HDLC engine applies. Both ends must agree; a frame
// received while the local framing differs from the peer's arrives as a
// FrameError with kFraming.
enum class Framing : uint8_t {
  kPpp = 0,          // PPP in HDLC-like framing (RFC 1662 style)
  kRawHdlc = 1,      // bare HDLC frames, no PPP header handling
  kTransparent = 2,  // bit-transparent, no framing (pass-through)
};

// State of the call on a channel.
enum class CallState : uint8_t {
  kIdle = 0,       // no call; no carrier
  kDialing = 1,    // Dial accepted, waiting for the remote
  kOffered = 2,    // an incoming call is ringing here (IncomingCall latched)
  kAnswering = 3,  // Answer accepted, line training; CallConnected follows
  kConnected = 4,  // data phase; carrier normally up (down during a flap)
};

// Bearer / media of an incoming call (maps to a TAPI media mode).
enum class Bearer : uint8_t {
  kDigitalData = 0,  // unrestricted digital (ISDN 64k data)
  kDataModem = 1,    // analog data modem
  kVoice = 2,        // speech / 3.1 kHz audio
};

// Why a call attempt failed or an established/offered call ended.
enum class CallEnd : uint8_t {
  kNone = 0,
  kRemoteHangUp = 1,    // the peer cleared the call
  kBusy = 2,            // DialFailed: the remote was busy
  kNoAnswer = 3,        // DialFailed: rang out without an answer
  kNoDialTone = 4,      // DialFailed: the line gave no dial tone
  kLinkLoss = 5,        // the physical line was lost
  kNicReset = 6,        // the NIC reset itself (not a driver Reset)
  kOfferWithdrawn = 7,  // the caller gave up before the offer was answered
};

// Receive error bits. Values equal the WAN_ERROR_* flags on purpose so the
// miniport can pass them through (WAN-051).
struct FrameErrors {
  static constexpr uint32_t kCrc = 0x01;
  static constexpr uint32_t kFraming = 0x02;
  static constexpr uint32_t kHardwareOverrun = 0x04;
  static constexpr uint32_t kBufferOverrun = 0x08;
  static constexpr uint32_t kTimeout = 0x10;
  static constexpr uint32_t kAlignment = 0x20;
  static constexpr uint32_t kAll = 0x3F;

  uint32_t bits = 0;
  bool has(uint32_t bit) const { return (bits & bit) != 0; }
  friend bool operator==(FrameErrors, FrameErrors) = default;
};

// Outcome of Transmit.
enum class TxResult : uint8_t {
  kQueued = 0,          // accepted; a TxComplete will account for it
  kBusy = 1,            // transmit queue full; retry after a TxComplete
  kNoCarrier = 2,       // no connected call with carrier (also while resetting)
  kHung = 3,            // the channel is hung; only Reset helps
  kInvalidChannel = 4,  // no such channel
  kInvalidFrame = 5,    // empty, or longer than max_frame_bytes
};

// Outcome of the other operations.
enum class OpStatus : uint8_t {
  kOk = 0,               // done; nothing more will be reported
  kPending = 1,          // started; the completion event is named per operation
  kInvalidChannel = 2,   // no such channel
  kInvalidState = 3,     // not allowed in the channel's current state
  kHung = 4,             // the channel is hung; only Reset is accepted
  kInvalidArgument = 5,  // a malformed argument (e.g. dial string)
};

enum class EventKind : uint8_t {
  kCarrierUp = 0,       // link_speed_bps
  kCarrierDown = 1,     //
  kSpeedChanged = 2,    // link_speed_bps
  kRemoteRinging = 3,   // outbound call is ringing at the remote (ringback)
  kIncomingCall = 4,    // caller_id, bearer; channel is now kOffered
  kCallConnected = 5,   // channel is now kConnected
  kRemoteHangUp = 6,    // reason; call is now kIdle
  kDialFailed = 7,      // reason; call is now kIdle
  kFrameReceived = 8,   // bytes (a good frame)
  kFrameError = 9,      // errors, bytes (what was received, possibly truncated)
  kTxComplete = 10,     // tx_sent, tx_dropped (FIFO order)
  kResetComplete = 11,  // the channel finished a reset; idle, no carrier
  kChannelHung = 12,    // the channel's watchdog fired; it is now hung
};
inline constexpr int kEventKindCount = 13;

// One entry of the status FIFO. A flat record: only the fields listed for
// the kind in EventKind are meaningful; the others keep their defaults, so
// two events compare equal exactly when they say the same thing.
struct NicEvent {
  EventKind kind = EventKind::kCarrierUp;
  ChannelId channel;
  Ticks tick = 0;  // simulated time at which the NIC latched it
  uint64_t link_speed_bps = 0;
  std::string caller_id;
  Bearer bearer = Bearer::kDigitalData;
  CallEnd reason = CallEnd::kNone;
  FrameErrors errors;
  std::vector<uint8_t> bytes;
  uint32_t tx_sent = 0;
  uint32_t tx_dropped = 0;

  friend bool operator==(const NicEvent&, const NicEvent&) = default;
};

// Snapshot of a channel's status registers.
struct ChannelStatus {
  bool carrier = false;
  uint64_t link_speed_bps = 0;  // current line rate, also when idle
  Framing framing = Framing::kPpp;
  CallState call_state = CallState::kIdle;
  bool hung = false;
  bool resetting = false;          // a reset is in progress (ResetComplete pending)
  uint32_t tx_queued = 0;          // frames accepted and not yet completed
  uint32_t tx_queue_capacity = 0;  // the send window the miniport may report (WAN-031)
  uint32_t max_frame_bytes = 0;
  friend bool operator==(const ChannelStatus&, const ChannelStatus&) = default;
};

// Per-channel counters; monotonic until the NIC is destroyed (Reset does
// not clear them, it increments `resets`).
struct ErrorCounters {
  uint64_t crc = 0;  // FrameErrors carrying the bit, per bit
  uint64_t framing = 0;
  uint64_t hw_overrun = 0;
  uint64_t buffer_overrun = 0;
  uint64_t timeout = 0;
  uint64_t alignment = 0;
  uint64_t partial_frames = 0;  // FrameError events (each a partial/bad frame)
  uint64_t frames_rx = 0;       // good frames (FrameReceived)
  uint64_t frames_tx = 0;       // frames sent on the line
  uint64_t bytes_rx = 0;        // payload bytes of good frames
  uint64_t bytes_tx = 0;        // payload bytes of sent frames
  uint64_t tx_dropped = 0;      // accepted frames completed without being sent
  uint64_t rx_lost = 0;         // frames the peer sent while we could not receive
  uint64_t resets = 0;          // resets started (driver or NIC initiated)
  uint64_t carrier_losses = 0;  // carrier up -> down transitions
  friend bool operator==(const ErrorCounters&, const ErrorCounters&) = default;
};

// The abstract adapter. Owned by whoever creates it (the miniport's
// adapter context, or a test); it owns its events and queued frames.
class Nic {
 public:
  virtual ~Nic() = default;

  // Number of channels; fixed for the NIC's lifetime.
  virtual uint32_t channel_count() const = 0;

  // The channel's status registers; nullopt for an invalid channel.
  virtual std::optional<ChannelStatus> Status(ChannelId ch) const = 0;

  // The channel's counters; nullopt for an invalid channel.
  virtual std::optional<ErrorCounters> Counters(ChannelId ch) const = 0;

  // Status-FIFO entries lost because the FIFO was full (adapter-wide).
  virtual uint64_t event_overflows() const = 0;

  // Starts an outbound call to `number` (digits, '*', '#', '+', ',', 'P',
  // 'T', 'W'; 1..64 characters). kPending on success: later RemoteRinging
  // (optional), then CallConnected (after CarrierUp) or DialFailed.
  // kInvalidState unless the call is kIdle and no reset is in progress;
  // kInvalidArgument for a malformed number; kHung; kInvalidChannel.
  [[nodiscard]] virtual OpStatus Dial(ChannelId ch, std::string_view number) = 0;

  // Answers the call offered on `ch`. kPending: CarrierUp + CallConnected
  // follow. kInvalidState unless the call is kOffered.
  [[nodiscard]] virtual OpStatus Answer(ChannelId ch) = 0;

  // Clears the call (dialing, offered = reject, answering or connected).
  // kOk: the call is kIdle and carrier is down at return; no CarrierDown or
  // RemoteHangUp is latched, but frames still queued are completed as
  // dropped by a TxComplete. kInvalidState if the call is already kIdle.
  [[nodiscard]] virtual OpStatus HangUp(ChannelId ch) = 0;

  // Queues one frame (copied; the caller keeps `frame`). See TxResult.
  [[nodiscard]] virtual TxResult Transmit(ChannelId ch, std::span<const uint8_t> frame) = 0;

  // Resets one channel: drops its call without CarrierDown/RemoteHangUp,
  // completes queued frames as dropped (TxComplete), clears the hung flag
  // and any armed receive fault. kPending: ResetComplete follows. Accepted
  // in every state, including hung and resetting (the reset restarts).
  [[nodiscard]] virtual OpStatus Reset(ChannelId ch) = 0;

  // Reset of every channel; one ResetComplete per channel. kPending.
  [[nodiscard]] virtual OpStatus ResetAll() = 0;

  // Sets the channel's framing; applies to frames received from now on.
  // kOk; kHung; kInvalidChannel.
  [[nodiscard]] virtual OpStatus SetFraming(ChannelId ch, Framing framing) = 0;

  // Installs the interrupt line's handler (replacing any previous one; an
  // empty function disconnects the line). The NIC calls it when the line
  // goes from deasserted to asserted: the FIFO became non-empty while
  // interrupts are enabled, or interrupts were enabled with a non-empty
  // FIFO. The line deasserts when NextEvent empties the FIFO or interrupts
  // are disabled, so a handler that does not drain gets no further calls.
  // The handler runs synchronously at the end of the NIC call that latched
  // the event (like an ISR preempting the caller); it may call NextEvent,
  // SetInterruptEnabled and the read-only methods. The NIC owns its copy.
  virtual void SetInterruptHandler(std::function<void()> handler) = 0;

  // The interrupt mask (enabled at creation), as MiniportDisableInterrupt /
  // MiniportEnableInterrupt would program it.
  virtual void SetInterruptEnabled(bool enabled) = 0;

  // Pops the oldest event from the status FIFO; nullopt when it is empty.
  // The caller owns the returned event.
  virtual std::optional<NicEvent> NextEvent() = 0;
};

// Names for logs and test output ("CarrierUp", "kConnected", ...).
const char* EventKindName(EventKind kind);
const char* CallStateName(CallState state);
const char* FramingName(Framing framing);
const char* BearerName(Bearer bearer);
const char* CallEndName(CallEnd reason);
const char* TxResultName(TxResult result);
const char* OpStatusName(OpStatus status);

// One line describing an event, e.g. "t=12 ch=0 FrameError errors=0x1 len=4".
std::string ToString(const NicEvent& event);

// GoogleTest / iostream printing.
std::ostream& operator<<(std::ostream& os, const NicEvent& event);
std::ostream& operator<<(std::ostream& os, ChannelId ch);
std::ostream& operator<<(std::ostream& os, TxResult result);
std::ostream& operator<<(std::ostream& os, OpStatus status);
std::ostream& operator<<(std::ostream& os, CallState state);
std::ostream& operator<<(std::ostream& os, EventKind kind);

}  // namespace ndisconf::nic

#endif  // NDISCONF_REFERENCE_NIC_NIC_H_
