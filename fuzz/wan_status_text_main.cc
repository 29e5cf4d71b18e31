// wan_status_text: converts wan_status inputs between the binary form the
// fuzzer runs and the readable text (fuzz/wan_text.h); contract §3.
//
//   bazel run //fuzz:wan_status_text -- print IN        text on stdout
//   bazel run //fuzz:wan_status_text -- parse TEXT OUT  writes the binary
//
// Relative paths are taken from the folder `bazel run` was typed in.
// Exit 0; 1 on malformed text (`FILE:LINE:COL: message` on stderr); 2 on a
// bad command line or an I/O error.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/wan_text.h"
#include "tools/cli/cli.h"

namespace {

bool Read(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

bool Write(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  f.close();
  return static_cast<bool>(f);
}

int Usage() {
  std::fputs("usage: wan_status_text print IN | parse TEXT OUT\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string cmd = argv[1];
  if (cmd == "print" && argc == 3) {
    const std::string in = ndisconf::cli::UserPath(argv[2]);
    std::string bytes;
    if (!Read(in, &bytes)) {
      std::fprintf(stderr, "wan_status_text: cannot read %s\n", in.c_str());
      return 2;
    }
    const std::string text = ndisconf::fuzz::PrintWanProgram(
        reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  if (cmd == "parse" && argc == 4) {
    const std::string in = ndisconf::cli::UserPath(argv[2]);
    const std::string out = ndisconf::cli::UserPath(argv[3]);
    std::string text;
    if (!Read(in, &text)) {
      std::fprintf(stderr, "wan_status_text: cannot read %s\n", in.c_str());
      return 2;
    }
    std::vector<uint8_t> bytes;
    ndisconf::fuzz::WanTextError e;
    if (!ndisconf::fuzz::ParseWanProgram(text, &bytes, &e)) {
      std::fprintf(stderr, "%s:%zu:%zu: %s\n", argv[2], e.line, e.column,
                   ndisconf::cli::Printable(e.message).c_str());
      return 1;
    }
    if (!Write(out, bytes)) {
      std::fprintf(stderr, "wan_status_text: cannot write %s\n", out.c_str());
      return 2;
    }
    return 0;
  }
  return Usage();
}
