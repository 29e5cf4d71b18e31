// Implementation of fake_ndis5.h: the <ndis.h> functions the reference WMP
// calls, over one FakeNdis5.
#include "reference/drivers/wmp/testing/fake_ndis5.h"

#include <cstdlib>
#include <cstring>

#include "spec/wan_buffers.h"
#include "spec/wan_context.h"

namespace ndisconf::drivers::testing {

namespace {
FakeNdis5* g_active = nullptr;
int g_wrapper_tag = 0;
constexpr KIRQL kDeviceIrql = 5;

std::vector<uint8_t> Bytes(const void* p, size_t n) {
  if (p == nullptr) return {};
  const auto* b = static_cast<const uint8_t*>(p);
  return std::vector<uint8_t>(b, b + n);
}

// WAN-002 / WAN-003 / WAN-004 as the fake sees the caller: it tracks the
// ISR, the IRQL and how many spin locks are held, not MiniportHalt or
// MiniportInitialize frames.
spec::wan::ContextViolations ContextViolationsOf(const FakeNdis5& f) {
  spec::wan::IndicationContext ctx;
  ctx.in_isr = f.in_isr;
  ctx.spin_locks_held = f.locks_held > 0 ? static_cast<uint32_t>(f.locks_held) : 0;
  ctx.deserialized = (f.attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE) != 0;
  ctx.irql = f.irql;
  return spec::wan::CheckIndicationContext(ctx);
}

// Runs `f` at `irql`, restoring the previous one.
template <class F>
auto AtIrql(FakeNdis5& f, KIRQL irql, F&& fn) {
  KIRQL old = f.irql;
  f.irql = irql;
  auto r = fn();
  f.irql = old;
  return r;
}
}  // namespace

FakeNdis5::FakeNdis5() { g_active = this; }
FakeNdis5::~FakeNdis5() {
  for (WorkItem* w : work) delete w;
  g_active = nullptr;
}
FakeNdis5* FakeNdis5::active() { return g_active; }

NDIS_STATUS FakeNdis5::Initialize(UINT* selected) {
  NDIS_MEDIUM media[] = {NdisMedium802_3, NdisMediumWan};
  UINT sel = 99;
  NDIS_STATUS open_error = 0;
  NDIS_STATUS s = AtIrql(*this, PASSIVE_LEVEL, [&] {
    return chars_.InitializeHandler(&open_error, &sel, media, 2, AdapterHandle(), &g_wrapper_tag);
  });
  if (selected != nullptr) *selected = sel;
  return s;
}

void FakeNdis5::RaiseInterrupt() {
  if (chars_.ISRHandler == nullptr || adapter_context_ == nullptr) return;
  BOOLEAN recognized = FALSE, queue = FALSE;
  KIRQL old = irql;
  bool old_isr = in_isr;
  irql = kDeviceIrql;
  in_isr = true;
  chars_.ISRHandler(&recognized, &queue, adapter_context_);
  in_isr = old_isr;
  irql = old;
  calls.push_back({.fn = "MiniportISR", .status = static_cast<NDIS_STATUS>(recognized)});
  if (recognized && queue) dpc_pending = true;
}

void FakeNdis5::Run() {
  for (int guard = 0; guard < 100000; ++guard) {
    if (dpc_pending) {
      dpc_pending = false;
      AtIrql(*this, DISPATCH_LEVEL, [&] {
        chars_.HandleInterruptHandler(adapter_context_);
        return 0;
      });
      continue;
    }
    WorkItem* ready = nullptr;
    for (WorkItem* w : work) {
      if (w->queued) {
        ready = w;
        break;
      }
    }
    if (ready == nullptr) return;
    ready->queued = false;
    AtIrql(*this, PASSIVE_LEVEL, [&] {
      ready->routine(ready->context, ready);
      return 0;
    });
  }
}

NDIS_STATUS FakeNdis5::Query(NDIS_OID oid, void* buf, ULONG len, ULONG* done, ULONG* needed) {
  static ULONG d, n;  // pended requests write them later: keep them alive
  ULONG* pd = done != nullptr ? done : &d;
  ULONG* pn = needed != nullptr ? needed : &n;
  KIRQL at = (attribute_flags_ & NDIS_ATTRIBUTE_DESERIALIZE) ? PASSIVE_LEVEL : DISPATCH_LEVEL;
  return AtIrql(*this, at, [&] {
    return chars_.QueryInformationHandler(adapter_context_, oid, buf, len, pd, pn);
  });
}

NDIS_STATUS FakeNdis5::Set(NDIS_OID oid, void* buf, ULONG len, ULONG* done, ULONG* needed) {
  static ULONG d, n;
  ULONG* pd = done != nullptr ? done : &d;
  ULONG* pn = needed != nullptr ? needed : &n;
  KIRQL at = (attribute_flags_ & NDIS_ATTRIBUTE_DESERIALIZE) ? PASSIVE_LEVEL : DISPATCH_LEVEL;
  return AtIrql(*this, at, [&] {
    return chars_.SetInformationHandler(adapter_context_, oid, buf, len, pd, pn);
  });
}

NDIS_STATUS FakeNdis5::WanSend(NDIS_HANDLE link_handle, NDIS_WAN_PACKET* packet) {
  return AtIrql(*this, DISPATCH_LEVEL,
                [&] { return chars_.WanSendHandler(adapter_context_, link_handle, packet); });
}

void FakeNdis5::Halt() {
  AtIrql(*this, PASSIVE_LEVEL, [&] {
    chars_.HaltHandler(adapter_context_);
    return 0;
  });
}

std::vector<std::string> FakeNdis5::Names() const {
  std::vector<std::string> names;
  for (const FakeCall& c : calls) names.push_back(c.fn);
  return names;
}

std::vector<NDIS_TAPI_EVENT> FakeNdis5::TapiEvents() const {
  std::vector<NDIS_TAPI_EVENT> out;
  for (const FakeCall& c : calls) {
    if (c.fn != "NdisMIndicateStatus" || c.status != NDIS_STATUS_TAPI_INDICATION) continue;
    NDIS_TAPI_EVENT e;
    if (c.out.size() < sizeof(e)) continue;  // not a whole NDIS_TAPI_EVENT
    std::memcpy(&e, c.out.data(), sizeof(e));
    out.push_back(e);
  }
  return out;
}

std::vector<ULONG_PTR> FakeNdis5::CallStates() const {
  std::vector<ULONG_PTR> out;
  for (const NDIS_TAPI_EVENT& e : TapiEvents()) {
    if (e.ulMsg == LINE_CALLSTATE) out.push_back(e.ulParam1);
  }
  return out;
}

std::vector<NDIS_MAC_LINE_UP> FakeNdis5::LineUps() const {
  std::vector<NDIS_MAC_LINE_UP> out;
  for (const FakeCall& c : calls) {
    if (c.fn != "NdisMIndicateStatus" || c.status != NDIS_STATUS_WAN_LINE_UP) continue;
    NDIS_MAC_LINE_UP u;
    if (c.out.size() < sizeof(u)) continue;  // not a whole NDIS_MAC_LINE_UP
    std::memcpy(&u, c.out.data(), sizeof(u));
    out.push_back(u);
  }
  return out;
}

}  // namespace ndisconf::drivers::testing

