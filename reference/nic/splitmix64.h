// reference/nic/splitmix64.h: the seeded generator behind SoftNic's random
// choices. Implemented here (not <random>) so that a seed means the same
// sequence on every standard library and platform.
#ifndef NDISCONF_REFERENCE_NIC_SPLITMIX64_H_
#define NDISCONF_REFERENCE_NIC_SPLITMIX64_H_

#include <cstdint>
#include <limits>

namespace ndisconf::nic {

// SplitMix64 (Steele, Lea, Flood): a 64-bit counter passed through a
// bijective mixer. Every seed, including 0, gives a full-period sequence.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform-enough value in [0, n); 0 when n == 0. (Modulo bias is below
  // 2^-30 for the bounds SoftNic uses and does not affect determinism.)
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }

  // Value in [lo, hi]; lo when hi < lo.
  uint64_t InRange(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = hi - lo;
    if (span == std::numeric_limits<uint64_t>::max()) return Next();
    return lo + Below(span + 1);
  }

 private:
  uint64_t state_;
};

}  // namespace ndisconf::nic

#endif  // NDISCONF_REFERENCE_NIC_SPLITMIX64_H_
