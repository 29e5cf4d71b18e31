// WAN checks of the monitor on hand-built event sequences (spec Appendix A
// W1-W3 and one seeded violation per check): each test asserts the exact
// set of rule IDs reported.
//
// Longer than 600 lines on purpose: one short test per WAN check, all built
// on the same event builder; the file reads as the WAN check list in order.
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "conformance/monitor/wan_scenarios.h"
#include "gtest/gtest.h"

namespace ndisconf::monitor {
namespace {

using namespace wan_scenarios;  // NOLINT: the scenario vocabulary
using Rules = std::set<std::string>;

struct Outcome {
  Rules rules;
  std::string report;
};

Outcome Replay(const std::vector<Event>& events, Profile p = {}) {
  Monitor m(p);
  for (const Event& e : events) m.OnEvent(e);
  m.Finish();
  Outcome o;
  for (const Violation& v : m.violations()) {
    o.rules.insert(v.rule);
    o.report +=
        v.rule + " " + v.check + " @" + std::to_string(v.event_index) + ": " + v.message + "\n";
  }
  return o;
}

Buf Down(uint64_t lc) {
  Buf b = Zeros(sizeof(NDIS_MAC_LINE_DOWN));
  Put64(b, 0, lc);
  return b;
}
Buf Fragment(uint64_t lc, uint32_t errors) {
  Buf b = Zeros(sizeof(NDIS_MAC_FRAGMENT));
  Put64(b, 0, lc);
  Put32(b, offsetof(NDIS_MAC_FRAGMENT, Errors), errors);
  return b;
}
Buf HdCallReq(uint64_t hd_call, size_t n = 24) {
  Buf b = Zeros(n);
  Put64(b, 8, hd_call);
  return b;
}

TEST(WanCanonical, W1OutboundCallIsClean) {
  const Outcome o = Replay(W1OutboundCall());
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

TEST(WanCanonical, W2InboundCallIsClean) {
  const Outcome o = Replay(W2InboundCall());
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

TEST(WanCanonical, W3FragmentAndLineDownIsCleanEvenStrict) {
  Profile strict;
  strict.strict = true;
  const Outcome o = Replay(W3FragmentAndLineDown(), strict);
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

TEST(WanCanonical, W1UnderCompatUlongProfileDecodesWithoutFalseReports) {
  // With ULONG params the 48-byte events still decode (>= 32 bytes), but
  // LINE_CALLSTATE's ulParam1 is then read at offset 20 (padding): the state
  // is 0, so nothing is CONNECTED and nothing is reported.
  Profile p;
  p.wan_tapi_event_ulong_params = true;
  EXPECT_EQ(Replay(W1OutboundCall(), p).rules, Rules{});
}

TEST(WanStatus, ProtocolStatusWithOtherStatusReportsWan001) {
  // Checks WAN-001.
  Builder b = W1Builder();
  const Buf frag = Fragment(kLc, WAN_ERROR_CRC);
  b.Call(kWmp, Fn::NdisMIndicateStatus,
         {kMh, static_cast<uint32_t>(NDIS_STATUS_WAN_FRAGMENT), frag.size()}, 2, &frag);
  b.Call(kNdiswan, Fn::ProtocolStatus,
         {kBindCtx, static_cast<uint32_t>(NDIS_STATUS_WAN_LINE_DOWN), frag.size()}, 2, &frag);
  b.Ret(kNdiswan, Fn::ProtocolStatus, 0, {frag.size()}, 2, &frag);
  b.Ret(kWmp, Fn::NdisMIndicateStatus, 0, {frag.size()}, 2, &frag);
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-001"}) << o.report;
}

TEST(WanStatus, BindingNotNotifiedReportsWan001) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC), {}, 2, /*deliver=*/false);
  b.Complete(2, false);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-001"}) << o.report;
}

TEST(WanStatus, IndicateFromIsrReportsWan002) {
  Builder b = W1Builder();
  b.Call(kWmp, Fn::MiniportISR, {kCtx}, 5);
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC), {}, 5);
  b.Ret(kWmp, Fn::MiniportISR, 0, {1, 1}, 5);
  b.Complete();
  const Outcome o = Replay(b.events);
  // At device IRQL, WAN-004 fires as well.
  EXPECT_EQ(o.rules, (Rules{"WAN-002", "WAN-004"})) << o.report;
}

TEST(WanStatus, IndicateFromHaltReportsWan002) {
  Builder b = W1Builder();
  b.Call(kWmp, Fn::MiniportHalt, {kCtx}, DISPATCH_LEVEL);
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc));
  b.Complete();
  b.Ret(kWmp, Fn::MiniportHalt, 0, {}, DISPATCH_LEVEL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-002"}) << o.report;
}

