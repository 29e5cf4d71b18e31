// SAPs in the reference NDIS model: register and deregister (spec 2.5,
// AF-080..AF-093, OQ-16, OQ-17).
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

NDIS_STATUS Model::NdisClRegisterSap(NDIS_HANDLE af_handle, NDIS_HANDLE sap_ctx, PCO_SAP sap,
                                     PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClRegisterSap;
  if (out == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisSapHandle"));
  *out = nullptr;
  if (sap == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Sap"));
  Cause why;
  AfOpen* o = m.Resolve(m.afs, af_handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (o->state != AfOpen::State::kOpen) {  // S1 guard; AF-056 after a close
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "S1: the AF is not open"});
  }
  if (o->notify_pending) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kClosing, "the call manager is closing this AF (notify-close)"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_saps.push_back(std::make_unique<Sap>());
  Sap* s = m.all_saps.back().get();
  s->af = o;
  s->client_ctx = sap_ctx;
  s->sap = sap;                  // the client's buffer, passed through unmodified
  s->handle = m.saps.Insert(s);  // AF-081: NDIS-supplied, unique, opaque
  o->saps.push_back(s);

  s->in_register_call = true;
  NDIS_HANDLE cm_sap_ctx = nullptr;
  const NDIS_STATUS st =
      o->cm->cm.CmRegisterSapHandler(o->cm_ctx, sap, s->handle.ndis(), &cm_sap_ctx);
  s->in_register_call = false;

  if (st == NDIS_STATUS_PENDING) {  // S3 / AF-083
    if (s->early_register_complete) {
      const auto [es, ectx] = *s->early_register_complete;
      s->early_register_complete.reset();
      m.CompleteRegisterSap(s, es, ectx);
    }
    return NDIS_STATUS_PENDING;
  }
  if (s->early_register_complete) {
    s->early_register_complete.reset();
    m.Reject(
        Fn::NdisCmRegisterSapComplete, NDIS_STATUS_FAILURE,
        Cause{Reason::kDidNotPend,
              "AF-083: completion of a registration that did not pend (ignored)", RuleId::kAF083});
  }
  if (st == NDIS_STATUS_SUCCESS) {  // S2 / AF-087: the client completes itself
    s->state = Sap::State::kRegistered;
    s->cm_ctx = cm_sap_ctx;
    *out = s->handle.ndis();
    return NDIS_STATUS_SUCCESS;
  }
  // S4 / AF-082 / AF-085: INVALID_DATA, RESOURCES or another CM status.
  s->state = Sap::State::kFailed;
  m.saps.Release(s->handle);
  return st;
}

void Model::Impl::CompleteRegisterSap(Sap* s, NDIS_STATUS status, NDIS_HANDLE cm_ctx) {
  NDIS_HANDLE handle = nullptr;
  if (status == NDIS_STATUS_SUCCESS) {  // S5
    s->state = Sap::State::kRegistered;
    s->cm_ctx = cm_ctx;
    handle = s->handle.ndis();
  } else {  // S6 / AF-085: released before the client hears of it
    s->state = Sap::State::kFailed;
    saps.Release(s->handle);
  }
  Driver* cl = s->af->client;
  cl->cl.ClRegisterSapCompleteHandler(status, s->client_ctx, s->sap, handle);  // AF-084
}

VOID Model::NdisCmRegisterSapComplete(NDIS_STATUS status, NDIS_HANDLE handle, NDIS_HANDLE cm_ctx) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmRegisterSapComplete;
  Cause why;
  Sap* s = m.Resolve(m.saps, handle, "NdisSapHandle", &why);
  if (s == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (s->state != Sap::State::kRegistering) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending, "AF-083: no registration is pending on this SAP",
                          RuleId::kAF083});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "AF-083: Status NDIS_STATUS_PENDING (ignored)",
                          RuleId::kAF083});
  }
  if (s->in_register_call) {
    if (s->early_register_complete)
      return m.Reject(fn, NDIS_STATUS_FAILURE, Cause{Reason::kCompletedTwice, "completed twice"});
    s->early_register_complete = std::make_pair(status, cm_ctx);
    return;
  }
  m.CompleteRegisterSap(s, status, cm_ctx);
}

