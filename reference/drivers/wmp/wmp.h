// reference/drivers/wmp/wmp.h: the reference NDIS WAN miniport (WMP).
//
// A TAPI-capable NDIS 5.1 WAN miniport (spec 1.2, 2.7-2.9, 3.9) over the NIC
// abstraction (reference/nic/nic.h). It registers with NDIS_USE_WAN_WRAPPER
// and a WanSendHandler (WAN-095), answers the OID_WAN_* and OID_TAPI_*
// requests NDISWAN/NDISTAPI send, and reports line, call and link changes
// with NdisMIndicateStatus (line-up, line-down, fragment, TAPI indication)
// in brackets closed by NdisMIndicateStatusComplete (WAN-010).
//
// Contexts: each adapter is a WmpAdapter, handed to NDIS as the
// MiniportAdapterContext (NdisMSetAttributesEx); an NdisLinkHandle is a
// WmpLink*. The static handlers cast them back; nothing else leads from NDIS
// into the driver. MiniportInitialize has no context parameter in NDIS 5,
// so each Wmp instance claims one of kMaxInstances slots, each with its own
// Initialize entry point, as a separate driver image would have its own
// globals. Adapters, calls and links are never freed before the Wmp is
// destroyed (closed ones are kept as tombstones), so a stale handle from
// NDIS is looked up, never dereferenced.
//
// Hardware: adapter i drives config.nics[i] (found "from its resources").
// Its interrupt line is wired to NDIS through config.raise_interrupt (the
// harness points it at the model's RaiseInterrupt for the adapter).
// MiniportISR masks the NIC and asks for the DPC; MiniportHandleInterrupt
// (DISPATCH_LEVEL) drains the NIC's event FIFO, indicates, then unmasks.
//
// Channels and lines: config.line_count line devices (0 = one per NIC
// channel); line L owns the channels c with c % line_count == L. A call
// holds one channel while it is live; its links (one per device class if
// separate_channels_per_class, else one) carry that channel's frames.
//
// IRQL: serialized by default, so NDIS calls every handler but the ISR at
// DISPATCH_LEVEL and indications made from handlers and the DPC are at
// DISPATCH_LEVEL (WAN-004). Deserialized: handlers may run below it, and a
// pended OID_TAPI_GET_ID makes its line-up from the completing work item
// (PASSIVE_LEVEL), which only a deserialized miniport may do (OQ-27).
#ifndef NDISCONF_REFERENCE_DRIVERS_WMP_WMP_H_
#define NDISCONF_REFERENCE_DRIVERS_WMP_WMP_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"
#include "reference/nic/nic.h"
#include "reference/util/owned_vector.h"

