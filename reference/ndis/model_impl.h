// model_impl.h: the private state of the reference NDIS model and the
// declarations shared by its implementation files, named by rule family like
// the monitor's (model.cc: run, scheduler, IRQL, memory, work items;
// af/registration.cc: driver and AF registration; af/unbind_halt.cc:
// adapters and bindings; af/notify.cc, af/open_af.cc, af/close_af.cc,
// af/notify_close.cc: the AF lifecycle; af/sap.cc: SAPs; af/vc.cc and
// af/vc_calls.cc: VCs and the minimal call path; wan/*.cc: the NDIS 5.1
// legacy WAN path).
//
// Object lifetime: every object the model creates stays allocated until the
// Model is destroyed; closing or deleting an object only releases its
// handle. A driver that holds on to a stale handle therefore gets a lookup
// failure (a Rejection), never freed memory, and a callback that re-enters
// the model can never pull an object out from under the code that called it.
#ifndef NDISCONF_NDIS_MODEL_IMPL_H_
#define NDISCONF_NDIS_MODEL_IMPL_H_

#include <ndis.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reference/boundary/boundary.h"
#include "reference/ndis/handles.h"
#include "reference/ndis/model.h"
#include "reference/ndis/rejection.h"
#include "reference/util/owned_vector.h"
#include "spec/rule_id.h"
#include "spec/status_names.h"

namespace ndisconf::ndis {

using spec::RuleId;

// A function the model can refuse: a boundary crossing or an Unrecorded one.
struct Callee {
  Callee(Fn f) : fn(f) {}                  // NOLINT: implicit by design
  Callee(Unrecorded u) : unrecorded(u) {}  // NOLINT: implicit by design
  Fn fn = Fn::kCount;
  Unrecorded unrecorded = Unrecorded::kNone;
};

// Why a call is refused: a Rejection without its function, status and index.
struct Cause {
  Cause() = default;
  Cause(Reason r, std::string d, std::optional<RuleId> cited = std::nullopt,
        std::string_view p = {})
      : reason(r), detail(std::move(d)), rule(cited), param(p) {}

  Reason reason = Reason::kWrongState;
  std::string detail;          // human-readable, for logs only
  std::optional<RuleId> rule;  // the catalog rule enforced, if one
  std::string_view param;      // the offending parameter or member (static text)
  // This cause, citing `r` (e.g. a bad handle that breaks AF-001).
  Cause Cite(RuleId r) const {
    Cause c = *this;
    c.rule = r;
    return c;
  }
};
// A required pointer argument `param` (static text) is NULL.
inline Cause NullArg(std::string_view param) {
  return Cause{Reason::kNullArgument, "NULL " + std::string(param), std::nullopt, param};
}

struct Adapter;
struct Binding;
struct Registration;
struct AfOpen;
struct Sap;
struct Vc;

// A registered protocol or miniport driver (one per registration call; an
// intermediate driver that registers both is two Drivers with one actor).
struct Driver {
  DriverHandle handle;
  ActorId actor = kNoActor;
  bool is_miniport = false;
  bool deregistered = false;
  bool in_set_options = false;
  NDIS_HANDLE driver_context = nullptr;
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS protocol{};
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS miniport{};
  // Optional handlers given through NdisSetOptionalHandlers (AF-130..137).
  bool has_co_chars = false;
  NDIS_PROTOCOL_CO_CHARACTERISTICS co{};
  bool has_client = false;
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS cl{};
  bool has_cm = false;
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm{};
  bool cm_has_notify_complete = false;  // OQ-11: Size reached the member
  bool has_mp_co = false;
  NDIS_MINIPORT_CO_CHARACTERISTICS mco{};
  // NDIS 5.1 legacy drivers (wan/status.cc, wan/status_bindings.cc): NdisMRegisterMiniport /
  // NdisRegisterProtocol. A WAN miniport registered with NDIS_USE_WAN_WRAPPER.
  bool ndis5 = false;
  bool wan = false;
  NDIS_MINIPORT_CHARACTERISTICS mp5{};
  NDIS_PROTOCOL_CHARACTERISTICS pr5{};

