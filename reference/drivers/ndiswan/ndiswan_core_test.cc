// Unit tests of NDISWAN's status-buffer validation (wan::Core), driven with
// raw buffers: every wrong shape is rejected with its exact reason and
// nothing else changes; accepted indications write back only what WAN-103
// allows. Buffers are heap blocks of exactly StatusBufferSize bytes, so an
// over-read fails under --config=asan.
#include "reference/drivers/ndiswan/ndiswan_core.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace ndisconf::drivers::wan {
namespace {

NDIS_HANDLE H(uintptr_t v) { return reinterpret_cast<NDIS_HANDLE>(v); }

// A heap buffer of exactly `size` bytes holding (a prefix of) `value`,
// padded with a sentinel.
template <class T>
std::vector<uint8_t> Bytes(const T& value, size_t size, uint8_t fill = 0xA5) {
  std::vector<uint8_t> b(size, fill);
  std::memcpy(b.data(), &value, std::min(size, sizeof(T)));
  return b;
}

NDIS_MAC_LINE_UP LineUp(uintptr_t link_handle, uintptr_t context = 0, ULONG speed = 0,
                        USHORT window = 0, ULONG quality = NdisWanErrorControl,
                        uintptr_t cwid = 0x7C010001) {
  NDIS_MAC_LINE_UP up;
  std::memset(&up, 0, sizeof(up));
  up.LinkSpeed = speed;
  // Through bytes: an out-of-range value must not be formed as an enum.
  std::memcpy(reinterpret_cast<uint8_t*>(&up) + offsetof(NDIS_MAC_LINE_UP, Quality), &quality,
              sizeof(quality));
  up.SendWindow = window;
  up.ConnectionWrapperID = H(cwid);
  up.NdisLinkHandle = H(link_handle);
  up.NdisLinkContext = H(context);
  return up;
}

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AdapterInfo info;
    info.max_transmit = 4;
    info.max_frame_size = 1500;
    info.link_speed_baseline = 640;
    info.tapi_provider = true;
    core_.SetAdapter(0, info);
    core_.SetAdapter(1, info);
  }

  // An accepted initial line-up on `binding`; returns the context written.
  LinkContext Up(uintptr_t link_handle, size_t binding = 0, ULONG speed = 0, USHORT window = 0) {
    auto buf = Bytes(LineUp(link_handle, 0, speed, window), sizeof(NDIS_MAC_LINE_UP));
    Outcome o = core_.OnStatus(binding, NDIS_STATUS_WAN_LINE_UP, buf.data(), buf.size());
    EXPECT_EQ(o.action, Action::kLineUp);
    NDIS_MAC_LINE_UP after;
    std::memcpy(&after, buf.data(), sizeof(after));
    return LinkContext{reinterpret_cast<uintptr_t>(after.NdisLinkContext)};
  }

  Outcome Status(NDIS_STATUS st, std::vector<uint8_t>& buf, size_t binding = 0) {
    return core_.OnStatus(binding, st, buf.empty() ? nullptr : buf.data(),
                          static_cast<UINT>(buf.size()));
  }

  // Counters as they should be after one more rejected indication.
  Counters AfterReject(Counters c, Reason r) {
    ++c.indications;
    ++c.rejected[static_cast<size_t>(r)];
    return c;
  }

  HTAPI_LINE OpenLine(size_t binding = 0) {
    HTAPI_LINE h = core_.NewLine(binding, 0);
    core_.FindLine(h)->open = true;
    core_.FindLine(h)->hd_line = 0x51;
    return h;
  }

  Core core_;
};

// ---- Line-up (WAN-020..032, WAN-100, WAN-103, OQ-25) ----

