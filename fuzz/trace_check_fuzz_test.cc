// Fuzz target: arbitrary bytes through the trace parser and, when they
// parse, through the rule monitor (events and Finish) and its view of each
// violation's object (Monitor::Inspect, what trace_check prints). Must
// never crash; also checks that whatever parses formats to text that
// parses back to the same text (the round-trip property of the trace
// format), and that the parser gives every event its line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ndisconf::trace::Parse(text);
  const auto* trace = std::get_if<ndisconf::trace::Trace>(&parsed);
  if (trace == nullptr) return 0;
  ndisconf::monitor::Monitor monitor;
  monitor.DeclareDrivers(trace->drivers);
  for (const auto& e : trace->events) monitor.OnEvent(e);
  monitor.Finish();
  for (const auto& v : monitor.violations()) (void)monitor.Inspect(v.object);
  if (trace->lines.size() != trace->events.size()) std::abort();
  const std::string once = ndisconf::trace::FormatTrace(*trace);
  auto again = ndisconf::trace::Parse(once);
  const auto* trace2 = std::get_if<ndisconf::trace::Trace>(&again);
  if (trace2 == nullptr || ndisconf::trace::FormatTrace(*trace2) != once) std::abort();
  return 0;
}
