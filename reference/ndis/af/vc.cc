// Rule family "vc" of the reference NDIS model, first half (spec 2.6;
// AF-100..AF-111, OQ-12..OQ-15): creating and deleting VCs (NdisCoCreateVc,
// NdisMCmCreateVc, NdisCoDeleteVc, NdisMCmDeleteVc) with the peer and miniport
// callbacks they drive. The calls that activate a VC are vc_calls.cc's.
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

using VcAct = Vc::Activation;
using VcCall = Vc::Call;

Driver* Model::Impl::ClientOf(const Vc* vc) const { return vc->af ? vc->af->client : nullptr; }

Driver* Model::Impl::CmOf(const Vc* vc) const {
  return vc->af ? vc->af->cm : vc->creator_driver;  // signalling VC: its CM creator
}

NDIS_HANDLE Model::Impl::ClientVcCtx(const Vc* vc) const {
  return vc->creator == Vc::Creator::kClient ? vc->creator_ctx : vc->peer_ctx;
}

NDIS_HANDLE Model::Impl::CmVcCtx(const Vc* vc) const {
  // A CM's own VC: its ProtocolVcContext; an MCM's: the MiniportVcContext it
  // gave NdisMCmCreateVc; a client's VC: what the CM's ProtocolCoCreateVc set.
  return vc->creator == Vc::Creator::kClient ? vc->peer_ctx : vc->creator_ctx;
}

NDIS_STATUS Model::Impl::CallPeerCreateVc(Vc* vc, Driver* peer, NDIS_HANDLE af_ctx) {
  NDIS_HANDLE ctx = nullptr;
  CO_CREATE_VC_HANDLER h = vc->peer_is_cm ? peer->cm.CmCreateVcHandler : peer->cl.ClCreateVcHandler;
  const NDIS_STATUS s = h(af_ctx, vc->handle.ndis(), &ctx);
  vc->peer_ctx = ctx;
  return s;
}

NDIS_STATUS Model::Impl::CallPeerDeleteVc(Vc* vc) {
  Driver* peer = vc->peer;
  CO_DELETE_VC_HANDLER h = vc->peer_is_cm ? peer->cm.CmDeleteVcHandler : peer->cl.ClDeleteVcHandler;
  const NDIS_STATUS s = h(vc->peer_ctx);
  return s;
}

NDIS_STATUS Model::Impl::CallMiniportCreateVc(Vc* vc) {
  Driver* mp = vc->adapter->miniport;
  NDIS_HANDLE ctx = nullptr;
  const NDIS_STATUS s = mp->mco.CoCreateVcHandler(vc->adapter->context, vc->handle.ndis(), &ctx);
  vc->miniport_ctx = ctx;
  return s;
}

NDIS_STATUS Model::Impl::CallMiniportDeleteVc(Vc* vc) {
  Driver* mp = vc->adapter->miniport;
  const NDIS_STATUS s = mp->mco.CoDeleteVcHandler(vc->miniport_ctx);
  return s;
}

void Model::Impl::RollbackVc(Vc* vc) {
  // Statuses are not interesting here: the VC is going away either way.
  if (vc->peer_created) {
    vc->peer_created = false;
    (void)CallPeerDeleteVc(vc);
  }
  if (vc->miniport_created) {
    vc->miniport_created = false;
    (void)CallMiniportDeleteVc(vc);
  }
}

void Model::Impl::DestroyVc(Vc* vc) {
  vc->deleted = true;
  vcs.Release(vc->handle);  // AF-107: invalid once deletion returns
}

