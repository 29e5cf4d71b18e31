// reference/boundary/upcall_records.h: what each upcall records.
//
// Private to the boundary library (upcalls.cc). One struct per handler a
// driver hands NDIS, giving its Fn, its table member, the call event's
// argument slots and the return event's out values, in the schema of fn.cc;
// and, per table type, the list of handlers the boundary wraps.
#ifndef NDISCONF_BOUNDARY_UPCALL_RECORDS_H_
#define NDISCONF_BOUNDARY_UPCALL_RECORDS_H_

#include <ndis.h>

#include <cstdint>

#include "reference/boundary/boundary.h"
#include "reference/boundary/crossing.h"
#include "reference/boundary/fn.h"

namespace ndisconf::upcalls {

template <typename T>
uint64_t DerefU(const T* p) {
  return p != nullptr ? static_cast<uint64_t>(*p) : kNullSlot;
}

// ---- What each upcall records. ----
//
// One struct per handler member: kFn, the member, Args (the call event's
// slots, from the handler's arguments) and Ret (Return() and the return
// event's out values). The slots are those of fn.cc; a handler that can
// also be called by another name (CmCreateVcHandler and ClCreateVcHandler
// are both ProtocolCoCreateVc) records the same event.

using ProtocolChars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS;
using MiniportChars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS;
using ClientHandlers = NDIS_CO_CLIENT_OPTIONAL_HANDLERS;
using CmHandlers = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS;
using ProtocolCoChars = NDIS_PROTOCOL_CO_CHARACTERISTICS;
using MiniportCoChars = NDIS_MINIPORT_CO_CHARACTERISTICS;
using Miniport5Chars = NDIS_MINIPORT_CHARACTERISTICS;
using Protocol5Chars = NDIS_PROTOCOL_CHARACTERISTICS;

// Ret (a handler that returns a status) and RetVoid (a VOID one) for the
// many handlers whose return event carries nothing but the status.
struct StatusOnly {
  static void Ret(Crossing& c, NDIS_STATUS s, auto...) { c.Return(s); }
  static void RetVoid(Crossing& c, auto...) { c.Return(); }
};

// SetOptions also tells the boundary the driver's handle before the
// registration returns: NdisSetOptionalHandlers, called from it, names the
// driver by that handle.
template <typename T, Fn kF>
struct SetOptions : StatusOnly {
  static constexpr Fn kFn = kF;
  static constexpr auto kMember = &T::SetOptionsHandler;
  static constexpr bool kNamesDriver = true;
  static void Args(Crossing& c, NDIS_HANDLE h, NDIS_HANDLE ctx) { c.Handle(h).Handle(ctx); }
};

struct BindAdapterEx : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolBindAdapterEx;
  static constexpr auto kMember = &ProtocolChars::BindAdapterHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_HANDLE bind, PNDIS_BIND_PARAMETERS p) {
    // NdisMiniportHandle is not among the handler's arguments: the host
    // names the adapter of the bind (NdisHost::MiniportHandleOfBind).
    NdisHost* host = Boundary::Get().host();
    c.Handle(ctx)
        .Handle(bind)
        .Ulong(p != nullptr ? static_cast<uint32_t>(p->MediaType) : kNullSlot)
        .Handle(host != nullptr ? host->MiniportHandleOfBind(bind) : nullptr);
  }
};
struct UnbindAdapterEx : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolUnbindAdapterEx;
  static constexpr auto kMember = &ProtocolChars::UnbindAdapterHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE u, NDIS_HANDLE b) { c.Handle(u).Handle(b); }
};
struct OpenAdapterCompleteEx : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolOpenAdapterCompleteEx;
  static constexpr auto kMember = &ProtocolChars::OpenAdapterCompleteHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE b, NDIS_STATUS s) { c.Handle(b).Status(s); }
};
struct CloseAdapterCompleteEx : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolCloseAdapterCompleteEx;
  static constexpr auto kMember = &ProtocolChars::CloseAdapterCompleteHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE b) { c.Handle(b); }
};

struct InitializeEx : StatusOnly {
  static constexpr Fn kFn = Fn::MiniportInitializeEx;
  static constexpr auto kMember = &MiniportChars::InitializeHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE h, NDIS_HANDLE ctx, PNDIS_MINIPORT_INIT_PARAMETERS) {
    c.Handle(h).Handle(ctx);
  }
};
struct HaltEx : StatusOnly {
  static constexpr Fn kFn = Fn::MiniportHaltEx;
  static constexpr auto kMember = &MiniportChars::HaltHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_HALT_ACTION a) { c.Handle(ctx).Ulong(a); }
};

