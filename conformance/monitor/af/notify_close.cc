// Rule family "notify_close" (spec 5.5, AF-061 ... AF-068): a call manager
// closes the AFs of its registrations (on unbind, AF-061; on halt, AF-062)
// through Ndis(M)CmNotifyCloseAddressFamily; the client closes the AF and
// ends the notify-close synchronously or with one completion, which NDIS
// passes back to ProtocolCmNotifyCloseAfComplete (OQ-09, OQ-10).
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Af;
using af::AState;
using af::AStateName;
using af::Driver;

namespace af {
namespace {
constexpr Fn kNotifyCloseFns[] = {
    Fn::NdisCmNotifyCloseAddressFamily,
    Fn::ProtocolClNotifyCloseAf,
    Fn::NdisClNotifyCloseAddressFamilyComplete,
    Fn::ProtocolCmNotifyCloseAfComplete,
};
}  // namespace
constinit const Monitor::State::Family kNotifyClose = {"notify_close", kNotifyCloseFns,
                                                       &Monitor::State::NotifyCloseCall,
                                                       &Monitor::State::NotifyCloseReturn};
}  // namespace af

void Monitor::State::NotifyCloseCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisCmNotifyCloseAddressFamily: {
      const uint64_t h = a[0];
      f.obj = h;
      const Driver& d = D(e.actor);
      if (e.irql != PASSIVE_LEVEL)
        Report(d.mcm() ? k062 : k061, e, h,
               "NdisCmNotifyCloseAddressFamily called at IRQL " + std::to_string(e.irql) +
                   ", not PASSIVE_LEVEL");
      if (profile.strict && !Innermost(Fn::ProtocolUnbindAdapterEx, e.actor, true) &&
          !Innermost(Fn::MiniportHaltEx, e.actor, true))
        Report(d.mcm() ? k062 : k061, e, h,
               "NdisCmNotifyCloseAddressFamily called outside ProtocolUnbindAdapterEx / "
               "MiniportHaltEx");
      Af* af = FindAf(h);
      if (!af) {
        ReportCmUseAfterClose(
            e, h, "NdisCmNotifyCloseAddressFamily with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(af->state);
      f.flag = af->notify_active;
      if (!f.flag) af->notify_refused = false;  // a new notify-close: its own answer counts
      if (!CheckOwningCm(
              e, af->cm, h,
              "NdisCmNotifyCloseAddressFamily by a driver that is not the AF's call manager",
              AfDesc(*af))) {
      } else if (af->state == AState::kFailed) {
        ReportUseAfterFailedOpen(e, h, *af);
      } else if (af->cm_done) {
        ReportCmUseAfterClose(
            e, h, "the call manager uses the NdisAfHandle after the close completed", AfDesc(*af));
      }
      break;
    }
    case Fn::ProtocolClNotifyCloseAf: {
      CheckHandler(e, false, 18);
      if (e.irql > DISPATCH_LEVEL)
        Report(k063, e, 0, "ProtocolClNotifyCloseAf called at IRQL " + std::to_string(e.irql));
      Frame* p = Parent(Fn::NdisCmNotifyCloseAddressFamily);
      uint64_t h = 0;
      if (p) {
        h = p->obj;
        if (p->cb_called)
          Report(k063, e, h, "ProtocolClNotifyCloseAf called twice for one notify-close");
        p->cb_called = true;
      } else {
        auto it = af_by_client_ctx.find(AK(e.actor, a[0]));
        if (it == af_by_client_ctx.end()) {
          Report(k063, e, 0,
                 "ProtocolClNotifyCloseAf outside any notify-close, with unknown ClientAfContext " +
                     Hex(a[0]));
          break;
        }
        h = it->second;
        Report(k063, e, h,
               "ProtocolClNotifyCloseAf called outside Ndis(M)CmNotifyCloseAddressFamily");
      }
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) break;
      f.obj_known = true;
      if (af->client != e.actor || af->client_ctx != a[0])
        Report(k043, e, h,
               "ProtocolClNotifyCloseAf went to actor " + std::to_string(e.actor) +
                   " with context " + Hex(a[0]) + "; the AF was opened by actor " +
                   std::to_string(af->client) + " with ClientAfContext " + Hex(af->client_ctx),
               AfDesc(*af));
      af->notify_active = true;
      break;
    }
    case Fn::NdisClNotifyCloseAddressFamilyComplete: {
      const uint64_t h = a[0];
      const int32_t st = SlotStatus(a[1]);
      Af* af = FindAf(h);
      if (!af || af->client != e.actor || !af->client_notify_owed) {
        Report(k065, e, h,
               "NdisClNotifyCloseAddressFamilyComplete for a notify-close that is not pending "
               "(completed twice, or never pended)",
               af ? AfDesc(*af) : std::string());
        break;
      }
      if (st == kPending) {
        Report(k065, e, h, "NdisClNotifyCloseAddressFamilyComplete with NDIS_STATUS_PENDING",
               AfDesc(*af));
        break;
      }
      if (st == kSuccess && !af->Ended() && af->state != AState::kClosing && !af->client_closed)
        Report(k064, e, h, "the client completed notify-close with SUCCESS without closing the AF",
               AfDesc(*af));
      af->client_notify_owed = false;
      af->client_notify_done = true;
      af->notify_status = st;
      if (af->notify_pending && !af->cm_notify_owed) {
        af->cm_notify_owed = true;
        owed_cm_notify.push_back(h);
      }
      break;
    }
    case Fn::ProtocolCmNotifyCloseAfComplete: {
      CheckHandler(e, true, 16);
      const int32_t st = SlotStatus(a[1]);
      size_t i = 0;
      for (; i < owed_cm_notify.size(); ++i) {
        const Af* af = FindAf(owed_cm_notify[i]);
        if (af && af->cm == e.actor && af->cm_ctx == a[0]) break;
      }
      if (i == owed_cm_notify.size()) {
        Report(k067, e, 0,
               "NDIS called ProtocolCmNotifyCloseAfComplete with no pended notify-close completed "
               "for CallMgrAfContext " +
                   Hex(a[0]) + " (synchronous path, or duplicate)");
        break;
      }
      const uint64_t h = owed_cm_notify[i];
      Af& af = afs[h];
      Erase(owed_cm_notify, i);
      af.cm_notify_owed = false;
      af.notify_active = false;
      if (st != kSuccess) af.notify_refused = true;
      if (st != af.notify_status)
        Report(k067, e, h,
               "ProtocolCmNotifyCloseAfComplete reports " + St(st) +
                   " but the client completed with " + St(af.notify_status));
      break;
    }
    default:
      break;
  }
}

