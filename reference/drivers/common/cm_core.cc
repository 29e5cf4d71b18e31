// Implementation of reference/drivers/common/cm_core.h: the call-manager state
// machine shared by the stand-alone CM and the MCM. This file holds the
// address-family side (AF open/close, notify-close and shutdown), the static
// thunks NDIS calls and the edge calls; SAPs, VCs and calls are in
// cm_core_calls.cc.
#include "reference/drivers/common/cm_core.h"

#include <algorithm>

namespace ndisconf::drivers {

const char* ToString(CmAfState s) {
  switch (s) {
    case CmAfState::kOpening:
      return "OPENING";
    case CmAfState::kOpen:
      return "OPEN";
    case CmAfState::kClosing:
      return "CLOSING";
    case CmAfState::kClosed:
      return "CLOSED";
    case CmAfState::kFailed:
      return "FAILED";
  }
  return "?";
}

const char* ToString(CmSapState s) {
  switch (s) {
    case CmSapState::kRegistering:
      return "REGISTERING";
    case CmSapState::kRegistered:
      return "REGISTERED";
    case CmSapState::kDeregistering:
      return "DEREGISTERING";
    case CmSapState::kDeregistered:
      return "DEREGISTERED";
    case CmSapState::kFailed:
      return "FAILED";
  }
  return "?";
}

const char* ToString(CmVcState s) {
  switch (s) {
    case CmVcState::kCreated:
      return "CREATED";
    case CmVcState::kActivating:
      return "ACTIVATING";
    case CmVcState::kActive:
      return "ACTIVE";
    case CmVcState::kDeactivating:
      return "DEACTIVATING";
    case CmVcState::kInactive:
      return "INACTIVE";
    case CmVcState::kDeleted:
      return "DELETED";
  }
  return "?";
}

CmCore::CmCore(std::string name, Config config, const CmCallFamily& family)
    : LoggingDriver(std::move(name)), config_(std::move(config)), family_(family) {}

CmCore::~CmCore() = default;

std::vector<CmAf*> CmCore::AfsOf(const CmPort& port) const {
  std::vector<CmAf*> out;
  for (const auto& af : afs_) {
    if (af->port == &port) out.push_back(af.get());
  }
  return out;
}

CmPort& CmCore::NewPort() {
  auto port = std::make_unique<CmPort>();
  port->owner = this;
  port->index = ports_.size();
  ports_.push_back(std::move(port));
  return *ports_.back();
}

bool CmCore::Later(CmPort& port, std::function<void()> fn) {
  return deferrer_.Defer(port.ndis_handle, std::move(fn));
}

// ---------------------------------------------------------------------------
// Handler table (AF-131: every member set; unsupported ones return
// NDIS_STATUS_NOT_SUPPORTED).

NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS CmCore::MakeCmHandlers() {
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS h;
  NdisZeroMemory(&h, sizeof(h));
  h.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS;
  h.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
  // The full size, so that CmNotifyCloseAfCompleteHandler is inside the
  // structure NDIS reads (OQ-11; AF-069 makes it required).
  h.Header.Size = sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
  h.CmCreateVcHandler = &CoCreateVcThunk;
  h.CmDeleteVcHandler = &CoDeleteVcThunk;
  h.CmOpenAfHandler = &CmOpenAfThunk;
  h.CmCloseAfHandler = &CmCloseAfThunk;
  h.CmRegisterSapHandler = &CmRegisterSapThunk;
  h.CmDeregisterSapHandler = &CmDeregisterSapThunk;
  h.CmMakeCallHandler = &CmMakeCallThunk;
  h.CmCloseCallHandler = &CmCloseCallThunk;
  h.CmIncomingCallCompleteHandler = &CmIncomingCallCompleteThunk;
  h.CmAddPartyHandler = &CmAddPartyThunk;
  h.CmDropPartyHandler = &CmDropPartyThunk;
  h.CmActivateVcCompleteHandler = &CmActivateVcCompleteThunk;
  h.CmDeactivateVcCompleteHandler = &CmDeactivateVcCompleteThunk;
  h.CmModifyCallQoSHandler = &CmModifyQosThunk;
  h.CmOidRequestHandler = &CoOidRequestThunk;
  h.CmOidRequestCompleteHandler = &CoOidRequestCompleteThunk;
  h.CmNotifyCloseAfCompleteHandler = &CmNotifyCloseAfCompleteThunk;
  return h;
}

void CmCore::FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* handlers) {
  *handlers = MakeCmHandlers();
}

// ---------------------------------------------------------------------------
// Open / close AF.

