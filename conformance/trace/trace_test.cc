// The trace format: canonical round trip, writer output, and a precise
// error (line, column, message) for each kind of malformed input.
#include "conformance/trace/trace.h"

#include <sstream>
#include <variant>
#include <vector>

#include "gtest/gtest.h"

namespace ndisconf::trace {
namespace {

constexpr char kCanonical[] =
    "ndisconf-trace 1\n"
    "driver 1 cm\n"
    "driver 2 cl\n"
    "0 call cm NdisCmRegisterAddressFamilyEx irql=PASSIVE NdisBindingHandle=0xb001 "
    "AddressFamily={0x1,1,0}\n"
    "1 ret cm NdisCmRegisterAddressFamilyEx irql=PASSIVE status=SUCCESS\n"
    "2 call cl NdisClRegisterSap irql=DISPATCH NdisAfHandle=0xaf01 ProtocolSapContext=0x5a1 "
    "Sap={0x8000,3,00ff10}\n"
    "3 ret cl NdisClRegisterSap irql=DISPATCH status=0x00012345 NdisSapHandle=0x0\n"
    "4 call 7 NdisSetOptionalHandlers irql=5 NdisDriverHandle=0x1 Header={0xa5,1,136} "
    "Handlers=0xffff\n"
    "5 ret 7 NdisSetOptionalHandlers irql=APC status=BAD_CHARACTERISTICS\n"
    "6 call cl NdisClOpenAddressFamilyEx irql=PASSIVE NdisBindingHandle=0xb002 AddressFamily=null "
    "ClientAfContext=0x0\n"
    "7 call cl NdisSetOptionalHandlers irql=PASSIVE NdisDriverHandle=0x1 Header=null Handlers=0x0\n"
    "8 call cl ProtocolClRegisterSapComplete irql=PASSIVE Status=INVALID_DATA "
    "ProtocolSapContext=0x1 Sap=null NdisSapHandle=0x0\n"
    "9 call cl NdisClRegisterSap irql=PASSIVE NdisAfHandle=0x1 ProtocolSapContext=0x1 "
    "Sap={0x1,0,}\n";

Trace MustParse(std::string_view text) {
  auto r = Parse(text);
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << e->line << ":" << e->column << ": " << e->message;
    return {};
  }
  return std::get<Trace>(r);
}

ParseError MustFail(std::string_view text) {
  auto r = Parse(text);
  if (!std::holds_alternative<ParseError>(r)) {
    ADD_FAILURE() << "parsed: " << text;
    return {};
  }
  return std::get<ParseError>(r);
}

TEST(TraceFormat, CanonicalTextRoundTripsExactly) {
  const Trace t = MustParse(kCanonical);
  EXPECT_EQ(FormatTrace(t), kCanonical);
}

TEST(TraceFormat, ParsedValuesLandInSchemaSlots) {
  const Trace t = MustParse(kCanonical);
  ASSERT_EQ(t.events.size(), 10u);
  const Event& reg = t.events[0];
  EXPECT_EQ(reg.fn, Fn::NdisCmRegisterAddressFamilyEx);
  EXPECT_EQ(reg.actor, 1);
  ASSERT_EQ(reg.arg_count, 4);
  EXPECT_EQ(reg.arg[0], 0xb001u);
  EXPECT_EQ(reg.arg[1], 1u);
  const Event& sap = t.events[2];
  EXPECT_EQ(sap.irql, 2);
  EXPECT_EQ(sap.blob_len, 3);
  EXPECT_EQ(sap.blob[1], 0xff);
  EXPECT_EQ(sap.arg[2], 0x8000u);
  const Event& ret = t.events[3];
  EXPECT_EQ(ret.phase, Phase::kReturn);
  EXPECT_EQ(ret.status, 0x12345);
  const Event& hdr = t.events[4];
  EXPECT_EQ(hdr.actor, 7);
  EXPECT_EQ(hdr.arg[1], (0xa5u << 24) | (1u << 16) | 136u);
  EXPECT_EQ(t.events[6].arg[1], ~uint64_t{0});  // AF null -> kNullSlot
}

TEST(TraceFormat, CommentsAndBlankLinesAreIgnored) {
  const Trace t = MustParse(
      "# leading comment\n\nndisconf-trace 1  # trailing\ndriver 1 cm\n\n"
      "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1 # note\n");
  EXPECT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.lines, std::vector<size_t>{6});  // comments and blank lines count
}

