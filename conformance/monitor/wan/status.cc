// Rule family "status" (spec 5.11, WAN-001 ... WAN-011; 2.9): where and how
// a miniport may call NdisMIndicateStatus and NdisMIndicateStatusComplete
// (WAN-002/003/004), NDIS passes each indication to every open binding
// unchanged (WAN-001) and closes each bracket with one ProtocolStatusComplete
// per notified binding (WAN-010, WAN-011). This family owns the NDIS 5
// adapters, bindings and spin locks, and hands each WAN status to its own
// family: line_up, line_down_fragment, tapi_indication; buffers checks what
// came back.
#include "conformance/monitor/monitor_core.h"
#include "spec/wan_context.h"

namespace ndisconf::monitor {

using wan::Adapter;
using wan::Bind5;
using wan::Bytes;
using wan::IsWanStatus;
using wan::kBlob;
using wan::kDeserialize;
using wan::View;

namespace wan {
namespace {
constexpr Fn kStatusFns[] = {
    Fn::NdisMRegisterMiniport,
    Fn::MiniportInitialize,
    Fn::NdisMSetAttributesEx,
    Fn::MiniportHalt,
    Fn::MiniportISR,
    Fn::MiniportHandleInterrupt,
    Fn::NdisMIndicateStatus,
    Fn::NdisMIndicateStatusComplete,
    Fn::NdisOpenAdapter,
    Fn::ProtocolOpenAdapterComplete,
    Fn::NdisCloseAdapter,
    Fn::ProtocolCloseAdapterComplete,
    Fn::ProtocolStatus,
    Fn::ProtocolStatusComplete,
    Fn::NdisAllocateSpinLock,
    Fn::NdisFreeSpinLock,
    Fn::NdisAcquireSpinLock,
    Fn::NdisReleaseSpinLock,
    Fn::NdisDprAcquireSpinLock,
    Fn::NdisDprReleaseSpinLock,
};
}  // namespace
constinit const Monitor::State::Family kStatus = {"status", kStatusFns, &Monitor::State::StatusCall,
                                                  &Monitor::State::StatusReturn};
}  // namespace wan

void Monitor::State::StatusCall(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::NdisMRegisterMiniport: {
      wan::Driver& d = wan_drivers[e.actor];
      d.registered = true;
      d.wan_wrapper = a[2] != kNull && (a[2] & NDIS_USE_WAN_WRAPPER) != 0;
      d.major = a[1] != kNull ? static_cast<uint32_t>(a[1] >> 8) & 0xff : 0;
      // OQ-19 / WAN-095 under the NDIS-6-only scope: the NDIS 5.1 WAN
      // functions do not exist, so a WAN miniport registering is flagged.
      if (profile.wan_version_scope == Profile::WanVersionScope::kNdis6Only)
        Report(kW095Version, e.index, e.actor,
               "NdisMRegisterMiniport (NDIS " + std::to_string(d.major) +
                   ".x) under wan_version_scope ndis6 (OQ-19), where no NDIS 5 function exists");
      break;
    }
    case Fn::MiniportInitialize: {
      f.adapter = a[0];
      AdapterAt(a[0]).actor = e.actor;
      break;
    }
    case Fn::NdisMSetAttributesEx: {
      Adapter& ad = AdapterAt(a[0]);
      if (ad.actor == kNoActor) ad.actor = e.actor;
      ad.ctx = a[1];
      ad.attrs_known = true;
      ad.deserialized = a[2] != kNull && (a[2] & kDeserialize) != 0;
      wan_adapter_by_ctx[a[1]] = a[0];
      break;
    }
    case Fn::MiniportHalt:
    case Fn::MiniportISR:
    case Fn::MiniportHandleInterrupt:
      f.adapter = HandleByCtx(a[0]);
      break;
    case Fn::NdisMIndicateStatus:
      IndicateCall(e, a, f);
      break;
    case Fn::NdisMIndicateStatusComplete:
      StatusCompleteCall(e, f);
      break;
    case Fn::NdisOpenAdapter: {
      Bind5& b = binds[Key{a[1], e.actor}];
      b = Bind5{};
      if (const Frame* bind = Innermost(Fn::ProtocolBindAdapter, e.actor, false)) {
        b.has_name = true;
        b.device_name = bind->arg[1];
      }
      break;
    }
    case Fn::ProtocolOpenAdapterComplete: {
      auto it = binds.find(Key{a[0], e.actor});
      if (it == binds.end()) break;
      if (SlotStatus(a[1]) == NDIS_STATUS_SUCCESS)
        it->second.open = true;
      else
        binds.erase(it);
      break;
    }
    case Fn::ProtocolCloseAdapterComplete: {
      auto it = binds.find(Key{a[0], e.actor});
      if (it != binds.end()) {
        it->second.open = false;
        it->second.closed = true;
      }
      break;
    }
    case Fn::ProtocolStatus:
      ProtocolStatusCall(e, a);
      break;
    case Fn::NdisAllocateSpinLock:
    case Fn::NdisFreeSpinLock:
    case Fn::NdisAcquireSpinLock:
    case Fn::NdisReleaseSpinLock:
    case Fn::NdisDprAcquireSpinLock:
    case Fn::NdisDprReleaseSpinLock:
      SpinLockCall(e, a[0]);
      break;
    case Fn::ProtocolStatusComplete: {
      Frame* c = stack.size() >= 2 ? &stack[stack.size() - 2] : nullptr;
      if (c == nullptr || c->fn != Fn::NdisMIndicateStatusComplete || c->notified_overflow) break;
      const Key k{a[0], e.actor};
      uint8_t i = 0;
      while (i < c->nnotified && !(c->notified[i] == k)) ++i;
      if (i == c->nnotified)
        Report(kW011, e.index, a[0],
               "ProtocolStatusComplete to binding " + Hex(a[0]) +
                   ", which no indication of the bracket notified");
      else if (c->done[i])
        Report(kW011, e.index, a[0], "binding " + Hex(a[0]) + " got ProtocolStatusComplete twice");
      else
        c->done[i] = true;
      break;
    }
    default:
      break;
  }
}

