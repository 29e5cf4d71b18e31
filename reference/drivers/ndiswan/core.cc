// Implementation of reference/drivers/ndiswan/ndiswan_core.h.
#include <algorithm>

#include "reference/drivers/ndiswan/ndiswan_core.h"

namespace ndisconf::drivers::wan {
namespace {

// Handle spaces: non-NULL, distinct per kind and per instance, never reused.
constexpr uint64_t kContextBase = 0x00C0'0000'0000ULL;
constexpr uint64_t kUpperIdBase = 0x0200'0000'0000ULL;  // locally administered
constexpr uint64_t kLineBase = 0x7100'0000ULL;
constexpr uint64_t kCallBase = 0x7C00'0000ULL;

namespace wb = spec::wan;

// WAN-100: a buffer the decoder refused is NULL or shorter than its
// structure (StatusBufferSize is both what is claimed and what is there).
Reason RejectionFor(const wb::DecodeError& e) {
  return e.kind == wb::DecodeErrorKind::kNullBuffer ? Reason::kNullBuffer : Reason::kShortBuffer;
}

bool IsLineMessage(ULONG msg) {
  return msg == LINE_ADDRESSSTATE || msg == LINE_CLOSE || msg == LINE_DEVSPECIFIC ||
         msg == LINE_LINEDEVSTATE || msg == LINE_NEWCALL;
}
bool IsCallMessage(ULONG msg) {
  return msg == LINE_CALLINFO || msg == LINE_CALLSTATE || msg == LINE_CALLDEVSPECIFIC;
}

}  // namespace

UpperLinkId UpperLinkId::FromBytes(const UCHAR bytes[6]) {
  uint64_t v = 0;
  for (int i = 0; i < 6; ++i) v = (v << 8) | bytes[i];
  return {v};
}

void UpperLinkId::ToBytes(UCHAR bytes[6]) const {
  for (int i = 5, shift = 0; i >= 0; --i, shift += 8) bytes[i] = static_cast<UCHAR>(value >> shift);
}

const char* ToString(Reason r) {
  switch (r) {
    case Reason::kNullBuffer:
      return "null_buffer";
    case Reason::kShortBuffer:
      return "short_buffer";
    case Reason::kUnknownContext:
      return "unknown_context";
    case Reason::kLinkHandleMismatch:
      return "link_handle_mismatch";
    case Reason::kDuplicateLineUp:
      return "duplicate_line_up";
    case Reason::kBadQuality:
      return "bad_quality";
    case Reason::kUnknownLink:
      return "unknown_link";
    case Reason::kTapiNotProvider:
      return "tapi_not_provider";
    case Reason::kTapiUnknownLine:
      return "tapi_unknown_line";
    case Reason::kTapiUnknownCall:
      return "tapi_unknown_call";
    case Reason::kTapiUnknownMessage:
      return "tapi_unknown_message";
    case Reason::kTapiBadNewCall:
      return "tapi_bad_newcall";
  }
  return "?";
}

bool IsMalformed(Reason r) {
  switch (r) {
    case Reason::kNullBuffer:
    case Reason::kShortBuffer:
    case Reason::kUnknownContext:
    case Reason::kLinkHandleMismatch:
    case Reason::kDuplicateLineUp:
    case Reason::kBadQuality:
      return true;
    default:
      return false;
  }
}

const char* ToString(Warning w) {
  switch (w) {
    case Warning::kFragmentErrorsZero:
      return "fragment_errors_zero";
    case Warning::kFragmentUndefinedBits:
      return "fragment_undefined_bits";
    case Warning::kQualityOutOfRange:
      return "quality_out_of_range";
    case Warning::kTapiLineEventWithCall:
      return "tapi_line_event_with_call";
  }
  return "?";
}

uint64_t Counters::malformed() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kReasonCount; ++i) {
    if (IsMalformed(static_cast<Reason>(i))) n += rejected[i];
  }
  return n;
}