// CreateVc / DeleteVc: the same events for a call manager's, a client's and
// (as MiniportCo*) a miniport's handler.
template <typename T, auto kM, Fn kF>
struct CreateVc {
  static constexpr Fn kFn = kF;
  static constexpr auto kMember = kM;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_HANDLE vc, PNDIS_HANDLE) {
    c.Handle(ctx).Handle(vc);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE out) {
    c.Return(s).Handle(Deref(out));
  }
};
template <auto kM, Fn kF>
struct OneContext : StatusOnly {  // a handler of one context argument
  static constexpr Fn kFn = kF;
  static constexpr auto kMember = kM;
  static void Args(Crossing& c, NDIS_HANDLE ctx) { c.Handle(ctx); }
};

struct ClOpenAfCompleteEx : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolClOpenAfCompleteEx;
  static constexpr auto kMember = &ClientHandlers::ClOpenAfCompleteHandlerEx;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_HANDLE af, NDIS_STATUS s) {
    c.Handle(ctx).Handle(af).Status(s);
  }
};
template <auto kM, Fn kF>
struct StatusThenContext : StatusOnly {  // (Status, Context)
  static constexpr Fn kFn = kF;
  static constexpr auto kMember = kM;
  static void Args(Crossing& c, NDIS_STATUS s, NDIS_HANDLE ctx) { c.Status(s).Handle(ctx); }
};
template <auto kM, Fn kF>
struct StatusContextParams : StatusOnly {  // (Status, VcContext, CallParameters)
  static constexpr Fn kFn = kF;
  static constexpr auto kMember = kM;
  static void Args(Crossing& c, NDIS_STATUS s, NDIS_HANDLE ctx, PCO_CALL_PARAMETERS p) {
    c.Status(s).Handle(ctx).Handle(p);
  }
};
struct ClRegisterSapComplete : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolClRegisterSapComplete;
  static constexpr auto kMember = &ClientHandlers::ClRegisterSapCompleteHandler;
  static void Args(Crossing& c, NDIS_STATUS s, NDIS_HANDLE ctx, PCO_SAP sap, NDIS_HANDLE h) {
    c.Status(s).Handle(ctx).Sap(sap).Handle(h);
  }
};
struct ClMakeCallComplete : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolClMakeCallComplete;
  static constexpr auto kMember = &ClientHandlers::ClMakeCallCompleteHandler;
  static void Args(Crossing& c, NDIS_STATUS s, NDIS_HANDLE vc, NDIS_HANDLE party,
                   PCO_CALL_PARAMETERS p) {
    c.Status(s).Handle(vc).Handle(party).Handle(p);
  }
};
struct ClCloseCallComplete : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolClCloseCallComplete;
  static constexpr auto kMember = &ClientHandlers::ClCloseCallCompleteHandler;
  static void Args(Crossing& c, NDIS_STATUS s, NDIS_HANDLE vc, NDIS_HANDLE party) {
    c.Status(s).Handle(vc).Handle(party);
  }
};
struct ClIncomingCall : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolClIncomingCall;
  static constexpr auto kMember = &ClientHandlers::ClIncomingCallHandler;
  static void Args(Crossing& c, NDIS_HANDLE sap, NDIS_HANDLE vc, PCO_CALL_PARAMETERS p) {
    c.Handle(sap).Handle(vc).Handle(p);
  }
};

