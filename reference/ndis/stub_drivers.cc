// The scripted stub drivers of stub_drivers.h.
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis::testing {

::testing::AssertionResult Rejected(const Model& m, const Outcome& want) {
  std::string seen;
  for (const Rejection& r : m.rejections()) {
    if (r.outcome() == want) return ::testing::AssertionSuccess();
    seen += "\n  " + r.ToString();
  }
  return ::testing::AssertionFailure() << "no rejection " << want << "; rejections:" << seen;
}

std::vector<Event> Recorder::Calls(Fn fn) const {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.fn == fn && e.phase == Phase::kCall) out.push_back(e);
  }
  return out;
}

std::vector<Event> Recorder::Returns(Fn fn) const {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.fn == fn && e.phase == Phase::kReturn) out.push_back(e);
  }
  return out;
}

long Recorder::First(Fn fn) const {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].fn == fn && events[i].phase == Phase::kCall) return static_cast<long>(i);
  }
  return -1;
}

namespace {

// ---- Call-manager callbacks, shared by a CM protocol and an MCM. ----

// The most recent MCM stub: with Settings::mcm_create_vc_gets_af_handle
// (OQ-12) its ProtocolCoCreateVc receives an NdisAfHandle instead of its own
// context, and has to map it back.
StubMiniport* g_last_mcm = nullptr;

AfRec* AfFromCreateVcArg(NDIS_HANDLE arg, StubProtocol*) { return static_cast<AfRec*>(arg); }
AfRec* AfFromCreateVcArg(NDIS_HANDLE arg, StubMiniport*) {
  if (g_last_mcm != nullptr) {
    for (AfRec& rec : g_last_mcm->cm_afs) {
      if (rec.af == arg) return &rec;
    }
  }
  return static_cast<AfRec*>(arg);
}

StubProtocol* FromBindCtx(NDIS_HANDLE ctx, StubProtocol*) {
  return static_cast<BindRec*>(ctx)->self;
}
StubMiniport* FromBindCtx(NDIS_HANDLE ctx, StubMiniport*) {
  return static_cast<StubMiniport*>(ctx);
}
NDIS_HANDLE CmBinding(NDIS_HANDLE ctx, StubProtocol*) {
  return static_cast<BindRec*>(ctx)->binding;
}
NDIS_HANDLE CmBinding(NDIS_HANDLE, StubMiniport*) { return nullptr; }
NDIS_STATUS ActivateFor(StubProtocol*, NDIS_HANDLE vc, PCO_CALL_PARAMETERS p) {
  return NdisCmActivateVc(vc, p);
}
NDIS_STATUS ActivateFor(StubMiniport*, NDIS_HANDLE vc, PCO_CALL_PARAMETERS p) {
  return NdisMCmActivateVc(vc, p);
}
NDIS_STATUS DeactivateFor(StubProtocol*, NDIS_HANDLE vc) { return NdisCmDeactivateVc(vc); }
NDIS_STATUS DeactivateFor(StubMiniport*, NDIS_HANDLE vc) { return NdisMCmDeactivateVc(vc); }

template <typename T>
struct Cm {
  static T* Of(void* rec) { return static_cast<T*>(static_cast<AfRec*>(rec)->cm); }
  static T* OfVc(void* rec) { return static_cast<T*>(static_cast<VcRec*>(rec)->owner); }

