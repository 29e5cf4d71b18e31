// Rule family "vc" of the reference NDIS model, second half (spec 2.6;
// AF-086, AF-093, AF-106; the AF-039 / OQ-05 completion pattern, DERIVED for
// calls): the minimal call path on a VC: make and close call, activation and
// deactivation (NdisCmActivateVc, NdisMCmActivateVc and their completions),
// incoming calls (S7) and call connected.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

using VcAct = Vc::Activation;
using VcCall = Vc::Call;

// ---- Calls. <= DISPATCH_LEVEL. Completions are delivered only after a
// PENDING return (the AF-039 / OQ-05 pattern, DERIVED for calls). ----

bool Model::Impl::SettleVcOp(const VcOp& op, Vc* vc, NDIS_STATUS s) {
  vc->*op.in_op = false;
  auto& early = vc->*op.early;
  if (s == NDIS_STATUS_PENDING) {
    if (early) {
      const auto [es, ep] = *early;
      early.reset();
      (this->*op.complete)(vc, es, ep);
    }
    return true;
  }
  if (early) {
    early.reset();
    Reject(op.complete_fn, NDIS_STATUS_FAILURE,
           Cause{Reason::kDidNotPend, std::string(op.did_not_pend)});
  }
  return false;
}

void Model::Impl::AcceptVcCompletion(const VcOp& op, NDIS_STATUS status, NDIS_HANDLE handle,
                                     PCO_CALL_PARAMETERS params) {
  Cause why;
  Vc* vc = Resolve(vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return Reject(op.complete_fn, NDIS_STATUS_FAILURE, why);
  if (!op.pending(*vc))
    return Reject(op.complete_fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kNotPending, std::string(op.not_pending)});
  if (status == NDIS_STATUS_PENDING) {
    return Reject(op.complete_fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (vc->*op.in_op) {
    auto& early = vc->*op.early;
    if (early)
      return Reject(op.complete_fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kCompletedTwice, "completed twice"});
    early = std::make_pair(status, params);
    return;
  }
  (this->*op.complete)(vc, status, params);
}

const Model::Impl::VcOp Model::Impl::kMakeCall{
    Fn::NdisCmMakeCallComplete,
    "no make-call is pending",
    "completion of a make-call that did not pend (ignored)",
    &Vc::in_call_op,
    &Vc::early_call_complete,
    [](const Vc& v) { return v.call == VcCall::kMaking; },
    &Model::Impl::CompleteMakeCall};
const Model::Impl::VcOp Model::Impl::kCloseCall{
    Fn::NdisCmCloseCallComplete,
    "no close-call is pending",
    "completion of a close-call that did not pend (ignored)",
    &Vc::in_call_op,
    &Vc::early_call_complete,
    [](const Vc& v) { return v.call == VcCall::kClosing; },
    &Model::Impl::CompleteCloseCall};
const Model::Impl::VcOp Model::Impl::kActivate{
    Fn::NdisMCoActivateVcComplete,
    "no activation is pending on this VC",
    "completion of an activation that did not pend (ignored)",
    &Vc::in_miniport_op,
    &Vc::early_miniport_complete,
    [](const Vc& v) { return v.activation == VcAct::kActivating; },
    &Model::Impl::CompleteActivate};
const Model::Impl::VcOp Model::Impl::kDeactivate{
    Fn::NdisMCoDeactivateVcComplete,
    "no deactivation is pending on this VC",
    "completion of a deactivation that did not pend (ignored)",
    &Vc::in_miniport_op,
    &Vc::early_miniport_complete,
    [](const Vc& v) { return v.activation == VcAct::kDeactivating; },
    &Model::Impl::CompleteDeactivate};
const Model::Impl::VcOp Model::Impl::kIncomingCall{
    Fn::NdisClIncomingCallComplete,
    "no incoming call is pending on this VC",
    "completion of an incoming call that did not pend (ignored)",
    &Vc::in_call_op,
    &Vc::early_call_complete,
    [](const Vc& v) { return v.call == VcCall::kIncomingOffered; },
    &Model::Impl::CompleteIncomingCall};

NDIS_STATUS Model::NdisClMakeCall(NDIS_HANDLE handle, PCO_CALL_PARAMETERS params, NDIS_HANDLE,
                                  PNDIS_HANDLE party_out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClMakeCall;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (params == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("CallParameters"));
  if (vc->af == nullptr)
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "a signalling VC has no client"});
  if (vc->af->state != AfOpen::State::kOpen)
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "the AF is not open"});
  if (vc->call != VcCall::kIdle) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "a call is already in progress on this VC"});
  }
  if (vc->activation != VcAct::kCreated && vc->activation != VcAct::kDeactivated) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "the VC is active or changing activation"});
  }
  // Point-to-multipoint parties are out of scope: no party handle.
  if (party_out != nullptr) *party_out = nullptr;
  Driver* cm = m.CmOf(vc);
  vc->call = VcCall::kMaking;
  vc->in_call_op = true;
  NDIS_HANDLE party_ctx = nullptr;
  const NDIS_STATUS s = cm->cm.CmMakeCallHandler(m.CmVcCtx(vc), params, nullptr, &party_ctx);
  if (m.SettleVcOp(Impl::kMakeCall, vc, s)) return s;
  vc->call = s == NDIS_STATUS_SUCCESS ? VcCall::kConnected : VcCall::kIdle;
  return s;
}

