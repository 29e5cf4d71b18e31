#include "examples/initech_ndis/initech_ndis.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace initech {

namespace {

// An adapter name as NdisOpenAdapter got it (16-bit characters, Length in
// bytes), narrowed: adapter names are ASCII. Only called on a name the
// model has accepted.
std::string Narrow(const NDIS_STRING& name) {
  std::string out;
  for (USHORT i = 0; i < name.Length / sizeof(WCHAR); ++i)
    out.push_back(static_cast<char>(name.Buffer[i]));
  return out;
}

}  // namespace

const InitechStatusPath::Protocol* InitechStatusPath::FindProtocol(NDIS_HANDLE handle) const {
  for (const Protocol& p : protocols_)
    if (p.handle == handle) return &p;
  return nullptr;
}

const InitechStatusPath::Binding* InitechStatusPath::FindBinding(NDIS_HANDLE handle) const {
  for (const Binding& b : bindings_)
    if (b.handle == handle) return &b;
  return nullptr;
}

InitechStatusPath::Bracket& InitechStatusPath::BracketOf(NDIS_HANDLE miniport) {
  for (Bracket& b : brackets_)
    if (b.miniport == miniport) return b;
  brackets_.push_back(Bracket{miniport, {}});
  return brackets_.back();
}

// WAN-001: every protocol bound to the adapter gets the indication, with the
// same GeneralStatus, the miniport's own StatusBuffer (by reference,
// WAN-103: NDISWAN writes its NdisLinkContext back into a line-up there,
// WAN-024) and the same size. WAN-010: the bracket stays open until the
// miniport's NdisMIndicateStatusComplete.
VOID InitechStatusPath::NdisMIndicateStatus(NDIS_HANDLE MiniportHandle, NDIS_STATUS GeneralStatus,
                                            PVOID StatusBuffer, UINT StatusBufferSize) {
  const std::optional<std::string> adapter = model_.RunningAdapterName(MiniportHandle);
  if (!adapter || model_.CurrentIrql() != DISPATCH_LEVEL || locks_held_ > 0) {
    // Not a running adapter's indication from its DPC: the model's checks
    // decide (a forged handle, an adapter initializing or halting, an ISR,
    // a serialized miniport below DISPATCH_LEVEL, a spin lock held).
    ++counters_.handed_on;
    return ForwardingWanHost::NdisMIndicateStatus(MiniportHandle, GeneralStatus, StatusBuffer,
                                                  StatusBufferSize);
  }
  ++counters_.indications;
  // The bindings now; a protocol's handler may close its binding (it is
  // then skipped) or a new one may open (it waits for the next indication).
  std::vector<NDIS_HANDLE> now;
  for (const Binding& b : bindings_)
    if (b.adapter == *adapter) now.push_back(b.handle);
  for (NDIS_HANDLE handle : now) {
    const Binding* b = FindBinding(handle);
    const Protocol* p = b != nullptr ? FindProtocol(b->protocol) : nullptr;
    if (p == nullptr || p->status == nullptr) continue;
    const NDIS_HANDLE context = b->context;
    // Noted before the call: a complete made from inside the handler
    // closes this bracket, this binding with it.
    std::vector<NDIS_HANDLE>& notified = BracketOf(MiniportHandle).bindings;
    if (std::find(notified.begin(), notified.end(), handle) == notified.end())
      notified.push_back(handle);
    ++counters_.deliveries;
    p->status(context, GeneralStatus, StatusBuffer, StatusBufferSize);
  }
}

// WAN-011: ProtocolStatusComplete for the bindings the bracket notified,
// and only those. The list is taken before the first call, so an indication
// made from a protocol's ProtocolStatusComplete opens the next bracket
// (WAN-012).
VOID InitechStatusPath::NdisMIndicateStatusComplete(NDIS_HANDLE MiniportHandle) {
  std::vector<NDIS_HANDLE> notified;
  notified.swap(BracketOf(MiniportHandle).bindings);
  if (notified.empty()) {
    // No bracket of ours is open: the model's rules for a complete apply
    // (it calls nobody, or refuses the caller).
    ++counters_.handed_on;
    return ForwardingWanHost::NdisMIndicateStatusComplete(MiniportHandle);
  }
  ++counters_.completes;
  for (NDIS_HANDLE handle : notified) {
    const Binding* b = FindBinding(handle);
    const Protocol* p = b != nullptr ? FindProtocol(b->protocol) : nullptr;
    if (p == nullptr || p->status_complete == nullptr) continue;
    p->status_complete(b->context);
  }
}