struct CmOpenAf {
  static constexpr Fn kFn = Fn::ProtocolCmOpenAf;
  static constexpr auto kMember = &CmHandlers::CmOpenAfHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, PCO_ADDRESS_FAMILY af, NDIS_HANDLE h,
                   PNDIS_HANDLE) {
    c.Handle(ctx).Af(af).Handle(h);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, PCO_ADDRESS_FAMILY, NDIS_HANDLE,
                  PNDIS_HANDLE out) {
    c.Return(s).Handle(Deref(out));
  }
};
struct CmRegisterSap {
  static constexpr Fn kFn = Fn::ProtocolCmRegisterSap;
  static constexpr auto kMember = &CmHandlers::CmRegisterSapHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, PCO_SAP sap, NDIS_HANDLE h, PNDIS_HANDLE) {
    c.Handle(ctx).Sap(sap).Handle(h);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, PCO_SAP, NDIS_HANDLE, PNDIS_HANDLE out) {
    c.Return(s).Handle(Deref(out));
  }
};
struct CmMakeCall {
  static constexpr Fn kFn = Fn::ProtocolCmMakeCall;
  static constexpr auto kMember = &CmHandlers::CmMakeCallHandler;
  static void Args(Crossing& c, NDIS_HANDLE vc, PCO_CALL_PARAMETERS p, NDIS_HANDLE party,
                   PNDIS_HANDLE) {
    c.Handle(vc).Handle(p).Handle(party);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE,
                  PNDIS_HANDLE out) {
    c.Return(s).Handle(Deref(out));
  }
};
struct CmCloseCall : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolCmCloseCall;
  static constexpr auto kMember = &CmHandlers::CmCloseCallHandler;
  static void Args(Crossing& c, NDIS_HANDLE vc, NDIS_HANDLE party, PVOID, UINT size) {
    c.Handle(vc).Handle(party).Ulong(size);
  }
};
struct CmNotifyCloseAfComplete : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolCmNotifyCloseAfComplete;
  static constexpr auto kMember = &CmHandlers::CmNotifyCloseAfCompleteHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_STATUS s) { c.Handle(ctx).Status(s); }
};

struct CoAfRegisterNotify : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolCoAfRegisterNotify;
  static constexpr auto kMember = &ProtocolCoChars::CoAfRegisterNotifyHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, PCO_ADDRESS_FAMILY af) { c.Handle(ctx).Af(af); }
};
struct MiniportCoActivateVc : StatusOnly {
  static constexpr Fn kFn = Fn::MiniportCoActivateVc;
  static constexpr auto kMember = &MiniportCoChars::CoActivateVcHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, PCO_CALL_PARAMETERS p) { c.Handle(ctx).Handle(p); }
};

// ---- NDIS 5.1 (docs/wan_events.md). ----

struct Initialize5 {
  static constexpr Fn kFn = Fn::MiniportInitialize;
  static constexpr auto kMember = &Miniport5Chars::InitializeHandler;
  static void Args(Crossing& c, PNDIS_STATUS, PUINT, PNDIS_MEDIUM, UINT n, NDIS_HANDLE h,
                   NDIS_HANDLE config) {
    c.Handle(h).Handle(config).Ulong(n);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, PNDIS_STATUS, PUINT selected, PNDIS_MEDIUM, UINT,
                  NDIS_HANDLE, NDIS_HANDLE) {
    c.Return(s).Ulong(DerefU(selected));
  }
};
struct Isr5 {
  static constexpr Fn kFn = Fn::MiniportISR;
  static constexpr auto kMember = &Miniport5Chars::ISRHandler;
  static void Args(Crossing& c, PBOOLEAN, PBOOLEAN, NDIS_HANDLE ctx) { c.Handle(ctx); }
  static void RetVoid(Crossing& c, PBOOLEAN recognized, PBOOLEAN queue, NDIS_HANDLE) {
    c.Return().Ulong(DerefU(recognized)).Ulong(DerefU(queue));
  }
};
struct QueryInformation5 {
  static constexpr Fn kFn = Fn::MiniportQueryInformation;
  static constexpr auto kMember = &Miniport5Chars::QueryInformationHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG,
                   PULONG) {
    c.Handle(ctx).Ulong(oid).Buffer(buf, len);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, NDIS_OID, PVOID buf, ULONG len,
                  PULONG written, PULONG needed) {
    c.Return(s).Ulong(DerefU(written)).Ulong(DerefU(needed)).Buffer(buf, len);
  }
};
struct SetInformation5 {
  static constexpr Fn kFn = Fn::MiniportSetInformation;
  static constexpr auto kMember = &Miniport5Chars::SetInformationHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG,
                   PULONG) {
    c.Handle(ctx).Ulong(oid).Buffer(buf, len);
  }
  static void Ret(Crossing& c, NDIS_STATUS s, NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG read,
                  PULONG needed) {
    c.Return(s).Ulong(DerefU(read)).Ulong(DerefU(needed));
  }
};
struct WanSend5 : StatusOnly {
  static constexpr Fn kFn = Fn::MiniportWanSend;
  static constexpr auto kMember = &Miniport5Chars::WanSendHandler;
  static void Args(Crossing& c, NDIS_HANDLE ctx, NDIS_HANDLE link, PNDIS_WAN_PACKET p) {
    c.Handle(ctx).Handle(link).Handle(p).Ulong(p != nullptr ? p->CurrentLength : kNullSlot);
  }
};

