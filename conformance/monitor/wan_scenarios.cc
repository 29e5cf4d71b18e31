// The NDIS WAN canonical scenarios (spec Appendix A W1-W3) as events.
#include "conformance/monitor/wan_scenarios.h"

#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstring>

namespace ndisconf::monitor::wan_scenarios {

Buf Zeros(size_t n) { return Buf(n, 0); }
void Put16(Buf& b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, 2); }
void Put32(Buf& b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
void Put64(Buf& b, size_t off, uint64_t v) { std::memcpy(b.data() + off, &v, 8); }

Buf LineUp(uint32_t speed, uint32_t quality, uint16_t window, uint64_t cwid, uint64_t handle,
           uint64_t lc) {
  Buf b = Zeros(sizeof(NDIS_MAC_LINE_UP));
  Put32(b, offsetof(NDIS_MAC_LINE_UP, LinkSpeed), speed);
  Put32(b, offsetof(NDIS_MAC_LINE_UP, Quality), quality);
  Put16(b, offsetof(NDIS_MAC_LINE_UP, SendWindow), window);
  Put64(b, offsetof(NDIS_MAC_LINE_UP, ConnectionWrapperID), cwid);
  Put64(b, offsetof(NDIS_MAC_LINE_UP, NdisLinkHandle), handle);
  Put64(b, offsetof(NDIS_MAC_LINE_UP, NdisLinkContext), lc);
  return b;
}

Buf TapiEvent(uint64_t ht_line, uint64_t ht_call, uint32_t msg, uint64_t p1, uint64_t p2,
              uint64_t p3) {
  Buf b = Zeros(sizeof(NDIS_TAPI_EVENT));
  Put64(b, offsetof(NDIS_TAPI_EVENT, htLine), ht_line);
  Put64(b, offsetof(NDIS_TAPI_EVENT, htCall), ht_call);
  Put32(b, offsetof(NDIS_TAPI_EVENT, ulMsg), msg);
  Put64(b, offsetof(NDIS_TAPI_EVENT, ulParam1), p1);
  Put64(b, offsetof(NDIS_TAPI_EVENT, ulParam2), p2);
  Put64(b, offsetof(NDIS_TAPI_EVENT, ulParam3), p3);
  return b;
}

// Layout: NDIS_TAPI_GET_ID (72, DeviceID at 44), the DeviceID handle bytes
// at 68..75 (VAR_STRING + 24), the class string at 80.
constexpr size_t kGetIdLen = 88, kClassOff = 80;

Buf GetIdIn(uint32_t select, uint64_t hd_line, uint64_t hd_call, const char* device_class) {
  Buf b = Zeros(kGetIdLen);
  Put64(b, offsetof(NDIS_TAPI_GET_ID, hdLine), hd_line);
  Put64(b, offsetof(NDIS_TAPI_GET_ID, hdCall), hd_call);
  Put32(b, offsetof(NDIS_TAPI_GET_ID, ulSelect), select);
  const size_t n = std::strlen(device_class) + 1;  // with the NUL
  Put32(b, offsetof(NDIS_TAPI_GET_ID, ulDeviceClassSize), static_cast<uint32_t>(n));
  Put32(b, offsetof(NDIS_TAPI_GET_ID, ulDeviceClassOffset), kClassOff);
  std::memcpy(b.data() + kClassOff, device_class, std::min(n, kGetIdLen - kClassOff));
  Put32(b, offsetof(NDIS_TAPI_GET_ID, DeviceID) + offsetof(VAR_STRING, ulTotalSize),
        kGetIdLen - offsetof(NDIS_TAPI_GET_ID, DeviceID));
  return b;
}

Buf GetIdOut(Buf b, uint64_t device_id) {
  constexpr size_t v = offsetof(NDIS_TAPI_GET_ID, DeviceID);
  Put32(b, v + offsetof(VAR_STRING, ulNeededSize), sizeof(VAR_STRING) + 8);
  Put32(b, v + offsetof(VAR_STRING, ulUsedSize), sizeof(VAR_STRING) + 8);
  Put32(b, v + offsetof(VAR_STRING, ulStringFormat), STRINGFORMAT_BINARY);
  Put32(b, v + offsetof(VAR_STRING, ulStringSize), 8);
  Put32(b, v + offsetof(VAR_STRING, ulStringOffset), sizeof(VAR_STRING));
  Put64(b, v + sizeof(VAR_STRING), device_id);
  return b;
}

Builder& Builder::Call(ActorId a, Fn fn, std::initializer_list<uint64_t> args, uint8_t irql,
                       const Buf* blob) {
  Event e;
  e.index = next_++;
  e.fn = fn;
  e.phase = Phase::kCall;
  e.actor = a;
  e.irql = irql;
  for (uint64_t v : args) e.arg[e.arg_count++] = v;
  if (blob != nullptr) {
    e.blob_len = static_cast<uint16_t>(std::min<size_t>(blob->size(), Event::kMaxBlob));
    if (e.blob_len > 0) std::memcpy(e.blob, blob->data(), e.blob_len);
  }
  events.push_back(e);
  return *this;
}

Builder& Builder::Ret(ActorId a, Fn fn, int32_t status, std::initializer_list<uint64_t> out,
                      uint8_t irql, const Buf* blob) {
  Event e;
  e.index = next_++;
  e.fn = fn;
  e.phase = Phase::kReturn;
  e.actor = a;
  e.irql = irql;
  e.status = status;
  for (uint64_t v : out) e.arg[e.arg_count++] = v;
  if (blob != nullptr) {
    e.blob_len = static_cast<uint16_t>(std::min<size_t>(blob->size(), Event::kMaxBlob));
    if (e.blob_len > 0) std::memcpy(e.blob, blob->data(), e.blob_len);
  }
  events.push_back(e);
  return *this;
}

Builder& Builder::Setup(uint32_t reserved, uint32_t attribute_flags) {
  Call(kWmp, Fn::NdisMInitializeWrapper, {}, PASSIVE_LEVEL);
  Ret(kWmp, Fn::NdisMInitializeWrapper, 0, {0x1000}, PASSIVE_LEVEL);
  Call(kWmp, Fn::NdisMRegisterMiniport, {0x1000, 0x0501, reserved, 0x7ffff, 0xe0}, PASSIVE_LEVEL);
  Call(kWmp, Fn::MiniportInitialize, {kMh, 0x3001, 1}, PASSIVE_LEVEL);
  Call(kWmp, Fn::NdisMSetAttributesEx, {kMh, kCtx, attribute_flags}, PASSIVE_LEVEL);
  Ret(kWmp, Fn::NdisMSetAttributesEx, 0, {}, PASSIVE_LEVEL);
  Ret(kWmp, Fn::MiniportInitialize, 0, {0}, PASSIVE_LEVEL);
  Ret(kWmp, Fn::NdisMRegisterMiniport, 0, {}, PASSIVE_LEVEL);
  Call(kNdiswan, Fn::NdisRegisterProtocol, {0x0500, 0x7fff, 0x80}, PASSIVE_LEVEL);
  Ret(kNdiswan, Fn::NdisRegisterProtocol, 0, {0x2001}, PASSIVE_LEVEL);
  Call(kNdiswan, Fn::ProtocolBindAdapter, {0xbc1, 0xde01}, PASSIVE_LEVEL);
  Call(kNdiswan, Fn::NdisOpenAdapter, {0x2001, kBindCtx, 1}, PASSIVE_LEVEL);
  Ret(kNdiswan, Fn::NdisOpenAdapter, 0, {0xb001, 0}, PASSIVE_LEVEL);
  Ret(kNdiswan, Fn::ProtocolBindAdapter, 0, {}, PASSIVE_LEVEL);
  return *this;
}

Builder& Builder::Query(uint32_t oid, const Buf& in, const Buf& out, int32_t status,
                        const std::function<void()>& inside) {
  Call(kWmp, Fn::MiniportQueryInformation, {kCtx, oid, in.size()}, DISPATCH_LEVEL, &in);
  if (inside) inside();
  const Buf& after = status == NDIS_STATUS_PENDING ? in : out;
  Ret(kWmp, Fn::MiniportQueryInformation, status, {after.size(), 0, after.size()}, DISPATCH_LEVEL,
      &after);
  return *this;
}

Builder& Builder::Set(uint32_t oid, const Buf& in, int32_t status,
                      const std::function<void()>& inside) {
  Call(kWmp, Fn::MiniportSetInformation, {kCtx, oid, in.size()}, DISPATCH_LEVEL, &in);
  if (inside) inside();
  Ret(kWmp, Fn::MiniportSetInformation, status, {in.size(), 0}, DISPATCH_LEVEL);
  return *this;
}

Builder& Builder::Indicate(int32_t general_status, const Buf& before, const Buf& after,
                           uint8_t irql, bool deliver) {
  const Buf& end = after.empty() ? before : after;
  Call(kWmp, Fn::NdisMIndicateStatus, {kMh, static_cast<uint32_t>(general_status), before.size()},
       irql, &before);
  if (deliver) {
    Call(kNdiswan, Fn::ProtocolStatus,
         {kBindCtx, static_cast<uint32_t>(general_status), before.size()}, irql, &before);
    Ret(kNdiswan, Fn::ProtocolStatus, 0, {end.size()}, irql, &end);
  }
  Ret(kWmp, Fn::NdisMIndicateStatus, 0, {end.size()}, irql, &end);
  return *this;
}

Builder& Builder::Complete(uint8_t irql, bool deliver) {
  Call(kWmp, Fn::NdisMIndicateStatusComplete, {kMh}, irql);
  if (deliver) {
    Call(kNdiswan, Fn::ProtocolStatusComplete, {kBindCtx}, irql);
    Ret(kNdiswan, Fn::ProtocolStatusComplete, 0, {}, irql);
  }
  Ret(kWmp, Fn::NdisMIndicateStatusComplete, 0, {}, irql);
  return *this;
}

Builder& Builder::Tapi(uint64_t ht_call, uint32_t msg, uint64_t p1, uint64_t p2, uint64_t p3) {
  Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, ht_call, msg, p1, p2, p3));
  return Complete();
}

