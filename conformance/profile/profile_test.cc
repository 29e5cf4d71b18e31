#include "conformance/profile/profile.h"

#include <gtest/gtest.h>

#include <string>

namespace ndisconf::profile {
namespace {

std::string Error(const std::string& text) {
  CapabilityProfile p;
  std::string error;
  EXPECT_FALSE(ParseProfile("p.json", text, &p, &error)) << text;
  return error;
}

TEST(Profile, ReadsEveryField) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile("p.json", R"({
    "role": "call_manager", "ndis_version": "6.20",
    "address_families": ["Q2931", 2048, "TAPI_PROXY"],
    "features": {"saps": false}
  })",
                           &p, &error))
      << error;
  EXPECT_EQ(p.role, "call_manager");
  EXPECT_EQ(p.ndis_major, 6);
  EXPECT_EQ(p.ndis_minor, 20);
  EXPECT_EQ(p.address_families, (std::vector<uint32_t>{0x1, 0x800, 0x801}));
  EXPECT_FALSE(p.features.saps);
  EXPECT_TRUE(p.features.calls);  // default
}

TEST(Profile, OptionalFieldsHaveTheirDefaults) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile(
      "p.json", R"({"role": "call_manager", "ndis_version": "6.0", "address_families": [1]})", &p,
      &error))
      << error;
  EXPECT_TRUE(p.features.saps);
  EXPECT_TRUE(p.features.calls);
}

TEST(Profile, NamesTheFileTheFieldAndWhatWasExpected) {
  const std::string base = R"("role": "call_manager", "ndis_version": "6.0")";
  EXPECT_EQ(Error("{" + base + "}"),
            "p.json: field 'address_families': expected a non-empty array of AF names or "
            "numbers, but it is missing");
  EXPECT_EQ(Error(R"({"role": "miniport", "ndis_version": "6.0", "address_families": [1]})"),
            "p.json: field 'role': expected one of call_manager, client, mcm, wan_miniport, "
            "wan_protocol, found the string \"miniport\"");
  EXPECT_EQ(Error(R"({"role": "call_manager", "ndis_version": 6, "address_families": [1]})"),
            "p.json: field 'ndis_version': expected a string \"MAJOR.MINOR\" such as \"6.0\", "
            "found a value of type number");
  EXPECT_EQ(Error(R"({"role": "call_manager", "ndis_version": "5.1", "address_families": [1]})"),
            "p.json: field 'ndis_version': expected 6.0 or later for a call_manager (CoNDIS 6), "
            "found the string \"5.1\"");
  EXPECT_EQ(Error("{" + base + R"(, "address_families": ["Q2931", "ATM"]})"),
            "p.json: field 'address_families[1]': expected an AF name (Q2931, PSCHED, L2TP, IRDA, "
            "1394, PPP, INFINIBAND, TAPI, TAPI_PROXY), found the string \"ATM\"");
  EXPECT_EQ(Error("{" + base + R"(, "address_families": [1], "features": {"sap": true}})"),
            "p.json: field 'features.sap': expected no such feature for a call_manager (known: "
            "saps, calls), found a value of type boolean");
  EXPECT_EQ(Error("{" + base + R"(, "address_families": [1], "features": {"saps": "yes"}})"),
            "p.json: field 'features.saps': expected true or false, found the string \"yes\"");
  EXPECT_EQ(Error("{" + base + R"(, "address_families": [1], "multipoint": []})"),
            "p.json: field 'multipoint': expected no such field (known: role, ndis_version, "
            "address_families, features, may_pend), found a value of type array");
  EXPECT_EQ(Error("[1]"),
            "p.json: expected a JSON object with the fields role, ndis_version, "
            "address_families, features, may_pend, found a value of type array");
}

// A WAN miniport is NDIS 5.x, registers no AF and has its own features.
TEST(Profile, ReadsAWanMiniportsProfile) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile(
      "p.json",
      R"({"role": "wan_miniport", "ndis_version": "5.1", "features": {"incoming_calls": false}})",
      &p, &error))
      << error;
  EXPECT_EQ(p.role, "wan_miniport");
  EXPECT_EQ(p.ndis_major, 5);
  EXPECT_EQ(p.ndis_minor, 1);
  EXPECT_TRUE(p.address_families.empty());
  EXPECT_FALSE(p.features.incoming_calls);
  ASSERT_TRUE(
      ParseProfile("p.json", R"({"role": "wan_miniport", "ndis_version": "5.0"})", &p, &error))
      << error;
  EXPECT_TRUE(p.features.incoming_calls);  // default
}

TEST(Profile, RejectsWhatAWanMiniportCannotDeclare) {
  EXPECT_EQ(Error(R"({"role": "wan_miniport", "ndis_version": "6.0"})"),
            "p.json: field 'ndis_version': expected 5.x for a wan_miniport (NDIS 5 WAN "
            "miniports; NDIS 6 has none), found the string \"6.0\"");
  EXPECT_EQ(
      Error(R"({"role": "wan_miniport", "ndis_version": "5.1", "address_families": ["PPP"]})"),
      "p.json: field 'address_families': expected no such field for a wan_miniport (it "
      "registers no AF), found a value of type array");
  EXPECT_EQ(Error(R"({"role": "wan_miniport", "ndis_version": "5.1", "features": {"saps": 1}})"),
            "p.json: field 'features.saps': expected no such feature for a wan_miniport (known: "
            "incoming_calls), found a value of type number");
}

