// reference/drivers/wanproto/wanproto.h: the reference protocol above NDISWAN (PROTO
// in spec 0.2): an NDIS 5.1 protocol that binds to NDISWAN's virtual
// adapter (NdisMediumWan) and reacts to NDIS_WAN_LINE_UP / LINE_DOWN /
// FRAGMENT as the NDIS 5.1 text asks:
//
// - before the first line-up, and on a link after its line-down, it runs
//   with shortened timers and retry counts so that connection attempts fail
//   fast (WAN-036, WAN-041); a line-up restores the normal values;
// - on a fragment indication it sends a notification frame to the peer at
//   once (NdisWanSend on its binding, NdisLinkHandle = the link's
//   RemoteAddress id zero-extended, see ndiswan_core.h UpperLinkId) instead
//   of waiting for a time-out (WAN-054);
// - every other indication is counted and ignored (WAN-006);
// - ProtocolStatus may arrive while ProtocolStatusComplete runs (WAN-012):
//   no state is assumed across the bracket, and such nesting is counted.
//
// The "timers" are values, not clocks: the model has no time. Sends made
// through Send() / notifications go out under whatever actor is running
// (an upper-edge Send() must run under this driver's actor).
#ifndef NDISCONF_REFERENCE_DRIVERS_WANPROTO_WANPROTO_H_
#define NDISCONF_REFERENCE_DRIVERS_WANPROTO_WANPROTO_H_

#include <ndis.h>
#include <ndiswan.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"
#include "reference/drivers/ndiswan/ndiswan_core.h"
#include "reference/util/owned_vector.h"

namespace ndisconf::drivers {

struct WanProtoConfig {
  // Binds only to adapters with this name ("" = any adapter that opens as WAN).
  std::string bind_to = "NDISWAN";
  // Timer / retry values (abstract units).
  ULONG normal_timeout = 3000;
  ULONG normal_retries = 5;
  ULONG degraded_timeout = 100;
  ULONG degraded_retries = 1;
  bool notify_on_fragment = true;  // WAN-054 (SHOULD)
  // Query OID_WAN_GET_INFO at bind time (exercises the upper miniport's
  // sync / pending request path).
  bool query_wan_info = true;
  // The per-link context this protocol writes into LocalAddress[2..5].
  ULONG local_context_base = 0x00C0FFEE;
  ULONG notification_bytes = 8;
};

enum class TimerMode : uint8_t { kDegraded, kNormal };
const char* ToString(TimerMode m);

struct WpLink {
  wan::UpperLinkId id;
  bool up = false;
  TimerMode mode = TimerMode::kDegraded;
  ULONG timeout = 0;
  ULONG retries = 0;
  ULONG link_speed = 0;  // last NDIS_WAN_LINE_UP.LinkSpeed
  ULONG send_window = 0;
  ULONG quality = 0;
  ULONG max_total_size = 0;
  uint64_t line_ups = 0;
  uint64_t line_downs = 0;
  uint64_t fragments = 0;
  uint64_t notifications_sent = 0;    // NdisWanSend calls for WAN-054
  uint64_t notifications_failed = 0;  // refused synchronously or completed with an error
  uint64_t receives = 0;
  ULONG local_context = 0;
};

// One ProtocolStatus as seen, with its decoded arguments.
struct WpIndication {
  NDIS_STATUS status = 0;
  UINT size = 0;
  bool decoded = false;  // buffer large enough for the status's struct
  wan::UpperLinkId link;
  ULONG link_speed = 0, send_window = 0, quality = 0, max_total_size = 0;
  USHORT protocol_type = 0;
  bool inside_status_complete = false;  // WAN-012 nesting
};

struct WanProtoCounters {
  uint64_t indications = 0;
  uint64_t status_completes = 0;
  uint64_t ignored = 0;       // status codes it does not act on (WAN-006)
  uint64_t malformed = 0;     // WAN status with a buffer too small for its struct
  uint64_t unknown_link = 0;  // line-down / fragment / receive for a link never up
  uint64_t nested_in_complete = 0;
  uint64_t sends = 0;  // Send() calls that reached NdisWanSend
  uint64_t send_completes = 0;
  uint64_t receives = 0;
};

class WanProto;

struct WpBinding {
  enum class State : uint8_t { kOpening, kBound, kClosing, kDown };
  WanProto* owner = nullptr;
  size_t index = 0;
  NDIS_HANDLE ndis_binding = nullptr;
  NDIS_HANDLE bind_context = nullptr;
  State state = State::kOpening;
  UINT selected_medium = 0;
  // OID_WAN_GET_INFO from the adapter below.
  NDIS_STATUS wan_info_status = NDIS_STATUS_PENDING;
  NDIS_WAN_INFO wan_info{};
  NDIS_REQUEST request{};
};

class WanProto : public LoggingDriver<WanProtoLog> {
 public:
  using Config = WanProtoConfig;