  bool IsCoProtocol() const { return !is_miniport && has_co_chars; }
  bool IsCoClient() const { return IsCoProtocol() && has_client; }
  bool IsCm() const { return IsCoProtocol() && has_cm; }
  bool IsCoMiniport() const { return is_miniport && has_mp_co; }
  bool IsMcm() const { return IsCoMiniport() && has_cm; }
};

// An NDIS 5 request (NdisRequest) on its way to or in a miniport.
struct Request5 {
  Binding* binding = nullptr;
  PNDIS_REQUEST request = nullptr;  // the protocol's, passed by reference
  bool queued = false;              // NdisRequest returned PENDING for it
};

// An NDIS 5 WAN send the miniport has not completed (keyed by packet).
struct WanSend {
  Binding* binding = nullptr;
  bool in_call = false;    // inside MiniportWanSend
  bool completed = false;  // NdisMWanSendComplete seen during the call
};

struct Adapter {
  enum class State : uint8_t { kInitializing, kRunning, kHalting, kHalted, kFailed };
  AdapterId id = 0;
  AdapterHandle handle;
  Driver* miniport = nullptr;
  std::string name;
  std::u16string name16;
  UNICODE_STRING uname{};
  NDIS_MEDIUM medium = NdisMedium802_3;
  NDIS_HANDLE context = nullptr;  // MiniportAdapterContext
  bool context_set = false;
  State state = State::kInitializing;
  std::vector<Binding*> bindings;            // every binding ever made, in order
  std::vector<Registration*> registrations;  // every AF registration, in order

  // ---- NDIS 5 miniport adapters (wan/status.cc). ----
  bool ndis5 = false;
  bool deserialized = false;  // NDIS_ATTRIBUTE_DESERIALIZE (OQ-27)
  char config_token = 0;      // its address is the WrapperConfigurationContext
  NDIS_MEDIUM medium_array[1]{};
  // Interrupt (NdisMRegisterInterrupt) and the code running in it.
  PNDIS_MINIPORT_INTERRUPT interrupt = nullptr;
  bool request_isr = true;
  uint64_t interrupt_generation = 0;  // a DPC queued under an older one is dropped
  bool dpc_queued = false;
  bool in_isr = false;
  bool in_halt = false;
  // Status bracket (spec 2.9): bindings given ProtocolStatus since the last
  // NdisMIndicateStatusComplete, in order (WAN-011).
  std::vector<Binding*> status_notified;
  // Receive bracket: bindings given a WAN receive since the last complete.
  std::vector<Binding*> receive_notified;
  // Requests: one in the miniport at a time (NDIS serializes them).
  std::optional<Request5> active_request;
  bool request_in_call = false;  // inside MiniportQuery/SetInformation
  std::optional<NDIS_STATUS> early_request_complete;
  std::deque<Request5> request_queue;
  bool pumping = false;
  std::map<const void*, WanSend> wan_sends;  // by PNDIS_WAN_PACKET
};

// NdisMInitializeWrapper's NdisWrapperHandle: one per NDIS 5 miniport driver.
struct Wrapper {
  WrapperHandle handle;
  ActorId actor = kNoActor;
  Driver* driver = nullptr;  // set by NdisMRegisterMiniport
};

// An AF registration: (adapter, CO_ADDRESS_FAMILY, CMx) (spec 2.3).
struct Registration {
  uint64_t id = 0;
  Adapter* adapter = nullptr;
  CO_ADDRESS_FAMILY af{};
  Driver* cm = nullptr;           // the CM or MCM driver
  Binding* cm_binding = nullptr;  // NULL for an MCM
  bool announced = false;         // clients may be notified (AF-020)
  bool displaced = false;         // OQ-02 policy A: withdrawn for new opens
  bool withdrawn = false;         // R9 / R10
  bool Active() const { return !displaced && !withdrawn; }
  bool IsMcm() const { return cm_binding == nullptr; }
};

struct BindCtx {
  BindContextHandle handle;
  bool ndis5 = false;  // ProtocolBindAdapter / NdisCompleteBindAdapter
  Driver* protocol = nullptr;
  Adapter* adapter = nullptr;
  Binding* binding = nullptr;  // set by NdisOpenAdapterEx
  NDIS_BIND_PARAMETERS params{};
  bool in_call = false;
  bool returned_pending = false;
  std::optional<NDIS_STATUS> early_completion;  // NdisCompleteBindAdapterEx inside the call
  bool done = false;
};

struct UnbindCtx {
  UnbindContextHandle handle;
  Binding* binding = nullptr;
  bool in_call = false;
  bool early_completion = false;
  bool done = false;
};

struct Binding {
  enum class State : uint8_t { kOpened, kBound, kUnbinding, kClosed };
  BindingHandle handle;
  Driver* protocol = nullptr;
  Adapter* adapter = nullptr;
  NDIS_HANDLE context = nullptr;  // ProtocolBindingContext
  State state = State::kOpened;
  bool paused = false;
  BindCtx* bind = nullptr;
  UnbindCtx* unbind = nullptr;
  std::set<uint64_t> notified;  // registration ids already notified (AF-020/021)
  std::vector<AfOpen*> afs;     // AF instances this (client) binding opened
};

// An open AF instance (spec 2.4), named by NdisAfHandle.
struct AfOpen {
  enum class State : uint8_t { kOpening, kOpen, kClosing, kClosed, kFailed };
  AfHandle handle;
  Registration* reg = nullptr;
  Driver* client = nullptr;
  Binding* client_binding = nullptr;
  Driver* cm = nullptr;
  NDIS_HANDLE cm_binding_context = nullptr;  // CM's ProtocolBindingContext or MCM's adapter context
  NDIS_HANDLE client_ctx = nullptr;          // ClientAfContext
  NDIS_HANDLE cm_ctx = nullptr;              // CallMgrAfContext
  State state = State::kOpening;