TEST(TraceFormat, WriterEmitsHeaderDriversAndEvents) {
  std::ostringstream out;
  Writer w(out, {DriverInfo{1, "cm"}, DriverInfo{2, "bad name"}, DriverInfo{3, "cm"}});
  Event e;
  e.index = 4;
  e.fn = Fn::NdisCloseAdapterEx;
  e.actor = 2;
  e.arg_count = 1;
  e.arg[0] = 0xb1;
  w.OnEvent(e);
  EXPECT_EQ(out.str(),
            "ndisconf-trace 2\ndriver 1 cm\ndriver 2 bad_name\ndriver 3 cm_3\n"
            "4 call bad_name NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0xb1\n");
  MustParse(out.str());
}

// Version 2 added NdisMiniportHandle to ProtocolBindAdapterEx's call (the
// adapter of the binding, AF-004); a version 1 file lacks it and reads it
// as 0, with the slot count of the current schema.
constexpr char kBindV1[] =
    "ndisconf-trace 1\n"
    "0 call 1 ProtocolBindAdapterEx irql=PASSIVE ProtocolDriverContext=0xc0 BindContext=0xbc1 "
    "MediaType=0x0\n";
constexpr char kBindV2[] =
    "ndisconf-trace 2\n"
    "0 call 1 ProtocolBindAdapterEx irql=PASSIVE ProtocolDriverContext=0xc0 BindContext=0xbc1 "
    "MediaType=0x0 NdisMiniportHandle=0x3001\n";

TEST(TraceVersions, Version1BindReadsTheAdapterAsUnknown) {
  const Trace t = MustParse(kBindV1);
  EXPECT_EQ(t.version, 1);
  ASSERT_EQ(t.events.size(), 1u);
  ASSERT_EQ(t.events[0].arg_count, 4u);
  EXPECT_EQ(t.events[0].arg[1], 0xbc1u);
  EXPECT_EQ(t.events[0].arg[3], 0u);
  EXPECT_EQ(FormatTrace(t), kBindV1);  // written back as version 1
}

TEST(TraceVersions, Version2BindCarriesTheAdapter) {
  const Trace t = MustParse(kBindV2);
  EXPECT_EQ(t.version, 2);
  ASSERT_EQ(t.events.size(), 1u);
  ASSERT_EQ(t.events[0].arg_count, 4u);
  EXPECT_EQ(t.events[0].arg[3], 0x3001u);
  EXPECT_EQ(FormatTrace(t), kBindV2);
}

TEST(TraceVersions, Version1FileWithTheVersion2ArgumentFails) {
  const std::string text = std::string(kBindV2).replace(15, 1, "1");
  const ParseError e = MustFail(text);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.message,
            "unexpected extra argument 'NdisMiniportHandle=0x3001' for ProtocolBindAdapterEx call");
}

struct BadCase {
  const char* name;
  const char* text;
  size_t line, column;
  const char* message;
};

class MalformedTrace : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedTrace, FailsWithPreciseError) {
  const BadCase& c = GetParam();
  const ParseError e = MustFail(c.text);
  EXPECT_EQ(e.line, c.line) << e.message;
  EXPECT_EQ(e.column, c.column) << e.message;
  EXPECT_EQ(e.message, c.message);
}

