// reference/drivers/ndiswan/wan_slots.h: how an NDIS 5.1 driver instance finds
// itself from a callback that carries no context of its own.
//
// ProtocolBindAdapter (BIND_HANDLER), MiniportInitialize
// (W_INITIALIZE_HANDLER) and ProtocolWanReceive (WAN_RECEIVE_HANDLER) get
// no driver or binding context in NDIS 5.1: a Windows driver reaches its
// globals. The model can load several instances of one driver class, so
// each instance takes one of N slots and registers the thunks stamped out
// for that slot; a thunk looks its instance up by slot number. Slots are a
// fixed table, so this stays deterministic and allocation-free.
//
// Single-threaded (the model runs one code path at a time).
#ifndef NDISCONF_REFERENCE_DRIVERS_NDISWAN_WAN_SLOTS_H_
#define NDISCONF_REFERENCE_DRIVERS_NDISWAN_WAN_SLOTS_H_

#include <array>
#include <cstddef>
#include <utility>

namespace ndisconf::drivers {

template <class T, size_t N>
class InstanceSlots {
 public:
  static constexpr size_t kSlots = N;
  static constexpr size_t kNone = N;

  // Takes a free slot for `instance`; kNone if all N are taken.
  static size_t Acquire(T* instance) {
    for (size_t i = 0; i < N; ++i) {
      if (table_[i] == nullptr) {
        table_[i] = instance;
        return i;
      }
    }
    return kNone;
  }
  static void Release(size_t slot) {
    if (slot < N) table_[slot] = nullptr;
  }
  // The instance in `slot`, or nullptr (a callback after the instance went away).
  static T* Get(size_t slot) { return slot < N ? table_[slot] : nullptr; }

  // An array of N function pointers, entry i = Thunk<i>.
  template <class Fn, template <size_t> class Thunk>
  static constexpr std::array<Fn, N> Table() {
    return TableImpl<Fn, Thunk>(std::make_index_sequence<N>{});
  }

 private:
  template <class Fn, template <size_t> class Thunk, size_t... I>
  static constexpr std::array<Fn, N> TableImpl(std::index_sequence<I...>) {
    return {Thunk<I>::kFn...};
  }
  static inline std::array<T*, N> table_{};
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_NDISWAN_WAN_SLOTS_H_
