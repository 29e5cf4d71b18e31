// Address families in the reference NDIS model: registration (spec 2.3,
// AF-001..AF-010), open (2.4 O1-O7, AF-030..AF-044), client-initiated close
// (C1-C6, AF-050..AF-060) and call-manager-initiated notify-close (N1-N7,
// AF-061..AF-070, OQ-08..OQ-11).
#include "model_impl.h"

namespace ndisconf::ndis {
namespace {

const char* AfStateName(AfOpen::State s) {
  switch (s) {
    case AfOpen::State::kOpening:
      return "OPENING";
    case AfOpen::State::kOpen:
      return "OPEN";
    case AfOpen::State::kClosing:
      return "CLOSING";
    case AfOpen::State::kClosed:
      return "CLOSED";
    case AfOpen::State::kFailed:
      return "FAILED";
  }
  return "?";
}

}  // namespace

// ---- Registration. PASSIVE_LEVEL. ----

NDIS_STATUS Model::NdisCmRegisterAddressFamilyEx(NDIS_HANDLE binding, PCO_ADDRESS_FAMILY af) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmRegisterAddressFamilyEx;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Binding* b = m.Resolve(m.bindings, binding, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why.Cite(RuleId::kAF001));
  // AF-001: only the binding's own protocol may register on it.
  if (b->protocol->actor != Boundary::Get().CurrentActor()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kForeignHandle,
                        "AF-001: the NdisBindingHandle belongs to another driver", RuleId::kAF001});
  }
  // R2 / AF-005: the three FAILURE causes.
  if (!b->protocol->IsCm()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongCallerRole,
              "AF-005: the caller did not register as a CoNDIS call manager", RuleId::kAF005});
  }
  if (b->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-005: the caller's binding is being closed", RuleId::kAF005});
  }
  Adapter* a = b->adapter;
  if (!a->miniport->IsCoMiniport()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kAdapterNotCoNdis, "AF-005: the underlying miniport is not CoNDIS",
                        RuleId::kAF005});
  }
  // R4 / AF-004 and OQ-02 policy A: one CMx per AF type per adapter; the
  // PROXY bit is part of the type value.
  for (Registration* r : a->registrations) {
    if (r->Active() && r->af.AddressFamily == af->AddressFamily) {
      return m.Fail(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kAlreadyRegistered,
                          "AF-004: AF " + Hex(af->AddressFamily) +
                              " is already registered on this adapter by " +
                              (r->IsMcm() ? "its MCM" : "a call manager"),
                          RuleId::kAF004});
    }
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-005: injected allocation failure",
                        RuleId::kAF005});
  m.all_registrations.push_back(std::make_unique<Registration>());
  Registration* r = m.all_registrations.back().get();
  r->id = m.next_registration_id++;
  r->adapter = a;
  r->af = *af;
  r->cm = b->protocol;
  r->cm_binding = b;
  a->registrations.push_back(r);
  // B3/B4, AF-020, OQ-03: clients hear of it once the CM's bind returns
  // (now, if the binding is already bound).
  if (b->state == Binding::State::kBound || m.settings.notify_during_register) m.Announce(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE adapter, PCO_ADDRESS_FAMILY af) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmRegisterAddressFamilyEx;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Adapter* a = m.Resolve(m.adapters, adapter, "MiniportAdapterHandle", &why);
  if (a == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  // AF-006: only the adapter's own miniport may register on it.
  if (a->miniport->actor != Boundary::Get().CurrentActor()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kForeignHandle, "AF-006: the MiniportAdapterHandle belongs to another driver",
              RuleId::kAF006});
  }
  if (!a->miniport->IsCoMiniport()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "AF-006: the caller is not a CoNDIS miniport",
                        RuleId::kAF006});
  }
  if (!a->miniport->IsMcm()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole,
                        "AF-006: the caller registered no call-manager handlers (not an MCM)",
                        RuleId::kAF006});
  }
  if (a->state != Adapter::State::kInitializing && a->state != Adapter::State::kRunning) {
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kClosing, "the adapter is halting"});
  }
  std::vector<Registration*> displaced;
  for (Registration* r : a->registrations) {
    if (!r->Active() || r->af.AddressFamily != af->AddressFamily) continue;
    if (r->IsMcm()) {
      return m.Fail(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kAlreadyRegistered,
                          "AF-006 / R6: duplicate registration of AF " + Hex(af->AddressFamily),
                          RuleId::kAF006});
    }
    if (m.settings.mcm_preempt == Settings::McmPreempt::kFirstWins) {
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kAlreadyRegistered,
                "OQ-02 policy B: a call manager already registered AF " + Hex(af->AddressFamily)});
    }
    displaced.push_back(r);
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-006: injected allocation failure",
                        RuleId::kAF006});
  // R7 / AF-008, OQ-02 policy A: the CM's registration is withdrawn for new
  // opens; its existing open AF instances stay.
  for (Registration* r : displaced) r->displaced = true;
  m.all_registrations.push_back(std::make_unique<Registration>());
  Registration* r = m.all_registrations.back().get();
  r->id = m.next_registration_id++;
  r->adapter = a;
  r->af = *af;
  r->cm = a->miniport;
  a->registrations.push_back(r);
  // R5 / AF-020: announced once MiniportInitializeEx returns (now, if the
  // adapter is already running).
  if (a->state == Adapter::State::kRunning || m.settings.notify_during_register) m.Announce(r);
  return NDIS_STATUS_SUCCESS;
}

