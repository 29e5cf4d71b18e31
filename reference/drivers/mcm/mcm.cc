// Implementation of reference/drivers/mcm/mcm.h: the miniport half of the
// reference MCM. The call-manager handlers are CmCore's.
#include "reference/drivers/mcm/mcm.h"

#include "reference/drivers/common/ndis6_characteristics.h"

namespace ndisconf::drivers {

namespace {
CmPort* AdapterOf(NDIS_HANDLE adapter_ctx) { return static_cast<CmPort*>(adapter_ctx); }
Mcm* OwnerOf(NDIS_HANDLE adapter_ctx) { return static_cast<Mcm*>(AdapterOf(adapter_ctx)->owner); }
}  // namespace

// AF-009, AF-110: an MCM uses the NdisMCm* forms for its VCs (the other
// NdisMCm* names are macros of the NdisCm* functions, ndis.h).
constexpr CmCallFamily kMiniportCmFamily = {
    &NdisMCmCreateVc,  &NdisMCmDeleteVc, &NdisMCmActivateVc, &NdisMCmDeactivateVc,
    /*miniport=*/true,
};

Mcm::Mcm(Config config, std::string name)
    : CmCore(std::move(name), config, kMiniportCmFamily), mcm_config_(std::move(config)) {}

Mcm::~Mcm() = default;

NDIS_MINIPORT_DRIVER_CHARACTERISTICS Mcm::MakeMiniportCharacteristics() {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = Ndis6MiniportCharacteristics();
  c.SetOptionsHandler = &SetOptionsThunk;
  c.InitializeHandlerEx = &InitializeThunk;
  c.HaltHandlerEx = &HaltThunk;
  return c;
}

NDIS_MINIPORT_CO_CHARACTERISTICS Mcm::MakeMiniportCoCharacteristics() {
  NDIS_MINIPORT_CO_CHARACTERISTICS c = Ndis6MiniportCoCharacteristics();
  // AF-133: an MCM's VCs are created through its ProtocolCoCreateVc /
  // ProtocolCoDeleteVc; the miniport members stay NULL.
  c.CoCreateVcHandler = nullptr;
  c.CoDeleteVcHandler = nullptr;
  c.CoActivateVcHandler = &CoActivateVcThunk;
  c.CoDeactivateVcHandler = &CoDeactivateVcThunk;
  c.CoSendNetBufferListsHandler = &CoSendThunk;
  // AF-134: not the same function as the CmOidRequestHandler.
  c.CoOidRequestHandler = &CoOidRequestThunk;
  return c;
}

void Mcm::FillMiniportCharacteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars) {
  *chars = MakeMiniportCharacteristics();
}

void Mcm::FillMiniportCoCharacteristics(NDIS_MINIPORT_CO_CHARACTERISTICS* chars) {
  *chars = MakeMiniportCoCharacteristics();
}

NDIS_STATUS Mcm::DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
  FillMiniportCharacteristics(&chars);
  // MiniportDriverContext = this.
  return NdisMRegisterMiniportDriver(driver_object, registry_path, this, &chars, &driver_handle_);
}

NDIS_STATUS Mcm::OnSetOptions(NDIS_HANDLE ndis_driver_handle) {
  NDIS_MINIPORT_CO_CHARACTERISTICS co;
  FillMiniportCoCharacteristics(&co);
  NDIS_STATUS s = NdisSetOptionalHandlers(ndis_driver_handle,
                                          reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&co));
  if (s != NDIS_STATUS_SUCCESS) return s;
  // AF-131: an MCM registers its CM handlers from MiniportSetOptions.
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm;
  FillCmHandlers(&cm);
  return NdisSetOptionalHandlers(ndis_driver_handle,
                                 reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&cm));
}

NDIS_STATUS Mcm::OnInitialize(NDIS_HANDLE miniport_adapter_handle) {
  CmPort& adapter = NewPort();
  adapter.ndis_handle = miniport_adapter_handle;
  // MiniportAdapterContext = the port (also the CallMgrBindingContext NDIS
  // passes to ProtocolCmOpenAf for an MCM, AF-031).
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
  if (s != NDIS_STATUS_SUCCESS) {
    adapter.state = CmPort::State::kDown;
    return s;
  }
  if (mcm_config_.initialize_status != NDIS_STATUS_SUCCESS) {
    adapter.state = CmPort::State::kDown;
    return mcm_config_.initialize_status;
  }
  adapter.state = CmPort::State::kRunning;
  // AF-007: from MiniportInitializeEx, once per configured AF (OQ-01).
  for (const CO_ADDRESS_FAMILY& configured : config_.afs) {
    CO_ADDRESS_FAMILY af = configured;
    NDIS_STATUS r = NdisMCmRegisterAddressFamilyEx(miniport_adapter_handle, &af);
    adapter.register_status.push_back(r);
    log_.Add(logged::OwnNdisMCmRegisterAddressFamilyEx{
        .status = r,
        .miniport_adapter_handle = miniport_adapter_handle,
        .address_family = af.AddressFamily});
  }
  return NDIS_STATUS_SUCCESS;
}

