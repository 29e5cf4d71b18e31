// Conformance: NdisMIndicateStatus in general (spec 5.11, 2.9): NDIS hands
// each indication to every bound protocol unchanged, closes the bracket with
// ProtocolStatusComplete, and records and refuses indications made from the
// wrong context (WAN-002/003/004, OpenQuestionPolicy::wan_context_violations_refused).
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndiswan.h>

#include <functional>
#include <memory>
#include <string>

#include "conformance/framework/fixture.h"
#include "conformance/suites/wan/scripted_wmp.h"

namespace ndisconf::conformance {
namespace {

using drivers::Wmp;
using drivers::WmpAdapter;
using drivers::WmpConfig;

// How a test-local WMP misbehaves (each breaks one rule).
enum class Misstep {
  kIndicateFromIsr,       // WAN-002
  kIndicateWithLockHeld,  // WAN-003
  kNeverComplete,         // WAN-010
  kBatchOfThree,          // legal: three indications, one complete
};

class MisstepWmp : public Wmp {
 public:
  MisstepWmp(WmpConfig c, Misstep m) : Wmp(std::move(c)), m_(m) {}
  bool armed = false;
  void OnIsr(WmpAdapter& a, PBOOLEAN recognized, PBOOLEAN queue_dpc) override {
    Wmp::OnIsr(a, recognized, queue_dpc);
    if (armed && m_ == Misstep::kIndicateFromIsr) {
      armed = false;
      Indicate(a, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);  // the DPC completes the bracket
    }
  }
  void OnHandleInterrupt(WmpAdapter& a) override {
    if (armed && m_ == Misstep::kIndicateWithLockHeld) {
      armed = false;
      NdisAcquireSpinLock(&a.lock);
      NdisMIndicateStatus(a.handle, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);
      NdisReleaseSpinLock(&a.lock);
    }
    if (armed && m_ == Misstep::kBatchOfThree) {
      armed = false;
      for (int i = 0; i < 3; ++i) Indicate(a, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);
    }
    Wmp::OnHandleInterrupt(a);
    if (armed && m_ == Misstep::kNeverComplete) {
      armed = false;
      NdisMIndicateStatus(a.handle, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);  // no complete follows
    }
  }

 private:
  Misstep m_;
};

class StatusIndication : public ConformanceTest {
 protected:
  stack::WanTopology Topology(std::function<std::unique_ptr<Wmp>(const WmpConfig&)> make,
                              WmpConfig wmp = {}) {
    stack::Stack& s = NewStack();
    stack::WanTopologyParts parts;
    parts.wmp = [&](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
      WmpConfig c = wmp;
      c.nics = {&n};
      c.raise_interrupt = std::move(raise);
      return make(c);
    };
    parts.ndiswan = [&] { return conformance::MakeNdiswan(impl(), {}); };
    parts.proto = [&] { return conformance::MakeWanProto(impl(), {}); };
    stack::WanTopology t = stack::BuildWanTopology(s, parts);
    EXPECT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
    return t;
  }
  stack::WanTopology MisstepTopology(Misstep m) {
    return Topology([m](const WmpConfig& c) { return std::make_unique<MisstepWmp>(c, m); });
  }
  // A ScriptedWmp topology with one outbound call connected; its link.
  const drivers::wan::Link* ScriptedConnect(stack::WanTopology* t, HTAPI_CALL* call) {
    *t = Topology([](const WmpConfig& c) { return std::make_unique<ScriptedWmp>(c); });
    if (t->nic == nullptr) return nullptr;
    EXPECT_TRUE(Connect(*t, call));
    return t->ndiswan->core().FindLinkForCall(*call);
  }
  ScriptedWmp& Script(const stack::WanTopology& t) { return *static_cast<ScriptedWmp*>(t.wmp); }
  void RunDpc(const stack::WanTopology& t) {
    model().RaiseInterrupt(t.lower);
    stack().Settle();
  }
  // Indications (NdisMIndicateStatus or its Complete) the model refused,
  // not forwarding them, for the calling context `rule` forbids.
  size_t RejectionsNaming(spec::RuleId rule) {
    size_t n = 0;
    for (const ndis::Rejection& r : model().rejections()) {
      n += (r.fn == Fn::NdisMIndicateStatus || r.fn == Fn::NdisMIndicateStatusComplete) &&
           r.status == NDIS_STATUS_FAILURE && r.reason == ndis::Reason::kIndicationContext &&
           r.rule == rule;
    }
    return n;
  }
};

TEST_P(StatusIndication, EveryWmpIndicationReachesNdiswanAndEachBracketIsCompleted) {
  NDISCONF_RULES("WAN-001", "WAN-007", "WAN-010", "WAN-011");
  stack::WanTopology t = WanTopology();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t, &call));
  ASSERT_EQ(t.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t, 3);
  const drivers::WmpCounts& w = t.wmp->adapter(0).counts;
  const drivers::wan::Counters& c = t.ndiswan->counters();
  // WAN-001: one ProtocolStatus per indication (NDISWAN is the only binding).
  EXPECT_EQ(c.indications, w.line_up + w.line_down + w.fragment + w.tapi);
  EXPECT_EQ(c.line_ups, w.line_up);
  EXPECT_EQ(c.line_downs, w.line_down);
  // WAN-010 / WAN-011: each of the WMP's completes reached NDISWAN.
  EXPECT_GE(w.status_complete, 1u);
  EXPECT_EQ(c.status_completes, w.status_complete);
  EXPECT_FALSE(t.wmp->adapter(0).bracket_open);
  // WAN-007: NDISWAN forwarded the line-up and line-down to its protocol.
  ASSERT_EQ(t.ndiswan->forwarded().size(), 2u);
  EXPECT_TRUE(t.ndiswan->forwarded()[0].to_protocols);
  EXPECT_EQ(t.proto->counters().indications, 2u);
  EXPECT_EQ(t.proto->counters().status_completes, 2u);
  EXPECT_TRUE(t.ndiswan->config_manager_log().empty());
}

