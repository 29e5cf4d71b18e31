// Implementation of reference/drivers/client/client.h, the reference CoNDIS client:
// registration, binding and unbinding, address-family open and close
// (teardown of an AF's SAPs, calls and VCs) and the static thunks NDIS calls.
// SAPs, VCs and calls are in client_calls.cc.
#include "reference/drivers/client/client.h"

#include <algorithm>
#include <vector>

#include "reference/drivers/common/names.h"
#include "reference/drivers/common/ndis6_characteristics.h"

namespace ndisconf::drivers {

namespace {
ClBinding* BindingOf(NDIS_HANDLE ctx) { return static_cast<ClBinding*>(ctx); }
ClAf* AfOf(NDIS_HANDLE ctx) { return static_cast<ClAf*>(ctx); }
ClSap* SapOf(NDIS_HANDLE ctx) { return static_cast<ClSap*>(ctx); }
ClVc* VcOf(NDIS_HANDLE ctx) { return static_cast<ClVc*>(ctx); }
}  // namespace

const char* ToString(ClAfState s) {
  switch (s) {
    case ClAfState::kOpening:
      return "OPENING";
    case ClAfState::kOpen:
      return "OPEN";
    case ClAfState::kClosing:
      return "CLOSING";
    case ClAfState::kClosed:
      return "CLOSED";
    case ClAfState::kFailed:
      return "FAILED";
  }
  return "?";
}

Client::Client(Config config, std::string name)
    : LoggingDriver(std::move(name)), config_(std::move(config)) {}
Client::~Client() = default;

bool Client::Later(ClBinding& binding, std::function<void()> fn) {
  return deferrer_.Defer(binding.ndis_binding, std::move(fn));
}

// ---------------------------------------------------------------------------
// Registration (AF-130, AF-137).

NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Client::MakeProtocolCharacteristics() {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = Ndis6ProtocolCharacteristics();
  c.SetOptionsHandler = &SetOptionsThunk;
  c.BindAdapterHandlerEx = &BindAdapterThunk;
  c.UnbindAdapterHandlerEx = &UnbindAdapterThunk;
  c.OpenAdapterCompleteHandlerEx = &OpenAdapterCompleteThunk;
  c.CloseAdapterCompleteHandlerEx = &CloseAdapterCompleteThunk;
  return c;
}

NDIS_PROTOCOL_CO_CHARACTERISTICS Client::MakeCoCharacteristics() {
  NDIS_PROTOCOL_CO_CHARACTERISTICS c = Ndis6ProtocolCoCharacteristics();
  c.CoAfRegisterNotifyHandler = &CoAfRegisterNotifyThunk;  // AF-023: fully functional
  return c;
}

NDIS_CO_CLIENT_OPTIONAL_HANDLERS Client::MakeClientHandlers() {
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS h;
  NdisZeroMemory(&h, sizeof(h));
  h.Header.Type = NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS;
  h.Header.Revision = NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
  h.Header.Size = NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
  // AF-130: every member, even for features this client does not support.
  h.ClCreateVcHandler = &ClCreateVcThunk;
  h.ClDeleteVcHandler = &ClDeleteVcThunk;
  h.ClOidRequestHandler = &ClOidRequestThunk;
  h.ClOidRequestCompleteHandler = &ClOidRequestCompleteThunk;
  h.ClOpenAfCompleteHandlerEx = &ClOpenAfCompleteThunk;
  h.ClCloseAfCompleteHandler = &ClCloseAfCompleteThunk;
  h.ClRegisterSapCompleteHandler = &ClRegisterSapCompleteThunk;
  h.ClDeregisterSapCompleteHandler = &ClDeregisterSapCompleteThunk;
  h.ClMakeCallCompleteHandler = &ClMakeCallCompleteThunk;
  h.ClModifyCallQoSCompleteHandler = &ClModifyQosCompleteThunk;
  h.ClCloseCallCompleteHandler = &ClCloseCallCompleteThunk;
  h.ClAddPartyCompleteHandler = &ClAddPartyCompleteThunk;
  h.ClDropPartyCompleteHandler = &ClDropPartyCompleteThunk;
  h.ClIncomingCallHandler = &ClIncomingCallThunk;
  h.ClIncomingCallQoSChangeHandler = &ClIncomingCallQosChangeThunk;
  h.ClIncomingCloseCallHandler = &ClIncomingCloseCallThunk;
  h.ClIncomingDropPartyHandler = &ClIncomingDropPartyThunk;
  h.ClCallConnectedHandler = &ClCallConnectedThunk;
  h.ClNotifyCloseAfHandler = &ClNotifyCloseAfThunk;
  return h;
}

void Client::FillProtocolCharacteristics(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars) {
  *chars = MakeProtocolCharacteristics();
}
void Client::FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars) {
  *chars = MakeCoCharacteristics();
}
void Client::FillClientHandlers(NDIS_CO_CLIENT_OPTIONAL_HANDLERS* handlers) {
  *handlers = MakeClientHandlers();
}