void Model::Impl::CompleteMakeCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params) {
  vc->call = status == NDIS_STATUS_SUCCESS ? VcCall::kConnected : VcCall::kIdle;
  Driver* cl = ClientOf(vc);
  cl->cl.ClMakeCallCompleteHandler(status, ClientVcCtx(vc), nullptr, params);
}

VOID Model::NdisCmMakeCallComplete(NDIS_STATUS status, NDIS_HANDLE handle, NDIS_HANDLE, NDIS_HANDLE,
                                   PCO_CALL_PARAMETERS params) {
  impl_->AcceptVcCompletion(Impl::kMakeCall, status, handle, params);
}

NDIS_STATUS Model::NdisClCloseCall(NDIS_HANDLE handle, NDIS_HANDLE, PVOID buffer, UINT size) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClCloseCall;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (vc->call != VcCall::kConnected && vc->call != VcCall::kIncomingAccepted) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "no connected call on this VC"});
  }
  Driver* cm = m.CmOf(vc);
  vc->call = VcCall::kClosing;
  vc->in_call_op = true;
  const NDIS_STATUS s = cm->cm.CmCloseCallHandler(m.CmVcCtx(vc), nullptr, buffer, size);
  if (m.SettleVcOp(Impl::kCloseCall, vc, s)) return s;
  vc->call = s == NDIS_STATUS_SUCCESS ? VcCall::kIdle : VcCall::kConnected;
  return s;
}

void Model::Impl::CompleteCloseCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS) {
  vc->call = status == NDIS_STATUS_SUCCESS ? VcCall::kIdle : VcCall::kConnected;
  Driver* cl = ClientOf(vc);
  cl->cl.ClCloseCallCompleteHandler(status, ClientVcCtx(vc), nullptr);
}

VOID Model::NdisCmCloseCallComplete(NDIS_STATUS status, NDIS_HANDLE handle, NDIS_HANDLE) {
  impl_->AcceptVcCompletion(Impl::kCloseCall, status, handle, nullptr);
}

// ---- Activation. ----

namespace {

bool McmVc(const Vc* vc) {
  return vc->creator == Vc::Creator::kMcm || (vc->af != nullptr && vc->af->reg->IsMcm());
}

}  // namespace

NDIS_STATUS Model::NdisCmActivateVc(NDIS_HANDLE handle, PCO_CALL_PARAMETERS params) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmActivateVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (params == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("CallParameters"));
  if (McmVc(vc))
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "an MCM activates with NdisMCmActivateVc"});
  if (!vc->miniport_created)
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "the VC has no miniport context"});
  if (vc->activation == VcAct::kActivating || vc->activation == VcAct::kDeactivating) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "an activation change is already pending"});
  }
  Driver* mp = vc->adapter->miniport;
  vc->activation_before = vc->activation;
  vc->activation = VcAct::kActivating;
  vc->in_miniport_op = true;
  const NDIS_STATUS s = mp->mco.CoActivateVcHandler(vc->miniport_ctx, params);
  if (m.SettleVcOp(Impl::kActivate, vc, s)) return s;
  vc->activation = s == NDIS_STATUS_SUCCESS ? VcAct::kActive : vc->activation_before;
  return s;
}

void Model::Impl::CompleteActivate(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params) {
  vc->activation = status == NDIS_STATUS_SUCCESS ? VcAct::kActive : vc->activation_before;
  Driver* cm = CmOf(vc);
  cm->cm.CmActivateVcCompleteHandler(status, CmVcCtx(vc), params);
}

VOID Model::NdisMCoActivateVcComplete(NDIS_STATUS status, NDIS_HANDLE handle,
                                      PCO_CALL_PARAMETERS params) {
  impl_->AcceptVcCompletion(Impl::kActivate, status, handle, params);
}

