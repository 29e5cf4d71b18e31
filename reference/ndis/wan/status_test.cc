// Reference-model tests of the WAN "status" family (spec 1.2, 2.9, 3.9, 5.11;
// WAN-001..WAN-012, OQ-27): NDIS 5.1 miniport registration, status indications
// and their bracket, forbidden contexts, and interrupts and DPCs.
#include <gtest/gtest.h>
#include <ndistapi.h>

#include <cstring>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"
#include "reference/ndis/stub_wan_drivers.h"
#include "reference/ndis/wan/wan_test_stack.h"

namespace ndisconf::ndis {
namespace {

using testing::Adapter5Rec;
using testing::H;
using testing::StubMiniport5;
using testing::StubProtocol5;

using spec::RuleId;
using testing::Cites;
using testing::LineUp;
using testing::Rejected;
using testing::WanStack;

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

}  // namespace
}  // namespace ndisconf::ndis