  static NDIS_STATUS CreateVc(NDIS_HANDLE af_ctx, NDIS_HANDLE vc, PNDIS_HANDLE ctx) {
    T* t = Of(AfFromCreateVcArg(af_ctx, static_cast<T*>(nullptr)));
    t->vcs.push_back(VcRec{t, vc});
    *ctx = &t->vcs.back();
    return t->cm.create_vc;
  }
  static NDIS_STATUS DeleteVc(NDIS_HANDLE ctx) { return OfVc(ctx)->cm.delete_vc; }
  static NDIS_STATUS OpenAf(NDIS_HANDLE bind_ctx, PCO_ADDRESS_FAMILY af, NDIS_HANDLE h,
                            PNDIS_HANDLE ctx) {
    T* t = FromBindCtx(bind_ctx, static_cast<T*>(nullptr));
    t->cm_afs.push_back(AfRec{});
    AfRec& rec = t->cm_afs.back();
    rec.cm = t;
    rec.binding = CmBinding(bind_ctx, static_cast<T*>(nullptr));
    rec.af = h;
    rec.family = *af;
    rec.open_status = t->cm.open_af;
    *ctx = &rec;
    if (t->cm.on_open_af) t->cm.on_open_af(rec);
    return t->cm.open_af;
  }
  static NDIS_STATUS CloseAf(NDIS_HANDLE af_ctx) {
    AfRec& rec = *static_cast<AfRec*>(af_ctx);
    T* t = Of(af_ctx);
    rec.cm_close_requested = true;
    if (t->cm.on_close_af) t->cm.on_close_af(rec);
    return t->cm.close_af;
  }
  static NDIS_STATUS RegisterSap(NDIS_HANDLE af_ctx, PCO_SAP, NDIS_HANDLE, PNDIS_HANDLE ctx) {
    *ctx = af_ctx;
    return Of(af_ctx)->cm.reg_sap;
  }
  static NDIS_STATUS DeregisterSap(NDIS_HANDLE sap_ctx) { return Of(sap_ctx)->cm.dereg_sap; }
  static NDIS_STATUS MakeCall(NDIS_HANDLE vc_ctx, PCO_CALL_PARAMETERS p, NDIS_HANDLE,
                              PNDIS_HANDLE) {
    VcRec& vc = *static_cast<VcRec*>(vc_ctx);
    T* t = OfVc(vc_ctx);
    if (t->cm.activate_in_make_call) (void)ActivateFor(t, vc.vc, p);
    return t->cm.make_call;
  }
  static NDIS_STATUS CloseCall(NDIS_HANDLE vc_ctx, NDIS_HANDLE, PVOID, UINT) {
    VcRec& vc = *static_cast<VcRec*>(vc_ctx);
    T* t = OfVc(vc_ctx);
    if (t->cm.deactivate_in_close_call) (void)DeactivateFor(t, vc.vc);
    return t->cm.close_call;
  }
  static VOID IncomingCallComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
  static NDIS_STATUS AddParty(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE) {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  static NDIS_STATUS DropParty(NDIS_HANDLE, PVOID, UINT) { return NDIS_STATUS_NOT_SUPPORTED; }
  static VOID ActivateVcComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
  static VOID DeactivateVcComplete(NDIS_STATUS, NDIS_HANDLE) {}
  static NDIS_STATUS ModifyQoS(NDIS_HANDLE, PCO_CALL_PARAMETERS) {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  static NDIS_STATUS OidRequest(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
    return NDIS_STATUS_NOT_SUPPORTED;
  }
  static VOID OidRequestComplete(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST,
                                 NDIS_STATUS) {}
  static VOID NotifyCloseAfComplete(NDIS_HANDLE af_ctx, NDIS_STATUS status) {
    Of(af_ctx)->notify_close_complete.push_back(status);
  }

  static NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS Handlers() {
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS h{};
    h.Header = {NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
                NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1,
                static_cast<USHORT>(sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS))};
    h.CmCreateVcHandler = CreateVc;
    h.CmDeleteVcHandler = DeleteVc;
    h.CmOpenAfHandler = OpenAf;
    h.CmCloseAfHandler = CloseAf;
    h.CmRegisterSapHandler = RegisterSap;
    h.CmDeregisterSapHandler = DeregisterSap;
    h.CmMakeCallHandler = MakeCall;
    h.CmCloseCallHandler = CloseCall;
    h.CmIncomingCallCompleteHandler = IncomingCallComplete;
    h.CmAddPartyHandler = AddParty;
    h.CmDropPartyHandler = DropParty;
    h.CmActivateVcCompleteHandler = ActivateVcComplete;
    h.CmDeactivateVcCompleteHandler = DeactivateVcComplete;
    h.CmModifyCallQoSHandler = ModifyQoS;
    h.CmOidRequestHandler = OidRequest;
    h.CmOidRequestCompleteHandler = OidRequestComplete;
    h.CmNotifyCloseAfCompleteHandler = NotifyCloseAfComplete;
    return h;
  }
};

// ---- Protocol callbacks. ----

StubProtocol* Self(NDIS_HANDLE ctx) { return static_cast<StubProtocol*>(ctx); }

NDIS_STATUS ProtoSetOptions(NDIS_HANDLE h, NDIS_HANDLE ctx) {
  StubProtocol* p = Self(ctx);
  p->driver_handle_in_set_options = h;
  if (p->set_options_hook) {
    p->set_options_hook(h);
    return NDIS_STATUS_SUCCESS;
  }
  NDIS_STATUS s =
      NdisSetOptionalHandlers(h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&p->co_chars));
  if (s != NDIS_STATUS_SUCCESS) return s;
  if (p->roles & StubProtocol::kClient) {
    s = NdisSetOptionalHandlers(
        h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&p->client_handlers));
    if (s != NDIS_STATUS_SUCCESS) return s;
  }
  if (p->roles & StubProtocol::kCallManager) {
    p->cm_handlers.Header.Size = p->cm.handler_size;
    s = NdisSetOptionalHandlers(h,
                                reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&p->cm_handlers));
  }
  return s;
}

