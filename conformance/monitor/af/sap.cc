// Rule family "sap" (spec 5.6, AF-080 ... AF-091): SAP registration and
// deregistration forwarded to the call manager, pended ones completed once
// and delivered to the client; SAPs released with their AF (S13); incoming
// calls on registered SAPs only.
#include <algorithm>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using af::Af;
using af::AState;
using af::Kind;
using af::Sap;
using af::SState;
using af::SStateName;
using af::Vc;

namespace {

// Hash of the CO_SAP bytes an event carries (AF-081: the CM gets the
// client's SAP unchanged).
uint64_t BlobHash(const Event& e) {
  uint64_t h = 1469598103934665603ull ^ e.blob_len;
  const size_t n = std::min<size_t>(e.blob_len, Event::kMaxBlob);
  for (size_t i = 0; i < n; ++i) h = (h ^ e.blob[i]) * 1099511628211ull;
  return h;
}

}  // namespace

namespace af {
namespace {
constexpr Fn kSapFns[] = {
    Fn::NdisClRegisterSap,           Fn::ProtocolCmRegisterSap,
    Fn::NdisCmRegisterSapComplete,   Fn::ProtocolClRegisterSapComplete,
    Fn::NdisClDeregisterSap,         Fn::ProtocolCmDeregisterSap,
    Fn::NdisCmDeregisterSapComplete, Fn::ProtocolClDeregisterSapComplete,
    Fn::NdisCmDispatchIncomingCall,  Fn::ProtocolClIncomingCall,
};
}  // namespace
constinit const Monitor::State::Family kSap = {"sap", kSapFns, &Monitor::State::SapCall,
                                               &Monitor::State::SapReturn};
}  // namespace af

