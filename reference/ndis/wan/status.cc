// Rule family "status" of the reference NDIS model (spec 1.2, 2.9, 3.9,
// 5.11; WAN-001..WAN-012, WAN-095, OQ-19, OQ-27): NDIS 5.1 miniport
// registration (NdisMInitializeWrapper, NdisMRegisterMiniport), NDIS 5 adapters
// (MiniportInitialize, NdisMSetAttributesEx, MiniportHalt), interrupts and
// their DPC, and NdisMIndicateStatus / NdisMIndicateStatusComplete routed to
// each open binding's ProtocolStatus / ProtocolStatusComplete. NDIS never reads
// a status buffer (WAN-001, WAN-103): validating it is NDISWAN's job.
// Protocols and their bindings are status_bindings.cc's.
#include <algorithm>
#include <cstring>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

namespace {

// NDIS 5.0 characteristics end before the three 5.1 handlers.
constexpr size_t kMiniport50Size =
    offsetof(NDIS_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler);
constexpr size_t kMiniport51Size = sizeof(NDIS_MINIPORT_CHARACTERISTICS);

// The Reserved bits a miniport may set (WAN-095).
constexpr UINT kKnownMiniportReserved = NDIS_USE_WAN_WRAPPER;

}  // namespace

// ---- Miniport registration. PASSIVE_LEVEL (DriverEntry). ----

VOID Model::NdisMInitializeWrapper(PNDIS_HANDLE out, PVOID, PVOID, PVOID) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMInitializeWrapper;
  if (out == nullptr)
    return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisWrapperHandle"));
  *out = nullptr;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  if (auto v = m.PassiveViolation()) return m.Reject(fn, NDIS_STATUS_FAILURE, *v);
  if (!m.Allocate())
    return m.Reject(fn, NDIS_STATUS_RESOURCES,
                    Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_wrappers.push_back(std::make_unique<Wrapper>());
  Wrapper* w = m.all_wrappers.back().get();
  w->actor = Boundary::Get().CurrentActor();
  w->handle = m.wrappers.Insert(w);
  *out = w->handle.ndis();
}

