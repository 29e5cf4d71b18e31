// reference/drivers/common/cm_core.h: the call-manager logic shared by the reference
// stand-alone CM (reference/drivers/cm) and MCM (reference/drivers/mcm).
//
// CmCore owns the per-AF, per-SAP and per-VC state of a call manager and
// implements every ProtocolCmXxx / ProtocolCoXxx handler of
// NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS (AF-131). What differs between a
// CM and an MCM is only which NDIS function family it calls (AF-009, AF-110:
// NdisCm* / NdisCo* versus NdisMCm*) and what starts a shutdown (CM:
// ProtocolUnbindAdapterEx, AF-061; MCM: MiniportHaltEx, AF-062). The first is
// the CmCallFamily each hands to the constructor, which the virtual "edge"
// functions below call through; the second is OnPortQuiet, which CallManager
// and Mcm implement.
//
// Contexts: NDIS gets a CmPort* as CallMgrBindingContext (the CM's
// ProtocolBindingContext, or the MCM's MiniportAdapterContext), a CmAf* as
// CallMgrAfContext, a CmSap* as CallMgrSapContext and a CmVc* as
// CallMgrVcContext. The static handlers cast them back; nothing else leads
// from NDIS to the driver. Objects are never freed before the driver is
// destroyed (terminal states act as tombstones), so a late or duplicate
// callback can never touch freed memory.
//
// Seeded-bug variants derive from CallManager / Mcm and override the
// virtual On* handlers, FillCmHandlers or the edge functions.
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_CM_CORE_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_CM_CORE_H_

#include <ndis.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"

namespace ndisconf::drivers {

// What a call manager does when the client closes an AF that still has
// SAPs or VCs (AF-052).
enum class CloseWithChildren : uint8_t {
  kPendUntilGone,  // preferred: return PENDING, complete once all are gone
  kNotAccepted,    // fail the close with NDIS_STATUS_NOT_ACCEPTED
};

struct CmConfig {
  // AFs registered on each binding / adapter, in order (AF-002, AF-003).
  std::vector<CO_ADDRESS_FAMILY> afs = {{CO_ADDRESS_FAMILY_Q2931, 1, 0}};
  OpPolicy open_af;         // ProtocolCmOpenAf (AF-033, AF-034)
  OpPolicy close_af;        // ProtocolCmCloseAf without children (AF-052, AF-053)
  OpPolicy register_sap;    // ProtocolCmRegisterSap (AF-082, AF-083)
  OpPolicy deregister_sap;  // ProtocolCmDeregisterSap (AF-090); status is SUCCESS by rule
  OpPolicy make_call;       // ProtocolCmMakeCall, after the VC is activated
  OpPolicy close_call;      // ProtocolCmCloseCall, after the VC is deactivated
  CloseWithChildren close_with_children = CloseWithChildren::kPendUntilGone;
  // ProtocolCoCreateVc / ProtocolCoDeleteVc results (never PENDING, AF-104).
  NDIS_STATUS create_vc_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS delete_vc_status = NDIS_STATUS_SUCCESS;
  // SapTypes the CM recognises; empty accepts any (AF-082).
  std::vector<ULONG> sap_types;
};

enum class CmAfState : uint8_t { kOpening, kOpen, kClosing, kClosed, kFailed };
enum class CmNotify : uint8_t { kNone, kInProgress, kPending, kDone };
enum class CmSapState : uint8_t {
  kRegistering,
  kRegistered,
  kDeregistering,
  kDeregistered,
  kFailed
};
enum class CmVcState : uint8_t {
  kCreated,       // exists, no call
  kActivating,    // Ndis(M)CmActivateVc pending
  kActive,        // call up (or incoming call offered on an active VC)
  kDeactivating,  // Ndis(M)CmDeactivateVc pending
  kInactive,      // call closed, VC not yet deleted
  kDeleted,
};
// The request a VC operation serves, to know what to complete afterwards.
enum class CmVcOp : uint8_t { kNone, kMakeCall, kCloseCall, kIncomingCall };

const char* ToString(CmAfState s);
const char* ToString(CmSapState s);
const char* ToString(CmVcState s);

class CmCore;

// A CM binding (ProtocolBindingContext) or an MCM adapter
// (MiniportAdapterContext).
struct CmPort {
  enum class State : uint8_t { kOpening, kRunning, kShuttingDown, kClosing, kDown };
  CmCore* owner = nullptr;
  size_t index = 0;
  std::string name;                      // adapter name, when known
  NDIS_HANDLE ndis_handle = nullptr;     // NdisBindingHandle / MiniportAdapterHandle
  NDIS_HANDLE bind_context = nullptr;    // CM: BindContext while the open pends
  NDIS_HANDLE unbind_context = nullptr;  // CM: UnbindContext while unbinding
  State state = State::kOpening;
  bool shutdown_inline = false;  // inside ProtocolUnbindAdapterEx / MiniportHaltEx
  bool shutdown_finished = false;
  UINT selected_medium = 0;  // NdisOpenAdapterEx's SelectedMediumIndex
  // Status of each Ndis(M)CmRegisterAddressFamilyEx, parallel to config.afs.
  std::vector<NDIS_STATUS> register_status;
};

struct CmAf {
  CmCore* owner = nullptr;
  CmPort* port = nullptr;
  size_t index = 0;
  CO_ADDRESS_FAMILY af{};
  NDIS_HANDLE ndis_af = nullptr;  // valid until the close completes (AF-055)
  CmAfState state = CmAfState::kOpening;
  CmNotify notify = CmNotify::kNone;
  NDIS_STATUS notify_status = NDIS_STATUS_SUCCESS;  // NotifyClose return / completion
  bool close_waiting_for_children = false;          // AF-052 preferred path
};

struct CmSap {
  CmAf* af = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_sap = nullptr;
  CmSapState state = CmSapState::kRegistering;
  SapBuffer sap;
};

struct CmVc {
  CmCore* owner = nullptr;
  CmAf* af = nullptr;  // nullptr only if NDIS passed an unknown AF context
  size_t index = 0;
  NDIS_HANDLE ndis_vc = nullptr;
  bool cm_created = false;  // this CM created it (incoming call), so it deletes it (AF-105)
  CmSap* sap = nullptr;     // the SAP an incoming call was dispatched on
  CmVcState state = CmVcState::kCreated;
  CmVcOp op = CmVcOp::kNone;
  PCO_CALL_PARAMETERS params = nullptr;           // the parameters of the call in progress
  CO_CALL_PARAMETERS own_params{};                // the CM's own, for incoming calls
  NDIS_STATUS call_status = NDIS_STATUS_SUCCESS;  // last call outcome
};

// The NDIS functions that differ between a stand-alone CM and an MCM (AF-009,
// AF-110). Only VC creation, deletion, activation and deactivation are
// distinct functions; ndis.h defines the other NdisMCm* names (the open /
// close / SAP / call completions, incoming-call dispatch and notify-close) as
// macros of their NdisCm* forms, so both families call those directly.
struct CmCallFamily {
  // NdisCoCreateVc(NdisBindingHandle, ...) / NdisMCmCreateVc(MiniportAdapterHandle, ...).
  NDIS_STATUS (*create_vc)(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE);
  NDIS_STATUS (*delete_vc)(NDIS_HANDLE);
  NDIS_STATUS (*activate_vc)(NDIS_HANDLE, PCO_CALL_PARAMETERS);
  NDIS_STATUS (*deactivate_vc)(NDIS_HANDLE);
  // An MCM: its log records the NdisMCm* names (logged::OwnNdisMCm*) for
  // the calls it shares with the stand-alone CM.
  bool miniport;
};

class CmCore : public LoggingDriver<CmLog> {
 public:
  using Config = CmConfig;

