// Conformance: NDIS_STATUS_TAPI_INDICATION from the WAN miniport (spec
// 5.15): the NDIS_TAPI_EVENT buffer, its handles, LINE_NEWCALL and NDISTAPI's
// htCall, media-mode and status-message filtering, REINIT; and TAPI events
// NDISWAN must refuse (unknown messages and handles), each recorded with
// its reason and never delivered.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>

#include <cstring>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

namespace wan = ::ndisconf::drivers::wan;
using drivers::WanLinkSends;
using drivers::WanLowerBinding;
using drivers::WanRequestRecord;

class TapiIndication : public ConformanceTest {
 protected:
  stack::WanTopology Topology(const drivers::WmpConfig& wmp = {}) {
    nic::SoftNicConfig nc;
    nc.channel_count = 1;
    stack::WanTopology t = WanTopology(wmp, {}, {}, nc);
    EXPECT_NE(t.nic, nullptr);
    EXPECT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
    return t;
  }

  HTAPI_LINE OpenLine(const stack::WanTopology& t) {
    HTAPI_LINE line = 0;
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
    return line;
  }

  void Connect(const stack::WanTopology& t, HTAPI_LINE* line, HTAPI_CALL* call) {
    *line = OpenLine(t);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(*line, "5551234", call); }),
              NDIS_STATUS_SUCCESS);
    Pump(t, 10);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(*call); }), NDIS_STATUS_SUCCESS);
    Pump(t, 2);
  }

  // Indicates `e` as the WAN miniport would (needs a deserialized WMP: the
  // harness runs at PASSIVE_LEVEL), then closes the bracket.
  void IndicateAsWmp(const stack::WanTopology& t, NDIS_TAPI_EVENT* e, UINT size) {
    NDIS_HANDLE mh = t.wmp->adapter(0).handle;
    stack().As(t.wmp_id, [&] {
      NdisMIndicateStatus(mh, NDIS_STATUS_TAPI_INDICATION, e, size);
      NdisMIndicateStatusComplete(mh);
      return 0;
    });
    stack().Settle();
  }

  static stack::WanTopology BuildWith(stack::Stack& s,
                                      std::unique_ptr<drivers::Wmp> (*make)(drivers::WmpConfig)) {
    stack::WanTopologyParts parts;
    parts.nic.channel_count = 1;
    parts.wmp = [make](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
      drivers::WmpConfig c;
      c.nics = {&n};
      c.raise_interrupt = std::move(raise);
      return make(c);
    };
    return stack::BuildWanTopology(s, parts);
  }
};

TEST_P(TapiIndication, CallStateIndicationsCarryOpenHtLineLiveHtCallAndEveryTransition) {
  NDISCONF_RULES("WAN-060", "WAN-061", "WAN-064", "WAN-066");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  // Every TAPI indication reached NDISTAPI decoded from a full NDIS_TAPI_EVENT
  // (none refused), on the open line, for the live call.
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);
  EXPECT_EQ(t.ndiswan->counters().tapi_events, t.ndiswan->tapi_events().size());
  std::vector<ULONG> states;
  for (const auto& e : t.ndiswan->tapi_events()) {
    EXPECT_EQ(e.ht_line, line);
    ASSERT_EQ(e.msg, static_cast<ULONG>(LINE_CALLSTATE));
    EXPECT_EQ(e.ht_call, call);
    EXPECT_EQ(e.param3, static_cast<ULONG_PTR>(LINEMEDIAMODE_DIGITALDATA));
    states.push_back(static_cast<ULONG>(e.param1));
  }
  // Each transition of the call was indicated, in order, none filtered:
  // dialling, proceeding, the peer ringing, connected, idle after DROP.
  EXPECT_EQ(states, (std::vector<ULONG>{LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING,
                                        LINECALLSTATE_RINGBACK, LINECALLSTATE_CONNECTED,
                                        LINECALLSTATE_IDLE}));
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->states, states);
}