void Mcm::OnHalt(CmPort& adapter, NDIS_HALT_ACTION) {
  // AF-062 / S6: notify-close every open AF from MiniportHaltEx, and do not
  // return until all of them are closed: MiniportHaltEx runs at PASSIVE_LEVEL
  // and may block, so a client that pends its notify-close is waited for.
  NdisInitializeEvent(&halt_quiet_);
  adapter.shutdown_inline = true;
  StartShutdown(adapter);
  adapter.shutdown_inline = false;
  if (!adapter.shutdown_finished && !NdisWaitEvent(&halt_quiet_, 0)) {
    // Nothing left that could finish the close (a client that never
    // completes its notify-close): the halt gives up rather than hang.
    halt_left_open_ = true;
  }
  adapter.state = CmPort::State::kDown;
}

void Mcm::OnPortQuiet(CmPort&) {
  // Every AF is closed: a halt waiting for that may return.
  NdisSetEvent(&halt_quiet_);
}

// ---------------------------------------------------------------------------
// Static thunks.

NDIS_STATUS Mcm::SetOptionsThunk(NDIS_HANDLE ndis_driver_handle, NDIS_HANDLE driver_ctx) {
  Mcm* self = static_cast<Mcm*>(driver_ctx);
  NDIS_STATUS s = self->OnSetOptions(ndis_driver_handle);
  self->log_.Add(logged::MiniportSetOptions{.status = s, .ndis_driver_handle = ndis_driver_handle});
  return s;
}

NDIS_STATUS Mcm::InitializeThunk(NDIS_HANDLE miniport_adapter_handle, NDIS_HANDLE driver_ctx,
                                 PNDIS_MINIPORT_INIT_PARAMETERS) {
  Mcm* self = static_cast<Mcm*>(driver_ctx);
  self->log_.Add(logged::MiniportInitializeEx{.miniport_adapter_handle = miniport_adapter_handle});
  NDIS_STATUS s = self->OnInitialize(miniport_adapter_handle);
  self->log_.Add(logged::MiniportInitializeExRet{
      .status = s, .miniport_adapter_handle = miniport_adapter_handle});
  return s;
}

VOID Mcm::HaltThunk(NDIS_HANDLE adapter_ctx, NDIS_HALT_ACTION action) {
  Mcm* self = OwnerOf(adapter_ctx);
  self->log_.Add(
      logged::MiniportHaltEx{.miniport_adapter_context = adapter_ctx, .halt_action = action});
  self->OnHalt(*AdapterOf(adapter_ctx), action);
  self->log_.Add(logged::MiniportHaltExRet{.miniport_adapter_context = adapter_ctx});
}

// NDIS does not route VC activation of an MCM's VCs through these (the MCM
// activates its own VCs with NdisMCmActivateVc); they exist because the CO
// characteristics carry them, and record any call for tests.
NDIS_STATUS Mcm::CoActivateVcThunk(NDIS_HANDLE vc_ctx, PCO_CALL_PARAMETERS) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  vc->owner->mutable_log().Add(logged::MiniportCoActivateVc{
      .status = NDIS_STATUS_SUCCESS, .miniport_vc_context = vc_ctx, .ndis_vc_handle = vc->ndis_vc});
  return NDIS_STATUS_SUCCESS;
}
NDIS_STATUS Mcm::CoDeactivateVcThunk(NDIS_HANDLE vc_ctx) {
  CmVc* vc = static_cast<CmVc*>(vc_ctx);
  vc->owner->mutable_log().Add(logged::MiniportCoDeactivateVc{
      .status = NDIS_STATUS_SUCCESS, .miniport_vc_context = vc_ctx, .ndis_vc_handle = vc->ndis_vc});
  return NDIS_STATUS_SUCCESS;
}
VOID Mcm::CoSendThunk(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {}
NDIS_STATUS Mcm::CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

}  // namespace ndisconf::drivers
