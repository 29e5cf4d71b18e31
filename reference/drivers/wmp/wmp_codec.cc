// Implementation of reference/drivers/wmp/wmp_codec.h.
#include "reference/drivers/wmp/wmp_codec.h"

#include <algorithm>
#include <cstring>

namespace ndisconf::drivers::wmp {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

namespace wb = spec::wan;

wb::ByteView View(std::span<const uint8_t> info) { return wb::ByteView(info.data(), info.size()); }

// [offset, offset + size) inside [0, length), without overflow.
bool Inside(size_t length, uint64_t offset, uint64_t size) {
  return offset <= length && size <= length - offset;
}

constexpr OidInfo kOids[] = {
    // NDIS WAN (spec 4.6; WAN-095, WAN-096).
    {OID_WAN_GET_INFO, "OID_WAN_GET_INFO", true, false, sizeof(NDIS_WAN_INFO)},
    {OID_WAN_SET_LINK_INFO, "OID_WAN_SET_LINK_INFO", false, true, sizeof(NDIS_WAN_SET_LINK_INFO)},
    {OID_WAN_GET_LINK_INFO, "OID_WAN_GET_LINK_INFO", true, false, sizeof(NDIS_WAN_GET_LINK_INFO)},
    {OID_WAN_QUALITY_OF_SERVICE, "OID_WAN_QUALITY_OF_SERVICE", true, false,
     sizeof(NDIS_WAN_QUALITY)},
    {OID_WAN_LINE_COUNT, "OID_WAN_LINE_COUNT", true, false, sizeof(ULONG)},
    {OID_GEN_LINK_SPEED, "OID_GEN_LINK_SPEED", true, false, sizeof(ULONG)},
    // TAPI (spec 4.6 table; NT4G:206tapi_14).
    {OID_TAPI_PROVIDER_INITIALIZE, "OID_TAPI_PROVIDER_INITIALIZE", true, true,
     sizeof(NDIS_TAPI_PROVIDER_INITIALIZE)},
    {OID_TAPI_PROVIDER_SHUTDOWN, "OID_TAPI_PROVIDER_SHUTDOWN", true, true,
     sizeof(NDIS_TAPI_PROVIDER_SHUTDOWN)},
    {OID_TAPI_OPEN, "OID_TAPI_OPEN", true, true, sizeof(NDIS_TAPI_OPEN)},
    {OID_TAPI_CLOSE, "OID_TAPI_CLOSE", true, true, sizeof(NDIS_TAPI_CLOSE)},
    {OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, "OID_TAPI_SET_DEFAULT_MEDIA_DETECTION", true, true,
     sizeof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION)},
    {OID_TAPI_SET_STATUS_MESSAGES, "OID_TAPI_SET_STATUS_MESSAGES", true, true,
     sizeof(NDIS_TAPI_SET_STATUS_MESSAGES)},
    {OID_TAPI_MAKE_CALL, "OID_TAPI_MAKE_CALL", true, true, sizeof(NDIS_TAPI_MAKE_CALL)},
    {OID_TAPI_ACCEPT, "OID_TAPI_ACCEPT", true, true, offsetof(NDIS_TAPI_ACCEPT, UserUserInfo)},
    {OID_TAPI_ANSWER, "OID_TAPI_ANSWER", true, true, offsetof(NDIS_TAPI_ANSWER, UserUserInfo)},
    {OID_TAPI_DROP, "OID_TAPI_DROP", true, true, offsetof(NDIS_TAPI_DROP, UserUserInfo)},
    {OID_TAPI_CLOSE_CALL, "OID_TAPI_CLOSE_CALL", true, true, sizeof(NDIS_TAPI_CLOSE_CALL)},
    {OID_TAPI_GET_ID, "OID_TAPI_GET_ID", true, true, sizeof(NDIS_TAPI_GET_ID)},
};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

GetIdParse ParseGetId(std::span<const uint8_t> info) {
  GetIdParse out;
  if (info.size() < sizeof(NDIS_TAPI_GET_ID)) {
    out.status = NDIS_STATUS_INVALID_LENGTH;
    out.bytes_needed = sizeof(NDIS_TAPI_GET_ID);
    return out;
  }
  // The whole fixed structure is there, so both decoders succeed.
  const wb::GetIdRequest fixed = wb::DecodeGetIdRequest(View(info)).value();
  const ULONG total = wb::DecodeVarString(View(info), kDeviceIdOffset)->total_size;
  GetIdRequest& r = out.request;
  r.hd_line = fixed.hd_line;
  r.address_id = fixed.address_id;
  r.hd_call = fixed.hd_call;
  r.select = fixed.select;

  // WAN-072 (DERIVED): the class string must lie in the buffer, past the
  // fixed fields it could otherwise alias, and not be empty.
  const std::optional<std::string_view> device_class = wb::GetIdDeviceClass(View(info), fixed);
  if (fixed.device_class_offset < kDeviceIdBodyOffset || !device_class || device_class->empty()) {
    out.status = NDIS_STATUS_INVALID_DATA;
    return out;
  }
  r.device_class.assign(*device_class);

  if (total < sizeof(VAR_STRING)) {
    out.status = NDIS_STATUS_INVALID_DATA;
    return out;
  }
  r.device_id_total = static_cast<ULONG>(std::min<size_t>(total, info.size() - kDeviceIdOffset));
  return out;
}

