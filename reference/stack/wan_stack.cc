#include "reference/stack/wan_stack.h"

#include <string>
#include <utility>

namespace ndisconf::stack {

WanTopology BuildWanTopology(Stack& stack, WanTopologyParts parts) {
  WanTopology t;
  std::string error;
  std::unique_ptr<nic::SoftNic> soft = nic::SoftNic::Create(parts.nic, &error);
  if (soft == nullptr) return t;
  t.nic = &stack.Own(std::move(soft));

  t.ndiswan = &stack.Load(parts.ndiswan(), &t.ndiswan_id);
  t.proto_driver = &stack.Load(parts.proto(), &t.proto_id);
  t.proto = dynamic_cast<WanProto*>(t.proto_driver);
  t.upper = stack.AddAdapter(t.ndiswan_id, "NDISWAN", NdisMediumWan);
  stack.Settle();

  // The interrupt line is wired before the adapter exists (MiniportInitialize
  // installs it), so it reads the adapter id through a shared cell.
  auto lower = std::make_shared<AdapterId>(0);
  Stack* s = &stack;
  auto line = [s, lower](NDIS_HANDLE) {
    if (*lower != 0) s->model().RaiseInterrupt(*lower);
  };
  stack.Own(std::make_unique<nic::WanNicSlots>()).Insert(*t.nic, line);
  t.wmp_driver = &stack.Load(parts.wmp(*t.nic, line), &t.wmp_id);
  t.wmp = dynamic_cast<Wmp*>(t.wmp_driver);
  t.lower = stack.AddAdapter(t.wmp_id, "WMP0", NdisMediumWan, &t.wmp_init_status);
  *lower = t.lower;
  stack.Settle();
  return t;
}

void Pump(Stack& stack, nic::SoftNic& nic, nic::Ticks ticks) {
  for (nic::Ticks i = 0; i < ticks; ++i) {
    nic.Advance(1);
    stack.Settle();
  }
}

}  // namespace ndisconf::stack
