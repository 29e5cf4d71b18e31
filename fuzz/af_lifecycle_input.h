// fuzz/af_lifecycle_input.h: the input format of the af_lifecycle fuzz
// target, a program of CoNDIS address-family lifecycle events, and what one
// program did (so tests can check that a committed seed still does what its
// name says, and that a seeded bug is caught).
//
// Format: a byte n, then n bytes for the model's scheduler
// (ndis::ByteChooser: which ready work item runs next, and whether a
// PASSIVE_LEVEL delivery runs inline; FIFO once they run out), then records,
// each a tag byte and its operands. A record cut short by the end of the
// input is dropped; so any byte string is a program.
//
// Resources: each record that creates something (a driver, an adapter; the
// drivers' own AFs, SAPs and VCs) adds it to a list of its kind, and an
// operand that names one is an index taken modulo the number that exist
// (syzkaller's resources): a mutated program still names live objects of
// the right kind. A record whose resource list is empty does nothing.
//
// Every tag and selector value is fixed forever: a new operation takes the
// next unused value, a retired one keeps its value (decoded as a skip), and
// a value with no entry is skipped, so adding an operation changes the
// meaning of no committed seed.
//
//   0 LOAD_CM cfg          a stand-alone call manager (at most 3)
//   1 LOAD_CLIENT cfg      a CoNDIS client (at most 3)
//   2 LOAD_MINIPORT cfg    a plain CoNDIS miniport (at most 3)
//   3 LOAD_MCM cfg         an MCM (at most 3)
//   4 ADD_ADAPTER m        an adapter of miniport-or-MCM m (at most 6)
//   5 UNBIND p a           protocol p (CMs, then clients) from adapter a
//   6 HALT a               halt adapter a
//   7 RUN_ONE              run one ready work item (the scheduler picks)
//   8 SETTLE               run work items until none is ready
//   9 CLOSE_AF c af        client c's own close of AF af (AF-050 steps first)
//  10 REGISTER_SAP c af t  NdisClRegisterSap with SAP type t % 4
//  11 DEREGISTER_SAP c s
//  12 CREATE_VC c af
//  13 DELETE_VC c v
//  14 MAKE_CALL c v
//  15 CLOSE_CALL c v
//  16 INCOMING_CALL m s    call manager m (CMs, then MCMs) offers a call on
//                          its SAP s
//  17 BIND p a             bind protocol p to adapter a again
//  18 BAD_CALL c fn h      client c calls function fn % 7 (BadCallFn) with a
//                          bad handle of kind h % 4 (BadHandle): the
//                          precondition broken on purpose; NDIS must refuse
//  19 BAD_CREATE_VC c af   client c calls NdisCoCreateVc on its AF af with
//                          *NdisVcHandle not NULL on entry (AF-100): NDIS
//                          must refuse (INVALID_PARAMETER, OQ-15)
//
// cfg bits: LOAD_CM / LOAD_MCM: bit 0 also register TAPI (a second AF);
// bits 1-4 pend open_af, close_af, register_sap, deregister_sap; bit 5 pend
// make_call; bit 6 pend close_call. LOAD_CLIENT: bits 0-1 notify_close
// (0 sync, 1 pend, 2 refuse with NDIS_STATUS_FAILURE, 3 sync); bits 2-3
// incoming_call (0 accept, 1 pend, 2 reject, 3 accept); bit 4 register a SAP
// after each open; bit 5 create a VC and make a call after each open.
// LOAD_MINIPORT: bit 0 pend activate_vc, bit 1 pend deactivate_vc.
#ifndef NDISCONF_FUZZ_AF_LIFECYCLE_INPUT_H_
#define NDISCONF_FUZZ_AF_LIFECYCLE_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ndisconf {
class EventSink;
}
namespace ndisconf::conformance {
struct Implementation;
}
namespace ndisconf::monitor {
class Monitor;
}

