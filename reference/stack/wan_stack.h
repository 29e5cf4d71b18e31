// reference/stack/wan_stack.h: the NDIS WAN topology (spec Appendix A, W1-W3):
// a software NIC, the WAN miniport over it, NDISWAN bound to the miniport,
// and a protocol bound to NDISWAN's virtual adapter.
//
//   SoftNic --interrupt--> Model::RaiseInterrupt --> WMP (ISR, DPC)
//   WMP --NdisMIndicateStatus--> NDISWAN --NdisMIndicateStatus--> WanProto
//
// Each driver comes from a factory, so a conformance suite can swap in a
// variant, a protocol written in C, or a WAN miniport written in C, which
// finds the NIC through
// <wan_nic.h>: the topology puts the NIC in the current WanNicSlots. The
// Stack owns the NIC and the slots (they outlive the drivers).
#ifndef NDISCONF_REFERENCE_STACK_WAN_STACK_H_
#define NDISCONF_REFERENCE_STACK_WAN_STACK_H_

#include <functional>
#include <memory>

#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/wanproto/wanproto.h"
#include "reference/drivers/wmp/wmp.h"
#include "reference/nic/soft_nic.h"
#include "reference/nic/wan_nic_slots.h"
#include "reference/stack/stack.h"

namespace ndisconf::stack {

using drivers::Ndiswan;
using drivers::WanProto;
using drivers::Wmp;

struct WanTopology {
  nic::SoftNic* nic = nullptr;
  // The WAN miniport; `wmp` is it when it is the reference's (or a variant
  // of it), nullptr for any other driver (a plugged-in one).
  drivers::Driver* wmp_driver = nullptr;
  Wmp* wmp = nullptr;
  Ndiswan* ndiswan = nullptr;
  // The protocol above NDISWAN; `proto` is it when it is the reference's
  // (or a variant of it), nullptr for any other driver (a plugged-in one).
  drivers::Driver* proto_driver = nullptr;
  WanProto* proto = nullptr;
  ActorId wmp_id = kNoActor, ndiswan_id = kNoActor, proto_id = kNoActor;
  AdapterId lower = 0;  // the WAN miniport's adapter
  AdapterId upper = 0;  // NDISWAN's virtual adapter
  NDIS_STATUS wmp_init_status = NDIS_STATUS_FAILURE;
};

struct WanTopologyParts {
  nic::SoftNicConfig nic;
  // Builds the WAN miniport over `nic`. `raise_interrupt` is the hardware's
  // interrupt line into NDIS; the factory puts it in the config. (A driver
  // that is no Wmp gets the same NIC and line through <wan_nic.h>.)
  std::function<std::unique_ptr<drivers::Driver>(nic::Nic& nic,
                                                 std::function<void(NDIS_HANDLE)> raise_interrupt)>
      wmp = [](nic::Nic& nic, std::function<void(NDIS_HANDLE)> raise) {
        drivers::WmpConfig c;
        c.nics = {&nic};
        c.raise_interrupt = std::move(raise);
        return std::make_unique<Wmp>(c);
      };
  Factory<Ndiswan> ndiswan = [] { return std::make_unique<Ndiswan>(); };
  Factory<drivers::Driver> proto = [] { return std::make_unique<WanProto>(); };
};

// Loads NDISWAN and the protocol, adds NDISWAN's virtual adapter, then loads
// the WAN miniport and adds its adapter (NDISWAN binds to it and queries
// OID_WAN_GET_INFO), settling the scheduler after each step. Returns
// nic == nullptr if the NIC configuration is invalid.
WanTopology BuildWanTopology(Stack& stack, WanTopologyParts parts = {});

// Lets `ticks` of NIC time pass one tick at a time, running NDIS's queued
// work (DPCs, completions) after each.
void Pump(Stack& stack, nic::SoftNic& nic, nic::Ticks ticks);

}  // namespace ndisconf::stack

#endif  // NDISCONF_REFERENCE_STACK_WAN_STACK_H_