Builder& Builder::OpenLine() {
  Buf info = Zeros(sizeof(NDIS_WAN_INFO));
  Buf info_out = info;
  Put32(info_out, offsetof(NDIS_WAN_INFO, MaxFrameSize), 1500);
  Put32(info_out, offsetof(NDIS_WAN_INFO, MaxTransmit), 2);
  Put32(info_out, offsetof(NDIS_WAN_INFO, FramingBits), PPP_FRAMING | TAPI_PROVIDER);
  Query(OID_WAN_GET_INFO, info, info_out);
  Buf init = Zeros(sizeof(NDIS_TAPI_PROVIDER_INITIALIZE));
  Buf init_out = init;
  Put32(init_out, offsetof(NDIS_TAPI_PROVIDER_INITIALIZE, ulNumLineDevs), 1);
  Put64(init_out, offsetof(NDIS_TAPI_PROVIDER_INITIALIZE, ulProviderID), kMh);
  Query(OID_TAPI_PROVIDER_INITIALIZE, init, init_out);
  Buf open = Zeros(sizeof(NDIS_TAPI_OPEN));
  Put64(open, offsetof(NDIS_TAPI_OPEN, htLine), kHtLine);
  Buf open_out = open;
  Put64(open_out, offsetof(NDIS_TAPI_OPEN, hdLine), kHdLine);
  return Query(OID_TAPI_OPEN, open, open_out);
}

