// fuzz/status_handler_input.cc: decoding, delivery and the write check of the
// status_handler targets (format in status_handler_input.h).
#include "fuzz/status_handler_input.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ndisconf::fuzz {
namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() {
    const uint16_t lo = U8();
    return static_cast<uint16_t>(lo | (U8() << 8));
  }
  uint32_t U32() {
    const uint32_t lo = U16();
    return lo | (static_cast<uint32_t>(U16()) << 16);
  }
  // Copies up to n bytes into out; the rest of out is zero.
  void Bytes(uint8_t* out, size_t n) {
    const size_t have = pos_ < size_ ? size_ - pos_ : 0;
    const size_t take = n < have ? n : have;
    if (take != 0) std::memcpy(out, data_ + pos_, take);
    if (n > take) std::memset(out + take, 0, n - take);
    pos_ += take;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

template <class T>
void Put(uint8_t* out, size_t offset, T value) {
  std::memcpy(out + offset, &value, sizeof(value));
}

}  // namespace

size_t ShStructSize(ShStruct s) {
  switch (s) {
    case ShStruct::kWanLineUp:
      return sizeof(NDIS_WAN_LINE_UP);
    case ShStruct::kWanLineDown:
      return sizeof(NDIS_WAN_LINE_DOWN);
    case ShStruct::kWanFragment:
      return sizeof(NDIS_WAN_FRAGMENT);
    case ShStruct::kMacLineUp:
      return sizeof(NDIS_MAC_LINE_UP);
    case ShStruct::kMacLineDown:
      return sizeof(NDIS_MAC_LINE_DOWN);
    case ShStruct::kMacFragment:
      return sizeof(NDIS_MAC_FRAGMENT);
    case ShStruct::kTapiEvent:
      return sizeof(NDIS_TAPI_EVENT);
  }
  return 0;
}

