// Conformance: the TAPI line and call lifecycle obligations of the WAN
// miniport (spec 5.17, state machine 2.8), driven through NDISWAN's NDISTAPI
// edge and, for handles NDISTAPI no longer offers (stale hdCall / hdLine),
// through raw OID_TAPI_* requests on NDISWAN's binding.
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

class TapiLifecycle : public ConformanceTest {
 protected:
  // An OID_TAPI_* request NDISWAN's NDISTAPI would not send itself (a
  // stale handle, an optional OID), issued on NDISWAN's lower binding.
  NDIS_STATUS Raw(const stack::WanTopology& t, bool query, NDIS_OID oid, void* buffer,
                  UINT length) {
    NDIS_REQUEST req;
    std::memset(&req, 0, sizeof(req));
    req.RequestType = query ? NdisRequestQueryInformation : NdisRequestSetInformation;
    req.DATA.QUERY_INFORMATION.Oid = oid;
    req.DATA.QUERY_INFORMATION.InformationBuffer = buffer;
    req.DATA.QUERY_INFORMATION.InformationBufferLength = length;
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    NDIS_HANDLE binding = t.ndiswan->bindings().at(0)->ndis_binding;
    stack().As(t.ndiswan_id, [&] {
      NdisRequest(&s, binding, &req);
      return s;
    });
    stack().Settle();
    EXPECT_NE(s, NDIS_STATUS_PENDING) << "raw requests must complete synchronously here";
    return s;
  }
  NDIS_STATUS RawDrop(const stack::WanTopology& t, HDRV_CALL hd_call) {
    NDIS_TAPI_DROP d;
    std::memset(&d, 0, sizeof(d));
    d.hdCall = hd_call;
    return Raw(t, false, OID_TAPI_DROP, &d, sizeof(d));
  }

  stack::WanTopology Topology(uint32_t channels = 1) {
    nic::SoftNicConfig nc;
    nc.channel_count = channels;
    stack::WanTopology t = WanTopology({}, {}, {}, nc);
    EXPECT_NE(t.nic, nullptr);
    EXPECT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
    return t;
  }

  // W1 steps 2-6 on line 0: provider, open, MAKE_CALL, peer answers, GET_ID.
  void Connect(const stack::WanTopology& t, HTAPI_LINE* line, HTAPI_CALL* call) {
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, line); }), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(*line, "5551234", call); }),
              NDIS_STATUS_SUCCESS);
    Pump(t, 10);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(*call); }), NDIS_STATUS_SUCCESS);
    Pump(t, 2);
    ASSERT_EQ(t.ndiswan->core().FindCall(*call)->state,
              static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  }

  // The LINE_CALLSTATE values NDISWAN's TAPI sink got for `call`, in order.
  static std::vector<ULONG> States(const stack::WanTopology& t, HTAPI_CALL call) {
    std::vector<ULONG> out;
    for (const auto& e : t.ndiswan->tapi_events()) {
      if (e.msg == LINE_CALLSTATE && e.ht_call == call) out.push_back(static_cast<ULONG>(e.param1));
    }
    return out;
  }
};

TEST_P(TapiLifecycle, ProviderInitializeNumbersLinesFromBaseAndReturnsUniqueProviderId) {
  NDISCONF_RULES("WAN-082");
  stack::WanTopology t = Topology(2);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 40); }), NDIS_STATUS_SUCCESS);
  const WanLowerBinding& b = *t.ndiswan->bindings().at(0);
  EXPECT_TRUE(b.provider_up);
  EXPECT_EQ(b.device_id_base, 40u);
  EXPECT_EQ(b.num_line_devs, 2u);  // one line per NIC channel
  EXPECT_NE(b.provider_id, 0u);
  // Lines are numbered base .. base+n-1: 40 and 41 open, 39 and 42 do not exist.
  HTAPI_LINE l40 = 0, l41 = 0, l39 = 0, l42 = 0;
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 40, &l40); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 41, &l41); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 39, &l39); }), NDIS_STATUS_TAPI_NODEVICE);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 42, &l42); }), NDIS_STATUS_TAPI_NODEVICE);
}