NDIS_STATUS Model::Impl::CreateVcCommon(Vc* vc, NDIS_HANDLE peer_af_ctx, bool with_miniport,
                                        Fn fn) {
  // AF-103: synchronous; peer and miniport get the same NdisVcHandle.
  // OQ-13: miniport first by default; a failure rolls back what was made.
  auto miniport_step = [&]() -> NDIS_STATUS {
    if (!with_miniport) return NDIS_STATUS_SUCCESS;
    const NDIS_STATUS s = CallMiniportCreateVc(vc);
    if (s == NDIS_STATUS_SUCCESS) {
      vc->miniport_created = true;
      return s;
    }
    if (s == NDIS_STATUS_PENDING) {
      // AF-104: cannot pend; the VC is unusable and NDIS deletes it.
      vc->miniport_created = true;
      Reject(fn, NDIS_STATUS_FAILURE,
             Cause{Reason::kCannotPend, "AF-104: MiniportCoCreateVc returned PENDING; VC deleted",
                   RuleId::kAF104});
      return NDIS_STATUS_FAILURE;
    }
    return s;
  };
  auto peer_step = [&]() -> NDIS_STATUS {
    if (vc->peer == nullptr) return NDIS_STATUS_SUCCESS;
    const NDIS_STATUS s = CallPeerCreateVc(vc, vc->peer, peer_af_ctx);
    if (s == NDIS_STATUS_SUCCESS) {
      vc->peer_created = true;
      return s;
    }
    if (s == NDIS_STATUS_PENDING) {
      // AF-104: the VC is unusable; NDIS calls the peer to delete it and
      // the create fails (DERIVED status FAILURE).
      vc->peer_created = true;
      Reject(fn, NDIS_STATUS_FAILURE,
             Cause{Reason::kCannotPend, "AF-104: ProtocolCoCreateVc returned PENDING; VC deleted",
                   RuleId::kAF104});
      return NDIS_STATUS_FAILURE;
    }
    return s;  // V1p: the peer's status
  };
  // OQ-13: kEither leaves the order to NDIS; the model then takes the default.
  const bool peer_first = settings.create_vc_order == Settings::VcCallbackOrder::kPeerFirst;
  NDIS_STATUS s = peer_first ? peer_step() : miniport_step();
  if (s == NDIS_STATUS_SUCCESS) s = peer_first ? miniport_step() : peer_step();
  if (s != NDIS_STATUS_SUCCESS) RollbackVc(vc);
  return s;
}

