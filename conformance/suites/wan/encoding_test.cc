// Conformance: the model's encoding and robustness policies for WAN status
// buffers (spec 5.18, all DERIVED; E-11): short and NULL buffers are refused
// unread, unknown link contexts are ignored and counted, NDIS_TAPI_EVENT is
// decoded with pointer-width parameters (a ULONG compatibility layout on
// request), and NdisMIndicateStatus writes back nothing but the two fields
// the spec allows.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstring>
#include <memory>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

namespace wan = ::ndisconf::drivers::wan;
using drivers::WanLinkSends;
using drivers::WanLowerBinding;
using drivers::WanRequestRecord;

class Encoding : public ConformanceTest {
 protected:
  // Deserialized: the test indicates from PASSIVE_LEVEL as the miniport.
  stack::WanTopology Topology() {
    drivers::WmpConfig c;
    c.deserialized = true;
    nic::SoftNicConfig nc;
    nc.channel_count = 1;
    stack::WanTopology t = WanTopology(c, {}, {}, nc);
    EXPECT_NE(t.nic, nullptr);
    return t;
  }

  void Indicate(const stack::WanTopology& t, NDIS_STATUS status, void* buffer, UINT size) {
    NDIS_HANDLE mh = t.wmp->adapter(0).handle;
    stack().As(t.wmp_id, [&] {
      NdisMIndicateStatus(mh, status, buffer, size);
      NdisMIndicateStatusComplete(mh);
      return 0;
    });
    stack().Settle();
  }

  HTAPI_LINE OpenLine(const stack::WanTopology& t) {
    HTAPI_LINE line = 0;
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
    return line;
  }
};

TEST_P(Encoding, TapiEventShorterThanItsStructIsRefusedWithoutReadingPastTheSize) {
  NDISCONF_RULES("WAN-100", "WAN-060");
  stack::WanTopology t = Topology();
  const HTAPI_LINE line = OpenLine(t);
  const wan::Counters before = t.ndiswan->counters();
  // Heap blocks of exactly the indicated size: a read past the end is an
  // ASan report, not a silent pass.
  auto event_bytes = std::make_unique<uint8_t[]>(sizeof(NDIS_TAPI_EVENT) - 1);
  std::memset(event_bytes.get(), 0, sizeof(NDIS_TAPI_EVENT) - 1);
  std::memcpy(event_bytes.get(), &line, sizeof(line));  // htLine
  const ULONG msg = LINE_CLOSE;
  std::memcpy(event_bytes.get() + offsetof(NDIS_TAPI_EVENT, ulMsg), &msg, sizeof(msg));
  Indicate(t, NDIS_STATUS_TAPI_INDICATION, event_bytes.get(), sizeof(NDIS_TAPI_EVENT) - 1);
  Indicate(t, NDIS_STATUS_TAPI_INDICATION, nullptr, sizeof(NDIS_TAPI_EVENT));
  const wan::Counters& now = t.ndiswan->counters();
  EXPECT_EQ(now.Rejected(wan::Reason::kShortBuffer),
            before.Rejected(wan::Reason::kShortBuffer) + 1);
  EXPECT_EQ(now.Rejected(wan::Reason::kNullBuffer), before.Rejected(wan::Reason::kNullBuffer) + 1);
  EXPECT_EQ(now.malformed(), before.malformed() + 2);
  EXPECT_EQ(now.tapi_events, before.tapi_events);
  EXPECT_TRUE(t.ndiswan->tapi_events().empty());
  EXPECT_TRUE(t.ndiswan->core().FindLine(line)->open);  // the LINE_CLOSE was not acted on
  const auto& rejections = t.ndiswan->core().rejections();
  ASSERT_GE(rejections.size(), 2u);
  const wan::Rejection& r = rejections[rejections.size() - 2];
  EXPECT_EQ(r.reason, wan::Reason::kShortBuffer);
  EXPECT_EQ(r.size, sizeof(NDIS_TAPI_EVENT) - 1);
  ExpectViolation("WAN-060");  // the monitor also holds the miniport to the size
}