NDIS_STATUS ProtoBind(NDIS_HANDLE ctx, NDIS_HANDLE bind_ctx, PNDIS_BIND_PARAMETERS bp) {
  StubProtocol* p = Self(ctx);
  p->binds.push_back(BindRec{});
  BindRec& b = p->binds.back();
  b.self = p;
  b.bind_ctx = bind_ctx;
  if (bp->AdapterName != nullptr) {
    for (USHORT i = 0; i < bp->AdapterName->Length / 2; ++i) {
      b.adapter_name.push_back(static_cast<char>(bp->AdapterName->Buffer[i]));
    }
  }
  NDIS_MEDIUM media[] = {bp->MediaType};
  UINT selected = 99;
  NDIS_OPEN_PARAMETERS op{};
  op.Header = {NDIS_OBJECT_TYPE_OPEN_PARAMETERS, NDIS_OPEN_PARAMETERS_REVISION_1,
               static_cast<USHORT>(sizeof(op))};
  op.MediumArray = media;
  op.MediumArraySize = 1;
  op.SelectedMediumIndex = &selected;
  const NDIS_STATUS s = NdisOpenAdapterEx(p->protocol_handle, &b, &op, bind_ctx, &b.binding);
  if (s != NDIS_STATUS_SUCCESS) return s;
  if (p->roles & StubProtocol::kCallManager) {
    for (CO_ADDRESS_FAMILY af : p->cm.afs) {
      p->register_af_status.push_back(NdisCmRegisterAddressFamilyEx(b.binding, &af));
    }
  }
  return p->bind_status;
}

NDIS_STATUS ProtoUnbind(NDIS_HANDLE unbind_ctx, NDIS_HANDLE binding_ctx) {
  BindRec& b = *static_cast<BindRec*>(binding_ctx);
  StubProtocol* p = b.self;
  b.unbind_ctx = unbind_ctx;
  if ((p->roles & StubProtocol::kCallManager) && p->cm.notify_close_on_unbind) {
    for (AfRec& af : p->cm_afs) {  // AF-061
      if (af.binding == b.binding && af.open_status == NDIS_STATUS_SUCCESS &&
          !af.cm_close_requested) {
        (void)NdisCmNotifyCloseAddressFamily(af.af);
      }
    }
  }
  if ((p->roles & StubProtocol::kClient) && p->close_afs_on_unbind) {
    for (AfRec& af : p->client_afs) {  // AF-120
      if (af.binding == b.binding && af.open_completed && af.open_status == NDIS_STATUS_SUCCESS &&
          af.close_status == NDIS_STATUS_PENDING) {
        af.close_status = NdisClCloseAddressFamily(af.af);
      }
    }
  }
  if (p->unbind_status == NDIS_STATUS_PENDING) return NDIS_STATUS_PENDING;
  (void)NdisCloseAdapterEx(b.binding);
  return p->unbind_status;
}