TEST_P(StatusIndication, IndicationFromMiniportIsrIsRecordedAndNotForwarded) {
  NDISCONF_RULES("WAN-002", "WAN-004");
  stack::WanTopology t = MisstepTopology(Misstep::kIndicateFromIsr);
  ASSERT_NE(t.nic, nullptr);
  const uint64_t before = t.ndiswan->counters().indications;
  static_cast<MisstepWmp*>(t.wmp)->armed = true;
  model().RaiseInterrupt(t.lower);
  stack().Settle();
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN002), 1u);
  EXPECT_EQ(t.ndiswan->counters().indications, before);
  ExpectViolation("WAN-002");
  // MiniportISR runs at device IRQL, above DISPATCH_LEVEL.
  ExpectViolation("WAN-004");
}

TEST_P(StatusIndication, IndicationWithASpinLockHeldIsRecordedAndNotForwarded) {
  NDISCONF_RULES("WAN-003");
  stack::WanTopology t = MisstepTopology(Misstep::kIndicateWithLockHeld);
  ASSERT_NE(t.nic, nullptr);
  const uint64_t before = t.ndiswan->counters().indications;
  static_cast<MisstepWmp*>(t.wmp)->armed = true;
  model().RaiseInterrupt(t.lower);
  stack().Settle();
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN003), 1u);
  EXPECT_EQ(t.ndiswan->counters().indications, before);
  // The monitor sees the lock taken and the indication made under it, from
  // the events alone (as in a recorded trace).
  ExpectViolation("WAN-003");
}

// A refused indication changes nothing: NDISWAN never saw it, so what it
// would have done is not done. A line-down under a spin lock leaves the link
// up, and NDISWAN's next send on it is a send on an established link.
TEST_P(StatusIndication, LineDownRefusedUnderASpinLockLeavesTheLinkUpForSends) {
  NDISCONF_RULES("WAN-003", "WAN-033");
  stack::WanTopology t;
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = ScriptedConnect(&t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  NDIS_MAC_LINE_DOWN down{link->context.handle()};
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down), /*under_lock=*/true});
  RunDpc(t);
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN003), 1u);
  EXPECT_EQ(t.ndiswan->counters().indications, before.indications);
  EXPECT_EQ(t.ndiswan->counters().line_downs, before.line_downs);
  EXPECT_EQ(link->state, drivers::wan::LinkState::kUp);
  // WAN-033: the link is established for NDISWAN; the send reaches
  // MiniportWanSend (and the monitor, which saw the line-down refused,
  // accepts it).
  const drivers::WanLinkSends* sends = t.ndiswan->sends(link->context);
  const uint64_t passed = sends != nullptr ? sends->passed_down : 0;
  stack().As(t.proto_id, [&] { return t.proto->Send(0, link->upper, 40); });
  stack().Settle();
  Pump(t, 20);
  sends = t.ndiswan->sends(link->context);
  ASSERT_NE(sends, nullptr);
  EXPECT_EQ(sends->passed_down, passed + 1);
  EXPECT_EQ(sends->completed, sends->passed_down);
  ExpectViolation("WAN-003");
}

