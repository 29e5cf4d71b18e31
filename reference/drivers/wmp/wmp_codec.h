// reference/drivers/wmp/wmp_codec.h: the byte-level parts of the reference WAN
// miniport (reference/drivers/wmp), kept free of NDIS calls so they can be
// tested without a host: parsing OID_TAPI_GET_ID's device class, encoding
// the DeviceID VAR_STRING (OQ-23), checking a counted string inside an
// information buffer, and the fixed mappings from NIC terms to NDIS/TAPI
// terms (frame errors -> WAN_ERROR_*, call end -> LINEDISCONNECTMODE_*,
// bearer -> LINEMEDIAMODE_*).
//
// Every buffer handled here comes from outside the driver (NDISTAPI,
// NDISWAN) and is untrusted: each function bounds-checks against the
// length it is given and reports a precise NDIS_STATUS, never asserts.
// Pure functions; any context, any IRQL.
#ifndef NDISCONF_REFERENCE_DRIVERS_WMP_WMP_CODEC_H_
#define NDISCONF_REFERENCE_DRIVERS_WMP_WMP_CODEC_H_

#include <ndis.h>
#include <ndistapi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "reference/nic/nic.h"
#include "spec/wan_buffers.h"

namespace ndisconf::drivers::wmp {

// Where the DeviceID VAR_STRING's string body goes (OQ-23): right after the
// VAR_STRING itself, so ulStringOffset == sizeof(VAR_STRING).
// The layout is spec/wan_buffers.h's, shared with NDISWAN and the
// monitor.
inline constexpr size_t kDeviceIdOffset = spec::wan::kGetIdDeviceIdOff;
inline constexpr size_t kDeviceIdBodyOffset = spec::wan::kGetIdDeviceIdBodyOff;

// The device classes of WAN-070 (compared case-insensitively).
inline constexpr std::string_view kClassNdis = "ndis";
inline constexpr std::string_view kClassTapiLine = "tapi/line";

// ASCII case-insensitive equality ("NDIS" == "ndis"); WAN-070.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The fixed fields of an OID_TAPI_GET_ID request and its device class.
struct GetIdRequest {
  HDRV_LINE hd_line = 0;
  ULONG address_id = 0;
  HDRV_CALL hd_call = 0;
  ULONG select = 0;           // LINECALLSELECT_*
  std::string device_class;   // without the terminating NUL
  ULONG device_id_total = 0;  // usable bytes of DeviceID: min(ulTotalSize, what the buffer holds)
};

struct GetIdParse {
  NDIS_STATUS status = NDIS_STATUS_SUCCESS;  // SUCCESS, or why the request is malformed
  ULONG bytes_needed = 0;                    // set with NDIS_STATUS_INVALID_LENGTH
  GetIdRequest request;
};

// Parses an OID_TAPI_GET_ID information buffer (WAN-072, OQ-23). The device
// class is the ulDeviceClassSize bytes at ulDeviceClassOffset, offset from
// the start of NDIS_TAPI_GET_ID; it ends at its first NUL or, if it has
// none, at ulDeviceClassSize (so the size is accepted with or without the
// NUL). Returns:
//   INVALID_LENGTH (bytes_needed = sizeof(NDIS_TAPI_GET_ID)) for a buffer
//     shorter than the fixed structure;
//   INVALID_DATA for a class string that is empty, lies (partly) outside
//     the buffer, or overlaps the fixed fields up to the end of the
//     DeviceID header, or a DeviceID.ulTotalSize smaller than VAR_STRING.
// The request's device_id_total is clamped to the bytes the information
// buffer really has from DeviceID on: a ulTotalSize larger than the buffer
// is not trusted.
GetIdParse ParseGetId(std::span<const uint8_t> info);

// Fills the DeviceID VAR_STRING at kDeviceIdOffset of `info` with `body` as
// STRINGFORMAT_BINARY, the bytes placed right after the VAR_STRING (OQ-23).
// `total` is the DeviceID size the parse accepted (>= sizeof(VAR_STRING)).
// If the body does not fit, only the header is written: ulNeededSize = what
// is needed, ulUsedSize = sizeof(VAR_STRING), ulStringSize = 0 (the TAPI
// VARSTRING convention; the request still succeeds). Returns the number of
// bytes of `info` written from its start (at least sizeof(NDIS_TAPI_GET_ID)
// when that fits in `info`).
ULONG WriteDeviceId(std::span<uint8_t> info, ULONG total, std::span<const uint8_t> body);

// Reads the VAR_STRING DeviceID back (tests, stub NDISTAPI): the string body
// if ulStringFormat is BINARY and the body lies inside `info`; nullopt
// otherwise.
std::optional<std::span<const uint8_t>> ReadDeviceId(std::span<const uint8_t> info);

// A counted string inside an information buffer (MAKE_CALL's destination
// address): `size` bytes at `offset` from the start of `info`, cut at the
// first NUL. nullopt when it does not lie inside the buffer.
std::optional<std::string> ReadCountedString(std::span<const uint8_t> info, ULONG offset,
                                             ULONG size);

// NIC receive-error bits to NDIS_MAC_FRAGMENT.Errors (WAN-051). The NIC's
// bits equal WAN_ERROR_*; bits outside the six defined ones are dropped and
// an error with none of them maps to WAN_ERROR_FRAMING (a partial frame
// with no named cause is a framing error: the closest flag, WAN-051).
ULONG FragmentErrors(nic::FrameErrors errors);

// Why a call ended, to LINE_CALLSTATE DISCONNECTED's ulParam2 (WAN-066,
// WAN-087). Only TAPI 1.3 modes (NDIS_TAPI_CURRENT_VERSION): NODIALTONE is
// 1.4, so a missing dial tone reports UNAVAIL.
ULONG DisconnectMode(nic::CallEnd reason);

// The media mode of an incoming call's bearer (LINE_CALLSTATE OFFERING
// ulParam3, WAN-062) and the media-detection check (WAN-063).
ULONG MediaModeOf(nic::Bearer bearer);

// The OIDs the driver answers: the path(s) it accepts them on and the
// minimum InformationBufferLength (shorter -> NDIS_STATUS_INVALID_LENGTH
// with BytesNeeded = min_length). TAPI OIDs are accepted on either path:
// spec 3.9 says which one NDISTAPI uses, the driver does not depend on it.
struct OidInfo {
  NDIS_OID oid;
  const char* name;
  bool query;
  bool set;
  ULONG min_length;
};
std::span<const OidInfo> SupportedOids();
// The entry for `oid`, or nullptr (then: TAPI range -> OPERATIONUNAVAIL,
// WAN-080; anything else -> NDIS_STATUS_INVALID_OID).
const OidInfo* FindOid(NDIS_OID oid);

// True for the OID_TAPI_* range (0x0703xxxx), whose unsupported members
// complete with NDIS_STATUS_TAPI_OPERATIONUNAVAIL (WAN-080).
inline bool IsTapiOid(NDIS_OID oid) { return (oid & 0xFFFF0000u) == 0x07030000u; }

}  // namespace ndisconf::drivers::wmp

#endif  // NDISCONF_REFERENCE_DRIVERS_WMP_WMP_CODEC_H_
