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

#include <cstddef>
#include <memory>
#include <set>

#include "conformance/framework/fixture.h"
#include "conformance/framework/recorder.h"
#include "reference/drivers/client/client.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;
using drivers::Client;
using drivers::ClSapState;
using drivers::ClVcState;
using drivers::SapSpec;

// The SAP the tests register: a type and address every call manager that
// serves the Q.2931 AF must either accept or reject with a documented
// status (AF-082).
const SapSpec kSap{1, {0x10, 0x20, 0x30}};

class CmRole : public ConformanceTest {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kCallManager; }

  // S1: the call manager, a client that opens every Q.2931 AF it is offered,
  // and a CoNDIS miniport whose adapter arrives last, so that both protocols
  // bind to it. Runs until nothing is left to do.
  void Build() {
    stack::Stack& s = NewStack();
    s.Load(MakeCmUnderTest(), &cm_);
    client_ = &s.Load(MakeClient(), &client_id_);
    s.Load(MakeMiniport(), &miniport_);
    adapter_ = s.AddAdapter(miniport_, "comp0", NdisMediumAtm);
    s.Settle();
  }

  Client& client() { return *client_; }
  // Runs a client request as the client, then everything it set off.
  template <class F>
  NDIS_STATUS AsClient(F&& f) {
    const NDIS_STATUS s = stack().As(client_id_, f);
    stack().Settle();
    return s;
  }

  // How many times the call manager called (or was called through) `fn`,
  // and the index of its first such call (UINT64_MAX if none).
  size_t CmCalls(Fn fn) const { return CountCalls(cm_, fn); }
  uint64_t FirstCmCall(Fn fn) const { return FirstCall(cm_, fn); }

  // The client has exactly one AF from this call manager, open.
  ::testing::AssertionResult OneOpenAf() {
    if (client().afs().size() != 1) {
      return ::testing::AssertionFailure() << client().afs().size() << " AF(s) offered, not 1";
    }
    if (client().afs()[0]->state != ClAfState::kOpen) {
      return ::testing::AssertionFailure()
             << "the AF is not open: open status 0x" << std::hex << client().afs()[0]->open_status;
    }
    return ::testing::AssertionSuccess();
  }

  ActorId cm_ = kNoActor, client_id_ = kNoActor, miniport_ = kNoActor;
  ndis::AdapterId adapter_{};
  Client* client_ = nullptr;
};

// S1: bound to a CoNDIS adapter, the call manager registers its AF there,
// after opening the binding and from its own bind (NDIS then notifies the
// client, which opens the AF). Its handler tables are checked at
// registration by the monitor.
TEST_P(CmRole, RegistersItsAfOnEachBinding) {
  NDISCONF_RULES("AF-001", "AF-010", "AF-069", "AF-131", "AF-137");
  Build();
  EXPECT_GE(CmCalls(Fn::NdisCmRegisterAddressFamilyEx), 1u);
  EXPECT_LT(FirstCmCall(Fn::NdisOpenAdapterEx), FirstCmCall(Fn::NdisCmRegisterAddressFamilyEx));
  ASSERT_EQ(client().afs().size(), 1u);
  EXPECT_EQ(client().afs()[0]->af.AddressFamily, static_cast<ULONG>(CO_ADDRESS_FAMILY_Q2931));
  // The AFs it registered on the binding are the ones its profile declares.
  if (profile() != nullptr) {
    std::set<uint64_t> registered, declared;
    for (const Event& e : events()) {
      if (e.actor == cm_ && e.fn == Fn::NdisCmRegisterAddressFamilyEx && e.phase == Phase::kCall) {
        registered.insert(e.arg[1]);  // AddressFamily (reference/boundary/fn.cc)
      }
    }
    for (uint32_t af : profile()->address_families) declared.insert(af);
    EXPECT_EQ(registered, declared) << "the AFs registered differ from address_families";
  }
}

// S2: the client's open succeeds, synchronously or after exactly one
// completion with a final status.
TEST_P(CmRole, OpensTheAfForTheClient) {
  NDISCONF_RULES("AF-033", "AF-034", "AF-036");
  Build();
  ASSERT_TRUE(OneOpenAf());
  EXPECT_EQ(client().afs()[0]->open_status, NDIS_STATUS_SUCCESS);
  EXPECT_LE(CmCalls(Fn::NdisCmOpenAddressFamilyComplete), 1u);
  if (CmCalls(Fn::NdisCmOpenAddressFamilyComplete) == 1) Pended("open_af");
}

