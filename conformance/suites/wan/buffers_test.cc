// Conformance: status buffers of every wrong shape (spec 5.11-5.14 with the
// model policies of 5.18, OQ-22, OQ-25 and exceptions.md E-11).
//
// A test-local WAN miniport (ScriptedWmp: the reference WMP plus a script of
// raw indications) makes each bad indication from its DPC, through the real
// NDIS path (MiniportISR -> MiniportHandleInterrupt -> NdisMIndicateStatus ->
// NDISWAN's ProtocolStatus). Each gets NDISWAN's documented (or spec-default)
// result, recorded with its reason; counters stay exact; nothing reaches the
// protocol above unless it is accepted. Each buffer is a heap block of
// exactly StatusBufferSize bytes, so a read past it fails under ASan.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndiswan.h>

#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/suites/wan/scripted_wmp.h"

namespace ndisconf::conformance {
namespace {

using drivers::WmpConfig;
using drivers::wan::Reason;
using drivers::wan::Warning;

// A status buffer of exactly `size` bytes holding the first `size` bytes of
// `image` (zero beyond it).
class HeapBuffer {
 public:
  template <class T>
  HeapBuffer(const T& image, UINT size) : size_(size), bytes_(new uint8_t[size]) {
    std::memset(bytes_.get(), 0, size);
    std::memcpy(bytes_.get(), &image, std::min<size_t>(size, sizeof(T)));
  }
  PVOID data() { return bytes_.get(); }
  UINT size() const { return size_; }

 private:
  UINT size_;
  std::unique_ptr<uint8_t[]> bytes_;
};

NDIS_HANDLE H(uintptr_t v) { return reinterpret_cast<NDIS_HANDLE>(v); }

class BadStatusBuffer : public ConformanceTest {
 protected:
  // The WAN topology with ScriptedWmp in place of the implementation's WMP
  // (NDISWAN and the protocol stay the implementation's).
  stack::WanTopology Topology(const drivers::NdiswanConfig& ndiswan = {}) {
    stack::Stack& s = NewStack();
    stack::WanTopologyParts parts;
    parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
      WmpConfig c;
      c.nics = {&n};
      c.raise_interrupt = std::move(raise);
      return std::make_unique<ScriptedWmp>(c);
    };
    parts.ndiswan = [&] { return conformance::MakeNdiswan(impl(), ndiswan); };
    parts.proto = [&] { return conformance::MakeWanProto(impl(), {}); };
    stack::WanTopology t = stack::BuildWanTopology(s, parts);
    EXPECT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
    return t;
  }
  ScriptedWmp& Script(const stack::WanTopology& t) { return *static_cast<ScriptedWmp*>(t.wmp); }

  // Runs the WMP's DPC once (the NIC's interrupt line) with what is queued.
  void RunDpc(const stack::WanTopology& t) {
    model().RaiseInterrupt(t.lower);
    stack().Settle();
  }

  // W1 steps 2-6: one outbound call with its link up. Returns the link.
  const drivers::wan::Link* Connect(const stack::WanTopology& t, HTAPI_CALL* call) {
    HTAPI_LINE line = 0;
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->MakeCall(line, "5551234", call); }),
              NDIS_STATUS_FAILURE);
    Pump(t, 10);
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->GetCallId(*call); }), NDIS_STATUS_FAILURE);
    Pump(t, 2);
    return t.ndiswan->core().FindLinkForCall(*call);
  }
};

TEST_P(BadStatusBuffer, NullBufferWithNonZeroSizeIsRejectedForEachLinkStatus) {
  NDISCONF_RULES("WAN-020", "WAN-040", "WAN-050", "WAN-100");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const uint64_t proto_before = t.proto->counters().indications;
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, nullptr, sizeof(NDIS_MAC_LINE_UP)});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, nullptr, sizeof(NDIS_MAC_LINE_DOWN)});
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, nullptr, sizeof(NDIS_MAC_FRAGMENT)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.indications, before.indications + 3);
  EXPECT_EQ(c.Rejected(Reason::kNullBuffer), before.Rejected(Reason::kNullBuffer) + 3);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + 3);
  EXPECT_EQ(c.malformed(), before.malformed() + 3);
  EXPECT_EQ(c.status_completes, before.status_completes + 1);
  ASSERT_GE(t.ndiswan->core().rejections().size(), 3u);
  const auto& last = t.ndiswan->core().rejections().back();
  EXPECT_EQ(last.general_status, NDIS_STATUS_WAN_FRAGMENT);
  EXPECT_EQ(last.reason, Reason::kNullBuffer);
  EXPECT_EQ(last.size, sizeof(NDIS_MAC_FRAGMENT));
  EXPECT_TRUE(t.ndiswan->forwarded().empty());
  EXPECT_EQ(t.proto->counters().indications, proto_before);
  // The monitor reports each as the WMP's size obligation.
  ExpectViolation("WAN-020");
  ExpectViolation("WAN-040");
  ExpectViolation("WAN-050");
}

