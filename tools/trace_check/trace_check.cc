// trace_check: parses event traces, replays them through the rule monitor
// and prints every violation. Exit status: 0 clean, 1 violations, 2 an
// unreadable or malformed input (reported as file:line:col: message).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "tools/cli/cli.h"

namespace {

constexpr char kHelp[] =
    "usage: trace_check [--profile-key=value ...] FILE...\n"
    "\n"
    "Parses each FILE as an ndisconf event trace (format: conformance/trace/trace.h),\n"
    "replays it through the CoNDIS address-family rule monitor, runs the end-of-run\n"
    "checks and prints one line per violation:\n"
    "  FILE: event INDEX: RULE CHECK: MESSAGE [object 0x..., state S]\n"
    "\n"
    "Profile keys (spec section 6; defaults are the spec's recommendations):\n"
    "  --close_with_children=cm-decides|ndis-checks   OQ-06\n"
    "  --accept_close_retry=true|false                OQ-07\n"
    "  --notify_during_register=true|false            OQ-03\n"
    "  --accept_cm_handler_size_136=true|false        OQ-11\n"
    "  --mcm_create_vc_gets_af_handle=true|false      OQ-12\n"
    "  --create_vc_order=either|miniport-first|peer-first   OQ-13\n"
    "  --require_open_from_notify=true|false          AF-030\n"
    "  --strict=true|false                            also flag SHOULD/DERIVED obligations\n"
    "  --list-checks                                  print the check table and exit\n"
    "\n"
    "Exit status: 0 no violations, 1 violations, 2 unreadable or malformed input\n"
    "or a bad option.\n";

}  // namespace

int main(int argc, char** argv) {
  ndisconf::monitor::Profile profile;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (arg == "--list-checks") {
      for (const auto& c : ndisconf::monitor::Monitor::Checks())
        std::printf("%.*s\t%.*s\t%.*s\n", static_cast<int>(c.rule.size()), c.rule.data(),
                    static_cast<int>(c.check.size()), c.check.data(),
                    static_cast<int>(c.description.size()), c.description.data());
      return 0;
    }
    if (arg.rfind("--", 0) == 0) {
      const size_t eq = arg.find('=');
      std::string error;
      if (eq == std::string::npos ||
          !ndisconf::monitor::SetProfileKey(profile, arg.substr(2, eq - 2), arg.substr(eq + 1),
                                            &error)) {
        std::fprintf(stderr, "trace_check: %s\n",
                     eq == std::string::npos ? ("option '" + arg + "' needs =value").c_str()
                                             : error.c_str());
        return 2;
      }
      continue;
    }
    files.push_back(ndisconf::cli::UserPath(arg));
  }
  if (files.empty()) {
    std::fputs(kHelp, stderr);
    return 2;
  }
  bool violated = false;
  bool malformed = false;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open: %s\n", file.c_str(), std::strerror(errno));
      malformed = true;
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    auto parsed = ndisconf::trace::Parse(text);
    if (auto* err = std::get_if<ndisconf::trace::ParseError>(&parsed)) {
      std::fprintf(stderr, "%s:%zu:%zu: %s\n", file.c_str(), err->line, err->column,
                   err->message.c_str());
      malformed = true;
      continue;
    }
    const auto& trace = std::get<ndisconf::trace::Trace>(parsed);
    ndisconf::monitor::Monitor monitor(profile);
    monitor.DeclareDrivers(trace.drivers);
    for (const auto& e : trace.events) monitor.OnEvent(e);
    monitor.Finish();
    for (const auto& v : monitor.violations()) {
      violated = true;
      std::printf("%s: event %llu: %s %s: %s", file.c_str(),
                  static_cast<unsigned long long>(v.event_index), v.rule.c_str(), v.check.c_str(),
                  v.message.c_str());
      if (v.object != 0) std::printf(" [object 0x%llx", static_cast<unsigned long long>(v.object));
      if (v.object != 0 && !v.state.empty()) std::printf(", state %s", v.state.c_str());
      if (v.object != 0) std::printf("]");
      std::printf("\n");
    }
    std::printf("%s: %zu event(s), %zu violation(s)\n", file.c_str(), trace.events.size(),
                monitor.violations().size());
  }
  if (malformed) return 2;
  return violated ? 1 : 0;
}
