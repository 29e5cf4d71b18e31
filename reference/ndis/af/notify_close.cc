// Rule family "notify_close" of the reference NDIS model (spec 2.5 N1-N7;
// AF-061..AF-070, OQ-08..OQ-11): call-manager-initiated close through
// NdisCmNotifyCloseAddressFamily, the client's ProtocolClNotifyCloseAf and
// NdisClNotifyCloseAddressFamilyComplete, and the release of the AF once both
// sides are done.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

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