VOID ProtoOpenComplete(NDIS_HANDLE, NDIS_STATUS) {}
VOID ProtoCloseComplete(NDIS_HANDLE) {}
VOID ProtoCoStatus(NDIS_HANDLE, NDIS_HANDLE, PVOID) {}
VOID ProtoCoReceive(NDIS_HANDLE, NDIS_HANDLE, PNET_BUFFER_LIST, ULONG, ULONG) {}
VOID ProtoCoSendComplete(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {}

VOID ProtoAfRegisterNotify(NDIS_HANDLE binding_ctx, PCO_ADDRESS_FAMILY af) {
  BindRec& b = *static_cast<BindRec*>(binding_ctx);
  StubProtocol* p = b.self;
  p->notified.push_back(*af);
  p->notify_irql.push_back(NdisGetCurrentIrql());
  if ((p->roles & StubProtocol::kClient) && p->open_on_notify) {
    p->client_afs.push_back(AfRec{});
    AfRec& rec = p->client_afs.back();
    rec.client = p;
    rec.binding = b.binding;
    rec.family = *af;
    rec.open_status = NdisClOpenAddressFamilyEx(b.binding, &rec.family, &rec, &rec.af);
    rec.open_completed = rec.open_status != NDIS_STATUS_PENDING;
  }
}

AfRec& ClAf(NDIS_HANDLE ctx) { return *static_cast<AfRec*>(ctx); }

NDIS_STATUS ClCreateVc(NDIS_HANDLE af_ctx, NDIS_HANDLE vc, PNDIS_HANDLE ctx) {
  StubProtocol* p = ClAf(af_ctx).client;
  p->vcs.push_back(VcRec{p, vc});
  *ctx = &p->vcs.back();
  return p->create_vc;
}
NDIS_STATUS ClDeleteVc(NDIS_HANDLE ctx) {
  return static_cast<StubProtocol*>(static_cast<VcRec*>(ctx)->owner)->delete_vc;
}
NDIS_STATUS ClOidRequest(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}
VOID ClOidRequestComplete(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST, NDIS_STATUS) {}
VOID ClOpenAfComplete(NDIS_HANDLE af_ctx, NDIS_HANDLE af, NDIS_STATUS status) {
  AfRec& rec = ClAf(af_ctx);
  rec.af = af;
  rec.open_status = status;
  rec.open_completed = true;
}
VOID ClCloseAfComplete(NDIS_STATUS status, NDIS_HANDLE af_ctx) {
  AfRec& rec = ClAf(af_ctx);
  rec.close_status = status;
  rec.client->close_af_complete.push_back(status);
}
VOID ClRegisterSapComplete(NDIS_STATUS, NDIS_HANDLE sap_ctx, PCO_SAP, NDIS_HANDLE sap) {
  static_cast<SapRec*>(sap_ctx)->sap = sap;
}
VOID ClDeregisterSapComplete(NDIS_STATUS status, NDIS_HANDLE sap_ctx) {
  static_cast<SapRec*>(sap_ctx)->self->dereg_sap_complete.push_back(status);
}
VOID ClMakeCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
VOID ClModifyQoSComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
VOID ClCloseCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) {}
VOID ClAddPartyComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
VOID ClDropPartyComplete(NDIS_STATUS, NDIS_HANDLE) {}
NDIS_STATUS ClIncomingCall(NDIS_HANDLE sap_ctx, NDIS_HANDLE, PCO_CALL_PARAMETERS) {
  return static_cast<SapRec*>(sap_ctx)->self->incoming_call;
}
VOID ClQoSChange(NDIS_HANDLE, PCO_CALL_PARAMETERS) {}
VOID ClIncomingCloseCall(NDIS_STATUS, NDIS_HANDLE, PVOID, UINT) {}
VOID ClIncomingDropParty(NDIS_STATUS, NDIS_HANDLE, PVOID, UINT) {}
VOID ClCallConnected(NDIS_HANDLE) {}
NDIS_STATUS ClNotifyCloseAf(NDIS_HANDLE af_ctx) {
  AfRec& rec = ClAf(af_ctx);
  StubProtocol* p = rec.client;
  if (p->on_notify_close_hook) p->on_notify_close_hook(rec);
  using A = StubProtocol::NotifyAction;
  switch (p->on_notify_close) {
    case A::kCloseAndReturnSuccess:
      rec.close_status = NdisClCloseAddressFamily(rec.af);
      return NDIS_STATUS_SUCCESS;
    case A::kCloseAndPend:
      rec.close_status = NdisClCloseAddressFamily(rec.af);
      return NDIS_STATUS_PENDING;
    case A::kPendOnly:
      return NDIS_STATUS_PENDING;
    case A::kFail:
      return NDIS_STATUS_FAILURE;
  }
  return NDIS_STATUS_FAILURE;
}