void Monitor::State::SapCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisClRegisterSap: {
      const uint64_t h = a[0];
      f.obj = h;
      f.blob_hash = BlobHash(e);
      Af* af = FindAf(h);
      if (!af) {
        ReportClientUseAfterClose(e, h,
                                  "NdisClRegisterSap with an NdisAfHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      if (af->client != e.actor)
        ReportClientUseAfterClose(e, h, "NdisClRegisterSap on an AF this driver did not open",
                                  AfDesc(*af));
      else if (af->state == AState::kOpening)
        ReportOpenPending(e, h, "NdisClRegisterSap while the AF open is pending", AfDesc(*af));
      else if (af->Ended() || af->client_closed)
        ReportClientUseAfterClose(e, h, "NdisClRegisterSap on an AF the client already closed",
                                  AfDesc(*af));
      break;
    }
    case Fn::ProtocolCmRegisterSap: {
      f.blob_hash = BlobHash(e);
      CheckHandler(e, true, 4);
      const uint64_t sh = a[3];
      f.obj = sh;
      Frame* p = Parent(Fn::NdisClRegisterSap);
      if (!p) {
        Report(k081, e, sh, "ProtocolCmRegisterSap called outside NdisClRegisterSap");
        break;
      }
      if (p->cb_called) {
        Report(k081, e, sh, "ProtocolCmRegisterSap called twice for one NdisClRegisterSap");
        break;
      }
      p->cb_called = true;
      p->cb_obj = sh;
      Af* af = FindAf(p->obj);
      if (af) {
        if (af->cm != e.actor)
          Report(k081, e, sh,
                 "ProtocolCmRegisterSap went to a driver that is not the AF's call manager",
                 AfDesc(*af));
        else
          CheckCmAfContext(e, p->obj, a[0], *af);
      }
      if (a[1] != p->arg[2] || a[2] != p->arg[3] || f.blob_hash != p->blob_hash)
        Report(k081, e, sh, "ProtocolCmRegisterSap got a CO_SAP that differs from the client's");
      if (sh == 0) Report(k081, e, sh, "ProtocolCmRegisterSap got a NULL NdisSapHandle");
      AddLive(e, sh, Kind::kSap);
      Sap& s = saps[sh];
      s = Sap{};
      s.client = p->actor;
      s.cm = e.actor;
      s.af = p->obj;
      s.client_ctx = p->arg[1];
      s.since = e.index;
      break;
    }
    case Fn::NdisCmRegisterSapComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t sh = a[1];
      Sap* s = FindSap(sh);
      if (!s) {
        Report(k083, e, sh, "NdisCmRegisterSapComplete for an unknown NdisSapHandle");
        break;
      }
      if (!CheckOwningCm(e, s->cm, sh,
                         "NdisCmRegisterSapComplete by a driver that is not the SAP's call manager",
                         SStateName(s->state)))
        break;
      if (!s->reg_owed) {
        if (s->state == SState::kFailed)
          Report(k085, e, sh,
                 "the call manager uses the NdisSapHandle after failing its registration",
                 SStateName(s->state));
        else
          Report(k083, e, sh,
                 "NdisCmRegisterSapComplete for a registration that is not pending (completed "
                 "twice, or never pended)",
                 SStateName(s->state));
        break;
      }
      if (st == kPending) {
        Report(k083, e, sh, "NdisCmRegisterSapComplete with NDIS_STATUS_PENDING",
               SStateName(s->state));
        break;
      }
      s->reg_owed = false;
      s->reg_complete_owed = true;
      s->reg_status = st;
      s->since = e.index;
      owed_sap_reg_complete.push_back(sh);
      if (st == kSuccess) {
        s->state = SState::kRegistered;
        s->cm_ctx = a[2];
        sap_by_client_ctx[AK(s->client, s->client_ctx)] = sh;
      } else {
        s->state = SState::kFailed;
        if (s->counted) {
          if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
          s->counted = false;
        }
        DropLive(sh);
      }
      break;
    }
    case Fn::ProtocolClRegisterSapComplete: {
      CheckHandler(e, false, 6);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_sap_reg_complete.size(); ++i) {
        const Sap* s = FindSap(owed_sap_reg_complete[i]);
        if (s && s->client == e.actor && s->client_ctx == a[1]) break;
      }
      if (i == owed_sap_reg_complete.size()) {
        Report(k087, e, a[4],
               "NDIS called ProtocolClRegisterSapComplete with no pended registration completed "
               "for ProtocolSapContext " +
                   Hex(a[1]) + " (synchronous return, or duplicate)");
        break;
      }
      const uint64_t sh = owed_sap_reg_complete[i];
      Sap& s = saps[sh];
      Erase(owed_sap_reg_complete, i);
      s.reg_complete_owed = false;
      if (st != s.reg_status)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete reports " + St(st) +
                   " but the call manager completed with " + St(s.reg_status));
      if (s.reg_status == kSuccess && a[4] != sh)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete passes NdisSapHandle " + Hex(a[4]) + ", expected " +
                   Hex(sh));
      if (s.reg_status != kSuccess && a[4] != 0)
        Report(k084, e, sh,
               "ProtocolClRegisterSapComplete reports a failure with a non-NULL NdisSapHandle");
      break;
    }
    case Fn::NdisClDeregisterSap: {
      const uint64_t sh = a[0];
      f.obj = sh;
      Sap* s = FindSap(sh);
      if (!s) {
        Report(k089, e, sh, "NdisClDeregisterSap with an NdisSapHandle NDIS never gave out");
        break;
      }
      f.obj_known = true;
      f.prior = static_cast<uint8_t>(s->state);
      if (const Af* af = FindAf(s->af);
          af && af->Ended() &&
          (s->state == SState::kRegistered || s->state == SState::kRegistering))
        s->released_with_af = true;
      f.flag = s->released_with_af && !s->client_done;
      if (s->client != e.actor)
        Report(k089, e, sh, "NdisClDeregisterSap by a driver that did not register this SAP",
               SStateName(s->state));
      else if (f.flag)
        ;  // S13: the SAP went with its AF; NDIS reports FAILURE
      else if (s->state == SState::kDeregistering && profile.strict)
        Report(k089, e, sh, "NdisClDeregisterSap repeated while the deregistration is pending",
               SStateName(s->state));
      else if (s->state == SState::kDeregistered || s->state == SState::kFailed)
        Report(k089, e, sh, "NdisClDeregisterSap on a SAP that is no longer registered",
               SStateName(s->state));
      break;
    }
    case Fn::ProtocolCmDeregisterSap: {
      CheckHandler(e, true, 5);
      Frame* p = Parent(Fn::NdisClDeregisterSap);
      if (!p) {
        // S13 / AF-052: inside a close the CM pended, NDIS itself releases
        // the SAPs the client left on that AF.
        if (const Frame* c = Parent(Fn::NdisClCloseAddressFamily)) {
          for (auto& [sh, s] : saps) {
            if (s.af != c->obj || s.cm != e.actor || s.cm_ctx != a[0] ||
                s.state != SState::kRegistered)
              continue;
            s.released_with_af = true;
            f.obj = sh;
            f.obj_known = true;
            break;
          }
          if (f.obj_known) break;
        }
        Report(k088, e, 0, "ProtocolCmDeregisterSap called outside NdisClDeregisterSap");
        break;
      }
      p->cb_called = true;
      f.obj = p->obj;
      Sap* s = FindSap(p->obj);
      if (!s) break;
      f.obj_known = true;
      if (s->cm != e.actor || s->cm_ctx != a[0])
        Report(k088, e, p->obj,
               "ProtocolCmDeregisterSap got actor " + std::to_string(e.actor) + " context " +
                   Hex(a[0]) + "; the SAP's call manager is actor " + std::to_string(s->cm) +
                   " with CallMgrSapContext " + Hex(s->cm_ctx),
               SStateName(s->state));
      if (static_cast<SState>(p->prior) == SState::kDeregistering)
        Report(k088, e, p->obj,
               "NDIS forwarded a redundant NdisClDeregisterSap to the call manager",
               SStateName(s->state));
      break;
    }
    case Fn::NdisCmDeregisterSapComplete: {
      const int32_t st = SlotStatus(a[0]);
      const uint64_t sh = a[1];
      Sap* s = FindSap(sh);
      if (!s || !s->dereg_owed || s->cm != e.actor) {
        if (s && s->cm != e.actor)
          CheckOwningCm(
              e, s->cm, sh,
              "NdisCmDeregisterSapComplete by a driver that is not the SAP's call manager",
              SStateName(s->state));
        else
          Report(k090, e, sh,
                 "NdisCmDeregisterSapComplete for a deregistration that is not pending",
                 s ? SStateName(s->state) : "");
        break;
      }
      if (st != kSuccess)
        Report(k090, e, sh,
               "NdisCmDeregisterSapComplete with " + St(st) + "; the status must be SUCCESS",
               SStateName(s->state));
      s->dereg_owed = false;
      s->dereg_status = st;
      s->state = SState::kDeregistered;
      s->since = e.index;
      if (!s->released_with_af) {  // NDIS's own release owes the client nothing
        s->dereg_complete_owed = true;
        owed_sap_dereg_complete.push_back(sh);
      }
      if (s->counted) {
        if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
        s->counted = false;
      }
      sap_by_client_ctx.erase(AK(s->client, s->client_ctx));
      DropLive(sh);
      break;
    }
    case Fn::ProtocolClDeregisterSapComplete: {
      CheckHandler(e, false, 7);
      const int32_t st = SlotStatus(a[0]);
      size_t i = 0;
      for (; i < owed_sap_dereg_complete.size(); ++i) {
        const Sap* s = FindSap(owed_sap_dereg_complete[i]);
        if (s && s->client == e.actor && s->client_ctx == a[1]) break;
      }
      if (i == owed_sap_dereg_complete.size()) {
        Report(k091, e, 0,
               "NDIS called ProtocolClDeregisterSapComplete with no pended deregistration "
               "completed for ProtocolSapContext " +
                   Hex(a[1]));
        break;
      }
      const uint64_t sh = owed_sap_dereg_complete[i];
      Sap& s = saps[sh];
      Erase(owed_sap_dereg_complete, i);
      s.dereg_complete_owed = false;
      if (st != s.dereg_status)
        Report(k091, e, sh,
               "ProtocolClDeregisterSapComplete reports " + St(st) +
                   " but the call manager completed with " + St(s.dereg_status));
      break;
    }
    case Fn::NdisCmDispatchIncomingCall: {
      const uint64_t sh = a[0];
      if (Sap* s = FindSap(sh)) {
        if (!CheckOwningCm(e, s->cm, sh,
                           "NdisCmDispatchIncomingCall on a SAP of another call manager",
                           SStateName(s->state))) {
        } else if (s->state == SState::kFailed)
          Report(k085, e, sh,
                 "the call manager uses the NdisSapHandle after failing its registration",
                 SStateName(s->state));
        else if (s->state == SState::kDeregistered)
          Report(k090, e, sh,
                 "the call manager uses the NdisSapHandle after its deregistration completed",
                 SStateName(s->state));
      }
      if (Vc* v = FindVc(a[1])) {
        if (!v->live)
          ReportVcUseAfterDelete(e, a[1], "NdisCmDispatchIncomingCall on a deleted VC");
        else
          v->call_active = true;
      }
      break;
    }
    case Fn::ProtocolClIncomingCall: {
      CheckHandler(e, false, 13);
      if (!sap_by_client_ctx.count(AK(e.actor, a[0]))) {
        // A SAP still registering may receive calls (AF-086).
        bool pending = false;
        for (const auto& [sh, s] : saps)
          if (s.client == e.actor && s.client_ctx == a[0] && s.state == SState::kRegistering)
            pending = true;
        if (!pending)
          Report(k084, e, 0,
                 "ProtocolClIncomingCall names ProtocolSapContext " + Hex(a[0]) +
                     ", which is not a registered SAP of this client");
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::SapReturn(const Event& e, const uint64_t* a, Frame& f) {
  const int32_t st = e.status;
  switch (e.fn) {
    case Fn::NdisCmDispatchIncomingCall: {
      // The client rejected the call from ProtocolClIncomingCall: no call is
      // up on the VC (a pended answer ends in NdisClIncomingCallComplete).
      if (st != kSuccess && st != kPending)
        if (Vc* v = FindVc(f.arg[1]); v && v->live) v->call_active = false;
      break;
    }
    case Fn::NdisClRegisterSap: {
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k081, e, f.obj,
                 "NdisClRegisterSap returned " + St(st) + " without calling ProtocolCmRegisterSap");
        break;
      }
      if (st != f.cb_status)
        Report(k081, e, f.cb_obj,
               "NdisClRegisterSap returned " + St(st) + " but ProtocolCmRegisterSap returned " +
                   St(f.cb_status));
      if (st == kSuccess && a[0] != f.cb_obj)
        Report(k081, e, f.cb_obj,
               "NdisClRegisterSap gave the client NdisSapHandle " + Hex(a[0]) +
                   ", but ProtocolCmRegisterSap got " + Hex(f.cb_obj));
      if (st == kSuccess) {
        if (Sap* s = FindSap(f.cb_obj); s && s->state == SState::kRegistered)
          sap_by_client_ctx[AK(s->client, s->client_ctx)] = f.cb_obj;
      }
      break;
    }
    case Fn::ProtocolCmRegisterSap: {
      Frame* p = TopIs(Fn::NdisClRegisterSap);
      if (p && p->cb_obj == f.obj) p->cb_status = st;
      Sap* s = FindSap(f.obj);
      if (!s || s->state != SState::kCmCall || s->cm != e.actor) break;
      s->since = e.index;
      if (st == kSuccess || st == kPending) {
        s->state = st == kSuccess ? SState::kRegistered : SState::kRegistering;
        s->reg_owed = st == kPending;
        if (st == kSuccess) s->cm_ctx = a[0];
        if (Af* af = FindAf(s->af)) {
          ++af->saps;
          s->counted = true;
        }
      } else {
        s->state = SState::kFailed;
        DropLive(f.obj);
      }
      break;
    }
    case Fn::NdisClDeregisterSap: {
      if (!f.obj_known) break;
      const SState prior = static_cast<SState>(f.prior);
      if (f.flag) {
        // S13 / AF-091: FAILURE, synchronously or through
        // ProtocolClDeregisterSapComplete after PENDING; never forwarded.
        Sap& s = saps[f.obj];
        if (f.cb_called)
          Report(k088, e, f.obj,
                 "NDIS forwarded the deregistration of a SAP already released with its AF");
        if (st == kPending) {
          s.dereg_complete_owed = true;
          s.dereg_status = kFailure;
          s.since = e.index;
          owed_sap_dereg_complete.push_back(f.obj);
        } else if (st != kFailure) {
          Report(k091, e, f.obj,
                 "NdisClDeregisterSap of a SAP released with its AF returned " + St(st) +
                     ", expected FAILURE (or PENDING and a FAILURE completion)");
        }
        s.client_done = true;
        if (s.state != SState::kDeregistering) s.state = SState::kDeregistered;
        if (s.counted) {
          if (Af* af = FindAf(s.af); af && af->saps > 0) --af->saps;
          s.counted = false;
        }
        break;
      }
      if (prior == SState::kDeregistering) {
        if (st != kFailure)
          Report(k088, e, f.obj,
                 "a redundant NdisClDeregisterSap returned " + St(st) + ", expected FAILURE");
        break;
      }
      if (prior != SState::kRegistered) break;
      if (!f.cb_called) {
        if (st == kSuccess || st == kPending)
          Report(k088, e, f.obj,
                 "NdisClDeregisterSap returned " + St(st) +
                     " without calling ProtocolCmDeregisterSap");
        break;
      }
      if (st != f.cb_status)
        Report(k088, e, f.obj,
               "NdisClDeregisterSap returned " + St(st) + " but ProtocolCmDeregisterSap returned " +
                   St(f.cb_status));
      break;
    }
    case Fn::ProtocolCmDeregisterSap: {
      Frame* p = TopIs(Fn::NdisClDeregisterSap);
      if (p && p->obj == f.obj) p->cb_status = st;
      Sap* s = FindSap(f.obj);
      if (!s || !f.obj_known || s->cm != e.actor) break;
      if (st == kSuccess) {
        s->state = SState::kDeregistered;
        s->since = e.index;
        if (s->counted) {
          if (Af* af = FindAf(s->af); af && af->saps > 0) --af->saps;
          s->counted = false;
        }
        sap_by_client_ctx.erase(AK(s->client, s->client_ctx));
        DropLive(f.obj);
      } else if (st == kPending) {
        s->state = SState::kDeregistering;
        s->since = e.index;
        s->dereg_owed = true;
      } else {
        Report(k090, e, f.obj,
               "ProtocolCmDeregisterSap returned " + St(st) + "; it must return SUCCESS or PENDING",
               SStateName(s->state));
      }
      break;
    }
    default:
      break;
  }
}

void Monitor::State::SapFinish() {
  for (const auto& [h, s] : saps) {
    if (s.reg_owed)
      Report(k083Ledger, s.since, h,
             "ProtocolCmRegisterSap returned PENDING and the call manager never called "
             "NdisCmRegisterSapComplete",
             SStateName(s.state));
    if (s.reg_complete_owed)
      Report(
          k084, s.since, h,
          "the SAP registration was completed but NDIS never called ProtocolClRegisterSapComplete",
          SStateName(s.state));
    if (s.dereg_owed)
      Report(k090Ledger, s.since, h,
             "ProtocolCmDeregisterSap returned PENDING and the call manager never called "
             "NdisCmDeregisterSapComplete",
             SStateName(s.state));
    if (s.dereg_complete_owed)
      Report(k091, s.since, h,
             "the SAP deregistration was completed but NDIS never called "
             "ProtocolClDeregisterSapComplete",
             SStateName(s.state));
  }
}

}  // namespace ndisconf::monitor
