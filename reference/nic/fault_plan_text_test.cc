// The fault plan's text form: valid files, and every class of malformed
// input with its exact message.
#include <gtest/gtest.h>

#include "reference/nic/fault_plan.h"

namespace ndisconf::nic {
namespace {

TEST(FaultPlanText, EmptyAndCommentOnlyTextGiveEmptyPlan) {
  for (std::string_view text : {"", "\n\n", "# nothing\n   \t\n# more", "\r\n"}) {
    ParseResult r = ParseFaultPlan(text);
    ASSERT_TRUE(r.ok()) << r.error.ToString();
    EXPECT_EQ(*r.plan, FaultPlan{});
  }
}

TEST(FaultPlanText, EveryKindAndParameterParses) {
  constexpr std::string_view kText =
      "# a plan exercising every kind\n"
      "fault at=10 ch=0 kind=link-loss\n"
      "fault kind=flap at=20 ch=1 down=15   # keys in any order\n"
      "fault at=30 ch=2 kind=speed bps=0x1F400\r\n"
      "\tfault at=40 ch=3 kind=crc when=now\n"
      "fault at=41 ch=3 kind=framing when=next\n"
      "fault at=42 ch=3 kind=hw-overrun\n"
      "fault at=43 ch=3 kind=buffer-overrun\n"
      "fault at=44 ch=3 kind=timeout\n"
      "fault at=45 ch=3 kind=alignment\n"
      "fault at=50 ch=0 kind=partial keep=4 errors=crc|alignment\n"
      "fault at=51 ch=0 kind=partial errors=0x3f\n"
      "fault at=60 ch=1 kind=reset ticks=0\n"
      "fault at=70 ch=1 kind=hang silent=true\n"
      "seed value=18446744073709551615\n"
      "prob kind=crc ppm=1000000\n"
      "prob kind=hang ppm=0\n"
      "range name=speed min=1200 max=1200\n"
      "range name=partial min=0 max=65535\n";
  ParseResult r = ParseFaultPlan(kText);
  ASSERT_TRUE(r.ok()) << r.error.ToString();
  const FaultPlan& p = *r.plan;
  ASSERT_EQ(p.faults.size(), 13u);
  EXPECT_EQ(p.faults[0].kind, FaultKind::kLinkLoss);
  EXPECT_EQ(p.faults[0].at_tick, 10u);
  EXPECT_EQ(p.faults[1].kind, FaultKind::kFlap);
  EXPECT_EQ(p.faults[1].channel, ChannelId{1});
  EXPECT_EQ(p.faults[1].flap_down_ticks, 15u);
  EXPECT_EQ(p.faults[2].speed_bps, 128000u);
  EXPECT_TRUE(p.faults[3].immediate);
  EXPECT_EQ(p.faults[3].kind, FaultKind::kCrc);
  EXPECT_FALSE(p.faults[4].immediate);
  EXPECT_EQ(p.faults[8].kind, FaultKind::kAlignment);
  EXPECT_EQ(p.faults[9].partial_keep, 4u);
  EXPECT_EQ(p.faults[9].partial_errors.bits, FrameErrors::kCrc | FrameErrors::kAlignment);
  EXPECT_EQ(p.faults[10].partial_keep, 0u);
  EXPECT_EQ(p.faults[10].partial_errors.bits, 0x3Fu);
  EXPECT_EQ(p.faults[11].reset_ticks, 0u);
  EXPECT_TRUE(p.faults[12].silent);
  ASSERT_TRUE(p.random.has_value());
  EXPECT_EQ(p.random->seed, UINT64_MAX);
  EXPECT_EQ(p.random->ppm[static_cast<size_t>(FaultKind::kCrc)], 1'000'000u);
  EXPECT_EQ(p.random->speed_bps, (Range{1200, 1200}));
  EXPECT_EQ(p.random->partial_keep, (Range{0, 65535}));
  EXPECT_EQ(p.random->flap_ticks, RandomFaults{}.flap_ticks);  // default kept
  EXPECT_EQ(ValidateFaultPlan(p, 4), std::nullopt);

  // Text round trip.
  ParseResult again = ParseFaultPlan(FaultPlanToText(p));
  ASSERT_TRUE(again.ok()) << again.error.ToString();
  EXPECT_EQ(*again.plan, p);
}

TEST(FaultPlanText, DefaultsApplyWhenParametersAreOmitted) {
  ParseResult r = ParseFaultPlan(
      "fault at=1 ch=0 kind=flap\nfault at=1 ch=0 kind=partial\nfault at=1 ch=0 kind=reset\n"
      "fault at=1 ch=0 kind=hang\nprob kind=timeout ppm=5\n");
  ASSERT_TRUE(r.ok()) << r.error.ToString();
  EXPECT_EQ(r.plan->faults[0].flap_down_ticks, 10u);
  EXPECT_EQ(r.plan->faults[1].partial_errors.bits, FrameErrors::kFraming);
  EXPECT_EQ(r.plan->faults[2].reset_ticks, 3u);
  EXPECT_FALSE(r.plan->faults[3].silent);
  ASSERT_TRUE(r.plan->random.has_value());
  EXPECT_EQ(r.plan->random->seed, 0u);
}

struct BadCase {
  const char* name;
  std::string text;
  const char* message;  // the full "line L, column C: ..." string
};

class FaultPlanTextError : public ::testing::TestWithParam<BadCase> {};

TEST_P(FaultPlanTextError, RejectedWithExactPositionAndMessage) {
  ParseResult r = ParseFaultPlan(GetParam().text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.ToString(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    AllClasses, FaultPlanTextError,
    ::testing::Values(
        BadCase{"UnknownDirective", "# ok\nfalut at=1",
                "line 2, column 1: unknown directive "
                "'falut' (expected fault, seed, prob or "
                "range)"},
        BadCase{"NotKeyValue", "fault at=1 ch=0 kind=crc now",
                "line 1, column 26: expected key=value, got 'now'"},
        BadCase{"EmptyKey", "fault =1", "line 1, column 7: expected key=value, got '=1'"},
        BadCase{"EmptyValue", "fault at= ch=0 kind=crc",
                "line 1, column 7: missing value for key 'at'"},
        BadCase{"DuplicateKey", "fault at=1 ch=0 at=2 kind=crc",
                "line 1, column 17: duplicate key 'at' (first at column 7)"},
        BadCase{"UnknownKey", "fault at=1 ch=0 kind=crc colour=red",
                "line 1, column 26: unknown key 'colour' for directive 'fault'"},
        BadCase{"KeyNotForKind", "fault at=1 ch=0 kind=crc down=3",
                "line 1, column 26: key 'down' is not valid for kind 'crc'"},
        BadCase{"MissingAt", "  fault ch=0 kind=crc",
                "line 1, column 3: missing required key 'at' for directive 'fault'"},
        BadCase{"MissingSpeedBps", "fault at=1 ch=0 kind=speed",
                "line 1, column 1: missing required key 'bps' for directive 'fault'"},
        BadCase{"UnknownKind", "fault at=1 ch=0 kind=crcx",
                "line 1, column 22: unknown fault kind 'crcx' (expected one of: link-loss, flap, "
                "speed, crc, framing, hw-overrun, buffer-overrun, timeout, alignment, partial, "
                "reset, hang)"},
        BadCase{"BadNumber", "fault at=12x ch=0 kind=crc",
                "line 1, column 10: invalid number '12x' for key 'at'"},
        BadCase{"NegativeNumber", "fault at=-1 ch=0 kind=crc",
                "line 1, column 10: invalid number '-1' for key 'at'"},
        BadCase{"BareHexPrefix", "fault at=0x ch=0 kind=crc",
                "line 1, column 10: invalid number '0x' for key 'at'"},
        BadCase{"TickOverflow", "fault at=18446744073709551616 ch=0 kind=crc",
                "line 1, column 10: value '18446744073709551616' out of range [0, "
                "18446744073709551615] for key 'at'"},
        BadCase{"ChannelRange", "fault at=1 ch=256 kind=crc",
                "line 1, column 15: value '256' out of range [0, 255] for key 'ch'"},
        BadCase{"FlapZero", "fault at=1 ch=0 kind=flap down=0",
                "line 1, column 32: value '0' out of range [1, 1000000000] for key 'down'"},
        BadCase{"SpeedTooHigh", "fault at=1 ch=0 kind=speed bps=10000000001",
                "line 1, column 32: value '10000000001' out of range [1, 10000000000] for key "
                "'bps'"},
        BadCase{"PartialKeepRange", "fault at=1 ch=0 kind=partial keep=65536",
                "line 1, column 35: value '65536' out of range [0, 65535] for key 'keep'"},
        BadCase{"PartialErrorsZero", "fault at=1 ch=0 kind=partial errors=0",
                "line 1, column 37: value '0' out of range [1, 63] for key 'errors'"},
        BadCase{"PartialErrorsUnknownFlag", "fault at=1 ch=0 kind=partial errors=crc|parity",
                "line 1, column 41: unknown error flag 'parity' (expected crc, framing, "
                "hw-overrun, buffer-overrun, timeout, alignment)"},
        BadCase{"PartialErrorsEmptyFlag", "fault at=1 ch=0 kind=partial errors=crc|",
                "line 1, column 41: unknown error flag '' (expected crc, framing, hw-overrun, "
                "buffer-overrun, timeout, alignment)"},
        BadCase{"ResetTicksRange", "fault at=1 ch=0 kind=reset ticks=1000000001",
                "line 1, column 34: value '1000000001' out of range [0, 1000000000] for key "
                "'ticks'"},
        BadCase{"BadBool", "fault at=1 ch=0 kind=hang silent=maybe",
                "line 1, column 34: invalid boolean 'maybe' for key 'silent' (expected yes, no, "
                "true, false, 1 or 0)"},
        BadCase{"BadWhen", "fault at=1 ch=0 kind=timeout when=later",
                "line 1, column 35: invalid value 'later' for key 'when' (expected next or now)"},
        BadCase{"SeedTwice", "seed value=1\nseed value=2",
                "line 2, column 1: seed already set on line 1"},
        BadCase{"SeedMissingValue", "seed",
                "line 1, column 1: missing required key 'value' for directive 'seed'"},
        BadCase{"PpmRange", "prob kind=crc ppm=1000001",
                "line 1, column 19: value '1000001' out of range [0, 1000000] for key 'ppm'"},
        BadCase{"ProbTwice", "prob kind=crc ppm=1\n\nprob ppm=2 kind=crc",
                "line 3, column 1: probability of 'crc' already set on line 1"},
        BadCase{"ProbUnknownKind", "prob kind=bitrot ppm=1",
                "line 1, column 11: unknown fault kind 'bitrot' (expected one of: link-loss, "
                "flap, speed, crc, framing, hw-overrun, buffer-overrun, timeout, alignment, "
                "partial, reset, hang)"},
        BadCase{"RangeUnknownName", "range name=colour min=1 max=2",
                "line 1, column 12: unknown range 'colour' (expected speed, flap, partial or "
                "reset)"},
        BadCase{"RangeMinAboveMax", "range name=flap min=9 max=3",
                "line 1, column 17: min 9 greater than max 3"},
        BadCase{"RangeBelowBound", "range name=speed min=0 max=3",
                "line 1, column 22: value '0' out of range [1, 10000000000] for key 'min'"},
        BadCase{"RangeTwice", "range name=reset min=1 max=2\nrange name=reset min=1 max=2",
                "line 2, column 1: range 'reset' already set on line 1"},
        BadCase{"NonPrintableIsEscaped", "fault at=1 ch=0 kind=\x01\xff",
                "line 1, column 22: unknown fault kind '\\x01\\xff' (expected one of: link-loss, "
                "flap, speed, crc, framing, hw-overrun, buffer-overrun, timeout, alignment, "
                "partial, reset, hang)"},
        BadCase{"NulInsideToken", std::string("seed value=1\0", 13),
                "line 1, column 12: invalid number '1\\x00' for key 'value'"},
        BadCase{"LongTokenIsShortenedInMessage",
                "fault at=" + std::string(60, '9') + " ch=0 kind=crc",
                "line 1, column 10: value '9999999999999999999999999999999999999999...' out of "
                "range [0, 18446744073709551615] for key 'at'"},
        BadCase{"LineTooLong", "seed value=1\n" + std::string(4097, ' '),
                "line 2, column 4097: line longer than 4096 bytes"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(FaultPlanText, TooManyFaultsIsRejected) {
  std::string text;
  for (size_t i = 0; i <= kMaxScheduledFaults; ++i) text += "fault at=1 ch=0 kind=crc\n";
  ParseResult r = ParseFaultPlan(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.ToString(), "line 100001, column 1: too many faults (at most 100000)");
}

TEST(FaultPlanText, ValidateNamesTheFirstBadFault) {
  FaultPlan p;
  p.faults.resize(2);
  p.faults[1].kind = FaultKind::kPartialFrame;
  p.faults[1].partial_errors.bits = 0x40;
  EXPECT_EQ(ValidateFaultPlan(p, 1), "fault 1: errors 0x40 not a nonzero subset of 0x3f");
  p.faults[1].partial_errors.bits = 0x1;
  EXPECT_EQ(ValidateFaultPlan(p, 1), std::nullopt);
  p.random.emplace();
  p.random->flap_ticks = Range{5, 4};
  EXPECT_EQ(ValidateFaultPlan(p, 1),
            "random: range flap [5, 4] not within [1, 1000000000] or min > max");
}

TEST(FaultPlanText, ValidateFaultChecksOneFaultWithoutAPrefix) {
  ScheduledFault f;
  f.kind = FaultKind::kSpeedChange;
  f.speed_bps = 0;
  EXPECT_EQ(ValidateFault(f, 2), "bps 0 out of range [1, " + std::to_string(kMaxSpeedBps) + "]");
  f.speed_bps = 64000;
  EXPECT_EQ(ValidateFault(f, 2), std::nullopt);
  f.channel = ChannelId{2};
  EXPECT_EQ(ValidateFault(f, 2), "channel 2 out of range [0, 1]");
  EXPECT_EQ(ValidateFault(f, 0), "channel 2 out of range [0, 0]");
}

}  // namespace
}  // namespace ndisconf::nic