using ndisconf::drivers::testing::FakeCall;
using ndisconf::drivers::testing::FakeNdis5;

extern "C" {

VOID NdisMInitializeWrapper(PNDIS_HANDLE h, PVOID, PVOID, PVOID) {
  *h = &ndisconf::drivers::testing::g_wrapper_tag;
}

NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE, PNDIS_MINIPORT_CHARACTERISTICS c, UINT len) {
  FakeNdis5* f = FakeNdis5::active();
  if (f == nullptr || c == nullptr || len < sizeof(*c)) return NDIS_STATUS_BAD_CHARACTERISTICS;
  f->chars_ = *c;
  f->registered_ = true;
  return NDIS_STATUS_SUCCESS;
}

VOID NdisMSetAttributesEx(NDIS_HANDLE, NDIS_HANDLE ctx, UINT, ULONG flags, NDIS_INTERFACE_TYPE) {
  FakeNdis5* f = FakeNdis5::active();
  f->adapter_context_ = ctx;
  f->attribute_flags_ = flags;
}

NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT, NDIS_HANDLE, UINT, UINT, BOOLEAN,
                                   BOOLEAN, NDIS_INTERRUPT_MODE) {
  return NDIS_STATUS_SUCCESS;
}
VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT) {}

VOID NdisMIndicateStatus(NDIS_HANDLE h, NDIS_STATUS status, PVOID buf, UINT size) {
  FakeNdis5* f = FakeNdis5::active();
  FakeCall c{"NdisMIndicateStatus",
             status,
             ndisconf::drivers::testing::Bytes(buf, size),
             {},
             f->irql,
             f->in_isr,
             f->locks_held,
             h};
  // WAN-002, WAN-003, WAN-004.
  if (!ndisconf::drivers::testing::ContextViolationsOf(*f).empty()) ++f->violations;
  ++f->bracket_depth;
  namespace wb = ndisconf::spec::wan;
  // NDISWAN's write-back (WAN-024): a new context into an initial line-up.
  if (status == NDIS_STATUS_WAN_LINE_UP && f->next_link_context != 0) {
    const wb::Decoded<wb::MacLineUp> up = wb::DecodeMacLineUp(buf, size, size);
    if (up.ok() && up->link_context == 0 &&
        wb::WriteMacLineUpLinkContext(buf, size, f->next_link_context)) {
      f->next_link_context += 0x10;
    }
  }
  // NDISTAPI's write-back (WAN-062): its htCall into LINE_NEWCALL's ulParam2.
  if (status == NDIS_STATUS_TAPI_INDICATION && f->next_ht_call != 0) {
    const wb::Decoded<wb::TapiEvent> e =
        wb::DecodeTapiEvent(buf, size, size, wb::TapiEventLayout::kUlongPtr);
    if (e.ok() && e->msg == LINE_NEWCALL) {
      (void)wb::WriteTapiEventParam2(buf, size, wb::TapiEventLayout::kUlongPtr, f->next_ht_call++);
    }
  }
  c.out = ndisconf::drivers::testing::Bytes(buf, size);
  f->calls.push_back(c);
  if (f->on_status) f->on_status(f->calls.back());
}

