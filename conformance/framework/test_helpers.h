// conformance/framework/test_helpers.h: small lookups the conformance suites
// share, written so that an implementation under test that misbehaves fails
// the test instead of crashing the run (one binary runs every suite against
// every implementation, seeded-bug variants included).
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"
#include "reference/ndis/model.h"

namespace ndisconf::conformance {

// The record kinds of the reference drivers' logs (reference/drivers/common/logged.h).
namespace logged = drivers::logged;

// The last record of kind T in a driver's call log. A missing record ends
// the test with an exception that GoogleTest reports as a failure (naming
// the kind), rather than a null dereference when the implementation never
// made the call.
template <class T, class Log>
const T& Last(const Log& log) {
  const T* e = log.template Last<T>();
  if (e == nullptr)
    throw std::runtime_error("no " + std::string(T::kName) + " in the driver's log");
  return *e;
}

// Success if the model recorded a rejection whose typed outcome (function,
// status, reason, rule, parameter) is exactly `want`; the failure message
// lists every rejection recorded.
inline ::testing::AssertionResult Rejected(const ndis::Model& m, const ndis::Outcome& want) {
  std::string seen;
  for (const ndis::Rejection& r : m.rejections()) {
    if (r.outcome() == want) return ::testing::AssertionSuccess();
    seen += "\n  " + r.ToString();
  }
  return ::testing::AssertionFailure() << "no rejection " << want << "; rejections:" << seen;
}

// The last rejection of `fn`, whatever its outcome, or nullptr.
inline const ndis::Rejection* FindRejection(const ndis::Model& m, Fn fn) {
  const ndis::Rejection* found = nullptr;
  for (const ndis::Rejection& r : m.rejections()) {
    if (r.fn == fn) found = &r;
  }
  return found;
}

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_TEST_HELPERS_H_
