// stub_drivers.h: scripted test-only drivers for the NDIS model's own unit
// tests: a CoNDIS protocol that can be a client, a call manager or both, and
// a CoNDIS miniport that can be an MCM. Each registers through the real
// <ndis.h> API; every context NDIS hands back points at a record here, so
// the static callbacks find their stub without globals. Behaviour is set by
// plain fields (the status to return) and optional hooks.
//
// Not the reference drivers (reference/drivers): these exist only to drive
// the model into each state the tests need.
#ifndef NDISCONF_NDIS_STUB_DRIVERS_H_
#define NDISCONF_NDIS_STUB_DRIVERS_H_

#include <gtest/gtest.h>
#include <ndis.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "reference/boundary/boundary.h"
#include "reference/ndis/model.h"

namespace ndisconf::ndis::testing {

// Success if `m` recorded a rejection whose typed outcome (function, status,
// reason, rule, parameter) is exactly `want`; the failure lists them all.
::testing::AssertionResult Rejected(const Model& m, const Outcome& want);

// Records every event of the run.
class Recorder : public EventSink {
 public:
  Recorder() { Boundary::Get().AddSink(this); }
  ~Recorder() override { Boundary::Get().RemoveSink(this); }
  void OnEvent(const Event& e) override { events.push_back(e); }
  // Call events (phase kCall) of `fn`, in order.
  std::vector<Event> Calls(Fn fn) const;
  std::vector<Event> Returns(Fn fn) const;
  size_t Count(Fn fn) const { return Calls(fn).size(); }
  // Index in `events` of the first call of fn, or -1.
  long First(Fn fn) const;
  std::vector<Event> events;
};

inline uint64_t H(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }
// A status as a recorded callback argument holds it.
inline uint64_t S(NDIS_STATUS s) { return static_cast<uint32_t>(s); }

class StubProtocol;
class StubMiniport;

// One object per context NDIS passes back (binding, AF, SAP, VC).
struct BindRec {
  StubProtocol* self = nullptr;
  std::string adapter_name;
  NDIS_HANDLE binding = nullptr;
  NDIS_HANDLE unbind_ctx = nullptr;
  NDIS_HANDLE bind_ctx = nullptr;
};
struct AfRec {
  StubProtocol* client = nullptr;  // client side
  void* cm = nullptr;              // CM side: StubProtocol* or StubMiniport*
  bool cm_is_miniport = false;
  NDIS_HANDLE binding = nullptr;    // the client's binding / the CM's binding
  bool cm_close_requested = false;  // CM side: ProtocolCmCloseAf was called
  NDIS_HANDLE af = nullptr;
  CO_ADDRESS_FAMILY family{};
  NDIS_STATUS open_status = NDIS_STATUS_PENDING;
  bool open_completed = false;
  NDIS_STATUS close_status = NDIS_STATUS_PENDING;
};
struct SapRec {
  StubProtocol* self = nullptr;
  NDIS_HANDLE sap = nullptr;
  CO_SAP co_sap{};
};
struct VcRec {
  void* owner = nullptr;
  NDIS_HANDLE vc = nullptr;
};

// What a call manager (stand-alone or MCM) does when NDIS calls it.
struct CmBehaviour {
  std::vector<CO_ADDRESS_FAMILY> afs;  // registered from bind / MiniportInitializeEx
  NDIS_STATUS open_af = NDIS_STATUS_SUCCESS;
  NDIS_STATUS close_af = NDIS_STATUS_SUCCESS;
  NDIS_STATUS reg_sap = NDIS_STATUS_SUCCESS;
  NDIS_STATUS dereg_sap = NDIS_STATUS_SUCCESS;
  NDIS_STATUS create_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS delete_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS make_call = NDIS_STATUS_SUCCESS;
  NDIS_STATUS close_call = NDIS_STATUS_SUCCESS;
  bool activate_in_make_call = false;  // NdisCmActivateVc / NdisMCmActivateVc inside MakeCall
  bool deactivate_in_close_call = false;
  bool notify_close_on_unbind = true;  // AF-061 / AF-062
  uint16_t handler_size = sizeof(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS);
  // Hooks run inside the callback before it returns.
  std::function<void(AfRec&)> on_open_af;
  std::function<void(AfRec&)> on_close_af;
};

class StubProtocol {
 public:
  enum Role { kClient = 1, kCallManager = 2 };
  StubProtocol(Model& model, std::string name, int roles);

  // LoadDriver + NdisRegisterProtocolDriver (+ SetOptions). Returns the actor.
  ActorId Load();

  Model& model;
  std::string name;
  int roles;
  ActorId actor = kNoActor;
  NDIS_HANDLE protocol_handle = nullptr;
  NDIS_HANDLE driver_handle_in_set_options = nullptr;
  NDIS_STATUS register_status = NDIS_STATUS_FAILURE;

  // The structures registered; tests may corrupt them before Load().
  NDIS_PROTOCOL_DRIVER_CHARACTERISTICS chars{};
  NDIS_PROTOCOL_CO_CHARACTERISTICS co_chars{};
  NDIS_CO_CLIENT_OPTIONAL_HANDLERS client_handlers{};
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm_handlers{};
  std::function<void(NDIS_HANDLE)> set_options_hook;  // replaces the default registration