TEST_F(CoreTest, InitialLineUpWritesUniqueContextAndNoOtherByte) {
  // Checks WAN-024, WAN-103.
  const NDIS_MAC_LINE_UP in = LineUp(0x11, 0, 1000, 3);
  auto buf = Bytes(in, sizeof(in));
  const std::vector<uint8_t> before = buf;
  Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
  ASSERT_EQ(o.action, Action::kLineUp);
  ASSERT_NE(o.link, nullptr);
  const size_t ctx_off = offsetof(NDIS_MAC_LINE_UP, NdisLinkContext);
  for (size_t i = 0; i < buf.size(); ++i) {
    if (i >= ctx_off && i < ctx_off + sizeof(NDIS_HANDLE)) continue;
    EXPECT_EQ(buf[i], before[i]) << "byte " << i;
  }
  NDIS_HANDLE written;
  std::memcpy(&written, buf.data() + ctx_off, sizeof(written));
  EXPECT_NE(written, nullptr);
  EXPECT_EQ(written, o.link->context.handle());
  EXPECT_EQ(o.link->link_handle, H(0x11));                  // WAN-028
  EXPECT_EQ(o.link->connection_wrapper_id, H(0x7C010001));  // WAN-027
  EXPECT_EQ(o.link->link_speed, 1000u);
  EXPECT_EQ(o.link->send_window, 3u);
  EXPECT_EQ(core_.counters().line_ups, 1u);
  EXPECT_EQ(core_.counters().rejected_total(), 0u);
}

TEST_F(CoreTest, InitialLineUpsForDistinctHandlesGetDistinctContexts) {
  // Checks WAN-024.
  LinkContext a = Up(0x11), b = Up(0x12), c = Up(0x13, /*binding=*/1);
  EXPECT_NE(a.value, 0u);
  EXPECT_NE(a.value, b.value);
  EXPECT_NE(b.value, c.value);
  EXPECT_NE(a.value, c.value);
  EXPECT_EQ(core_.counters().line_ups, 3u);
}

TEST_F(CoreTest, InitialLineUpZeroSpeedAndWindowUseAdapterDefaults) {
  // Checks WAN-029, WAN-031.
  LinkContext c = Up(0x11, 0, /*speed=*/0, /*window=*/0);
  const Link* l = core_.FindLink(c);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->link_speed, 640u);  // OID_GEN_LINK_SPEED baseline
  EXPECT_EQ(l->send_window, 4u);   // NDIS_WAN_INFO.MaxTransmit
}

TEST_F(CoreTest, LineUpNullBufferWithNonZeroSizeIsMalformedNullBuffer) {
  const Counters before = core_.counters();
  Outcome o = core_.OnStatus(0, NDIS_STATUS_WAN_LINE_UP, nullptr, sizeof(NDIS_MAC_LINE_UP));
  EXPECT_EQ(o.action, Action::kNone);
  EXPECT_EQ(o.rejected, Reason::kNullBuffer);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kNullBuffer));
  EXPECT_EQ(core_.counters().malformed(), 1u);
  ASSERT_EQ(core_.rejections().size(), 1u);
  EXPECT_EQ(core_.rejections()[0].size, sizeof(NDIS_MAC_LINE_UP));
  EXPECT_TRUE(core_.links().empty());
}

TEST_F(CoreTest, EveryWanStatusWithNullBufferIsRejectedAsNullBuffer) {
  for (NDIS_STATUS st : {NDIS_STATUS_WAN_LINE_UP, NDIS_STATUS_WAN_LINE_DOWN,
                         NDIS_STATUS_WAN_FRAGMENT, NDIS_STATUS_TAPI_INDICATION}) {
    for (UINT size : {0u, 8u, 4096u}) {
      const Counters before = core_.counters();
      Outcome o = core_.OnStatus(0, st, nullptr, size);
      EXPECT_EQ(o.rejected, Reason::kNullBuffer) << std::hex << st << " size " << size;
      EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kNullBuffer));
    }
  }
}

TEST_F(CoreTest, LineUpShorterThanStructIsRejectedForEverySizeAndUntouched) {
  // Checks WAN-100.
  const NDIS_MAC_LINE_UP in = LineUp(0x11);
  for (size_t size = 1; size < sizeof(NDIS_MAC_LINE_UP); ++size) {
    auto buf = Bytes(in, size);
    const auto copy = buf;
    const Counters before = core_.counters();
    Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
    EXPECT_EQ(o.rejected, Reason::kShortBuffer) << "size " << size;
    EXPECT_EQ(buf, copy) << "size " << size;
    EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kShortBuffer));
  }
  EXPECT_TRUE(core_.links().empty());
}

