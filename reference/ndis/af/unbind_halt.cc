// Rule family "unbind_halt" of the reference NDIS model (spec 2.2, 5.8, 5.9;
// AF-120..AF-123): miniport adapters (MiniportInitializeEx,
// NdisMSetMiniportAttributes, halt) and protocol bindings. Binding lives here
// too: ProtocolBindAdapterEx, NdisOpenAdapterEx and its completion, unbind,
// NdisCloseAdapterEx and NdisUnbindAdapter.
#include <cstring>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

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
    // NDIS 5 miniport: MiniportInitialize / NdisMSetAttributesEx (wan/status.cc).
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
    Halt5(a);  // MiniportHalt (wan/status.cc)
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
  if (p->ndis5) return Bind5(p, a);  // ProtocolBindAdapter (wan/status_bindings.cc)
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
    StartUnbind5(b, u);  // ProtocolUnbindAdapter (wan/status_bindings.cc)
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

}  // namespace ndisconf::ndis
