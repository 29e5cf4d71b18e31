// reference/drivers/client/client.h: the reference CoNDIS client.
//
// A protocol driver that registers NDIS_PROTOCOL_CO_CHARACTERISTICS and
// NDIS_CO_CLIENT_OPTIONAL_HANDLERS with every member set (AF-130, AF-137).
// Its ProtocolCoAfRegisterNotify opens the AFs it accepts (AF-026, AF-030),
// running its own completion logic when the open does not pend (AF-039);
// after an open it can register SAPs (AF-080), create VCs (AF-101) and make
// calls. ProtocolClNotifyCloseAf performs the AF-050 steps (close calls,
// delete its VCs, deregister SAPs, close the AF) and returns SUCCESS, or
// PENDING followed by NdisClNotifyCloseAddressFamilyComplete (AF-064..066).
// ProtocolUnbindAdapterEx closes every AF it has open on the binding before
// NdisCloseAdapterEx (AF-120). No handle is used after it became invalid
// (AF-056, AF-089): every request checks the object's state first.
//
// Incoming calls: ProtocolClIncomingCall accepts by returning SUCCESS (or
// PENDING and a later NdisClIncomingCallComplete, per config).
// NdisClIncomingCallComplete is only for the PENDING case
// (DDI:nf-ndis-ndisclincomingcallcomplete); on a SUCCESS return the CM
// learns the answer from NdisCmDispatchIncomingCall's return and follows
// with NdisCmDispatchCallConnected.
//
// Upper-edge requests (CloseAf, RegisterSap, CreateVc, MakeCall, ...) must
// be made under this driver's actor; each returns the NDIS status of the
// call it made (or NDIS_STATUS_FAILURE without calling NDIS when the object
// is not in a state that allows the request).
#ifndef NDISCONF_REFERENCE_DRIVERS_CLIENT_CLIENT_H_
#define NDISCONF_REFERENCE_DRIVERS_CLIENT_CLIENT_H_

#include <ndis.h>

#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"

namespace ndisconf::drivers {

struct SapSpec {
  ULONG type = 0;
  std::vector<uint8_t> bytes;
};

struct ClientConfig {
  // AF types this client opens when notified; others are refused (AF-026).
  std::vector<NDIS_AF> accept = {CO_ADDRESS_FAMILY_Q2931, CO_ADDRESS_FAMILY_TAPI,
                                 CO_ADDRESS_FAMILY_TAPI_PROXY};
  // After each successful open: register these SAPs (AF-080), create this
  // many VCs (AF-101), and make a call on each of them.
  std::vector<SapSpec> saps_after_open;
  size_t vcs_after_open = 0;
  bool make_calls_after_open = false;
  // ProtocolClNotifyCloseAf: kSynchronous tears down inside the handler
  // (returning PENDING anyway if some step pends); kPending returns PENDING
  // and tears down from a work item. A non-SUCCESS status is returned as is,
  // without closing anything (AF-068).
  OpPolicy notify_close;
  // ProtocolClIncomingCall: SUCCESS accepts; PENDING answers later with
  // NdisClIncomingCallComplete(status); another status rejects.
  OpPolicy incoming_call;
  // ProtocolCoCreateVc / ProtocolCoDeleteVc for CM-created VCs (never PENDING).
  NDIS_STATUS create_vc_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS delete_vc_status = NDIS_STATUS_SUCCESS;
  // AF-041 (SHOULD): call NdisUnbindAdapter when an open fails.
  bool unbind_on_open_failure = false;
  std::vector<NDIS_MEDIUM> media = {NdisMediumAtm, NdisMediumCoWan, NdisMediumWan, NdisMedium802_3};
};

enum class ClAfState : uint8_t { kOpening, kOpen, kClosing, kClosed, kFailed };
enum class ClSapState : uint8_t {
  kRegistering,
  kRegistered,
  kDeregistering,
  kDeregistered,
  kFailed
};
enum class ClVcState : uint8_t {
  kCreated,   // no call
  kCalling,   // make-call pending
  kActive,    // call up (outgoing, or an accepted incoming call)
  kClosing,   // close-call pending
  kInactive,  // call closed
  kDeleted,
};
const char* ToString(ClAfState s);

class Client;

struct ClBinding {
  enum class State : uint8_t { kOpening, kBound, kUnbinding, kClosing, kDown };
  Client* owner = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_binding = nullptr;
  NDIS_HANDLE bind_context = nullptr;
  NDIS_HANDLE unbind_context = nullptr;
  State state = State::kOpening;
  bool unbind_inline = false;
  UINT selected_medium = 0;
  // AFs offered (ProtocolCoAfRegisterNotify) while an open on this binding
  // was pending, oldest first; opened one at a time afterwards (AF-040).
  std::vector<CO_ADDRESS_FAMILY> deferred_opens;
};

struct ClAf {
  Client* owner = nullptr;
  ClBinding* binding = nullptr;
  size_t index = 0;
  CO_ADDRESS_FAMILY af{};
  NDIS_HANDLE ndis_af = nullptr;  // invalid for us once we call NdisClCloseAddressFamily
  ClAfState state = ClAfState::kOpening;
  NDIS_STATUS open_status = NDIS_STATUS_PENDING;
  NDIS_STATUS close_status = NDIS_STATUS_PENDING;  // last close outcome
  // Tear-down (AF-050 steps) in progress, for a notify-close or an unbind.
  bool teardown = false;
  // A ProtocolClNotifyCloseAf is being served: inside the handler, or
  // pended (then NdisClNotifyCloseAddressFamilyComplete ends it).
  bool notify_active = false;
  bool in_notify = false;
  bool notify_pended = false;
  NDIS_STATUS notify_result = NDIS_STATUS_SUCCESS;
  bool advancing = false;
  bool advance_again = false;
};

struct ClSap {
  ClAf* af = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_sap = nullptr;
  ClSapState state = ClSapState::kRegistering;
  NDIS_STATUS register_status = NDIS_STATUS_PENDING;
  SapBuffer sap;
};

struct ClVc {
  Client* owner = nullptr;
  ClAf* af = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_vc = nullptr;
  bool own = false;      // created by this client (it deletes it, AF-105)
  ClSap* sap = nullptr;  // incoming call: the SAP it arrived on
  ClVcState state = ClVcState::kCreated;
  bool connected = false;  // ProtocolClCallConnected seen
  NDIS_STATUS call_status = NDIS_STATUS_PENDING;
  CO_CALL_PARAMETERS params{};
};

class Client : public LoggingDriver<ClientLog> {
 public:
  using Config = ClientConfig;