TEST_P(TapiIndication, NewCallGetsNdistapiHtCallInParam2ThenOfferingWithMediaMode) {
  NDISCONF_RULES("WAN-062");
  stack::WanTopology t = Topology();
  const HTAPI_LINE line = OpenLine(t);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(t, 2);
  const auto& ev = t.ndiswan->tapi_events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].msg, static_cast<ULONG>(LINE_NEWCALL));
  EXPECT_EQ(ev[0].ht_line, line);
  const HTAPI_CALL call = ev[0].param2;  // written by NDISTAPI before the indication returned
  EXPECT_NE(call, 0u);
  EXPECT_EQ(ev[0].ht_call, call);
  EXPECT_EQ(ev[0].param3, 0u);
  const wan::TapiCall* tc = t.ndiswan->core().FindCall(call);
  ASSERT_NE(tc, nullptr);
  EXPECT_TRUE(tc->inbound);
  EXPECT_EQ(tc->hd_call, ev[0].param1);
  // The miniport took that htCall: the LINE_CALLSTATE OFFERING that follows carries it.
  EXPECT_EQ(ev[1].msg, static_cast<ULONG>(LINE_CALLSTATE));
  EXPECT_EQ(ev[1].ht_call, call);
  EXPECT_EQ(ev[1].param1, static_cast<ULONG_PTR>(LINECALLSTATE_OFFERING));
  EXPECT_EQ(ev[1].param3, static_cast<ULONG_PTR>(LINEMEDIAMODE_DIGITALDATA));
}

TEST_P(TapiIndication, IncomingCallIsNotIndicatedWithoutMatchingMediaDetection) {
  NDISCONF_RULES("WAN-063");
  stack::WanTopology t = Topology();
  const HTAPI_LINE line = OpenLine(t);
  // No SET_DEFAULT_MEDIA_DETECTION yet: the line is outbound-only.
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  Pump(t, 2);
  EXPECT_TRUE(t.ndiswan->tapi_events().empty());
  // Detection for data-modem calls only: a digital-data call is not offered.
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DATAMODEM); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "2", nic::Bearer::kDigitalData),
            nic::OpStatus::kOk);
  Pump(t, 2);
  EXPECT_TRUE(t.ndiswan->tapi_events().empty());
  EXPECT_TRUE(t.ndiswan->core().calls().empty());
  // The latest successful request counts: digital data is now offered.
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "3", nic::Bearer::kDigitalData),
            nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_FALSE(t.ndiswan->tapi_events().empty());
  EXPECT_EQ(t.ndiswan->tapi_events()[0].msg, static_cast<ULONG>(LINE_NEWCALL));
}

TEST_P(TapiIndication, LineDevStateRingingOnlyWhenEnabledBySetStatusMessages) {
  NDISCONF_RULES("WAN-065");
  stack::WanTopology t = Topology();
  const HTAPI_LINE line = OpenLine(t);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  auto ringing = [&] {
    size_t n = 0;
    for (const auto& e : t.ndiswan->tapi_events()) {
      if (e.msg == LINE_LINEDEVSTATE && e.param1 == LINEDEVSTATE_RINGING) ++n;
    }
    return n;
  };
  // Initially every line state is disabled.
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  Pump(t, 2);
  EXPECT_EQ(ringing(), 0u);
  const HTAPI_CALL first = t.ndiswan->core().calls().rbegin()->first;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(first); }), NDIS_STATUS_SUCCESS);
  // Enabled: the next offer also rings, as a line event (htCall 0).
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->SetStatusMessages(line, LINEDEVSTATE_RINGING, 0); }),
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "2"), nic::OpStatus::kOk);
  Pump(t, 2);
  EXPECT_EQ(ringing(), 1u);
  EXPECT_EQ(t.ndiswan->tapi_events().back().ht_call, 0u);
  EXPECT_EQ(t.ndiswan->tapi_events().back().ht_line, line);
}

