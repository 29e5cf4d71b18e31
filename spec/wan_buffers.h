// spec/wan_buffers.h: the byte layouts of the NDIS 5.1 WAN status
// buffers (spec 4.4, x64), a bounds-checked view of untrusted bytes, and
// the decoders and encoders of those buffers: the one definition that the
// rule monitor, NDISWAN, the WAN miniport and the fuzz-seed generator share.
//
// Pure: no state, no I/O, no NDIS call; any context, any IRQL. It depends on
// the API's type definitions only (the sizes are static_asserted against
// <ndiswan.h> / <ndistapi.h>), never on the model, the monitor or a driver,
// so each of those keeps its own state and shares only these definitions.
//
// Buffers are read by offset through memcpy, never cast (no alignment
// assumption), and every read is bounds-checked: a decoder takes the bytes,
// the length the caller claimed (StatusBufferSize) and the bytes really
// available, and returns either the fields or a typed DecodeError.
#ifndef NDISCONF_SPEC_WAN_BUFFERS_H_
#define NDISCONF_SPEC_WAN_BUFFERS_H_

#include <ndistapi.h>
#include <ndiswan.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ndisconf::spec::wan {

// ---- Layouts (x64 column of spec 4.4). ----

// NDIS_MAC_LINE_UP: StatusBuffer of NDIS_STATUS_WAN_LINE_UP (WAN-020).
inline constexpr size_t kMacLineUpSize = 40;
inline constexpr size_t kMacLineUpLinkSpeedOff = 0;
inline constexpr size_t kMacLineUpQualityOff = 4;
inline constexpr size_t kMacLineUpSendWindowOff = 8;  // USHORT
inline constexpr size_t kMacLineUpConnectionWrapperIdOff = 16;
inline constexpr size_t kMacLineUpLinkHandleOff = 24;
inline constexpr size_t kMacLineUpLinkContextOff = 32;  // the one field NDISWAN writes (WAN-024)
static_assert(kMacLineUpSize == sizeof(NDIS_MAC_LINE_UP));
static_assert(kMacLineUpLinkSpeedOff == offsetof(NDIS_MAC_LINE_UP, LinkSpeed));
static_assert(kMacLineUpQualityOff == offsetof(NDIS_MAC_LINE_UP, Quality));
static_assert(kMacLineUpSendWindowOff == offsetof(NDIS_MAC_LINE_UP, SendWindow));
static_assert(kMacLineUpConnectionWrapperIdOff == offsetof(NDIS_MAC_LINE_UP, ConnectionWrapperID));
static_assert(kMacLineUpLinkHandleOff == offsetof(NDIS_MAC_LINE_UP, NdisLinkHandle));
static_assert(kMacLineUpLinkContextOff == offsetof(NDIS_MAC_LINE_UP, NdisLinkContext));

// NDIS_MAC_LINE_DOWN: StatusBuffer of NDIS_STATUS_WAN_LINE_DOWN (WAN-040).
inline constexpr size_t kMacLineDownSize = 8;
inline constexpr size_t kMacLineDownLinkContextOff = 0;
static_assert(kMacLineDownSize == sizeof(NDIS_MAC_LINE_DOWN));
static_assert(kMacLineDownLinkContextOff == offsetof(NDIS_MAC_LINE_DOWN, NdisLinkContext));

// NDIS_MAC_FRAGMENT: StatusBuffer of NDIS_STATUS_WAN_FRAGMENT (WAN-050).
inline constexpr size_t kMacFragmentSize = 16;
inline constexpr size_t kMacFragmentLinkContextOff = 0;
inline constexpr size_t kMacFragmentErrorsOff = 8;
static_assert(kMacFragmentSize == sizeof(NDIS_MAC_FRAGMENT));
static_assert(kMacFragmentLinkContextOff == offsetof(NDIS_MAC_FRAGMENT, NdisLinkContext));
static_assert(kMacFragmentErrorsOff == offsetof(NDIS_MAC_FRAGMENT, Errors));
// The WAN_ERROR_* bits (WAN-051); anything else in Errors is undefined.
inline constexpr uint32_t kDefinedWanErrors = 0x3F;
static_assert(kDefinedWanErrors ==
              (WAN_ERROR_CRC | WAN_ERROR_FRAMING | WAN_ERROR_HARDWAREOVERRUN |
               WAN_ERROR_BUFFEROVERRUN | WAN_ERROR_TIMEOUT | WAN_ERROR_ALIGNMENT));

