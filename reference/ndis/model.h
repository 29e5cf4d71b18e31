// reference/ndis/model.h: the reference NDIS, a deterministic user-mode model.
//
// Model implements every function of <ndis.h> (as an NdisHost) the way the
// spec says NDIS does, and gives the harness (tests, tools, fuzzers) the
// environment's side: loading drivers, adding and halting adapters, binding
// and unbinding, and running deferred work under a Chooser.
//
// Bad input never crashes the model: an unknown, stale or wrong-kind
// handle, a call in the wrong state, a NULL required pointer or a malformed
// characteristics header gets the status the spec gives (or its DERIVED
// default) and is recorded as a Rejection.
//
// Lifetime: constructing a Model begins a run at the boundary (the model is
// the active host); destroying it ends the run and frees everything.
#ifndef NDISCONF_REFERENCE_NDIS_MODEL_H_
#define NDISCONF_REFERENCE_NDIS_MODEL_H_

#include <ndis.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reference/boundary/event.h"
#include "reference/boundary/host.h"
#include "reference/boundary/wan_host.h"
#include "reference/ndis/rejection.h"
#include "reference/ndis/scheduler.h"
#include "reference/ndis/settings.h"

namespace ndisconf::ndis {

// A driver's entry point, as the I/O manager calls it.
using DriverEntryFn = std::function<NDIS_STATUS(PDRIVER_OBJECT, PUNICODE_STRING)>;

// Identifies an adapter (a miniport instance) in the harness API.
using AdapterId = uint32_t;

struct ModelStats {
  uint64_t allocations = 0;        // NDIS tracking objects allocated
  uint64_t live_objects = 0;       // still allocated
  uint64_t driver_bytes_live = 0;  // NdisAllocateMemoryWithTagPriority not yet freed
  uint64_t work_items_run = 0;
};

// Model is also the NdisWanHost of its run: the NDIS 5.1 legacy WAN path
// (ndis5.h; spec 1.2, 2.7, 2.9, 3.9; Settings::wan_version_scope, OQ-19).
class Model : public NdisHost, public NdisWanHost {
 public:
  explicit Model(Settings settings = {}, Chooser* chooser = nullptr);
  ~Model() override;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // ---- Environment (harness) side. All run at PASSIVE_LEVEL. ----

  // Declares a driver to the boundary and calls its entry point as that
  // driver. Returns its actor id; *entry_status gets the entry's status.
  ActorId LoadDriver(std::string name, DriverEntryFn entry, NDIS_STATUS* entry_status = nullptr);

  // Adds an adapter driven by the miniport driver `miniport` (its actor id):
  // NDIS calls MiniportInitializeEx; if that succeeds, every registered
  // protocol is bound (ProtocolBindAdapterEx) and AF notifications follow as
  // the settings say. *init_status gets MiniportInitializeEx's status.
  // For an NDIS 5 miniport (NdisMRegisterMiniport) NDIS calls
  // MiniportInitialize with a one-entry MediumArray holding `medium` (the
  // only medium the hardware offers) and binds NDIS 5 protocols through
  // ProtocolBindAdapter; both kinds of protocol are offered every adapter
  // and open it only if they accept its medium.
  AdapterId AddAdapter(ActorId miniport, std::string name, NDIS_MEDIUM medium,
                       NDIS_STATUS* init_status = nullptr);

  // Binds one protocol driver to an adapter now (as PnP would for a
  // protocol that loads after the adapter came up). Returns the status of
  // ProtocolBindAdapterEx (or of its NdisCompleteBindAdapterEx once run).
  NDIS_STATUS BindProtocol(ActorId protocol, AdapterId adapter);

  // PnP unbind: NDIS pauses the binding and calls ProtocolUnbindAdapterEx
  // (AF-122). Returns false if that protocol is not bound to the adapter.
  bool UnbindProtocol(ActorId protocol, AdapterId adapter);

  // True if the protocol has a binding to the adapter that is bound (its
  // ProtocolBindAdapterEx completed with the binding open, and no unbind
  // has started).
  bool IsBound(ActorId protocol, AdapterId adapter) const;

  // Removes an adapter: MiniportHaltEx and unbinding of its protocols, in
  // the order settings().halt_before_unbind gives.
  bool HaltAdapter(AdapterId adapter);

  // For an NDIS host in front of the model that implements some adapter-
  // facing functions itself (examples/initech_ndis): the name of the running
  // adapter (initialized, not halting) whose MiniportAdapterHandle is
  // `handle`, the name protocols pass to NdisOpenAdapter; nullopt for any
  // other handle (an adapter initializing or halting, a stale or forged
  // handle). The harness starts and stops adapters (it plays the PnP
  // manager), so this is how a host learns which adapter a miniport's call
  // is about. Records nothing.
  std::optional<std::string> RunningAdapterName(NDIS_HANDLE handle) const;

