#include "ndisconf/boundary/fn.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ndisconf/boundary/event.h"

namespace ndisconf {
namespace {

TEST(FnTable, EveryFunctionHasAUniqueNameThatRoundTrips) {
  std::set<std::string> names;
  for (size_t i = 0; i < kFnCount; ++i) {
    const Fn fn = static_cast<Fn>(i);
    const FnSpec& spec = SpecOf(fn);
    EXPECT_EQ(spec.fn, fn);
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << spec.name;
    ASSERT_EQ(FnByName(spec.name), fn) << spec.name;
  }
  EXPECT_EQ(FnByName("NdisNoSuchFunction"), std::nullopt);
}

TEST(FnTable, EveryFunctionFitsTheEventSlots) {
  for (size_t i = 0; i < kFnCount; ++i) {
    const FnSpec& spec = SpecOf(static_cast<Fn>(i));
    size_t in = 0, out = 0;
    for (size_t k = 0; k < spec.in_count; ++k) in += SlotsOf(spec.in[k].kind);
    for (size_t k = 0; k < spec.out_count; ++k) out += SlotsOf(spec.out[k].kind);
    EXPECT_LE(in, Event::kMaxArgs) << spec.name;
    EXPECT_LE(out, Event::kMaxArgs) << spec.name;
  }
}

TEST(FnTable, NamesFollowTheDirectionConvention) {
  // Driver-to-NDIS entry points are Ndis*; callbacks are Protocol*/Miniport*
  // (plus the work-item routine NDIS runs).
  for (size_t i = 0; i < kFnCount; ++i) {
    const FnSpec& spec = SpecOf(static_cast<Fn>(i));
    const bool ndis_name = spec.name.substr(0, 4) == "Ndis" && spec.fn != Fn::NdisIoWorkItemRoutine;
    EXPECT_EQ(spec.direction == Direction::kDown, ndis_name) << spec.name;
  }
}

}  // namespace
}  // namespace ndisconf