// may_pend: absent is no claim; present, the operations of the role, each once.
TEST(Profile, ReadsMayPendPerRole) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile(
      "p.json", R"({"role": "call_manager", "ndis_version": "6.0", "address_families": [1]})", &p,
      &error));
  EXPECT_FALSE(p.may_pend.has_value());
  ASSERT_TRUE(ParseProfile("p.json",
                           R"({"role": "call_manager", "ndis_version": "6.0",
                               "address_families": [1], "may_pend": ["close_af", "open_af"]})",
                           &p, &error))
      << error;
  EXPECT_EQ(p.may_pend, (std::vector<std::string>{"close_af", "open_af"}));
  ASSERT_TRUE(ParseProfile(
      "p.json", R"({"role": "wan_miniport", "ndis_version": "5.1", "may_pend": []})", &p, &error))
      << error;
  EXPECT_EQ(p.may_pend, std::vector<std::string>{});
  EXPECT_EQ(Error(R"({"role": "wan_miniport", "ndis_version": "5.1", "may_pend": ["open_af"]})"),
            "p.json: field 'may_pend[0]': expected an operation a wan_miniport may pend "
            "(OID_TAPI_MAKE_CALL, OID_TAPI_GET_ID, OID_TAPI_ANSWER, OID_TAPI_DROP), found the "
            "string \"open_af\"");
  EXPECT_EQ(Error(R"({"role": "call_manager", "ndis_version": "6.0", "address_families": [1],
                      "may_pend": ["open_af", "open_af"]})"),
            "p.json: field 'may_pend[1]': expected each operation once, found the string "
            "\"open_af\"");
  EXPECT_EQ(Error(R"({"role": "call_manager", "ndis_version": "6.0", "address_families": [1],
                      "may_pend": "open_af"})"),
            "p.json: field 'may_pend': expected an array of operations (open_af, close_af, "
            "register_sap, deregister_sap), found the string \"open_af\"");
}

// A client names the AFs it opens; it has no features, and may pend only a
// notify-close.
TEST(Profile, ReadsAClientsProfile) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile("p.json",
                           R"({"role": "client", "ndis_version": "6.20",
                               "address_families": ["Q2931"], "may_pend": ["notify_close_af"]})",
                           &p, &error))
      << error;
  EXPECT_EQ(p.role, "client");
  EXPECT_EQ(p.address_families, std::vector<uint32_t>{0x1});
  EXPECT_EQ(p.may_pend, std::vector<std::string>{"notify_close_af"});
  EXPECT_EQ(Error(R"({"role": "client", "ndis_version": "5.1", "address_families": [1]})"),
            "p.json: field 'ndis_version': expected 6.0 or later for a client (CoNDIS 6), found "
            "the string \"5.1\"");
  EXPECT_EQ(Error(R"({"role": "client", "ndis_version": "6.0", "address_families": [1],
                      "features": {"saps": true}})"),
            "p.json: field 'features': expected no such field for a client (it has no optional "
            "features), found a value of type object");
  EXPECT_EQ(Error(R"({"role": "client", "ndis_version": "6.0", "address_families": [1],
                      "may_pend": ["open_af"]})"),
            "p.json: field 'may_pend[0]': expected an operation a client may pend "
            "(notify_close_af), found the string \"open_af\"");
}

// An MCM declares what a call manager does; a protocol above NDISWAN is an
// NDIS 5.x driver that declares nothing else.
TEST(Profile, ReadsAnMcmsAndAWanProtocolsProfile) {
  CapabilityProfile p;
  std::string error;
  ASSERT_TRUE(ParseProfile("p.json",
                           R"({"role": "mcm", "ndis_version": "6.0",
                               "address_families": ["TAPI_PROXY"], "features": {"calls": false},
                               "may_pend": ["close_af"]})",
                           &p, &error))
      << error;
  EXPECT_EQ(p.role, "mcm");
  EXPECT_EQ(p.address_families, std::vector<uint32_t>{0x801});
  EXPECT_FALSE(p.features.calls);
  EXPECT_TRUE(p.features.saps);
  EXPECT_EQ(p.may_pend, std::vector<std::string>{"close_af"});
  EXPECT_EQ(Error(R"({"role": "mcm", "ndis_version": "5.1", "address_families": [1]})"),
            "p.json: field 'ndis_version': expected 6.0 or later for an mcm (CoNDIS 6), found "
            "the string \"5.1\"");

  ASSERT_TRUE(
      ParseProfile("p.json", R"({"role": "wan_protocol", "ndis_version": "5.1"})", &p, &error))
      << error;
  EXPECT_EQ(p.role, "wan_protocol");
  EXPECT_EQ(p.ndis_major, 5);
  EXPECT_TRUE(p.address_families.empty());
  EXPECT_FALSE(p.may_pend.has_value());
  EXPECT_EQ(Error(R"({"role": "wan_protocol", "ndis_version": "6.0"})"),
            "p.json: field 'ndis_version': expected 5.x for a wan_protocol (NDISWAN's "
            "NDIS_WAN_LINE_UP path is NDIS 5's), found the string \"6.0\"");
  EXPECT_EQ(Error(R"({"role": "wan_protocol", "ndis_version": "5.1", "may_pend": []})"),
            "p.json: field 'may_pend': expected no such field for a wan_protocol, found a value "
            "of type array");
}

TEST(Profile, MalformedJsonGivesLineAndColumn) {
  // The column is the last character of the token that does not fit.
  EXPECT_EQ(Error("{\n  \"role\": \"call_manager\",\n  \"ndis_version\" \"6.0\"\n}"),
            "p.json:3:22: not valid JSON: syntax error while parsing object separator - "
            "unexpected string literal; expected ':'");
  EXPECT_EQ(Error(""),
            "p.json:1:1: not valid JSON: syntax error while parsing value - unexpected end of "
            "input; expected '[', '{', or a literal");
}

}  // namespace
}  // namespace ndisconf::profile
