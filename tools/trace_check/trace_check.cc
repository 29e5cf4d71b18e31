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
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "conformance/catalog/catalog.h"
#include "conformance/monitor/monitor.h"
#include "conformance/report/report.h"
#include "conformance/trace/trace.h"
#include "tools/cli/cli.h"

namespace {

constexpr char kHelp[] =
    "usage: trace_check [--json] [--key=value ...] [--list-checks] [--] FILE...\n"
    "\n"
    "Parses each FILE as an ndisconf event trace (format: docs/trace_format.md;\n"
    "event indices must increase), replays it through the rule monitor, runs the\n"
    "end-of-run checks and prints each violation, in event order:\n"
    "  FILE:LINE: event INDEX: RULE CHECK: MESSAGE [object 0x..., state S]\n"
    "(LINE: the event's line in FILE). The first violation is followed by the\n"
    "rule's level, actor and text from the catalog and, when its object is an AF\n"
    "or a SAP, by the object's state at that point and the events the spec's\n"
    "state tables allow next for it. Then one summary line per file:\n"
    "  FILE: conformant: N event(s), D driver(s), 0 violation(s)\n"
    "  FILE: N event(s), M violation(s); the first at line L: RULE\n"
    "--json prints one JSON document instead (docs/trace_format.md, \"Checking a trace\"):\n"
    "{\"files\": [{\"file\", \"verdict\": conformant|violations|malformed|unreadable,\n"
    "\"events\", \"drivers\", \"violations\": [{\"rule\", \"level\", \"rule_text\", \"check\",\n"
    "\"event\", \"line\", \"message\", \"object\", \"state\"}], \"not_shown\", \"error\":\n"
    "{\"line\", \"column\", \"message\"}, \"first_object\": {\"kind\", \"handle\", \"when\",\n"
    "\"state\", \"allowed_next\"}}]} (an unreadable FILE's error has only\n"
    "\"message\"); errors go to stderr as well.\n"
    "\n"
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

// Reads `path` whole into *text. On failure sets *why ("cannot open: ...")
// and returns false.
bool ReadTrace(const std::string& path, std::string* text, std::string* why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *why = "is a folder, not a trace file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *why = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  *text = ss.str();
  return true;
}

// What one file came to.
struct FileResult {
  std::string file;
  std::string verdict;  // conformant, violations, malformed, unreadable
  size_t events = 0;
  size_t drivers = 0;
  std::vector<ndisconf::monitor::Violation> violations;  // in event order
  std::vector<size_t> lines;  // the line of each violation's event; 0 if not in the file
  unsigned long long not_shown = 0;
  ndisconf::trace::ParseError error;  // when malformed
  // The first violation's object as the monitor saw it at that point (just
  // before its event, or at the end of the trace for an end-of-run check),
  // and what the rules allowed next for it.
  std::optional<ndisconf::monitor::Monitor::ObjectView> first_object;
  std::string first_object_when;  // "before event N" or "at the end of the trace"
};

// The line of the event whose index is `index`, or 0 (indices increase).
size_t LineOf(const ndisconf::trace::Trace& t, uint64_t index) {
  const auto it =
      std::lower_bound(t.events.begin(), t.events.end(), index,
                       [](const ndisconf::Event& e, uint64_t i) { return e.index < i; });
  if (it == t.events.end() || it->index != index) return 0;
  const size_t k = static_cast<size_t>(it - t.events.begin());
  return k < t.lines.size() ? t.lines[k] : 0;
}

// Replays one parsed trace through the monitor.
FileResult Check(const std::string& file, const ndisconf::trace::Trace& trace,
                 const ndisconf::monitor::Profile& profile) {
  ndisconf::monitor::Monitor monitor(profile);
  monitor.set_max_violations(kMaxShown);
  monitor.DeclareDrivers(trace.drivers);
  for (const auto& e : trace.events) monitor.OnEvent(e);
  const size_t during_replay = monitor.violations().size();
  monitor.Finish();
  FileResult r;
  r.file = file;
  r.events = trace.events.size();
  r.drivers = trace.drivers.size();
  // The monitor reports the end-of-run checks last; keep event order, so the
  // first is the first event that broke a rule.
  r.violations = monitor.violations();
  std::stable_sort(r.violations.begin(), r.violations.end(), [](const auto& x, const auto& y) {
    if (x.event_index != y.event_index) return x.event_index < y.event_index;
    return x.check < y.check;
  });
  for (const auto& v : r.violations) r.lines.push_back(LineOf(trace, v.event_index));
  r.not_shown = monitor.suppressed_violations();
  if (!r.violations.empty() && r.violations[0].object != 0) {
    const auto& first = r.violations[0];
    // Reported while replaying (its event broke the rule): the state before
    // that event, from a second replay of the events before it.
    bool at_end = true;
    for (size_t i = 0; i < during_replay; ++i) {
      const auto& v = monitor.violations()[i];
      if (v.event_index == first.event_index && v.check == first.check) at_end = false;
    }
    if (at_end) {
      r.first_object = monitor.Inspect(first.object);
      r.first_object_when = "at the end of the trace";
    } else {
      ndisconf::monitor::Monitor before(profile);
      before.set_max_violations(kMaxShown);
      before.DeclareDrivers(trace.drivers);
      for (const auto& e : trace.events) {
        if (e.index >= first.event_index) break;
        before.OnEvent(e);
      }
      r.first_object = before.Inspect(first.object);
      r.first_object_when = "before event " + std::to_string(first.event_index);
    }
  }
  r.verdict = r.violations.empty() && r.not_shown == 0 ? "conformant" : "violations";
  return r;
}

std::string Hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

void PrintText(const FileResult& r) {
  for (size_t i = 0; i < r.violations.size(); ++i) {
    const auto& v = r.violations[i];
    std::string where = r.file + (r.lines[i] ? ":" + std::to_string(r.lines[i]) : "");
    std::printf("%s: event %llu: %s %s: %s", where.c_str(),
                static_cast<unsigned long long>(v.event_index), v.rule.c_str(), v.check.c_str(),
                v.message.c_str());
    if (v.object != 0) std::printf(" [object %s", Hex(v.object).c_str());
    if (v.object != 0 && !v.state.empty()) std::printf(", state %s", v.state.c_str());
    if (v.object != 0) std::printf("]");
    std::printf("\n");
    const ndisconf::catalog::Rule* rule = i == 0 ? ndisconf::catalog::FindRule(v.rule) : nullptr;
    if (rule != nullptr)
      std::printf("  %s (%s, %s): %s\n", rule->id.c_str(), rule->level.c_str(), rule->actor.c_str(),
                  rule->text.c_str());
    if (i == 0 && r.first_object) {
      const auto& o = *r.first_object;
      std::printf("  %s %s %s: %s\n", o.kind.c_str(), Hex(v.object).c_str(),
                  r.first_object_when.c_str(), o.state.c_str());
      if (o.next.empty()) std::printf("  allowed next: nothing (the handle is no longer valid)\n");
      for (const std::string& n : o.next) std::printf("  allowed next: %s\n", n.c_str());
    }
  }
  if (r.not_shown > 0)
    std::printf("%s: ... and %llu more violation(s) not shown\n", r.file.c_str(), r.not_shown);
  const unsigned long long total = r.violations.size() + r.not_shown;
  if (total == 0) {
    std::printf("%s: conformant: %zu event(s), %zu driver(s), 0 violation(s)\n", r.file.c_str(),
                r.events, r.drivers);
    return;
  }
  std::printf("%s: %zu event(s), %llu violation(s); the first at ", r.file.c_str(), r.events,
              total);
  if (r.lines[0] != 0)
    std::printf("line %zu: %s\n", r.lines[0], r.violations[0].rule.c_str());
  else
    std::printf("event %llu: %s\n", static_cast<unsigned long long>(r.violations[0].event_index),
                r.violations[0].rule.c_str());
}

std::string Quoted(std::string_view s) { return "\"" + ndisconf::report::JsonEscape(s) + "\""; }

void PrintJson(const std::vector<FileResult>& results) {
  std::string out = "{\"files\": [";
  for (size_t f = 0; f < results.size(); ++f) {
    const FileResult& r = results[f];
    out += (f ? ",\n  " : "\n  ");
    out += "{\"file\": " + Quoted(r.file) + ", \"verdict\": " + Quoted(r.verdict);
    if (r.verdict == "unreadable")
      out += ", \"error\": {\"message\": " + Quoted(r.error.message) + "}";
    if (r.verdict == "malformed") {
      out += ", \"error\": {\"line\": " + std::to_string(r.error.line) +
             ", \"column\": " + std::to_string(r.error.column) +
             ", \"message\": " + Quoted(r.error.message) + "}";
    }
    if (r.verdict == "conformant" || r.verdict == "violations") {
      out += ", \"events\": " + std::to_string(r.events) +
             ", \"drivers\": " + std::to_string(r.drivers) + ", \"violations\": [";
      for (size_t i = 0; i < r.violations.size(); ++i) {
        const auto& v = r.violations[i];
        const ndisconf::catalog::Rule* rule = ndisconf::catalog::FindRule(v.rule);
        out += (i ? ",\n    " : "\n    ");
        out += "{\"rule\": " + Quoted(v.rule) +
               ", \"level\": " + Quoted(rule ? rule->level : std::string()) +
               ", \"rule_text\": " + Quoted(rule ? rule->text : std::string()) +
               ", \"check\": " + Quoted(v.check) + ", \"event\": " + std::to_string(v.event_index) +
               ", \"line\": " + std::to_string(r.lines[i]) + ", \"message\": " + Quoted(v.message) +
               ", \"object\": " + Quoted(v.object ? Hex(v.object) : std::string()) +
               ", \"state\": " + Quoted(v.state) + "}";
      }
      out += "], \"not_shown\": " + std::to_string(r.not_shown);
      if (r.first_object) {
        const auto& o = *r.first_object;
        out += ", \"first_object\": {\"kind\": " + Quoted(o.kind) +
               ", \"handle\": " + Quoted(Hex(r.violations[0].object)) +
               ", \"when\": " + Quoted(r.first_object_when) + ", \"state\": " + Quoted(o.state) +
               ", \"allowed_next\": [";
        for (size_t k = 0; k < o.next.size(); ++k) out += (k ? ", " : "") + Quoted(o.next[k]);
        out += "]}";
      }
    }
    out += "}";
  }
  out += "\n]}\n";
  std::fputs(out.c_str(), stdout);
}

}  // namespace

