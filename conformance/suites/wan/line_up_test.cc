// Conformance: NDIS WAN line-up indications (spec 5.12; sequence W1).
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {

namespace logged = drivers::logged;
namespace {

// A WMP whose OID_TAPI_GET_ID first makes an "initial" line-up carrying a
// made-up NdisLinkContext (breaks WAN-023), then behaves.
class ForgedContextWmp : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    if (query && oid == OID_TAPI_GET_ID && !forged_) {
      forged_ = true;
      NdisZeroMemory(&up_, sizeof(up_));
      up_.NdisLinkHandle = reinterpret_cast<NDIS_HANDLE>(0xF00D);
      up_.NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(0xBAD);
      Indicate(a, NDIS_STATUS_WAN_LINE_UP, &up_, sizeof(up_));
    }
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }

 private:
  bool forged_ = false;
  NDIS_MAC_LINE_UP up_{};
};

class LineUp : public ConformanceTest {
 protected:
  // W1 steps 2-6 on line device `device`: one outbound call, link up.
  const drivers::wan::Link* Connect(const stack::WanTopology& t, ULONG device, HTAPI_CALL* call) {
    HTAPI_LINE line = 0;
    if (!t.ndiswan->bindings()[0]->provider_up) {
      EXPECT_NE(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
    }
    EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, device, &line); }), NDIS_STATUS_SUCCESS);
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->MakeCall(line, "5551234", call); }),
              NDIS_STATUS_FAILURE);
    Pump(t, 10);
    // WAN-022: connected at the NIC, but CONNECTED waits for the line-up.
    EXPECT_NE(t.ndiswan->core().FindCall(*call)->state,
              static_cast<ULONG>(LINECALLSTATE_CONNECTED));
    EXPECT_NE(Tapi(t, [&] { return t.ndiswan->GetCallId(*call); }), NDIS_STATUS_FAILURE);
    Pump(t, 2);
    return t.ndiswan->core().FindLinkForCall(*call);
  }
  const drivers::WmpLink* WmpLinkOf(const stack::WanTopology& t, NDIS_HANDLE handle) {
    for (const auto& l : t.wmp->adapter(0).links)
      if (l.get() == handle) return l.get();
    return nullptr;
  }
};

TEST_P(LineUp, InitialLineUpIsMadeBeforeGetIdCompletesAndDeviceIdIsLinkContext) {
  NDISCONF_RULES("WAN-021", "WAN-026");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  ASSERT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ASSERT_NE(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_NE(Tapi(t, [&] { return t.ndiswan->MakeCall(line, "5551234", &call); }),
            NDIS_STATUS_FAILURE);
  Pump(t, 10);
  const uint64_t line_ups_before = t.ndiswan->core().counters().line_ups;
  ASSERT_NE(Tapi(t, [&] { return t.ndiswan->GetCallId(call); }), NDIS_STATUS_FAILURE);
  Pump(t, 2);
  EXPECT_EQ(t.ndiswan->core().counters().line_ups, line_ups_before + 1);
  EXPECT_EQ(t.ndiswan->get_id_mismatches(), 0u);
}

TEST_P(LineUp, EachInitialLineUpGetsAUniqueContextTheMiniportKeepsWithItsHandles) {
  NDISCONF_RULES("WAN-022", "WAN-023", "WAN-024", "WAN-025", "WAN-027", "WAN-028");
  nic::SoftNicConfig nc;
  nc.channel_count = 2;
  stack::WanTopology t = WanTopology({}, {}, {}, nc);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL c0 = 0, c1 = 0;
  const drivers::wan::Link* l0 = Connect(t, 0, &c0);
  const drivers::wan::Link* l1 = Connect(t, 1, &c1);
  ASSERT_NE(l0, nullptr);
  ASSERT_NE(l1, nullptr);
  EXPECT_NE(l0->context.value, 0u);
  EXPECT_NE(l1->context.value, 0u);
  EXPECT_NE(l0->context.value, l1->context.value);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 2u);
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);  // both NULL on entry
  for (auto [link, call] : {std::pair{l0, c0}, std::pair{l1, c1}}) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(link->connection_wrapper_id), call);
    const drivers::WmpLink* w = WmpLinkOf(t, link->link_handle);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->link_context, link->context.handle());  // saved from the write-back
    EXPECT_TRUE(w->up);
    EXPECT_EQ(t.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  }
  // WAN-028: sends on link 1 reach the miniport with link 1's handle.
  const drivers::WmpLink* w1 = WmpLinkOf(t, l1->link_handle);
  stack().As(t.proto_id, [&] { return t.proto->Send(0, l1->upper, 40); });
  stack().Settle();
  Pump(t, 20);
  EXPECT_EQ(w1->frames_tx, 1u);
  EXPECT_EQ(WmpLinkOf(t, l0->link_handle)->frames_tx, 0u);
}

