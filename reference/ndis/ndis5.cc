// The NDIS 5.1 legacy WAN path of the reference NDIS model (ndis5.h; spec
// 1.2, 2.7, 2.9, 3.9, 5.11-5.18; OQ-19, OQ-27): NDIS 5 miniport and protocol
// registration, NDIS 5 adapters (MiniportInitialize, NdisMSetAttributesEx,
// MiniportHalt, interrupts and their DPC), NDIS 5 bindings (ProtocolBindAdapter,
// NdisOpenAdapter, ProtocolUnbindAdapter, NdisCloseAdapter), requests
// (NdisRequest to MiniportQuery/SetInformation, serialized per adapter),
// status indications (NdisMIndicateStatus / NdisMIndicateStatusComplete to
// ProtocolStatus / ProtocolStatusComplete) and the WAN data path (NdisWanSend,
// NdisMWanSendComplete, NdisMWanIndicateReceive(Complete)).
//
// NDIS is a router here, not NDISWAN: it never reads a status buffer, an
// information buffer or a packet, and passes each pointer and length on
// exactly as the caller gave them (WAN-001, WAN-103). Validating WAN status
// buffers (WAN-100) and link contexts (WAN-101) is NDISWAN's job.
#include <algorithm>
#include <cstring>

#include "model_impl.h"
#include "ndisconf/spec/wan_context.h"

