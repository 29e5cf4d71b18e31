// reference/nic/fault_plan_tables.h (private to //reference/nic:fault_plan):
// the name tables that the struct, text and byte forms of a fault plan
// share, so every form spells a fault kind, an error bit and a random range
// the same way.
#ifndef NDISCONF_NIC_FAULT_PLAN_TABLES_H_
#define NDISCONF_NIC_FAULT_PLAN_TABLES_H_

#include <cstdint>
#include <string>

#include "reference/nic/fault_plan.h"

namespace ndisconf::nic::fault_plan_tables {

struct KindName {
  FaultKind kind;
  const char* name;
};
// Indexed by FaultKind.
inline constexpr KindName kKindNames[kFaultKindCount] = {
    {FaultKind::kLinkLoss, "link-loss"},
    {FaultKind::kFlap, "flap"},
    {FaultKind::kSpeedChange, "speed"},
    {FaultKind::kCrc, "crc"},
    {FaultKind::kFraming, "framing"},
    {FaultKind::kHwOverrun, "hw-overrun"},
    {FaultKind::kBufferOverrun, "buffer-overrun"},
    {FaultKind::kTimeout, "timeout"},
    {FaultKind::kAlignment, "alignment"},
    {FaultKind::kPartialFrame, "partial"},
    {FaultKind::kReset, "reset"},
    {FaultKind::kHang, "hang"},
};

struct ErrorBitName {
  uint32_t bit;
  const char* name;
};
inline constexpr ErrorBitName kErrorBitNames[] = {
    {FrameErrors::kCrc, "crc"},
    {FrameErrors::kFraming, "framing"},
    {FrameErrors::kHardwareOverrun, "hw-overrun"},
    {FrameErrors::kBufferOverrun, "buffer-overrun"},
    {FrameErrors::kTimeout, "timeout"},
    {FrameErrors::kAlignment, "alignment"},
};

// The random component's parameter ranges, by the name the text uses and
// the byte form's index.
struct RangeSpec {
  const char* name;
  uint64_t lo, hi;
  Range RandomFaults::*field;
};
inline constexpr RangeSpec kRangeSpecs[4] = {
    {"speed", 1, kMaxSpeedBps, &RandomFaults::speed_bps},
    {"flap", 1, kMaxFlapTicks, &RandomFaults::flap_ticks},
    {"partial", 0, kMaxPartialKeep, &RandomFaults::partial_keep},
    {"reset", 0, kMaxResetTicks, &RandomFaults::reset_ticks},
};

// "0x" and lower-case hex digits, for messages.
std::string Hex(uint64_t v);

}  // namespace ndisconf::nic::fault_plan_tables

#endif  // NDISCONF_NIC_FAULT_PLAN_TABLES_H_
