// tools/cli/cli.h: what every command-line tool of the project does the same
// way: resolve the paths a user typed, and decide how to write to a terminal.
//
// Under `bazel run`, a tool runs inside its runfiles tree, not in the folder
// the user typed the command in; Bazel passes that folder as
// BUILD_WORKING_DIRECTORY. Every path argument goes through UserPath, so
// `bazel run //tools/trace_check -- x.trace` reads ./x.trace and
// `--json=r.json` writes ./r.json, as they would outside Bazel.
#ifndef NDISCONF_TOOLS_CLI_CLI_H_
#define NDISCONF_TOOLS_CLI_CLI_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ndisconf::cli {

// `path` as the user meant it: unchanged if it is empty or absolute, or if
// BUILD_WORKING_DIRECTORY is unset or empty; otherwise
// "$BUILD_WORKING_DIRECTORY/path". Reads the environment on every call.
std::string UserPath(std::string_view path);

// True if `fd` is a terminal.
bool IsTerminal(int fd);

// The width, in columns, to lay text out for on `fd`: $COLUMNS if it is a
// number from 20 to 1000; else the terminal's width if `fd` is a terminal
// that reports one; else `fallback`.
size_t OutputColumns(int fd, size_t fallback);

// True if text written to `fd` may carry ANSI colour: `fd` is a terminal,
// NO_COLOR is unset or empty (https://no-color.org), and TERM is not "dumb".
bool ColorWanted(int fd);

// `bytes` with every byte that is not printable ASCII written as \xNN (and a
// backslash as \\), so untrusted input echoed in a message cannot carry
// control characters or invalid UTF-8 to the terminal.
std::string Printable(std::string_view bytes);

}  // namespace ndisconf::cli

#endif  // NDISCONF_TOOLS_CLI_CLI_H_
