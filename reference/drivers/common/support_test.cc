// History: the most recent items of a stream, oldest first, in bounded
// memory. CallLog: exact per-name counts and last entries for the whole run,
// and a History of the most recent kHistory entries.
#include "ndisconf/drivers/support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ndisconf::drivers {
namespace {

Observed Entry(std::string_view fn, uint64_t value) {
  Observed o;
  o.fn = fn;
  o.value = value;
  return o;
}

TEST(HistoryTest, KeepsTheMostRecentItemsOldestFirst) {
  History<int, 4> h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.begin(), h.end());
  for (int i = 1; i <= 3; ++i) h.push_back(i);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{1, 2, 3}));
  for (int i = 4; i <= 10; ++i) h.push_back(i);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{7, 8, 9, 10}));
  EXPECT_EQ(h[0], 7);
  EXPECT_EQ(h[3], 10);
  EXPECT_EQ(h.front(), 7);
  EXPECT_EQ(h.back(), 10);
  EXPECT_EQ(*std::find_if(h.begin(), h.end(), [](int v) { return v % 2 == 0; }), 8);
  h.clear();
  EXPECT_TRUE(h.empty());
  h.push_back(42);
  EXPECT_EQ(h.front(), 42);
  EXPECT_EQ(h.back(), 42);
}

TEST(CallLogTest, KeepsEveryEntryInOrderUntilTheHistoryIsFull) {
  CallLog log;
  EXPECT_TRUE(log.entries().empty());
  log.Add(Entry("ProtocolStatus", 1));
  log.Add(Entry("ProtocolStatusComplete", 2));
  log.Add(Entry("ProtocolStatus", 3));
  const auto& e = log.entries();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].value, 1u);
  EXPECT_EQ(e[1].value, 2u);
  EXPECT_EQ(e[2].value, 3u);
  EXPECT_EQ(log.Names(), (std::vector<std::string>{"ProtocolStatus", "ProtocolStatusComplete",
                                                   "ProtocolStatus"}));
  EXPECT_EQ(log.Count("ProtocolStatus"), 2u);
  EXPECT_EQ(log.Count("ProtocolStatusComplete"), 1u);
  EXPECT_EQ(log.Count("MiniportHalt"), 0u);
  ASSERT_NE(log.Last("ProtocolStatus"), nullptr);
  EXPECT_EQ(log.Last("ProtocolStatus")->value, 3u);
  EXPECT_EQ(log.Last("MiniportHalt"), nullptr);
}

TEST(CallLogTest, HistoryWrapsToTheMostRecentEntriesWhileCountsStayExact) {
  CallLog log;
  const uint64_t total = CallLog::kHistory * 2 + 17;
  for (uint64_t i = 0; i < total; ++i) log.Add(Entry(i % 2 == 0 ? "Even" : "Odd", i));
  const auto& e = log.entries();
  ASSERT_EQ(e.size(), CallLog::kHistory);
  // Oldest first, consecutive, ending with the last entry added.
  for (size_t i = 0; i < e.size(); ++i) EXPECT_EQ(e[i].value, total - CallLog::kHistory + i) << i;
  EXPECT_EQ(log.Count("Even"), (total + 1) / 2);
  EXPECT_EQ(log.Count("Odd"), total / 2);
  EXPECT_EQ(log.Last("Even")->value, total - 1);
  EXPECT_EQ(log.Last("Odd")->value, total - 2);
  EXPECT_EQ(log.Names().size(), CallLog::kHistory);
  EXPECT_EQ(log.Names().back(), "Even");
}

TEST(CallLogTest, CopyAndClear) {
  CallLog log;
  for (uint64_t i = 0; i < CallLog::kHistory + 5; ++i) log.Add(Entry("ProtocolStatus", i));
  CallLog copy = log;
  log.Clear();
  EXPECT_TRUE(log.entries().empty());
  EXPECT_EQ(log.Count("ProtocolStatus"), 0u);
  EXPECT_EQ(log.Last("ProtocolStatus"), nullptr);
  // The copy kept everything, and its own lookups work after the original cleared.
  const auto& e = copy.entries();
  ASSERT_EQ(e.size(), CallLog::kHistory);
  EXPECT_EQ(e.front().value, 5u);
  EXPECT_EQ(e.back().value, CallLog::kHistory + 4);
  copy.Add(Entry("ProtocolStatus", 99999));
  EXPECT_EQ(copy.Count("ProtocolStatus"), CallLog::kHistory + 6);
  EXPECT_EQ(e.back().value, 99999u);
  EXPECT_EQ(e.front().value, 6u);
  // The cleared log starts again from empty.
  log.Add(Entry("Odd", 7));
  EXPECT_EQ(log.entries().size(), 1u);
  EXPECT_EQ(log.Count("Odd"), 1u);
}

}  // namespace
}  // namespace ndisconf::drivers
