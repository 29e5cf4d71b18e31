// Throughput of WAN status indications through the reference stack under
// the rule monitor (Google Benchmark). Figures go in issue notes, never in
// tests:
//   bazel run -c opt //benchmarks:wan_benchmark
//
//   BM_WanIndications/K   an established link (W1 over the software NIC);
//                         each iteration latches K receive errors (crc,
//                         when=now) plus one speed change on the NIC and lets
//                         NDIS run: interrupt -> MiniportISR -> DPC ->
//                         NdisMIndicateStatus(FRAGMENT) x K and
//                         NdisMIndicateStatus(LINE_UP update) x 1, each
//                         judged by NDISWAN and forwarded to the protocol
//                         above. Counters: indications/s (NdisMIndicateStatus
//                         calls by the WAN miniport), upward/s (NDISWAN's own
//                         NdisMIndicateStatus to the protocol) and
//                         monitored events/s (every boundary event the
//                         monitor checked).
//
//   BM_WanIndications/K/0   NDISWAN mirrors the miniport's bracket upward
//                           (UpperBracket::kMirrorLower, the default): one
//                           upward NdisMIndicateStatusComplete per batch.
//   BM_WanIndications/K/1   UpperBracket::kPerIndication: NDISWAN completes
//                           each upward indication at once (4 more events
//                           per indication).
//
//   BM_MonitorWanReplay     the monitor alone: a new Monitor checks the
//                           events of canonical sequences W1 + W3 per
//                           iteration; events/s.
//
// The protocol's fragment notification (WAN-054) is switched off here: with
// it on each fragment also costs a send through NDISWAN and the NIC, which is
// measured by the scenario tests, not by this indication benchmark.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "conformance/monitor/wan_scenarios.h"
#include "reference/boundary/boundary.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::stack {
namespace {

struct Rig {
  // Declared first: outlives the stack, which detaches the sinks.
  monitor::Monitor monitor;
  Stack stack;
  WanTopology t;
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  uint64_t next_speed = 64000;

  explicit Rig(drivers::UpperBracket bracket) {
    Boundary::Get().AddSink(&monitor);
    WanTopologyParts parts;
    parts.nic.channel_count = 1;
    parts.ndiswan = [bracket] {
      drivers::NdiswanConfig c;
      c.upper_bracket = bracket;
      return std::make_unique<Ndiswan>(c);
    };
    parts.proto = [] {
      drivers::WanProtoConfig c;
      c.notify_on_fragment = false;
      return std::make_unique<WanProto>(c);
    };
    t = BuildWanTopology(stack, parts);
    if (t.nic == nullptr || t.wmp_init_status != NDIS_STATUS_SUCCESS) std::abort();
    auto as = [&](auto f) {
      NDIS_STATUS s = stack.As(t.ndiswan_id, f);
      stack.Settle();
      return s;
    };
    if (as([&] { return t.ndiswan->ProviderInitialize(0, 0); }) != NDIS_STATUS_SUCCESS)
      std::abort();
    if (as([&] { return t.ndiswan->Open(0, 0, &line); }) != NDIS_STATUS_SUCCESS) std::abort();
    if (as([&] { return t.ndiswan->MakeCall(line, "1", &call); }) != NDIS_STATUS_SUCCESS)
      std::abort();
    Pump(stack, *t.nic, 10);
    if (as([&] { return t.ndiswan->GetCallId(call); }) != NDIS_STATUS_SUCCESS) std::abort();
    Pump(stack, *t.nic, 2);
    if (t.ndiswan->counters().line_ups != 1) std::abort();
  }

  // One batch: k fragments and one speed change through the ISR/DPC path.
  void Batch(int k) {
    nic::ScheduledFault crc;
    crc.kind = nic::FaultKind::kCrc;
    crc.immediate = true;
    crc.channel = nic::ChannelId{0};
    for (int i = 0; i < k; ++i) (void)t.nic->InjectFault(crc);
    nic::ScheduledFault speed;
    speed.kind = nic::FaultKind::kSpeedChange;
    speed.immediate = true;
    speed.channel = nic::ChannelId{0};
    next_speed = next_speed == 64000 ? 128000 : 64000;
    speed.speed_bps = next_speed;
    (void)t.nic->InjectFault(speed);
    stack.Settle();
  }
};

void BM_WanIndications(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  Rig rig(state.range(1) == 0 ? drivers::UpperBracket::kMirrorLower
                              : drivers::UpperBracket::kPerIndication);
  const drivers::WmpCounts& c = rig.t.wmp->adapter(0).counts;
  const uint64_t ind0 = c.line_up + c.line_down + c.fragment + c.tapi;
  const uint64_t up0 = rig.t.proto->counters().indications;
  const uint64_t ev0 = Boundary::Get().event_count();
  for (auto _ : state) rig.Batch(k);
  const uint64_t indications = c.line_up + c.line_down + c.fragment + c.tapi - ind0;
  const uint64_t upward = rig.t.proto->counters().indications - up0;
  const uint64_t events = Boundary::Get().event_count() - ev0;
  // Every injected error and speed change must have become an indication.
  if (indications != static_cast<uint64_t>(k + 1) * state.iterations()) {
    state.SkipWithError("lost indications");
    return;
  }
  rig.monitor.Finish();
  if (!rig.monitor.violations().empty()) {
    state.SkipWithError("monitor reported a violation");
    return;
  }
  state.counters["indications/s"] =
      benchmark::Counter(static_cast<double>(indications), benchmark::Counter::kIsRate);
  state.counters["upward/s"] =
      benchmark::Counter(static_cast<double>(upward), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events/indication"] =
      benchmark::Counter(static_cast<double>(events) / static_cast<double>(indications));
}
BENCHMARK(BM_WanIndications)->ArgsProduct({{1, 16, 64}, {0, 1}});

// The monitor alone on the WAN path: each iteration checks the events of
// the canonical sequence W1 + W3 (a call set up, then a fragment and a
// line-down, spec Appendix A) with a new Monitor, as trace_check does for
// one trace. Counter: events/s.
void BM_MonitorWanReplay(benchmark::State& state) {
  const std::vector<Event> w3 = monitor::wan_scenarios::W3FragmentAndLineDown();
  uint64_t events = 0;
  for (auto _ : state) {
    monitor::Monitor m;
    for (const Event& e : w3) m.OnEvent(e);
    m.Finish();
    if (!m.violations().empty()) {
      state.SkipWithError("monitor reported a violation on W3");
      return;
    }
    events += w3.size();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MonitorWanReplay);

}  // namespace
}  // namespace ndisconf::stack

BENCHMARK_MAIN();
