// End to end over the reference NDIS model: software NIC -> reference WMP ->
// NDISWAN (lower protocol, NDISTAPI, virtual WAN miniport) -> wanproto.
// Spec Appendix A W1 (outbound call), W2 (inbound call), W3 (fragment and
// line-down), and a speed change (WAN-032), checking what each layer saw.
#include <gtest/gtest.h>
#include <ndis.h>

#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/drivers/wanproto/wanproto.h"
#include "reference/drivers/wmp/wmp.h"
#include "reference/nic/soft_nic.h"
#include "reference/stack/stack.h"

namespace ndisconf::drivers {
namespace {

using wan::Link;
using wan::LinkState;

struct E2eParams {
  OpPolicy upper_requests;
  GetIdCompletion get_id = GetIdCompletion::kSynchronous;
  bool deserialized = false;
};

class WanE2e : public ::testing::TestWithParam<E2eParams> {
 protected:
  void SetUp() override {
    nic::SoftNicConfig nc;
    nc.channel_count = 2;
    std::string error;
    nic_ = nic::SoftNic::Create(nc, &error);
    ASSERT_NE(nic_, nullptr) << error;

    NdiswanConfig wc;
    wc.upper_requests = GetParam().upper_requests;
    ndiswan_ = &stack_.Load(std::make_unique<Ndiswan>(wc), &ndiswan_id_);
    proto_ = &stack_.Load(std::make_unique<WanProto>(), &proto_id_);
    upper_ = stack_.AddAdapter(ndiswan_id_, "NDISWAN", NdisMediumWan);
    stack_.Settle();

    WmpConfig mc;
    mc.nics = {nic_.get()};
    mc.get_id = GetParam().get_id;
    mc.deserialized = GetParam().deserialized;
    mc.raise_interrupt = [this](NDIS_HANDLE) { stack_.model().RaiseInterrupt(lower_); };
    wmp_ = &stack_.Load(std::make_unique<Wmp>(mc), &wmp_id_);
    NDIS_STATUS init = NDIS_STATUS_FAILURE;
    lower_ = stack_.AddAdapter(wmp_id_, "WMP0", NdisMediumWan, &init);
    ASSERT_EQ(init, NDIS_STATUS_SUCCESS);
    stack_.Settle();
  }

  void TearDown() override {
    // No driver in the chain broke an NDIS rule the model checks.
    for (const ndis::Rejection& r : stack_.model().rejections()) {
      ADD_FAILURE() << "model rejection: " << r.ToString();
    }
  }

  // Lets `ticks` of NIC time pass, running NDIS's queued work after each.
  void Pump(nic::Ticks ticks) {
    for (nic::Ticks i = 0; i < ticks; ++i) {
      nic_->Advance(1);
      stack_.Settle();
    }
  }

  template <class F>
  NDIS_STATUS AsNdiswan(F&& f) {
    NDIS_STATUS s = stack_.As(ndiswan_id_, std::forward<F>(f));
    stack_.Settle();
    return s;
  }

  const Link* OnlyUpLink() {
    const Link* found = nullptr;
    for (const auto& [c, l] : ndiswan_->core().links()) {
      if (l.state == LinkState::kUp) {
        EXPECT_EQ(found, nullptr) << "more than one link up";
        found = &l;
      }
    }
    return found;
  }