namespace ndisconf::drivers {

// How OID_TAPI_GET_ID("ndis", LINECALLSELECT_CALL) completes.
enum class GetIdCompletion : uint8_t {
  kSynchronous,  // line-up, DeviceID, return SUCCESS (WAN-021)
  kPending,      // return PENDING; line-up then NdisM*InformationComplete (WAN-074)
};

struct WmpConfig {
  // The NIC of adapter 0, 1, ... (not owned; must outlive the Wmp). An
  // adapter with no NIC left fails MiniportInitialize with
  // NDIS_STATUS_ADAPTER_NOT_FOUND.
  std::vector<nic::Nic*> nics;
  // Number of TAPI line devices per adapter; 0 = one per NIC channel.
  uint32_t line_count = 0;
  // NDIS_ATTRIBUTE_DESERIALIZE (WAN-004, OQ-27).
  bool deserialized = false;
  GetIdCompletion get_id = GetIdCompletion::kSynchronous;
  // WAN-034(b): a GET_ID with a data device class not yet used for the call
  // opens a new link (and line-up) instead of returning the first link's.
  bool separate_channels_per_class = false;
  // Device classes that name a data link (compared case-insensitively);
  // "ndis" is the one NDISTAPI uses (WAN-070).
  std::vector<std::string> data_device_classes = {"ndis"};
  // NDIS_WAN_INFO.MaxTransmit, the default send window (WAN-096); clamped
  // to the smallest NIC channel transmit queue.
  uint32_t default_send_window = 4;
  // NDIS_MAC_LINE_UP.SendWindow of every initial line-up; 0 = MaxTransmit.
  USHORT line_up_send_window = 0;
  NDIS_WAN_QUALITY quality = NdisWanErrorControl;
  // Media modes SET_DEFAULT_MEDIA_DETECTION may enable and MAKE_CALL may ask
  // for; others fail with NDIS_STATUS_TAPI_INVALMEDIAMODE.
  ULONG supported_media_modes = LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM;
  // Dialled when MAKE_CALL has no destination address (WAN-084).
  std::string default_number = "100";
  // After MiniportReset, indicate LINE_LINEDEVSTATE(REINIT) on every open
  // line (WAN-067; never filtered by SET_STATUS_MESSAGES, WAN-065).
  bool reinit_after_reset = false;
  // The wiring of the NIC's interrupt line to NDIS: called (from the NIC's
  // handler) with the MiniportAdapterHandle. Empty: the line stays
  // disconnected and NIC events are only seen when NDIS runs the DPC.
  std::function<void(NDIS_HANDLE miniport_adapter_handle)> raise_interrupt;
  // MiniportInitialize's result once everything is registered (injected
  // failure; the NIC is then left untouched).
  NDIS_STATUS initialize_status = NDIS_STATUS_SUCCESS;
};

// One NDIS_MAC_LINE_UP's link (data channel). NdisLinkHandle == this.
struct WmpLink {
  struct WmpAdapter* adapter = nullptr;
  HDRV_CALL hd_call = 0;
  std::string device_class;
  uint32_t channel = 0;
  NDIS_HANDLE link_context = nullptr;  // NDISWAN's, from the initial line-up (WAN-025)
  bool up = false;                     // between line-up and line-down
  ULONG link_speed = 0;                // last indicated, 100 bps units (WAN-029)
  USHORT send_window = 0;
  NDIS_WAN_SET_LINK_INFO link_info{};  // OID_WAN_SET_LINK_INFO
  uint64_t line_ups = 0, fragments = 0, frames_rx = 0, frames_tx = 0;
  NDIS_HANDLE link_handle() { return this; }
};

// A TAPI call (spec 2.8).
struct WmpCall {
  HDRV_CALL hd_call = 0;
  HTAPI_CALL ht_call = 0;  // from MAKE_CALL, or LINE_NEWCALL's ulParam2 (WAN-027, WAN-062)
  size_t line = 0;
  std::optional<uint32_t> channel;  // while the call holds a NIC channel
  bool inbound = false;
  ULONG media_mode = LINEMEDIAMODE_DIGITALDATA;
  ULONG state = 0;              // last LINECALLSTATE_* indicated (0: none yet)
  bool nic_connected = false;   // the NIC reported CallConnected
  bool connected_held = false;  // CONNECTED waits for the line-up (WAN-022)
  bool closed = false;          // CLOSE_CALL done: hd_call is invalid (WAN-086)
  std::vector<WmpLink*> links;
  bool live() const { return state != LINECALLSTATE_IDLE && state != LINECALLSTATE_DISCONNECTED; }
};

struct WmpLine {
  ULONG device_id = 0;  // ulDeviceIDBase + index (WAN-082)
  bool open = false;
  HTAPI_LINE ht_line = 0;  // from OID_TAPI_OPEN (WAN-083)
  HDRV_LINE hd_line = 0;
  ULONG media_modes = 0;  // SET_DEFAULT_MEDIA_DETECTION (WAN-063)
  ULONG line_states = 0;  // SET_STATUS_MESSAGES (WAN-065)
  ULONG address_states = 0;
};

// Counts of what the adapter indicated / completed.
struct WmpCounts {
  uint64_t line_up = 0, line_down = 0, fragment = 0, tapi = 0, status_complete = 0;
  uint64_t receive = 0, receive_complete = 0, send_complete = 0;
  uint64_t offers_rejected = 0;           // incoming calls not indicated (WAN-063)
  uint64_t events_unmatched = 0;          // NIC events for no call / no up link
  uint64_t sends_refused = 0;             // MiniportWanSend not accepted
  std::map<ULONG, uint64_t> tapi_msgs;    // LINE_* -> count
  std::map<ULONG, uint64_t> call_states;  // LINECALLSTATE_* -> count
};

// A pended OID request (GET_ID with GetIdCompletion::kPending).
struct WmpPendingRequest {
  bool active = false;
  bool query = true;
  PVOID buffer = nullptr;
  ULONG length = 0;
  PULONG bytes_done = nullptr;
  PULONG bytes_needed = nullptr;
  HDRV_CALL hd_call = 0;
  std::string device_class;
  ULONG device_id_total = 0;
};

class Wmp;

struct WmpAdapter {
  enum class State : uint8_t { kInitializing, kRunning, kHalted, kFailed };
  Wmp* owner = nullptr;
  size_t index = 0;
  NDIS_HANDLE handle = nullptr;  // MiniportAdapterHandle
  nic::Nic* nic = nullptr;
  State state = State::kInitializing;
  NDIS_MINIPORT_INTERRUPT interrupt{};
  bool interrupt_registered = false;
  bool nic_irq_enabled = true;
  NDIS_SPIN_LOCK lock{};
  bool lock_allocated = false;
  bool lock_held = false;
  ULONG max_transmit = 0;

