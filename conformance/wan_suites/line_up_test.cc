// Conformance: NDIS WAN line-up indications (spec 5.12; sequence W1).
#include <gtest/gtest.h>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

class LineUp : public ConformanceTest {
 protected:
  template <class F>
  NDIS_STATUS AsNdiswan(const stack::WanTopology& t, F&& f) {
    NDIS_STATUS s = stack().As(t.ndiswan_id, std::forward<F>(f));
    stack().Settle();
    return s;
  }
};

TEST_P(LineUp, InitialLineUpIsMadeBeforeGetIdCompletesAndDeviceIdIsLinkContext) {
  NDISCONF_RULES("WAN-021", "WAN-026");
  stack::WanTopology t = WanTopology();
  ASSERT_NE(t.nic, nullptr);
  ASSERT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ASSERT_NE(AsNdiswan(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_FAILURE);
  ASSERT_EQ(AsNdiswan(t, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_NE(AsNdiswan(t, [&] { return t.ndiswan->MakeCall(line, "5551234", &call); }),
            NDIS_STATUS_FAILURE);
  Pump(t, 10);
  const uint64_t line_ups_before = t.ndiswan->core().counters().line_ups;
  ASSERT_NE(AsNdiswan(t, [&] { return t.ndiswan->GetCallId(call); }), NDIS_STATUS_FAILURE);
  Pump(t, 2);
  EXPECT_EQ(t.ndiswan->core().counters().line_ups, line_ups_before + 1);
  EXPECT_EQ(t.ndiswan->get_id_mismatches(), 0u);
}

NDISCONF_INSTANTIATE(LineUp);

}  // namespace
}  // namespace ndisconf::conformance
