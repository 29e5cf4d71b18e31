// ndisconf/conformance/trace/trace.h: the event-trace text format, version 2.
// docs/trace_format.md is its reference for users (tested examples).
//
//   ndisconf-trace 2
//   driver 1 cm
//   driver 2 client
//   0 call cm ProtocolBindAdapterEx irql=PASSIVE ProtocolDriverContext=0x10 BindContext=0x20 MediaType=0x0 NdisMiniportHandle=0x3001
//   1 ret cm NdisOpenAdapterEx irql=PASSIVE status=SUCCESS NdisBindingHandle=0xb1
//
// One event per line: index (decimal, greater than the previous event's), call|ret, actor (a declared driver
// name, or a decimal id), function name, then `irql=`, then on the return
// of a status-returning function `status=`, then the function's argument
// slots by schema name (fn.h): the call's in-arguments, the return's out
// values, in schema order, all present. Values:
//   handle, ULONG, mask  0x<hex>
//   status               short name (PENDING) or 0x<8 hex>; full names parse too
//   irql                 PASSIVE | APC | DISPATCH | <decimal>
//   CO_ADDRESS_FAMILY    {0x<family>,<major>,<minor>}   or null
//   CO_SAP               {0x<type>,<length>,<hex bytes>} or null (bytes <= 256)
//   NDIS_OBJECT_HEADER   {0x<type>,<revision>,<size>}    or null
//   buffer               {<length>,<hex bytes>}  length as the caller gave it; the
//                        bytes captured (none for NULL; at most 256)
// Numbers inside braces may be decimal or 0x hex. `#` starts a comment;
// blank lines are ignored. Driver lines come before the first event.
// Canonical text (what FormatTrace writes) round-trips exactly.
//
// Versions. The format is append-only: a version adds arguments at the end
// of a function's list, never removes or reorders one.
//   1  the first format.
//   2  ProtocolBindAdapterEx's call carries NdisMiniportHandle, the miniport
//      adapter the protocol is bound to (the handle its MiniportInitializeEx
//      got), so the monitor can tell that two bindings reach one adapter
//      (AF-004). 0x0: not known.
// The reader takes every version up to kTraceVersion; in a version 1 file
// the arguments version 2 added read as 0. FormatTrace writes the version
// the Trace says (so a version 1 file formats back to itself); FormatEvent
// and Writer write the current version.
#ifndef NDISCONF_CONFORMANCE_TRACE_TRACE_H_
#define NDISCONF_CONFORMANCE_TRACE_TRACE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reference/boundary/event.h"

namespace ndisconf::trace {

inline constexpr int kTraceVersion = 2;

struct Trace {
  int version = kTraceVersion;
  std::vector<DriverInfo> drivers;
  std::vector<Event> events;
  // The 1-based line of each event in the text Parse read (lines[i] is
  // events[i]'s); empty for a trace built in memory. FormatTrace ignores it.
  std::vector<size_t> lines;
};

// Where and why a text is not a valid trace. line and column are 1-based.
struct ParseError {
  size_t line = 0;
  size_t column = 0;
  std::string message;
};

// Parses a whole trace. Never reads past `text`; returns the first error.
std::variant<Trace, ParseError> Parse(std::string_view text);

// One event as a canonical line (no newline). Actors are printed by the
// name `drivers` gives them, else by number. Any Event formats, but only
// events that fit the schema parse back.
std::string FormatEvent(const Event& event, const std::vector<DriverInfo>& drivers);

// The header line, the driver lines and every event, each ending in '\n'.
std::string FormatTrace(const Trace& trace);

// Makes driver names usable in a trace: invalid characters become '_', an
// empty or numeric name becomes "d<id>", a duplicate gets "_<id>" appended.
std::vector<DriverInfo> CanonicalDrivers(const std::vector<DriverInfo>& drivers);

// Writes a run as a trace: the header and driver lines at construction,
// then one line per event. `out` is not owned and must outlive the writer.
class Writer : public EventSink {
 public:
  Writer(std::ostream& out, const std::vector<DriverInfo>& drivers);
  void OnEvent(const Event& event) override;

 private:
  std::ostream& out_;
  std::vector<DriverInfo> drivers_;
};

}  // namespace ndisconf::trace

#endif  // NDISCONF_CONFORMANCE_TRACE_TRACE_H_