  bool provider_up = false;
  ULONG device_id_base = 0;
  std::vector<WmpLine> lines;
  OwnedVector<WmpCall> calls;                    // every call ever; closed ones kept
  OwnedVector<WmpLink> links;                    // every link ever
  std::vector<std::deque<PNDIS_WAN_PACKET>> tx;  // per channel, in Transmit order
  std::vector<uint64_t> speed_bps;               // per channel, last known
  WmpPendingRequest pending;
  bool bracket_open = false;  // indications since the last StatusComplete
  WmpCounts counts;

  // The call named by hd_call that CLOSE_CALL has not released, or nullptr.
  WmpCall* FindCall(HDRV_CALL hd_call);
  // The live call holding `channel`, or nullptr.
  WmpCall* CallOnChannel(uint32_t channel);
  // The open line named by hd_line, or nullptr.
  WmpLine* FindLine(HDRV_LINE hd_line);
  // The link whose NdisLinkHandle is `h`, or nullptr (never dereferences h).
  WmpLink* FindLink(NDIS_HANDLE h);
};

class Wmp : public LoggingDriver<WmpLog> {
 public:
  using Config = WmpConfig;
  static constexpr size_t kMaxInstances = 16;

  // Fails (instance() == kNoSlot, DriverEntry returns NDIS_STATUS_RESOURCES)
  // when kMaxInstances Wmps already exist.
  explicit Wmp(Config config, std::string name = "wmp");
  Wmp(nic::Nic& nic, Config config = {}, std::string name = "wmp");
  ~Wmp() override;

  // NdisMInitializeWrapper + NdisMRegisterMiniport (NDIS 5.1,
  // NDIS_USE_WAN_WRAPPER, WAN-095). PASSIVE_LEVEL.
  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }
  NDIS_HANDLE wrapper_handle() const { return wrapper_; }
  size_t adapter_count() const { return adapters_.size(); }
  const WmpAdapter& adapter(size_t i) const { return *adapters_.at(i); }
  WmpAdapter& mutable_adapter(size_t i) { return *adapters_.at(i); }

  // The characteristics DriverEntry registers (tables tests check).
  NDIS_MINIPORT_CHARACTERISTICS MakeCharacteristics() const;

  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  size_t instance() const { return slot_; }

  // ---- A reused driver (fuzz/wan_status runs every input on one stack). ----
  // Checkpoint() saves this driver's state; Rollback() puts it back exactly
  // (adapters, lines, calls and links at their addresses with their saved
  // values, handle numbering, counters, log) and forgets what was made
  // since. The configuration is not part of it (mutable_config() changes
  // stay), nor is a subclass's own state. Both refuse (false) while a work
  // item the driver deferred has not run; Rollback() also without a
  // checkpoint.
  bool Checkpoint();
  bool Rollback();

