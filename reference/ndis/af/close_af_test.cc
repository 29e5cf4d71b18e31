// Reference-model tests of the "close_af" family (spec 2.5 C1-C6,
// AF-050..AF-060), each named state + event + outcome.
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using spec::RuleId;
using testing::H;
using testing::S;
using testing::Stack;

// ---- Close. ----

TEST(CloseAf, CmReturnsSuccessCloseReturnsSuccessWithoutCompletion) {
  // Checks C1, C2, AF-051, AF-060.
  Stack st;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
  const auto closes = st.rec.Calls(Fn::ProtocolCmCloseAf);
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].arg[0], H(&st.CmAf()));
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClCloseAfComplete), 0u);
  // AF-056: the handle is invalid afterwards.
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
}

TEST(CloseAf, PendingThenCompleteDeliversCloseCompleteSuccess) {
  // Checks C3, C5, AF-052..AF-055.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  }
  const auto done = st.rec.Calls(Fn::ProtocolClCloseAfComplete);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].arg[0], S(NDIS_STATUS_SUCCESS));
  EXPECT_EQ(done[0].arg[1], H(&st.ClientAf()));
  // AF-055: the CM can no longer use the handle.
  ScopedActor as(st.cm.actor);
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, st.CmAf().af);
  EXPECT_EQ(st.model.rejections().size(), 1u);
}

TEST(CloseAf, SecondCloseWhileClosingReturnsFailure) {
  // Checks C6, AF-057.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 1u);
}

TEST(CloseAf, NotAcceptedKeepsAfOpenAndRetryIsAccepted) {
  // Checks C4, AF-052, OQ-07.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  st.cm.cm.close_af = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
}

TEST(CloseAf, StrictRetryPolicyRejectsSecondClose) {
  // OQ-07 strict.
  Settings s;
  s.accept_close_retry = false;
  Stack st(s);
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
}

TEST(CloseAf, WithSapUnderNdisChecksFailsWithoutCallingCm) {
  // Checks C1a, AF-057, OQ-06 ndis-checks.
  Settings s;
  s.close_with_children = Settings::CloseWithChildren::kNdisChecks;
  Stack st(s);
  st.Start();
  testing::SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_FAILURE);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 0u);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolClCloseAfComplete), 0u);
}

TEST(CloseAf, WithSapUnderCmDecidesIsForwardedToCm) {
  // OQ-06 default cm-decides.
  Stack st;
  st.Start();
  testing::SapRec* sap = nullptr;
  ASSERT_EQ(st.cl.RegisterSap(st.ClientAf(), &sap), NDIS_STATUS_SUCCESS);
  st.cm.cm.close_af = NDIS_STATUS_NOT_ACCEPTED;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(st.rec.Count(Fn::ProtocolCmCloseAf), 1u);
}

TEST(CloseAf, CompleteWithNonSuccessIsRejectedAndAfStaysOpen) {
  // Checks AF-053.
  Stack st;
  st.cm.cm.close_af = NDIS_STATUS_PENDING;
  st.Start();
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_PENDING);
  {
    ScopedActor as(st.cm.actor);
    NdisCmCloseAddressFamilyComplete(NDIS_STATUS_FAILURE, st.CmAf().af);
  }
  ASSERT_EQ(st.model.rejections().size(), 1u);
  EXPECT_EQ(st.model.rejections()[0].outcome(),
            Outcome(Fn::NdisCmCloseAddressFamilyComplete, NDIS_STATUS_FAILURE,
                    Reason::kBadResultStatus, RuleId::kAF053));
  EXPECT_EQ(st.cl.close_af_complete, std::vector<NDIS_STATUS>{NDIS_STATUS_FAILURE});
  st.cm.cm.close_af = NDIS_STATUS_SUCCESS;
  EXPECT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
}

}  // namespace
}  // namespace ndisconf::ndis