NDIS_STATUS Model::NdisClDeregisterSap(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClDeregisterSap;
  Cause why;
  Sap* s = m.Resolve(m.saps, handle, "NdisSapHandle", &why);
  if (s == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (s->state == Sap::State::kDeregistering) {  // S12 / AF-088
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kClosing, "S12 / AF-088: the SAP is already being deregistered",
                        RuleId::kAF088});
  }
  if (s->state == Sap::State::kRegistering) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "the SAP's registration is still pending"});
  }
  if (s->released_with_af) {
    // S13 / AF-091 (DERIVED form): the AF closed with the SAP registered,
    // so the SAP was already released; the client is told FAILURE through
    // its completion (after this returns PENDING, AF-087).
    s->state = Sap::State::kDeregistered;
    m.saps.Release(s->handle);
    Driver* cl = s->af->client;
    NDIS_HANDLE ctx = s->client_ctx;
    m.Queue(WorkKind::kDeferredCompletion,
            "ProtocolClDeregisterSapComplete(FAILURE, " + Hex(ctx) + ")",
            [cl, ctx] { cl->cl.ClDeregisterSapCompleteHandler(NDIS_STATUS_FAILURE, ctx); });
    return NDIS_STATUS_PENDING;
  }
  // S8 / AF-088 / AF-089.
  s->state = Sap::State::kDeregistering;
  s->in_deregister_call = true;
  Driver* cm = s->af->cm;
  const NDIS_STATUS st = cm->cm.CmDeregisterSapHandler(s->cm_ctx);
  s->in_deregister_call = false;
  if (st == NDIS_STATUS_PENDING) {  // S10
    if (s->early_deregister_complete) {
      const NDIS_STATUS es = *s->early_deregister_complete;
      s->early_deregister_complete.reset();
      m.CompleteDeregisterSap(s, es);
    }
    return NDIS_STATUS_PENDING;
  }
  if (s->early_deregister_complete) {
    s->early_deregister_complete.reset();
    m.Reject(Fn::NdisCmDeregisterSapComplete, NDIS_STATUS_FAILURE,
             Cause{Reason::kDidNotPend,
                   "AF-090: completion of a deregistration that did not pend (ignored)",
                   RuleId::kAF090});
  }
  if (st == NDIS_STATUS_SUCCESS) {  // S9 / OQ-17
    s->state = Sap::State::kDeregistered;
    m.saps.Release(s->handle);
    return NDIS_STATUS_SUCCESS;
  }
  // AF-091: the CM's own status; the SAP remains registered.
  s->state = Sap::State::kRegistered;
  return st;
}

void Model::Impl::CompleteDeregisterSap(Sap* s, NDIS_STATUS status) {
  if (s->released_by_ndis) {
    // NDIS asked for this deregistration itself (DeregisterSapsOfClosingAf):
    // the client is not told. The handle stays resolvable so that the
    // client's own NdisClDeregisterSap later takes the S13 path.
    s->state = status == NDIS_STATUS_SUCCESS ? Sap::State::kDeregistered : Sap::State::kRegistered;
    return;
  }
  if (status == NDIS_STATUS_SUCCESS) {  // S11
    s->state = Sap::State::kDeregistered;
    saps.Release(s->handle);
  } else {  // AF-091: the SAP remains
    s->state = Sap::State::kRegistered;
  }
  Driver* cl = s->af->client;
  cl->cl.ClDeregisterSapCompleteHandler(status, s->client_ctx);
}

void Model::Impl::DeregisterSapsOfClosingAf(AfOpen* o) {
  // The client closed the AF with SAPs still registered and the CM pended
  // the close (AF-052's preferred mode: PENDING until the SAPs are gone).
  // The client will not deregister them (its AF handle is already invalid
  // for it, AF-056), so NDIS does, at the CM: ProtocolCmDeregisterSap for
  // each. The SAP counts as released with its AF (S13 / AF-091): a later
  // NdisClDeregisterSap reports FAILURE. This resolves the spec tension
  // between S13 and AF-052 (lead's decision).
  const std::vector<Sap*> list = o->saps;
  for (Sap* s : list) {
    if (s->state != Sap::State::kRegistered || o->state != AfOpen::State::kClosing) continue;
    s->released_with_af = true;
    s->released_by_ndis = true;
    s->state = Sap::State::kDeregistering;
    s->in_deregister_call = true;
    Driver* cm = o->cm;
    const NDIS_STATUS st = cm->cm.CmDeregisterSapHandler(s->cm_ctx);
    s->in_deregister_call = false;
    if (st == NDIS_STATUS_PENDING) {  // NdisCmDeregisterSapComplete follows (AF-090)
      if (s->early_deregister_complete) {
        const NDIS_STATUS es = *s->early_deregister_complete;
        s->early_deregister_complete.reset();
        CompleteDeregisterSap(s, es);
      }
      continue;
    }
    if (s->early_deregister_complete) {
      s->early_deregister_complete.reset();
      Reject(Fn::NdisCmDeregisterSapComplete, NDIS_STATUS_FAILURE,
             Cause{Reason::kDidNotPend,
                   "AF-090: completion of a deregistration that did not pend (ignored)",
                   RuleId::kAF090});
    }
    if (st != NDIS_STATUS_SUCCESS) {
      Reject(Fn::ProtocolCmDeregisterSap, st,
             Cause{Reason::kBadResultStatus,
                   "AF-090: ProtocolCmDeregisterSap must return SUCCESS or PENDING; the SAP stays",
                   RuleId::kAF090});
    }
    s->state = st == NDIS_STATUS_SUCCESS ? Sap::State::kDeregistered : Sap::State::kRegistered;
  }
}

VOID Model::NdisCmDeregisterSapComplete(NDIS_STATUS status, NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmDeregisterSapComplete;
  Cause why;
  Sap* s = m.Resolve(m.saps, handle, "NdisSapHandle", &why);
  if (s == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (s->state != Sap::State::kDeregistering) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending, "AF-090: no deregistration is pending on this SAP",
                          RuleId::kAF090});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (s->in_deregister_call) {
    if (s->early_deregister_complete)
      return m.Reject(fn, NDIS_STATUS_FAILURE, Cause{Reason::kCompletedTwice, "completed twice"});
    s->early_deregister_complete = status;
    return;
  }
  m.CompleteDeregisterSap(s, status);
}

}  // namespace ndisconf::ndis
