// Conformance: end-to-end WAN scenarios on the software NIC (spec Appendix A
// W1-W3 and beyond): dial and connect, a speed change, a CRC storm from a
// fault plan, link loss, and a reconnect on a new call. Each step checks
// what every layer saw: the miniport's indications, NDISWAN's counters, the
// protocol's timers (degraded before the line-up and after the line-down,
// normal while up); the fixture's TearDown requires a clean monitor verdict.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <string>

#include "conformance/framework/fixture.h"
#include "reference/nic/fault_plan.h"

namespace ndisconf::conformance {
namespace {

namespace wan = ::ndisconf::drivers::wan;
using drivers::WanLinkSends;
using drivers::WanLowerBinding;
using drivers::WanRequestRecord;

using drivers::TimerMode;

class WanScenario : public ConformanceTest {
 protected:
  void Build() {
    nic::SoftNicConfig nc;
    nc.channel_count = 1;
    t_ = WanTopology({}, {}, {}, nc);
    ASSERT_NE(t_.nic, nullptr);
    ASSERT_EQ(t_.wmp_init_status, NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->Open(0, 0, &line_); }), NDIS_STATUS_SUCCESS);
  }

  // Dial, let the peer answer, GET_ID: returns the new call's link.
  const wan::Link* Dial(HTAPI_CALL* call) {
    EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->MakeCall(line_, "5551234", call); }),
              NDIS_STATUS_SUCCESS);
    Pump(t_, 10);
    // Dialled and answered, but no line-up yet: the protocol stays degraded.
    EXPECT_EQ(t_.proto->mode(), TimerMode::kDegraded);
    EXPECT_EQ(t_.proto->timeout(), t_.proto->config().degraded_timeout);
    EXPECT_EQ(t_.proto->retries(), t_.proto->config().degraded_retries);
    EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->GetCallId(*call); }), NDIS_STATUS_SUCCESS);
    Pump(t_, 2);
    return t_.ndiswan->core().FindLinkForCall(*call);
  }

  void ExpectNormal(const wan::Link& link) {
    const drivers::WpLink* pl = t_.proto->link(link.upper);
    ASSERT_NE(pl, nullptr);
    EXPECT_TRUE(pl->up);
    EXPECT_EQ(pl->mode, TimerMode::kNormal);
    EXPECT_EQ(t_.proto->mode(), TimerMode::kNormal);
    EXPECT_EQ(t_.proto->timeout(), t_.proto->config().normal_timeout);
    EXPECT_EQ(t_.proto->retries(), t_.proto->config().normal_retries);
  }

  void InstallPlan(const std::string& text) {
    nic::ParseResult p = nic::ParseFaultPlan(text);
    ASSERT_TRUE(p.ok()) << p.error.ToString();
    std::string error;
    ASSERT_TRUE(t_.nic->SetFaultPlan(*p.plan, &error)) << error;
  }

  stack::WanTopology t_;
  HTAPI_LINE line_ = 0;
};

