// Replays a corpus through a libFuzzer target without libFuzzer: runs
// LLVMFuzzerTestOneInput once per regular file under each directory (or
// file) named on the command line, so plain `bazel test` replays every
// committed seed. Fails if a named corpus holds no file (an empty corpus
// proves nothing) or a file cannot be read. Deterministic: files run in
// sorted path order.
//
// Paths: the BUILD file names the committed corpus relative to the runfiles
// tree, where the binary runs. Under `bazel run ... -- PATH`, a relative
// PATH the user typed is resolved against the folder the command was run
// from (cli::UserPath) when it does not name something in the runfiles
// tree, so `bazel run //fuzz:wan_status_fuzz_test -- crash-123` replays
// ./crash-123.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tools/cli/cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// `arg` as a path: itself if it exists (the BUILD file's corpus), else as the
// user meant it.
fs::path Resolve(const char* arg) {
  std::error_code ec;
  if (fs::exists(arg, ec)) return arg;
  return ndisconf::cli::UserPath(arg);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path root = Resolve(argv[i]);
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(root, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (fs::is_regular_file(root, ec)) {
      files.push_back(root);
    }
    if (files.empty()) {
      std::fprintf(stderr, "%s: no corpus files\n", root.c_str());
      return 1;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& p : files) {
      std::ifstream in(p, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      if (in.bad() || !in.is_open()) {
        std::fprintf(stderr, "%s: cannot read\n", p.c_str());
        return 1;
      }
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++total;
    }
  }
  std::printf("replayed %zu input(s)\n", total);
  return 0;
}