TEST_F(CoreTest, LineUpLongerThanStructIsAcceptedAndTailIsUntouched) {
  // Checks WAN-103.
  for (size_t size :
       {sizeof(NDIS_MAC_LINE_UP), sizeof(NDIS_MAC_LINE_UP) + 1, size_t{64}, size_t{4096}}) {
    auto buf = Bytes(LineUp(0x100 + size), size);
    const auto copy = buf;
    Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
    ASSERT_EQ(o.action, Action::kLineUp) << size;
    for (size_t i = sizeof(NDIS_MAC_LINE_UP); i < size; ++i) ASSERT_EQ(buf[i], copy[i]);
  }
  EXPECT_EQ(core_.counters().line_ups, 4u);
}

TEST_F(CoreTest, SizeValidForAnotherStatusCodeIsShortForThisOne) {
  // Checks WAN-100.
  // 8 = NDIS_MAC_LINE_DOWN, 16 = NDIS_MAC_FRAGMENT, 40 = NDIS_MAC_LINE_UP.
  struct Case {
    NDIS_STATUS st;
    size_t size;
  } cases[] = {{NDIS_STATUS_WAN_LINE_UP, 8},      {NDIS_STATUS_WAN_LINE_UP, 16},
               {NDIS_STATUS_WAN_FRAGMENT, 8},     {NDIS_STATUS_TAPI_INDICATION, 40},
               {NDIS_STATUS_TAPI_INDICATION, 16}, {NDIS_STATUS_WAN_LINE_DOWN, 4}};
  for (const Case& c : cases) {
    std::vector<uint8_t> buf(c.size, 0);
    const Counters before = core_.counters();
    Outcome o = Status(c.st, buf);
    EXPECT_EQ(o.rejected, Reason::kShortBuffer) << std::hex << c.st << " " << std::dec << c.size;
    EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kShortBuffer));
  }
}

TEST_F(CoreTest, UpdateLineUpWithKnownContextChangesParametersOnly) {
  // Checks WAN-032.
  LinkContext c = Up(0x11, 0, 1000, 3);
  auto buf = Bytes(LineUp(0x11, c.value, /*speed=*/2000, /*window=*/0, NdisWanReliable),
                   sizeof(NDIS_MAC_LINE_UP));
  const auto copy = buf;
  Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
  ASSERT_EQ(o.action, Action::kLineUpdate);
  EXPECT_EQ(buf, copy);  // nothing written back on an update (WAN-103)
  const Link* l = core_.FindLink(c);
  EXPECT_EQ(l->link_speed, 2000u);
  EXPECT_EQ(l->send_window, 3u);  // 0 = unchanged
  EXPECT_EQ(l->quality, static_cast<ULONG>(NdisWanReliable));
  EXPECT_EQ(core_.counters().line_up_updates, 1u);
  EXPECT_EQ(core_.counters().line_ups, 1u);
  // Speed 0 on an update keeps the current speed (WAN-029).
  auto buf2 = Bytes(LineUp(0x11, c.value, 0, 7), sizeof(NDIS_MAC_LINE_UP));
  ASSERT_EQ(Status(NDIS_STATUS_WAN_LINE_UP, buf2).action, Action::kLineUpdate);
  EXPECT_EQ(core_.FindLink(c)->link_speed, 2000u);
  EXPECT_EQ(core_.FindLink(c)->send_window, 7u);
}

TEST_F(CoreTest, LineUpWithUnknownNonNullContextIsMalformedAndIgnored) {
  // Checks OQ-25.
  Up(0x11);
  const auto links_before = core_.links().size();
  auto buf = Bytes(LineUp(0x12, /*context=*/0xDEAD), sizeof(NDIS_MAC_LINE_UP));
  const auto copy = buf;
  const Counters before = core_.counters();
  Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
  EXPECT_EQ(o.rejected, Reason::kUnknownContext);
  EXPECT_EQ(buf, copy);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kUnknownContext));
  EXPECT_EQ(core_.links().size(), links_before);
  EXPECT_EQ(core_.rejections().back().context, 0xDEADu);
}