namespace {

NDIS_STATUS StructStatus(ShStruct s) {
  switch (s) {
    case ShStruct::kWanLineUp:
    case ShStruct::kMacLineUp:
      return NDIS_STATUS_WAN_LINE_UP;
    case ShStruct::kWanLineDown:
    case ShStruct::kMacLineDown:
      return NDIS_STATUS_WAN_LINE_DOWN;
    case ShStruct::kWanFragment:
    case ShStruct::kMacFragment:
      return NDIS_STATUS_WAN_FRAGMENT;
    case ShStruct::kTapiEvent:
      return NDIS_STATUS_TAPI_INDICATION;
  }
  return NDIS_STATUS_SUCCESS;
}

// What NDISWAN points NDIS_WAN_LINE_UP's DeviceName and ProtocolBuffer at.
// Static: a handler may read them; the harness allocates nothing for them.
WCHAR g_device_name[] = {'N', 'D', 'I', 'S', 'W', 'A', 'N', '_', 'L', 'I', 'N', 'K', 0};
UCHAR g_protocol_buffer[8];

// RemoteAddress of a link slot: NDISWAN's 48-bit upper link id, big-endian
// (ndiswan_core.h UpperLinkId), = slot + 1.
void PutLinkAddress(uint8_t* out, size_t offset, uint8_t link) {
  std::memset(out + offset, 0, 6);
  out[offset + 5] = static_cast<uint8_t>(link % kLinkSlots + 1);
}

// NDISWAN's two LocalAddress bytes (WAN-037).
void PutLocalAddress(uint8_t* out, size_t offset) {
  std::memset(out + offset, 0, 6);
  out[offset] = 0x4E;
  out[offset + 1] = 0x57;
}

void WanLineUp(uint8_t link, ULONG speed, USHORT window, ULONG quality, uint8_t* out) {
  std::memset(out, 0, sizeof(NDIS_WAN_LINE_UP));
  Put<ULONG>(out, offsetof(NDIS_WAN_LINE_UP, LinkSpeed), speed);
  Put<ULONG>(out, offsetof(NDIS_WAN_LINE_UP, MaximumTotalSize), 1500);
  Put<ULONG>(out, offsetof(NDIS_WAN_LINE_UP, Quality), quality);  // raw: may be out of range
  Put<USHORT>(out, offsetof(NDIS_WAN_LINE_UP, SendWindow), window);
  PutLinkAddress(out, offsetof(NDIS_WAN_LINE_UP, RemoteAddress), link);
  PutLocalAddress(out, offsetof(NDIS_WAN_LINE_UP, LocalAddress));
  Put<ULONG>(out, offsetof(NDIS_WAN_LINE_UP, ProtocolBufferLength), sizeof(g_protocol_buffer));
  Put<PUCHAR>(out, offsetof(NDIS_WAN_LINE_UP, ProtocolBuffer), g_protocol_buffer);
  Put<USHORT>(out, offsetof(NDIS_WAN_LINE_UP, ProtocolType), 0x0800);
  NDIS_STRING name;
  name.Length = static_cast<USHORT>(sizeof(g_device_name) - sizeof(WCHAR));
  name.MaximumLength = static_cast<USHORT>(sizeof(g_device_name));
  name.Buffer = g_device_name;
  Put<NDIS_STRING>(out, offsetof(NDIS_WAN_LINE_UP, DeviceName), name);
}

// NDIS_WAN_LINE_DOWN and NDIS_WAN_FRAGMENT share their layout.
void WanLineDown(uint8_t link, uint8_t* out) {
  PutLinkAddress(out, offsetof(NDIS_WAN_LINE_DOWN, RemoteAddress), link);
  PutLocalAddress(out, offsetof(NDIS_WAN_LINE_DOWN, LocalAddress));
}

NDIS_HANDLE Handle(uintptr_t v) { return reinterpret_cast<NDIS_HANDLE>(v); }

void MacLineUp(uint8_t link, NDIS_HANDLE context, ULONG speed, USHORT window, ULONG quality,
               uint8_t* out) {
  std::memset(out, 0, sizeof(NDIS_MAC_LINE_UP));
  const uintptr_t slot = link % kLinkSlots;
  Put<ULONG>(out, offsetof(NDIS_MAC_LINE_UP, LinkSpeed), speed);
  Put<ULONG>(out, offsetof(NDIS_MAC_LINE_UP, Quality), quality);
  Put<USHORT>(out, offsetof(NDIS_MAC_LINE_UP, SendWindow), window);
  Put<NDIS_HANDLE>(out, offsetof(NDIS_MAC_LINE_UP, ConnectionWrapperID), Handle(slot + 0x100));
  Put<NDIS_HANDLE>(out, offsetof(NDIS_MAC_LINE_UP, NdisLinkHandle), Handle(slot + 1));
  Put<NDIS_HANDLE>(out, offsetof(NDIS_MAC_LINE_UP, NdisLinkContext), context);
}

void TapiEvent(uint8_t line, uint8_t call, uint8_t msg, uint8_t p1, uint8_t p2, uint8_t p3,
               uint8_t* out) {
  std::memset(out, 0, sizeof(NDIS_TAPI_EVENT));
  Put<HTAPI_LINE>(out, offsetof(NDIS_TAPI_EVENT, htLine), line);
  Put<HTAPI_CALL>(out, offsetof(NDIS_TAPI_EVENT, htCall), call);
  Put<ULONG>(out, offsetof(NDIS_TAPI_EVENT, ulMsg), kTapiMessages[msg % kTapiMessageCount]);
  Put<ULONG_PTR>(out, offsetof(NDIS_TAPI_EVENT, ulParam1), p1);
  Put<ULONG_PTR>(out, offsetof(NDIS_TAPI_EVENT, ulParam2), p2);
  Put<ULONG_PTR>(out, offsetof(NDIS_TAPI_EVENT, ulParam3), p3);
}

// Bytes [off, off + len) of a status buffer the edge's rules let the handler write.
struct Writable {
  size_t off = 0, len = 0;
  bool Covers(size_t i) const { return i >= off && i < off + len; }
};

class Deliverer {
 public:
  Deliverer(const StatusHandlerTarget& t, NDIS_HANDLE context) : t_(t), context_(context) {}

