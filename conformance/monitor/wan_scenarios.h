// ndisconf/conformance/monitor/wan_scenarios.h: event sequences of the
// spec's NDIS WAN canonical scenarios (Appendix A W1-W3), built by hand at
// the boundary's event level, for the monitor's WAN tests and the WAN
// trace files (conformance/trace/testdata/w*.trace are their text form).
//
// Actors: 1 = the WAN miniport ("wmp"), 2 = NDISWAN ("ndiswan"). One
// serialized adapter (MiniportAdapterHandle 0xa001, context 0xc001), one
// NDISWAN binding (ProtocolBindingContext 0xcb1), one line (htLine 0x11,
// hdLine 0x21). Handles are fixed so tests can name them.
#ifndef NDISCONF_CONFORMANCE_MONITOR_WAN_SCENARIOS_H_
#define NDISCONF_CONFORMANCE_MONITOR_WAN_SCENARIOS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "reference/boundary/event.h"

namespace ndisconf::monitor::wan_scenarios {

inline constexpr ActorId kWmp = 1, kNdiswan = 2;
inline constexpr uint64_t kMh = 0xa001, kCtx = 0xc001, kBindCtx = 0xcb1;
inline constexpr uint64_t kHtLine = 0x11, kHdLine = 0x21;
// W1 (outbound): htCall 0x31, hdCall 0x41, NdisLinkHandle 0x51, context 0x61.
inline constexpr uint64_t kHtCall = 0x31, kHdCall = 0x41, kLinkHandle = 0x51, kLc = 0x61;
// W2 (inbound): htCall 0x32 (written by NDISTAPI), hdCall 0x42, handle 0x52, context 0x62.
inline constexpr uint64_t kInHtCall = 0x32, kInHdCall = 0x42, kInLinkHandle = 0x52, kInLc = 0x62;

using Buf = std::vector<uint8_t>;
Buf Zeros(size_t n);
void Put16(Buf& b, size_t off, uint16_t v);
void Put32(Buf& b, size_t off, uint32_t v);
void Put64(Buf& b, size_t off, uint64_t v);

// NDIS_MAC_LINE_UP (40 bytes).
Buf LineUp(uint32_t speed, uint32_t quality, uint16_t window, uint64_t cwid, uint64_t handle,
           uint64_t lc);
// NDIS_TAPI_EVENT (48 bytes).
Buf TapiEvent(uint64_t ht_line, uint64_t ht_call, uint32_t msg, uint64_t p1, uint64_t p2,
              uint64_t p3);
// NDIS_TAPI_GET_ID request with the class string after the struct (88 bytes),
// and the same buffer as the miniport completes it (DeviceID = `device_id`, OQ-23).
Buf GetIdIn(uint32_t select, uint64_t hd_line, uint64_t hd_call, const char* device_class);
Buf GetIdOut(Buf in, uint64_t device_id);

// Builds a run's events with consecutive indexes.
class Builder {
 public:
  Builder& Call(ActorId a, Fn fn, std::initializer_list<uint64_t> args, uint8_t irql,
                const Buf* blob = nullptr);
  Builder& Ret(ActorId a, Fn fn, int32_t status, std::initializer_list<uint64_t> out, uint8_t irql,
               const Buf* blob = nullptr);

  // Registration, initialization (NdisMSetAttributesEx with `attribute_flags`)
  // and NDISWAN's binding to the adapter.
  Builder& Setup(uint32_t reserved = 1 /* NDIS_USE_WAN_WRAPPER */, uint32_t attribute_flags = 0);
  // A query / set to the miniport at DISPATCH_LEVEL; `inside` runs before
  // it returns. A query returns `out` as the buffer after the call.
  Builder& Query(uint32_t oid, const Buf& in, const Buf& out, int32_t status = 0,
                 const std::function<void()>& inside = {});
  Builder& Set(uint32_t oid, const Buf& in, int32_t status = 0,
               const std::function<void()>& inside = {});
  // NdisMIndicateStatus with NDISWAN's ProtocolStatus nested; `after` is
  // the buffer as NDISWAN leaves it (empty: unchanged).
  Builder& Indicate(int32_t general_status, const Buf& before, const Buf& after = {},
                    uint8_t irql = 2, bool deliver = true);
  // NdisMIndicateStatusComplete with NDISWAN's ProtocolStatusComplete nested.
  Builder& Complete(uint8_t irql = 2, bool deliver = true);
  Builder& Tapi(uint64_t ht_call, uint32_t msg, uint64_t p1, uint64_t p2 = 0, uint64_t p3 = 0);

  // W1 steps 1-3 (GET_INFO with TAPI_PROVIDER and MaxTransmit 2,
  // PROVIDER_INITIALIZE, OPEN), then MAKE_CALL (with DIALING inside).
  Builder& OpenLine();
  Builder& MakeCall();
  // GET_ID("ndis", CALL) for `hd_call` with the initial line-up inside.
  Builder& GetIdWithLineUp(uint64_t hd_call, uint64_t ht_call, uint64_t handle, uint64_t lc,
                           uint16_t window = 0);

  std::vector<Event> events;

 private:
  uint64_t next_ = 0;
};

// Appendix A, clean: no rule is broken.
std::vector<Event> W1OutboundCall();
std::vector<Event> W2InboundCall();
std::vector<Event> W3FragmentAndLineDown();  // W1, then W3's steps
// W1 steps 1-7 as a Builder, so tests can append to it.
Builder W1Builder();

}  // namespace ndisconf::monitor::wan_scenarios

#endif  // NDISCONF_CONFORMANCE_MONITOR_WAN_SCENARIOS_H_