VOID NdisMIndicateStatusComplete(NDIS_HANDLE) {
  FakeNdis5* f = FakeNdis5::active();
  // WAN-002 and WAN-003; the fake does not apply the IRQL rule to the complete.
  for (const ndisconf::spec::wan::ContextViolation& v :
       ndisconf::drivers::testing::ContextViolationsOf(*f)) {
    if (v.rule != ndisconf::spec::RuleId::kWAN004) {
      ++f->violations;
      break;
    }
  }
  f->bracket_depth = 0;
  f->calls.push_back({.fn = "NdisMIndicateStatusComplete"});
}

VOID NdisMQueryInformationComplete(NDIS_HANDLE, NDIS_STATUS s) {
  FakeNdis5* f = FakeNdis5::active();
  f->request_completions.push_back(s);
  f->calls.push_back({.fn = "NdisMQueryInformationComplete", .status = s});
}
VOID NdisMSetInformationComplete(NDIS_HANDLE, NDIS_STATUS s) {
  FakeNdis5* f = FakeNdis5::active();
  f->request_completions.push_back(s);
  f->calls.push_back({.fn = "NdisMSetInformationComplete", .status = s});
}

VOID NdisMWanSendComplete(NDIS_HANDLE, PNDIS_WAN_PACKET p, NDIS_STATUS s) {
  FakeNdis5* f = FakeNdis5::active();
  f->send_completions.emplace_back(p, s);
  f->calls.push_back({"NdisMWanSendComplete", s, {}, {}, f->irql, f->in_isr, f->locks_held, p});
  if (f->locks_held > 0) ++f->violations;
}

VOID NdisMWanIndicateReceive(PNDIS_STATUS s, NDIS_HANDLE, NDIS_HANDLE lc, PUCHAR p, ULONG n) {
  FakeNdis5* f = FakeNdis5::active();
  f->received.push_back(ndisconf::drivers::testing::Bytes(p, n));
  f->calls.push_back({"NdisMWanIndicateReceive", 0, {}, {}, f->irql, f->in_isr, f->locks_held, lc});
  *s = NDIS_STATUS_SUCCESS;
}
VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE, NDIS_HANDLE lc) {
  FakeNdis5::active()->calls.push_back(
      {"NdisMWanIndicateReceiveComplete", 0, {}, {}, 0, false, 0, lc});
}

NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE) {
  auto* w = new FakeNdis5::WorkItem();
  FakeNdis5::active()->work.push_back(w);
  return w;
}
VOID NdisQueueIoWorkItem(NDIS_HANDLE h, NDIS_IO_WORKITEM_ROUTINE r, PVOID ctx) {
  auto* w = static_cast<FakeNdis5::WorkItem*>(h);
  w->routine = r;
  w->context = ctx;
  w->queued = true;
}
VOID NdisFreeIoWorkItem(NDIS_HANDLE h) {
  FakeNdis5* f = FakeNdis5::active();
  auto* w = static_cast<FakeNdis5::WorkItem*>(h);
  std::erase(f->work, w);
  delete w;
}

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK l) { l->SpinLock = 0; }
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK) {}
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK l) {
  FakeNdis5* f = FakeNdis5::active();
  l->OldIrql = f->irql;
  f->irql = DISPATCH_LEVEL;
  ++f->locks_held;
}
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK l) {
  FakeNdis5* f = FakeNdis5::active();
  --f->locks_held;
  f->irql = l->OldIrql;
}
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK) { ++FakeNdis5::active()->locks_held; }
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK) { --FakeNdis5::active()->locks_held; }
KIRQL NdisGetCurrentIrql(VOID) { return FakeNdis5::active()->irql; }

}  // extern "C"
