// Rule family "open_af" (spec 5.3, AF-030 ... AF-044): the client opens an
// AF from its notification; NDIS forwards the open to the registering call
// manager's ProtocolCmOpenAf and returns its status; a pended open is
// completed once and reaches ProtocolClOpenAfCompleteEx.
#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Af;
using af::AState;
using af::Binding;
using af::Kind;

namespace af {
namespace {
constexpr Fn kOpenAfFns[] = {
    Fn::NdisClOpenAddressFamilyEx,
    Fn::ProtocolCmOpenAf,
    Fn::NdisCmOpenAddressFamilyComplete,
    Fn::ProtocolClOpenAfCompleteEx,
};
}  // namespace
constinit const Monitor::State::Family kOpenAf = {
    "open_af", kOpenAfFns, &Monitor::State::OpenAfCall, &Monitor::State::OpenAfReturn};
}  // namespace af

void Monitor::State::OpenAfCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisClOpenAddressFamilyEx: {
      Binding* offered = FindBinding(a[0]);
      const bool in_notify = Innermost(Fn::ProtocolCoAfRegisterNotify, e.actor, true);
      // AF-040 made the client wait with an AF offered while another open
      // was pending: its later open is the deferred one, not an AF-030 break.
      const bool deferred =
          !in_notify && offered && offered->actor == e.actor && offered->TakeDeferred(a[1]);
      if (profile.require_open_from_notify) {
        if (!in_notify && !deferred)
          Report(
              k030, e, a[0],
              "NdisClOpenAddressFamilyEx called outside the client's ProtocolCoAfRegisterNotify");
        else if (e.irql != PASSIVE_LEVEL)
          Report(k030, e, a[0],
                 "NdisClOpenAddressFamilyEx called above PASSIVE_LEVEL (irql " +
                     std::to_string(e.irql) + ")");
      }
      if (Binding* bd = offered) {
        if (CheckBindingUse(e, a[0], "NdisClOpenAddressFamilyEx on a closed binding handle"))
          ;
        else if (bd->opening > 0 && bd->actor == e.actor)
          ReportOpenPending(
              e, a[0], "NdisClOpenAddressFamilyEx while another open on this binding is pending");
      }
      break;
    }
    case Fn::ProtocolCmOpenAf: {
      CheckHandler(e, true, 2);
      if (e.irql > DISPATCH_LEVEL)
        Report(k044, e, a[4], "ProtocolCmOpenAf called at IRQL " + std::to_string(e.irql));
      Frame* p = Parent(Fn::NdisClOpenAddressFamilyEx);
      const uint64_t h = a[4];
      f.obj = h;
      if (!p) {
        Report(k031Forward, e, h, "ProtocolCmOpenAf called outside any NdisClOpenAddressFamilyEx");
        break;
      }
      if (p->cb_called) {
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf called twice for one NdisClOpenAddressFamilyEx");
        break;
      }
      if (a[1] != p->arg[1] || a[2] != p->arg[2] || a[3] != p->arg[3])
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf got AF {" + Hex(a[1]) + "," + std::to_string(a[2]) + "," +
                   std::to_string(a[3]) + "} but the client opened {" + Hex(p->arg[1]) + "," +
                   std::to_string(p->arg[2]) + "," + std::to_string(p->arg[3]) + "}");
      // Which registration does the CallMgrBindingContext name?
      uint64_t key = 0;
      bool mcm = false;
      const uint64_t b = BindingByCtx(e.actor, a[0]);
      if (b != 0 && reg_by_key.count(Key{b, a[1]})) {
        key = b;
      } else if (auto it = adapter_by_ctx.find(a[0]);
                 it != adapter_by_ctx.end() && reg_by_key.count(Key{it->second, a[1]})) {
        key = it->second;
        mcm = true;
      } else if (const Frame* r = RegisterInProgress(e.actor, a[1]);
                 r && profile.notify_during_register &&
                 (r->arg[0] == b || (adapter_by_ctx.find(a[0]) != adapter_by_ctx.end() &&
                                     adapter_by_ctx.find(a[0])->second == r->arg[0]))) {
        // OQ-03 immediate delivery: the client opens from a notification sent
        // from inside the register call, before that call has returned.
        key = r->arg[0];
        mcm = r->fn == Fn::NdisMCmRegisterAddressFamilyEx;
      } else {
        Report(k031Forward, e, h,
               "ProtocolCmOpenAf got CallMgrBindingContext " + Hex(a[0]) +
                   ", which is not a binding or adapter of this driver with AF " + Hex(a[1]) +
                   " registered");
      }
      if (h == 0) Report(k031Handle, e, h, "ProtocolCmOpenAf got a NULL NdisAfHandle");
      if (Af* old = FindAf(h); old && !old->Ended())
        Report(k031Handle, e, h, "ProtocolCmOpenAf got an NdisAfHandle that names a live AF",
               AfDesc(*old));
      AddLive(e, h, Kind::kAf);
      Af& af = afs[h];
      af = Af{};
      af.state = AState::kCmOpenCall;
      af.client = p->actor;
      af.client_binding = p->arg[0];
      af.client_ctx = p->arg[4];
      af.cm = e.actor;
      af.cm_key = key;
      af.cm_is_mcm = mcm;
      af.af[0] = a[1];
      af.af[1] = a[2];
      af.af[2] = a[3];
      af.since = e.index;
      p->cb_called = true;
      p->cb_obj = h;
      break;
    }
    case Fn::NdisCmOpenAddressFamilyComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t h = a[1];
      Af* af = FindAf(h);
      if (!af) {
        Report(k034, e, h, "NdisCmOpenAddressFamilyComplete for an unknown NdisAfHandle");
        break;
      }
      if (!CheckOwningCm(e, af->cm, h,
                         "NdisCmOpenAddressFamilyComplete by a driver that is not the AF's call "
                         "manager",
                         {}))
        break;
      if (!af->open_owed) {
        if (af->state == AState::kFailed)
          ReportUseAfterFailedOpen(e, h, *af);
        else
          Report(k034, e, h,
                 "NdisCmOpenAddressFamilyComplete for an open that is not pending (completed "
                 "twice, or never pended)",
                 AfDesc(*af));
        break;
      }
      if (st == kPending) {
        Report(k034, e, h, "NdisCmOpenAddressFamilyComplete with NDIS_STATUS_PENDING", AfDesc(*af));
        break;
      }
      af->open_owed = false;
      if (Binding* bd = FindBinding(af->client_binding); bd && bd->opening > 0) --bd->opening;
      af->open_complete_owed = true;
      af->open_complete_status = st;
      owed_open_complete.push_back(h);
      if (st == kSuccess) {
        af->state = AState::kOpen;
        af->since = e.index;
        af->cm_ctx = a[2];
        af_by_cm_ctx[AK(af->cm, af->cm_ctx)] = h;
      } else {
        FailAf(*af, h, e);
      }
      break;
    }
    case Fn::ProtocolClOpenAfCompleteEx: {
      CheckHandler(e, false, 4);
      const uint64_t ctx = a[0], h = a[1];
      const int32_t st = SlotStatus(a[2]);
      if (e.irql != PASSIVE_LEVEL)
        Report(k037, e, h,
               "ProtocolClOpenAfCompleteEx called at IRQL " + std::to_string(e.irql) +
                   ", not PASSIVE_LEVEL");
      size_t i = 0;
      for (; i < owed_open_complete.size(); ++i) {
        const Af* af = FindAf(owed_open_complete[i]);
        if (af && af->client == e.actor && af->client_ctx == ctx) break;
      }
      if (i == owed_open_complete.size()) {
        const Af* af = FindAf(h);
        if (af && af->open_sync)
          Report(k039, e, h,
                 "NDIS called ProtocolClOpenAfCompleteEx for an open that returned synchronously",
                 AfDesc(*af));
        else
          Report(k039, e, h,
                 "NDIS called ProtocolClOpenAfCompleteEx with no pended open completed for "
                 "ProtocolAfContext " +
                     Hex(ctx));
        break;
      }
      const uint64_t owed_h = owed_open_complete[i];
      Af& af = afs[owed_h];
      Erase(owed_open_complete, i);
      af.open_complete_owed = false;
      if (st != af.open_complete_status)
        Report(k037, e, owed_h,
               "ProtocolClOpenAfCompleteEx reports " + St(st) +
                   " but the call manager completed with " + St(af.open_complete_status));
      if (af.open_complete_status == kSuccess && h != owed_h)
        Report(k037, e, owed_h,
               "ProtocolClOpenAfCompleteEx passes NdisAfHandle " + Hex(h) +
                   ", not the handle given to ProtocolCmOpenAf");
      if (af.open_complete_status != kSuccess && h != 0)
        Report(
            k037, e, owed_h,
            "ProtocolClOpenAfCompleteEx reports a failure with a non-NULL NdisAfHandle " + Hex(h));
      break;
    }
    default:
      break;
  }
}