// Spin-lock crossings (fn.h 115-120): a lock its caller still holds.
void Lock(Builder& b, ActorId who, Fn fn, uint64_t lock) {
  b.Call(who, fn, {lock}, DISPATCH_LEVEL);
  b.Ret(who, fn, 0, {}, DISPATCH_LEVEL);
}

size_t Count(const std::vector<Event>& events, const std::string& rule) {
  Monitor m;
  for (const Event& e : events) m.OnEvent(e);
  m.Finish();
  size_t n = 0;
  for (const Violation& v : m.violations()) n += v.rule == rule;
  return n;
}

TEST(WanStatus, IndicateWhileHoldingASpinLockReportsWan003) {
  // Checks WAN-003.
  constexpr uint64_t kLock = 0x5000, kOther = 0x6000;
  Builder b = W1Builder();
  Lock(b, kWmp, Fn::NdisAllocateSpinLock, kLock);
  Lock(b, kNdiswan, Fn::NdisAllocateSpinLock, kOther);
  // Released before the indication, or held by another driver: clean.
  Lock(b, kWmp, Fn::NdisDprAcquireSpinLock, kLock);
  Lock(b, kWmp, Fn::NdisDprReleaseSpinLock, kLock);
  Lock(b, kNdiswan, Fn::NdisAcquireSpinLock, kOther);
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC));
  b.Complete();
  Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{}) << o.report;
  // Held across the indication and its complete: one report for each.
  Lock(b, kWmp, Fn::NdisDprAcquireSpinLock, kLock);
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC));
  b.Complete();
  Lock(b, kWmp, Fn::NdisDprReleaseSpinLock, kLock);
  o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-003"}) << o.report;
  EXPECT_EQ(Count(b.events, "WAN-003"), 2u) << o.report;
}

// An indication NDIS refused (made under a spin lock: WAN-003, refused
// under the default wan_context_violations_refused) reaches no binding and
// changes nothing NDISWAN or NDISTAPI knows; the same indication delivered
// does. Each row: what comes before, the indication, what follows, and the
// rules reported when it is delivered and when it is refused.
struct RefusedRow {
  const char* name;
  std::function<void(Builder&)> before;
  int32_t status;
  Buf buffer;
  std::function<void(Builder&)> after;
  Rules delivered, refused;
};

TEST(WanStatus, RefusedIndicationChangesNoLinkOrCallState) {
  // Checks WAN-001, WAN-003, WAN-033, WAN-024, WAN-031, WAN-085: the state effect of
  // a line-down, a line-up update and a LINE_CALLSTATE applies only once
  // NDIS passed it on.
  const auto nothing = [](Builder&) {};
  const auto send = [](uint64_t packet) {
    return [packet](Builder& b) {
      b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, packet, 64}, DISPATCH_LEVEL);
      b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_PENDING, {}, DISPATCH_LEVEL);
    };
  };
  // A second initial line-up for kLinkHandle, outside OID_TAPI_GET_ID
  // (WAN-021), that NDISWAN returns with NdisLinkContext still NULL: a
  // duplicate while the link is up (E-11; WAN-025, the miniport did not
  // keep its context), a NULL context for a new link once it is down.
  const auto line_up_again = [](Builder& b) {
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, kLinkHandle, 0)).Complete();
  };
  const std::vector<RefusedRow> rows = {
      {"line-down, then a send on its link", nothing, NDIS_STATUS_WAN_LINE_DOWN, Down(kLc),
       send(0x81), Rules{"WAN-033"}, Rules{"WAN-003"}},
      {"line-down, then an initial line-up for its handle", nothing, NDIS_STATUS_WAN_LINE_DOWN,
       Down(kLc), line_up_again, Rules{"WAN-021", "WAN-024"},
       Rules{"WAN-003", "WAN-021", "WAN-025"}},
      {"line-up narrowing SendWindow to 1, then two sends", nothing, NDIS_STATUS_WAN_LINE_UP,
       LineUp(0, 1, 1, kHtCall, kLinkHandle, kLc),
       [&](Builder& b) {
         send(0x81)(b);
         send(0x82)(b);
       },
       Rules{"WAN-031"}, Rules{"WAN-003"}},
      {"LINE_CALLSTATE IDLE after a DROP, then CLOSE_CALL",
       [](Builder& b) {
         b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc)).Complete();
         b.Set(OID_TAPI_DROP, HdCallReq(kHdCall));
       },
       NDIS_STATUS_TAPI_INDICATION,
       TapiEvent(kHtLine, kHtCall, LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, 0),
       [](Builder& b) { b.Set(OID_TAPI_CLOSE_CALL, HdCallReq(kHdCall, 16)); }, Rules{},
       Rules{"WAN-003", "WAN-085"}},
  };
  constexpr uint64_t kLock = 0x5000;
  for (const RefusedRow& row : rows) {
    for (const bool refused : {false, true}) {
      Builder b = W1Builder();
      Lock(b, kWmp, Fn::NdisAllocateSpinLock, kLock);
      row.before(b);
      if (refused) Lock(b, kWmp, Fn::NdisDprAcquireSpinLock, kLock);
      b.Indicate(row.status, row.buffer, {}, DISPATCH_LEVEL, /*deliver=*/!refused);
      if (refused) Lock(b, kWmp, Fn::NdisDprReleaseSpinLock, kLock);
      b.Complete(DISPATCH_LEVEL, /*deliver=*/!refused);
      row.after(b);
      // The model's profile takes an indication that reached no open
      // binding as refused; a recorded trace's reports it as lost (WAN-001),
      // and NDISWAN did not learn it either way.
      Profile model = Profile(spec::OpenQuestionPolicy{});
      ASSERT_TRUE(model.wan_context_violations_refused);
      const Outcome o = Replay(b.events, model);
      EXPECT_EQ(o.rules, refused ? row.refused : row.delivered)
          << row.name << (refused ? ", refused\n" : ", delivered\n") << o.report;
      Rules lost = refused ? row.refused : row.delivered;
      if (refused) lost.insert("WAN-001");
      const Outcome t = Replay(b.events);
      EXPECT_EQ(t.rules, lost) << row.name << ", trace profile\n" << t.report;
    }
  }
}

