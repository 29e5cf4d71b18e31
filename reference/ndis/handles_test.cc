// Unit tests of the handle component (AF-042, AF-140): opaque, distinct per
// kind, stale detection across slot reuse, deterministic per seed.
#include "reference/ndis/handles.h"

#include <gtest/gtest.h>

#include <set>

namespace ndisconf::ndis {
namespace {

struct Obj {
  int v;
};

TEST(HandleCodec, EncodeThenDecodeRoundTripsEveryField) {
  HandleCodec codec(42);
  for (uint32_t slot : {0u, 1u, 77u, 0xFFFFFFFFu}) {
    for (uint32_t gen : {1u, 2u, 0xFFFFFFu}) {
      const uint64_t v = codec.Encode(HandleKind::kVc, slot, gen);
      const HandleCodec::Fields f = codec.Decode(v);
      EXPECT_EQ(f.kind, static_cast<uint8_t>(HandleKind::kVc));
      EXPECT_EQ(f.slot, slot);
      EXPECT_EQ(f.generation, gen);
    }
  }
}

TEST(HandleCodec, SameSeedSameValuesDifferentSeedDifferentValues) {
  HandleCodec a(7), b(7), c(8);
  EXPECT_EQ(a.Encode(HandleKind::kAf, 3, 1), b.Encode(HandleKind::kAf, 3, 1));
  EXPECT_NE(a.Encode(HandleKind::kAf, 3, 1), c.Encode(HandleKind::kAf, 3, 1));
}

TEST(HandleCodec, NeighbouringSlotsDoNotLookAlike) {
  // Checks AF-042: not guessable from one another. Consecutive slots differ in many bits.
  HandleCodec codec(1);
  const uint64_t a = codec.Encode(HandleKind::kAf, 0, 1);
  const uint64_t b = codec.Encode(HandleKind::kAf, 1, 1);
  EXPECT_GE(__builtin_popcountll(a ^ b), 12);
}

TEST(HandleTable, InsertedHandleResolvesToItsObject) {
  HandleCodec codec(1);
  HandleTable<HandleKind::kAf, Obj> t(&codec);
  Obj o{5};
  const AfHandle h = t.Insert(&o);
  EXPECT_NE(h.value, 0u);
  EXPECT_EQ(t.Find(h), &o);
  EXPECT_EQ(t.live(), 1u);
}

TEST(HandleTable, NullValueIsReportedAsNull) {
  HandleCodec codec(1);
  HandleTable<HandleKind::kAf, Obj> t(&codec);
  EXPECT_EQ(t.Lookup(uint64_t{0}).error, LookupError::kNull);
}

TEST(HandleTable, HandleOfAnotherKindIsReportedAsWrongKind) {
  HandleCodec codec(1);
  HandleTable<HandleKind::kAf, Obj> afs(&codec);
  HandleTable<HandleKind::kVc, Obj> vcs(&codec);
  Obj o{1};
  const VcHandle vc = vcs.Insert(&o);
  const auto r = afs.Lookup(vc.value);
  EXPECT_EQ(r.object, nullptr);
  EXPECT_EQ(r.error, LookupError::kWrongKind);
  EXPECT_EQ(r.decoded_kind, static_cast<uint8_t>(HandleKind::kVc));
}

TEST(HandleTable, ReleasedHandleIsStaleEvenAfterSlotReuse) {
  HandleCodec codec(1);
  HandleTable<HandleKind::kSap, Obj> t(&codec);
  Obj a{1}, b{2};
  const SapHandle ha = t.Insert(&a);
  EXPECT_TRUE(t.Release(ha));
  EXPECT_EQ(t.Lookup(ha).error, LookupError::kStale);
  const SapHandle hb = t.Insert(&b);  // reuses the slot with a new generation
  EXPECT_NE(ha, hb);
  EXPECT_EQ(t.Find(hb), &b);
  EXPECT_EQ(t.Lookup(ha).error, LookupError::kStale);
  EXPECT_FALSE(t.Release(ha));
}

TEST(HandleTable, SlotsAreReusedOldestFreedFirst) {
  // The longer a released slot waits, the longer its stale handle stays
  // distinguishable from a fresh one by slot as well as by generation.
  HandleCodec codec(3);
  HandleTable<HandleKind::kVc, Obj> t(&codec);
  Obj o[4] = {{0}, {1}, {2}, {3}};
  VcHandle h[4];
  for (int i = 0; i < 4; ++i) h[i] = t.Insert(&o[i]);
  ASSERT_TRUE(t.Release(h[2]));
  ASSERT_TRUE(t.Release(h[0]));
  ASSERT_TRUE(t.Release(h[3]));
  const uint32_t want[] = {2, 0, 3, 4};  // freed order, then a new slot
  for (uint32_t slot : want) {
    const VcHandle n = t.Insert(&o[1]);
    EXPECT_EQ(codec.Decode(n.value).slot, slot);
  }
  ASSERT_TRUE(t.Release(h[1]));  // the free list refills after running dry
  EXPECT_EQ(codec.Decode(t.Insert(&o[1]).value).slot, 1u);
  EXPECT_EQ(t.live(), 5u);
}

TEST(HandleTable, GarbageValuesNeverResolve) {
  HandleCodec codec(99);
  HandleTable<HandleKind::kVc, Obj> t(&codec);
  Obj o{1};
  for (int i = 0; i < 16; ++i) t.Insert(&o);
  uint64_t x = 0x12345678;
  for (int i = 0; i < 100000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto r = t.Lookup(x);
    if (r.object != nullptr) {
      // Only the 16 real handles may resolve.
      bool real = false;
      for (uint32_t s = 0; s < 16; ++s) real |= codec.Encode(HandleKind::kVc, s, 1) == x;
      EXPECT_TRUE(real) << std::hex << x;
    }
  }
}

TEST(HandleTable, LiveHandlesNeverCollideAcrossKinds) {
  // Checks AF-140 property: across kinds and many objects, values are distinct.
  HandleCodec codec(5);
  HandleTable<HandleKind::kAf, Obj> afs(&codec);
  HandleTable<HandleKind::kSap, Obj> saps(&codec);
  HandleTable<HandleKind::kVc, Obj> vcs(&codec);
  Obj o{0};
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(afs.Insert(&o).value).second);
    EXPECT_TRUE(seen.insert(saps.Insert(&o).value).second);
    EXPECT_TRUE(seen.insert(vcs.Insert(&o).value).second);
  }
}

TEST(HandleTable, ForEachVisitsLiveObjectsOnly) {
  HandleCodec codec(1);
  HandleTable<HandleKind::kBinding, Obj> t(&codec);
  Obj a{1}, b{2}, c{3};
  t.Insert(&a);
  const BindingHandle hb = t.Insert(&b);
  t.Insert(&c);
  t.Release(hb);
  int sum = 0;
  t.ForEach([&](Obj* o) { sum += o->v; });
  EXPECT_EQ(sum, 4);
}

}  // namespace
}  // namespace ndisconf::ndis