struct OpenAdapterComplete5 : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolOpenAdapterComplete;
  static constexpr auto kMember = &Protocol5Chars::OpenAdapterCompleteHandler;
  static void Args(Crossing& c, NDIS_HANDLE b, NDIS_STATUS s, NDIS_STATUS open_error) {
    c.Handle(b).Status(s).Status(open_error);
  }
};
struct CloseAdapterComplete5 : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolCloseAdapterComplete;
  static constexpr auto kMember = &Protocol5Chars::CloseAdapterCompleteHandler;
  static void Args(Crossing& c, NDIS_HANDLE b, NDIS_STATUS s) { c.Handle(b).Status(s); }
};
struct WanSendComplete5 : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolWanSendComplete;
  static constexpr auto kMember = &Protocol5Chars::WanSendCompleteHandler;
  static void Args(Crossing& c, NDIS_HANDLE b, PNDIS_WAN_PACKET p, NDIS_STATUS s) {
    c.Handle(b).Handle(p).Status(s);
  }
};
struct RequestComplete5 : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolRequestComplete;
  static constexpr auto kMember = &Protocol5Chars::RequestCompleteHandler;
  static void Args(Crossing& c, NDIS_HANDLE b, PNDIS_REQUEST r, NDIS_STATUS s) {
    c.Handle(b).Handle(r).Status(s);
    if (r == nullptr) {
      c.Ulong(kNullSlot).Buffer(nullptr, 0);
      return;
    }
    const auto& d = r->DATA.QUERY_INFORMATION;  // Oid and buffer: same place for a set
    c.Ulong(d.Oid).Buffer(d.InformationBuffer, d.InformationBufferLength);
  }
};
struct WanReceive5 : StatusOnly {
  static constexpr Fn kFn = Fn::ProtocolWanReceive;
  static constexpr auto kMember = &Protocol5Chars::WanReceiveHandler;
  static void Args(Crossing& c, NDIS_HANDLE link, PUCHAR, ULONG size) {
    c.Handle(link).Ulong(size);
  }
};
struct Status5 {
  static constexpr Fn kFn = Fn::ProtocolStatus;
  static constexpr auto kMember = &Protocol5Chars::StatusHandler;
  static void Args(Crossing& c, NDIS_HANDLE b, NDIS_STATUS s, PVOID buf, UINT size) {
    c.Handle(b).Status(s).Buffer(buf, size);
  }
  // The buffer again: what the protocol may have changed (docs/wan_events.md).
  static void RetVoid(Crossing& c, NDIS_HANDLE, NDIS_STATUS, PVOID buf, UINT size) {
    c.Return().Buffer(buf, size);
  }
};
struct BindAdapter5 {
  static constexpr Fn kFn = Fn::ProtocolBindAdapter;
  static constexpr auto kMember = &Protocol5Chars::BindAdapterHandler;
  static void Args(Crossing& c, PNDIS_STATUS, NDIS_HANDLE bind, PNDIS_STRING name, PVOID, PVOID) {
    c.Handle(bind).Handle(name);
  }
  static void RetVoid(Crossing& c, PNDIS_STATUS s, NDIS_HANDLE, PNDIS_STRING, PVOID, PVOID) {
    c.Return(s != nullptr ? *s : NDIS_STATUS_FAILURE);
  }
};
struct UnbindAdapter5 {
  static constexpr Fn kFn = Fn::ProtocolUnbindAdapter;
  static constexpr auto kMember = &Protocol5Chars::UnbindAdapterHandler;
  static void Args(Crossing& c, PNDIS_STATUS, NDIS_HANDLE b, NDIS_HANDLE u) {
    c.Handle(b).Handle(u);
  }
  static void RetVoid(Crossing& c, PNDIS_STATUS s, NDIS_HANDLE, NDIS_HANDLE) {
    c.Return(s != nullptr ? *s : NDIS_STATUS_FAILURE);
  }
};