TEST_F(CoreTest, LineUpWithStaleContextAfterLineDownIsUnknownContext) {
  LinkContext c = Up(0x11);
  NDIS_MAC_LINE_DOWN down{c.handle()};
  auto d = Bytes(down, sizeof(down));
  ASSERT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, d).action, Action::kLineDown);
  auto buf = Bytes(LineUp(0x11, c.value), sizeof(NDIS_MAC_LINE_UP));
  const Counters before = core_.counters();
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_UP, buf).rejected, Reason::kUnknownContext);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kUnknownContext));
}

TEST_F(CoreTest, UpdateLineUpWithOtherLinkHandleIsRejected) {
  // Checks WAN-028.
  LinkContext c = Up(0x11, 0, 1000, 3);
  auto buf = Bytes(LineUp(0x99, c.value, 5000), sizeof(NDIS_MAC_LINE_UP));
  const Counters before = core_.counters();
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_UP, buf).rejected, Reason::kLinkHandleMismatch);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kLinkHandleMismatch));
  EXPECT_EQ(core_.FindLink(c)->link_speed, 1000u);
}

TEST_F(CoreTest, DuplicateInitialLineUpForSameHandleIsRejectedAndLeftNull) {
  LinkContext first = Up(0x11);
  auto buf = Bytes(LineUp(0x11), sizeof(NDIS_MAC_LINE_UP));
  const auto copy = buf;
  const Counters before = core_.counters();
  Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
  EXPECT_EQ(o.rejected, Reason::kDuplicateLineUp);
  EXPECT_EQ(buf, copy);  // NdisLinkContext stays NULL: the first context stands
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kDuplicateLineUp));
  EXPECT_EQ(core_.rejections().back().context, first.value);
  // The same handle on another adapter is another link.
  Up(0x11, /*binding=*/1);
  // After its line-down, the handle may be reused for a new link.
  NDIS_MAC_LINE_DOWN down{first.handle()};
  auto d = Bytes(down, sizeof(down));
  ASSERT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, d).action, Action::kLineDown);
  EXPECT_NE(Up(0x11).value, first.value);
}

TEST_F(CoreTest, QualityOutOfRangeIsWarnedAndCarriedUnlessStrict) {
  // Checks OQ-22.
  auto buf = Bytes(LineUp(0x11, 0, 0, 0, /*quality=*/7), sizeof(NDIS_MAC_LINE_UP));
  Outcome o = Status(NDIS_STATUS_WAN_LINE_UP, buf);
  ASSERT_EQ(o.action, Action::kLineUp);
  EXPECT_EQ(o.link->quality, 7u);
  EXPECT_EQ(core_.counters().Warned(Warning::kQualityOutOfRange), 1u);
  EXPECT_EQ(core_.counters().rejected_total(), 0u);

  core_.mutable_options().strict = true;
  auto strict = Bytes(LineUp(0x12, 0, 0, 0, 3), sizeof(NDIS_MAC_LINE_UP));
  const auto copy = strict;
  const Counters before = core_.counters();
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_UP, strict).rejected, Reason::kBadQuality);
  EXPECT_EQ(strict, copy);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kBadQuality));
  EXPECT_EQ(core_.links().size(), 1u);
  // In range is fine in strict mode.
  auto ok = Bytes(LineUp(0x12, 0, 0, 0, NdisWanReliable), sizeof(NDIS_MAC_LINE_UP));
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_UP, ok).action, Action::kLineUp);
}

// ---- Line-down (WAN-040..043, WAN-101) ----

