// wan_status_seeds: writes the hand-written seeds of the wan_status fuzz
// target (fuzz/wan_status_seeds.h) as files; usage in fuzz/seed_writer.h.
#include "fuzz/seed_writer.h"
#include "fuzz/wan_status_seeds.h"

int main(int argc, char** argv) {
  ndisconf::fuzz::SeedFiles files;
  for (const ndisconf::fuzz::NamedSeed& seed : ndisconf::fuzz::WanStatusSeeds())
    files.emplace_back(seed.name, seed.data);
  return ndisconf::fuzz::WriteSeedsMain(argc, argv, "wan_status", files);
}
