// The status_handler target finds the example filter's bug: the committed
// reproducer (crash-short-line-up: one NDIS_STATUS_WAN_LINE_UP whose
// StatusBufferSize is 8, less than NDIS_WAN_LINE_UP's 64) replayed through
// the buggy filter's target ends in ASan's heap-buffer-overflow inside
// VpnFilterStatus; through the fixed filter's target it passes.
//
// The overflow is only visible with ASan. Which build this is, is decided
// at compile time (__has_feature(address_sanitizer)) and stated: without
// ASan the test checks what it can (the reproducer still delivers the short
// line-up that the buggy filter over-reads; the fixed filter passes) and
// records `asan=absent` as a test property, so the positive proof is known
// to come from `bazel test --config=asan` (CI).
//
// Usage (the BUILD file passes these): vpn_filter_finding_test BUGGY_REPLAY
// FIXED_REPLAY REPRODUCER
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/status_handler_input.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VPN_FILTER_TEST_ASAN 1
#endif
#endif
#ifndef VPN_FILTER_TEST_ASAN
#define VPN_FILTER_TEST_ASAN 0
#endif

namespace {

std::string g_buggy, g_fixed, g_reproducer;

struct Outcome {
  int exit_code = -1;  // -1: killed by a signal
  std::string output;  // stdout and stderr
};

Outcome RunReplay(const std::string& binary, const std::string& input) {
  Outcome o;
  const std::string cmd = "'" + binary + "' '" + input + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) o.output.append(buf, n);
  const int status = pclose(p);
  if (status != -1 && WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  return o;
}

TEST(VpnFilterFinding, FixedFilterPassesTheReproducer) {
  const Outcome o = RunReplay(g_fixed, g_reproducer);
  EXPECT_EQ(o.exit_code, 0) << o.output;
}

#if VPN_FILTER_TEST_ASAN

TEST(VpnFilterFinding, BuggyFilterOverflowsTheShortLineUp) {
  ::testing::Test::RecordProperty("asan", "present");
  const Outcome o = RunReplay(g_buggy, g_reproducer);
  EXPECT_NE(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("ERROR: AddressSanitizer: heap-buffer-overflow"), std::string::npos)
      << o.output;
  EXPECT_NE(o.output.find(" of 8-byte region"), std::string::npos)
      << "the read is past the 8 bytes NDIS handed over\n"
      << o.output;
  EXPECT_NE(o.output.find("VpnFilterStatus"), std::string::npos) << o.output;
}

#else

// What the reproducer delivers: the short line-up the buggy filter reads as
// a whole NDIS_WAN_LINE_UP.
ULONG g_size = 0;
NDIS_STATUS g_status = 0;
int g_calls = 0;
VOID Record(NDIS_HANDLE, PNDIS_STATUS_INDICATION ind) {
  ++g_calls;
  g_status = ind->StatusCode;
  g_size = ind->StatusBufferSize;
}

TEST(VpnFilterFinding, WithoutAsanTheReproducerStillDeliversAShortLineUp) {
  ::testing::Test::RecordProperty("asan", "absent");
  std::printf(
      "This build has no AddressSanitizer: the overflow itself is proven by "
      "`bazel test --config=asan //fuzz/examples/vpn_filter:vpn_filter_finding_test`.\n");
  std::ifstream in(g_reproducer, std::ios::binary);
  ASSERT_TRUE(in) << g_reproducer;
  const std::vector<uint8_t> data{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
  ndisconf::fuzz::StatusHandlerTarget t;
  t.shape = ndisconf::fuzz::ShShape::kFilter;
  t.ndis6 = &Record;
  const ndisconf::fuzz::ShRunStats s =
      ndisconf::fuzz::RunStatusHandlerInput(data.data(), data.size(), t);
  EXPECT_EQ(s.indications, 1u);
  EXPECT_EQ(g_calls, 1);
  EXPECT_EQ(g_status, NDIS_STATUS_WAN_LINE_UP);
  EXPECT_EQ(g_size, 8u);
  EXPECT_LT(g_size, sizeof(NDIS_WAN_LINE_UP));
}

#endif

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BUGGY_REPLAY FIXED_REPLAY REPRODUCER\n", argv[0]);
    return 2;
  }
  g_buggy = argv[1];
  g_fixed = argv[2];
  g_reproducer = argv[3];
  return RUN_ALL_TESTS();
}