TEST_F(CoreTest, LineDownOnLinkNeverUpIsUnknownLink) {
  // Checks WAN-101.
  NDIS_MAC_LINE_DOWN down{H(0xC0FFEE)};
  auto buf = Bytes(down, sizeof(down));
  const Counters before = core_.counters();
  Outcome o = Status(NDIS_STATUS_WAN_LINE_DOWN, buf);
  EXPECT_EQ(o.rejected, Reason::kUnknownLink);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kUnknownLink));
  EXPECT_EQ(core_.counters().unknown_link(), 1u);
  EXPECT_EQ(core_.counters().malformed(), 0u);
}

TEST_F(CoreTest, SecondLineDownAndLineDownFromOtherAdapterAreUnknownLink) {
  LinkContext c = Up(0x11);
  NDIS_MAC_LINE_DOWN down{c.handle()};
  auto buf = Bytes(down, sizeof(down));
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, buf, /*binding=*/1).rejected, Reason::kUnknownLink);
  EXPECT_EQ(core_.FindLink(c)->state, LinkState::kUp);
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, buf).action, Action::kLineDown);
  EXPECT_EQ(core_.FindLink(c)->state, LinkState::kDown);
  const Counters before = core_.counters();
  EXPECT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, buf).rejected, Reason::kUnknownLink);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kUnknownLink));
  EXPECT_EQ(core_.counters().line_downs, 1u);
}

// ---- Fragment (WAN-050..053) ----

TEST_F(CoreTest, FragmentCountsOncePerIndicationWhateverTheErrorBits) {
  // Checks WAN-052, WAN-051.
  LinkContext c = Up(0x11);
  const ULONG errors[] = {WAN_ERROR_CRC, WAN_ERROR_CRC | WAN_ERROR_TIMEOUT, 0, 0x40, 0xFFFFFFFFu};
  for (ULONG e : errors) {
    NDIS_MAC_FRAGMENT f{c.handle(), e};
    auto buf = Bytes(f, sizeof(f));
    const auto copy = buf;
    EXPECT_EQ(Status(NDIS_STATUS_WAN_FRAGMENT, buf).action, Action::kFragment) << e;
    EXPECT_EQ(buf, copy);
  }
  EXPECT_EQ(core_.FindLink(c)->fragments, 5u);
  EXPECT_EQ(core_.counters().fragments, 5u);
  EXPECT_EQ(core_.counters().Warned(Warning::kFragmentErrorsZero), 1u);
  EXPECT_EQ(core_.counters().Warned(Warning::kFragmentUndefinedBits), 2u);
  EXPECT_EQ(core_.counters().rejected_total(), 0u);
  EXPECT_EQ(core_.FindLink(c)->fragment_errors_seen, 0xFFFFFFFFu);
}

TEST_F(CoreTest, FragmentOnUnknownOrDownLinkIsNotCountedAgainstAnyLink) {
  // Checks WAN-101.
  LinkContext c = Up(0x11);
  NDIS_MAC_FRAGMENT stranger{H(0x1234), WAN_ERROR_CRC};
  auto buf = Bytes(stranger, sizeof(stranger));
  const Counters before = core_.counters();
  EXPECT_EQ(Status(NDIS_STATUS_WAN_FRAGMENT, buf).rejected, Reason::kUnknownLink);
  EXPECT_EQ(core_.counters(), AfterReject(before, Reason::kUnknownLink));
  EXPECT_EQ(core_.FindLink(c)->fragments, 0u);

  NDIS_MAC_LINE_DOWN down{c.handle()};
  auto d = Bytes(down, sizeof(down));
  ASSERT_EQ(Status(NDIS_STATUS_WAN_LINE_DOWN, d).action, Action::kLineDown);
  NDIS_MAC_FRAGMENT late{c.handle(), WAN_ERROR_CRC};
  auto l = Bytes(late, sizeof(late));
  EXPECT_EQ(Status(NDIS_STATUS_WAN_FRAGMENT, l).rejected, Reason::kUnknownLink);
  EXPECT_EQ(core_.FindLink(c)->fragments, 0u);
}