namespace ndisconf::ndis {
namespace {

// NDIS 5.0 characteristics end before the three 5.1 handlers.
constexpr size_t kMiniport50Size =
    offsetof(NDIS_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler);
constexpr size_t kMiniport51Size = sizeof(NDIS_MINIPORT_CHARACTERISTICS);
constexpr size_t kProtocol5Size = sizeof(NDIS_PROTOCOL_CHARACTERISTICS);
// The Reserved bits a miniport may set (WAN-095).
constexpr UINT kKnownMiniportReserved = NDIS_USE_WAN_WRAPPER;
// Adapter names are short; a longer claimed Length is not compared further.
constexpr size_t kMaxNameBytes = 512;

bool IsOpen(const Binding* b) { return b->state != Binding::State::kClosed; }

std::string Version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool SameName(const UNICODE_STRING& mine, const NDIS_STRING* theirs) {
  if (theirs == &mine) return true;
  if (theirs->Buffer == nullptr || theirs->Length != mine.Length ||
      theirs->Length > kMaxNameBytes) {
    return false;
  }
  return std::memcmp(theirs->Buffer, mine.Buffer, mine.Length) == 0;
}

}  // namespace

// ---- Shared checks. ----

bool Model::Impl::RefusedByProfile(Fn fn, NDIS_STATUS status) {
  if (settings.wan_version_scope != Settings::WanVersionScope::kNdis6Only) return false;
  Reject(fn, status,
         Cause{Reason::kWanVersionScope,
               "OQ-19: the WAN version scope is NDIS 6 only, where the NDIS 5.1 legacy WAN "
               "functions are not available (NDIS 6 miniports cannot use NdisMIndicateStatus)"});
  return true;
}

Adapter* Model::Impl::Adapter5(Fn fn, NDIS_HANDLE handle, NDIS_STATUS status) {
  Cause why;
  Adapter* a = Resolve(adapters, handle, "MiniportAdapterHandle", &why);
  if (a == nullptr) {
    Reject(fn, status, why);
    return nullptr;
  }
  if (!a->ndis5) {
    Reject(
        fn, status,
        Cause{Reason::kWrongNdisVersion,
              "OQ-19: " + std::string(NameOf(fn)) +
                  " on the adapter of an NDIS 6 miniport (NDIS 6 miniports cannot use the NDIS 5.1 "
                  "functions, DDI:nf-ndis-ndismindicatestatus)"});
    return nullptr;
  }
  return a;
}

std::optional<Cause> Model::Impl::IndicationContextViolation(const Adapter* a) const {
  // The caller's context from the model's own state; the rules (WAN-002,
  // WAN-003, WAN-004 with OQ-27) are ndisconf/spec/wan_context.h's.
  spec::wan::IndicationContext ctx;
  ctx.in_isr = a->in_isr;
  ctx.in_halt = a->in_halt;  // MiniportShutdown: the model never calls it
  ctx.in_initialize = a->state == Adapter::State::kInitializing;
  ctx.deserialized = a->deserialized;
  ctx.irql = irql;
  // WAN-003 is about the caller's own locks, as the monitor's check reads
  // the rule; the count spares the scan when none is held, the common case.
  const void* held_lock = nullptr;
  ActorId holder = kNoActor;
  if (held_locks != 0) {
    const ActorId caller = Boundary::Get().CurrentActor();
    for (const auto& [lock, state] : locks) {
      if (state.held && state.holder == caller) {
        held_lock = lock;
        holder = state.holder;
        ctx.spin_locks_held = 1;
        break;
      }
    }
  }
  const std::optional<spec::wan::ContextViolation> v =
      spec::wan::FirstIndicationContextViolation(ctx);
  if (!v) return std::nullopt;
  std::string detail;
  switch (v->fault) {
    case spec::wan::ContextFault::kInIsr:
      detail = "WAN-002: called from MiniportISR";
      break;
    case spec::wan::ContextFault::kInHalt:
      detail = "WAN-002: called from MiniportHalt";
      break;
    case spec::wan::ContextFault::kInSerializedInitialize:
      detail = "WAN-002: called from MiniportInitialize of a serialized miniport";
      break;
    case spec::wan::ContextFault::kSpinLockHeld:
      detail = "WAN-003: spin lock " + Hex(held_lock) + " is held (acquired by driver #" +
               std::to_string(holder) + ")";
      break;
    case spec::wan::ContextFault::kIrqlAboveDispatch:
      detail = "WAN-004: called at IRQL " + std::to_string(irql) + ", above DISPATCH_LEVEL";
      break;
    case spec::wan::ContextFault::kSerializedNotAtDispatch:
      detail = "WAN-004 / OQ-27: a serialized miniport calls at DISPATCH_LEVEL; called at IRQL " +
               std::to_string(irql);
      break;
  }
  return Cause{Reason::kIndicationContext, std::move(detail), v->rule};
}

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

// ---- Protocol registration. ----

VOID Model::NdisRegisterProtocol(PNDIS_STATUS status, PNDIS_HANDLE out,
                                 PNDIS_PROTOCOL_CHARACTERISTICS chars, UINT length) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisRegisterProtocol;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  auto fail = [&](NDIS_STATUS s, Cause why) {
    m.Reject(fn, s, std::move(why));
    *status = s;
  };
  if (out == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisProtocolHandle"));
  *out = nullptr;
  if (m.RefusedByProfile(fn, NDIS_STATUS_BAD_VERSION)) {
    *status = NDIS_STATUS_BAD_VERSION;
    return;
  }
  if (auto v = m.PassiveViolation()) return fail(NDIS_STATUS_FAILURE, *v);
  if (chars == nullptr)
    return fail(NDIS_STATUS_BAD_CHARACTERISTICS, NullArg("ProtocolCharacteristics"));
  if (length < 2) {
    return fail(
        NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "CharacteristicsLength " + std::to_string(length) + " does not cover the version"});
  }
  const unsigned major = chars->MajorNdisVersion, minor = chars->MinorNdisVersion;
  if (major != 5 || minor > 1) {
    return fail(NDIS_STATUS_BAD_VERSION,
                Cause{Reason::kBadVersion, "version " + Version(major, minor) +
                                               " (the legacy path models NDIS 5.0 and 5.1)"});
  }
  if (length < kProtocol5Size) {
    return fail(
        NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kBadCharacteristics,
              "CharacteristicsLength " + std::to_string(length) + " is shorter than the " +
                  std::to_string(kProtocol5Size) + " bytes of NDIS 5 protocol characteristics"});
  }
  NDIS_PROTOCOL_CHARACTERISTICS c{};
  std::memcpy(&c, chars, sizeof(c));
  // OQ-18 (DERIVED): the handlers this model calls on an NDIS 5 protocol.
  if (!c.BindAdapterHandler || !c.UnbindAdapterHandler || !c.OpenAdapterCompleteHandler ||
      !c.CloseAdapterCompleteHandler || !c.RequestCompleteHandler || !c.StatusHandler ||
      !c.StatusCompleteHandler || !c.ReceiveHandler || !c.ReceiveCompleteHandler ||
      !c.SendCompleteHandler) {
    return fail(
        NDIS_STATUS_BAD_CHARACTERISTICS,
        Cause{Reason::kMissingHandler,
              "OQ-18: missing required handler (BindAdapter, UnbindAdapter, OpenAdapterComplete, "
              "CloseAdapterComplete, RequestComplete, Status, StatusComplete, (Wan)Receive, "
              "ReceiveComplete or (Wan)SendComplete)"});
  }
  if (!m.Allocate())
    return fail(NDIS_STATUS_RESOURCES,
                Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_drivers.push_back(std::make_unique<Driver>());
  Driver* d = m.all_drivers.back().get();
  d->actor = Boundary::Get().CurrentActor();
  d->ndis5 = true;
  d->pr5 = c;
  d->handle = m.drivers.Insert(d);
  *out = d->handle.ndis();
  *status = NDIS_STATUS_SUCCESS;
}