TEST(WanStatus, ReinitializedOrFreedSpinLockIsNoLongerHeld) {
  constexpr uint64_t kLock = 0x5000, kFreed = 0x7000;
  Builder b = W1Builder();
  Lock(b, kWmp, Fn::NdisAllocateSpinLock, kLock);
  Lock(b, kWmp, Fn::NdisAllocateSpinLock, kFreed);
  Lock(b, kWmp, Fn::NdisAcquireSpinLock, kLock);
  Lock(b, kWmp, Fn::NdisAllocateSpinLock, kLock);  // re-initialized while held
  Lock(b, kWmp, Fn::NdisAcquireSpinLock, kFreed);
  Lock(b, kWmp, Fn::NdisFreeSpinLock, kFreed);  // freed while held
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC));
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

TEST(WanStatus, SerializedIndicateAtPassiveReportsWan004) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC), {}, PASSIVE_LEVEL);
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-004"}) << o.report;
}

TEST(WanStatus, DeserializedIndicateAtPassiveIsAllowed) {
  Builder b;
  b.Setup(1, NDIS_ATTRIBUTE_DESERIALIZE);
  b.Indicate(NDIS_STATUS_MEDIA_CONNECT, {}, {}, PASSIVE_LEVEL);
  b.Complete(PASSIVE_LEVEL);
  EXPECT_EQ(Replay(b.events).rules, Rules{});
}

TEST(WanStatus, BracketOpenAtFinishReportsWan010) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC));
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-010"}) << o.report;
}

TEST(WanStatus, SeveralIndicationsThenOneCompleteAreAccepted) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC));
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_TIMEOUT));
  b.Complete();
  EXPECT_EQ(Replay(b.events).rules, Rules{});
}

TEST(WanStatus, StatusCompleteToUnnotifiedBindingReportsWan011) {
  Builder b = W1Builder();
  b.Complete();  // nobody was notified since the last complete
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-011"}) << o.report;
}

TEST(WanLineUp, ShortLineUpBufferReportsWan020) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_UP, Zeros(24));
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-020"}) << o.report;
}

TEST(WanLineUp, GetIdSucceedingWithoutLineUpReportsWan021) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "NDIS");
  b.Query(OID_TAPI_GET_ID, in, GetIdOut(in, 0));
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-021"}) << o.report;
}

TEST(WanLineUp, PendedGetIdCompletingWithoutLineUpReportsWan074) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "ndis");
  b.Query(OID_TAPI_GET_ID, in, in, NDIS_STATUS_PENDING);
  b.Call(kWmp, Fn::NdisMQueryInformationComplete, {kMh, NDIS_STATUS_SUCCESS}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::NdisMQueryInformationComplete, 0, {}, DISPATCH_LEVEL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-074"}) << o.report;
}

TEST(WanLineUp, PendedGetIdWithLineUpBeforeCompletionIsClean) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "ndis");
  b.Query(OID_TAPI_GET_ID, in, in, NDIS_STATUS_PENDING);
  b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, kLinkHandle, 0),
             LineUp(640, 1, 0, kHtCall, kLinkHandle, kLc));
  b.Complete();
  b.Call(kWmp, Fn::NdisMQueryInformationComplete, {kMh, NDIS_STATUS_SUCCESS}, DISPATCH_LEVEL);
  const Buf out = GetIdOut(in, kLc);
  b.Call(kNdiswan, Fn::ProtocolRequestComplete,
         {kBindCtx, 0x9001, NDIS_STATUS_SUCCESS, OID_TAPI_GET_ID, out.size()}, DISPATCH_LEVEL,
         &out);
  b.Ret(kNdiswan, Fn::ProtocolRequestComplete, 0, {}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::NdisMQueryInformationComplete, 0, {}, DISPATCH_LEVEL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{}) << o.report;
}

