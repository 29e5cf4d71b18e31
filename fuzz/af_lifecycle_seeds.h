// fuzz/af_lifecycle_seeds.h: the named seeds of the af_lifecycle fuzz target
// in their readable source form: the spec's canonical sequences (Appendix A,
// S1-S8) and the orderings that found defects in the reference drivers, each
// built from the input format's tag table (af_lifecycle_input.h), so no tag
// value is spelled twice. `bazel run //fuzz:af_lifecycle_seeds` writes them
// to corpora/af_lifecycle/; //fuzz:af_lifecycle_seeds_test checks that the
// committed files are exactly what this produces and that each seed does
// what its name says.
#ifndef NDISCONF_FUZZ_AF_LIFECYCLE_SEEDS_H_
#define NDISCONF_FUZZ_AF_LIFECYCLE_SEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ndisconf::fuzz {

struct AfSeed {
  std::string name;           // the file name under corpora/af_lifecycle/
  std::vector<uint8_t> data;  // the whole input, scheduler prefix included
  // What it must do on the reference: AFs the clients opened, calls that
  // came up, and bad calls made (all of them refused).
  uint64_t afs_opened = 0;
  uint64_t calls_connected = 0;
  uint64_t bad_calls = 0;
};

// Every named seed, in a fixed order, names unique.
std::vector<AfSeed> AfLifecycleSeeds();

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_LIFECYCLE_SEEDS_H_