// ---- Open (O1-O7). ----

NDIS_STATUS Model::NdisClOpenAddressFamilyEx(NDIS_HANDLE binding, PCO_ADDRESS_FAMILY af,
                                             NDIS_HANDLE client_ctx, PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClOpenAddressFamilyEx;
  if (out == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisAfHandle"));
  *out = nullptr;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Binding* b = m.Resolve(m.bindings, binding, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (!b->protocol->IsCoClient()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongCallerRole, "the caller did not register as a CoNDIS client"});
  }
  // O1f / AF-032: FAILURE causes; ProtocolCmOpenAf is not called (DERIVED).
  if (b->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-032: the client's binding is closing", RuleId::kAF032});
  }
  Registration* reg = nullptr;
  for (Registration* r : b->adapter->registrations) {
    if (r->Active() && r->af.AddressFamily == af->AddressFamily) reg = r;
  }
  if (reg == nullptr) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kNotRegistered,
                        "AF-032: no call manager registered AF " + Hex(af->AddressFamily) +
                            " on the client's adapter",
                        RuleId::kAF032});
  }
  if (reg->cm_binding != nullptr && reg->cm_binding->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-032: the call manager is closing its binding", RuleId::kAF032});
  }
  if (reg->IsMcm() && reg->adapter->state != Adapter::State::kRunning) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kClosing, "AF-032: the MCM's adapter is halting", RuleId::kAF032});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-032: injected allocation failure",
                        RuleId::kAF032});
  m.all_afs.push_back(std::make_unique<AfOpen>());
  AfOpen* o = m.all_afs.back().get();
  o->reg = reg;
  o->client = b->protocol;
  o->client_binding = b;
  o->cm = reg->cm;
  // AF-031: an MCM's CallMgrBindingContext is its MiniportAdapterContext.
  o->cm_binding_context = reg->IsMcm() ? reg->adapter->context : reg->cm_binding->context;
  o->client_ctx = client_ctx;
  o->handle = m.afs.Insert(o);  // AF-031 / AF-140: unique per instance
  b->afs.push_back(o);

  o->in_open_call = true;
  NDIS_HANDLE cm_ctx = nullptr;
  const NDIS_STATUS s =
      o->cm->cm.CmOpenAfHandler(o->cm_binding_context, af, o->handle.ndis(), &cm_ctx);
  o->in_open_call = false;

  if (s == NDIS_STATUS_PENDING) {  // O3 / AF-033
    if (o->early_open_complete) {
      const auto [st, ctx] = *o->early_open_complete;
      o->early_open_complete.reset();
      m.CompleteOpen(o, st, ctx);
    }
    return NDIS_STATUS_PENDING;
  }
  if (o->early_open_complete) {
    o->early_open_complete.reset();
    m.Reject(
        Fn::NdisCmOpenAddressFamilyComplete, NDIS_STATUS_FAILURE,
        Cause{
            Reason::kDidNotPend,
            "AF-034: completion of an open whose ProtocolCmOpenAf did not return PENDING (ignored)",
            RuleId::kAF034});
  }
  if (s == NDIS_STATUS_SUCCESS) {  // O2 / AF-039: no NDIS-called completion
    o->state = AfOpen::State::kOpen;
    o->cm_ctx = cm_ctx;
    *out = o->handle.ndis();
    return NDIS_STATUS_SUCCESS;
  }
  // O4: the CM's error is returned; the handle is invalid.
  o->state = AfOpen::State::kFailed;
  m.afs.Release(o->handle);
  return s;
}