TEST_P(WanScenario, DialConnectSpeedChangeCrcStormLinkLossAndReconnect) {
  NDISCONF_RULES("WAN-036", "WAN-041", "WAN-024", "WAN-032", "WAN-052", "WAN-054", "WAN-087");
  ASSERT_NO_FATAL_FAILURE(Build());

  // ---- Dial and connect. ----
  HTAPI_CALL call = 0;
  const wan::Link* link = Dial(&call);
  ASSERT_NE(link, nullptr);
  const wan::LinkContext first_context = link->context;
  const wan::UpperLinkId first_upper = link->upper;
  EXPECT_EQ(t_.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  EXPECT_EQ(t_.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(t_.wmp->adapter(0).counts.line_up, 1u);
  ExpectNormal(*link);
  EXPECT_EQ(link->link_speed, 640u);  // 64 kbit/s in 100 bps units

  // ---- Speed change: an update line-up, forwarded. ----
  InstallPlan("fault at=0 ch=0 kind=speed bps=128000\n");
  Pump(t_, 3);
  EXPECT_EQ(t_.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(t_.ndiswan->counters().line_up_updates, 1u);
  EXPECT_EQ(link->link_speed, 1280u);
  EXPECT_EQ(t_.proto->link(first_upper)->link_speed, 1280u);
  EXPECT_EQ(t_.proto->link(first_upper)->line_ups, 2u);
  ExpectNormal(*link);

  // ---- CRC storm: 40 receive errors, each indicated, counted once, notified once. ----
  constexpr uint64_t kStorm = 40;
  std::string plan;
  const uint64_t now = t_.nic->now();
  for (uint64_t i = 1; i <= kStorm; ++i) {
    plan += "fault at=" + std::to_string(now + i) + " ch=0 kind=crc when=now\n";
  }
  InstallPlan(plan);
  const uint64_t wmp_fragments = t_.wmp->adapter(0).counts.fragment;
  Pump(t_, kStorm + 5);
  Pump(t_, 200);  // the notifications drain at the line rate
  EXPECT_EQ(t_.wmp->adapter(0).counts.fragment, wmp_fragments + kStorm);
  EXPECT_EQ(link->fragments, kStorm);  // per link, exactly once each
  EXPECT_EQ(link->fragment_errors_seen, static_cast<ULONG>(WAN_ERROR_CRC));
  EXPECT_EQ(t_.ndiswan->counters().fragments, kStorm);
  const drivers::WpLink* pl = t_.proto->link(first_upper);
  EXPECT_EQ(pl->fragments, kStorm);
  EXPECT_EQ(pl->notifications_sent, kStorm);  // one notification per fragment
  EXPECT_EQ(pl->notifications_failed, 0u);
  EXPECT_EQ(t_.proto->outstanding_sends(), 0u);
  const WanLinkSends* sends = t_.ndiswan->sends(first_context);
  ASSERT_NE(sends, nullptr);
  EXPECT_EQ(sends->passed_down, kStorm);
  EXPECT_EQ(sends->completed, kStorm);
  EXPECT_LE(sends->max_outstanding, link->send_window);
  ExpectNormal(*link);

  // ---- Link loss: line-down, DISCONNECTED, timers degraded. ----
  InstallPlan("fault at=0 ch=0 kind=link-loss\n");
  Pump(t_, 3);
  EXPECT_EQ(link->state, wan::LinkState::kDown);
  EXPECT_EQ(t_.ndiswan->counters().line_downs, 1u);
  EXPECT_EQ(t_.wmp->adapter(0).counts.line_down, 1u);
  const wan::TapiCall* tc = t_.ndiswan->core().FindCall(call);
  EXPECT_EQ(tc->state, static_cast<ULONG>(LINECALLSTATE_DISCONNECTED));
  EXPECT_EQ(tc->state_detail, static_cast<ULONG_PTR>(LINEDISCONNECTMODE_UNKNOWN));
  EXPECT_FALSE(t_.proto->link(first_upper)->up);
  EXPECT_EQ(t_.proto->link(first_upper)->mode, TimerMode::kDegraded);
  EXPECT_EQ(t_.proto->mode(), TimerMode::kDegraded);
  EXPECT_EQ(t_.proto->timeout(), t_.proto->config().degraded_timeout);
  ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);

  // ---- Reconnect: a new call, a new line-up, a new unique NdisLinkContext. ----
  InstallPlan("");
  HTAPI_CALL again = 0;
  const wan::Link* relink = Dial(&again);
  ASSERT_NE(relink, nullptr);
  EXPECT_NE(again, call);
  EXPECT_NE(relink->context, first_context);
  EXPECT_FALSE(relink->upper == first_upper);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(relink->connection_wrapper_id), again);
  EXPECT_EQ(relink->fragments, 0u);
  EXPECT_EQ(t_.ndiswan->counters().line_ups, 2u);
  EXPECT_EQ(t_.ndiswan->get_id_mismatches(), 0u);
  ExpectNormal(*relink);
  EXPECT_EQ(t_.proto->link(first_upper)->mode, TimerMode::kDegraded);  // the old link stays down

  // Nothing anywhere was refused; teardown is clean (TearDown checks the monitor).
  EXPECT_EQ(t_.ndiswan->counters().rejected_total(), 0u);
  EXPECT_EQ(t_.proto->counters().malformed, 0u);
  EXPECT_EQ(t_.proto->counters().unknown_link, 0u);
  ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->Drop(again); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->CloseCall(again); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t_.ndiswan->counters().line_downs, 2u);
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->Close(line_); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->ProviderShutdown(0); }), NDIS_STATUS_SUCCESS);
  for (const WanRequestRecord& r : t_.ndiswan->requests())
    EXPECT_TRUE(r.completed) << std::hex << r.oid;
}

TEST_P(WanScenario, CrcStormOnInjectedFramesCountsEachFragmentOnceAndNotifiesOnce) {
  NDISCONF_RULES("WAN-052", "WAN-054", "WAN-051");
  ASSERT_NO_FATAL_FAILURE(Build());
  HTAPI_CALL call = 0;
  const wan::Link* link = Dial(&call);
  ASSERT_NE(link, nullptr);
  // Mixed errors on real frames: crc, framing and a partial frame with two bits.
  InstallPlan(
      "fault at=0 ch=0 kind=crc\n"
      "fault at=0 ch=0 kind=framing\n");  // armed together: one frame, CRC|FRAMING
  Pump(t_, 1);
  const uint8_t frame[] = {0x7E, 1, 2, 3, 4, 5};
  ASSERT_EQ(t_.nic->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);
  Pump(t_, 1);
  InstallPlan("fault at=0 ch=0 kind=partial keep=2 errors=crc|timeout\n");
  Pump(t_, 1);
  ASSERT_EQ(t_.nic->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);
  ASSERT_EQ(t_.nic->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);  // a clean one
  Pump(t_, 50);
  EXPECT_EQ(link->fragments, 2u);
  EXPECT_EQ(link->fragment_errors_seen,
            static_cast<ULONG>(WAN_ERROR_CRC | WAN_ERROR_FRAMING | WAN_ERROR_TIMEOUT));
  EXPECT_EQ(link->receives, 1u);
  EXPECT_EQ(t_.ndiswan->counters().Warned(wan::Warning::kFragmentErrorsZero), 0u);
  const drivers::WpLink* pl = t_.proto->link(link->upper);
  EXPECT_EQ(pl->fragments, 2u);
  EXPECT_EQ(pl->notifications_sent, 2u);
  ExpectNormal(*link);
}

NDISCONF_INSTANTIATE(WanScenario);

}  // namespace
}  // namespace ndisconf::conformance