Builder& Builder::MakeCall() {
  Buf mc = Zeros(64);
  Put64(mc, offsetof(NDIS_TAPI_MAKE_CALL, hdLine), kHdLine);
  Put64(mc, offsetof(NDIS_TAPI_MAKE_CALL, htCall), kHtCall);
  Buf mc_out = mc;
  Put64(mc_out, offsetof(NDIS_TAPI_MAKE_CALL, hdCall), kHdCall);
  return Query(OID_TAPI_MAKE_CALL, mc, mc_out, NDIS_STATUS_SUCCESS,
               [&] { Tapi(kHtCall, LINE_CALLSTATE, LINECALLSTATE_DIALING); });
}

Builder& Builder::GetIdWithLineUp(uint64_t hd_call, uint64_t ht_call, uint64_t handle, uint64_t lc,
                                  uint16_t window) {
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, hd_call, "ndis");
  return Query(OID_TAPI_GET_ID, in, GetIdOut(in, lc), NDIS_STATUS_SUCCESS, [&] {
    Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, NdisWanErrorControl, window, ht_call, handle, 0),
             LineUp(640, NdisWanErrorControl, window, ht_call, handle, lc));
    Complete();
  });
}

Builder W1Builder() {
  Builder b;
  b.Setup();
  b.OpenLine();                                              // W1 1-3
  b.MakeCall();                                              // W1 4
  b.GetIdWithLineUp(kHdCall, kHtCall, kLinkHandle, kLc);     // W1 5
  b.Tapi(kHtCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);  // W1 6
  // W1 7: two sends within MaxTransmit (2); the first pends.
  b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, 0x71, 100}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_PENDING, {}, DISPATCH_LEVEL);
  b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, 0x72, 100}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_SUCCESS, {}, DISPATCH_LEVEL);
  b.Call(kWmp, Fn::NdisMWanSendComplete, {kMh, 0x71, NDIS_STATUS_SUCCESS}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::NdisMWanSendComplete, 0, {}, DISPATCH_LEVEL);
  return b;
}

