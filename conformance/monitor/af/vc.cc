// Rule family "vc" (spec 5.7, AF-100 ... AF-111): VC creation and deletion
// as they relate to an AF: who may create and delete, which callbacks NDIS
// calls with which contexts, in which order (OQ-13), never PENDING; and the
// activation and call state that decides whether a VC may be deleted.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Af;
using af::AState;
using af::Driver;
using af::Kind;
using af::Vc;

namespace af {
namespace {
constexpr Fn kVcFns[] = {
    Fn::NdisCoCreateVc,
    Fn::NdisMCmCreateVc,
    Fn::NdisCoDeleteVc,
    Fn::NdisMCmDeleteVc,
    Fn::ProtocolCoCreateVc,
    Fn::MiniportCoCreateVc,
    Fn::ProtocolCoDeleteVc,
    Fn::MiniportCoDeleteVc,
    Fn::NdisMCoActivateVcComplete,
    Fn::NdisMCoDeactivateVcComplete,
    Fn::ProtocolCmActivateVcComplete,
    Fn::ProtocolCmDeactivateVcComplete,
    Fn::ProtocolClMakeCallComplete,
    Fn::ProtocolClCloseCallComplete,
    Fn::NdisClIncomingCallComplete,
    Fn::NdisCmActivateVc,
    Fn::NdisMCmActivateVc,
    Fn::NdisCmDeactivateVc,
    Fn::NdisMCmDeactivateVc,
    Fn::NdisClMakeCall,
    Fn::NdisClCloseCall,
};
}  // namespace
constinit const Monitor::State::Family kVc = {"vc", kVcFns, &Monitor::State::VcCall,
                                              &Monitor::State::VcReturn};
}  // namespace af

void Monitor::State::VcCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisCoCreateVc:
      CreateVcCall(e, a, f, false);
      break;
    case Fn::NdisMCmCreateVc:
      CreateVcCall(e, a, f, true);
      break;
    case Fn::NdisCoDeleteVc:
      DeleteVcCall(e, a, f, false);
      break;
    case Fn::NdisMCmDeleteVc:
      DeleteVcCall(e, a, f, true);
      break;
    case Fn::ProtocolCoCreateVc:
      VcCallbackCall(e, a, f, true, true);
      break;
    case Fn::MiniportCoCreateVc:
      VcCallbackCall(e, a, f, false, true);
      break;
    case Fn::ProtocolCoDeleteVc:
      VcCallbackCall(e, a, f, true, false);
      break;
    case Fn::MiniportCoDeleteVc:
      VcCallbackCall(e, a, f, false, false);
      break;
    case Fn::NdisMCoActivateVcComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live) v->active = SlotStatus(a[0]) == kSuccess;
      break;
    }
    case Fn::NdisMCoDeactivateVcComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live) {
        v->deactivating = false;
        if (SlotStatus(a[0]) == kSuccess) v->active = false;
      }
      break;
    }
    case Fn::ProtocolCmActivateVcComplete:
    case Fn::ProtocolCmDeactivateVcComplete: {
      CheckNotCalledOnMcm(e, 0);
      auto it = vc_by_ctx.find(AK(e.actor, a[1]));
      if (it != vc_by_ctx.end()) {
        if (Vc* v = FindVc(it->second); v && v->live) {
          const bool ok = SlotStatus(a[0]) == kSuccess;
          if (e.fn == Fn::ProtocolCmActivateVcComplete) {
            v->active = ok;
          } else {
            v->deactivating = false;
            if (ok) v->active = false;
          }
        }
      }
      break;
    }
    case Fn::ProtocolClMakeCallComplete:
    case Fn::ProtocolClCloseCallComplete: {
      auto it = vc_by_ctx.find(AK(e.actor, a[1]));
      if (it != vc_by_ctx.end()) {
        if (Vc* v = FindVc(it->second); v && v->live) {
          const bool ok = SlotStatus(a[0]) == kSuccess;
          if (e.fn == Fn::ProtocolClMakeCallComplete)
            v->call_active = ok;
          else if (ok)
            v->call_active = false;
        }
      }
      break;
    }
    case Fn::NdisClIncomingCallComplete: {
      if (Vc* v = FindVc(a[1]); v && v->live && SlotStatus(a[0]) != kSuccess)
        v->call_active = false;
      break;
    }
    default:
      break;
  }
}