VOID InitechStatusPath::NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  ForwardingHost::NdisAcquireSpinLock(SpinLock);
  ++locks_held_;
}
VOID InitechStatusPath::NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  ForwardingHost::NdisReleaseSpinLock(SpinLock);
  if (locks_held_ > 0) --locks_held_;
}
VOID InitechStatusPath::NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  ForwardingHost::NdisDprAcquireSpinLock(SpinLock);
  ++locks_held_;
}
VOID InitechStatusPath::NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock) {
  ForwardingHost::NdisDprReleaseSpinLock(SpinLock);
  if (locks_held_ > 0) --locks_held_;
}

VOID InitechStatusPath::NdisRegisterProtocol(PNDIS_STATUS Status, PNDIS_HANDLE NdisProtocolHandle,
                                             PNDIS_PROTOCOL_CHARACTERISTICS ProtocolCharacteristics,
                                             UINT CharacteristicsLength) {
  ForwardingWanHost::NdisRegisterProtocol(Status, NdisProtocolHandle, ProtocolCharacteristics,
                                          CharacteristicsLength);
  // The model has checked every pointer when it says SUCCESS.
  if (Status == nullptr || *Status != NDIS_STATUS_SUCCESS) return;
  protocols_.push_back(Protocol{*NdisProtocolHandle, ProtocolCharacteristics->StatusHandler,
                                ProtocolCharacteristics->StatusCompleteHandler});
}

VOID InitechStatusPath::NdisDeregisterProtocol(PNDIS_STATUS Status,
                                               NDIS_HANDLE NdisProtocolHandle) {
  ForwardingWanHost::NdisDeregisterProtocol(Status, NdisProtocolHandle);
  if (Status == nullptr || *Status != NDIS_STATUS_SUCCESS) return;
  std::erase_if(protocols_, [&](const Protocol& p) { return p.handle == NdisProtocolHandle; });
}

VOID InitechStatusPath::NdisOpenAdapter(PNDIS_STATUS Status, PNDIS_STATUS OpenErrorStatus,
                                        PNDIS_HANDLE NdisBindingHandle, PUINT SelectedMediumIndex,
                                        PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                        NDIS_HANDLE NdisProtocolHandle,
                                        NDIS_HANDLE ProtocolBindingContext,
                                        PNDIS_STRING AdapterName, UINT OpenOptions,
                                        PVOID AddressingInformation) {
  ForwardingWanHost::NdisOpenAdapter(
      Status, OpenErrorStatus, NdisBindingHandle, SelectedMediumIndex, MediumArray, MediumArraySize,
      NdisProtocolHandle, ProtocolBindingContext, AdapterName, OpenOptions, AddressingInformation);
  // Only an open the model completed at once: the model never pends an NDIS
  // 5 open, and the binding of one that pended would take indications only
  // once OpenAdapterComplete ran, which this host does not see.
  if (Status == nullptr || *Status != NDIS_STATUS_SUCCESS) return;
  bindings_.push_back(Binding{*NdisBindingHandle, NdisProtocolHandle, ProtocolBindingContext,
                              Narrow(*AdapterName)});
}

VOID InitechStatusPath::NdisCloseAdapter(PNDIS_STATUS Status, NDIS_HANDLE NdisBindingHandle) {
  ForwardingWanHost::NdisCloseAdapter(Status, NdisBindingHandle);
  // Closed or closing: no more indications for it (AF-123 lets them stop as
  // soon as the close is asked for).
  if (Status == nullptr || (*Status != NDIS_STATUS_SUCCESS && *Status != NDIS_STATUS_PENDING))
    return;
  std::erase_if(bindings_, [&](const Binding& b) { return b.handle == NdisBindingHandle; });
}

}  // namespace initech
