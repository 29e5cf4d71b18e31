// ndisconf/conformance/monitor/shadow.h: what every rule family of the
// monitor shares (private to //conformance/monitor): the keys and maps of
// the shadow state, and the formatting used when a violation is reported.
#ifndef NDISCONF_CONFORMANCE_MONITOR_SHADOW_H_
#define NDISCONF_CONFORMANCE_MONITOR_SHADOW_H_

#include <ndis.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "reference/boundary/event.h"

namespace ndisconf::monitor {

inline constexpr uint64_t kNull = ~uint64_t{0};  // boundary's kNullSlot
inline constexpr uint64_t kNone = ~uint64_t{0};  // "no event index"

inline constexpr int32_t kSuccess = NDIS_STATUS_SUCCESS;
inline constexpr int32_t kPending = NDIS_STATUS_PENDING;
inline constexpr int32_t kFailure = NDIS_STATUS_FAILURE;
inline constexpr int32_t kNotAccepted = NDIS_STATUS_NOT_ACCEPTED;
inline constexpr int32_t kClosingStatus = NDIS_STATUS_CLOSING;

// A status recorded in an argument slot (the boundary stores uint32).
inline int32_t SlotStatus(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

// Two handles (or a handle and an actor) as one map key.
struct Key {
  uint64_t v;
  uint64_t w;
  bool operator==(const Key& o) const { return v == o.v && w == o.w; }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = k.v * 0x9E3779B97F4A7C15ull ^ (k.w + 0x632BE59BD9B4E019ull + (k.v >> 29));
    return static_cast<size_t>(h ^ (h >> 32));
  }
};
struct U64Hash {
  size_t operator()(uint64_t v) const {
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return static_cast<size_t>(v);
  }
};
template <typename V>
using HMap = std::unordered_map<uint64_t, V, U64Hash>;
template <typename V>
using KMap = std::unordered_map<Key, V, KeyHash>;

// Removes v[i] (order is not kept).
inline void Erase(std::vector<uint64_t>& v, size_t i) {
  v[i] = v.back();
  v.pop_back();
}

// (actor, context) as a key.
inline Key AK(ActorId a, uint64_t ctx) { return Key{ctx, a}; }

// ---- formatting, used only when a violation is reported ----
std::string Hex(uint64_t v);
// An NDIS_STATUS as traces spell it: its short name, or hex (spec::FormatStatus).
std::string St(int32_t s);
// An NDIS_STATUS in hex (the WAN messages print codes, not names).
std::string StHex(int32_t s);
std::string Name(Fn fn);

}  // namespace ndisconf::monitor

#endif  // NDISCONF_CONFORMANCE_MONITOR_SHADOW_H_
