// Conformance: NDIS WAN line-down and fragment indications (spec 5.13, 5.14;
// sequence W3), end to end over the NIC model: CRC and partial frames become
// fragments with the matching WAN_ERROR_* bits, counted per link by NDISWAN
// and forwarded to the protocol; link loss becomes a line-down that degrades
// the protocol's timers until a reconnect lines up again.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndiswan.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

using drivers::TimerMode;
using drivers::wan::Link;
using drivers::wan::LinkState;

// A WMP that, after bringing a link down, reports one more fragment on the
// link's old NdisLinkContext (breaks WAN-043).
class FragmentAfterLineDownWmp : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  void OnHandleInterrupt(drivers::WmpAdapter& a) override {
    std::vector<NDIS_HANDLE> up_before;
    for (const auto& l : a.links)
      if (l->up) up_before.push_back(l->link_context);
    Wmp::OnHandleInterrupt(a);
    for (const auto& l : a.links) {
      if (l->up || l->link_context == nullptr) continue;
      if (std::find(up_before.begin(), up_before.end(), l->link_context) == up_before.end())
        continue;
      stale_ = NDIS_MAC_FRAGMENT{l->link_context, WAN_ERROR_CRC};
      Indicate(a, NDIS_STATUS_WAN_FRAGMENT, &stale_, sizeof(stale_));
      CompleteBracket(a);
    }
  }

 private:
  NDIS_MAC_FRAGMENT stale_{};
};

class LineDownFragment : public ConformanceTest {
 protected:
  // One outbound call on line `line_index` with its link up (W1 2-6).
  const Link* Connect(const stack::WanTopology& t, ULONG device, HTAPI_LINE* line,
                      HTAPI_CALL* call) {
    if (t.ndiswan->bindings().empty() || !t.ndiswan->bindings()[0]->provider_up) {
      EXPECT_NE(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
    }
    if (*line == 0) {
      EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, device, line); }), NDIS_STATUS_SUCCESS);
    }
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->MakeCall(*line, "5551234", call); }),
              NDIS_STATUS_FAILURE);
    Pump(t, 10);
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->GetCallId(*call); }), NDIS_STATUS_FAILURE);
    Pump(t, 2);
    return t.ndiswan->core().FindLinkForCall(*call);
  }
  void Fault(const stack::WanTopology& t, nic::FaultKind kind, bool immediate, uint32_t ch = 0) {
    nic::ScheduledFault f;
    f.kind = kind;
    f.immediate = immediate;
    f.channel = nic::ChannelId{ch};
    f.partial_keep = 2;
    ASSERT_EQ(t.nic->InjectFault(f), nic::OpStatus::kOk);
  }
  void PeerFrame(const stack::WanTopology& t, uint32_t ch = 0) {
    const uint8_t frame[] = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(t.nic->InjectFrame(nic::ChannelId{ch}, frame), nic::OpStatus::kOk);
  }
};

TEST_P(LineDownFragment, CrcAndPartialFramesAreFragmentsWithTheirErrorBitsCountedPerLink) {
  NDISCONF_RULES("WAN-050", "WAN-051", "WAN-052", "WAN-053", "WAN-054");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  const Link* link = Connect(t, 0, &line, &call);
  ASSERT_NE(link, nullptr);
  const drivers::WpLink* pl = t.proto->link(link->upper);
  ASSERT_NE(pl, nullptr);
  const uint64_t passed_before =
      t.ndiswan->sends(link->context) ? t.ndiswan->sends(link->context)->passed_down : 0;

  Fault(t, nic::FaultKind::kCrc, /*immediate=*/false);
  PeerFrame(t);
  Pump(t, 3);
  EXPECT_EQ(link->fragments, 1u);
  EXPECT_EQ(link->fragment_errors_seen, static_cast<ULONG>(WAN_ERROR_CRC));

  Fault(t, nic::FaultKind::kPartialFrame, /*immediate=*/false);  // cut, framing
  PeerFrame(t);
  Pump(t, 3);
  EXPECT_EQ(link->fragments, 2u);
  EXPECT_EQ(link->fragment_errors_seen, static_cast<ULONG>(WAN_ERROR_CRC | WAN_ERROR_FRAMING));

  Fault(t, nic::FaultKind::kHwOverrun, /*immediate=*/true);
  Pump(t, 3);
  EXPECT_EQ(link->fragments, 3u);
  EXPECT_EQ(link->fragment_errors_seen,
            static_cast<ULONG>(WAN_ERROR_CRC | WAN_ERROR_FRAMING | WAN_ERROR_HARDWAREOVERRUN));

  EXPECT_EQ(t.ndiswan->counters().fragments, 3u);
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);
  EXPECT_EQ(t.ndiswan->counters().Warned(drivers::wan::Warning::kFragmentErrorsZero), 0u);
  size_t forwarded = 0;
  for (const drivers::UpperIndication& u : t.ndiswan->forwarded())
    forwarded += u.status == NDIS_STATUS_WAN_FRAGMENT && u.to_protocols && u.link == link->upper;
  EXPECT_EQ(forwarded, 3u);
  EXPECT_EQ(pl->fragments, 3u);
  // WAN-054: the protocol told the peer at once, each time: a frame went
  // down through NDISWAN to the miniport on that link.
  EXPECT_EQ(pl->notifications_sent, 3u);
  EXPECT_EQ(pl->notifications_failed, 0u);
  ASSERT_NE(t.ndiswan->sends(link->context), nullptr);
  EXPECT_EQ(t.ndiswan->sends(link->context)->passed_down, passed_before + 3);
  EXPECT_EQ(link->state, LinkState::kUp);
}