  // Open (O1-O7).
  bool in_open_call = false;
  std::optional<std::pair<NDIS_STATUS, NDIS_HANDLE>> early_open_complete;
  // Close (C1-C6).
  bool in_close_call = false;
  std::optional<NDIS_STATUS> early_close_complete;
  bool close_failed_once = false;  // OQ-07
  // Notify-close (N1-N7). notify_pending is the NOTIFYING flag of 2.4.
  bool notify_pending = false;
  bool in_notify_call = false;
  // Inside Ndis(M)CmNotifyCloseAddressFamily after the client returned: a
  // ProtocolCmNotifyCloseAfComplete due now is queued, so that the CM hears
  // it only after the call has returned PENDING (AF-067).
  bool in_notify_api = false;
  bool notify_owes_cm_complete = false;             // NotifyClose returned PENDING
  std::optional<NDIS_STATUS> notify_client_status;  // the client's final status
  // AF-059: ProtocolClCloseAfComplete held until ProtocolClNotifyCloseAf returns.
  std::optional<NDIS_STATUS> held_close_complete;

  std::vector<Sap*> saps;
  std::vector<Vc*> vcs;
};

// A SAP (spec 2.5), named by NdisSapHandle.
struct Sap {
  enum class State : uint8_t { kRegistering, kRegistered, kDeregistering, kDeregistered, kFailed };
  SapHandle handle;
  AfOpen* af = nullptr;
  NDIS_HANDLE client_ctx = nullptr;  // ProtocolSapContext
  NDIS_HANDLE cm_ctx = nullptr;      // CallMgrSapContext
  PCO_SAP sap = nullptr;             // the client's buffer, passed through
  State state = State::kRegistering;
  bool in_register_call = false;
  std::optional<std::pair<NDIS_STATUS, NDIS_HANDLE>> early_register_complete;
  bool in_deregister_call = false;
  std::optional<NDIS_STATUS> early_deregister_complete;
  bool released_with_af = false;  // the AF closed under it (S13, AF-091)
  bool released_by_ndis = false;  // NDIS deregistered it at the CM for a pended close (S13)
};

// A VC (spec 2.6), named by NdisVcHandle.
struct Vc {
  enum class Creator : uint8_t { kClient, kCm, kMcm };
  enum class Activation : uint8_t { kCreated, kActivating, kActive, kDeactivating, kDeactivated };
  enum class Call : uint8_t {
    kIdle,
    kMaking,
    kConnected,
    kClosing,
    kIncomingOffered,
    kIncomingAccepted,
  };
  VcHandle handle;
  Creator creator = Creator::kClient;
  Driver* creator_driver = nullptr;
  Adapter* adapter = nullptr;
  AfOpen* af = nullptr;  // NULL for a CM signalling VC
  bool deleted = false;
  // Contexts: the creator's (ProtocolVcContext / MiniportVcContext for an
  // MCM), the peer's (from its ProtocolCoCreateVc), the miniport's.
  NDIS_HANDLE creator_ctx = nullptr;
  Driver* peer = nullptr;
  NDIS_HANDLE peer_ctx = nullptr;
  bool peer_created = false;
  bool miniport_created = false;
  NDIS_HANDLE miniport_ctx = nullptr;
  Activation activation = Activation::kCreated;
  Activation activation_before = Activation::kCreated;  // restored if activation fails
  Call call = Call::kIdle;
  bool peer_is_cm = false;  // the peer is the AF's call manager (client-created VC)
  Sap* incoming_sap = nullptr;
  // A driver may complete from inside the call it is completing (before
  // returning PENDING); such a completion is applied once the call returns.
  bool in_call_op = false;  // inside ProtocolCm{Make,Close}Call / ProtocolClIncomingCall
  std::optional<std::pair<NDIS_STATUS, PCO_CALL_PARAMETERS>> early_call_complete;
  bool in_miniport_op = false;  // inside MiniportCo{Activate,Deactivate}Vc
  std::optional<std::pair<NDIS_STATUS, PCO_CALL_PARAMETERS>> early_miniport_complete;
};

struct WorkItem {
  WorkItemHandle handle;
  Driver* owner = nullptr;
  bool queued = false;
  NDIS_IO_WORKITEM_ROUTINE routine = nullptr;
  PVOID context = nullptr;
};

struct SpinLockState {
  bool held = false;
  KIRQL old_irql = PASSIVE_LEVEL;
  ActorId holder = kNoActor;  // the driver whose code acquired it (WAN-003 reasons)
};

struct Model::Impl {
  Impl(Settings s, Chooser* c);
  ~Impl();
  // A copy is Model::Checkpoint's saved state, taken with no driver memory
  // allocated; assigning it back restores every object in place
  // (OwnedVector) and every table, counter and queue (checkpoint.cc).
  Impl(const Impl&) = default;
  Impl& operator=(const Impl&) = default;

