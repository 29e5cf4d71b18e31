// The API boundary: run state, crossing records, and the C entry points of
// ndisconf/api/driver.h (registration, binding, work items, spin locks,
// events, memory), each of which records the call, forwards it to the
// active host and records the return. Handler tables and work item routines
// reach the host wrapped (upcalls.h), so the calls NDIS makes back are
// recorded too. The CoNDIS entry points are in boundary_condis.cc, the NDIS
// 5.1 WAN ones in boundary_wan.cc.
#include "reference/boundary/boundary.h"

#include <algorithm>
#include <cstring>

#include "reference/boundary/crossing.h"
#include "reference/boundary/upcalls.h"

namespace ndisconf {

constinit Boundary Boundary::instance_;

void Boundary::BeginRun(NdisHost* host) {
  SetHost(host);
  wan_host_ = dynamic_cast<NdisWanHost*>(host);
  drivers_.clear();
  sinks_.clear();
  actors_.clear();
  next_index_ = 0;
  upcalls::Reset();
}

void Boundary::EndRun() {
  SetHost(nullptr);
  wan_host_ = nullptr;
  sinks_.clear();
  actors_.clear();
  upcalls::Reset();
}

struct Boundary::SavedRun {
  NdisHost* host = nullptr;
  NdisWanHost* wan_host = nullptr;
  std::vector<DriverInfo> drivers;
  std::vector<EventSink*> sinks;
  uint64_t next_index = 0;
  std::shared_ptr<const upcalls::SavedSlots> slots;
};

// A member added to Boundary is saved and restored here; this size
// (libstdc++, x86-64) is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(
    sizeof(Boundary) == 104,
    "Boundary changed: save and restore the new member in SavedRun, then update the size");
#endif

std::shared_ptr<const Boundary::SavedRun> Boundary::Checkpoint() const {
  if (!actors_.empty()) return nullptr;
  auto saved = std::make_shared<SavedRun>();
  saved->host = host_;
  saved->wan_host = wan_host_;
  saved->drivers = drivers_;
  saved->sinks = sinks_;
  saved->next_index = next_index_;
  saved->slots = upcalls::SaveSlots();
  return saved;
}

bool Boundary::Rollback(const SavedRun& saved) {
  if (!actors_.empty()) return false;
  SetHost(saved.host);
  wan_host_ = saved.wan_host;
  drivers_ = saved.drivers;
  sinks_ = saved.sinks;
  next_index_ = saved.next_index;
  upcalls::RestoreSlots(*saved.slots);
  return true;
}

ActorId Boundary::DeclareDriver(std::string name) {
  const ActorId id = static_cast<ActorId>(drivers_.size() + 1);
  drivers_.push_back(DriverInfo{id, std::move(name)});
  return id;
}

void Boundary::AddSink(EventSink* sink) { sinks_.push_back(sink); }

void Boundary::RemoveSink(EventSink* sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), sink), sinks_.end());
}

Crossing& Crossing::Af(const CO_ADDRESS_FAMILY* af) {
  if (af == nullptr) return Slot(kNullSlot).Slot(kNullSlot).Slot(kNullSlot);
  return Slot(af->AddressFamily).Slot(af->MajorVersion).Slot(af->MinorVersion);
}

Crossing& Crossing::Sap(const CO_SAP* sap) {
  if (sap == nullptr) return Slot(kNullSlot).Slot(kNullSlot);
  Slot(sap->SapType).Slot(sap->SapLength);
  const size_t n = std::min<size_t>(sap->SapLength, Event::kMaxBlob);
  std::memcpy(event_.blob, sap->Sap, n);
  event_.blob_len = static_cast<uint16_t>(n);
  return *this;
}

Crossing& Crossing::Header(const NDIS_OBJECT_HEADER* h) {
  if (h == nullptr) return Slot(kNullSlot);
  return Slot(PackHeader(h->Type, h->Revision, h->Size));
}

Crossing& Crossing::Buffer(const void* p, uint64_t length) {
  Slot(length);
  if (p == nullptr) return *this;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(length, Event::kMaxBlob));
  std::memcpy(event_.blob, p, n);
  event_.blob_len = static_cast<uint16_t>(n);
  return *this;
}

}  // namespace ndisconf