TEST_P(BadStatusBuffer, EverySizeFromZeroToPastTheStructureIsJudgedBySizeAlone) {
  NDISCONF_RULES("WAN-020", "WAN-040", "WAN-050", "WAN-100", "WAN-101");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  std::vector<std::unique_ptr<HeapBuffer>> keep;
  auto sizes = [](UINT abi) {
    std::vector<UINT> v;
    for (UINT s = 0; s <= abi + 1; ++s) v.push_back(s);
    v.push_back(4096);
    return v;
  };
  uint64_t short_expected = 0, unknown_expected = 0, up_expected = 0;
  for (UINT size : sizes(sizeof(NDIS_MAC_LINE_UP))) {
    NDIS_MAC_LINE_UP up{};
    up.LinkSpeed = 640;
    up.Quality = NdisWanReliable;
    up.NdisLinkHandle = H(0x1000 + size);  // a new link each time
    keep.push_back(std::make_unique<HeapBuffer>(up, size));
    Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, keep.back()->data(), size});
    (size < sizeof(NDIS_MAC_LINE_UP) ? short_expected : up_expected) += 1;
  }
  for (UINT size : sizes(sizeof(NDIS_MAC_LINE_DOWN))) {
    NDIS_MAC_LINE_DOWN down{H(0x5A5A0000 + size)};  // no link has it
    keep.push_back(std::make_unique<HeapBuffer>(down, size));
    Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, keep.back()->data(), size});
    (size < sizeof(NDIS_MAC_LINE_DOWN) ? short_expected : unknown_expected) += 1;
  }
  for (UINT size : sizes(sizeof(NDIS_MAC_FRAGMENT))) {
    NDIS_MAC_FRAGMENT frag{H(0x5A5B0000 + size), WAN_ERROR_CRC};
    keep.push_back(std::make_unique<HeapBuffer>(frag, size));
    Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, keep.back()->data(), size});
    (size < sizeof(NDIS_MAC_FRAGMENT) ? short_expected : unknown_expected) += 1;
  }
  ASSERT_EQ(short_expected, 64u);
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.indications, before.indications + keep.size());
  EXPECT_EQ(c.Rejected(Reason::kShortBuffer),
            before.Rejected(Reason::kShortBuffer) + short_expected);
  EXPECT_EQ(c.Rejected(Reason::kUnknownLink),
            before.Rejected(Reason::kUnknownLink) + unknown_expected);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + short_expected + unknown_expected);
  EXPECT_EQ(c.line_ups, before.line_ups + up_expected);
  EXPECT_EQ(c.fragments, before.fragments);
  EXPECT_EQ(c.line_downs, before.line_downs);
  // Only the accepted line-ups went up, each with a context written back.
  EXPECT_EQ(t.ndiswan->forwarded().size(), up_expected);
  EXPECT_EQ(t.proto->links().size(), up_expected);
  const size_t line_up_entries = sizes(sizeof(NDIS_MAC_LINE_UP)).size();
  for (size_t i = 0; i < line_up_entries; ++i) {
    if (keep[i]->size() < sizeof(NDIS_MAC_LINE_UP)) continue;
    NDIS_MAC_LINE_UP back;
    std::memcpy(&back, keep[i]->data(), sizeof(back));
    EXPECT_NE(back.NdisLinkContext, nullptr) << "line-up of size " << keep[i]->size();
  }
  ExpectViolation("WAN-020");
  ExpectViolation("WAN-040");
  ExpectViolation("WAN-050");
  // The scripted miniport names a context no line-up gave it: the
  // monitor reports WAN-025 (MUST) by default.
  ExpectViolation("WAN-025");
}

