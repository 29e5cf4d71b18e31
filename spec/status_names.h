// spec/status_names.h: NDIS_STATUS <-> name.
//
// The names of the statuses in ndisconf/api/status.h, for traces, test
// output and reports. Pure functions of their arguments; any context.
#ifndef NDISCONF_SPEC_STATUS_NAMES_H_
#define NDISCONF_SPEC_STATUS_NAMES_H_

#include <ndis.h>

#include <optional>
#include <string>
#include <string_view>

namespace ndisconf::spec {

// The full name ("NDIS_STATUS_PENDING"), or "" for a value with no name.
std::string_view StatusName(NDIS_STATUS status);

// The name without the "NDIS_STATUS_" prefix ("PENDING"), or "" if unknown.
std::string_view ShortStatusName(NDIS_STATUS status);

// The short name if known, else "0x" and eight lowercase hex digits. This
// is the trace format's spelling of a status.
std::string FormatStatus(NDIS_STATUS status);

// Parses a status spelled as a short name ("PENDING"), a full name
// ("NDIS_STATUS_PENDING") or hex ("0xc0000001", at most 32 bits).
// nullopt for anything else.
std::optional<NDIS_STATUS> ParseStatus(std::string_view text);

}  // namespace ndisconf::spec

#endif  // NDISCONF_SPEC_STATUS_NAMES_H_
