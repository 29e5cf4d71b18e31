// wan_status_seeds: writes the hand-written seeds of the wan_status fuzz
// target (fuzz/wan_status_seeds.h) as files.
//
//   bazel run //fuzz:wan_status_seeds -- [--out=DIR]
//
// DIR defaults to corpora/wan_status; a relative DIR is taken from the folder
// `bazel run` was typed in (run it from the project root). Existing files of
// the same names are overwritten; other files are left alone. Exit 0 on
// success, 2 on a bad argument or an I/O error (with a message).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz/wan_status_seeds.h"
#include "tools/cli/cli.h"

namespace {

constexpr char kUsage[] =
    "usage: wan_status_seeds [--out=DIR]\n"
    "Writes the named wan_status fuzz seeds into DIR (default corpora/wan_status).\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "wan_status_seeds: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = "corpora/wan_status";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg.starts_with("--out=") && arg.size() > 6) {
      out = std::string(arg.substr(6));
      continue;
    }
    std::fputs(kUsage, stderr);
    return Fail("unknown argument '" + std::string(arg) + "'");
  }
  const std::filesystem::path dir = ndisconf::cli::UserPath(out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail("cannot create " + dir.string() + ": " + ec.message());
  size_t written = 0;
  for (const ndisconf::fuzz::NamedSeed& seed : ndisconf::fuzz::WanStatusSeeds()) {
    const std::filesystem::path file = dir / seed.name;
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(seed.data.data()),
            static_cast<std::streamsize>(seed.data.size()));
    f.close();
    if (!f) return Fail("cannot write " + file.string());
    ++written;
  }
  std::printf("wrote %zu seeds to %s\n", written, dir.string().c_str());
  return 0;
}
