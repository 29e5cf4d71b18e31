// spec/open_questions.h: one definition of every NDIS behaviour the
// spec leaves open (an open question, OQ-xx, or a DERIVED reaction) that
// both the reference NDIS and the rule monitor depend on.
//
// The model's ndis::Settings and the monitor's monitor::Profile both derive
// from OpenQuestionPolicy, so the same field means the same thing on both
// sides: a test that sets a policy on the model hands the monitor the
// matching profile (monitor::Profile(settings)). Each field's default is the
// spec's recommended answer (spec section 6); the model implements every
// value, and the monitor's checks read the fields marked "monitor".
#ifndef NDISCONF_SPEC_OPEN_QUESTIONS_H_
#define NDISCONF_SPEC_OPEN_QUESTIONS_H_

#include <cstdint>

namespace ndisconf::spec {

struct OpenQuestionPolicy {
  // OQ-02 / OQ-38 / AF-008: an MCM registering an AF type that a CM holds
  // on the same adapter. Model only.
  enum class McmPreempt : uint8_t {
    // Default (policy A): the MCM's registration succeeds; the CM's
    // registration is withdrawn for new opens, existing opens stay. A CM
    // registering a type an MCM holds gets NDIS_STATUS_FAILURE (AF-004).
    kMcmWins,
    // Policy B: the MCM's registration fails with NDIS_STATUS_FAILURE.
    kFirstWins,
  };
  McmPreempt mcm_preempt = McmPreempt::kMcmWins;

  // OQ-03 / AF-020: when ProtocolCoAfRegisterNotify is delivered. Model and
  // monitor. false (default): after the registering CM's
  // ProtocolBindAdapterEx (or the MCM's MiniportInitializeEx) returns, as
  // scheduler work items; the monitor flags a notification made while the
  // registrant is still inside that callback. true: from inside the
  // register call itself, and the monitor accepts it.
  bool notify_during_register = false;

  // OQ-04: whether the registering CM's own binding is notified. Default
  // false; a CM that is also a client is notified on its other bindings.
  // Model only.
  bool notify_registering_binding = false;

  // OQ-06 / AF-057: NdisClCloseAddressFamily while the AF still has the
  // client's SAPs or VCs. Model and monitor.
  enum class CloseWithChildren : uint8_t {
    kCmDecides,   // default: NDIS forwards to ProtocolCmCloseAf; the CM decides
    kNdisChecks,  // NDIS fails the close with NDIS_STATUS_FAILURE, without the CM
  };
  CloseWithChildren close_with_children = CloseWithChildren::kCmDecides;

  // OQ-07: after a failed close (NOT_ACCEPTED / FAILURE) the AF stays OPEN
  // and a retry with the same handle is accepted (default true). false: the
  // handle is invalid once NdisClCloseAddressFamily was called; the model
  // refuses the retry and the monitor flags it as a use after close
  // (AF-056). Model and monitor.
  bool accept_close_retry = true;

  // OQ-10 / AF-059: a close that the CM completes while the client is still
  // inside ProtocolClNotifyCloseAf is delivered (ProtocolClCloseAfComplete)
  // only after ProtocolClNotifyCloseAf returns (default true). Model only.
  bool hold_close_complete_until_notify_returns = true;

  // OQ-11 / AF-136: NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS whose
  // Header.Size is the WDK7 size macro (136 on x64), which stops before
  // CmNotifyCloseAfCompleteHandler. true (default): accepted, the handler
  // is treated as absent. false (strict): the model fails such a CM's
  // notify-close that the client pends with NDIS_STATUS_FAILURE, and the
  // monitor requires Size 144 at registration. Model and monitor.
  bool accept_cm_handler_size_136 = true;

  // OQ-12: first argument NDIS passes to an MCM's ProtocolCoCreateVc /
  // ProtocolCoDeleteVc. false (default): CallMgrAfContext (the callback
  // contract); true: the NdisAfHandle. Model and monitor.
  bool mcm_create_vc_gets_af_handle = false;

