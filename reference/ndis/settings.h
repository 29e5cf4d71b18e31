// reference/ndis/settings.h: every behaviour of the NDIS model that the spec
// leaves open (OQ-xx) or marks DERIVED, as a documented setting. Defaults
// are the spec's recommended defaults (spec section 6); a test that depends
// on a non-default value sets it explicitly and says why.
#ifndef NDISCONF_REFERENCE_NDIS_SETTINGS_H_
#define NDISCONF_REFERENCE_NDIS_SETTINGS_H_

#include <cstdint>

#include "spec/open_questions.h"

namespace ndisconf::ndis {

// The open questions the monitor shares (OQ-02 ... OQ-13, and NDIS's
// reaction to WAN-002/003/004) are the fields of spec::OpenQuestionPolicy,
// one definition for model and monitor; monitor::Profile(settings) is the
// monitor profile matching these settings. The rest below are the model's own.
struct Settings : spec::OpenQuestionPolicy {
  // AF-037: a completion made above PASSIVE_LEVEL (e.g. from a DPC, or with
  // a spin lock held) is deferred to PASSIVE through the scheduler. When the
  // completion arrives at PASSIVE, the scheduler's RunInline decides.
  // Setting this false delivers at the caller's IRQL (a seeded deviation).
  bool defer_dispatch_completions = true;

  // AF-126: NdisUnbindAdapter queues a work item that calls
  // ProtocolUnbindAdapterEx (default). true runs it before
  // NdisUnbindAdapter returns.
  bool unbind_synchronously = false;

  // Halt order for an adapter with protocols bound (S6). Default: call
  // MiniportHaltEx first (an MCM notify-closes its open AFs from there,
  // AF-062), then unbind the protocols still bound. false: unbind every
  // protocol first, then halt.
  bool halt_before_unbind = true;

  // Fault injection (AF-005, AF-006): the n-th allocation NDIS makes for
  // its own tracking state fails with NDIS_STATUS_RESOURCES (1-based;
  // 0 = never). Counts allocations of AF registrations, AF opens, SAPs, VCs,
  // bindings and work items.
  uint64_t fail_allocation_at = 0;

  // Fault injection for drivers: the n-th NdisAllocateMemoryWithTagPriority
  // call returns NULL (1-based; 0 = never). Independent of
  // fail_allocation_at, which only counts NDIS's own tracking state.
  uint64_t fail_driver_allocation_at = 0;

  // DERIVED: functions the spec annotates PASSIVE_LEVEL only (driver
  // registration, NdisOpenAdapterEx, Ndis(M)CmRegisterAddressFamilyEx,
  // NdisClOpenAddressFamilyEx, Ndis(M)CmNotifyCloseAddressFamily) called
  // above PASSIVE_LEVEL fail with NDIS_STATUS_FAILURE and are recorded as a
  // Rejection (default true). false lets them run at the caller's IRQL.
  bool enforce_passive_irql = true;

  // Seed of the handle scrambler: handles are opaque, distinct per object
  // kind, and not guessable from one another (AF-042, AF-140), yet
  // deterministic for a given seed.
  uint64_t handle_seed = 0x6e646973636f6e66ull;  // "ndisconf"
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_REFERENCE_NDIS_SETTINGS_H_