void Monitor::State::StatusReturn(const Event& e, const uint64_t* a, Frame& f) {
  switch (e.fn) {
    case Fn::MiniportHalt:
      if (Adapter* ad = FindAdapter(f.adapter)) ad->halted = true;
      break;
    case Fn::NdisMIndicateStatus:
      IndicateReturn(e, a, f);
      break;
    case Fn::NdisMIndicateStatusComplete:
      StatusCompleteReturn(e, f);
      break;
    case Fn::NdisOpenAdapter: {
      auto it = binds.find(Key{f.arg[1], e.actor});
      if (it == binds.end()) break;
      if (e.status == NDIS_STATUS_SUCCESS) {
        it->second.open = true;
        it->second.handle = a[0];
        bind_by_handle[a[0]] = Key{f.arg[1], e.actor};
      } else if (e.status == NDIS_STATUS_PENDING) {
        it->second.handle = a[0];
        if (a[0] != 0) bind_by_handle[a[0]] = Key{f.arg[1], e.actor};
      } else {
        binds.erase(it);
      }
      break;
    }
    case Fn::NdisCloseAdapter: {
      if (e.status != NDIS_STATUS_SUCCESS) break;
      auto h = bind_by_handle.find(f.arg[0]);
      if (h == bind_by_handle.end()) break;
      auto it = binds.find(h->second);
      if (it != binds.end()) {
        it->second.open = false;
        it->second.closed = true;
      }
      break;
    }
    case Fn::ProtocolStatus:
      ProtocolStatusReturn(e, a);
      break;
    default:
      break;
  }
}

