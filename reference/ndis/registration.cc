// Driver registration (NdisRegisterProtocolDriver, NdisMRegisterMiniportDriver,
// NdisSetOptionalHandlers), miniport adapters (MiniportInitializeEx,
// NdisMSetMiniportAttributes, halt) and protocol bindings (bind, open, unbind,
// close) of the reference NDIS model: spec 2.1, 2.2, 5.8, 5.9.
#include <cstring>

#include "model_impl.h"

namespace ndisconf::ndis {
namespace {

constexpr uint16_t kSizeProtocolCo = sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS);
constexpr uint16_t kSizeClient = NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
constexpr uint16_t kSizeCmMacro = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
constexpr uint16_t kSizeCmFull = sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
constexpr uint16_t kSizeMiniportCo = sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS);

std::string HeaderText(const NDIS_OBJECT_HEADER& h) {
  return "Type " + Hex(h.Type) + " Revision " + std::to_string(h.Revision) + " Size " +
         std::to_string(h.Size);
}

// The i-th handler pointer of an optional-handler structure is NULL.
// `first` is the offset of the first handler; reads stop at `size` bytes.
int FirstNullHandler(const void* s, size_t first, size_t count) {
  const auto* base = static_cast<const unsigned char*>(s);
  for (size_t i = 0; i < count; ++i) {
    void* p;
    std::memcpy(&p, base + first + i * sizeof(void*), sizeof(p));
    if (p == nullptr) return static_cast<int>(i);
  }
  return -1;
}

// The handler members of NDIS_CO_CLIENT_OPTIONAL_HANDLERS and
// NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS in declaration order (for
// Rejection::param when FirstNullHandler finds one NULL).
constexpr std::string_view kClientHandlerNames[19] = {
    "ClCreateVcHandler",
    "ClDeleteVcHandler",
    "ClOidRequestHandler",
    "ClOidRequestCompleteHandler",
    "ClOpenAfCompleteHandlerEx",
    "ClCloseAfCompleteHandler",
    "ClRegisterSapCompleteHandler",
    "ClDeregisterSapCompleteHandler",
    "ClMakeCallCompleteHandler",
    "ClModifyCallQoSCompleteHandler",
    "ClCloseCallCompleteHandler",
    "ClAddPartyCompleteHandler",
    "ClDropPartyCompleteHandler",
    "ClIncomingCallHandler",
    "ClIncomingCallQoSChangeHandler",
    "ClIncomingCloseCallHandler",
    "ClIncomingDropPartyHandler",
    "ClCallConnectedHandler",
    "ClNotifyCloseAfHandler",
};
constexpr std::string_view kCmHandlerNames[17] = {
    "CmCreateVcHandler",
    "CmDeleteVcHandler",
    "CmOpenAfHandler",
    "CmCloseAfHandler",
    "CmRegisterSapHandler",
    "CmDeregisterSapHandler",
    "CmMakeCallHandler",
    "CmCloseCallHandler",
    "CmIncomingCallCompleteHandler",
    "CmAddPartyHandler",
    "CmDropPartyHandler",
    "CmActivateVcCompleteHandler",
    "CmDeactivateVcCompleteHandler",
    "CmModifyCallQoSHandler",
    "CmOidRequestHandler",
    "CmOidRequestCompleteHandler",
    "CmNotifyCloseAfCompleteHandler",
};

bool SameFunction(const void* a, const void* b) { return a != nullptr && a == b; }

template <typename F>
const void* Fp(F f) {
  return reinterpret_cast<const void*>(f);
}

}  // namespace

// ---- Driver registration. PASSIVE_LEVEL (DriverEntry). ----

NDIS_STATUS Model::Impl::CallSetOptions(Driver* d) {
  SET_OPTIONS_HANDLER handler =
      d->is_miniport ? d->miniport.SetOptionsHandler : d->protocol.SetOptionsHandler;
  if (handler == nullptr) return NDIS_STATUS_SUCCESS;
  d->in_set_options = true;
  const NDIS_STATUS s = handler(d->handle.ndis(), d->driver_context);
  d->in_set_options = false;
  return s;
}

