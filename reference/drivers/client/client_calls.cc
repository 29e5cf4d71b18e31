// Part of Client (reference/drivers/client/client.h): SAP registration and
// deregistration, VC creation and deletion, outgoing and incoming calls.
#include <algorithm>
#include <vector>

#include "reference/drivers/client/client.h"
#include "reference/drivers/common/names.h"

namespace ndisconf::drivers {

// ---------------------------------------------------------------------------
// SAPs.

NDIS_STATUS Client::RegisterSap(size_t af_index, const SapSpec& spec, size_t* sap_index) {
  if (af_index >= afs_.size()) return NDIS_STATUS_FAILURE;
  ClAf& af = *afs_[af_index];
  if (af.state != ClAfState::kOpen || af.teardown) return NDIS_STATUS_FAILURE;  // AF-056
  auto owned = std::make_unique<ClSap>();
  ClSap& sap = *owned;
  sap.af = &af;
  sap.index = saps_.size();
  sap.sap = SapBuffer(spec.type, spec.bytes);
  saps_.push_back(std::move(owned));
  if (sap_index != nullptr) *sap_index = sap.index;
  NDIS_HANDLE ndis_sap = nullptr;
  NDIS_STATUS s = NdisClRegisterSap(af.ndis_af, &sap, sap.sap.get(), &ndis_sap);
  log_.Add(logged::OwnNdisClRegisterSap{
      .status = s, .client_sap_context = &sap, .ndis_sap_handle = ndis_sap, .sap_type = spec.type});
  // AF-087: own completion when the registration did not pend.
  if (s != NDIS_STATUS_PENDING)
    OnRegisterSapComplete(sap, s == NDIS_STATUS_SUCCESS ? ndis_sap : nullptr, s);
  return s;
}

void Client::OnRegisterSapComplete(ClSap& sap, NDIS_HANDLE ndis_sap, NDIS_STATUS status) {
  if (sap.state != ClSapState::kRegistering) return;
  sap.register_status = status;
  if (status == NDIS_STATUS_SUCCESS) {
    sap.state = ClSapState::kRegistered;
    sap.ndis_sap = ndis_sap;
  } else {
    sap.state = ClSapState::kFailed;
  }
  Advance(*sap.af);
}

NDIS_STATUS Client::DeregisterSap(size_t index) {
  if (index >= saps_.size()) return NDIS_STATUS_FAILURE;
  ClSap& sap = *saps_[index];
  if (sap.state != ClSapState::kRegistered) return NDIS_STATUS_FAILURE;  // AF-089
  sap.state = ClSapState::kDeregistering;
  NDIS_STATUS s = NdisClDeregisterSap(sap.ndis_sap);
  log_.Add(logged::OwnNdisClDeregisterSap{
      .status = s, .client_sap_context = &sap, .ndis_sap_handle = sap.ndis_sap});
  if (s != NDIS_STATUS_PENDING) OnDeregisterSapComplete(sap, s);  // OQ-17
  return s;
}

void Client::OnDeregisterSapComplete(ClSap& sap, NDIS_STATUS status) {
  if (sap.state != ClSapState::kDeregistering) return;
  // AF-091: SUCCESS, or FAILURE because the SAP was already released; any
  // other status is the CM's and the SAP remains.
  bool gone = status == NDIS_STATUS_SUCCESS || status == NDIS_STATUS_FAILURE;
  sap.state = gone ? ClSapState::kDeregistered : ClSapState::kRegistered;
  Advance(*sap.af);
}

// ---------------------------------------------------------------------------
// VCs and calls.

NDIS_STATUS Client::CreateVc(size_t af_index, size_t* vc_index) {
  if (af_index >= afs_.size()) return NDIS_STATUS_FAILURE;
  ClAf& af = *afs_[af_index];
  if (af.state != ClAfState::kOpen || af.teardown) return NDIS_STATUS_FAILURE;  // AF-056
  auto owned = std::make_unique<ClVc>();
  ClVc& vc = *owned;
  vc.owner = this;
  vc.af = &af;
  vc.index = vcs_.size();
  vc.own = true;
  vcs_.push_back(std::move(owned));
  if (vc_index != nullptr) *vc_index = vc.index;
  NDIS_HANDLE ndis_vc = nullptr;  // AF-100: NULL on entry
  // AF-101: a client passes its NdisAfHandle.
  NDIS_STATUS s = NdisCoCreateVc(af.binding->ndis_binding, af.ndis_af, &vc, &ndis_vc);
  log_.Add(
      logged::OwnNdisCoCreateVc{.status = s, .client_vc_context = &vc, .ndis_vc_handle = ndis_vc});
  if (s == NDIS_STATUS_SUCCESS) {
    vc.ndis_vc = ndis_vc;
  } else {
    vc.state = ClVcState::kDeleted;
  }
  return s;
}

NDIS_STATUS Client::DeleteVc(size_t index) {
  if (index >= vcs_.size()) return NDIS_STATUS_FAILURE;
  ClVc& vc = *vcs_[index];
  // AF-105: only the creator deletes; AF-106: only without a call.
  if (!vc.own || (vc.state != ClVcState::kCreated && vc.state != ClVcState::kInactive)) {
    return NDIS_STATUS_FAILURE;
  }
  NDIS_STATUS s = NdisCoDeleteVc(vc.ndis_vc);
  log_.Add(logged::OwnNdisCoDeleteVc{
      .status = s, .client_vc_context = &vc, .ndis_vc_handle = vc.ndis_vc});
  if (s == NDIS_STATUS_SUCCESS) {
    vc.state = ClVcState::kDeleted;  // AF-107: the handle is now invalid
    Advance(*vc.af);
  }
  return s;
}

NDIS_STATUS Client::MakeCall(size_t index) {
  if (index >= vcs_.size()) return NDIS_STATUS_FAILURE;
  ClVc& vc = *vcs_[index];
  if (!vc.own || (vc.state != ClVcState::kCreated && vc.state != ClVcState::kInactive)) {
    return NDIS_STATUS_FAILURE;
  }
  vc.state = ClVcState::kCalling;
  NdisZeroMemory(&vc.params, sizeof(vc.params));
  NDIS_STATUS s = NdisClMakeCall(vc.ndis_vc, &vc.params, nullptr, nullptr);
  log_.Add(logged::OwnNdisClMakeCall{
      .status = s, .client_vc_context = &vc, .ndis_vc_handle = vc.ndis_vc});
  if (s != NDIS_STATUS_PENDING) OnMakeCallComplete(vc, s);
  return s;
}

void Client::OnMakeCallComplete(ClVc& vc, NDIS_STATUS status) {
  if (vc.state != ClVcState::kCalling) return;
  vc.call_status = status;
  vc.state = status == NDIS_STATUS_SUCCESS ? ClVcState::kActive : ClVcState::kCreated;
  if (vc.af->teardown) Advance(*vc.af);
}

NDIS_STATUS Client::CloseCall(size_t index) {
  if (index >= vcs_.size()) return NDIS_STATUS_FAILURE;
  ClVc& vc = *vcs_[index];
  if (vc.state != ClVcState::kActive) return NDIS_STATUS_FAILURE;
  vc.state = ClVcState::kClosing;
  NDIS_STATUS s = NdisClCloseCall(vc.ndis_vc, nullptr, nullptr, 0);
  log_.Add(logged::OwnNdisClCloseCall{
      .status = s, .client_vc_context = &vc, .ndis_vc_handle = vc.ndis_vc});
  if (s != NDIS_STATUS_PENDING) OnCloseCallComplete(vc, s);
  return s;
}

void Client::OnCloseCallComplete(ClVc& vc, NDIS_STATUS status) {
  if (vc.state != ClVcState::kClosing) return;
  vc.state = status == NDIS_STATUS_SUCCESS ? ClVcState::kInactive : ClVcState::kActive;
  Advance(*vc.af);
}

NDIS_STATUS Client::OnCreateVc(ClAf& af, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context) {
  // A VC the CM creates for an incoming call (AF-093, AF-103). Never PENDING (AF-104).
  auto owned = std::make_unique<ClVc>();
  ClVc& vc = *owned;
  vc.owner = this;
  vc.af = &af;
  vc.index = vcs_.size();
  vc.ndis_vc = ndis_vc;
  vcs_.push_back(std::move(owned));
  if (config_.create_vc_status != NDIS_STATUS_SUCCESS) {
    vc.state = ClVcState::kDeleted;
    return config_.create_vc_status;
  }
  *vc_context = &vc;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Client::OnDeleteVc(ClVc& vc) {
  if (config_.delete_vc_status != NDIS_STATUS_SUCCESS) return config_.delete_vc_status;
  vc.state = ClVcState::kDeleted;  // AF-108: our copy of the handle is now invalid
  // AF-050: the VC is on the AF until the call manager's NdisCoDeleteVc
  // returns, so a tear-down waiting for it continues from a work item, not
  // from inside this handler. Without a work item it continues here.
  ClAf* af = vc.af;
  if (!af->teardown || !Later(*af->binding, [this, af] { Advance(*af); })) Advance(*af);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Client::OnIncomingCall(ClSap& sap, ClVc& vc, PCO_CALL_PARAMETERS params) {
  vc.sap = &sap;
  // An AF being closed (notify-close or unbind) takes no new call: rejected,
  // the call manager deletes the VC it made (AF-105) and the tear-down,
  // which waits for that, goes on.
  if (vc.af->teardown || vc.af->notify_active ||
      vc.af->binding->state == ClBinding::State::kUnbinding) {
    vc.call_status = NDIS_STATUS_FAILURE;
    return NDIS_STATUS_FAILURE;
  }
  const OpPolicy& policy = config_.incoming_call;
  if (policy.pends()) {
    ClVc* vp = &vc;
    NDIS_STATUS s = policy.status;
    bool queued = Later(*vc.af->binding, [this, vp, s, params] {
      // The AF began closing while the answer was pending: reject, as
      // above; the CM deletes its VC and the tear-down waiting for that
      // goes on (AF-105, AF-065).
      const ClAf& af = *vp->af;
      const NDIS_STATUS answer =
          af.teardown || af.notify_active || af.binding->state == ClBinding::State::kUnbinding
              ? NDIS_STATUS_FAILURE
              : s;
      vp->call_status = answer;
      if (answer == NDIS_STATUS_SUCCESS) vp->state = ClVcState::kActive;
      NdisClIncomingCallComplete(answer, vp->ndis_vc, params);
      log_.Add(logged::OwnNdisClIncomingCallComplete{
          .status = answer, .client_vc_context = vp, .ndis_vc_handle = vp->ndis_vc});
    });
    if (queued) return NDIS_STATUS_PENDING;
  }
  vc.call_status = policy.status;
  if (policy.status == NDIS_STATUS_SUCCESS) vc.state = ClVcState::kActive;
  return policy.status;
}

}  // namespace ndisconf::drivers
