// conformance/framework/fixture.h: the base of every conformance test.
//
// A ConformanceTest is parameterized by the implementation under test. It
// builds stacks from that implementation's components (so a seeded-bug
// variant is exercised by every test), attaches the rule monitor to the
// boundary for the whole run, and at TearDown checks the monitor: every
// violation the test did not declare with ExpectViolation fails the test and
// is recorded as a finding for the per-rule report.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_FIXTURE_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/framework/recorder.h"
#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "reference/stack/stack.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::conformance {

// The monitor profile that matches a model configuration: what the model is
// told to do, the monitor is told to accept. Settings and Profile share one
// spec::OpenQuestionPolicy, copied whole; the monitor's own fields keep their
// defaults.
monitor::Profile ProfileFor(const ndis::Settings& settings);

class ConformanceTest : public ::testing::TestWithParam<const Implementation*> {
 protected:
  const Implementation& impl() const { return *GetParam(); }

  // Creates the run: the model with `settings` (and the implementation's
  // host in front of it), the monitor with a matching profile, and a trace
  // recorder. One stack per test. The stack is destroyed at TearDown.
  stack::Stack& NewStack(const ndis::Settings& settings = {}, ndis::Chooser* chooser = nullptr);
  stack::Stack& stack() { return *stack_; }
  ndis::Model& model() { return stack_->model(); }
  monitor::Monitor& monitor() { return *monitor_; }
  // The implementation's NDIS hosts for this run (InstallHosts), if any.
  const RunHosts& hosts() const { return hosts_; }

  // Components from the implementation under test.
  std::unique_ptr<drivers::CallManager> MakeCm(const drivers::CallManagerConfig& config = {});
  std::unique_ptr<drivers::Client> MakeClient(const drivers::ClientConfig& config = {});
  std::unique_ptr<drivers::Mcm> MakeMcm(const drivers::McmConfig& config = {});
  std::unique_ptr<drivers::Comp> MakeMiniport(const drivers::CompConfig& config = {});
  // The implementation's call manager seen as a black box: its plugged-in
  // driver (conformance/plugin), or else its CallManager with the default
  // configuration. For black-box suites, which judge it by the boundary only.
  std::unique_ptr<drivers::Driver> MakeCmUnderTest();
  // Likewise the implementation's client: its plugged-in client, or else its
  // Client with the default configuration.
  std::unique_ptr<drivers::Driver> MakeClientUnderTest();
  // Likewise its MCM: its plugged-in MCM, or else its Mcm with the default
  // configuration.
  std::unique_ptr<drivers::Driver> MakeMcmUnderTest();
  // The driver under test pended `operation` (a name of profile::kCmMayPend,
  // kClMayPend or kWmpMayPend), which the spec allows as well as finishing
  // it at once.
  // With a profile whose may_pend lists it, or a profile (or none) that
  // makes no may_pend claim, records the allowed way: the test's rules are
  // then ACCEPTABLE, naming what justified it. With a may_pend that does
  // not list it, fails the test: the driver does what its profile says it
  // does not.
  void Pended(const std::string& operation);
  // The implementation's capability profile, or nullptr if it declares none.
  const profile::CapabilityProfile* profile() const {
    return impl().profile ? &*impl().profile : nullptr;
  }

  // The spec's topologies (Appendix A), built from the implementation's
  // components with the given configurations; calls NewStack(settings).
  stack::CmTopology CmTopology(const drivers::CallManagerConfig& cm = {},
                               const drivers::ClientConfig& client = {},
                               const ndis::Settings& settings = {},
                               const drivers::CompConfig& miniport = {});
  stack::McmTopology McmTopology(const drivers::McmConfig& mcm = {},
                                 const drivers::ClientConfig& client = {},
                                 const ndis::Settings& settings = {});

