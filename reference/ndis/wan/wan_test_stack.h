// wan_test_stack.h: what the WAN-path tests of the reference NDIS model share:
// a WAN miniport stack of stub NDIS 5 drivers, a line-up builder, and
// lookups of the rejections a test expects (test-only).
#ifndef NDISCONF_NDIS_WAN_WAN_TEST_STACK_H_
#define NDISCONF_NDIS_WAN_WAN_TEST_STACK_H_

#include "reference/ndis/model.h"
#include "reference/ndis/stub_wan_drivers.h"

namespace ndisconf::ndis::testing {

// True if some rejection cites `rule`.
inline bool Cites(const Model& m, spec::RuleId rule) {
  for (const Rejection& r : m.rejections()) {
    if (r.rule == rule) return true;
  }
  return false;
}

inline const Rejection* FindRejection(const Model& m, Fn fn) {
  for (const Rejection& r : m.rejections()) {
    if (r.fn == fn) return &r;
  }
  return nullptr;
}

// A WAN miniport with one adapter and two NDIS 5 protocols bound to it
// (NDISWAN would normally be the only one; WAN-001 is about N bindings).
struct WanStack {
  explicit WanStack(Settings s = {}) : model(s) { mp.use_interrupt = true; }
  void Start() {
    mp.Load();
    wan.Load();
    up.Load();
    adapter = mp.Add("WAN1");
  }
  // Runs `fn` as the miniport would from its DPC (DISPATCH_LEVEL).
  template <typename F>
  void FromDpc(F fn) {
    mp.on_dpc = [fn](Adapter5Rec&) { fn(); };
    model.RaiseInterrupt(adapter);
    model.RunUntilIdle();
    mp.on_dpc = nullptr;
  }
  NDIS_HANDLE mh() { return mp.adapter().handle; }

  Model model;
  Recorder rec;
  StubMiniport5 mp{model, "wmp"};
  StubProtocol5 wan{model, "ndiswan"};
  StubProtocol5 up{model, "proto"};
  AdapterId adapter = 0;
};

inline NDIS_MAC_LINE_UP LineUp(NDIS_HANDLE link_handle) {
  NDIS_MAC_LINE_UP u{};
  u.LinkSpeed = 640;
  u.Quality = NdisWanReliable;
  u.SendWindow = 4;
  u.ConnectionWrapperID = reinterpret_cast<NDIS_HANDLE>(0xCA11);
  u.NdisLinkHandle = link_handle;
  return u;
}

}  // namespace ndisconf::ndis::testing

#endif  // NDISCONF_NDIS_WAN_WAN_TEST_STACK_H_
