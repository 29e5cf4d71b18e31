// ndisconf/conformance/monitor/wan/objects.h: the NDIS 5.1 WAN shadow
// objects of the monitor (private to //conformance/monitor): NDIS 5
// miniports and adapters, bindings, links, TAPI lines and calls,
// outstanding requests (spec 2.7-2.9), and the bounds-checked view that
// every WAN status or information buffer is decoded through.
//
// Buffers are decoded with spec/wan_buffers.h, the layouts and
// decoders NDISWAN uses too, with a bounds check against both the length
// the caller claimed and the bytes the event carries; nothing is ever cast
// from a blob.
#ifndef NDISCONF_CONFORMANCE_MONITOR_WAN_OBJECTS_H_
#define NDISCONF_CONFORMANCE_MONITOR_WAN_OBJECTS_H_

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "conformance/monitor/shadow.h"
#include "reference/boundary/event.h"
#include "spec/wan_buffers.h"

namespace ndisconf::monitor::wan {

inline constexpr size_t kBlob = Event::kMaxBlob;

// x64 layouts (spec 4.4): the shared definitions of spec/wan_buffers.h.
inline constexpr size_t kLineUpSize = spec::wan::kMacLineUpSize;      // 40
inline constexpr size_t kLineDownSize = spec::wan::kMacLineDownSize;  // 8
inline constexpr size_t kFragmentSize = spec::wan::kMacFragmentSize;  // 16
inline constexpr size_t kLineUpContextOff = spec::wan::kMacLineUpLinkContextOff;
// NDISWAN's upper edge (NDIS_WAN_*, passed to protocols bound to its
// virtual adapter): LocalAddress and DeviceName are IN OUT (WAN-037).
inline constexpr size_t kWanLineUpSize = spec::wan::kWanLineUpSize;      // 64
inline constexpr size_t kWanLineDownSize = spec::wan::kWanLineDownSize;  // 12
inline constexpr size_t kWanFragmentSize = spec::wan::kWanFragmentSize;  // 12
inline constexpr size_t kWanLocalOff = spec::wan::kWanLineUpLocalAddressOff;
inline constexpr size_t kWanReservedLocal = spec::wan::kWanLineUpReservedLocalBytes;
inline constexpr size_t kWanDeviceNameOff = spec::wan::kWanLineUpDeviceNameOff;
inline constexpr size_t kGetIdDeviceIdOff = spec::wan::kGetIdDeviceIdOff;
inline constexpr uint32_t kDeserialize = NDIS_ATTRIBUTE_DESERIALIZE;

// A bounds-checked view of bytes (reads outside it yield 0).
using Bytes = spec::wan::ByteView;
// The bytes of an event's buffer that may be read: the smaller of the
// length the caller claimed and what the event carries.
inline Bytes View(const uint8_t* blob, uint16_t blob_len, uint64_t claimed) {
  return Bytes::Of(blob, claimed, std::min<size_t>(blob_len, kBlob));
}

inline bool IsTapiOid(uint32_t oid) { return (oid >> 24) == 0x07; }
inline bool IsWanStatus(int32_t s) {
  return s == NDIS_STATUS_WAN_LINE_UP || s == NDIS_STATUS_WAN_LINE_DOWN ||
         s == NDIS_STATUS_WAN_FRAGMENT || s == NDIS_STATUS_TAPI_INDICATION;
}
inline bool IsUnsupported(int32_t s) {
  return s == NDIS_STATUS_NOT_SUPPORTED || s == NDIS_STATUS_INVALID_OID ||
         s == NDIS_STATUS_NOT_RECOGNIZED || s == NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
}

// FNV-1a of a device-class string, lower-cased, up to its NUL.
constexpr uint32_t ClassHash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char ch : s) {
    uint8_t c = static_cast<uint8_t>(ch);
    if (c == 0) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
    h = (h ^ c) * 16777619u;
  }
  return h;
}
inline constexpr uint32_t kNdisClassHash = ClassHash("ndis");

// ---- shadow objects ----

struct Driver {
  bool registered = false;  // NdisMRegisterMiniport seen
  bool wan_wrapper = false;
  uint32_t major = 0;
};

// NDIS_TAPI_GET_ID, as decoded from the request (spec 4.4).
struct GetId {
  bool decoded = false;
  bool class_known = false, ndis = false;
  uint32_t select = 0, class_hash = 0;
  uint64_t hd_line = 0, hd_call = 0;
  uint64_t ht_call = 0;  // the call hdCall names, 0 if unknown
  bool call_known = false;
  bool calls_for_line_up = false;  // WAN-034 decision table
};

// One outstanding request to the miniport (NDIS 5 serializes them).
struct Req {
  bool active = false, pended = false, awaiting_buffer = false;
  uint32_t oid = 0;
  int32_t status = 0;
  uint64_t index = 0;
  uint64_t in_len = 0;
  uint16_t in_blob_len = 0;
  uint8_t in[kBlob];
  GetId g;
  bool line_up_seen = false;
};

struct Adapter {
  ActorId actor = kNoActor;
  uint64_t ctx = 0;
  bool attrs_known = false, deserialized = false;
  bool halted = false;
  // WAN info (OID_WAN_GET_INFO) and TAPI.
  bool wan_info_known = false, tapi_provider = false, tapi_seen = false;
  uint32_t max_transmit = 0;
  bool provider_up = false;
  uint64_t provider_id = 0;
  bool reported_095 = false, reported_095_version = false;
  // Bindings: the DeviceName that NDIS 5 bindings to this adapter carry.
  bool has_name = false;
  uint64_t device_name = 0;
  // Status bracket (2.9).
  bool bracket_open = false;
  uint64_t bracket_since = 0;
  uint8_t nnotified = 0;
  bool notified_overflow = false;
  Key notified[8];
  Req query, set;
};

struct Bind5 {
  bool has_name = false, open = false, closed = false;
  uint64_t device_name = 0;
  uint64_t handle = 0;
};

struct Line {
  uint64_t adapter = 0, hd_line = 0;
  bool provisional = true, open = false, closed = false;
  uint32_t media_modes = 0, line_states = 0, address_states = 0;
};

struct Call {
  uint64_t adapter = 0, ht_line = 0, hd_call = 0;
  bool provisional = true;  // MAKE_CALL not completed yet
  bool closed = false, closed_by_line = false;
  bool from_newcall = false, saw_callstate = false;
  uint32_t state = 0;
  bool drop_owes_idle = false, idle_since_drop = true;
  uint64_t drop_index = 0, since = 0;
  uint64_t lc = 0;  // link context of its line-up, 0 if none
  uint32_t getid_count = 0;
  uint8_t nclasses = 0;
  uint32_t classes[4] = {};
};

struct Link {
  uint64_t adapter = 0, handle = 0, ht_call = 0;
  bool up = false;
  uint32_t window = 0, outstanding = 0;
  uint64_t since = 0, fragments = 0;
};

// NdisMIndicateStatus's buffers for one stack position: the buffer at the
// call, and as the next protocol should see it (a protocol may write
// NdisLinkContext back, WAN-024).
struct IndBuf {
  uint8_t blob[kBlob];
  uint8_t cur[kBlob];
};

// A spin lock (WAN-003), by the NDIS_SPIN_LOCK's address: held or not, by
// whom since when.
struct SpinLock {
  bool held = false;
  ActorId holder = kNoActor;
  uint64_t since = 0;
};

}  // namespace ndisconf::monitor::wan

#endif  // NDISCONF_CONFORMANCE_MONITOR_WAN_OBJECTS_H_
