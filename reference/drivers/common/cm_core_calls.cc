// Part of CmCore (reference/drivers/common/cm_core.h): SAP registration and
// deregistration, VC creation and deletion, outgoing and incoming calls and
// VC activation.
#include <algorithm>

#include "reference/drivers/common/cm_core.h"

namespace ndisconf::drivers {

// ---------------------------------------------------------------------------
// SAPs.

bool CmCore::SapRecognised(const CO_SAP* sap) const {
  if (sap == nullptr) return false;
  if (config_.sap_types.empty()) return true;
  return std::find(config_.sap_types.begin(), config_.sap_types.end(), sap->SapType) !=
         config_.sap_types.end();
}

bool CmCore::SapInUse(const CmPort& port, const SapBuffer& sap) const {
  for (const auto& other : saps_) {
    if (other->af->port != &port) continue;
    if (other->state != CmSapState::kRegistering && other->state != CmSapState::kRegistered &&
        other->state != CmSapState::kDeregistering) {
      continue;
    }
    if (other->sap.SameAs(sap)) return true;
  }
  return false;
}

NDIS_STATUS CmCore::OnRegisterSap(CmAf& af, PCO_SAP sap, NDIS_HANDLE ndis_sap,
                                  PNDIS_HANDLE call_mgr_sap_context) {
  if (af.state != CmAfState::kOpen) return NDIS_STATUS_FAILURE;
  // AF-082 / OQ-16: an unrecognised SAP, or one already registered (by any
  // client of this adapter), fails with NDIS_STATUS_INVALID_DATA.
  if (!SapRecognised(sap)) return NDIS_STATUS_INVALID_DATA;
  SapBuffer copy = SapBuffer::CopyOf(sap);
  if (SapInUse(*af.port, copy)) return NDIS_STATUS_INVALID_DATA;

  auto owned = std::make_unique<CmSap>();
  CmSap& s = *owned;
  s.af = &af;
  s.index = saps_.size();
  s.ndis_sap = ndis_sap;  // AF-081: the CM stores the NDIS-supplied handle
  s.sap = std::move(copy);
  saps_.push_back(std::move(owned));

  const OpPolicy& policy = config_.register_sap;
  if (!policy.pends()) {
    if (policy.status != NDIS_STATUS_SUCCESS) {
      s.state = CmSapState::kFailed;
      s.ndis_sap = nullptr;
      return policy.status;
    }
    s.state = CmSapState::kRegistered;
    *call_mgr_sap_context = &s;
    return NDIS_STATUS_SUCCESS;
  }
  CmSap* sp = &s;
  NDIS_STATUS final_status = policy.status;
  bool queued = Later(*af.port, [this, sp, final_status] {
    if (sp->state != CmSapState::kRegistering) return;
    sp->state = final_status == NDIS_STATUS_SUCCESS ? CmSapState::kRegistered : CmSapState::kFailed;
    // AF-083: complete with a status other than PENDING.
    EdgeRegisterSapComplete(final_status, *sp);
    if (final_status != NDIS_STATUS_SUCCESS) {
      sp->ndis_sap = nullptr;  // AF-085
      MaybeFinishClose(*sp->af);
    }
  });
  if (!queued) {
    s.state = CmSapState::kFailed;
    s.ndis_sap = nullptr;
    return NDIS_STATUS_RESOURCES;
  }
  *call_mgr_sap_context = &s;
  return NDIS_STATUS_PENDING;
}

NDIS_STATUS CmCore::OnDeregisterSap(CmSap& sap) {
  if (sap.state != CmSapState::kRegistered) return NDIS_STATUS_FAILURE;
  // AF-090: free the per-SAP state; SUCCESS, or PENDING and a completion
  // with NDIS_STATUS_SUCCESS.
  if (config_.deregister_sap.pends()) {
    sap.state = CmSapState::kDeregistering;
    CmSap* sp = &sap;
    bool queued = Later(*sap.af->port, [this, sp] {
      sp->state = CmSapState::kDeregistered;
      EdgeDeregisterSapComplete(*sp);  // the handle is invalid for us afterwards
      MaybeFinishClose(*sp->af);
    });
    if (queued) return NDIS_STATUS_PENDING;
  }
  sap.state = CmSapState::kDeregistered;
  MaybeFinishClose(*sap.af);
  return NDIS_STATUS_SUCCESS;
}

// ---------------------------------------------------------------------------
// VCs created by the client (the CM is the peer, AF-103).

NDIS_STATUS CmCore::OnCreateVc(CmAf* af, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context) {
  auto owned = std::make_unique<CmVc>();
  CmVc& vc = *owned;
  vc.owner = this;
  vc.af = af;
  vc.index = vcs_.size();
  vc.ndis_vc = ndis_vc;
  vcs_.push_back(std::move(owned));
  // AF-104: never PENDING.
  if (config_.create_vc_status != NDIS_STATUS_SUCCESS) {
    vc.state = CmVcState::kDeleted;
    return config_.create_vc_status;
  }
  *vc_context = &vc;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS CmCore::OnDeleteVc(CmVc& vc) {
  // AF-108: the peer may refuse; NOT_ACCEPTED while a call is up.
  if (vc.state == CmVcState::kActive || vc.state == CmVcState::kActivating ||
      vc.state == CmVcState::kDeactivating) {
    return NDIS_STATUS_NOT_ACCEPTED;
  }
  if (config_.delete_vc_status != NDIS_STATUS_SUCCESS) return config_.delete_vc_status;
  vc.state = CmVcState::kDeleted;
  if (vc.af != nullptr) {
    MaybeFinishClose(*vc.af);
    CmPort* port = vc.af->port;
    // A shutdown waiting for this VC goes on once the deletion has returned.
    if (port->state == CmPort::State::kShuttingDown &&
        !Later(*port, [this, port] { AdvanceShutdown(*port); })) {
      AdvanceShutdown(*port);
    }
  }
  return NDIS_STATUS_SUCCESS;
}

// ---------------------------------------------------------------------------
// Calls: a make-call activates the VC on the miniport, a close-call
// deactivates it (AF-106 needs a deactivated VC before deletion).

NDIS_STATUS CmCore::OnMakeCall(CmVc& vc, PCO_CALL_PARAMETERS params) {
  if (vc.state != CmVcState::kCreated && vc.state != CmVcState::kInactive) {
    return NDIS_STATUS_FAILURE;
  }
  const OpPolicy& policy = config_.make_call;
  CmVc* vp = &vc;
  if (policy.status != NDIS_STATUS_SUCCESS) {
    // Injected failure: the call is refused before anything is activated.
    NDIS_STATUS s = policy.status;
    if (policy.pends() && Later(*vc.af->port, [this, vp, s] { EdgeMakeCallComplete(s, *vp); })) {
      return NDIS_STATUS_PENDING;
    }
    return s;
  }
  vc.op = CmVcOp::kMakeCall;
  vc.params = params;
  vc.state = CmVcState::kActivating;
  NDIS_STATUS s = EdgeActivateVc(vc, params);
  if (s == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING;  // OnActivateVcComplete goes on
  vc.op = CmVcOp::kNone;
  vc.call_status = s;
  if (s != NDIS_STATUS_SUCCESS) {
    vc.state = CmVcState::kCreated;
    return s;
  }
  vc.state = CmVcState::kActive;
  if (policy.pends() &&
      Later(*vc.af->port, [this, vp] { EdgeMakeCallComplete(NDIS_STATUS_SUCCESS, *vp); })) {
    return NDIS_STATUS_PENDING;
  }
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS CmCore::OnCloseCall(CmVc& vc) {
  if (vc.state != CmVcState::kActive) return NDIS_STATUS_FAILURE;
  const OpPolicy& policy = config_.close_call;
  if (policy.status != NDIS_STATUS_SUCCESS && !policy.pends()) return policy.status;
  vc.op = CmVcOp::kCloseCall;
  vc.state = CmVcState::kDeactivating;
  NDIS_STATUS s = EdgeDeactivateVc(vc);
  if (s == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING;  // OnDeactivateVcComplete goes on
  vc.op = CmVcOp::kNone;
  vc.state = CmVcState::kInactive;
  CmVc* vp = &vc;
  if (policy.pends()) {
    bool queued = Later(*vc.af->port, [this, vp] {
      EdgeCloseCallComplete(NDIS_STATUS_SUCCESS, *vp);
      if (vp->cm_created) DeleteOwnVc(*vp);
    });
    if (queued) return NDIS_STATUS_PENDING;
  }
  // The VC this CM created for an incoming call is deleted by the CM
  // (AF-105), after the close-call has returned to the client.
  if (vc.cm_created && !Later(*vc.af->port, [this, vp] { DeleteOwnVc(*vp); })) DeleteOwnVc(vc);
  return NDIS_STATUS_SUCCESS;
}

void CmCore::AfterActivate(CmVc& vc, NDIS_STATUS status) {
  CmVcOp op = vc.op;
  vc.call_status = status;
  if (status != NDIS_STATUS_SUCCESS) {
    vc.state = CmVcState::kCreated;
    vc.op = CmVcOp::kNone;
    if (op == CmVcOp::kMakeCall) EdgeMakeCallComplete(status, vc);
    if (op == CmVcOp::kIncomingCall) DeleteOwnVc(vc);
    return;
  }
  vc.state = CmVcState::kActive;
  if (op == CmVcOp::kMakeCall) {
    vc.op = CmVcOp::kNone;
    EdgeMakeCallComplete(NDIS_STATUS_SUCCESS, vc);
    return;
  }
  if (op != CmVcOp::kIncomingCall) return;
  // The client deregistered the SAP while the VC was activating: its handle
  // is dead for us (AF-090), so the call is dropped, not offered.
  if (vc.sap->state != CmSapState::kRegistering && vc.sap->state != CmSapState::kRegistered) {
    DropIncomingCall(vc);
    return;
  }
  // The VC is active: offer the call on the SAP (AF-093).
  NDIS_STATUS s = EdgeDispatchIncomingCall(vc);
  if (s == NDIS_STATUS_PENDING) return;  // ProtocolCmIncomingCallComplete goes on
  OnIncomingCallComplete(s, vc, &vc.own_params);
}

void CmCore::AfterDeactivate(CmVc& vc, NDIS_STATUS status) {
  CmVcOp op = vc.op;
  vc.op = CmVcOp::kNone;
  vc.state = CmVcState::kInactive;
  if (op == CmVcOp::kCloseCall) EdgeCloseCallComplete(NDIS_STATUS_SUCCESS, vc);
  if (vc.cm_created) DeleteOwnVc(vc);
}

void CmCore::DeleteOwnVc(CmVc& vc) {
  if (vc.state == CmVcState::kDeleted) return;
  NDIS_STATUS s = EdgeDeleteVc(vc);
  log_.Add(logged::OwnDeleteVc{.status = s, .ndis_vc_handle = vc.ndis_vc});
  if (s == NDIS_STATUS_SUCCESS) {
    vc.state = CmVcState::kDeleted;
    if (vc.af != nullptr) {
      MaybeFinishClose(*vc.af);
      AdvanceShutdown(*vc.af->port);  // a shutdown may wait for this VC
    }
  }
}

int CmCore::DispatchIncomingCall(size_t sap_index) {
  if (sap_index >= saps_.size()) return -1;
  CmSap& sap = *saps_[sap_index];
  // AF-086: the SAP may still be registering.
  if (sap.state != CmSapState::kRegistering && sap.state != CmSapState::kRegistered) return -1;
  CmAf& af = *sap.af;
  if (af.state != CmAfState::kOpen) return -1;
  // AF-123: once the binding (or adapter) is going away, no new VC on it;
  // an AF left open by a refused notify-close (AF-068) takes no new call.
  if (af.port->state != CmPort::State::kRunning) return -1;

  auto owned = std::make_unique<CmVc>();
  CmVc& vc = *owned;
  vc.owner = this;
  vc.af = &af;
  vc.index = vcs_.size();
  vc.cm_created = true;
  vc.sap = &sap;
  vcs_.push_back(std::move(owned));

  // AF-100: *NdisVcHandle is NULL on entry. AF-101: the AF handle saved in
  // the per-AF state reached from the SAP.
  NDIS_HANDLE ndis_vc = nullptr;
  NDIS_STATUS s = EdgeCreateVc(af, vc, &ndis_vc);
  log_.Add(logged::OwnCreateVc{.status = s, .ndis_vc_handle = ndis_vc});
  if (s != NDIS_STATUS_SUCCESS) {
    vc.state = CmVcState::kDeleted;
    MaybeFinishClose(af);
    return -1;
  }
  vc.ndis_vc = ndis_vc;
  vc.op = CmVcOp::kIncomingCall;
  vc.state = CmVcState::kActivating;
  vc.params = &vc.own_params;
  s = EdgeActivateVc(vc, &vc.own_params);
  if (s != NDIS_STATUS_PENDING) AfterActivate(vc, s);
  return static_cast<int>(vc.index);
}

void CmCore::OnIncomingCallComplete(NDIS_STATUS status, CmVc& vc, PCO_CALL_PARAMETERS) {
  if (vc.op != CmVcOp::kIncomingCall) return;
  vc.call_status = status;
  if (status == NDIS_STATUS_SUCCESS) {
    vc.op = CmVcOp::kNone;
    EdgeDispatchCallConnected(vc);
    return;
  }
  DropIncomingCall(vc);  // rejected
}

void CmCore::DropIncomingCall(CmVc& vc) {
  // Take the active VC down, then delete it (this CM created it, AF-105;
  // AF-106: deactivated before deletion).
  vc.state = CmVcState::kDeactivating;
  NDIS_STATUS s = EdgeDeactivateVc(vc);
  if (s != NDIS_STATUS_PENDING) AfterDeactivate(vc, s);
}

void CmCore::OnActivateVcComplete(NDIS_STATUS status, CmVc& vc, PCO_CALL_PARAMETERS) {
  if (vc.state != CmVcState::kActivating) return;  // late or duplicate: ignore
  AfterActivate(vc, status);
}

void CmCore::OnDeactivateVcComplete(NDIS_STATUS status, CmVc& vc) {
  if (vc.state != CmVcState::kDeactivating) return;
  AfterDeactivate(vc, status);
}

}  // namespace ndisconf::drivers
