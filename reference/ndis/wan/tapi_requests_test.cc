// Reference-model tests of the WAN "tapi_requests" family (spec 5.17):
// NdisRequest to the miniport, one at a time per adapter, and its
// completions.
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

using testing::Rejected;
using testing::WanStack;

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

}  // namespace
}  // namespace ndisconf::ndis
