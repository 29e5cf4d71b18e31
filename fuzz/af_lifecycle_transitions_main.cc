// af_lifecycle_transitions: which protocol transitions of the CoNDIS AF
// lifecycle (fuzz/af_transitions.h) a set of af_lifecycle inputs reaches
// under the implementation NDISCONF_IMPL names (contract §3).
//
//   bazel run //fuzz:af_lifecycle_transitions -- [--missing] PATH...
//
// PATH: input files, or folders of them (walked recursively, in name
// order). Prints `transitions: REACHED/TOTAL` (TOTAL: the reachable rows of
// the table), then with --missing each reachable transition no input
// reached, one per line. Exit 0; 2 on a bad command line or an unknown
// NDISCONF_IMPL. An unreadable path is reported on stderr and skipped.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_transitions.h"
#include "tools/cli/cli.h"

namespace {

namespace fs = std::filesystem;

void Collect(const fs::path& p, std::vector<fs::path>* out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) files.push_back(it->path());
    std::sort(files.begin(), files.end());
    out->insert(out->end(), files.begin(), files.end());
  } else {
    out->push_back(p);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool missing = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--missing") {
      missing = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fputs("usage: af_lifecycle_transitions [--missing] PATH...\n", stderr);
      return 2;
    } else {
      Collect(ndisconf::cli::UserPath(arg), &files);
    }
  }
  std::string error;
  const ndisconf::conformance::Implementation* impl =
      ndisconf::conformance::ImplementationFromEnvironment(&error);
  if (impl == nullptr) {
    std::fprintf(stderr, "af_lifecycle_transitions: %s\n", error.c_str());
    return 2;
  }
  ndisconf::fuzz::AfTransitionRecorder recorder;
  for (const fs::path& p : files) {
    std::ifstream f(p, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    if (!f && !f.eof()) {
      std::fprintf(stderr, "af_lifecycle_transitions: cannot read %s\n", p.c_str());
      continue;
    }
    recorder.NewRun();
    (void)ndisconf::fuzz::RunAfLifecycleProgram(*impl, bytes.data(), bytes.size(), &recorder);
  }
  const std::vector<ndisconf::fuzz::AfTransition>& table = ndisconf::fuzz::AfTransitions();
  size_t reached = 0;
  for (size_t i = 0; i < table.size(); ++i)
    reached += table[i].unreachable.empty() && recorder.reached()[i];
  std::printf("transitions: %zu/%zu\n", reached, ndisconf::fuzz::AfReachableTransitionCount());
  if (missing) {
    for (size_t i = 0; i < table.size(); ++i)
      if (table[i].unreachable.empty() && !recorder.reached()[i])
        std::printf("%s\n", ndisconf::fuzz::DescribeAfTransition(i).c_str());
  }
  return 0;
}
