// af_lifecycle_seeds: writes the named seeds of the af_lifecycle fuzz target
// (fuzz/af_lifecycle_seeds.h) as files; usage in fuzz/seed_writer.h.
#include "fuzz/af_lifecycle_seeds.h"
#include "fuzz/seed_writer.h"

int main(int argc, char** argv) {
  ndisconf::fuzz::SeedFiles files;
  for (const ndisconf::fuzz::AfSeed& seed : ndisconf::fuzz::AfLifecycleSeeds())
    files.emplace_back(seed.name, seed.data);
  return ndisconf::fuzz::WriteSeedsMain(argc, argv, "af_lifecycle", files);
}