TEST_P(TapiIndication, ResetForcingReinitIndicatesLineDevStateReinitUnfiltered) {
  NDISCONF_RULES("WAN-067", "WAN-065");
  drivers::WmpConfig c;
  c.reinit_after_reset = true;
  c.deserialized = true;  // the test calls the reset handler from PASSIVE_LEVEL
  stack::WanTopology t = Topology(c);
  const HTAPI_LINE line = OpenLine(t);  // no SET_STATUS_MESSAGES: nothing enabled
  BOOLEAN addressing = TRUE;
  stack().As(t.wmp_id, [&] { return t.wmp->OnReset(t.wmp->mutable_adapter(0), &addressing); });
  stack().Settle();
  Pump(t, 5);
  ASSERT_EQ(t.ndiswan->tapi_events().size(), 1u);
  const wan::TapiEvent& e = t.ndiswan->tapi_events()[0];
  EXPECT_EQ(e.msg, static_cast<ULONG>(LINE_LINEDEVSTATE));
  EXPECT_EQ(e.param1, static_cast<ULONG_PTR>(LINEDEVSTATE_REINIT));
  EXPECT_EQ(e.ht_line, line);
  EXPECT_EQ(e.ht_call, 0u);
}

TEST_P(TapiIndication, UnknownMessageIsRecordedWithReasonAndNotDelivered) {
  NDISCONF_RULES("WAN-068");
  drivers::WmpConfig c;
  c.deserialized = true;
  stack::WanTopology t = Topology(c);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  const wan::Counters before = t.ndiswan->counters();
  const size_t delivered = t.ndiswan->tapi_events().size();
  const size_t rejections = t.ndiswan->core().rejections().size();
  // LINE_REPLY ("not used") and a code outside every LINE_* range.
  for (ULONG msg : {ULONG{LINE_REPLY}, ULONG{777}}) {
    NDIS_TAPI_EVENT e;
    std::memset(&e, 0, sizeof(e));
    e.htLine = line;
    e.ulMsg = msg;
    IndicateAsWmp(t, &e, sizeof(e));
  }
  const wan::Counters& now = t.ndiswan->counters();
  EXPECT_EQ(now.indications, before.indications + 2);  // nothing lost on the way
  EXPECT_EQ(now.Rejected(wan::Reason::kTapiUnknownMessage),
            before.Rejected(wan::Reason::kTapiUnknownMessage) + 2);
  EXPECT_EQ(now.tapi_events, before.tapi_events);
  EXPECT_EQ(t.ndiswan->tapi_events().size(), delivered);
  ASSERT_EQ(t.ndiswan->core().rejections().size(), rejections + 2);
  const wan::Rejection& r = t.ndiswan->core().rejections().back();
  EXPECT_EQ(r.reason, wan::Reason::kTapiUnknownMessage);
  EXPECT_EQ(r.general_status, NDIS_STATUS_TAPI_INDICATION);
  EXPECT_EQ(r.context, 777u);
  EXPECT_STREQ(wan::ToString(r.reason), "tapi_unknown_message");
  // Every message of concern is still decoded: the call is intact.
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
}

TEST_P(TapiIndication, EventsNamingUnknownLineOrCallAreRecordedAndFlagged) {
  NDISCONF_RULES("WAN-061");
  drivers::WmpConfig c;
  c.deserialized = true;
  stack::WanTopology t = Topology(c);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  const wan::Counters before = t.ndiswan->counters();
  const size_t delivered = t.ndiswan->tapi_events().size();
  NDIS_TAPI_EVENT stranger_line;
  std::memset(&stranger_line, 0, sizeof(stranger_line));
  stranger_line.htLine = 0x5151;
  stranger_line.ulMsg = LINE_LINEDEVSTATE;
  stranger_line.ulParam1 = LINEDEVSTATE_REINIT;
  IndicateAsWmp(t, &stranger_line, sizeof(stranger_line));
  NDIS_TAPI_EVENT stranger_call;
  std::memset(&stranger_call, 0, sizeof(stranger_call));
  stranger_call.htLine = line;
  stranger_call.htCall = 0x7373;
  stranger_call.ulMsg = LINE_CALLSTATE;
  stranger_call.ulParam1 = LINECALLSTATE_IDLE;
  IndicateAsWmp(t, &stranger_call, sizeof(stranger_call));
  const wan::Counters& now = t.ndiswan->counters();
  EXPECT_EQ(now.Rejected(wan::Reason::kTapiUnknownLine),
            before.Rejected(wan::Reason::kTapiUnknownLine) + 1);
  EXPECT_EQ(now.Rejected(wan::Reason::kTapiUnknownCall),
            before.Rejected(wan::Reason::kTapiUnknownCall) + 1);
  EXPECT_EQ(now.rejected_total(), before.rejected_total() + 2);
  EXPECT_EQ(t.ndiswan->tapi_events().size(), delivered);
  const auto& rs = t.ndiswan->core().rejections();
  ASSERT_GE(rs.size(), 2u);
  EXPECT_EQ(rs[rs.size() - 2].context, 0x5151u);
  EXPECT_EQ(rs.back().context, 0x7373u);
  // The real call did not move to IDLE.
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  // Both indications break WAN-061, and the monitor says so.
  ExpectViolation("WAN-061");
}