NDIS_STATUS Client::DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS chars;
  FillProtocolCharacteristics(&chars);
  chars.Name = MakeNdisString(name(), name_buffer_);
  return NdisRegisterProtocolDriver(this, &chars, &protocol_handle_);
}

NDIS_STATUS Client::OnSetOptions(NDIS_HANDLE ndis_driver_handle) {
  NDIS_PROTOCOL_CO_CHARACTERISTICS co;
  FillCoCharacteristics(&co);
  NDIS_STATUS s = NdisSetOptionalHandlers(ndis_driver_handle,
                                          reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&co));
  if (s != NDIS_STATUS_SUCCESS) return s;
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS cl;
  FillClientHandlers(&cl);
  return NdisSetOptionalHandlers(ndis_driver_handle,
                                 reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&cl));
}

// ---------------------------------------------------------------------------
// Binding and unbinding.

NDIS_STATUS Client::OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params) {
  auto owned = std::make_unique<ClBinding>();
  ClBinding& b = *owned;
  b.owner = this;
  b.index = bindings_.size();
  b.bind_context = bind_context;
  bindings_.push_back(std::move(owned));
  NDIS_OPEN_PARAMETERS open = Ndis6OpenParameters(params, config_.media, &b.selected_medium);
  NDIS_STATUS s = NdisOpenAdapterEx(protocol_handle_, &b, &open, bind_context, &b.ndis_binding);
  if (s == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING;
  b.state = s == NDIS_STATUS_SUCCESS ? ClBinding::State::kBound : ClBinding::State::kDown;
  return s;
}

void Client::OnOpenAdapterComplete(ClBinding& b, NDIS_STATUS status) {
  b.state = status == NDIS_STATUS_SUCCESS ? ClBinding::State::kBound : ClBinding::State::kDown;
  NdisCompleteBindAdapterEx(b.bind_context, status);
}

NDIS_STATUS Client::OnUnbindAdapter(NDIS_HANDLE unbind_context, ClBinding& b) {
  // AF-120: close every AF this client has open on the binding (with the
  // AF-050 steps first), then NdisCloseAdapterEx. AF-122: not refusable.
  b.unbind_context = unbind_context;
  b.state = ClBinding::State::kUnbinding;
  b.deferred_opens.clear();  // offered but never opened: nothing to close
  b.unbind_inline = true;
  // Claim every open AF for tear-down before starting any: a tear-down that
  // finishes at once (each step synchronous) ends in AdvanceUnbind, which
  // must then see the AFs not yet started as still to close, not an idle
  // binding. Each AF's own completions (sync or pended) advance it; the
  // last one to finish closes the binding.
  std::vector<ClAf*> to_close;
  for (auto& af : afs_) {
    if (af->binding == &b && af->state == ClAfState::kOpen && !af->teardown) {
      af->teardown = true;
      to_close.push_back(af.get());
    }
  }
  for (ClAf* af : to_close) Advance(*af);
  AdvanceUnbind(b);
  b.unbind_inline = false;
  return b.state == ClBinding::State::kDown ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

void Client::AdvanceUnbind(ClBinding& b) {
  if (b.state != ClBinding::State::kUnbinding) return;
  // AF-120: NdisCloseAdapterEx only once no AF on the binding is opening,
  // closing or still to be torn down. An AF left open here had its close
  // refused (AF-057 / OQ-07) or its notify-close answered with an error
  // (AF-068): the unbind cannot wait for it (AF-122).
  for (auto& af : afs_) {
    if (af->binding != &b) continue;
    // Opens still pending are torn down once they complete (OnOpenAfComplete).
    if (af->state == ClAfState::kOpening || af->state == ClAfState::kClosing || af->teardown ||
        af->notify_active) {
      return;
    }
  }
  b.state = ClBinding::State::kClosing;
  // AF-123: the binding handle is not used after this call.
  NDIS_STATUS s = NdisCloseAdapterEx(b.ndis_binding);
  log_.Add(logged::OwnNdisCloseAdapterEx{.status = s, .ndis_binding_handle = b.ndis_binding});
  if (s != NDIS_STATUS_PENDING) FinishUnbind(b);
}

void Client::OnCloseAdapterComplete(ClBinding& b) {
  if (b.state == ClBinding::State::kClosing) FinishUnbind(b);
}

void Client::FinishUnbind(ClBinding& b) {
  b.state = ClBinding::State::kDown;
  if (!b.unbind_inline) NdisCompleteUnbindAdapterEx(b.unbind_context);  // AF-122
}

// ---------------------------------------------------------------------------
// Open (AF-026, AF-030, AF-039).

void Client::OnAfRegisterNotify(ClBinding& b, PCO_ADDRESS_FAMILY family) {
  if (family == nullptr || b.state != ClBinding::State::kBound) return;
  // AF-026: examine the AF; an unacceptable one is simply not opened.
  if (std::find(config_.accept.begin(), config_.accept.end(), family->AddressFamily) ==
      config_.accept.end()) {
    return;
  }
  // AF-040: while an open on this binding is pending, start no other CO
  // operation on it; this AF is opened once that open has completed.
  if (OpenPending(b)) {
    b.deferred_opens.push_back(*family);
    return;
  }
  OpenAf(b, *family);
}

bool Client::OpenPending(const ClBinding& b) const {
  for (const auto& af : afs_) {
    if (af->binding == &b && af->state == ClAfState::kOpening) return true;
  }
  return false;
}

void Client::OpenAf(ClBinding& b, const CO_ADDRESS_FAMILY& family) {
  // AF-030: a per-AF context for this open.
  auto owned = std::make_unique<ClAf>();
  ClAf& af = *owned;
  af.owner = this;
  af.binding = &b;
  af.index = afs_.size();
  af.af = family;
  afs_.push_back(std::move(owned));
  NDIS_HANDLE ndis_af = nullptr;
  NDIS_STATUS s = NdisClOpenAddressFamilyEx(b.ndis_binding, &af.af, &af, &ndis_af);
  log_.Add(logged::OwnNdisClOpenAddressFamilyEx{.status = s,
                                                .client_af_context = &af,
                                                .ndis_af_handle = ndis_af,
                                                .address_family = af.af.AddressFamily});
  // AF-039: NDIS calls ProtocolClOpenAfCompleteEx only after PENDING; any
  // other return runs the client's own completion logic here.
  if (s != NDIS_STATUS_PENDING)
    OnOpenAfComplete(af, s == NDIS_STATUS_SUCCESS ? ndis_af : nullptr, s);
}

// Opens the AFs offered while another open was pending (AF-040), one at a
// time: each pended open stops the loop, and its completion resumes it.
void Client::OpenDeferred(ClBinding& b) {
  while (b.state == ClBinding::State::kBound && !b.deferred_opens.empty() && !OpenPending(b)) {
    const CO_ADDRESS_FAMILY family = b.deferred_opens.front();
    b.deferred_opens.erase(b.deferred_opens.begin());
    OpenAf(b, family);
  }
}

void Client::OnOpenAfComplete(ClAf& af, NDIS_HANDLE ndis_af, NDIS_STATUS status) {
  if (af.state != ClAfState::kOpening) return;
  af.open_status = status;
  ClBinding& b = *af.binding;
  if (status != NDIS_STATUS_SUCCESS) {
    af.state = ClAfState::kFailed;  // AF-038: the context is ours again
    if (config_.unbind_on_open_failure && b.state == ClBinding::State::kBound) {
      NdisUnbindAdapter(b.ndis_binding);  // AF-041
    }
    AdvanceUnbind(b);
    OpenDeferred(b);
    return;
  }
  af.ndis_af = ndis_af;  // AF-037: save the handle
  af.state = ClAfState::kOpen;
  // Unbinding, or a notify-close that arrived before this completion (NDIS
  // may deliver it first once the CM has completed the open): tear down now;
  // the notify, pended meanwhile, completes at the end (AF-065).
  if (b.state == ClBinding::State::kUnbinding || af.teardown) {
    StartTeardown(af);
    return;
  }
  AfterOpen(af);
  OpenDeferred(b);
}

void Client::AfterOpen(ClAf& af) {
  // AF-080: register SAPs from the open completion; AF-101: create VCs.
  for (const SapSpec& spec : config_.saps_after_open) {
    if (af.state != ClAfState::kOpen) return;
    (void)RegisterSap(af.index, spec);
  }
  for (size_t i = 0; i < config_.vcs_after_open; ++i) {
    if (af.state != ClAfState::kOpen) return;
    size_t vc = 0;
    if (CreateVc(af.index, &vc) == NDIS_STATUS_SUCCESS && config_.make_calls_after_open) {
      (void)MakeCall(vc);
    }
  }
}

// ---------------------------------------------------------------------------
// Close and notify-close.

NDIS_STATUS Client::CloseAf(size_t index) {
  if (index >= afs_.size()) return NDIS_STATUS_FAILURE;
  ClAf& af = *afs_[index];
  if (af.state != ClAfState::kOpen) return NDIS_STATUS_FAILURE;  // AF-056
  af.state = ClAfState::kClosing;
  NDIS_STATUS s = NdisClCloseAddressFamily(af.ndis_af);
  log_.Add(logged::OwnNdisClCloseAddressFamily{
      .status = s, .client_af_context = &af, .ndis_af_handle = af.ndis_af});
  // AF-060: own completion when the close did not pend.
  if (s != NDIS_STATUS_PENDING) OnCloseAfComplete(af, s);
  return s;
}

void Client::OnCloseAfComplete(ClAf& af, NDIS_STATUS status) {
  if (af.state != ClAfState::kClosing) return;
  af.close_status = status;
  // AF-057 / OQ-07: after a failed close the AF stays open.
  af.state = status == NDIS_STATUS_SUCCESS ? ClAfState::kClosed : ClAfState::kOpen;
  if (af.teardown) {
    FinishTeardown(af, status);
  } else {
    AdvanceUnbind(*af.binding);
  }
}

void Client::TearDownAf(size_t index) {
  if (index < afs_.size() && afs_[index]->state == ClAfState::kOpen) StartTeardown(*afs_[index]);
}

void Client::StartTeardown(ClAf& af) {
  af.teardown = true;
  Advance(af);
}

void Client::Advance(ClAf& af) {
  if (af.advancing) {
    af.advance_again = true;
    return;
  }
  af.advancing = true;
  do {
    af.advance_again = false;
    if (af.teardown) Step(af);
  } while (af.advance_again);
  af.advancing = false;
}

// One pass over the AF-050 steps; returns when a step must wait.
void Client::Step(ClAf& af) {
  if (af.state == ClAfState::kClosing || af.state == ClAfState::kOpening) return;
  if (af.state != ClAfState::kOpen) {
    FinishTeardown(af, af.state == ClAfState::kClosed ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
    return;
  }
  bool wait = false;
  // (1) Parties: none (point-to-multipoint is out of scope).
  // (2) Close every call on the AF, then delete the VCs this client created.
  for (auto& vcp : vcs_) {
    ClVc& vc = *vcp;
    if (vc.af != &af) continue;
    if (vc.state == ClVcState::kActive) (void)CloseCall(vc.index);
    if (vc.own && (vc.state == ClVcState::kCreated || vc.state == ClVcState::kInactive)) {
      (void)DeleteVc(vc.index);
    }
    // CM-created VCs are the CM's to delete (AF-105): wait for its
    // ProtocolCoDeleteVc. Calls in flight: wait for their completion.
    if (vc.state != ClVcState::kDeleted) wait = true;
  }
  if (wait) return;
  // (3) Deregister every SAP.
  for (auto& sp : saps_) {
    ClSap& sap = *sp;
    if (sap.af != &af) continue;
    if (sap.state == ClSapState::kRegistered) (void)DeregisterSap(sap.index);
    if (sap.state == ClSapState::kRegistering || sap.state == ClSapState::kDeregistering) {
      wait = true;
    }
  }
  if (wait) return;
  // (4) Close the AF.
  (void)CloseAf(af.index);
}

void Client::FinishTeardown(ClAf& af, NDIS_STATUS status) {
  af.teardown = false;
  if (af.notify_active) {
    if (af.in_notify) {
      af.notify_result = status;  // returned by ProtocolClNotifyCloseAf itself
    } else {
      af.notify_active = false;
      af.notify_result = status;
      // AF-065 / AF-066: complete the pended notify-close; the AF handle may
      // be used here although the AF is closed.
      NdisClNotifyCloseAddressFamilyComplete(af.ndis_af, status);
      log_.Add(logged::OwnNdisClNotifyCloseAddressFamilyComplete{
          .status = status, .client_af_context = &af, .ndis_af_handle = af.ndis_af});
    }
  }
  AdvanceUnbind(*af.binding);
}

NDIS_STATUS Client::OnNotifyCloseAf(ClAf& af) {
  const OpPolicy& policy = config_.notify_close;
  // AF-068: a client may answer with an error (and keep the AF).
  if (policy.status != NDIS_STATUS_SUCCESS) return policy.status;
  af.notify_active = true;
  if (policy.pends()) {
    ClAf* afp = &af;
    if (Later(*af.binding, [this, afp] { StartTeardown(*afp); })) {
      af.notify_pended = true;
      return NDIS_STATUS_PENDING;
    }
  }
  // AF-064: the AF-050 steps, ending with NdisClCloseAddressFamily.
  af.in_notify = true;
  af.teardown = true;
  Advance(af);
  af.in_notify = false;
  if (!af.teardown) {
    af.notify_active = false;
    AdvanceUnbind(*af.binding);
    return af.notify_result;
  }
  // Some step pended: finish later and complete the notify (AF-065).
  af.notify_pended = true;
  return NDIS_STATUS_PENDING;
}

// ---------------------------------------------------------------------------
// Static thunks: cast the context NDIS passed back, record, dispatch.

NDIS_STATUS Client::SetOptionsThunk(NDIS_HANDLE ndis_driver_handle, NDIS_HANDLE driver_ctx) {
  Client* self = static_cast<Client*>(driver_ctx);
  NDIS_STATUS s = self->OnSetOptions(ndis_driver_handle);
  self->log_.Add(logged::ProtocolSetOptions{.status = s, .ndis_driver_handle = ndis_driver_handle});
  return s;
}

NDIS_STATUS Client::BindAdapterThunk(NDIS_HANDLE driver_ctx, NDIS_HANDLE bind_context,
                                     PNDIS_BIND_PARAMETERS params) {
  Client* self = static_cast<Client*>(driver_ctx);
  NDIS_STATUS s = self->OnBindAdapter(bind_context, params);
  self->log_.Add(logged::ClientProtocolBindAdapterEx{.status = s, .bind_context = bind_context});
  return s;
}

NDIS_STATUS Client::UnbindAdapterThunk(NDIS_HANDLE unbind_context, NDIS_HANDLE binding_ctx) {
  ClBinding* b = BindingOf(binding_ctx);
  b->owner->log_.Add(logged::ProtocolUnbindAdapterEx{.unbind_context = unbind_context,
                                                     .protocol_binding_context = binding_ctx});
  NDIS_STATUS s = b->owner->OnUnbindAdapter(unbind_context, *b);
  b->owner->log_.Add(logged::ProtocolUnbindAdapterExRet{
      .status = s, .unbind_context = unbind_context, .protocol_binding_context = binding_ctx});
  return s;
}

VOID Client::OpenAdapterCompleteThunk(NDIS_HANDLE binding_ctx, NDIS_STATUS status) {
  ClBinding* b = BindingOf(binding_ctx);
  b->owner->log_.Add(logged::ProtocolOpenAdapterCompleteEx{
      .status = status, .protocol_binding_context = binding_ctx});
  b->owner->OnOpenAdapterComplete(*b, status);
}

VOID Client::CloseAdapterCompleteThunk(NDIS_HANDLE binding_ctx) {
  ClBinding* b = BindingOf(binding_ctx);
  b->owner->log_.Add(
      logged::ProtocolCloseAdapterCompleteEx{.protocol_binding_context = binding_ctx});
  b->owner->OnCloseAdapterComplete(*b);
}

VOID Client::CoAfRegisterNotifyThunk(NDIS_HANDLE binding_ctx, PCO_ADDRESS_FAMILY af) {
  ClBinding* b = BindingOf(binding_ctx);
  b->owner->log_.Add(
      logged::ProtocolCoAfRegisterNotify{.protocol_binding_context = binding_ctx,
                                         .address_family = af != nullptr ? af->AddressFamily : 0});
  b->owner->OnAfRegisterNotify(*b, af);
}

NDIS_STATUS Client::ClCreateVcThunk(NDIS_HANDLE af_ctx, NDIS_HANDLE ndis_vc, PNDIS_HANDLE out) {
  ClAf* af = AfOf(af_ctx);
  NDIS_STATUS s = af->owner->OnCreateVc(*af, ndis_vc, out);
  af->owner->log_.Add(
      logged::ProtocolCoCreateVc{.status = s,
                                 .protocol_af_context = af_ctx,
                                 .ndis_vc_handle = ndis_vc,
                                 .protocol_vc_context = out != nullptr ? *out : nullptr});
  return s;
}

NDIS_STATUS Client::ClDeleteVcThunk(NDIS_HANDLE vc_ctx) {
  ClVc* vc = VcOf(vc_ctx);
  NDIS_STATUS s = vc->owner->OnDeleteVc(*vc);
  vc->owner->log_.Add(logged::ProtocolCoDeleteVc{.status = s, .protocol_vc_context = vc_ctx});
  return s;
}

NDIS_STATUS Client::ClOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;  // AF-130: present, unsupported
}

VOID Client::ClOidRequestCompleteThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST,
                                       NDIS_STATUS) {}

VOID Client::ClOpenAfCompleteThunk(NDIS_HANDLE af_ctx, NDIS_HANDLE ndis_af, NDIS_STATUS status) {
  ClAf* af = AfOf(af_ctx);
  af->owner->log_.Add(logged::ProtocolClOpenAfCompleteEx{
      .status = status, .client_af_context = af_ctx, .ndis_af_handle = ndis_af});
  af->owner->OnOpenAfComplete(*af, ndis_af, status);
}

VOID Client::ClCloseAfCompleteThunk(NDIS_STATUS status, NDIS_HANDLE af_ctx) {
  ClAf* af = AfOf(af_ctx);
  af->owner->log_.Add(
      logged::ProtocolClCloseAfComplete{.status = status, .client_af_context = af_ctx});
  af->owner->OnCloseAfComplete(*af, status);
}

VOID Client::ClRegisterSapCompleteThunk(NDIS_STATUS status, NDIS_HANDLE sap_ctx, PCO_SAP,
                                        NDIS_HANDLE ndis_sap) {
  ClSap* sap = SapOf(sap_ctx);
  Client* self = sap->af->owner;
  self->log_.Add(logged::ProtocolClRegisterSapComplete{
      .status = status, .client_sap_context = sap_ctx, .ndis_sap_handle = ndis_sap});
  self->OnRegisterSapComplete(*sap, ndis_sap, status);
}

VOID Client::ClDeregisterSapCompleteThunk(NDIS_STATUS status, NDIS_HANDLE sap_ctx) {
  ClSap* sap = SapOf(sap_ctx);
  Client* self = sap->af->owner;
  self->log_.Add(
      logged::ProtocolClDeregisterSapComplete{.status = status, .client_sap_context = sap_ctx});
  self->OnDeregisterSapComplete(*sap, status);
}

VOID Client::ClMakeCallCompleteThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx, NDIS_HANDLE,
                                     PCO_CALL_PARAMETERS) {
  ClVc* vc = VcOf(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolClMakeCallComplete{.status = status, .client_vc_context = vc_ctx});
  vc->owner->OnMakeCallComplete(*vc, status);
}

