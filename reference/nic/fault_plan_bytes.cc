// Fault plans: the byte form (for fuzzers), decoded through an
// append-only operation table. See fault_plan.h.
#include <algorithm>
#include <limits>

#include "reference/nic/fault_plan.h"
#include "reference/nic/fault_plan_tables.h"

namespace ndisconf::nic {

using fault_plan_tables::kRangeSpecs;
using fault_plan_tables::RangeSpec;

// ---- Byte form ------------------------------------------------------------
namespace {

// Append-only: the selector is the index. Never renumber; retire by
// keeping the slot and decoding its operands as a skip.
enum class Op : uint8_t {
  kAdvance = 0,
  kLinkLoss = 1,
  kFlap = 2,
  kSpeed = 3,
  kCrc = 4,
  kFraming = 5,
  kHwOverrun = 6,
  kBufferOverrun = 7,
  kTimeout = 8,
  kAlignment = 9,
  kPartial = 10,
  kReset = 11,
  kHang = 12,
  kSeed = 13,
  kProb = 14,
  kRange = 15,
  kAt = 16,
};
constexpr uint8_t kOpCount = 17;

// The fault operations 1..12 are FaultKind + 1.
constexpr uint8_t FaultOp(FaultKind k) { return static_cast<uint8_t>(static_cast<uint8_t>(k) + 1); }

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool done() const { return pos_ >= b_.size(); }
  uint64_t Read(int n) {  // little-endian; missing bytes read as 0
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      uint64_t byte = pos_ < b_.size() ? b_[pos_] : 0;
      ++pos_;
      v |= byte << (8 * i);
    }
    return v;
  }

 private:
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

void Write(std::vector<uint8_t>* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t Clamp(uint64_t v, uint64_t lo, uint64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

FaultPlan FaultPlanFromBytes(std::span<const uint8_t> bytes, uint32_t channel_count) {
  if (channel_count == 0) channel_count = 1;
  FaultPlan plan;
  Reader r(bytes);
  Ticks cursor = 0;
  while (!r.done()) {
    auto sel = static_cast<uint8_t>(r.Read(1));
    if (sel >= kOpCount) continue;  // unknown selector: skip it
    Op op = static_cast<Op>(sel);
    switch (op) {
      case Op::kAdvance: {
        uint64_t d = r.Read(4);
        cursor = cursor > std::numeric_limits<Ticks>::max() - d ? std::numeric_limits<Ticks>::max()
                                                                : cursor + d;
        break;
      }
      case Op::kAt:
        cursor = r.Read(8);
        break;
      case Op::kSeed:
        if (!plan.random) plan.random.emplace();
        plan.random->seed = r.Read(8);
        break;
      case Op::kProb: {
        auto kind = static_cast<size_t>(r.Read(1) % kFaultKindCount);
        auto ppm = static_cast<uint32_t>(r.Read(4) % (kMaxPpm + 1));
        if (!plan.random) plan.random.emplace();
        plan.random->ppm[kind] = ppm;
        break;
      }
      case Op::kRange: {
        const RangeSpec& spec = kRangeSpecs[r.Read(1) % 4];
        uint64_t lo = Clamp(r.Read(8), spec.lo, spec.hi);
        uint64_t hi = Clamp(r.Read(8), spec.lo, spec.hi);
        if (lo > hi) std::swap(lo, hi);
        if (!plan.random) plan.random.emplace();
        (*plan.random).*(spec.field) = Range{lo, hi};
        break;
      }
      default: {  // a fault operation: selector = FaultKind + 1
        ScheduledFault f;
        f.kind = static_cast<FaultKind>(sel - 1);
        f.at_tick = cursor;
        f.channel = ChannelId{static_cast<uint32_t>(r.Read(1) % channel_count)};
        switch (f.kind) {
          case FaultKind::kLinkLoss:
            break;
          case FaultKind::kFlap:
            f.flap_down_ticks = Clamp(r.Read(4), 1, kMaxFlapTicks);
            break;
          case FaultKind::kSpeedChange:
            f.speed_bps = Clamp(r.Read(8), 1, kMaxSpeedBps);
            break;
          case FaultKind::kPartialFrame: {
            f.partial_keep = static_cast<uint32_t>(r.Read(2));
            auto e = static_cast<uint32_t>(r.Read(1)) & FrameErrors::kAll;
            f.partial_errors.bits = e == 0 ? FrameErrors::kFraming : e;
            break;
          }
          case FaultKind::kReset:
            f.reset_ticks = Clamp(r.Read(4), 0, kMaxResetTicks);
            break;
          case FaultKind::kHang:
            f.silent = (r.Read(1) & 1) != 0;
            break;
          default:
            f.immediate = (r.Read(1) & 1) != 0;
            break;
        }
        if (plan.faults.size() < kMaxScheduledFaults) plan.faults.push_back(f);
        break;
      }
    }
  }
  return plan;
}

std::vector<uint8_t> FaultPlanToBytes(const FaultPlan& plan) {
  std::vector<uint8_t> out;
  FaultPlan canon = CanonicalFaultPlan(plan);
  Ticks cursor = 0;
  for (const ScheduledFault& f : canon.faults) {
    if (f.at_tick - cursor > 0xFFFFFFFFu) {
      out.push_back(static_cast<uint8_t>(Op::kAt));
      Write(&out, f.at_tick, 8);
    } else if (f.at_tick > cursor) {
      out.push_back(static_cast<uint8_t>(Op::kAdvance));
      Write(&out, f.at_tick - cursor, 4);
    }
    cursor = f.at_tick;
    out.push_back(FaultOp(f.kind));
    Write(&out, f.channel.value, 1);
    switch (f.kind) {
      case FaultKind::kLinkLoss:
        break;
      case FaultKind::kFlap:
        Write(&out, f.flap_down_ticks, 4);
        break;
      case FaultKind::kSpeedChange:
        Write(&out, f.speed_bps, 8);
        break;
      case FaultKind::kPartialFrame:
        Write(&out, f.partial_keep, 2);
        Write(&out, f.partial_errors.bits, 1);
        break;
      case FaultKind::kReset:
        Write(&out, f.reset_ticks, 4);
        break;
      case FaultKind::kHang:
        Write(&out, f.silent ? 1 : 0, 1);
        break;
      default:
        Write(&out, f.immediate ? 1 : 0, 1);
        break;
    }
  }
  if (plan.random) {
    out.push_back(static_cast<uint8_t>(Op::kSeed));
    Write(&out, plan.random->seed, 8);
    for (size_t k = 0; k < kFaultKindCount; ++k) {
      if (plan.random->ppm[k] == 0) continue;
      out.push_back(static_cast<uint8_t>(Op::kProb));
      Write(&out, k, 1);
      Write(&out, plan.random->ppm[k], 4);
    }
    for (size_t i = 0; i < 4; ++i) {
      const Range& rg = plan.random.value().*(kRangeSpecs[i].field);
      out.push_back(static_cast<uint8_t>(Op::kRange));
      Write(&out, i, 1);
      Write(&out, rg.min, 8);
      Write(&out, rg.max, 8);
    }
  }
  return out;
}

}  // namespace ndisconf::nic