  // Handlers, virtual so seeded-bug variants can override one step.
  virtual NDIS_STATUS OnInitialize(PUINT selected_medium, PNDIS_MEDIUM media, UINT media_count,
                                   NDIS_HANDLE adapter_handle);
  virtual void OnIsr(WmpAdapter& a, PBOOLEAN recognized, PBOOLEAN queue_dpc);
  virtual void OnHandleInterrupt(WmpAdapter& a);
  virtual NDIS_STATUS OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                                PULONG bytes_done, PULONG bytes_needed);
  virtual NDIS_STATUS OnWanSend(WmpAdapter& a, NDIS_HANDLE link_handle, PNDIS_WAN_PACKET packet);
  virtual void OnHalt(WmpAdapter& a);
  virtual NDIS_STATUS OnReset(WmpAdapter& a, PBOOLEAN addressing_reset);
  virtual bool OnCheckForHang(WmpAdapter& a);

 protected:
  // ---- NIC events (DPC) ----
  void OnNicEvent(WmpAdapter& a, const nic::NicEvent& ev);

  // ---- OID handlers (each after the table's length check) ----
  NDIS_STATUS WanGetInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done);
  NDIS_STATUS WanSetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS WanGetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done);
  NDIS_STATUS TapiProviderInitialize(WmpAdapter& a, std::span<uint8_t> buf, PULONG done);
  NDIS_STATUS TapiProviderShutdown(WmpAdapter& a);
  NDIS_STATUS TapiOpen(WmpAdapter& a, std::span<uint8_t> buf, PULONG done);
  NDIS_STATUS TapiClose(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiSetDefaultMediaDetection(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiSetStatusMessages(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiMakeCall(WmpAdapter& a, std::span<uint8_t> buf, PULONG done);
  NDIS_STATUS TapiAccept(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiAnswer(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiDrop(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiCloseCall(WmpAdapter& a, std::span<uint8_t> buf);
  NDIS_STATUS TapiGetId(WmpAdapter& a, bool query, std::span<uint8_t> buf, PULONG done,
                        PULONG needed);

  // ---- Call and link steps ----
  // The data link of `call` for `device_class`, making the line-up if there
  // is none yet (WAN-021, WAN-034). nullptr if NDISWAN gave no context.
  WmpLink* LinkFor(WmpAdapter& a, WmpCall& call, const std::string& device_class);
  void LineUp(WmpAdapter& a, WmpLink& link, ULONG link_speed);
  void LineDown(WmpAdapter& a, WmpLink& link);
  // Indicates CONNECTED if the NIC connected and a link is up (WAN-022).
  void MaybeConnected(WmpAdapter& a, WmpCall& call);
  // Hangs up the NIC side, brings the links down and indicates `state`
  // (IDLE after DROP, DISCONNECTED with `mode` after a remote end).
  void EndCall(WmpAdapter& a, WmpCall& call, ULONG state, ULONG mode, bool hang_up);
  void CloseCall(WmpAdapter& a, WmpCall& call);
  void CloseLine(WmpAdapter& a, size_t line);
  void SetCallState(WmpAdapter& a, WmpCall& call, ULONG state, ULONG param2 = 0);
  // NDIS_STATUS_TAPI_INDICATION; returns the event after NDIS returned it.
  NDIS_TAPI_EVENT TapiEvent(WmpAdapter& a, HTAPI_LINE ht_line, HTAPI_CALL ht_call, ULONG msg,
                            ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3);
  void Indicate(WmpAdapter& a, NDIS_STATUS status, PVOID buffer, UINT size);
  // Closes the open bracket (WAN-010). Every entry point calls it last.
  void CompleteBracket(WmpAdapter& a);
  void CompleteSends(WmpAdapter& a, uint32_t channel, uint32_t sent, uint32_t dropped);
  void CompletePendingGetId(WmpAdapter& a);
  bool IsDataClass(const std::string& device_class) const;
  std::optional<uint32_t> FreeChannel(WmpAdapter& a, size_t line);

  Config config_;

 private:
  static NDIS_STATUS InitializeFor(size_t slot, PNDIS_STATUS open_error, PUINT selected_medium,
                                   PNDIS_MEDIUM media, UINT media_count, NDIS_HANDLE adapter_handle,
                                   NDIS_HANDLE wrapper_configuration_context);
  template <size_t kSlot>
  static NDIS_STATUS InitializeThunk(PNDIS_STATUS, PUINT, PNDIS_MEDIUM, UINT, NDIS_HANDLE,
                                     NDIS_HANDLE);
  static W_INITIALIZE_HANDLER InitializeHandlerFor(size_t slot);
  static BOOLEAN CheckForHangThunk(NDIS_HANDLE);
  static VOID DisableInterruptThunk(NDIS_HANDLE);
  static VOID EnableInterruptThunk(NDIS_HANDLE);
  static VOID HaltThunk(NDIS_HANDLE);
  static VOID HandleInterruptThunk(NDIS_HANDLE);
  static VOID IsrThunk(PBOOLEAN, PBOOLEAN, NDIS_HANDLE);
  static NDIS_STATUS QueryThunk(NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG, PULONG);
  static NDIS_STATUS SetThunk(NDIS_HANDLE, NDIS_OID, PVOID, ULONG, PULONG, PULONG);
  static NDIS_STATUS ResetThunk(PBOOLEAN, NDIS_HANDLE);
  static NDIS_STATUS WanSendThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_WAN_PACKET);
  static VOID PnPEventThunk(NDIS_HANDLE, ULONG, PVOID, ULONG);
  static VOID ShutdownThunk(NDIS_HANDLE);

  NDIS_HANDLE wrapper_ = nullptr;
  size_t slot_ = kNoSlot;
  uintptr_t next_handle_ = 0x100;  // hdLine / hdCall values, never reused
  OwnedVector<WmpAdapter> adapters_;
  struct Saved;
  std::shared_ptr<Saved> saved_;  // Checkpoint()
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_WMP_WMP_H_