TEST_P(BadStatusBuffer, SizeValidForAnotherStatusIsShortForThisOne) {
  NDISCONF_RULES("WAN-020", "WAN-050", "WAN-100", "WAN-101");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  NDIS_MAC_LINE_UP up{};
  NDIS_MAC_FRAGMENT frag{H(0x77), WAN_ERROR_CRC};
  NDIS_MAC_LINE_DOWN down{H(0x78)};
  HeapBuffer up_as_down(up, sizeof(NDIS_MAC_LINE_DOWN));
  HeapBuffer up_as_frag(up, sizeof(NDIS_MAC_FRAGMENT));
  HeapBuffer frag_as_down(frag, sizeof(NDIS_MAC_LINE_DOWN));
  HeapBuffer down_as_up(down, sizeof(NDIS_MAC_LINE_UP));  // long enough: judged by content
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, up_as_down.data(), up_as_down.size()});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, up_as_frag.data(), up_as_frag.size()});
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, frag_as_down.data(), frag_as_down.size()});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, down_as_up.data(), down_as_up.size()});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.indications, before.indications + 4);
  EXPECT_EQ(c.Rejected(Reason::kShortBuffer), before.Rejected(Reason::kShortBuffer) + 3);
  EXPECT_EQ(c.Rejected(Reason::kUnknownLink), before.Rejected(Reason::kUnknownLink) + 1);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + 4);
  EXPECT_EQ(c.line_ups, before.line_ups);
  EXPECT_TRUE(t.ndiswan->forwarded().empty());
  ExpectViolation("WAN-020");
  ExpectViolation("WAN-050");
  // The scripted miniport names a context no line-up gave it: the
  // monitor reports WAN-025 (MUST) by default.
  ExpectViolation("WAN-025");
}

TEST_P(BadStatusBuffer, LineDownOrFragmentOnALinkThatNeverCameUpIsIgnoredAndCounted) {
  NDISCONF_RULES("WAN-052", "WAN-101");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  NDIS_MAC_LINE_DOWN down{H(0x77)};
  NDIS_MAC_FRAGMENT frag{H(0x77), WAN_ERROR_CRC};
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, &frag, sizeof(frag)});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.Rejected(Reason::kUnknownLink), before.Rejected(Reason::kUnknownLink) + 2);
  EXPECT_EQ(c.unknown_link(), before.unknown_link() + 2);
  EXPECT_EQ(c.fragments, before.fragments);  // not counted against any link
  EXPECT_EQ(c.line_downs, before.line_downs);
  EXPECT_TRUE(t.ndiswan->core().links().empty());
  EXPECT_TRUE(t.ndiswan->forwarded().empty());
  ASSERT_FALSE(t.ndiswan->core().rejections().empty());
  EXPECT_EQ(t.ndiswan->core().rejections().back().context, 0x77u);
  EXPECT_EQ(t.proto->counters().indications, 0u);
  // The scripted miniport names a context no line-up gave it: the
  // monitor reports WAN-025 (MUST) by default.
  ExpectViolation("WAN-025");
}