  // OQ-13 / AF-103: order of the miniport's and the peer's callbacks inside
  // NdisCoCreateVc. Model and monitor.
  enum class VcCallbackOrder : uint8_t {
    // No order chosen: the monitor accepts either. The model, which must
    // pick one, calls the miniport first (as kMiniportFirst). The monitor's
    // default for a recorded trace, which does not say what its NDIS chose.
    kEither,
    // Default: MiniportCoCreateVc first, then the peer's ProtocolCoCreateVc;
    // if the peer fails, NDIS calls MiniportCoDeleteVc and returns the
    // peer's status.
    kMiniportFirst,
    kPeerFirst,  // the peer's ProtocolCoCreateVc first
  };
  VcCallbackOrder create_vc_order = VcCallbackOrder::kMiniportFirst;

  // WAN-002 / WAN-003 / WAN-004 (driver obligations; NDIS's reaction is
  // unspecified, DERIVED): NdisMIndicateStatus(Complete) and
  // NdisMWanIndicateReceive from MiniportISR or MiniportHalt, with a spin
  // lock held, or at an IRQL the miniport's serialization forbids (OQ-27).
  // The model always records a Rejection naming the rule. true (default):
  // NDIS refuses the call (nothing forwarded to the protocols), and the
  // monitor takes an indication that reached no open binding as refused,
  // not lost (no WAN-001 break, no status bracket, WAN-010). false: NDIS
  // forwards it anyway, as NDIS itself does not check. Model and monitor.
  // Either way the monitor changes a link's or call's state for an
  // indication only once it reached a binding (or, with none known to be
  // open, NDIS did not refuse it): a refused line-down leaves its link up
  // for NDISWAN's sends (WAN-033).
  bool wan_context_violations_refused = true;

  // OQ-19 / WAN-095: which NDIS versions may use the NDIS WAN path
  // (ndis5.h: NdisMRegisterMiniport, NdisMIndicateStatus with
  // NDIS_STATUS_WAN_LINE_UP / LINE_DOWN / FRAGMENT / TAPI_INDICATION,
  // NdisRequest, NdisWanSend, ...). Microsoft's pages disagree (spec 6,
  // OQ-19). Model and monitor.
  enum class WanVersionScope : uint8_t {
    // Default: NDIS 5.1 as on Windows XP. NDIS 5.x WAN miniports
    // (NDIS_USE_WAN_WRAPPER) use the NDIS WAN status codes, alongside the
    // NDIS 6 functions.
    kNdis51Legacy,
    // The status-code pages' reading: the NDIS WAN status codes are for
    // NDIS 4.x and earlier miniports; NDIS 5.x ones must use CoNDIS WAN.
    // The model refuses such an indication from a 5.x miniport (a Rejection
    // naming WAN-095; nothing forwarded) and the monitor flags it once per
    // adapter (WAN-095, "wan-version-scope").
    kNdis4Only,
    // NDIS 6 only: no ndis5.h function exists (NDIS 6 miniports cannot use
    // NdisMIndicateStatus, DDI:nf-ndis-ndismindicatestatus). The model
    // refuses every one with a Rejection naming OQ-19 (registration gets
    // NDIS_STATUS_BAD_VERSION, other status-returning functions
    // NDIS_STATUS_NOT_SUPPORTED, VOID ones do nothing); the monitor flags
    // each NdisMRegisterMiniport (WAN-095, "wan-version-scope").
    kNdis6Only,
  };
  WanVersionScope wan_version_scope = WanVersionScope::kNdis51Legacy;

  friend bool operator==(const OpenQuestionPolicy&, const OpenQuestionPolicy&) = default;
};

}  // namespace ndisconf::spec

#endif  // NDISCONF_SPEC_OPEN_QUESTIONS_H_