TEST_P(TapiLifecycle, OpenKeepsHtLineForIndicationsAndReturnsDistinctHdLines) {
  NDISCONF_RULES("WAN-083");
  stack::WanTopology t = Topology(2);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE a = 0, b = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &a); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 1, &b); }), NDIS_STATUS_SUCCESS);
  const wan::TapiLine* la = t.ndiswan->core().FindLine(a);
  const wan::TapiLine* lb = t.ndiswan->core().FindLine(b);
  ASSERT_NE(la, nullptr);
  ASSERT_NE(lb, nullptr);
  EXPECT_NE(la->hd_line, 0u);
  EXPECT_NE(la->hd_line, lb->hd_line);
  // The miniport uses the saved htLine: an incoming call on line 0 is
  // indicated with htLine == a.
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(a, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "77"), nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_FALSE(t.ndiswan->tapi_events().empty());
  for (const auto& e : t.ndiswan->tapi_events()) EXPECT_EQ(e.ht_line, a);
  // Opening an open line fails and leaves the first open in force.
  HTAPI_LINE again = 0;
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &again); }), NDIS_STATUS_TAPI_ALLOCATED);
  EXPECT_TRUE(t.ndiswan->core().FindLine(a)->open);
}

TEST_P(TapiLifecycle, MakeCallSavesHtCallReturnsUniqueHdCallAndFailsWhenLineCannotCall) {
  NDISCONF_RULES("WAN-084");
  stack::WanTopology t = Topology(2);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE l0 = 0, l1 = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &l0); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 1, &l1); }), NDIS_STATUS_SUCCESS);
  HTAPI_CALL c0 = 0, c1 = 0, busy = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(l0, "100", &c0); }), NDIS_STATUS_SUCCESS);
  // An empty destination dials the miniport's default number.
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(l1, "", &c1); }), NDIS_STATUS_SUCCESS);
  const HDRV_CALL h0 = t.ndiswan->core().FindCall(c0)->hd_call;
  const HDRV_CALL h1 = t.ndiswan->core().FindCall(c1)->hd_call;
  EXPECT_NE(h0, 0u);
  EXPECT_NE(h1, 0u);
  EXPECT_NE(h0, h1);
  // The saved htCall is the one every call indication carries.
  EXPECT_EQ(States(t, c0), (std::vector<ULONG>{LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING}));
  EXPECT_EQ(States(t, c1), (std::vector<ULONG>{LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING}));
  // Line 0 has one channel and it is busy: the line cannot make the call.
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(l0, "200", &busy); }),
            NDIS_STATUS_TAPI_CALLUNAVAIL);
  EXPECT_FALSE(t.ndiswan->core().FindCall(busy)->live);
  Pump(t, 10);
  // The saved htCall is also the line-up's ConnectionWrapperID.
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(c0); }), NDIS_STATUS_SUCCESS);
  const wan::Link* link = t.ndiswan->core().FindLinkForCall(c0);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(link->connection_wrapper_id), c0);
}

