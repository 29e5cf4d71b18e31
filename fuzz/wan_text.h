// fuzz/wan_text.h: the readable text form of a wan_status input (the binary
// format is described at the top of fuzz/wan_status_fuzz_test.cc; tags and
// selectors in fuzz/wan_status_input.h), one record per line:
//
//   # a comment line (a `#` after a record is a comment to the line's end)
//   schedule 3 0 1              the scheduler bytes (first line; absent: none)
//   indicate sel=line_up size=40 flags=0x02 payload=00112233...
//   indicate sel=raw status=0x40010012 size=8 flags=0 payload=0000000000000000
//   complete
//   fault kind=link_loss arg=0
//   pump n=7
//   interrupt
//   tapi op=get_id
//   skip tag=0x06               an unknown tag (the target skips the byte)
//   tail 0x00 0x01              bytes that end the input inside a record
//
// Operands are named, in this order; a value is a name or a number (decimal
// or 0x hex) in the operand's range. sel: line_up line_down fragment
// tapi_indication media_connect raw, or a byte (an unknown one ends the
// record: the target skips it); kind: the FAULT kinds of WanFaultForTag
// (link_loss flap speed_change crc framing hw_overrun buffer_overrun timeout
// alignment partial_frame reset hang) or a byte; op: drop close_call get_id
// make_call or a byte; size: 0-65535 as the two bytes hold it (the target
// uses size % 1025); payload: hex, exactly min(size % 1025, 64) bytes, or
// fewer on the last line (the input ends there). Printing any byte string
// and parsing the text gives the same bytes back; printing again gives the
// same text.
#ifndef NDISCONF_FUZZ_WAN_TEXT_H_
#define NDISCONF_FUZZ_WAN_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::fuzz {

// The text of `data` (any byte string).
std::string PrintWanProgram(const uint8_t* data, size_t size);

// A parse error: 1-based line and column of the offending token.
struct WanTextError {
  size_t line = 0, column = 0;
  std::string message;
};

// Parses `text` into `out` (replaced). False, with `error` set, on the first
// malformed line; `out` is then unspecified.
bool ParseWanProgram(std::string_view text, std::vector<uint8_t>* out, WanTextError* error);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_TEXT_H_