// WAN-002 / WAN-003 / WAN-004: where and at which IRQL
// NdisMIndicateStatus(Complete) may be called. The monitor describes the
// caller's context from its own shadow state (frames, locks, attributes);
// the rules themselves are spec/wan_context.h's.
bool Monitor::State::StatusContext(const Event& e, uint64_t mh, const char* what) {
  const Adapter* ad = FindAdapter(mh);
  spec::wan::IndicationContext ctx;
  ctx.deserialized = ad != nullptr && ad->deserialized;
  // A trace that does not show NdisMSetAttributesEx leaves the IRQL rule of
  // a serialized miniport unchecked (OQ-27).
  ctx.serialization_known = ad != nullptr && ad->attrs_known;
  ctx.irql = e.irql;
  // The caller's open frames: inside MiniportISR, MiniportHalt or
  // MiniportInitialize.
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].actor != e.actor) continue;
    ctx.in_isr |= stack[i].fn == Fn::MiniportISR;
    ctx.in_halt |= stack[i].fn == Fn::MiniportHalt;
    ctx.in_initialize |= stack[i].fn == Fn::MiniportInitialize;
  }
  // The first spin lock the caller holds, for the report.
  uint64_t held_lock = 0;
  const wan::SpinLock* held = nullptr;
  if (e.actor < locks_held.size() && locks_held[e.actor] > 0) {
    for (const auto& [lock, l] : spin_locks) {
      if (!l.held || l.holder != e.actor) continue;
      held_lock = lock;
      held = &l;
      ctx.spin_locks_held = 1;
      break;
    }
  }
  const spec::wan::ContextViolations violations = spec::wan::CheckIndicationContext(ctx);
  for (const spec::wan::ContextViolation& v : violations) {
    switch (v.fault) {
      case spec::wan::ContextFault::kSpinLockHeld:
        Report(kW003, e.index, mh,
               std::string(what) + " called while the caller holds spin lock " + Hex(held_lock) +
                   " (acquired at event " + std::to_string(held->since) + ")");
        break;
      case spec::wan::ContextFault::kInIsr:
        Report(kW002, e.index, mh, std::string(what) + " called from MiniportISR");
        break;
      case spec::wan::ContextFault::kInHalt:
        Report(kW002, e.index, mh, std::string(what) + " called from MiniportHalt");
        break;
      case spec::wan::ContextFault::kInSerializedInitialize:
        Report(kW002, e.index, mh,
               std::string(what) + " called from MiniportInitialize of a serialized miniport");
        break;
      case spec::wan::ContextFault::kIrqlAboveDispatch:
        Report(kW004, e.index, mh,
               std::string(what) + " at IRQL " + std::to_string(e.irql) + ", above DISPATCH_LEVEL");
        break;
      case spec::wan::ContextFault::kSerializedNotAtDispatch:
        Report(kW004, e.index, mh,
               std::string(what) + " by a serialized miniport at IRQL " + std::to_string(e.irql) +
                   "; serialized callers run at DISPATCH_LEVEL (OQ-27)");
        break;
    }
  }
  return !violations.empty();
}

void Monitor::State::IndicateCall(const Event& e, const uint64_t* a, Frame& f) {
  const uint64_t mh = a[0];
  f.adapter = mh;
  f.gstatus = SlotStatus(a[1]);
  f.len = a[2];
  f.blob_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(Buf(f).blob, e.blob, f.blob_len);
  f.cur_len = f.blob_len;
  f.cur_is_blob = true;
  f.nnotified = 0;
  f.notified_overflow = false;
  f.upper = false;
  f.initial_line_up = f.newcall = f.newcall_asks = f.duplicate_line_up = false;
  f.up_handle = f.up_ht_call = f.newcall_hd_call = f.newcall_ht_line = 0;
  f.up_window = 0;
  f.p2_off = f.p2_size = 0;
  f.has_effect = f.effect_applied = false;
  f.effect_obj = 0;
  f.effect_value = 0;
  Adapter& ad = AdapterAt(mh);
  if (ad.actor == kNoActor) ad.actor = e.actor;
  f.context_violation = StatusContext(e, mh, "NdisMIndicateStatus");
  if (!ad.bracket_open) {
    ad.bracket_open = true;
    ad.bracket_since = e.index;
  }
  if (!IsWanStatus(f.gstatus)) return;
  if (ad.actor != kNoActor && BoundBelow(ad.actor)) {
    f.upper = true;
    return UpperIndicateCall(e, f);
  }

  // WAN-095 / OQ-19: who may indicate WAN status at all.
  auto d = wan_drivers.find(e.actor);
  if (d != wan_drivers.end() && d->second.registered) {
    if (!d->second.wan_wrapper)
      ReportWanWrapper(e, ad, mh,
                       "WAN status " + StHex(f.gstatus) +
                           " from a miniport registered without NDIS_USE_WAN_WRAPPER in Reserved");
    CheckWanVersionScope(e, ad, mh, f.gstatus, d->second);
  }

  const Bytes b = View(Buf(f).blob, f.blob_len, f.len);
  switch (f.gstatus) {
    case NDIS_STATUS_WAN_LINE_UP:
      return LineUpCall(e, ad, mh, b, f);
    case NDIS_STATUS_WAN_LINE_DOWN:
      return LineDownCall(e, mh, b, f);
    case NDIS_STATUS_WAN_FRAGMENT:
      return FragmentCall(e, mh, b, f);
    case NDIS_STATUS_TAPI_INDICATION:
      return TapiIndicationCall(e, ad, mh, b, f);
    default:
      return;
  }
}

