// The af_lifecycle mutator: its output always decodes into the records it
// was encoded from, every mutation kind happens, and a seed fixes the result.
#include "fuzz/af_mutator.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_lifecycle_seeds.h"

namespace ndisconf::fuzz {
namespace {

size_t IncrementFirst(uint8_t* data, size_t size, size_t max_size) {
  if (size == 0) return max_size > 0 ? (data[0] = 7, 1) : 0;
  ++data[0];
  return size;
}

// Every byte is a known tag followed by its operands, with nothing left.
bool Canonical(const std::vector<uint8_t>& b) {
  const AfProgram p = DecodeAfProgram(b.data(), b.size());
  return EncodeAfProgram(p) == b;
}

TEST(AfMutator, OutputAlwaysDecodesAndEveryKindHappens) {
  std::array<int, kAfMutationCount> seen{};
  const std::vector<AfSeed> seeds = AfLifecycleSeeds();
  std::vector<std::vector<uint8_t>> inputs = {{}, {0}, {3, 1, 2}, {200, 1, 2, 3}};
  for (const AfSeed& s : seeds) inputs.push_back(s.data);
  unsigned seed = 1;
  for (const std::vector<uint8_t>& in : inputs) {
    std::vector<uint8_t> cur = in;
    for (int step = 0; step < 200; ++step, ++seed) {
      const size_t max_size = 4 + seed % 300;
      std::vector<uint8_t> buf = cur;
      buf.resize(std::max(buf.size(), max_size));
      AfMutation kind;
      const size_t n = MutateAfInput(buf.data(), std::min(cur.size(), max_size), max_size, seed,
                                     &IncrementFirst, &kind);
      ASSERT_LE(n, max_size);
      buf.resize(n);
      ASSERT_TRUE(Canonical(buf)) << "seed " << seed;
      ASSERT_LE(DecodeAfProgram(buf.data(), buf.size()).records.size(), kAfMutatorMaxRecords);
      ++seen[static_cast<size_t>(kind)];
      cur = buf;
    }
  }
  for (size_t k = 0; k < kAfMutationCount; ++k) EXPECT_GT(seen[k], 0) << "kind " << k;
}

TEST(AfMutator, SameSeedSameOutput) {
  const std::vector<uint8_t> in = AfLifecycleSeeds().front().data;
  for (unsigned seed = 0; seed < 50; ++seed) {
    std::vector<uint8_t> a = in, b = in;
    a.resize(512);
    b.resize(512);
    a.resize(MutateAfInput(a.data(), in.size(), 512, seed, &IncrementFirst));
    b.resize(MutateAfInput(b.data(), in.size(), 512, seed, &IncrementFirst));
    EXPECT_EQ(a, b) << seed;
  }
}

TEST(AfMutator, DeleteRemovesOneRecord) {
  const std::vector<uint8_t> in = AfLifecycleSeeds().front().data;
  const size_t records = DecodeAfProgram(in.data(), in.size()).records.size();
  ASSERT_GT(records, 1u);
  bool found = false;
  for (unsigned seed = 0; seed < 200 && !found; ++seed) {
    std::vector<uint8_t> a = in;
    a.resize(512);
    AfMutation kind;
    a.resize(MutateAfInput(a.data(), in.size(), 512, seed, &IncrementFirst, &kind));
    if (kind != AfMutation::kDelete) continue;
    found = true;
    EXPECT_EQ(DecodeAfProgram(a.data(), a.size()).records.size(), records - 1);
  }
  EXPECT_TRUE(found);
}

TEST(AfMutator, CrossOverJoinsRecordsOfBothWithinTheLimit) {
  const std::vector<AfSeed> seeds = AfLifecycleSeeds();
  ASSERT_GE(seeds.size(), 2u);
  const std::vector<uint8_t>& a = seeds[0].data;
  const std::vector<uint8_t>& b = seeds[1].data;
  const AfProgram pa = DecodeAfProgram(a.data(), a.size());
  for (unsigned seed = 0; seed < 100; ++seed) {
    std::vector<uint8_t> out(40);
    out.resize(
        CrossOverAfInputs(a.data(), a.size(), b.data(), b.size(), out.data(), out.size(), seed));
    ASSERT_LE(out.size(), 40u);
    ASSERT_TRUE(Canonical(out));
    const AfProgram c = DecodeAfProgram(out.data(), out.size());
    EXPECT_EQ(c.schedule, pa.schedule);
  }
}

TEST(AfMutator, UnknownTagsAndACutShortRecordAreDropped) {
  // schedule {9}; tag 250 unknown; LOAD_CM 1; REGISTER_SAP cut short.
  const std::vector<uint8_t> in = {1, 9, 250, 0, 1, 10, 0};
  const AfProgram p = DecodeAfProgram(in.data(), in.size());
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].tag, static_cast<uint8_t>(AfOp::kLoadCm));
  EXPECT_EQ(EncodeAfProgram(p), (std::vector<uint8_t>{1, 9, 0, 1}));
}

}  // namespace
}  // namespace ndisconf::fuzz
