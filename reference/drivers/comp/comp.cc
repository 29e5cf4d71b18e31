// Implementation of reference/drivers/comp/comp.h.
#include "reference/drivers/comp/comp.h"

#include "reference/drivers/common/ndis6_characteristics.h"

namespace ndisconf::drivers {

Comp::Comp(Config config, std::string name) : LoggingDriver(std::move(name)), config_(config) {}
Comp::~Comp() = default;

size_t Comp::live_vcs() const {
  size_t n = 0;
  for (const auto& vc : vcs_) n += vc->deleted ? 0 : 1;
  return n;
}

NDIS_MINIPORT_DRIVER_CHARACTERISTICS Comp::MakeMiniportCharacteristics() {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = Ndis6MiniportCharacteristics();
  c.SetOptionsHandler = &SetOptionsThunk;
  c.InitializeHandlerEx = &InitializeThunk;
  c.HaltHandlerEx = &HaltThunk;
  return c;
}

NDIS_MINIPORT_CO_CHARACTERISTICS Comp::MakeMiniportCoCharacteristics() {
  NDIS_MINIPORT_CO_CHARACTERISTICS c = Ndis6MiniportCoCharacteristics();
  c.CoCreateVcHandler = &CoCreateVcThunk;
  c.CoDeleteVcHandler = &CoDeleteVcThunk;
  c.CoActivateVcHandler = &CoActivateVcThunk;
  c.CoDeactivateVcHandler = &CoDeactivateVcThunk;
  c.CoSendNetBufferListsHandler = &CoSendThunk;
  c.CoOidRequestHandler = &CoOidRequestThunk;
  return c;
}

void Comp::FillMiniportCharacteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars) {
  *chars = MakeMiniportCharacteristics();
}
void Comp::FillMiniportCoCharacteristics(NDIS_MINIPORT_CO_CHARACTERISTICS* chars) {
  *chars = MakeMiniportCoCharacteristics();
}

NDIS_STATUS Comp::DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
  FillMiniportCharacteristics(&chars);
  return NdisMRegisterMiniportDriver(driver_object, registry_path, this, &chars, &driver_handle_);
}

NDIS_STATUS Comp::OnInitialize(NDIS_HANDLE miniport_adapter_handle) {
  auto owned = std::make_unique<Adapter>();
  Adapter& adapter = *owned;
  adapter.owner = this;
  adapter.index = adapters_.size();
  adapter.ndis_handle = miniport_adapter_handle;
  adapters_.push_back(std::move(owned));
  NDIS_MINIPORT_ADAPTER_ATTRIBUTES attrs;
  NdisZeroMemory(&attrs, sizeof(attrs));
  attrs.RegistrationAttributes.Header.Type =
      NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  attrs.RegistrationAttributes.Header.Revision =
      NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  attrs.RegistrationAttributes.Header.Size = sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES);
  attrs.RegistrationAttributes.MiniportAdapterContext = &adapter;
  attrs.RegistrationAttributes.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_DESERIALIZE;
  NDIS_STATUS s = NdisMSetMiniportAttributes(miniport_adapter_handle, &attrs);
  if (s != NDIS_STATUS_SUCCESS) return s;
  return config_.initialize_status;
}