uint64_t Counters::rejected_total() const {
  uint64_t n = 0;
  for (uint64_t v : rejected) n += v;
  return n;
}

Core::Core(CoreOptions options) : options_(options) {}

void Core::ResetLinks() {
  links_.clear();
  calls_.clear();
  next_link_ = 1;
  next_call_ = 1;
  seq_ = 0;
  counters_ = {};
  rejections_.clear();
  warnings_.clear();
}

void Core::SetAdapter(size_t binding, const AdapterInfo& info) { adapters_[binding] = info; }

const AdapterInfo* Core::adapter(size_t binding) const {
  auto it = adapters_.find(binding);
  return it == adapters_.end() ? nullptr : &it->second;
}

Outcome Core::Reject(size_t binding, NDIS_STATUS st, Reason r, UINT size, uintptr_t context) {
  ++counters_.rejected[static_cast<size_t>(r)];
  rejections_.push_back(Rejection{seq_, binding, st, r, size, context});
  Outcome o;
  o.rejected = r;
  return o;
}

void Core::Warn(size_t binding, Warning w, uint64_t value, uintptr_t context) {
  ++counters_.warnings[static_cast<size_t>(w)];
  warnings_.push_back(WarningRecord{seq_, binding, w, value, context});
}

Outcome Core::OnStatus(size_t binding, NDIS_STATUS general_status, PVOID buffer, UINT size) {
  seq_ = counters_.indications + counters_.receives;
  ++counters_.indications;
  switch (general_status) {
    case NDIS_STATUS_WAN_LINE_UP:
      return LineUp(binding, buffer, size);
    case NDIS_STATUS_WAN_LINE_DOWN:
      return LineDown(binding, buffer, size);
    case NDIS_STATUS_WAN_FRAGMENT:
      return Fragment(binding, buffer, size);
    case NDIS_STATUS_TAPI_INDICATION:
      return Tapi(binding, buffer, size);
    default:
      // WAN-006 applies to NDISWAN too: other codes are not WAN state.
      ++counters_.other_status;
      return {};
  }
}

Link* Core::FindUpLinkOn(size_t binding, uintptr_t context) {
  auto it = links_.find(context);
  if (it == links_.end()) return nullptr;
  Link& link = it->second;
  if (link.state != LinkState::kUp || link.binding != binding) return nullptr;
  return &link;
}

