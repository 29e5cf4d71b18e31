#include "spec/status_names.h"

#include "gtest/gtest.h"

namespace ndisconf::spec {
namespace {

TEST(StatusNames, KnownStatusHasFullAndShortName) {
  EXPECT_EQ(StatusName(NDIS_STATUS_PENDING), "NDIS_STATUS_PENDING");
  EXPECT_EQ(ShortStatusName(NDIS_STATUS_BAD_CHARACTERISTICS), "BAD_CHARACTERISTICS");
  EXPECT_EQ(FormatStatus(NDIS_STATUS_FAILURE), "FAILURE");
}

TEST(StatusNames, UnknownStatusFormatsAsEightHexDigits) {
  EXPECT_EQ(StatusName(static_cast<NDIS_STATUS>(0x12345)), "");
  EXPECT_EQ(FormatStatus(static_cast<NDIS_STATUS>(0x12345)), "0x00012345");
}

TEST(StatusNames, ParseAcceptsShortFullAndHexForms) {
  EXPECT_EQ(ParseStatus("PENDING"), NDIS_STATUS_PENDING);
  EXPECT_EQ(ParseStatus("NDIS_STATUS_INVALID_DATA"), NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(ParseStatus("0xc0000001"), NDIS_STATUS_FAILURE);
  EXPECT_EQ(ParseStatus("0x00012345"), static_cast<NDIS_STATUS>(0x12345));
}

TEST(StatusNames, ParseRejectsUnknownNamesAndValuesWiderThan32Bits) {
  EXPECT_EQ(ParseStatus("PENDINGX"), std::nullopt);
  EXPECT_EQ(ParseStatus("0x1ffffffff"), std::nullopt);
  EXPECT_EQ(ParseStatus("0x"), std::nullopt);
  EXPECT_EQ(ParseStatus(""), std::nullopt);
}

TEST(StatusNames, EveryNamedStatusRoundTrips) {
  for (uint32_t v : {0x0u, 0x103u, 0x10003u, 0xC0000001u, 0xC000009Au, 0xC0010021u, 0xC0010029u}) {
    const NDIS_STATUS s = static_cast<NDIS_STATUS>(v);
    EXPECT_EQ(ParseStatus(FormatStatus(s)), s) << v;
  }
}

}  // namespace
}  // namespace ndisconf::spec