  // Hands `size` bytes of `src` to the handler in an exactly-sized heap
  // buffer (NULL when size is 0, or when `null_buffer`), then checks what
  // it wrote. `slot` is the link slot of a MAC_LINE_UP (its write-back is
  // remembered), or -1.
  void Indicate(NDIS_STATUS status, const uint8_t* src, size_t size, bool null_buffer = false,
                int slot = -1) {
    uint8_t* buffer = nullptr;
    if (size != 0 && !null_buffer) {
      buffer = static_cast<uint8_t*>(std::malloc(size));
      if (buffer == nullptr) std::abort();  // our invariant: sizes are bounded
      std::memcpy(buffer, src, size);
    }
    const uint64_t event = events_++;
    ++stats_.indications;
    if (t_.shape == ShShape::kNdis5) {
      t_.ndis5(context_, status, buffer, static_cast<UINT>(size));
      bracket_open_ = true;
    } else {
      NDIS_STATUS_INDICATION ind;
      std::memset(&ind, 0, sizeof(ind));
      ind.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
      ind.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
      ind.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
      ind.SourceHandle = Handle(0x5A5A0000);  // the miniport NDISWAN indicates for
      ind.PortNumber = NDIS_DEFAULT_PORT_NUMBER;
      ind.StatusCode = status;
      ind.StatusBuffer = buffer;
      ind.StatusBufferSize = static_cast<ULONG>(size);
      t_.ndis6(context_, &ind);
    }
    if (buffer != nullptr) {
      if (slot >= 0 && size >= sizeof(NDIS_MAC_LINE_UP)) {
        std::memcpy(&contexts_[slot], buffer + offsetof(NDIS_MAC_LINE_UP, NdisLinkContext),
                    sizeof(uintptr_t));
      }
      if (std::memcmp(buffer, src, size) != 0) CheckWrites(status, src, buffer, size, event);
      std::free(buffer);
    }
  }

  void Complete() {
    if (t_.shape != ShShape::kNdis5) return;
    ++events_;
    if (t_.ndis5_complete != nullptr) t_.ndis5_complete(context_);
    ++stats_.completes;
    bracket_open_ = false;
  }

  // NDIS brackets every burst of ProtocolStatus with ProtocolStatusComplete.
  void Finish() {
    if (bracket_open_ && !stopped()) Complete();
  }

  // The NdisLinkContext the handler wrote for `link`'s slot, or the
  // unknown-link value.
  NDIS_HANDLE ContextOf(uint8_t link) const {
    const uintptr_t c = contexts_[link % kLinkSlots];
    return Handle(c != 0 ? c : kUnknownLinkContext + link % kLinkSlots);
  }

  bool stopped() const { return stats_.violation.rule != nullptr; }
  ShRunStats& stats() { return stats_; }