// ---- Miniport callbacks. ----

StubMiniport* Mp(NDIS_HANDLE ctx) { return static_cast<StubMiniport*>(ctx); }

NDIS_STATUS MpSetOptions(NDIS_HANDLE h, NDIS_HANDLE ctx) {
  StubMiniport* m = Mp(ctx);
  if (!m->co) return NDIS_STATUS_SUCCESS;
  NDIS_STATUS s =
      NdisSetOptionalHandlers(h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&m->co_chars));
  if (s != NDIS_STATUS_SUCCESS || !m->mcm) return s;
  m->cm_handlers.Header.Size = m->cm.handler_size;
  return NdisSetOptionalHandlers(h,
                                 reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&m->cm_handlers));
}

NDIS_STATUS MpInitialize(NDIS_HANDLE mh, NDIS_HANDLE ctx, PNDIS_MINIPORT_INIT_PARAMETERS) {
  StubMiniport* m = Mp(ctx);
  m->adapter_handle = mh;
  if (m->set_attributes) {
    NDIS_MINIPORT_ADAPTER_ATTRIBUTES attrs{};
    attrs.RegistrationAttributes.Header = {
        NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
        NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
        static_cast<USHORT>(sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES))};
    attrs.RegistrationAttributes.MiniportAdapterContext = m;
    (void)NdisMSetMiniportAttributes(mh, &attrs);
  }
  if (m->mcm) {
    for (CO_ADDRESS_FAMILY af : m->cm.afs) {
      m->register_af_status.push_back(NdisMCmRegisterAddressFamilyEx(mh, &af));
    }
  }
  return m->initialize_returns;
}

VOID MpHalt(NDIS_HANDLE ctx, NDIS_HALT_ACTION) {
  StubMiniport* m = Mp(ctx);
  ++m->halts;
  if (!m->mcm || !m->cm.notify_close_on_unbind) return;
  for (AfRec& af : m->cm_afs) {  // AF-062
    if (af.open_status == NDIS_STATUS_SUCCESS && !af.cm_close_requested) {
      m->notify_close_status.push_back(NdisMCmNotifyCloseAddressFamily(af.af));
    }
  }
}

NDIS_STATUS MpCoCreateVc(NDIS_HANDLE ctx, NDIS_HANDLE vc, PNDIS_HANDLE out) {
  StubMiniport* m = Mp(ctx);
  m->created_vcs.push_back(vc);
  m->vcs.push_back(VcRec{m, vc});
  *out = &m->vcs.back();
  return m->create_vc;
}
NDIS_STATUS MpCoDeleteVc(NDIS_HANDLE ctx) {
  return static_cast<StubMiniport*>(static_cast<VcRec*>(ctx)->owner)->delete_vc;
}
NDIS_STATUS MpCoActivateVc(NDIS_HANDLE ctx, PCO_CALL_PARAMETERS) {
  return static_cast<StubMiniport*>(static_cast<VcRec*>(ctx)->owner)->activate_vc;
}
NDIS_STATUS MpCoDeactivateVc(NDIS_HANDLE ctx) {
  return static_cast<StubMiniport*>(static_cast<VcRec*>(ctx)->owner)->deactivate_vc;
}
VOID MpCoSend(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {}
NDIS_STATUS MpCoOidRequest(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST) {
  return NDIS_STATUS_NOT_SUPPORTED;
}

}  // namespace

// ---- StubProtocol. ----