TEST_F(CoreTest, FragmentShorterThanStructIsShortForEverySize) {
  LinkContext c = Up(0x11);
  NDIS_MAC_FRAGMENT f{c.handle(), WAN_ERROR_CRC};
  for (size_t size = 1; size < sizeof(f); ++size) {
    auto buf = Bytes(f, size);
    EXPECT_EQ(Status(NDIS_STATUS_WAN_FRAGMENT, buf).rejected, Reason::kShortBuffer) << size;
  }
  EXPECT_EQ(core_.FindLink(c)->fragments, 0u);
  EXPECT_EQ(core_.counters().Rejected(Reason::kShortBuffer), sizeof(f) - 1);
}

TEST_F(CoreTest, ReceiveOnUnknownLinkIsCountedUnknownLink) {
  // Checks WAN-101.
  const Counters before = core_.counters();
  Outcome o = core_.OnReceive(H(0x4242), 100);
  EXPECT_EQ(o.rejected, Reason::kUnknownLink);
  Counters want = before;
  ++want.rejected[static_cast<size_t>(Reason::kUnknownLink)];
  EXPECT_EQ(core_.counters(), want);
  LinkContext c = Up(0x11);
  EXPECT_EQ(core_.OnReceive(c.handle(), 100).action, Action::kReceive);
  EXPECT_EQ(core_.FindLink(c)->receives, 1u);
}

TEST_F(CoreTest, OtherStatusCodesAreIgnoredNotRejected) {
  std::vector<uint8_t> buf(4, 0);
  Outcome o = Status(NDIS_STATUS_MEDIA_CONNECT, buf);
  EXPECT_EQ(o.action, Action::kNone);
  EXPECT_FALSE(o.rejected.has_value());
  EXPECT_EQ(core_.counters().other_status, 1u);
  EXPECT_EQ(core_.counters().rejected_total(), 0u);
}

// ---- TAPI indications (WAN-060..068, WAN-100, WAN-102) ----

NDIS_TAPI_EVENT Event(HTAPI_LINE line, HTAPI_CALL call, ULONG msg, ULONG_PTR p1 = 0,
                      ULONG_PTR p2 = 0, ULONG_PTR p3 = 0) {
  NDIS_TAPI_EVENT e;
  std::memset(&e, 0, sizeof(e));
  e.htLine = line;
  e.htCall = call;
  e.ulMsg = msg;
  e.ulParam1 = p1;
  e.ulParam2 = p2;
  e.ulParam3 = p3;
  return e;
}

TEST_F(CoreTest, NewCallWritesUniqueHtCallIntoParam2AndNothingElse) {
  // Checks WAN-062, WAN-103.
  HTAPI_LINE line = OpenLine();
  auto buf = Bytes(Event(line, 0, LINE_NEWCALL, /*hdCall=*/0x900), sizeof(NDIS_TAPI_EVENT));
  const auto copy = buf;
  Outcome o = Status(NDIS_STATUS_TAPI_INDICATION, buf);
  ASSERT_EQ(o.action, Action::kTapiEvent);
  const size_t p2 = offsetof(NDIS_TAPI_EVENT, ulParam2);
  for (size_t i = 0; i < buf.size(); ++i) {
    if (i >= p2 && i < p2 + sizeof(ULONG_PTR)) continue;
    EXPECT_EQ(buf[i], copy[i]) << i;
  }
  ULONG_PTR ht_call;
  std::memcpy(&ht_call, buf.data() + p2, sizeof(ht_call));
  EXPECT_NE(ht_call, 0u);
  EXPECT_EQ(o.tapi.ht_call, ht_call);
  const TapiCall* call = core_.FindCall(ht_call);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->hd_call, 0x900u);
  EXPECT_TRUE(call->inbound);
  // A second NEWCALL gets another htCall.
  auto buf2 = Bytes(Event(line, 0, LINE_NEWCALL, 0x901), sizeof(NDIS_TAPI_EVENT));
  ASSERT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, buf2).action, Action::kTapiEvent);
  ULONG_PTR ht_call2;
  std::memcpy(&ht_call2, buf2.data() + p2, sizeof(ht_call2));
  EXPECT_NE(ht_call2, ht_call);
}

