// Conformance, black box: a stand-alone call manager judged only by what
// crosses the NDIS boundary (spec 5.1-5.9; sequences S1, S2, S4, S5, S7).
//
// The call manager under test is the implementation's: a driver plugged in
// whole (conformance/plugin) or its C++ call manager. The reference plays
// every other role (the CoNDIS miniport below it, the client above it), and
// the tests drive the call manager as a client would: open and close its AF,
// register SAPs, make and close calls, and unbind it. They assert what the
// client sees (statuses, completions, the state the reference client reached)
// and the order of the call manager's own NDIS calls in the event stream; the
// rule monitor checks every crossing on top. Nothing here reads the call
// manager's configuration, log or state, so a driver the project never saw
// is judged exactly like the reference. Its capability profile, when it has
// one (conformance/profile), declines features (a test that needs one is
// NOT_APPLICABLE, naming the field) and names the AFs it must register.
#include <gtest/gtest.h>

#include "conformance/framework/recorder.h"
#include "conformance/suites/roles/cmx_role.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;

class CmRole : public CmxRole {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kCallManager; }

  // S1: the call manager, a client that opens every Q.2931 AF it is offered,
  // and a CoNDIS miniport whose adapter arrives last, so that both protocols
  // bind to it. Runs until nothing is left to do.
  void Build() override {
    stack::Stack& s = NewStack();
    s.Load(MakeCmUnderTest(), &cmx_);
    client_ = &s.Load(MakeClient(), &client_id_);
    s.Load(MakeMiniport(), &miniport_);
    adapter_ = s.AddAdapter(miniport_, "comp0", NdisMediumAtm);
    s.Settle();
  }

  ActorId miniport_ = kNoActor;
};

// S1: bound to a CoNDIS adapter, the call manager registers its AF there,
// after opening the binding and from its own bind (NDIS then notifies the
// client, which opens the AF). Its handler tables are checked at
// registration by the monitor.
TEST_P(CmRole, RegistersItsAfOnEachBinding) {
  NDISCONF_RULES("AF-001", "AF-010", "AF-069", "AF-131", "AF-137");
  Build();
  EXPECT_GE(CmxCalls(Fn::NdisCmRegisterAddressFamilyEx), 1u);
  EXPECT_LT(FirstCmxCall(Fn::NdisOpenAdapterEx), FirstCmxCall(Fn::NdisCmRegisterAddressFamilyEx));
  ASSERT_EQ(client().afs().size(), 1u);
  EXPECT_EQ(client().afs()[0]->af.AddressFamily, static_cast<ULONG>(CO_ADDRESS_FAMILY_Q2931));
  // The AFs it registered on the binding are the ones its profile declares.
  ExpectProfileAfs(Fn::NdisCmRegisterAddressFamilyEx);
}

TEST_P(CmRole, OpensTheAfForTheClient) {
  NDISCONF_RULES("AF-033", "AF-034", "AF-036");
  OpensTheAfForTheClient();
}
TEST_P(CmRole, ClosesTheAf) {
  NDISCONF_RULES("AF-052", "AF-053", "AF-055");
  ClosesTheAf();
}
TEST_P(CmRole, RegistersAndDeregistersASap) {
  NDISCONF_RULES("AF-083", "AF-090");
  RegistersAndDeregistersASap();
}
TEST_P(CmRole, RefusesADuplicateSapWithInvalidData) {
  NDISCONF_RULES("AF-082");
  RefusesADuplicateSapWithInvalidData();
}
TEST_P(CmRole, ClosesTheAfAfterARefusedSap) {
  NDISCONF_RULES("AF-053");
  ClosesTheAfAfterARefusedSap();
}
TEST_P(CmRole, CreatesAndDeletesAVc) {
  NDISCONF_RULES("AF-104");
  CreatesAndDeletesAVc();
}
TEST_P(CmRole, MakesAndClosesACall) {
  NDISCONF_RULES("AF-104");
  MakesAndClosesACall();
}

// S5: unbinding the call manager with the AF open: from its unbind it
// notify-closes the AF, and only then closes the binding; the client ends
// with the AF closed.
TEST_P(CmRole, UnbindNotifyClosesTheOpenAf) {
  NDISCONF_RULES("AF-061", "AF-121");
  Build();
  ASSERT_TRUE(FirstAfOpen());
  ASSERT_TRUE(model().UnbindProtocol(cmx_, adapter_));
  stack().Settle();
  EXPECT_EQ(CmxCalls(Fn::NdisCmNotifyCloseAddressFamily), 1u);
  EXPECT_LT(FirstCmxCall(Fn::NdisCmNotifyCloseAddressFamily), FirstCmxCall(Fn::NdisCloseAdapterEx));
  EXPECT_EQ(client().afs()[0]->state, ClAfState::kClosed);
}

// S5 without an open AF: nothing to notify-close; the binding is closed.
TEST_P(CmRole, UnbindWithNoOpenAfClosesTheBinding) {
  NDISCONF_RULES("AF-061", "AF-121");
  Build();
  ASSERT_TRUE(FirstAfOpen());
  AsClient([&] { return client().CloseAf(0); });
  ASSERT_EQ(client().afs()[0]->state, ClAfState::kClosed);
  ASSERT_TRUE(model().UnbindProtocol(cmx_, adapter_));
  stack().Settle();
  EXPECT_EQ(CmxCalls(Fn::NdisCmNotifyCloseAddressFamily), 0u);
  EXPECT_EQ(CmxCalls(Fn::NdisCloseAdapterEx), 1u);
}

NDISCONF_INSTANTIATE(CmRole);

}  // namespace
}  // namespace ndisconf::conformance
