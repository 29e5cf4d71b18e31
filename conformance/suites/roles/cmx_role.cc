#include "conformance/suites/roles/cmx_role.h"

#include <cstddef>

#include "conformance/framework/recorder.h"  // NDISCONF_NEEDS_FEATURE

namespace ndisconf::conformance {

using drivers::ClAfState;
using drivers::ClSapState;
using drivers::ClVcState;
using drivers::SapSpec;

namespace {

// The SAP the tests register: a type and address every call manager must
// either accept or reject with a documented status (AF-082).
const SapSpec kSap{1, {0x10, 0x20, 0x30}};

}  // namespace

::testing::AssertionResult CmxRole::AllCallsInside(Fn inner, Fn outer) const {
  int depth = 0;  // the driver's `outer` handlers now running
  size_t calls = 0;
  for (const Event& e : events()) {
    if (e.actor != cmx_) continue;
    if (e.fn == outer) depth += e.phase == Phase::kCall ? 1 : -1;
    if (e.fn != inner || e.phase != Phase::kCall) continue;
    ++calls;
    if (depth <= 0) {
      return ::testing::AssertionFailure()
             << NameOf(inner) << " at event " << e.index << " is outside " << NameOf(outer);
    }
  }
  if (calls == 0) return ::testing::AssertionFailure() << "no " << NameOf(inner) << " at all";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult CmxRole::FirstAfOpen() {
  if (client().afs().empty()) return ::testing::AssertionFailure() << "no AF offered";
  if (client().afs()[0]->state != ClAfState::kOpen) {
    return ::testing::AssertionFailure()
           << "the AF is not open: open status 0x" << std::hex << client().afs()[0]->open_status;
  }
  return ::testing::AssertionSuccess();
}

void CmxRole::ExpectProfileAfs(Fn fn) const {
  if (profile() == nullptr) return;
  std::set<uint64_t> registered, declared;
  for (const Event& e : events()) {
    if (e.actor == cmx_ && e.fn == fn && e.phase == Phase::kCall) {
      registered.insert(e.arg[1]);  // AddressFamily (reference/boundary/fn.cc)
    }
  }
  for (uint32_t af : profile()->address_families) declared.insert(af);
  EXPECT_EQ(registered, declared) << "the AFs registered differ from address_families";
}

// S2: the client's open succeeds, synchronously or after exactly one
// completion with a final status.
void CmxRole::OpensTheAfForTheClient() {
  Build();
  ASSERT_TRUE(FirstAfOpen());
  EXPECT_EQ(client().afs()[0]->open_status, NDIS_STATUS_SUCCESS);
  EXPECT_LE(CmxCalls(Fn::NdisCmOpenAddressFamilyComplete), 1u);
  if (CmxCalls(Fn::NdisCmOpenAddressFamilyComplete) == 1) Pended("open_af");
}

// S4: the client closes the AF; the close succeeds, and a pended close is
// completed once, with NDIS_STATUS_SUCCESS.
void CmxRole::ClosesTheAf() {
  Build();
  ASSERT_TRUE(FirstAfOpen());
  const NDIS_STATUS s = AsClient([&] { return client().CloseAf(0); });
  EXPECT_TRUE(s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING) << std::hex << s;
  EXPECT_EQ(client().afs()[0]->state, ClAfState::kClosed);
  EXPECT_EQ(client().afs()[0]->close_status, NDIS_STATUS_SUCCESS);
  EXPECT_LE(CmxCalls(Fn::NdisCmCloseAddressFamilyComplete), 1u);
  if (CmxCalls(Fn::NdisCmCloseAddressFamilyComplete) == 1) Pended("close_af");
}

// S7: a SAP registered and deregistered on the open AF.
void CmxRole::RegistersAndDeregistersASap() {
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(FirstAfOpen());
  size_t sap = 0;
  AsClient([&] { return client().RegisterSap(0, kSap, &sap); });
  ASSERT_EQ(client().saps().at(sap)->state, ClSapState::kRegistered)
      << std::hex << client().saps().at(sap)->register_status;
  AsClient([&] { return client().DeregisterSap(sap); });
  EXPECT_EQ(client().saps().at(sap)->state, ClSapState::kDeregistered);
  if (CmxCalls(Fn::NdisCmRegisterSapComplete) == 1) Pended("register_sap");
  if (CmxCalls(Fn::NdisCmDeregisterSapComplete) == 1) Pended("deregister_sap");
}

// AF-082: the same SAP a second time is refused with
// NDIS_STATUS_INVALID_DATA, and the first stays registered.
void CmxRole::RefusesADuplicateSapWithInvalidData() {
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(FirstAfOpen());
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
void CmxRole::ClosesTheAfAfterARefusedSap() {
  NDISCONF_NEEDS_FEATURE(saps);
  Build();
  ASSERT_TRUE(FirstAfOpen());
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

// S7: a VC the client creates and deletes without a call: the driver's
// ProtocolCoCreateVc and ProtocolCoDeleteVc answer at once (AF-104), so both
// of the client's requests succeed.
void CmxRole::CreatesAndDeletesAVc() {
  Build();
  ASSERT_TRUE(FirstAfOpen());
  size_t vc = 0;
  ASSERT_EQ(AsClient([&] { return client().CreateVc(0, &vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(AsClient([&] { return client().DeleteVc(vc); }), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(client().vcs().at(vc)->state, ClVcState::kDeleted);
}

// S7 with a call: made and closed on the VC, then the VC deleted; a VC that
// carried a call is deleted at once like any other (AF-104).
void CmxRole::MakesAndClosesACall() {
  NDISCONF_NEEDS_FEATURE(calls);
  Build();
  ASSERT_TRUE(FirstAfOpen());
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

}  // namespace ndisconf::conformance