NDIS_STATUS Model::NdisMRegisterMiniport(NDIS_HANDLE wrapper, PNDIS_MINIPORT_CHARACTERISTICS chars,
                                         UINT length) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMRegisterMiniport;
  if (m.RefusedByProfile(fn, NDIS_STATUS_BAD_VERSION)) return NDIS_STATUS_BAD_VERSION;
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Wrapper* w = m.Resolve(m.wrappers, wrapper, "NdisWrapperHandle", &why);
  if (w == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (w->driver != nullptr) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kAlreadyRegistered, "this NdisWrapperHandle already registered a miniport"});
  }
  // OQ-18 (DERIVED): malformed characteristics are BAD_CHARACTERISTICS.
  if (chars == nullptr) {
    return m.Fail(fn, NDIS_STATUS_BAD_CHARACTERISTICS, NullArg("MiniportCharacteristics"));
  }
  if (length < 2) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "CharacteristicsLength " + std::to_string(length) + " does not cover the version"});
  }
  const unsigned major = chars->MajorNdisVersion, minor = chars->MinorNdisVersion;
  if (major != 5 || minor > 1) {
    return m.Fail(fn, NDIS_STATUS_BAD_VERSION,
                  Cause{Reason::kBadVersion, "version " + Version(major, minor) +
                                                 " (the legacy path models NDIS 5.0 and 5.1)"});
  }
  const size_t need = minor == 0 ? kMiniport50Size : kMiniport51Size;
  if (length < need) {
    return m.Fail(fn, NDIS_STATUS_BAD_CHARACTERISTICS,
                  Cause{Reason::kBadCharacteristics,
                        "CharacteristicsLength " + std::to_string(length) +
                            " is shorter than the " + std::to_string(need) + " bytes of NDIS " +
                            Version(major, minor) + " miniport characteristics"});
  }
  // Only the bytes the caller vouched for; later handlers stay NULL.
  NDIS_MINIPORT_CHARACTERISTICS c{};
  std::memcpy(&c, chars, std::min<size_t>(length, sizeof(c)));
  if ((c.Reserved & ~kKnownMiniportReserved) != 0) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "unknown bits " + Hex(c.Reserved & ~kKnownMiniportReserved) + " in Reserved"});
  }
  const bool wan = (c.Reserved & NDIS_USE_WAN_WRAPPER) != 0;
  if (!c.InitializeHandler || !c.HaltHandler || !c.QueryInformationHandler ||
      !c.SetInformationHandler) {
    return m.Fail(fn, NDIS_STATUS_BAD_CHARACTERISTICS,
                  Cause{Reason::kMissingHandler,
                        "OQ-18: missing InitializeHandler, HaltHandler, QueryInformationHandler or "
                        "SetInformationHandler"});
  }
  if (wan && !c.WanSendHandler) {
    return m.Fail(fn, NDIS_STATUS_BAD_CHARACTERISTICS,
                  Cause{Reason::kMissingHandler,
                        "WAN-095: a WAN miniport (NDIS_USE_WAN_WRAPPER) supplies WanSendHandler",
                        RuleId::kWAN095});
  }
  if (!wan && !c.SendHandler && !c.SendPacketsHandler) {
    return m.Fail(
        fn, NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kMissingHandler, "OQ-18: neither SendHandler nor SendPacketsHandler"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_drivers.push_back(std::make_unique<Driver>());
  Driver* d = m.all_drivers.back().get();
  d->actor = Boundary::Get().CurrentActor();
  d->is_miniport = true;
  d->ndis5 = true;
  d->wan = wan;
  d->mp5 = c;
  d->handle = m.drivers.Insert(d);
  w->driver = d;
  return NDIS_STATUS_SUCCESS;
}

// ---- NDIS 5 adapters. ----

void Model::Impl::InitializeAdapter5(Adapter* a, NDIS_STATUS* init_status) {
  Driver* mp = a->miniport;
  a->ndis5 = true;
  // The hardware offers exactly the medium the harness gave.
  a->medium_array[0] = a->medium;
  NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
  UINT selected = ~UINT{0};
  NDIS_STATUS s = mp->mp5.InitializeHandler(&open_error, &selected, a->medium_array, 1,
                                            a->handle.ndis(), &a->config_token);
  if (s == NDIS_STATUS_PENDING) {
    Reject(Fn::MiniportInitialize, NDIS_STATUS_FAILURE,
           Cause{Reason::kCannotPend, "MiniportInitialize cannot pend; initialization failed"});
    s = NDIS_STATUS_FAILURE;
  } else if (s == NDIS_STATUS_SUCCESS && selected >= 1) {
    Reject(Fn::MiniportInitialize, NDIS_STATUS_UNSUPPORTED_MEDIA,
           Cause{Reason::kBadArgument,
                 "SelectedMediumIndex " + std::to_string(selected) +
                     " is outside the MediumArray (1 entry); initialization failed"});
    s = NDIS_STATUS_UNSUPPORTED_MEDIA;
  } else if (s == NDIS_STATUS_SUCCESS && !a->context_set) {
    Reject(Fn::MiniportInitialize, NDIS_STATUS_FAILURE,
           Cause{Reason::kMissingAttributes,
                 "returned SUCCESS without NdisMSetAttributesEx; initialization failed"});
    s = NDIS_STATUS_FAILURE;
  }
  if (s != NDIS_STATUS_SUCCESS) {
    if (a->interrupt != nullptr) {
      Reject(Fn::MiniportInitialize, s,
             Cause{Reason::kLeftOpen,
                   "failed with its interrupt still registered; NDIS deregisters it"});
      interrupts.erase(a->interrupt);
      a->interrupt = nullptr;
      ++a->interrupt_generation;
    }
    a->state = Adapter::State::kFailed;
    adapters.Release(a->handle);
    if (init_status != nullptr) *init_status = s;
    return;
  }
  a->state = Adapter::State::kRunning;
  // Every protocol, NDIS 5 or NDIS 6, is offered the adapter; it opens it
  // only if it accepts the medium.
  for (const auto& d : all_drivers) {
    if (d->is_miniport || d->deregistered) continue;
    if (a->state != Adapter::State::kRunning) break;
    if (BindingOf(d.get(), a) == nullptr) (void)Bind(d.get(), a);
  }
  if (init_status != nullptr) *init_status = NDIS_STATUS_SUCCESS;
}

VOID Model::NdisMSetAttributesEx(NDIS_HANDLE handle, NDIS_HANDLE context, UINT, ULONG flags,
                                 NDIS_INTERFACE_TYPE) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMSetAttributesEx;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  if (a->state != Adapter::State::kInitializing) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kOutsideCallback, "only from MiniportInitialize"});
  }
  a->context = context;
  a->context_set = true;
  // OQ-27: the serialization decides the IRQL rule of NdisMIndicateStatus.
  a->deserialized = (flags & NDIS_ATTRIBUTE_DESERIALIZE) != 0;
}