 private:
  void CheckWrites(NDIS_STATUS status, const uint8_t* before, const uint8_t* after, size_t size,
                   uint64_t event) {
    const char* rule = nullptr;
    const char* check = nullptr;
    Writable w1, w2;
    if (t_.edge == ShEdge::kAboveNdiswan) {
      if (status == NDIS_STATUS_WAN_LINE_UP) {
        rule = "WAN-037";
        check = "upper-line-up-shape";
        w1 = {offsetof(NDIS_WAN_LINE_UP, LocalAddress) + 2, 4};
        w2 = {offsetof(NDIS_WAN_LINE_UP, DeviceName), sizeof(NDIS_STRING)};
      } else if (status == NDIS_STATUS_WAN_LINE_DOWN) {
        rule = "WAN-042";
        check = "upper-line-down-shape";
      } else if (status == NDIS_STATUS_WAN_FRAGMENT) {
        rule = "WAN-053";
        check = "upper-fragment-shape";
      } else {
        return;  // the rules of the upper edge cover the WAN statuses only
      }
    } else {
      rule = "WAN-103";
      check = "status-buffer-unchanged";
      uintptr_t context = 0;
      ULONG msg = 0;
      if (status == NDIS_STATUS_WAN_LINE_UP && size >= sizeof(NDIS_MAC_LINE_UP)) {
        std::memcpy(&context, before + offsetof(NDIS_MAC_LINE_UP, NdisLinkContext),
                    sizeof(context));
        if (context == 0) w1 = {offsetof(NDIS_MAC_LINE_UP, NdisLinkContext), sizeof(NDIS_HANDLE)};
      } else if (status == NDIS_STATUS_TAPI_INDICATION && size >= sizeof(NDIS_TAPI_EVENT)) {
        std::memcpy(&msg, before + offsetof(NDIS_TAPI_EVENT, ulMsg), sizeof(msg));
        if (msg == LINE_NEWCALL) w1 = {offsetof(NDIS_TAPI_EVENT, ulParam2), sizeof(ULONG_PTR)};
      }
    }
    for (size_t i = 0; i < size; ++i) {
      if (before[i] == after[i] || w1.Covers(i) || w2.Covers(i)) continue;
      stats_.violation = {rule, check, event, i};
      return;
    }
  }

  const StatusHandlerTarget& t_;
  NDIS_HANDLE context_;
  ShRunStats stats_;
  uint64_t events_ = 0;
  bool bracket_open_ = false;
  uintptr_t contexts_[kLinkSlots] = {};
};

}  // namespace