  // ---- Shared helpers (model.cc). ----
  // Records a Rejection of `fn`, which returned (or would have) `status`.
  void Reject(Callee fn, NDIS_STATUS status, Cause cause);
  [[nodiscard]] NDIS_STATUS Fail(Callee fn, NDIS_STATUS status, Cause cause) {
    Reject(fn, status, std::move(cause));
    return status;
  }
  // Counts one allocation of NDIS tracking state; false = injected failure.
  [[nodiscard]] bool Allocate();
  // A cause if the IRQL forbids a PASSIVE-only function; nullopt if not.
  [[nodiscard]] std::optional<Cause> PassiveViolation() const;
  // Why a handle failed lookup, for a Rejection.
  Cause BadHandle(std::string_view param, HandleKind expected, const void* value,
                  LookupError error) const;
  template <HandleKind K, typename T>
  T* Resolve(const HandleTable<K, T>& table, const void* value, std::string_view param,
             Cause* why) const {
    auto r = table.Lookup(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(value)));
    if (r.object == nullptr) *why = BadHandle(param, K, value, r.error);
    return r.object;
  }

  // Spin locks (IRQL tracking).
  void AcquireLock(PNDIS_SPIN_LOCK lock, bool dpr);
  void ReleaseLock(PNDIS_SPIN_LOCK lock, bool dpr);

