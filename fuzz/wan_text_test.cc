// The wan_status text form (wan_text.h): every named seed and any byte
// string prints to text that parses back to the same bytes; a malformed
// text is refused at its line and column.
#include "fuzz/wan_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/wan_status_seeds.h"
#include "reference/nic/splitmix64.h"

namespace ndisconf::fuzz {
namespace {

std::vector<uint8_t> Parse(const std::string& text) {
  std::vector<uint8_t> out;
  WanTextError e;
  EXPECT_TRUE(ParseWanProgram(text, &out, &e))
      << e.line << ":" << e.column << ": " << e.message << "\n"
      << text;
  return out;
}

WanTextError ErrorOf(const std::string& text) {
  std::vector<uint8_t> out;
  WanTextError e;
  EXPECT_FALSE(ParseWanProgram(text, &out, &e)) << text;
  return e;
}

void ExpectRoundTrip(const std::vector<uint8_t>& bytes, const std::string& what) {
  const std::string text = PrintWanProgram(bytes.data(), bytes.size());
  const std::vector<uint8_t> back = Parse(text);
  EXPECT_EQ(back, bytes) << what << "\n" << text;
  EXPECT_EQ(PrintWanProgram(back.data(), back.size()), text) << what;
}

TEST(WanText, EveryNamedSeedRoundTrips) {
  for (const NamedSeed& s : WanStatusSeeds()) ExpectRoundTrip(s.data, s.name);
}

TEST(WanText, AnyByteStringRoundTrips) {
  nic::SplitMix64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> b(rng.Below(200));
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng.Below(i % 2 ? 8 : 256));
    ExpectRoundTrip(b, "random input " + std::to_string(i));
  }
}

TEST(WanText, PrintsEachRecordByName) {
  const std::vector<uint8_t> in = {2,  7,  9,  0,  0,  40, 0,  0x02, 1,  2,  3,  4,  5,  6,  7,
                                   8,  9,  10, 11, 12, 13, 14, 15,   16, 17, 18, 19, 20, 21, 22,
                                   23, 24, 25, 26, 27, 28, 29, 30,   31, 32, 33, 34, 35, 36, 37,
                                   38, 39, 40, 1,  2,  0,  5,  3,    3,  4,  5,  2,  9};
  EXPECT_EQ(PrintWanProgram(in.data(), in.size()),
            "schedule 7 9\n"
            "indicate sel=line_up size=40 flags=0x02 "
            "payload=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324"
            "25262728\n"
            "complete\n"
            "fault kind=link_loss arg=5\n"
            "pump n=3\n"
            "interrupt\n"
            "tapi op=get_id\n"
            "skip tag=0x09\n");
}

TEST(WanText, CommentsBlankLinesAndNumbers) {
  EXPECT_EQ(Parse("# a program\n\nindicate sel=raw status=0x40010012 size=0 flags=16 # c\n"
                  "tapi op=3\n"),
            (std::vector<uint8_t>{0, 0, 5, 0x12, 0x00, 0x01, 0x40, 0, 0, 16, 5, 3}));
  EXPECT_EQ(Parse(""), std::vector<uint8_t>{});
  EXPECT_EQ(Parse("schedule\n"), std::vector<uint8_t>{0});
}

TEST(WanText, MalformedTextGetsLineAndColumn) {
  WanTextError e = ErrorOf("interrupt\nindicate sel=line_up size=40 flags=0 payload=zz\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 46u);  // the first 'z'
  EXPECT_EQ(e.message, "payload: not a hex digit");

  e = ErrorOf("indicate sel=line_up size=1 flags=0 payload=000\n");
  EXPECT_EQ(e.column, 45u);
  EXPECT_EQ(e.message, "payload must be an even number of hex digits");

  e = ErrorOf("frobnicate\n");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 1u);

  e = ErrorOf("pump n=256\n");
  EXPECT_EQ(e.column, 8u);
  EXPECT_EQ(e.message, "'256' is out of range 0-255");

  e = ErrorOf("tapi op=hangup\n");
  EXPECT_EQ(e.column, 9u);

  e = ErrorOf("fault arg=1 kind=crc\n");
  EXPECT_EQ(e.column, 7u);
  EXPECT_EQ(e.message, "expected kind=..., found 'arg=1'");

  e = ErrorOf("complete extra\n");
  EXPECT_EQ(e.column, 10u);

  e = ErrorOf("indicate sel=fragment size=8 flags=0 payload=0001\ninterrupt\n");
  EXPECT_EQ(e.line, 2u);  // a short payload ends the input

  e = ErrorOf("indicate sel=fragment size=8 flags=0\n");
  EXPECT_EQ(e.message, "missing operand payload= (size 8 reads 8 bytes)");

  e = ErrorOf("interrupt\nschedule 1\n");
  EXPECT_EQ(e.line, 2u);

  e = ErrorOf("skip tag=4\n");
  EXPECT_EQ(e.message, "tag 4 is a known record, not a skip");
}

}  // namespace
}  // namespace ndisconf::fuzz
