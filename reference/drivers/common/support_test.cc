// History: the most recent items of a stream, oldest first, in bounded
// memory. CallLog: exact per-kind counts and last records for the whole run,
// a History of the most recent kHistory records, and only its own kinds.
#include "reference/drivers/common/support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ndisconf::drivers {
namespace {

// Kinds of record for these tests, shaped like those of reference/drivers/common/logged.h.
struct Status {
  static constexpr std::string_view kName = "ProtocolStatus";
  uint64_t value;
};
struct StatusComplete {
  static constexpr std::string_view kName = "ProtocolStatusComplete";
  uint64_t value;
};
struct Halt {
  static constexpr std::string_view kName = "MiniportHalt";
  uint64_t value;
};
struct Even {
  static constexpr std::string_view kName = "Even";
  uint64_t value;
};
struct Odd {
  static constexpr std::string_view kName = "Odd";
  uint64_t value;
};
struct NotLogged {
  [[maybe_unused]] static constexpr std::string_view kName = "NotLogged";
};
using TestLog = CallLog<Status, StatusComplete, Halt, Even, Odd>;

// Whether Count<T>() / Last<T>() / Add(T) compile on a Log.
template <class Log, class T>
constexpr bool kCanCount = requires(const Log& l) {
  l.template Count<T>();
};
template <class Log, class T>
constexpr bool kCanLast = requires(const Log& l) {
  l.template Last<T>();
};
template <class Log, class T>
constexpr bool kCanAdd = requires(Log& l, const T& t) {
  l.Add(t);
};

// Any record's value, whatever its kind.
uint64_t ValueOf(const TestLog::Entry& e) {
  return std::visit([](const auto& r) { return r.value; }, e);
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

TEST(HistoryTest, RestoreFromAnEarlierCopyDropsWhatCameSince) {
  History<int, 4> h;
  h.push_back(1);
  h.push_back(2);
  const History<int, 4> saved = h;
  h.push_back(3);  // pushed since: dropped
  h.RestoreFrom(saved);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{1, 2}));
  for (int i = 3; i <= 9; ++i) h.push_back(i);  // wraps: the copy's items come back
  h.RestoreFrom(saved);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{1, 2}));
  h.clear();  // cleared, then pushed again to the same size
  h.push_back(7);
  h.push_back(8);
  h.push_back(9);
  h.RestoreFrom(saved);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{1, 2}));
  h.push_back(3);
  EXPECT_EQ(std::vector<int>(h.begin(), h.end()), (std::vector<int>{1, 2, 3}));
}

TEST(CallLogTest, KeepsEveryEntryInOrderUntilTheHistoryIsFull) {
  TestLog log;
  EXPECT_TRUE(log.entries().empty());
  log.Add(Status{1});
  log.Add(StatusComplete{2});
  log.Add(Status{3});
  const auto& e = log.entries();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(ValueOf(e[0]), 1u);
  EXPECT_EQ(ValueOf(e[1]), 2u);
  EXPECT_EQ(ValueOf(e[2]), 3u);
  EXPECT_TRUE(std::holds_alternative<StatusComplete>(e[1]));
  EXPECT_EQ(TestLog::NameOf(e[1]), "ProtocolStatusComplete");
  EXPECT_EQ(log.Names(), (std::vector<std::string>{"ProtocolStatus", "ProtocolStatusComplete",
                                                   "ProtocolStatus"}));
  EXPECT_EQ(log.Count<Status>(), 2u);
  EXPECT_EQ(log.Count<StatusComplete>(), 1u);
  EXPECT_EQ(log.Count<Halt>(), 0u);
  ASSERT_NE(log.Last<Status>(), nullptr);
  EXPECT_EQ(log.Last<Status>()->value, 3u);
  EXPECT_EQ(log.Last<Halt>(), nullptr);
  const std::vector<Status> all = log.All<Status>();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].value, 1u);
  EXPECT_EQ(all[1].value, 3u);
  EXPECT_TRUE(log.All<Halt>().empty());
}

// A kind the log does not hold is rejected at compile time, not counted as zero.
TEST(CallLogTest, AcceptsOnlyItsOwnKinds) {
  static_assert(TestLog::kHolds<Status>);
  static_assert(!TestLog::kHolds<NotLogged>);
  static_assert(kCanCount<TestLog, Status>);
  static_assert(!kCanCount<TestLog, NotLogged>);
  static_assert(!kCanLast<TestLog, NotLogged>);
  static_assert(!kCanAdd<TestLog, NotLogged>);
  SUCCEED();
}

TEST(CallLogTest, HistoryWrapsToTheMostRecentEntriesWhileCountsStayExact) {
  TestLog log;
  const uint64_t total = TestLog::kHistory * 2 + 17;
  for (uint64_t i = 0; i < total; ++i) {
    if (i % 2 == 0) {
      log.Add(Even{i});
    } else {
      log.Add(Odd{i});
    }
  }
  const auto& e = log.entries();
  ASSERT_EQ(e.size(), TestLog::kHistory);
  // Oldest first, consecutive, ending with the last entry added.
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(ValueOf(e[i]), total - TestLog::kHistory + i) << i;
  }
  EXPECT_EQ(log.Count<Even>(), (total + 1) / 2);
  EXPECT_EQ(log.Count<Odd>(), total / 2);
  EXPECT_EQ(log.Last<Even>()->value, total - 1);
  EXPECT_EQ(log.Last<Odd>()->value, total - 2);
  EXPECT_EQ(log.Names().size(), TestLog::kHistory);
  EXPECT_EQ(log.Names().back(), "Even");
}

TEST(CallLogTest, CopyAndClear) {
  TestLog log;
  for (uint64_t i = 0; i < TestLog::kHistory + 5; ++i) log.Add(Status{i});
  TestLog copy = log;
  log.Clear();
  EXPECT_TRUE(log.entries().empty());
  EXPECT_EQ(log.Count<Status>(), 0u);
  EXPECT_EQ(log.Last<Status>(), nullptr);
  // The copy kept everything, and its own lookups work after the original cleared.
  const auto& e = copy.entries();
  ASSERT_EQ(e.size(), TestLog::kHistory);
  EXPECT_EQ(ValueOf(e.front()), 5u);
  EXPECT_EQ(ValueOf(e.back()), TestLog::kHistory + 4);
  copy.Add(Status{99999});
  EXPECT_EQ(copy.Count<Status>(), TestLog::kHistory + 6);
  EXPECT_EQ(copy.Last<Status>()->value, 99999u);
  EXPECT_EQ(ValueOf(e.back()), 99999u);
  EXPECT_EQ(ValueOf(e.front()), 6u);
  // The cleared log starts again from empty.
  log.Add(Odd{7});
  EXPECT_EQ(log.entries().size(), 1u);
  EXPECT_EQ(log.Count<Odd>(), 1u);
  EXPECT_EQ(log.Last<Odd>()->value, 7u);
}

}  // namespace
}  // namespace ndisconf::drivers