NDIS_STATUS Model::Impl::CheckCoConsistency(const Driver* d, Cause* why) const {
  if (!d->is_miniport) {
    // AF-137: every CoNDIS protocol passes NDIS_PROTOCOL_CO_CHARACTERISTICS.
    if ((d->has_client || d->has_cm) && !d->has_co_chars) {
      *why = {Reason::kInconsistentCharacteristics,
              "AF-137: CoNDIS optional handlers without NDIS_PROTOCOL_CO_CHARACTERISTICS",
              RuleId::kAF137};
      return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    return NDIS_STATUS_SUCCESS;
  }
  if (d->has_cm && !d->has_mp_co) {
    *why = {Reason::kInconsistentCharacteristics,
            "call-manager handlers on a miniport without NDIS_MINIPORT_CO_CHARACTERISTICS"};
    return NDIS_STATUS_BAD_CHARACTERISTICS;
  }
  if (d->has_mp_co && !d->has_cm) {
    // A CoNDIS miniport that is not an MCM: NDIS calls these for its VCs.
    const NDIS_MINIPORT_CO_CHARACTERISTICS& c = d->mco;
    if (!c.CoCreateVcHandler || !c.CoDeleteVcHandler || !c.CoActivateVcHandler ||
        !c.CoDeactivateVcHandler) {
      *why = {Reason::kMissingHandler,
              "CoNDIS miniport without Co{Create,Delete,Activate,Deactivate}VcHandler"};
      return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
  }
  if (d->IsMcm() && SameFunction(Fp(d->cm.CmOidRequestHandler), Fp(d->mco.CoOidRequestHandler))) {
    *why = {Reason::kSharedHandler,
            "AF-134: CmOidRequestHandler is the miniport's CoOidRequestHandler", RuleId::kAF134};
    return NDIS_STATUS_BAD_CHARACTERISTICS;
  }
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisRegisterProtocolDriver(NDIS_HANDLE context,
                                              PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS chars,
                                              PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisRegisterProtocolDriver;
  if (out == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisProtocolHandle"));
  *out = nullptr;
  if (chars == nullptr) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("ProtocolCharacteristics"));
  }
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  const NDIS_OBJECT_HEADER& h = chars->Header;
  if (h.Type != NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS ||
      h.Revision != NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 ||
      h.Size < NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "OQ-18: malformed protocol characteristics header (" + HeaderText(h) + ")"});
  }
  if (chars->MajorNdisVersion != 6) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_VERSION,
        Cause{Reason::kBadVersion, "MajorNdisVersion " + std::to_string(chars->MajorNdisVersion) +
                                       " (the model implements NDIS 6)"});
  }
  // The handlers the model calls on every protocol (OQ-18 status).
  if (!chars->BindAdapterHandlerEx || !chars->UnbindAdapterHandlerEx ||
      !chars->OpenAdapterCompleteHandlerEx || !chars->CloseAdapterCompleteHandlerEx) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kMissingHandler,
              "OQ-18: missing required handler (BindAdapterHandlerEx, UnbindAdapterHandlerEx, "
              "OpenAdapterCompleteHandlerEx or CloseAdapterCompleteHandlerEx)"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_drivers.push_back(std::make_unique<Driver>());
  Driver* d = m.all_drivers.back().get();
  d->actor = Boundary::Get().CurrentActor();
  d->driver_context = context;
  d->protocol = *chars;
  d->handle = m.drivers.Insert(d);
  NDIS_STATUS s = m.CallSetOptions(d);
  Cause why;
  if (s == NDIS_STATUS_SUCCESS) {
    s = m.CheckCoConsistency(d, &why);
    if (s != NDIS_STATUS_SUCCESS) m.Reject(fn, s, why);
  }
  if (s != NDIS_STATUS_SUCCESS) {
    d->deregistered = true;
    m.drivers.Release(d->handle);
    return s;
  }
  *out = d->handle.ndis();
  return NDIS_STATUS_SUCCESS;
}

VOID Model::NdisDeregisterProtocolDriver(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  Cause why;
  Driver* d = m.Resolve(m.drivers, handle, "NdisProtocolHandle", &why);
  if (d == nullptr || d->is_miniport) {
    return m.Reject(
        Fn::NdisDeregisterProtocolDriver, NDIS_STATUS_FAILURE,
        d == nullptr ? why : Cause{Reason::kWrongHandleKind, "handle names a miniport driver"});
  }
  // NDIS unbinds the protocol from every adapter first.
  for (const auto& a : m.all_adapters) {
    Binding* b = m.BindingOf(d, a.get());
    if (b != nullptr && b->state == Binding::State::kBound) m.StartUnbind(b);
  }
  d->deregistered = true;
  m.drivers.Release(d->handle);
}