  // W1 steps 1-6: provider, line, outbound call, GET_ID -> line-up, CONNECTED.
  void ConnectOutbound(HTAPI_LINE* line, HTAPI_CALL* call) {
    ASSERT_EQ(ndiswan_->bindings().size(), 1u);
    ASSERT_TRUE(ndiswan_->bindings()[0]->wan_info_known);  // W1.1
    ASSERT_NE(ndiswan_->bindings()[0]->wan_info.FramingBits & TAPI_PROVIDER, 0u);
    EXPECT_NE(AsNdiswan([&] { return ndiswan_->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
    ASSERT_TRUE(ndiswan_->bindings()[0]->provider_up);
    EXPECT_EQ(AsNdiswan([&] { return ndiswan_->Open(0, 0, line); }), NDIS_STATUS_SUCCESS);
    ASSERT_TRUE(ndiswan_->core().FindLine(*line)->open);
    EXPECT_NE(AsNdiswan([&] { return ndiswan_->MakeCall(*line, "5551234", call); }),
              NDIS_STATUS_FAILURE);
    Pump(10);  // the peer answers
    // Before the line-up the protocol runs degraded (WAN-036).
    EXPECT_EQ(proto_->mode(), TimerMode::kDegraded);
    EXPECT_EQ(proto_->timeout(), proto_->config().degraded_timeout);
    EXPECT_NE(AsNdiswan([&] { return ndiswan_->GetCallId(*call); }), NDIS_STATUS_FAILURE);
    Pump(2);
  }

  std::unique_ptr<nic::SoftNic> nic_;
  stack::Stack stack_;
  Ndiswan* ndiswan_ = nullptr;
  WanProto* proto_ = nullptr;
  Wmp* wmp_ = nullptr;
  ActorId ndiswan_id_ = kNoActor, proto_id_ = kNoActor, wmp_id_ = kNoActor;
  ndis::AdapterId upper_ = 0, lower_ = 0;
};

TEST_P(WanE2e, W1OutboundCallLinesUpThenConnectsAndSendsStayInWindow) {
  // Checks WAN-021, WAN-024, WAN-026, WAN-031, WAN-036, WAN-037.
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ConnectOutbound(&line, &call);
  const Link* link = OnlyUpLink();
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(link->connection_wrapper_id), call);  // WAN-027
  const wan::TapiCall* tc = ndiswan_->core().FindCall(call);
  ASSERT_TRUE(tc->ndis_device_id.has_value());
  EXPECT_EQ(tc->ndis_device_id->value, link->context.value);  // WAN-026
  EXPECT_EQ(ndiswan_->get_id_mismatches(), 0u);
  EXPECT_EQ(tc->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  EXPECT_EQ(ndiswan_->counters().line_ups, 1u);
  EXPECT_EQ(ndiswan_->counters().rejected_total(), 0u);

  // The protocol above saw NDIS_WAN_LINE_UP and restored its timers.
  const WpLink* pl = proto_->link(link->upper);
  ASSERT_NE(pl, nullptr);
  EXPECT_TRUE(pl->up);
  EXPECT_EQ(pl->mode, TimerMode::kNormal);
  EXPECT_EQ(proto_->timeout(), proto_->config().normal_timeout);
  EXPECT_EQ(pl->link_speed, link->link_speed);
  EXPECT_EQ(pl->send_window, link->send_window);
  EXPECT_GE(proto_->counters().status_completes, 1u);
  ASSERT_FALSE(ndiswan_->forwarded().empty());
  EXPECT_TRUE(ndiswan_->forwarded().back().to_protocols);
  EXPECT_TRUE(ndiswan_->config_manager_log().empty());
  // wanproto's OID_WAN_GET_INFO to NDISWAN's virtual miniport, sync or pended.
  ASSERT_EQ(proto_->bindings().size(), 1u);
  EXPECT_EQ(proto_->bindings()[0]->wan_info_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(proto_->bindings()[0]->wan_info.MaxTransmit, ndiswan_->config().upper_max_transmit);
  EXPECT_EQ(proto_->log().Count<logged::ProtocolRequestComplete>(),
            GetParam().upper_requests.pends() ? 1u : 0u);

  // Sends: more than the window, all eventually complete; never more than
  // the window outstanding in the miniport (WAN-031).
  const size_t n = link->send_window * 3;
  for (size_t i = 0; i < n; ++i) {
    stack_.As(proto_id_, [&] { return proto_->Send(0, link->upper, 40); });
  }
  stack_.Settle();
  Pump(200);  // 40-byte frames at 64 kbit/s take 5 ticks each
  const WanLinkSends* st = ndiswan_->sends(link->context);
  ASSERT_NE(st, nullptr);
  EXPECT_LE(st->max_outstanding, link->send_window);
  EXPECT_EQ(st->passed_down, n);
  EXPECT_EQ(st->completed, n);
  EXPECT_EQ(proto_->outstanding_sends(), 0u);
  EXPECT_EQ(ndiswan_->queued(link->context), 0u);
  EXPECT_EQ(wmp_->adapter(0).counts.sends_refused, 0u);
  EXPECT_EQ(st->outstanding, 0u);
  EXPECT_EQ(st->queued_total, n - link->send_window);  // the rest waited for a slot
  EXPECT_EQ(proto_->counters().send_completes, n);
}

// A request NDISWAN does not build itself goes down as given (a set or a
// query, the exact buffer), and its outcome is recorded; a buffer over the
// limit or an unknown binding fails without calling NDIS.
TEST_P(WanE2e, RawRequestsGoDownAsGivenAndAreRecorded) {
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ConnectOutbound(&line, &call);
  const size_t before = ndiswan_->requests().size();
  uint64_t buffer[8] = {};
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buffer), sizeof(buffer));
  // OID_TAPI_DIAL is optional, and the reference miniport declines it (WAN-080).
  const NDIS_STATUS s =
      AsNdiswan([&] { return ndiswan_->RawRequest(0, false, OID_TAPI_DIAL, bytes); });
  EXPECT_EQ(s, NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  ASSERT_EQ(ndiswan_->requests().size(), before + 1);
  EXPECT_EQ(ndiswan_->requests().back().oid, static_cast<NDIS_OID>(OID_TAPI_DIAL));
  EXPECT_EQ(ndiswan_->requests().back().final_status, NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  EXPECT_TRUE(ndiswan_->requests().back().completed);
  std::vector<uint8_t> huge(Ndiswan::kMaxRawRequest + 1);
  EXPECT_EQ(AsNdiswan([&] { return ndiswan_->RawRequest(0, true, OID_TAPI_GET_ID, huge); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(AsNdiswan([&] { return ndiswan_->RawRequest(7, false, OID_TAPI_DIAL, bytes); }),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(ndiswan_->requests().size(), before + 1) << "neither went down";
}

TEST_P(WanE2e, W3FragmentCountsAndNotifiesThenLineDownDegradesAndTeardownSucceeds) {
  // Checks WAN-052, WAN-053, WAN-054, WAN-041, WAN-042.
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ConnectOutbound(&line, &call);
  const Link* link = OnlyUpLink();
  ASSERT_NE(link, nullptr);
  const wan::LinkContext ctx = link->context;
  const wan::UpperLinkId id = link->upper;

  nic::ScheduledFault crc;
  crc.kind = nic::FaultKind::kCrc;
  crc.immediate = true;
  crc.channel = nic::ChannelId{0};
  ASSERT_EQ(nic_->InjectFault(crc), nic::OpStatus::kOk);
  // A frame from the peer carries the error.
  const uint8_t frame[] = {1, 2, 3, 4};
  (void)nic_->InjectFrame(nic::ChannelId{0}, frame);
  Pump(3);
  EXPECT_EQ(ndiswan_->core().FindLink(ctx)->fragments, 1u);  // W3.1
  EXPECT_EQ(ndiswan_->counters().fragments, 1u);
  const WpLink* pl = proto_->link(id);
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->fragments, 1u);
  EXPECT_EQ(pl->notifications_sent, 1u);  // WAN-054
  EXPECT_EQ(pl->notifications_failed, 0u);

  ASSERT_EQ(nic_->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);  // W3.2-3
  Pump(3);
  EXPECT_EQ(ndiswan_->core().FindLink(ctx)->state, LinkState::kDown);
  EXPECT_EQ(ndiswan_->counters().line_downs, 1u);
  EXPECT_FALSE(proto_->link(id)->up);
  EXPECT_EQ(proto_->link(id)->mode, TimerMode::kDegraded);  // WAN-041
  EXPECT_EQ(proto_->mode(), TimerMode::kDegraded);
  EXPECT_EQ(ndiswan_->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_DISCONNECTED));

  // A send on the dead link is refused before reaching the miniport (WAN-033).
  const uint64_t down_before = ndiswan_->sends(ctx) ? ndiswan_->sends(ctx)->passed_down : 0;
  EXPECT_EQ(stack_.As(proto_id_, [&] { return proto_->Send(0, id, 10); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(ndiswan_->sends(ctx) ? ndiswan_->sends(ctx)->passed_down : 0, down_before);

  // W3.4-7: DROP -> IDLE, CLOSE_CALL, CLOSE, PROVIDER_SHUTDOWN.
  EXPECT_NE(AsNdiswan([&] { return ndiswan_->Drop(call); }), NDIS_STATUS_FAILURE);
  EXPECT_EQ(AsNdiswan([&] { return ndiswan_->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(ndiswan_->core().FindCall(call)->live);
  EXPECT_EQ(AsNdiswan([&] { return ndiswan_->Close(line); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(AsNdiswan([&] { return ndiswan_->ProviderShutdown(0); }), NDIS_STATUS_SUCCESS);
  for (const WanRequestRecord& r : ndiswan_->requests()) {
    EXPECT_TRUE(r.completed) << std::hex << r.oid;
    EXPECT_EQ(r.final_status, NDIS_STATUS_SUCCESS) << std::hex << r.oid;
  }
  EXPECT_EQ(ndiswan_->counters().rejected_total(), 0u);
}

TEST_P(WanE2e, W2InboundCallGetsHtCallAnswersAndLinesUp) {
  // Checks WAN-062, WAN-063.
  ASSERT_NE(AsNdiswan([&] { return ndiswan_->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
  HTAPI_LINE line = 0;
  ASSERT_EQ(AsNdiswan([&] { return ndiswan_->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(AsNdiswan([&] {
              return ndiswan_->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA);
            }),
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(nic_->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(2);
  // LINE_NEWCALL got NDISTAPI's htCall; the offer followed for that htCall.
  ASSERT_EQ(ndiswan_->core().calls().size(), 1u);
  const wan::TapiCall& tc = ndiswan_->core().calls().begin()->second;
  const HTAPI_CALL call = tc.ht_call;
  EXPECT_TRUE(tc.inbound);
  EXPECT_EQ(tc.state, static_cast<ULONG>(LINECALLSTATE_OFFERING));
  ASSERT_FALSE(ndiswan_->tapi_events().empty());
  EXPECT_EQ(ndiswan_->tapi_events()[0].msg, static_cast<ULONG>(LINE_NEWCALL));
  EXPECT_EQ(ndiswan_->tapi_events()[0].param2, call);
  bool wmp_knows = false;  // the WMP kept our htCall (WAN-062)
  for (const auto& c : wmp_->adapter(0).calls) wmp_knows |= c->ht_call == call;
  EXPECT_TRUE(wmp_knows);

  EXPECT_NE(AsNdiswan([&] { return ndiswan_->Answer(call); }), NDIS_STATUS_FAILURE);
  Pump(5);
  EXPECT_NE(AsNdiswan([&] { return ndiswan_->GetCallId(call); }), NDIS_STATUS_FAILURE);
  Pump(2);
  const Link* link = OnlyUpLink();
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(link->connection_wrapper_id), call);
  EXPECT_EQ(ndiswan_->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  EXPECT_EQ(ndiswan_->get_id_mismatches(), 0u);
  EXPECT_EQ(proto_->mode(), TimerMode::kNormal);
  EXPECT_EQ(ndiswan_->counters().rejected_total(), 0u);
}

TEST_P(WanE2e, SpeedChangeIsAnUpdateLineUpForwardedToTheProtocol) {
  // Checks WAN-032, WAN-029.
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ConnectOutbound(&line, &call);
  const Link* link = OnlyUpLink();
  ASSERT_NE(link, nullptr);
  const ULONG before = link->link_speed;
  nic::ScheduledFault speed;
  speed.kind = nic::FaultKind::kSpeedChange;
  speed.channel = nic::ChannelId{0};
  speed.speed_bps = 128000;
  ASSERT_EQ(nic_->InjectFault(speed), nic::OpStatus::kOk);
  Pump(3);
  EXPECT_EQ(ndiswan_->counters().line_up_updates, 1u);
  EXPECT_EQ(ndiswan_->counters().line_ups, 1u);
  EXPECT_EQ(link->link_speed, 1280u);  // 100 bps units
  EXPECT_NE(link->link_speed, before);
  const WpLink* pl = proto_->link(link->upper);
  EXPECT_EQ(pl->link_speed, 1280u);
  EXPECT_EQ(pl->line_ups, 2u);
  EXPECT_EQ(ndiswan_->counters().rejected_total(), 0u);
}

// Indications a WMP should never make, pushed through the model's
// NdisMIndicateStatus: NDISWAN (not NDIS) rejects each with its reason,
// forwards nothing, and the link and the protocol above are unchanged.
TEST_P(WanE2e, BadIndicationsThroughTheModelAreRejectedByNdiswanNotForwarded) {
  // Checks WAN-100, WAN-101, OQ-25.
  // The harness indicates at PASSIVE_LEVEL, which only a deserialized
  // miniport may do (WAN-004); the model refuses it for a serialized one.
  if (!GetParam().deserialized) GTEST_SKIP() << "needs a deserialized WMP";
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ConnectOutbound(&line, &call);
  const Link* link = OnlyUpLink();
  ASSERT_NE(link, nullptr);
  const wan::Counters before = ndiswan_->counters();
  const size_t forwarded = ndiswan_->forwarded().size();
  const uint64_t proto_indications = proto_->counters().indications;
  NDIS_HANDLE mh = wmp_->adapter(0).handle;
  NDIS_MAC_LINE_DOWN stranger{reinterpret_cast<NDIS_HANDLE>(0x5157)};
  NDIS_MAC_FRAGMENT frag{link->context.handle(), WAN_ERROR_CRC};
  NDIS_MAC_LINE_UP forged;
  std::memset(&forged, 0, sizeof(forged));
  forged.NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(0xBAD);
  stack_.As(wmp_id_, [&] {
    NdisMIndicateStatus(mh, NDIS_STATUS_WAN_LINE_DOWN, &stranger, sizeof(stranger));
    NdisMIndicateStatus(mh, NDIS_STATUS_WAN_FRAGMENT, &frag, 8);  // a LINE_DOWN's size
    NdisMIndicateStatus(mh, NDIS_STATUS_WAN_LINE_UP, &forged, sizeof(forged));
    NdisMIndicateStatus(mh, NDIS_STATUS_WAN_LINE_UP, nullptr, sizeof(NDIS_MAC_LINE_UP));
    NdisMIndicateStatusComplete(mh);
    return 0;
  });
  stack_.Settle();
  const wan::Counters& c = ndiswan_->counters();
  EXPECT_EQ(c.Rejected(wan::Reason::kUnknownLink), before.Rejected(wan::Reason::kUnknownLink) + 1);
  EXPECT_EQ(c.Rejected(wan::Reason::kShortBuffer), before.Rejected(wan::Reason::kShortBuffer) + 1);
  EXPECT_EQ(c.Rejected(wan::Reason::kUnknownContext),
            before.Rejected(wan::Reason::kUnknownContext) + 1);
  EXPECT_EQ(c.Rejected(wan::Reason::kNullBuffer), before.Rejected(wan::Reason::kNullBuffer) + 1);
  EXPECT_EQ(c.rejected_total(), before.rejected_total() + 4);
  EXPECT_EQ(c.fragments, before.fragments);
  EXPECT_EQ(link->fragments, 0u);
  EXPECT_EQ(link->state, LinkState::kUp);
  EXPECT_EQ(forged.NdisLinkContext, reinterpret_cast<NDIS_HANDLE>(0xBAD));  // untouched
  EXPECT_EQ(ndiswan_->forwarded().size(), forwarded);
  EXPECT_EQ(proto_->counters().indications, proto_indications);
  EXPECT_EQ(proto_->mode(), TimerMode::kNormal);
}

// WAN-007: with no virtual adapter for protocols to bind to, NDISWAN hands
// each forwarded indication to the configuration-manager sink.
TEST(WanE2eNoProtocol, LineUpAndLineDownGoToTheConfigurationManager) {
  // Checks WAN-007.
  nic::SoftNicConfig nc;
  nc.channel_count = 1;
  auto soft = nic::SoftNic::Create(nc);
  ASSERT_NE(soft, nullptr);
  stack::Stack stack;
  ActorId nw_id = kNoActor, wmp_id = kNoActor;
  Ndiswan& nw = stack.Load(std::make_unique<Ndiswan>(), &nw_id);
  ndis::AdapterId lower = 0;
  WmpConfig mc;
  mc.nics = {soft.get()};
  mc.raise_interrupt = [&](NDIS_HANDLE) { stack.model().RaiseInterrupt(lower); };
  stack.Load(std::make_unique<Wmp>(mc), &wmp_id);
  lower = stack.AddAdapter(wmp_id, "WMP0", NdisMediumWan);
  stack.Settle();
  auto as = [&](auto f) {
    NDIS_STATUS s = stack.As(nw_id, f);
    stack.Settle();
    return s;
  };
  auto pump = [&](int n) {
    for (int i = 0; i < n; ++i) {
      soft->Advance(1);
      stack.Settle();
    }
  };
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ASSERT_NE(as([&] { return nw.ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
  ASSERT_EQ(as([&] { return nw.Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_NE(as([&] { return nw.MakeCall(line, "1", &call); }), NDIS_STATUS_FAILURE);
  pump(10);
  ASSERT_NE(as([&] { return nw.GetCallId(call); }), NDIS_STATUS_FAILURE);
  pump(2);
  ASSERT_EQ(soft->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  pump(3);
  ASSERT_EQ(nw.config_manager_log().size(), 2u);
  EXPECT_EQ(nw.config_manager_log()[0].status, NDIS_STATUS_WAN_LINE_UP);
  EXPECT_EQ(nw.config_manager_log()[1].status, NDIS_STATUS_WAN_LINE_DOWN);
  EXPECT_FALSE(nw.config_manager_log()[0].to_protocols);
  EXPECT_EQ(nw.counters().rejected_total(), 0u);
}

void PrintTo(const E2eParams& p, std::ostream* os) {
  *os << (p.upper_requests.pends() ? "upper-pending" : "upper-sync") << "/"
      << (p.get_id == GetIdCompletion::kPending ? "getid-pending" : "getid-sync");
}

std::string Name(const ::testing::TestParamInfo<E2eParams>& info) {
  std::string n = info.param.upper_requests.pends() ? "UpperPending" : "UpperSync";
  n += info.param.get_id == GetIdCompletion::kPending ? "GetIdPending" : "GetIdSync";
  n += info.param.deserialized ? "Deserialized" : "Serialized";
  return n;
}

INSTANTIATE_TEST_SUITE_P(
    All, WanE2e,
    ::testing::Values(E2eParams{OpPolicy::Sync(), GetIdCompletion::kSynchronous, false},
                      E2eParams{OpPolicy::Pending(), GetIdCompletion::kSynchronous, false},
                      E2eParams{OpPolicy::Sync(), GetIdCompletion::kPending, true}),
    Name);

}  // namespace
}  // namespace ndisconf::drivers
