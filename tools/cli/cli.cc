// The command-line helpers shared by the project's tools (see cli.h).
#include "tools/cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace ndisconf::cli {

std::string UserPath(std::string_view path) {
  if (path.empty() || path.front() == '/') return std::string(path);
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return std::string(path);
  std::string out = dir;
  if (out.back() != '/') out += '/';
  out += path;
  return out;
}

bool IsTerminal(int fd) { return isatty(fd) == 1; }

size_t OutputColumns(int fd, size_t fallback) {
  if (const char* env = std::getenv("COLUMNS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const unsigned long n = std::strtoul(env, &end, 10);
    if (*end == '\0' && n >= 20 && n <= 1000) return n;
  }
  if (IsTerminal(fd)) {
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  }
  return fallback;
}

bool ColorWanted(int fd) {
  if (!IsTerminal(fd)) return false;
  if (const char* no = std::getenv("NO_COLOR"); no != nullptr && *no != '\0') return false;
  if (const char* term = std::getenv("TERM"); term != nullptr && std::string_view(term) == "dumb")
    return false;
  return true;
}

std::string Printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b == '\\') {
      out += "\\\\";
    } else if (b >= 0x20 && b < 0x7f) {
      out += ch;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

}  // namespace ndisconf::cli
