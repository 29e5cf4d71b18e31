// Unit tests of the WMP's byte-level parts: OID_TAPI_GET_ID parsing
// (WAN-070, WAN-072), the DeviceID VAR_STRING (WAN-026, OQ-23), the OID
// table (WAN-080, WAN-081, WAN-095) and the NIC -> NDIS/TAPI mappings
// (WAN-051, WAN-062, WAN-087). No NDIS host is involved.
#include "reference/drivers/wmp/wmp_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ndisconf::drivers::wmp {
namespace {

// An OID_TAPI_GET_ID buffer: the fixed structure, `body` bytes of DeviceID
// space after its VAR_STRING header, then the class string.
struct GetIdBuffer {
  std::vector<uint8_t> bytes;
  NDIS_TAPI_GET_ID* get() { return reinterpret_cast<NDIS_TAPI_GET_ID*>(bytes.data()); }
  std::span<uint8_t> span() { return bytes; }
};

GetIdBuffer MakeGetId(const std::string& device_class, ULONG select, bool count_nul = true,
                      size_t body = 16) {
  GetIdBuffer b;
  const size_t class_offset = kDeviceIdBodyOffset + body;
  b.bytes.assign(class_offset + device_class.size() + 1, 0);
  NDIS_TAPI_GET_ID g;
  std::memset(&g, 0, sizeof(g));
  g.hdCall = 0x123;
  g.hdLine = 0x45;
  g.ulSelect = select;
  g.ulDeviceClassSize = static_cast<ULONG>(device_class.size() + (count_nul ? 1 : 0));
  g.ulDeviceClassOffset = static_cast<ULONG>(class_offset);
  g.DeviceID.ulTotalSize = static_cast<ULONG>(sizeof(VAR_STRING) + body);
  std::memcpy(b.bytes.data(), &g, offsetof(NDIS_TAPI_GET_ID, DeviceID) + sizeof(VAR_STRING));
  std::memcpy(b.bytes.data() + class_offset, device_class.data(), device_class.size());
  return b;
}

TEST(ParseGetId, NdisClassIsParsedCaseInsensitivelyWithOrWithoutNul) {
  // Checks WAN-070: DeviceClass "ndis" (case-insensitive)
  for (bool nul : {true, false}) {
    GetIdBuffer b = MakeGetId("NDIS", LINECALLSELECT_CALL, nul);
    GetIdParse p = ParseGetId(b.span());
    ASSERT_EQ(p.status, NDIS_STATUS_SUCCESS) << "count_nul=" << nul;
    EXPECT_EQ(p.request.device_class, "NDIS");
    EXPECT_TRUE(EqualsIgnoreCase(p.request.device_class, kClassNdis));
    EXPECT_EQ(p.request.hd_call, 0x123u);
    EXPECT_EQ(p.request.select, static_cast<ULONG>(LINECALLSELECT_CALL));
    EXPECT_EQ(p.request.device_id_total, sizeof(VAR_STRING) + 16);
  }
}

TEST(ParseGetId, BufferShorterThanStructIsInvalidLengthWithBytesNeeded) {
  std::vector<uint8_t> b(sizeof(NDIS_TAPI_GET_ID) - 1, 0);
  GetIdParse p = ParseGetId(b);
  EXPECT_EQ(p.status, NDIS_STATUS_INVALID_LENGTH);
  EXPECT_EQ(p.bytes_needed, sizeof(NDIS_TAPI_GET_ID));
}

TEST(ParseGetId, ClassOffsetPastBufferIsInvalidData) {
  // Checks WAN-072: the parser rejects an offset or size outside the information buffer
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->ulDeviceClassOffset = static_cast<ULONG>(b.bytes.size());
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, ClassSizeRunningPastBufferIsInvalidData) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->ulDeviceClassSize = 6;  // one byte beyond the buffer's end
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, HugeOffsetAndSizeDoNotOverflow) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->ulDeviceClassOffset = 0xFFFFFFF0u;
  b.get()->ulDeviceClassSize = 0x20;
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
  b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->ulDeviceClassSize = 0xFFFFFFFFu;
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, ClassOverlappingFixedFieldsIsInvalidData) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->ulDeviceClassOffset = offsetof(NDIS_TAPI_GET_ID, hdCall);
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, EmptyClassIsInvalidData) {
  GetIdBuffer b = MakeGetId("", LINECALLSELECT_CALL);  // size 1: just the NUL
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
  b.get()->ulDeviceClassSize = 0;
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, DeviceIdTotalBelowHeaderIsInvalidData) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->DeviceID.ulTotalSize = sizeof(VAR_STRING) - 1;
  EXPECT_EQ(ParseGetId(b.span()).status, NDIS_STATUS_INVALID_DATA);
}

