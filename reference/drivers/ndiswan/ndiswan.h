// reference/drivers/ndiswan/ndiswan.h: the reference NDISWAN intermediate driver
// (spec 1.2), written against <ndis.h> only, as a third party would.
//
// Lower edge: an NDIS 5.1 protocol (NdisRegisterProtocol) that binds to WAN
// miniports (NdisMediumWan, from ProtocolBindAdapter), queries
// OID_WAN_GET_INFO (MaxTransmit = default send window, TAPI_PROVIDER in
// FramingBits, WAN-095/096) and OID_GEN_LINK_SPEED (WAN-029 baseline), and
// judges every ProtocolStatus with wan::Core (ndiswan_core.h): WAN-024,
// WAN-031, WAN-032, WAN-052, WAN-100..103, OQ-22, OQ-24, OQ-25.
//
// NDISTAPI: for TAPI-provider adapters the TAPI requests below are issued as
// NdisRequest with the NDIS_TAPI_* structure of each OID; each returns the
// status NdisRequest gave (SUCCESS, an error, or PENDING, then
// ProtocolRequestComplete records the outcome), or NDIS_STATUS_FAILURE
// without calling NDIS when the binding, line or call is unknown here.
// Upper-edge requests must run under this driver's actor (Stack::As).
//
// Upper edge: an NDIS 5.1 WAN-wrapper miniport (NDIS_USE_WAN_WRAPPER) whose
// virtual adapter (medium NdisMediumWan; the harness adds it under the name
// in NdiswanConfig::virtual_adapter_name) carries NDIS_WAN_LINE_UP / DOWN /
// FRAGMENT indications (WAN-037, WAN-042, WAN-053), bracketed by
// NdisMIndicateStatusComplete as NdiswanConfig::upper_bracket says (by
// default the lower miniport's bracket is mirrored); before that adapter is
// initialized, or when configured, they go to a WanConfigManager sink
// instead (WAN-007).
// Protocols send with NdisWanSend(binding, UpperLinkId handle, packet); the
// packet is passed down only on an UP link (WAN-033), with the miniport's
// NdisLinkHandle (WAN-028), at most SendWindow at a time (WAN-031).
// Receives on UP links go up with NdisMWanIndicateReceive.
//
// Lower-link NdisLinkContext values are opaque integers (never pointers), so
// a stale or forged context can be looked up safely.
#ifndef NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_H_
#define NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"
#include "reference/drivers/ndiswan/ndiswan_core.h"
#include "reference/util/owned_vector.h"

