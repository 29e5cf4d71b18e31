// reference/nic/fault_plan.h: what goes wrong on a SoftNic, and when, as data.
//
// A FaultPlan is a list of scheduled faults plus an optional random
// component. It has three equivalent forms:
//   - the struct below (for code),
//   - a line-based text form (for people; grammar below and in
//     reference/nic/FAULT_PLAN.md), parsed by ParseFaultPlan,
//   - a byte form (for fuzzers), decoded by FaultPlanFromBytes through an
//     append-only operation table.
// Text and bytes are untrusted: every malformed input takes an error path
// (text) or is mapped into range (bytes); nothing asserts or aborts.
//
// ---- Text form ------------------------------------------------------------
// One directive per line. '#' starts a comment that runs to the end of the
// line; blank lines are ignored; tokens are separated by spaces or tabs; a
// trailing '\r' is ignored. Every directive is a word followed by
// key=value pairs in any order; a key may appear once per line.
//
//   fault at=<tick> ch=<channel> kind=<kind> [<param>=<value>]...
//       at     0 .. 2^64-1   the tick at which the fault takes effect (it
//                            fires during the Advance step that brings the
//                            clock to at, or on the next step if at is past)
//       ch     0 .. 255      the channel (checked against the NIC when the
//                            plan is installed)
//       kind   one of the fault kinds below, with their own parameters:
//         link-loss                        carrier down, call dropped
//         flap        down=<1..10^9>       carrier down, up again after
//                                          `down` ticks (default 10); the
//                                          call survives
//         speed       bps=<1..10^10>       new line rate (required)
//         crc | framing | hw-overrun | buffer-overrun | timeout | alignment
//                     when=next|now        next (default): the next received
//                                          frame arrives as a FrameError with
//                                          this bit; now: a FrameError with no
//                                          bytes is latched at once
//         partial     keep=<0..65535>      the next received frame is cut to
//                                          `keep` bytes (default 0) and
//                     errors=<flags>       arrives as a FrameError with these
//                                          bits (default framing); flags are
//                                          names joined by '|' or a number in
//                                          1..0x3f
//         reset       ticks=<0..10^9>      the NIC resets the channel on its
//                                          own; ResetComplete after `ticks`
//                                          (default 3)
//         hang        silent=<bool>        the channel stops (events, transmit
//                                          completions) until Reset; ChannelHung
//                                          is latched first unless silent
//                                          (default no)
//   seed value=<0..2^64-1>
//       enables the random component and seeds its generator
//   prob kind=<kind> ppm=<0..1000000>
//       per-tick, per-channel probability (parts per million) that a fault
//       of `kind` fires; its parameters are drawn from the ranges below
//   range name=<speed|flap|partial|reset> min=<n> max=<n>
//       inclusive range of a random fault's parameter (bps, down ticks,
//       kept bytes, reset ticks); min <= max; each bounded like the matching
//       fault parameter (speed >= 1, flap >= 1)
//   seed, prob and range each enable the random component (seed 0 unless
//   a seed line is given). seed may appear once, prob once per kind, range
//   once per name.
//
// Numbers are decimal or 0x-prefixed hexadecimal; booleans are
// yes|no|true|false|1|0. Errors are reported as
//   "line <L>, column <C>: <message>"
// with 1-based line and byte column of the offending token.
//
// Threading: plain data and pure functions.
#ifndef NDISCONF_REFERENCE_NIC_FAULT_PLAN_H_
#define NDISCONF_REFERENCE_NIC_FAULT_PLAN_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/nic/nic.h"

