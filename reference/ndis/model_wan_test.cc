// Reference-model tests of the NDIS 5.1 legacy WAN path (spec 1.2, 2.7, 2.9,
// 3.9, 5.11; OQ-19, OQ-27): registration, binding, requests, status
// indications and their bracket, forbidden contexts, interrupts and DPCs,
// WAN send and receive, the version profile, and bad input.
#include <gtest/gtest.h>
#include <ndistapi.h>

#include <cstring>

#include "ndisconf/ndis/model.h"
#include "stub_drivers.h"
#include "stub_wan_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::Adapter5Rec;
using testing::Bind5Rec;
using testing::H;
using testing::LinkRec;
using testing::Recorder;
using testing::StubMiniport5;
using testing::StubProtocol5;

using spec::RuleId;
using testing::Rejected;

// True if some rejection cites `rule`.
bool Cites(const Model& m, RuleId rule) {
  for (const Rejection& r : m.rejections()) {
    if (r.rule == rule) return true;
  }
  return false;
}

const Rejection* FindRejection(const Model& m, Fn fn) {
  for (const Rejection& r : m.rejections()) {
    if (r.fn == fn) return &r;
  }
  return nullptr;
}

// A WAN miniport with one adapter and two NDIS 5 protocols bound to it
// (NDISWAN would normally be the only one; WAN-001 is about N bindings).
struct WanStack {
  explicit WanStack(Settings s = {}) : model(s) { mp.use_interrupt = true; }
  void Start() {
    mp.Load();
    wan.Load();
    up.Load();
    adapter = mp.Add("WAN1");
  }
  // Runs `fn` as the miniport would from its DPC (DISPATCH_LEVEL).
  template <typename F>
  void FromDpc(F fn) {
    mp.on_dpc = [fn](Adapter5Rec&) { fn(); };
    model.RaiseInterrupt(adapter);
    model.RunUntilIdle();
    mp.on_dpc = nullptr;
  }
  NDIS_HANDLE mh() { return mp.adapter().handle; }

  Model model;
  Recorder rec;
  StubMiniport5 mp{model, "wmp"};
  StubProtocol5 wan{model, "ndiswan"};
  StubProtocol5 up{model, "proto"};
  AdapterId adapter = 0;
};

NDIS_MAC_LINE_UP LineUp(NDIS_HANDLE link_handle) {
  NDIS_MAC_LINE_UP u{};
  u.LinkSpeed = 640;
  u.Quality = NdisWanReliable;
  u.SendWindow = 4;
  u.ConnectionWrapperID = reinterpret_cast<NDIS_HANDLE>(0xCA11);
  u.NdisLinkHandle = link_handle;
  return u;
}

// ---- Registration. ----

TEST(WanRegistration, WanMiniportAndProtocolRegisterAndAdapterInitializes) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  EXPECT_EQ(st.mp.register_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.wan.register_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.mp.init_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.mp.register_interrupt_status, NDIS_STATUS_SUCCESS);
  const auto init = st.rec.Calls(Fn::MiniportInitialize);
  ASSERT_EQ(init.size(), 1u);
  EXPECT_EQ(init[0].arg[2], 1u);  // MediumArraySize
  EXPECT_EQ(st.rec.Returns(Fn::MiniportInitialize)[0].arg[0], 0u);
  const auto attrs = st.rec.Calls(Fn::NdisMSetAttributesEx);
  ASSERT_EQ(attrs.size(), 1u);
  EXPECT_EQ(attrs[0].arg[1], H(&st.mp.adapter()));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanRegistration, MiniportVersionsOtherThan50And51AreBadVersion) {
  for (auto [major, minor] : {std::pair{4, 0}, std::pair{6, 0}, std::pair{5, 2}}) {
    Model model;
    StubMiniport5 mp(model, "wmp");
    mp.chars.MajorNdisVersion = static_cast<UCHAR>(major);
    mp.chars.MinorNdisVersion = static_cast<UCHAR>(minor);
    mp.Load();
    EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_VERSION) << major << "." << minor;
  }
}

TEST(WanRegistration, Version50AcceptsTheShorterCharacteristics) {
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.chars.MinorNdisVersion = 0;
  mp.length = offsetof(NDIS_MINIPORT_CHARACTERISTICS, CancelSendPacketsHandler);
  mp.Load();
  EXPECT_EQ(mp.register_status, NDIS_STATUS_SUCCESS);
}

TEST(WanRegistration, ShortCharacteristicsLengthIsBadCharacteristics) {
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.length = sizeof(NDIS_MINIPORT_CHARACTERISTICS) - 8;  // 5.1 without AdapterShutdownHandler
  mp.Load();
  EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_TRUE(Rejected(model, Outcome(Fn::NdisMRegisterMiniport, NDIS_STATUS_BAD_CHARACTERISTICS,
                                      Reason::kBadCharacteristics)));
}

