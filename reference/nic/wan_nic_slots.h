// reference/nic/wan_nic_slots.h: the machine's WAN NIC slots, which the C
// interface (include/wan_nic.h) hands out.
//
// A harness that loads a WAN miniport written in C puts the NIC of each
// adapter it is about to add into the next slot, with the NIC's interrupt
// line into NDIS. The miniport's WanNicOpen, called from its
// MiniportInitialize, claims the first slot not open, for its
// MiniportAdapterHandle: adapters initialize in the order they are added,
// so adapter i gets the NIC of slot i, as the reference miniport's
// WmpConfig::nics[i].
//
// One set of slots is current at a time: the one created last that is
// still alive (a machine has one bus). A WAN_NIC handle names its slot and
// the set it came from, and is looked up, never dereferenced, so a stale or
// forged handle, or one from a set that no longer exists, fails cleanly.
#ifndef NDISCONF_REFERENCE_NIC_WAN_NIC_SLOTS_H_
#define NDISCONF_REFERENCE_NIC_WAN_NIC_SLOTS_H_

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "reference/nic/nic.h"

namespace ndisconf::nic {

class WanNicSlots {
 public:
  // The interrupt line: called with the MiniportAdapterHandle of the
  // adapter that opened the NIC, whenever the NIC raises it.
  using InterruptLine = std::function<void(NDIS_HANDLE miniport_adapter_handle)>;

  // Becomes the current set; the one current before is current again once
  // this one is destroyed.
  WanNicSlots();
  ~WanNicSlots();
  WanNicSlots(const WanNicSlots&) = delete;
  WanNicSlots& operator=(const WanNicSlots&) = delete;

  // Puts `nic` (not owned; it must outlive the slots) into the next slot.
  // False, and nothing inserted, once all 65535 slots are used.
  bool Insert(Nic& nic, InterruptLine line);

  size_t size() const { return slots_.size(); }
  // True while a miniport has slot `i` open.
  bool open(size_t i) const { return i < slots_.size() && slots_[i].open; }

  // The set WanNicOpen uses, or nullptr.
  static WanNicSlots* Current();

  // The C interface's operations (wan_nic.cc).
  NDIS_STATUS Open(NDIS_HANDLE adapter, uintptr_t* handle);
  // The NIC a handle names while it is open, or nullptr.
  Nic* Lookup(uintptr_t handle) const;
  void Close(uintptr_t handle);

 private:
  struct Slot {
    Nic* nic = nullptr;
    InterruptLine line;
    bool open = false;
    NDIS_HANDLE adapter = nullptr;
  };
  // A handle: the set's generation in the high bits, slot + 1 in the low 16.
  static constexpr unsigned kSlotBits = 16;
  const Slot* Find(uintptr_t handle) const;

  uint64_t generation_;
  std::vector<Slot> slots_;
};

}  // namespace ndisconf::nic

#endif  // NDISCONF_REFERENCE_NIC_WAN_NIC_SLOTS_H_
