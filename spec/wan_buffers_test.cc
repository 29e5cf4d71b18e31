// The WAN status buffer layouts, the byte view, and each decoder and
// encoder, with exact bytes and every boundary size (needed - 1, needed,
// claimed > available) (WAN-020, WAN-040, WAN-050, WAN-060, WAN-100,
// WAN-102, WAN-103).
#include "spec/wan_buffers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ndisconf::spec::wan {
namespace {

TEST(WanLayout, X64SizesAndOffsets) {
  EXPECT_EQ(kMacLineUpSize, 40u);
  EXPECT_EQ(kMacLineUpSendWindowOff, 8u);
  EXPECT_EQ(kMacLineUpLinkContextOff, 32u);
  EXPECT_EQ(kMacLineDownSize, 8u);
  EXPECT_EQ(kMacFragmentSize, 16u);
  EXPECT_EQ(kMacFragmentErrorsOff, 8u);
  EXPECT_EQ(TapiEventSize(TapiEventLayout::kUlongPtr), 48u);
  EXPECT_EQ(TapiEventSize(TapiEventLayout::kCompatUlong), 32u);  // WAN-102
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kUlongPtr, 1), (FieldAt{24, 8}));
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kUlongPtr, 2), (FieldAt{32, 8}));
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kUlongPtr, 3), (FieldAt{40, 8}));
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kCompatUlong, 1), (FieldAt{20, 4}));
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kCompatUlong, 2), (FieldAt{24, 4}));
  EXPECT_EQ(TapiEventParam(TapiEventLayout::kCompatUlong, 3), (FieldAt{28, 4}));
  EXPECT_EQ(kWanLineUpSize, 64u);
  EXPECT_EQ(kWanLineUpLocalAddressOff, 20u);
  EXPECT_EQ(kWanLineUpDeviceNameOff, 48u);
  EXPECT_EQ(kWanLineDownSize, 12u);
  EXPECT_EQ(kWanFragmentSize, 12u);
}

TEST(ByteView, OfTakesTheSmallerOfClaimedAndAvailable) {
  const uint8_t b[4] = {1, 2, 3, 4};
  EXPECT_EQ(ByteView::Of(b, 2, 4).size(), 2u);
  EXPECT_EQ(ByteView::Of(b, 9, 4).size(), 4u);
  EXPECT_EQ(ByteView::Of(b, UINT64_MAX, 4).size(), 4u);
  EXPECT_EQ(ByteView::Of(nullptr, 8, 8).size(), 0u);
}

TEST(ByteView, ReadsLittleEndianInsideAndZeroOutside) {
  const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  const ByteView v(b, 8);
  EXPECT_EQ(v.U8(7), 0x08u);
  EXPECT_EQ(v.U16(0), 0x0201u);
  EXPECT_EQ(v.U32(4), 0x08070605u);
  EXPECT_EQ(v.U64(0), 0x0807060504030201u);
  EXPECT_TRUE(v.Has(4, 4));
  EXPECT_FALSE(v.Has(5, 4));
  EXPECT_FALSE(v.Has(SIZE_MAX, 2));  // no overflow
  EXPECT_FALSE(v.Has(2, SIZE_MAX));
  EXPECT_EQ(v.U32(5), 0u);  // crosses the end
  EXPECT_EQ(v.U64(1), 0u);
  EXPECT_EQ(v.U8(8), 0u);
}

// The exact bytes of an NDIS_MAC_LINE_UP.
std::vector<uint8_t> LineUpBytes() {
  return {0x00, 0x05, 0x00, 0x00,                           // LinkSpeed 1280
          0x02, 0x00, 0x00, 0x00,                           // Quality 2 (NdisWanReliable)
          0x04, 0x00,                                       // SendWindow 4
          0,    0,    0,    0,    0,    0,                  // padding
          0x34, 0x12, 0,    0,    0,    0,    0,    0,      // ConnectionWrapperID
          0x78, 0x56, 0,    0,    0,    0,    0,    0,      // NdisLinkHandle
          0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};  // NdisLinkContext
}
const MacLineUp kLineUp{1280, 2, 4, 0x1234, 0x5678, 0x0123456789ABCDEFull};

