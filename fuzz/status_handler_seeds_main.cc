// status_handler_seeds: writes the hand-written seeds of the status_handler
// targets (fuzz/status_handler_seeds.h) as files; usage in fuzz/seed_writer.h.
#include "fuzz/seed_writer.h"
#include "fuzz/status_handler_seeds.h"

int main(int argc, char** argv) {
  ndisconf::fuzz::SeedFiles files;
  for (const ndisconf::fuzz::ShSeed& seed : ndisconf::fuzz::StatusHandlerSeeds())
    files.emplace_back(seed.name, seed.data);
  return ndisconf::fuzz::WriteSeedsMain(argc, argv, "status_handler", files);
}
