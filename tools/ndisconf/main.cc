// ndisconf: the main job. Runs the conformance suite against one
// implementation (default: the reference) and prints the per-rule verdict
// table; see --help.
#include "conformance/framework/runner.h"

int main(int argc, char** argv) { return ndisconf::conformance::RunnerMain(argc, argv); }
