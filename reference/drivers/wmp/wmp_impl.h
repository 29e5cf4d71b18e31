// Private to //reference/drivers/wmp: helpers shared by the WMP's .cc files
// (wmp.cc, wmp_indications.cc, wmp_requests.cc, wmp_sends.cc).
#ifndef NDISCONF_REFERENCE_DRIVERS_WMP_WMP_IMPL_H_
#define NDISCONF_REFERENCE_DRIVERS_WMP_WMP_IMPL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "reference/drivers/wmp/wmp.h"

namespace ndisconf::drivers::wmp_impl {

inline WmpAdapter* AdapterOf(NDIS_HANDLE ctx) { return static_cast<WmpAdapter*>(ctx); }

template <class T>
T LoadAt(std::span<const uint8_t> buf, size_t offset = 0) {
  T v;
  std::memcpy(&v, buf.data() + offset, sizeof(T));
  return v;
}
template <class T>
void StoreAt(std::span<uint8_t> buf, const T& v, size_t offset = 0) {
  std::memcpy(buf.data() + offset, &v, sizeof(T));
}

// Holds the adapter spin lock for a scope. Indications check !lock_held
// (WAN-003: release every spin lock before indicating).
class AdapterLock {
 public:
  explicit AdapterLock(WmpAdapter& a) : a_(a) {
    NdisAcquireSpinLock(&a_.lock);
    a_.lock_held = true;
  }
  ~AdapterLock() {
    a_.lock_held = false;
    NdisReleaseSpinLock(&a_.lock);
  }
  AdapterLock(const AdapterLock&) = delete;
  AdapterLock& operator=(const AdapterLock&) = delete;

 private:
  WmpAdapter& a_;
};

}  // namespace ndisconf::drivers::wmp_impl

#endif  // NDISCONF_REFERENCE_DRIVERS_WMP_WMP_IMPL_H_
