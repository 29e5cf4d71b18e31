#include "reference/util/owned_vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ndisconf {
namespace {

struct Item {
  std::string name;
  Item* peer = nullptr;
};

TEST(OwnedVector, ACopyHoldsCopiesOfTheObjects) {
  OwnedVector<Item> v;
  v.push_back(std::make_unique<Item>(Item{"a"}));
  v.push_back(nullptr);
  const OwnedVector<Item> copy = v;
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_NE(copy[0].get(), v[0].get());
  EXPECT_EQ(copy[0]->name, "a");
  EXPECT_EQ(copy[1], nullptr);
}

TEST(OwnedVector, AssigningASavedCopyBackRestoresTheObjectsInPlace) {
  OwnedVector<Item> v;
  v.push_back(std::make_unique<Item>(Item{"a"}));
  v.push_back(std::make_unique<Item>(Item{"b"}));
  v[0]->peer = v[1].get();
  Item* const a = v[0].get();
  Item* const b = v[1].get();
  const OwnedVector<Item> saved = v;

  a->name = "changed";
  a->peer = nullptr;
  v.push_back(std::make_unique<Item>(Item{"made later"}));
  v = saved;

  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].get(), a);  // same addresses
  EXPECT_EQ(v[1].get(), b);
  EXPECT_EQ(a->name, "a");
  EXPECT_EQ(a->peer, b);  // the pointer saved points into v, not into the copy
}

TEST(OwnedVector, AssigningALongerVectorAddsCopies) {
  OwnedVector<Item> v;
  OwnedVector<Item> longer;
  longer.push_back(std::make_unique<Item>(Item{"x"}));
  v = longer;
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].get(), longer[0].get());
  EXPECT_EQ(v[0]->name, "x");
}

}  // namespace
}  // namespace ndisconf