void Model::Impl::CompleteOpen(AfOpen* o, NDIS_STATUS status, NDIS_HANDLE cm_ctx) {
  if (status == NDIS_STATUS_SUCCESS) {  // O5 / AF-035
    o->state = AfOpen::State::kOpen;
    o->cm_ctx = cm_ctx;
  } else {  // O6 / AF-036 / AF-038: cleaned up before the client hears of it
    o->state = AfOpen::State::kFailed;
    afs.Release(o->handle);
  }
  DeliverOpenComplete(o, status);
}

void Model::Impl::DeliverOpenComplete(AfOpen* o, NDIS_STATUS status) {
  // AF-037: NdisAfHandle is NULL unless SUCCESS; delivered at PASSIVE_LEVEL.
  Driver* cl = o->client;
  NDIS_HANDLE ctx = o->client_ctx;
  NDIS_HANDLE handle = status == NDIS_STATUS_SUCCESS ? o->handle.ndis() : nullptr;
  DeliverAtPassive(
      WorkKind::kDeferredCompletion,
      "ProtocolClOpenAfCompleteEx(" + Hex(ctx) + ", " + Hex(handle) + ", " +
          spec::FormatStatus(status) + ")",
      [cl, ctx, handle, status] { cl->cl.ClOpenAfCompleteHandlerEx(ctx, handle, status); });
}

VOID Model::NdisCmOpenAddressFamilyComplete(NDIS_STATUS status, NDIS_HANDLE handle,
                                            NDIS_HANDLE cm_ctx) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmOpenAddressFamilyComplete;
  Cause why;
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (o->state != AfOpen::State::kOpening) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending,
                          std::string("AF-034: no open is pending on this AF (state ") +
                              AfStateName(o->state) + ")",
                          RuleId::kAF034});
  }
  if (status == NDIS_STATUS_PENDING) {  // O7
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kPendingStatus,
              "O7 / AF-034: Status NDIS_STATUS_PENDING (ignored; the open stays pending)",
              RuleId::kAF034});
  }
  if (o->in_open_call) {
    if (o->early_open_complete)
      return m.Reject(fn, NDIS_STATUS_FAILURE,
                      Cause{Reason::kCompletedTwice, "AF-034: completed twice", RuleId::kAF034});
    o->early_open_complete = std::make_pair(status, cm_ctx);
    return;
  }
  m.CompleteOpen(o, status, cm_ctx);
}

// ---- Client-initiated close (C1-C6). <= DISPATCH_LEVEL. ----

