// Rule family "registration" of the reference NDIS model (spec 2.1, 2.2, 2.3;
// AF-001..AF-010): driver registration (NdisRegisterProtocolDriver,
// NdisMRegisterMiniportDriver, NdisSetOptionalHandlers and their
// characteristics checks) and address family registration by a call manager
// (NdisCmRegisterAddressFamilyEx) or an MCM (NdisMCmRegisterAddressFamilyEx).
// Telling bound clients about a registered AF is notify.cc's.
#include <cstring>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

namespace {

constexpr uint16_t kSizeProtocolCo = sizeof(NDIS_PROTOCOL_CO_CHARACTERISTICS);
constexpr uint16_t kSizeClient = NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1;
constexpr uint16_t kSizeCmMacro = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
constexpr uint16_t kSizeCmFull = sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
constexpr uint16_t kSizeMiniportCo = sizeof(NDIS_MINIPORT_CO_CHARACTERISTICS);

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

// ---- Registration. PASSIVE_LEVEL. ----

NDIS_STATUS Model::NdisCmRegisterAddressFamilyEx(NDIS_HANDLE binding, PCO_ADDRESS_FAMILY af) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmRegisterAddressFamilyEx;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Binding* b = m.Resolve(m.bindings, binding, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why.Cite(RuleId::kAF001));
  // AF-001: only the binding's own protocol may register on it.
  if (b->protocol->actor != Boundary::Get().CurrentActor()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kForeignHandle,
                        "AF-001: the NdisBindingHandle belongs to another driver", RuleId::kAF001});
  }
  // R2 / AF-005: the three FAILURE causes.
  if (!b->protocol->IsCm()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongCallerRole,
              "AF-005: the caller did not register as a CoNDIS call manager", RuleId::kAF005});
  }
  if (b->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-005: the caller's binding is being closed", RuleId::kAF005});
  }
  Adapter* a = b->adapter;
  if (!a->miniport->IsCoMiniport()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kAdapterNotCoNdis, "AF-005: the underlying miniport is not CoNDIS",
                        RuleId::kAF005});
  }
  // R4 / AF-004 and OQ-02 policy A: one CMx per AF type per adapter; the
  // PROXY bit is part of the type value.
  for (Registration* r : a->registrations) {
    if (r->Active() && r->af.AddressFamily == af->AddressFamily) {
      return m.Fail(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kAlreadyRegistered,
                          "AF-004: AF " + Hex(af->AddressFamily) +
                              " is already registered on this adapter by " +
                              (r->IsMcm() ? "its MCM" : "a call manager"),
                          RuleId::kAF004});
    }
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-005: injected allocation failure",
                        RuleId::kAF005});
  m.all_registrations.push_back(std::make_unique<Registration>());
  Registration* r = m.all_registrations.back().get();
  r->id = m.next_registration_id++;
  r->adapter = a;
  r->af = *af;
  r->cm = b->protocol;
  r->cm_binding = b;
  a->registrations.push_back(r);
  // B3/B4, AF-020, OQ-03: clients hear of it once the CM's bind returns
  // (now, if the binding is already bound).
  if (b->state == Binding::State::kBound || m.settings.notify_during_register) m.Announce(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE adapter, PCO_ADDRESS_FAMILY af) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmRegisterAddressFamilyEx;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Adapter* a = m.Resolve(m.adapters, adapter, "MiniportAdapterHandle", &why);
  if (a == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  // AF-006: only the adapter's own miniport may register on it.
  if (a->miniport->actor != Boundary::Get().CurrentActor()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kForeignHandle, "AF-006: the MiniportAdapterHandle belongs to another driver",
              RuleId::kAF006});
  }
  if (!a->miniport->IsCoMiniport()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "AF-006: the caller is not a CoNDIS miniport",
                        RuleId::kAF006});
  }
  if (!a->miniport->IsMcm()) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole,
                        "AF-006: the caller registered no call-manager handlers (not an MCM)",
                        RuleId::kAF006});
  }
  if (a->state != Adapter::State::kInitializing && a->state != Adapter::State::kRunning) {
    return m.Fail(fn, NDIS_STATUS_FAILURE, Cause{Reason::kClosing, "the adapter is halting"});
  }
  std::vector<Registration*> displaced;
  for (Registration* r : a->registrations) {
    if (!r->Active() || r->af.AddressFamily != af->AddressFamily) continue;
    if (r->IsMcm()) {
      return m.Fail(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kAlreadyRegistered,
                          "AF-006 / R6: duplicate registration of AF " + Hex(af->AddressFamily),
                          RuleId::kAF006});
    }
    if (m.settings.mcm_preempt == Settings::McmPreempt::kFirstWins) {
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kAlreadyRegistered,
                "OQ-02 policy B: a call manager already registered AF " + Hex(af->AddressFamily)});
    }
    displaced.push_back(r);
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-006: injected allocation failure",
                        RuleId::kAF006});
  // R7 / AF-008, OQ-02 policy A: the CM's registration is withdrawn for new
  // opens; its existing open AF instances stay.
  for (Registration* r : displaced) r->displaced = true;
  m.all_registrations.push_back(std::make_unique<Registration>());
  Registration* r = m.all_registrations.back().get();
  r->id = m.next_registration_id++;
  r->adapter = a;
  r->af = *af;
  r->cm = a->miniport;
  a->registrations.push_back(r);
  // R5 / AF-020: announced once MiniportInitializeEx returns (now, if the
  // adapter is already running).
  if (a->state == Adapter::State::kRunning || m.settings.notify_during_register) m.Announce(r);
  return NDIS_STATUS_SUCCESS;
}

}  // namespace ndisconf::ndis