void Monitor::State::VcReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisCoCreateVc:
      CreateVcReturn(e, a, f, false);
      break;
    case Fn::NdisMCmCreateVc:
      CreateVcReturn(e, a, f, true);
      break;
    case Fn::NdisCoDeleteVc:
      DeleteVcReturn(e, f);
      break;
    case Fn::NdisMCmDeleteVc:
      DeleteVcReturn(e, f);
      break;
    case Fn::ProtocolCoCreateVc:
      VcCallbackReturn(e, a, f, true, true);
      break;
    case Fn::MiniportCoCreateVc:
      VcCallbackReturn(e, a, f, false, true);
      break;
    case Fn::ProtocolCoDeleteVc:
      VcCallbackReturn(e, a, f, true, false);
      break;
    case Fn::MiniportCoDeleteVc:
      VcCallbackReturn(e, a, f, false, false);
      break;
    case Fn::NdisCmActivateVc:
    case Fn::NdisMCmActivateVc:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && (st == kSuccess || st == kPending))
        v->active = true;
      break;
    case Fn::NdisCmDeactivateVc:
    case Fn::NdisMCmDeactivateVc:
      if (Vc* v = FindVc(f.arg[0]); v && v->live) {
        if (st == kSuccess) v->active = false, v->deactivating = false;
        if (st == kPending) v->deactivating = true;
      }
      break;
    case Fn::NdisClMakeCall:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && (st == kSuccess || st == kPending))
        v->call_active = true;
      break;
    case Fn::NdisClCloseCall:
      if (Vc* v = FindVc(f.arg[0]); v && v->live && st == kSuccess) v->call_active = false;
      break;
    default:
      break;
  }
}

void Monitor::State::CreateVcCall(const Event& e, const uint64_t* a, Frame& f, bool mcm) {
  const Driver& d = D(e.actor);
  const uint64_t h = a[1];
  f.obj = h;
  if (a[3] != 0)
    Report(k100, e, a[3], Name(e.fn) + " called with *NdisVcHandle = " + Hex(a[3]) + ", not NULL");
  if (!mcm && d.mcm())
    Report(k110, e, h, "a miniport call manager calls NdisCoCreateVc; it must use NdisMCmCreateVc");
  if (mcm && !d.miniport)
    Report(k110, e, h, "a protocol driver calls NdisMCmCreateVc; it must use NdisCoCreateVc");
  if (!mcm) {
    CheckBindingUse(e, a[0], "NdisCoCreateVc on a closed binding handle");
  }
  if (h == 0) {
    f.obj_known = true;  // a CM's signalling VC
    if (d.client && !d.cm)
      Report(k101, e, 0, "a client calls " + Name(e.fn) + " with a NULL NdisAfHandle");
    return;
  }
  Af* af = FindAf(h);
  if (!af) {
    f.obj_known = false;
    return;
  }
  f.obj_known = !af->Ended() && af->state != AState::kCmOpenCall && af->state != AState::kOpening;
  if (af->client == e.actor) {
    if (af->state == AState::kOpening)
      ReportOpenPending(e, h, Name(e.fn) + " while the AF open is pending", AfDesc(*af));
    else if (af->Ended() || af->client_closed)
      ReportClientUseAfterClose(e, h, Name(e.fn) + " with an AF handle the client already closed",
                                AfDesc(*af));
  } else if (af->cm == e.actor) {
    if (af->state == AState::kFailed)
      ReportUseAfterFailedOpen(e, h, *af);
    else if (af->cm_done)
      ReportCmUseAfterClose(
          e, h, "the call manager uses the NdisAfHandle after the close completed", AfDesc(*af));
  } else {
    Report(k101, e, h, Name(e.fn) + " with an AF handle the caller neither opened nor serves",
           AfDesc(*af));
  }
}