TEST_P(TapiLifecycle, DropIndicatesIdleAndKeepsCallHandlesUntilCloseCall) {
  NDISCONF_RULES("WAN-085");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  ASSERT_FALSE(States(t, call).empty());
  EXPECT_EQ(States(t, call).back(), static_cast<ULONG>(LINECALLSTATE_IDLE));
  EXPECT_EQ(t.ndiswan->core().FindLinkForCall(call), nullptr);  // the data channel went away
  // hdCall stays valid: a second DROP on it still succeeds (it is idle),
  // and CLOSE_CALL then releases it.
  EXPECT_EQ(RawDrop(t, hd), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(States(t, call).back(), static_cast<ULONG>(LINECALLSTATE_IDLE));
}

TEST_P(TapiLifecycle, CloseCallWithoutDropActsAsDropAndLaterDropFailsInvalCallHandle) {
  NDISCONF_RULES("WAN-086");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  const uint64_t downs = t.ndiswan->counters().line_downs;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(States(t, call).back(), static_cast<ULONG>(LINECALLSTATE_IDLE));  // the implied DROP
  EXPECT_EQ(t.ndiswan->counters().line_downs, downs + 1);
  EXPECT_FALSE(t.ndiswan->core().FindCall(call)->live);
  // htCall is invalid now: the miniport indicates nothing more for it, and a
  // DROP naming the released hdCall fails.
  const size_t events = t.ndiswan->tapi_events().size();
  EXPECT_EQ(RawDrop(t, hd), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  NDIS_TAPI_CLOSE_CALL cc;
  std::memset(&cc, 0, sizeof(cc));
  cc.hdCall = hd;
  EXPECT_EQ(Raw(t, false, OID_TAPI_CLOSE_CALL, &cc, sizeof(cc)), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  EXPECT_EQ(t.ndiswan->tapi_events().size(), events);
}

TEST_P(TapiLifecycle, RemoteHangUpIndicatesDisconnectedWithHtCallThenCloseCallAloneSucceeds) {
  NDISCONF_RULES("WAN-087", "WAN-066");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  ASSERT_EQ(t.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t, 3);
  const wan::TapiEvent* last = nullptr;
  for (const auto& e : t.ndiswan->tapi_events()) {
    if (e.msg == LINE_CALLSTATE) last = &e;
  }
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->ht_line, line);
  EXPECT_EQ(last->ht_call, call);
  EXPECT_EQ(last->param1, static_cast<ULONG_PTR>(LINECALLSTATE_DISCONNECTED));
  EXPECT_EQ(last->param2, static_cast<ULONG_PTR>(LINEDISCONNECTMODE_NORMAL));
  EXPECT_EQ(last->param3, static_cast<ULONG_PTR>(LINEMEDIAMODE_DIGITALDATA));
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->state,
            static_cast<ULONG>(LINECALLSTATE_DISCONNECTED));
  // CLOSE_CALL alone (no DROP) is accepted after a remote disconnect.
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
}

TEST_P(TapiLifecycle, CloseLineWithLiveCallClosesItAndLaterRequestsOnLineOrCallFail) {
  NDISCONF_RULES("WAN-088");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  const HDRV_CALL hd_call = t.ndiswan->core().FindCall(call)->hd_call;
  const HDRV_LINE hd_line = t.ndiswan->core().FindLine(line)->hd_line;
  // OQ-37: CLOSE on an active line cannot fail; the call is aborted first.
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Close(line); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(States(t, call).back(), static_cast<ULONG>(LINECALLSTATE_IDLE));
  EXPECT_EQ(t.ndiswan->core().FindLinkForCall(call), nullptr);
  // Afterwards requests naming the line or its call fail.
  EXPECT_EQ(RawDrop(t, hd_call), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION md;
  std::memset(&md, 0, sizeof(md));
  md.hdLine = hd_line;
  md.ulMediaModes = LINEMEDIAMODE_DIGITALDATA;
  EXPECT_EQ(Raw(t, false, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, &md, sizeof(md)),
            NDIS_STATUS_TAPI_INVALLINEHANDLE);
  NDIS_TAPI_CLOSE cl;
  std::memset(&cl, 0, sizeof(cl));
  cl.hdLine = hd_line;
  EXPECT_EQ(Raw(t, false, OID_TAPI_CLOSE, &cl, sizeof(cl)), NDIS_STATUS_TAPI_INVALLINEHANDLE);
}

TEST_P(TapiLifecycle, CloseLineWithNoCallsSucceedsAndProviderShutdownEndsSession) {
  NDISCONF_RULES("WAN-088", "WAN-090");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Close(line); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderShutdown(0); }), NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(t.ndiswan->bindings().at(0)->provider_up);
  // A new session starts with a new PROVIDER_INITIALIZE, and its lines open again.
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 5); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE again = 0;
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 5, &again); }), NDIS_STATUS_SUCCESS);
}

TEST_P(TapiLifecycle, UnsupportedTapiRequestsCompleteWithOperationUnavail) {
  NDISCONF_RULES("WAN-080");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  uint64_t buffer[16] = {};
  // Optional OIDs (section 4.6) the reference miniport does not implement.
  EXPECT_EQ(Raw(t, false, OID_TAPI_DIAL, buffer, sizeof(buffer)),
            NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  EXPECT_EQ(Raw(t, false, OID_TAPI_SECURE_CALL, buffer, sizeof(buffer)),
            NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  EXPECT_EQ(Raw(t, true, OID_TAPI_GET_EXTENSION_ID, buffer, sizeof(buffer)),
            NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  // The call is unaffected.
  EXPECT_EQ(t.ndiswan->core().FindCall(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
}

TEST_P(TapiLifecycle, IncomingCallAnsweredWithoutAcceptConnectsAfterLineUp) {
  NDISCONF_RULES("WAN-091");
  stack::WanTopology t = Topology();
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE line = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_EQ(t.ndiswan->core().calls().size(), 1u);
  const HTAPI_CALL call = t.ndiswan->core().calls().begin()->first;
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->Answer(call); }), NDIS_STATUS_SUCCESS);
  Pump(t, 5);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call); }), NDIS_STATUS_SUCCESS);
  Pump(t, 2);
  EXPECT_EQ(States(t, call), (std::vector<ULONG>{LINECALLSTATE_OFFERING, LINECALLSTATE_CONNECTED}));
}