TEST(WanRegistration, WanMiniportWithoutWanSendHandlerIsBadCharacteristics) {
  // Checks WAN-095: NDIS_USE_WAN_WRAPPER and a WanSendHandler go together.
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.chars.WanSendHandler = nullptr;
  mp.Load();
  EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_TRUE(Rejected(model, Outcome(Fn::NdisMRegisterMiniport, NDIS_STATUS_BAD_CHARACTERISTICS,
                                      Reason::kMissingHandler, RuleId::kWAN095)));
}

TEST(WanRegistration, MissingRequiredHandlerOrUnknownReservedBitIsBadCharacteristics) {
  {
    Model model;
    StubMiniport5 mp(model, "wmp");
    mp.chars.QueryInformationHandler = nullptr;
    mp.Load();
    EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  }
  {
    Model model;
    StubMiniport5 mp(model, "wmp");
    mp.chars.Reserved = NDIS_USE_WAN_WRAPPER | 0x100;
    mp.Load();
    EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  }
  {
    Model model;
    StubProtocol5 p(model, "proto");
    p.chars.StatusHandler = nullptr;
    p.Load();
    EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
    EXPECT_EQ(p.handle, nullptr);
  }
}

TEST(WanRegistration, RegisterMiniportWithUnknownWrapperFailsAndTwiceFails) {
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.Load();
  ASSERT_EQ(mp.register_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(NdisMRegisterMiniport(mp.wrapper, &mp.chars, mp.length), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMRegisterMiniport(reinterpret_cast<NDIS_HANDLE>(0x1234), &mp.chars, mp.length),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMRegisterMiniport(nullptr, &mp.chars, mp.length), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(model, Outcome(Fn::NdisMRegisterMiniport, NDIS_STATUS_FAILURE,
                                      Reason::kNullArgument, std::nullopt, "NdisWrapperHandle")));
}

// ---- Binding. ----

TEST(WanBinding, EveryProtocolBindsWithTheAdaptersOneDeviceName) {
  WanStack st;
  st.Start();
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.IsBound(st.up.actor, st.adapter));
  const auto binds = st.rec.Calls(Fn::ProtocolBindAdapter);
  ASSERT_EQ(binds.size(), 2u);
  EXPECT_EQ(binds[0].arg[1], binds[1].arg[1]);  // same DeviceName string
  EXPECT_NE(binds[0].arg[0], binds[1].arg[0]);  // distinct BindContexts
  EXPECT_EQ(st.wan.bind().selected, 0u);
  const auto opens = st.rec.Returns(Fn::NdisOpenAdapter);
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_EQ(opens[0].status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(opens[0].arg[0], H(st.wan.bind().binding));
}

TEST(WanBinding, ProtocolNotAcceptingTheMediumGetsUnsupportedMediaAndStaysUnbound) {
  WanStack st;
  st.up.media = {NdisMedium802_3, NdisMediumFddi};
  st.Start();
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_FALSE(st.model.IsBound(st.up.actor, st.adapter));
  EXPECT_EQ(st.up.bind().open_status, NDIS_STATUS_UNSUPPORTED_MEDIA);
}

TEST(WanBinding, PendedBindCompletesThroughNdisCompleteBindAdapter) {
  WanStack st;
  st.wan.bind_returns = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  NdisCompleteBindAdapter(st.wan.bind().bind_ctx, NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanBinding, UnbindClosesTheBindingAndItsHandleIsStale) {
  WanStack st;
  st.Start();
  NDIS_HANDLE binding = st.wan.bind().binding;
  EXPECT_TRUE(st.model.UnbindProtocol(st.wan.actor, st.adapter));
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapter), 1u);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisCloseAdapter(&s, binding);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisCloseAdapter, NDIS_STATUS_FAILURE,
                                         Reason::kStaleHandle, std::nullopt, "NdisBindingHandle")));
}

TEST(WanBinding, PendedUnbindCompletesThroughNdisCompleteUnbindAdapter) {
  WanStack st;
  st.wan.unbind_pends = true;
  st.Start();
  EXPECT_TRUE(st.model.UnbindProtocol(st.wan.actor, st.adapter));
  Bind5Rec& b = st.wan.bind();
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisCloseAdapter(&s, b.binding);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  NdisCompleteUnbindAdapter(b.unbind_ctx, NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(st.model.IsBound(st.wan.actor, st.adapter));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanBinding, HaltCallsMiniportHaltAndUnbindsTheProtocols) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  EXPECT_TRUE(st.model.HaltAdapter(st.adapter));
  EXPECT_EQ(st.mp.halts, 1);
  EXPECT_EQ(st.rec.Count(Fn::NdisMDeregisterInterrupt), 1u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolUnbindAdapter), 2u);
  EXPECT_TRUE(st.model.rejections().empty());
}

// ---- Requests. ----

