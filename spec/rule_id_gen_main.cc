// rule_id_gen: prints spec/rule_id.h for a catalog file.
//   bazel run //spec:rule_id_gen -- "$PWD/conformance/catalog/rules.tsv" \
//     > spec/rule_id.h
// Exit 0 on success; 2 with a message on stderr for a bad command line, an
// unreadable file or a malformed catalog.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "spec/rule_id_gen.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: rule_id_gen RULES.tsv > rule_id.h\n";
    return 2;
  }
  std::string path = argv[1];
  // `bazel run` starts the binary in its runfiles; a relative path means the
  // user's directory.
  if (!path.empty() && path[0] != '/') {
    if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY"))
      path = std::string(wd) + "/" + path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "rule_id_gen: cannot open " << path << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string header, error;
  if (!ndisconf::spec::GenerateRuleIdHeader(text.str(), &header, &error)) {
    std::cerr << "rule_id_gen: " << path << ": " << error << "\n";
    return 2;
  }
  std::cout << header;
  return std::cout.good() ? 0 : 2;
}