TEST_P(LineDownFragment, FragmentsAreCountedOnlyAgainstTheirOwnLink) {
  NDISCONF_RULES("WAN-052");
  nic::SoftNicConfig nc;
  nc.channel_count = 2;
  stack::WanTopology t = WanTopology({}, {}, {}, nc);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line0 = 0, line1 = 0;
  HTAPI_CALL call0 = 0, call1 = 0;
  const Link* l0 = Connect(t, 0, &line0, &call0);
  const Link* l1 = Connect(t, 1, &line1, &call1);
  ASSERT_NE(l0, nullptr);
  ASSERT_NE(l1, nullptr);
  ASSERT_NE(l0->context.value, l1->context.value);
  Fault(t, nic::FaultKind::kCrc, /*immediate=*/true, /*ch=*/1);
  Pump(t, 3);
  Fault(t, nic::FaultKind::kTimeout, /*immediate=*/true, /*ch=*/1);
  Pump(t, 3);
  EXPECT_EQ(l1->fragments, 2u);
  EXPECT_EQ(l0->fragments, 0u);
  EXPECT_EQ(t.ndiswan->counters().fragments, 2u);
}

TEST_P(LineDownFragment, LinkLossIsALineDownForwardedToProtocolsThatDegradesTheirTimers) {
  NDISCONF_RULES("WAN-040", "WAN-041", "WAN-042");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  const Link* link = Connect(t, 0, &line, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::LinkContext ctx = link->context;
  const drivers::wan::UpperLinkId id = link->upper;
  ASSERT_EQ(t.proto->mode(), TimerMode::kNormal);

  Fault(t, nic::FaultKind::kLinkLoss, false);
  Pump(t, 3);
  EXPECT_EQ(t.ndiswan->counters().line_downs, 1u);
  EXPECT_EQ(t.ndiswan->core().FindLink(ctx)->state, LinkState::kDown);
  EXPECT_EQ(t.wmp->adapter(0).counts.line_down, 1u);
  ASSERT_FALSE(t.ndiswan->forwarded().empty());
  const drivers::UpperIndication& down = t.ndiswan->forwarded().back();
  EXPECT_EQ(down.status, NDIS_STATUS_WAN_LINE_DOWN);
  EXPECT_TRUE(down.to_protocols);
  EXPECT_EQ(down.link, id);  // NDIS_WAN_LINE_DOWN.RemoteAddress names the link
  const drivers::WpLink* pl = t.proto->link(id);
  ASSERT_NE(pl, nullptr);
  EXPECT_FALSE(pl->up);
  EXPECT_EQ(pl->line_downs, 1u);
  EXPECT_EQ(pl->mode, TimerMode::kDegraded);
  EXPECT_EQ(t.proto->timeout(), t.proto->config().degraded_timeout);
  EXPECT_EQ(t.proto->retries(), t.proto->config().degraded_retries);
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);
}

TEST_P(LineDownFragment, ReconnectAfterLinkLossLinesUpAgainAndRestoresTimers) {
  NDISCONF_RULES("WAN-036", "WAN-041");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  // Before any line-up, connection attempts run on short timers.
  EXPECT_EQ(t.proto->mode(), TimerMode::kDegraded);
  EXPECT_EQ(t.proto->timeout(), t.proto->config().degraded_timeout);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ASSERT_NE(Connect(t, 0, &line, &call), nullptr);
  EXPECT_EQ(t.proto->timeout(), t.proto->config().normal_timeout);
  Fault(t, nic::FaultKind::kLinkLoss, false);
  Pump(t, 3);
  EXPECT_EQ(t.proto->mode(), TimerMode::kDegraded);
  EXPECT_NE(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  Pump(t, 5);
  HTAPI_CALL again = 0;
  const Link* link = Connect(t, 0, &line, &again);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 2u);
  EXPECT_EQ(t.proto->mode(), TimerMode::kNormal);
  EXPECT_EQ(t.proto->timeout(), t.proto->config().normal_timeout);
  EXPECT_EQ(t.proto->retries(), t.proto->config().normal_retries);
  EXPECT_TRUE(t.proto->link(link->upper)->up);
}