  // Binding behaviour.
  NDIS_STATUS bind_status = NDIS_STATUS_SUCCESS;    // PENDING: complete with CompleteBind
  NDIS_STATUS unbind_status = NDIS_STATUS_SUCCESS;  // PENDING: the close waits for CompleteUnbind
  bool close_afs_on_unbind = true;                  // client: AF-120
  // Client behaviour.
  bool open_on_notify = true;
  enum class NotifyAction {
    kCloseAndReturnSuccess,  // closes the AF inside, returns SUCCESS
    kCloseAndPend,           // closes the AF inside, returns PENDING
    kPendOnly,               // returns PENDING without closing
    kFail,                   // returns NDIS_STATUS_FAILURE
  };
  NotifyAction on_notify_close = NotifyAction::kCloseAndReturnSuccess;
  NDIS_STATUS create_vc = NDIS_STATUS_SUCCESS;  // as peer of a CM-created VC
  NDIS_STATUS delete_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS incoming_call = NDIS_STATUS_SUCCESS;
  std::function<void(AfRec&)> on_notify_close_hook;  // runs inside ProtocolClNotifyCloseAf
  // CM behaviour.
  CmBehaviour cm;

  // Records (stable addresses: contexts point into them).
  std::deque<BindRec> binds;
  std::deque<AfRec> client_afs;  // one per NdisClOpenAddressFamilyEx
  std::deque<AfRec> cm_afs;      // one per ProtocolCmOpenAf
  std::deque<SapRec> saps;
  std::deque<VcRec> vcs;
  std::vector<CO_ADDRESS_FAMILY> notified;
  std::vector<KIRQL> notify_irql;
  std::vector<NDIS_STATUS> register_af_status;
  std::vector<NDIS_STATUS> close_af_complete;
  std::vector<NDIS_STATUS> notify_close_complete;  // CM side
  std::vector<NDIS_STATUS> dereg_sap_complete;

  // Helpers that act as this driver (under its actor id).
  void CompleteBind(BindRec& b, NDIS_STATUS status);
  void CompleteUnbind(BindRec& b);
  NDIS_STATUS OpenAf(BindRec& b, NDIS_AF family, AfRec** rec = nullptr);
  NDIS_STATUS CloseAf(AfRec& af);
  NDIS_STATUS RegisterSap(AfRec& af, SapRec** rec, ULONG sap_type = 1);
  NDIS_STATUS DeregisterSap(SapRec& sap);
  // Creates a VC on b with af (NULL: a CM signalling VC); the VC's
  // ProtocolVcContext is a fresh VcRec.
  NDIS_STATUS CreateVc(BindRec& b, NDIS_HANDLE af, NDIS_HANDLE* vc);
  NDIS_STATUS DeleteVc(NDIS_HANDLE vc);
  // CM helpers.
  NDIS_STATUS NotifyClose(AfRec& cm_af);
};

class StubMiniport {
 public:
  StubMiniport(Model& model, std::string name, bool mcm);
  ActorId Load();
  AdapterId Add(std::string name, NDIS_MEDIUM medium = NdisMediumCoWan);

  Model& model;
  std::string name;
  bool mcm;
  ActorId actor = kNoActor;
  NDIS_HANDLE driver_handle = nullptr;
  NDIS_STATUS register_status = NDIS_STATUS_FAILURE;
  NDIS_STATUS init_status = NDIS_STATUS_FAILURE;

  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars{};
  NDIS_MINIPORT_CO_CHARACTERISTICS co_chars{};
  NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS cm_handlers{};
  bool set_attributes = true;
  bool co = true;  // false: a connectionless miniport (no CO characteristics)

  NDIS_STATUS create_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS delete_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS activate_vc = NDIS_STATUS_SUCCESS;
  NDIS_STATUS deactivate_vc = NDIS_STATUS_SUCCESS;
  CmBehaviour cm;  // MCM only

  NDIS_HANDLE adapter_handle = nullptr;  // of the last adapter initialized
  std::vector<NDIS_STATUS> register_af_status;
  std::deque<AfRec> cm_afs;
  std::deque<VcRec> vcs;
  std::vector<NDIS_HANDLE> created_vcs;            // NdisVcHandles seen by MiniportCoCreateVc
  std::vector<NDIS_STATUS> notify_close_complete;  // ProtocolCmNotifyCloseAfComplete
  std::vector<NDIS_STATUS> notify_close_status;    // NdisMCmNotifyCloseAddressFamily from halt
  NDIS_STATUS initialize_returns = NDIS_STATUS_SUCCESS;
  int halts = 0;
  NDIS_STATUS NotifyClose(AfRec& cm_af);
};

// A model with one adapter driven by a CoNDIS miniport (or an MCM), a
// stand-alone CM (absent with an MCM unless `with_cm`) and a client.
// Members are declared in the order they must be built: the model begins
// the run, then the recorder subscribes.
struct Stack {
  explicit Stack(Settings s = {}, bool mcm = false, Chooser* chooser = nullptr,
                 bool with_cm = false);
  // Loads the drivers, adds the adapter (binding everyone) and runs the
  // scheduler until idle (so notifications and opens happen).
  void Start(bool run = true);
  AfRec& ClientAf(size_t i = 0) { return cl.client_afs.at(i); }
  AfRec& CmAf(size_t i = 0) { return mcm ? mp.cm_afs.at(i) : cm.cm_afs.at(i); }

  Model model;
  Recorder rec;
  bool mcm;
  bool with_cm;
  StubMiniport mp;
  StubProtocol cm;
  StubProtocol cl;
  AdapterId adapter = 0;
};

// Standard AF values for tests.
inline CO_ADDRESS_FAMILY Af(NDIS_AF family, ULONG major = 1, ULONG minor = 0) {
  return CO_ADDRESS_FAMILY{family, major, minor};
}

}  // namespace ndisconf::ndis::testing

#endif  // NDISCONF_NDIS_STUB_DRIVERS_H_
