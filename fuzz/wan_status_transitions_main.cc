// wan_status_transitions: which WAN transitions (wan_status_transitions.h)
// a set of wan_status inputs reaches (contract §3).
//
//   bazel run //fuzz:wan_status_transitions -- [--missing] PATH...
//
// Each PATH is an input file or a directory of them (its regular files,
// not recursive). Every input runs on a fresh stack under NDISCONF_IMPL's
// implementation (default reference). Prints `transitions: REACHED/TOTAL`
// (TOTAL = the transitions the input grammar can reach on this harness),
// then with --missing one reachable transition no input reached per line.
// Exit 0; 2 on a bad argument, an unreadable path or an unknown
// NDISCONF_IMPL.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/wan_status_input.h"
#include "fuzz/wan_status_transitions.h"
#include "tools/cli/cli.h"

namespace {

namespace fs = std::filesystem;

bool RunFile(const ndisconf::conformance::Implementation& impl, const fs::path& path,
             uint64_t* reached) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::vector<uint8_t> data{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
  *reached |= ndisconf::fuzz::RunWanStatusInput(impl, data.data(), data.size()).transitions;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool missing = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--missing") {
      missing = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "wan_status_transitions: unknown flag %s\n",
                   ndisconf::cli::Printable(arg).c_str());
      return 2;
    } else {
      paths.push_back(ndisconf::cli::UserPath(arg));
    }
  }
  std::string error;
  const ndisconf::conformance::Implementation* impl =
      ndisconf::conformance::ImplementationFromEnvironment(&error);
  if (impl == nullptr) {
    std::fprintf(stderr, "wan_status_transitions: %s\n", error.c_str());
    return 2;
  }
  uint64_t reached = 0;
  for (const std::string& p : paths) {
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(p, ec)) {
      for (const fs::directory_entry& d : fs::directory_iterator(p, ec))
        if (d.is_regular_file(ec)) files.push_back(d.path());
    } else {
      files.emplace_back(p);
    }
    for (const fs::path& f : files) {
      if (!RunFile(*impl, f, &reached)) {
        std::fprintf(stderr, "wan_status_transitions: cannot read %s\n",
                     ndisconf::cli::Printable(f.string()).c_str());
        return 2;
      }
    }
  }
  size_t total = 0, hit = 0;
  for (const ndisconf::fuzz::WanTransitionInfo& t : ndisconf::fuzz::WanTransitions()) {
    if (!t.reachable) continue;
    ++total;
    hit += (reached & ndisconf::fuzz::WanTransitionBit(t.id)) != 0;
  }
  std::printf("transitions: %zu/%zu\n", hit, total);
  if (missing) {
    for (const ndisconf::fuzz::WanTransitionInfo& t : ndisconf::fuzz::WanTransitions())
      if (t.reachable && (reached & ndisconf::fuzz::WanTransitionBit(t.id)) == 0)
        std::printf("%.*s\n", static_cast<int>(t.name.size()), t.name.data());
  }
  return 0;
}