TEST_F(CoreTest, CallStateUpdatesTheCallByHtCall) {
  // Checks WAN-066.
  HTAPI_LINE line = OpenLine();
  HTAPI_CALL call = core_.NewCall(line, false);
  for (ULONG s : {LINECALLSTATE_DIALING, LINECALLSTATE_CONNECTED}) {
    auto buf = Bytes(Event(line, call, LINE_CALLSTATE, s, 0, LINEMEDIAMODE_DIGITALDATA),
                     sizeof(NDIS_TAPI_EVENT));
    ASSERT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, buf).action, Action::kTapiEvent);
  }
  EXPECT_EQ(core_.FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  EXPECT_EQ(core_.FindCall(call)->states,
            (std::vector<ULONG>{LINECALLSTATE_DIALING, LINECALLSTATE_CONNECTED}));
  EXPECT_EQ(core_.FindCall(call)->media_mode, static_cast<ULONG_PTR>(LINEMEDIAMODE_DIGITALDATA));
}

TEST_F(CoreTest, TapiEventWithUnknownMessageLineOrCallIsRejectedWithItsReason) {
  // Checks WAN-061, WAN-068.
  HTAPI_LINE line = OpenLine();
  HTAPI_CALL call = core_.NewCall(line, false);
  struct Case {
    NDIS_TAPI_EVENT e;
    Reason r;
  } cases[] = {
      {Event(line, 0, 77), Reason::kTapiUnknownMessage},
      {Event(line, 0, LINE_REPLY), Reason::kTapiUnknownMessage},
      {Event(line + 1000, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT), Reason::kTapiUnknownLine},
      {Event(0, call, LINE_CALLSTATE, LINECALLSTATE_IDLE), Reason::kTapiUnknownLine},
      {Event(line, call + 1000, LINE_CALLSTATE, LINECALLSTATE_IDLE), Reason::kTapiUnknownCall},
      {Event(line, 0, LINE_CALLSTATE, LINECALLSTATE_IDLE), Reason::kTapiUnknownCall},
      {Event(line, 0, LINE_NEWCALL, 0x900, /*p2=*/5), Reason::kTapiBadNewCall},
      {Event(line, call, LINE_NEWCALL, 0x900), Reason::kTapiBadNewCall},
  };
  for (const Case& c : cases) {
    auto buf = Bytes(c.e, sizeof(NDIS_TAPI_EVENT));
    const auto copy = buf;
    const Counters before = core_.counters();
    Outcome o = Status(NDIS_STATUS_TAPI_INDICATION, buf);
    EXPECT_EQ(o.rejected, c.r) << ToString(c.r) << " msg " << c.e.ulMsg;
    EXPECT_EQ(buf, copy);
    EXPECT_EQ(core_.counters(), AfterReject(before, c.r));
  }
  EXPECT_EQ(core_.FindCall(call)->state, 0u);
  EXPECT_EQ(core_.calls().size(), 1u);
  // A closed call's htCall is dead (WAN-086).
  core_.FindCall(call)->live = false;
  auto buf = Bytes(Event(line, call, LINE_CALLSTATE, LINECALLSTATE_IDLE), sizeof(NDIS_TAPI_EVENT));
  EXPECT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, buf).rejected, Reason::kTapiUnknownCall);
}

TEST_F(CoreTest, TapiEventFromAdapterWithoutTapiProviderIsRejected) {
  // Checks WAN-095.
  AdapterInfo plain;
  core_.SetAdapter(2, plain);
  HTAPI_LINE line = OpenLine(2);
  auto buf = Bytes(Event(line, 0, LINE_NEWCALL, 0x900), sizeof(NDIS_TAPI_EVENT));
  const auto copy = buf;
  EXPECT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, buf, 2).rejected, Reason::kTapiNotProvider);
  EXPECT_EQ(buf, copy);
}