TEST_P(LineDownFragment, FragmentOnAContextAfterItsLineDownIsReportedAndNotCounted) {
  NDISCONF_RULES("WAN-043", "WAN-101");
  stack::Stack& s = NewStack();
  stack::WanTopologyParts parts;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::make_unique<FragmentAfterLineDownWmp>(c);
  };
  parts.ndiswan = [&] { return conformance::MakeNdiswan(impl(), {}); };
  parts.proto = [&] { return conformance::MakeWanProto(impl(), {}); };
  stack::WanTopology t = stack::BuildWanTopology(s, parts);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  const Link* link = Connect(t, 0, &line, &call);
  ASSERT_NE(link, nullptr);
  ASSERT_EQ(t.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t, 3);
  EXPECT_EQ(link->state, LinkState::kDown);
  EXPECT_EQ(link->fragments, 0u);
  EXPECT_EQ(t.ndiswan->counters().fragments, 0u);
  EXPECT_EQ(t.ndiswan->counters().unknown_link(), 1u);
  ASSERT_FALSE(t.ndiswan->core().rejections().empty());
  EXPECT_EQ(t.ndiswan->core().rejections().back().context, link->context.value);
  ExpectViolation("WAN-043");
}

// ---- Several links going down at once (WAN-040 "whenever a link goes
// down": one line-down per link, each naming its own context). ----

TEST_P(LineDownFragment, LinkLossOnTwoChannelsIsOneLineDownForEachLink) {
  NDISCONF_RULES("WAN-040", "WAN-042");
  nic::SoftNicConfig nc;
  nc.channel_count = 2;
  stack::WanTopology t = WanTopology({}, {}, {}, nc);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line0 = 0, line1 = 0;
  HTAPI_CALL call0 = 0, call1 = 0;
  const Link* l0 = Connect(t, 0, &line0, &call0);
  const Link* l1 = Connect(t, 1, &line1, &call1);
  ASSERT_NE(l0, nullptr);
  ASSERT_NE(l1, nullptr);
  const drivers::wan::LinkContext ctx0 = l0->context, ctx1 = l1->context;
  const drivers::wan::UpperLinkId id0 = l0->upper, id1 = l1->upper;
  ASSERT_NE(ctx0.value, ctx1.value);
  const size_t forwarded_before = t.ndiswan->forwarded().size();
  // Both lines lost before the miniport's next interrupt runs.
  Fault(t, nic::FaultKind::kLinkLoss, false, /*ch=*/0);
  Fault(t, nic::FaultKind::kLinkLoss, false, /*ch=*/1);
  Pump(t, 3);
  EXPECT_EQ(t.wmp->adapter(0).counts.line_down, 2u);
  EXPECT_EQ(t.ndiswan->counters().line_downs, 2u);
  ASSERT_NE(t.ndiswan->core().FindLink(ctx0), nullptr);
  ASSERT_NE(t.ndiswan->core().FindLink(ctx1), nullptr);
  EXPECT_EQ(t.ndiswan->core().FindLink(ctx0)->state, LinkState::kDown);
  EXPECT_EQ(t.ndiswan->core().FindLink(ctx1)->state, LinkState::kDown);
  // Each line-down went up to the protocols once, naming its own link.
  std::vector<drivers::wan::UpperLinkId> downs;
  for (size_t i = forwarded_before; i < t.ndiswan->forwarded().size(); ++i) {
    const drivers::UpperIndication& u = t.ndiswan->forwarded()[i];
    if (u.status != NDIS_STATUS_WAN_LINE_DOWN) continue;
    EXPECT_TRUE(u.to_protocols);
    downs.push_back(u.link);
  }
  ASSERT_EQ(downs.size(), 2u);
  EXPECT_EQ(std::count(downs.begin(), downs.end(), id0), 1);
  EXPECT_EQ(std::count(downs.begin(), downs.end(), id1), 1);
  for (const drivers::wan::UpperLinkId id : {id0, id1}) {
    const drivers::WpLink* pl = t.proto->link(id);
    ASSERT_NE(pl, nullptr);
    EXPECT_FALSE(pl->up);
    EXPECT_EQ(pl->line_downs, 1u);
  }
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);
}

NDISCONF_INSTANTIATE(LineDownFragment);

}  // namespace
}  // namespace ndisconf::conformance
