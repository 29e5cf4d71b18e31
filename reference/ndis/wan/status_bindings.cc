// Rule family "status", NDIS 5 protocols and bindings, of the reference NDIS
// model (spec 1.2, 2.7, 3.9; OQ-19): NdisRegisterProtocol and
// NdisDeregisterProtocol, ProtocolBindAdapter, NdisOpenAdapter and
// NdisCompleteBindAdapter, ProtocolUnbindAdapter and NdisCompleteUnbindAdapter,
// and NdisCloseAdapter. Like the monitor's status family, it owns the bindings
// that status indications, requests and sends go through.
#include <cstring>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

namespace {

constexpr size_t kProtocol5Size = sizeof(NDIS_PROTOCOL_CHARACTERISTICS);

// Adapter names are short; a longer claimed Length is not compared further.
constexpr size_t kMaxNameBytes = 512;

bool SameName(const UNICODE_STRING& mine, const NDIS_STRING* theirs) {
  if (theirs == &mine) return true;
  if (theirs->Buffer == nullptr || theirs->Length != mine.Length ||
      theirs->Length > kMaxNameBytes) {
    return false;
  }
  return std::memcmp(theirs->Buffer, mine.Buffer, mine.Length) == 0;
}

}  // namespace

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

}  // namespace ndisconf::ndis