NDIS_STATUS Model::NdisMRegisterMiniportDriver(PDRIVER_OBJECT, PUNICODE_STRING, NDIS_HANDLE context,
                                               PNDIS_MINIPORT_DRIVER_CHARACTERISTICS chars,
                                               PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMRegisterMiniportDriver;
  if (out == nullptr) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisMiniportDriverHandle"));
  }
  *out = nullptr;
  if (chars == nullptr) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("MiniportDriverCharacteristics"));
  }
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  const NDIS_OBJECT_HEADER& h = chars->Header;
  if (h.Type != NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS ||
      h.Revision != NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 ||
      h.Size < NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "OQ-18: malformed miniport characteristics header (" + HeaderText(h) + ")"});
  }
  if (chars->MajorNdisVersion != 6) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_VERSION,
        Cause{Reason::kBadVersion, "MajorNdisVersion " + std::to_string(chars->MajorNdisVersion) +
                                       " (the model implements NDIS 6)"});
  }
  if (!chars->InitializeHandlerEx || !chars->HaltHandlerEx) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kMissingHandler, "OQ-18: missing InitializeHandlerEx or HaltHandlerEx"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_drivers.push_back(std::make_unique<Driver>());
  Driver* d = m.all_drivers.back().get();
  d->actor = Boundary::Get().CurrentActor();
  d->is_miniport = true;
  d->driver_context = context;
  d->miniport = *chars;
  d->handle = m.drivers.Insert(d);
  NDIS_STATUS s = m.CallSetOptions(d);
  Cause why;
  if (s == NDIS_STATUS_SUCCESS) {
    s = m.CheckCoConsistency(d, &why);
    if (s != NDIS_STATUS_SUCCESS) m.Reject(fn, s, why);
  }
  if (s != NDIS_STATUS_SUCCESS) {
    d->deregistered = true;
    m.drivers.Release(d->handle);
    return s;
  }
  *out = d->handle.ndis();
  return NDIS_STATUS_SUCCESS;
}

VOID Model::NdisMDeregisterMiniportDriver(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  Cause why;
  Driver* d = m.Resolve(m.drivers, handle, "NdisMiniportDriverHandle", &why);
  if (d == nullptr || !d->is_miniport) {
    return m.Reject(
        Fn::NdisMDeregisterMiniportDriver, NDIS_STATUS_FAILURE,
        d == nullptr ? why : Cause{Reason::kWrongHandleKind, "handle names a protocol driver"});
  }
  for (const auto& a : m.all_adapters) {
    if (a->miniport == d && a->state == Adapter::State::kRunning) m.Halt(a.get());
  }
  d->deregistered = true;
  m.drivers.Release(d->handle);
}