TEST(ParseGetId, DeviceIdTotalLargerThanBufferIsClampedToBuffer) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  b.get()->DeviceID.ulTotalSize = 0x7FFFFFFF;
  GetIdParse p = ParseGetId(b.span());
  ASSERT_EQ(p.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(p.request.device_id_total, b.bytes.size() - kDeviceIdOffset);
}

TEST(WriteDeviceId, HandleGoesRightAfterVarStringAsBinary) {
  // Checks WAN-026: DeviceID = NdisLinkContext, VAR_STRING {BINARY, handle right after it} (OQ-23)
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  NDIS_HANDLE lc = reinterpret_cast<NDIS_HANDLE>(uintptr_t{0x1122334455667788});
  uint8_t body[sizeof(lc)];
  std::memcpy(body, &lc, sizeof(lc));
  ULONG written = WriteDeviceId(b.span(), sizeof(VAR_STRING) + 16, body);
  const VAR_STRING& v = b.get()->DeviceID;
  EXPECT_EQ(v.ulStringFormat, static_cast<ULONG>(STRINGFORMAT_BINARY));
  EXPECT_EQ(v.ulStringOffset, sizeof(VAR_STRING));
  EXPECT_EQ(v.ulStringSize, sizeof(NDIS_HANDLE));
  EXPECT_EQ(v.ulNeededSize, sizeof(VAR_STRING) + sizeof(NDIS_HANDLE));
  EXPECT_EQ(v.ulUsedSize, sizeof(VAR_STRING) + sizeof(NDIS_HANDLE));
  EXPECT_EQ(written, kDeviceIdBodyOffset + sizeof(NDIS_HANDLE));
  NDIS_HANDLE back;
  std::memcpy(&back, b.bytes.data() + kDeviceIdBodyOffset, sizeof(back));
  EXPECT_EQ(back, lc);
  auto read = ReadDeviceId(b.span());
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->size(), sizeof(NDIS_HANDLE));
  EXPECT_EQ(std::memcmp(read->data(), body, sizeof(body)), 0);
}

TEST(WriteDeviceId, TooSmallVarStringGetsNeededSizeOnly) {
  // Checks OQ-23: If ulTotalSize is too small, set ulNeededSize and return SUCCESS
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL, true, 4);
  uint8_t body[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  WriteDeviceId(b.span(), sizeof(VAR_STRING) + 4, body);
  const VAR_STRING& v = b.get()->DeviceID;
  EXPECT_EQ(v.ulNeededSize, sizeof(VAR_STRING) + 8);
  EXPECT_EQ(v.ulUsedSize, sizeof(VAR_STRING));
  EXPECT_EQ(v.ulStringSize, 0u);
  // The class string after the DeviceID space is untouched.
  EXPECT_EQ(b.bytes[kDeviceIdBodyOffset + 4], 'n');
}