StubProtocol::StubProtocol(Model& m, std::string n, int r)
    : model(m), name(std::move(n)), roles(r) {
  chars.Header = {NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS,
                  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1,
                  static_cast<USHORT>(NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1)};
  chars.MajorNdisVersion = 6;
  chars.SetOptionsHandler = ProtoSetOptions;
  chars.BindAdapterHandlerEx = ProtoBind;
  chars.UnbindAdapterHandlerEx = ProtoUnbind;
  chars.OpenAdapterCompleteHandlerEx = ProtoOpenComplete;
  chars.CloseAdapterCompleteHandlerEx = ProtoCloseComplete;

  co_chars.Header = {NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS,
                     NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1,
                     static_cast<USHORT>(NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1)};
  co_chars.CoStatusHandlerEx = ProtoCoStatus;
  co_chars.CoAfRegisterNotifyHandler = ProtoAfRegisterNotify;
  co_chars.CoReceiveNetBufferListsHandler = ProtoCoReceive;
  co_chars.CoSendNetBufferListsCompleteHandler = ProtoCoSendComplete;

  NDIS_CO_CLIENT_OPTIONAL_HANDLERS& c = client_handlers;
  c.Header = {NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS,
              NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1,
              static_cast<USHORT>(NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1)};
  c.ClCreateVcHandler = ClCreateVc;
  c.ClDeleteVcHandler = ClDeleteVc;
  c.ClOidRequestHandler = ClOidRequest;
  c.ClOidRequestCompleteHandler = ClOidRequestComplete;
  c.ClOpenAfCompleteHandlerEx = ClOpenAfComplete;
  c.ClCloseAfCompleteHandler = ClCloseAfComplete;
  c.ClRegisterSapCompleteHandler = ClRegisterSapComplete;
  c.ClDeregisterSapCompleteHandler = ClDeregisterSapComplete;
  c.ClMakeCallCompleteHandler = ClMakeCallComplete;
  c.ClModifyCallQoSCompleteHandler = ClModifyQoSComplete;
  c.ClCloseCallCompleteHandler = ClCloseCallComplete;
  c.ClAddPartyCompleteHandler = ClAddPartyComplete;
  c.ClDropPartyCompleteHandler = ClDropPartyComplete;
  c.ClIncomingCallHandler = ClIncomingCall;
  c.ClIncomingCallQoSChangeHandler = ClQoSChange;
  c.ClIncomingCloseCallHandler = ClIncomingCloseCall;
  c.ClIncomingDropPartyHandler = ClIncomingDropParty;
  c.ClCallConnectedHandler = ClCallConnected;
  c.ClNotifyCloseAfHandler = ClNotifyCloseAf;

  cm_handlers = Cm<StubProtocol>::Handlers();
}

ActorId StubProtocol::Load() {
  actor = model.LoadDriver(name, [this](PDRIVER_OBJECT, PUNICODE_STRING) {
    register_status = NdisRegisterProtocolDriver(this, &chars, &protocol_handle);
    return register_status;
  });
  return actor;
}

void StubProtocol::CompleteBind(BindRec& b, NDIS_STATUS status) {
  ScopedActor as(actor);
  NdisCompleteBindAdapterEx(b.bind_ctx, status);
}

void StubProtocol::CompleteUnbind(BindRec& b) {
  ScopedActor as(actor);
  (void)NdisCloseAdapterEx(b.binding);
  NdisCompleteUnbindAdapterEx(b.unbind_ctx);
}

NDIS_STATUS StubProtocol::OpenAf(BindRec& b, NDIS_AF family, AfRec** out) {
  ScopedActor as(actor);
  client_afs.push_back(AfRec{});
  AfRec& rec = client_afs.back();
  rec.client = this;
  rec.binding = b.binding;
  rec.family = Af(family);
  rec.open_status = NdisClOpenAddressFamilyEx(b.binding, &rec.family, &rec, &rec.af);
  rec.open_completed = rec.open_status != NDIS_STATUS_PENDING;
  if (out != nullptr) *out = &rec;
  return rec.open_status;
}

NDIS_STATUS StubProtocol::CloseAf(AfRec& af) {
  ScopedActor as(actor);
  af.close_status = NdisClCloseAddressFamily(af.af);
  return af.close_status;
}