  CmCore(std::string name, Config config, const CmCallFamily& family);
  ~CmCore() override;

  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }

  // Observable state, in creation order (index == position).
  const std::vector<std::unique_ptr<CmPort>>& ports() const { return ports_; }
  const std::vector<std::unique_ptr<CmAf>>& afs() const { return afs_; }
  const std::vector<std::unique_ptr<CmSap>>& saps() const { return saps_; }
  const std::vector<std::unique_ptr<CmVc>>& vcs() const { return vcs_; }
  // AF instances (any state) that were opened on `port`.
  std::vector<CmAf*> AfsOf(const CmPort& port) const;

  // ---- Upper edge (harness calls these under the driver's actor). ----

  // An incoming call on SAP `sap_index` (S8, AF-086, AF-093): creates a VC
  // for the SAP's AF (AF-101), activates it, and dispatches the call with
  // Ndis(M)CmDispatchIncomingCall. Allowed while the SAP registration is
  // still pending. Returns the index of the new VC in vcs(), or -1 if the
  // SAP is not usable or the VC could not be created (see log()).
  int DispatchIncomingCall(size_t sap_index);

  // The handler table this driver registers (AF-131). A wrapper can
  // override FillCmHandlers to register a modified copy.
  static NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS MakeCmHandlers();
  virtual void FillCmHandlers(NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS* handlers);

  // ---- Handler logic (static thunks below cast the context and call these). ----
  virtual NDIS_STATUS OnOpenAf(CmPort& port, PCO_ADDRESS_FAMILY af, NDIS_HANDLE ndis_af,
                               PNDIS_HANDLE call_mgr_af_context);
  virtual NDIS_STATUS OnCloseAf(CmAf& af);
  virtual NDIS_STATUS OnRegisterSap(CmAf& af, PCO_SAP sap, NDIS_HANDLE ndis_sap,
                                    PNDIS_HANDLE call_mgr_sap_context);
  virtual NDIS_STATUS OnDeregisterSap(CmSap& sap);
  virtual NDIS_STATUS OnCreateVc(CmAf* af, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context);
  virtual NDIS_STATUS OnDeleteVc(CmVc& vc);
  virtual NDIS_STATUS OnMakeCall(CmVc& vc, PCO_CALL_PARAMETERS params);
  virtual NDIS_STATUS OnCloseCall(CmVc& vc);
  virtual void OnIncomingCallComplete(NDIS_STATUS status, CmVc& vc, PCO_CALL_PARAMETERS params);
  virtual void OnActivateVcComplete(NDIS_STATUS status, CmVc& vc, PCO_CALL_PARAMETERS params);
  virtual void OnDeactivateVcComplete(NDIS_STATUS status, CmVc& vc);
  virtual void OnNotifyCloseAfComplete(CmAf& af, NDIS_STATUS status);