VOID Model::NdisDeregisterProtocol(PNDIS_STATUS status, NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisDeregisterProtocol;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  Cause why;
  Driver* d = m.Resolve(m.drivers, handle, "NdisProtocolHandle", &why);
  if (d == nullptr || d->is_miniport || !d->ndis5) {
    m.Reject(fn, NDIS_STATUS_FAILURE,
             d == nullptr ? why
                          : Cause{Reason::kWrongNdisVersion,
                                  "NdisProtocolHandle does not name an NDIS 5 protocol"});
    *status = NDIS_STATUS_FAILURE;
    return;
  }
  // NDIS unbinds the protocol from every adapter first.
  for (const auto& a : m.all_adapters) {
    Binding* b = m.BindingOf(d, a.get());
    if (b != nullptr && b->state == Binding::State::kBound) m.StartUnbind(b);
  }
  d->deregistered = true;
  m.drivers.Release(d->handle);
  *status = NDIS_STATUS_SUCCESS;
}

// ---- NDIS 5 bindings. ----

NDIS_STATUS Model::Impl::Bind5(Driver* p, Adapter* a) {
  if (!Allocate())
    return Fail(Unrecorded::kBindProtocol, NDIS_STATUS_RESOURCES,
                Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  all_bind_ctxs.push_back(std::make_unique<BindCtx>());
  BindCtx* ctx = all_bind_ctxs.back().get();
  ctx->ndis5 = true;
  ctx->protocol = p;
  ctx->adapter = a;
  ctx->handle = bind_ctxs.Insert(ctx);
  ctx->in_call = true;
  // DERIVED: a bind handler that writes no status has failed.
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  // DeviceName: the adapter's one name string (docs/wan_events.md).
  p->pr5.BindAdapterHandler(&s, ctx->handle.ndis(), &a->uname, nullptr, nullptr);
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
        Fn::NdisCompleteBindAdapter, NDIS_STATUS_FAILURE,
        Cause{Reason::kDidNotPend, "completion of a bind that did not return PENDING (ignored)"});
  }
  FinishBind(ctx, s);
  return s;
}