TEST_P(Encoding, UnknownLinkContextsAreIgnoredCountedAndLeftUnwritten) {
  NDISCONF_RULES("WAN-101", "WAN-103");
  stack::WanTopology t = Topology();
  const wan::Counters before = t.ndiswan->counters();
  const size_t forwarded = t.ndiswan->forwarded().size();
  NDIS_MAC_LINE_DOWN down;
  down.NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(0x5157);
  NDIS_MAC_FRAGMENT frag;
  std::memset(&frag, 0xA5, sizeof(frag));  // padding too: nothing may change
  frag.NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(0x6262);
  frag.Errors = WAN_ERROR_CRC;
  const NDIS_MAC_LINE_DOWN down_copy = down;
  uint8_t frag_copy[sizeof(frag)];
  std::memcpy(frag_copy, &frag, sizeof(frag));
  Indicate(t, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  Indicate(t, NDIS_STATUS_WAN_FRAGMENT, &frag, sizeof(frag));
  uint8_t frame[4] = {1, 2, 3, 4};
  NDIS_HANDLE mh = t.wmp->adapter(0).handle;
  NDIS_STATUS rs = NDIS_STATUS_SUCCESS;
  stack().As(t.wmp_id, [&] {
    NdisMWanIndicateReceive(&rs, mh, reinterpret_cast<NDIS_HANDLE>(0x7373), frame, sizeof(frame));
    NdisMWanIndicateReceiveComplete(mh, reinterpret_cast<NDIS_HANDLE>(0x7373));
    return 0;
  });
  stack().Settle();
  const wan::Counters& now = t.ndiswan->counters();
  EXPECT_EQ(now.unknown_link(), before.unknown_link() + 3);
  EXPECT_EQ(now.line_downs, before.line_downs);
  EXPECT_EQ(now.fragments, before.fragments);
  EXPECT_EQ(now.receives, before.receives);
  EXPECT_EQ(t.ndiswan->forwarded().size(), forwarded);
  EXPECT_TRUE(t.ndiswan->core().links().empty());
  const auto& rj = t.ndiswan->core().rejections();
  ASSERT_GE(rj.size(), 3u);
  EXPECT_EQ(rj[rj.size() - 3].context, 0x5157u);
  EXPECT_EQ(rj[rj.size() - 2].context, 0x6262u);
  EXPECT_EQ(rj[rj.size() - 1].context, 0x7373u);
  for (size_t i = rj.size() - 3; i < rj.size(); ++i)
    EXPECT_EQ(rj[i].reason, wan::Reason::kUnknownLink);
  // Refused buffers come back byte for byte as they went in.
  EXPECT_EQ(std::memcmp(&down, &down_copy, sizeof(down)), 0);
  EXPECT_EQ(std::memcmp(&frag, frag_copy, sizeof(frag)), 0);
  // The scripted miniport names a context no line-up gave it: the
  // monitor reports WAN-025 (MUST) by default.
  ExpectViolation("WAN-025");
}

TEST_P(Encoding, NewCallWritesOnlyParam2AndTapiParamsArePointerWide) {
  NDISCONF_RULES("WAN-103", "WAN-102");
  stack::WanTopology t = Topology();
  const HTAPI_LINE line = OpenLine(t);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  NDIS_TAPI_EVENT e;
  std::memset(&e, 0, sizeof(e));
  e.htLine = line;
  e.ulMsg = LINE_NEWCALL;
  e.ulParam1 = 0x0000123400005678ull;  // an hdCall using the upper half
  uint8_t before[sizeof(e)];
  std::memcpy(before, &e, sizeof(e));
  Indicate(t, NDIS_STATUS_TAPI_INDICATION, &e, sizeof(e));
  const uint8_t* after = reinterpret_cast<const uint8_t*>(&e);
  const size_t p2 = offsetof(NDIS_TAPI_EVENT, ulParam2);
  for (size_t i = 0; i < sizeof(e); ++i) {
    if (i >= p2 && i < p2 + sizeof(ULONG_PTR)) continue;
    EXPECT_EQ(after[i], before[i]) << "byte " << i;
  }
  ASSERT_NE(e.ulParam2, 0u);  // NDISTAPI's htCall
  const HTAPI_CALL call = e.ulParam2;
  ASSERT_EQ(t.ndiswan->tapi_events().size(), 1u);
  // ULONG_PTR decoding: the full 64-bit hdCall arrived.
  EXPECT_EQ(t.ndiswan->tapi_events()[0].param1, 0x0000123400005678ull);
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->hd_call, 0x0000123400005678ull);
  // A LINE_CALLSTATE for the call: nothing is written back at all.
  NDIS_TAPI_EVENT cs;
  std::memset(&cs, 0, sizeof(cs));
  cs.htLine = line;
  cs.htCall = call;
  cs.ulMsg = LINE_CALLSTATE;
  cs.ulParam1 = LINECALLSTATE_OFFERING;
  cs.ulParam3 = LINEMEDIAMODE_DIGITALDATA;
  uint8_t cs_before[sizeof(cs)];
  std::memcpy(cs_before, &cs, sizeof(cs));
  Indicate(t, NDIS_STATUS_TAPI_INDICATION, &cs, sizeof(cs));
  EXPECT_EQ(std::memcmp(&cs, cs_before, sizeof(cs)), 0);
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_OFFERING));
}