NDIS_STATUS Model::NdisCoCreateVc(NDIS_HANDLE binding, NDIS_HANDLE af_handle, NDIS_HANDLE vc_ctx,
                                  PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCoCreateVc;
  if (out == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisVcHandle"));
  if (*out != nullptr) {  // AF-100 / OQ-15
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER,
                  Cause{Reason::kBadArgument,
                        "AF-100: *NdisVcHandle must be NULL on entry (was " + Hex(*out) + ")",
                        RuleId::kAF100});
  }
  Cause why;
  Binding* b = m.Resolve(m.bindings, binding, "NdisBindingHandle", &why);
  if (b == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  Driver* p = b->protocol;
  if (!p->IsCoProtocol())
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole, "the caller is not a CoNDIS protocol"});
  AfOpen* o = nullptr;
  if (af_handle == nullptr) {
    if (!p->IsCm()) {
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kNullArgument,
                "AF-101/AF-102: NULL NdisAfHandle (only a call manager creates signalling VCs)",
                RuleId::kAF101, "NdisAfHandle"});
    }
  } else {
    o = m.Resolve(m.afs, af_handle, "NdisAfHandle", &why);
    if (o == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why.Cite(RuleId::kAF102));
    if (o->state != AfOpen::State::kOpen) {
      return m.Fail(
          fn, NDIS_STATUS_FAILURE,
          Cause{Reason::kWrongState, "AF-102 / AF-056: the AF is not open", RuleId::kAF102});
    }
  }
  Vc::Creator creator = Vc::Creator::kCm;
  Driver* peer = nullptr;
  bool peer_is_cm = false;
  NDIS_HANDLE peer_af_ctx = nullptr;
  bool with_miniport = true;
  if (o != nullptr && o->client_binding == b) {
    // A client's VC: the peer is the CM (or MCM, without a miniport call).
    creator = Vc::Creator::kClient;
    peer = o->cm;
    peer_is_cm = true;
    with_miniport = !o->reg->IsMcm();
    // OQ-12: an MCM gets CallMgrAfContext by default.
    peer_af_ctx =
        (o->reg->IsMcm() && m.settings.mcm_create_vc_gets_af_handle) ? o->handle.ndis() : o->cm_ctx;
  } else if (o != nullptr && o->reg->cm_binding == b) {
    // The CM's VC for an incoming call: the peer is the AF's (SAP-owning) client.
    peer = o->client;
    peer_af_ctx = o->client_ctx;
  } else if (o != nullptr) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongState, "AF-102: the AF is not open on this binding", RuleId::kAF102});
  }
  Adapter* a = b->adapter;
  if (with_miniport && (!a->miniport->has_mp_co || a->miniport->mco.CoCreateVcHandler == nullptr ||
                        a->miniport->mco.CoDeleteVcHandler == nullptr)) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kMissingHandler, "the underlying miniport has no MiniportCoCreateVc"});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-102: injected allocation failure",
                        RuleId::kAF102});
  m.all_vcs.push_back(std::make_unique<Vc>());
  Vc* vc = m.all_vcs.back().get();
  vc->creator = creator;
  vc->creator_driver = p;
  vc->adapter = a;
  vc->af = o;
  vc->creator_ctx = vc_ctx;
  vc->peer = peer;
  vc->peer_is_cm = peer_is_cm;
  vc->handle = m.vcs.Insert(vc);
  const NDIS_STATUS s = m.CreateVcCommon(vc, peer_af_ctx, with_miniport, fn);
  if (s != NDIS_STATUS_SUCCESS) {
    m.DestroyVc(vc);
    return s;
  }
  if (o != nullptr) o->vcs.push_back(vc);
  *out = vc->handle.ndis();
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisMCmCreateVc(NDIS_HANDLE adapter, NDIS_HANDLE af_handle, NDIS_HANDLE mp_ctx,
                                   PNDIS_HANDLE out) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmCreateVc;
  if (out == nullptr) return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisVcHandle"));
  if (*out != nullptr) {
    return m.Fail(fn, NDIS_STATUS_INVALID_PARAMETER,
                  Cause{Reason::kBadArgument,
                        "AF-100: *NdisVcHandle must be NULL on entry (was " + Hex(*out) + ")",
                        RuleId::kAF100});
  }
  Cause why;
  Adapter* a = m.Resolve(m.adapters, adapter, "MiniportAdapterHandle", &why);
  if (a == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (!a->miniport->IsMcm())
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongCallerRole, "AF-110: the caller is not an MCM", RuleId::kAF110});
  AfOpen* o = m.Resolve(m.afs, af_handle, "NdisAfHandle", &why);
  if (o == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why.Cite(RuleId::kAF102));
  if (!o->reg->IsMcm() || o->reg->adapter != a) {
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kWrongState, "AF-102: the AF is not served by this MCM", RuleId::kAF102});
  }
  if (o->state != AfOpen::State::kOpen) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongState, "AF-102: the AF is not open", RuleId::kAF102});
  }
  if (!m.Allocate())
    return m.Fail(fn, NDIS_STATUS_RESOURCES,
                  Cause{Reason::kInjectedAllocationFailure, "AF-102: injected allocation failure",
                        RuleId::kAF102});
  m.all_vcs.push_back(std::make_unique<Vc>());
  Vc* vc = m.all_vcs.back().get();
  vc->creator = Vc::Creator::kMcm;
  vc->creator_driver = a->miniport;
  vc->adapter = a;
  vc->af = o;
  vc->creator_ctx = mp_ctx;
  vc->peer = o->client;  // V2 / AF-103: the client's ProtocolCoCreateVc only
  vc->handle = m.vcs.Insert(vc);
  const NDIS_STATUS s = m.CreateVcCommon(vc, o->client_ctx, /*with_miniport=*/false, fn);
  if (s != NDIS_STATUS_SUCCESS) {
    m.DestroyVc(vc);
    return s;
  }
  o->vcs.push_back(vc);
  *out = vc->handle.ndis();
  return NDIS_STATUS_SUCCESS;
}

