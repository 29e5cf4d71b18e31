// Conformance, black box: a miniport call manager (MCM) judged only by what
// crosses the NDIS boundary (spec 5.1-5.9, 5.12; sequences S3 and S6).
//
// The MCM under test is the implementation's: a driver plugged in whole
// (conformance/plugin) or its C++ MCM. It is a CoNDIS miniport with a call
// manager inside, so nothing sits below it: the tests add its adapter, let
// the reference client (which opens every AF it is offered) bind to it, and
// drive it as that client would: open and close its AF, register SAPs,
// make and close calls; then they halt its adapter. They assert what the
// client sees and the order and nesting of the MCM's own NDIS calls in the
// event stream; the rule monitor checks every crossing on top (its handler
// tables at registration: AF-131, AF-133, AF-134). The requests a client
// makes of any call manager are checked as in CmRole (cmx_role.h).
#include <gtest/gtest.h>

#include "conformance/framework/recorder.h"
#include "conformance/suites/roles/cmx_role.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;

class McmRole : public CmxRole {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kMcm; }

  // S3: the MCM, then the client, then the MCM's adapter (a CoWAN NIC), so
  // the client binds as the adapter comes up and is offered the MCM's AFs.
  void Build() override {
    stack::Stack& s = NewStack();
    s.Load(MakeMcmUnderTest(), &cmx_);
    client_ = &s.Load(MakeClient(), &client_id_);
    adapter_ = s.AddAdapter(cmx_, "mcm0", NdisMediumCoWan, &init_status_);
    s.Settle();
  }

  NDIS_STATUS init_status_ = NDIS_STATUS_FAILURE;
};

// S3: the MCM registers its AFs from MiniportInitializeEx, with the
// miniport form of the call, and initializes; the client is offered them.
TEST_P(McmRole, RegistersItsAfsFromInitialize) {
  NDISCONF_RULES("AF-003", "AF-007", "AF-009", "AF-069", "AF-131", "AF-133", "AF-134");
  Build();
  EXPECT_EQ(init_status_, NDIS_STATUS_SUCCESS);
  EXPECT_TRUE(AllCallsInside(Fn::NdisMCmRegisterAddressFamilyEx, Fn::MiniportInitializeEx));
  EXPECT_EQ(CmxCalls(Fn::NdisCmRegisterAddressFamilyEx), 0u) << "AF-009: an MCM uses NdisMCm*";
  EXPECT_EQ(client().afs().size(), CmxCalls(Fn::NdisMCmRegisterAddressFamilyEx));
  ExpectProfileAfs(Fn::NdisMCmRegisterAddressFamilyEx);
}

TEST_P(McmRole, OpensTheAfForTheClient) {
  NDISCONF_RULES("AF-033", "AF-034", "AF-036");
  OpensTheAfForTheClient();
}

TEST_P(McmRole, ClosesTheAf) {
  NDISCONF_RULES("AF-052", "AF-053", "AF-055");
  ClosesTheAf();
}

TEST_P(McmRole, RegistersAndDeregistersASap) {
  NDISCONF_RULES("AF-083", "AF-090");
  RegistersAndDeregistersASap();
}

TEST_P(McmRole, RefusesADuplicateSapWithInvalidData) {
  NDISCONF_RULES("AF-082");
  RefusesADuplicateSapWithInvalidData();
}

TEST_P(McmRole, ClosesTheAfAfterARefusedSap) {
  NDISCONF_RULES("AF-053");
  ClosesTheAfAfterARefusedSap();
}

TEST_P(McmRole, CreatesAndDeletesAVc) {
  NDISCONF_RULES("AF-104");
  CreatesAndDeletesAVc();
}

// A call made and closed: besides what any call manager owes the client,
// an MCM activates and deactivates the VC with the miniport forms
// (AF-009, AF-110), never NdisCmActivateVc / NdisCmDeactivateVc.
TEST_P(McmRole, MakesAndClosesACallWithTheMiniportForms) {
  NDISCONF_RULES("AF-009", "AF-104", "AF-110");
  MakesAndClosesACall();
  if (IsSkipped()) return;
  EXPECT_EQ(CmxCalls(Fn::NdisCmActivateVc), 0u);
  EXPECT_EQ(CmxCalls(Fn::NdisCmDeactivateVc), 0u);
  EXPECT_EQ(CmxCalls(Fn::NdisCoCreateVc), 0u);
  EXPECT_EQ(CmxCalls(Fn::NdisCoDeleteVc), 0u);
}

// S6: the adapter halts with the AFs open: from MiniportHaltEx the MCM
// notify-closes each, the client closes them, and the halt returns.
TEST_P(McmRole, HaltNotifyClosesTheOpenAf) {
  NDISCONF_RULES("AF-062", "AF-125");
  Build();
  ASSERT_TRUE(FirstAfOpen());
  size_t open = 0;
  for (const auto& af : client().afs()) open += af->state == ClAfState::kOpen;
  ASSERT_TRUE(model().HaltAdapter(adapter_));
  stack().Settle();
  EXPECT_EQ(CmxCalls(Fn::NdisCmNotifyCloseAddressFamily), open);
  EXPECT_TRUE(AllCallsInside(Fn::NdisCmNotifyCloseAddressFamily, Fn::MiniportHaltEx));
  for (const auto& af : client().afs()) EXPECT_EQ(af->state, ClAfState::kClosed);
  EXPECT_EQ(CmxCalls(Fn::MiniportHaltEx), 1u);
}

// S6 with every AF closed by the client: nothing to notify-close, and the
// halt returns.
TEST_P(McmRole, HaltWithNoOpenAfNotifiesNothing) {
  NDISCONF_RULES("AF-062", "AF-125");
  Build();
  ASSERT_TRUE(FirstAfOpen());
  for (size_t i = 0; i < client().afs().size(); ++i) {
    AsClient([&] { return client().CloseAf(i); });
    ASSERT_EQ(client().afs()[i]->state, ClAfState::kClosed);
  }
  ASSERT_TRUE(model().HaltAdapter(adapter_));
  stack().Settle();
  EXPECT_EQ(CmxCalls(Fn::NdisCmNotifyCloseAddressFamily), 0u);
  EXPECT_EQ(CmxCalls(Fn::MiniportHaltEx), 1u);
}

NDISCONF_INSTANTIATE(McmRole);

}  // namespace
}  // namespace ndisconf::conformance
