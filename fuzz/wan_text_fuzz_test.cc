// Fuzz target: the text parser of wan_status programs (fuzz/wan_text.h).
// Any text either parses, and then prints to a text that parses back to
// the same bytes, or is rejected at a position inside the text with a
// message; never a crash, a hang or a read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/wan_text.h"

namespace {

size_t Lines(std::string_view text) {
  size_t n = 1;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<uint8_t> bytes;
  ndisconf::fuzz::WanTextError error;
  if (!ndisconf::fuzz::ParseWanProgram(text, &bytes, &error)) {
    // Our own invariant: the error names a real place and says something.
    if (error.line < 1 || error.line > Lines(text) || error.column < 1 || error.message.empty())
      std::abort();
    return 0;
  }
  const std::string printed = ndisconf::fuzz::PrintWanProgram(bytes.data(), bytes.size());
  std::vector<uint8_t> again;
  if (!ndisconf::fuzz::ParseWanProgram(printed, &again, &error) || again != bytes) std::abort();
  return 0;
}
