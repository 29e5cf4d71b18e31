// fuzz/af_text.h: the readable text form of an af_lifecycle input (the
// binary format is fuzz/af_lifecycle_input.h; docs/af_program.md describes
// the text), one record per line:
//
//   # a comment line (a `#` after a record is a comment to the line's end)
//   schedule 3 0 1            the scheduler bytes; at most one such line,
//                             before any record (absent: none)
//   load_cm cfg=0x0b          operands by name, in the record's order,
//   close_af c=0 af=1         decimal or 0x hex, each 0-255
//   bad_call c=0 fn=NdisClMakeCall handle=stale
//   run_one
//
// Resource operands (c, af, sap, vc, p, a, m) are indices taken modulo the
// number of live resources of that kind when the record runs, as in the
// binary form. Print then Parse gives an input that decodes to the same
// records (unknown tags and a record cut short print as comments and are
// dropped), and printing that again gives the same text.
#ifndef NDISCONF_FUZZ_AF_TEXT_H_
#define NDISCONF_FUZZ_AF_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::fuzz {

// The text of `data` (any byte string).
std::string PrintAfProgram(const uint8_t* data, size_t size);

// A parse error: 1-based line and column of the offending token.
struct AfTextError {
  size_t line = 0, column = 0;
  std::string message;
};

// Parses `text` into `out` (replaced). False, with `error` set, on the first
// malformed line; `out` is then unspecified.
bool ParseAfProgram(std::string_view text, std::vector<uint8_t>* out, AfTextError* error);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_TEXT_H_