TEST(WanLineUp, ConnectedBeforeLineUpReportsWan022) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  b.Tapi(kHtCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  b.GetIdWithLineUp(kHdCall, kHtCall, kLinkHandle, kLc);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-022"}) << o.report;
}

TEST(WanLineUp, InitialLineUpWithContextReportsWan023) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "ndis");
  b.Query(OID_TAPI_GET_ID, in, GetIdOut(in, 0), NDIS_STATUS_FAILURE, [&] {
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, kLinkHandle, 0x999));
    b.Complete();
  });
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-023"}) << o.report;
}

TEST(WanLineUp, ContextLeftNullReportsWan024) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "ndis");
  b.Query(OID_TAPI_GET_ID, in, GetIdOut(in, 0), NDIS_STATUS_FAILURE, [&] {
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, kLinkHandle, 0));
    b.Complete();
  });
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-024"}) << o.report;
}

TEST(WanLineUp, LaterLineUpWithOtherContextReportsWan025) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(0, 1, 0, kHtCall, kLinkHandle, 0x777)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-025"}) << o.report;
}

// WAN-025 is a MUST: a context NDISWAN never returned is reported by
// default, for a line-down and for a fragment; a profile may relax it.
TEST(WanLineUp, LineDownWithUnknownContextReportsWan025ByDefault) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(0x4242)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-025"}) << o.report;
  EXPECT_NE(o.report.find("line-down names NdisLinkContext 0x4242"), std::string::npos) << o.report;
  Profile relaxed;
  relaxed.wan_report_unknown_link_context = false;
  EXPECT_EQ(Replay(b.events, relaxed).rules, Rules{});
  relaxed.strict = true;  // strict never relaxes a check
  EXPECT_TRUE(Replay(b.events, relaxed).rules.count("WAN-025"));
}

TEST(WanLineUp, FragmentWithUnknownContextReportsWan025ByDefault) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(0x4343, WAN_ERROR_CRC)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-025"}) << o.report;
  EXPECT_NE(o.report.find("fragment names NdisLinkContext 0x4343"), std::string::npos) << o.report;
}

TEST(WanLineUp, DeviceIdOtherThanContextReportsWan026) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  const Buf in = GetIdIn(LINECALLSELECT_CALL, 0, kHdCall, "ndis");
  b.Query(OID_TAPI_GET_ID, in, GetIdOut(in, kHtCall), NDIS_STATUS_SUCCESS, [&] {
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, kLinkHandle, 0),
               LineUp(640, 1, 0, kHtCall, kLinkHandle, kLc));
    b.Complete();
  });
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-026"}) << o.report;
}

TEST(WanLineUp, ConnectionWrapperIdOtherThanHtCallReportsWan027) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  b.GetIdWithLineUp(kHdCall, /*ht_call=*/0x5555, kLinkHandle, kLc);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-027"}) << o.report;
}

TEST(WanLineUp, LaterLineUpWithOtherHandleReportsWan028) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(0, 1, 3, kHtCall, 0x5959, kLc)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-028"}) << o.report;
}

TEST(WanLineUp, LaterLineUpWithOtherHandleChangesNoSendWindow) {
  // Checks WAN-028, WAN-031, WAN-032: a later line-up narrowing SendWindow
  // to 1 applies only when it carries both of the link's handles (spec 2.7
  // L4); with another NdisLinkHandle it is no update of the link (NDISWAN
  // refuses it, E-11), and two sends within the old window are no WAN-031.
  for (const uint64_t handle : {kLinkHandle, uint64_t{0x5959}}) {
    Builder b = W1Builder();
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(0, 1, 1, kHtCall, handle, kLc)).Complete();
    for (uint64_t p : {0x81, 0x82}) {
      b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, p, 64}, DISPATCH_LEVEL);
      b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_PENDING, {}, DISPATCH_LEVEL);
    }
    const Outcome o = Replay(b.events);
    EXPECT_EQ(o.rules, handle == kLinkHandle ? Rules{"WAN-031"} : Rules{"WAN-028"})
        << "NdisLinkHandle " << handle << "\n"
        << o.report;
  }
}

TEST(WanLineUp, QualityOutOfRangeReportsWan030OnlyWhenStrict) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(0, 7, 0, kHtCall, kLinkHandle, kLc)).Complete();
  EXPECT_EQ(Replay(b.events).rules, Rules{});
  Profile p;
  p.wan_strict_quality = true;  // OQ-22
  const Outcome o = Replay(b.events, p);
  EXPECT_EQ(o.rules, Rules{"WAN-030"}) << o.report;
}