Outcome Core::LineUp(size_t binding, PVOID buffer, UINT size) {
  const NDIS_STATUS st = NDIS_STATUS_WAN_LINE_UP;
  // WAN-100: reject before acting on a single byte.
  const wb::Decoded<wb::MacLineUp> d = wb::DecodeMacLineUp(buffer, size, size);
  if (!d.ok()) return Reject(binding, st, RejectionFor(d.error()), size, 0);
  const wb::MacLineUp& up = d.value();
  const uintptr_t ctx = static_cast<uintptr_t>(up.link_context);
  const NDIS_HANDLE link_handle = reinterpret_cast<NDIS_HANDLE>(up.link_handle);
  // Quality is the raw ULONG: an out-of-range value in an enum object would be UB.
  const ULONG quality = up.quality;

  // OQ-22: Quality is carried through uninterpreted unless `strict`.
  const bool quality_ok = quality <= static_cast<ULONG>(NdisWanReliable);
  if (!quality_ok && options_.strict) return Reject(binding, st, Reason::kBadQuality, size, ctx);

  const AdapterInfo info = adapters_.count(binding) ? adapters_[binding] : AdapterInfo{};
  if (ctx == 0) {
    // Initial line-up (WAN-023). One link per NdisLinkHandle: a second initial
    // line-up for a handle that is still UP is refused and the buffer left
    // untouched (documented result; the miniport keeps its first context).
    for (const auto& [c, link] : links_) {
      if (link.state == LinkState::kUp && link.binding == binding &&
          link.link_handle == link_handle) {
        return Reject(binding, st, Reason::kDuplicateLineUp, size, c);
      }
    }
    if (!quality_ok) Warn(binding, Warning::kQualityOutOfRange, quality, 0);
    const uint64_t n = next_link_++;
    Link link;
    link.context.value =
        static_cast<uintptr_t>(kContextBase | (uint64_t{options_.instance_tag} << 24) | n);
    link.upper.value = kUpperIdBase | (uint64_t{options_.instance_tag} << 24) | n;
    link.binding = binding;
    link.link_handle = link_handle;
    link.connection_wrapper_id =
        reinterpret_cast<NDIS_HANDLE>(static_cast<uintptr_t>(up.connection_wrapper_id));
    // WAN-029: 0 = the adapter's OID_GEN_LINK_SPEED value.
    link.link_speed = up.link_speed != 0 ? up.link_speed : info.link_speed_baseline;
    link.quality = quality;
    // WAN-031/096: 0 = NDIS_WAN_INFO.MaxTransmit. A window of 0 would stall
    // the link forever, so the model never goes below 1 (DERIVED).
    link.send_window = up.send_window != 0 ? up.send_window : std::max<ULONG>(1, info.max_transmit);
    link.local_address[1] = options_.instance_tag;
    auto [it, inserted] = links_.emplace(link.context.value, link);
    // WAN-024: the unique context goes into the caller's buffer before
    // ProtocolStatus returns; the only byte range written (WAN-103).
    (void)wb::WriteMacLineUpLinkContext(buffer, size, link.context.value);
    ++counters_.line_ups;
    return Outcome{Action::kLineUp, &it->second, std::nullopt, {}};
  }

  // A non-NULL context: a parameter update of a live link (WAN-032), or
  // malformed (OQ-25).
  Link* link = FindUpLinkOn(binding, ctx);
  if (link == nullptr) return Reject(binding, st, Reason::kUnknownContext, size, ctx);
  if (link->link_handle != link_handle) {
    return Reject(binding, st, Reason::kLinkHandleMismatch, size, ctx);
  }
  if (!quality_ok) Warn(binding, Warning::kQualityOutOfRange, quality, ctx);
  if (up.link_speed != 0) link->link_speed = up.link_speed;     // WAN-029: 0 = unchanged
  if (up.send_window != 0) link->send_window = up.send_window;  // WAN-031: applies to later sends
  // Quality 0 is NdisWanRaw, a value in its own right: always taken as given.
  link->quality = quality;
  ++link->updates;
  ++counters_.line_up_updates;
  return Outcome{Action::kLineUpdate, link, std::nullopt, {}};
}

Outcome Core::LineDown(size_t binding, PVOID buffer, UINT size) {
  const NDIS_STATUS st = NDIS_STATUS_WAN_LINE_DOWN;
  const wb::Decoded<wb::MacLineDown> d = wb::DecodeMacLineDown(buffer, size, size);
  if (!d.ok()) return Reject(binding, st, RejectionFor(d.error()), size, 0);  // WAN-100
  const uintptr_t ctx = static_cast<uintptr_t>(d->link_context);
  Link* link = FindUpLinkOn(binding, ctx);
  if (link == nullptr) return Reject(binding, st, Reason::kUnknownLink, size, ctx);  // WAN-101
  // WAN-043: the context and ConnectionWrapperID are dead from here on; the
  // record stays (state kDown) so a late use is recognised as stale.
  link->state = LinkState::kDown;
  ++counters_.line_downs;
  return Outcome{Action::kLineDown, link, std::nullopt, {}};
}