TEST(WanRequest, SynchronousQueryReturnsTheMiniportsStatusAtDispatch) {
  WanStack st;
  st.mp.on_query = [](Adapter5Rec&, NDIS_OID, PVOID buf, ULONG len, PULONG written,
                      PULONG needed) -> NDIS_STATUS {
    if (len < 4) {
      *needed = 4;
      return NDIS_STATUS_INVALID_LENGTH;
    }
    std::memcpy(buf, "\x01\x02\x03\x04", 4);
    *written = 4;
    return NDIS_STATUS_SUCCESS;
  };
  st.Start();
  unsigned char buf[8] = {};
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestQueryInformation;
  r.DATA.QUERY_INFORMATION.Oid = OID_WAN_GET_INFO;
  r.DATA.QUERY_INFORMATION.InformationBuffer = buf;
  r.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(buf);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.DATA.QUERY_INFORMATION.BytesWritten, 4u);
  EXPECT_EQ(buf[3], 4);
  ASSERT_EQ(st.mp.query_irql.size(), 1u);
  EXPECT_EQ(st.mp.query_irql[0], DISPATCH_LEVEL);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolRequestComplete), 0u);
  // The return event carries the buffer as the miniport left it.
  const auto ret = st.rec.Returns(Fn::NdisRequest);
  ASSERT_EQ(ret.size(), 1u);
  EXPECT_EQ(ret[0].arg[0], 4u);
  EXPECT_EQ(ret[0].blob[0], 1);
  // Too short: the miniport's status and BytesNeeded pass through.
  r.DATA.QUERY_INFORMATION.InformationBufferLength = 2;
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_LENGTH);
  EXPECT_EQ(r.DATA.QUERY_INFORMATION.BytesNeeded, 4u);
}

TEST(WanRequest, UnknownOidsArePassedThroughToTheMiniport) {
  WanStack st;
  st.mp.set_status = NDIS_STATUS_INVALID_OID;
  st.Start();
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestSetInformation;
  r.DATA.SET_INFORMATION.Oid = 0xFFFF0001;
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_OID);
  ASSERT_EQ(st.mp.sets.size(), 1u);
  EXPECT_EQ(st.mp.sets[0], 0xFFFF0001u);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanRequest, PendedQueryCompletesAndTheQueuedSecondRequestRunsAfterIt) {
  WanStack st;
  st.mp.query_status = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_REQUEST r1{}, r2{};
  r1.RequestType = r2.RequestType = NdisRequestQueryInformation;
  r1.DATA.QUERY_INFORMATION.Oid = OID_TAPI_GET_ID;
  r2.DATA.QUERY_INFORMATION.Oid = OID_WAN_GET_INFO;
  NDIS_STATUS s1 = NDIS_STATUS_FAILURE, s2 = NDIS_STATUS_FAILURE;
  NdisRequest(&s1, st.wan.bind().binding, &r1);
  EXPECT_EQ(s1, NDIS_STATUS_PENDING);
  NdisRequest(&s2, st.up.bind().binding, &r2);
  EXPECT_EQ(s2, NDIS_STATUS_PENDING);
  // One request in the miniport at a time.
  EXPECT_EQ(st.mp.queries.size(), 1u);
  st.mp.query_status = NDIS_STATUS_SUCCESS;
  NdisMQueryInformationComplete(st.mh(), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.wan.bind().request_completes.size(), 1u);
  EXPECT_EQ(st.wan.bind().request_completes[0].first, &r1);
  EXPECT_EQ(st.wan.bind().request_completes[0].second, NDIS_STATUS_SUCCESS);
  // The queued one ran next (synchronously) and completes through the callback.
  ASSERT_EQ(st.mp.queries.size(), 2u);
  EXPECT_EQ(st.mp.queries[1], static_cast<NDIS_OID>(OID_WAN_GET_INFO));
  ASSERT_EQ(st.up.bind().request_completes.size(), 1u);
  EXPECT_EQ(st.up.bind().request_completes[0].first, &r2);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanRequest, CompletionFromInsideTheQueryIsTheSynchronousResult) {
  WanStack st;
  st.mp.on_query = [](Adapter5Rec& a, NDIS_OID, PVOID, ULONG, PULONG, PULONG) -> NDIS_STATUS {
    NdisMQueryInformationComplete(a.handle, NDIS_STATUS_RESOURCES);
    return NDIS_STATUS_PENDING;
  };
  st.Start();
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestQueryInformation;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolRequestComplete), 0u);
}

TEST(WanRequest, CompletionWithNothingOutstandingOrOfTheWrongKindIsRejected) {
  WanStack st;
  st.mp.query_status = NDIS_STATUS_PENDING;
  st.Start();
  NdisMQueryInformationComplete(st.mh(), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMQueryInformationComplete, NDIS_STATUS_FAILURE,
                                         Reason::kNotPending)));
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestQueryInformation;
  NDIS_STATUS s;
  NdisRequest(&s, st.wan.bind().binding, &r);
  NdisMSetInformationComplete(st.mh(), NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMSetInformationComplete, NDIS_STATUS_FAILURE,
                                         Reason::kWrongCompletion)));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolRequestComplete), 0u);
}

