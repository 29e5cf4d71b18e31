// wan_status_text: converts wan_status inputs between the binary form the
// fuzzer runs and the readable text (fuzz/wan_text.h); contract §3.
//
//   bazel run //fuzz:wan_status_text -- print IN        text on stdout
//   bazel run //fuzz:wan_status_text -- parse TEXT OUT  writes the binary
//
// Relative paths are taken from the folder `bazel run` was typed in.
// Exit 0; 1 on malformed text (`FILE:LINE:COL: message` on stderr); 2 on a
// bad command line or an I/O error.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/program_tools.h"
#include "fuzz/wan_text.h"

int main(int argc, char** argv) {
  ndisconf::fuzz::ProgramText form;
  form.tool = "wan_status_text";
  form.print = ndisconf::fuzz::PrintWanProgram;
  form.parse = [](std::string_view text, std::vector<uint8_t>* out,
                  ndisconf::fuzz::ProgramTextError* error) {
    ndisconf::fuzz::WanTextError e;
    if (ndisconf::fuzz::ParseWanProgram(text, out, &e)) return true;
    *error = {e.line, e.column, e.message};
    return false;
  };
  if (const std::optional<int> status = ndisconf::fuzz::RunProgramTextCommand(argc, argv, form))
    return *status;
  std::fputs("usage: wan_status_text print IN | parse TEXT OUT\n", stderr);
  return 2;
}