TEST(MacLineUp, DecodesEveryField) {
  const std::vector<uint8_t> b = LineUpBytes();
  const Decoded<MacLineUp> d = DecodeMacLineUp(b.data(), 40, 40);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), kLineUp);
}

TEST(MacLineUp, EncodesTheSameBytes) {
  const auto e = EncodeMacLineUp(kLineUp);
  EXPECT_EQ(std::vector<uint8_t>(e.begin(), e.end()), LineUpBytes());
}

TEST(MacLineUp, BoundarySizes) {  // WAN-020, WAN-100
  const std::vector<uint8_t> b = LineUpBytes();
  EXPECT_EQ(DecodeMacLineUp(b.data(), 39, 40).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 40, 39, 40}));
  EXPECT_TRUE(DecodeMacLineUp(b.data(), 40, 40).ok());
  EXPECT_TRUE(DecodeMacLineUp(b.data(), 1024, 40).ok());  // longer claim, bytes all there
  EXPECT_EQ(DecodeMacLineUp(b.data(), 40, 39).error(),
            (DecodeError{DecodeErrorKind::kTruncated, 40, 40, 39}));
  EXPECT_EQ(DecodeMacLineUp(nullptr, 40, 40).error(),
            (DecodeError{DecodeErrorKind::kNullBuffer, 40, 40, 0}));
  EXPECT_EQ(DecodeMacLineUp(ByteView(b.data(), 39)).error().kind, DecodeErrorKind::kShortBuffer);
  EXPECT_EQ(DecodeMacLineUp(ByteView(b.data(), 40))->link_handle, 0x5678u);
}

TEST(MacLineDown, DecodesEncodesAndBoundaries) {  // WAN-040
  const auto e = EncodeMacLineDown({0x1122334455667788ull});
  EXPECT_EQ(std::vector<uint8_t>(e.begin(), e.end()),
            (std::vector<uint8_t>{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}));
  EXPECT_EQ(DecodeMacLineDown(e.data(), 8, 8)->link_context, 0x1122334455667788ull);
  EXPECT_EQ(DecodeMacLineDown(e.data(), 7, 8).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 8, 7, 8}));
  EXPECT_EQ(DecodeMacLineDown(e.data(), 12, 7).error(),
            (DecodeError{DecodeErrorKind::kTruncated, 8, 12, 7}));
  EXPECT_EQ(DecodeMacLineDown(nullptr, 0, 0).error().kind, DecodeErrorKind::kNullBuffer);
}

TEST(MacFragment, DecodesEncodesAndBoundaries) {  // WAN-050, WAN-051
  const auto e = EncodeMacFragment({0xC0FFEE, 0x3F});
  EXPECT_EQ(std::vector<uint8_t>(e.begin(), e.end()),
            (std::vector<uint8_t>{0xEE, 0xFF, 0xC0, 0, 0, 0, 0, 0, 0x3F, 0, 0, 0, 0, 0, 0, 0}));
  const Decoded<MacFragment> d = DecodeMacFragment(e.data(), 16, 16);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), (MacFragment{0xC0FFEE, 0x3F}));
  EXPECT_EQ(DecodeMacFragment(e.data(), 15, 16).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 16, 15, 16}));
  EXPECT_EQ(DecodeMacFragment(e.data(), 16, 15).error(),
            (DecodeError{DecodeErrorKind::kTruncated, 16, 16, 15}));
  EXPECT_EQ(kDefinedWanErrors, 0x3Fu);
}

const TapiEvent kEvent{0xDEAD, 0xFFFF, LINE_CALLSTATE, 0x100000002ull, 3, 4};

TEST(TapiEvent, UlongPtrLayoutRoundTripsWithExactBytes) {  // WAN-060
  const std::vector<uint8_t> e = EncodeTapiEvent(kEvent, TapiEventLayout::kUlongPtr);
  ASSERT_EQ(e.size(), 48u);
  EXPECT_EQ(e[0], 0xAD);
  EXPECT_EQ(e[1], 0xDE);
  EXPECT_EQ(e[8], 0xFF);
  EXPECT_EQ(e[16], LINE_CALLSTATE);
  EXPECT_EQ(e[20], 0);  // padding after ulMsg
  EXPECT_EQ(e[24], 2);
  EXPECT_EQ(e[28], 1);  // the high half of param1
  EXPECT_EQ(e[32], 3);
  EXPECT_EQ(e[40], 4);
  const Decoded<TapiEvent> d = DecodeTapiEvent(e.data(), 48, 48, TapiEventLayout::kUlongPtr);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), kEvent);
}