void Model::Impl::Halt5(Adapter* a) {
  // NDIS does not halt a miniport under a request; the model completes any
  // still queued or outstanding with REQUEST_ABORTED first (DERIVED).
  std::vector<Request5> aborted;
  if (a->active_request) aborted.push_back(*a->active_request);
  for (const Request5& r : a->request_queue) aborted.push_back(r);
  a->active_request.reset();
  a->request_queue.clear();
  a->early_request_complete.reset();
  if (!aborted.empty()) {
    Reject(Fn::MiniportHalt, NDIS_STATUS_REQUEST_ABORTED,
           Cause{Reason::kLeftOpen, std::to_string(aborted.size()) +
                                        " request(s) outstanding at halt; NDIS aborts them"});
    for (const Request5& r : aborted) {
      if (r.queued) DeliverRequestComplete(r, NDIS_STATUS_REQUEST_ABORTED);
    }
  }
  a->in_halt = true;
  a->miniport->mp5.HaltHandler(a->context);
  a->in_halt = false;
  if (a->interrupt != nullptr) {
    Reject(Fn::MiniportHalt, NDIS_STATUS_SUCCESS,
           Cause{Reason::kLeftOpen,
                 "returned with its interrupt still registered (no NdisMDeregisterInterrupt); NDIS "
                 "deregisters it"});
    interrupts.erase(a->interrupt);
    a->interrupt = nullptr;
    ++a->interrupt_generation;
  }
  if (!a->status_notified.empty()) {
    Reject(
        Fn::MiniportHalt, NDIS_STATUS_SUCCESS,
        Cause{
            Reason::kLeftOpen,
            "WAN-010: halted with a status indication not followed by NdisMIndicateStatusComplete",
            RuleId::kWAN010});
  }
  if (!a->wan_sends.empty()) {
    Reject(Fn::MiniportHalt, NDIS_STATUS_SUCCESS,
           Cause{Reason::kLeftOpen,
                 std::to_string(a->wan_sends.size()) + " WAN send(s) never completed"});
  }
}

// ---- Interrupts. ----

NDIS_STATUS Model::NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT interrupt, NDIS_HANDLE handle,
                                          UINT, UINT, BOOLEAN request_isr, BOOLEAN,
                                          NDIS_INTERRUPT_MODE) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMRegisterInterrupt;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return NDIS_STATUS_NOT_SUPPORTED;
  if (interrupt == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Interrupt"));
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return NDIS_STATUS_FAILURE;
  if (a->state != Adapter::State::kInitializing) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kOutsideCallback, "only from MiniportInitialize"});
  }
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  const NDIS_MINIPORT_CHARACTERISTICS& c = a->miniport->mp5;
  if ((request_isr && !c.ISRHandler) || !c.HandleInterruptHandler) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kMissingHandler,
                        "OQ-18: the miniport has no ISRHandler or HandleInterruptHandler"});
  }
  if (a->interrupt != nullptr) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kAlreadyRegistered, "the adapter already registered an interrupt"});
  }
  if (m.interrupts.count(interrupt) != 0) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kAlreadyRegistered,
              "Interrupt " + Hex(interrupt) + " is already registered by another adapter"});
  }
  a->interrupt = interrupt;
  a->request_isr = request_isr != FALSE;
  ++a->interrupt_generation;
  m.interrupts[interrupt] = a;
  interrupt->Reserved[0] = a->handle.ndis();  // NDIS's own use of the opaque block
  return NDIS_STATUS_SUCCESS;
}

VOID Model::NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT interrupt) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMDeregisterInterrupt;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  auto it = m.interrupts.find(interrupt);
  if (it == m.interrupts.end()) {
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kNotRegistered,
              "Interrupt " + Hex(interrupt) + " is not registered (NULL, never, or twice)"});
  }
  Adapter* a = it->second;
  if (!a->in_halt && a->state != Adapter::State::kInitializing) {
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kOutsideCallback, "only from MiniportHalt or a failing MiniportInitialize"});
  }
  m.interrupts.erase(it);
  a->interrupt = nullptr;
  ++a->interrupt_generation;  // a DPC still queued is dropped
  a->dpc_queued = false;
  interrupt->Reserved[0] = nullptr;
}

void Model::RaiseInterrupt(AdapterId id) {
  Impl& m = *impl_;
  Adapter* a = m.AdapterById(id);
  if (a == nullptr || !a->ndis5 || a->state != Adapter::State::kRunning ||
      a->interrupt == nullptr) {
    return m.Reject(Unrecorded::kRaiseInterrupt, NDIS_STATUS_FAILURE,
                    Cause{Reason::kSpuriousInterrupt,
                          "spurious interrupt: adapter " + std::to_string(id) +
                              " is not a running NDIS 5 adapter with a registered interrupt"});
  }
  Driver* mp = a->miniport;
  if (a->request_isr) {
    BOOLEAN recognized = FALSE, queue = FALSE;
    const KIRQL saved = m.irql;
    m.irql = kDeviceIrql;
    a->in_isr = true;
    mp->mp5.ISRHandler(&recognized, &queue, a->context);
    a->in_isr = false;
    m.irql = saved;
    if (!recognized || !queue) return;
  }
  // A DPC is queued once, however many interrupts arrive before it runs.
  if (a->dpc_queued) return;
  a->dpc_queued = true;
  const uint64_t generation = a->interrupt_generation;
  m.Queue(WorkKind::kDpc, "MiniportHandleInterrupt(adapter " + std::to_string(id) + ")",
          [&m, a, generation] {
            if (a->interrupt_generation != generation || a->state != Adapter::State::kRunning) {
              return;  // deregistered or halted since: the DPC was cancelled
            }
            a->dpc_queued = false;
            m.AtDispatch([&] {
              a->miniport->mp5.HandleInterruptHandler(a->context);
              return 0;
            });
          });
}