TEST(WanSend, SendsBeyondWindowReportWan031) {
  Builder b = W1Builder();  // MaxTransmit 2, nothing outstanding at its end
  for (uint64_t p : {0x81, 0x82, 0x83}) {
    b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, p, 64}, DISPATCH_LEVEL);
    b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_PENDING, {}, DISPATCH_LEVEL);
  }
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-031"}) << o.report;
}

TEST(WanSend, SendOnUnknownLinkReportsWan033) {
  Builder b;
  b.Setup().OpenLine().MakeCall();
  b.Call(kWmp, Fn::MiniportWanSend, {kCtx, kLinkHandle, 0x81, 64}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::MiniportWanSend, NDIS_STATUS_SUCCESS, {}, DISPATCH_LEVEL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-033"}) << o.report;
}

TEST(WanLineUp, LineUpInsideLineSelectGetIdReportsWan034) {
  Builder b = W1Builder();
  const Buf in = GetIdIn(LINECALLSELECT_LINE, kHdLine, 0, "tapi/line");
  b.Query(OID_TAPI_GET_ID, in, GetIdOut(in, 0), NDIS_STATUS_SUCCESS, [&] {
    b.Indicate(NDIS_STATUS_WAN_LINE_UP, LineUp(640, 1, 0, kHtCall, 0x53, 0),
               LineUp(640, 1, 0, kHtCall, 0x53, 0x63));
    b.Complete();
  });
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-034"}) << o.report;
}

TEST(WanLineDown, ShortLineDownReportsWan040AndLinksUpAtFinishOnlyWhenStrict) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Zeros(4)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-040"}) << o.report;
  EXPECT_NE(o.report.find("line-down-buffer-size"), std::string::npos) << o.report;
  Profile p;
  p.wan_links_down_at_finish = true;
  const Outcome strict = Replay(W1OutboundCall(), p);
  EXPECT_EQ(strict.rules, Rules{"WAN-040"}) << strict.report;
  EXPECT_NE(strict.report.find("links-down-at-finish"), std::string::npos) << strict.report;
}

TEST(WanLineDown, CloseCallWithLinkUpReportsWan040UnderOq28Strict) {
  Builder b = W1Builder();
  b.Set(OID_TAPI_CLOSE_CALL, HdCallReq(kHdCall, 16));
  EXPECT_EQ(Replay(b.events).rules, Rules{});
  Profile p;
  p.wan_line_down_before_close_call = true;
  const Outcome o = Replay(b.events, p);
  EXPECT_EQ(o.rules, Rules{"WAN-040"}) << o.report;
}

TEST(WanLineDown, FragmentAfterLineDownReportsWan043) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc)).Complete();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-043"}) << o.report;
}

TEST(WanLineDown, ReceiveAfterLineDownReportsWan043) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc)).Complete();
  b.Call(kWmp, Fn::NdisMWanIndicateReceive, {kMh, kLc, 64}, DISPATCH_LEVEL);
  b.Ret(kWmp, Fn::NdisMWanIndicateReceive, 0, {}, DISPATCH_LEVEL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-043"}) << o.report;
}

TEST(WanFragment, ShortFragmentReportsWan050) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Zeros(8)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-050"}) << o.report;
}

TEST(WanFragment, EmptyOrForeignErrorBitsReportWan051) {
  for (uint32_t errors : {0u, 0x40u}) {
    Builder b = W1Builder();
    b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, errors)).Complete();
    const Outcome o = Replay(b.events);
    EXPECT_EQ(o.rules, Rules{"WAN-051"}) << errors << "\n" << o.report;
  }
}

TEST(WanTapi, ShortTapiEventReportsWan060) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, Zeros(32)).Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-060"}) << o.report;
}

TEST(WanTapi, UnknownHtLineOrHtCallReportsWan061) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(0x99, 0, LINE_CLOSE, 0, 0, 0)).Complete();
  b.Tapi(0x98, LINE_CALLSTATE, LINECALLSTATE_PROCEEDING);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-061"}) << o.report;
}

// A line open for incoming calls: OID_TAPI_SET_DEFAULT_MEDIA_DETECTION with
// digital data on the open line, so a LINE_NEWCALL may follow (WAN-063).
Builder IncomingCallsEnabled() {
  Builder b;
  b.Setup().OpenLine();
  Buf md = Zeros(24);
  Put64(md, 8, kHdLine);
  Put32(md, 16, LINEMEDIAMODE_DIGITALDATA);
  b.Set(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, md);
  return b;
}

TEST(WanTapi, NewCallWithoutCallStateReportsWan062) {
  Builder b = IncomingCallsEnabled();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, 0, 0),
             TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, kInHtCall, 0));
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-062"}) << o.report;
  EXPECT_NE(o.report.find("newcall-then-callstate"), std::string::npos) << o.report;
}

TEST(WanTapi, NewCallNotWrittenByNdistapiReportsWan062) {
  Builder b = IncomingCallsEnabled();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, 0, 0));
  b.Complete();
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-062"}) << o.report;
  EXPECT_NE(o.report.find("newcall-htcall-written"), std::string::npos) << o.report;
}