NDIS_STATUS Model::NdisSetOptionalHandlers(NDIS_HANDLE handle, PNDIS_DRIVER_OPTIONAL_HANDLERS opt) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisSetOptionalHandlers;
  Cause why;
  Driver* d = m.Resolve(m.drivers, handle, "NdisDriverHandle", &why);
  if (d == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (!d->in_set_options) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kOutsideCallback,
              "AF-131/AF-137: only from ProtocolSetOptions / MiniportSetOptions", RuleId::kAF131});
  }
  if (opt == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("OptionalHandlers"));
  const NDIS_OBJECT_HEADER h = opt->Header;
  // OQ-18: the header as found goes into the detail.
  auto bad = [&](Cause why) {
    why.detail = "OQ-18: " + why.detail + " (" + HeaderText(h) + ")";
    return m.Fail(fn, NDIS_STATUS_BAD_CHARACTERISTICS, std::move(why));
  };
  auto once = [&](bool already, const char* what) -> bool {
    if (already)
      m.Reject(fn, NDIS_STATUS_FAILURE,
               Cause{Reason::kAlreadyRegistered, std::string(what) + " already registered"});
    return already;
  };
  switch (h.Type) {
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS: {
      // AF-136: 0x90 / 1 / 40 on x64.
      if (d->is_miniport)
        return bad(
            Cause{Reason::kBadCharacteristics, "NDIS_PROTOCOL_CO_CHARACTERISTICS from a miniport"});
      if (h.Revision != NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1 || h.Size < kSizeProtocolCo) {
        return bad(Cause{Reason::kBadCharacteristics,
                         "AF-136: malformed NDIS_PROTOCOL_CO_CHARACTERISTICS header",
                         RuleId::kAF136});
      }
      NDIS_PROTOCOL_CO_CHARACTERISTICS c;
      std::memcpy(&c, opt, sizeof(c));
      // AF-023: every CoNDIS protocol has a ProtocolCoAfRegisterNotify.
      if (c.CoAfRegisterNotifyHandler == nullptr) {
        return bad(Cause{Reason::kMissingHandler, "AF-023: NULL CoAfRegisterNotifyHandler",
                         RuleId::kAF023});
      }
      if (once(d->has_co_chars, "NDIS_PROTOCOL_CO_CHARACTERISTICS")) return NDIS_STATUS_FAILURE;
      d->co = c;
      d->has_co_chars = true;
      return NDIS_STATUS_SUCCESS;
    }
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS: {
      // AF-136: 0xA6 / 1 / 160; AF-130: every ClXxx member is set.
      if (d->is_miniport)
        return bad(
            Cause{Reason::kBadCharacteristics, "NDIS_CO_CLIENT_OPTIONAL_HANDLERS from a miniport"});
      if (h.Revision != NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1 || h.Size < kSizeClient) {
        return bad(Cause{Reason::kBadCharacteristics,
                         "AF-136: malformed NDIS_CO_CLIENT_OPTIONAL_HANDLERS header",
                         RuleId::kAF136});
      }
      NDIS_CO_CLIENT_OPTIONAL_HANDLERS c;
      std::memcpy(&c, opt, sizeof(c));
      const int missing =
          FirstNullHandler(&c, offsetof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS, ClCreateVcHandler), 19);
      if (missing >= 0) {
        return bad(Cause{Reason::kMissingHandler,
                         "AF-130: client handler #" + std::to_string(missing + 1) + " is NULL",
                         RuleId::kAF130, kClientHandlerNames[missing]});
      }
      if (once(d->has_client, "NDIS_CO_CLIENT_OPTIONAL_HANDLERS")) return NDIS_STATUS_FAILURE;
      d->cl = c;
      d->has_client = true;
      return NDIS_STATUS_SUCCESS;
    }
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS: {
      // AF-136 with OQ-11: Size >= 136 (the WDK7 macro) is accepted; the
      // notify-close-complete member is read only if Size reaches it.
      if (h.Revision != NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1 ||
          h.Size < kSizeCmMacro) {
        return bad(Cause{Reason::kBadCharacteristics,
                         "AF-136: malformed NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS header",
                         RuleId::kAF136});
      }
      NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS c{};
      const bool full = h.Size >= kSizeCmFull;
      std::memcpy(&c, opt, full ? kSizeCmFull : kSizeCmMacro);
      // AF-131 / AF-133: every CmXxx member (incl. CmCreateVc/DeleteVc for an MCM).
      const int missing = FirstNullHandler(
          &c, offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, CmCreateVcHandler), full ? 17 : 16);
      if (missing >= 0) {
        return bad(
            Cause{Reason::kMissingHandler,
                  "AF-131: call-manager handler #" + std::to_string(missing + 1) + " is NULL",
                  RuleId::kAF131, kCmHandlerNames[missing]});
      }
      // AF-134: an MCM's CmOidRequestHandler is not its MiniportCoOidRequest.
      if (d->is_miniport && d->has_mp_co &&
          SameFunction(Fp(c.CmOidRequestHandler), Fp(d->mco.CoOidRequestHandler))) {
        return bad(Cause{Reason::kSharedHandler,
                         "AF-134: CmOidRequestHandler equals the miniport's CoOidRequestHandler",
                         RuleId::kAF134});
      }
      if (once(d->has_cm, "NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS")) return NDIS_STATUS_FAILURE;
      d->cm = c;
      d->has_cm = true;
      d->cm_has_notify_complete = full;
      return NDIS_STATUS_SUCCESS;
    }
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS: {
      // AF-136: 0x91 / 1 / 56.
      if (!d->is_miniport)
        return bad(
            Cause{Reason::kBadCharacteristics, "NDIS_MINIPORT_CO_CHARACTERISTICS from a protocol"});
      if (h.Revision != NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1 || h.Size < kSizeMiniportCo) {
        return bad(Cause{Reason::kBadCharacteristics,
                         "AF-136: malformed NDIS_MINIPORT_CO_CHARACTERISTICS header",
                         RuleId::kAF136});
      }
      NDIS_MINIPORT_CO_CHARACTERISTICS c;
      std::memcpy(&c, opt, sizeof(c));
      if (d->has_cm && SameFunction(Fp(d->cm.CmOidRequestHandler), Fp(c.CoOidRequestHandler))) {
        return bad(Cause{Reason::kSharedHandler,
                         "AF-134: CoOidRequestHandler equals the MCM's CmOidRequestHandler",
                         RuleId::kAF134});
      }
      if (once(d->has_mp_co, "NDIS_MINIPORT_CO_CHARACTERISTICS")) return NDIS_STATUS_FAILURE;
      d->mco = c;
      d->has_mp_co = true;
      return NDIS_STATUS_SUCCESS;
    }
    default:
      return bad(Cause{Reason::kBadCharacteristics, "unknown optional-handler object type"});
  }
}

// ---- Adapters. ----

NDIS_STATUS Model::NdisMSetMiniportAttributes(NDIS_HANDLE handle,
                                              PNDIS_MINIPORT_ADAPTER_ATTRIBUTES attrs) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMSetMiniportAttributes;
  Cause why;
  Adapter* a = m.Resolve(m.adapters, handle, "NdisMiniportHandle", &why);
  if (a == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (a->state != Adapter::State::kInitializing) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kOutsideCallback, "only from MiniportInitializeEx"});
  }
  if (attrs == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("MiniportAttributes"));
  const NDIS_OBJECT_HEADER& h = attrs->RegistrationAttributes.Header;
  if (h.Type != NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES ||
      h.Revision < NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 ||
      h.Size < sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES)) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER,
                  Cause{Reason::kBadArgument,
                        "malformed registration attributes header (" + HeaderText(h) + ")"});
  }
  a->context = attrs->RegistrationAttributes.MiniportAdapterContext;
  a->context_set = true;
  return NDIS_STATUS_SUCCESS;
}

