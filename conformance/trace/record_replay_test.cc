// A run recorded by the trace Writer parses back to the same events, and the
// monitor replaying it reaches the same verdict as the monitor that watched
// the run live: the recorded trace is a faithful, checkable form of a run.
#include <gtest/gtest.h>

#include <sstream>
#include <variant>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "reference/boundary/boundary.h"
#include "reference/stack/stack.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::trace {
namespace {

class EventLog : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

void ExpectSameEvents(const std::vector<Event>& a, const std::vector<Event>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].fn, b[i].fn) << "event " << i;
    EXPECT_EQ(a[i].phase, b[i].phase) << "event " << i;
    EXPECT_EQ(a[i].actor, b[i].actor) << "event " << i;
    EXPECT_EQ(a[i].irql, b[i].irql) << "event " << i;
    EXPECT_EQ(a[i].status, b[i].status) << "event " << i;
    ASSERT_EQ(a[i].arg_count, b[i].arg_count) << "event " << i;
    for (size_t k = 0; k < a[i].arg_count; ++k)
      EXPECT_EQ(a[i].arg[k], b[i].arg[k]) << "event " << i;
    ASSERT_EQ(a[i].blob_len, b[i].blob_len) << "event " << i;
    for (size_t k = 0; k < a[i].blob_len; ++k)
      EXPECT_EQ(a[i].blob[k], b[i].blob[k]) << "event " << i;
  }
}

// Formats the live run, parses it back, replays it into a fresh monitor.
void RecordParseReplay(const EventLog& live, const monitor::Monitor& live_monitor) {
  Trace t;
  t.drivers = CanonicalDrivers(Boundary::Get().drivers());
  t.events = live.events;
  const std::string text = FormatTrace(t);
  std::variant<Trace, ParseError> parsed = Parse(text);
  ASSERT_TRUE(std::holds_alternative<Trace>(parsed))
      << std::get<ParseError>(parsed).line << ": " << std::get<ParseError>(parsed).message;
  const Trace& back = std::get<Trace>(parsed);
  ExpectSameEvents(live.events, back.events);
  monitor::Monitor replay;
  for (const Event& e : back.events) replay.OnEvent(e);
  replay.Finish();
  EXPECT_EQ(replay.violations().size(), live_monitor.violations().size());
  EXPECT_EQ(replay.event_count(), live.events.size());
}

TEST(RecordReplay, PendedOpenSapVcAndCloseRoundTripWithTheSameVerdict) {
  EventLog log;
  monitor::Monitor live;
  stack::Stack s;
  Boundary::Get().AddSink(&log);
  Boundary::Get().AddSink(&live);
  drivers::CallManagerConfig cm;
  cm.open_af = drivers::OpPolicy::Pending();
  cm.close_af = drivers::OpPolicy::Pending();
  stack::CmTopologyParts parts;
  parts.cm = [cm] { return std::make_unique<drivers::CallManager>(cm); };
  stack::CmTopology t = stack::BuildCmTopology(s, parts);
  s.Settle();
  size_t sap = 0, vc = 0;
  drivers::Client& cl = *t.client;
  EXPECT_EQ(s.As(t.client_id,
                 [&] {
                   return cl.RegisterSap(0, {1, {1, 2}}, &sap);
                 }),
            NDIS_STATUS_SUCCESS);
  EXPECT_EQ(s.As(t.client_id, [&] { return cl.CreateVc(0, &vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(s.As(t.client_id, [&] { return cl.DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  s.As(t.client_id, [&] { return cl.DeregisterSap(sap); });
  s.Settle();
  s.As(t.client_id, [&] { return cl.CloseAf(0); });
  s.Settle();
  live.Finish();
  EXPECT_TRUE(live.violations().empty());
  ASSERT_GT(log.events.size(), 50u);
  RecordParseReplay(log, live);
}

TEST(RecordReplay, WanCallWithBuffersRoundTripsWithTheSameVerdict) {
  EventLog log;
  monitor::Monitor live;
  stack::Stack s;
  Boundary::Get().AddSink(&log);
  Boundary::Get().AddSink(&live);
  stack::WanTopology t = stack::BuildWanTopology(s);
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  s.As(t.ndiswan_id, [&] { return t.ndiswan->ProviderInitialize(0, 0); });
  s.Settle();
  EXPECT_EQ(s.As(t.ndiswan_id, [&] { return t.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
  s.As(t.ndiswan_id, [&] { return t.ndiswan->MakeCall(line, "5551234", &call); });
  stack::Pump(s, *t.nic, 10);
  s.As(t.ndiswan_id, [&] { return t.ndiswan->GetCallId(call); });
  stack::Pump(s, *t.nic, 5);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  live.Finish();
  EXPECT_TRUE(live.violations().empty());
  RecordParseReplay(log, live);
}

}  // namespace
}  // namespace ndisconf::trace