#define H "ndisconf-trace 1\ndriver 1 cm\n"
INSTANTIATE_TEST_SUITE_P(
    All, MalformedTrace,
    ::testing::Values(
        BadCase{
            "Empty", "", 1, 1,
            "missing header: the first line must be 'ndisconf-trace <version>', version 1 to 2"},
        BadCase{
            "NoHeader", "0 call 1 NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n", 1, 1,
            "missing header: the first line must be 'ndisconf-trace <version>', version 1 to 2"},
        BadCase{"Version3", "ndisconf-trace 3\n", 1, 16,
                "unsupported trace version 3 (this reader supports 1 to 2)"},
        BadCase{"Version0", "ndisconf-trace 0\n", 1, 16,
                "unsupported trace version 0 (this reader supports 1 to 2)"},
        BadCase{"UnknownFunction", H "0 call cm NdisFrobnicate irql=PASSIVE\n", 3, 11,
                "unknown function 'NdisFrobnicate'"},
        BadCase{"UnknownDriver",
                H "0 call zz NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n", 3, 8,
                "unknown driver 'zz'"},
        BadCase{"BadPhase", H "0 enter cm NdisCloseAdapterEx\n", 3, 3,
                "expected 'call' or 'ret', found 'enter'"},
        BadCase{
            "WrongArgName", H "0 call cm NdisCloseAdapterEx irql=PASSIVE Handle=0x1\n", 3, 43,
            "unknown argument 'Handle' for NdisCloseAdapterEx call; expected 'NdisBindingHandle'"},
        BadCase{"MissingArg", H "0 call cm NdisCloseAdapterEx irql=PASSIVE\n", 3, 42,
                "missing argument 'NdisBindingHandle' of NdisCloseAdapterEx call"},
        BadCase{"ExtraArg",
                H "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1 X=0x2\n", 3, 65,
                "unexpected extra argument 'X=0x2' for NdisCloseAdapterEx call"},
        BadCase{"MissingStatus", H "0 ret cm NdisCloseAdapterEx irql=PASSIVE\n", 3, 41,
                "missing argument 'status' of NdisCloseAdapterEx return"},
        BadCase{"OutOfOrder", H "0 ret cm NdisCloseAdapterEx status=SUCCESS irql=PASSIVE\n", 3, 29,
                "argument 'status' out of order in NdisCloseAdapterEx return; expected 'irql'"},
        BadCase{"BadNumber", H "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0xzz\n",
                3, 61, "bad number '0xzz' for argument 'NdisBindingHandle'"},
        BadCase{"HandleOverflow",
                H
                "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x10000000000000000\n",
                3, 61, "value '0x10000000000000000' out of range for argument 'NdisBindingHandle'"},
        BadCase{"IrqlRange", H "0 call cm NdisCloseAdapterEx irql=256 NdisBindingHandle=0x1\n", 3,
                35, "value '256' out of range for irql"},
        BadCase{"HeaderSizeRange",
                H "0 call cm NdisSetOptionalHandlers irql=PASSIVE NdisDriverHandle=0x1 "
                  "Header={0xa5,1,70000} Handlers=0x0\n",
                3, 76, "value '70000' out of range for argument 'Header' Size"},
        BadCase{"AfFieldCount",
                H "0 call cm NdisCmRegisterAddressFamilyEx irql=PASSIVE NdisBindingHandle=0x1 "
                  "AddressFamily={0x1,1}\n",
                3, 90, "argument 'AddressFamily' has 2 fields; expected 3"},
        BadCase{"UnknownStatus", H "0 ret cm NdisCloseAdapterEx irql=PASSIVE status=MAYBE\n", 3, 49,
                "unknown status 'MAYBE'"},
        BadCase{"DriverAfterEvent",
                H "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\ndriver 2 cl\n",
                4, 1, "driver declaration after the first event"},
        BadCase{"DuplicateDriver", H "driver 1 cl\n", 3, 8, "driver id 1 declared twice"},
        BadCase{"EventIndexRepeated",
                H "0 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n"
                  "# a comment line does not matter\n"
                  "  0 ret cm NdisCloseAdapterEx irql=PASSIVE status=SUCCESS\n",
                5, 3, "event index 0 is used twice"},
        BadCase{"EventIndexDecreasing",
                H "7 call cm NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n"
                  "6 ret cm NdisCloseAdapterEx irql=PASSIVE status=SUCCESS\n",
                4, 1, "event index 6 after event 7: indices must increase"},
        BadCase{"DriverIdZero", H "driver 0 cl\n", 3, 8,
                "bad driver id '0' (a decimal from 1 to 65535)"}),
    [](const auto& info) { return std::string(info.param.name); });
#undef H

TEST(TraceFormat, EventIndicesMayHaveGaps) {
  const Trace t = MustParse(
      "ndisconf-trace 1\n"
      "3 call 1 NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n"
      "9 ret 1 NdisCloseAdapterEx irql=PASSIVE status=SUCCESS\n");
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events[0].index, 3u);
  EXPECT_EQ(t.events[1].index, 9u);
}

TEST(TraceFormat, SapBytesLongerThanBlobFail) {
  std::string text =
      "ndisconf-trace 1\n0 call 1 NdisClRegisterSap irql=PASSIVE NdisAfHandle=0x1 "
      "ProtocolSapContext=0x1 Sap={0x1,257,";
  text += std::string(514, 'a');
  text += "}\n";
  const ParseError e = MustFail(text);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.message, "argument 'Sap' bytes are 257 long; at most 256 are allowed");
}

TEST(TraceFormat, FormatOfParseIsIdempotentOnMutatedInput) {
  // Whatever parses must format to text that parses to the same events.
  std::string text = kCanonical;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string m = text;
    m[i] = static_cast<char>(m[i] ^ 0x01);
    auto r = Parse(m);
    if (!std::holds_alternative<Trace>(r)) continue;
    const std::string once = FormatTrace(std::get<Trace>(r));
    auto r2 = Parse(once);
    ASSERT_TRUE(std::holds_alternative<Trace>(r2)) << once;
    EXPECT_EQ(FormatTrace(std::get<Trace>(r2)), once);
  }
}

}  // namespace
}  // namespace ndisconf::trace