// S4: the client closes the AF; the close succeeds, and a pended close is
// completed once, with NDIS_STATUS_SUCCESS.
TEST_P(CmRole, ClosesTheAf) {
  NDISCONF_RULES("AF-052", "AF-053", "AF-055");
  Build();
  ASSERT_TRUE(OneOpenAf());
  const NDIS_STATUS s = AsClient([&] { return client().CloseAf(0); });
  EXPECT_TRUE(s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING) << std::hex << s;
  EXPECT_EQ(client().afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(client().afs()[0]->close_status, NDIS_STATUS_SUCCESS);
  EXPECT_LE(CmCalls(Fn::NdisCmCloseAddressFamilyComplete), 1u);
  if (CmCalls(Fn::NdisCmCloseAddressFamilyComplete) == 1) Pended("close_af");
}

// S7: a SAP registered and deregistered on the open AF.
TEST_P(CmRole, RegistersAndDeregistersASap) {
  NDISCONF_RULES("AF-083", "AF-090");
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(OneOpenAf());
  size_t sap = 0;
  AsClient([&] { return client().RegisterSap(0, kSap, &sap); });
  ASSERT_EQ(client().saps().at(sap)->state, ClSapState::kRegistered)
      << std::hex << client().saps().at(sap)->register_status;
  AsClient([&] { return client().DeregisterSap(sap); });
  EXPECT_EQ(client().saps().at(sap)->state, ClSapState::kDeregistered);
  if (CmCalls(Fn::NdisCmRegisterSapComplete) == 1) Pended("register_sap");
  if (CmCalls(Fn::NdisCmDeregisterSapComplete) == 1) Pended("deregister_sap");
}

// AF-082: the same SAP a second time is refused with
// NDIS_STATUS_INVALID_DATA, and the first stays registered.
TEST_P(CmRole, RefusesADuplicateSapWithInvalidData) {
  NDISCONF_RULES("AF-082");
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(OneOpenAf());
  size_t first = 0, second = 0;
  AsClient([&] { return client().RegisterSap(0, kSap, &first); });
  ASSERT_EQ(client().saps().at(first)->state, ClSapState::kRegistered);
  AsClient([&] { return client().RegisterSap(0, kSap, &second); });
  EXPECT_EQ(client().saps().at(second)->state, ClSapState::kFailed);
  EXPECT_EQ(client().saps().at(second)->register_status, NDIS_STATUS_INVALID_DATA);
  EXPECT_EQ(client().saps().at(first)->state, ClSapState::kRegistered);
}

// S4 after a refusal: whatever the AF went through (here a SAP refused, the
// other deregistered), its close completes with NDIS_STATUS_SUCCESS.
TEST_P(CmRole, ClosesTheAfAfterARefusedSap) {
  NDISCONF_RULES("AF-053");
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(OneOpenAf());
  size_t first = 0, second = 0;
  AsClient([&] { return client().RegisterSap(0, kSap, &first); });
  AsClient([&] { return client().RegisterSap(0, kSap, &second); });
  ASSERT_EQ(client().saps().at(second)->state, ClSapState::kFailed);
  AsClient([&] { return client().DeregisterSap(first); });
  ASSERT_EQ(client().saps().at(first)->state, ClSapState::kDeregistered);
  AsClient([&] { return client().CloseAf(0); });
  EXPECT_EQ(client().afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(client().afs()[0]->close_status, NDIS_STATUS_SUCCESS);
}

// S7: a VC the client creates and deletes without a call: the call
// manager's ProtocolCoCreateVc and ProtocolCoDeleteVc answer at once
// (AF-104), so both of the client's requests succeed.
TEST_P(CmRole, CreatesAndDeletesAVc) {
  NDISCONF_RULES("AF-104");
  Build();
  ASSERT_TRUE(OneOpenAf());
  size_t vc = 0;
  ASSERT_EQ(AsClient([&] { return client().CreateVc(0, &vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(AsClient([&] { return client().DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(client().vcs().at(vc)->state, ClVcState::kDeleted);
}

// S7 with a call: made and closed on the VC, then the VC deleted; a VC that
// carried a call is deleted at once like any other (AF-104).
TEST_P(CmRole, MakesAndClosesACall) {
  NDISCONF_RULES("AF-104");
  NDISCONF_NEEDS_FEATURE(calls);
  Build();
  ASSERT_TRUE(OneOpenAf());
  size_t vc = 0;
  ASSERT_EQ(AsClient([&] { return client().CreateVc(0, &vc); }), NDIS_STATUS_SUCCESS);
  AsClient([&] { return client().MakeCall(vc); });
  ASSERT_EQ(client().vcs().at(vc)->state, ClVcState::kActive)
      << std::hex << client().vcs().at(vc)->call_status;
  AsClient([&] { return client().CloseCall(vc); });
  EXPECT_EQ(client().vcs().at(vc)->state, ClVcState::kInactive);
  EXPECT_EQ(AsClient([&] { return client().DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(client().vcs().at(vc)->state, ClVcState::kDeleted);
}

// S5: unbinding the call manager with the AF open: from its unbind it
// notify-closes the AF, and only then closes the binding; the client ends
// with the AF closed.
TEST_P(CmRole, UnbindNotifyClosesTheOpenAf) {
  NDISCONF_RULES("AF-061", "AF-121");
  Build();
  ASSERT_TRUE(OneOpenAf());
  ASSERT_TRUE(model().UnbindProtocol(cm_, adapter_));
  stack().Settle();
  EXPECT_EQ(CmCalls(Fn::NdisCmNotifyCloseAddressFamily), 1u);
  EXPECT_LT(FirstCmCall(Fn::NdisCmNotifyCloseAddressFamily), FirstCmCall(Fn::NdisCloseAdapterEx));
  EXPECT_EQ(client().afs()[0]->state, ClAfState::kClosed);
}

// S5 without an open AF: nothing to notify-close; the binding is closed.
TEST_P(CmRole, UnbindWithNoOpenAfClosesTheBinding) {
  NDISCONF_RULES("AF-061", "AF-121");
  Build();
  ASSERT_TRUE(OneOpenAf());
  AsClient([&] { return client().CloseAf(0); });
  ASSERT_EQ(client().afs()[0]->state, ClAfState::kClosed);
  ASSERT_TRUE(model().UnbindProtocol(cm_, adapter_));
  stack().Settle();
  EXPECT_EQ(CmCalls(Fn::NdisCmNotifyCloseAddressFamily), 0u);
  EXPECT_EQ(CmCalls(Fn::NdisCloseAdapterEx), 1u);
}

NDISCONF_INSTANTIATE(CmRole);

}  // namespace
}  // namespace ndisconf::conformance
