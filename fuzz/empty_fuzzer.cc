// The baseline of the fuzzers' speed figures (docs/performance.md): a target
// that does nothing, built with the same flags as the real ones, so a
// target's exec/s can be given as a ratio to what libFuzzer itself costs.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }
