// Seeded-bug variants of the reference call manager: each breaks exactly one
// documented rule, and the conformance suite must reject it with that rule's
// ID (see BUILD.bazel: one test per variant runs the main job with
// --expect-fail=<rule>).
#include <memory>

#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

using drivers::CallManager;
using drivers::CallManagerConfig;
using drivers::CmAf;

// AF-034: a pended open must be completed exactly once. This CM completes it
// twice.
class CmOpenCompleteTwice : public CallManager {
 public:
  using CallManager::CallManager;
  void EdgeOpenAfComplete(NDIS_STATUS status, CmAf& af) override {
    CallManager::EdgeOpenAfComplete(status, af);
    CallManager::EdgeOpenAfComplete(status, af);
  }
};

const RegisterImplementation kCmOpenCompleteTwice(Implementation{
    .name = "bug-cm-open-complete-twice",
    .description = "call manager completes a pended open twice",
    .seeded_rule = "AF-034",
    .cm = [](const CallManagerConfig& c) { return std::make_unique<CmOpenCompleteTwice>(c); },
});

}  // namespace
}  // namespace ndisconf::conformance
