// conformance/framework/test_helpers.h: small lookups the conformance suites
// share, written so that an implementation under test that misbehaves fails
// the test instead of crashing the run (one binary runs every suite against
// every implementation, seeded-bug variants included).
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "ndisconf/drivers/support.h"
#include "ndisconf/ndis/model.h"

namespace ndisconf::conformance {

// The last entry named `fn` in a driver's call log. A missing entry ends the
// test with an exception that GoogleTest reports as a failure (naming `fn`),
// rather than a null dereference when the implementation never made the call.
inline const drivers::Observed& Last(const drivers::CallLog& log, std::string_view fn) {
  const drivers::Observed* o = log.Last(fn);
  if (o == nullptr) throw std::runtime_error("no " + std::string(fn) + " in the driver's log");
  return *o;
}

// The last rejection the model recorded for function `fn` whose reason
// contains `part`, or nullptr.
inline const ndis::Rejection* FindRejection(const ndis::Model& m, std::string_view fn,
                                            std::string_view part) {
  const ndis::Rejection* found = nullptr;
  for (const ndis::Rejection& r : m.rejections()) {
    if (r.function == fn && r.reason.find(part) != std::string::npos) found = &r;
  }
  return found;
}

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_