void Monitor::State::VcCallbackCall(const Event& e, const uint64_t* a, Frame& self, bool peer,
                                    bool create) {
  if (!peer) CheckNotCalledOnMcm(e, a[1]);
  if (create) {
    Frame* p = Parent(Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc);
    if (!p) {
      Report(k103, e, a[1], Name(e.fn) + " called outside NdisCoCreateVc / NdisMCmCreateVc");
      return;
    }
    if (peer) {
      if (p->peer_called)
        Report(k103, e, a[1], "ProtocolCoCreateVc called twice for one VC creation");
      p->peer_called = true;
      p->peer_actor = e.actor;
      p->peer_in = a[0];
      p->peer_vc = a[1];
      if (!p->first_cb) p->first_cb = 2;
    } else {
      if (p->mini_called)
        Report(k103, e, a[1], "MiniportCoCreateVc called twice for one VC creation");
      p->mini_called = true;
      p->mini_actor = e.actor;
      p->mini_in = a[0];
      p->mini_vc = a[1];
      if (!p->first_cb) p->first_cb = 1;
    }
    return;
  }
  // Deletion: inside a delete, or a rollback inside a create (AF-104, OQ-13).
  Frame* p =
      Parent(Fn::NdisCoDeleteVc, Fn::NdisMCmDeleteVc, Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc);
  if (!p) {
    Report(k107, e, 0, Name(e.fn) + " called outside VC deletion or creation rollback");
    return;
  }
  self.obj = p->obj;
  if (p->fn == Fn::NdisCoCreateVc || p->fn == Fn::NdisMCmCreateVc) {
    if (peer)
      p->peer_deleted = true;
    else
      p->mini_deleted = true;
    return;
  }
  if (peer) {
    if (p->peer_called)
      Report(k107, e, p->arg[0], "ProtocolCoDeleteVc called twice for one deletion");
    p->peer_called = true;
    p->peer_actor = e.actor;
    p->peer_in = a[0];
  } else {
    if (p->mini_called)
      Report(k107, e, p->arg[0], "MiniportCoDeleteVc called twice for one deletion");
    p->mini_called = true;
    p->mini_actor = e.actor;
    p->mini_in = a[0];
  }
}

void Monitor::State::VcCallbackReturn(const Event& e, const uint64_t* a, const Frame& f, bool peer,
                                      bool create) {
  if (e.status == kPending)
    Report(k104, e, f.arg[create ? 1 : 0],
           Name(e.fn) + " returned NDIS_STATUS_PENDING, which it must never do");
  Frame* p = create ? TopIs(Fn::NdisCoCreateVc, Fn::NdisMCmCreateVc)
                    : TopIs(Fn::NdisCoDeleteVc, Fn::NdisMCmDeleteVc);
  if (!p) return;
  if (peer) {
    p->peer_status = e.status;
    if (create) p->peer_out = a[0];
  } else {
    p->mini_status = e.status;
    if (create) p->mini_out = a[0];
  }
}