// A LINE_NEWCALL that already names a call broke WAN-062 on the miniport's
// side; NDISTAPI may refuse it and leave ulParam2 as it came, which makes no
// call: a LINE_CALLSTATE naming the handle the miniport put there is WAN-061.
TEST(WanTapi, NewCallNamingACallMayBeRefusedByNdistapi) {
  Builder b = IncomingCallsEnabled();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, 0x55, LINE_NEWCALL, kInHdCall, 0, 0));
  b.Indicate(NDIS_STATUS_TAPI_INDICATION,
             TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall + 1, kInHtCall, 0));
  b.Complete();
  b.Tapi(kInHtCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, (Rules{"WAN-061", "WAN-062"})) << o.report;
  EXPECT_NE(o.report.find("newcall-then-callstate"), std::string::npos) << o.report;
  EXPECT_EQ(o.report.find("newcall-htcall-written"), std::string::npos) << o.report;
  EXPECT_NE(o.report.find("tapi-indication-handles"), std::string::npos) << o.report;
}

TEST(WanTapi, NewCallWithoutMediaDetectionReportsWan063) {
  Builder b;
  b.Setup().OpenLine();
  b.Indicate(NDIS_STATUS_TAPI_INDICATION, TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, 0, 0),
             TapiEvent(kHtLine, 0, LINE_NEWCALL, kInHdCall, kInHtCall, 0));
  b.Complete();
  b.Tapi(kInHtCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-063"}) << o.report;
}

TEST(WanTapi, LineDevStateNotEnabledReportsWan065ButReinitIsAlwaysAllowed) {
  Builder ok = W1Builder();
  ok.Tapi(0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT);
  EXPECT_EQ(Replay(ok.events).rules, Rules{});
  Builder b = W1Builder();
  b.Tapi(0, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-065"}) << o.report;
}

TEST(WanGetId, GetIdUnsupportedReportsWan070) {
  Builder b = W1Builder();
  const Buf in = GetIdIn(LINECALLSELECT_LINE, kHdLine, 0, "tapi/line");
  b.Query(OID_TAPI_GET_ID, in, in, NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-070"}) << o.report;
}

TEST(WanGetId, GetIdOtherReturnCodeReportsWan073) {
  Builder b = W1Builder();
  const Buf in = GetIdIn(LINECALLSELECT_LINE, kHdLine, 0, "tapi/line");
  b.Query(OID_TAPI_GET_ID, in, in, NDIS_STATUS_TAPI_INVALDEVICECLASS);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-073"}) << o.report;
}

TEST(WanTapiOid, UnsupportedOidWithNotSupportedReportsWan080) {
  Builder b = W1Builder();
  b.Set(OID_TAPI_SECURE_CALL, HdCallReq(kHdCall), NDIS_STATUS_NOT_SUPPORTED);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-080"}) << o.report;
}

TEST(WanTapiOid, DuplicateHdLineReportsWan083) {
  Builder b = W1Builder();
  Buf open = Zeros(sizeof(NDIS_TAPI_OPEN));
  Put64(open, offsetof(NDIS_TAPI_OPEN, htLine), 0x12);
  Buf out = open;
  Put64(out, offsetof(NDIS_TAPI_OPEN, hdLine), kHdLine);
  b.Query(OID_TAPI_OPEN, open, out);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-083"}) << o.report;
}

TEST(WanTapiOid, DuplicateHdCallReportsWan084) {
  Builder b = W1Builder();
  Buf mc = Zeros(64);
  Put64(mc, offsetof(NDIS_TAPI_MAKE_CALL, hdLine), kHdLine);
  Put64(mc, offsetof(NDIS_TAPI_MAKE_CALL, htCall), 0x33);
  Buf out = mc;
  Put64(out, offsetof(NDIS_TAPI_MAKE_CALL, hdCall), kHdCall);
  b.Query(OID_TAPI_MAKE_CALL, mc, out);
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-084"}) << o.report;
}

TEST(WanTapiOid, DropWithoutIdleReportsWan085) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc)).Complete();
  b.Set(OID_TAPI_DROP, HdCallReq(kHdCall));
  b.Set(OID_TAPI_CLOSE_CALL, HdCallReq(kHdCall, 16));
  const Outcome o = Replay(b.events);
  EXPECT_EQ(o.rules, Rules{"WAN-085"}) << o.report;
}

TEST(WanTapiOid, CloseCallFailingOrDropAfterCloseCallSucceedingReportsWan086) {
  Builder fail = W1Builder();
  fail.Set(OID_TAPI_CLOSE_CALL, HdCallReq(kHdCall, 16), NDIS_STATUS_FAILURE);
  const Outcome f = Replay(fail.events);
  EXPECT_EQ(f.rules, Rules{"WAN-086"}) << f.report;
  Builder stale = W1Builder();
  stale.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(kLc)).Complete();
  stale.Set(OID_TAPI_CLOSE_CALL, HdCallReq(kHdCall, 16));
  stale.Set(OID_TAPI_DROP, HdCallReq(kHdCall));
  const Outcome s = Replay(stale.events);
  EXPECT_EQ(s.rules, Rules{"WAN-086"}) << s.report;
}