void Monitor::State::NotifyCloseReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisCmNotifyCloseAddressFamily: {
      if (!f.obj_known) break;
      const uint64_t h = f.obj;
      Af* af = FindAf(h);
      if (!af) break;
      const AState prior = static_cast<AState>(f.prior);
      if (f.cb_called) {
        if (f.cb_status != kSuccess && f.cb_status != kPending) af->notify_refused = true;
        int32_t want = f.cb_status;
        // OQ-10: SUCCESS only once CLOSED; PENDING while the client's close
        // is still pending. A client that said SUCCESS without closing at
        // all broke AF-064 (reported there); NDIS may then fail the call or
        // wait (PENDING): the spec leaves it open.
        const bool lied = f.cb_status == kSuccess && !af->Ended() &&
                          af->state != AState::kClosing && !af->client_closed;
        if (f.cb_status == kSuccess && !af->Ended()) want = kPending;
        if (lied && st == kFailure) want = kFailure;
        if (st != want)
          Report(k068, e, h,
                 "NdisCmNotifyCloseAddressFamily returned " + St(st) + ", expected " + St(want) +
                     " (ProtocolClNotifyCloseAf returned " + St(f.cb_status) + ", AF " +
                     AfDesc(*af) + ")",
                 AfDesc(*af));
      } else if (prior == AState::kOpen && !f.flag && !af->client_closed) {
        if (st == kSuccess || st == kPending)
          Report(k063, e, h,
                 "NdisCmNotifyCloseAddressFamily returned " + St(st) +
                     " without calling the client's ProtocolClNotifyCloseAf",
                 AfDesc(*af));
      } else if ((prior == AState::kOpening || f.flag) && st != kFailure) {
        Report(k068, e, h,
               std::string("NdisCmNotifyCloseAddressFamily ") +
                   (f.flag ? "repeated" : "on an opening AF") + " returned " + St(st) +
                   ", expected FAILURE (OQ-09)",
               AfDesc(*af));
      }
      if (st == kPending && !f.cb_called && !f.flag &&
          (prior == AState::kClosing || af->client_closed)) {
        // N7 / OQ-09: the client is already closing; NDIS did not ask it
        // again and owes the CM its completion once the close completes.
        af->notify_pending = true;
        af->client_notify_done = true;
        af->notify_status = kSuccess;
        if (af->Ended() && !af->cm_notify_owed) {
          af->cm_notify_owed = true;
          owed_cm_notify.push_back(h);
        }
      } else if (st == kPending && f.cb_called) {
        af->notify_pending = true;
        // The client finished synchronously but the CM's close is pending (OQ-10):
        // the completion is owed once the close completes.
        if (f.cb_status == kSuccess) af->client_notify_done = true, af->notify_status = kSuccess;
        if (af->client_notify_done && af->Ended() && !af->cm_notify_owed) {
          af->cm_notify_owed = true;
          owed_cm_notify.push_back(h);
        }
      } else if (st != kPending) {
        af->notify_active = false;
      }
      break;
    }
    case Fn::ProtocolClNotifyCloseAf: {
      Frame* p = TopIs(Fn::NdisCmNotifyCloseAddressFamily);
      if (p && p->obj == f.obj) p->cb_status = st;
      Af* af = FindAf(f.obj);
      if (!af || !f.obj_known) break;
      if (st == kSuccess) {
        if (!af->Ended() && af->state != AState::kClosing)
          Report(k064, e, f.obj, "ProtocolClNotifyCloseAf returned SUCCESS without closing the AF",
                 AfDesc(*af));
      } else if (st == kPending) {
        af->client_notify_owed = true;
        af->since = e.index;
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::CheckCmBindingClosed(const Event& e, uint64_t b, ActorId actor) {
  for (const auto& [h, af] : afs) {
    if (af.Ended()) continue;
    if (!af.cm_is_mcm && af.cm == actor && af.cm_key == b && !af.notify_refused)
      Report(k061, e, h,
             "the call manager closed its binding (NdisCloseAdapterEx) with an AF on its "
             "registration not closed",
             AfDesc(af));
  }
}

void Monitor::State::CheckMcmHalted(const Event& e, uint64_t mh) {
  for (const auto& [h, af] : afs) {
    if (af.cm_is_mcm && af.cm_key == mh && !af.Ended() && !(af.state == AState::kClosing) &&
        !af.notify_refused)
      Report(k062, e, h, "MiniportHaltEx returned with the AF still open", AStateName(af.state));
  }
}

void Monitor::State::NotifyCloseFinish() {
  for (const auto& [h, af] : afs) {
    if (af.client_notify_owed)
      Report(k065Ledger, af.since, h,
             "ProtocolClNotifyCloseAf returned PENDING and the client never called "
             "NdisClNotifyCloseAddressFamilyComplete",
             AfDesc(af));
    if (af.cm_notify_owed)
      Report(k067Owed, af.since, h,
             "the notify-close was completed but NDIS never called ProtocolCmNotifyCloseAfComplete",
             AfDesc(af));
  }
}

}  // namespace ndisconf::monitor
