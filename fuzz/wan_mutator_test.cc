// The wan_status custom mutator (wan_mutator.h): from the named seeds,
// every mutation and cross-over gives an input the target's decoder splits
// into well-formed records only (when the input had only those), within
// the size limit, and every mutation kind happens.
#include "fuzz/wan_mutator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "fuzz/wan_status_input.h"
#include "fuzz/wan_status_seeds.h"

namespace ndisconf::fuzz {
namespace {

bool AllWellFormed(const std::vector<uint8_t>& b) {
  for (const WanRecordSpan& s : SplitWanRecords(b.data(), b.size()))
    if (!s.well_formed) return false;
  return true;
}

// Reverses the bytes: a byte mutator that keeps the length.
size_t Reverse(uint8_t* d, size_t n, size_t) {
  std::reverse(d, d + n);
  return n;
}

TEST(WanMutator, SplitFollowsTheDecoder) {
  // schedule(1: 7), COMPLETE, unknown tag 9, INDICATE fragment size 2 with
  // its 2 payload bytes, TAPI get_id, then a FAULT cut short.
  const std::vector<uint8_t> in = {1, 7, 1, 9, 0, 2, 2, 0, 0, 0xaa, 0xbb, 5, 2, 2, 0};
  const std::vector<WanRecordSpan> s = SplitWanRecords(in.data(), in.size());
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].offset, 2u);
  EXPECT_TRUE(s[0].well_formed);
  EXPECT_FALSE(s[1].well_formed);  // unknown tag
  EXPECT_EQ(s[2].size, 7u);
  EXPECT_TRUE(s[2].well_formed);
  EXPECT_EQ(s[3].size, 2u);
  EXPECT_FALSE(s[4].well_formed);  // cut short
  EXPECT_EQ(s[4].size, 2u);
}

TEST(WanMutator, MutationsKeepRecordsWellFormedAndEveryKindHappens) {
  std::array<int, static_cast<size_t>(WanMutation::kCount)> seen{};
  unsigned seed = 1;
  size_t changed = 0;
  for (const NamedSeed& s : WanStatusSeeds()) {
    if (!AllWellFormed(s.data)) continue;  // the seeds of skipped and cut-short records
    std::vector<uint8_t> cur = s.data;
    for (int i = 0; i < 400; ++i) {
      const size_t max = 512;
      std::vector<uint8_t> buf = cur;
      buf.resize(std::max(max, buf.size()));
      WanMutation kind;
      const size_t n = MutateWanInput(buf.data(), cur.size(), max, seed++, Reverse, &kind);
      ASSERT_LE(n, max);
      buf.resize(n);
      ++seen[static_cast<size_t>(kind)];
      EXPECT_TRUE(AllWellFormed(buf)) << s.name << " mutation " << static_cast<int>(kind);
      changed += buf != cur;
      // The target runs it without breaking its invariants (it aborts if so).
      if (i % 40 == 0) (void)RunWanStatusInput(buf.data(), buf.size());
      cur = buf;
    }
  }
  for (const NamedSeed& a : WanStatusSeeds()) {
    for (const NamedSeed& b : WanStatusSeeds()) {
      if (!AllWellFormed(a.data) || !AllWellFormed(b.data)) continue;
      std::vector<uint8_t> out(256);
      const size_t n = CrossOverWanInputs(a.data.data(), a.data.size(), b.data.data(),
                                          b.data.size(), out.data(), out.size(), seed++);
      out.resize(n);
      EXPECT_TRUE(AllWellFormed(out)) << a.name << " x " << b.name;
      ++seen[static_cast<size_t>(WanMutation::kCrossOver)];
    }
  }
  for (size_t k = 0; k < seen.size(); ++k) EXPECT_GT(seen[k], 0) << "mutation kind " << k;
  EXPECT_GT(changed, 1000u);
}

TEST(WanMutator, ABadRecordBecomesARealOne) {
  // Only an unknown tag: an operand mutation replaces it, an insertion adds
  // a real one; either way the decoder then finds a known record.
  bool found_known = false;
  for (unsigned seed = 1; seed < 50 && !found_known; ++seed) {
    std::vector<uint8_t> buf = {0, 9};
    buf.resize(64);
    WanMutation kind;
    buf.resize(MutateWanInput(buf.data(), 2, 64, seed, Reverse, &kind));
    for (const WanRecordSpan& s : SplitWanRecords(buf.data(), buf.size()))
      found_known |= s.well_formed;
  }
  EXPECT_TRUE(found_known);
}

}  // namespace
}  // namespace ndisconf::fuzz