TEST(WanTapiOid, CloseFailingOrRequestOnClosedLineSucceedingReportsWan088) {
  Buf close = Zeros(sizeof(NDIS_TAPI_CLOSE));
  Put64(close, 8, kHdLine);
  Builder fail;
  fail.Setup().OpenLine();
  fail.Set(OID_TAPI_CLOSE, close, NDIS_STATUS_FAILURE);
  const Outcome f = Replay(fail.events);
  EXPECT_EQ(f.rules, Rules{"WAN-088"}) << f.report;
  Builder stale;
  stale.Setup().OpenLine();
  stale.Set(OID_TAPI_CLOSE, close);
  Buf sm = Zeros(sizeof(NDIS_TAPI_SET_STATUS_MESSAGES));
  Put64(sm, 8, kHdLine);
  stale.Set(OID_TAPI_SET_STATUS_MESSAGES, sm);
  const Outcome s = Replay(stale.events);
  EXPECT_EQ(s.rules, Rules{"WAN-088"}) << s.report;
}

// The probe below is a line-down naming a context no line-up established,
// which also breaks WAN-025; these tests are about WAN-095 and relax that.
Profile WithoutWan025() {
  Profile p;
  p.wan_report_unknown_link_context = false;
  return p;
}

TEST(WanRegistration, WanStatusWithoutWanWrapperReportsWan095) {
  Builder b;
  b.Setup(/*reserved=*/0);
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(0x61)).Complete();
  const Outcome o = Replay(b.events, WithoutWan025());
  EXPECT_EQ(o.rules, Rules{"WAN-095"}) << o.report;
  EXPECT_EQ(Replay(b.events).rules, (Rules{"WAN-025", "WAN-095"}));
}

TEST(WanRegistration, Ndis4ProfileFlagsNdis5WanMiniportWan095) {
  Builder b;
  b.Setup();
  b.Indicate(NDIS_STATUS_WAN_LINE_DOWN, Down(0x61)).Complete();
  EXPECT_EQ(Replay(b.events, WithoutWan025()).rules, Rules{});
  Profile p = WithoutWan025();
  p.wan_version_scope = Profile::WanVersionScope::kNdis4Only;  // OQ-19
  const Outcome o = Replay(b.events, p);
  EXPECT_EQ(o.rules, Rules{"WAN-095"}) << o.report;
}

TEST(WanRegistration, Ndis6ScopeFlagsEveryNdis5MiniportRegistrationWan095) {
  Builder b;
  b.Setup();
  EXPECT_EQ(Replay(b.events, WithoutWan025()).rules, Rules{});
  Profile p = WithoutWan025();
  p.wan_version_scope = Profile::WanVersionScope::kNdis6Only;  // OQ-19
  const Outcome o = Replay(b.events, p);
  EXPECT_EQ(o.rules, Rules{"WAN-095"}) << o.report;
}

TEST(WanRegistration, WanVersionScopeKeyTakesEachScopeAndRejectsOthers) {
  Profile p;
  std::string error;
  ASSERT_TRUE(SetProfileKey(p, "wan_version_scope", "ndis6", &error)) << error;
  EXPECT_EQ(p.wan_version_scope, Profile::WanVersionScope::kNdis6Only);
  ASSERT_TRUE(SetProfileKey(p, "wan_version_scope", "ndis4", &error)) << error;
  EXPECT_EQ(p.wan_version_scope, Profile::WanVersionScope::kNdis4Only);
  ASSERT_TRUE(SetProfileKey(p, "wan_version_scope", "ndis51-legacy", &error)) << error;
  EXPECT_EQ(p.wan_version_scope, Profile::WanVersionScope::kNdis51Legacy);
  EXPECT_FALSE(SetProfileKey(p, "wan_version_scope", "ndis5", &error));
  EXPECT_EQ(error, "wan_version_scope takes ndis51-legacy, ndis4 or ndis6, not 'ndis5'");
}

TEST(WanEncoding, StatusBufferChangedReportsWan103) {
  Builder b = W1Builder();
  b.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC),
             Fragment(kLc, WAN_ERROR_FRAMING));
  b.Complete();
  const Outcome o = Replay(b.events);
  // NDISWAN's ProtocolStatus wrote Errors; what the miniport sees changed.
  EXPECT_EQ(o.rules, Rules{"WAN-103"}) << o.report;
}

