// Part of Wmp (reference/drivers/wmp/wmp.h): MiniportQuery/SetInformation, the WAN
// OIDs (GET_INFO, SET/GET_LINK_INFO) and the TAPI OIDs (provider init and
// shutdown, open/close, make/accept/answer/drop/close call, GET_ID).
#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#include "reference/drivers/wmp/wmp.h"
#include "reference/drivers/wmp/wmp_codec.h"
#include "reference/drivers/wmp/wmp_impl.h"

namespace ndisconf::drivers {

namespace {

using wmp::EqualsIgnoreCase;
using wmp_impl::LoadAt;
using wmp_impl::StoreAt;

}  // namespace

// ---------------------------------------------------------------------------
// Requests.

NDIS_STATUS Wmp::OnRequest(WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer, ULONG length,
                           PULONG bytes_done, PULONG bytes_needed) {
  ULONG scratch_done = 0, scratch_needed = 0;
  if (bytes_done == nullptr) bytes_done = &scratch_done;
  if (bytes_needed == nullptr) bytes_needed = &scratch_needed;
  *bytes_done = 0;
  *bytes_needed = 0;
  if (a.state != WmpAdapter::State::kRunning) return NDIS_STATUS_ADAPTER_NOT_READY;
  const wmp::OidInfo* info = wmp::FindOid(oid);
  if (info == nullptr) {
    // WAN-080: TAPI requests this miniport does not support.
    return wmp::IsTapiOid(oid) ? NDIS_STATUS_TAPI_OPERATIONUNAVAIL : NDIS_STATUS_INVALID_OID;
  }
  if ((query && !info->query) || (!query && !info->set)) return NDIS_STATUS_INVALID_OID;
  if (buffer == nullptr) length = 0;
  if (length < info->min_length) {
    *bytes_needed = info->min_length;
    return NDIS_STATUS_INVALID_LENGTH;
  }
  std::span<uint8_t> buf(static_cast<uint8_t*>(buffer), length);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  switch (oid) {
    case OID_WAN_GET_INFO:
      s = WanGetInfo(a, buf, bytes_done);
      break;
    case OID_WAN_SET_LINK_INFO:
      s = WanSetLinkInfo(a, buf);
      break;
    case OID_WAN_GET_LINK_INFO:
      s = WanGetLinkInfo(a, buf, bytes_done);
      break;
    case OID_WAN_QUALITY_OF_SERVICE:
      StoreAt(buf, config_.quality);
      *bytes_done = sizeof(NDIS_WAN_QUALITY);
      break;
    case OID_WAN_LINE_COUNT:
      StoreAt(buf, static_cast<ULONG>(a.nic->channel_count()));
      *bytes_done = sizeof(ULONG);
      break;
    case OID_GEN_LINK_SPEED: {
      // The baseline of "LinkSpeed 0 = unchanged" (WAN-029): the fastest
      // channel, in 100 bps units.
      uint64_t bps = 0;
      for (uint64_t v : a.speed_bps) bps = std::max(bps, v);
      StoreAt(buf, static_cast<ULONG>(bps / 100));
      *bytes_done = sizeof(ULONG);
      break;
    }
    case OID_TAPI_PROVIDER_INITIALIZE:
      s = TapiProviderInitialize(a, buf, bytes_done);
      break;
    case OID_TAPI_PROVIDER_SHUTDOWN:
      s = TapiProviderShutdown(a);
      break;
    case OID_TAPI_OPEN:
      s = TapiOpen(a, buf, bytes_done);
      break;
    case OID_TAPI_CLOSE:
      s = TapiClose(a, buf);
      break;
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION:
      s = TapiSetDefaultMediaDetection(a, buf);
      break;
    case OID_TAPI_SET_STATUS_MESSAGES:
      s = TapiSetStatusMessages(a, buf);
      break;
    case OID_TAPI_MAKE_CALL:
      s = TapiMakeCall(a, buf, bytes_done);
      break;
    case OID_TAPI_ACCEPT:
      s = TapiAccept(a, buf);
      break;
    case OID_TAPI_ANSWER:
      s = TapiAnswer(a, buf);
      break;
    case OID_TAPI_DROP:
      s = TapiDrop(a, buf);
      break;
    case OID_TAPI_CLOSE_CALL:
      s = TapiCloseCall(a, buf);
      break;
    case OID_TAPI_GET_ID:
      s = TapiGetId(a, query, buf, bytes_done, bytes_needed);
      break;
    default:
      s = NDIS_STATUS_INVALID_OID;
      break;
  }
  if (!query && s == NDIS_STATUS_SUCCESS && *bytes_done == 0) *bytes_done = length;
  CompleteBracket(a);
  return s;
}

NDIS_STATUS Wmp::WanGetInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_WAN_INFO info;
  NdisZeroMemory(&info, sizeof(info));
  std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{0});
  info.MaxFrameSize = st ? st->max_frame_bytes : 1500;
  info.MaxTransmit = a.max_transmit;  // WAN-096
  info.Endpoints = a.nic->channel_count();
  info.HighestAcceptableAddress = -1;
  info.FramingBits = PPP_FRAMING | TAPI_PROVIDER;  // WAN-095: TAPI-capable
  StoreAt(buf, info);
  *done = sizeof(info);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::WanSetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_WAN_SET_LINK_INFO info = LoadAt<NDIS_WAN_SET_LINK_INFO>(buf);
  WmpLink* link = a.FindLink(info.NdisLinkHandle);
  if (link == nullptr || !link->up) return NDIS_STATUS_INVALID_DATA;
  nic::Framing framing = nic::Framing::kRawHdlc;
  if ((info.SendFramingBits & (PASS_THROUGH_MODE | RAW_PASS_THROUGH_MODE)) != 0) {
    framing = nic::Framing::kTransparent;
  } else if ((info.SendFramingBits & PPP_FRAMING) != 0) {
    framing = nic::Framing::kPpp;
  }
  nic::OpStatus st = a.nic->SetFraming(nic::ChannelId{link->channel}, framing);
  if (st != nic::OpStatus::kOk) return NDIS_STATUS_FAILURE;
  link->link_info = info;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::WanGetLinkInfo(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_WAN_GET_LINK_INFO in = LoadAt<NDIS_WAN_GET_LINK_INFO>(buf);
  WmpLink* link = a.FindLink(in.NdisLinkHandle);
  if (link == nullptr || !link->up) return NDIS_STATUS_INVALID_DATA;
  NDIS_WAN_GET_LINK_INFO out = link->link_info;
  out.NdisLinkHandle = link->link_handle();
  std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{link->channel});
  if (out.MaxSendFrameSize == 0 && st) out.MaxSendFrameSize = st->max_frame_bytes;
  if (out.MaxRecvFrameSize == 0 && st) out.MaxRecvFrameSize = st->max_frame_bytes;
  StoreAt(buf, out);
  *done = sizeof(out);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiProviderInitialize(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_PROVIDER_INITIALIZE r = LoadAt<NDIS_TAPI_PROVIDER_INITIALIZE>(buf);
  for (const WmpLine& l : a.lines) {
    if (l.open) return NDIS_STATUS_TAPI_INUSE;  // a session is running on this provider
  }
  // WAN-082: lines base .. base+n-1; the adapter handle is the unique ID.
  a.provider_up = true;
  a.device_id_base = r.ulDeviceIDBase;
  for (size_t i = 0; i < a.lines.size(); ++i) {
    a.lines[i] = WmpLine{static_cast<ULONG>(r.ulDeviceIDBase + i)};
  }
  r.ulNumLineDevs = static_cast<ULONG>(a.lines.size());
  r.ulProviderID = reinterpret_cast<ULONG_PTR>(a.handle);
  StoreAt(buf, r);
  *done = sizeof(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiProviderShutdown(WmpAdapter& a) {
  // WAN-090: end the session; everything on the lines is released.
  for (size_t i = 0; i < a.lines.size(); ++i) CloseLine(a, i);
  a.provider_up = false;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiOpen(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_OPEN r = LoadAt<NDIS_TAPI_OPEN>(buf);
  if (!a.provider_up || r.ulDeviceID < a.device_id_base ||
      r.ulDeviceID - a.device_id_base >= a.lines.size()) {
    return NDIS_STATUS_TAPI_NODEVICE;
  }
  WmpLine& l = a.lines[r.ulDeviceID - a.device_id_base];
  if (l.open) return NDIS_STATUS_TAPI_ALLOCATED;
  // WAN-083: keep htLine, return our hdLine.
  l.open = true;
  l.ht_line = r.htLine;
  l.hd_line = next_handle_++;
  l.media_modes = 0;  // WAN-063: outbound-only until media detection is set
  l.line_states = 0;  // WAN-065: all disabled initially
  l.address_states = 0;
  r.hdLine = l.hd_line;
  StoreAt(buf, r);
  *done = sizeof(r);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiClose(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_CLOSE r = LoadAt<NDIS_TAPI_CLOSE>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  CloseLine(a, static_cast<size_t>(l - a.lines.data()));  // WAN-088: cannot fail
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiSetDefaultMediaDetection(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION r = LoadAt<NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if ((r.ulMediaModes & ~config_.supported_media_modes) != 0) {
    return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  }
  l->media_modes = r.ulMediaModes;  // WAN-063: the latest successful one counts
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiSetStatusMessages(WmpAdapter& a, std::span<uint8_t> buf) {
  NDIS_TAPI_SET_STATUS_MESSAGES r = LoadAt<NDIS_TAPI_SET_STATUS_MESSAGES>(buf);
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  l->line_states = r.ulLineStates;  // WAN-065
  l->address_states = r.ulAddressStates;
  return NDIS_STATUS_SUCCESS;
}

std::optional<uint32_t> Wmp::FreeChannel(WmpAdapter& a, size_t line) {
  for (uint32_t c = 0; c < a.tx.size(); ++c) {
    if (c % a.lines.size() != line || a.CallOnChannel(c) != nullptr) continue;
    std::optional<nic::ChannelStatus> st = a.nic->Status(nic::ChannelId{c});
    if (st && st->call_state == nic::CallState::kIdle && !st->hung && !st->resetting) return c;
  }
  return std::nullopt;
}

NDIS_STATUS Wmp::TapiMakeCall(WmpAdapter& a, std::span<uint8_t> buf, PULONG done) {
  NDIS_TAPI_MAKE_CALL r = LoadAt<NDIS_TAPI_MAKE_CALL>(buf);
  // WAN-084: check that the line can make the call.
  WmpLine* l = a.FindLine(r.hdLine);
  if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if (r.htCall == 0) return NDIS_STATUS_TAPI_INVALPARAM;
  ULONG media = LINEMEDIAMODE_DIGITALDATA;
  if (!r.bUseDefaultLineCallParams && r.LineCallParams.ulMediaMode != 0) {
    media = r.LineCallParams.ulMediaMode;
  }
  if ((media & ~config_.supported_media_modes) != 0) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  std::string number = config_.default_number;  // ulDestAddressSize 0: the default number
  if (r.ulDestAddressSize != 0) {
    std::optional<std::string> dest =
        wmp::ReadCountedString(buf, r.ulDestAddressOffset, r.ulDestAddressSize);
    if (!dest) return NDIS_STATUS_INVALID_DATA;
    number = *dest;
  }
  const size_t line = static_cast<size_t>(l - a.lines.data());
  std::optional<uint32_t> ch = FreeChannel(a, line);
  if (!ch) return NDIS_STATUS_TAPI_CALLUNAVAIL;
  nic::OpStatus st = a.nic->Dial(nic::ChannelId{*ch}, number);
  log_.Add(logged::OwnNicDial{.result = st});
  if (st == nic::OpStatus::kInvalidArgument) return NDIS_STATUS_TAPI_INVALADDRESS;
  if (st != nic::OpStatus::kPending && st != nic::OpStatus::kOk) {
    return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  }
  auto owned = std::make_unique<WmpCall>();
  WmpCall& c = *owned;
  a.calls.push_back(std::move(owned));
  c.hd_call = next_handle_++;  // unique, never reused
  c.ht_call = r.htCall;        // WAN-084, WAN-027
  c.line = line;
  c.channel = *ch;
  c.media_mode = media;
  r.hdCall = c.hd_call;
  StoreAt(buf, r.hdCall, offsetof(NDIS_TAPI_MAKE_CALL, hdCall));
  *done = sizeof(NDIS_TAPI_MAKE_CALL);
  SetCallState(a, c, LINECALLSTATE_DIALING);
  SetCallState(a, c, LINECALLSTATE_PROCEEDING);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiAccept(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_ACCEPT, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (c->state != LINECALLSTATE_OFFERING) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  SetCallState(a, *c, LINECALLSTATE_ACCEPTED);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiAnswer(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_ANSWER, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  // WAN-091: ANSWER without ACCEPT counts as both.
  if (!c->inbound || !c->channel ||
      (c->state != LINECALLSTATE_OFFERING && c->state != LINECALLSTATE_ACCEPTED)) {
    return NDIS_STATUS_TAPI_INVALCALLSTATE;
  }
  nic::OpStatus st = a.nic->Answer(nic::ChannelId{*c->channel});
  if (st == nic::OpStatus::kInvalidState) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  if (st != nic::OpStatus::kPending && st != nic::OpStatus::kOk) {
    return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  }
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiDrop(WmpAdapter& a, std::span<uint8_t> buf) {
  // WAN-086: a handle CLOSE_CALL released is invalid.
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_DROP, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  // WAN-085: drop, indicate IDLE, keep htCall/hdCall until CLOSE_CALL.
  if (c->state != LINECALLSTATE_IDLE) EndCall(a, *c, LINECALLSTATE_IDLE, 0, true);
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS Wmp::TapiCloseCall(WmpAdapter& a, std::span<uint8_t> buf) {
  WmpCall* c = a.FindCall(LoadAt<HDRV_CALL>(buf, offsetof(NDIS_TAPI_CLOSE_CALL, hdCall)));
  if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  CloseCall(a, *c);  // WAN-086: cannot fail for a valid handle
  return NDIS_STATUS_SUCCESS;
}

bool Wmp::IsDataClass(const std::string& device_class) const {
  for (const std::string& d : config_.data_device_classes) {
    if (EqualsIgnoreCase(d, device_class)) return true;
  }
  return false;
}

WmpLink* Wmp::LinkFor(WmpAdapter& a, WmpCall& call, const std::string& device_class) {
  // WAN-034: a line-up only for the first GET_ID of the call, or for a new
  // device class when the miniport keeps separate channels per class.
  for (WmpLink* l : call.links) {
    if (!l->up) continue;
    if (!config_.separate_channels_per_class || EqualsIgnoreCase(l->device_class, device_class)) {
      return l;
    }
  }
  auto owned = std::make_unique<WmpLink>();
  WmpLink& link = *owned;
  a.links.push_back(std::move(owned));
  link.adapter = &a;
  link.hd_call = call.hd_call;
  link.device_class = device_class;
  link.channel = call.channel.value_or(0);
  link.send_window = config_.line_up_send_window;
  call.links.push_back(&link);
  // WAN-021, WAN-023, WAN-027, WAN-028: the initial line-up, NULL context.
  LineUp(a, link, static_cast<ULONG>(a.speed_bps[link.channel] / 100));
  if (!link.up) return nullptr;
  MaybeConnected(a, call);  // WAN-022: a connect that waited for this line-up
  return &link;
}

NDIS_STATUS Wmp::TapiGetId(WmpAdapter& a, bool query, std::span<uint8_t> buf, PULONG done,
                           PULONG needed) {
  wmp::GetIdParse p = wmp::ParseGetId(buf);
  if (p.status != NDIS_STATUS_SUCCESS) {
    *needed = p.bytes_needed;
    return p.status;
  }
  const wmp::GetIdRequest& r = p.request;
  const bool line_class = EqualsIgnoreCase(r.device_class, wmp::kClassTapiLine);
  const bool data_class = IsDataClass(r.device_class);
  auto line_id = [&](ULONG id) {
    uint8_t bytes[sizeof(ULONG)];
    std::memcpy(bytes, &id, sizeof(id));
    *done = wmp::WriteDeviceId(buf, r.device_id_total, bytes);
    return NDIS_STATUS_SUCCESS;
  };
  // WAN-070, WAN-071, WAN-073.
  switch (r.select) {
    case LINECALLSELECT_LINE:
    case LINECALLSELECT_ADDRESS: {
      WmpLine* l = a.FindLine(r.hd_line);
      if (l == nullptr) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
      if (r.select == LINECALLSELECT_ADDRESS && r.address_id != 0) {
        return NDIS_STATUS_TAPI_INVALADDRESSID;
      }
      if (!line_class) return NDIS_STATUS_TAPI_NODEVICE;
      return line_id(l->device_id);
    }
    case LINECALLSELECT_CALL: {
      WmpCall* c = a.FindCall(r.hd_call);
      if (c == nullptr) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
      if (line_class) return line_id(a.lines[c->line].device_id);
      if (!data_class) return NDIS_STATUS_TAPI_NODEVICE;
      if (!c->live() || !c->channel) return NDIS_STATUS_FAILURE;
      if (config_.get_id == GetIdCompletion::kPending && !a.pending.active) {
        WmpPendingRequest& pr = a.pending;
        pr = WmpPendingRequest{true,
                               query,
                               buf.data(),
                               static_cast<ULONG>(buf.size()),
                               done,
                               needed,
                               c->hd_call,
                               r.device_class,
                               r.device_id_total};
        // A serialized miniport indicates at DISPATCH_LEVEL only, so its
        // line-up happens here; a deserialized one makes it from the work
        // item, between PENDING and the completion (WAN-074, OQ-27).
        if (!config_.deserialized && LinkFor(a, *c, r.device_class) == nullptr) {
          pr.active = false;
          return NDIS_STATUS_FAILURE;
        }
        WmpAdapter* ap = &a;
        if (deferrer_.Defer(a.handle, [this, ap] { CompletePendingGetId(*ap); })) {
          return NDIS_STATUS_PENDING;
        }
        pr.active = false;  // no work item: answer now
      }
      WmpLink* link = LinkFor(a, *c, r.device_class);
      if (link == nullptr) return NDIS_STATUS_FAILURE;
      // WAN-026, OQ-23: DeviceID = NdisLinkContext, written before return.
      uint8_t bytes[sizeof(NDIS_HANDLE)];
      std::memcpy(bytes, &link->link_context, sizeof(bytes));
      *done = wmp::WriteDeviceId(buf, r.device_id_total, bytes);
      return NDIS_STATUS_SUCCESS;
    }
    default:
      return NDIS_STATUS_FAILURE;  // WAN-073's catch-all
  }
}

void Wmp::CompletePendingGetId(WmpAdapter& a) {
  WmpPendingRequest pr = a.pending;
  a.pending.active = false;
  if (!pr.active) return;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  WmpCall* c = a.FindCall(pr.hd_call);
  if (a.state == WmpAdapter::State::kRunning && c != nullptr && c->live() && c->channel) {
    WmpLink* link = LinkFor(a, *c, pr.device_class);  // WAN-074: before the completion
    if (link != nullptr) {
      uint8_t bytes[sizeof(NDIS_HANDLE)];
      std::memcpy(bytes, &link->link_context, sizeof(bytes));
      *pr.bytes_done =
          wmp::WriteDeviceId(std::span<uint8_t>(static_cast<uint8_t*>(pr.buffer), pr.length),
                             pr.device_id_total, bytes);
      s = NDIS_STATUS_SUCCESS;
    }
  }
  CompleteBracket(a);
  if (pr.query) {
    NdisMQueryInformationComplete(a.handle, s);
  } else {
    NdisMSetInformationComplete(a.handle, s);
  }
  if (pr.query) {
    log_.Add(logged::OwnNdisMQueryInformationComplete{
        .status = s, .miniport_adapter_handle = a.handle, .oid = OID_TAPI_GET_ID});
  } else {
    log_.Add(logged::OwnNdisMSetInformationComplete{
        .status = s, .miniport_adapter_handle = a.handle, .oid = OID_TAPI_GET_ID});
  }
}

}  // namespace ndisconf::drivers