TEST_P(TapiLifecycle, UnansweredOfferWithdrawnGoesIdleAndCloseCallFollows) {
  NDISCONF_RULES("WAN-091");
  nic::SoftNicConfig nc;
  nc.channel_count = 1;
  nic::ChannelConfig ch;
  ch.peer.offer_timeout = 4;  // the caller gives up after 4 ticks
  nc.channels = {ch};
  stack::WanTopology t = WanTopology({}, {}, {}, nc);
  ASSERT_NE(t.nic, nullptr);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE line = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(
      Tapi(t, [&] { return t.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.nic->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(t, 10);
  ASSERT_EQ(t.ndiswan->core().calls().size(), 1u);
  const HTAPI_CALL call = t.ndiswan->core().calls().begin()->first;
  EXPECT_EQ(States(t, call), (std::vector<ULONG>{LINECALLSTATE_OFFERING, LINECALLSTATE_IDLE}));
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
}

// A miniport that answers OID_TAPI_CLOSE_CALL with a failure, which the
// spec forbids for a valid call.
class CloseCallFails : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_CLOSE_CALL) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

TEST_P(TapiLifecycle, MonitorFlagsCloseCallThatFails) {
  NDISCONF_RULES("WAN-086");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  nic::SoftNicConfig nc;
  nc.channel_count = 1;
  stack::Stack& s = NewStack();
  stack::WanTopologyParts parts;
  parts.nic = nc;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::make_unique<CloseCallFails>(c);
  };
  stack::WanTopology t = stack::BuildWanTopology(s, parts);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_TAPI_RESOURCEUNAVAIL);
  ExpectViolation("WAN-086");
}

// A miniport that drops the call on OID_TAPI_DROP without indicating IDLE.
class DropWithoutIdle : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_DROP && buffer != nullptr && length >= sizeof(NDIS_TAPI_DROP)) {
      HDRV_CALL hd = 0;
      std::memcpy(&hd, static_cast<uint8_t*>(buffer) + offsetof(NDIS_TAPI_DROP, hdCall),
                  sizeof(hd));
      if (drivers::WmpCall* c = a.FindCall(hd)) {
        if (c->channel) (void)a.nic->HangUp(nic::ChannelId{*c->channel});
        c->channel.reset();
        for (drivers::WmpLink* l : c->links) LineDown(a, *l);
        c->state = LINECALLSTATE_IDLE;  // silently: no LINE_CALLSTATE
        CompleteBracket(a);
        return NDIS_STATUS_SUCCESS;
      }
    }
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

TEST_P(TapiLifecycle, MonitorFlagsDropNotFollowedByIdle) {
  NDISCONF_RULES("WAN-085");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::Stack& s = NewStack();
  stack::WanTopologyParts parts;
  parts.nic.channel_count = 1;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::make_unique<DropWithoutIdle>(c);
  };
  stack::WanTopology t = stack::BuildWanTopology(s, parts);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Connect(t, &line, &call);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  EXPECT_NE(States(t, call).back(), static_cast<ULONG>(LINECALLSTATE_IDLE));
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  ExpectViolation("WAN-085");
}

// A miniport that answers an unsupported TAPI OID with NDIS_STATUS_NOT_SUPPORTED.
class UnsupportedIsNotSupported : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    NDIS_STATUS s = Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
    return s == NDIS_STATUS_TAPI_OPERATIONUNAVAIL ? NDIS_STATUS_NOT_SUPPORTED : s;
  }
};

TEST_P(TapiLifecycle, MonitorFlagsUnsupportedTapiRequestAnsweredNotSupported) {
  NDISCONF_RULES("WAN-080");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::Stack& s = NewStack();
  stack::WanTopologyParts parts;
  parts.nic.channel_count = 1;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::make_unique<UnsupportedIsNotSupported>(c);
  };
  stack::WanTopology t = stack::BuildWanTopology(s, parts);
  ASSERT_NE(t.nic, nullptr);
  uint64_t buffer[16] = {};
  EXPECT_EQ(Raw(t, false, OID_TAPI_DIAL, buffer, sizeof(buffer)), NDIS_STATUS_NOT_SUPPORTED);
  ExpectViolation("WAN-080");
}

NDISCONF_INSTANTIATE(TapiLifecycle);

}  // namespace
}  // namespace ndisconf::conformance