  explicit Client(Config config = {}, std::string name = "client");
  ~Client() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }
  NDIS_HANDLE protocol_handle() const { return protocol_handle_; }

  const std::vector<std::unique_ptr<ClBinding>>& bindings() const { return bindings_; }
  const std::vector<std::unique_ptr<ClAf>>& afs() const { return afs_; }
  const std::vector<std::unique_ptr<ClSap>>& saps() const { return saps_; }
  const std::vector<std::unique_ptr<ClVc>>& vcs() const { return vcs_; }

  // ---- Upper edge (call under this driver's actor). ----
  // NdisClCloseAddressFamily on AF `af` as it is (no tear-down first).
  NDIS_STATUS CloseAf(size_t af);
  // The AF-050 steps, then NdisClCloseAddressFamily.
  void TearDownAf(size_t af);
  // NdisClRegisterSap; *sap_index (optional) gets the new SAP's index.
  NDIS_STATUS RegisterSap(size_t af, const SapSpec& sap, size_t* sap_index = nullptr);
  NDIS_STATUS DeregisterSap(size_t sap);
  // NdisCoCreateVc on AF `af`; *vc_index (optional) gets the new VC's index.
  NDIS_STATUS CreateVc(size_t af, size_t* vc_index = nullptr);
  NDIS_STATUS MakeCall(size_t vc);
  NDIS_STATUS CloseCall(size_t vc);
  NDIS_STATUS DeleteVc(size_t vc);