NDIS_STATUS CmCore::OnOpenAf(CmPort& port, PCO_ADDRESS_FAMILY family, NDIS_HANDLE ndis_af,
                             PNDIS_HANDLE call_mgr_af_context) {
  // AF-032: no new opens on a binding / adapter that is shutting down.
  if (port.state != CmPort::State::kRunning || family == nullptr) return NDIS_STATUS_FAILURE;
  // AF-033: the CM checks that the client passed an AF it serves here.
  bool served = false;
  for (size_t i = 0; i < config_.afs.size(); ++i) {
    served |= config_.afs[i].AddressFamily == family->AddressFamily &&
              i < port.register_status.size() && port.register_status[i] == NDIS_STATUS_SUCCESS;
  }
  if (!served) return NDIS_STATUS_FAILURE;

  auto owned = std::make_unique<CmAf>();
  CmAf& af = *owned;
  af.owner = this;
  af.port = &port;
  af.index = afs_.size();
  af.af = *family;
  af.ndis_af = ndis_af;  // AF-033: store the NDIS-supplied handle
  afs_.push_back(std::move(owned));

  const OpPolicy& policy = config_.open_af;
  if (!policy.pends()) {
    if (policy.status != NDIS_STATUS_SUCCESS) {
      // AF-036: after a failed open the handle is no longer ours.
      af.state = CmAfState::kFailed;
      af.ndis_af = nullptr;
      return policy.status;
    }
    af.state = CmAfState::kOpen;
    *call_mgr_af_context = &af;
    return NDIS_STATUS_SUCCESS;
  }
  // AF-034: pended, so Ndis(M)CmOpenAddressFamilyComplete follows exactly once.
  CmAf* afp = &af;
  NDIS_STATUS final_status = policy.status;
  if (!Later(port, [this, afp, final_status] { FinishOpen(*afp, final_status); })) {
    af.state = CmAfState::kFailed;
    af.ndis_af = nullptr;
    return NDIS_STATUS_RESOURCES;  // AF-033: nothing held after RESOURCES
  }
  *call_mgr_af_context = &af;
  return NDIS_STATUS_PENDING;
}

void CmCore::FinishOpen(CmAf& af, NDIS_STATUS status) {
  // The state changes before the completion call: the client may register
  // SAPs from its ProtocolClOpenAfCompleteEx (AF-080), which reaches us
  // before the completion call returns.
  af.state = status == NDIS_STATUS_SUCCESS ? CmAfState::kOpen : CmAfState::kFailed;
  EdgeOpenAfComplete(status, af);
  if (status != NDIS_STATUS_SUCCESS) {
    af.ndis_af = nullptr;  // AF-036
    AdvanceShutdown(*af.port);
    return;
  }
  // The binding / adapter began shutting down while this open was pending:
  // notify-close it now (AF-061, AF-062).
  if (af.port->state == CmPort::State::kShuttingDown && af.state == CmAfState::kOpen &&
      af.notify == CmNotify::kNone) {
    NotifyClose(af);
    AdvanceShutdown(*af.port);
  }
}

bool CmCore::HasChildren(const CmAf& af) const {
  for (const auto& sap : saps_) {
    if (sap->af != &af) continue;
    if (sap->state == CmSapState::kRegistering || sap->state == CmSapState::kRegistered ||
        sap->state == CmSapState::kDeregistering) {
      return true;
    }
  }
  return HasVcs(af);
}

bool CmCore::HasVcs(const CmAf& af) const {
  for (const auto& vc : vcs_) {
    if (vc->af == &af && vc->state != CmVcState::kDeleted) return true;
  }
  return false;
}

NDIS_STATUS CmCore::OnCloseAf(CmAf& af) {
  if (af.state != CmAfState::kOpen) return NDIS_STATUS_FAILURE;
  if (HasChildren(af)) {
    // AF-052: with SAPs or VCs left, either refuse or (preferred) pend
    // until the client has removed them.
    if (config_.close_with_children == CloseWithChildren::kNotAccepted) {
      return NDIS_STATUS_NOT_ACCEPTED;
    }
    af.state = CmAfState::kClosing;
    af.close_waiting_for_children = true;
    return NDIS_STATUS_PENDING;
  }
  const OpPolicy& policy = config_.close_af;
  if (policy.status != NDIS_STATUS_SUCCESS && !policy.pends()) return policy.status;
  if (policy.pends()) {
    af.state = CmAfState::kClosing;
    CmAf* afp = &af;
    if (Later(*af.port, [this, afp] { CompleteClose(*afp); })) return NDIS_STATUS_PENDING;
    // No work item: close synchronously instead.
  }
  af.state = CmAfState::kClosed;  // AF-052: per-open resources released
  // AF-061: the AF is closed once this handler returns; a shutdown waiting
  // for it closes the binding after that, from a work item (inline only
  // when NDIS gives none).
  CmPort* port = af.port;
  if (port->state != CmPort::State::kShuttingDown ||
      !Later(*port, [this, port] { AdvanceShutdown(*port); })) {
    AdvanceShutdown(*port);
  }
  return NDIS_STATUS_SUCCESS;
}

