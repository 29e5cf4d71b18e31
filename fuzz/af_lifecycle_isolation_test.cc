// Runs of af_lifecycle programs do not depend on what ran before: every
// seed gives the same events (up to a consistent renaming of NDIS's handles;
// the drivers' heap addresses differ between runs) and the same outcome
// on a new monitor and on the fuzz target's reused, Reset() monitor, after
// the other seeds in several orders, and after a run that broke a rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_lifecycle_seeds.h"
#include "reference/boundary/event.h"
#include "reference/boundary/fn.h"

namespace ndisconf::fuzz {
namespace {

// The events of one run, comparable across runs (see OnEvent).
class Normalized : public EventSink {
 public:
  std::vector<std::string> events;
  void OnEvent(const Event& e) override {
    std::string s = std::to_string(static_cast<int>(e.fn)) + (e.phase == Phase::kCall ? "c" : "r") +
                    " a" + std::to_string(e.actor) + " i" + std::to_string(e.irql) + " s" +
                    std::to_string(e.status) + " n" + std::to_string(e.index);
    // Handles NDIS hands out (Ndis*Handle) are renamed by first appearance;
    // the drivers' own contexts are heap addresses, which a freed object's
    // address reused may make equal to an earlier one, so they only count
    // as "a handle" (H); other values are kept.
    const FnSpec& spec = SpecOf(e.fn);
    const ArgSpec* args = e.phase == Phase::kCall ? spec.in : spec.out;
    const size_t count = e.phase == Phase::kCall ? spec.in_count : spec.out_count;
    size_t slot = 0;
    for (size_t k = 0; k < count; ++k) {
      for (size_t j = 0; j < SlotsOf(args[k].kind) && slot < e.arg_count; ++j, ++slot) {
        const uint64_t v = e.arg[slot];
        if (args[k].kind != ArgKind::kHandle || v < 4096) {
          s += " " + std::to_string(v);
        } else if (args[k].name.substr(0, 4) == "Ndis") {
          s += " N" + std::to_string(Name(v));
        } else {
          s += " H";
        }
      }
    }
    s += " b";
    for (size_t i = 0; i < e.blob_len && i < Event::kMaxBlob; ++i)
      s += std::to_string(e.blob[i]) + ",";
    events.push_back(std::move(s));
  }

 private:
  uint64_t Name(uint64_t v) {
    if (v < 4096) return v;
    auto [it, added] = names_.emplace(v, 4096 + names_.size());
    return it->second;
  }
  std::unordered_map<uint64_t, uint64_t> names_;
};

struct Result {
  AfLifecycleOutcome outcome;
  std::vector<std::string> events;
};

Result RunOne(const char* impl_name, const std::vector<uint8_t>& p, monitor::Monitor* reused) {
  const conformance::Implementation* impl = conformance::FindImplementation(impl_name);
  EXPECT_NE(impl, nullptr) << impl_name;
  Normalized n;
  Result r;
  if (impl != nullptr) r.outcome = RunAfLifecycleProgram(*impl, p.data(), p.size(), &n, reused);
  r.events = std::move(n.events);
  return r;
}

void ExpectSame(const Result& fresh, const Result& got, const std::string& what) {
  const AfLifecycleOutcome& a = fresh.outcome;
  const AfLifecycleOutcome& b = got.outcome;
  EXPECT_EQ(a.records, b.records) << what;
  EXPECT_EQ(a.records_skipped, b.records_skipped) << what;
  EXPECT_EQ(a.events, b.events) << what;
  EXPECT_EQ(a.afs_opened, b.afs_opened) << what;
  EXPECT_EQ(a.calls_connected, b.calls_connected) << what;
  EXPECT_EQ(a.bad_calls, b.bad_calls) << what;
  EXPECT_EQ(a.bad_calls_accepted, b.bad_calls_accepted) << what;
  EXPECT_EQ(a.first_rule, b.first_rule) << what;
  EXPECT_EQ(a.first_check, b.first_check) << what;
  EXPECT_EQ(a.first_event, b.first_event) << what;
  EXPECT_EQ(a.first_message, b.first_message) << what;
  ASSERT_EQ(a.events, fresh.events.size()) << what << ": the observer saw every event";
  for (size_t i = 0; i < fresh.events.size() && i < got.events.size(); ++i) {
    ASSERT_EQ(fresh.events[i], got.events[i]) << what << ": event " << i << " differs";
  }
  EXPECT_EQ(fresh.events.size(), got.events.size()) << what;
}

// Every committed seed (corpora/af_lifecycle: the named ones and those
// converted from recorded runs), in name order.
std::vector<AfSeed> Seeds() {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& f : fs::directory_iterator("corpora/af_lifecycle", ec))
    files.push_back(f.path());
  std::sort(files.begin(), files.end());
  std::vector<AfSeed> out;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    AfSeed s;
    s.name = f.filename().string();
    s.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    out.push_back(std::move(s));
  }
  return out;
}

