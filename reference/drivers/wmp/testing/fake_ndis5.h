// A minimal stand-in for NDIS + NDISWAN + NDISTAPI under the reference WMP,
// for driver-level tests that run without the NDIS model: it defines the
// <ndis.h> C functions the WMP (and the drivers' support library) call, and
// plays the roles above the miniport that the spec gives NDISWAN and
// NDISTAPI (WAN-024: writes a unique NdisLinkContext into an initial
// line-up; WAN-062: writes htCall into LINE_NEWCALL's ulParam2).
//
// Never link it together with //reference/boundary (both define <ndis.h>).
// One FakeNdis5 may exist at a time. Single-threaded.
#ifndef NDISCONF_DRIVERS_WMP_TESTING_FAKE_NDIS5_H_
#define NDISCONF_DRIVERS_WMP_TESTING_FAKE_NDIS5_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ndisconf::drivers::testing {

// One call the WMP made into (fake) NDIS.
struct FakeCall {
  std::string fn;            // "NdisMIndicateStatus", ...
  NDIS_STATUS status = 0;    // GeneralStatus / completion status
  std::vector<uint8_t> in;   // status buffer as passed
  std::vector<uint8_t> out;  // status buffer after the callee wrote back
  KIRQL irql = 0;
  bool in_isr = false;
  int locks_held = 0;
  NDIS_HANDLE handle = nullptr;  // Packet / NdisLinkContext where meaningful
};

class FakeNdis5 {
 public:
  FakeNdis5();
  ~FakeNdis5();
  static FakeNdis5* active();

  // ---- Driver side ----
  const NDIS_MINIPORT_CHARACTERISTICS& chars() const { return chars_; }
  bool registered() const { return registered_; }
  NDIS_HANDLE adapter_context() const { return adapter_context_; }
  ULONG attribute_flags() const { return attribute_flags_; }
  NDIS_HANDLE adapter_handle() const { return const_cast<FakeNdis5*>(this)->AdapterHandle(); }
  NDIS_HANDLE AdapterHandle() { return &adapter_tag_; }

  // MiniportInitialize with {802.3, WAN}; returns its status.
  NDIS_STATUS Initialize(UINT* selected = nullptr);
  // The NIC's line: ISR now; its DPC runs from Run().
  void RaiseInterrupt();
  // Runs queued DPCs and work items until none is left (DPC at DISPATCH).
  void Run();
  NDIS_STATUS Query(NDIS_OID oid, void* buf, ULONG len, ULONG* done = nullptr,
                    ULONG* needed = nullptr);
  NDIS_STATUS Set(NDIS_OID oid, void* buf, ULONG len, ULONG* done = nullptr,
                  ULONG* needed = nullptr);
  NDIS_STATUS WanSend(NDIS_HANDLE link_handle, NDIS_WAN_PACKET* packet);
  void Halt();

  // ---- What NDISWAN / NDISTAPI do ----
  // 0: do not take NEWCALL (leave ulParam2 0). Otherwise htCall values
  // handed out start here.
  HTAPI_CALL next_ht_call = 0x7000;
  // Initial line-ups get contexts from here (0 = leave NULL).
  uintptr_t next_link_context = 0x1C000;
  // Called inside NdisMIndicateStatus after write-back (e.g. to send an
  // OID from a status handler).
  std::function<void(const FakeCall&)> on_status;

  // ---- Observations ----
  std::vector<FakeCall> calls;
  std::vector<NDIS_STATUS> request_completions;  // NdisM*InformationComplete
  std::vector<std::pair<PNDIS_WAN_PACKET, NDIS_STATUS>> send_completions;
  std::vector<std::vector<uint8_t>> received;
  int bracket_depth = 0;  // indications not yet completed
  int violations = 0;     // indications in ISR or with a lock held
  std::vector<std::string> Names() const;
  // TAPI events of LINE_CALLSTATE: ulParam1 in order.
  std::vector<ULONG_PTR> CallStates() const;
  std::vector<NDIS_TAPI_EVENT> TapiEvents() const;
  std::vector<NDIS_MAC_LINE_UP> LineUps() const;  // as returned

  // ---- Internals used by the C functions ----
  struct WorkItem {
    NDIS_IO_WORKITEM_ROUTINE routine = nullptr;
    PVOID context = nullptr;
    bool queued = false;
  };
  void Record(FakeCall c) { calls.push_back(std::move(c)); }
  KIRQL irql = PASSIVE_LEVEL;
  bool in_isr = false;
  int locks_held = 0;
  bool dpc_pending = false;
  std::vector<WorkItem*> work;
  NDIS_MINIPORT_CHARACTERISTICS chars_{};
  bool registered_ = false;
  NDIS_HANDLE adapter_context_ = nullptr;
  ULONG attribute_flags_ = 0;

 private:
  int adapter_tag_ = 0;
};

}  // namespace ndisconf::drivers::testing

#endif  // NDISCONF_DRIVERS_WMP_TESTING_FAKE_NDIS5_H_