  // The NDIS WAN topology (W1-W3) from the implementation's WMP, NDISWAN
  // and protocol: `wmp.nics` and `wmp.raise_interrupt` are filled in (the
  // software NIC from `nic`). A plugged-in WAN miniport takes the WMP's
  // place (t.wmp_driver; t.wmp is nullptr) and ignores `wmp`; a plugged-in
  // protocol above NDISWAN takes the reference protocol's (t.proto_driver;
  // t.proto is nullptr) and ignores `proto`. Calls NewStack(settings).
  stack::WanTopology WanTopology(const drivers::WmpConfig& wmp = {},
                                 const drivers::NdiswanConfig& ndiswan = {},
                                 const drivers::WanProtoConfig& proto = {},
                                 const nic::SoftNicConfig& nic = {},
                                 const ndis::Settings& settings = {});
  // Runs an NDISTAPI request (an upper-edge call on NDISWAN, as a TAPI
  // application reaches it) as NDISWAN and settles the scheduler. A request
  // NDISWAN pended yields its final status.
  template <class F>
  NDIS_STATUS Tapi(const stack::WanTopology& t, F&& f) {
    const size_t before = t.ndiswan->requests().size();
    const NDIS_STATUS s = stack_->As(t.ndiswan_id, std::forward<F>(f));
    stack_->Settle();
    if (s == NDIS_STATUS_PENDING && t.ndiswan->requests().size() > before) {
      return t.ndiswan->requests().back().final_status;
    }
    return s;
  }
  // Lets NIC time pass, running NDIS's queued work after each tick.
  void Pump(const stack::WanTopology& t, nic::Ticks ticks) { stack::Pump(*stack_, *t.nic, ticks); }
  // Dials on channel 0 of `t`'s NIC and brings the call's link up, as a
  // TAPI application would: PROVIDER_INITIALIZE, OPEN, MAKE_CALL, NIC time
  // to connect, then OID_TAPI_GET_ID (whose line-up NDISWAN must see). A
  // failure names the step; `*call` is the htCall of the connected call.
  // With `line`, a non-zero *line is a line already open, dialled again
  // without PROVIDER_INITIALIZE and OPEN; a zero one gets the line opened.
  ::testing::AssertionResult Connect(const stack::WanTopology& t, HTAPI_CALL* call,
                                     HTAPI_LINE* line = nullptr);

  // The test provokes a violation of `rule` on purpose (e.g. a stub driver
  // that breaks it, to see what NDIS does); TearDown then requires the
  // monitor to have reported it, and does not count it as a finding.
  void ExpectViolation(const std::string& rule) { expected_.insert(rule); }

  // The run so far as trace text (printed when a test fails).
  std::string TraceText() const;
  // Every boundary event of the run so far, in order: what a black-box
  // suite asserts on besides the reference drivers' own state.
  const std::vector<Event>& events() const { return events_.events; }
  // How many calls of `fn` by (or into) `actor` the run has seen, and the
  // event index of the first one (UINT64_MAX if none).
  size_t CountCalls(ActorId actor, Fn fn) const;
  uint64_t FirstCall(ActorId actor, Fn fn) const;

  // A black-box suite (conformance/suites/roles) drives the implementation's
  // driver in one role through the NDIS boundary only, so it applies to a
  // driver plugged in in that role; it returns the role. Every other suite
  // configures or inspects the reference drivers (their configuration, logs
  // and state). For an implementation with a plugged-in driver, SetUp makes
  // each test NOT_APPLICABLE, with the reason, unless its suite is the
  // black-box suite of the plugged-in driver's role: no other test would
  // exercise that driver.
  virtual std::optional<PluggedRole> BlackBoxRole() const { return std::nullopt; }
  void SetUp() override;
  void TearDown() override;

 private:
  std::unique_ptr<monitor::Monitor> monitor_;
  std::unique_ptr<stack::Stack> stack_;
  RunHosts hosts_;
  // Keeps the run's events, for the trace printed when a test fails.
  class EventLog : public EventSink {
   public:
    void OnEvent(const Event& e) override { events.push_back(e); }
    std::vector<Event> events;
  };
  EventLog events_;
  std::set<std::string> expected_;
};

}  // namespace ndisconf::conformance

// Instantiates a conformance suite over the selected implementations.
#define NDISCONF_INSTANTIATE(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Impl, Suite, ::testing::ValuesIn(::ndisconf::conformance::SelectedImplementations()),      \
      [](const ::testing::TestParamInfo<const ::ndisconf::conformance::Implementation*>& info) { \
        return ::ndisconf::conformance::ImplementationParamName(info.param);                     \
      })

// In a black-box role test: ends the test as NOT_APPLICABLE when the
// implementation's capability profile declines `feature` (a member of
// profile::Features), naming the field.
#define NDISCONF_NEEDS_FEATURE(feature)                                                \
  do {                                                                                 \
    if (profile() != nullptr && !profile()->features.feature) {                        \
      NDISCONF_NOT_APPLICABLE("the capability profile declines it (features." #feature \
                              " is false)");                                           \
    }                                                                                  \
  } while (0)

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_FIXTURE_H_