void Monitor::State::CreateVcReturn(const Event& e, const uint64_t* a, const Frame& f, bool mcm) {
  const int32_t st = e.status;
  const uint64_t h = f.obj;
  const uint64_t vh = a[0];
  Af* af = h ? FindAf(h) : nullptr;
  if (h != 0 && !f.obj_known) {
    if (st == kSuccess)
      Report(k102, e, h,
             Name(e.fn) + " succeeded with an unknown, pending or closed NdisAfHandle " + Hex(h),
             af ? AfDesc(*af) : std::string("unknown"));
    return;
  }
  if (f.peer_called && f.peer_status == kPending) {
    if (st == kSuccess)
      Report(k104, e, vh, Name(e.fn) + " succeeded although ProtocolCoCreateVc returned PENDING");
    if (!f.peer_deleted)
      Report(k104, e, vh,
             "ProtocolCoCreateVc returned PENDING and NDIS did not call ProtocolCoDeleteVc for it");
  }
  if (st != kSuccess) {
    if (f.mini_called && f.mini_status == kSuccess && f.peer_called && f.peer_status != kSuccess &&
        !f.mini_deleted)
      Report(k103, e, f.mini_vc,
             "the peer failed the VC but NDIS did not roll back MiniportCoCreateVc (OQ-13)");
    return;
  }
  if ((f.peer_called && f.peer_status != kSuccess) ||
      (f.mini_called && f.mini_status != kSuccess)) {
    Report(k102, e, vh, Name(e.fn) + " succeeded although a create-VC callback failed");
    return;
  }
  if (vh == 0) {
    Report(k103, e, 0, Name(e.fn) + " succeeded but returned a NULL NdisVcHandle");
    return;
  }
  // Expected callback set (AF-103).
  const bool want_peer = h != 0;
  const bool want_mini = !mcm && !(af && af->cm_is_mcm);
  if (want_peer && !f.peer_called)
    Report(k103, e, vh, Name(e.fn) + " succeeded without calling the peer's ProtocolCoCreateVc");
  if (!want_peer && f.peer_called)
    Report(k103, e, vh, Name(e.fn) + " with a NULL AF called a peer's ProtocolCoCreateVc");
  if (want_mini && !f.mini_called)
    Report(k103, e, vh, Name(e.fn) + " succeeded without calling MiniportCoCreateVc");
  if (!want_mini && f.mini_called)
    Report(k103, e, vh,
           Name(e.fn) + " called MiniportCoCreateVc although the AF's call manager is an MCM");
  if (f.peer_called && f.peer_vc != vh)
    Report(
        k103, e, vh,
        "ProtocolCoCreateVc got NdisVcHandle " + Hex(f.peer_vc) + ", the creator got " + Hex(vh));
  if (f.mini_called && f.mini_vc != vh)
    Report(
        k103, e, vh,
        "MiniportCoCreateVc got NdisVcHandle " + Hex(f.mini_vc) + ", the creator got " + Hex(vh));
  if (f.peer_called && f.mini_called) {
    if (profile.create_vc_order == Profile::VcCallbackOrder::kMiniportFirst && f.first_cb != 1)
      Report(
          k103, e, vh,
          "the peer's ProtocolCoCreateVc ran before MiniportCoCreateVc (profile: miniport-first)");
    if (profile.create_vc_order == Profile::VcCallbackOrder::kPeerFirst && f.first_cb != 2)
      Report(k103, e, vh,
             "MiniportCoCreateVc ran before the peer's ProtocolCoCreateVc (profile: peer-first)");
  }
  // The peer's per-AF context (AF-111, OQ-12).
  if (af && f.peer_called) {
    ActorId want_actor;
    uint64_t want_ctx;
    if (e.actor == af->client && !mcm) {
      want_actor = af->cm;
      want_ctx = af->cm_is_mcm && profile.mcm_create_vc_gets_af_handle ? h : af->cm_ctx;
    } else {
      want_actor = af->client;
      want_ctx = af->client_ctx;
    }
    if (f.peer_actor != want_actor)
      Report(k103, e, vh,
             "ProtocolCoCreateVc went to actor " + std::to_string(f.peer_actor) +
                 ", expected actor " + std::to_string(want_actor));
    else if (f.peer_in != want_ctx)
      Report(k111, e, vh,
             "ProtocolCoCreateVc got per-AF context " + Hex(f.peer_in) + ", expected " +
                 Hex(want_ctx));
  }
  AddLive(e, vh, Kind::kVc);
  Vc& v = vcs[vh];
  v = Vc{};
  v.creator = e.actor;
  v.by_mcm = mcm;
  v.af = h;
  v.creator_ctx = f.arg[2];
  v.has_peer = f.peer_called;
  v.peer = f.peer_actor;
  v.peer_ctx = f.peer_out;
  v.has_mini = f.mini_called;
  v.mini = f.mini_actor;
  v.mini_ctx = f.mini_out;
  vc_by_ctx[AK(e.actor, v.creator_ctx)] = vh;
  if (v.has_peer) vc_by_ctx[AK(v.peer, v.peer_ctx)] = vh;
  if (af) ++af->vcs;
}

