// Fuzz target: the text parser of wan_status programs (fuzz/wan_text.h),
// checked with the round-trip property of fuzz/text_round_trip.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/text_round_trip.h"
#include "fuzz/wan_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ndisconf::fuzz::CheckTextRoundTrip<ndisconf::fuzz::WanTextError>(
      data, size, ndisconf::fuzz::ParseWanProgram, ndisconf::fuzz::PrintWanProgram);
  return 0;
}