  static NDIS_PROTOCOL_DRIVER_CHARACTERISTICS MakeProtocolCharacteristics();
  static NDIS_PROTOCOL_CO_CHARACTERISTICS MakeCoCharacteristics();
  static NDIS_CO_CLIENT_OPTIONAL_HANDLERS MakeClientHandlers();
  virtual void FillProtocolCharacteristics(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars);
  virtual void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars);
  virtual void FillClientHandlers(NDIS_CO_CLIENT_OPTIONAL_HANDLERS* handlers);

  // ---- Handler logic (overridable by wrappers). ----
  virtual NDIS_STATUS OnSetOptions(NDIS_HANDLE ndis_driver_handle);
  virtual NDIS_STATUS OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params);
  virtual void OnOpenAdapterComplete(ClBinding& binding, NDIS_STATUS status);
  virtual NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE unbind_context, ClBinding& binding);
  virtual void OnCloseAdapterComplete(ClBinding& binding);
  virtual void OnAfRegisterNotify(ClBinding& binding, PCO_ADDRESS_FAMILY af);
  // Also run by the client itself when an open returns non-PENDING (AF-039).
  virtual void OnOpenAfComplete(ClAf& af, NDIS_HANDLE ndis_af, NDIS_STATUS status);
  virtual void OnCloseAfComplete(ClAf& af, NDIS_STATUS status);
  virtual NDIS_STATUS OnNotifyCloseAf(ClAf& af);
  virtual void OnRegisterSapComplete(ClSap& sap, NDIS_HANDLE ndis_sap, NDIS_STATUS status);
  virtual void OnDeregisterSapComplete(ClSap& sap, NDIS_STATUS status);
  virtual NDIS_STATUS OnCreateVc(ClAf& af, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context);
  virtual NDIS_STATUS OnDeleteVc(ClVc& vc);
  virtual void OnMakeCallComplete(ClVc& vc, NDIS_STATUS status);
  virtual void OnCloseCallComplete(ClVc& vc, NDIS_STATUS status);
  virtual NDIS_STATUS OnIncomingCall(ClSap& sap, ClVc& vc, PCO_CALL_PARAMETERS params);

 protected:
  // Continues the AF-050 tear-down of `af` as far as it can go now.
  void Advance(ClAf& af);
  void StartTeardown(ClAf& af);

 private:
  void Step(ClAf& af);
  void FinishTeardown(ClAf& af, NDIS_STATUS status);
  void AfterOpen(ClAf& af);
  bool OpenPending(const ClBinding& binding) const;
  void OpenAf(ClBinding& binding, const CO_ADDRESS_FAMILY& family);
  void OpenDeferred(ClBinding& binding);
  void AdvanceUnbind(ClBinding& binding);
  void FinishUnbind(ClBinding& binding);
  [[nodiscard]] bool Later(ClBinding& binding, std::function<void()> fn);

  static NDIS_STATUS SetOptionsThunk(NDIS_HANDLE, NDIS_HANDLE);
  static NDIS_STATUS BindAdapterThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_BIND_PARAMETERS);
  static NDIS_STATUS UnbindAdapterThunk(NDIS_HANDLE, NDIS_HANDLE);
  static VOID OpenAdapterCompleteThunk(NDIS_HANDLE, NDIS_STATUS);
  static VOID CloseAdapterCompleteThunk(NDIS_HANDLE);
  static VOID CoAfRegisterNotifyThunk(NDIS_HANDLE, PCO_ADDRESS_FAMILY);

  static NDIS_STATUS ClCreateVcThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS ClDeleteVcThunk(NDIS_HANDLE);
  static NDIS_STATUS ClOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST);
  static VOID ClOidRequestCompleteThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST,
                                        NDIS_STATUS);
  static VOID ClOpenAfCompleteThunk(NDIS_HANDLE, NDIS_HANDLE, NDIS_STATUS);
  static VOID ClCloseAfCompleteThunk(NDIS_STATUS, NDIS_HANDLE);
  static VOID ClRegisterSapCompleteThunk(NDIS_STATUS, NDIS_HANDLE, PCO_SAP, NDIS_HANDLE);
  static VOID ClDeregisterSapCompleteThunk(NDIS_STATUS, NDIS_HANDLE);
  static VOID ClMakeCallCompleteThunk(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID ClModifyQosCompleteThunk(NDIS_STATUS, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID ClCloseCallCompleteThunk(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE);
  static VOID ClAddPartyCompleteThunk(NDIS_STATUS, NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID ClDropPartyCompleteThunk(NDIS_STATUS, NDIS_HANDLE);
  static NDIS_STATUS ClIncomingCallThunk(NDIS_HANDLE, NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID ClIncomingCallQosChangeThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static VOID ClIncomingCloseCallThunk(NDIS_STATUS, NDIS_HANDLE, PVOID, UINT);
  static VOID ClIncomingDropPartyThunk(NDIS_STATUS, NDIS_HANDLE, PVOID, UINT);
  static VOID ClCallConnectedThunk(NDIS_HANDLE);
  static NDIS_STATUS ClNotifyCloseAfThunk(NDIS_HANDLE);

  Config config_;
  NDIS_HANDLE protocol_handle_ = nullptr;
  std::vector<WCHAR> name_buffer_;
  std::vector<std::unique_ptr<ClBinding>> bindings_;
  std::vector<std::unique_ptr<ClAf>> afs_;
  std::vector<std::unique_ptr<ClSap>> saps_;
  std::vector<std::unique_ptr<ClVc>> vcs_;
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_CLIENT_CLIENT_H_
