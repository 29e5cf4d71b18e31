// Initech's status path under the reference WAN drivers: it serves the
// indications of a link's whole life itself, with the rule monitor clean
// (the fixture fails a test on any violation), and hands what it does not
// serve to the model. initech_ndis_conformance_test runs every suite on it.
#include "examples/initech_ndis/initech_ndis.h"

#include <gtest/gtest.h>
#include <ndis.h>
#include <ndiswan.h>

#include <string>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/implementation.h"
#include "reference/boundary/boundary.h"

namespace initech {
namespace {

using ndisconf::ScopedActor;
using ndisconf::conformance::ConformanceTest;

class InitechStatusPathTest : public ConformanceTest {
 protected:
  // The Initech object this run's boundary uses (InstallHosts).
  const InitechStatusPath& Host() const {
    return dynamic_cast<const InitechStatusPath&>(*hosts().host);
  }
};

// W1 and W3: dial, line up, a CRC error, the remote end hangs up. Every
// indication and complete is Initech's (none left to the model), and the
// reference protocol above NDISWAN saw the link's line-up, fragment and
// line-down, as NDISWAN passed them on through Initech.
TEST_P(InitechStatusPathTest, ServesEveryIndicationOfALinksLife) {
  ndisconf::stack::WanTopology t = WanTopology();
  ASSERT_NE(t.proto, nullptr);
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t, &call));
  ndisconf::nic::ScheduledFault crc;
  crc.kind = ndisconf::nic::FaultKind::kCrc;
  crc.immediate = true;
  ASSERT_EQ(t.nic->InjectFault(crc), ndisconf::nic::OpStatus::kOk);
  Pump(t, 2);
  ASSERT_EQ(t.nic->InjectRemoteHangUp(ndisconf::nic::ChannelId{0}), ndisconf::nic::OpStatus::kOk);
  Pump(t, 2);

  const StatusPathCounters& c = Host().counters();
  EXPECT_EQ(c.handed_on, 0u);
  // The WMP's line-up, fragment and line-down (plus its TAPI events), each
  // passed up by NDISWAN: at least six indications, each in a bracket.
  EXPECT_GE(c.indications, 6u);
  EXPECT_GE(c.completes, 6u);
  EXPECT_EQ(c.deliveries, c.indications) << "one binding per adapter";
  EXPECT_EQ(t.proto->counters().indications, CountCalls(t.proto_id, ndisconf::Fn::ProtocolStatus));
  ASSERT_EQ(t.proto->links().size(), 1u);
  const ndisconf::drivers::WpLink& link = t.proto->links().begin()->second;
  EXPECT_EQ(link.line_ups, 1u);
  EXPECT_EQ(link.fragments, 1u);
  EXPECT_EQ(link.line_downs, 1u);
}

// A handle Initech cannot place goes to the model, which refuses it as a
// handle NDIS never gave out; nobody is called. (A status the monitor has
// no WAN rule for, so that only NDIS's answer is at stake.)
TEST_P(InitechStatusPathTest, HandsAForgedHandleToTheModel) {
  ndisconf::stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  const uint64_t protocol_status = CountCalls(t.ndiswan_id, ndisconf::Fn::ProtocolStatus);
  int forged = 0;
  {
    ScopedActor as(t.wmp_id);
    NdisMIndicateStatus(&forged, NDIS_STATUS_MEDIA_CONNECT, nullptr, 0);
    NdisMIndicateStatusComplete(&forged);
  }
  EXPECT_EQ(Host().counters().handed_on, 2u);
  EXPECT_EQ(Host().counters().indications, 0u);
  EXPECT_EQ(CountCalls(t.ndiswan_id, ndisconf::Fn::ProtocolStatus), protocol_status);
  const std::vector<ndisconf::ndis::Rejection>& r = model().rejections();
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[r.size() - 2].fn, ndisconf::Fn::NdisMIndicateStatus);
  EXPECT_EQ(r[r.size() - 2].reason, ndisconf::ndis::Reason::kUnknownHandle);
  EXPECT_EQ(r.back().fn, ndisconf::Fn::NdisMIndicateStatusComplete);
  EXPECT_EQ(r.back().reason, ndisconf::ndis::Reason::kUnknownHandle);
}

INSTANTIATE_TEST_SUITE_P(
    Initech, InitechStatusPathTest,
    ::testing::Values(ndisconf::conformance::FindImplementation("initech-ndis")),
    [](const auto&) { return std::string("initech_ndis"); });

}  // namespace
}  // namespace initech
