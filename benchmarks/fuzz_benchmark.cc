// The fuzz targets' per-input cost, outside the fuzzing engine (Google
// Benchmark). Figures go in issue notes, never in tests:
//   bazel run -c opt //benchmarks:fuzz_benchmark
//
//   BM_AfLifecycleCorpus   one committed af_lifecycle input per iteration,
//                          round robin over corpora/af_lifecycle, on the
//                          reference, with the fuzzer's reused monitor.
//                          Counters: inputs/s, boundary events and heap
//                          allocations per input.
//   BM_AfLifecycleEmpty    the empty program: the per-input floor (monitor
//                          reset, stack built and torn down).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "fuzz/af_lifecycle_input.h"

// Every operator new of this binary is counted: allocations are most of
// what an input costs under ASan, whose allocator is slow by design.
namespace {
uint64_t g_allocations = 0;
}  // namespace
void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

using Corpus = std::vector<std::vector<uint8_t>>;

// The files of one corpus folder, in name order (benchmarks run from the
// runfiles root, where corpora/ is a data dependency).
Corpus Load(const std::string& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file()) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  Corpus c;
  for (const auto& p : paths) {
    std::ifstream f(p, std::ios::binary);
    c.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  return c;
}

void RunAf(benchmark::State& state, const Corpus& corpus) {
  const auto* impl = ndisconf::conformance::FindImplementation("reference");
  if (impl == nullptr || corpus.empty()) {
    state.SkipWithError("no reference implementation or an empty corpus");
    return;
  }
  ndisconf::monitor::Monitor monitor;
  size_t i = 0;
  uint64_t events = 0;
  const uint64_t allocations = g_allocations;
  for (auto _ : state) {
    const std::vector<uint8_t>& in = corpus[i++ % corpus.size()];
    const ndisconf::fuzz::AfLifecycleOutcome o =
        ndisconf::fuzz::RunAfLifecycleProgram(*impl, in.data(), in.size(), nullptr, &monitor);
    events += o.events;
    benchmark::DoNotOptimize(o.records);
  }
  state.counters["inputs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  const double inputs = static_cast<double>(std::max<int64_t>(state.iterations(), 1));
  state.counters["events/input"] = static_cast<double>(events) / inputs;
  state.counters["allocs/input"] = static_cast<double>(g_allocations - allocations) / inputs;
}

void BM_AfLifecycleCorpus(benchmark::State& state) {
  static const Corpus corpus = Load("corpora/af_lifecycle");
  RunAf(state, corpus);
}
BENCHMARK(BM_AfLifecycleCorpus);

void BM_AfLifecycleEmpty(benchmark::State& state) {
  static const Corpus empty = {{}};
  RunAf(state, empty);
}
BENCHMARK(BM_AfLifecycleEmpty);

}  // namespace

BENCHMARK_MAIN();