 protected:
  // ---- Edge: the NDIS calls of the driver's call family (AF-009, AF-110). ----
  // Virtual so that a test's or seeded-bug variant's subclass can change one.
  virtual NDIS_STATUS EdgeCreateVc(CmAf& af, CmVc& vc, PNDIS_HANDLE ndis_vc);
  virtual NDIS_STATUS EdgeDeleteVc(CmVc& vc);
  virtual NDIS_STATUS EdgeActivateVc(CmVc& vc, PCO_CALL_PARAMETERS params);
  virtual NDIS_STATUS EdgeDeactivateVc(CmVc& vc);
  virtual void EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af);
  virtual void EdgeCloseAfComplete(CmAf& af);
  virtual void EdgeRegisterSapComplete(NDIS_STATUS status, CmSap& sap);
  virtual void EdgeDeregisterSapComplete(CmSap& sap);
  virtual void EdgeMakeCallComplete(NDIS_STATUS status, CmVc& vc);
  virtual void EdgeCloseCallComplete(NDIS_STATUS status, CmVc& vc);
  virtual NDIS_STATUS EdgeDispatchIncomingCall(CmVc& vc);
  virtual void EdgeDispatchCallConnected(CmVc& vc);
  virtual NDIS_STATUS EdgeNotifyCloseAf(CmAf& af);
  // The port's shutdown may finish: every AF opened on it is closed (or its
  // client answered the notify-close with an error). CM: close the
  // binding; MCM: nothing left to do.
  virtual void OnPortQuiet(CmPort& port) = 0;

  // Starts a shutdown of `port`: notify-closes every open AF (AF-061,
  // AF-062, AF-121); AFs still opening are notified once their open
  // completes. Calls OnPortQuiet when everything is closed.
  void StartShutdown(CmPort& port);
  // Re-checks whether the port's shutdown can finish.
  void AdvanceShutdown(CmPort& port);
  CmPort& NewPort();
  // Runs `fn` from a work item allocated on the port's NDIS handle; false
  // if NDIS had no work item.
  [[nodiscard]] bool Later(CmPort& port, std::function<void()> fn);

  Config config_;

 private:
  const CmCallFamily& family_;  // a constant of the subclass's own file
  bool HasChildren(const CmAf& af) const;
  void MaybeFinishClose(CmAf& af);
  void CompleteClose(CmAf& af);
  void NotifyClose(CmAf& af);
  void FinishOpen(CmAf& af, NDIS_STATUS status);
  // Continues a VC's call operation once its activation / deactivation is done.
  void AfterActivate(CmVc& vc, NDIS_STATUS status);
  void DropIncomingCall(CmVc& vc);
  void AfterDeactivate(CmVc& vc, NDIS_STATUS status);
  void DeleteOwnVc(CmVc& vc);
  bool SapRecognised(const CO_SAP* sap) const;
  bool HasVcs(const CmAf& af) const;
  bool SapInUse(const CmPort& port, const SapBuffer& sap) const;

  // Static thunks registered with NDIS.
  static NDIS_STATUS CoCreateVcThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CoDeleteVcThunk(NDIS_HANDLE);
  static NDIS_STATUS CmOpenAfThunk(NDIS_HANDLE, PCO_ADDRESS_FAMILY, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CmCloseAfThunk(NDIS_HANDLE);
  static NDIS_STATUS CmRegisterSapThunk(NDIS_HANDLE, PCO_SAP, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CmDeregisterSapThunk(NDIS_HANDLE);
  static NDIS_STATUS CmMakeCallThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CmCloseCallThunk(NDIS_HANDLE, NDIS_HANDLE, PVOID, UINT);
  static VOID CmIncomingCallCompleteThunk(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static NDIS_STATUS CmAddPartyThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CmDropPartyThunk(NDIS_HANDLE, PVOID, UINT);
  static VOID CmActivateVcCompleteThunk(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID CmDeactivateVcCompleteThunk(NDIS_STATUS, NDIS_HANDLE);
  static NDIS_STATUS CmModifyQosThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static NDIS_STATUS CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST);
  static VOID CoOidRequestCompleteThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST,
                                        NDIS_STATUS);
  static VOID CmNotifyCloseAfCompleteThunk(NDIS_HANDLE, NDIS_STATUS);

  std::vector<std::unique_ptr<CmPort>> ports_;
  std::vector<std::unique_ptr<CmAf>> afs_;
  std::vector<std::unique_ptr<CmSap>> saps_;
  std::vector<std::unique_ptr<CmVc>> vcs_;
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_CM_CORE_H_