TEST_P(BadStatusBuffer, StaleOrUnknownLinkContextIsIgnoredCountedAndReported) {
  NDISCONF_RULES("WAN-043", "WAN-101");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::LinkContext stale = link->context;
  const NDIS_HANDLE handle = link->link_handle;
  ASSERT_EQ(t.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t, 3);
  const drivers::wan::Link* old = t.ndiswan->core().FindLink(stale);
  ASSERT_NE(old, nullptr);
  ASSERT_EQ(old->state, drivers::wan::LinkState::kDown);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const size_t forwarded = t.ndiswan->forwarded().size();
  const uint64_t proto_before = t.proto->counters().indications;

  NDIS_MAC_FRAGMENT stale_frag{stale.handle(), WAN_ERROR_CRC};
  NDIS_MAC_LINE_DOWN stale_down{stale.handle()};
  NDIS_MAC_LINE_UP stale_up{};
  stale_up.NdisLinkHandle = handle;
  stale_up.NdisLinkContext = stale.handle();
  NDIS_MAC_FRAGMENT unknown_frag{H(0xDEAD), WAN_ERROR_CRC};
  NDIS_MAC_LINE_UP unknown_up{};
  unknown_up.NdisLinkHandle = H(0xBEEF);
  unknown_up.NdisLinkContext = H(0xDEAD);
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, &stale_frag, sizeof(stale_frag)});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, &stale_down, sizeof(stale_down)});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &stale_up, sizeof(stale_up)});
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, &unknown_frag, sizeof(unknown_frag)});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &unknown_up, sizeof(unknown_up)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.indications, before.indications + 5);
  EXPECT_EQ(c.Rejected(Reason::kUnknownLink), before.Rejected(Reason::kUnknownLink) + 3);
  EXPECT_EQ(c.Rejected(Reason::kUnknownContext), before.Rejected(Reason::kUnknownContext) + 2);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + 5);
  EXPECT_EQ(c.fragments, before.fragments);
  EXPECT_EQ(c.line_downs, before.line_downs);
  EXPECT_EQ(c.line_up_updates, before.line_up_updates);
  EXPECT_EQ(old->fragments, 0u);
  EXPECT_EQ(old->state, drivers::wan::LinkState::kDown);
  // Buffers are left as they were (nothing accepted, nothing written back).
  EXPECT_EQ(unknown_up.NdisLinkContext, H(0xDEAD));
  EXPECT_EQ(stale_up.NdisLinkContext, stale.handle());
  EXPECT_EQ(t.ndiswan->forwarded().size(), forwarded);
  EXPECT_EQ(t.proto->counters().indications, proto_before);
  // The monitor names the WMP's use of a context after its line-down.
  ExpectViolation("WAN-043");
  // The scripted miniport names a context no line-up gave it: the
  // monitor reports WAN-025 (MUST) by default.
  ExpectViolation("WAN-025");
}

TEST_P(BadStatusBuffer, DuplicateInitialLineUpIsRefusedAndItsBufferLeftUntouched) {
  NDISCONF_RULES("WAN-021", "WAN-024", "WAN-025");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const size_t links = t.ndiswan->core().links().size();
  const size_t forwarded = t.ndiswan->forwarded().size();
  NDIS_MAC_LINE_UP again{};
  again.LinkSpeed = 640;
  again.ConnectionWrapperID = H(call);
  again.NdisLinkHandle = link->link_handle;  // still up
  again.NdisLinkContext = nullptr;
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &again, sizeof(again)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.Rejected(Reason::kDuplicateLineUp), before.Rejected(Reason::kDuplicateLineUp) + 1);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + 1);
  EXPECT_EQ(c.line_ups, before.line_ups);
  EXPECT_EQ(again.NdisLinkContext, nullptr);  // E-11: no second context
  EXPECT_EQ(t.ndiswan->core().links().size(), links);
  EXPECT_EQ(link->state, drivers::wan::LinkState::kUp);
  EXPECT_EQ(t.ndiswan->forwarded().size(), forwarded);
  // The monitor: a NULL context for a handle that is up (context not saved),
  // made outside OID_TAPI_GET_ID.
  ExpectViolation("WAN-025");
  ExpectViolation("WAN-021");
}

// A later line-up naming the live link's context with another NdisLinkHandle
// is no update of that link (spec 2.7 L4: both handles match; WAN-032):
// NDISWAN refuses it (E-11), so the SendWindow of 1 it asks for does not
// apply, and NDISWAN keeps sending within the link's window (WAN-031).
TEST_P(BadStatusBuffer, UpdateWithAnotherLinkHandleIsRefusedAndKeepsTheSendWindow) {
  NDISCONF_RULES("WAN-028", "WAN-031", "WAN-032");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const ULONG window = link->send_window;
  ASSERT_GE(window, 2u);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const size_t forwarded = t.ndiswan->forwarded().size();
  NDIS_MAC_LINE_UP other{};
  other.SendWindow = 1;
  other.ConnectionWrapperID = H(call);
  other.NdisLinkHandle = H(0x5959);
  other.NdisLinkContext = link->context.handle();
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &other, sizeof(other)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.Rejected(Reason::kLinkHandleMismatch),
            before.Rejected(Reason::kLinkHandleMismatch) + 1);
  EXPECT_EQ(c.line_up_updates, before.line_up_updates);
  EXPECT_EQ(link->send_window, window);
  EXPECT_EQ(t.ndiswan->forwarded().size(), forwarded);
  // Sends up to the link's own window are outstanding at once (the
  // monitor, which took the line-up as no update, accepts them).
  for (ULONG i = 0; i < window + 1; ++i)
    stack().As(t.proto_id, [&] { return t.proto->Send(0, link->upper, 40); });
  stack().Settle();
  Pump(t, 100);
  const drivers::WanLinkSends* st = t.ndiswan->sends(link->context);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->max_outstanding, window);
  EXPECT_EQ(st->completed, st->passed_down);
  ExpectViolation("WAN-028");
}