TEST(TapiEvent, CompatUlongLayoutCutsParamsTo32Bits) {  // WAN-102
  const std::vector<uint8_t> e = EncodeTapiEvent(kEvent, TapiEventLayout::kCompatUlong);
  ASSERT_EQ(e.size(), 32u);
  EXPECT_EQ(e[20], 2);
  EXPECT_EQ(e[24], 3);
  EXPECT_EQ(e[28], 4);
  const Decoded<TapiEvent> d = DecodeTapiEvent(e.data(), 32, 32, TapiEventLayout::kCompatUlong);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), (TapiEvent{0xDEAD, 0xFFFF, LINE_CALLSTATE, 2, 3, 4}));
}

TEST(TapiEvent, BoundarySizesPerLayout) {  // WAN-100, WAN-102
  const std::vector<uint8_t> e = EncodeTapiEvent(kEvent, TapiEventLayout::kUlongPtr);
  EXPECT_EQ(DecodeTapiEvent(e.data(), 47, 48, TapiEventLayout::kUlongPtr).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 48, 47, 48}));
  EXPECT_TRUE(DecodeTapiEvent(e.data(), 48, 48, TapiEventLayout::kUlongPtr).ok());
  EXPECT_EQ(DecodeTapiEvent(e.data(), 48, 47, TapiEventLayout::kUlongPtr).error(),
            (DecodeError{DecodeErrorKind::kTruncated, 48, 48, 47}));
  // The 32-byte compat event is short for the default layout, whole for its own.
  EXPECT_EQ(DecodeTapiEvent(e.data(), 32, 48, TapiEventLayout::kUlongPtr).error().kind,
            DecodeErrorKind::kShortBuffer);
  EXPECT_EQ(DecodeTapiEvent(e.data(), 31, 48, TapiEventLayout::kCompatUlong).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 32, 31, 48}));
  EXPECT_TRUE(DecodeTapiEvent(e.data(), 32, 32, TapiEventLayout::kCompatUlong).ok());
}

TEST(WriteBack, LineUpContextOnlyIntoAWholeLineUp) {  // WAN-024, WAN-103
  std::vector<uint8_t> b = LineUpBytes();
  EXPECT_FALSE(WriteMacLineUpLinkContext(b.data(), 39, 7));
  EXPECT_EQ(b, LineUpBytes());
  ASSERT_TRUE(WriteMacLineUpLinkContext(b.data(), 40, 0x00C0000001000001ull));
  std::vector<uint8_t> want = LineUpBytes();
  const uint8_t ctx[8] = {0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0xC0, 0x00};
  std::copy(ctx, ctx + 8, want.begin() + 32);
  EXPECT_EQ(b, want);  // bytes 0..31 untouched
  EXPECT_FALSE(WriteMacLineUpLinkContext(nullptr, 40, 7));
}

TEST(WriteBack, NewCallParam2PerLayout) {  // WAN-062, WAN-102, WAN-103
  std::vector<uint8_t> p = EncodeTapiEvent({}, TapiEventLayout::kUlongPtr);
  EXPECT_FALSE(WriteTapiEventParam2(p.data(), 47, TapiEventLayout::kUlongPtr, 9));
  ASSERT_TRUE(WriteTapiEventParam2(p.data(), 48, TapiEventLayout::kUlongPtr, 0x17C000001ull));
  EXPECT_EQ(DecodeTapiEvent(p.data(), 48, 48, TapiEventLayout::kUlongPtr)->param2, 0x17C000001ull);
  std::vector<uint8_t> c = EncodeTapiEvent({}, TapiEventLayout::kCompatUlong);
  ASSERT_TRUE(WriteTapiEventParam2(c.data(), 32, TapiEventLayout::kCompatUlong, 0x17C000001ull));
  EXPECT_EQ(DecodeTapiEvent(c.data(), 32, 32, TapiEventLayout::kCompatUlong)->param2, 0x7C000001u);
  EXPECT_EQ(c[28], 0);  // param3 untouched
}