TEST_F(CoreTest, TapiEventShorterThanUlongPtrLayoutIsShort) {
  // Checks WAN-102.
  HTAPI_LINE line = OpenLine();
  for (size_t size : {size_t{1}, size_t{24}, size_t{32}, size_t{47}}) {
    auto buf = Bytes(Event(line, 0, LINE_NEWCALL, 0x900), size);
    EXPECT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, buf).rejected, Reason::kShortBuffer) << size;
  }
  EXPECT_TRUE(core_.calls().empty());
}

TEST_F(CoreTest, CompatUlongLayoutDecodesUlongParamsAndWritesFourBytes) {
  // Checks WAN-102.
  core_.mutable_options().tapi_layout = TapiLayout::kCompatUlong;
  HTAPI_LINE line = OpenLine();
  // MinGW/NT4 layout: htLine@0, htCall@8, ulMsg@16, ulParam1..3 @20/24/28 (ULONG).
  std::vector<uint8_t> buf(32, 0);
  std::memcpy(buf.data(), &line, 8);
  const ULONG msg = LINE_NEWCALL, hd_call = 0x900;
  std::memcpy(buf.data() + 16, &msg, 4);
  std::memcpy(buf.data() + 20, &hd_call, 4);
  const auto copy = buf;
  Outcome o = Status(NDIS_STATUS_TAPI_INDICATION, buf);
  ASSERT_EQ(o.action, Action::kTapiEvent);
  ULONG ht_call;
  std::memcpy(&ht_call, buf.data() + 24, 4);
  EXPECT_EQ(ht_call, o.tapi.ht_call);
  for (size_t i = 0; i < buf.size(); ++i) {
    if (i >= 24 && i < 28) continue;
    EXPECT_EQ(buf[i], copy[i]) << i;
  }
  EXPECT_EQ(core_.FindCall(ht_call)->hd_call, 0x900u);
  std::vector<uint8_t> short_buf(31, 0);
  EXPECT_EQ(Status(NDIS_STATUS_TAPI_INDICATION, short_buf).rejected, Reason::kShortBuffer);
}

// Every size from 0 to well past the struct, for each WAN status, with
// garbage contents: never an over-read (ASan), and every indication ends up
// either accepted, ignored or recorded with a reason.
TEST_F(CoreTest, EverySizeOfGarbageIsAccountedFor) {
  HTAPI_LINE line = OpenLine();
  (void)line;
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  for (NDIS_STATUS st : {NDIS_STATUS_WAN_LINE_UP, NDIS_STATUS_WAN_LINE_DOWN,
                         NDIS_STATUS_WAN_FRAGMENT, NDIS_STATUS_TAPI_INDICATION}) {
    for (size_t size = 1; size <= 96; ++size) {
      std::vector<uint8_t> buf(size);
      for (uint8_t& b : buf) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        b = static_cast<uint8_t>(seed);
      }
      (void)Status(st, buf);
    }
  }
  const Counters& c = core_.counters();
  EXPECT_EQ(c.indications, 4u * 96u);
  EXPECT_EQ(c.indications, c.rejected_total() + c.line_ups + c.line_up_updates + c.line_downs +
                               c.fragments + c.tapi_events + c.other_status);
  EXPECT_EQ(core_.rejections().size(), c.rejected_total());
}

TEST_F(CoreTest, RejectionLogKeepsTheMostRecentWhileCountersCountAll) {
  // A miniport that floods bad indications: the counters stay exact, the
  // record keeps the most recent rejections only (bounded memory).
  const uint64_t total = History<Rejection>::capacity() + 100;
  for (uint64_t i = 0; i < total; ++i) {
    core_.OnStatus(0, NDIS_STATUS_WAN_LINE_DOWN, nullptr, static_cast<UINT>(i % 64));
  }
  EXPECT_EQ(core_.counters().indications, total);
  EXPECT_EQ(core_.counters().Rejected(Reason::kNullBuffer), total);
  ASSERT_EQ(core_.rejections().size(), History<Rejection>::capacity());
  EXPECT_EQ(core_.rejections().front().size, (total - History<Rejection>::capacity()) % 64);
  EXPECT_EQ(core_.rejections().back().size, (total - 1) % 64);
}

}  // namespace
}  // namespace ndisconf::drivers::wan