TEST(AfLifecycleIsolation, ReusedMonitorGivesFreshResultsInAnyOrder) {
  const std::vector<AfSeed> seeds = Seeds();
  ASSERT_GE(seeds.size(), AfLifecycleSeeds().size());
  std::vector<Result> fresh;
  uint64_t events = 0;
  for (const AfSeed& s : seeds) {
    fresh.push_back(RunOne("reference", s.data, nullptr));
    events += fresh.back().outcome.events;
    EXPECT_GT(fresh.back().outcome.events, 0u) << s.name;
  }
  std::printf("af_lifecycle seeds: %zu, mean events per seed %.1f\n", seeds.size(),
              static_cast<double>(events) / static_cast<double>(seeds.size()));
  std::vector<size_t> order(seeds.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::vector<size_t>> orders = {order, order};
  std::reverse(orders[1].begin(), orders[1].end());
  std::vector<size_t> stride;  // 0, 7, 14, ... mod n: a third order
  for (size_t i = 0, j = 0; i < order.size(); ++i, j = (j + 7) % order.size()) {
    while (std::find(stride.begin(), stride.end(), j) != stride.end()) j = (j + 1) % order.size();
    stride.push_back(j);
  }
  orders.push_back(stride);
  monitor::Monitor reused;
  for (size_t o = 0; o < orders.size(); ++o) {
    for (size_t i : orders[o]) {
      ExpectSame(fresh[i], RunOne("reference", seeds[i].data, &reused),
                 seeds[i].name + " (order " + std::to_string(o) + ")");
    }
  }
}

TEST(AfLifecycleIsolation, ResetAfterAViolationForgetsIt) {
  std::vector<uint8_t> s2, s1;
  for (const AfSeed& s : Seeds()) {
    if (s.name == "s2_open_pended") s2 = s.data;
    if (s.name == "s1_open_sync") s1 = s.data;
  }
  ASSERT_FALSE(s1.empty());
  ASSERT_FALSE(s2.empty());
  monitor::Monitor reused;
  // AF-034: the seeded bug completes the open twice.
  const Result bad = RunOne("bug-cm-open-complete-twice", s2, &reused);
  EXPECT_EQ(bad.outcome.first_rule, "AF-034");
  EXPECT_FALSE(reused.violations().empty());
  const Result fresh = RunOne("reference", s2, nullptr);
  EXPECT_EQ(fresh.outcome.first_rule, "");
  ExpectSame(fresh, RunOne("reference", s2, &reused), "s2 after the AF-034 run");
  ExpectSame(RunOne("reference", s1, nullptr), RunOne("reference", s1, &reused), "s1 after s2");
  reused.Reset();
  EXPECT_TRUE(reused.violations().empty());
  EXPECT_EQ(reused.event_count(), 0u);
}

}  // namespace
}  // namespace ndisconf::fuzz