void Monitor::State::OpenAfReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisClOpenAddressFamilyEx: {
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k031Forward, e, a[0],
                 "NdisClOpenAddressFamilyEx returned " + St(st) +
                     " without calling the call manager's ProtocolCmOpenAf");
        break;
      }
      const uint64_t h = f.cb_obj;
      Af* af = FindAf(h);
      if (!af) break;
      if (st != f.cb_status)
        Report(k033, e, h,
               "NdisClOpenAddressFamilyEx returned " + St(st) + " but ProtocolCmOpenAf returned " +
                   St(f.cb_status),
               AfDesc(*af));
      if (st == kSuccess) {
        if (a[0] != h)
          Report(k031Handle, e, h,
                 "NdisClOpenAddressFamilyEx gave the client NdisAfHandle " + Hex(a[0]) +
                     ", but ProtocolCmOpenAf got " + Hex(h),
                 AfDesc(*af));
        af->open_sync = true;
        af_by_client_ctx[AK(af->client, af->client_ctx)] = h;
      } else if (st == kPending) {
        af_by_client_ctx[AK(af->client, af->client_ctx)] = h;
      } else {
        af->open_sync = true;
      }
      break;
    }
    case Fn::ProtocolCmOpenAf: {
      Frame* p = TopIs(Fn::NdisClOpenAddressFamilyEx);
      if (p && p->cb_obj == f.obj) p->cb_status = st;
      Af* af = FindAf(f.obj);
      if (!af || af->state != AState::kCmOpenCall || af->cm != e.actor) break;
      af->since = e.index;
      if (st == kSuccess) {
        af->state = AState::kOpen;
        af->cm_ctx = a[0];
        af_by_cm_ctx[AK(af->cm, af->cm_ctx)] = f.obj;
      } else if (st == kPending) {
        af->state = AState::kOpening;
        af->open_owed = true;
        if (Binding* bd = FindBinding(af->client_binding)) ++bd->opening;
      } else {
        FailAf(*af, f.obj, e);
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::ReportOpenPending(const Event& e, uint64_t h, std::string message,
                                       std::string state) {
  Report(k040, e, h, std::move(message), std::move(state));
}

void Monitor::State::ReportUseAfterFailedOpen(const Event& e, uint64_t h, const Af& a) {
  Report(k036, e, h, "the call manager uses the NdisAfHandle after its open failed", AfDesc(a));
}

bool Monitor::State::CheckCmAfContext(const Event& e, uint64_t h, uint64_t got, const Af& a) {
  if (got == a.cm_ctx) return true;
  Report(k035, e, h,
         Name(e.fn) + " got CallMgrAfContext " + Hex(got) + ", expected " + Hex(a.cm_ctx),
         AfDesc(a));
  return false;
}

void Monitor::State::OpenAfFinish() {
  for (const auto& [h, af] : afs) {
    if (af.open_owed)
      Report(k034Ledger, af.since, h,
             "ProtocolCmOpenAf returned PENDING and the call manager never called "
             "NdisCmOpenAddressFamilyComplete",
             AfDesc(af));
    if (af.open_complete_owed)
      Report(k037Owed, af.since, h,
             "the open was completed but NDIS never called ProtocolClOpenAfCompleteEx", AfDesc(af));
  }
}

}  // namespace ndisconf::monitor
