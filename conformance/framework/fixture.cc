#include "conformance/framework/fixture.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reference/boundary/boundary.h"

namespace ndisconf::conformance {

monitor::Profile ProfileFor(const ndis::Settings& s) { return monitor::Profile(s); }

stack::Stack& ConformanceTest::NewStack(const ndis::Settings& settings, ndis::Chooser* chooser) {
  // One run per test: a second call would split the trace in two.
  EXPECT_EQ(stack_, nullptr) << "NewStack called twice in one test";
  monitor_ = std::make_unique<monitor::Monitor>(ProfileFor(settings));
  stack_ = std::make_unique<stack::Stack>(settings, chooser);
  hosts_ = InstallHosts(impl(), stack_->model());
  Boundary::Get().AddSink(monitor_.get());
  events_.events.clear();
  Boundary::Get().AddSink(&events_);
  return *stack_;
}

std::unique_ptr<drivers::CallManager> ConformanceTest::MakeCm(const drivers::CallManagerConfig& c) {
  return conformance::MakeCm(impl(), c);
}
std::unique_ptr<drivers::Client> ConformanceTest::MakeClient(const drivers::ClientConfig& c) {
  return conformance::MakeClient(impl(), c);
}
std::unique_ptr<drivers::Mcm> ConformanceTest::MakeMcm(const drivers::McmConfig& c) {
  return conformance::MakeMcm(impl(), c);
}
std::unique_ptr<drivers::Comp> ConformanceTest::MakeMiniport(const drivers::CompConfig& c) {
  return conformance::MakeMiniport(impl(), c);
}

std::unique_ptr<drivers::Driver> ConformanceTest::MakeCmUnderTest() {
  if (impl().plugged && impl().plugged->role == PluggedRole::kCallManager) {
    return impl().plugged->make();
  }
  return MakeCm();
}

std::unique_ptr<drivers::Driver> ConformanceTest::MakeClientUnderTest() {
  if (impl().plugged && impl().plugged->role == PluggedRole::kClient) {
    return impl().plugged->make();
  }
  return MakeClient();
}

std::unique_ptr<drivers::Driver> ConformanceTest::MakeMcmUnderTest() {
  if (impl().plugged && impl().plugged->role == PluggedRole::kMcm) {
    return impl().plugged->make();
  }
  return MakeMcm();
}

size_t ConformanceTest::CountCalls(ActorId actor, Fn fn) const {
  size_t n = 0;
  for (const Event& e : events()) n += e.actor == actor && e.fn == fn && e.phase == Phase::kCall;
  return n;
}

uint64_t ConformanceTest::FirstCall(ActorId actor, Fn fn) const {
  for (const Event& e : events()) {
    if (e.actor == actor && e.fn == fn && e.phase == Phase::kCall) return e.index;
  }
  return UINT64_MAX;
}

void ConformanceTest::Pended(const std::string& operation) {
  const profile::CapabilityProfile* p = profile();
  if (p != nullptr && p->may_pend) {
    if (std::find(p->may_pend->begin(), p->may_pend->end(), operation) == p->may_pend->end()) {
      ADD_FAILURE() << operation
                    << " returned NDIS_STATUS_PENDING, but the capability profile's may_pend "
                       "does not list it";
      return;
    }
    Recorder::Get().AllowedWay(CurrentTestName(),
                               operation + " pended (the profile's may_pend lists it)");
    return;
  }
  Recorder::Get().AllowedWay(CurrentTestName(),
                             operation +
                                 " pended (no may_pend in a profile: every allowed way "
                                 "is accepted)");
}

void ConformanceTest::SetUp() {
  if (!impl().plugged) return;
  const std::optional<PluggedRole> role = BlackBoxRole();
  if (!role) {
    NDISCONF_NOT_APPLICABLE(
        std::string("white-box test of the reference drivers; the plugged-in ") +
        PluggedRoleName(impl().plugged->role) + " is judged by its role's black-box suite");
  }
  if (*role != impl().plugged->role) {
    NDISCONF_NOT_APPLICABLE(std::string("black-box test of the ") + PluggedRoleName(*role) +
                            " role; the plugged-in driver is the " +
                            PluggedRoleName(impl().plugged->role));
  }
}

stack::CmTopology ConformanceTest::CmTopology(const drivers::CallManagerConfig& cm,
                                              const drivers::ClientConfig& client,
                                              const ndis::Settings& settings,
                                              const drivers::CompConfig& miniport) {
  stack::Stack& s = NewStack(settings);
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(cm); };
  parts.client = [&] { return MakeClient(client); };
  parts.miniport = [&] { return MakeMiniport(miniport); };
  return stack::BuildCmTopology(s, parts);
}

stack::McmTopology ConformanceTest::McmTopology(const drivers::McmConfig& mcm,
                                                const drivers::ClientConfig& client,
                                                const ndis::Settings& settings) {
  stack::Stack& s = NewStack(settings);
  stack::McmTopologyParts parts;
  parts.mcm = [&] { return MakeMcm(mcm); };
  parts.client = [&] { return MakeClient(client); };
  return stack::BuildMcmTopology(s, parts);
}