VOID Model::NdisOpenAdapter(PNDIS_STATUS status, PNDIS_STATUS open_error, PNDIS_HANDLE out,
                            PUINT selected, PNDIS_MEDIUM media, UINT media_count,
                            NDIS_HANDLE protocol_handle, NDIS_HANDLE binding_context,
                            PNDIS_STRING name, UINT, PVOID) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisOpenAdapter;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  auto fail = [&](NDIS_STATUS s, Cause why) {
    m.Reject(fn, s, std::move(why));
    *status = s;
  };
  if (out == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisBindingHandle"));
  *out = nullptr;
  if (open_error != nullptr) *open_error = NDIS_STATUS_SUCCESS;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  if (auto v = m.PassiveViolation()) return fail(NDIS_STATUS_FAILURE, *v);
  Cause why;
  Driver* p = m.Resolve(m.drivers, protocol_handle, "NdisProtocolHandle", &why);
  if (p == nullptr) return fail(NDIS_STATUS_FAILURE, why);
  if (p->is_miniport || !p->ndis5) {
    return fail(NDIS_STATUS_FAILURE, Cause{Reason::kWrongNdisVersion,
                                           "NdisProtocolHandle does not name an NDIS 5 protocol"});
  }
  if (selected == nullptr)
    return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("SelectedMediumIndex"));
  if (media == nullptr || media_count == 0) {
    return fail(NDIS_STATUS_INVALID_PARAMETER, Cause{Reason::kBadArgument, "empty MediumArray"});
  }
  if (name == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("AdapterName"));
  Adapter* a = nullptr;
  for (const auto& cand : m.all_adapters) {
    if (cand->state == Adapter::State::kRunning && SameName(cand->uname, name)) {
      a = cand.get();
      break;
    }
  }
  if (a == nullptr)
    return fail(NDIS_STATUS_ADAPTER_NOT_FOUND,
                Cause{Reason::kNotRegistered, "no running adapter of that name"});
  if (!a->ndis5) {
    return fail(NDIS_STATUS_NOT_SUPPORTED,
                Cause{Reason::kWrongNdisVersion,
                      "the adapter's miniport is NDIS 6; the model does not translate between "
                      "NDIS 5 protocols and NDIS 6 miniports"});
  }
  // The open belongs to this protocol's ProtocolBindAdapter for the adapter
  // (in its call, or pended and not yet completed).
  BindCtx* ctx = nullptr;
  for (const auto& cand : m.all_bind_ctxs) {
    if (cand->ndis5 && cand->protocol == p && cand->adapter == a && !cand->done) {
      ctx = cand.get();
      break;
    }
  }
  if (ctx == nullptr) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kWrongState,
                      "no ProtocolBindAdapter of this protocol for this adapter is in progress"});
  }
  if (ctx->binding != nullptr)
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kWrongState, "this bind already opened the adapter"});
  // Media arrays are small; cap the scan so a garbage size cannot run away.
  const UINT n = media_count < 64 ? media_count : 64;
  UINT index = n;
  for (UINT i = 0; i < n; ++i) {
    // Compared as numbers: a garbage entry is not a valid NDIS_MEDIUM.
    uint32_t medium;
    std::memcpy(&medium, &media[i], sizeof(medium));
    if (medium == static_cast<uint32_t>(a->medium)) {
      index = i;
      break;
    }
  }
  if (index == n)
    return fail(NDIS_STATUS_UNSUPPORTED_MEDIA,
                Cause{Reason::kBadArgument, "adapter medium not in MediumArray"});
  if (!m.Allocate())
    return fail(NDIS_STATUS_RESOURCES,
                Cause{Reason::kInjectedAllocationFailure, "injected allocation failure"});
  m.all_bindings.push_back(std::make_unique<Binding>());
  Binding* b = m.all_bindings.back().get();
  b->protocol = p;
  b->adapter = a;
  b->context = binding_context;
  b->bind = ctx;
  b->handle = m.bindings.Insert(b);
  ctx->binding = b;
  a->bindings.push_back(b);
  // The open completes at once: ProtocolOpenAdapterComplete is never called.
  *selected = index;
  *out = b->handle.ndis();
  *status = NDIS_STATUS_SUCCESS;
}

VOID Model::NdisCompleteBindAdapter(NDIS_HANDLE bind_context, NDIS_STATUS status, NDIS_STATUS) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCompleteBindAdapter;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Cause why;
  BindCtx* ctx = m.Resolve(m.bind_ctxs, bind_context, "BindAdapterContext", &why);
  if (ctx == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (!ctx->ndis5) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kWrongNdisVersion,
                          "BindAdapterContext of an NDIS 6 bind; use NdisCompleteBindAdapterEx"});
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