// ---- Status indications (WAN-001, WAN-010, WAN-011). ----

TEST(WanStatus, IndicationReachesEveryBindingWithTheSameBufferPointerAndSize) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x11));
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
    NdisMIndicateStatusComplete(st.mh());
  });
  for (StubProtocol5* p : {&st.wan, &st.up}) {
    ASSERT_EQ(p->bind().statuses.size(), 1u) << p->name;
    EXPECT_EQ(p->bind().statuses[0].status, NDIS_STATUS_WAN_LINE_UP);
    EXPECT_EQ(p->bind().statuses[0].buffer, &up);  // by reference (WAN-103)
    EXPECT_EQ(p->bind().statuses[0].size, sizeof(up));
    EXPECT_EQ(p->bind().status_completes, 1);
  }
  // The first binding wrote NdisLinkContext (WAN-024); it is visible in the
  // miniport's buffer and in the return event.
  ASSERT_EQ(st.wan.links.size(), 1u);
  EXPECT_EQ(up.NdisLinkContext, &st.wan.links[0]);
  EXPECT_TRUE(st.up.links.empty());  // the second saw a non-NULL context
  const auto ret = st.rec.Returns(Fn::NdisMIndicateStatus);
  ASSERT_EQ(ret.size(), 1u);
  NDIS_MAC_LINE_UP after;
  ASSERT_EQ(ret[0].blob_len, sizeof(after));
  std::memcpy(&after, ret[0].blob, sizeof(after));
  EXPECT_EQ(after.NdisLinkContext, &st.wan.links[0]);
  // ProtocolStatus calls nest inside the NdisMIndicateStatus call.
  const long call = st.rec.First(Fn::NdisMIndicateStatus);
  const long status = st.rec.First(Fn::ProtocolStatus);
  EXPECT_LT(call, status);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanStatus, NdisDoesNotLookInsideTheBufferNullAndShortBuffersPassThrough) {
  // Checks WAN-100 from NDIS's side: NDISWAN validates WAN status buffers, not NDIS.
  WanStack st;
  st.wan.write_link_context = false;
  st.Start();
  unsigned char shortbuf[3] = {1, 2, 3};
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, nullptr, 40);
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_FRAGMENT, shortbuf, sizeof(shortbuf));
    NdisMIndicateStatus(st.mh(), static_cast<NDIS_STATUS>(0x40019999), nullptr, 0);
    NdisMIndicateStatusComplete(st.mh());
  });
  const auto& seen = st.wan.bind().statuses;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].buffer, nullptr);
  EXPECT_EQ(seen[0].size, 40u);
  EXPECT_EQ(seen[1].buffer, shortbuf);
  EXPECT_EQ(seen[1].size, 3u);
  EXPECT_EQ(seen[2].status, static_cast<NDIS_STATUS>(0x40019999));
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(WanStatus, SeveralIndicationsThenOneCompleteNotifiesEachProtocolOnce) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_DOWN down{};
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
    NdisMIndicateStatusComplete(st.mh());  // no indication before it: nobody is called
  });
  EXPECT_EQ(st.wan.bind().statuses.size(), 2u);
  EXPECT_EQ(st.wan.bind().status_completes, 1);
  EXPECT_EQ(st.up.bind().status_completes, 1);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolStatusComplete), 2u);
}

TEST(WanStatus, CompleteGoesOnlyToTheProtocolsNotifiedSinceTheLastComplete) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_DOWN down{};
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
  });
  // The second protocol unbinds; the next bracket reaches only the first.
  EXPECT_TRUE(st.model.UnbindProtocol(st.up.actor, st.adapter));
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
  });
  EXPECT_EQ(st.wan.bind().status_completes, 2);
  EXPECT_EQ(st.up.bind().status_completes, 1);
  EXPECT_EQ(st.up.bind().statuses.size(), 1u);
}

TEST(WanStatus, LineUpDuringGetIdQueryIsDeliveredBeforeTheQueryReturns) {
  // Checks W1 step 5 / WAN-021: the initial line-up from inside OID_TAPI_GET_ID.
  WanStack st;
  st.mp.on_query = [](Adapter5Rec& a, NDIS_OID oid, PVOID, ULONG, PULONG written,
                      PULONG) -> NDIS_STATUS {
    if (oid == OID_TAPI_GET_ID) {
      NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x22));
      NdisMIndicateStatus(a.handle, NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
      NdisMIndicateStatusComplete(a.handle);
      *written = 0;
    }
    return NDIS_STATUS_SUCCESS;
  };
  st.Start();
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestQueryInformation;
  r.DATA.QUERY_INFORMATION.Oid = OID_TAPI_GET_ID;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.wan.links.size(), 1u);
  EXPECT_TRUE(st.model.rejections().empty());  // serialized at DISPATCH inside the query
}

