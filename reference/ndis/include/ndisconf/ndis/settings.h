// ndisconf/ndis/settings.h: every behaviour of the NDIS model that the spec
// leaves open (OQ-xx) or marks DERIVED, as a documented setting. Defaults
// are the spec's recommended defaults (spec section 6); a test that depends
// on a non-default value sets it explicitly and says why.
#ifndef NDISCONF_NDIS_SETTINGS_H_
#define NDISCONF_NDIS_SETTINGS_H_

#include <cstdint>

namespace ndisconf::ndis {

struct Settings {
  // OQ-02 / OQ-38 / AF-008: an MCM registering an AF type that a CM holds
  // on the same adapter.
  enum class McmPreempt : uint8_t {
    // Default (policy A): the MCM's registration succeeds; the CM's
    // registration is withdrawn for new opens, existing opens stay. A CM
    // registering a type an MCM holds gets NDIS_STATUS_FAILURE (AF-004).
    kMcmWins,
    // Policy B: the MCM's registration fails with NDIS_STATUS_FAILURE.
    kFirstWins,
  };
  McmPreempt mcm_preempt = McmPreempt::kMcmWins;

  // OQ-03 / AF-020: when ProtocolCoAfRegisterNotify is delivered.
  // false (default): after the registering CM's ProtocolBindAdapterEx (or the
  // MCM's MiniportInitializeEx) returns, as scheduler work items.
  // true: from inside the register call itself.
  bool notify_during_register = false;

  // OQ-04: whether the registering CM's own binding is notified. Default
  // false; a CM that is also a client is notified on its other bindings.
  bool notify_registering_binding = false;

  // OQ-06 / AF-057: NdisClCloseAddressFamily while the AF still has the
  // client's SAPs or VCs.
  enum class CloseWithChildren : uint8_t {
    kCmDecides,   // default: forward to ProtocolCmCloseAf; the CM decides
    kNdisChecks,  // NDIS fails the close with NDIS_STATUS_FAILURE itself
  };
  CloseWithChildren close_with_children = CloseWithChildren::kCmDecides;

  // OQ-07: after a failed close (NOT_ACCEPTED / FAILURE) the AF stays OPEN
  // and a retry with the same handle is accepted (default true). false
  // treats the handle as invalid once NdisClCloseAddressFamily was called.
  bool accept_close_retry = true;

  // OQ-11: accept an NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS whose
  // Header.Size is the WDK7 size macro (136 on x64), which stops before
  // CmNotifyCloseAfCompleteHandler. strict = true: such a CM's notify-close
  // that the client pends fails with NDIS_STATUS_FAILURE.
  bool strict_cm_handler_size = false;

  // OQ-12: first argument NDIS passes to an MCM's ProtocolCoCreateVc /
  // ProtocolCoDeleteVc. Default: CallMgrAfContext (the callback contract).
  bool mcm_create_vc_gets_af_handle = false;

  // OQ-13: order of the miniport's and the peer's create-VC callbacks.
  // Default: MiniportCoCreateVc first, then the peer's ProtocolCoCreateVc;
  // if the peer fails, NDIS calls MiniportCoDeleteVc and returns the
  // peer's status.
  bool create_vc_peer_first = false;

  // AF-037: a completion made above PASSIVE_LEVEL (e.g. from a DPC, or with
  // a spin lock held) is deferred to PASSIVE through the scheduler. When the
  // completion arrives at PASSIVE, the scheduler's RunInline decides.
  // Setting this false delivers at the caller's IRQL (a seeded deviation).
  bool defer_dispatch_completions = true;

  // AF-126: NdisUnbindAdapter queues a work item that calls
  // ProtocolUnbindAdapterEx (default). true runs it before
  // NdisUnbindAdapter returns.
  bool unbind_synchronously = false;

  // AF-059 / OQ-10: a close that the CM completes while the client is still
  // inside ProtocolClNotifyCloseAf is delivered (ProtocolClCloseAfComplete)
  // only after ProtocolClNotifyCloseAf returns (default true).
  bool hold_close_complete_until_notify_returns = true;

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

  // OQ-19: which NDIS the model is for the NDIS 5.1 legacy WAN path
  // (ndis5.h: NdisMRegisterMiniport, NdisMIndicateStatus, NdisRequest,
  // NdisWanSend, ...).
  enum class WanProfile : uint8_t {
    // Default: NDIS 5.1 as on Windows XP, where the NDIS WAN model
    // (NDIS_USE_WAN_WRAPPER miniports, NdisMIndicateStatus with
    // NDIS_STATUS_WAN_LINE_UP/DOWN/FRAGMENT and NDIS_STATUS_TAPI_INDICATION)
    // is available alongside the NDIS 6 functions.
    kNdis51Legacy,
    // NDIS 6 only: every ndis5.h function is refused (NDIS 6 miniports
    // cannot use NdisMIndicateStatus, DDI:nf-ndis-ndismindicatestatus) with a
    // Rejection naming OQ-19; registration gets NDIS_STATUS_BAD_VERSION, the
    // other status-returning functions NDIS_STATUS_NOT_SUPPORTED, and VOID
    // ones do nothing. An indication not valid for the declared version is
    // thus reported, never silently accepted.
    kNdis6,
  };
  WanProfile wan_profile = WanProfile::kNdis51Legacy;

  // WAN-002 / WAN-003 / WAN-004 (driver obligations; NDIS's reaction is
  // unspecified): NdisMIndicateStatus(Complete) and NdisMWanIndicateReceive
  // from MiniportISR or MiniportHalt, with an NDIS spin lock held, or at an
  // IRQL the miniport's serialization forbids (OQ-27). Always recorded as a
  // Rejection naming the rule. true (default, DERIVED): the call is also
  // refused (nothing forwarded to the protocols). false: forwarded anyway, as
  // NDIS itself does not check.
  bool refuse_wan_context_violations = true;

  // Seed of the handle scrambler: handles are opaque, distinct per object
  // kind, and not guessable from one another (AF-042, AF-140), yet
  // deterministic for a given seed.
  uint64_t handle_seed = 0x6e646973636f6e66ull;  // "ndisconf"
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_NDIS_SETTINGS_H_
