// Reference-model tests of the "notify_close" family (spec 2.5 N1-N7,
// AF-061..AF-070, OQ-08..OQ-11), each named state + event + outcome.
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using testing::AfRec;
using testing::H;
using testing::Stack;
using testing::StubProtocol;

// ---- Notify-close. ----

TEST(NotifyClose, ClientClosesSynchronouslyNotifyReturnsSuccessWithoutCmComplete) {
  // Checks N1, N2, N3, AF-063, AF-064, AF-067, OQ-10.
  Stack st;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_SUCCESS);
  const auto n = st.rec.Calls(Fn::ProtocolClNotifyCloseAf);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].arg[0], H(&st.ClientAf()));
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
  EXPECT_TRUE(st.model.rejections().empty());
}

TEST(NotifyClose, PendedThenCompleteOnClosedAfDeliversCmCompleteOnce) {
  // Checks N4, N5, AF-065, AF-066, AF-067, OQ-08 (tombstone).
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kCloseAndPend;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_SUCCESS);  // the AF is CLOSED
  {
    ScopedActor as(st.cl.actor);
    NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
  }
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  const auto c = st.rec.Calls(Fn::ProtocolCmNotifyCloseAfComplete);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arg[0], H(&st.CmAf()));
  EXPECT_TRUE(st.model.rejections().empty());
  // The tombstone is gone now.
  ScopedActor as(st.cl.actor);
  NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisClNotifyCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kStaleHandle, std::nullopt, "NdisAfHandle"));
}

TEST(NotifyClose, CmClosePendingNotifyReturnsPendingAndCompletesAfterClose) {
  // Checks OQ-10, AF-059, AF-067.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.ClientAf().close_status, NDIS_STATUS_PENDING);
  EXPECT_TRUE(st.cm.notify_close_complete.empty());
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  }
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_LT(st.rec.First(Fn::ProtocolClCloseAfComplete),
            st.rec.First(Fn::ProtocolCmNotifyCloseAfComplete));
}

TEST(NotifyClose, CloseCompletedInsideNotifyIsHeldUntilNotifyReturns) {
  // Checks AF-059.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kPendOnly;
  st.Start();
  st.cl.on_notify_close_hook = [&](AfRec& af) {
    ScopedActor cl_actor(st.cl.actor);
    EXPECT_EQ(NdisClCloseAddressFamily(af.af), NDIS_STATUS_PENDING);
    ScopedActor cm_actor(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
    EXPECT_TRUE(st.cl.close_af_complete.empty());  // held
  };
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  long notify_return = -1;
  for (size_t i = 0; i < st.rec.events.size(); ++i) {
    if (st.rec.events[i].fn == Fn::ProtocolClNotifyCloseAf &&
        st.rec.events[i].phase == Phase::kReturn) {
      notify_return = static_cast<long>(i);
    }
  }
  EXPECT_GT(st.rec.First(Fn::ProtocolClCloseAfComplete), notify_return);
}

TEST(NotifyClose, InOpeningStateFails) {
  // N7, OQ-09.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 0u);
}

TEST(NotifyClose, RepeatWhilePendingFails) {
  // OQ-09.
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kPendOnly;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 1u);
}

TEST(NotifyClose, WhileClientClosePendingReturnsPendingWithoutAskingClient) {
  // N7, OQ-09 (CLOSING): completes once the close does.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClNotifyCloseAf), 0u);
  ScopedActor as(st.cm.actor);
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  EXPECT_EQ(st.cm.notify_close_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
}

TEST(NotifyClose, ClientErrorIsReturnedToCm) {
  // Checks N6, AF-068.
  Stack st;
  st.cl.on_notify_close = StubProtocol::NotifyAction::kFail;
  st.Start();
  EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
}

TEST(NotifyClose, ShortCmHandlersPendingPathSkipsCompleteOrFailsWhenStrict) {
  // OQ-11.
  for (bool strict : {false, true}) {
    Settings s;
    s.accept_cm_handler_size_136 = !strict;
    Stack st(s);
    st.cm.cm.handler_size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
    st.cl.on_notify_close = StubProtocol::NotifyAction::kCloseAndPend;
    st.Start();
    ASSERT_EQ(st.cm.register_status, NDIS_STATUS_SUCCESS);
    EXPECT_EQ(st.cm.NotifyClose(st.CmAf()), strict ? NDIS_STATUS_FAILURE : NDIS_STATUS_PENDING);
    ScopedActor as(st.cl.actor);
    NdisClNotifyCloseAddressFamilyComplete(st.ClientAf().af, NDIS_STATUS_SUCCESS);
    EXPECT_EQ(st.rec.Count(Fn::ProtocolCmNotifyCloseAfComplete), 0u);
  }
}

}  // namespace
}  // namespace ndisconf::ndis