AdapterId Model::Impl::AddAdapter(ActorId actor, std::string name, NDIS_MEDIUM medium,
                                  NDIS_STATUS* init_status) {
  auto report = [&](NDIS_STATUS s) {
    if (init_status != nullptr) *init_status = s;
  };
  Driver* mp = MiniportByActor(actor);
  if (mp == nullptr) {
    Reject(Unrecorded::kAddAdapter, NDIS_STATUS_ADAPTER_NOT_FOUND,
           Cause{Reason::kNotRegistered,
                 "actor " + std::to_string(actor) + " has no registered miniport driver"});
    report(NDIS_STATUS_ADAPTER_NOT_FOUND);
    return 0;
  }
  if (!Allocate()) {
    Reject(Unrecorded::kAddAdapter, NDIS_STATUS_RESOURCES,
           Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
    report(NDIS_STATUS_RESOURCES);
    return 0;
  }
  all_adapters.push_back(std::make_unique<Adapter>());
  Adapter* a = all_adapters.back().get();
  a->id = static_cast<AdapterId>(all_adapters.size());
  a->miniport = mp;
  a->name = std::move(name);
  a->name16.assign(a->name.begin(), a->name.end());
  a->uname.Length = static_cast<USHORT>(a->name16.size() * 2);
  a->uname.MaximumLength = a->uname.Length;
  a->uname.Buffer = reinterpret_cast<PWSTR>(a->name16.data());
  a->medium = medium;
  a->handle = adapters.Insert(a);
  if (mp->ndis5) {
    // NDIS 5 miniport: MiniportInitialize / NdisMSetAttributesEx (ndis5.cc).
    InitializeAdapter5(a, init_status);
    return a->id;
  }

  NDIS_MINIPORT_INIT_PARAMETERS params{};
  params.Header = {NDIS_OBJECT_TYPE_DEFAULT, 1, sizeof(params)};
  params.IfIndex = a->id;
  NDIS_STATUS s = mp->miniport.InitializeHandlerEx(a->handle.ndis(), mp->driver_context, &params);
  if (s == NDIS_STATUS_PENDING) {
    Reject(Fn::MiniportInitializeEx, NDIS_STATUS_FAILURE,
           Cause{Reason::kCannotPend,
                 "MiniportInitializeEx cannot pend in NDIS 6; initialization failed"});
    s = NDIS_STATUS_FAILURE;
  } else if (s == NDIS_STATUS_SUCCESS && !a->context_set) {
    Reject(Fn::MiniportInitializeEx, NDIS_STATUS_FAILURE,
           Cause{Reason::kMissingAttributes,
                 "returned SUCCESS without NdisMSetMiniportAttributes; initialization failed"});
    s = NDIS_STATUS_FAILURE;
  }
  if (s != NDIS_STATUS_SUCCESS) {
    a->state = Adapter::State::kFailed;
    for (Registration* r : a->registrations) r->withdrawn = true;
    adapters.Release(a->handle);
    report(s);
    return a->id;
  }
  a->state = Adapter::State::kRunning;
  // M3 / AF-020: the MCM's registrations are announced now; clients are
  // bound next and each is notified once its bind completes (AF-021).
  for (Registration* r : a->registrations) {
    if (r->Active() && !r->announced) Announce(r);
  }
  for (const auto& d : all_drivers) {
    if (d->is_miniport || d->deregistered) continue;
    if (a->state != Adapter::State::kRunning) break;
    if (BindingOf(d.get(), a) == nullptr) (void)Bind(d.get(), a);
  }
  report(NDIS_STATUS_SUCCESS);
  return a->id;
}

bool Model::Impl::Halt(Adapter* a) {
  auto unbind_all = [&] {
    const std::vector<Binding*> list = a->bindings;  // StartUnbind may not add, but be safe
    for (Binding* b : list) {
      if (b->state == Binding::State::kBound) StartUnbind(b);
    }
  };
  if (!settings.halt_before_unbind) unbind_all();
  a->state = Adapter::State::kHalting;
  if (a->ndis5) {
    Halt5(a);  // MiniportHalt (ndis5.cc)
  } else {
    a->miniport->miniport.HaltHandlerEx(a->context, NdisHaltDeviceDisabled);
  }
  // R10 (DERIVED): the MCM's registrations end with the halt.
  for (Registration* r : a->registrations) {
    if (!r->IsMcm() || r->withdrawn) continue;
    r->withdrawn = true;
    size_t open = 0;
    for (const auto& af : all_afs) {
      if (af->reg == r &&
          (af->state == AfOpen::State::kOpen || af->state == AfOpen::State::kOpening ||
           af->state == AfOpen::State::kClosing)) {
        ++open;
      }
    }
    if (open > 0) {
      Reject(Fn::MiniportHaltEx, NDIS_STATUS_SUCCESS,
             Cause{Reason::kLeftOpen,
                   "AF-062: MiniportHaltEx returned with " + std::to_string(open) +
                       " AF instance(s) of its registration still open",
                   RuleId::kAF062});
    }
  }
  if (settings.halt_before_unbind) unbind_all();
  a->state = Adapter::State::kHalted;
  adapters.Release(a->handle);
  return true;
}

// ---- Bindings. ----

NDIS_STATUS Model::Impl::Bind(Driver* p, Adapter* a) {
  if (p->ndis5) return Bind5(p, a);  // ProtocolBindAdapter (ndis5.cc)
  if (!Allocate())
    return Fail(Unrecorded::kBindProtocol, NDIS_STATUS_RESOURCES,
                Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  all_bind_ctxs.push_back(std::make_unique<BindCtx>());
  BindCtx* ctx = all_bind_ctxs.back().get();
  ctx->protocol = p;
  ctx->adapter = a;
  ctx->handle = bind_ctxs.Insert(ctx);
  NDIS_BIND_PARAMETERS& bp = ctx->params;
  bp.Header = {NDIS_OBJECT_TYPE_BIND_PARAMETERS, NDIS_BIND_PARAMETERS_REVISION_1,
               static_cast<USHORT>(sizeof(NDIS_BIND_PARAMETERS))};
  bp.AdapterName = &a->uname;
  bp.MediaType = a->medium;
  bp.MtuSize = 1500;

  ctx->in_call = true;
  const NDIS_STATUS s =
      p->protocol.BindAdapterHandlerEx(p->driver_context, ctx->handle.ndis(), &bp);
  ctx->in_call = false;
  if (s == NDIS_STATUS_PENDING) {
    ctx->returned_pending = true;
    if (!ctx->early_completion) return NDIS_STATUS_PENDING;
    const NDIS_STATUS done = *ctx->early_completion;
    FinishBind(ctx, done);
    return done;
  }
  if (ctx->early_completion) {
    Reject(
        Fn::NdisCompleteBindAdapterEx, NDIS_STATUS_FAILURE,
        Cause{Reason::kDidNotPend, "completion of a bind that did not return PENDING (ignored)"});
  }
  FinishBind(ctx, s);
  return s;
}

void Model::Impl::FinishBind(BindCtx* ctx, NDIS_STATUS status) {
  ctx->done = true;
  bind_ctxs.Release(ctx->handle);
  Binding* b = ctx->binding;
  if (b == nullptr || b->state == Binding::State::kClosed) return;
  b->bind = nullptr;
  if (status == NDIS_STATUS_SUCCESS) {
    b->state = Binding::State::kBound;
    OnBindingBound(b);
    return;
  }
  Reject(
      Fn::ProtocolBindAdapterEx, status,
      Cause{Reason::kLeftOpen, "bind failed with its binding still open; NDIS closes the binding"});
  CloseBinding(b, Fn::ProtocolBindAdapterEx);
}

NDIS_STATUS Model::NdisOpenAdapterEx(NDIS_HANDLE protocol_handle, NDIS_HANDLE binding_context,
                                     PNDIS_OPEN_PARAMETERS open, NDIS_HANDLE bind_context,
                                     PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisOpenAdapterEx;
  if (out == nullptr)
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisBindingHandle"));
  *out = nullptr;
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Driver* p = m.Resolve(m.drivers, protocol_handle, "NdisProtocolHandle", &why);
  if (p == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (p->is_miniport)
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongHandleKind, "NdisProtocolHandle names a miniport"});
  BindCtx* ctx = m.Resolve(m.bind_ctxs, bind_context, "BindContext", &why);
  if (ctx == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (ctx->protocol != p) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kForeignHandle, "BindContext belongs to another protocol's bind"});
  }
  if (ctx->ndis5) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongNdisVersion,
                        "BindContext is an NDIS 5 ProtocolBindAdapter's; NDIS 5 protocols use "
                        "NdisOpenAdapter"});
  }
  if (ctx->binding != nullptr) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "this bind already opened the adapter"});
  }
  if (open == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("OpenParameters"));
  if (open->Header.Type != NDIS_OBJECT_TYPE_OPEN_PARAMETERS) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER,
                  Cause{Reason::kBadArgument, "OpenParameters header " + HeaderText(open->Header)});
  }
  if (open->MediumArray == nullptr || open->MediumArraySize == 0) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER,
                  Cause{Reason::kBadArgument, "empty MediumArray"});
  }
  Adapter* a = ctx->adapter;
  if (a->state != Adapter::State::kRunning) {
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "adapter is not running"});
  }
  // Media arrays are small; cap the scan so a garbage size cannot run away.
  const UINT n = open->MediumArraySize < 64 ? open->MediumArraySize : 64;
  UINT index = n;
  for (UINT i = 0; i < n; ++i) {
    // Read the entry as the 4-byte integer it is: a caller's value outside
    // the NDIS_MEDIUM enumerators must not be loaded as the enum type.
    uint32_t entry;
    std::memcpy(&entry, &open->MediumArray[i], sizeof(entry));
    if (entry == static_cast<uint32_t>(a->medium)) {
      index = i;
      break;
    }
  }
  if (index == n) {
    return m.Fail(fn, NDIS_STATUS_UNSUPPORTED_MEDIA,
                  Cause{Reason::kBadArgument, "adapter medium not in MediumArray"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  if (open->SelectedMediumIndex != nullptr) *open->SelectedMediumIndex = index;
  m.all_bindings.push_back(std::make_unique<Binding>());
  Binding* b = m.all_bindings.back().get();
  b->protocol = p;
  b->adapter = a;
  b->context = binding_context;
  b->bind = ctx;
  b->handle = m.bindings.Insert(b);
  ctx->binding = b;
  a->bindings.push_back(b);
  *out = b->handle.ndis();
  return NDIS_STATUS_SUCCESS;
}

VOID Model::NdisCompleteBindAdapterEx(NDIS_HANDLE bind_context, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCompleteBindAdapterEx;
  Cause why;
  BindCtx* ctx = m.Resolve(m.bind_ctxs, bind_context, "BindAdapterContext", &why);
  if (ctx == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (ctx->ndis5) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kWrongNdisVersion,
                          "BindAdapterContext of an NDIS 5 bind; use NdisCompleteBindAdapter"});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (ctx->in_call) {
    if (ctx->early_completion)
      return m.Reject(fn, NDIS_STATUS_FAILURE,
                      Cause{Reason::kCompletedTwice, "bind completed twice"});
    ctx->early_completion = status;
    return;
  }
  m.FinishBind(ctx, status);
}

bool Model::Impl::StartUnbind(Binding* b) {
  // AF-122: NDIS pauses the binding, then calls ProtocolUnbindAdapterEx,
  // which cannot fail.
  b->paused = true;
  b->state = Binding::State::kUnbinding;
  all_unbind_ctxs.push_back(std::make_unique<UnbindCtx>());
  UnbindCtx* u = all_unbind_ctxs.back().get();
  u->binding = b;
  u->handle = unbind_ctxs.Insert(u);
  b->unbind = u;
  if (b->protocol->ndis5) {
    StartUnbind5(b, u);  // ProtocolUnbindAdapter (ndis5.cc)
    return true;
  }
  u->in_call = true;
  const NDIS_STATUS s = b->protocol->protocol.UnbindAdapterHandlerEx(u->handle.ndis(), b->context);
  u->in_call = false;
  if (s == NDIS_STATUS_PENDING && !u->early_completion) return true;
  if (s != NDIS_STATUS_SUCCESS && s != NDIS_STATUS_PENDING) {
    Reject(Fn::ProtocolUnbindAdapterEx, s,
           Cause{Reason::kCannotFail, "AF-122: an unbind cannot fail; treated as SUCCESS",
                 RuleId::kAF122});
  }
  FinishUnbind(u);
  return true;
}

void Model::Impl::FinishUnbind(UnbindCtx* u) {
  u->done = true;
  unbind_ctxs.Release(u->handle);
  Binding* b = u->binding;
  b->unbind = nullptr;
  if (b->state != Binding::State::kClosed) {
    Reject(Fn::ProtocolUnbindAdapterEx, NDIS_STATUS_SUCCESS,
           Cause{Reason::kLeftOpen,
                 "AF-122: unbind completed without NdisCloseAdapterEx; NDIS closes the binding",
                 RuleId::kAF122});
    CloseBinding(b, Fn::ProtocolUnbindAdapterEx);
  }
}

VOID Model::NdisCompleteUnbindAdapterEx(NDIS_HANDLE unbind_context) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCompleteUnbindAdapterEx;
  Cause why;
  UnbindCtx* u = m.Resolve(m.unbind_ctxs, unbind_context, "UnbindContext", &why);
  if (u == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (u->binding->protocol->ndis5) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kWrongNdisVersion,
                          "UnbindContext of an NDIS 5 unbind; use NdisCompleteUnbindAdapter"});
  }
  if (u->in_call) {
    if (u->early_completion)
      return m.Reject(fn, NDIS_STATUS_FAILURE,
                      Cause{Reason::kCompletedTwice, "unbind completed twice"});
    u->early_completion = true;
    return;
  }
  m.FinishUnbind(u);
}

