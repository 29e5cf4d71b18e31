// af_lifecycle_print: prints an af_lifecycle input as one record per line,
// so a person can read what a fuzzer-found program does.
//
//   bazel run //fuzz:af_lifecycle_print -- FILE...
//
// Operands are printed as the input holds them: resource operands are
// indices taken modulo the number of resources of that kind when the record
// runs (fuzz/af_lifecycle_input.h). A relative FILE is taken from the folder
// `bazel run` was typed in. Exit 0, or 2 when a file cannot be read.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/af_lifecycle_input.h"
#include "tools/cli/cli.h"

namespace {

using ndisconf::fuzz::AfOp;

constexpr const char* kNames[ndisconf::fuzz::kAfOpCount] = {
    "load_cm cfg=",  "load_client cfg=", "load_miniport cfg=",
    "load_mcm cfg=", "add_adapter m=",   "unbind p=",
    "halt a=",       "run_one",          "settle",
    "close_af c=",   "register_sap c=",  "deregister_sap c=",
    "create_vc c=",  "delete_vc c=",     "make_call c=",
    "close_call c=", "incoming_call m=", "bind p=",
    "bad_call c=",   "bad_create_vc c="};

void Print(const std::vector<uint8_t>& in) {
  size_t n = in.empty() ? 0 : std::min<size_t>(in[0], in.size() - 1);
  std::printf("# %zu scheduler byte(s)\n", n);
  size_t i = in.empty() ? 0 : 1 + n;
  while (i < in.size()) {
    const auto op = ndisconf::fuzz::AfOpForTag(in[i]);
    if (!op) {
      std::printf("# skipped unknown tag %u\n", in[i]);
      ++i;
      continue;
    }
    const size_t k = ndisconf::fuzz::AfOpOperands(*op);
    if (i + 1 + k > in.size()) {
      std::printf("# cut short: %s\n", kNames[in[i]]);
      break;
    }
    std::string line = kNames[in[i]];
    for (size_t j = 0; j < k; ++j) line += (j ? " " : "") + std::to_string(in[i + 1 + j]);
    std::printf("%s\n", line.c_str());
    i += 1 + k;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: af_lifecycle_print FILE...\n", stderr);
    return 2;
  }
  for (int a = 1; a < argc; ++a) {
    const std::string path = ndisconf::cli::UserPath(argv[a]);
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      std::fprintf(stderr, "af_lifecycle_print: cannot read %s\n", path.c_str());
      return 2;
    }
    if (argc > 2) std::printf("== %s\n", path.c_str());
    Print({std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()});
  }
  return 0;
}