// ---- Forbidden contexts (WAN-002, WAN-003, WAN-004) and IRQL (OQ-27). ----

TEST(WanContext, IndicationFromMiniportIsrIsRejectedAndNotForwarded) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  NDIS_MAC_LINE_DOWN down{};
  st.mp.on_isr = [&](Adapter5Rec& a) {
    NdisMIndicateStatus(a.handle, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  };
  st.model.RaiseInterrupt(st.adapter);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                         Reason::kIndicationContext, RuleId::kWAN002)));
  EXPECT_TRUE(st.wan.bind().statuses.empty());
}

TEST(WanContext, IndicationFromMiniportHaltIsRejected) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_DOWN down{};
  st.mp.on_halt = [&](Adapter5Rec& a) {
    NdisMIndicateStatus(a.handle, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  };
  st.model.HaltAdapter(st.adapter);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                         Reason::kIndicationContext, RuleId::kWAN002)));
  EXPECT_TRUE(st.wan.bind().statuses.empty());
}

TEST(WanContext, IndicationFromInitializeIsAllowedOnlyIfDeserialized) {
  for (bool deserialized : {false, true}) {
    WanStack st;
    st.mp.deserialized = deserialized;
    NDIS_MAC_LINE_DOWN down{};
    st.mp.on_initialize = [&](Adapter5Rec& a) {
      NdisMIndicateStatus(a.handle, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
      NdisMIndicateStatusComplete(a.handle);
    };
    st.Start();
    EXPECT_EQ(Cites(st.model, RuleId::kWAN002), !deserialized);
    EXPECT_EQ(st.rec.Count(Fn::NdisMIndicateStatus), 1u);
  }
}

TEST(WanContext, IndicationWithASpinLockHeldIsRejected) {
  WanStack st;
  st.Start();
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NDIS_MAC_LINE_DOWN down{};
  st.FromDpc([&] {
    NdisDprAcquireSpinLock(&lock);
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
    NdisDprReleaseSpinLock(&lock);
  });
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                         Reason::kIndicationContext, RuleId::kWAN003)));
  EXPECT_TRUE(st.wan.bind().statuses.empty());
  NdisFreeSpinLock(&lock);
}

TEST(WanContext, ALockHeldByAnotherDriverDoesNotBlockTheMiniport) {
  // Checks WAN-003 is about the miniport's own locks (as the monitor checks it).
  WanStack st;
  st.Start();
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NDIS_MAC_LINE_DOWN down{};
  constexpr ActorId kOther = 77;
  st.FromDpc([&] {
    {
      ScopedActor other(kOther);
      NdisDprAcquireSpinLock(&lock);
    }
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
    ScopedActor other(kOther);
    NdisDprReleaseSpinLock(&lock);
  });
  EXPECT_FALSE(Cites(st.model, RuleId::kWAN003));
  EXPECT_EQ(st.wan.bind().statuses.size(), 1u);
  NdisFreeSpinLock(&lock);
}

TEST(WanContext, OnlyALockStillHeldBlocksAnIndication) {
  WanStack st;
  st.Start();
  NDIS_SPIN_LOCK a, b;
  NdisAllocateSpinLock(&a);
  NdisAllocateSpinLock(&b);
  NDIS_MAC_LINE_DOWN down{};
  st.FromDpc([&] {
    // a: acquired and released; b: acquired, then re-initialized (which
    // leaves it not held). Neither is held at the indication.
    NdisDprAcquireSpinLock(&a);
    NdisDprReleaseSpinLock(&a);
    NdisDprAcquireSpinLock(&b);
    NdisAllocateSpinLock(&b);
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
  });
  EXPECT_FALSE(Cites(st.model, RuleId::kWAN003));
  EXPECT_EQ(st.wan.bind().statuses.size(), 1u);
  // Held again: refused again.
  st.FromDpc([&] {
    NdisDprAcquireSpinLock(&b);
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    NdisMIndicateStatusComplete(st.mh());
    NdisDprReleaseSpinLock(&b);
  });
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                         Reason::kIndicationContext, RuleId::kWAN003)));
  EXPECT_EQ(st.wan.bind().statuses.size(), 1u);
  NdisFreeSpinLock(&a);
  NdisFreeSpinLock(&b);
}

TEST(WanContext, SerializedMiniportMustIndicateAtDispatchDeserializedAtOrBelow) {
  for (bool deserialized : {false, true}) {
    WanStack st;
    st.mp.deserialized = deserialized;
    st.Start();
    NDIS_MAC_LINE_DOWN down{};
    // From the harness: PASSIVE_LEVEL.
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
    EXPECT_EQ(Cites(st.model, RuleId::kWAN004), !deserialized);
    EXPECT_EQ(st.wan.bind().statuses.size(), deserialized ? 1u : 0u);
  }
}