  // Scheduler.
  void Queue(WorkKind kind, std::string what, std::function<void()> fn);
  // A delivery the spec requires at PASSIVE_LEVEL (AF-024, AF-037): queued
  // if the current IRQL is above PASSIVE (unless the settings say
  // otherwise); at PASSIVE the Chooser's RunInline decides.
  void DeliverAtPassive(WorkKind kind, std::string what, std::function<void()> fn);
  bool RunOne();

  Driver* ProtocolByActor(ActorId actor) const;
  Driver* MiniportByActor(ActorId actor) const;
  Adapter* AdapterById(AdapterId id) const;
  Binding* BindingOf(const Driver* protocol, const Adapter* adapter) const;

  // ---- Registration and binding (af/registration.cc, af/unbind_halt.cc,
  // af/notify.cc). ----
  [[nodiscard]] NDIS_STATUS CallSetOptions(Driver* d);
  [[nodiscard]] NDIS_STATUS CheckCoConsistency(const Driver* d, Cause* why) const;
  AdapterId AddAdapter(ActorId miniport, std::string name, NDIS_MEDIUM medium,
                       NDIS_STATUS* init_status);
  NDIS_STATUS Bind(Driver* protocol, Adapter* adapter);
  void FinishBind(BindCtx* ctx, NDIS_STATUS status);
  bool StartUnbind(Binding* b);
  void FinishUnbind(UnbindCtx* u);
  bool Halt(Adapter* a);
  // Closes a binding: handle invalid, CM registrations withdrawn (AF-123, R9).
  void CloseBinding(Binding* b, Fn fn);
  // Announces registrations owned by a binding / adapter and notifies
  // clients (AF-020, AF-021).
  void OnBindingBound(Binding* b);
  void Announce(Registration* r);
  void QueueNotify(Binding* client, Registration* r);

  // ---- NDIS 5.1 legacy WAN path (wan/*.cc). ----
  // OQ-19: true (after recording a Rejection) if the profile refuses `fn`.
  [[nodiscard]] bool RefusedByProfile(Fn fn, NDIS_STATUS status);
  void InitializeAdapter5(Adapter* a, NDIS_STATUS* init_status);
  NDIS_STATUS Bind5(Driver* protocol, Adapter* adapter);
  void StartUnbind5(Binding* b, UnbindCtx* u);
  void Halt5(Adapter* a);
  // Resolves an NDIS 5 miniport adapter handle for `fn`; NULL (Rejection
  // recorded) if it is unknown, stale, NDIS 6 (OQ-19) or not usable.
  Adapter* Adapter5(Fn fn, NDIS_HANDLE handle, NDIS_STATUS status);
  // WAN-002/003/004: nullopt if the calling context may indicate to `a`.
  std::optional<Cause> IndicationContextViolation(const Adapter* a) const;
  NDIS_STATUS CallMiniportRequest(Adapter* a, const Request5& r);
  void CompleteRequest(Adapter* a, NDIS_STATUS status, bool query, Fn fn);
  void DeliverRequestComplete(const Request5& r, NDIS_STATUS status);
  void PumpRequests(Adapter* a);
  // Runs `fn` at DISPATCH_LEVEL at least (NDIS 5 miniport handlers).
  template <typename F>
  auto AtDispatch(F fn) {
    const KIRQL saved = irql;
    if (irql < DISPATCH_LEVEL) irql = DISPATCH_LEVEL;
    struct Restore {
      KIRQL& irql;
      KIRQL saved;
      ~Restore() { irql = saved; }
    } restore{irql, saved};
    return fn();
  }

  // ---- AFs (af/open_af.cc, af/close_af.cc, af/notify_close.cc). ----
  void DeliverOpenComplete(AfOpen* af, NDIS_STATUS status);
  void CompleteOpen(AfOpen* af, NDIS_STATUS status, NDIS_HANDLE cm_ctx);
  void CompleteClose(AfOpen* af, NDIS_STATUS status);
  void DeliverCloseComplete(AfOpen* af, NDIS_STATUS status);
  void FinishNotifyIfReady(AfOpen* af);
  void ReleaseAfIfDone(AfOpen* af);
  void CallCmNotifyCloseAfComplete(AfOpen* af, NDIS_STATUS status);
  void OnAfClosed(AfOpen* af);
  [[nodiscard]] NDIS_STATUS PendingNotifyResult(AfOpen* af);

