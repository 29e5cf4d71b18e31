// NDIS_STATUS name table (spec 4.3; ndisconf/api/status.h).
#include "spec/status_names.h"

#include <cstdio>

namespace ndisconf::spec {
namespace {

struct Entry {
  NDIS_STATUS value;
  std::string_view name;
};

#define NDISCONF_S(n) \
  { NDIS_STATUS_##n, "NDIS_STATUS_" #n }
constexpr Entry kTable[] = {
    NDISCONF_S(SUCCESS),
    NDISCONF_S(PENDING),
    NDISCONF_S(NOT_RECOGNIZED),
    NDISCONF_S(NOT_COPIED),
    NDISCONF_S(NOT_ACCEPTED),
    NDISCONF_S(CALL_ACTIVE),
    NDISCONF_S(ONLINE),
    NDISCONF_S(RESET_START),
    NDISCONF_S(RESET_END),
    NDISCONF_S(RING_STATUS),
    NDISCONF_S(CLOSED),
    NDISCONF_S(WAN_LINE_UP),
    NDISCONF_S(WAN_LINE_DOWN),
    NDISCONF_S(WAN_FRAGMENT),
    NDISCONF_S(MEDIA_CONNECT),
    NDISCONF_S(MEDIA_DISCONNECT),
    NDISCONF_S(HARDWARE_LINE_UP),
    NDISCONF_S(HARDWARE_LINE_DOWN),
    NDISCONF_S(INTERFACE_UP),
    NDISCONF_S(INTERFACE_DOWN),
    NDISCONF_S(MEDIA_BUSY),
    NDISCONF_S(MEDIA_SPECIFIC_INDICATION),
    NDISCONF_S(WAN_GET_STATS),
    NDISCONF_S(WAN_CO_FRAGMENT),
    NDISCONF_S(WAN_CO_LINKPARAMS),
    NDISCONF_S(WAN_CO_MTULINKPARAMS),
    NDISCONF_S(TAPI_RECV_DIGIT),
    NDISCONF_S(BUFFER_OVERFLOW),
    NDISCONF_S(NOT_RESETTABLE),
    NDISCONF_S(FAILURE),
    NDISCONF_S(INVALID_PARAMETER),
    NDISCONF_S(RESOURCES),
    NDISCONF_S(NOT_SUPPORTED),
    NDISCONF_S(CLOSING),
    NDISCONF_S(BAD_VERSION),
    NDISCONF_S(BAD_CHARACTERISTICS),
    NDISCONF_S(ADAPTER_NOT_FOUND),
    NDISCONF_S(OPEN_FAILED),
    NDISCONF_S(DEVICE_FAILED),
    NDISCONF_S(REQUEST_ABORTED),
    NDISCONF_S(RESET_IN_PROGRESS),
    NDISCONF_S(CLOSING_INDICATING),
    NDISCONF_S(ADAPTER_NOT_READY),
    NDISCONF_S(INVALID_LENGTH),
    NDISCONF_S(INVALID_DATA),
    NDISCONF_S(BUFFER_TOO_SHORT),
    NDISCONF_S(INVALID_OID),
    NDISCONF_S(ADAPTER_REMOVED),
    NDISCONF_S(UNSUPPORTED_MEDIA),
    NDISCONF_S(INVALID_SAP),
    NDISCONF_S(SAP_IN_USE),
    NDISCONF_S(INVALID_ADDRESS),
    NDISCONF_S(VC_NOT_ACTIVATED),
    NDISCONF_S(DEST_OUT_OF_ORDER),
    NDISCONF_S(VC_NOT_AVAILABLE),
    NDISCONF_S(CELLRATE_NOT_AVAILABLE),
    NDISCONF_S(INCOMPATABLE_QOS),
    NDISCONF_S(AAL_PARAMS_UNSUPPORTED),
    NDISCONF_S(NO_ROUTE_TO_DESTINATION),
};
#undef NDISCONF_S

constexpr std::string_view kPrefix = "NDIS_STATUS_";

}  // namespace

std::string_view StatusName(NDIS_STATUS status) {
  for (const Entry& e : kTable)
    if (e.value == status) return e.name;
  return {};
}

std::string_view ShortStatusName(NDIS_STATUS status) {
  std::string_view n = StatusName(status);
  return n.empty() ? n : n.substr(kPrefix.size());
}

std::string FormatStatus(NDIS_STATUS status) {
  std::string_view n = ShortStatusName(status);
  if (!n.empty()) return std::string(n);
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<uint32_t>(status));
  return buf;
}

std::optional<NDIS_STATUS> ParseStatus(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t v = 0;
    for (size_t i = 2; i < text.size(); ++i) {
      const char c = text[i];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return std::nullopt;
      v = v * 16 + static_cast<uint64_t>(d);
      if (v > 0xffffffffull) return std::nullopt;
    }
    return static_cast<NDIS_STATUS>(static_cast<uint32_t>(v));
  }
  for (const Entry& e : kTable) {
    if (e.name == text || e.name.substr(kPrefix.size()) == text) return e.value;
  }
  return std::nullopt;
}

}  // namespace ndisconf::spec