Outcome Core::Fragment(size_t binding, PVOID buffer, UINT size) {
  const NDIS_STATUS st = NDIS_STATUS_WAN_FRAGMENT;
  const wb::Decoded<wb::MacFragment> d = wb::DecodeMacFragment(buffer, size, size);
  if (!d.ok()) return Reject(binding, st, RejectionFor(d.error()), size, 0);  // WAN-100
  const wb::MacFragment& frag = d.value();
  const uintptr_t ctx = static_cast<uintptr_t>(frag.link_context);
  Link* link = FindUpLinkOn(binding, ctx);
  // WAN-052: unknown contexts are not counted against any link (WAN-101).
  if (link == nullptr) return Reject(binding, st, Reason::kUnknownLink, size, ctx);
  // WAN-052: exactly +1 per indication, whatever Errors holds.
  ++link->fragments;
  link->fragment_errors_seen |= frag.errors;
  // WAN-051 (DERIVED): doubtful Errors values are accepted and flagged.
  if (frag.errors == 0) Warn(binding, Warning::kFragmentErrorsZero, 0, ctx);
  if ((frag.errors & ~wb::kDefinedWanErrors) != 0) {
    Warn(binding, Warning::kFragmentUndefinedBits, frag.errors, ctx);
  }
  ++counters_.fragments;
  return Outcome{Action::kFragment, link, std::nullopt, {}};
}

Outcome Core::Tapi(size_t binding, PVOID buffer, UINT size) {
  const NDIS_STATUS st = NDIS_STATUS_TAPI_INDICATION;
  // WAN-100, WAN-102: the size the configured layout needs.
  const wb::Decoded<wb::TapiEvent> d =
      wb::DecodeTapiEvent(buffer, size, size, options_.tapi_layout);
  if (!d.ok()) return Reject(binding, st, RejectionFor(d.error()), size, 0);

  TapiEvent ev;
  ev.binding = binding;
  ev.ht_line = d->ht_line;
  ev.ht_call = d->ht_call;
  ev.msg = d->msg;
  ev.param1 = d->param1;
  ev.param2 = d->param2;
  ev.param3 = d->param3;

  const AdapterInfo* info = adapter(binding);
  if (info == nullptr || !info->tapi_provider) {
    return Reject(binding, st, Reason::kTapiNotProvider, size, ev.ht_line);  // WAN-095
  }
  // WAN-068: the decoder accepts the messages of concern; others are recorded.
  if (!IsLineMessage(ev.msg) && !IsCallMessage(ev.msg)) {
    return Reject(binding, st, Reason::kTapiUnknownMessage, size, ev.msg);
  }
  // WAN-061: htLine must be a line this adapter has open.
  TapiLine* line = FindLine(ev.ht_line);
  if (line == nullptr || !line->open || line->binding != binding) {
    return Reject(binding, st, Reason::kTapiUnknownLine, size, ev.ht_line);
  }

  if (ev.msg == LINE_NEWCALL) {
    // WAN-062: htCall = ulParam2 = 0 on the way in.
    if (ev.ht_call != 0 || ev.param2 != 0) {
      return Reject(binding, st, Reason::kTapiBadNewCall, size, ev.ht_call);
    }
    const HTAPI_CALL ht_call = NewCall(ev.ht_line, /*inbound=*/true);
    TapiCall& call = calls_[ht_call];
    call.hd_call = ev.param1;
    // WAN-062: NDISTAPI's htCall goes into ulParam2 before ProtocolStatus
    // returns; the only bytes written (WAN-103). NewCall's handles fit in
    // 32 bits, so the compat layout carries it unchanged.
    (void)wb::WriteTapiEventParam2(buffer, size, options_.tapi_layout, ht_call);
    ev.ht_call = ht_call;
    ev.param2 = ht_call;
  } else if (IsCallMessage(ev.msg) || (ev.msg == LINE_DEVSPECIFIC && ev.ht_call != 0)) {
    TapiCall* call = FindCall(ev.ht_call);
    if (call == nullptr || !call->live || call->ht_line != ev.ht_line) {
      return Reject(binding, st, Reason::kTapiUnknownCall, size, ev.ht_call);
    }
    if (ev.msg == LINE_CALLSTATE) {
      // WAN-066: ulParam1 = new state, ulParam2 = detail, ulParam3 = media mode.
      call->state = static_cast<ULONG>(ev.param1);
      call->state_detail = ev.param2;
      call->media_mode = ev.param3;
      call->states.push_back(call->state);
    }
  } else {
    if (ev.ht_call != 0) Warn(binding, Warning::kTapiLineEventWithCall, ev.ht_call, ev.ht_line);
    if (ev.msg == LINE_CLOSE) {
      // The miniport closed the line: its htLine is dead for later events.
      line->open = false;
      line->closed_by_miniport = true;
    }
  }
  ++counters_.tapi_events;
  Outcome o;
  o.action = Action::kTapiEvent;
  o.tapi = ev;
  return o;
}