// NDIS_TAPI_EVENT: StatusBuffer of NDIS_STATUS_TAPI_INDICATION (WAN-060).
// The headers disagree on the width of the three params (WAN-102, OQ-20):
// ULONG_PTR in the WDK7 / XP DDK headers (48 bytes on x64, the default),
// ULONG in the MinGW headers and NT4 docs (32 bytes on x64).
enum class TapiEventLayout : uint8_t {
  kUlongPtr,    // params ULONG_PTR: 48 bytes (default)
  kCompatUlong  // params ULONG: 32 bytes (WAN-102 compat)
};
inline constexpr size_t kTapiEventSize = 48;
inline constexpr size_t kTapiEventCompatSize = 32;
inline constexpr size_t kTapiEventHtLineOff = 0;
inline constexpr size_t kTapiEventHtCallOff = 8;
inline constexpr size_t kTapiEventMsgOff = 16;
static_assert(kTapiEventSize == sizeof(NDIS_TAPI_EVENT));
static_assert(kTapiEventHtLineOff == offsetof(NDIS_TAPI_EVENT, htLine));
static_assert(kTapiEventHtCallOff == offsetof(NDIS_TAPI_EVENT, htCall));
static_assert(kTapiEventMsgOff == offsetof(NDIS_TAPI_EVENT, ulMsg));
static_assert(offsetof(NDIS_TAPI_EVENT, ulParam1) == 24);
static_assert(offsetof(NDIS_TAPI_EVENT, ulParam2) == 32);
static_assert(offsetof(NDIS_TAPI_EVENT, ulParam3) == 40);

// Where param i (1..3) of NDIS_TAPI_EVENT lies in `layout`, and how wide it is.
struct FieldAt {
  size_t offset = 0;
  size_t width = 0;  // 4 or 8
  friend bool operator==(FieldAt, FieldAt) = default;
};
constexpr size_t TapiEventSize(TapiEventLayout layout) {
  return layout == TapiEventLayout::kCompatUlong ? kTapiEventCompatSize : kTapiEventSize;
}
constexpr FieldAt TapiEventParam(TapiEventLayout layout, int i) {
  return layout == TapiEventLayout::kCompatUlong ? FieldAt{20 + 4 * static_cast<size_t>(i - 1), 4}
                                                 : FieldAt{24 + 8 * static_cast<size_t>(i - 1), 8};
}

// NDISWAN's upper edge: what it indicates to the protocols bound above it.
// In NDIS_WAN_LINE_UP, LocalAddress and DeviceName are IN OUT (WAN-037);
// NDISWAN keeps LocalAddress[0..1] for itself.
inline constexpr size_t kWanLineUpSize = 64;
inline constexpr size_t kWanLineUpLocalAddressOff = 20;
inline constexpr size_t kWanLineUpReservedLocalBytes = 2;
inline constexpr size_t kWanLineUpDeviceNameOff = 48;
inline constexpr size_t kWanLineDownSize = 12;
inline constexpr size_t kWanFragmentSize = 12;
static_assert(kWanLineUpSize == sizeof(NDIS_WAN_LINE_UP));
static_assert(kWanLineUpLocalAddressOff == offsetof(NDIS_WAN_LINE_UP, LocalAddress));
static_assert(kWanLineUpDeviceNameOff == offsetof(NDIS_WAN_LINE_UP, DeviceName));
static_assert(kWanLineDownSize == sizeof(NDIS_WAN_LINE_DOWN));
static_assert(kWanFragmentSize == sizeof(NDIS_WAN_FRAGMENT));

// OID_TAPI_GET_ID (spec 4.4, OQ-23): the request's fixed fields, then the
// DeviceID VAR_STRING the miniport fills, whose string body goes right
// after its header; the device class string lies elsewhere in the buffer.
inline constexpr size_t kGetIdHdLineOff = 8;  // after ulRequestID
inline constexpr size_t kGetIdAddressIdOff = 16;
inline constexpr size_t kGetIdHdCallOff = 24;
inline constexpr size_t kGetIdSelectOff = 32;
inline constexpr size_t kGetIdDeviceClassSizeOff = 36;
inline constexpr size_t kGetIdDeviceClassOffsetOff = 40;
inline constexpr size_t kGetIdDeviceIdOff = 44;
inline constexpr size_t kVarStringSize = 24;
inline constexpr size_t kGetIdDeviceIdBodyOff = kGetIdDeviceIdOff + kVarStringSize;  // 68
inline constexpr size_t kGetIdSize = 72;  // the DeviceID header, padded to 8
static_assert(kGetIdHdLineOff == offsetof(NDIS_TAPI_GET_ID, hdLine));
static_assert(kGetIdAddressIdOff == offsetof(NDIS_TAPI_GET_ID, ulAddressID));
static_assert(kGetIdHdCallOff == offsetof(NDIS_TAPI_GET_ID, hdCall));
static_assert(kGetIdSelectOff == offsetof(NDIS_TAPI_GET_ID, ulSelect));
static_assert(kGetIdDeviceClassSizeOff == offsetof(NDIS_TAPI_GET_ID, ulDeviceClassSize));
static_assert(kGetIdDeviceClassOffsetOff == offsetof(NDIS_TAPI_GET_ID, ulDeviceClassOffset));
static_assert(kGetIdDeviceIdOff == offsetof(NDIS_TAPI_GET_ID, DeviceID));
static_assert(kVarStringSize == sizeof(VAR_STRING));
static_assert(kGetIdSize == sizeof(NDIS_TAPI_GET_ID));
static_assert(offsetof(VAR_STRING, ulTotalSize) == 0 && offsetof(VAR_STRING, ulNeededSize) == 4 &&
              offsetof(VAR_STRING, ulUsedSize) == 8 && offsetof(VAR_STRING, ulStringFormat) == 12 &&
              offsetof(VAR_STRING, ulStringSize) == 16 &&
              offsetof(VAR_STRING, ulStringOffset) == 20);

