// The boundary's handler thunks: every call NDIS makes into a driver is
// recorded here (upcalls.h), with the argument slots of the event schema in
// fn.cc.
#include "upcalls.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "crossing.h"
#include "ndisconf/boundary/boundary.h"

namespace ndisconf::upcalls {
namespace {

// A table handed to NDIS, as the driver wrote it and as the host sees it.
union Table {
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS protocol;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS miniport;
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS client;
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm;
  NDIS_PROTOCOL_CO_CHARACTERISTICS protocol_co;
  NDIS_MINIPORT_CO_CHARACTERISTICS miniport_co;
  NDIS_MINIPORT_CHARACTERISTICS miniport5;
  NDIS_PROTOCOL_CHARACTERISTICS protocol5;
};

template <typename T>
T& As(Table& t) {
  if constexpr (std::is_same_v<T, NDIS_PROTOCOL_DRIVER_CHARACTERISTICS>) return t.protocol;
  if constexpr (std::is_same_v<T, NDIS_MINIPORT_DRIVER_CHARACTERISTICS>) return t.miniport;
  if constexpr (std::is_same_v<T, NDIS_CO_CLIENT_OPTIONAL_HANDLERS>) return t.client;
  if constexpr (std::is_same_v<T, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS>) return t.cm;
  if constexpr (std::is_same_v<T, NDIS_PROTOCOL_CO_CHARACTERISTICS>) return t.protocol_co;
  if constexpr (std::is_same_v<T, NDIS_MINIPORT_CO_CHARACTERISTICS>) return t.miniport_co;
  if constexpr (std::is_same_v<T, NDIS_MINIPORT_CHARACTERISTICS>) return t.miniport5;
  if constexpr (std::is_same_v<T, NDIS_PROTOCOL_CHARACTERISTICS>) return t.protocol5;
}

struct Slot {
  ActorId actor = kNoActor;
  bool registration = false;
  const void* driver_handle = nullptr;  // registration slots, once known
  Table original;
  Table wrapped;
};

struct WorkItemRecord {
  NDIS_IO_WORKITEM_ROUTINE routine;
  PVOID context;
  ActorId actor;
};

struct State {
  std::array<Slot, kMaxHandlerTables> slots;
  size_t used = 0;
  std::vector<std::unique_ptr<WorkItemRecord>> work_items;
};

State& S() {
  static State state;
  return state;
}

const void* Deref(const PNDIS_HANDLE p) { return p != nullptr ? *p : nullptr; }

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

// The class that owns H::kMember.
template <typename M>
struct MemberOf;
template <typename C, typename F>
struct MemberOf<F C::*> {
  using Class = C;
  using Type = F;
};
template <typename H>
using TableOf = typename MemberOf<std::remove_cv_t<decltype(H::kMember)>>::Class;
template <typename H>
using HandlerOf = typename MemberOf<std::remove_cv_t<decltype(H::kMember)>>::Type;

// ---- The thunks. ----

template <typename H, size_t kSlot, typename F = HandlerOf<H>>
struct Thunk;

template <typename H, size_t kSlot, typename R, typename... A>
struct Thunk<H, kSlot, R (*)(A...)> {
  static R Run(A... a) {
    Slot& s = S().slots[kSlot];
    R (*handler)(A...) = As<TableOf<H>>(s.original).*H::kMember;
    // Only a thunk handed out in an earlier run (its slot since reset) has
    // no handler: nothing to run, and nothing of this run to record.
    if (handler == nullptr) {
      if constexpr (std::is_void_v<R>) {
        return;
      } else {
        return NDIS_STATUS_FAILURE;
      }
    }
    if constexpr (requires { H::kNamesDriver; }) s.driver_handle = std::get<0>(std::tie(a...));
    Crossing c(H::kFn, s.actor);
    H::Args(c, a...);
    c.Call();
    if constexpr (std::is_void_v<R>) {
      handler(a...);
      H::RetVoid(c, a...);
      c.Done();
    } else {
      const R r = handler(a...);
      H::Ret(c, r, a...);
      c.Done();
      return r;
    }
  }
};

template <typename H, size_t kSlot>
void Install(TableOf<H>& t) {
  if (t.*H::kMember != nullptr) t.*H::kMember = &Thunk<H, kSlot>::Run;
}

template <size_t kSlot, typename T, typename... H>
void InstallAll(T& t, List<H...>) {
  (Install<H, kSlot>(t), ...);
}

template <size_t kSlot, typename T, typename L>
void InstallSlot(T& t) {
  InstallAll<kSlot>(t, L{});
}

// One installer per slot: slot k's table gets slot k's thunks.
template <typename T, typename L, size_t... kSlot>
constexpr std::array<void (*)(T&), sizeof...(kSlot)> Installers(std::index_sequence<kSlot...>) {
  return {&InstallSlot<kSlot, T, L>...};
}

template <typename T, typename L>
void InstallFor(size_t slot, T& t) {
  static constexpr auto kInstallers =
      Installers<T, L>(std::make_index_sequence<kMaxHandlerTables>{});
  kInstallers[slot](t);
}

// Takes the next slot and fills its original and wrapped tables; NULL when
// every slot is taken.
template <typename T, typename L>
T* Take(const T* chars, size_t length, ActorId actor, bool registration) {
  State& st = S();
  if (st.used == kMaxHandlerTables) return nullptr;
  const size_t k = st.used++;
  Slot& s = st.slots[k];
  s.actor = actor;
  s.registration = registration;
  s.driver_handle = nullptr;
  std::memset(&s.original, 0, sizeof(s.original));
  // An NDIS 6 structure's header is copied whatever its Size claims (the
  // header is where the claim is), so a host reports the header it got.
  size_t n = std::min(length, sizeof(T));
  if constexpr (requires { chars->Header; }) n = std::max(n, sizeof(NDIS_OBJECT_HEADER));
  T& original = As<T>(s.original);
  std::memcpy(&original, chars, n);
  T& wrapped = As<T>(s.wrapped);
  wrapped = original;
  InstallFor<T, L>(k, wrapped);
  return &wrapped;
}

}  // namespace

void Reset() {
  State& st = S();
  for (size_t k = 0; k < st.used; ++k) st.slots[k] = Slot{};
  st.used = 0;
  st.work_items.clear();
}

PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Wrap(const NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars,
                                           size_t length, ActorId actor) {
  return Take<ProtocolChars, ProtocolList>(chars, length, actor, true);
}
PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Wrap(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars,
                                           size_t length, ActorId actor) {
  return Take<MiniportChars, MiniportList>(chars, length, actor, true);
}
PNDIS_MINIPORT_CHARACTERISTICS Wrap(const NDIS_MINIPORT_CHARACTERISTICS* chars, size_t length,
                                    ActorId actor) {
  NDIS_MINIPORT_CHARACTERISTICS* w =
      Take<Miniport5Chars, Miniport5List>(chars, length, actor, true);
  if (w == nullptr) return nullptr;
  if ((w->Reserved & NDIS_USE_WAN_WRAPPER) != 0) {
    InstallFor<Miniport5Chars, List<WanSend5>>(static_cast<size_t>(S().used - 1), *w);
  }
  return w;
}
PNDIS_PROTOCOL_CHARACTERISTICS Wrap(const NDIS_PROTOCOL_CHARACTERISTICS* chars, size_t length,
                                    ActorId actor) {
  return Take<Protocol5Chars, Protocol5List>(chars, length, actor, true);
}

void SetDriverHandle(const void* wrapped, const void* driver_handle) {
  State& st = S();
  for (size_t k = 0; k < st.used; ++k) {
    if (&st.slots[k].wrapped == wrapped) st.slots[k].driver_handle = driver_handle;
  }
}

ActorId DriverActor(NDIS_HANDLE driver_handle) {
  State& st = S();
  // Newest first: a handle a host reuses after a deregistration names the
  // latest driver given it.
  for (size_t k = st.used; k-- > 0;) {
    const Slot& s = st.slots[k];
    if (s.registration && driver_handle != nullptr && s.driver_handle == driver_handle) {
      return s.actor;
    }
  }
  return kNoActor;
}

PNDIS_DRIVER_OPTIONAL_HANDLERS WrapOptional(PNDIS_DRIVER_OPTIONAL_HANDLERS opt, ActorId actor) {
  if (opt == nullptr) return nullptr;
  const size_t size = opt->Header.Size;
  void* w = nullptr;
  switch (opt->Header.Type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      w = Take<ClientHandlers, ClientList>(reinterpret_cast<const ClientHandlers*>(opt), size,
                                           actor, false);
      break;
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      w = Take<CmHandlers, CmList>(reinterpret_cast<const CmHandlers*>(opt), size, actor, false);
      break;
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      w = Take<ProtocolCoChars, ProtocolCoList>(reinterpret_cast<const ProtocolCoChars*>(opt), size,
                                                actor, false);
      break;
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      w = Take<MiniportCoChars, MiniportCoList>(reinterpret_cast<const MiniportCoChars*>(opt), size,
                                                actor, false);
      break;
    default:
      return opt;
  }
  return static_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(w);
}

PVOID WrapWorkItem(NDIS_IO_WORKITEM_ROUTINE routine, PVOID context, ActorId actor) {
  State& st = S();
  st.work_items.push_back(
      std::make_unique<WorkItemRecord>(WorkItemRecord{routine, context, actor}));
  return st.work_items.back().get();
}

VOID WorkItemThunk(PVOID record, NDIS_HANDLE NdisIoWorkItemHandle) {
  const auto* r = static_cast<const WorkItemRecord*>(record);
  Crossing c(Fn::NdisIoWorkItemRoutine, r->actor);
  c.Handle(r->context).Handle(NdisIoWorkItemHandle);
  c.Call();
  r->routine(r->context, NdisIoWorkItemHandle);
  c.Return().Done();
}

}  // namespace ndisconf::upcalls
