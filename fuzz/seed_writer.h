// fuzz/seed_writer.h: the command-line body shared by the seed generators
// (//fuzz:wan_status_seeds, //fuzz:af_lifecycle_seeds): writes named seeds
// as files.
//
//   bazel run //fuzz:<target>_seeds -- [--out=DIR]
//
// DIR defaults to corpora/<target>; a relative DIR is taken from the folder
// `bazel run` was typed in (run it from the project root). Existing files of
// the same names are overwritten; other files are left alone. Returns the
// exit code: 0 on success, 2 on a bad argument or an I/O error (with a
// message).
#ifndef NDISCONF_FUZZ_SEED_WRITER_H_
#define NDISCONF_FUZZ_SEED_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ndisconf::fuzz {

using SeedFiles = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

int WriteSeedsMain(int argc, char** argv, const std::string& target, const SeedFiles& seeds);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_SEED_WRITER_H_
