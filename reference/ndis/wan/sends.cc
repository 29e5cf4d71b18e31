// Rule family "sends" of the reference NDIS model (spec 2.7, 5.12; WAN-031,
// WAN-033, WAN-103): the WAN data path. NdisWanSend to MiniportWanSend and
// NdisMWanSendComplete back to ProtocolWanSendComplete, and
// NdisMWanIndicateReceive / NdisMWanIndicateReceiveComplete to each open
// binding. NDIS never reads a packet; link contexts are NDISWAN's to check
// (WAN-101).
#include <algorithm>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

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
