// Implementation of fuzz/seed_writer.h.
#include "fuzz/seed_writer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include "tools/cli/cli.h"

namespace ndisconf::fuzz {

int WriteSeedsMain(int argc, char** argv, const std::string& target, const SeedFiles& seeds) {
  const std::string tool = target + "_seeds";
  const std::string usage = "usage: " + tool + " [--out=DIR]\nWrites the named " + target +
                            " fuzz seeds into DIR (default corpora/" + target + ").\n";
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", tool.c_str(), message.c_str());
    return 2;
  };
  std::string out = "corpora/" + target;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage.c_str(), stdout);
      return 0;
    }
    if (arg.starts_with("--out=") && arg.size() > 6) {
      out = std::string(arg.substr(6));
      continue;
    }
    std::fputs(usage.c_str(), stderr);
    return fail("unknown argument '" + std::string(arg) + "'");
  }
  const std::filesystem::path dir = cli::UserPath(out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("cannot create " + dir.string() + ": " + ec.message());
  for (const auto& [name, data] : seeds) {
    const std::filesystem::path file = dir / name;
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    f.close();
    if (!f) return fail("cannot write " + file.string());
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.string().c_str());
  return 0;
}

}  // namespace ndisconf::fuzz