  // The hardware's interrupt line of an NDIS 5 adapter: NDIS calls
  // MiniportISR at device IRQL (kDeviceIrql); if it recognizes the interrupt
  // and asks for it, MiniportHandleInterrupt is queued as a WorkKind::kDpc
  // work item that runs at DISPATCH_LEVEL (once, however many interrupts
  // arrive before it runs). With RequestIsr FALSE in NdisMRegisterInterrupt
  // the DPC is queued directly. An adapter without a registered interrupt,
  // or not running, gets a Rejection (a spurious interrupt) and nothing runs.
  void RaiseInterrupt(AdapterId adapter);
  static constexpr KIRQL kDeviceIrql = 5;

  // Runs one ready work item chosen by the Chooser. false if none is ready.
  bool RunOne();
  // Runs work items until none is ready or `limit` have run; returns how
  // many ran.
  size_t RunUntilIdle(size_t limit = 1'000'000);
  std::vector<WorkInfo> PendingWork() const;

  const Settings& settings() const;
  const std::vector<Rejection>& rejections() const;
  ModelStats stats() const;

  // ---- A reused model (fuzz/wan_status runs every input on one stack). ----
  // Checkpoint() saves the model's state; Rollback() puts it back exactly:
  // every object at its address with its saved value, the handle tables
  // (slots, generations, free lists), rejections, counters, spin locks and
  // interrupts, and forgets every object made since. Checkpoint() refuses
  // (false, nothing saved) while work is queued, driver memory is
  // allocated, a spin lock is held or the IRQL is above PASSIVE_LEVEL:
  // none of those could be put back. Rollback() frees the driver memory
  // allocated since the checkpoint; false (nothing changed) without one.
  // Neither touches the boundary (Boundary::Checkpoint) or the drivers.
  [[nodiscard]] bool Checkpoint();
  [[nodiscard]] bool Rollback();