NDIS_STATUS StubProtocol::RegisterSap(AfRec& af, SapRec** out, ULONG sap_type) {
  ScopedActor as(actor);
  saps.push_back(SapRec{});
  SapRec& rec = saps.back();
  rec.self = this;
  rec.co_sap.SapType = sap_type;
  rec.co_sap.SapLength = 1;
  rec.co_sap.Sap[0] = 0x5a;
  if (out != nullptr) *out = &rec;
  return NdisClRegisterSap(af.af, &rec, &rec.co_sap, &rec.sap);
}

NDIS_STATUS StubProtocol::DeregisterSap(SapRec& sap) {
  ScopedActor as(actor);
  return NdisClDeregisterSap(sap.sap);
}

NDIS_STATUS StubProtocol::CreateVc(BindRec& b, NDIS_HANDLE af, NDIS_HANDLE* vc) {
  ScopedActor as(actor);
  vcs.push_back(VcRec{this, nullptr});
  VcRec& rec = vcs.back();
  *vc = nullptr;
  const NDIS_STATUS s = NdisCoCreateVc(b.binding, af, &rec, vc);
  rec.vc = *vc;
  return s;
}

NDIS_STATUS StubProtocol::DeleteVc(NDIS_HANDLE vc) {
  ScopedActor as(actor);
  return NdisCoDeleteVc(vc);
}

NDIS_STATUS StubProtocol::NotifyClose(AfRec& cm_af) {
  ScopedActor as(actor);
  return NdisCmNotifyCloseAddressFamily(cm_af.af);
}

// ---- StubMiniport. ----

StubMiniport::StubMiniport(Model& m, std::string n, bool is_mcm)
    : model(m), name(std::move(n)), mcm(is_mcm) {
  chars.Header = {NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                  NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1,
                  static_cast<USHORT>(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1)};
  chars.MajorNdisVersion = 6;
  chars.SetOptionsHandler = MpSetOptions;
  chars.InitializeHandlerEx = MpInitialize;
  chars.HaltHandlerEx = MpHalt;

  co_chars.Header = {NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS,
                     NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1,
                     static_cast<USHORT>(NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1)};
  // AF-133: an MCM leaves MiniportCoCreateVc/DeleteVc NULL.
  co_chars.CoCreateVcHandler = is_mcm ? nullptr : MpCoCreateVc;
  co_chars.CoDeleteVcHandler = is_mcm ? nullptr : MpCoDeleteVc;
  co_chars.CoActivateVcHandler = MpCoActivateVc;
  co_chars.CoDeactivateVcHandler = MpCoDeactivateVc;
  co_chars.CoSendNetBufferListsHandler = MpCoSend;
  co_chars.CoOidRequestHandler = MpCoOidRequest;
  cm_handlers = Cm<StubMiniport>::Handlers();
  if (is_mcm) g_last_mcm = this;
}

ActorId StubMiniport::Load() {
  actor = model.LoadDriver(name, [this](PDRIVER_OBJECT obj, PUNICODE_STRING path) {
    register_status = NdisMRegisterMiniportDriver(obj, path, this, &chars, &driver_handle);
    return register_status;
  });
  return actor;
}

AdapterId StubMiniport::Add(std::string adapter_name, NDIS_MEDIUM medium) {
  return model.AddAdapter(actor, std::move(adapter_name), medium, &init_status);
}

NDIS_STATUS StubMiniport::NotifyClose(AfRec& cm_af) {
  ScopedActor as(actor);
  return NdisMCmNotifyCloseAddressFamily(cm_af.af);
}

// ---- Stack. ----

Stack::Stack(Settings s, bool is_mcm, Chooser* chooser, bool cm_too)
    : model(s, chooser),
      mcm(is_mcm),
      with_cm(cm_too || !is_mcm),
      mp(model, "mp", is_mcm),
      cm(model, "cm", StubProtocol::kCallManager),
      cl(model, "cl", StubProtocol::kClient) {
  if (mcm) {
    mp.cm.afs = {Af(CO_ADDRESS_FAMILY_TAPI_PROXY)};
  } else {
    cm.cm.afs = {Af(CO_ADDRESS_FAMILY_Q2931)};
  }
}

void Stack::Start(bool run) {
  mp.Load();
  if (with_cm) cm.Load();
  cl.Load();
  adapter = mp.Add("A1");
  if (run) model.RunUntilIdle();
}

}  // namespace ndisconf::ndis::testing