namespace ndisconf::fuzz {

enum class AfOp : uint8_t {
  kLoadCm = 0,
  kLoadClient = 1,
  kLoadMiniport = 2,
  kLoadMcm = 3,
  kAddAdapter = 4,
  kUnbind = 5,
  kHalt = 6,
  kRunOne = 7,
  kSettle = 8,
  kCloseAf = 9,
  kRegisterSap = 10,
  kDeregisterSap = 11,
  kCreateVc = 12,
  kDeleteVc = 13,
  kMakeCall = 14,
  kCloseCall = 15,
  kIncomingCall = 16,
  kBind = 17,
  kBadCall = 18,
  kBadCreateVc = 19,
};
inline constexpr uint8_t kAfOpCount = 20;
constexpr std::optional<AfOp> AfOpForTag(uint8_t tag) {
  if (tag >= kAfOpCount) return std::nullopt;
  return static_cast<AfOp>(tag);
}
// Operand bytes after the tag.
constexpr size_t AfOpOperands(AfOp op) {
  switch (op) {
    case AfOp::kRunOne:
    case AfOp::kSettle:
      return 0;
    case AfOp::kLoadCm:
    case AfOp::kLoadClient:
    case AfOp::kLoadMiniport:
    case AfOp::kLoadMcm:
    case AfOp::kAddAdapter:
    case AfOp::kHalt:
      return 1;
    case AfOp::kUnbind:
    case AfOp::kCloseAf:
    case AfOp::kDeregisterSap:
    case AfOp::kCreateVc:
    case AfOp::kDeleteVc:
    case AfOp::kMakeCall:
    case AfOp::kCloseCall:
    case AfOp::kIncomingCall:
    case AfOp::kBind:
    case AfOp::kBadCreateVc:
      return 2;
    case AfOp::kRegisterSap:
    case AfOp::kBadCall:
      return 3;
  }
  return 0;
}

// BAD_CALL's function and handle kinds.
enum class BadCallFn : uint8_t {
  kCloseAf = 0,        // NdisClCloseAddressFamily(h)
  kRegisterSap = 1,    // NdisClRegisterSap(h, ...)
  kDeregisterSap = 2,  // NdisClDeregisterSap(h)
  kCreateVc = 3,       // NdisCoCreateVc(binding, h, ...)
  kDeleteVc = 4,       // NdisCoDeleteVc(h)
  kMakeCall = 5,       // NdisClMakeCall(h, ...)
  kCloseCall = 6,      // NdisClCloseCall(h, ...)
};
enum class BadHandle : uint8_t {
  kNull = 0,       // NULL
  kGarbage = 1,    // an address NDIS never handed out
  kStale = 2,      // a handle of the right kind that was closed (else garbage)
  kWrongKind = 3,  // a live handle of another kind (else garbage)
};

// What one program did.
struct AfLifecycleOutcome {
  uint64_t records = 0;          // records decoded and run
  uint64_t records_skipped = 0;  // unknown tag, or no resource to act on
  uint64_t events = 0;           // boundary events the monitor saw
  uint64_t afs_opened = 0;       // client AFs that reached the open state
  uint64_t calls_connected = 0;  // client VCs whose call came up (made or accepted)
  uint64_t bad_calls = 0;        // BAD_CALL records run
  // The first monitor violation outside the BAD_CALL records (a rule the
  // implementation under test broke), in event order; empty if none.
  std::string first_rule, first_check;
  uint64_t first_event = 0;
  std::string first_message;
  // Bad calls NDIS accepted (SUCCESS or PENDING) although the handle was bad.
  uint64_t bad_calls_accepted = 0;
};

// Runs one program against `impl`. `observer`, if given, also receives
// every boundary event of the run (e.g. the AfTransitionRecorder of
// af_transitions.h). `reused_monitor`: a monitor to Reset() and use instead
// of a new one (what RunAfLifecycleInput does: no monitor construction per
// input; af_lifecycle_isolation_test shows the verdicts are the same).
AfLifecycleOutcome RunAfLifecycleProgram(const conformance::Implementation& impl,
                                         const uint8_t* data, size_t size,
                                         EventSink* observer = nullptr,
                                         monitor::Monitor* reused_monitor = nullptr);
// Runs one program against the implementation NDISCONF_IMPL names (the
// reference when unset), under the process's reused monitor. nullopt when NDISCONF_IMPL names no implementation.
std::optional<AfLifecycleOutcome> RunAfLifecycleInput(const uint8_t* data, size_t size);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_LIFECYCLE_INPUT_H_
