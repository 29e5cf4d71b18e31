// Rule family "close_af" (spec 5.4, AF-050 ... AF-060): the client closes
// an AF without SAPs or VCs; NDIS forwards the close to ProtocolCmCloseAf
// (or refuses it, OQ-06/OQ-07) and returns its status; a pended close is
// completed once with SUCCESS and reaches ProtocolClCloseAfComplete; nobody
// uses the handle afterwards.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Af;
using af::AState;

namespace af {
namespace {
constexpr Fn kCloseAfFns[] = {
    Fn::NdisClCloseAddressFamily,
    Fn::ProtocolCmCloseAf,
    Fn::NdisCmCloseAddressFamilyComplete,
    Fn::ProtocolClCloseAfComplete,
};
}  // namespace
constinit const Monitor::State::Family kCloseAf = {
    "close_af", kCloseAfFns, &Monitor::State::CloseAfCall, &Monitor::State::CloseAfReturn};
}  // namespace af

void Monitor::State::CloseAfCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisClCloseAddressFamily: {
      const uint64_t h = a[0];
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) {
        Report(k056, e, h, "NdisClCloseAddressFamily with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(af->state);
      if (af->client != e.actor) {
        Report(k056, e, h, "NdisClCloseAddressFamily by a driver that did not open this AF",
               AfDesc(*af));
        break;
      }
      if (af->state == AState::kOpening || af->state == AState::kCmOpenCall) {
        ReportOpenPending(e, h, "NdisClCloseAddressFamily while the open is still pending",
                          AfDesc(*af));
      } else if (af->state == AState::kClosing || af->client_closed) {
        f.flag = true;  // repeated close
        if (profile.strict)
          Report(k056, e, h, "NdisClCloseAddressFamily repeated on a handle already being closed",
                 AfDesc(*af));
      } else if (af->Ended()) {
        Report(k056, e, h, "NdisClCloseAddressFamily on an AF that is already closed", AfDesc(*af));
      } else if (af->state == AState::kOpen) {
        if (af->close_failed && !profile.accept_close_retry)
          Report(k056, e, h,
                 "NdisClCloseAddressFamily retried after a refused close (OQ-07 retry not accepted "
                 "by the profile)",
                 AfDesc(*af));
        if (af->saps + af->vcs > 0) {
          f.cb_out = 1;  // had children
          Report(k050, e, h,
                 "NdisClCloseAddressFamily with " + std::to_string(af->saps) + " SAP(s) and " +
                     std::to_string(af->vcs) + " VC(s) still on the AF",
                 AfDesc(*af));
        }
      }
      break;
    }
    case Fn::ProtocolCmCloseAf: {
      CheckHandler(e, true, 3);
      Frame* p = Parent(Fn::NdisClCloseAddressFamily);
      uint64_t h = 0;
      if (p) {
        h = p->obj;
        p->cb_called = true;
        // AF-057 (ndis-checks, OQ-06): NDIS itself refuses a close with SAPs/VCs.
        if (p->cb_out == 1 &&
            profile.close_with_children == Profile::CloseWithChildren::kNdisChecks)
          Report(k057, e, h,
                 "NDIS forwarded the close to ProtocolCmCloseAf although the AF has SAPs/VCs "
                 "(ndis-checks profile, OQ-06)");
      } else {
        auto it = af_by_cm_ctx.find(AK(e.actor, a[0]));
        if (it == af_by_cm_ctx.end()) {
          Report(k051, e, 0,
                 "ProtocolCmCloseAf outside NdisClCloseAddressFamily, with an unknown "
                 "CallMgrAfContext " +
                     Hex(a[0]));
          break;
        }
        h = it->second;
        Report(k051, e, h, "ProtocolCmCloseAf called outside NdisClCloseAddressFamily");
      }
      f.obj = h;
      Af* af = FindAf(h);
      if (!af) break;
      f.obj_known = true;
      if (af->cm != e.actor)
        Report(k051, e, h, "ProtocolCmCloseAf went to a driver that is not the AF's call manager",
               AfDesc(*af));
      else
        CheckCmAfContext(e, h, a[0], *af);
      break;
    }
    case Fn::NdisCmCloseAddressFamilyComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t h = a[1];
      Af* af = FindAf(h);
      if (!af) {
        Report(k053, e, h, "NdisCmCloseAddressFamilyComplete for an unknown NdisAfHandle");
        break;
      }
      if (!CheckOwningCm(
              e, af->cm, h,
              "NdisCmCloseAddressFamilyComplete by a driver that is not the AF's call manager",
              AfDesc(*af)))
        break;
      if (!af->close_owed) {
        Report(k053, e, h,
               "NdisCmCloseAddressFamilyComplete for a close that is not pending (completed twice, "
               "or never pended)",
               AfDesc(*af));
        break;
      }
      if (st != kSuccess)
        Report(k053, e, h,
               "NdisCmCloseAddressFamilyComplete with " + St(st) + "; the status must be SUCCESS",
               AfDesc(*af));
      af->close_owed = false;
      af->close_complete_owed = true;
      af->close_complete_status = st;
      owed_close_complete.push_back(h);
      if (st != kSuccess) {
        // The close failed for everyone: the client is told so, and the AF
        // stays open, as after a failed synchronous close (OQ-07). Using it
        // afterwards is no use after close.
        af->state = AState::kOpen;
        af->since = e.index;
        af->client_closed = false;
        af->close_failed = true;
        break;
      }
      CloseAf(*af, h, e);
      if (af->notify_pending && af->client_notify_done && !af->cm_notify_owed) {
        af->cm_notify_owed = true;
        owed_cm_notify.push_back(h);
      }
      break;
    }
    case Fn::ProtocolClCloseAfComplete: {
      CheckHandler(e, false, 5);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_close_complete.size(); ++i) {
        const Af* af = FindAf(owed_close_complete[i]);
        if (af && af->client == e.actor && af->client_ctx == a[1]) break;
      }
      if (i == owed_close_complete.size()) {
        Report(k060, e, 0,
               "NDIS called ProtocolClCloseAfComplete with no pended close completed for "
               "ProtocolAfContext " +
                   Hex(a[1]) + " (synchronous return, or duplicate)");
        break;
      }
      const uint64_t h = owed_close_complete[i];
      Af& af = afs[h];
      Erase(owed_close_complete, i);
      af.close_complete_owed = false;
      if (st != af.close_complete_status)
        Report(k054, e, h,
               "ProtocolClCloseAfComplete reports " + St(st) +
                   " but the call manager completed with " + St(af.close_complete_status));
      break;
    }
    default:
      break;
  }
}