// ---- A bounds-checked view of untrusted bytes. ----

// `size()` bytes at `data()`. Every read is checked: a read that does not
// lie wholly inside the view returns 0 (callers that must tell "absent"
// from 0 ask Has first). Reads are little-endian, as the x64 layouts are.
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : p_(data), n_(data ? size : 0) {}
  // The readable part of a buffer whose caller claimed `claimed` bytes and
  // of which `available` are really there: min(claimed, available).
  static ByteView Of(const void* data, uint64_t claimed, size_t available);

  const uint8_t* data() const { return p_; }
  size_t size() const { return n_; }
  // [off, off + len) lies inside the view (no overflow for any values).
  bool Has(size_t off, size_t len) const { return off <= n_ && len <= n_ - off; }
  uint8_t U8(size_t off) const;
  uint16_t U16(size_t off) const;
  uint32_t U32(size_t off) const;
  uint64_t U64(size_t off) const;

 private:
  const uint8_t* p_ = nullptr;
  size_t n_ = 0;
};

// ---- Decoding. ----

enum class DecodeErrorKind : uint8_t {
  kNullBuffer,   // no buffer at all (StatusBuffer NULL)
  kShortBuffer,  // the claimed length is below the structure's size (WAN-100)
  kTruncated,    // the claimed length suffices, the bytes available do not
};
const char* ToString(DecodeErrorKind kind);

