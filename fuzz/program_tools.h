// fuzz/program_tools.h: the command-line tools every program-shaped fuzz
// target has, written once: `<t>_text` (print and parse the readable form)
// and `<t>_random_walk` (the feedback-free baseline). Each target supplies
// its grammar's functions; the flags, files, messages and exit statuses are
// the same for all (docs/fuzzing.md).
#ifndef NDISCONF_FUZZ_PROGRAM_TOOLS_H_
#define NDISCONF_FUZZ_PROGRAM_TOOLS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/nic/splitmix64.h"

namespace ndisconf::fuzz {

// A whole file's bytes; false if it cannot be read.
bool ReadWholeFile(const std::string& path, std::string* out);
// Writes (replaces) a file; false on any error.
bool WriteWholeFile(const std::string& path, const std::vector<uint8_t>& bytes);

// Where a text fails to parse (1-based line and column).
struct ProgramTextError {
  size_t line = 0, column = 0;
  std::string message;
};

struct ProgramText {
  const char* tool;  // the tool's name, the prefix of its messages
  std::function<std::string(const uint8_t*, size_t)> print;
  std::function<bool(std::string_view, std::vector<uint8_t>*, ProgramTextError*)> parse;
};

// `TOOL print IN` (the text on stdout) and `TOOL parse TEXT OUT` (writes the
// binary). Returns the exit status: 0; 1 on malformed text, with
// `TEXT:LINE:COL: message` on stderr; 2 on an I/O error. nullopt when argv
// is neither command, for the caller's own commands or usage line.
std::optional<int> RunProgramTextCommand(int argc, char** argv, const ProgramText& form);

// The first violation of a program's run; an empty rule when there was none.
struct WalkVerdict {
  std::string rule, check, message;
  uint64_t event = 0;
};

struct RandomWalk {
  const char* tool;
  // A random program of the grammar: a pure function of the generator.
  std::function<std::vector<uint8_t>(nic::SplitMix64&)> program;
  // Runs one program on the implementation NDISCONF_IMPL names; nullopt
  // when there is none (after saying so on stderr).
  std::function<std::optional<WalkVerdict>(const std::vector<uint8_t>&)> run;
  // The program as a reader sees it, printed after the violation line.
  std::function<std::string(const std::vector<uint8_t>&)> describe;
};

// `TOOL --seed=N --max_total_time=SECONDS [--out=FILE]`: random programs
// until the first violation (the `ndisconf-violation:` line, the program,
// `random-walk: programs=K` on stderr, the input written to FILE, exit 1) or
// the time limit (`random-walk: programs=K`, exit 0). Only the stop time
// reads the clock. Exit 2 on a bad argument or no implementation.
int RandomWalkMain(int argc, char** argv, const RandomWalk& walk);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_PROGRAM_TOOLS_H_