// ---------------------------------------------------------------------------
// C entry points.
// ---------------------------------------------------------------------------

namespace {

using ndisconf::Boundary;
using ndisconf::Crossing;
using ndisconf::Fn;

using ndisconf::Caller;
using ndisconf::Deref;
using ndisconf::Host;

// Reads the pointer-sized member at `offset` of a caller's structure, but
// only if the structure's own Header.Size says it is there: a driver that
// declares a short structure may have allocated only that much.
bool MemberPresent(const NDIS_OBJECT_HEADER* h, size_t offset, size_t limit) {
  return offset + sizeof(void*) <= std::min<size_t>(h->Size, limit);
}

template <typename T>
uint64_t HandlerMask(const T* s, size_t first_offset, size_t count) {
  uint64_t mask = 0;
  const auto* base = reinterpret_cast<const unsigned char*>(s);
  for (size_t i = 0; i < count; ++i) {
    const size_t off = first_offset + i * sizeof(void*);
    if (!MemberPresent(&s->Header, off, sizeof(T))) break;
    void* p;
    std::memcpy(&p, base + off, sizeof(p));
    if (p != nullptr) mask |= uint64_t{1} << i;
  }
  return mask;
}

// Which handlers of an optional-handlers structure are non-NULL, bit i for
// the i-th handler in member order (the structure is chosen by Header.Type).
uint64_t OptionalHandlerMask(const NDIS_DRIVER_OPTIONAL_HANDLERS* o) {
  if (o == nullptr) return 0;
  switch (o->Header.Type) {
    case NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS:
      return HandlerMask(reinterpret_cast<const NDIS_CO_CLIENT_OPTIONAL_HANDLERS*>(o),
                         offsetof(NDIS_CO_CLIENT_OPTIONAL_HANDLERS, ClCreateVcHandler), 19);
    case NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
      return HandlerMask(reinterpret_cast<const NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS*>(o),
                         offsetof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, CmCreateVcHandler), 17);
    case NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS:
      return HandlerMask(reinterpret_cast<const NDIS_PROTOCOL_CO_CHARACTERISTICS*>(o),
                         offsetof(NDIS_PROTOCOL_CO_CHARACTERISTICS, CoStatusHandlerEx), 4);
    case NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS:
      return HandlerMask(reinterpret_cast<const NDIS_MINIPORT_CO_CHARACTERISTICS*>(o),
                         offsetof(NDIS_MINIPORT_CO_CHARACTERISTICS, CoCreateVcHandler), 6);
    default:
      return 0;
  }
}

// A registration when the run has no handler-table slot left
// (kMaxHandlerTables): NDIS_STATUS_RESOURCES, no handle, and the host never
// sees it.
NDIS_STATUS OutOfTableSlots(Crossing& c, PNDIS_HANDLE out) {
  if (out != nullptr) *out = nullptr;
  c.Return(NDIS_STATUS_RESOURCES).Handle(nullptr).Done();
  return NDIS_STATUS_RESOURCES;
}

}  // namespace

extern "C" {

NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                       PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars,
                                       PNDIS_HANDLE NdisProtocolHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisRegisterProtocolDriver, Caller());
  c.Handle(ProtocolDriverContext)
      .Header(Chars != nullptr ? &Chars->Header : nullptr)
      .Mask(Chars != nullptr
                ? HandlerMask(Chars,
                              offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SetOptionsHandler), 11)
                : 0);
  c.Call();
  // The host gets a copy whose handlers record their calls (upcalls.h).
  PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS wrapped = nullptr;
  if (Chars != nullptr) {
    wrapped = ndisconf::upcalls::Wrap(Chars, Chars->Header.Size, Caller());
    if (wrapped == nullptr) return OutOfTableSlots(c, NdisProtocolHandle);
  }
  const NDIS_STATUS s =
      Host()->NdisRegisterProtocolDriver(ProtocolDriverContext, wrapped, NdisProtocolHandle);
  if (wrapped != nullptr && s == NDIS_STATUS_SUCCESS) {
    ndisconf::upcalls::SetDriverHandle(wrapped, Deref(NdisProtocolHandle));
  }
  c.Return(s).Handle(Deref(NdisProtocolHandle)).Done();
  return s;
}

VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisDeregisterProtocolDriver, Caller());
  c.Handle(NdisProtocolHandle).Call();
  Host()->NdisDeregisterProtocolDriver(NdisProtocolHandle);
  c.Return().Done();
}

NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                                        NDIS_HANDLE MiniportDriverContext,
                                        PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars,
                                        PNDIS_HANDLE NdisMiniportDriverHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMRegisterMiniportDriver, Caller());
  c.Handle(DriverObject)
      .Handle(MiniportDriverContext)
      .Header(Chars != nullptr ? &Chars->Header : nullptr)
      .Mask(Chars != nullptr
                ? HandlerMask(Chars,
                              offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SetOptionsHandler), 15)
                : 0);
  c.Call();
  // The host gets a copy whose handlers record their calls (upcalls.h).
  PNDIS_MINIPORT_DRIVER_CHARACTERISTICS wrapped = nullptr;
  if (Chars != nullptr) {
    wrapped = ndisconf::upcalls::Wrap(Chars, Chars->Header.Size, Caller());
    if (wrapped == nullptr) return OutOfTableSlots(c, NdisMiniportDriverHandle);
  }
  const NDIS_STATUS s = Host()->NdisMRegisterMiniportDriver(
      DriverObject, RegistryPath, MiniportDriverContext, wrapped, NdisMiniportDriverHandle);
  if (wrapped != nullptr && s == NDIS_STATUS_SUCCESS) {
    ndisconf::upcalls::SetDriverHandle(wrapped, Deref(NdisMiniportDriverHandle));
  }
  c.Return(s).Handle(Deref(NdisMiniportDriverHandle)).Done();
  return s;
}

VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisMDeregisterMiniportDriver, Caller());
  c.Handle(NdisMiniportDriverHandle).Call();
  Host()->NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle);
  c.Return().Done();
}

NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisDriverHandle,
                                    PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisSetOptionalHandlers, Caller());
  c.Handle(NdisDriverHandle)
      .Header(OptionalHandlers != nullptr ? &OptionalHandlers->Header : nullptr)
      .Mask(OptionalHandlerMask(OptionalHandlers));
  c.Call();
  // The handlers are the registering driver's, whoever makes the call; a
  // handle no registration of this run returned leaves the caller (the
  // host rejects it).
  ndisconf::ActorId owner = ndisconf::upcalls::DriverActor(NdisDriverHandle);
  if (owner == ndisconf::kNoActor) owner = Caller();
  PNDIS_DRIVER_OPTIONAL_HANDLERS wrapped = ndisconf::upcalls::WrapOptional(OptionalHandlers, owner);
  if (OptionalHandlers != nullptr && wrapped == nullptr) {  // every slot is taken
    c.Return(NDIS_STATUS_RESOURCES).Done();
    return NDIS_STATUS_RESOURCES;
  }
  const NDIS_STATUS s = Host()->NdisSetOptionalHandlers(NdisDriverHandle, wrapped);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisMSetMiniportAttributes, Caller());
  c.Handle(NdisMiniportHandle)
      .Header(MiniportAttributes != nullptr ? &MiniportAttributes->RegistrationAttributes.Header
                                            : nullptr)
      .Handle(MiniportAttributes != nullptr
                  ? MiniportAttributes->RegistrationAttributes.MiniportAdapterContext
                  : nullptr);
  c.Call();
  const NDIS_STATUS s = Host()->NdisMSetMiniportAttributes(NdisMiniportHandle, MiniportAttributes);
  c.Return(s).Done();
  return s;
}

NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                              PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                              PNDIS_HANDLE NdisBindingHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisOpenAdapterEx, Caller());
  c.Handle(NdisProtocolHandle).Handle(ProtocolBindingContext).Handle(BindContext).Call();
  const NDIS_STATUS s = Host()->NdisOpenAdapterEx(NdisProtocolHandle, ProtocolBindingContext,
                                                  OpenParameters, BindContext, NdisBindingHandle);
  c.Return(s).Handle(Deref(NdisBindingHandle)).Done();
  return s;
}

VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCompleteBindAdapterEx, Caller());
  c.Handle(BindAdapterContext).Status(Status).Call();
  Host()->NdisCompleteBindAdapterEx(BindAdapterContext, Status);
  c.Return().Done();
}

NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisCloseAdapterEx, Caller());
  c.Handle(NdisBindingHandle).Call();
  const NDIS_STATUS s = Host()->NdisCloseAdapterEx(NdisBindingHandle);
  c.Return(s).Done();
  return s;
}

VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisCompleteUnbindAdapterEx, Caller());
  c.Handle(UnbindContext).Call();
  Host()->NdisCompleteUnbindAdapterEx(UnbindContext);
  c.Return().Done();
}

NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE NdisBindingHandle) {
  NDISCONF_REQUIRE_HOST(NDIS_STATUS_ADAPTER_NOT_READY);
  Crossing c(Fn::NdisUnbindAdapter, Caller());
  c.Handle(NdisBindingHandle).Call();
  const NDIS_STATUS s = Host()->NdisUnbindAdapter(NdisBindingHandle);
  c.Return(s).Done();
  return s;
}

NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle) {
  NDISCONF_REQUIRE_HOST(nullptr);
  Crossing c(Fn::NdisAllocateIoWorkItem, Caller());
  c.Handle(NdisObjectHandle).Call();
  NDIS_HANDLE h = Host()->NdisAllocateIoWorkItem(NdisObjectHandle);
  c.Return().Handle(h).Done();
  return h;
}

VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                         PVOID WorkItemContext) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisQueueIoWorkItem, Caller());
  c.Handle(NdisIoWorkItemHandle)
      .Handle(reinterpret_cast<const void*>(Routine))
      .Handle(WorkItemContext)
      .Call();
  // The host gets a routine that records its run, as the queuing driver
  // (upcalls.h). A NULL routine reaches the host as NULL.
  if (Routine == nullptr) {
    Host()->NdisQueueIoWorkItem(NdisIoWorkItemHandle, nullptr, WorkItemContext);
  } else {
    Host()->NdisQueueIoWorkItem(
        NdisIoWorkItemHandle, ndisconf::upcalls::WorkItemThunk,
        ndisconf::upcalls::WrapWorkItem(Routine, WorkItemContext, Caller()));
  }
  c.Return().Done();
}

VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisFreeIoWorkItem, Caller());
  c.Handle(NdisIoWorkItemHandle).Call();
  Host()->NdisFreeIoWorkItem(NdisIoWorkItemHandle);
  c.Return().Done();
}

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisAllocateSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisAllocateSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisFreeSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisFreeSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisAcquireSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisAcquireSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisReleaseSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisReleaseSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisDprAcquireSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisDprAcquireSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  NDISCONF_REQUIRE_HOST();
  Crossing c(Fn::NdisDprReleaseSpinLock, Caller());
  c.Handle(SpinLock);
  c.Call();
  Host()->NdisDprReleaseSpinLock(SpinLock);
  c.Return().Done();
}
VOID NdisInitializeEvent(PNDIS_EVENT Event) {
  NDISCONF_REQUIRE_HOST();
  Host()->NdisInitializeEvent(Event);
}
VOID NdisSetEvent(PNDIS_EVENT Event) {
  NDISCONF_REQUIRE_HOST();
  Host()->NdisSetEvent(Event);
}
VOID NdisResetEvent(PNDIS_EVENT Event) {
  NDISCONF_REQUIRE_HOST();
  Host()->NdisResetEvent(Event);
}
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait) {
  NDISCONF_REQUIRE_HOST(FALSE);
  return Host()->NdisWaitEvent(Event, MsToWait);
}
KIRQL NdisGetCurrentIrql(VOID) {
  NDISCONF_REQUIRE_HOST(PASSIVE_LEVEL);
  return Host()->CurrentIrql();
}
PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                        EX_POOL_PRIORITY Priority) {
  NDISCONF_REQUIRE_HOST(nullptr);
  return Host()->NdisAllocateMemoryWithTagPriority(NdisHandle, Length, Tag, Priority);
}
VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag) {
  NDISCONF_REQUIRE_HOST();
  Host()->NdisFreeMemoryWithTagPriority(NdisHandle, VirtualAddress, Tag);
}

}  // extern "C"