void Model::Impl::StartUnbind5(Binding* b, UnbindCtx* u) {
  u->in_call = true;
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  b->protocol->pr5.UnbindAdapterHandler(&s, b->context, u->handle.ndis());
  u->in_call = false;
  if (s == NDIS_STATUS_PENDING && !u->early_completion) return;
  if (s != NDIS_STATUS_SUCCESS && s != NDIS_STATUS_PENDING) {
    Reject(Fn::ProtocolUnbindAdapter, s,
           Cause{Reason::kCannotFail, "an unbind cannot fail; treated as SUCCESS"});
  }
  FinishUnbind(u);
}

VOID Model::NdisCompleteUnbindAdapter(NDIS_HANDLE unbind_context, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCompleteUnbindAdapter;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Cause why;
  UnbindCtx* u = m.Resolve(m.unbind_ctxs, unbind_context, "UnbindAdapterContext", &why);
  if (u == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (!u->binding->protocol->ndis5) {
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongNdisVersion,
              "UnbindAdapterContext of an NDIS 6 unbind; use NdisCompleteUnbindAdapterEx"});
  }
  if (status != NDIS_STATUS_SUCCESS) {
    m.Reject(fn, status, Cause{Reason::kCannotFail, "an unbind cannot fail; treated as SUCCESS"});
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

VOID Model::NdisCloseAdapter(PNDIS_STATUS status, NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCloseAdapter;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  Cause why;
  Binding* b = m.Resolve(m.bindings, handle, "NdisBindingHandle", &why);
  if (b == nullptr || !b->protocol->ndis5) {
    m.Reject(fn, NDIS_STATUS_FAILURE,
             b == nullptr
                 ? why
                 : Cause{Reason::kWrongNdisVersion,
                         "binding of an NDIS 6 protocol; it closes with NdisCloseAdapterEx"});
    *status = NDIS_STATUS_FAILURE;
    return;
  }
  // The protocol's obligation (DERIVED): nothing of its own outstanding.
  Adapter* a = b->adapter;
  size_t outstanding = 0;
  if (a->active_request && a->active_request->binding == b) ++outstanding;
  for (const Request5& r : a->request_queue) outstanding += r.binding == b;
  for (const auto& [packet, send] : a->wan_sends) outstanding += send.binding == b;
  if (outstanding > 0) {
    m.Reject(fn, NDIS_STATUS_SUCCESS,
             Cause{Reason::kDropped,
                   "binding closed with " + std::to_string(outstanding) +
                       " request(s) or WAN send(s) outstanding; their completions are dropped"});
  }
  // The close completes at once: ProtocolCloseAdapterComplete is never called.
  m.CloseBinding(b, fn);
  *status = NDIS_STATUS_SUCCESS;
}

// ---- Requests (NdisRequest; one in the miniport at a time). ----

NDIS_STATUS Model::Impl::CallMiniportRequest(Adapter* a, const Request5& r) {
  PNDIS_REQUEST q = r.request;
  Driver* mp = a->miniport;
  a->request_in_call = true;
  // Miniport request handlers run at DISPATCH_LEVEL.
  const NDIS_STATUS s = AtDispatch([&] {
    NDIS_STATUS st;
    if (IsSetRequest(q)) {
      auto& d = q->DATA.SET_INFORMATION;
      st = mp->mp5.SetInformationHandler(a->context, d.Oid, d.InformationBuffer,
                                         d.InformationBufferLength, &d.BytesRead, &d.BytesNeeded);
    } else {
      // Query and query-statistics requests are both queries.
      auto& d = q->DATA.QUERY_INFORMATION;
      st = mp->mp5.QueryInformationHandler(a->context, d.Oid, d.InformationBuffer,
                                           d.InformationBufferLength, &d.BytesWritten,
                                           &d.BytesNeeded);
    }
    return st;
  });
  a->request_in_call = false;
  if (s != NDIS_STATUS_PENDING && a->early_request_complete) {
    Reject(IsSetRequest(q) ? Fn::NdisMSetInformationComplete : Fn::NdisMQueryInformationComplete,
           NDIS_STATUS_FAILURE,
           Cause{Reason::kDidNotPend,
                 "completion of a request that did not return PENDING (ignored)"});
    a->early_request_complete.reset();
  }
  return s;
}

void Model::Impl::DeliverRequestComplete(const Request5& r, NDIS_STATUS status) {
  Binding* b = r.binding;
  if (!IsOpen(b)) {
    Reject(Fn::ProtocolRequestComplete, status,
           Cause{Reason::kDropped,
                 "the binding was closed with the request outstanding; completion dropped"});
    return;
  }
  b->protocol->pr5.RequestCompleteHandler(b->context, r.request, status);
}

void Model::Impl::PumpRequests(Adapter* a) {
  if (a->pumping) return;  // the running pump picks up what is queued now
  a->pumping = true;
  while (!a->active_request && !a->request_queue.empty() && a->state == Adapter::State::kRunning) {
    Request5 r = a->request_queue.front();
    a->request_queue.pop_front();
    if (!IsOpen(r.binding)) {
      Reject(Fn::NdisRequest, NDIS_STATUS_REQUEST_ABORTED,
             Cause{Reason::kDropped, "the binding was closed with the request queued; dropped"});
      continue;
    }
    a->active_request = r;
    NDIS_STATUS s = CallMiniportRequest(a, r);
    if (s == NDIS_STATUS_PENDING) {
      if (!a->early_request_complete) break;
      s = *a->early_request_complete;
      a->early_request_complete.reset();
    }
    a->active_request.reset();
    // It was queued, so the protocol was told PENDING: it hears the result
    // through ProtocolRequestComplete.
    DeliverRequestComplete(r, s);
  }
  a->pumping = false;
}

void Model::Impl::CompleteRequest(Adapter* a, NDIS_STATUS status, bool query, Fn fn) {
  if (!a->active_request) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kNotPending, "no request is outstanding at the miniport"});
  }
  const bool is_query = !IsSetRequest(a->active_request->request);
  if (is_query != query) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  is_query
                      ? Cause{Reason::kWrongCompletion,
                              "the outstanding request is a query (NdisMQueryInformationComplete)"}
                      : Cause{Reason::kWrongCompletion,
                              "the outstanding request is a set (NdisMSetInformationComplete)"});
  }
  if (status == NDIS_STATUS_PENDING) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (a->request_in_call) {
    // Completed from inside MiniportQuery/SetInformation: applied once it returns.
    if (a->early_request_complete)
      return Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kCompletedTwice, "request completed twice"});
    a->early_request_complete = status;
    return;
  }
  const Request5 r = *a->active_request;
  a->active_request.reset();
  DeliverRequestComplete(r, status);
  PumpRequests(a);
}

