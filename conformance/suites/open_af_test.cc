// Conformance: opening an address family (spec 5.3, AF-030 ... AF-044;
// sequences S1, S2, S3).
#include <gtest/gtest.h>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;
using drivers::CmAfState;
using drivers::OpPolicy;

class OpenAf : public ConformanceTest {};

TEST_P(OpenAf, SyncOpenReturnsHandleAndNoCompletionCallback) {
  NDISCONF_RULES("AF-031", "AF-039");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  const auto& cl = t.client->log();
  ASSERT_EQ(cl.Count("own:NdisClOpenAddressFamilyEx"), 1u);
  EXPECT_EQ(cl.Last("own:NdisClOpenAddressFamilyEx")->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(cl.Count("ProtocolClOpenAfCompleteEx"), 0u);  // AF-039
  ASSERT_EQ(t.client->afs().size(), 1u);
  const auto* open = t.cm->log().Last("ProtocolCmOpenAf");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->b, t.client->afs()[0]->ndis_af);  // AF-031: same NdisAfHandle
  EXPECT_EQ(open->a, t.cm->ports()[0].get());         // CallMgrBindingContext
}

TEST_P(OpenAf, PendedOpenCompletesToClientWithHandle) {
  NDISCONF_RULES("AF-034", "AF-037");
  drivers::CallManagerConfig cm;
  cm.open_af = OpPolicy::Pending();
  stack::CmTopology t = CmTopology(cm);
  stack().Settle();
  const auto& cl = t.client->log();
  EXPECT_EQ(cl.Last("own:NdisClOpenAddressFamilyEx")->status, NDIS_STATUS_PENDING);
  ASSERT_EQ(cl.Count("ProtocolClOpenAfCompleteEx"), 1u);
  const auto* done = cl.Last("ProtocolClOpenAfCompleteEx");
  EXPECT_EQ(done->status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(done->a, t.client->afs()[0].get());  // ClientAfContext
  EXPECT_EQ(done->b, t.cm->afs()[0]->ndis_af);
  EXPECT_EQ(t.client->afs()[0]->state, ClAfState::kOpen);
}

NDISCONF_INSTANTIATE(OpenAf);

}  // namespace
}  // namespace ndisconf::conformance
