// reference/ndis/rejection.h: what the reference NDIS records when it refuses
// a call, or corrects a driver's misuse: a typed record tests assert on.
//
// A Rejection says which function (the boundary's Fn, or one of the few
// functions that cross no recorded boundary), the NDIS_STATUS returned (or
// that would have been), the rule the refusal enforces (a catalog RuleId,
// when one applies), and the model's own reason code. `detail` is a
// human-readable sentence for logs and reports only: tests never match it.
#ifndef NDISCONF_REFERENCE_NDIS_REJECTION_H_
#define NDISCONF_REFERENCE_NDIS_REJECTION_H_

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "reference/boundary/fn.h"
#include "spec/rule_id.h"

namespace ndisconf::ndis {

// Why the model refused a call (or corrected a driver's result). Append-only:
// a retired reason keeps its number.
enum class Reason : uint8_t {
  // ---- Arguments and handles. ----
  kNullArgument = 0,     // a required pointer is NULL (`param` names it)
  kUnknownHandle = 1,    // a handle value NDIS never gave out
  kStaleHandle = 2,      // a handle whose object was closed, deleted or withdrawn
  kWrongHandleKind = 3,  // a live handle of another kind (e.g. a binding for an AF)
  kForeignHandle = 4,    // a live handle that belongs to another driver or operation
  kBadArgument = 5,      // a value the function does not accept (a length, an index, ...)
  // ---- The caller and its context. ----
  kWrongCallerRole = 6,     // the caller is not the kind of driver the function is for
  kIrqlTooHigh = 7,         // a PASSIVE_LEVEL function called above PASSIVE_LEVEL
  kIrqlTooLow = 8,          // a DISPATCH_LEVEL-only function called below it
  kOutsideCallback = 9,     // allowed only from a particular callback
  kWrongNdisVersion = 10,   // an NDIS 5 context given to an NDIS 6 function, or vice versa
  kWanVersionScope = 11,    // OQ-19: refused by Settings::wan_version_scope
  kIndicationContext = 12,  // WAN-002/003/004: an indication from a forbidden context
  // ---- Registration. ----
  kBadCharacteristics = 13,  // malformed header, length or bits of a characteristics structure
  kBadVersion = 14,          // an NDIS version the model does not implement
  kMissingHandler = 15,      // a required handler is NULL (`param` names the member if one)
  kAlreadyRegistered = 16,   // registered twice (an AF type, handlers, an interrupt, ...)
  kSharedHandler = 17,       // AF-134: one function as two handlers that must differ
  kInconsistentCharacteristics = 18,  // the structures registered do not fit together
  kNotRegistered = 19,                // nothing registered serves the request
  // ---- Object state. ----
  kClosing = 20,                    // the binding, adapter, AF or SAP is being closed or halted
  kWrongState = 21,                 // the object is not in a state the function accepts
  kAlreadyClosed = 22,              // the AF was already closed
  kHasChildren = 23,                // the object still has SAPs, VCs or a call on it
  kInjectedAllocationFailure = 24,  // Settings::fail_allocation_at
  // ---- Completions. ----
  kNotPending = 25,       // no such operation is pending
  kDidNotPend = 26,       // the operation's callback did not return NDIS_STATUS_PENDING
  kPendingStatus = 27,    // a completion with Status NDIS_STATUS_PENDING (ignored)
  kCompletedTwice = 28,   // a second completion of one operation
  kWrongCompletion = 29,  // the completion function does not match the operation
  // ---- Driver results NDIS corrects or cleans up after. ----
  kCannotPend = 30,         // a callback returned NDIS_STATUS_PENDING where it cannot
  kCannotFail = 31,         // a callback failed where it cannot (treated as SUCCESS)
  kBadResultStatus = 32,    // a status outside what the contract allows
  kLeftOpen = 33,           // returned or closed with objects still open or outstanding
  kDropped = 34,            // a completion dropped: its binding was closed meanwhile
  kMissingAttributes = 35,  // initialization returned SUCCESS without setting attributes
  // ---- Spin locks, events, memory, work items, interrupts. ----
  kNotAllocated = 36,       // a lock, event or block NDIS did not allocate or initialize
  kLockHeld = 37,           // the spin lock is held
  kLockNotHeld = 38,        // the spin lock is not held
  kAlreadyQueued = 39,      // the work item is queued
  kWaitWouldHang = 40,      // an infinite wait nothing ready could end
  kWaitTimedOut = 41,       // a timed wait nothing ready ended
  kSpuriousInterrupt = 42,  // an interrupt on an adapter without a registered interrupt
  // ---- Appended. ----
  kAdapterNotCoNdis = 43,  // the binding's adapter is not driven by a CoNDIS miniport
};
inline constexpr size_t kReasonCount = 44;
// "null_argument" for Reason::kNullArgument, and so on; "?" if out of range.
const char* ToString(Reason r);
std::ostream& operator<<(std::ostream& os, Reason r);  // prints ToString(r)

// The functions the model can refuse that have no Fn: NDIS support functions
// the boundary forwards without recording an event, and harness operations.
enum class Unrecorded : uint8_t {
  kNone = 0,  // the function is a boundary crossing: see Rejection::fn
  kNdisInitializeEvent,
  kNdisSetEvent,
  kNdisResetEvent,
  kNdisWaitEvent,
  kNdisAllocateMemoryWithTagPriority,
  kNdisFreeMemoryWithTagPriority,
  kAddAdapter,      // Model::AddAdapter
  kBindProtocol,    // Model::BindProtocol
  kRaiseInterrupt,  // Model::RaiseInterrupt
};
// "NdisWaitEvent", "AddAdapter", ...; "" for kNone.
std::string_view NameOf(Unrecorded u);

// The typed outcome of a rejection (no event index, no detail): what tests
// compare. Two outcomes are equal when every field is, so a test that names
// no rule asserts that the rejection cites none.
struct Outcome {
  Outcome(Fn f, NDIS_STATUS s, Reason r, std::optional<spec::RuleId> cited = std::nullopt,
          std::string_view p = {})
      : fn(f), status(s), reason(r), rule(cited), param(p) {}
  Outcome(Unrecorded u, NDIS_STATUS s, Reason r, std::optional<spec::RuleId> cited = std::nullopt,
          std::string_view p = {})
      : unrecorded(u), status(s), reason(r), rule(cited), param(p) {}
  Outcome(Fn f, Unrecorded u, NDIS_STATUS s, Reason r, std::optional<spec::RuleId> cited,
          std::string_view p)
      : fn(f), unrecorded(u), status(s), reason(r), rule(cited), param(p) {}