Outcome Core::OnReceive(NDIS_HANDLE link_context, UINT packet_size) {
  seq_ = counters_.indications + counters_.receives;
  const uintptr_t ctx = reinterpret_cast<uintptr_t>(link_context);
  auto it = links_.find(ctx);
  if (it == links_.end() || it->second.state != LinkState::kUp) {
    return Reject(static_cast<size_t>(-1), 0, Reason::kUnknownLink, packet_size, ctx);  // WAN-101
  }
  ++it->second.receives;
  ++counters_.receives;
  return Outcome{Action::kReceive, &it->second, std::nullopt, {}};
}

Link* Core::FindLink(LinkContext c) {
  auto it = links_.find(c.value);
  return it == links_.end() ? nullptr : &it->second;
}

Link* Core::FindLinkByUpper(UpperLinkId id) {
  for (auto& [c, link] : links_) {
    if (link.upper == id) return &link;
  }
  return nullptr;
}

Link* Core::FindLinkForCall(HTAPI_CALL ht_call) {
  for (auto& [c, link] : links_) {
    if (link.state == LinkState::kUp &&
        reinterpret_cast<uintptr_t>(link.connection_wrapper_id) == ht_call) {
      return &link;
    }
  }
  return nullptr;
}

HTAPI_LINE Core::NewLine(size_t binding, ULONG device_id) {
  const HTAPI_LINE h = kLineBase | (uint64_t{options_.instance_tag} << 16) | next_line_++;
  TapiLine line;
  line.ht_line = h;
  line.binding = binding;
  line.device_id = device_id;
  lines_[h] = line;
  return h;
}

HTAPI_CALL Core::NewCall(HTAPI_LINE ht_line, bool inbound) {
  // Fits in 32 bits, so the compat-ULONG layout carries it unchanged.
  const HTAPI_CALL h = kCallBase | (uint64_t{options_.instance_tag} << 16) | next_call_++;
  TapiCall call;
  call.ht_call = h;
  call.ht_line = ht_line;
  call.inbound = inbound;
  calls_[h] = call;
  return h;
}

TapiLine* Core::FindLine(HTAPI_LINE h) {
  auto it = lines_.find(h);
  return it == lines_.end() ? nullptr : &it->second;
}

TapiCall* Core::FindCall(HTAPI_CALL h) {
  auto it = calls_.find(h);
  return it == calls_.end() ? nullptr : &it->second;
}

void Core::EraseLine(HTAPI_LINE h) { lines_.erase(h); }

// A member added to Core is restored below; this size (libstdc++, x86-64)
// is the reminder.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Core) == 512,
              "Core changed: restore the new member in RestoreFrom, then update the size");
#endif

void Core::RestoreFrom(const Core& earlier) {
  options_ = earlier.options_;
  adapters_ = earlier.adapters_;
  links_ = earlier.links_;
  lines_ = earlier.lines_;
  calls_ = earlier.calls_;
  next_link_ = earlier.next_link_;
  next_line_ = earlier.next_line_;
  next_call_ = earlier.next_call_;
  seq_ = earlier.seq_;
  counters_ = earlier.counters_;
  rejections_.RestoreFrom(earlier.rejections_);
  warnings_.RestoreFrom(earlier.warnings_);
}

}  // namespace ndisconf::drivers::wan