TEST_P(LineUp, SpeedChangeIsALineUpWithBothHandlesAndTheNewSpeed) {
  NDISCONF_RULES("WAN-020", "WAN-029", "WAN-032");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, 0, &call);
  ASSERT_NE(link, nullptr);
  const drivers::wan::LinkContext ctx = link->context;
  nic::ScheduledFault speed;
  speed.kind = nic::FaultKind::kSpeedChange;
  speed.channel = nic::ChannelId{0};
  speed.speed_bps = 128000;
  ASSERT_EQ(t.nic->InjectFault(speed), nic::OpStatus::kOk);
  Pump(t, 3);
  EXPECT_EQ(t.ndiswan->counters().line_up_updates, 1u);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(t.ndiswan->counters().rejected_total(), 0u);  // both handles matched
  EXPECT_EQ(link->context, ctx);
  EXPECT_EQ(link->link_speed, 1280u);  // 100 bps units
  EXPECT_EQ(t.wmp->adapter(0).counts.line_up, 2u);
  const drivers::WpLink* pl = t.proto->link(link->upper);
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->line_ups, 2u);
  EXPECT_EQ(pl->link_speed, 1280u);
}

TEST_P(LineUp, SendWindowBoundsOutstandingSendsAndZeroMeansMaxTransmit) {
  NDISCONF_RULES("WAN-031", "WAN-033");
  drivers::WmpConfig wc;
  wc.default_send_window = 3;
  wc.line_up_send_window = 0;  // use MaxTransmit
  stack::WanTopology t = WanTopology(wc);
  ASSERT_NE(t.nic, nullptr);
  // No link yet: a send is refused before it reaches the miniport.
  EXPECT_EQ(
      stack().As(t.proto_id, [&] { return t.proto->Send(0, drivers::wan::UpperLinkId{0x42}, 10); }),
      NDIS_STATUS_FAILURE);
  EXPECT_EQ(t.wmp->adapter(0).counts.send_complete, 0u);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, 0, &call);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->send_window, 3u);
  for (int i = 0; i < 9; ++i)
    stack().As(t.proto_id, [&] { return t.proto->Send(0, link->upper, 40); });
  stack().Settle();
  Pump(t, 100);
  const drivers::WanLinkSends* st = t.ndiswan->sends(link->context);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->max_outstanding, 3u);
  EXPECT_EQ(st->passed_down, 9u);
  EXPECT_EQ(st->completed, 9u);
  EXPECT_EQ(st->queued_total, 6u);
}

TEST_P(LineUp, LineUpGoesToProtocolsAsNdisWanLineUpWithTheirContextInLocalAddress) {
  NDISCONF_RULES("WAN-037");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, 0, &call);
  ASSERT_NE(link, nullptr);
  const drivers::WpLink* pl = t.proto->link(link->upper);  // RemoteAddress names the link
  ASSERT_NE(pl, nullptr);
  EXPECT_TRUE(pl->up);
  ASSERT_FALSE(t.proto->indications().empty());
  const drivers::WpIndication& ind = t.proto->indications().back();
  EXPECT_EQ(ind.status, NDIS_STATUS_WAN_LINE_UP);
  EXPECT_EQ(ind.size, sizeof(NDIS_WAN_LINE_UP));
  EXPECT_EQ(ind.link_speed, link->link_speed);
  EXPECT_EQ(ind.protocol_type, t.ndiswan->config().protocol_type);
  // LocalAddress[2..5] carry the protocol's context back to NDISWAN.
  const ULONG ctx = (ULONG{link->local_address[2]} << 24) | (ULONG{link->local_address[3]} << 16) |
                    (ULONG{link->local_address[4]} << 8) | ULONG{link->local_address[5]};
  EXPECT_EQ(ctx, pl->local_context);
}

TEST_P(LineUp, InitialLineUpWithANonNullContextIsReportedAndRefused) {
  NDISCONF_RULES("WAN-023");
  stack::Stack& s = NewStack();
  stack::WanTopologyParts parts;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::make_unique<ForgedContextWmp>(c);
  };
  parts.ndiswan = [&] { return conformance::MakeNdiswan(impl(), {}); };
  parts.proto = [&] { return conformance::MakeWanProto(impl(), {}); };
  stack::WanTopology t = stack::BuildWanTopology(s, parts);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  ASSERT_NE(Connect(t, 0, &call), nullptr);
  EXPECT_EQ(t.ndiswan->counters().Rejected(drivers::wan::Reason::kUnknownContext), 1u);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  ExpectViolation("WAN-023");
}

