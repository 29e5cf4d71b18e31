// trace_check: parses event traces, replays each through the rule monitor
// (CoNDIS address-family rules AF-xxx and NDIS 5.1 WAN status-indication
// rules WAN-xxx) and prints every violation in event order. Exit status:
// 0 conformant, 1 violations, 2 a usage error or an unreadable or malformed
// input (reported as FILE:LINE:COLUMN: message, untrusted bytes escaped).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "tools/cli/cli.h"

namespace {

constexpr char kHelp[] =
    "usage: trace_check [--key=value ...] [--list-checks] [--] FILE...\n"
    "\n"
    "Parses each FILE as an ndisconf event trace (format: docs/trace_format.md;\n"
    "event indices must increase), replays it through the rule monitor, runs the\n"
    "end-of-run checks and prints each violation, in event order:\n"
    "  FILE: event INDEX: RULE CHECK: MESSAGE [object 0x..., state S]\n"
    "then one summary line per file:\n"
    "  FILE: N event(s), M violation(s)\n"
    "The monitor checks the CoNDIS address-family rules (AF-xxx: registration,\n"
    "notify, open and close of AFs, notify-close, SAPs, VCs, unbind and halt with\n"
    "AFs open) and the NDIS 5.1 WAN status-indication rules (WAN-xxx: line-up,\n"
    "line-down, fragment, TAPI indications, the line-up inside OID_TAPI_GET_ID,\n"
    "status buffers, indication context); --list-checks prints every check with\n"
    "its rule. A relative FILE is relative to the folder the command was typed in,\n"
    "also under `bazel run`. At most 100000 violations per file are printed; the\n"
    "line after them says how many more there were, and the summary counts all.\n"
    "\n"
    "Monitor profile (spec section 6; defaults are the spec's recommendations):\n"
    "  --close_with_children=cm-decides|ndis-checks   OQ-06\n"
    "  --accept_close_retry=true|false                OQ-07\n"
    "  --notify_during_register=true|false            OQ-03\n"
    "  --accept_cm_handler_size_136=true|false        OQ-11\n"
    "  --mcm_create_vc_gets_af_handle=true|false      OQ-12\n"
    "  --create_vc_order=either|miniport-first|peer-first   OQ-13\n"
    "  --require_open_from_notify=true|false          AF-030\n"
    "  --wan_version_scope=ndis51-legacy|ndis4|ndis6  OQ-19 (WAN-095)\n"
    "  --wan_strict_quality=true|false                OQ-22 (WAN-030)\n"
    "  --wan_report_unknown_link_context=true|false   OQ-25 (WAN-025)\n"
    "  --wan_line_down_before_close_call=true|false   OQ-28 (WAN-040)\n"
    "  --wan_tapi_event_ulong_params=true|false       OQ-20 (WAN-102)\n"
    "  --wan_links_down_at_finish=true|false          WAN-040\n"
    "  --wan_context_violations_refused=true|false    WAN-002/003/004\n"
    "  --strict=true|false         also flag SHOULD and DERIVED obligations\n"
    "\n"
    "Exit status:\n"
    "  0  every FILE is a well-formed trace with no violation\n"
    "  1  some FILE has a violation (and none is unreadable or malformed)\n"
    "  2  a usage error (unknown option, bad value, no FILE), or a FILE that\n"
    "     cannot be read, is a folder, or is not a well-formed trace\n";

// Violations printed per file; the monitor counts the rest.
constexpr size_t kMaxShown = 100000;

int Usage(const std::string& error) {
  std::fprintf(stderr, "trace_check: %s\n\n%s", error.c_str(), kHelp);
  return 2;
}

// Reads `path` whole into *text. On failure prints "PATH: why" and returns false.
bool ReadTrace(const std::string& path, std::string* text) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::fprintf(stderr, "%s: is a folder, not a trace file\n", path.c_str());
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    std::fprintf(stderr, "%s: cannot read: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  *text = ss.str();
  return true;
}

// Replays one parsed trace; prints its violations and summary. True if it
// has none.
bool Check(const std::string& file, const ndisconf::trace::Trace& trace,
           const ndisconf::monitor::Profile& profile) {
  ndisconf::monitor::Monitor monitor(profile);
  monitor.set_max_violations(kMaxShown);
  monitor.DeclareDrivers(trace.drivers);
  for (const auto& e : trace.events) monitor.OnEvent(e);
  monitor.Finish();
  // The monitor reports the end-of-run checks last; print in event order,
  // so the first line is the first event that broke a rule.
  std::vector<ndisconf::monitor::Violation> found = monitor.violations();
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    if (x.event_index != y.event_index) return x.event_index < y.event_index;
    return x.check < y.check;
  });
  for (const auto& v : found) {
    std::printf("%s: event %llu: %s %s: %s", file.c_str(),
                static_cast<unsigned long long>(v.event_index), v.rule.c_str(), v.check.c_str(),
                v.message.c_str());
    if (v.object != 0) std::printf(" [object 0x%llx", static_cast<unsigned long long>(v.object));
    if (v.object != 0 && !v.state.empty()) std::printf(", state %s", v.state.c_str());
    if (v.object != 0) std::printf("]");
    std::printf("\n");
  }
  const unsigned long long more = monitor.suppressed_violations();
  if (more > 0) {
    std::printf("%s: ... and %llu more violation(s) not shown\n", file.c_str(), more);
  }
  std::printf("%s: %zu event(s), %llu violation(s)\n", file.c_str(), trace.events.size(),
              static_cast<unsigned long long>(found.size()) + more);
  return found.empty() && more == 0;
}

}  // namespace

int main(int argc, char** argv) {
  ndisconf::monitor::Profile profile;
  std::vector<std::string> files;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      files.push_back(ndisconf::cli::UserPath(arg));
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
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
    if (arg.rfind("--", 0) != 0) return Usage("unknown option " + ndisconf::cli::Printable(arg));
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::string error;
    if (ndisconf::monitor::SetProfileKey(
            profile, key, eq == std::string::npos ? "" : arg.substr(eq + 1), &error)) {
      continue;
    }
    // SetProfileKey tells an unknown key from a bad value by its message.
    if (error.rfind("unknown profile key", 0) == 0) {
      return Usage("unknown option " + ndisconf::cli::Printable(arg.substr(0, eq)));
    }
    if (eq == std::string::npos) return Usage("option " + arg + " needs =value");
    return Usage(ndisconf::cli::Printable(error));
  }
  if (files.empty()) return Usage("no trace FILE given");
  bool violated = false;
  bool malformed = false;
  for (const std::string& file : files) {
    std::string text;
    if (!ReadTrace(file, &text)) {
      malformed = true;
      continue;
    }
    auto parsed = ndisconf::trace::Parse(text);
    if (auto* err = std::get_if<ndisconf::trace::ParseError>(&parsed)) {
      // The message may quote bytes of the file: escape what is not printable.
      std::fprintf(stderr, "%s:%zu:%zu: %s\n", file.c_str(), err->line, err->column,
                   ndisconf::cli::Printable(err->message).c_str());
      malformed = true;
      continue;
    }
    if (!Check(file, std::get<ndisconf::trace::Trace>(parsed), profile)) violated = true;
  }
  if (malformed) return 2;
  return violated ? 1 : 0;
}
