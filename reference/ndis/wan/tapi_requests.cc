// Rule family "tapi_requests" of the reference NDIS model (spec 5.17;
// WAN-080..WAN-095 as far as NDIS routes them): NdisRequest to
// MiniportQueryInformation / MiniportSetInformation, one request in the
// miniport at a time per adapter, and NdisMQueryInformationComplete /
// NdisMSetInformationComplete back to ProtocolRequestComplete. NDIS never reads
// an information buffer (WAN-103).
#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

// ---- Requests (NdisRequest; one in the miniport at a time). ----

NDIS_STATUS Model::Impl::CallMiniportRequest(Adapter* a, const Request5& r) {
  PNDIS_REQUEST q = r.request;
  Driver* mp = a->miniport;
  a->request_in_call = true;
  // Miniport request handlers run at DISPATCH_LEVEL.
  const NDIS_STATUS s = AtDispatch([&] {
    NDIS_STATUS st;
    if (IsSetRequest(q)) {
      auto& d = q->DATA.SET_INFORMATION;
      st = mp->mp5.SetInformationHandler(a->context, d.Oid, d.InformationBuffer,
                                         d.InformationBufferLength, &d.BytesRead, &d.BytesNeeded);
    } else {
      // Query and query-statistics requests are both queries.
      auto& d = q->DATA.QUERY_INFORMATION;
      st = mp->mp5.QueryInformationHandler(a->context, d.Oid, d.InformationBuffer,
                                           d.InformationBufferLength, &d.BytesWritten,
                                           &d.BytesNeeded);
    }
    return st;
  });
  a->request_in_call = false;
  if (s != NDIS_STATUS_PENDING && a->early_request_complete) {
    Reject(IsSetRequest(q) ? Fn::NdisMSetInformationComplete : Fn::NdisMQueryInformationComplete,
           NDIS_STATUS_FAILURE,
           Cause{Reason::kDidNotPend,
                 "completion of a request that did not return PENDING (ignored)"});
    a->early_request_complete.reset();
  }
  return s;
}

void Model::Impl::DeliverRequestComplete(const Request5& r, NDIS_STATUS status) {
  Binding* b = r.binding;
  if (!IsOpen(b)) {
    Reject(Fn::ProtocolRequestComplete, status,
           Cause{Reason::kDropped,
                 "the binding was closed with the request outstanding; completion dropped"});
    return;
  }
  b->protocol->pr5.RequestCompleteHandler(b->context, r.request, status);
}

void Model::Impl::PumpRequests(Adapter* a) {
  if (a->pumping) return;  // the running pump picks up what is queued now
  a->pumping = true;
  while (!a->active_request && !a->request_queue.empty() && a->state == Adapter::State::kRunning) {
    Request5 r = a->request_queue.front();
    a->request_queue.pop_front();
    if (!IsOpen(r.binding)) {
      Reject(Fn::NdisRequest, NDIS_STATUS_REQUEST_ABORTED,
             Cause{Reason::kDropped, "the binding was closed with the request queued; dropped"});
      continue;
    }
    a->active_request = r;
    NDIS_STATUS s = CallMiniportRequest(a, r);
    if (s == NDIS_STATUS_PENDING) {
      if (!a->early_request_complete) break;
      s = *a->early_request_complete;
      a->early_request_complete.reset();
    }
    a->active_request.reset();
    // It was queued, so the protocol was told PENDING: it hears the result
    // through ProtocolRequestComplete.
    DeliverRequestComplete(r, s);
  }
  a->pumping = false;
}