void CmCore::MaybeFinishClose(CmAf& af) {
  if (!af.close_waiting_for_children || HasChildren(af)) return;
  af.close_waiting_for_children = false;
  CmAf* afp = &af;
  if (!Later(*af.port, [this, afp] { CompleteClose(*afp); })) CompleteClose(af);
}

void CmCore::CompleteClose(CmAf& af) {
  af.state = CmAfState::kClosed;
  // AF-053: the status of a close completion is always SUCCESS. AF-055: the
  // handle is no longer ours once this is called.
  EdgeCloseAfComplete(af);
  AdvanceShutdown(*af.port);
}

// ---------------------------------------------------------------------------
// Notify-close and shutdown (AF-061, AF-062, AF-067, AF-121).

void CmCore::NotifyClose(CmAf& af) {
  af.notify = CmNotify::kInProgress;
  NDIS_STATUS s = EdgeNotifyCloseAf(af);
  if (af.notify != CmNotify::kInProgress) return;  // completed re-entrantly
  if (s == NDIS_STATUS_PENDING) {
    af.notify = CmNotify::kPending;  // ProtocolCmNotifyCloseAfComplete follows (AF-067)
  } else {
    af.notify = CmNotify::kDone;
    af.notify_status = s;
  }
}

void CmCore::OnNotifyCloseAfComplete(CmAf& af, NDIS_STATUS status) {
  if (af.notify != CmNotify::kPending && af.notify != CmNotify::kInProgress) return;
  af.notify = CmNotify::kDone;
  af.notify_status = status;
  AdvanceShutdown(*af.port);
}

void CmCore::StartShutdown(CmPort& port) {
  port.state = CmPort::State::kShuttingDown;
  for (CmAf* af : AfsOf(port)) {
    if (af->state == CmAfState::kOpen && af->notify == CmNotify::kNone) NotifyClose(*af);
  }
  AdvanceShutdown(port);
}

void CmCore::AdvanceShutdown(CmPort& port) {
  if (port.state != CmPort::State::kShuttingDown || port.shutdown_finished) return;
  for (CmAf* af : AfsOf(port)) {
    switch (af->state) {
      case CmAfState::kOpening:  // our own open completion is still queued
      case CmAfState::kClosing:  // our own close completion is still due
        return;
      case CmAfState::kOpen:
        // Open after the client answered the notify-close: it refused (an
        // error status, AF-068). Its calls still need this binding (their
        // VCs are deleted through it, AF-105): wait until they are gone.
        if (af->notify != CmNotify::kDone || HasVcs(*af)) return;
        break;
      case CmAfState::kClosed:
        if (af->notify == CmNotify::kInProgress || af->notify == CmNotify::kPending) return;
        break;
      case CmAfState::kFailed:
        break;
    }
  }
  port.shutdown_finished = true;
  OnPortQuiet(port);
}

// ---------------------------------------------------------------------------
// Static thunks: cast the context NDIS passed back, record, dispatch.

NDIS_STATUS CmCore::CoCreateVcThunk(NDIS_HANDLE af_ctx, NDIS_HANDLE ndis_vc, PNDIS_HANDLE out) {
  CmAf* af = static_cast<CmAf*>(af_ctx);
  CmCore* self = af->owner;
  NDIS_STATUS s = self->OnCreateVc(af, ndis_vc, out);
  self->log_.Add(
      logged::ProtocolCoCreateVc{.status = s,
                                 .protocol_af_context = af_ctx,
                                 .ndis_vc_handle = ndis_vc,
                                 .protocol_vc_context = out != nullptr ? *out : nullptr});
  return s;
}

NDIS_STATUS CmCore::CoDeleteVcThunk(NDIS_HANDLE vc_ctx) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  NDIS_STATUS s = vc->owner->OnDeleteVc(*vc);
  vc->owner->log_.Add(logged::ProtocolCoDeleteVc{.status = s, .protocol_vc_context = vc_ctx});
  return s;
}