NDIS_STATUS Model::NdisClCloseAddressFamily(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClCloseAddressFamily;
  Cause why;
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  switch (o->state) {
    case AfOpen::State::kOpening:
      return m.Fail(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kWrongState, "the open of this AF is still pending"});
    case AfOpen::State::kClosing:  // C6 / AF-057
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kClosing, "C6 / AF-057: the AF is already closing", RuleId::kAF057});
    case AfOpen::State::kClosed:  // a tombstone (OQ-08)
    case AfOpen::State::kFailed:
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kAlreadyClosed, "AF-056: the AF is already closed", RuleId::kAF056});
    case AfOpen::State::kOpen:
      break;
  }
  if (!m.settings.accept_close_retry && o->close_failed_once) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kStaleHandle,
              "OQ-07 (strict): the handle became invalid at the first NdisClCloseAddressFamily"});
  }
  if (m.settings.close_with_children == Settings::CloseWithChildren::kNdisChecks) {
    // C1a / OQ-06 ndis-checks: returned synchronously, so no completion.
    size_t saps = 0, vcs = 0;
    for (const Sap* s : o->saps) {
      if (s->state != Sap::State::kDeregistered && s->state != Sap::State::kFailed) ++saps;
    }
    for (const Vc* v : o->vcs) vcs += v->deleted ? 0 : 1;
    if (saps + vcs > 0) {
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kHasChildren,
                "C1a / AF-057 (OQ-06 ndis-checks): the AF still has " + std::to_string(saps) +
                    " SAP(s) and " + std::to_string(vcs) + " VC(s)",
                RuleId::kAF057});
    }
  }
  // C1 / AF-051.
  o->state = AfOpen::State::kClosing;
  o->in_close_call = true;
  const NDIS_STATUS s = o->cm->cm.CmCloseAfHandler(o->cm_ctx);
  o->in_close_call = false;

  if (s == NDIS_STATUS_PENDING) {  // C3
    if (o->early_close_complete) {
      const NDIS_STATUS st = *o->early_close_complete;
      o->early_close_complete.reset();
      m.CompleteClose(o, st);
    }
    // S13 / AF-091 vs AF-052: SAPs the client left registered are released
    // at the CM by NDIS, so a close the CM pends until they are gone ends.
    if (o->state == AfOpen::State::kClosing) m.DeregisterSapsOfClosingAf(o);
    return NDIS_STATUS_PENDING;
  }
  if (o->early_close_complete) {
    o->early_close_complete.reset();
    m.Reject(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
             Cause{Reason::kDidNotPend,
                   "AF-053: completion of a close whose ProtocolCmCloseAf did not return PENDING "
                   "(ignored)",
                   RuleId::kAF053});
  }
  if (s == NDIS_STATUS_SUCCESS) {  // C2 / AF-060: the client completes itself
    o->state = AfOpen::State::kClosed;
    m.OnAfClosed(o);
    m.ReleaseAfIfDone(o);
    return NDIS_STATUS_SUCCESS;
  }
  // C4 / OQ-07: NOT_ACCEPTED (or another error) propagates; the AF stays open.
  o->state = AfOpen::State::kOpen;
  o->close_failed_once = true;
  return s;
}

void Model::Impl::OnAfClosed(AfOpen* o) {
  // S13 / AF-091 (DERIVED): SAPs still registered when the AF closes were
  // released with it; a later NdisClDeregisterSap reports FAILURE.
  for (Sap* s : o->saps) {
    if (s->state == Sap::State::kRegistered || s->state == Sap::State::kRegistering) {
      s->released_with_af = true;
    }
  }
}

void Model::Impl::CompleteClose(AfOpen* o, NDIS_STATUS status) {
  if (status != NDIS_STATUS_SUCCESS) {
    // AF-053 is violated (the caller was told); the close fails and the AF
    // stays open, as for a synchronous failure (OQ-07).
    o->state = AfOpen::State::kOpen;
    o->close_failed_once = true;
    DeliverCloseComplete(o, status);
    FinishNotifyIfReady(o);
    return;
  }
  // C5 / AF-055: from here the handle is invalid for the CM.
  o->state = AfOpen::State::kClosed;
  OnAfClosed(o);
  DeliverCloseComplete(o, NDIS_STATUS_SUCCESS);  // AF-054
  FinishNotifyIfReady(o);                        // OQ-10
  ReleaseAfIfDone(o);
}

