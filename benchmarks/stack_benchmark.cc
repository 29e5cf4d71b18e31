// Benchmarks of the reference stack under the rule monitor (Google
// Benchmark). Figures go in issue notes, never in tests:
//   bazel run -c opt //benchmarks:stack_benchmark
//
//   BM_Lifecycle            one full AF lifecycle per iteration: load a CM,
//                           a client and a CoNDIS miniport, bind, register,
//                           notify, open, register a SAP, create a VC, make
//                           and close a call, delete the VC, deregister the
//                           SAP, close the AF, unbind, halt; with the monitor
//                           watching every event. Counters: lifecycles/s and
//                           monitored events/s.
//   BM_MonitorOnly          the monitor alone, replaying a recorded lifecycle:
//                           monitored events/s of the oracle itself.
//   BM_MemoryPerOpenAf/N    N AFs open at once on one binding: live bytes
//                           per open AF held by the model, by the monitor,
//                           and (for reference) by the two reference drivers,
//                           counted by a global operator new hook that charges
//                           each allocation to the side of the boundary that
//                           is running.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "reference/boundary/boundary.h"
#include "reference/stack/stack.h"

// ---- Allocation accounting (this binary only). ----
// Every allocation is charged to an owner: the NDIS model, the drivers, or
// the monitor. The owner follows the boundary: after a driver calls NDIS (or
// a callback returns to NDIS) the model is running; after NDIS calls a
// driver (or an NDIS call returns to the driver) the driver is. The monitor
// is charged for what it allocates inside OnEvent.
namespace {
enum Owner : size_t { kHarness, kModel, kDriver, kMonitor, kOwners };
std::atomic<int64_t> g_live[kOwners];
Owner g_owner = kHarness;
constexpr size_t kHeader = 16;
}  // namespace

void* operator new(size_t n) {
  void* p = std::malloc(n + kHeader);
  if (p == nullptr) throw std::bad_alloc();
  static_cast<size_t*>(p)[0] = n;
  static_cast<size_t*>(p)[1] = g_owner;
  g_live[g_owner] += static_cast<int64_t>(n);
  return static_cast<char*>(p) + kHeader;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  size_t* h = reinterpret_cast<size_t*>(static_cast<char*>(p) - kHeader);
  g_live[h[1]] -= static_cast<int64_t>(h[0]);
  std::free(h);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }

namespace ndisconf::stack {
namespace {

using drivers::SapSpec;

// Collects events (for the monitor-only replay).
class EventLog : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

// One lifecycle. Returns the number of events the boundary saw.
uint64_t RunLifecycle(EventSink* extra_sink) {
  monitor::Monitor monitor;
  Stack s;
  Boundary::Get().AddSink(&monitor);
  if (extra_sink != nullptr) Boundary::Get().AddSink(extra_sink);
  CmTopology t = BuildCmTopology(s);
  s.Settle();
  size_t sap = 0, vc = 0;
  drivers::Client& cl = *t.client;
  s.As(t.client_id, [&] { return cl.RegisterSap(0, SapSpec{1, {1, 2, 3, 4}}, &sap); });
  s.As(t.client_id, [&] { return cl.CreateVc(0, &vc); });
  s.As(t.client_id, [&] { return cl.MakeCall(vc); });
  s.Settle();
  s.As(t.client_id, [&] { return cl.CloseCall(vc); });
  s.Settle();
  s.As(t.client_id, [&] { return cl.DeleteVc(vc); });
  s.As(t.client_id, [&] { return cl.DeregisterSap(sap); });
  s.Settle();
  s.As(t.client_id, [&] { return cl.CloseAf(0); });
  s.Settle();
  s.model().HaltAdapter(t.adapter);
  s.Settle();
  monitor.Finish();
  if (!monitor.violations().empty()) std::abort();  // the reference must stay clean
  return Boundary::Get().event_count();
}

void BM_Lifecycle(benchmark::State& state) {
  uint64_t events = 0;
  for (auto _ : state) events += RunLifecycle(nullptr);
  state.counters["lifecycles/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events/lifecycle"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Lifecycle);

void BM_MonitorOnly(benchmark::State& state) {
  EventLog log;
  RunLifecycle(&log);
  uint64_t events = 0;
  for (auto _ : state) {
    monitor::Monitor m;
    for (const Event& e : log.events) m.OnEvent(e);
    m.Finish();
    events += log.events.size();
    benchmark::DoNotOptimize(m.violations().size());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MonitorOnly);

// A CM configuration registering n distinct AF types, and a client that
// accepts them all: n AFs open on one client binding.
CmTopologyParts PartsWithAfs(size_t n) {
  drivers::CallManagerConfig cm;
  drivers::ClientConfig client;
  cm.afs.clear();
  client.accept.clear();
  for (size_t i = 0; i < n; ++i) {
    const NDIS_AF af = 0x1000 + static_cast<NDIS_AF>(i);
    cm.afs.push_back({af, 1, 0});
    client.accept.push_back(af);
  }
  CmTopologyParts parts;
  parts.cm = [cm] { return std::make_unique<drivers::CallManager>(cm); };
  parts.client = [client] { return std::make_unique<drivers::Client>(client); };
  return parts;
}

// The monitor, as a sink that also moves the allocation owner along the
// boundary (see the accounting above).
class AccountedMonitor : public EventSink {
 public:
  void OnEvent(const Event& e) override {
    g_owner = kMonitor;
    monitor.OnEvent(e);
    const bool down = SpecOf(e.fn).direction == Direction::kDown;
    const bool call = e.phase == Phase::kCall;
    g_owner = (down == call) ? kModel : kDriver;
  }
  monitor::Monitor monitor;
};

struct Footprint {
  int64_t model, drivers, monitor;
};

// Live bytes each owner gained while n AFs were registered, notified and
// opened (drivers loaded and adapter added first, so only the AF work counts
// apart from the bindings themselves).
Footprint BytesFor(size_t n) {
  auto accounted = std::make_unique<AccountedMonitor>();
  Stack s;
  Boundary::Get().AddSink(accounted.get());
  int64_t start[kOwners];
  for (size_t i = 0; i < kOwners; ++i) start[i] = g_live[i].load();
  CmTopology t = BuildCmTopology(s, PartsWithAfs(n));
  s.Settle();
  g_owner = kHarness;
  if (t.client->afs().size() != n) std::abort();
  return Footprint{g_live[kModel] - start[kModel], g_live[kDriver] - start[kDriver],
                   g_live[kMonitor] - start[kMonitor]};
}

void BM_MemoryPerOpenAf(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Footprint small{}, large{};
  for (auto _ : state) {
    small = BytesFor(1);
    large = BytesFor(n + 1);
  }
  const auto per_af = [n](int64_t a, int64_t b) {
    return static_cast<double>(b - a) / static_cast<double>(n);
  };
  state.counters["model_B/af"] = per_af(small.model, large.model);
  state.counters["monitor_B/af"] = per_af(small.monitor, large.monitor);
  state.counters["model+monitor_B/af"] =
      per_af(small.model + small.monitor, large.model + large.monitor);
  state.counters["ref_drivers_B/af"] = per_af(small.drivers, large.drivers);
}
BENCHMARK(BM_MemoryPerOpenAf)->Arg(1000)->Iterations(1);

}  // namespace
}  // namespace ndisconf::stack

BENCHMARK_MAIN();