VOID Client::ClModifyQosCompleteThunk(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}

VOID Client::ClCloseCallCompleteThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx, NDIS_HANDLE) {
  ClVc* vc = VcOf(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolClCloseCallComplete{.status = status, .client_vc_context = vc_ctx});
  vc->owner->OnCloseCallComplete(*vc, status);
}

VOID Client::ClAddPartyCompleteThunk(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
VOID Client::ClDropPartyCompleteThunk(NDIS_STATUS, NDIS_HANDLE) {}

NDIS_STATUS Client::ClIncomingCallThunk(NDIS_HANDLE sap_ctx, NDIS_HANDLE vc_ctx,
                                        PCO_CALL_PARAMETERS params) {
  ClSap* sap = SapOf(sap_ctx);
  ClVc* vc = VcOf(vc_ctx);
  Client* self = sap->af->owner;
  NDIS_STATUS s = self->OnIncomingCall(*sap, *vc, params);
  self->log_.Add(logged::ProtocolClIncomingCall{
      .status = s, .client_sap_context = sap_ctx, .client_vc_context = vc_ctx});
  return s;
}

VOID Client::ClIncomingCallQosChangeThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS) {}

VOID Client::ClIncomingCloseCallThunk(NDIS_STATUS status, NDIS_HANDLE vc_ctx, PVOID, UINT) {
  ClVc* vc = VcOf(vc_ctx);
  vc->owner->log_.Add(
      logged::ProtocolClIncomingCloseCall{.close_status = status, .client_vc_context = vc_ctx});
  // The remote side hung up: the client answers with its own close-call.
  if (vc->state == ClVcState::kActive) (void)vc->owner->CloseCall(vc->index);
}

VOID Client::ClIncomingDropPartyThunk(NDIS_STATUS, NDIS_HANDLE, PVOID, UINT) {}

VOID Client::ClCallConnectedThunk(NDIS_HANDLE vc_ctx) {
  ClVc* vc = VcOf(vc_ctx);
  vc->connected = true;
  vc->owner->log_.Add(logged::ProtocolClCallConnected{.client_vc_context = vc_ctx});
}

NDIS_STATUS Client::ClNotifyCloseAfThunk(NDIS_HANDLE af_ctx) {
  ClAf* af = AfOf(af_ctx);
  af->owner->log_.Add(logged::ProtocolClNotifyCloseAf{.client_af_context = af_ctx});
  NDIS_STATUS s = af->owner->OnNotifyCloseAf(*af);
  af->owner->log_.Add(logged::ProtocolClNotifyCloseAfRet{.status = s, .client_af_context = af_ctx});
  return s;
}

}  // namespace ndisconf::drivers