int main(int argc, char** argv) {
  ndisconf::monitor::Profile profile;
  std::vector<std::string> files;
  bool options_done = false;
  bool json = false;
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
    if (arg == "--json") {
      json = true;
      continue;
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
  std::vector<FileResult> results;
  for (const std::string& file : files) {
    std::string text, why;
    if (!ReadTrace(file, &text, &why)) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), why.c_str());
      results.push_back(
          FileResult{.file = file, .verdict = "unreadable", .error = {0, 0, std::move(why)}});
      continue;
    }
    auto parsed = ndisconf::trace::Parse(text);
    if (auto* err = std::get_if<ndisconf::trace::ParseError>(&parsed)) {
      // The message may quote bytes of the file: escape what is not printable.
      err->message = ndisconf::cli::Printable(err->message);
      std::fprintf(stderr, "%s:%zu:%zu: %s\n", file.c_str(), err->line, err->column,
                   err->message.c_str());
      results.push_back(FileResult{.file = file, .verdict = "malformed", .error = *err});
      continue;
    }
    results.push_back(Check(file, std::get<ndisconf::trace::Trace>(parsed), profile));
    if (!json) PrintText(results.back());
  }
  if (json) PrintJson(results);
  bool violated = false, malformed = false;
  for (const FileResult& r : results) {
    violated |= r.verdict == "violations";
    malformed |= r.verdict == "malformed" || r.verdict == "unreadable";
  }
  if (malformed) return 2;
  return violated ? 1 : 0;
}
