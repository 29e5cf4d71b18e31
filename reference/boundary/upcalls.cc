// The boundary's handler thunks: every call NDIS makes into a driver is
// recorded here (upcalls.h): per-run slots, the thunks instantiated per
// slot, and the wrapping of each table. What each upcall records is
// upcall_records.h.
#include "reference/boundary/upcalls.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference/boundary/boundary.h"
#include "reference/boundary/crossing.h"
#include "reference/boundary/upcall_records.h"

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
  uint64_t resets = 0;  // Reset() calls: SavedSlots knows whether its slots were reused
};

State& S() {
  static State state;
  return state;
}

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

// What every slot's thunk of handler H does, given the slot: one
// instantiation per handler, out of line, so the code (and a fuzzer's
// coverage counters) does not grow with kMaxHandlerTables.
template <typename H, typename F = HandlerOf<H>>
struct Body;

template <typename H, typename R, typename... A>
struct Body<H, R (*)(A...)> {
  [[gnu::noinline]] static R Run(size_t slot, A... a) {
    Slot& s = S().slots[slot];
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

template <typename H, size_t kSlot, typename F = HandlerOf<H>>
struct Thunk;

// Slot kSlot's entry point for H: a C function pointer carries no closure,
// so each slot has its own, and it only names its slot. Not instrumented for
// coverage: kMaxHandlerTables copies of every handler's entry would be most
// of the counters a fuzz target scans after each input, and say nothing the
// body's own do not (docs/performance.md).
template <typename H, size_t kSlot, typename R, typename... A>
struct Thunk<H, kSlot, R (*)(A...)> {
  __attribute__((no_sanitize("coverage"))) static R Run(A... a) {
    return Body<H>::Run(kSlot, a...);
  }
};

// Every slot's thunk of H, by slot.
template <typename H, size_t... kSlot>
constexpr std::array<HandlerOf<H>, sizeof...(kSlot)> ThunksOf(std::index_sequence<kSlot...>) {
  return {&Thunk<H, kSlot>::Run...};
}
template <typename H>
constexpr std::array<HandlerOf<H>, kMaxHandlerTables> kThunks =
    ThunksOf<H>(std::make_index_sequence<kMaxHandlerTables>{});

// Slot `slot`'s table gets slot `slot`'s thunks.
template <typename H>
void Install(size_t slot, TableOf<H>& t) {
  if (t.*H::kMember != nullptr) t.*H::kMember = kThunks<H>[slot];
}

template <typename T, typename... H>
void InstallAll(size_t slot, T& t, List<H...>) {
  (Install<H>(slot, t), ...);
}

template <typename T, typename L>
void InstallFor(size_t slot, T& t) {
  InstallAll(slot, t, L{});
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
  ++st.resets;
}

struct SavedSlots {
  std::vector<Slot> slots;  // slots [0, used) as they were
  size_t work_items = 0;
  uint64_t resets = 0;
};

std::shared_ptr<const SavedSlots> SaveSlots() {
  const State& st = S();
  auto saved = std::make_shared<SavedSlots>();
  saved->slots.assign(st.slots.begin(), st.slots.begin() + static_cast<std::ptrdiff_t>(st.used));
  saved->work_items = st.work_items.size();
  saved->resets = st.resets;
  return saved;
}

void RestoreSlots(const SavedSlots& saved) {
  State& st = S();
  const size_t n = saved.slots.size();
  for (size_t k = n; k < st.used; ++k) st.slots[k] = Slot{};
  if (st.resets == saved.resets && st.used >= n) {
    // The same run: its tables are as they were; a thunk may have named its
    // driver since (H::kNamesDriver).
    for (size_t k = 0; k < n; ++k) st.slots[k].driver_handle = saved.slots[k].driver_handle;
  } else {
    for (size_t k = 0; k < n; ++k) st.slots[k] = saved.slots[k];
  }
  st.used = n;
  // Records of work items queued since: the model they were queued on has
  // forgotten them too (or was another run's).
  if (st.work_items.size() > saved.work_items) st.work_items.resize(saved.work_items);
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