namespace ndisconf::nic {

// Numbering is part of the byte form (FaultPlanFromBytes): append only.
enum class FaultKind : uint8_t {
  kLinkLoss = 0,
  kFlap = 1,
  kSpeedChange = 2,
  kCrc = 3,
  kFraming = 4,
  kHwOverrun = 5,
  kBufferOverrun = 6,
  kTimeout = 7,
  kAlignment = 8,
  kPartialFrame = 9,
  kReset = 10,
  kHang = 11,
};
inline constexpr int kFaultKindCount = 12;

// "link-loss", "flap", ... (the text form's spelling).
const char* FaultKindName(FaultKind kind);
// The inverse; nullopt for an unknown name.
std::optional<FaultKind> FaultKindFromName(std::string_view name);
// The FrameErrors bit of the six single-error kinds; 0 for the others.
uint32_t FaultKindErrorBit(FaultKind kind);

// Parameter bounds shared by the text parser, the byte decoder and the
// random component.
inline constexpr uint64_t kMaxFaultChannel = 255;
inline constexpr uint64_t kMaxFlapTicks = 1'000'000'000;
inline constexpr uint64_t kMaxSpeedBps = 10'000'000'000ull;
inline constexpr uint64_t kMaxPartialKeep = 65535;
inline constexpr uint64_t kMaxResetTicks = 1'000'000'000;
inline constexpr uint32_t kMaxPpm = 1'000'000;
inline constexpr size_t kMaxScheduledFaults = 100'000;
inline constexpr size_t kMaxTextLineBytes = 4096;

struct ScheduledFault {
  Ticks at_tick = 0;
  ChannelId channel;
  FaultKind kind = FaultKind::kLinkLoss;
  // Kind-specific parameters; the others keep their defaults.
  Ticks flap_down_ticks = 10;                         // kFlap, 1..kMaxFlapTicks
  uint64_t speed_bps = 64000;                         // kSpeedChange, 1..kMaxSpeedBps
  bool immediate = false;                             // single-error kinds: when=now
  uint32_t partial_keep = 0;                          // kPartialFrame, 0..kMaxPartialKeep
  FrameErrors partial_errors{FrameErrors::kFraming};  // kPartialFrame, nonzero, within kAll
  Ticks reset_ticks = 3;                              // kReset, 0..kMaxResetTicks
  bool silent = false;                                // kHang
  friend bool operator==(const ScheduledFault&, const ScheduledFault&) = default;
};

// Inclusive [min, max].
struct Range {
  uint64_t min = 0;
  uint64_t max = 0;
  friend bool operator==(Range, Range) = default;
};

// Random faults: on every tick, for every channel, for every kind with a
// nonzero probability (in FaultKind order), the NIC draws from a generator
// seeded with `seed` and fires the fault with probability ppm/10^6. Its
// parameters are drawn uniformly from the ranges; single-error kinds use
// when=next, partial frames get random nonzero error bits, hangs are not
// silent.
struct RandomFaults {
  uint64_t seed = 0;
  std::array<uint32_t, kFaultKindCount> ppm{};  // per FaultKind, 0..kMaxPpm
  Range speed_bps{9600, 128000};
  Range flap_ticks{1, 50};
  Range partial_keep{0, 16};
  Range reset_ticks{1, 10};
  friend bool operator==(const RandomFaults&, const RandomFaults&) = default;
};

struct FaultPlan {
  std::vector<ScheduledFault> faults;  // any order; equal ticks fire in list order
  std::optional<RandomFaults> random;
  friend bool operator==(const FaultPlan&, const FaultPlan&) = default;
};

struct ParseError {
  int line = 0;    // 1-based
  int column = 0;  // 1-based byte column
  std::string message;
  // "line L, column C: message"
  std::string ToString() const;
};

struct ParseResult {
  std::optional<FaultPlan> plan;  // set on success
  ParseError error;               // meaningful when !plan
  bool ok() const { return plan.has_value(); }
};

// Parses the text form. Never throws or aborts; on the first error returns
// a ParseResult without a plan and with the error's position and message.
[[nodiscard]] ParseResult ParseFaultPlan(std::string_view text);

// Writes the text form; ParseFaultPlan(FaultPlanToText(p)) == p for a valid
// p (one that Validate accepts with channel_count 256).
std::string FaultPlanToText(const FaultPlan& plan);

// Checks a plan built in code: every fault's channel < channel_count and
// every parameter in the bounds above. nullopt if valid, else a message
// naming the first bad fault ("fault 3: channel 9 out of range [0, 3]").
std::optional<std::string> ValidateFaultPlan(const FaultPlan& plan, uint32_t channel_count);
// The same checks for one fault; the message has no "fault N: " prefix.
// Allocates nothing when the fault is valid (SoftNic::InjectFault runs it
// on every injected fault).
std::optional<std::string> ValidateFault(const ScheduledFault& fault, uint32_t channel_count);

// The faults sorted (stably) by at_tick: the order in which they fire.
FaultPlan CanonicalFaultPlan(const FaultPlan& plan);

// ---- Byte form ------------------------------------------------------------
// A sequence of operations, each a selector byte followed by its operands
// (little-endian). The decoder keeps a cursor tick (starting at 0) that
// scheduled faults use as at_tick. Operands that run past the end read as
// zero; out-of-range values are mapped into range as stated; an unknown
// selector is skipped (one byte). Decoding never fails.
//
//   sel  operation        operands
//   0    advance          u32 delta: cursor += delta (saturating)
//   1    link-loss        u8 ch
//   2    flap             u8 ch, u32 down        (0 -> 1; > max -> max)
//   3    speed            u8 ch, u64 bps         (clamped to [1, kMaxSpeedBps])
//   4    crc              u8 ch, u8 flags        (bit0 = when=now)
//   5    framing          u8 ch, u8 flags
//   6    hw-overrun       u8 ch, u8 flags
//   7    buffer-overrun   u8 ch, u8 flags
//   8    timeout          u8 ch, u8 flags
//   9    alignment        u8 ch, u8 flags
//   10   partial          u8 ch, u16 keep, u8 errors (& 0x3f; 0 -> framing)
//   11   reset            u8 ch, u32 ticks       (> max -> max)
//   12   hang             u8 ch, u8 flags        (bit0 = silent)
//   13   seed             u64 seed               (enables random)
//   14   prob             u8 kind (mod 12), u32 ppm (mod 1000001) (enables random)
//   15   range            u8 name (mod 4: speed, flap, partial, reset),
//                        u64 min, u64 max       (each clamped to the
//                                                parameter's bounds, then
//                                                swapped if min > max)
//   16   at               u64 tick: cursor = tick
// Channels: ch mod channel_count (channel_count 0 is treated as 1).
// At most kMaxScheduledFaults faults are decoded; later fault operations are
// skipped. Selector numbers are never reused: a retired operation keeps its
// slot and is decoded as a skip of its operands.
FaultPlan FaultPlanFromBytes(std::span<const uint8_t> bytes, uint32_t channel_count = 4);

// Encodes a valid plan (Validate with channel_count passes) so that
// FaultPlanFromBytes(FaultPlanToBytes(p), channel_count) ==
// CanonicalFaultPlan(p).
std::vector<uint8_t> FaultPlanToBytes(const FaultPlan& plan);

}  // namespace ndisconf::nic

#endif  // NDISCONF_REFERENCE_NIC_FAULT_PLAN_H_