ShRunStats RunStatusHandlerInput(const uint8_t* data, size_t size,
                                 const StatusHandlerTarget& target) {
  NDIS_HANDLE context = target.context_factory != nullptr ? target.context_factory() : nullptr;
  Deliverer d(target, context);
  Reader r(data, size);
  // Large enough for any record's buffer (RAW, or a LONG structure).
  alignas(8) uint8_t scratch[kMaxRawSize + 256];
  uint32_t records = 0;
  while (!r.done() && !d.stopped()) {
    if (records++ == kMaxRecords) {
      d.stats().truncated = true;
      break;
    }
    const uint8_t tag = r.U8();
    switch (tag) {
      case static_cast<uint8_t>(ShOp::kRaw): {
        const NDIS_STATUS status = static_cast<NDIS_STATUS>(r.U32());
        const size_t n = r.U16() % (kMaxRawSize + 1u);
        r.Bytes(scratch, n);
        d.Indicate(status, scratch, n);
        break;
      }
      case static_cast<uint8_t>(ShOp::kWanLineUp): {
        const uint8_t link = r.U8();
        const ULONG speed = r.U32();
        const USHORT window = r.U16();
        WanLineUp(link, speed, window, r.U8(), scratch);
        d.Indicate(NDIS_STATUS_WAN_LINE_UP, scratch, sizeof(NDIS_WAN_LINE_UP));
        break;
      }
      case static_cast<uint8_t>(ShOp::kWanLineDown):
      case static_cast<uint8_t>(ShOp::kWanFragment): {
        const bool down = tag == static_cast<uint8_t>(ShOp::kWanLineDown);
        WanLineDown(r.U8(), scratch);
        d.Indicate(down ? NDIS_STATUS_WAN_LINE_DOWN : NDIS_STATUS_WAN_FRAGMENT, scratch,
                   sizeof(NDIS_WAN_LINE_DOWN));
        break;
      }
      case static_cast<uint8_t>(ShOp::kShort):
      case static_cast<uint8_t>(ShOp::kLong):
      case static_cast<uint8_t>(ShOp::kNullBuffer): {
        const ShStruct s = static_cast<ShStruct>(r.U8() % kShStructCount);
        const size_t full = ShStructSize(s);
        switch (s) {
          case ShStruct::kWanLineUp:
            WanLineUp(0, 1000, 4, NdisWanReliable, scratch);
            break;
          case ShStruct::kWanLineDown:
          case ShStruct::kWanFragment:
            WanLineDown(0, scratch);
            break;
          case ShStruct::kMacLineUp:
            MacLineUp(0, nullptr, 1000, 4, NdisWanReliable, scratch);
            break;
          case ShStruct::kMacLineDown:
          case ShStruct::kMacFragment:
            std::memset(scratch, 0, full);
            Put<NDIS_HANDLE>(scratch, 0, d.ContextOf(0));
            if (s == ShStruct::kMacFragment) {
              Put<ULONG>(scratch, offsetof(NDIS_MAC_FRAGMENT, Errors), WAN_ERROR_CRC);
            }
            break;
          case ShStruct::kTapiEvent:
            TapiEvent(1, 1, 2, 0, 0, 0, scratch);  // LINE_CALLSTATE
            break;
        }
        if (tag == static_cast<uint8_t>(ShOp::kShort)) {
          d.Indicate(StructStatus(s), scratch, r.U8() % full);
        } else if (tag == static_cast<uint8_t>(ShOp::kLong)) {
          const uint8_t extra = r.U8();
          std::memset(scratch + full, 0, extra);
          d.Indicate(StructStatus(s), scratch, full + extra);
        } else {
          d.Indicate(StructStatus(s), scratch, r.U16(), /*null_buffer=*/true);
        }
        break;
      }
      case static_cast<uint8_t>(ShOp::kComplete):
        d.Complete();
        break;
      case static_cast<uint8_t>(ShOp::kTapi): {
        uint8_t b[6];
        for (uint8_t& x : b) x = r.U8();
        TapiEvent(b[0], b[1], b[2], b[3], b[4], b[5], scratch);
        d.Indicate(NDIS_STATUS_TAPI_INDICATION, scratch, sizeof(NDIS_TAPI_EVENT));
        break;
      }
      case static_cast<uint8_t>(ShOp::kMacLineUp): {
        const uint8_t link = r.U8();
        const uint8_t flags = r.U8();
        const ULONG speed = r.U32();
        const USHORT window = r.U16();
        const ULONG quality = r.U8();
        MacLineUp(link, (flags & 1) != 0 ? d.ContextOf(link) : nullptr, speed, window, quality,
                  scratch);
        d.Indicate(NDIS_STATUS_WAN_LINE_UP, scratch, sizeof(NDIS_MAC_LINE_UP),
                   /*null_buffer=*/false, link % kLinkSlots);
        break;
      }
      case static_cast<uint8_t>(ShOp::kMacLineDown): {
        const uint8_t link = r.U8();
        Put<NDIS_HANDLE>(scratch, 0, d.ContextOf(link));
        d.Indicate(NDIS_STATUS_WAN_LINE_DOWN, scratch, sizeof(NDIS_MAC_LINE_DOWN));
        break;
      }
      case static_cast<uint8_t>(ShOp::kMacFragment): {
        const uint8_t link = r.U8();
        std::memset(scratch, 0, sizeof(NDIS_MAC_FRAGMENT));
        Put<NDIS_HANDLE>(scratch, offsetof(NDIS_MAC_FRAGMENT, NdisLinkContext), d.ContextOf(link));
        Put<ULONG>(scratch, offsetof(NDIS_MAC_FRAGMENT, Errors), r.U8());
        d.Indicate(NDIS_STATUS_WAN_FRAGMENT, scratch, sizeof(NDIS_MAC_FRAGMENT));
        break;
      }
      default:
        ++d.stats().skipped;  // unknown tag: skipped
        break;
    }
  }
  d.Finish();
  return d.stats();
}

void RunStatusHandlerInputOrAbort(const uint8_t* data, size_t size,
                                  const StatusHandlerTarget& target) {
  const ShRunStats s = RunStatusHandlerInput(data, size, target);
  if (s.violation.rule == nullptr) return;
  std::fprintf(stderr,
               "ndisconf-violation: %s check=%s event=%llu\n"
               "byte %zu of the status buffer changed across the handler\n",
               s.violation.rule, s.violation.check,
               static_cast<unsigned long long>(s.violation.event), s.violation.offset);
  std::abort();
}

}  // namespace ndisconf::fuzz
