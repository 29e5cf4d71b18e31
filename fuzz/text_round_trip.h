// fuzz/text_round_trip.h: the property every program text parser's fuzz
// target checks (af_text, wan_text). Any text either parses, and then prints
// to a text that parses back to the same bytes, or is rejected at a line
// and column inside the text with a message; never a crash, a hang or a
// read out of bounds. A broken property aborts, so libFuzzer records it.
#ifndef NDISCONF_FUZZ_TEXT_ROUND_TRIP_H_
#define NDISCONF_FUZZ_TEXT_ROUND_TRIP_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::fuzz {

// Parse(text, &bytes, &error) -> bool; Print(data, size) -> std::string;
// Error has line, column and message.
template <class Error, class Parse, class Print>
void CheckTextRoundTrip(const uint8_t* data, size_t size, Parse parse, Print print) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<uint8_t> bytes;
  Error error;
  if (!parse(text, &bytes, &error)) {
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (error.line < 1 || error.line > lines || error.column < 1 || error.message.empty())
      std::abort();
    return;
  }
  const std::string printed = print(bytes.data(), bytes.size());
  std::vector<uint8_t> again;
  if (!parse(printed, &again, &error) || again != bytes) std::abort();
}

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_TEXT_ROUND_TRIP_H_