// An OID_TAPI_GET_ID buffer: hdLine 0x45, ulAddressID 1, hdCall 0x123,
// ulSelect 2 (CALL), class "NDIS" (size 5, with its NUL) at 84, DeviceID
// VAR_STRING total 24 + 8.
std::vector<uint8_t> GetIdBytes() {
  std::vector<uint8_t> b(90, 0);
  auto put32 = [&](size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  b[8] = 0x45;
  put32(16, 1);
  b[24] = 0x23;
  b[25] = 0x01;
  put32(32, 2);
  put32(36, 5);
  put32(40, 84);
  put32(44, 32);  // DeviceID.ulTotalSize
  const char cls[] = "NDIS";
  std::copy(cls, cls + 5, b.begin() + 84);
  return b;
}

TEST(GetId, DecodesTheFixedFieldsAndTheClass) {  // WAN-070, WAN-072
  const std::vector<uint8_t> b = GetIdBytes();
  const ByteView v(b.data(), b.size());
  const Decoded<GetIdRequest> d = DecodeGetIdRequest(v);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), (GetIdRequest{0x45, 1, 0x123, 2, 5, 84}));
  EXPECT_EQ(GetIdDeviceClass(v, d.value()), std::optional<std::string_view>("NDIS"));
  EXPECT_EQ(kGetIdDeviceIdOff, 44u);
  EXPECT_EQ(kGetIdDeviceIdBodyOff, 68u);
  EXPECT_EQ(kGetIdSize, 72u);
}

TEST(GetId, BoundarySizesAndClassOutsideTheBuffer) {  // WAN-072
  const std::vector<uint8_t> b = GetIdBytes();
  EXPECT_EQ(DecodeGetIdRequest(ByteView(b.data(), 43)).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 44, 43, 43}));
  EXPECT_TRUE(DecodeGetIdRequest(ByteView(b.data(), 44)).ok());
  GetIdRequest r = DecodeGetIdRequest(ByteView(b.data(), b.size())).value();
  // The class ends at byte 89: a view of 88 bytes cuts it.
  EXPECT_EQ(GetIdDeviceClass(ByteView(b.data(), 88), r), std::nullopt);
  EXPECT_EQ(GetIdDeviceClass(ByteView(b.data(), 89), r), std::optional<std::string_view>("NDIS"));
  r.device_class_size = 4;  // without the NUL: the same class
  EXPECT_EQ(GetIdDeviceClass(ByteView(b.data(), 90), r), std::optional<std::string_view>("NDIS"));
  r.device_class_size = 0;
  EXPECT_EQ(GetIdDeviceClass(ByteView(b.data(), 90), r), std::nullopt);
  r.device_class_size = 0x20;
  r.device_class_offset = 0xFFFFFFF0u;  // no overflow
  EXPECT_EQ(GetIdDeviceClass(ByteView(b.data(), 90), r), std::nullopt);
}

TEST(VarString, DecodesTheHeaderAndChecksItsBounds) {  // OQ-23
  std::vector<uint8_t> b(kGetIdDeviceIdOff + 24, 0);
  for (int i = 0; i < 6; ++i) b[kGetIdDeviceIdOff + 4 * i] = static_cast<uint8_t>(10 + i);
  const Decoded<VarString> v = DecodeVarString(ByteView(b.data(), b.size()), kGetIdDeviceIdOff);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), (VarString{10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(DecodeVarString(ByteView(b.data(), b.size() - 1), kGetIdDeviceIdOff).error(),
            (DecodeError{DecodeErrorKind::kShortBuffer, 68, 67, 67}));
  EXPECT_EQ(DecodeVarString(ByteView(b.data(), b.size()), SIZE_MAX).error().needed, SIZE_MAX);
}

TEST(DecodeErrorKind, Names) {
  EXPECT_STREQ(ToString(DecodeErrorKind::kNullBuffer), "null_buffer");
  EXPECT_STREQ(ToString(DecodeErrorKind::kShortBuffer), "short_buffer");
  EXPECT_STREQ(ToString(DecodeErrorKind::kTruncated), "truncated");
}

}  // namespace
}  // namespace ndisconf::spec::wan