TEST_P(BadStatusBuffer, UndefinedOrEmptyErrorBitsAreWarnedYetCountedAndForwarded) {
  NDISCONF_RULES("WAN-051", "WAN-052", "WAN-053");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const drivers::WpLink* pl = t.proto->link(link->upper);
  ASSERT_NE(pl, nullptr);
  NDIS_MAC_FRAGMENT undefined{link->context.handle(), 0x40 | WAN_ERROR_CRC};
  NDIS_MAC_FRAGMENT empty{link->context.handle(), 0};
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, &undefined, sizeof(undefined)});
  Script(t).Queue({NDIS_STATUS_WAN_FRAGMENT, &empty, sizeof(empty)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(link->fragments, 2u);  // +1 per indication, whatever Errors holds
  EXPECT_EQ(c.fragments, before.fragments + 2);
  EXPECT_EQ(c.Warned(Warning::kFragmentUndefinedBits),
            before.Warned(Warning::kFragmentUndefinedBits) + 1);
  EXPECT_EQ(c.Warned(Warning::kFragmentErrorsZero),
            before.Warned(Warning::kFragmentErrorsZero) + 1);
  EXPECT_EQ(c.rejected_total(), before.rejected_total());
  EXPECT_EQ(link->fragment_errors_seen, 0x40u | WAN_ERROR_CRC);
  EXPECT_EQ(pl->fragments, 2u);
  ExpectViolation("WAN-051");
}

TEST_P(BadStatusBuffer, OutOfRangeQualityIsCarriedThroughByDefault) {
  NDISCONF_RULES("WAN-029", "WAN-030", "WAN-032");
  stack::WanTopology t = Topology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const ULONG speed = link->link_speed;
  NDIS_MAC_LINE_UP update{};
  update.LinkSpeed = 0;  // unchanged
  std::memset(&update.Quality, 0, sizeof(update.Quality));
  const ULONG seven = 7;
  std::memcpy(&update.Quality, &seven, sizeof(seven));
  update.ConnectionWrapperID = H(call);
  update.NdisLinkHandle = link->link_handle;
  update.NdisLinkContext = link->context.handle();
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &update, sizeof(update)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.line_up_updates, before.line_up_updates + 1);
  EXPECT_EQ(c.Warned(Warning::kQualityOutOfRange), before.Warned(Warning::kQualityOutOfRange) + 1);
  EXPECT_EQ(c.rejected_total(), before.rejected_total());
  EXPECT_EQ(link->quality, 7u);
  EXPECT_EQ(link->link_speed, speed);
  const drivers::WpLink* pl = t.proto->link(link->upper);
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->line_ups, 2u);
  EXPECT_EQ(pl->quality, 7u);
  EXPECT_EQ(pl->link_speed, speed);
}

TEST_P(BadStatusBuffer, OutOfRangeQualityIsRejectedByAStrictNdiswan) {
  NDISCONF_RULES("WAN-030");
  drivers::NdiswanConfig strict;
  strict.strict = true;
  stack::WanTopology t = Topology(strict);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  NDIS_MAC_LINE_UP update{};
  const ULONG three = 3;
  std::memcpy(&update.Quality, &three, sizeof(three));
  update.NdisLinkHandle = link->link_handle;
  update.NdisLinkContext = link->context.handle();
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &update, sizeof(update)});
  RunDpc(t);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.Rejected(Reason::kBadQuality), before.Rejected(Reason::kBadQuality) + 1);
  EXPECT_EQ(c.line_up_updates, before.line_up_updates);
  EXPECT_NE(link->quality, 3u);
}

NDISCONF_INSTANTIATE(BadStatusBuffer);

}  // namespace
}  // namespace ndisconf::conformance