template <typename... H>
struct List {};

// The handlers of each table that the boundary records. A member with no
// Fn in the event schema (OID requests, NBL paths, PnP, parties, ...) is
// handed to the host unchanged: there is no event to record it as.
using ProtocolList = List<SetOptions<ProtocolChars, Fn::ProtocolSetOptions>, BindAdapterEx,
                          UnbindAdapterEx, OpenAdapterCompleteEx, CloseAdapterCompleteEx>;
using MiniportList = List<SetOptions<MiniportChars, Fn::MiniportSetOptions>, InitializeEx, HaltEx>;
using ClientList = List<
    CreateVc<ClientHandlers, &ClientHandlers::ClCreateVcHandler, Fn::ProtocolCoCreateVc>,
    OneContext<&ClientHandlers::ClDeleteVcHandler, Fn::ProtocolCoDeleteVc>, ClOpenAfCompleteEx,
    StatusThenContext<&ClientHandlers::ClCloseAfCompleteHandler, Fn::ProtocolClCloseAfComplete>,
    ClRegisterSapComplete,
    StatusThenContext<&ClientHandlers::ClDeregisterSapCompleteHandler,
                      Fn::ProtocolClDeregisterSapComplete>,
    ClMakeCallComplete, ClCloseCallComplete, ClIncomingCall,
    OneContext<&ClientHandlers::ClCallConnectedHandler, Fn::ProtocolClCallConnected>,
    OneContext<&ClientHandlers::ClNotifyCloseAfHandler, Fn::ProtocolClNotifyCloseAf>>;
using CmList = List<
    CreateVc<CmHandlers, &CmHandlers::CmCreateVcHandler, Fn::ProtocolCoCreateVc>,
    OneContext<&CmHandlers::CmDeleteVcHandler, Fn::ProtocolCoDeleteVc>, CmOpenAf,
    OneContext<&CmHandlers::CmCloseAfHandler, Fn::ProtocolCmCloseAf>, CmRegisterSap,
    OneContext<&CmHandlers::CmDeregisterSapHandler, Fn::ProtocolCmDeregisterSap>, CmMakeCall,
    CmCloseCall,
    StatusContextParams<&CmHandlers::CmIncomingCallCompleteHandler,
                        Fn::ProtocolCmIncomingCallComplete>,
    StatusContextParams<&CmHandlers::CmActivateVcCompleteHandler, Fn::ProtocolCmActivateVcComplete>,
    StatusThenContext<&CmHandlers::CmDeactivateVcCompleteHandler,
                      Fn::ProtocolCmDeactivateVcComplete>,
    CmNotifyCloseAfComplete>;
using ProtocolCoList = List<CoAfRegisterNotify>;
using MiniportCoList =
    List<CreateVc<MiniportCoChars, &MiniportCoChars::CoCreateVcHandler, Fn::MiniportCoCreateVc>,
         OneContext<&MiniportCoChars::CoDeleteVcHandler, Fn::MiniportCoDeleteVc>,
         MiniportCoActivateVc,
         OneContext<&MiniportCoChars::CoDeactivateVcHandler, Fn::MiniportCoDeactivateVc>>;
// WanSendHandler shares its place with SendHandler: wrapped only for a WAN
// miniport (Wrap checks NDIS_USE_WAN_WRAPPER). A protocol's WAN members are
// the only ones of their unions that ndis5.h's WAN path calls.
using Miniport5List =
    List<Initialize5, OneContext<&Miniport5Chars::HaltHandler, Fn::MiniportHalt>, Isr5,
         OneContext<&Miniport5Chars::HandleInterruptHandler, Fn::MiniportHandleInterrupt>,
         QueryInformation5, SetInformation5>;
using Protocol5List =
    List<OpenAdapterComplete5, CloseAdapterComplete5, WanSendComplete5, RequestComplete5,
         WanReceive5,
         OneContext<&Protocol5Chars::ReceiveCompleteHandler, Fn::ProtocolReceiveComplete>, Status5,
         OneContext<&Protocol5Chars::StatusCompleteHandler, Fn::ProtocolStatusComplete>,
         BindAdapter5, UnbindAdapter5>;

}  // namespace ndisconf::upcalls

#endif  // NDISCONF_BOUNDARY_UPCALL_RECORDS_H_
