// The model's Settings and the monitor's Profile share one
// spec::OpenQuestionPolicy: ProfileFor hands the monitor every open-question
// policy a test sets on the model, and a trace's default profile differs from
// the spec's defaults only where a trace cannot know what its NDIS chose.
#include <gtest/gtest.h>

#include "conformance/framework/fixture.h"
#include "conformance/monitor/monitor.h"
#include "reference/ndis/settings.h"
#include "spec/open_questions.h"

namespace ndisconf::conformance {
namespace {

using Policy = spec::OpenQuestionPolicy;

const Policy& PolicyOf(const monitor::Profile& p) { return p; }

TEST(ProfileFor, DefaultSettingsGiveTheSpecDefaultPolicy) {
  const monitor::Profile p = ProfileFor(ndis::Settings{});
  EXPECT_TRUE(PolicyOf(p) == Policy{});
  EXPECT_EQ(p.create_vc_order, Policy::VcCallbackOrder::kMiniportFirst);  // OQ-13
  EXPECT_TRUE(p.wan_context_violations_refused);                          // WAN-002/003/004
  EXPECT_TRUE(p.accept_cm_handler_size_136);                              // OQ-11
}

TEST(ProfileFor, EveryNonDefaultPolicyOnTheModelReachesTheMonitor) {
  ndis::Settings s;
  s.mcm_preempt = Policy::McmPreempt::kFirstWins;                  // OQ-02
  s.notify_during_register = true;                                 // OQ-03
  s.notify_registering_binding = true;                             // OQ-04
  s.close_with_children = Policy::CloseWithChildren::kNdisChecks;  // OQ-06
  s.accept_close_retry = false;                                    // OQ-07
  s.hold_close_complete_until_notify_returns = false;              // OQ-10
  s.accept_cm_handler_size_136 = false;                            // OQ-11
  s.mcm_create_vc_gets_af_handle = true;                           // OQ-12
  s.create_vc_order = Policy::VcCallbackOrder::kPeerFirst;         // OQ-13
  s.wan_context_violations_refused = false;                        // WAN-002/003/004
  const monitor::Profile p = ProfileFor(s);
  EXPECT_TRUE(PolicyOf(p) == static_cast<const Policy&>(s));
  EXPECT_FALSE(PolicyOf(p) == Policy{});
  EXPECT_EQ(p.close_with_children, Policy::CloseWithChildren::kNdisChecks);
  EXPECT_FALSE(p.accept_cm_handler_size_136);
  EXPECT_EQ(p.create_vc_order, Policy::VcCallbackOrder::kPeerFirst);
  // The monitor's own fields keep their defaults.
  EXPECT_FALSE(p.strict);
  EXPECT_TRUE(p.require_open_from_notify);
}

TEST(Profile, TraceDefaultAcceptsEitherVcOrderAndTakesNoIndicationAsRefused) {
  const monitor::Profile p;
  EXPECT_EQ(p.create_vc_order, Policy::VcCallbackOrder::kEither);
  EXPECT_FALSE(p.wan_context_violations_refused);
  Policy rest = p;
  rest.create_vc_order = Policy::VcCallbackOrder::kMiniportFirst;
  rest.wan_context_violations_refused = true;
  EXPECT_TRUE(rest == Policy{});
}

}  // namespace
}  // namespace ndisconf::conformance