VOID Model::NdisRequest(PNDIS_STATUS status, NDIS_HANDLE handle, PNDIS_REQUEST request) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisRequest;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  auto fail = [&](NDIS_STATUS s, Cause why) {
    m.Reject(fn, s, std::move(why));
    *status = s;
  };
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  Cause why;
  Binding* b = m.Resolve(m.bindings, handle, "NdisBindingHandle", &why);
  if (b == nullptr) return fail(NDIS_STATUS_FAILURE, why);
  if (!b->protocol->ndis5) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kWrongNdisVersion,
                      "binding of an NDIS 6 protocol (NdisOidRequest is not modelled)"});
  }
  if (request == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisRequest"));
  const uint32_t type = RawRequestType(request);
  if (type != NdisRequestQueryInformation && type != NdisRequestSetInformation &&
      type != NdisRequestQueryStatistics) {
    return fail(NDIS_STATUS_INVALID_PARAMETER,
                Cause{Reason::kBadArgument, "unknown RequestType " + std::to_string(type)});
  }
  if (m.irql > DISPATCH_LEVEL) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kIrqlTooHigh,
                      "called at IRQL " + std::to_string(m.irql) + ", above DISPATCH_LEVEL"});
  }
  Adapter* a = b->adapter;
  if (a->state != Adapter::State::kRunning) {
    return fail(NDIS_STATUS_ADAPTER_NOT_READY, Cause{Reason::kClosing, "the adapter is halting"});
  }
  // The OID is the miniport's business: NDIS passes every OID through.
  Request5 r{b, request, false};
  if (a->active_request || !a->request_queue.empty() || a->pumping) {
    // NDIS gives a miniport one request at a time (for deserialized
    // miniports too: only their sends are deserialized); the rest wait.
    r.queued = true;
    a->request_queue.push_back(r);
    *status = NDIS_STATUS_PENDING;
    return;
  }
  a->active_request = r;
  NDIS_STATUS s = m.CallMiniportRequest(a, r);
  if (s == NDIS_STATUS_PENDING) {
    if (!a->early_request_complete) {
      *status = NDIS_STATUS_PENDING;  // NdisM*InformationComplete -> ProtocolRequestComplete
      return;
    }
    // Completed before the miniport returned PENDING: the protocol gets the
    // result now, and no ProtocolRequestComplete.
    s = *a->early_request_complete;
    a->early_request_complete.reset();
  }
  a->active_request.reset();
  *status = s;
  m.PumpRequests(a);  // requests queued while this one was in the miniport
}

