// Implementation of reference/drivers/cm/cm.h: the protocol-driver half of the
// reference stand-alone call manager. The call-manager handlers are CmCore's.
#include "reference/drivers/cm/cm.h"

#include "reference/drivers/common/names.h"
#include "reference/drivers/common/ndis6_characteristics.h"

namespace ndisconf::drivers {

namespace {
CmPort* PortOf(NDIS_HANDLE binding_ctx) { return static_cast<CmPort*>(binding_ctx); }
CallManager* OwnerOf(NDIS_HANDLE binding_ctx) {
  return static_cast<CallManager*>(PortOf(binding_ctx)->owner);
}
}  // namespace

// AF-009: a stand-alone CM creates and deletes VCs with NdisCo*, and
// activates and deactivates them with NdisCm*.
constexpr CmCallFamily kStandaloneCmFamily = {
    &NdisCoCreateVc,    &NdisCoDeleteVc, &NdisCmActivateVc, &NdisCmDeactivateVc,
    /*miniport=*/false,
};

CallManager::CallManager(Config config, std::string name)
    : CmCore(std::move(name), config, kStandaloneCmFamily), cm_config_(std::move(config)) {}

CallManager::~CallManager() = default;

// ---------------------------------------------------------------------------
// Registration.

NDIS_PROTOCOL_DRIVER_CHARACTERISTICS CallManager::MakeProtocolCharacteristics() {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = Ndis6ProtocolCharacteristics();
  c.SetOptionsHandler = &SetOptionsThunk;
  c.BindAdapterHandlerEx = &BindAdapterThunk;
  c.UnbindAdapterHandlerEx = &UnbindAdapterThunk;
  c.OpenAdapterCompleteHandlerEx = &OpenAdapterCompleteThunk;
  c.CloseAdapterCompleteHandlerEx = &CloseAdapterCompleteThunk;
  return c;
}

NDIS_PROTOCOL_CO_CHARACTERISTICS CallManager::MakeCoCharacteristics() {
  NDIS_PROTOCOL_CO_CHARACTERISTICS c = Ndis6ProtocolCoCharacteristics();
  // AF-023: a stand-alone CM registers a CoAfRegisterNotify that just returns.
  c.CoAfRegisterNotifyHandler = &CoAfRegisterNotifyThunk;
  return c;
}

void CallManager::FillProtocolCharacteristics(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars) {
  *chars = MakeProtocolCharacteristics();
}

void CallManager::FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars) {
  *chars = MakeCoCharacteristics();
}

NDIS_STATUS CallManager::DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS chars;
  FillProtocolCharacteristics(&chars);
  chars.Name = MakeNdisString(name(), name_buffer_);
  // ProtocolDriverContext = this: the only way from SetOptions / Bind back here.
  return NdisRegisterProtocolDriver(this, &chars, &protocol_handle_);
}

NDIS_STATUS CallManager::OnSetOptions(NDIS_HANDLE ndis_driver_handle) {
  // AF-137: every CoNDIS protocol registers its CO characteristics.
  NDIS_PROTOCOL_CO_CHARACTERISTICS co;
  FillCoCharacteristics(&co);
  NDIS_STATUS s = NdisSetOptionalHandlers(ndis_driver_handle,
                                          reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&co));
  if (s != NDIS_STATUS_SUCCESS) return s;
  // AF-131: the call-manager handlers, every member set.
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm;
  FillCmHandlers(&cm);
  return NdisSetOptionalHandlers(ndis_driver_handle,
                                 reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&cm));
}

// ---------------------------------------------------------------------------
// Binding.