// After NdisMIndicateStatus: what came back (buffers), whether every open
// binding was notified (WAN-001), and what the indication established (a
// link, a call).
void Monitor::State::IndicateReturn(const Event& e, const uint64_t* a, Frame& f) {
  const uint64_t mh = f.adapter;
  const Bytes after = View(e.blob, e.blob_len, a[0]);
  CheckBufferUnchanged(e, a, f);
  Adapter& ad = AdapterAt(mh);
  // Nothing notified: whether a binding to the adapter is open (known once
  // a ProtocolStatus showed the adapter's DeviceName).
  bool bound = false;
  if (f.nnotified == 0 && ad.has_name)
    for (const auto& [k, b] : binds)
      bound |= b.open && b.has_name && b.device_name == ad.device_name;
  // The indication reached no binding: NDIS refused it (a context NDIS
  // refuses under the profile, or nothing delivered although a binding is
  // open), so it changed nothing NDISWAN or NDISTAPI knows. Otherwise (no
  // binding known, nothing refused) its effect applies now.
  if (f.has_effect && !f.effect_applied && f.nnotified == 0 && !f.notified_overflow &&
      !(bound || (profile.wan_context_violations_refused && f.context_violation)))
    ApplyIndication(f);
  // WAN-001: every open binding to the adapter was notified. None notified
  // although some are open: NDIS refused the call (profile), see
  // wan_context_violations_refused; the bracket it opened is void.
  if (ad.has_name && !f.notified_overflow) {
    const bool refused = f.nnotified == 0 && profile.wan_context_violations_refused && bound;
    if (refused && ad.bracket_open && ad.bracket_since == f.index && ad.nnotified == 0)
      ad.bracket_open = false;
    for (const auto& [k, b] : binds) {
      if (refused || !b.open || !b.has_name || b.device_name != ad.device_name) continue;
      bool got = false;
      for (uint8_t i = 0; i < f.nnotified; ++i) got |= f.notified[i] == k;
      if (!got)
        Report(kW001Every, e.index, k.v,
               "binding " + Hex(k.v) + " (actor " + std::to_string(k.w) +
                   ") to the adapter got no ProtocolStatus for status " + StHex(f.gstatus));
    }
  }
  if (f.initial_line_up) return LineUpReturn(e, ad, after, f);
  if (f.newcall) return NewCallReturn(e, mh, after, f);
}

void Monitor::State::ProtocolStatusCall(const Event& e, const uint64_t* a) {
  // The frame below the ProtocolStatus just pushed.
  Frame* ind = stack.size() >= 2 ? &stack[stack.size() - 2] : nullptr;
  if (ind == nullptr || ind->fn != Fn::NdisMIndicateStatus) return;
  // NDIS passed the indication on: NDISWAN (or NDISTAPI) learns it now.
  ApplyIndication(*ind);
  const Key k{a[0], e.actor};
  const int32_t gs = SlotStatus(a[1]);
  if (gs != ind->gstatus || a[2] != ind->len) {
    Report(kW001Forward, e.index, a[0],
           "ProtocolStatus got status " + StHex(gs) + " size " + std::to_string(a[2]) +
               "; the miniport indicated " + StHex(ind->gstatus) + " size " +
               std::to_string(ind->len));
  } else {
    const size_t n = std::min<size_t>(e.blob_len, kBlob);
    if (n != ind->cur_len || std::memcmp(e.blob, Cur(*ind), n) != 0)
      Report(kW001Forward, e.index, a[0],
             "ProtocolStatus got StatusBuffer bytes other than the miniport's for status " +
                 StHex(gs));
  }
  for (uint8_t i = 0; i < ind->nnotified; ++i)
    if (ind->notified[i] == k)
      Report(kW001Forward, e.index, a[0],
             "binding " + Hex(a[0]) + " got ProtocolStatus twice for one NdisMIndicateStatus");
  auto b = binds.find(k);
  if (b != binds.end() && b->second.closed)
    Report(kW001Forward, e.index, a[0],
           "ProtocolStatus to binding " + Hex(a[0]) + " after it was closed");
  if (ind->nnotified < 8)
    ind->notified[ind->nnotified++] = k;
  else
    ind->notified_overflow = true;
  Adapter& ad = AdapterAt(ind->adapter);
  if (b != binds.end() && b->second.has_name && !ad.has_name) {
    ad.has_name = true;
    ad.device_name = b->second.device_name;
  }
  bool in_bracket = false;
  for (uint8_t i = 0; i < ad.nnotified; ++i) in_bracket |= ad.notified[i] == k;
  if (!in_bracket) {
    if (ad.nnotified < 8)
      ad.notified[ad.nnotified++] = k;
    else
      ad.notified_overflow = true;
  }
}