namespace ndisconf::drivers {

// When NDISWAN calls NdisMIndicateStatusComplete on its virtual adapter
// (WAN-010 there: one complete may cover several indications, PV:ff553540).
enum class UpperBracket : uint8_t {
  // An indication forwarded from inside a lower ProtocolStatus is completed
  // when the lower miniport's bracket is: NDISWAN's ProtocolStatusComplete
  // calls NdisMIndicateStatusComplete upward. This is the NDIS 5
  // intermediate-driver pattern of the DDK's Passthru sample (PtStatus ->
  // NdisMIndicateStatus, PtStatusComplete -> NdisMIndicateStatusComplete).
  // An indication NDISWAN makes on its own (the line-downs of an unbind) is
  // completed at once, and so closes any bracket still open.
  kMirrorLower,
  // Every upward indication is followed at once by its own complete.
  kPerIndication,
};

struct NdiswanConfig {
  bool strict = false;                                       // OQ-22
  wan::TapiLayout tapi_layout = wan::TapiLayout::kUlongPtr;  // WAN-102
  uint8_t instance_tag = 1;  // distinguishes handles of two NDISWAN instances
  // The lower edge never binds to an adapter with this name (its own).
  std::string virtual_adapter_name = "NDISWAN";
  bool register_virtual_miniport = true;
  // How the virtual miniport answers queries/sets from the protocols above:
  // synchronously, or PENDING then Ndis(M)*InformationComplete from a work item.
  OpPolicy upper_requests;
  // NDIS_WAN_INFO the virtual adapter reports upward.
  ULONG upper_max_transmit = 8;
  ULONG upper_max_frame = 1500;
  USHORT protocol_type = 0x0800;  // NDIS_WAN_LINE_UP.ProtocolType
  // Also hand every forwarded indication to the config-manager sink.
  bool always_notify_config_manager = false;
  UpperBracket upper_bracket = UpperBracket::kMirrorLower;
};

// One indication NDISWAN forwarded (to protocols or to the config manager).
struct UpperIndication {
  NDIS_STATUS status = 0;  // NDIS_STATUS_WAN_LINE_UP / _LINE_DOWN / _FRAGMENT
  wan::UpperLinkId link;
  ULONG link_speed = 0;
  ULONG quality = 0;
  ULONG send_window = 0;
  bool to_protocols = false;  // via NdisMIndicateStatus on the virtual adapter
};

// WAN-007: where indications go with no protocol above.
class WanConfigManager {
 public:
  virtual ~WanConfigManager() = default;
  virtual void OnWanIndication(const UpperIndication& indication) = 0;
};

// Where decoded TAPI events go (the TAPI applications above NDISTAPI).
class TapiEventSink {
 public:
  virtual ~TapiEventSink() = default;
  virtual void OnTapiEvent(const wan::TapiEvent& event) = 0;
};

class Ndiswan;

struct WanLowerBinding {
  enum class State : uint8_t { kOpening, kBound, kClosing, kDown };
  Ndiswan* owner = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_binding = nullptr;
  NDIS_HANDLE bind_context = nullptr;
  State state = State::kOpening;
  UINT selected_medium = 0;
  std::u16string adapter_name;
  bool wan_info_known = false;    // OID_WAN_GET_INFO answered
  bool link_speed_known = false;  // OID_GEN_LINK_SPEED answered
  NDIS_WAN_INFO wan_info{};
  // NDISTAPI provider state (WAN-082, WAN-090).
  bool provider_up = false;
  ULONG device_id_base = 0;
  ULONG num_line_devs = 0;
  ULONG_PTR provider_id = 0;
};

// One NdisRequest NDISWAN issued, and how it ended.
struct WanRequestRecord {
  NDIS_OID oid = 0;
  size_t binding = 0;
  uintptr_t subject = 0;                           // htLine / htCall the request is about (0: none)
  NDIS_STATUS returned = 0;                        // what NdisRequest gave
  NDIS_STATUS final_status = NDIS_STATUS_PENDING;  // after ProtocolRequestComplete
  bool completed = false;
};

// Per-link send accounting (WAN-031, WAN-033).
struct WanLinkSends {
  size_t outstanding = 0;      // in MiniportWanSend, not yet completed
  size_t max_outstanding = 0;  // high-water mark (must stay <= window)
  uint64_t passed_down = 0;    // NdisWanSend calls made for this link
  uint64_t completed = 0;
  uint64_t queued_total = 0;    // packets that had to wait for a slot
  uint64_t failed_on_down = 0;  // queued packets failed because the link went down
};

class Ndiswan : public LoggingDriver<NdiswanLog> {
 public:
  using Config = NdiswanConfig;

  explicit Ndiswan(Config config = {}, std::string name = "ndiswan");
  ~Ndiswan() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  const Config& config() const { return config_; }
  wan::Core& core() { return core_; }
  const wan::Core& core() const { return core_; }
  const wan::Counters& counters() const { return core_.counters(); }
  NDIS_HANDLE protocol_handle() const { return protocol_handle_; }
  NDIS_STATUS register_protocol_status() const { return register_protocol_status_; }
  NDIS_STATUS register_miniport_status() const { return register_miniport_status_; }
  // The virtual adapter's MiniportAdapterHandle (nullptr before MiniportInitialize).
  NDIS_HANDLE upper_adapter() const { return upper_adapter_; }

  const std::vector<std::unique_ptr<WanLowerBinding>>& bindings() const { return bindings_; }
  const std::vector<WanRequestRecord>& requests() const { return requests_; }
  // The most recent upward indications (at most CallLog::kHistory), oldest first.
  const History<UpperIndication>& forwarded() const { return forwarded_; }
  const WanLinkSends* sends(wan::LinkContext c) const;
  size_t queued(wan::LinkContext c) const;

  // Sinks are borrowed; nullptr restores the built-in recorders below.
  void set_config_manager(WanConfigManager* cm) { config_manager_ = cm; }
  void set_tapi_sink(TapiEventSink* sink) { tapi_sink_ = sink; }
  // What the built-in recorders got.
  const std::vector<UpperIndication>& config_manager_log() const { return cm_log_; }
  const std::vector<wan::TapiEvent>& tapi_events() const { return tapi_log_; }