  Fn fn = Fn::kCount;
  Unrecorded unrecorded = Unrecorded::kNone;
  NDIS_STATUS status = 0;
  Reason reason = Reason::kWrongState;
  std::optional<spec::RuleId> rule;
  std::string_view param;

  friend bool operator==(const Outcome&, const Outcome&) = default;
};
// "NdisClCloseAddressFamily 0xc0000001 [AF-057] has_children (param)"; also
// how GoogleTest prints an Outcome.
std::string ToString(const Outcome& o);
std::ostream& operator<<(std::ostream& os, const Outcome& o);

// A call the model refused: what was called, what it returned, and why.
struct Rejection {
  uint64_t event_index = 0;  // boundary event count when the call was made
  Fn fn = Fn::kCount;        // the function, if it crosses the boundary; else Fn::kCount
  Unrecorded unrecorded = Unrecorded::kNone;  // the function otherwise
  NDIS_STATUS status = 0;                     // the status returned (or that would have been)
  std::optional<spec::RuleId> rule;           // the catalog rule enforced, if one applies
  Reason reason = Reason::kWrongState;
  std::string_view param;  // the offending parameter or member, if one (static text)
  std::string detail;      // human-readable; for logs, never for assertions

  // The function's name: NameOf(fn) or NameOf(unrecorded).
  std::string_view function() const;
  Outcome outcome() const { return {fn, unrecorded, status, reason, rule, param}; }
  // One line: ToString(outcome()) + ": " + detail.
  std::string ToString() const;
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_REFERENCE_NDIS_REJECTION_H_
