// Names and printing for the NIC abstraction's types.
#include "reference/nic/nic.h"

#include <cstdio>

namespace ndisconf::nic {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kCarrierUp:
      return "CarrierUp";
    case EventKind::kCarrierDown:
      return "CarrierDown";
    case EventKind::kSpeedChanged:
      return "SpeedChanged";
    case EventKind::kRemoteRinging:
      return "RemoteRinging";
    case EventKind::kIncomingCall:
      return "IncomingCall";
    case EventKind::kCallConnected:
      return "CallConnected";
    case EventKind::kRemoteHangUp:
      return "RemoteHangUp";
    case EventKind::kDialFailed:
      return "DialFailed";
    case EventKind::kFrameReceived:
      return "FrameReceived";
    case EventKind::kFrameError:
      return "FrameError";
    case EventKind::kTxComplete:
      return "TxComplete";
    case EventKind::kResetComplete:
      return "ResetComplete";
    case EventKind::kChannelHung:
      return "ChannelHung";
  }
  return "?";
}

const char* CallStateName(CallState state) {
  switch (state) {
    case CallState::kIdle:
      return "Idle";
    case CallState::kDialing:
      return "Dialing";
    case CallState::kOffered:
      return "Offered";
    case CallState::kAnswering:
      return "Answering";
    case CallState::kConnected:
      return "Connected";
  }
  return "?";
}

const char* FramingName(Framing framing) {
  switch (framing) {
    case Framing::kPpp:
      return "ppp";
    case Framing::kRawHdlc:
      return "raw-hdlc";
    case Framing::kTransparent:
      return "transparent";
  }
  return "?";
}

const char* BearerName(Bearer bearer) {
  switch (bearer) {
    case Bearer::kDigitalData:
      return "digital-data";
    case Bearer::kDataModem:
      return "data-modem";
    case Bearer::kVoice:
      return "voice";
  }
  return "?";
}

const char* CallEndName(CallEnd reason) {
  switch (reason) {
    case CallEnd::kNone:
      return "none";
    case CallEnd::kRemoteHangUp:
      return "remote-hang-up";
    case CallEnd::kBusy:
      return "busy";
    case CallEnd::kNoAnswer:
      return "no-answer";
    case CallEnd::kNoDialTone:
      return "no-dial-tone";
    case CallEnd::kLinkLoss:
      return "link-loss";
    case CallEnd::kNicReset:
      return "nic-reset";
    case CallEnd::kOfferWithdrawn:
      return "offer-withdrawn";
  }
  return "?";
}

const char* TxResultName(TxResult result) {
  switch (result) {
    case TxResult::kQueued:
      return "Queued";
    case TxResult::kBusy:
      return "Busy";
    case TxResult::kNoCarrier:
      return "NoCarrier";
    case TxResult::kHung:
      return "Hung";
    case TxResult::kInvalidChannel:
      return "InvalidChannel";
    case TxResult::kInvalidFrame:
      return "InvalidFrame";
  }
  return "?";
}

const char* OpStatusName(OpStatus status) {
  switch (status) {
    case OpStatus::kOk:
      return "Ok";
    case OpStatus::kPending:
      return "Pending";
    case OpStatus::kInvalidChannel:
      return "InvalidChannel";
    case OpStatus::kInvalidState:
      return "InvalidState";
    case OpStatus::kHung:
      return "Hung";
    case OpStatus::kInvalidArgument:
      return "InvalidArgument";
  }
  return "?";
}

std::string ToString(const NicEvent& e) {
  std::string s = "t=" + std::to_string(e.tick) + " ch=" + std::to_string(e.channel.value) + " " +
                  EventKindName(e.kind);
  switch (e.kind) {
    case EventKind::kCarrierUp:
    case EventKind::kSpeedChanged:
      s += " bps=" + std::to_string(e.link_speed_bps);
      break;
    case EventKind::kIncomingCall:
      s += " caller=\"" + e.caller_id + "\" bearer=" + BearerName(e.bearer);
      break;
    case EventKind::kRemoteHangUp:
    case EventKind::kDialFailed:
      s += std::string(" reason=") + CallEndName(e.reason);
      break;
    case EventKind::kFrameError: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(e.errors.bits));
      s += std::string(" errors=") + buf;
      s += " len=" + std::to_string(e.bytes.size());
      break;
    }
    case EventKind::kFrameReceived:
      s += " len=" + std::to_string(e.bytes.size());
      break;
    case EventKind::kTxComplete:
      s += " sent=" + std::to_string(e.tx_sent) + " dropped=" + std::to_string(e.tx_dropped);
      break;
    default:
      break;
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const NicEvent& event) { return os << ToString(event); }
std::ostream& operator<<(std::ostream& os, ChannelId ch) { return os << "ch" << ch.value; }
std::ostream& operator<<(std::ostream& os, TxResult r) { return os << TxResultName(r); }
std::ostream& operator<<(std::ostream& os, OpStatus s) { return os << OpStatusName(s); }
std::ostream& operator<<(std::ostream& os, CallState s) { return os << CallStateName(s); }
std::ostream& operator<<(std::ostream& os, EventKind k) { return os << EventKindName(k); }

}  // namespace ndisconf::nic