// Every report names a check of the monitor's table (with its rule) and an
// event that was fed: hostile input may produce reports, never garbage ones.
void ExpectWellFormedReports(const Monitor& m, uint64_t events_fed) {
  for (const Violation& v : m.violations()) {
    const auto& checks = Monitor::Checks();
    const bool known = std::any_of(checks.begin(), checks.end(), [&](const CheckInfo& c) {
      return c.check == v.check && c.rule == v.rule;
    });
    EXPECT_TRUE(known) << v.rule << " [" << v.check << "]";
    EXPECT_LT(v.event_index, events_fed) << v.rule << " [" << v.check << "]";
    EXPECT_FALSE(v.message.empty()) << v.rule << " [" << v.check << "]";
  }
}

// Robustness: truncated blobs, NULL buffers, garbage OIDs and unbalanced
// returns give precise reports or none, never a crash or an out-of-bounds
// read (the asan/ubsan configs run this).
TEST(WanRobustness, MalformedEventsNeverCrash) {
  std::vector<Event> events = W3FragmentAndLineDown();
  Monitor m;
  for (size_t cut = 0; cut < events.size(); ++cut) {
    Event e = events[cut];
    e.blob_len = static_cast<uint16_t>(e.blob_len / 3);
    m.OnEvent(e);
    Event g = events[cut];
    g.arg[1] ^= 0xdeadbeef;
    g.arg[2] = ~uint64_t{0};
    g.blob_len = Event::kMaxBlob;
    m.OnEvent(g);
    if (cut % 7 == 0) {
      Event r = events[cut];
      r.phase = Phase::kReturn;
      m.OnEvent(r);
    }
  }
  m.Finish();
  ASSERT_FALSE(m.violations().empty());  // truncated buffers break rules
  ExpectWellFormedReports(m, events.size());
}

// A monitor rolled back to a checkpoint gives, for what follows, the
// verdicts of a new monitor given the events up to the checkpoint and then
// those (fuzz/wan_status reuses one monitor for every input this way).
std::vector<Violation> Continue(Monitor& m, const std::vector<Event>& events, size_t from) {
  for (size_t i = from; i < events.size(); ++i) m.OnEvent(events[i]);
  m.Finish();
  return m.violations();
}
void ExpectSameViolations(const std::vector<Violation>& a, const std::vector<Violation>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].rule, b[i].rule);
    EXPECT_EQ(a[i].check, b[i].check);
    EXPECT_EQ(a[i].event_index, b[i].event_index);
    EXPECT_EQ(a[i].message, b[i].message);
  }
}

TEST(WanCheckpoint, RollbackGivesANewMonitorsVerdictsForWhatFollows) {
  const size_t setup = W1Builder().events.size();
  Builder bad = W1Builder();  // an indication from the ISR: WAN-002, WAN-004
  bad.Call(kWmp, Fn::MiniportISR, {kCtx}, 5);
  bad.Indicate(NDIS_STATUS_WAN_FRAGMENT, Fragment(kLc, WAN_ERROR_CRC), {}, 5);
  bad.Ret(kWmp, Fn::MiniportISR, 0, {1, 1}, 5);
  bad.Complete();
  const std::vector<Event> good = W3FragmentAndLineDown();  // W1, then W3's steps

  Monitor fresh_bad, fresh_good;
  const std::vector<Violation> want_bad = Continue(fresh_bad, bad.events, 0);
  const std::vector<Violation> want_good = Continue(fresh_good, good, 0);
  ASSERT_FALSE(want_bad.empty());
  ASSERT_TRUE(want_good.empty());

  Monitor m;
  for (size_t i = 0; i < setup; ++i) m.OnEvent(bad.events[i]);
  m.Checkpoint();
  ExpectSameViolations(Continue(m, bad.events, setup), want_bad);
  m.Rollback();
  ExpectSameViolations(Continue(m, good, setup), want_good);
  m.Rollback();
  ExpectSameViolations(Continue(m, bad.events, setup), want_bad);
  EXPECT_EQ(m.event_count(), bad.events.size());
}

TEST(WanCheckpoint, ACheckpointInsideACallKeepsItOpen) {
  const std::vector<Event> events = W3FragmentAndLineDown();
  size_t cut = 0;  // the first call event past W1
  for (size_t i = W1Builder().events.size(); i < events.size(); ++i) {
    if (events[i].phase == Phase::kCall) {
      cut = i + 1;
      break;
    }
  }
  ASSERT_GT(cut, 0u);
  Monitor m;
  for (size_t i = 0; i < cut; ++i) m.OnEvent(events[i]);
  m.Checkpoint();
  m.OnEvent(events[cut]);
  m.Rollback();
  EXPECT_TRUE(Continue(m, events, cut).empty());
  // Without a checkpoint, Rollback is Reset.
  Monitor r;
  r.OnEvent(events[0]);
  r.Rollback();
  EXPECT_EQ(r.event_count(), 0u);
}

}  // namespace
}  // namespace ndisconf::monitor
