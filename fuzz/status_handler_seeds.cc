// The hand-written status_handler seeds (fuzz/status_handler_seeds.h).
#include "fuzz/status_handler_seeds.h"

#include <ndistapi.h>
#include <ndiswan.h>

#include <cstring>

namespace ndisconf::fuzz {

ShProgram& ShProgram::Op(ShOp op) {
  U8(static_cast<uint8_t>(op));
  return *this;
}
void ShProgram::U16(uint16_t v) {
  U8(static_cast<uint8_t>(v));
  U8(static_cast<uint8_t>(v >> 8));
}
void ShProgram::U32(uint32_t v) {
  U16(static_cast<uint16_t>(v));
  U16(static_cast<uint16_t>(v >> 16));
}

ShProgram& ShProgram::Raw(NDIS_STATUS status, const std::vector<uint8_t>& bytes) {
  Op(ShOp::kRaw);
  U32(static_cast<uint32_t>(status));
  U16(static_cast<uint16_t>(bytes.size()));
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}
ShProgram& ShProgram::WanLineUp(uint8_t link, uint32_t speed, uint16_t window, uint8_t quality) {
  Op(ShOp::kWanLineUp);
  U8(link);
  U32(speed);
  U16(window);
  U8(quality);
  return *this;
}
ShProgram& ShProgram::WanLineDown(uint8_t link) {
  Op(ShOp::kWanLineDown);
  U8(link);
  return *this;
}
ShProgram& ShProgram::WanFragment(uint8_t link) {
  Op(ShOp::kWanFragment);
  U8(link);
  return *this;
}
ShProgram& ShProgram::Short(ShStruct s, uint8_t size) {
  Op(ShOp::kShort);
  U8(static_cast<uint8_t>(s));
  U8(size);
  return *this;
}
ShProgram& ShProgram::Complete() { return Op(ShOp::kComplete); }
ShProgram& ShProgram::Tapi(uint8_t line, uint8_t call, uint8_t msg_index, uint8_t p1, uint8_t p2,
                           uint8_t p3) {
  Op(ShOp::kTapi);
  for (uint8_t v : {line, call, msg_index, p1, p2, p3}) U8(v);
  return *this;
}
ShProgram& ShProgram::Long(ShStruct s, uint8_t extra) {
  Op(ShOp::kLong);
  U8(static_cast<uint8_t>(s));
  U8(extra);
  return *this;
}
ShProgram& ShProgram::MacLineUp(uint8_t link, bool update, uint32_t speed, uint16_t window,
                                uint8_t quality) {
  Op(ShOp::kMacLineUp);
  U8(link);
  U8(update ? 1 : 0);
  U32(speed);
  U16(window);
  U8(quality);
  return *this;
}
ShProgram& ShProgram::MacLineDown(uint8_t link) {
  Op(ShOp::kMacLineDown);
  U8(link);
  return *this;
}
ShProgram& ShProgram::MacFragment(uint8_t link, uint8_t errors) {
  Op(ShOp::kMacFragment);
  U8(link);
  U8(errors);
  return *this;
}
ShProgram& ShProgram::NullBuffer(ShStruct s, uint16_t size) {
  Op(ShOp::kNullBuffer);
  U8(static_cast<uint8_t>(s));
  U16(size);
  return *this;
}
ShProgram& ShProgram::UnknownTag(uint8_t tag) {
  U8(tag);
  return *this;
}

uint8_t TapiMessageIndex(ULONG msg) {
  for (uint8_t i = 0; i < kTapiMessageCount; ++i)
    if (kTapiMessages[i] == msg) return i;
  return kTapiMessageCount;  // not in the table: the caller's mistake
}

std::vector<ShSeed> StatusHandlerSeeds() {
  std::vector<ShSeed> seeds;
  auto add = [&](const char* name, const ShProgram& p) { seeds.push_back({name, p.bytes()}); };
  constexpr ShStruct kAll[] = {ShStruct::kWanLineUp, ShStruct::kWanLineDown, ShStruct::kWanFragment,
                               ShStruct::kMacLineUp, ShStruct::kMacLineDown, ShStruct::kMacFragment,
                               ShStruct::kTapiEvent};

  // Above NDISWAN: a link's life (WAN-036, WAN-054, WAN-041).
  add("wan_line_up_fragment_down", ShProgram()
                                       .WanLineUp(0, 288, 4, NdisWanReliable)
                                       .WanFragment(0)
                                       .Complete()
                                       .WanLineDown(0)
                                       .Complete());
  // Two links; the second line-up of link 0 changes its speed only (0 =
  // unchanged fields, WAN-029 / WAN-037).
  add("wan_two_links_update", ShProgram()
                                  .WanLineUp(0, 288, 4, NdisWanReliable)
                                  .WanLineUp(1, 640, 8, NdisWanErrorControl)
                                  .Complete()
                                  .WanLineUp(0, 1152, 0, NdisWanReliable)
                                  .WanLineDown(1)
                                  .WanFragment(1)
                                  .Complete());
  // Line-down and fragment on links never up (WAN-101).
  add("wan_unknown_links", ShProgram().WanLineDown(5).WanFragment(6).Complete());
  // Unusual but allowed: quality out of range (OQ-22), speed and window 0.
  add("wan_line_up_unusual_values",
      ShProgram().WanLineUp(2, 0, 0, 7).WanLineUp(3, 0xFFFFFFFF, 0xFFFF, 255).Complete());

  // Malformed: every structure cut short by one byte, then to nothing (WAN-100).
  ShProgram shorter, longer, null;
  for (ShStruct s : kAll) {
    const uint8_t full = static_cast<uint8_t>(ShStructSize(s));
    shorter.Short(s, static_cast<uint8_t>(full - 1)).Short(s, 1);
    longer.Long(s, 16);
    null.NullBuffer(s, full);
  }
  add("short_buffers", shorter.Complete());
  // Longer than the structure: allowed, the tail ignored.
  add("long_buffers", longer.Complete());
  // StatusBuffer NULL with the structure's size (a broken miniport).
  add("null_buffers", null.Complete());

  // Above a WAN miniport: NDISWAN's link life (WAN-020 ... WAN-052).
  add("mac_line_up_update_fragment_down", ShProgram()
                                              .MacLineUp(0, false, 288, 2, NdisWanReliable)
                                              .MacLineUp(0, true, 576, 0, NdisWanReliable)
                                              .MacFragment(0, WAN_ERROR_CRC)
                                              .MacFragment(0, 0)
                                              .Complete()
                                              .MacLineDown(0)
                                              .Complete());
  // A second initial line-up for the same NdisLinkHandle, an update naming
  // no link, and a line-down / fragment with contexts never handed out.
  add("mac_duplicate_and_unknown", ShProgram()
                                       .MacLineUp(1, false, 288, 2, NdisWanReliable)
                                       .MacLineUp(1, false, 288, 2, NdisWanReliable)
                                       .MacLineUp(2, true, 288, 2, NdisWanReliable)
                                       .MacLineDown(3)
                                       .MacFragment(4, WAN_ERROR_FRAMING)
                                       .Complete());
  // TAPI events on lines and calls NDISTAPI never opened (WAN-061), a
  // LINE_NEWCALL (WAN-062) and a message outside WAN-068.
  add("tapi_events", ShProgram()
                         .Tapi(1, 1, TapiMessageIndex(LINE_CALLSTATE), 4, 0, 0)
                         .Tapi(1, 0, TapiMessageIndex(LINE_NEWCALL), 7, 0, 0)
                         .Tapi(1, 1, TapiMessageIndex(0x7FFF), 0, 0, 0)
                         .Complete());
  // Other status codes (WAN-006): ignored; a complete with no indication
  // before it; an unknown tag (skipped).
  add("other_status", ShProgram()
                          .Complete()
                          .Raw(NDIS_STATUS_MEDIA_CONNECT, {})
                          .Raw(static_cast<NDIS_STATUS>(0x40010099), {1, 2, 3, 4})
                          .UnknownTag(0xEE)
                          .Complete());
  // A WAN line-up spelled in raw bytes (as a third party would capture it).
  std::vector<uint8_t> raw_up(sizeof(NDIS_WAN_LINE_UP), 0);
  const ULONG speed = 96;
  std::memcpy(raw_up.data() + offsetof(NDIS_WAN_LINE_UP, LinkSpeed), &speed, sizeof(speed));
  raw_up[offsetof(NDIS_WAN_LINE_UP, RemoteAddress) + 5] = 4;
  add("raw_wan_line_up", ShProgram().Raw(NDIS_STATUS_WAN_LINE_UP, raw_up).Complete());
  return seeds;
}

}  // namespace ndisconf::fuzz