TEST_P(LineUp, TapiCapableMiniportRegistersWanWrapperAndAnnouncesTapiProvider) {
  NDISCONF_RULES("WAN-095", "WAN-096");
  drivers::WmpConfig wc;
  wc.default_send_window = 3;
  wc.line_up_send_window = 0;  // the line-up leaves the window to MaxTransmit
  stack::WanTopology t = WanTopology(wc);
  ASSERT_NE(t.nic, nullptr);
  // Registered through the WAN wrapper (NDIS refuses a WAN miniport without
  // it) and initialized.
  ASSERT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
  ASSERT_NE(t.wmp->log().Last<logged::OwnNdisMRegisterMiniport>(), nullptr);
  EXPECT_EQ(t.wmp->log().Last<logged::OwnNdisMRegisterMiniport>()->status, NDIS_STATUS_SUCCESS);
  // OID_WAN_GET_INFO announces a TAPI provider and the adapter's default window.
  ASSERT_EQ(t.ndiswan->bindings().size(), 1u);
  const drivers::WanLowerBinding& b = *t.ndiswan->bindings()[0];
  ASSERT_TRUE(b.wan_info_known);
  EXPECT_NE(b.wan_info.FramingBits & TAPI_PROVIDER, 0u);
  EXPECT_EQ(b.wan_info.MaxTransmit, 3u);
  // So NDISWAN registers it as a TAPI provider, and a line-up with
  // SendWindow 0 gets that default window.
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, 0, &call);
  EXPECT_TRUE(b.provider_up);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->send_window, 3u);
}

TEST_P(LineUp, GetIdLinesUpOnlyForACallsFirstCallSelectRequest) {
  NDISCONF_RULES("WAN-034");
  drivers::WmpConfig wc;
  wc.data_device_classes = {"ndis", "isdn"};
  wc.separate_channels_per_class = false;
  stack::WanTopology t = WanTopology(wc);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* link = Connect(t, 0, &call);
  ASSERT_NE(link, nullptr);
  ASSERT_EQ(t.ndiswan->counters().line_ups, 1u);
  // Not the first GET_ID for the call: no new line-up, same class or not
  // (this miniport has one data channel per call).
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call, "ndis"); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call, "isdn"); }), NDIS_STATUS_SUCCESS);
  // A line-select GET_ID never lines up.
  HTAPI_LINE line = t.ndiswan->core().FindCall(call)->ht_line;
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetLineId(line); }), NDIS_STATUS_SUCCESS);
  Pump(t, 2);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(t.ndiswan->get_id_mismatches(), 0u);
}

TEST_P(LineUp, GetIdForANewDeviceClassLinesUpASeparateChannelWhenSupported) {
  NDISCONF_RULES("WAN-034", "WAN-035");
  drivers::WmpConfig wc;
  wc.data_device_classes = {"ndis", "isdn"};
  wc.separate_channels_per_class = true;
  stack::WanTopology t = WanTopology(wc);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_CALL call = 0;
  const drivers::wan::Link* first = Connect(t, 0, &call);
  ASSERT_NE(first, nullptr);
  const uint64_t first_context = first->context.value;
  ASSERT_EQ(t.ndiswan->counters().line_ups, 1u);
  // A class this call has not asked for yet: a second initial line-up, for
  // a second channel with its own context.
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call, "isdn"); }), NDIS_STATUS_SUCCESS);
  Pump(t, 2);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 2u);
  // One link per channel, each with its own context, both for this call.
  std::vector<uint64_t> contexts;
  for (const auto& [c, l] : t.ndiswan->core().links()) {
    if (l.state != drivers::wan::LinkState::kUp) continue;
    contexts.push_back(l.context.value);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(l.connection_wrapper_id), call);
  }
  ASSERT_EQ(contexts.size(), 2u);
  EXPECT_NE(contexts[0], 0u);
  EXPECT_NE(contexts[1], 0u);
  EXPECT_NE(contexts[0], contexts[1]);
  EXPECT_TRUE(contexts[0] == first_context || contexts[1] == first_context);
  // Each class's GET_ID named its own channel's context (NDISWAN checks the
  // DeviceID against the call's up links).
  EXPECT_EQ(t.ndiswan->get_id_mismatches(), 0u);
  // The same classes again: no further line-up.
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call, "ndis"); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call, "isdn"); }), NDIS_STATUS_SUCCESS);
  Pump(t, 2);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 2u);
}

NDISCONF_INSTANTIATE(LineUp);

}  // namespace
}  // namespace ndisconf::conformance
