// examples/initech_ndis: a team's own NDIS code under the reference drivers.
//
// Initech maintains an NDIS-compatible layer of its own (as ReactOS and
// ndiswrapper do) and wants its NDIS 5.1 status path judged: the code that
// takes a WAN miniport's NdisMIndicateStatus and NdisMIndicateStatusComplete
// to the protocols bound to its adapter. InitechStatusPath is that code,
// written against ndisconf's host interface (reference/boundary/host.h,
// wan_host.h; docs/plugging_in.md, "Your own NDIS"): the reference WAN
// miniport, NDISWAN and protocol run on it, the boundary records every call
// they make and every handler it calls, and the rule monitor judges what it
// does (WAN-001, WAN-010, WAN-011, WAN-012, WAN-103).
//
// It keeps its own books, from what the drivers ask of NDIS:
//   - NdisRegisterProtocol: a protocol's ProtocolStatus and
//     ProtocolStatusComplete (the boundary's recording copies, which it must
//     call rather than anything it finds elsewhere);
//   - NdisOpenAdapter: a binding of that protocol to the adapter it names;
//   - NdisCloseAdapter, NdisDeregisterProtocol: gone.
// and from the one question a host asks the harness, which plays the PnP
// manager: which running adapter a MiniportAdapterHandle is
// (ndis::Model::RunningAdapterName). It serves the common case itself: a
// running adapter's indication from its DPC, at DISPATCH_LEVEL with no spin
// lock held. Every other NDIS function, and every indication made anywhere
// else (a handle of no running adapter, an ISR, a caller below
// DISPATCH_LEVEL or holding a spin lock: WAN-002, WAN-003, WAN-004), goes
// on to the model, whose checks, open-question settings (OQ-27) and records
// then apply: the model is the rest of the NDIS Initech has not written.
#ifndef NDISCONF_EXAMPLES_INITECH_NDIS_INITECH_NDIS_H_
#define NDISCONF_EXAMPLES_INITECH_NDIS_INITECH_NDIS_H_

#include <ndis.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/framework/forwarding_host.h"
#include "conformance/framework/forwarding_wan_host.h"
#include "reference/ndis/model.h"

namespace initech {

struct StatusPathCounters {
  uint64_t indications = 0;  // NdisMIndicateStatus served here
  uint64_t completes = 0;    // NdisMIndicateStatusComplete served here
  uint64_t deliveries = 0;   // ProtocolStatus calls made
  uint64_t handed_on = 0;    // indications and completes left to the model
};

// Both host interfaces: the NDIS 6 one only for the spin-lock calls it
// counts, the NDIS 5.1 one for the status path and its books.
class InitechStatusPath : public ndisconf::conformance::ForwardingHost,
                          public ndisconf::conformance::ForwardingWanHost {
 public:
  explicit InitechStatusPath(ndisconf::ndis::Model& model)
      : ForwardingHost(model), ForwardingWanHost(model), model_(model) {}

  const StatusPathCounters& counters() const { return counters_; }

  // The status path.
  VOID NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus,
                           PVOID StatusBuffer, UINT StatusBufferSize) override;
  VOID NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle) override;

  // Spin locks: counted, so that an indication made under one is left to
  // the model (WAN-003), which knows what to do with it.
  VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) override;
  VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) override;
  VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) override;
  VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) override;

  // The books: forwarded, and noted when the model accepted the call.
  VOID NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                            PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                            UINT CharacteristicsLength) override;
  VOID NdisDeregisterProtocol(PNDIS_STATUS Status, NDIS_HANDLE NdisProtocolHandle) override;
  VOID NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                       PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                       PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                       NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                       PNDIS_STRING AdapterName, UINT OpenOptions,
                       PVOID AddressingInformation) override;
  VOID NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle) override;

 private:
  struct Protocol {
    NDIS_HANDLE handle = nullptr;
    STATUS_HANDLER status = nullptr;
    STATUS_COMPLETE_HANDLER status_complete = nullptr;
  };
  struct Binding {
    NDIS_HANDLE handle = nullptr;  // NdisBindingHandle
    NDIS_HANDLE protocol = nullptr;
    NDIS_HANDLE context = nullptr;  // ProtocolBindingContext
    std::string adapter;
  };
  // An adapter's open status bracket: the bindings given an indication
  // since its last NdisMIndicateStatusComplete.
  struct Bracket {
    NDIS_HANDLE miniport = nullptr;
    std::vector<NDIS_HANDLE> bindings;
  };

  const Protocol* FindProtocol(NDIS_HANDLE handle) const;
  const Binding* FindBinding(NDIS_HANDLE handle) const;
  Bracket& BracketOf(NDIS_HANDLE miniport);

  ndisconf::ndis::Model& model_;
  std::vector<Protocol> protocols_;
  std::vector<Binding> bindings_;
  std::vector<Bracket> brackets_;
  StatusPathCounters counters_;
  int locks_held_ = 0;  // spin locks acquired and not yet released, by anyone
};

}  // namespace initech

#endif  // NDISCONF_EXAMPLES_INITECH_NDIS_INITECH_NDIS_H_