// ---- Status indications (spec 2.9; WAN-001..WAN-012). ----

VOID Model::NdisMIndicateStatus(NDIS_HANDLE handle, NDIS_STATUS status, PVOID buffer, UINT size) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMIndicateStatus;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  if (a->state != Adapter::State::kRunning && a->state != Adapter::State::kInitializing &&
      !a->in_halt) {
    return m.Reject(fn, NDIS_STATUS_FAILURE, Cause{Reason::kClosing, "the adapter is halting"});
  }
  // OQ-19 / WAN-095 under the NDIS-4-only scope: the NDIS WAN status codes
  // are not for an NDIS 5.x miniport (and every miniport of this path is
  // 5.x: NdisMRegisterMiniport accepts 5.0 and 5.1 only).
  if (m.settings.wan_version_scope == Settings::WanVersionScope::kNdis4Only &&
      (status == NDIS_STATUS_WAN_LINE_UP || status == NDIS_STATUS_WAN_LINE_DOWN ||
       status == NDIS_STATUS_WAN_FRAGMENT || status == NDIS_STATUS_TAPI_INDICATION)) {
    return m.Reject(fn, NDIS_STATUS_NOT_SUPPORTED,
                    Cause{Reason::kWanVersionScope,
                          "WAN-095 / OQ-19: the WAN version scope is NDIS 4 only; an NDIS 5.x "
                          "miniport indicates " +
                              spec::FormatStatus(status) + " (not forwarded)",
                          RuleId::kWAN095});
  }
  if (std::optional<Cause> v = m.IndicationContextViolation(a)) {
    const bool refuse = m.settings.wan_context_violations_refused;
    v->detail += refuse ? "; not forwarded" : "; forwarded anyway";
    m.Reject(fn, refuse ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS, std::move(*v));
    if (refuse) return;
  }
  // WAN-001: every bound protocol's ProtocolStatus, with the same
  // GeneralStatus, StatusBuffer pointer and StatusBufferSize; NDIS does not
  // look inside the buffer (WAN-103: by reference, so what a protocol writes
  // back, e.g. NdisLinkContext (WAN-024), is what the miniport sees).
  // Bindings of NDIS 6 protocols get no NDIS 5 status (the model does not
  // translate between the two).
  // The bindings present now: a callback may bind or close. a->bindings is
  // append-only, so its first n entries are that snapshot, read by index
  // (no copy per indication; the vector may reallocate as it grows).
  const size_t n = a->bindings.size();
  for (size_t i = 0; i < n; ++i) {
    Binding* b = a->bindings[i];
    if (!IsOpen(b) || !b->protocol->ndis5) continue;
    b->protocol->pr5.StatusHandler(b->context, status, buffer, size);
    // WAN-010: the bracket stays open until NdisMIndicateStatusComplete.
    if (std::find(a->status_notified.begin(), a->status_notified.end(), b) ==
        a->status_notified.end()) {
      a->status_notified.push_back(b);
    }
  }
}

VOID Model::NdisMIndicateStatusComplete(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMIndicateStatusComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  if (std::optional<Cause> v = m.IndicationContextViolation(a)) {
    const bool refuse = m.settings.wan_context_violations_refused;
    v->detail += refuse ? "; not forwarded" : "; forwarded anyway";
    m.Reject(fn, refuse ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS, std::move(*v));
    if (refuse) return;
  }
  // WAN-011: the protocols notified since the last complete; a complete
  // with no indication before it calls nobody (spec 2.9, harmless). The
  // list is taken first, so an indication made from ProtocolStatusComplete
  // opens the next bracket (WAN-012).
  std::vector<Binding*> list;
  list.swap(a->status_notified);
  for (Binding* b : list) {
    if (!IsOpen(b)) continue;
    b->protocol->pr5.StatusCompleteHandler(b->context);
  }
  // Hand the list's storage back when no new bracket opened meanwhile, so
  // the next bracket does not allocate again.
  if (a->status_notified.empty()) {
    list.clear();
    a->status_notified.swap(list);
  }
}

}  // namespace ndisconf::ndis