namespace {

// AF-106: a VC with a call or an activation in progress cannot be deleted.
[[nodiscard]] NDIS_STATUS DeletableStatus(const Vc* vc, Cause* why) {
  if (vc->activation == VcAct::kDeactivating) {
    *why = {Reason::kHasChildren, "AF-106: deactivation of the VC is pending", RuleId::kAF106};
    return NDIS_STATUS_CLOSING;
  }
  if (vc->activation == VcAct::kActive || vc->activation == VcAct::kActivating) {
    *why = {Reason::kHasChildren, "AF-106: the VC is active", RuleId::kAF106};
    return NDIS_STATUS_NOT_ACCEPTED;
  }
  if (vc->call != VcCall::kIdle) {
    *why = {Reason::kHasChildren, "AF-106: a call is outstanding on the VC", RuleId::kAF106};
    return NDIS_STATUS_NOT_ACCEPTED;
  }
  return NDIS_STATUS_SUCCESS;
}

}  // namespace

NDIS_STATUS Model::NdisCoDeleteVc(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisCoDeleteVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (vc->creator == Vc::Creator::kMcm) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole,
                        "AF-110: an MCM's VC is deleted with NdisMCmDeleteVc", RuleId::kAF110});
  }
  if (Boundary::Get().CurrentActor() != vc->creator_driver->actor) {  // AF-105 / OQ-15
    return m.Fail(
        fn, NDIS_STATUS_FAILURE,
        Cause{Reason::kForeignHandle, "AF-105: only the driver that created the VC may delete it",
              RuleId::kAF105});
  }
  if (NDIS_STATUS s = DeletableStatus(vc, &why); s != NDIS_STATUS_SUCCESS)
    return m.Fail(fn, s, why);
  // V6 / AF-107: the peer, then the miniport.
  if (vc->peer_created) {
    const NDIS_STATUS s = m.CallPeerDeleteVc(vc);
    if (s == NDIS_STATUS_PENDING) {
      m.Reject(
          fn, NDIS_STATUS_SUCCESS,
          Cause{Reason::kCannotPend,
                "AF-104: ProtocolCoDeleteVc returned PENDING; treated as SUCCESS", RuleId::kAF104});
    } else if (s != NDIS_STATUS_SUCCESS) {
      return s;  // OQ-14 / AF-108: the peer's status; the VC stays
    }
    vc->peer_created = false;
  }
  if (vc->miniport_created) {
    const NDIS_STATUS s = m.CallMiniportDeleteVc(vc);
    if (s != NDIS_STATUS_SUCCESS) {
      m.Reject(fn, NDIS_STATUS_SUCCESS,
               Cause{Reason::kBadResultStatus,
                     "AF-104: MiniportCoDeleteVc returned " + spec::FormatStatus(s) +
                         "; the VC is deleted regardless",
                     RuleId::kAF104});
    }
    vc->miniport_created = false;
  }
  m.DestroyVc(vc);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Model::NdisMCmDeleteVc(NDIS_HANDLE handle) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMCmDeleteVc;
  Cause why;
  Vc* vc = m.Resolve(m.vcs, handle, "NdisVcHandle", &why);
  if (vc == nullptr) return m.Fail(fn, NDIS_STATUS_FAILURE, why);
  if (vc->creator != Vc::Creator::kMcm) {
    return m.Fail(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kWrongCallerRole,
                        "AF-105: the VC was not created with NdisMCmCreateVc", RuleId::kAF105});
  }
  if (NDIS_STATUS s = DeletableStatus(vc, &why); s != NDIS_STATUS_SUCCESS)
    return m.Fail(fn, s, why);
  if (vc->peer_created) {  // V7: the client's ProtocolCoDeleteVc
    const NDIS_STATUS s = m.CallPeerDeleteVc(vc);
    if (s == NDIS_STATUS_PENDING) {
      m.Reject(
          fn, NDIS_STATUS_SUCCESS,
          Cause{Reason::kCannotPend,
                "AF-104: ProtocolCoDeleteVc returned PENDING; treated as SUCCESS", RuleId::kAF104});
    } else if (s != NDIS_STATUS_SUCCESS) {
      return s;  // OQ-14
    }
    vc->peer_created = false;
  }
  m.DestroyVc(vc);
  return NDIS_STATUS_SUCCESS;
}

}  // namespace ndisconf::ndis