NDIS_STATUS Model::NdisCmDeactivateVc(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmDeactivateVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (McmVc(vc))
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "an MCM deactivates with NdisMCmDeactivateVc"});
  if (vc->activation == VcAct::kDeactivating) {
    return m.Fail(fn, NDIS_STATUS_CLOSING,
                  Cause{Reason::kWrongState, "deactivation is already pending"});
  }
  if (vc->activation != VcAct::kActive)
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "the VC is not active"});
  Driver* mp = vc->adapter->miniport;
  vc->activation = VcAct::kDeactivating;
  vc->in_miniport_op = true;
  const NDIS_STATUS s = mp->mco.CoDeactivateVcHandler(vc->miniport_ctx);
  if (m.SettleVcOp(Impl::kDeactivate, vc, s)) return s;
  vc->activation = s == NDIS_STATUS_SUCCESS ? VcAct::kDeactivated : VcAct::kActive;
  return s;
}

void Model::Impl::CompleteDeactivate(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS) {
  vc->activation = status == NDIS_STATUS_SUCCESS ? VcAct::kDeactivated : VcAct::kActive;
  Driver* cm = CmOf(vc);
  cm->cm.CmDeactivateVcCompleteHandler(status, CmVcCtx(vc));
}

VOID Model::NdisMCoDeactivateVcComplete(NDIS_STATUS status, NDIS_HANDLE handle) {
  impl_->AcceptVcCompletion(Impl::kDeactivate, status, handle, nullptr);
}

NDIS_STATUS Model::NdisMCmActivateVc(NDIS_HANDLE handle, PCO_CALL_PARAMETERS params) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmActivateVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (params == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("CallParameters"));
  if (!McmVc(vc))
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "the VC does not belong to an MCM"});
  // The MCM activates its own hardware: NDIS only records the state
  // (AF-132: no ProtocolCmActivateVcComplete to an MCM).
  vc->activation = VcAct::kActive;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisMCmDeactivateVc(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmDeactivateVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (!McmVc(vc))
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "the VC does not belong to an MCM"});
  if (vc->activation != VcAct::kActive)
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "the VC is not active"});
  vc->activation = VcAct::kDeactivated;
  return NDIS_STATUS_SUCCESS;
}

// ---- Incoming calls (S7, AF-086, AF-093). ----

NDIS_STATUS Model::NdisCmDispatchIncomingCall(NDIS_HANDLE sap_handle, NDIS_HANDLE vc_handle,
                                              PCO_CALL_PARAMETERS params) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmDispatchIncomingCall;
  Cause why;
  Sap* s = m.Resolve(m.saps, sap_handle, "NdisSapHandle", &why);
  if (s == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (s->state != Sap::State::kRegistering && s->state != Sap::State::kRegistered) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "S7: the SAP is neither registered nor registering"});
  }
  Vc* vc = m.Resolve(m.vcs, vc_handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (params == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("CallParameters"));
  if (vc->af != s->af || vc->creator == Vc::Creator::kClient) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState,
                        "AF-093: the VC was not created by the call manager on the SAP's AF",
                        RuleId::kAF093});
  }
  if (vc->call != VcCall::kIdle)
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "a call is already on this VC"});
  Driver* cl = m.ClientOf(vc);
  vc->call = VcCall::kIncomingOffered;
  vc->incoming_sap = s;
  vc->in_call_op = true;
  const NDIS_STATUS st = cl->cl.ClIncomingCallHandler(s->client_ctx, m.ClientVcCtx(vc), params);
  if (m.SettleVcOp(Impl::kIncomingCall, vc, st)) return st;
  vc->call = st == NDIS_STATUS_SUCCESS ? VcCall::kIncomingAccepted : VcCall::kIdle;
  return st;
}

void Model::Impl::CompleteIncomingCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params) {
  vc->call = status == NDIS_STATUS_SUCCESS ? VcCall::kIncomingAccepted : VcCall::kIdle;
  Driver* cm = CmOf(vc);
  cm->cm.CmIncomingCallCompleteHandler(status, CmVcCtx(vc), params);
}

VOID Model::NdisClIncomingCallComplete(NDIS_STATUS status, NDIS_HANDLE handle,
                                       PCO_CALL_PARAMETERS params) {
  impl_->AcceptVcCompletion(Impl::kIncomingCall, status, handle, params);
}

VOID Model::NdisCmDispatchCallConnected(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmDispatchCallConnected;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (vc->call != VcCall::kIncomingAccepted) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending, "no accepted incoming call on this VC"});
  }
  vc->call = VcCall::kConnected;
  Driver* cl = m.ClientOf(vc);
  cl->cl.ClCallConnectedHandler(m.ClientVcCtx(vc));
}

}  // namespace ndisconf::ndis
