// fuzz/wan_status_seeds.h: the hand-written seeds of the wan_status fuzz
// target, in their readable source form. Each seed is built from the input
// format's tag tables (wan_status_input.h) and, for its status buffers, the
// encoders of spec/wan_buffers.h, so no offset or tag value is
// spelled twice. `bazel run //fuzz:wan_status_seeds` writes them to
// corpora/wan_status/; //fuzz:wan_status_seeds_test checks that the committed
// files are exactly what this produces and that each does what its name says.
#ifndef NDISCONF_FUZZ_WAN_STATUS_SEEDS_H_
#define NDISCONF_FUZZ_WAN_STATUS_SEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ndisconf::fuzz {

struct NamedSeed {
  std::string name;           // the file name under corpora/wan_status/
  std::vector<uint8_t> data;  // the whole input, scheduler prefix included
};

// Every hand-written seed, in a fixed order, names unique.
std::vector<NamedSeed> WanStatusSeeds();

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_STATUS_SEEDS_H_