// The same refused line-down, then an initial line-up (NULL context) for the
// link's NdisLinkHandle: the link is still up for NDISWAN, so the line-up
// establishes no new link and NDISWAN writes no context (WAN-024 with
// exceptions.md E-11: a duplicate is refused and its buffer left untouched).
TEST_P(StatusIndication, InitialLineUpAfterARefusedLineDownIsRefusedAsADuplicate) {
  NDISCONF_RULES("WAN-003", "WAN-024");
  stack::WanTopology t;
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = ScriptedConnect(&t, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  const size_t links = t.ndiswan->core().links().size();
  NDIS_MAC_LINE_DOWN down{link->context.handle()};
  NDIS_MAC_LINE_UP again{};
  again.LinkSpeed = 640;
  again.ConnectionWrapperID = reinterpret_cast<NDIS_HANDLE>(call);
  again.NdisLinkHandle = link->link_handle;
  again.NdisLinkContext = nullptr;
  Script(t).Queue({NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down), /*under_lock=*/true});
  Script(t).Queue({NDIS_STATUS_WAN_LINE_UP, &again, sizeof(again), /*under_lock=*/false});
  RunDpc(t);
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN003), 1u);
  const drivers::wan::Counters& c = t.ndiswan->counters();
  EXPECT_EQ(c.indications, before.indications + 1);
  EXPECT_EQ(c.line_downs, before.line_downs);
  EXPECT_EQ(c.line_ups, before.line_ups);
  EXPECT_EQ(c.Rejected(drivers::wan::Reason::kDuplicateLineUp),
            before.Rejected(drivers::wan::Reason::kDuplicateLineUp) + 1);
  EXPECT_EQ(again.NdisLinkContext, nullptr);
  EXPECT_EQ(t.ndiswan->core().links().size(), links);
  EXPECT_EQ(link->state, drivers::wan::LinkState::kUp);
  ExpectViolation("WAN-003");
  // The miniport's own mistakes, reported by the monitor: a NULL context
  // for a handle whose link is up (not kept, WAN-025), outside
  // OID_TAPI_GET_ID (WAN-021). No WAN-024: NDISWAN owed no context.
  ExpectViolation("WAN-025");
  ExpectViolation("WAN-021");
}

TEST_P(StatusIndication, SerializedMiniportBelowDispatchLevelIsRecordedAndNotForwarded) {
  NDISCONF_RULES("WAN-004");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  const uint64_t before = t.ndiswan->counters().indications;
  NDIS_HANDLE mh = t.wmp->adapter(0).handle;
  stack().As(t.wmp_id, [&] {  // the harness runs at PASSIVE_LEVEL
    NdisMIndicateStatus(mh, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);
    NdisMIndicateStatusComplete(mh);
    return 0;
  });
  stack().Settle();
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN004), 2u);
  EXPECT_EQ(t.ndiswan->counters().indications, before);
  ExpectViolation("WAN-004");
}

TEST_P(StatusIndication, DeserializedMiniportBelowDispatchLevelIsForwarded) {
  NDISCONF_RULES("WAN-004", "WAN-001");
  drivers::WmpConfig wc;
  wc.deserialized = true;
  stack::WanTopology t = WanTopology(wc);
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  NDIS_HANDLE mh = t.wmp->adapter(0).handle;
  stack().As(t.wmp_id, [&] {
    NdisMIndicateStatus(mh, NDIS_STATUS_MEDIA_BUSY, nullptr, 0);
    NdisMIndicateStatusComplete(mh);
    return 0;
  });
  stack().Settle();
  EXPECT_EQ(RejectionsNaming(spec::RuleId::kWAN004), 0u);
  EXPECT_EQ(t.ndiswan->counters().indications, before.indications + 1);
  EXPECT_EQ(t.ndiswan->counters().other_status, before.other_status + 1);
  EXPECT_EQ(t.ndiswan->counters().status_completes, before.status_completes + 1);
}

