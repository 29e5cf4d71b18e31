// The af_lifecycle text form (fuzz/af_text.h): every named seed prints and
// parses back to the same bytes; any byte string prints to text that parses
// to an input running the same records with the same events; malformed text
// is rejected with the line and column of the offending token.
#include "fuzz/af_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_lifecycle_seeds.h"

namespace ndisconf::fuzz {
namespace {

std::string Print(const std::vector<uint8_t>& v) { return PrintAfProgram(v.data(), v.size()); }

std::vector<uint8_t> Parse(const std::string& text) {
  std::vector<uint8_t> out;
  AfTextError e;
  EXPECT_TRUE(ParseAfProgram(text, &out, &e)) << e.line << ":" << e.column << ": " << e.message;
  return out;
}

std::string WithoutCommentLines(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t nl = text.find('\n', i);
    const size_t end = nl == std::string::npos ? text.size() : nl + 1;
    if (text[i] != '#') out += text.substr(i, end - i);
    i = end;
  }
  return out;
}

AfTextError ParseError(const std::string& text) {
  std::vector<uint8_t> out;
  AfTextError e;
  EXPECT_FALSE(ParseAfProgram(text, &out, &e)) << text;
  return e;
}

TEST(AfText, NamedSeedsRoundTripExactly) {
  for (const AfSeed& seed : AfLifecycleSeeds()) {
    SCOPED_TRACE(seed.name);
    EXPECT_EQ(Parse(Print(seed.data)), seed.data) << Print(seed.data);
  }
}

TEST(AfText, PrintsNamedOperandsAndCfgComment) {
  // LOAD_CM with TAPI and a pended open; a bad call with symbolic operands.
  const std::vector<uint8_t> in = {
      2, 7, 9, static_cast<uint8_t>(AfOp::kLoadCm), 0x03, static_cast<uint8_t>(AfOp::kBadCall),
      1, 5, 2, static_cast<uint8_t>(AfOp::kSettle)};
  EXPECT_EQ(Print(in),
            "schedule 7 9\n"
            "load_cm cfg=0x03  # afs=q2931+tapi,pend=open_af\n"
            "bad_call c=1 fn=NdisClMakeCall handle=stale\n"
            "settle\n");
  EXPECT_EQ(Parse(Print(in)), in);
}

TEST(AfText, AnyBytesPrintToTextThatRunsTheSameRecords) {
  const conformance::Implementation* ref = conformance::FindImplementation("reference");
  ASSERT_NE(ref, nullptr);
  uint64_t x = 0x9e3779b97f4a7c15u;  // a fixed xorshift sequence: the same inputs every run
  for (int n = 0; n < 200; ++n) {
    std::vector<uint8_t> in;
    const size_t len = 1 + n % 97;
    for (size_t i = 0; i < len; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      // Mostly known tags, small operands, so the records do something.
      in.push_back(static_cast<uint8_t>(i == 0 ? x % 4 : (x >> 8) % 24));
    }
    SCOPED_TRACE(Print(in));
    const std::vector<uint8_t> back = Parse(Print(in));
    // The same records; what Print only notes (unknown tags, a record cut
    // short) is gone.
    EXPECT_EQ(Print(back), WithoutCommentLines(Print(in)));
    const AfLifecycleOutcome a = RunAfLifecycleProgram(*ref, in.data(), in.size());
    const AfLifecycleOutcome b = RunAfLifecycleProgram(*ref, back.data(), back.size());
    EXPECT_EQ(a.records, b.records);
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.afs_opened, b.afs_opened);
    EXPECT_EQ(a.first_rule, b.first_rule);
  }
}

TEST(AfText, CommentsBlankLinesAndHexAreAccepted) {
  EXPECT_EQ(Parse("# a program\n\n  load_client cfg=0x10   # sap_after_open\nrun_one\n"),
            (std::vector<uint8_t>{0, static_cast<uint8_t>(AfOp::kLoadClient), 0x10,
                                  static_cast<uint8_t>(AfOp::kRunOne)}));
  EXPECT_EQ(Parse(""), std::vector<uint8_t>{0});
}

struct Bad {
  const char* text;
  size_t line, column;
  const char* message;
};

TEST(AfText, MalformedTextNamesLineAndColumn) {
  const Bad cases[] = {
      {"settle\n  opne_af c=0\n", 2, 3, "unknown operation 'opne_af'"},
      {"close_af c=0\n", 1, 13, "missing operand af="},
      {"halt a=1 a=2\n", 1, 10, "too many operands"},
      {"close_af c=0 vc=1\n", 1, 14, "expected operand af="},
      {"halt a=256\n", 1, 8, "bad value for a= (a number 0-255)"},
      {"halt a=0x1g\n", 1, 8, "bad value for a= (a number 0-255)"},
      {"bad_call c=0 fn=NdisFoo handle=null\n", 1, 17,
       "bad value for fn= (a number 0-255 or a name)"},
      {"settle\nschedule 1\n", 2, 1, "the schedule line must come before records"},
      {"schedule 1\nschedule 2\n", 2, 1, "a second schedule line"},
      {"schedule 1 x\n", 1, 12, "a schedule byte must be a number 0-255"},
  };
  for (const Bad& b : cases) {
    const AfTextError e = ParseError(b.text);
    EXPECT_EQ(e.line, b.line) << b.text;
    EXPECT_EQ(e.column, b.column) << b.text;
    EXPECT_EQ(e.message, b.message) << b.text;
  }
}

}  // namespace
}  // namespace ndisconf::fuzz