NDIS_STATUS CallManager::OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params) {
  CmPort& port = NewPort();
  port.bind_context = bind_context;
  NDIS_OPEN_PARAMETERS open = Ndis6OpenParameters(params, cm_config_.media, &port.selected_medium);
  // ProtocolBindingContext = the port.
  NDIS_STATUS s =
      NdisOpenAdapterEx(protocol_handle_, &port, &open, bind_context, &port.ndis_handle);
  if (s == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING;  // OnOpenAdapterComplete goes on
  if (s != NDIS_STATUS_SUCCESS) {
    port.state = CmPort::State::kDown;
    return s;
  }
  RegisterAfs(port);
  return NDIS_STATUS_SUCCESS;
}

void CallManager::OnOpenAdapterComplete(CmPort& port, NDIS_STATUS status) {
  if (status == NDIS_STATUS_SUCCESS) {
    RegisterAfs(port);
  } else {
    port.state = CmPort::State::kDown;
  }
  NdisCompleteBindAdapterEx(port.bind_context, status);
}

void CallManager::RegisterAfs(CmPort& port) {
  port.state = CmPort::State::kRunning;
  // AF-001: from ProtocolBindAdapterEx, once the binding is open; AF-002:
  // on every binding; AF-003: each configured AF.
  port.register_status.clear();
  for (const CO_ADDRESS_FAMILY& configured : config_.afs) {
    CO_ADDRESS_FAMILY af = configured;
    NDIS_STATUS s = NdisCmRegisterAddressFamilyEx(port.ndis_handle, &af);
    port.register_status.push_back(s);
    log_.Add(logged::OwnNdisCmRegisterAddressFamilyEx{
        .status = s, .ndis_binding_handle = port.ndis_handle, .address_family = af.AddressFamily});
  }
}

NDIS_STATUS CallManager::OnUnbindAdapter(NDIS_HANDLE unbind_context, CmPort& port) {
  // AF-122: an unbind cannot be refused. AF-061 / AF-121: notify-close
  // every AF opened on this binding's registrations, wait for all of them,
  // then close the binding.
  port.unbind_context = unbind_context;
  port.shutdown_inline = true;
  StartShutdown(port);
  port.shutdown_inline = false;
  return port.state == CmPort::State::kDown ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

void CallManager::OnPortQuiet(CmPort& port) {
  port.state = CmPort::State::kClosing;
  // AF-123: the binding handle is not used after this call.
  NDIS_STATUS s = NdisCloseAdapterEx(port.ndis_handle);
  log_.Add(logged::OwnNdisCloseAdapterEx{.status = s, .ndis_binding_handle = port.ndis_handle});
  if (s != NDIS_STATUS_PENDING) FinishUnbind(port);
}

void CallManager::OnCloseAdapterComplete(CmPort& port) {
  if (port.state == CmPort::State::kClosing) FinishUnbind(port);
}

void CallManager::FinishUnbind(CmPort& port) {
  port.state = CmPort::State::kDown;
  // AF-122: an unbind that returned PENDING is completed here.
  if (!port.shutdown_inline) NdisCompleteUnbindAdapterEx(port.unbind_context);
}

// ---------------------------------------------------------------------------
// Static thunks.

NDIS_STATUS CallManager::SetOptionsThunk(NDIS_HANDLE ndis_driver_handle, NDIS_HANDLE driver_ctx) {
  CallManager* self = static_cast<CallManager*>(driver_ctx);
  NDIS_STATUS s = self->OnSetOptions(ndis_driver_handle);
  self->log_.Add(logged::ProtocolSetOptions{.status = s, .ndis_driver_handle = ndis_driver_handle});
  return s;
}

NDIS_STATUS CallManager::BindAdapterThunk(NDIS_HANDLE driver_ctx, NDIS_HANDLE bind_context,
                                          PNDIS_BIND_PARAMETERS params) {
  CallManager* self = static_cast<CallManager*>(driver_ctx);
  self->log_.Add(logged::ProtocolBindAdapterEx{.bind_context = bind_context});
  NDIS_STATUS s = self->OnBindAdapter(bind_context, params);
  self->log_.Add(logged::ProtocolBindAdapterExRet{.status = s, .bind_context = bind_context});
  return s;
}

NDIS_STATUS CallManager::UnbindAdapterThunk(NDIS_HANDLE unbind_context, NDIS_HANDLE binding_ctx) {
  CallManager* self = OwnerOf(binding_ctx);
  self->log_.Add(logged::ProtocolUnbindAdapterEx{.unbind_context = unbind_context,
                                                 .protocol_binding_context = binding_ctx});
  NDIS_STATUS s = self->OnUnbindAdapter(unbind_context, *PortOf(binding_ctx));
  self->log_.Add(logged::ProtocolUnbindAdapterExRet{
      .status = s, .unbind_context = unbind_context, .protocol_binding_context = binding_ctx});
  return s;
}

VOID CallManager::OpenAdapterCompleteThunk(NDIS_HANDLE binding_ctx, NDIS_STATUS status) {
  CallManager* self = OwnerOf(binding_ctx);
  self->log_.Add(logged::ProtocolOpenAdapterCompleteEx{.status = status,
                                                       .protocol_binding_context = binding_ctx});
  self->OnOpenAdapterComplete(*PortOf(binding_ctx), status);
}

VOID CallManager::CloseAdapterCompleteThunk(NDIS_HANDLE binding_ctx) {
  CallManager* self = OwnerOf(binding_ctx);
  self->log_.Add(logged::ProtocolCloseAdapterCompleteEx{.protocol_binding_context = binding_ctx});
  self->OnCloseAdapterComplete(*PortOf(binding_ctx));
}

VOID CallManager::CoAfRegisterNotifyThunk(NDIS_HANDLE binding_ctx, PCO_ADDRESS_FAMILY af) {
  // AF-023: a stand-alone CM is not a client; it just returns (OQ-04 says
  // NDIS may still call it). Recorded so tests can see whether NDIS did.
  OwnerOf(binding_ctx)
      ->log_.Add(logged::ProtocolCoAfRegisterNotify{
          .protocol_binding_context = binding_ctx,
          .address_family = af != nullptr ? af->AddressFamily : 0});
}

}  // namespace ndisconf::drivers