TEST(ReadDeviceId, BodyOutsideBufferIsRejected) {
  GetIdBuffer b = MakeGetId("ndis", LINECALLSELECT_CALL);
  VAR_STRING& v = b.get()->DeviceID;
  v.ulStringFormat = STRINGFORMAT_BINARY;
  v.ulUsedSize = 0xFFFF;
  v.ulStringSize = 8;
  v.ulStringOffset = 0xFFFFFF00u;
  EXPECT_FALSE(ReadDeviceId(b.span()).has_value());
}

TEST(ReadCountedString, CutsAtNulAndChecksBounds) {
  std::vector<uint8_t> buf = {'x', '5', '5', '5', 0, 'z'};
  EXPECT_EQ(ReadCountedString(buf, 1, 5), std::optional<std::string>("555"));
  EXPECT_EQ(ReadCountedString(buf, 1, 3), std::optional<std::string>("555"));
  EXPECT_FALSE(ReadCountedString(buf, 4, 3).has_value());
  EXPECT_FALSE(ReadCountedString(buf, 0xFFFFFFFFu, 2).has_value());
}

TEST(FragmentErrors, NicBitsPassThroughAndEmptyBecomesFraming) {
  // Checks WAN-051: Errors is a bitmask of one or more WAN_ERROR_* flags
  EXPECT_EQ(FragmentErrors({nic::FrameErrors::kCrc}), WAN_ERROR_CRC);
  EXPECT_EQ(FragmentErrors({nic::FrameErrors::kCrc | nic::FrameErrors::kAlignment}),
            WAN_ERROR_CRC | WAN_ERROR_ALIGNMENT);
  EXPECT_EQ(FragmentErrors({0}), WAN_ERROR_FRAMING);
  EXPECT_EQ(FragmentErrors({0x40}), WAN_ERROR_FRAMING);  // undefined bit only
  EXPECT_EQ(FragmentErrors({0xFF}), 0x3Fu);
}

TEST(DisconnectMode, CallEndsMapToTapi13Modes) {
  // Checks WAN-087: LINECALLSTATE_DISCONNECTED with a LINEDISCONNECTMODE_* (TAPI 1.3 modes)
  EXPECT_EQ(DisconnectMode(nic::CallEnd::kRemoteHangUp), LINEDISCONNECTMODE_NORMAL);
  EXPECT_EQ(DisconnectMode(nic::CallEnd::kBusy), LINEDISCONNECTMODE_BUSY);
  EXPECT_EQ(DisconnectMode(nic::CallEnd::kNoAnswer), LINEDISCONNECTMODE_NOANSWER);
  EXPECT_EQ(DisconnectMode(nic::CallEnd::kNoDialTone), LINEDISCONNECTMODE_UNAVAIL);
  EXPECT_EQ(DisconnectMode(nic::CallEnd::kLinkLoss), LINEDISCONNECTMODE_UNKNOWN);
  for (int r = 0; r <= 7; ++r) {
    EXPECT_LE(DisconnectMode(static_cast<nic::CallEnd>(r)), 0x800u) << r;
  }
}

TEST(MediaModeOf, BearersMapToDistinctMediaModes) {
  EXPECT_EQ(MediaModeOf(nic::Bearer::kDigitalData), LINEMEDIAMODE_DIGITALDATA);
  EXPECT_EQ(MediaModeOf(nic::Bearer::kDataModem), LINEMEDIAMODE_DATAMODEM);
  EXPECT_EQ(MediaModeOf(nic::Bearer::kVoice), LINEMEDIAMODE_INTERACTIVEVOICE);
}

TEST(OidTable, RequiredTapiOidsAreSupportedWithTheirStructSizes) {
  // Checks WAN-081:
  // GET_ID, OPEN, CLOSE, CLOSE_CALL, DROP, MAKE_CALL, PROVIDER_INITIALIZE/SHUTDOWN,
  // SET_DEFAULT_MEDIA_DETECTION, SET_STATUS_MESSAGES are required
  struct Want {
    NDIS_OID oid;
    ULONG min;
  };
  const Want wants[] = {
      {OID_TAPI_GET_ID, sizeof(NDIS_TAPI_GET_ID)},
      {OID_TAPI_OPEN, sizeof(NDIS_TAPI_OPEN)},
      {OID_TAPI_CLOSE, sizeof(NDIS_TAPI_CLOSE)},
      {OID_TAPI_CLOSE_CALL, sizeof(NDIS_TAPI_CLOSE_CALL)},
      {OID_TAPI_DROP, offsetof(NDIS_TAPI_DROP, UserUserInfo)},
      {OID_TAPI_MAKE_CALL, sizeof(NDIS_TAPI_MAKE_CALL)},
      {OID_TAPI_ANSWER, offsetof(NDIS_TAPI_ANSWER, UserUserInfo)},
      {OID_TAPI_PROVIDER_INITIALIZE, sizeof(NDIS_TAPI_PROVIDER_INITIALIZE)},
      {OID_TAPI_PROVIDER_SHUTDOWN, sizeof(NDIS_TAPI_PROVIDER_SHUTDOWN)},
      {OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, sizeof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION)},
      {OID_TAPI_SET_STATUS_MESSAGES, sizeof(NDIS_TAPI_SET_STATUS_MESSAGES)},
  };
  for (const Want& w : wants) {
    const OidInfo* o = FindOid(w.oid);
    ASSERT_NE(o, nullptr) << std::hex << w.oid;
    EXPECT_TRUE(o->query && o->set) << o->name;  // either path (spec 3.9)
    EXPECT_EQ(o->min_length, w.min) << o->name;
  }
}

TEST(OidTable, WanOidsHaveTheirPaths) {
  // Checks WAN-095: OID_WAN_GET_INFO answers NDIS_WAN_INFO (query only)
  const OidInfo* get_info = FindOid(OID_WAN_GET_INFO);
  ASSERT_NE(get_info, nullptr);
  EXPECT_TRUE(get_info->query);
  EXPECT_FALSE(get_info->set);
  EXPECT_EQ(get_info->min_length, sizeof(NDIS_WAN_INFO));
  const OidInfo* set_link = FindOid(OID_WAN_SET_LINK_INFO);
  ASSERT_NE(set_link, nullptr);
  EXPECT_FALSE(set_link->query);
  EXPECT_TRUE(set_link->set);
  for (NDIS_OID oid :
       std::initializer_list<NDIS_OID>{OID_WAN_GET_LINK_INFO, OID_WAN_QUALITY_OF_SERVICE,
                                       OID_WAN_LINE_COUNT, OID_GEN_LINK_SPEED}) {
    ASSERT_NE(FindOid(oid), nullptr) << std::hex << oid;
  }
}

TEST(OidTable, OptionalTapiOidsAreUnsupportedButRecognisedAsTapi) {
  // Checks WAN-080: unsupported TAPI requests complete with NDIS_STATUS_TAPI_OPERATIONUNAVAIL
  for (NDIS_OID oid :
       std::initializer_list<NDIS_OID>{OID_TAPI_CONFIG_DIALOG, OID_TAPI_DEV_SPECIFIC,
                                       OID_TAPI_SECURE_CALL, OID_TAPI_GATHER_DIGITS}) {
    EXPECT_EQ(FindOid(oid), nullptr);
    EXPECT_TRUE(IsTapiOid(oid));
  }
  EXPECT_FALSE(IsTapiOid(OID_WAN_GET_INFO));
  EXPECT_FALSE(IsTapiOid(0x07020101));
}

TEST(OidTable, NoDuplicates) {
  auto oids = SupportedOids();
  for (size_t i = 0; i < oids.size(); ++i) {
    for (size_t j = i + 1; j < oids.size(); ++j) EXPECT_NE(oids[i].oid, oids[j].oid);
  }
}

}  // namespace
}  // namespace ndisconf::drivers::wmp
