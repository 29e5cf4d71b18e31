// Names of the model's rejection reasons and unrecorded functions.
#include "reference/ndis/rejection.h"

#include <cstdio>
#include <ostream>

namespace ndisconf::ndis {

const char* ToString(Reason r) {
  switch (r) {
    case Reason::kNullArgument:
      return "null_argument";
    case Reason::kUnknownHandle:
      return "unknown_handle";
    case Reason::kStaleHandle:
      return "stale_handle";
    case Reason::kWrongHandleKind:
      return "wrong_handle_kind";
    case Reason::kForeignHandle:
      return "foreign_handle";
    case Reason::kBadArgument:
      return "bad_argument";
    case Reason::kWrongCallerRole:
      return "wrong_caller_role";
    case Reason::kIrqlTooHigh:
      return "irql_too_high";
    case Reason::kIrqlTooLow:
      return "irql_too_low";
    case Reason::kOutsideCallback:
      return "outside_callback";
    case Reason::kWrongNdisVersion:
      return "wrong_ndis_version";
    case Reason::kWanVersionScope:
      return "wan_version_scope";
    case Reason::kIndicationContext:
      return "indication_context";
    case Reason::kBadCharacteristics:
      return "bad_characteristics";
    case Reason::kBadVersion:
      return "bad_version";
    case Reason::kMissingHandler:
      return "missing_handler";
    case Reason::kAlreadyRegistered:
      return "already_registered";
    case Reason::kSharedHandler:
      return "shared_handler";
    case Reason::kInconsistentCharacteristics:
      return "inconsistent_characteristics";
    case Reason::kNotRegistered:
      return "not_registered";
    case Reason::kClosing:
      return "closing";
    case Reason::kWrongState:
      return "wrong_state";
    case Reason::kAlreadyClosed:
      return "already_closed";
    case Reason::kHasChildren:
      return "has_children";
    case Reason::kInjectedAllocationFailure:
      return "injected_allocation_failure";
    case Reason::kNotPending:
      return "not_pending";
    case Reason::kDidNotPend:
      return "did_not_pend";
    case Reason::kPendingStatus:
      return "pending_status";
    case Reason::kCompletedTwice:
      return "completed_twice";
    case Reason::kWrongCompletion:
      return "wrong_completion";
    case Reason::kCannotPend:
      return "cannot_pend";
    case Reason::kCannotFail:
      return "cannot_fail";
    case Reason::kBadResultStatus:
      return "bad_result_status";
    case Reason::kLeftOpen:
      return "left_open";
    case Reason::kDropped:
      return "dropped";
    case Reason::kMissingAttributes:
      return "missing_attributes";
    case Reason::kNotAllocated:
      return "not_allocated";
    case Reason::kLockHeld:
      return "lock_held";
    case Reason::kLockNotHeld:
      return "lock_not_held";
    case Reason::kAlreadyQueued:
      return "already_queued";
    case Reason::kWaitWouldHang:
      return "wait_would_hang";
    case Reason::kWaitTimedOut:
      return "wait_timed_out";
    case Reason::kSpuriousInterrupt:
      return "spurious_interrupt";
    case Reason::kAdapterNotCoNdis:
      return "adapter_not_condis";
  }
  return "?";
}

std::string_view NameOf(Unrecorded u) {
  switch (u) {
    case Unrecorded::kNone:
      return "";
    case Unrecorded::kNdisInitializeEvent:
      return "NdisInitializeEvent";
    case Unrecorded::kNdisSetEvent:
      return "NdisSetEvent";
    case Unrecorded::kNdisResetEvent:
      return "NdisResetEvent";
    case Unrecorded::kNdisWaitEvent:
      return "NdisWaitEvent";
    case Unrecorded::kNdisAllocateMemoryWithTagPriority:
      return "NdisAllocateMemoryWithTagPriority";
    case Unrecorded::kNdisFreeMemoryWithTagPriority:
      return "NdisFreeMemoryWithTagPriority";
    case Unrecorded::kAddAdapter:
      return "AddAdapter";
    case Unrecorded::kBindProtocol:
      return "BindProtocol";
    case Unrecorded::kRaiseInterrupt:
      return "RaiseInterrupt";
  }
  return "?";
}

std::string_view Rejection::function() const {
  return unrecorded != Unrecorded::kNone ? NameOf(unrecorded) : NameOf(fn);
}

std::string ToString(const Outcome& o) {
  char status_text[16];
  std::snprintf(status_text, sizeof(status_text), "0x%08x", static_cast<unsigned>(o.status));
  std::string s(o.unrecorded != Unrecorded::kNone ? NameOf(o.unrecorded) : NameOf(o.fn));
  s += " ";
  s += status_text;
  if (o.rule) {
    s += " [";
    s += spec::ToString(*o.rule);
    s += "]";
  }
  s += " ";
  s += ToString(o.reason);
  if (!o.param.empty()) {
    s += " (";
    s += o.param;
    s += ")";
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const Outcome& o) { return os << ToString(o); }
std::ostream& operator<<(std::ostream& os, Reason r) { return os << ToString(r); }

std::string Rejection::ToString() const {
  std::string s = ndis::ToString(outcome());
  if (!detail.empty()) s += ": " + detail;
  return s;
}

}  // namespace ndisconf::ndis
