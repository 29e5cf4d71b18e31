// ScriptedWmp: the reference WAN miniport plus a script of raw indications
// that the test queues and the miniport makes from its next DPC, before the
// NIC's own events, each with the adapter's spin lock held or not (WAN-003);
// the DPC's one NdisMIndicateStatusComplete closes them all. The WAN suites
// drive status buffers of every shape through the real NDIS path with it.
#ifndef NDISCONF_CONFORMANCE_SUITES_WAN_SCRIPTED_WMP_H_
#define NDISCONF_CONFORMANCE_SUITES_WAN_SCRIPTED_WMP_H_

#include <ndis.h>

#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {

class ScriptedWmp : public drivers::Wmp {
 public:
  using drivers::Wmp::Wmp;
  struct Raw {
    NDIS_STATUS status;
    PVOID buffer;
    UINT size;
    bool under_lock = false;
  };
  void Queue(Raw r) { script_.push_back(r); }
  void OnHandleInterrupt(drivers::WmpAdapter& a) override {
    std::vector<Raw> now;
    now.swap(script_);
    for (const Raw& r : now) {
      if (r.under_lock) NdisDprAcquireSpinLock(&a.lock);
      Indicate(a, r.status, r.buffer, r.size);
      if (r.under_lock) NdisDprReleaseSpinLock(&a.lock);
    }
    drivers::Wmp::OnHandleInterrupt(a);
  }

 private:
  std::vector<Raw> script_;
};

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_SUITES_WAN_SCRIPTED_WMP_H_