TEST_P(Encoding, CompatUlongLayoutDecodes32ByteEventsWhenConfigured) {
  NDISCONF_RULES("WAN-102");
  // NDISWAN's decoder on its own (no miniport can produce both layouts).
  for (const wan::TapiLayout layout : {wan::TapiLayout::kUlongPtr, wan::TapiLayout::kCompatUlong}) {
    wan::Core core(wan::CoreOptions{false, layout, 1});
    wan::AdapterInfo info;
    info.tapi_provider = true;
    core.SetAdapter(0, info);
    const HTAPI_LINE line = core.NewLine(0, 0);
    core.FindLine(line)->open = true;
    // The MinGW / NT4 layout: ULONG params at 20/24/28, 32 bytes in all.
    uint8_t compat[32] = {};
    std::memcpy(compat, &line, sizeof(line));
    const ULONG msg = LINE_NEWCALL, hd = 0x77;
    std::memcpy(compat + 16, &msg, sizeof(msg));
    std::memcpy(compat + 20, &hd, sizeof(hd));
    auto heap = std::make_unique<uint8_t[]>(sizeof(compat));
    std::memcpy(heap.get(), compat, sizeof(compat));
    const wan::Outcome o =
        core.OnStatus(0, NDIS_STATUS_TAPI_INDICATION, heap.get(), sizeof(compat));
    if (layout == wan::TapiLayout::kUlongPtr) {
      // Too short for the pointer-width struct: refused, untouched.
      ASSERT_TRUE(o.rejected.has_value());
      EXPECT_EQ(*o.rejected, wan::Reason::kShortBuffer);
      EXPECT_EQ(std::memcmp(heap.get(), compat, sizeof(compat)), 0);
    } else {
      ASSERT_FALSE(o.rejected.has_value());
      EXPECT_EQ(o.action, wan::Action::kTapiEvent);
      EXPECT_EQ(o.tapi.param1, 0x77u);
      ULONG written = 0;
      std::memcpy(&written, heap.get() + 24, sizeof(written));  // ulParam2, ULONG wide
      EXPECT_EQ(written, static_cast<ULONG>(o.tapi.ht_call));
      EXPECT_NE(written, 0u);
      EXPECT_EQ(std::memcmp(heap.get() + 28, compat + 28, 4), 0);  // ulParam3 untouched
    }
  }
}

NDISCONF_INSTANTIATE(Encoding);

}  // namespace
}  // namespace ndisconf::conformance
