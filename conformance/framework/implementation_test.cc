// ImplementationFromEnvironment: how a fuzz target or tool picks the
// implementation under test from NDISCONF_IMPL.
#include "conformance/framework/implementation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <typeinfo>

namespace ndisconf::conformance {
namespace {

// A second real implementation, so the test can tell "the one named" from
// "the reference by default".
const RegisterImplementation kOther{Implementation{
    .name = "env-test-other",
    .description = "the reference under another name, for this test",
}};

class FromEnvironment : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("NDISCONF_IMPL"); }
};

TEST_F(FromEnvironment, UnsetOrEmptyIsTheReference) {
  unsetenv("NDISCONF_IMPL");
  std::string error;
  const Implementation* impl = ImplementationFromEnvironment(&error);
  ASSERT_NE(impl, nullptr);
  EXPECT_EQ(impl->name, "reference");
  setenv("NDISCONF_IMPL", "", 1);
  impl = ImplementationFromEnvironment(&error);
  ASSERT_NE(impl, nullptr);
  EXPECT_EQ(impl->name, "reference");
  EXPECT_EQ(error, "");
}

TEST_F(FromEnvironment, NamedImplementationIsSelected) {
  setenv("NDISCONF_IMPL", "env-test-other", 1);
  std::string error;
  const Implementation* impl = ImplementationFromEnvironment(&error);
  ASSERT_NE(impl, nullptr);
  EXPECT_EQ(impl->name, "env-test-other");
}

TEST_F(FromEnvironment, UnknownNameIsRefusedWithTheRegisteredNames) {
  setenv("NDISCONF_IMPL", "no-such-driver", 1);
  std::string error;
  EXPECT_EQ(ImplementationFromEnvironment(&error), nullptr);
  EXPECT_EQ(error,
            "NDISCONF_IMPL=no-such-driver names no registered implementation (registered: "
            "reference, env-test-other)");
}

TEST(Components, EmptyFactoriesGiveTheReferenceDrivers) {
  const Implementation* impl = FindImplementation("env-test-other");
  ASSERT_NE(impl, nullptr);
  // Exact types: a factory that fell back to a subclass would not match.
  auto type = [](const auto& p) -> const std::type_info& { return typeid(*p); };
  EXPECT_EQ(type(MakeCm(*impl, {})), typeid(drivers::CallManager));
  EXPECT_EQ(type(MakeClient(*impl, {})), typeid(drivers::Client));
  EXPECT_EQ(type(MakeMcm(*impl, {})), typeid(drivers::Mcm));
  EXPECT_EQ(type(MakeMiniport(*impl, {})), typeid(drivers::Comp));
  EXPECT_EQ(type(MakeNdiswan(*impl, {})), typeid(drivers::Ndiswan));
  EXPECT_EQ(type(MakeWanProto(*impl, {})), typeid(drivers::WanProto));
}

}  // namespace
}  // namespace ndisconf::conformance

namespace ndisconf::conformance {
namespace {

TEST(PluggedRole, CallManagerIsTheCmAndCmxActors) {
  EXPECT_STREQ(PluggedRoleName(PluggedRole::kCallManager), "call_manager");
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "CM"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "CMx"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "CL, CMx"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "CM, MCM"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "caller / NDIS"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kCallManager, "protocol"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kCallManager, "CL / NDIS"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kCallManager, "MCM"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kCallManager, "NDIS, MCM"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kCallManager, "-"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kCallManager, ""));
}

// The other roles: an MCM is the MCM and a CMx (no protocol); the NDIS 5
// WAN roles are their own actor only, the generic actors naming CoNDIS
// rules they never meet.
TEST(PluggedRole, EachRoleIsItsOwnActors) {
  EXPECT_STREQ(PluggedRoleName(PluggedRole::kMcm), "mcm");
  EXPECT_TRUE(RoleIsActor(PluggedRole::kMcm, "NDIS, MCM"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kMcm, "CL, CMx"));
  EXPECT_TRUE(RoleIsActor(PluggedRole::kMcm, "caller"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kMcm, "CM"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kMcm, "protocol"));
  EXPECT_STREQ(PluggedRoleName(PluggedRole::kClient), "client");
  EXPECT_TRUE(RoleIsActor(PluggedRole::kClient, "CL / NDIS"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kClient, "CMx"));
  EXPECT_STREQ(PluggedRoleName(PluggedRole::kWanMiniport), "wan_miniport");
  EXPECT_TRUE(RoleIsActor(PluggedRole::kWanMiniport, "WMP / NDISTAPI"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kWanMiniport, "caller"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kWanMiniport, "all"));
  EXPECT_STREQ(PluggedRoleName(PluggedRole::kWanProtocol), "wan_protocol");
  EXPECT_TRUE(RoleIsActor(PluggedRole::kWanProtocol, "PROTO"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kWanProtocol, "protocol"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kWanProtocol, "NDISWAN"));
  EXPECT_FALSE(RoleIsActor(PluggedRole::kWanProtocol, "peer"));
}

}  // namespace
}  // namespace ndisconf::conformance