void Monitor::State::CloseAfReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisClCloseAddressFamily: {
      if (!f.obj_known) break;
      const uint64_t h = f.obj;
      Af* af = FindAf(h);
      if (!af) break;
      const AState prior = static_cast<AState>(f.prior);
      // AF-057: a repeated close, a close of a closed AF and (ndis-checks) a
      // close with SAPs/VCs fail.
      if (f.flag) {  // repeated close while closing
        if (st != kFailure)
          Report(k057, e, h,
                 "a repeated NdisClCloseAddressFamily returned " + St(st) + ", expected FAILURE",
                 AfDesc(*af));
        break;
      }
      if (prior == AState::kClosed || prior == AState::kFailed) {
        if (st == kSuccess || st == kPending)
          Report(k057, e, h, "NdisClCloseAddressFamily on a closed AF returned " + St(st),
                 AfDesc(*af));
        break;
      }
      if (prior != AState::kOpen) break;
      if (f.cb_out == 1 && profile.close_with_children == Profile::CloseWithChildren::kNdisChecks) {
        if (st != kFailure)
          Report(k057, e, h,
                 "NdisClCloseAddressFamily with SAPs/VCs returned " + St(st) +
                     ", expected FAILURE (ndis-checks profile, OQ-06)",
                 AfDesc(*af));
        if (st == kFailure) {
          af->close_failed = true;
          break;
        }
      }
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(
              k051, e, h,
              "NdisClCloseAddressFamily returned " + St(st) + " without calling ProtocolCmCloseAf",
              AfDesc(*af));
        else
          af->close_failed = true;
        break;
      }
      if (st != f.cb_status)
        Report(k051, e, h,
               "NdisClCloseAddressFamily returned " + St(st) + " but ProtocolCmCloseAf returned " +
                   St(f.cb_status),
               AfDesc(*af));
      if (f.cb_status == kSuccess || f.cb_status == kPending) {
        af->client_closed = true;
        if (f.cb_status == kSuccess) af->close_sync = true;
      } else {
        af->close_failed = true;
      }
      break;
    }
    case Fn::ProtocolCmCloseAf: {
      Frame* p = TopIs(Fn::NdisClCloseAddressFamily);
      if (p && p->obj == f.obj) p->cb_status = st;
      if (st != kSuccess && st != kPending && st != kNotAccepted)
        Report(
            k052, e, f.obj,
            "ProtocolCmCloseAf returned " + St(st) + "; allowed: SUCCESS, PENDING, NOT_ACCEPTED");
      Af* af = FindAf(f.obj);
      if (!af || !f.obj_known || af->cm != e.actor || af->Ended()) break;
      if (st == kSuccess) {
        af->client_closed = true;
        CloseAf(*af, f.obj, e);
      } else if (st == kPending) {
        af->client_closed = true;
        af->state = AState::kClosing;
        af->since = e.index;
        af->close_owed = true;
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::ReportCmUseAfterClose(const Event& e, uint64_t h, std::string message,
                                           std::string state) {
  Report(k055, e, h, std::move(message), std::move(state));
}

void Monitor::State::ReportClientUseAfterClose(const Event& e, uint64_t h, std::string message,
                                               std::string state) {
  Report(k056, e, h, std::move(message), std::move(state));
}

void Monitor::State::CloseAfFinish() {
  for (const auto& [h, af] : afs) {
    if (af.close_owed)
      Report(k053Ledger, af.since, h,
             "ProtocolCmCloseAf returned PENDING and the call manager never called "
             "NdisCmCloseAddressFamilyComplete",
             AfDesc(af));
    if (af.close_complete_owed)
      Report(k054, af.since, h,
             "the close was completed but NDIS never called ProtocolClCloseAfComplete", AfDesc(af));
  }
}

}  // namespace ndisconf::monitor
