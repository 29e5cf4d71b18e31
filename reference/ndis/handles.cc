// The handle scrambler: a seeded bijection on 64-bit values (see handles.h).
#include "reference/ndis/handles.h"

namespace ndisconf::ndis {
namespace {

// splitmix64: derives independent keys from one seed.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Inverse of an odd multiplier modulo 2^64 (Newton's iteration doubles the
// number of correct low bits each step: 3 -> 6 -> ... -> 96).
uint64_t InverseOdd(uint64_t m) {
  uint64_t inv = m;
  for (int i = 0; i < 5; ++i) inv *= 2 - m * inv;
  return inv;
}

// Inverse of x ^= x >> s.
uint64_t UnXorShift(uint64_t y, int s) {
  uint64_t x = y;
  for (int i = 0; i * s < 64; ++i) x = y ^ (x >> s);
  return x;
}

}  // namespace

const char* HandleKindName(HandleKind kind) {
  switch (kind) {
    case HandleKind::kDriver:
      return "NdisDriverHandle";
    case HandleKind::kAdapter:
      return "MiniportAdapterHandle";
    case HandleKind::kBinding:
      return "NdisBindingHandle";
    case HandleKind::kBindContext:
      return "BindContext";
    case HandleKind::kUnbindContext:
      return "UnbindContext";
    case HandleKind::kAf:
      return "NdisAfHandle";
    case HandleKind::kSap:
      return "NdisSapHandle";
    case HandleKind::kVc:
      return "NdisVcHandle";
    case HandleKind::kWorkItem:
      return "NdisIoWorkItemHandle";
    case HandleKind::kWrapper:
      return "NdisWrapperHandle";
  }
  return "handle";
}

const char* LookupErrorName(LookupError error) {
  switch (error) {
    case LookupError::kNone:
      return "live";
    case LookupError::kNull:
      return "NULL";
    case LookupError::kWrongKind:
      return "wrong kind";
    case LookupError::kStale:
      return "stale";
    case LookupError::kUnknown:
      return "unknown";
  }
  return "?";
}

HandleCodec::HandleCodec(uint64_t seed) {
  uint64_t state = seed;
  k1_ = SplitMix(state);
  k2_ = SplitMix(state);
  m1_ = SplitMix(state) | 1;
  m2_ = SplitMix(state) | 1;
  m1_inv_ = InverseOdd(m1_);
  m2_inv_ = InverseOdd(m2_);
}

// Raw layout: kind in bits 56..63, generation in 32..55, slot in 0..31.
uint64_t HandleCodec::Encode(HandleKind kind, uint32_t slot, uint32_t generation) const {
  uint64_t x = (uint64_t{static_cast<uint8_t>(kind)} << 56) |
               (uint64_t{generation & kGenerationMask} << 32) | slot;
  x ^= k1_;
  x *= m1_;
  x ^= x >> 29;
  x += k2_;
  x *= m2_;
  x ^= x >> 32;
  return x;
}

HandleCodec::Fields HandleCodec::Decode(uint64_t value) const {
  uint64_t x = UnXorShift(value, 32);
  x *= m2_inv_;
  x -= k2_;
  x = UnXorShift(x, 29);
  x *= m1_inv_;
  x ^= k1_;
  return Fields{static_cast<uint8_t>(x >> 56), static_cast<uint32_t>(x),
                static_cast<uint32_t>(x >> 32) & kGenerationMask};
}

}  // namespace ndisconf::ndis