void Model::Impl::CompleteRequest(Adapter* a, NDIS_STATUS status, bool query, Fn fn) {
  if (!a->active_request) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kNotPending, "no request is outstanding at the miniport"});
  }
  const bool is_query = !IsSetRequest(a->active_request->request);
  if (is_query != query) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  is_query
                      ? Cause{Reason::kWrongCompletion,
                              "the outstanding request is a query (NdisMQueryInformationComplete)"}
                      : Cause{Reason::kWrongCompletion,
                              "the outstanding request is a set (NdisMSetInformationComplete)"});
  }
  if (status == NDIS_STATUS_PENDING) {
    return Reject(fn, NDIS_STATUS_FAILURE,
                  Cause{Reason::kPendingStatus, "Status NDIS_STATUS_PENDING (ignored)"});
  }
  if (a->request_in_call) {
    // Completed from inside MiniportQuery/SetInformation: applied once it returns.
    if (a->early_request_complete)
      return Reject(fn, NDIS_STATUS_FAILURE,
                    Cause{Reason::kCompletedTwice, "request completed twice"});
    a->early_request_complete = status;
    return;
  }
  const Request5 r = *a->active_request;
  a->active_request.reset();
  DeliverRequestComplete(r, status);
  PumpRequests(a);
}

VOID Model::NdisRequest(PNDIS_STATUS status, NDIS_HANDLE handle, PNDIS_REQUEST request) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisRequest;
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
  if (!b->protocol->ndis5) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kWrongNdisVersion,
                      "binding of an NDIS 6 protocol (NdisOidRequest is not modelled)"});
  }
  if (request == nullptr) return fail(NDIS_STATUS_INVALID_PARAMETER, NullArg("NdisRequest"));
  const uint32_t type = RawRequestType(request);
  if (type != NdisRequestQueryInformation && type != NdisRequestSetInformation &&
      type != NdisRequestQueryStatistics) {
    return fail(NDIS_STATUS_INVALID_PARAMETER,
                Cause{Reason::kBadArgument, "unknown RequestType " + std::to_string(type)});
  }
  if (m.irql > DISPATCH_LEVEL) {
    return fail(NDIS_STATUS_FAILURE,
                Cause{Reason::kIrqlTooHigh,
                      "called at IRQL " + std::to_string(m.irql) + ", above DISPATCH_LEVEL"});
  }
  Adapter* a = b->adapter;
  if (a->state != Adapter::State::kRunning) {
    return fail(NDIS_STATUS_ADAPTER_NOT_READY, Cause{Reason::kClosing, "the adapter is halting"});
  }
  // The OID is the miniport's business: NDIS passes every OID through.
  Request5 r{b, request, false};
  if (a->active_request || !a->request_queue.empty() || a->pumping) {
    // NDIS gives a miniport one request at a time (for deserialized
    // miniports too: only their sends are deserialized); the rest wait.
    r.queued = true;
    a->request_queue.push_back(r);
    *status = NDIS_STATUS_PENDING;
    return;
  }
  a->active_request = r;
  NDIS_STATUS s = m.CallMiniportRequest(a, r);
  if (s == NDIS_STATUS_PENDING) {
    if (!a->early_request_complete) {
      *status = NDIS_STATUS_PENDING;  // NdisM*InformationComplete -> ProtocolRequestComplete
      return;
    }
    // Completed before the miniport returned PENDING: the protocol gets the
    // result now, and no ProtocolRequestComplete.
    s = *a->early_request_complete;
    a->early_request_complete.reset();
  }
  a->active_request.reset();
  *status = s;
  m.PumpRequests(a);  // requests queued while this one was in the miniport
}

VOID Model::NdisMQueryInformationComplete(NDIS_HANDLE handle, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMQueryInformationComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  m.CompleteRequest(a, status, true, fn);
}

VOID Model::NdisMSetInformationComplete(NDIS_HANDLE handle, NDIS_STATUS status) {
  Impl& m = *impl_;
  constexpr Fn fn = Fn::NdisMSetInformationComplete;
  if (m.RefusedByProfile(fn, NDIS_STATUS_NOT_SUPPORTED)) return;
  Adapter* a = m.Adapter5(fn, handle, NDIS_STATUS_FAILURE);
  if (a == nullptr) return;
  m.CompleteRequest(a, status, false, fn);
}

}  // namespace ndisconf::ndis