VOID Model::NdisMQueryInformationComplete(NDIS_HANDLE handle, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMQueryInformationComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  m.CompleteRequest(a, status, true, fn);
}

VOID Model::NdisMSetInformationComplete(NDIS_HANDLE handle, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMSetInformationComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  m.CompleteRequest(a, status, false, fn);
}

// ---- WAN data path. ----

VOID Model::NdisWanSend(PNDIS_STATUS status, NDIS_HANDLE handle, NDIS_HANDLE link,
                        PNDIS_WAN_PACKET packet) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisWanSend;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  auto fail = [&](NDIS_STATUS s, Cause why) {
    m.Reject(fn, s, std::move(why));
    *status = s;
  };
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  Cause why;
  Binding* b = m.Resolve(m.bindings, handle, "NdisBindingHandle", &why);
  if (b == nullptr) return fail(NDIS_STATUS_FAILURE, why);
  Adapter* a = b->adapter;
  if (!b->protocol->ndis5 || !a->ndis5 || !a->miniport->wan) {
    return fail(NDIS_STATUS_NOT_SUPPORTED,
                Cause{Reason::kWrongNdisVersion,
                      "not an NDIS 5 binding to a WAN miniport (NDIS_USE_WAN_WRAPPER)"});
  }
  if (packet == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("Packet"));
  if (a->state != Adapter::State::kRunning) {
    return fail(NDIS_STATUS_ADAPTER_NOT_READY, Cause{Reason::kClosing, "the adapter is halting"});
  }
  if (m.irql > DISPATCH_LEVEL) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kIrqlTooHigh,
                      "called at IRQL " + std::to_string(m.irql) + ", above DISPATCH_LEVEL"});
  }
  if (a->wan_sends.count(packet) != 0) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kBadArgument, "Packet " + Hex(packet) + " is already outstanding"});
  }
  // NDIS does not know links: NdisLinkHandle goes to the miniport as given
  // (WAN-028; sending on an unestablished link, WAN-033, is NDISWAN's rule).
  a->wan_sends[packet] = WanSend{b, true, false};
  Driver* mp = a->miniport;
  const NDIS_STATUS s = m.AtDispatch([&] {
    const NDIS_STATUS st = mp->mp5.WanSendHandler(a->context, link, packet);
    return st;
  });
  auto it = a->wan_sends.find(packet);
  if (it != a->wan_sends.end()) {
    const bool completed = it->second.completed;
    if (s == NDIS_STATUS_PENDING && !completed) {
      it->second.in_call = false;  // NdisMWanSendComplete follows
    } else {
      a->wan_sends.erase(it);
      if (s != NDIS_STATUS_PENDING && completed) {
        m.Reject(Fn::NdisMWanSendComplete, NDIS_STATUS_FAILURE,
                 Cause{Reason::kDidNotPend, "completion of a send whose MiniportWanSend returned " +
                                                spec::FormatStatus(s) +
                                                ", not PENDING (the protocol heard twice)"});
      }
    }
  }
  *status = s;
}