TEST(WanContext, ViolationsAreForwardedAnywayWhenTheSettingSaysSo) {
  Settings s;
  s.wan_context_violations_refused = false;
  WanStack st(s);
  st.Start();
  NDIS_MAC_LINE_DOWN down{};
  NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_SUCCESS,
                                         Reason::kIndicationContext, RuleId::kWAN004)));
  EXPECT_EQ(st.wan.bind().statuses.size(), 1u);
}

// ---- Interrupts and the DPC. ----

TEST(WanInterrupt, IsrRunsAtDeviceIrqlAndTheDpcAtDispatchOnce) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  st.model.RaiseInterrupt(st.adapter);
  st.model.RaiseInterrupt(st.adapter);  // before the DPC ran: still one DPC
  EXPECT_EQ(st.mp.isrs, 2);
  EXPECT_EQ(st.mp.isr_irql, Model::kDeviceIrql);
  const auto pending = st.model.PendingWork();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].kind, WorkKind::kDpc);
  EXPECT_EQ(st.mp.dpcs, 0);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.mp.dpcs, 1);
  EXPECT_EQ(st.mp.dpc_irql, DISPATCH_LEVEL);
  const auto isr = st.rec.Calls(Fn::MiniportISR);
  ASSERT_EQ(isr.size(), 2u);
  EXPECT_EQ(isr[0].irql, Model::kDeviceIrql);
  EXPECT_EQ(st.rec.Calls(Fn::MiniportHandleInterrupt)[0].irql, DISPATCH_LEVEL);
  EXPECT_EQ(st.model.CurrentIrql(), PASSIVE_LEVEL);
}

TEST(WanInterrupt, UnrecognizedInterruptQueuesNoDpc) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.mp.isr_recognizes = false;
  st.Start();
  st.model.RaiseInterrupt(st.adapter);
  EXPECT_TRUE(st.model.PendingWork().empty());
  const auto ret = st.rec.Returns(Fn::MiniportISR);
  ASSERT_EQ(ret.size(), 1u);
  EXPECT_EQ(ret[0].arg[0], 0u);
}

TEST(WanInterrupt, InterruptWithoutRegistrationIsASpuriousRejection) {
  WanStack st;
  st.mp.use_interrupt = false;
  st.Start();
  st.model.RaiseInterrupt(st.adapter);
  st.model.RaiseInterrupt(99);
  EXPECT_EQ(st.mp.isrs, 0);
  EXPECT_TRUE(Rejected(st.model, Outcome(Unrecorded::kRaiseInterrupt, NDIS_STATUS_FAILURE,
                                         Reason::kSpuriousInterrupt)));
}

TEST(WanInterrupt, DpcQueuedBeforeHaltDoesNotRun) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.Start();
  st.model.RaiseInterrupt(st.adapter);
  st.model.HaltAdapter(st.adapter);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.mp.dpcs, 0);
}

TEST(WanInterrupt, HaltWithoutDeregisteringIsRecorded) {
  WanStack st;
  st.mp.use_interrupt = true;
  st.mp.deregister_in_halt = false;
  st.Start();
  st.model.HaltAdapter(st.adapter);
  EXPECT_TRUE(
      Rejected(st.model, Outcome(Fn::MiniportHalt, NDIS_STATUS_SUCCESS, Reason::kLeftOpen)));
}

// ---- WAN send and receive. ----

TEST(WanData, SendReachesMiniportWanSendWithTheLinkHandle) {
  WanStack st;
  st.Start();
  NDIS_WAN_PACKET packet{};
  packet.CurrentLength = 64;
  NDIS_HANDLE link = reinterpret_cast<NDIS_HANDLE>(0x11);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisWanSend(&s, st.wan.bind().binding, link, &packet);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.mp.sent.size(), 1u);
  EXPECT_EQ(st.mp.sent[0].first, link);  // WAN-028
  EXPECT_EQ(st.mp.sent[0].second, &packet);
  const auto call = st.rec.Calls(Fn::MiniportWanSend);
  ASSERT_EQ(call.size(), 1u);
  EXPECT_EQ(call[0].arg[0], H(&st.mp.adapter()));
  EXPECT_EQ(call[0].arg[3], 64u);
  EXPECT_EQ(call[0].irql, DISPATCH_LEVEL);
  EXPECT_TRUE(st.wan.bind().send_completes.empty());
}