std::vector<Event> W1OutboundCall() { return W1Builder().events; }

std::vector<Event> W2InboundCall() {
  Builder b;
  b.Setup();
  b.OpenLine();
  Buf md = Zeros(24);
  Put64(md, offsetof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION, hdLine), kHdLine);
  Put32(md, offsetof(NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION, ulMediaModes),
        LINEMEDIAMODE_DIGITALDATA);
  b.Set(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, md);
  // W2 1: LINE_NEWCALL; NDISTAPI writes htCall into ulParam2.
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, 0, 0),
             TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, kInHtCall, 0));
  b.Complete();
  // W2 2: OFFERING with the call's media mode.
  b.Tapi(kInHtCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA);
  // W2 3: ANSWER.
  Buf answer = Zeros(24);
  Put64(answer, offsetof(NDIS_TAPI_ANSWER, hdCall), kInHdCall);
  b.Set(OID_TAPI_ANSWER, answer);
  // W2 4-5.
  b.GetIdWithLineUp(kInHdCall, kInHtCall, kInLinkHandle, kInLc, 4);
  b.Tapi(kInHtCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  return b.events;
}

std::vector<Event> W3FragmentAndLineDown() {
  Builder b = W1Builder();
  Buf frag = Zeros(sizeof(NDIS_MAC_FRAGMENT));
  Put64(frag, offsetof(NDIS_MAC_FRAGMENT, NdisLinkContext), kLc);
  Put32(frag, offsetof(NDIS_MAC_FRAGMENT, Errors), WAN_ERROR_CRC);
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, frag).Complete();  // W3 1
  Buf down = Zeros(sizeof(NDIS_MAC_LINE_DOWN));
  Put64(down, 0, kLc);
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, down).Complete();                                  // W3 2
  b.Tapi(kHtCall, LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);  // W3 3
  Buf drop = Zeros(24);
  Put64(drop, offsetof(NDIS_TAPI_DROP, hdCall), kHdCall);
  b.Set(OID_TAPI_DROP, drop, NDIS_STATUS_SUCCESS,
        [&] { b.Tapi(kHtCall, LINE_CALLSTATE, LINECALLSTATE_IDLE); });  // W3 4
  Buf close_call = Zeros(sizeof(NDIS_TAPI_CLOSE_CALL));
  Put64(close_call, offsetof(NDIS_TAPI_CLOSE_CALL, hdCall), kHdCall);
  b.Set(OID_TAPI_CLOSE_CALL, close_call);  // W3 5
  Buf close = Zeros(sizeof(NDIS_TAPI_CLOSE));
  Put64(close, offsetof(NDIS_TAPI_CLOSE, hdLine), kHdLine);
  b.Set(OID_TAPI_CLOSE, close);                                                   // W3 6
  b.Set(OID_TAPI_PROVIDER_SHUTDOWN, Zeros(sizeof(NDIS_TAPI_PROVIDER_SHUTDOWN)));  // W3 7
  return b.events;
}

}  // namespace ndisconf::monitor::wan_scenarios