VOID Model::NdisMWanSendComplete(NDIS_HANDLE handle, PNDIS_WAN_PACKET packet, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMWanSendComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  auto it = a->wan_sends.find(packet);
  if (it == a->wan_sends.end()) {
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{
            Reason::kNotPending,
            "Packet " + Hex(packet) +
                " is not outstanding (never sent, already completed, or returned synchronously)"});
  }
  if (status == NDIS_STATUS_PENDING) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (it->second.completed)
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kCompletedTwice, "send completed twice"});
  Binding* b = it->second.binding;
  if (it->second.in_call) {
    it->second.completed = true;  // from inside MiniportWanSend: NdisWanSend sorts it out
  } else {
    a->wan_sends.erase(it);
  }
  if (!IsOpen(b)) {
    return m.Reject(fn, status,
                    Cause{Reason::kDropped,
                          "the binding was closed with the send outstanding; completion dropped"});
  }
  b->protocol->pr5.WanSendCompleteHandler(b->context, packet, status);
}

VOID Model::NdisMWanIndicateReceive(PNDIS_STATUS status, NDIS_HANDLE handle, NDIS_HANDLE link,
                                    PUCHAR packet, ULONG size) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMWanIndicateReceive;
  if (status == nullptr) return m.Reject(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("Status"));
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) {
    *status = NDIS_STATUS_NOT_SUPPORTED;
    return;
  }
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) {
    *status = NDIS_STATUS_FAILURE;
    return;
  }
  auto fail = [&](NDIS_STATUS s, Cause why) {
    m.Reject(fn, s, std::move(why));
    *status = s;
  };
  if (!a->miniport->wan)
    return fail(NDIS_STATUS_NOT_SUPPORTED, Cause{Reason::kWrongCallerRole, "not a WAN miniport"});
  if (a->state != Adapter::State::kRunning)
    return fail(NDIS_STATUS_FAILURE, Cause{Reason::kWrongState, "the adapter is not running"});
  // The context rules of status indications apply to receives too (DERIVED).
  if (std::optional<Cause> v = m.IndicationContextViolation(a)) {
    if (m.settings.wan_context_violations_refused) {
      v->detail += "; not forwarded";
      return fail(NDIS_STATUS_FAILURE, std::move(*v));
    }
    v->detail += "; forwarded anyway";
    m.Reject(fn, NDIS_STATUS_SUCCESS, std::move(*v));
  }
  // The protocol bound to a WAN miniport (NDISWAN) gets the packet on its
  // WanReceiveHandler, named by NdisLinkContext (WAN-025): the first open
  // NDIS 5 binding, in bind order (DERIVED if several are bound).
  Binding* b = nullptr;
  for (Binding* cand : a->bindings) {
    if (IsOpen(cand) && cand->protocol->ndis5) {
      b = cand;
      break;
    }
  }
  if (b == nullptr)
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kNotRegistered, "no protocol is bound to the adapter"});
  const NDIS_STATUS s = b->protocol->pr5.WanReceiveHandler(link, packet, size);
  if (std::find(a->receive_notified.begin(), a->receive_notified.end(), b) ==
      a->receive_notified.end()) {
    a->receive_notified.push_back(b);
  }
  *status = s;
}

VOID Model::NdisMWanIndicateReceiveComplete(NDIS_HANDLE handle, NDIS_HANDLE) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMWanIndicateReceiveComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  if (!a->miniport->wan)
    return m.Reject(fn, NDIS_STATUS_NOT_SUPPORTED,
                    Cause{Reason::kWrongCallerRole, "not a WAN miniport"});
  if (std::optional<Cause> v = m.IndicationContextViolation(a)) {
    const bool refuse = m.settings.wan_context_violations_refused;
    v->detail += refuse ? "; not forwarded" : "; forwarded anyway";
    m.Reject(fn, refuse ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS, std::move(*v));
    if (refuse) return;
  }
  // ReceiveCompleteHandler of the protocols given a receive since the last
  // complete; none if there was no receive.
  std::vector<Binding*> list;
  list.swap(a->receive_notified);
  for (Binding* b : list) {
    if (!IsOpen(b)) continue;
    b->protocol->pr5.ReceiveCompleteHandler(b->context);
  }
}

}  // namespace ndisconf::ndis