void Model::Impl::DeliverCloseComplete(AfOpen* o, NDIS_STATUS status) {
  // AF-059: while the client is inside ProtocolClNotifyCloseAf the close
  // completion waits until it returns.
  if (o->in_notify_call && settings.hold_close_complete_until_notify_returns) {
    o->held_close_complete = status;
    return;
  }
  o->client->cl.ClCloseAfCompleteHandler(status, o->client_ctx);
}

VOID Model::NdisCmCloseAddressFamilyComplete(NDIS_STATUS status, NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmCloseAddressFamilyComplete;
  Cause why;
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (o->state != AfOpen::State::kClosing) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending,
                          std::string("AF-053: no close is pending on this AF (state ") +
                              AfStateName(o->state) + ")",
                          RuleId::kAF053});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (status != NDIS_STATUS_SUCCESS) {
    m.Reject(
        fn, status,
        Cause{Reason::kBadResultStatus,
              "AF-053: Status must be NDIS_STATUS_SUCCESS; the close fails and the AF stays open",
              RuleId::kAF053});
  }
  if (o->in_close_call) {
    if (o->early_close_complete)
      return m.Reject(fn, NDIS_STATUS_FAILURE, Cause{Reason::kCompletedTwice, "completed twice"});
    o->early_close_complete = status;
    return;
  }
  m.CompleteClose(o, status);
}

// ---- Notify-close (N1-N7). ----

NDIS_STATUS Model::Impl::PendingNotifyResult(AfOpen* o) {
  // OQ-11: a CM whose handler structure stopped at the WDK7 size macro has
  // no ProtocolCmNotifyCloseAfComplete; strict mode fails the pending path.
  if (!o->cm->cm_has_notify_complete && !settings.accept_cm_handler_size_136) {
    o->notify_owes_cm_complete = false;
    return Fail(
        Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_FAILURE,
        Cause{Reason::kMissingHandler,
              "OQ-11 (strict): the call manager registered no CmNotifyCloseAfCompleteHandler "
              "(Header.Size " +
                  std::to_string(NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1) +
                  ") and the notify-close pended"});
  }
  return NDIS_STATUS_PENDING;
}

NDIS_STATUS Model::NdisCmNotifyCloseAddressFamily(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmNotifyCloseAddressFamily;
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (o->state == AfOpen::State::kClosed || o->state == AfOpen::State::kFailed) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kAlreadyClosed, "the AF is already closed"});
  }
  if (o->state == AfOpen::State::kOpening) {  // N7 / OQ-09
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "OQ-09: the open of this AF is still pending"});
  }
  if (o->notify_pending) {  // OQ-09: a repeat
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kClosing, "OQ-09: a notify-close is already in progress"});
  }
  o->notify_pending = true;
  o->notify_client_status.reset();
  o->notify_owes_cm_complete = false;
  if (o->state == AfOpen::State::kClosing) {
    // N7 / OQ-09: the client is already closing; NDIS does not ask it again
    // and cannot block, so it answers PENDING and completes the notify
    // (ProtocolCmNotifyCloseAfComplete, SUCCESS) when the close completes.
    o->notify_client_status = NDIS_STATUS_SUCCESS;
    o->notify_owes_cm_complete = true;
    return m.PendingNotifyResult(o);
  }
  // N1 / AF-063.
  o->in_notify_call = true;
  const NDIS_STATUS s = o->client->cl.ClNotifyCloseAfHandler(o->client_ctx);
  o->in_notify_call = false;
  // N4: a pended notify-close owes the CM its completion; known before the
  // held close completion below, which may make the client complete the
  // notify-close at once.
  if (s == NDIS_STATUS_PENDING) o->notify_owes_cm_complete = true;
  o->in_notify_api = true;
  // AF-059: a close completion held during the call is delivered now.
  if (o->held_close_complete) {
    const NDIS_STATUS held = *o->held_close_complete;
    o->held_close_complete.reset();
    m.DeliverCloseComplete(o, held);
  }
  if (s == NDIS_STATUS_PENDING) {  // N4 / AF-065
    const NDIS_STATUS r = m.PendingNotifyResult(o);
    m.FinishNotifyIfReady(o);  // the client may already have completed
    o->in_notify_api = false;
    return r;
  }
  o->in_notify_api = false;
  if (o->notify_client_status) {
    o->notify_client_status.reset();
    m.Reject(
        Fn::NdisClNotifyCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
        Cause{Reason::kDidNotPend,
              "AF-065: completion of a notify-close whose ProtocolClNotifyCloseAf did not return "
              "PENDING (ignored)",
              RuleId::kAF065});
  }
  if (s == NDIS_STATUS_SUCCESS) {
    if (o->state == AfOpen::State::kClosed) {  // N3: no CmNotifyCloseAfComplete (OQ-10)
      o->notify_pending = false;
      m.ReleaseAfIfDone(o);
      return NDIS_STATUS_SUCCESS;
    }
    if (o->state == AfOpen::State::kClosing) {  // OQ-10: SUCCESS only once CLOSED
      o->notify_client_status = NDIS_STATUS_SUCCESS;
      o->notify_owes_cm_complete = true;
      return m.PendingNotifyResult(o);
    }
    // AF-064: the client said it was done but did not close the AF.
    o->notify_pending = false;
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kLeftOpen,
                        "AF-064: ProtocolClNotifyCloseAf returned SUCCESS but the AF is still open",
                        RuleId::kAF064});
  }
  // N6 / AF-068: the client's error, returned as is (DERIVED mapping).
  o->notify_pending = false;
  m.ReleaseAfIfDone(o);
  return s;
}