void Monitor::State::ApplyIndication(Frame& f) {
  if (!f.has_effect || f.effect_applied) return;
  f.effect_applied = true;
  switch (f.gstatus) {
    case NDIS_STATUS_WAN_LINE_UP:
      return LineUpdateApply(f);
    case NDIS_STATUS_WAN_LINE_DOWN:
      return LineDownApply(f);
    case NDIS_STATUS_WAN_FRAGMENT:
      return FragmentApply(f);
    case NDIS_STATUS_TAPI_INDICATION:
      return CallStateApply(f);
    default:
      return;
  }
}

void Monitor::State::ProtocolStatusReturn(const Event& e, const uint64_t* a) {
  Frame* ind = Top();  // the ProtocolStatus frame is popped already
  if (ind == nullptr || ind->fn != Fn::NdisMIndicateStatus) return;
  (void)a;
  // What this protocol wrote back is what the next one sees.
  ind->cur_len = static_cast<uint16_t>(std::min<size_t>(e.blob_len, kBlob));
  std::memcpy(Buf(*ind).cur, e.blob, ind->cur_len);
  ind->cur_is_blob = false;
}

void Monitor::State::StatusCompleteCall(const Event& e, Frame& f) {
  const uint64_t mh = f.arg[0];
  f.adapter = mh;
  StatusContext(e, mh, "NdisMIndicateStatusComplete");
  Adapter& ad = AdapterAt(mh);
  // The bindings notified since the last complete; an indication made from
  // ProtocolStatusComplete opens the next bracket (WAN-012).
  f.nnotified = ad.nnotified;
  f.notified_overflow = ad.notified_overflow;
  std::copy(ad.notified, ad.notified + ad.nnotified, f.notified);
  std::fill(f.done, f.done + 8, false);
  ad.nnotified = 0;
  ad.notified_overflow = false;
  ad.bracket_open = false;
}

void Monitor::State::StatusCompleteReturn(const Event& e, Frame& f) {
  if (f.notified_overflow) return;
  for (uint8_t i = 0; i < f.nnotified; ++i) {
    if (f.done[i]) continue;
    auto b = binds.find(f.notified[i]);
    if (b != binds.end() && !b->second.open) continue;  // closed since
    Report(kW011, e.index, f.notified[i].v,
           "binding " + Hex(f.notified[i].v) + " was notified but got no ProtocolStatusComplete");
  }
}

// Spin locks (WAN-003): who holds which, since when.
void Monitor::State::SpinLockCall(const Event& e, uint64_t lock) {
  switch (e.fn) {
    case Fn::NdisAllocateSpinLock: {
      wan::SpinLock& l = spin_locks[lock];
      Unhold(l);  // re-initialized: whatever it was, it is free now
      l = wan::SpinLock{};
      break;
    }
    case Fn::NdisFreeSpinLock: {
      auto it = spin_locks.find(lock);
      if (it == spin_locks.end()) break;
      Unhold(it->second);
      spin_locks.erase(it);
      break;
    }
    case Fn::NdisAcquireSpinLock:
    case Fn::NdisDprAcquireSpinLock: {
      wan::SpinLock& l = spin_locks[lock];
      if (l.held) break;  // a second acquire would deadlock; the holder keeps it
      l = wan::SpinLock{true, e.actor, e.index};
      ++HeldBy(e.actor);
      break;
    }
    case Fn::NdisReleaseSpinLock:
    case Fn::NdisDprReleaseSpinLock: {
      auto it = spin_locks.find(lock);
      if (it != spin_locks.end()) Unhold(it->second);
      break;
    }
    default:
      break;
  }
}

uint32_t& Monitor::State::HeldBy(ActorId actor) {
  if (actor >= locks_held.size()) locks_held.resize(static_cast<size_t>(actor) + 1);
  return locks_held[actor];
}

void Monitor::State::Unhold(wan::SpinLock& l) {
  if (!l.held) return;
  l.held = false;
  --HeldBy(l.holder);
}

void Monitor::State::StatusFinish() {
  for (const auto& [mh, ad] : wan_adapters)
    if (ad.bracket_open)
      Report(kW010, ad.bracket_since, mh,
             "NdisMIndicateStatus on adapter " + Hex(mh) +
                 " was never followed by NdisMIndicateStatusComplete");
}

}  // namespace ndisconf::monitor