void Model::Impl::CloseBinding(Binding* b, Fn fn) {
  // AF-123: the binding handle is invalid from the moment of the close.
  bindings.Release(b->handle);
  b->state = Binding::State::kClosed;
  // X1 / AF-120 is the client's obligation; the model keeps the AF
  // instances usable (their handles stay valid) and records the violation.
  size_t open = 0;
  for (AfOpen* af : b->afs) {
    if (af->state == AfOpen::State::kOpen || af->state == AfOpen::State::kOpening ||
        af->state == AfOpen::State::kClosing) {
      ++open;
    }
  }
  if (open > 0) {
    Reject(fn, NDIS_STATUS_SUCCESS,
           Cause{Reason::kLeftOpen,
                 "AF-120: binding " + Hex(b->handle.value) + " closed with " +
                     std::to_string(open) + " AF instance(s) still open or opening",
                 RuleId::kAF120});
  }
  // R9 (DERIVED): a CM's registrations end with its binding.
  for (Registration* r : b->adapter->registrations) {
    if (r->cm_binding != b || r->withdrawn) continue;
    r->withdrawn = true;
    size_t live = 0;
    for (const auto& af : all_afs) {
      if (af->reg == r &&
          (af->state == AfOpen::State::kOpen || af->state == AfOpen::State::kOpening ||
           af->state == AfOpen::State::kClosing)) {
        ++live;
      }
    }
    if (live > 0) {
      Reject(fn, NDIS_STATUS_SUCCESS,
             Cause{Reason::kLeftOpen,
                   "AF-061: call manager binding closed with " + std::to_string(live) +
                       " AF instance(s) of its registration still open",
                   RuleId::kAF061});
    }
  }
}