TEST(WanData, PendedSendCompletesToTheSendingBinding) {
  WanStack st;
  st.mp.send_status = NDIS_STATUS_PENDING;
  st.Start();
  NDIS_WAN_PACKET packet{};
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisWanSend(&s, st.up.bind().binding, nullptr, &packet);
  EXPECT_EQ(s, NDIS_STATUS_PENDING);
  NdisMWanSendComplete(st.mh(), &packet, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.up.bind().send_completes.size(), 1u);
  EXPECT_EQ(st.up.bind().send_completes[0].first, &packet);
  EXPECT_TRUE(st.wan.bind().send_completes.empty());
  // A second completion of the same packet is rejected.
  NdisMWanSendComplete(st.mh(), &packet, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(Rejected(
      st.model, Outcome(Fn::NdisMWanSendComplete, NDIS_STATUS_FAILURE, Reason::kNotPending)));
  EXPECT_EQ(st.up.bind().send_completes.size(), 1u);
}

TEST(WanData, ReceiveGoesToTheWanReceiveHandlerWithTheLinkContextThenComplete) {
  WanStack st;
  st.Start();
  NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x33));
  unsigned char frame[5] = {0xff, 0x03, 0, 0x21, 0x45};
  NDIS_STATUS rs = NDIS_STATUS_FAILURE;
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
    NdisMIndicateStatusComplete(st.mh());
    NdisMWanIndicateReceive(&rs, st.mh(), up.NdisLinkContext, frame, sizeof(frame));
    NdisMWanIndicateReceiveComplete(st.mh(), up.NdisLinkContext);
  });
  EXPECT_EQ(rs, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.wan.links.size(), 1u);
  EXPECT_EQ(st.wan.links[0].receives, 1);
  EXPECT_EQ(st.wan.bind().receive_completes, 1);
  EXPECT_EQ(st.up.bind().receive_completes, 0);  // only the first binding receives
  const auto recv = st.rec.Calls(Fn::ProtocolWanReceive);
  ASSERT_EQ(recv.size(), 1u);
  EXPECT_EQ(recv[0].arg[0], H(&st.wan.links[0]));
  EXPECT_EQ(recv[0].arg[1], sizeof(frame));
}

TEST(WanData, SendOnANonWanAdapterIsNotSupported) {
  Model model;
  Recorder rec;
  StubMiniport5 mp(model, "lan");
  mp.chars.Reserved = 0;
  mp.chars.SendHandler = [](NDIS_HANDLE, PVOID, UINT) -> NDIS_STATUS {
    return NDIS_STATUS_SUCCESS;
  };
  mp.medium = NdisMedium802_3;
  StubProtocol5 p(model, "proto");
  p.media = {NdisMedium802_3};
  mp.Load();
  p.Load();
  mp.Add("LAN1", NdisMedium802_3);
  ASSERT_EQ(mp.register_status, NDIS_STATUS_SUCCESS);
  NDIS_WAN_PACKET packet{};
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisWanSend(&s, p.bind().binding, nullptr, &packet);
  EXPECT_EQ(s, NDIS_STATUS_NOT_SUPPORTED);
}

// ---- Version profile (OQ-19). ----

TEST(WanProfile, Ndis6ProfileRefusesTheLegacyFunctionsNamingOq19) {
  Settings s;
  s.wan_version_scope = Settings::WanVersionScope::kNdis6Only;
  Model model(s);
  StubMiniport5 mp(model, "wmp");
  StubProtocol5 p(model, "ndiswan");
  mp.Load();
  p.Load();
  EXPECT_EQ(mp.wrapper, nullptr);
  EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_VERSION);
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_VERSION);
  NDIS_MAC_LINE_DOWN down{};
  NdisMIndicateStatus(reinterpret_cast<NDIS_HANDLE>(0x42), NDIS_STATUS_WAN_LINE_DOWN, &down,
                      sizeof(down));
  const Rejection* r = FindRejection(model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(),
            Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_NOT_SUPPORTED, Reason::kWanVersionScope));
}

// Checks WAN-095 (OQ-19, the NDIS-4-only reading): a WAN status code from
// an NDIS 5.x miniport is refused and reaches no protocol; other statuses
// still do.
TEST(WanProfile, Ndis4OnlyScopeRefusesWanStatusCodesFromA5xMiniport) {
  Settings s;
  s.wan_version_scope = Settings::WanVersionScope::kNdis4Only;
  WanStack st(s);
  st.Start();
  NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x11));
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_MEDIA_CONNECT, nullptr, 0);
    NdisMIndicateStatusComplete(st.mh());
  });
  const Rejection* r = FindRejection(st.model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(), Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_NOT_SUPPORTED,
                                  Reason::kWanVersionScope, RuleId::kWAN095));
  for (StubProtocol5* p : {&st.wan, &st.up}) {
    ASSERT_EQ(p->bind().statuses.size(), 1u) << p->name;
    EXPECT_EQ(p->bind().statuses[0].status, NDIS_STATUS_MEDIA_CONNECT);
  }
}

TEST(WanProfile, IndicationOnAnNdis6MiniportsAdapterIsRefusedNamingOq19) {
  Model model;
  testing::StubMiniport mp6(model, "mp6", false);
  mp6.co = false;
  mp6.Load();
  mp6.Add("LAN6", NdisMedium802_3);
  ASSERT_NE(mp6.adapter_handle, nullptr);
  NDIS_MAC_LINE_DOWN down{};
  NdisMIndicateStatus(mp6.adapter_handle, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  const Rejection* r = FindRejection(model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(),
            Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE, Reason::kWrongNdisVersion));
}