TEST_P(StatusIndication, OneCompleteMayCloseSeveralIndications) {
  NDISCONF_RULES("WAN-010", "WAN-011");
  stack::WanTopology t = MisstepTopology(Misstep::kBatchOfThree);
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  static_cast<MisstepWmp*>(t.wmp)->armed = true;
  model().RaiseInterrupt(t.lower);
  stack().Settle();
  EXPECT_EQ(t.ndiswan->counters().indications, before.indications + 3);
  EXPECT_EQ(t.ndiswan->counters().status_completes, before.status_completes + 1);
  EXPECT_TRUE(model().rejections().empty());
}

TEST_P(StatusIndication, BracketLeftOpenAtQuiesceIsReported) {
  NDISCONF_RULES("WAN-010");
  stack::WanTopology t = MisstepTopology(Misstep::kNeverComplete);
  ASSERT_NE(t.nic, nullptr);
  const drivers::wan::Counters before = t.ndiswan->counters();
  static_cast<MisstepWmp*>(t.wmp)->armed = true;
  model().RaiseInterrupt(t.lower);
  stack().Settle();
  EXPECT_EQ(t.ndiswan->counters().indications, before.indications + 1);
  EXPECT_EQ(t.ndiswan->counters().status_completes, before.status_completes);
  ExpectViolation("WAN-010");
}

// NDISWAN's virtual adapter is a WAN miniport too (WAN-010, WAN-011 there).
// A batch of three receive errors reaches the protocol as three indications;
// NdiswanConfig::upper_bracket decides how many ProtocolStatusComplete calls
// follow: one, when NDISWAN mirrors the miniport's single bracket (the
// default), or one per indication.
class NdiswanUpperBracket : public StatusIndication {
 protected:
  void Run(drivers::UpperBracket mode, uint64_t expected_completes) {
    drivers::NdiswanConfig nc;
    nc.upper_bracket = mode;
    stack::WanTopology t = WanTopology({}, nc);
    HTAPI_CALL call = 0;
    ASSERT_TRUE(Connect(t, &call));
    const drivers::WmpCounts& w = t.wmp->adapter(0).counts;
    const uint64_t fragments = w.fragment, wmp_completes = w.status_complete;
    const uint64_t up = t.proto->counters().indications;
    const uint64_t up_completes = t.proto->counters().status_completes;
    nic::ScheduledFault crc;
    crc.kind = nic::FaultKind::kCrc;
    crc.immediate = true;
    crc.channel = nic::ChannelId{0};
    for (int i = 0; i < 3; ++i) ASSERT_EQ(t.nic->InjectFault(crc), nic::OpStatus::kOk);
    stack().Settle();
    // The WMP: three fragment indications in one bracket.
    EXPECT_EQ(w.fragment, fragments + 3);
    EXPECT_EQ(w.status_complete, wmp_completes + 1);
    // The protocol above NDISWAN: three indications, and the completes the
    // mode gives; no bracket left open on either adapter (the monitor's
    // WAN-010 / WAN-011 checks run on both).
    EXPECT_EQ(t.proto->counters().indications, up + 3);
    EXPECT_EQ(t.proto->counters().status_completes, up_completes + expected_completes);
    EXPECT_FALSE(t.wmp->adapter(0).bracket_open);
  }
};

TEST_P(NdiswanUpperBracket, MirrorsTheMiniportsBracketByDefault) {
  NDISCONF_RULES("WAN-010", "WAN-011");
  EXPECT_EQ(drivers::NdiswanConfig{}.upper_bracket, drivers::UpperBracket::kMirrorLower);
  Run(drivers::UpperBracket::kMirrorLower, 1);
}

TEST_P(NdiswanUpperBracket, CompletesEachIndicationWhenConfigured) {
  NDISCONF_RULES("WAN-010", "WAN-011");
  Run(drivers::UpperBracket::kPerIndication, 3);
}

NDISCONF_INSTANTIATE(StatusIndication);
NDISCONF_INSTANTIATE(NdiswanUpperBracket);

}  // namespace
}  // namespace ndisconf::conformance