NDIS_STATUS Comp::OnCreateVc(Adapter& adapter, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context) {
  // AF-104: never PENDING.
  if (config_.create_vc_status != NDIS_STATUS_SUCCESS) return config_.create_vc_status;
  auto owned = std::make_unique<Vc>();
  owned->adapter = &adapter;
  owned->index = vcs_.size();
  owned->ndis_vc = ndis_vc;
  *vc_context = owned.get();
  vcs_.push_back(std::move(owned));
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Comp::OnDeleteVc(Vc& vc) {
  if (config_.delete_vc_status != NDIS_STATUS_SUCCESS) return config_.delete_vc_status;
  vc.deleted = true;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Comp::OnActivateVc(Vc& vc, PCO_CALL_PARAMETERS params) {
  const OpPolicy& policy = config_.activate_vc;
  vc.params = params;
  if (policy.pends()) {
    Vc* vp = &vc;
    NDIS_STATUS s = policy.status;
    bool queued = deferrer_.Defer(vc.adapter->ndis_handle, [vp, s] {
      vp->active = s == NDIS_STATUS_SUCCESS;
      NdisMCoActivateVcComplete(s, vp->ndis_vc, vp->params);
    });
    if (queued) return NDIS_STATUS_PENDING;
  }
  vc.active = policy.status == NDIS_STATUS_SUCCESS;
  return policy.status;
}

NDIS_STATUS Comp::OnDeactivateVc(Vc& vc) {
  const OpPolicy& policy = config_.deactivate_vc;
  if (policy.pends()) {
    Vc* vp = &vc;
    NDIS_STATUS s = policy.status;
    bool queued = deferrer_.Defer(vc.adapter->ndis_handle, [vp, s] {
      if (s == NDIS_STATUS_SUCCESS) vp->active = false;
      NdisMCoDeactivateVcComplete(s, vp->ndis_vc);
    });
    if (queued) return NDIS_STATUS_PENDING;
  }
  if (policy.status == NDIS_STATUS_SUCCESS) vc.active = false;
  return policy.status;
}

// ---------------------------------------------------------------------------
// Static thunks.

NDIS_STATUS Comp::SetOptionsThunk(NDIS_HANDLE ndis_driver_handle, NDIS_HANDLE driver_ctx) {
  Comp* self = static_cast<Comp*>(driver_ctx);
  NDIS_MINIPORT_CO_CHARACTERISTICS co;
  self->FillMiniportCoCharacteristics(&co);
  NDIS_STATUS s = NdisSetOptionalHandlers(ndis_driver_handle,
                                          reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&co));
  self->log_.Add(logged::MiniportSetOptions{.status = s, .ndis_driver_handle = ndis_driver_handle});
  return s;
}

NDIS_STATUS Comp::InitializeThunk(NDIS_HANDLE miniport_adapter_handle, NDIS_HANDLE driver_ctx,
                                  PNDIS_MINIPORT_INIT_PARAMETERS) {
  Comp* self = static_cast<Comp*>(driver_ctx);
  NDIS_STATUS s = self->OnInitialize(miniport_adapter_handle);
  self->log_.Add(logged::CompMiniportInitializeEx{
      .status = s, .miniport_adapter_handle = miniport_adapter_handle});
  return s;
}

VOID Comp::HaltThunk(NDIS_HANDLE adapter_ctx, NDIS_HALT_ACTION action) {
  Adapter* adapter = static_cast<Adapter*>(adapter_ctx);
  adapter->halted = true;
  adapter->owner->log_.Add(
      logged::MiniportHaltEx{.miniport_adapter_context = adapter_ctx, .halt_action = action});
}

NDIS_STATUS Comp::CoCreateVcThunk(NDIS_HANDLE adapter_ctx, NDIS_HANDLE ndis_vc,
                                  PNDIS_HANDLE vc_context) {
  Adapter* adapter = static_cast<Adapter*>(adapter_ctx);
  Comp* self = adapter->owner;
  NDIS_STATUS s = self->OnCreateVc(*adapter, ndis_vc, vc_context);
  self->log_.Add(logged::MiniportCoCreateVc{
      .status = s, .miniport_adapter_context = adapter_ctx, .ndis_vc_handle = ndis_vc});
  return s;
}

NDIS_STATUS Comp::CoDeleteVcThunk(NDIS_HANDLE vc_ctx) {
  Vc* vc = static_cast<Vc*>(vc_ctx);
  Comp* self = vc->adapter->owner;
  NDIS_STATUS s = self->OnDeleteVc(*vc);
  self->log_.Add(logged::MiniportCoDeleteVc{
      .status = s, .miniport_vc_context = vc_ctx, .ndis_vc_handle = vc->ndis_vc});
  return s;
}

NDIS_STATUS Comp::CoActivateVcThunk(NDIS_HANDLE vc_ctx, PCO_CALL_PARAMETERS params) {
  Vc* vc = static_cast<Vc*>(vc_ctx);
  Comp* self = vc->adapter->owner;
  NDIS_STATUS s = self->OnActivateVc(*vc, params);
  self->log_.Add(logged::MiniportCoActivateVc{
      .status = s, .miniport_vc_context = vc_ctx, .ndis_vc_handle = vc->ndis_vc});
  return s;
}

NDIS_STATUS Comp::CoDeactivateVcThunk(NDIS_HANDLE vc_ctx) {
  Vc* vc = static_cast<Vc*>(vc_ctx);
  Comp* self = vc->adapter->owner;
  NDIS_STATUS s = self->OnDeactivateVc(*vc);
  self->log_.Add(logged::MiniportCoDeactivateVc{
      .status = s, .miniport_vc_context = vc_ctx, .ndis_vc_handle = vc->ndis_vc});
  return s;
}

VOID Comp::CoSendThunk(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {
  // Data transfer is outside the AF lifecycle; nothing is sent.
}

NDIS_STATUS Comp::CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

}  // namespace ndisconf::drivers