// ---- Bad input. ----

TEST(WanBadInput, NullAndGarbageHandlesAreRejectedWithoutCrashing) {
  WanStack st;
  st.Start();
  const size_t before = st.model.rejections().size();
  NDIS_MAC_LINE_DOWN down{};
  NDIS_HANDLE garbage = reinterpret_cast<NDIS_HANDLE>(0xDEADBEEF);
  NdisMIndicateStatus(nullptr, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  NdisMIndicateStatus(garbage, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  // A binding handle is not a miniport adapter handle.
  NdisMIndicateStatus(st.wan.bind().binding, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  NdisMIndicateStatusComplete(garbage);
  NdisMQueryInformationComplete(nullptr, NDIS_STATUS_SUCCESS);
  NdisMWanSendComplete(garbage, nullptr, NDIS_STATUS_SUCCESS);
  NdisMWanIndicateReceiveComplete(nullptr, nullptr);
  NdisMDeregisterInterrupt(nullptr);
  NdisMSetAttributesEx(garbage, nullptr, 0, 0, NdisInterfaceInternal);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisMWanIndicateReceive(&s, garbage, nullptr, nullptr, 10);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  NdisMWanIndicateReceive(nullptr, st.mh(), nullptr, nullptr, 10);
  EXPECT_EQ(st.model.rejections().size(), before + 11);
  EXPECT_TRUE(
      Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                 Reason::kWrongHandleKind, std::nullopt, "MiniportAdapterHandle")));
  EXPECT_TRUE(st.wan.bind().statuses.empty());
}

TEST(WanBadInput, RequestWithNullOrBadArgumentsGetsPreciseStatuses) {
  WanStack st;
  st.Start();
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisRequest(&s, st.wan.bind().binding, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  NDIS_REQUEST r{};
  const uint32_t seven = 7;  // not an NDIS_REQUEST_TYPE: stored as raw bytes
  std::memcpy(&r.RequestType, &seven, sizeof(seven));
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  r.RequestType = NdisRequestQueryInformation;
  NdisRequest(&s, st.mh(), &r);  // an adapter handle is not a binding handle
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  NdisRequest(nullptr, st.wan.bind().binding, &r);  // nowhere to write: rejected, not run
  EXPECT_TRUE(st.mp.queries.empty());
  NdisWanSend(&s, st.wan.bind().binding, nullptr, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
}

TEST(WanBadInput, OpenAdapterOutsideABindOrForAnUnknownNameFails) {
  WanStack st;
  st.Start();
  NDIS_STATUS s = NDIS_STATUS_SUCCESS, open_error;
  NDIS_HANDLE binding = nullptr;
  UINT selected = 0;
  NDIS_MEDIUM media[] = {NdisMediumWan};
  NdisOpenAdapter(&s, &open_error, &binding, &selected, media, 1, st.wan.handle, nullptr,
                  st.wan.bind().device_name, 0, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(st.model, Outcome(Fn::NdisOpenAdapter, NDIS_STATUS_FAILURE, Reason::kWrongState)));
  std::u16string other = u"NOPE";
  NDIS_STRING name{static_cast<USHORT>(other.size() * 2), static_cast<USHORT>(other.size() * 2),
                   reinterpret_cast<PWSTR>(other.data())};
  NdisOpenAdapter(&s, &open_error, &binding, &selected, media, 1, st.wan.handle, nullptr, &name, 0,
                  nullptr);
  EXPECT_EQ(s, NDIS_STATUS_ADAPTER_NOT_FOUND);
  NdisOpenAdapter(&s, &open_error, &binding, &selected, nullptr, 0, st.wan.handle, nullptr, &name,
                  0, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(binding, nullptr);
}

TEST(WanBadInput, RegisterInterruptOutsideInitializeFails) {
  WanStack st;
  st.Start();
  NDIS_MINIPORT_INTERRUPT intr{};
  EXPECT_EQ(NdisMRegisterInterrupt(&intr, st.mh(), 1, 1, TRUE, FALSE, NdisInterruptLatched),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMRegisterInterrupt(nullptr, st.mh(), 1, 1, TRUE, FALSE, NdisInterruptLatched),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMRegisterInterrupt, NDIS_STATUS_FAILURE,
                                         Reason::kOutsideCallback)));
}

TEST(WanBadInput, InitializeSelectingNoMediumFailsTheAdapter) {
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.medium = NdisMedium802_3;  // the hardware offers only WAN
  mp.Load();
  mp.Add("WAN1", NdisMediumWan);
  EXPECT_EQ(mp.init_status, NDIS_STATUS_UNSUPPORTED_MEDIA);
}

}  // namespace
}  // namespace ndisconf::ndis