NDIS_STATUS Model::NdisCloseAdapterEx(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  Cause why;
  Binding* b = m.Resolve(m.bindings, handle, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(Fn::NdisCloseAdapterEx, NDIS_STATUS_FAILURE, why);
  if (b->protocol->ndis5) {
    return m.Fail(Fn::NdisCloseAdapterEx, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongNdisVersion,
                        "binding of an NDIS 5 protocol; it closes with NdisCloseAdapter"});
  }
  // The close completes synchronously in the model, so
  // ProtocolCloseAdapterCompleteEx is never called.
  m.CloseBinding(b, Fn::NdisCloseAdapterEx);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisUnbindAdapter(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisUnbindAdapter;
  Cause why;
  Binding* b = m.Resolve(m.bindings, handle, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (b->state != Binding::State::kBound) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongState, "binding is not bound (bind pending or unbind started)"});
  }
  // AF-126: a work item calls ProtocolUnbindAdapterEx (or, by setting, the
  // unbind runs before this returns). A second request while one is queued
  // is harmless: the queued item finds the unbind already started.
  if (m.settings.unbind_synchronously) {
    m.StartUnbind(b);
    return NDIS_STATUS_SUCCESS;
  }
  const BindingHandle h = b->handle;
  m.Queue(WorkKind::kUnbind, "ProtocolUnbindAdapterEx(" + Hex(h.value) + ")", [&m, h] {
    Binding* bb = m.bindings.Find(h);
    if (bb != nullptr && bb->state == Binding::State::kBound) m.StartUnbind(bb);
  });
  return NDIS_STATUS_SUCCESS;
}