void Monitor::State::DeleteVcCall(const Event& e, const uint64_t* a, Frame& f, bool mcm) {
  const uint64_t vh = a[0];
  f.obj = vh;
  const Driver& d = D(e.actor);
  if (!mcm && d.mcm())
    Report(k110, e, vh,
           "a miniport call manager calls NdisCoDeleteVc; it must use NdisMCmDeleteVc");
  if (mcm && !d.miniport)
    Report(k110, e, vh, "a protocol driver calls NdisMCmDeleteVc; it must use NdisCoDeleteVc");
  Vc* v = FindVc(vh);
  if (!v) {
    Report(k107Use, e, vh, Name(e.fn) + " with an NdisVcHandle NDIS never gave out");
    return;
  }
  if (!v->live) {
    Report(k107Use, e, vh, Name(e.fn) + " on a VC that was already deleted");
    return;
  }
  f.obj_known = true;
  f.prior = static_cast<uint8_t>((v->active ? 1 : 0) | (v->deactivating ? 2 : 0));
  if (v->creator != e.actor)
    Report(k105, e, vh,
           Name(e.fn) + " by actor " + std::to_string(e.actor) + "; the VC was created by actor " +
               std::to_string(v->creator));
  if (v->call_active) Report(k106, e, vh, Name(e.fn) + " while a call is still active on the VC");
}

void Monitor::State::DeleteVcReturn(const Event& e, const Frame& f) {
  if (!f.obj_known) return;
  const int32_t st = e.status;
  const uint64_t vh = f.obj;
  Vc* v = FindVc(vh);
  if (!v || !v->live) return;
  if (f.prior & 2) {
    if (st != kClosingStatus)
      Report(k106, e, vh,
             Name(e.fn) + " of a deactivating VC returned " + St(st) + ", expected CLOSING");
    return;
  }
  if (f.prior & 1) {
    if (st != kNotAccepted)
      Report(k106, e, vh,
             Name(e.fn) + " of an active VC returned " + St(st) + ", expected NOT_ACCEPTED");
    return;
  }
  // A peer that pended its delete broke AF-104 itself (vc-callbacks-not-pending);
  // NDIS then deletes the VC as if it had succeeded (AF-104: it cannot pend), so
  // only a real failure status from the peer must reach the caller (OQ-14).
  if (f.peer_called && f.peer_status != kSuccess && f.peer_status != kPending) {
    if (st == kSuccess)
      Report(k107, e, vh,
             Name(e.fn) + " returned SUCCESS although ProtocolCoDeleteVc failed with " +
                 St(f.peer_status) + " (OQ-14)");
    return;
  }
  if (st != kSuccess) return;
  if (v->has_peer && !f.peer_called)
    Report(k107, e, vh, Name(e.fn) + " succeeded without calling the peer's ProtocolCoDeleteVc");
  if (v->has_peer && f.peer_called && (f.peer_actor != v->peer || f.peer_in != v->peer_ctx))
    Report(k107, e, vh,
           "ProtocolCoDeleteVc got actor " + std::to_string(f.peer_actor) + " context " +
               Hex(f.peer_in) + ", expected actor " + std::to_string(v->peer) + " context " +
               Hex(v->peer_ctx));
  if (v->has_mini && !f.mini_called)
    Report(k107, e, vh, Name(e.fn) + " succeeded without calling MiniportCoDeleteVc");
  if (v->has_mini && f.mini_called && f.mini_in != v->mini_ctx)
    Report(k107, e, vh,
           "MiniportCoDeleteVc got context " + Hex(f.mini_in) + ", expected " + Hex(v->mini_ctx));
  if (!v->has_mini && f.mini_called)
    Report(k107, e, vh,
           Name(e.fn) + " called MiniportCoDeleteVc for a VC that had no miniport context");
  v->live = false;
  vc_by_ctx.erase(AK(v->creator, v->creator_ctx));
  if (v->has_peer) vc_by_ctx.erase(AK(v->peer, v->peer_ctx));
  if (Af* af = v->af ? FindAf(v->af) : nullptr; af && af->vcs > 0) --af->vcs;
  DropLive(vh);
}

void Monitor::State::ReportVcUseAfterDelete(const Event& e, uint64_t vh, std::string message) {
  Report(k107Use, e, vh, std::move(message));
}

}  // namespace ndisconf::monitor