  // ---- SAPs (af/sap.cc). ----
  void CompleteRegisterSap(Sap* sap, NDIS_STATUS status, NDIS_HANDLE cm_ctx);
  void CompleteDeregisterSap(Sap* sap, NDIS_STATUS status);
  // S13 / AF-091 / AF-052: releases at the CM the SAPs still registered on an
  // AF whose close the CM pended.
  void DeregisterSapsOfClosingAf(AfOpen* af);

  // ---- VCs (af/vc.cc, af/vc_calls.cc). ----
  NDIS_HANDLE ClientVcCtx(const Vc* vc) const;
  NDIS_HANDLE CmVcCtx(const Vc* vc) const;
  Driver* ClientOf(const Vc* vc) const;
  Driver* CmOf(const Vc* vc) const;
  [[nodiscard]] NDIS_STATUS CallPeerCreateVc(Vc* vc, Driver* peer, NDIS_HANDLE af_ctx);
  [[nodiscard]] NDIS_STATUS CallPeerDeleteVc(Vc* vc);
  [[nodiscard]] NDIS_STATUS CallMiniportCreateVc(Vc* vc);
  [[nodiscard]] NDIS_STATUS CallMiniportDeleteVc(Vc* vc);
  void DestroyVc(Vc* vc);
  void RollbackVc(Vc* vc);
  void CompleteMakeCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params);
  void CompleteCloseCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS unused);
  void CompleteIncomingCall(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params);
  void CompleteActivate(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS params);
  void CompleteDeactivate(Vc* vc, NDIS_STATUS status, PCO_CALL_PARAMETERS unused);

  // A VC operation NDIS hands to a driver that may pend it and complete it
  // later with an Ndis*Complete call, possibly from inside the very callback,
  // before that callback has returned PENDING (then the completion is held
  // until the return). One VcOp describes each such operation.
  struct VcOp {
    Fn complete_fn;                 // the completion entry point
    std::string_view not_pending;   // Rejection detail: no such operation is pending
    std::string_view did_not_pend;  // Rejection detail: completed although it did not pend
    bool Vc::*in_op;                // inside the driver's callback
    std::optional<std::pair<NDIS_STATUS, PCO_CALL_PARAMETERS>> Vc::*early;  // held completion
    bool (*pending)(const Vc&);  // the VC state in which a completion is expected
    void (Impl::*complete)(Vc*, NDIS_STATUS, PCO_CALL_PARAMETERS);  // delivers a completion
  };
  // After the driver's callback for `op` returned `s`: leaves the callback
  // window, delivers a completion held from inside it if `s` is PENDING, or
  // rejects it if the operation did not pend. Returns true if `s` is PENDING.
  bool SettleVcOp(const VcOp& op, Vc* vc, NDIS_STATUS s);
  // The driver's completion call for `op` (handle validated, state checked,
  // NDIS_STATUS_PENDING refused, held if inside the callback).
  void AcceptVcCompletion(const VcOp& op, NDIS_STATUS status, NDIS_HANDLE handle,
                          PCO_CALL_PARAMETERS params);
  // The operations (defined in af/vc_calls.cc).
  static const VcOp kMakeCall, kCloseCall, kActivate, kDeactivate, kIncomingCall;
  [[nodiscard]] NDIS_STATUS CreateVcCommon(Vc* vc, NDIS_HANDLE peer_af_ctx, bool with_miniport,
                                           Fn fn);

  // ---- State. ----
  Settings settings;
  FifoChooser fifo;
  Chooser* chooser;
  HandleCodec codec;
  std::vector<Rejection> rejections;

  HandleTable<HandleKind::kDriver, Driver> drivers{&codec};
  HandleTable<HandleKind::kAdapter, Adapter> adapters{&codec};
  HandleTable<HandleKind::kBinding, Binding> bindings{&codec};
  HandleTable<HandleKind::kBindContext, BindCtx> bind_ctxs{&codec};
  HandleTable<HandleKind::kUnbindContext, UnbindCtx> unbind_ctxs{&codec};
  HandleTable<HandleKind::kAf, AfOpen> afs{&codec};
  HandleTable<HandleKind::kSap, Sap> saps{&codec};
  HandleTable<HandleKind::kVc, Vc> vcs{&codec};
  HandleTable<HandleKind::kWorkItem, WorkItem> work_items{&codec};
  HandleTable<HandleKind::kWrapper, Wrapper> wrappers{&codec};

  // Owners of every object ever created (see the file comment).
  OwnedVector<Driver> all_drivers;
  OwnedVector<Adapter> all_adapters;
  OwnedVector<Binding> all_bindings;
  OwnedVector<BindCtx> all_bind_ctxs;
  OwnedVector<UnbindCtx> all_unbind_ctxs;
  OwnedVector<Registration> all_registrations;
  OwnedVector<AfOpen> all_afs;
  OwnedVector<Sap> all_saps;
  OwnedVector<Vc> all_vcs;
  OwnedVector<WorkItem> all_work_items;
  OwnedVector<Wrapper> all_wrappers;
  // Registered NDIS 5 interrupts, by the miniport's NDIS_MINIPORT_INTERRUPT.
  std::map<const void*, Adapter*> interrupts;
  OwnedVector<char> driver_objects;  // opaque DRIVER_OBJECT stand-ins

  struct Work {
    uint64_t id;
    WorkKind kind;
    std::string what;
    std::function<void()> run;
  };
  std::deque<Work> queue;
  uint64_t next_work_id = 1;
  uint64_t next_registration_id = 1;

  KIRQL irql = PASSIVE_LEVEL;
  std::map<const void*, SpinLockState> locks;
  size_t held_locks = 0;  // how many of `locks` are held (WAN-003 checks skip the scan at 0)
  std::map<const void*, size_t> driver_memory;
  uint64_t driver_bytes_live = 0;
  uint64_t driver_allocation_calls = 0;
  uint64_t allocation_calls = 0;
  uint64_t allocations = 0;
  uint64_t work_items_run = 0;
};

