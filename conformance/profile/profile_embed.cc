// profile_embed ROLE PROFILE OUT: checks the capability profile PROFILE of a driver declared
// in ROLE and writes it to OUT as a C++ raw string literal, for ndisconf_implementation's
// registration (plugin.bzl). Exit 1, with the parser's message (file, field, what was
// expected), when the profile is malformed or names another role, so that the build stops
// there; 2 on a usage or I/O error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "conformance/profile/profile.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: profile_embed ROLE PROFILE OUT\n";
    return 2;
  }
  const std::string role = argv[1];
  argv += 1;  // argv[1] is now PROFILE, argv[2] OUT
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << argv[1] << ": cannot read the capability profile\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  ndisconf::profile::CapabilityProfile profile;
  std::string error;
  if (!ndisconf::profile::ParseProfile(argv[1], text.str(), &profile, &error)) {
    std::cerr << "capability profile: " << error << "\n";
    return 1;
  }
  if (profile.role != role) {
    std::cerr << "capability profile: " << argv[1] << ": field 'role': expected \"" << role
              << "\", the role ndisconf_implementation declares, found \"" << profile.role
              << "\"\n";
    return 1;
  }
  const std::string delimiter = ")ndisconf_profile\"";
  if (text.str().find(delimiter) != std::string::npos) {
    std::cerr << argv[1] << ": contains " << delimiter << ", which cannot be embedded\n";
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << "R\"ndisconf_profile(" << text.str() << delimiter << "\n";
  out.close();
  if (!out) {
    std::cerr << argv[2] << ": cannot write\n";
    return 2;
  }
  return 0;
}
