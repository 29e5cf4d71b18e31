// Part of Ndiswan (reference/drivers/ndiswan/ndiswan.h): status indications from WAN
// miniports (line-up/down, fragment, TAPI events) and their forwarding to the
// protocols bound to NDISWAN's virtual adapter.
#include <algorithm>
#include <cstring>

#include "reference/drivers/common/names.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/ndiswan/ndiswan_impl.h"
#include "spec/wan_buffers.h"

namespace ndisconf::drivers {

using wan::Action;
using wan::Link;

// ---------------------------------------------------------------------------
// Status from WAN miniports, and forwarding upward.

bool Ndiswan::ResetStatusState() {
  if (!sends_.empty() || upper_bracket_open_ || in_lower_status_ != 0) return false;
  core_.ResetLinks();
  forwarded_.clear();
  cm_log_.clear();
  tapi_log_.clear();
  link_sends_.clear();
  link_queue_.clear();
  upper_data_.clear();
  return true;
}

void Ndiswan::OnStatus(WanLowerBinding& b, NDIS_STATUS general_status, PVOID buffer, UINT size) {
  log_.Add(logged::ProtocolStatus{.general_status = general_status,
                                  .ndis_binding_handle = b.ndis_binding,
                                  .status_buffer = buffer,
                                  .status_buffer_size = size});
  const wan::Outcome o = core_.OnStatus(b.index, general_status, buffer, size);
  ++in_lower_status_;
  Forward(o);
  --in_lower_status_;
}

void Ndiswan::OnStatusComplete(WanLowerBinding& b) {
  log_.Add(logged::ProtocolStatusComplete{.ndis_binding_handle = b.ndis_binding});
  core_.OnStatusComplete();
  // kMirrorLower: the lower bracket closed, so does the upper one.
  if (upper_bracket_open_ && upper_adapter_ != nullptr) {
    upper_bracket_open_ = false;
    NdisMIndicateStatusComplete(upper_adapter_);  // WAN-010 on NDISWAN's own adapter
  }
}

void Ndiswan::Forward(const wan::Outcome& o) {
  if (o.action == Action::kTapiEvent) {
    if (tapi_sink_ != nullptr) {
      tapi_sink_->OnTapiEvent(o.tapi);
    } else {
      tapi_log_.push_back(o.tapi);
    }
    return;
  }
  if (o.link == nullptr) return;
  Link& link = *o.link;
  UpperIndication ind;
  ind.link = link.upper;
  ind.link_speed = link.link_speed;
  ind.quality = link.quality;
  ind.send_window = link.send_window;
  switch (o.action) {
    case Action::kLineUp:
    case Action::kLineUpdate: {
      // WAN-037: NDIS_WAN_LINE_UP with NDISWAN's id for the link.
      UpperLinkData& data = upper_data_[link.context.value];
      if (data.device_name.empty()) {
        (void)MakeNdisString(name() + "_link_" + std::to_string(link.upper.value & 0xFFFFFF),
                             data.device_name);
        data.protocol_buffer.assign(8, 0);
      }
      NDIS_WAN_LINE_UP up;
      NdisZeroMemory(&up, sizeof(up));
      up.LinkSpeed = link.link_speed;
      const wan::AdapterInfo* info = core_.adapter(link.binding);
      up.MaximumTotalSize = info != nullptr ? info->max_frame_size : 0;
      // Carried through uninterpreted (OQ-22); stored as bytes, since a value
      // outside the enum's range must not live in an enum object.
      std::memcpy(reinterpret_cast<uint8_t*>(&up) + offsetof(NDIS_WAN_LINE_UP, Quality),
                  &link.quality, sizeof(ULONG));
      up.SendWindow = static_cast<USHORT>(std::min<ULONG>(link.send_window, 0xFFFF));
      link.upper.ToBytes(up.RemoteAddress);
      std::memcpy(up.LocalAddress, link.local_address, 6);
      up.ProtocolBufferLength = static_cast<ULONG>(data.protocol_buffer.size());
      up.ProtocolBuffer = data.protocol_buffer.data();
      up.ProtocolType = config_.protocol_type;
      up.DeviceName.Length = static_cast<USHORT>((data.device_name.size() - 1) * sizeof(WCHAR));
      up.DeviceName.MaximumLength = static_cast<USHORT>(data.device_name.size() * sizeof(WCHAR));
      up.DeviceName.Buffer = data.device_name.data();
      ind.status = NDIS_STATUS_WAN_LINE_UP;
      IndicateUp(ind, &up, sizeof(up));
      // LocalAddress is IN OUT: keep the protocol's context, but the two
      // high-order bytes stay NDISWAN's (WAN-037).
      std::memcpy(link.local_address + 2, up.LocalAddress + 2, 4);
      if (o.action == Action::kLineUpdate) TryPassDown(link);  // the window may have grown
      break;
    }
    case Action::kLineDown: {
      NDIS_WAN_LINE_DOWN down;  // WAN-042
      link.upper.ToBytes(down.RemoteAddress);
      std::memcpy(down.LocalAddress, link.local_address, 6);
      ind.status = NDIS_STATUS_WAN_LINE_DOWN;
      IndicateUp(ind, &down, sizeof(down));
      FailQueued(link);
      break;
    }
    case Action::kFragment: {
      NDIS_WAN_FRAGMENT frag;  // WAN-053
      link.upper.ToBytes(frag.RemoteAddress);
      std::memcpy(frag.LocalAddress, link.local_address, 6);
      ind.status = NDIS_STATUS_WAN_FRAGMENT;
      IndicateUp(ind, &frag, sizeof(frag));
      break;
    }
    default:
      break;
  }
}

void Ndiswan::IndicateUp(UpperIndication ind, PVOID buffer, UINT size) {
  // WAN-007: to the bound protocols through the virtual adapter, or to the
  // configuration manager when there is no adapter for protocols to bind to.
  if (upper_adapter_ != nullptr) {
    ind.to_protocols = true;
    NdisMIndicateStatus(upper_adapter_, ind.status, buffer, size);
    // WAN-010 on NDISWAN's own adapter (NdiswanConfig::upper_bracket).
    if (config_.upper_bracket == UpperBracket::kMirrorLower && in_lower_status_ > 0) {
      upper_bracket_open_ = true;
    } else {
      upper_bracket_open_ = false;
      NdisMIndicateStatusComplete(upper_adapter_);
    }
  }
  forwarded_.push_back(ind);
  if (upper_adapter_ == nullptr || config_.always_notify_config_manager) {
    if (config_manager_ != nullptr) {
      config_manager_->OnWanIndication(ind);
    } else {
      cm_log_.push_back(ind);
    }
  }
}

}  // namespace ndisconf::drivers
