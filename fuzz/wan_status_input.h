// fuzz/wan_status_input.h: the input format of the wan_status fuzz target
// (record tags, append-only) and what one input did, so tests can check that
// a committed seed still does what its name says.
//
// Format (wan_status_fuzz_test.cc has the full description): a byte n, n
// scheduler bytes, then records, each a tag byte and its operands. Every tag
// and selector value below is fixed forever: a new operation takes the next
// unused value, a retired one keeps its value (decoded as a skip), and a
// value with no entry is skipped, so adding an operation changes the meaning
// of no committed seed.
#ifndef NDISCONF_FUZZ_WAN_STATUS_INPUT_H_
#define NDISCONF_FUZZ_WAN_STATUS_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "reference/drivers/ndiswan/ndiswan_core.h"
#include "reference/nic/fault_plan.h"

namespace ndisconf::conformance {
struct Implementation;  // conformance/framework/implementation.h
}  // namespace ndisconf::conformance

namespace ndisconf::fuzz {

// Record tags.
enum class WanOp : uint8_t {
  kIndicate = 0,   // INDICATE sel size_lo size_hi flags payload...
  kComplete = 1,   // COMPLETE
  kFault = 2,      // FAULT kind arg
  kPump = 3,       // PUMP n
  kInterrupt = 4,  // INTERRUPT
  kTapi = 5,       // TAPI which
};
constexpr std::optional<WanOp> WanOpForTag(uint8_t tag) {
  switch (tag) {
    case 0:
      return WanOp::kIndicate;
    case 1:
      return WanOp::kComplete;
    case 2:
      return WanOp::kFault;
    case 3:
      return WanOp::kPump;
    case 4:
      return WanOp::kInterrupt;
    case 5:
      return WanOp::kTapi;
    default:
      return std::nullopt;
  }
}

// INDICATE's status selector.
enum class WanStatusSel : uint8_t {
  kLineUp = 0,
  kLineDown = 1,
  kFragment = 2,
  kTapiIndication = 3,
  kMediaConnect = 4,
  kRaw = 5,  // the status is the next 4 bytes, little-endian
};
constexpr std::optional<WanStatusSel> WanStatusForSel(uint8_t sel) {
  switch (sel) {
    case 0:
      return WanStatusSel::kLineUp;
    case 1:
      return WanStatusSel::kLineDown;
    case 2:
      return WanStatusSel::kFragment;
    case 3:
      return WanStatusSel::kTapiIndication;
    case 4:
      return WanStatusSel::kMediaConnect;
    case 5:
      return WanStatusSel::kRaw;
    default:
      return std::nullopt;
  }
}

// INDICATE's flags byte (bits 2-3 pick the live link, `(flags >> 2 & 3) %
// count`).
inline constexpr uint8_t kIndicateNullBuffer = 0x01;   // StatusBuffer NULL, size still passed
inline constexpr uint8_t kIndicateLiveContext = 0x02;  // write a live NdisLinkContext
inline constexpr uint8_t kIndicateUnderLock = 0x10;    // hold the adapter's spin lock (WAN-003)
// TAPI_INDICATION only: write the harness's open htLine / its connected
// call's htCall into the NDIS_TAPI_EVENT, so an input can name a live line
// with a wrong call (WAN-061) or hand LINE_NEWCALL a call (WAN-062), which
// no constant can: the handles are whatever the NDISWAN under test chose.
inline constexpr uint8_t kIndicateLiveHtLine = 0x20;
inline constexpr uint8_t kIndicateLiveHtCall = 0x40;

// TAPI's request selector, on the connected call.
enum class WanTapiOp : uint8_t { kDrop = 0, kCloseCall = 1, kGetId = 2, kMakeCall = 3 };
constexpr std::optional<WanTapiOp> WanTapiForTag(uint8_t which) {
  switch (which) {
    case 0:
      return WanTapiOp::kDrop;
    case 1:
      return WanTapiOp::kCloseCall;
    case 2:
      return WanTapiOp::kGetId;
    case 3:
      return WanTapiOp::kMakeCall;
    default:
      return std::nullopt;
  }
}

// FAULT's kind byte. Spelled out rather than cast, so a fault kind the NIC
// model adds or reorders does not renumber the seeds.
constexpr std::optional<nic::FaultKind> WanFaultForTag(uint8_t kind) {
  switch (kind) {
    case 0:
      return nic::FaultKind::kLinkLoss;
    case 1:
      return nic::FaultKind::kFlap;
    case 2:
      return nic::FaultKind::kSpeedChange;
    case 3:
      return nic::FaultKind::kCrc;
    case 4:
      return nic::FaultKind::kFraming;
    case 5:
      return nic::FaultKind::kHwOverrun;
    case 6:
      return nic::FaultKind::kBufferOverrun;
    case 7:
      return nic::FaultKind::kTimeout;
    case 8:
      return nic::FaultKind::kAlignment;
    case 9:
      return nic::FaultKind::kPartialFrame;
    case 10:
      return nic::FaultKind::kReset;
    case 11:
      return nic::FaultKind::kHang;
    default:
      return std::nullopt;
  }
}

// What one input did, after the target's own invariants held.
struct WanStatusOutcome {
  uint64_t records_skipped = 0;          // unknown tag or selector
  uint64_t wmp_indications = 0;          // NdisMIndicateStatus calls by the WAN miniport
  uint64_t refused_by_ndis = 0;          // of those, refused by the model (e.g. WAN-003)
  drivers::wan::Counters ndiswan;        // NDISWAN's accounting of the rest
  uint64_t protocol_indications = 0;     // indications that reached the protocol
  std::set<std::string> rules_violated;  // rule IDs the monitor reported
  // The first violation (in event order) by the implementation under test:
  // an (R) check, or a (D) check on an event of a driver other than the
  // harness's scripted WAN miniport, whose WAN-* findings are the point of
  // the input. Empty rule: none.
  std::string first_rule, first_check, first_message;
  uint64_t first_event = 0;
  // The WAN transitions the input's records drove (WanTransitionBit()s of
  // wan_status_transitions.h; the harness's own setup not included), and
  // the number of boundary events of the run, setup included.
  uint64_t transitions = 0;
  uint64_t events = 0;
  // A hash of the run's event sequence (each event's function, phase,
  // actor, IRQL, status and slot count; not the addresses in its slots).
  uint64_t event_sequence = 0;
  // The input ran on the implementation's reused stack (WanStack::kReused
  // and the stack could serve it), not on a stack built for it.
  bool reused_stack = false;
};

// Which stack an input runs on. kReused (the fuzz target's): one stack per
// implementation, built once and put back into its post-setup state after
// every input (every component's Checkpoint / Rollback), so an input runs as
// on a new stack. It is used when the implementation's components all have
// a rollback (the reference's NDISWAN, protocol and WAN host, or a variant
// known to add no state to them) and the input's scheduler bytes make the
// setup take the decisions the saved setup took; otherwise, and with
// kFresh, the input gets a stack of its own, built and torn down around it.
enum class WanStack : uint8_t { kReused, kFresh };

// Runs one input through the target (defined in wan_status_fuzz_test.cc)
// with `impl`'s NDISWAN, protocol and WAN host; aborts, as the fuzz target
// does, if an invariant breaks.
WanStatusOutcome RunWanStatusInput(const conformance::Implementation& impl, const uint8_t* data,
                                   size_t size, WanStack stack = WanStack::kReused);
// The same with the reference implementation.
WanStatusOutcome RunWanStatusInput(const uint8_t* data, size_t size);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_STATUS_INPUT_H_
