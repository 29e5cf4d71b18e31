// af_lifecycle_text: converts af_lifecycle inputs between the binary form
// the fuzzer runs (fuzz/af_lifecycle_input.h) and the readable text
// (fuzz/af_text.h, docs/af_program.md).
//
//   bazel run //fuzz:af_lifecycle_text -- print IN       text on stdout
//   bazel run //fuzz:af_lifecycle_text -- parse TEXT OUT  writes the binary
//   bazel run //fuzz:af_lifecycle_text -- from-trace TRACE... DIR
//       each recorded run (a trace file, or every *.trace in a folder) as a
//       program (fuzz/af_from_trace.h), written to DIR/trace_<name>; runs
//       that give the same program are written once, runs with no CoNDIS
//       driver not at all
//
// Relative paths are taken from the folder `bazel run` was typed in.
// Exit 0; 1 on malformed text or a malformed trace (`FILE:LINE:COL:
// message` on stderr); 2 on a bad command line or an I/O error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conformance/trace/trace.h"
#include "fuzz/af_from_trace.h"
#include "fuzz/af_text.h"
#include "fuzz/program_tools.h"
#include "tools/cli/cli.h"

namespace {

int Usage() {
  std::fputs("usage: af_lifecycle_text print IN | parse TEXT OUT | from-trace TRACE... DIR\n",
             stderr);
  return 2;
}

// from-trace: the traces named (files, or folders of *.trace, in name
// order) converted into DIR.
int FromTrace(int argc, char** argv) {
  namespace fs = std::filesystem;
  const fs::path dir = ndisconf::cli::UserPath(argv[argc - 1]);
  std::vector<fs::path> traces;
  for (int i = 2; i < argc - 1; ++i) {
    const fs::path p = ndisconf::cli::UserPath(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.path().extension() == ".trace") found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      traces.insert(traces.end(), found.begin(), found.end());
    } else {
      traces.push_back(p);
    }
  }
  std::set<std::vector<uint8_t>> written;
  int converted = 0;
  for (const fs::path& p : traces) {
    std::string text;
    if (!ndisconf::fuzz::ReadWholeFile(p.string(), &text)) {
      std::fprintf(stderr, "af_lifecycle_text: cannot read %s\n", p.c_str());
      return 2;
    }
    auto parsed = ndisconf::trace::Parse(text);
    if (const auto* e = std::get_if<ndisconf::trace::ParseError>(&parsed)) {
      std::fprintf(stderr, "%s:%zu:%zu: %s\n", p.c_str(), e->line, e->column,
                   ndisconf::cli::Printable(e->message).c_str());
      return 1;
    }
    const std::vector<uint8_t> program =
        ndisconf::fuzz::AfProgramFromTrace(std::get<ndisconf::trace::Trace>(parsed));
    if (program.empty() || !written.insert(program).second) continue;
    const fs::path out = dir / ("trace_" + p.stem().string());
    if (!ndisconf::fuzz::WriteWholeFile(out.string(), program)) {
      std::fprintf(stderr, "af_lifecycle_text: cannot write %s\n", out.c_str());
      return 2;
    }
    ++converted;
  }
  std::printf("af_lifecycle_text: %d program(s) from %zu trace(s) in %s\n", converted,
              traces.size(), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ndisconf::fuzz::ProgramText form;
  form.tool = "af_lifecycle_text";
  form.print = ndisconf::fuzz::PrintAfProgram;
  form.parse = [](std::string_view text, std::vector<uint8_t>* out,
                  ndisconf::fuzz::ProgramTextError* error) {
    ndisconf::fuzz::AfTextError e;
    if (ndisconf::fuzz::ParseAfProgram(text, out, &e)) return true;
    *error = {e.line, e.column, e.message};
    return false;
  };
  if (const std::optional<int> status = ndisconf::fuzz::RunProgramTextCommand(argc, argv, form))
    return *status;
  if (argc >= 4 && std::string(argv[1]) == "from-trace") return FromTrace(argc, argv);
  return Usage();
}