TEST_P(TapiIndication, ShortTapiEventBufferIsFlaggedAndRefusedUnread) {
  NDISCONF_RULES("WAN-060");
  drivers::WmpConfig c;
  c.deserialized = true;
  stack::WanTopology t = Topology(c);
  const HTAPI_LINE line = OpenLine(t);
  const wan::Counters before = t.ndiswan->counters();
  NDIS_TAPI_EVENT e;
  std::memset(&e, 0, sizeof(e));
  e.htLine = line;
  e.ulMsg = LINE_CLOSE;
  IndicateAsWmp(t, &e, 24);  // the x86 size, not this ABI's 48
  EXPECT_EQ(t.ndiswan->counters().Rejected(wan::Reason::kShortBuffer),
            before.Rejected(wan::Reason::kShortBuffer) + 1);
  EXPECT_TRUE(t.ndiswan->core().FindLine(line)->open);  // LINE_CLOSE not acted on
  ExpectViolation("WAN-060");
}

// A miniport that offers incoming calls on lines with no media detection.
class IgnoresMediaDetection : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    NDIS_STATUS s = Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
    if (oid == OID_TAPI_OPEN && s == NDIS_STATUS_SUCCESS) {
      for (drivers::WmpLine& l : a.lines) l.media_modes = config_.supported_media_modes;
    }
    return s;
  }
};

TEST_P(TapiIndication, MonitorFlagsIncomingCallOnOutboundOnlyLine) {
  NDISCONF_RULES("WAN-063");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::WanTopology t =
      BuildWith(NewStack(), [](drivers::WmpConfig c) -> std::unique_ptr<drivers::Wmp> {
        return std::make_unique<IgnoresMediaDetection>(c);
      });
  ASSERT_NE(t.nic, nullptr);
  OpenLine(t);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_FALSE(t.ndiswan->tapi_events().empty());
  EXPECT_EQ(t.ndiswan->tapi_events()[0].msg, static_cast<ULONG>(LINE_NEWCALL));
  ExpectViolation("WAN-063");
}

// A miniport that reports line states nobody enabled.
class UnfilteredLineStates : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    NDIS_STATUS s = Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
    if (oid == OID_TAPI_OPEN && s == NDIS_STATUS_SUCCESS) {
      for (drivers::WmpLine& l : a.lines) l.line_states = LINEDEVSTATE_RINGING;
    }
    return s;
  }
};

TEST_P(TapiIndication, MonitorFlagsLineDevStateNotEnabled) {
  NDISCONF_RULES("WAN-065");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::WanTopology t =
      BuildWith(NewStack(), [](drivers::WmpConfig c) -> std::unique_ptr<drivers::Wmp> {
        return std::make_unique<UnfilteredLineStates>(c);
      });
  ASSERT_NE(t.nic, nullptr);
  const HTAPI_LINE line = OpenLine(t);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_FALSE(t.ndiswan->tapi_events().empty());
  EXPECT_EQ(t.ndiswan->tapi_events().back().msg, static_cast<ULONG>(LINE_LINEDEVSTATE));
  ExpectViolation("WAN-065");
}

NDISCONF_INSTANTIATE(TapiIndication);

}  // namespace
}  // namespace ndisconf::conformance