// ---- AF register notification delivery (AF-020..AF-025, OQ-03, OQ-04). ----

void Model::Impl::OnBindingBound(Binding* b) {
  Adapter* a = b->adapter;
  // B4: registrations this CM made inside its bind are announced now.
  for (Registration* r : a->registrations) {
    if (r->cm_binding == b && r->Active() && !r->announced) Announce(r);
  }
  // AF-021: a client that binds later is told about every registration.
  if (b->protocol->IsCoClient()) {
    for (Registration* r : a->registrations) {
      if (r->announced && r->Active()) QueueNotify(b, r);
    }
  }
}

void Model::Impl::Announce(Registration* r) {
  r->announced = true;
  const std::vector<Binding*> list = r->adapter->bindings;
  for (Binding* b : list) {
    // OQ-04: the registering CM's own binding only if the settings say so.
    const bool own = b == r->cm_binding && settings.notify_registering_binding;
    if (b->state == Binding::State::kBound && (b->protocol->IsCoClient() || own)) {
      QueueNotify(b, r);
    }
  }
}

void Model::Impl::QueueNotify(Binding* b, Registration* r) {
  // OQ-04: the registering CM's own binding is not notified by default.
  if (r->cm_binding == b && !settings.notify_registering_binding) return;
  // AF-020: exactly one notification per (client binding, registration).
  if (!b->notified.insert(r->id).second) return;
  auto run = [b, r] {
    // The client may have begun unbinding, or the registration may have
    // been withdrawn, since the notification was queued.
    if (b->state != Binding::State::kBound || !r->Active()) return;
    // AF-025: the client gets NDIS's copy of the registered AF (content
    // equality), so one client's edits are not seen by the next.
    CO_ADDRESS_FAMILY copy = r->af;
    b->protocol->co.CoAfRegisterNotifyHandler(b->context, &copy);
  };
  if (settings.notify_during_register) {
    run();
    return;
  }
  // AF-024: ProtocolCoAfRegisterNotify runs at PASSIVE_LEVEL.
  DeliverAtPassive(WorkKind::kAfRegisterNotify,
                   "ProtocolCoAfRegisterNotify(binding " + Hex(b->handle.value) + ", af " +
                       Hex(r->af.AddressFamily) + ")",
                   run);
}

}  // namespace ndisconf::ndis