// "0x..." for a handle or pointer value.
std::string Hex(const void* p);
std::string Hex(uint64_t v);

inline bool IsPending(NDIS_STATUS s) { return s == NDIS_STATUS_PENDING; }

// NDIS_REQUEST.RequestType as the protocol stored it, as a number: a value
// outside the enum is bad input, and reading it as the enum would be
// undefined behaviour.
inline uint32_t RawRequestType(const NDIS_REQUEST* r) {
  static_assert(sizeof(r->RequestType) == sizeof(uint32_t));
  uint32_t t;
  std::memcpy(&t, &r->RequestType, sizeof(t));
  return t;
}
inline bool IsSetRequest(const NDIS_REQUEST* r) {
  return RawRequestType(r) == static_cast<uint32_t>(NdisRequestSetInformation);
}

// ---- Helpers shared by more than one implementation file. ----

// An AF open's state as the spec writes it, for rejection messages.
inline const char* AfStateName(AfOpen::State s) {
  switch (s) {
    case AfOpen::State::kOpening:
      return "OPENING";
    case AfOpen::State::kOpen:
      return "OPEN";
    case AfOpen::State::kClosing:
      return "CLOSING";
    case AfOpen::State::kClosed:
      return "CLOSED";
    case AfOpen::State::kFailed:
      return "FAILED";
  }
  return "?";
}

// An NDIS_OBJECT_HEADER as text, for rejection messages.
inline std::string HeaderText(const NDIS_OBJECT_HEADER& h) {
  return "Type " + Hex(h.Type) + " Revision " + std::to_string(h.Revision) + " Size " +
         std::to_string(h.Size);
}

// An NDIS 5 binding that NdisCloseAdapter has not closed.
inline bool IsOpen(const Binding* b) { return b->state != Binding::State::kClosed; }

// A "major.minor" NDIS version, for rejection messages.
inline std::string Version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace ndisconf::ndis

#endif  // NDISCONF_NDIS_MODEL_IMPL_H_