struct DecodeError {
  DecodeErrorKind kind = DecodeErrorKind::kShortBuffer;
  size_t needed = 0;     // the structure's size (the layout's)
  uint64_t claimed = 0;  // what the caller said the buffer holds
  size_t available = 0;  // what was really there to read
  friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

// Either the decoded fields or why they could not be decoded.
template <class T>
class [[nodiscard]] Decoded {
 public:
  Decoded(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Decoded(DecodeError error) : v_(error) {}   // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  // Precondition: ok() (value) / !ok() (error).
  const T& value() const { return std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  const DecodeError& error() const { return std::get<DecodeError>(v_); }

 private:
  std::variant<T, DecodeError> v_;
};

// The fields of NDIS_MAC_LINE_UP. Quality is the raw 32-bit value: a value
// outside NDIS_WAN_QUALITY is data to judge (OQ-22), not an enum.
struct MacLineUp {
  uint32_t link_speed = 0;             // 100 bps units; 0 = unchanged / baseline (WAN-029)
  uint32_t quality = 0;                // NdisWanRaw..NdisWanReliable expected (WAN-030)
  uint16_t send_window = 0;            // 0 = NDIS_WAN_INFO.MaxTransmit (WAN-031)
  uint64_t connection_wrapper_id = 0;  // = htCall (WAN-027)
  uint64_t link_handle = 0;            // the miniport's (WAN-028)
  uint64_t link_context = 0;           // 0 on an initial line-up (WAN-023)
  friend bool operator==(const MacLineUp&, const MacLineUp&) = default;
};
struct MacLineDown {
  uint64_t link_context = 0;
  friend bool operator==(const MacLineDown&, const MacLineDown&) = default;
};
struct MacFragment {
  uint64_t link_context = 0;
  uint32_t errors = 0;  // OR of WAN_ERROR_* (WAN-051)
  friend bool operator==(const MacFragment&, const MacFragment&) = default;
};
// NDIS_TAPI_EVENT, in either layout; the params zero-extended to 64 bits.
struct TapiEvent {
  uint64_t ht_line = 0;
  uint64_t ht_call = 0;
  uint32_t msg = 0;  // LINE_*
  uint64_t param1 = 0, param2 = 0, param3 = 0;
  friend bool operator==(const TapiEvent&, const TapiEvent&) = default;
};

// Each decoder reads its structure from `data` (which may be NULL), of
// which the caller claimed `claimed` bytes and `available` are readable.
// Fails with kNullBuffer for NULL data, kShortBuffer when claimed < the
// structure's size, kTruncated when claimed suffices but available does
// not; bytes past the structure are ignored. The ByteView overloads take
// the view's size as both claimed and available.
Decoded<MacLineUp> DecodeMacLineUp(const void* data, uint64_t claimed, size_t available);
Decoded<MacLineDown> DecodeMacLineDown(const void* data, uint64_t claimed, size_t available);
Decoded<MacFragment> DecodeMacFragment(const void* data, uint64_t claimed, size_t available);
Decoded<TapiEvent> DecodeTapiEvent(const void* data, uint64_t claimed, size_t available,
                                   TapiEventLayout layout);
Decoded<MacLineUp> DecodeMacLineUp(ByteView bytes);
Decoded<MacLineDown> DecodeMacLineDown(ByteView bytes);
Decoded<MacFragment> DecodeMacFragment(ByteView bytes);
Decoded<TapiEvent> DecodeTapiEvent(ByteView bytes, TapiEventLayout layout);

// The fields of an OID_TAPI_GET_ID request before its DeviceID.
struct GetIdRequest {
  uint64_t hd_line = 0;
  uint32_t address_id = 0;
  uint64_t hd_call = 0;
  uint32_t select = 0;  // LINECALLSELECT_*
  uint32_t device_class_size = 0;
  uint32_t device_class_offset = 0;  // from the start of NDIS_TAPI_GET_ID
  friend bool operator==(const GetIdRequest&, const GetIdRequest&) = default;
};
// Needs the kGetIdDeviceIdOff bytes before DeviceID (kShortBuffer below
// that); whether the DeviceID header must be there too is the caller's rule.
Decoded<GetIdRequest> DecodeGetIdRequest(ByteView bytes);
// The device class string of `request` in `bytes`: its device_class_size
// bytes at device_class_offset, cut at the first NUL (so the size may count
// the NUL or not). nullopt when the size is 0 or the bytes do not lie wholly
// inside the view. The view points into `bytes`.
std::optional<std::string_view> GetIdDeviceClass(ByteView bytes, const GetIdRequest& request);

// A VAR_STRING header (the TAPI variable-size result, spec 4.4, OQ-23).
struct VarString {
  uint32_t total_size = 0, needed_size = 0, used_size = 0;
  uint32_t string_format = 0;  // STRINGFORMAT_*
  uint32_t string_size = 0;
  uint32_t string_offset = 0;  // from the start of the VAR_STRING
  friend bool operator==(const VarString&, const VarString&) = default;
};
// The VAR_STRING header at `offset` of `bytes` (kShortBuffer when the 24
// bytes are not all there; `needed` is then offset + 24). Whether the string
// lies inside the buffer is the caller's rule to check.
Decoded<VarString> DecodeVarString(ByteView bytes, size_t offset);

// ---- Encoding (the miniport's side, the fuzz seeds, tests). ----

// The structure's bytes, little-endian, padding zero.
std::array<uint8_t, kMacLineUpSize> EncodeMacLineUp(const MacLineUp& up);
std::array<uint8_t, kMacLineDownSize> EncodeMacLineDown(const MacLineDown& down);
std::array<uint8_t, kMacFragmentSize> EncodeMacFragment(const MacFragment& fragment);
// TapiEventSize(layout) bytes. In the compat layout each param is cut to its
// low 32 bits (the ULONG the compat header has room for).
std::vector<uint8_t> EncodeTapiEvent(const TapiEvent& event, TapiEventLayout layout);

// The two write-backs the spec allows into a miniport's status buffer
// (WAN-103): NDIS_MAC_LINE_UP.NdisLinkContext (WAN-024) and, for
// LINE_NEWCALL, NDIS_TAPI_EVENT.ulParam2 (WAN-062; cut to 32 bits in the
// compat layout). Each writes only that field, and only if `size` covers
// the whole structure; returns whether it wrote.
bool WriteMacLineUpLinkContext(void* buffer, size_t size, uint64_t link_context);
bool WriteTapiEventParam2(void* buffer, size_t size, TapiEventLayout layout, uint64_t value);

}  // namespace ndisconf::spec::wan

#endif  // NDISCONF_SPEC_WAN_BUFFERS_H_