  // ---- NDISTAPI upper edge (as TAPI applications reach it). ----
  NDIS_STATUS ProviderInitialize(size_t binding, ULONG device_id_base);
  NDIS_STATUS ProviderShutdown(size_t binding);
  // *ht_line gets NDISTAPI's handle for the line (valid once the open succeeded).
  NDIS_STATUS Open(size_t binding, ULONG device_id, HTAPI_LINE* ht_line);
  NDIS_STATUS Close(HTAPI_LINE ht_line);
  NDIS_STATUS SetDefaultMediaDetection(HTAPI_LINE ht_line, ULONG media_modes);
  NDIS_STATUS SetStatusMessages(HTAPI_LINE ht_line, ULONG line_states, ULONG address_states);
  // *ht_call gets NDISTAPI's handle (valid once the request succeeded).
  NDIS_STATUS MakeCall(HTAPI_LINE ht_line, std::string_view number, HTAPI_CALL* ht_call);
  // OID_TAPI_GET_ID for a call (LINECALLSELECT_CALL; default class "ndis":
  // DeviceID = NdisLinkContext, WAN-026, OQ-23) or a line
  // (LINECALLSELECT_LINE; "tapi/line"). Results land in the call / line.
  NDIS_STATUS GetCallId(HTAPI_CALL ht_call, std::string_view device_class = "ndis");
  NDIS_STATUS GetLineId(HTAPI_LINE ht_line, std::string_view device_class = "tapi/line");
  NDIS_STATUS Accept(HTAPI_CALL ht_call);
  NDIS_STATUS Answer(HTAPI_CALL ht_call);
  NDIS_STATUS Drop(HTAPI_CALL ht_call);
  NDIS_STATUS CloseCall(HTAPI_CALL ht_call);
  // Any request NDISTAPI may pass down unchanged: a query (or a set) of
  // `oid` with a copy of `buffer` (at most kMaxRawRequest bytes) as its
  // information buffer, for one NDISWAN does not build itself (an optional
  // TAPI OID, a handle the miniport never gave out). NDISWAN keeps nothing
  // of its outcome but the record in requests(). FAILURE without calling
  // NDIS for an unknown binding or a buffer too large.
  static constexpr size_t kMaxRawRequest = 4096;
  NDIS_STATUS RawRequest(size_t binding, bool query, NDIS_OID oid, std::span<const uint8_t> buffer);
  // Counts GET_ID "ndis" answers whose DeviceID names no UP link of the call.
  uint64_t get_id_mismatches() const { return get_id_mismatches_; }

  // The ProtocolStatus and ProtocolStatusComplete of the lower edge; their
  // ProtocolBindingContext is a WanLowerBinding* of bindings(). For a harness
  // that delivers status straight to the handler (fuzz/status_handler).
  static STATUS_HANDLER LowerStatusHandler();
  static STATUS_COMPLETE_HANDLER LowerStatusCompleteHandler();
  // Forgets every link, TAPI call, forwarded indication and status counter
  // (wan::Core::ResetLinks), as before the first status indication; bindings,
  // adapter information and open TAPI lines stay. Returns false, changing
  // nothing, while a send is in flight or an upper status bracket is open.
  [[nodiscard]] bool ResetStatusState();

  // ---- A reused driver (fuzz/wan_status runs every input on one stack). ----
  // Checkpoint() saves this driver's state; Rollback() puts it back exactly
  // (bindings at their addresses with their saved values, the core's links,
  // lines and calls, requests, forwarded indications, send accounting,
  // counters, log) and forgets what was made since. The configuration is
  // fixed at construction and not part of it, nor is a subclass's own
  // state. Checkpoint() refuses (false) while a request or a send is in
  // flight or a deferred work item has not run; Rollback() refuses without a
  // checkpoint or while a work item has not run, and drops the requests and
  // sends made since (NDIS and the miniport are rolled back with it).
  bool Checkpoint();
  bool Rollback();

