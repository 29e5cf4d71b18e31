// Rule family "open_af" of the reference NDIS model (spec 2.4 O1-O7;
// AF-030..AF-044): NdisClOpenAddressFamilyEx, the call manager's
// ProtocolCmOpenAf and NdisCmOpenAddressFamilyComplete, and the delivery of
// ProtocolClOpenAfCompleteEx.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

// ---- Open (O1-O7). ----

NDIS_STATUS Model::NdisClOpenAddressFamilyEx(NDIS_HANDLE binding, PCO_ADDRESS_FAMILY af,
                                             NDIS_HANDLE client_ctx, PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisClOpenAddressFamilyEx;
  if (out == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisAfHandle"));
  *out = nullptr;
  if (af == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("AddressFamily"));
  if (auto v = m.PassiveViolation()) return m.Fail(fn, NDIS_STATUS_FAILURE, *v);
  Cause why;
  Binding* b = m.Resolve(m.bindings, binding, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (!b->protocol->IsCoClient()) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongCallerRole, "the caller did not register as a CoNDIS client"});
  }
  // O1f / AF-032: FAILURE causes; ProtocolCmOpenAf is not called (DERIVED).
  if (b->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-032: the client's binding is closing", RuleId::kAF032});
  }
  Registration* reg = nullptr;
  for (Registration* r : b->adapter->registrations) {
    if (r->Active() && r->af.AddressFamily == af->AddressFamily) reg = r;
  }
  if (reg == nullptr) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kNotRegistered,
                        "AF-032: no call manager registered AF " + Hex(af->AddressFamily) +
                            " on the client's adapter",
                        RuleId::kAF032});
  }
  if (reg->cm_binding != nullptr && reg->cm_binding->state == Binding::State::kUnbinding) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kClosing, "AF-032: the call manager is closing its binding", RuleId::kAF032});
  }
  if (reg->IsMcm() && reg->adapter->state != Adapter::State::kRunning) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kClosing, "AF-032: the MCM's adapter is halting", RuleId::kAF032});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-032: injected allocation failure",
                        RuleId::kAF032});
  m.all_afs.push_back(std::make_unique<AfOpen>());
  AfOpen* o = m.all_afs.back().get();
  o->reg = reg;
  o->client = b->protocol;
  o->client_binding = b;
  o->cm = reg->cm;
  // AF-031: an MCM's CallMgrBindingContext is its MiniportAdapterContext.
  o->cm_binding_context = reg->IsMcm() ? reg->adapter->context : reg->cm_binding->context;
  o->client_ctx = client_ctx;
  o->handle = m.afs.Insert(o);  // AF-031 / AF-140: unique per instance
  b->afs.push_back(o);

  o->in_open_call = true;
  NDIS_HANDLE cm_ctx = nullptr;
  const NDIS_STATUS s =
      o->cm->cm.CmOpenAfHandler(o->cm_binding_context, af, o->handle.ndis(), &cm_ctx);
  o->in_open_call = false;

  if (s == NDIS_STATUS_PENDING) {  // O3 / AF-033
    if (o->early_open_complete) {
      const auto [st, ctx] = *o->early_open_complete;
      o->early_open_complete.reset();
      m.CompleteOpen(o, st, ctx);
    }
    return NDIS_STATUS_PENDING;
  }
  if (o->early_open_complete) {
    o->early_open_complete.reset();
    m.Reject(
        Fn::NdisCmOpenAddressFamilyComplete, NDIS_STATUS_FAILURE,
        Cause{
            Reason::kDidNotPend,
            "AF-034: completion of an open whose ProtocolCmOpenAf did not return PENDING (ignored)",
            RuleId::kAF034});
  }
  if (s == NDIS_STATUS_SUCCESS) {  // O2 / AF-039: no NDIS-called completion
    o->state = AfOpen::State::kOpen;
    o->cm_ctx = cm_ctx;
    *out = o->handle.ndis();
    return NDIS_STATUS_SUCCESS;
  }
  // O4: the CM's error is returned; the handle is invalid.
  o->state = AfOpen::State::kFailed;
  m.afs.Release(o->handle);
  return s;
}

void Model::Impl::CompleteOpen(AfOpen* o, NDIS_STATUS status, NDIS_HANDLE cm_ctx) {
  if (status == NDIS_STATUS_SUCCESS) {  // O5 / AF-035
    o->state = AfOpen::State::kOpen;
    o->cm_ctx = cm_ctx;
  } else {  // O6 / AF-036 / AF-038: cleaned up before the client hears of it
    o->state = AfOpen::State::kFailed;
    afs.Release(o->handle);
  }
  DeliverOpenComplete(o, status);
}

void Model::Impl::DeliverOpenComplete(AfOpen* o, NDIS_STATUS status) {
  // AF-037: NdisAfHandle is NULL unless SUCCESS; delivered at PASSIVE_LEVEL.
  Driver* cl = o->client;
  NDIS_HANDLE ctx = o->client_ctx;
  NDIS_HANDLE handle = status == NDIS_STATUS_SUCCESS ? o->handle.ndis() : nullptr;
  DeliverAtPassive(
      WorkKind::kDeferredCompletion,
      "ProtocolClOpenAfCompleteEx(" + Hex(ctx) + ", " + Hex(handle) + ", " +
          spec::FormatStatus(status) + ")",
      [cl, ctx, handle, status] { cl->cl.ClOpenAfCompleteHandlerEx(ctx, handle, status); });
}

VOID Model::NdisCmOpenAddressFamilyComplete(NDIS_STATUS status, NDIS_HANDLE handle,
                                            NDIS_HANDLE cm_ctx) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCmOpenAddressFamilyComplete;
  Cause why;
  AfOpen* o = m.Resolve(m.afs, handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Reject(fn, NDIS_STATUS_FAILURE, why);
  if (o->state != AfOpen::State::kOpening) {
    return m.Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kNotPending,
                          std::string("AF-034: no open is pending on this AF (state ") +
                              AfStateName(o->state) + ")",
                          RuleId::kAF034});
  }
  if (status == NDIS_STATUS_PENDING) {  // O7
    return m.Reject(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kPendingStatus,
              "O7 / AF-034: Status NDIS_STATUS_PENDING (ignored; the open stays pending)",
              RuleId::kAF034});
  }
  if (o->in_open_call) {
    if (o->early_open_complete)
      return m.Reject(fn, NDIS_STATUS_FAILURE,
                      Cause{Reason::kCompletedTwice, "AF-034: completed twice", RuleId::kAF034});
    o->early_open_complete = std::make_pair(status, cm_ctx);
    return;
  }
  m.CompleteOpen(o, status, cm_ctx);
}

}  // namespace ndisconf::ndis
