// Fuzz target: the text parser of af_lifecycle programs (fuzz/af_text.h),
// checked with the round-trip property of fuzz/text_round_trip.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/af_text.h"
#include "fuzz/text_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ndisconf::fuzz::CheckTextRoundTrip<ndisconf::fuzz::AfTextError>(
      data, size, ndisconf::fuzz::ParseAfProgram, ndisconf::fuzz::PrintAfProgram);
  return 0;
}
