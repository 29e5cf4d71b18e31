// Implementation of spec/wan_buffers.h.
#include "spec/wan_buffers.h"

#include <algorithm>
#include <cstring>

namespace ndisconf::spec::wan {
namespace {

template <class T>
T Load(const uint8_t* p, size_t n, size_t off) {
  T v{};
  if (off <= n && sizeof(T) <= n - off) std::memcpy(&v, p + off, sizeof(T));
  return v;
}

template <class T>
void Store(uint8_t* p, size_t off, T v) {
  std::memcpy(p + off, &v, sizeof(T));
}

// The common prologue of every decoder: the view to read, or the error.
std::variant<ByteView, DecodeError> Check(const void* data, uint64_t claimed, size_t available,
                                          size_t needed) {
  DecodeError e{DecodeErrorKind::kNullBuffer, needed, claimed, data == nullptr ? 0 : available};
  if (data == nullptr) return e;
  if (claimed < needed) {
    e.kind = DecodeErrorKind::kShortBuffer;
    return e;
  }
  if (available < needed) {
    e.kind = DecodeErrorKind::kTruncated;
    return e;
  }
  return ByteView::Of(data, claimed, available);
}

}  // namespace

ByteView ByteView::Of(const void* data, uint64_t claimed, size_t available) {
  return ByteView(static_cast<const uint8_t*>(data),
                  static_cast<size_t>(std::min<uint64_t>(claimed, available)));
}

uint8_t ByteView::U8(size_t off) const { return Load<uint8_t>(p_, n_, off); }
uint16_t ByteView::U16(size_t off) const { return Load<uint16_t>(p_, n_, off); }
uint32_t ByteView::U32(size_t off) const { return Load<uint32_t>(p_, n_, off); }
uint64_t ByteView::U64(size_t off) const { return Load<uint64_t>(p_, n_, off); }

const char* ToString(DecodeErrorKind kind) {
  switch (kind) {
    case DecodeErrorKind::kNullBuffer:
      return "null_buffer";
    case DecodeErrorKind::kShortBuffer:
      return "short_buffer";
    case DecodeErrorKind::kTruncated:
      return "truncated";
  }
  return "?";
}

Decoded<MacLineUp> DecodeMacLineUp(const void* data, uint64_t claimed, size_t available) {
  auto c = Check(data, claimed, available, kMacLineUpSize);
  if (auto* e = std::get_if<DecodeError>(&c)) return *e;
  const ByteView b = std::get<ByteView>(c);
  MacLineUp up;
  up.link_speed = b.U32(kMacLineUpLinkSpeedOff);
  up.quality = b.U32(kMacLineUpQualityOff);
  up.send_window = b.U16(kMacLineUpSendWindowOff);
  up.connection_wrapper_id = b.U64(kMacLineUpConnectionWrapperIdOff);
  up.link_handle = b.U64(kMacLineUpLinkHandleOff);
  up.link_context = b.U64(kMacLineUpLinkContextOff);
  return up;
}

Decoded<MacLineDown> DecodeMacLineDown(const void* data, uint64_t claimed, size_t available) {
  auto c = Check(data, claimed, available, kMacLineDownSize);
  if (auto* e = std::get_if<DecodeError>(&c)) return *e;
  return MacLineDown{std::get<ByteView>(c).U64(kMacLineDownLinkContextOff)};
}

Decoded<MacFragment> DecodeMacFragment(const void* data, uint64_t claimed, size_t available) {
  auto c = Check(data, claimed, available, kMacFragmentSize);
  if (auto* e = std::get_if<DecodeError>(&c)) return *e;
  const ByteView b = std::get<ByteView>(c);
  return MacFragment{b.U64(kMacFragmentLinkContextOff), b.U32(kMacFragmentErrorsOff)};
}

Decoded<TapiEvent> DecodeTapiEvent(const void* data, uint64_t claimed, size_t available,
                                   TapiEventLayout layout) {
  auto c = Check(data, claimed, available, TapiEventSize(layout));
  if (auto* e = std::get_if<DecodeError>(&c)) return *e;
  const ByteView b = std::get<ByteView>(c);
  auto param = [&](int i) {
    const FieldAt f = TapiEventParam(layout, i);
    return f.width == 8 ? b.U64(f.offset) : b.U32(f.offset);
  };
  TapiEvent ev;
  ev.ht_line = b.U64(kTapiEventHtLineOff);
  ev.ht_call = b.U64(kTapiEventHtCallOff);
  ev.msg = b.U32(kTapiEventMsgOff);
  ev.param1 = param(1);
  ev.param2 = param(2);
  ev.param3 = param(3);
  return ev;
}

Decoded<MacLineUp> DecodeMacLineUp(ByteView b) {
  return DecodeMacLineUp(b.data(), b.size(), b.size());
}
Decoded<MacLineDown> DecodeMacLineDown(ByteView b) {
  return DecodeMacLineDown(b.data(), b.size(), b.size());
}
Decoded<MacFragment> DecodeMacFragment(ByteView b) {
  return DecodeMacFragment(b.data(), b.size(), b.size());
}
Decoded<TapiEvent> DecodeTapiEvent(ByteView b, TapiEventLayout layout) {
  return DecodeTapiEvent(b.data(), b.size(), b.size(), layout);
}

Decoded<GetIdRequest> DecodeGetIdRequest(ByteView b) {
  if (!b.Has(0, kGetIdDeviceIdOff)) {
    return DecodeError{DecodeErrorKind::kShortBuffer, kGetIdDeviceIdOff, b.size(), b.size()};
  }
  GetIdRequest r;
  r.hd_line = b.U64(kGetIdHdLineOff);
  r.address_id = b.U32(kGetIdAddressIdOff);
  r.hd_call = b.U64(kGetIdHdCallOff);
  r.select = b.U32(kGetIdSelectOff);
  r.device_class_size = b.U32(kGetIdDeviceClassSizeOff);
  r.device_class_offset = b.U32(kGetIdDeviceClassOffsetOff);
  return r;
}

std::optional<std::string_view> GetIdDeviceClass(ByteView b, const GetIdRequest& r) {
  if (r.device_class_size == 0 || !b.Has(r.device_class_offset, r.device_class_size)) {
    return std::nullopt;
  }
  const char* s = reinterpret_cast<const char*>(b.data() + r.device_class_offset);
  size_t len = 0;
  while (len < r.device_class_size && s[len] != '\0') ++len;
  return std::string_view(s, len);
}

Decoded<VarString> DecodeVarString(ByteView b, size_t offset) {
  if (!b.Has(offset, kVarStringSize)) {
    const size_t needed = offset <= SIZE_MAX - kVarStringSize ? offset + kVarStringSize : SIZE_MAX;
    return DecodeError{DecodeErrorKind::kShortBuffer, needed, b.size(), b.size()};
  }
  VarString v;
  v.total_size = b.U32(offset + 0);
  v.needed_size = b.U32(offset + 4);
  v.used_size = b.U32(offset + 8);
  v.string_format = b.U32(offset + 12);
  v.string_size = b.U32(offset + 16);
  v.string_offset = b.U32(offset + 20);
  return v;
}

std::array<uint8_t, kMacLineUpSize> EncodeMacLineUp(const MacLineUp& up) {
  std::array<uint8_t, kMacLineUpSize> out{};
  Store(out.data(), kMacLineUpLinkSpeedOff, up.link_speed);
  Store(out.data(), kMacLineUpQualityOff, up.quality);
  Store(out.data(), kMacLineUpSendWindowOff, up.send_window);
  Store(out.data(), kMacLineUpConnectionWrapperIdOff, up.connection_wrapper_id);
  Store(out.data(), kMacLineUpLinkHandleOff, up.link_handle);
  Store(out.data(), kMacLineUpLinkContextOff, up.link_context);
  return out;
}

std::array<uint8_t, kMacLineDownSize> EncodeMacLineDown(const MacLineDown& down) {
  std::array<uint8_t, kMacLineDownSize> out{};
  Store(out.data(), kMacLineDownLinkContextOff, down.link_context);
  return out;
}

std::array<uint8_t, kMacFragmentSize> EncodeMacFragment(const MacFragment& fragment) {
  std::array<uint8_t, kMacFragmentSize> out{};
  Store(out.data(), kMacFragmentLinkContextOff, fragment.link_context);
  Store(out.data(), kMacFragmentErrorsOff, fragment.errors);
  return out;
}

std::vector<uint8_t> EncodeTapiEvent(const TapiEvent& event, TapiEventLayout layout) {
  std::vector<uint8_t> out(TapiEventSize(layout), 0);
  Store(out.data(), kTapiEventHtLineOff, event.ht_line);
  Store(out.data(), kTapiEventHtCallOff, event.ht_call);
  Store(out.data(), kTapiEventMsgOff, event.msg);
  const uint64_t params[3] = {event.param1, event.param2, event.param3};
  for (int i = 1; i <= 3; ++i) {
    const FieldAt f = TapiEventParam(layout, i);
    if (f.width == 8) {
      Store(out.data(), f.offset, params[i - 1]);
    } else {
      Store(out.data(), f.offset, static_cast<uint32_t>(params[i - 1]));
    }
  }
  return out;
}

bool WriteMacLineUpLinkContext(void* buffer, size_t size, uint64_t link_context) {
  if (buffer == nullptr || size < kMacLineUpSize) return false;
  Store(static_cast<uint8_t*>(buffer), kMacLineUpLinkContextOff, link_context);
  return true;
}

bool WriteTapiEventParam2(void* buffer, size_t size, TapiEventLayout layout, uint64_t value) {
  if (buffer == nullptr || size < TapiEventSize(layout)) return false;
  const FieldAt f = TapiEventParam(layout, 2);
  if (f.width == 8) {
    Store(static_cast<uint8_t*>(buffer), f.offset, value);
  } else {
    Store(static_cast<uint8_t*>(buffer), f.offset, static_cast<uint32_t>(value));
  }
  return true;
}

}  // namespace ndisconf::spec::wan