NDIS_STATUS CmCore::CmOpenAfThunk(NDIS_HANDLE binding_ctx, PCO_ADDRESS_FAMILY af,
                                  NDIS_HANDLE ndis_af, PNDIS_HANDLE out) {
  CmPort* port = static_cast<CmPort*>(binding_ctx);
  CmCore* self = port->owner;
  NDIS_STATUS s = self->OnOpenAf(*port, af, ndis_af, out);
  self->log_.Add(logged::ProtocolCmOpenAf{.status = s,
                                          .call_mgr_binding_context = binding_ctx,
                                          .ndis_af_handle = ndis_af,
                                          .call_mgr_af_context = out != nullptr ? *out : nullptr,
                                          .address_family = af != nullptr ? af->AddressFamily : 0});
  return s;
}

NDIS_STATUS CmCore::CmCloseAfThunk(NDIS_HANDLE af_ctx) {
  CmAf* af = static_cast<CmAf*>(af_ctx);
  CmCore* self = af->owner;
  self->log_.Add(logged::ProtocolCmCloseAf{.call_mgr_af_context = af_ctx});
  NDIS_STATUS s = self->OnCloseAf(*af);
  self->log_.Add(logged::ProtocolCmCloseAfRet{.status = s, .call_mgr_af_context = af_ctx});
  return s;
}

NDIS_STATUS CmCore::CmRegisterSapThunk(NDIS_HANDLE af_ctx, PCO_SAP sap, NDIS_HANDLE ndis_sap,
                                       PNDIS_HANDLE out) {
  CmAf* af = static_cast<CmAf*>(af_ctx);
  CmCore* self = af->owner;
  NDIS_STATUS s = self->OnRegisterSap(*af, sap, ndis_sap, out);
  self->log_.Add(
      logged::ProtocolCmRegisterSap{.status = s,
                                    .call_mgr_af_context = af_ctx,
                                    .ndis_sap_handle = ndis_sap,
                                    .call_mgr_sap_context = out != nullptr ? *out : nullptr,
                                    .sap_type = sap != nullptr ? sap->SapType : 0});
  return s;
}

NDIS_STATUS CmCore::CmDeregisterSapThunk(NDIS_HANDLE sap_ctx) {
  CmSap* sap = static_cast<CmSap*>(sap_ctx);
  CmCore* self = sap->af->owner;
  NDIS_STATUS s = self->OnDeregisterSap(*sap);
  self->log_.Add(logged::ProtocolCmDeregisterSap{.status = s, .call_mgr_sap_context = sap_ctx});
  return s;
}

NDIS_STATUS CmCore::CmMakeCallThunk(NDIS_HANDLE vc_ctx, PCO_CALL_PARAMETERS params,
                                    NDIS_HANDLE party, PNDIS_HANDLE party_ctx) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  CmCore* self = vc->owner;
  self->log_.Add(
      logged::ProtocolCmMakeCall{.call_mgr_vc_context = vc_ctx, .call_mgr_party_context = party});
  // Point-to-multipoint parties are out of scope.
  if (party != nullptr) return NDIS_STATUS_NOT_SUPPORTED;
  NDIS_STATUS s = self->OnMakeCall(*vc, params);
  self->log_.Add(logged::ProtocolCmMakeCallRet{.status = s, .call_mgr_vc_context = vc_ctx});
  return s;
}

NDIS_STATUS CmCore::CmCloseCallThunk(NDIS_HANDLE vc_ctx, NDIS_HANDLE, PVOID, UINT) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  CmCore* self = vc->owner;
  self->log_.Add(logged::ProtocolCmCloseCall{.call_mgr_vc_context = vc_ctx});
  NDIS_STATUS s = self->OnCloseCall(*vc);
  self->log_.Add(logged::ProtocolCmCloseCallRet{.status = s, .call_mgr_vc_context = vc_ctx});
  return s;
}

VOID CmCore::CmIncomingCallCompleteThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx,
                                         PCO_CALL_PARAMETERS params) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolCmIncomingCallComplete{.status = status, .call_mgr_vc_context = vc_ctx});
  vc->owner->OnIncomingCallComplete(status, *vc, params);
}

NDIS_STATUS CmCore::CmAddPartyThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE) {
  return NDIS_STATUS_NOT_SUPPORTED;  // AF-131: present, unsupported
}

NDIS_STATUS CmCore::CmDropPartyThunk(NDIS_HANDLE, PVOID, UINT) { return NDIS_STATUS_NOT_SUPPORTED; }

VOID CmCore::CmActivateVcCompleteThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx,
                                       PCO_CALL_PARAMETERS params) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolCmActivateVcComplete{.status = status, .call_mgr_vc_context = vc_ctx});
  vc->owner->OnActivateVcComplete(status, *vc, params);
}

VOID CmCore::CmDeactivateVcCompleteThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolCmDeactivateVcComplete{.status = status, .call_mgr_vc_context = vc_ctx});
  vc->owner->OnDeactivateVcComplete(status, *vc);
}

NDIS_STATUS CmCore::CmModifyQosThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS CmCore::CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

VOID CmCore::CoOidRequestCompleteThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST,
                                       NDIS_STATUS) {
  // This driver issues no CO OID requests, so there is nothing to complete.
}

VOID CmCore::CmNotifyCloseAfCompleteThunk(NDIS_HANDLE af_ctx, NDIS_STATUS status) {
  CmAf* af = static_cast<CmAf*>(af_ctx);
  af->owner->log_.Add(
      logged::ProtocolCmNotifyCloseAfComplete{.status = status, .call_mgr_af_context = af_ctx});
  af->owner->OnNotifyCloseAfComplete(*af, status);
}

// ---------------------------------------------------------------------------
// Edge (AF-009, AF-110): the family's VC functions; the completions, the
// incoming-call dispatch and notify-close are NdisCm* for both families
// (ndis.h maps the NdisMCm* names onto them).

NDIS_STATUS CmCore::EdgeCreateVc(CmAf& af, CmVc& vc, PNDIS_HANDLE ndis_vc) {
  // AF-101: the AF handle of the SAP's AF, on this driver's binding / adapter.
  return family_.create_vc(af.port->ndis_handle, af.ndis_af, &vc, ndis_vc);
}
NDIS_STATUS CmCore::EdgeDeleteVc(CmVc& vc) { return family_.delete_vc(vc.ndis_vc); }
NDIS_STATUS CmCore::EdgeActivateVc(CmVc& vc, PCO_CALL_PARAMETERS params) {
  return family_.activate_vc(vc.ndis_vc, params);
}
NDIS_STATUS CmCore::EdgeDeactivateVc(CmVc& vc) { return family_.deactivate_vc(vc.ndis_vc); }
void CmCore::EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af) {
  NdisCmOpenAddressFamilyComplete(status, af.ndis_af,
                                  status == NDIS_STATUS_SUCCESS ? &af : nullptr);
}
void CmCore::EdgeCloseAfComplete(CmAf& af) {
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, af.ndis_af);
}
void CmCore::EdgeRegisterSapComplete(NDIS_STATUS status, CmSap& sap) {
  NdisCmRegisterSapComplete(status, sap.ndis_sap, status == NDIS_STATUS_SUCCESS ? &sap : nullptr);
}
void CmCore::EdgeDeregisterSapComplete(CmSap& sap) {
  NdisCmDeregisterSapComplete(NDIS_STATUS_SUCCESS, sap.ndis_sap);
}
void CmCore::EdgeMakeCallComplete(NDIS_STATUS status, CmVc& vc) {
  NdisCmMakeCallComplete(status, vc.ndis_vc, nullptr, nullptr, vc.params);
}
void CmCore::EdgeCloseCallComplete(NDIS_STATUS status, CmVc& vc) {
  NdisCmCloseCallComplete(status, vc.ndis_vc, nullptr);
}
NDIS_STATUS CmCore::EdgeDispatchIncomingCall(CmVc& vc) {
  NDIS_STATUS s = NdisCmDispatchIncomingCall(vc.sap->ndis_sap, vc.ndis_vc, &vc.own_params);
  if (family_.miniport) {
    log_.Add(logged::OwnNdisMCmDispatchIncomingCall{
        .status = s, .ndis_sap_handle = vc.sap->ndis_sap, .ndis_vc_handle = vc.ndis_vc});
  } else {
    log_.Add(logged::OwnNdisCmDispatchIncomingCall{
        .status = s, .ndis_sap_handle = vc.sap->ndis_sap, .ndis_vc_handle = vc.ndis_vc});
  }
  return s;
}
void CmCore::EdgeDispatchCallConnected(CmVc& vc) { NdisCmDispatchCallConnected(vc.ndis_vc); }
NDIS_STATUS CmCore::EdgeNotifyCloseAf(CmAf& af) {
  NDIS_STATUS s = NdisCmNotifyCloseAddressFamily(af.ndis_af);
  if (family_.miniport) {
    log_.Add(logged::OwnNdisMCmNotifyCloseAddressFamily{.status = s, .ndis_af_handle = af.ndis_af});
  } else {
    log_.Add(logged::OwnNdisCmNotifyCloseAddressFamily{.status = s, .ndis_af_handle = af.ndis_af});
  }
  return s;
}

}  // namespace ndisconf::drivers
