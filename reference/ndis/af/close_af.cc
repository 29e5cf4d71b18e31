// Rule family "close_af" of the reference NDIS model (spec 2.5 C1-C6;
// AF-050..AF-060): client-initiated close through NdisClCloseAddressFamily,
// the call manager's ProtocolCmCloseAf and NdisCmCloseAddressFamilyComplete,
// and the delivery of ProtocolClCloseAfComplete.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

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

}  // namespace ndisconf::ndis
