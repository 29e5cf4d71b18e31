// Fault plans: kind names, validation and the canonical order. The text
// form is in fault_plan_text.cc, the byte form in fault_plan_bytes.cc.
#include "reference/nic/fault_plan.h"

#include <algorithm>
#include <cstdio>

#include "reference/nic/fault_plan_tables.h"

namespace ndisconf::nic {

using fault_plan_tables::Hex;
using fault_plan_tables::KindName;
using fault_plan_tables::kKindNames;
using fault_plan_tables::kRangeSpecs;
using fault_plan_tables::RangeSpec;

namespace fault_plan_tables {
std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace fault_plan_tables

const char* FaultKindName(FaultKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kFaultKindCount ? kKindNames[i].name : "?";
}

std::optional<FaultKind> FaultKindFromName(std::string_view name) {
  for (const KindName& kn : kKindNames) {
    if (name == kn.name) return kn.kind;
  }
  return std::nullopt;
}

uint32_t FaultKindErrorBit(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrc:
      return FrameErrors::kCrc;
    case FaultKind::kFraming:
      return FrameErrors::kFraming;
    case FaultKind::kHwOverrun:
      return FrameErrors::kHardwareOverrun;
    case FaultKind::kBufferOverrun:
      return FrameErrors::kBufferOverrun;
    case FaultKind::kTimeout:
      return FrameErrors::kTimeout;
    case FaultKind::kAlignment:
      return FrameErrors::kAlignment;
    default:
      return 0;
  }
}

std::optional<std::string> ValidateFault(const ScheduledFault& f, uint32_t channel_count) {
  auto range = [](const char* name, uint64_t v, uint64_t lo, uint64_t hi) {
    return std::string(name) + " " + std::to_string(v) + " out of range [" + std::to_string(lo) +
           ", " + std::to_string(hi) + "]";
  };
  if (static_cast<size_t>(f.kind) >= kFaultKindCount) {
    return "unknown kind " + std::to_string(static_cast<int>(f.kind));
  }
  if (channel_count == 0 || f.channel.value >= channel_count) {
    return range("channel", f.channel.value, 0, channel_count == 0 ? 0 : channel_count - 1);
  }
  switch (f.kind) {
    case FaultKind::kFlap:
      if (f.flap_down_ticks < 1 || f.flap_down_ticks > kMaxFlapTicks) {
        return range("down", f.flap_down_ticks, 1, kMaxFlapTicks);
      }
      break;
    case FaultKind::kSpeedChange:
      if (f.speed_bps < 1 || f.speed_bps > kMaxSpeedBps) {
        return range("bps", f.speed_bps, 1, kMaxSpeedBps);
      }
      break;
    case FaultKind::kPartialFrame:
      if (f.partial_keep > kMaxPartialKeep) {
        return range("keep", f.partial_keep, 0, kMaxPartialKeep);
      }
      if (f.partial_errors.bits == 0 || (f.partial_errors.bits & ~FrameErrors::kAll) != 0) {
        return "errors " + Hex(f.partial_errors.bits) + " not a nonzero subset of 0x3f";
      }
      break;
    case FaultKind::kReset:
      if (f.reset_ticks > kMaxResetTicks) {
        return range("ticks", f.reset_ticks, 0, kMaxResetTicks);
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<std::string> ValidateFaultPlan(const FaultPlan& plan, uint32_t channel_count) {
  if (plan.faults.size() > kMaxScheduledFaults) {
    return "too many faults (" + std::to_string(plan.faults.size()) + ", at most " +
           std::to_string(kMaxScheduledFaults) + ")";
  }
  for (size_t i = 0; i < plan.faults.size(); ++i) {
    if (auto e = ValidateFault(plan.faults[i], channel_count)) {
      return "fault " + std::to_string(i) + ": " + *e;
    }
  }
  if (plan.random) {
    for (size_t k = 0; k < kFaultKindCount; ++k) {
      if (plan.random->ppm[k] > kMaxPpm) {
        return std::string("random: ppm of ") + kKindNames[k].name + " " +
               std::to_string(plan.random->ppm[k]) + " out of range [0, 1000000]";
      }
    }
    for (const RangeSpec& spec : kRangeSpecs) {
      const Range& rg = (*plan.random).*(spec.field);
      if (rg.min < spec.lo || rg.max > spec.hi || rg.min > rg.max) {
        return std::string("random: range ") + spec.name + " [" + std::to_string(rg.min) + ", " +
               std::to_string(rg.max) + "] not within [" + std::to_string(spec.lo) + ", " +
               std::to_string(spec.hi) + "] or min > max";
      }
    }
  }
  return std::nullopt;
}

FaultPlan CanonicalFaultPlan(const FaultPlan& plan) {
  FaultPlan out = plan;
  std::stable_sort(
      out.faults.begin(), out.faults.end(),
      [](const ScheduledFault& a, const ScheduledFault& b) { return a.at_tick < b.at_tick; });
  return out;
}

}  // namespace ndisconf::nic