  // ---- NdisHost: the NDIS functions. Contracts in <ndis.h>. ----
  KIRQL CurrentIrql() override;
  const KIRQL* CurrentIrqlCell() const override;
  NDIS_HANDLE MiniportHandleOfBind(NDIS_HANDLE bind_context) override;
  NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE, PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
                                         PNDIS_HANDLE) override;
  VOID NdisDeregisterProtocolDriver(NDIS_HANDLE) override;
  NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT, PUNICODE_STRING, NDIS_HANDLE,
                                          PNDIS_MINIPORT_DRIVER_CHARACTERISTICS,
                                          PNDIS_HANDLE) override;
  VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE) override;
  NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE, PNDIS_DRIVER_OPTIONAL_HANDLERS) override;
  NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE, PNDIS_MINIPORT_ADAPTER_ATTRIBUTES) override;
  NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OPEN_PARAMETERS, NDIS_HANDLE,
                                PNDIS_HANDLE) override;
  VOID NdisCompleteBindAdapterEx(NDIS_HANDLE, NDIS_STATUS) override;
  NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE) override;
  VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE) override;
  NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE) override;
  NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE) override;
  VOID NdisQueueIoWorkItem(NDIS_HANDLE, NDIS_IO_WORKITEM_ROUTINE, PVOID) override;
  VOID NdisFreeIoWorkItem(NDIS_HANDLE) override;
  VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK) override;
  VOID NdisInitializeEvent(PNDIS_EVENT) override;
  VOID NdisSetEvent(PNDIS_EVENT) override;
  VOID NdisResetEvent(PNDIS_EVENT) override;
  BOOLEAN NdisWaitEvent(PNDIS_EVENT, UINT) override;
  PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE, UINT, ULONG, EX_POOL_PRIORITY) override;
  VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE, PVOID, ULONG) override;
  NDIS_STATUS NdisCmRegisterAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY) override;
  NDIS_STATUS NdisMCmRegisterAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY) override;
  NDIS_STATUS NdisClOpenAddressFamilyEx(NDIS_HANDLE, PCO_ADDRESS_FAMILY, NDIS_HANDLE,
                                        PNDIS_HANDLE) override;
  VOID NdisCmOpenAddressFamilyComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override;
  NDIS_STATUS NdisClCloseAddressFamily(NDIS_HANDLE) override;
  VOID NdisCmCloseAddressFamilyComplete(NDIS_STATUS, NDIS_HANDLE) override;
  NDIS_STATUS NdisCmNotifyCloseAddressFamily(NDIS_HANDLE) override;
  VOID NdisClNotifyCloseAddressFamilyComplete(NDIS_HANDLE, NDIS_STATUS) override;
  NDIS_STATUS NdisClRegisterSap(NDIS_HANDLE, NDIS_HANDLE, PCO_SAP, PNDIS_HANDLE) override;
  VOID NdisCmRegisterSapComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override;
  NDIS_STATUS NdisClDeregisterSap(NDIS_HANDLE) override;
  VOID NdisCmDeregisterSapComplete(NDIS_STATUS, NDIS_HANDLE) override;
  NDIS_STATUS NdisCoCreateVc(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE) override;
  NDIS_STATUS NdisCoDeleteVc(NDIS_HANDLE) override;
  NDIS_STATUS NdisMCmCreateVc(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE) override;
  NDIS_STATUS NdisMCmDeleteVc(NDIS_HANDLE) override;
  NDIS_STATUS NdisClMakeCall(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE) override;
  VOID NdisCmMakeCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE,
                              PCO_CALL_PARAMETERS) override;
  NDIS_STATUS NdisClCloseCall(NDIS_HANDLE, NDIS_HANDLE, PVOID, UINT) override;
  VOID NdisCmCloseCallComplete(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE) override;
  NDIS_STATUS NdisCmActivateVc(NDIS_HANDLE, PCO_CALL_PARAMETERS) override;
  NDIS_STATUS NdisMCmActivateVc(NDIS_HANDLE, PCO_CALL_PARAMETERS) override;
  NDIS_STATUS NdisCmDeactivateVc(NDIS_HANDLE) override;
  NDIS_STATUS NdisMCmDeactivateVc(NDIS_HANDLE) override;
  VOID NdisMCoActivateVcComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) override;
  VOID NdisMCoDeactivateVcComplete(NDIS_STATUS, NDIS_HANDLE) override;
  NDIS_STATUS NdisCmDispatchIncomingCall(NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS) override;
  VOID NdisClIncomingCallComplete(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS) override;
  VOID NdisCmDispatchCallConnected(NDIS_HANDLE) override;

  // ---- NdisWanHost: the NDIS 5.1 functions (ndis5.h). ----
  VOID NdisMInitializeWrapper(PNDIS_HANDLE, PVOID, PVOID, PVOID) override;
  NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE, PNDIS_MINIPORT_CHARACTERISTICS, UINT) override;
  VOID NdisMSetAttributesEx(NDIS_HANDLE, NDIS_HANDLE, UINT, ULONG, NDIS_INTERFACE_TYPE) override;
  NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT, NDIS_HANDLE, UINT, UINT, BOOLEAN,
                                     BOOLEAN, NDIS_INTERRUPT_MODE) override;
  VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT) override;
  VOID NdisMIndicateStatus(NDIS_HANDLE, NDIS_STATUS, PVOID, UINT) override;
  VOID NdisMIndicateStatusComplete(NDIS_HANDLE) override;
  VOID NdisMQueryInformationComplete(NDIS_HANDLE, NDIS_STATUS) override;
  VOID NdisMSetInformationComplete(NDIS_HANDLE, NDIS_STATUS) override;
  VOID NdisMWanSendComplete(NDIS_HANDLE, PNDIS_WAN_PACKET, NDIS_STATUS) override;
  VOID NdisMWanIndicateReceive(PNDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PUCHAR, ULONG) override;
  VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE, NDIS_HANDLE) override;
  VOID NdisRegisterProtocol(PNDIS_STATUS, PNDIS_HANDLE, PNDIS_PROTOCOL_CHARACTERISTICS,
                            UINT) override;
  VOID NdisDeregisterProtocol(PNDIS_STATUS, NDIS_HANDLE) override;
  VOID NdisOpenAdapter(PNDIS_STATUS, PNDIS_STATUS, PNDIS_HANDLE, PUINT, PNDIS_MEDIUM, UINT,
                       NDIS_HANDLE, NDIS_HANDLE, PNDIS_STRING, UINT, PVOID) override;
  VOID NdisCloseAdapter(PNDIS_STATUS, NDIS_HANDLE) override;
  VOID NdisCompleteBindAdapter(NDIS_HANDLE, NDIS_STATUS, NDIS_STATUS) override;
  VOID NdisCompleteUnbindAdapter(NDIS_HANDLE, NDIS_STATUS) override;
  VOID NdisRequest(PNDIS_STATUS, NDIS_HANDLE, PNDIS_REQUEST) override;
  VOID NdisWanSend(PNDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PNDIS_WAN_PACKET) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<Impl> saved_;  // Checkpoint()
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_REFERENCE_NDIS_MODEL_H_