ULONG WriteDeviceId(std::span<uint8_t> info, ULONG total, std::span<const uint8_t> body) {
  if (info.size() < kDeviceIdBodyOffset || total < sizeof(VAR_STRING)) return 0;
  const size_t usable = std::min<size_t>(total, info.size() - kDeviceIdOffset);
  VAR_STRING v;
  std::memcpy(&v, info.data() + kDeviceIdOffset, sizeof(v));
  const ULONG needed = static_cast<ULONG>(sizeof(VAR_STRING) + body.size());
  v.ulNeededSize = needed;
  v.ulStringFormat = STRINGFORMAT_BINARY;
  if (needed <= usable) {
    v.ulUsedSize = needed;
    v.ulStringSize = static_cast<ULONG>(body.size());
    v.ulStringOffset = sizeof(VAR_STRING);
    if (!body.empty()) std::memcpy(info.data() + kDeviceIdBodyOffset, body.data(), body.size());
  } else {
    // OQ-23: too small -> report the size needed; nothing of the body.
    v.ulUsedSize = sizeof(VAR_STRING);
    v.ulStringSize = 0;
    v.ulStringOffset = 0;
  }
  std::memcpy(info.data() + kDeviceIdOffset, &v, sizeof(v));
  const size_t written = kDeviceIdOffset + v.ulUsedSize;
  return static_cast<ULONG>(
      std::min<size_t>(info.size(), std::max<size_t>(written, sizeof(NDIS_TAPI_GET_ID))));
}

std::optional<std::span<const uint8_t>> ReadDeviceId(std::span<const uint8_t> info) {
  const wb::Decoded<wb::VarString> v = wb::DecodeVarString(View(info), kDeviceIdOffset);
  if (!v.ok() || v->string_format != STRINGFORMAT_BINARY) return std::nullopt;
  const uint64_t start = uint64_t{kDeviceIdOffset} + v->string_offset;
  if (v->string_size > v->used_size || !Inside(info.size(), start, v->string_size)) {
    return std::nullopt;
  }
  return info.subspan(static_cast<size_t>(start), v->string_size);
}

std::optional<std::string> ReadCountedString(std::span<const uint8_t> info, ULONG offset,
                                             ULONG size) {
  if (!Inside(info.size(), offset, size)) return std::nullopt;
  const char* s = reinterpret_cast<const char*>(info.data() + offset);
  size_t len = 0;
  while (len < size && s[len] != '\0') ++len;
  return std::string(s, len);
}

ULONG FragmentErrors(nic::FrameErrors errors) {
  // The NIC's bits are the WAN_ERROR_* values by design (nic.h).
  static_assert(nic::FrameErrors::kCrc == WAN_ERROR_CRC);
  static_assert(nic::FrameErrors::kFraming == WAN_ERROR_FRAMING);
  static_assert(nic::FrameErrors::kHardwareOverrun == WAN_ERROR_HARDWAREOVERRUN);
  static_assert(nic::FrameErrors::kBufferOverrun == WAN_ERROR_BUFFEROVERRUN);
  static_assert(nic::FrameErrors::kTimeout == WAN_ERROR_TIMEOUT);
  static_assert(nic::FrameErrors::kAlignment == WAN_ERROR_ALIGNMENT);
  const ULONG bits = errors.bits & nic::FrameErrors::kAll;
  return bits != 0 ? bits : WAN_ERROR_FRAMING;
}

ULONG DisconnectMode(nic::CallEnd reason) {
  switch (reason) {
    case nic::CallEnd::kNone:
      return LINEDISCONNECTMODE_UNKNOWN;
    case nic::CallEnd::kRemoteHangUp:
      return LINEDISCONNECTMODE_NORMAL;
    case nic::CallEnd::kBusy:
      return LINEDISCONNECTMODE_BUSY;
    case nic::CallEnd::kNoAnswer:
      return LINEDISCONNECTMODE_NOANSWER;
    case nic::CallEnd::kNoDialTone:
      return LINEDISCONNECTMODE_UNAVAIL;
    case nic::CallEnd::kLinkLoss:
      return LINEDISCONNECTMODE_UNKNOWN;
    case nic::CallEnd::kNicReset:
      return LINEDISCONNECTMODE_UNKNOWN;
    case nic::CallEnd::kOfferWithdrawn:
      return LINEDISCONNECTMODE_NORMAL;
  }
  return LINEDISCONNECTMODE_UNKNOWN;
}

ULONG MediaModeOf(nic::Bearer bearer) {
  switch (bearer) {
    case nic::Bearer::kDigitalData:
      return LINEMEDIAMODE_DIGITALDATA;
    case nic::Bearer::kDataModem:
      return LINEMEDIAMODE_DATAMODEM;
    case nic::Bearer::kVoice:
      return LINEMEDIAMODE_INTERACTIVEVOICE;
  }
  return LINEMEDIAMODE_UNKNOWN;
}

std::span<const OidInfo> SupportedOids() { return kOids; }

const OidInfo* FindOid(NDIS_OID oid) {
  for (const OidInfo& o : kOids) {
    if (o.oid == oid) return &o;
  }
  return nullptr;
}

}  // namespace ndisconf::drivers::wmp