  explicit WanProto(Config config = {}, std::string name = "wanproto");
  ~WanProto() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  const Config& config() const { return config_; }
  const WanProtoCounters& counters() const { return counters_; }
  const std::vector<std::unique_ptr<WpBinding>>& bindings() const { return bindings_; }
  // The most recent indications seen (at most CallLog::kHistory), oldest first.
  const History<WpIndication>& indications() const { return indications_; }
  const std::map<uint64_t, WpLink>& links() const { return links_; }
  const WpLink* link(wan::UpperLinkId id) const;
  // Mode used for new connection attempts: kNormal iff some link is UP.
  TimerMode mode() const;
  ULONG timeout() const;
  ULONG retries() const;
  size_t outstanding_sends() const { return packets_.size(); }

  // Sends `bytes` bytes on link `id` through binding `binding`
  // (NdisWanSend). Returns its status; FAILURE without calling NDIS for an
  // unknown binding.
  NDIS_STATUS Send(size_t binding, wan::UpperLinkId id, ULONG bytes);

  // The ProtocolStatus and ProtocolStatusComplete this driver registers; their
  // ProtocolBindingContext is a WpBinding* of bindings(). For a harness that
  // delivers status straight to the handler (fuzz/status_handler).
  static STATUS_HANDLER StatusHandler();
  static STATUS_COMPLETE_HANDLER StatusCompleteHandler();
  // Forgets every link, indication and counter, as before the first status
  // indication; bindings stay. Returns false, changing nothing, while a send
  // is outstanding (its completion would name a forgotten link).
  [[nodiscard]] bool ResetStatusState();

  // ---- A reused driver (fuzz/wan_status runs every input on one stack). ----
  // Checkpoint() saves this driver's state; Rollback() puts it back exactly
  // (bindings at their addresses with their saved values, links,
  // indications, counters, log) and forgets what was made since. The
  // configuration is fixed at construction and not part of it, nor is a
  // subclass's own state. Checkpoint() refuses (false) while a send is
  // outstanding or a deferred work item has not run; Rollback() refuses
  // without a checkpoint or while a work item has not run, and drops the
  // sends made since (NDIS and the drivers below are rolled back with it).
  bool Checkpoint();
  bool Rollback();

  // ---- Handler logic. ----
  void OnBindAdapter(PNDIS_STATUS status, NDIS_HANDLE bind_context, PNDIS_STRING device_name);
  void OnOpenAdapterComplete(WpBinding& b, NDIS_STATUS status, NDIS_STATUS open_error);
  void OnUnbindAdapter(PNDIS_STATUS status, WpBinding& b, NDIS_HANDLE unbind_context);
  void OnCloseAdapterComplete(WpBinding& b, NDIS_STATUS status);
  void OnRequestComplete(WpBinding& b, PNDIS_REQUEST request, NDIS_STATUS status);
  // Virtual so a seeded-bug variant can break one step of it.
  virtual void OnStatus(WpBinding& b, NDIS_STATUS general_status, PVOID buffer, UINT size);
  void OnStatusComplete(WpBinding& b);
  void OnWanSendComplete(WpBinding& b, PNDIS_WAN_PACKET packet, NDIS_STATUS status);
  NDIS_STATUS OnWanReceive(NDIS_HANDLE link_context, PUCHAR packet, ULONG size);

 private:
  struct Packet {
    NDIS_WAN_PACKET packet{};
    std::vector<UCHAR> bytes;
    uint64_t link = 0;
    bool notification = false;
  };
  void QueryInfo(WpBinding& b);
  void SetMode(WpLink& link, TimerMode mode);
  NDIS_STATUS SendOn(WpBinding& b, uint64_t link, ULONG bytes, bool notification);

  Config config_;
  size_t slot_;
  NDIS_HANDLE protocol_handle_ = nullptr;
  std::vector<WCHAR> name_buffer_;
  OwnedVector<WpBinding> bindings_;
  std::map<uint64_t, WpLink> links_;
  History<WpIndication> indications_;
  WanProtoCounters counters_;
  std::map<PNDIS_WAN_PACKET, std::unique_ptr<Packet>> packets_;
  int in_status_complete_ = 0;
  struct Saved;
  std::shared_ptr<Saved> saved_;  // Checkpoint()
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_WANPROTO_WANPROTO_H_