VOID Model::NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE handle, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClNotifyCloseAddressFamilyComplete;
  Cause why;
  // AF-066 / OQ-08: a closed AF's tombstone still resolves here.
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (!o->notify_pending) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending, "AF-065: no notify-close is pending on this AF",
                          RuleId::kAF065});
  }
  if (o->notify_client_status) {
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kDidNotPend,
              "AF-065: the notify-close was already completed (or did not pend)", RuleId::kAF065});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  o->notify_client_status = status;
  if (o->in_notify_call) return;  // applied when ProtocolClNotifyCloseAf returns
  m.FinishNotifyIfReady(o);
}

void Model::Impl::FinishNotifyIfReady(AfOpen* o) {
  if (!o->notify_pending || o->in_notify_call || !o->notify_client_status) return;
  // OQ-10: the CM hears the outcome only once its own close is complete.
  if (o->state == AfOpen::State::kClosing) return;
  const NDIS_STATUS status = *o->notify_client_status;
  const bool owes = o->notify_owes_cm_complete;
  o->notify_pending = false;
  o->notify_owes_cm_complete = false;
  if (owes && o->in_notify_api) {
    // Still inside Ndis(M)CmNotifyCloseAddressFamily, which has yet to return
    // PENDING: the CM hears the outcome after that (AF-067).
    Queue(WorkKind::kDeferredCompletion,
          "ProtocolCmNotifyCloseAfComplete(" + Hex(o->cm_ctx) + ", " + spec::FormatStatus(status) +
              ")",
          [this, o, status] { CallCmNotifyCloseAfComplete(o, status); });
  } else if (owes) {
    CallCmNotifyCloseAfComplete(o, status);  // N5 / AF-067
  }
  ReleaseAfIfDone(o);
}

void Model::Impl::CallCmNotifyCloseAfComplete(AfOpen* o, NDIS_STATUS status) {
  // OQ-11: absent when the CM's Header.Size stopped before the member.
  if (!o->cm->cm_has_notify_complete) return;
  o->cm->cm.CmNotifyCloseAfCompleteHandler(o->cm_ctx, status);
}

void Model::Impl::ReleaseAfIfDone(AfOpen* o) {
  // OQ-08: a CLOSED AF keeps its handle (a tombstone) while a notify-close
  // is pending, for NdisClNotifyCloseAddressFamilyComplete.
  if (o->state == AfOpen::State::kFailed ||
      (o->state == AfOpen::State::kClosed && !o->notify_pending)) {
    afs.Release(o->handle);
  }
}

}  // namespace ndisconf::ndis