stack::WanTopology ConformanceTest::WanTopology(const drivers::WmpConfig& wmp,
                                                const drivers::NdiswanConfig& ndiswan,
                                                const drivers::WanProtoConfig& proto,
                                                const nic::SoftNicConfig& nic,
                                                const ndis::Settings& settings) {
  stack::Stack& s = NewStack(settings);
  stack::WanTopologyParts parts;
  parts.nic = nic;
  parts.wmp = [&](nic::Nic& n,
                  std::function<void(NDIS_HANDLE)> raise) -> std::unique_ptr<drivers::Driver> {
    // A plugged-in WAN miniport finds the NIC through <wan_nic.h> and is
    // configured by nobody: `wmp` is the reference's configuration.
    if (impl().plugged && impl().plugged->role == PluggedRole::kWanMiniport) {
      return impl().plugged->make();
    }
    drivers::WmpConfig c = wmp;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return conformance::MakeWmp(impl(), c);
  };
  parts.ndiswan = [&] { return conformance::MakeNdiswan(impl(), ndiswan); };
  parts.proto = [&]() -> std::unique_ptr<drivers::Driver> {
    if (impl().plugged && impl().plugged->role == PluggedRole::kWanProtocol) {
      return impl().plugged->make();
    }
    return conformance::MakeWanProto(impl(), proto);
  };
  return stack::BuildWanTopology(s, parts);
}

::testing::AssertionResult ConformanceTest::Connect(const stack::WanTopology& t, HTAPI_CALL* call,
                                                    HTAPI_LINE* open_line) {
  if (t.nic == nullptr || t.ndiswan == nullptr) {
    return ::testing::AssertionFailure() << "the WAN topology has no NIC or no NDISWAN";
  }
  HTAPI_LINE own = 0;
  HTAPI_LINE& line = open_line != nullptr ? *open_line : own;
  // PROVIDER_INITIALIZE, MAKE_CALL and GET_ID may pend (Tapi gives the
  // final status); only a failure stops the dial.
  auto failed = [](const char* what, NDIS_STATUS s) {
    char status[16];
    std::snprintf(status, sizeof status, "0x%08x", static_cast<uint32_t>(s));
    return ::testing::AssertionFailure() << what << " returned " << status;
  };
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  if (line == 0) {
    s = Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 0); });
    if (s == NDIS_STATUS_FAILURE) return failed("PROVIDER_INITIALIZE", s);
    s = Tapi(t, [&] { return t.ndiswan->Open(0, 0, &line); });
    if (s != NDIS_STATUS_SUCCESS) return failed("OPEN", s);
  }
  s = Tapi(t, [&] { return t.ndiswan->MakeCall(line, "5551234", call); });
  if (s == NDIS_STATUS_FAILURE) return failed("MAKE_CALL", s);
  Pump(t, 10);
  const uint64_t line_ups = t.ndiswan->counters().line_ups;
  s = Tapi(t, [&] { return t.ndiswan->GetCallId(*call); });
  if (s == NDIS_STATUS_FAILURE) return failed("GET_ID", s);
  Pump(t, 2);
  if (t.ndiswan->counters().line_ups != line_ups + 1) {
    return ::testing::AssertionFailure()
           << "NDISWAN saw " << t.ndiswan->counters().line_ups - line_ups
           << " initial line-ups around GET_ID, not 1";
  }
  return ::testing::AssertionSuccess();
}

void ConformanceTest::TearDown() {
  if (stack_ == nullptr) return;
  // Let deferred work finish so that end-of-run checks see a quiet system.
  stack_->Settle();
  monitor_->Finish();
  const std::string test = CurrentTestName();
  if (HasFailure()) Recorder::Get().ChecksFailed(test);
  std::set<std::string> seen;
  for (const monitor::Violation& v : monitor_->violations()) {
    if (expected_.count(v.rule) != 0) {
      seen.insert(v.rule);
      continue;
    }
    Recorder::Get().AddFinding(test, Finding{v.rule, v.check, v.event_index, v.message});
    ADD_FAILURE() << "monitor: " << v.rule << " [" << v.check << "] at event #" << v.event_index
                  << ": " << v.message;
  }
  for (const std::string& rule : expected_) {
    if (seen.count(rule) == 0) {
      Recorder::Get().ChecksFailed(test);
      ADD_FAILURE() << "the monitor did not report the expected violation of " << rule;
    }
  }
  if (const std::string& dir = Recorder::Get().trace_dir();
      !dir.empty() && Recorder::Get().trace_error().empty()) {
    std::string file = test;
    for (char& ch : file) {
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::string path = dir + "/" + file + ".trace";
    std::ofstream out(path, std::ios::binary);
    out << TraceText();
    out.close();
    // An I/O error of the run, not a verdict on the implementation.
    if (!out) Recorder::Get().SetTraceError("cannot write the trace " + path);
  }
  if (HasFailure()) {
    // The last part of the run, to show what led to the failure.
    const std::string text = TraceText();
    size_t start = text.size(), lines = 0;
    while (start > 0 && lines < 60) {
      if (text[--start] == '\n') ++lines;
    }
    std::cerr << "---- trace (last " << lines << " events) ----\n"
              << text.substr(start) << "---- end of trace ----\n";
  }
  // The model's run ends before the drivers go (Stack's own order); the
  // sinks are detached with it.
  stack_.reset();
  hosts_ = {};
  monitor_.reset();
}

std::string ConformanceTest::TraceText() const {
  trace::Trace t;
  t.drivers = trace::CanonicalDrivers(Boundary::Get().drivers());
  t.events = events_.events;
  return trace::FormatTrace(t);
}

}  // namespace ndisconf::conformance
