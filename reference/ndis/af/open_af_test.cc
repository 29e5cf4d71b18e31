// Reference-model tests of the "open_af" family (spec 2.4 O1-O7,
// AF-030..AF-044), each named state + event + outcome.
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using spec::RuleId;
using testing::AfRec;
using testing::H;
using testing::S;
using testing::Stack;
using testing::StubProtocol;

// ---- Open. ----

TEST(OpenAf, CmReturnsSuccessOpenReturnsSuccessWithoutCompletionCallback) {
  // Checks O2, AF-031, AF-039.
  Stack st;
  st.Start();
  AfRec& af = st.ClientAf();
  EXPECT_EQ(af.open_status, NDIS_STATUS_SUCCESS);
  ASSERT_NE(af.af, nullptr);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
  const auto opens = st.rec.Calls(Fn::ProtocolCmOpenAf);
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].actor, st.cm.actor);
  EXPECT_EQ(opens[0].arg[0], H(&st.cm.binds[0]));  // CallMgrBindingContext
  EXPECT_EQ(opens[0].arg[1], CO_ADDRESS_FAMILY_Q2931);
  EXPECT_EQ(opens[0].arg[4], H(af.af));  // the same NdisAfHandle the client got
}

TEST(OpenAf, TwoClientsGetDistinctHandles) {
  // Checks AF-031, AF-140.
  Stack st;
  StubProtocol cl2(st.model, "cl2", StubProtocol::kClient);
  st.mp.Load();
  st.cm.Load();
  st.cl.Load();
  cl2.Load();
  st.adapter = st.mp.Add("A1");
  st.model.RunUntilIdle();
  ASSERT_EQ(cl2.client_afs.size(), 1u);
  EXPECT_NE(st.ClientAf().af, cl2.client_afs[0].af);
}

TEST(OpenAf, PendingThenCompleteAtDispatchDeliversAtPassive) {
  // Checks O3, O5, AF-034, AF-035, AF-037.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  AfRec& cl_af = st.ClientAf();
  ASSERT_EQ(cl_af.open_status, NDIS_STATUS_PENDING);
  AfRec& cm_af = st.CmAf();
  {
    ScopedActor as(st.cm.actor);
    NDIS_SPIN_LOCK lock;
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, cm_af.af, &cm_af);
    NdisReleaseSpinLock(&lock);
  }
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
  ASSERT_EQ(st.model.PendingWork().size(), 1u);
  EXPECT_EQ(st.model.PendingWork()[0].kind, WorkKind::kDeferredCompletion);
  st.model.RunUntilIdle();
  const auto done = st.rec.Calls(Fn::ProtocolClOpenAfCompleteEx);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].irql, PASSIVE_LEVEL);
  EXPECT_EQ(done[0].arg[0], H(&cl_af));
  EXPECT_EQ(done[0].arg[1], H(cm_af.af));
  EXPECT_EQ(done[0].arg[2], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(cl_af.open_status, NDIS_STATUS_SUCCESS);
  // AF-035: later CM calls get the CallMgrAfContext given at completion.
  EXPECT_EQ(st.cl.CloseAf(cl_af), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.rec.Calls(Fn::ProtocolCmCloseAf)[0].arg[0], H(&cm_af));
}

TEST(OpenAf, PendingThenCompleteAtPassiveRunsInlineWhenChooserSaysSo) {
  // Checks AF-037: at PASSIVE_LEVEL the Chooser decides.
  // Notify: queued (even byte); Pick of that one item; completion: inline (odd).
  const uint8_t bytes[] = {0, 0, 1};
  ByteChooser chooser(bytes);
  Stack st(Settings{}, false, &chooser);
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  ScopedActor as(st.cm.actor);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, &st.CmAf());
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 1u);
  EXPECT_TRUE(st.model.PendingWork().empty());
}

TEST(OpenAf, PendingThenFailureDeliversNullHandleAfterCleanup) {
  // Checks O6, AF-036, AF-038.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  AfRec& cm_af = st.CmAf();
  {
    ScopedActor as(st.cm.actor);
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_RESOURCES, cm_af.af, nullptr);
  }
  st.model.RunUntilIdle();
  const auto done = st.rec.Calls(Fn::ProtocolClOpenAfCompleteEx);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].arg[1], 0u);
  EXPECT_EQ(done[0].arg[2], S(NDIS_STATUS_RESOURCES));
  ScopedActor as(st.cl.actor);
  EXPECT_EQ(NdisClCloseAddressFamily(cm_af.af), NDIS_STATUS_FAILURE);  // stale
}

TEST(OpenAf, CompleteWithPendingStatusIsRejectedAndOpenStaysPending) {
  // Checks O7, AF-034.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_PENDING;
  st.Start();
  ScopedActor as(st.cm.actor);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_PENDING, st.CmAf().af, nullptr);
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisCmOpenAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kPendingStatus, RuleId::kAF034));
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, nullptr);
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af, nullptr);  // twice
  EXPECT_EQ(st.model.rejections().size(), 2u);
  st.model.RunUntilIdle();
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 1u);
}

TEST(OpenAf, CmReturnsErrorOpenReturnsItAndHandleIsInvalid) {
  // Checks O4, AF-033.
  Stack st;
  st.cm.cm.open_af = NDIS_STATUS_RESOURCES;
  st.Start();
  EXPECT_EQ(st.ClientAf().open_status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(st.ClientAf().af, nullptr);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClOpenAfCompleteEx), 0u);
}

TEST(OpenAf, UnregisteredAfFailsWithoutCallingCm) {
  // Checks O1f, AF-032.
  Stack st;
  st.Start();
  AfRec* af = nullptr;
  EXPECT_EQ(st.cl.OpenAf(st.cl.binds[0], CO_ADDRESS_FAMILY_PPP, &af), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmOpenAf), 1u);  // only the first, successful open
}

}  // namespace
}  // namespace ndisconf::ndis