  // ---- Handler logic. ----
  void OnBindAdapter(PNDIS_STATUS status, NDIS_HANDLE bind_context, PNDIS_STRING device_name);
  void OnOpenAdapterComplete(WanLowerBinding& b, NDIS_STATUS status, NDIS_STATUS open_error);
  void OnUnbindAdapter(PNDIS_STATUS status, WanLowerBinding& b, NDIS_HANDLE unbind_context);
  void OnCloseAdapterComplete(WanLowerBinding& b, NDIS_STATUS status);
  void OnRequestComplete(WanLowerBinding& b, PNDIS_REQUEST request, NDIS_STATUS status);
  // Virtual so a seeded-bug variant can break one step of it.
  virtual void OnStatus(WanLowerBinding& b, NDIS_STATUS general_status, PVOID buffer, UINT size);
  void OnStatusComplete(WanLowerBinding& b);
  void OnWanSendComplete(WanLowerBinding& b, PNDIS_WAN_PACKET packet, NDIS_STATUS status);
  NDIS_STATUS OnWanReceive(NDIS_HANDLE link_context, PUCHAR packet, ULONG size);
  // Virtual miniport.
  NDIS_STATUS OnMiniportInitialize(PUINT selected, PNDIS_MEDIUM media, UINT media_count,
                                   NDIS_HANDLE adapter_handle);
  void OnMiniportHalt();
  NDIS_STATUS OnMiniportQuery(NDIS_OID oid, PVOID buffer, ULONG length, PULONG written,
                              PULONG needed);
  NDIS_STATUS OnMiniportSet(NDIS_OID oid, PVOID buffer, ULONG length, PULONG read, PULONG needed);
  NDIS_STATUS OnMiniportWanSend(NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet);

  struct Request;  // an NdisRequest in flight (ndiswan_impl.h)
  struct Send;     // one upper packet on its way down

 private:
  NDIS_STATUS Issue(WanLowerBinding& b, std::unique_ptr<Request> r);
  void Finish(WanLowerBinding& b, Request& r, NDIS_STATUS status);
  WanLowerBinding* Binding(size_t i);
  WanLowerBinding* TapiBinding(size_t i);
  void Forward(const wan::Outcome& o);
  void IndicateUp(UpperIndication ind, PVOID buffer, UINT size);
  void TryPassDown(wan::Link& link);
  void FailQueued(wan::Link& link);
  void CompleteUp(Send& s, NDIS_STATUS status);
  void QueryAdapter(WanLowerBinding& b);
  void RefreshAdapterInfo(WanLowerBinding& b);

  Config config_;
  wan::Core core_;
  size_t slot_;
  NDIS_HANDLE protocol_handle_ = nullptr;
  NDIS_HANDLE wrapper_handle_ = nullptr;
  NDIS_STATUS register_protocol_status_ = NDIS_STATUS_FAILURE;
  NDIS_STATUS register_miniport_status_ = NDIS_STATUS_FAILURE;
  NDIS_HANDLE upper_adapter_ = nullptr;
  // Inside a lower ProtocolStatus (nesting depth), and whether the virtual
  // adapter has indicated since its last NdisMIndicateStatusComplete.
  int in_lower_status_ = 0;
  bool upper_bracket_open_ = false;
  std::vector<WCHAR> name_buffer_;
  OwnedVector<WanLowerBinding> bindings_;
  std::map<PNDIS_REQUEST, std::unique_ptr<Request>> in_flight_;
  std::vector<WanRequestRecord> requests_;
  History<UpperIndication> forwarded_;
  std::vector<UpperIndication> cm_log_;
  std::vector<wan::TapiEvent> tapi_log_;
  WanConfigManager* config_manager_ = nullptr;
  TapiEventSink* tapi_sink_ = nullptr;
  uint64_t get_id_mismatches_ = 0;
  // Sends: per link (keyed by NdisLinkContext value).
  std::map<uintptr_t, WanLinkSends> link_sends_;
  std::map<uintptr_t, std::deque<Send*>> link_queue_;
  std::map<PNDIS_WAN_PACKET, std::unique_ptr<Send>> sends_;  // keyed by our lower packet
  // Per-link storage for the NDIS_WAN_LINE_UP strings and protocol buffers.
  struct UpperLinkData {
    std::vector<WCHAR> device_name;
    std::vector<UCHAR> protocol_buffer;
  };
  std::map<uintptr_t, UpperLinkData> upper_data_;
  struct Saved;
  std::shared_ptr<Saved> saved_;  // Checkpoint()
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_H_
