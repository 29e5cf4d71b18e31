// Reference-model tests of bad input: malformed characteristics (OQ-18,
// AF-023, AF-130..AF-137), unknown / stale / wrong-kind handles, NULL
// required pointers, wrong IRQL. Each asserts the precise status and that a
// Rejection was recorded.
#include <gtest/gtest.h>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"

namespace ndisconf::ndis {
namespace {

using spec::RuleId;
using testing::Af;
using testing::Stack;
using testing::StubMiniport;
using testing::StubProtocol;

const Rejection& Last(const Model& m) { return m.rejections().back(); }

TEST(BadCharacteristics, ProtocolHeaderWithWrongTypeIsBadCharacteristics) {
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisRegisterProtocolDriver, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kBadCharacteristics));
  EXPECT_EQ(p.protocol_handle, nullptr);
}

TEST(BadCharacteristics, ProtocolWithoutBindHandlerIsBadCharacteristics) {
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.chars.BindAdapterHandlerEx = nullptr;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
}

TEST(BadCharacteristics, ProtocolWithNdis5VersionIsBadVersion) {
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.chars.MajorNdisVersion = 5;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_VERSION);
}

TEST(BadCharacteristics, ClientHandlerNullMemberFailsRegistration) {
  // Checks AF-130, OQ-18.
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.client_handlers.ClIncomingDropPartyHandler = nullptr;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kMissingHandler, RuleId::kAF130, "ClIncomingDropPartyHandler"));
}

TEST(BadCharacteristics, ClientHandlerShortSizeFailsRegistration) {
  // Checks AF-136: 0xA6 / 1 / 160 on x64.
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.client_handlers.Header.Size = 84;  // the x86 size
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kBadCharacteristics, RuleId::kAF136));
}

TEST(BadCharacteristics, CmHandlerNullMemberFailsRegistration) {
  // Checks AF-131.
  Model model;
  StubProtocol p(model, "p", StubProtocol::kCallManager);
  p.cm_handlers.CmModifyCallQoSHandler = nullptr;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kMissingHandler, RuleId::kAF131, "CmModifyCallQoSHandler"));
}

TEST(BadCharacteristics, CmHandlerSizeMacroIsAcceptedShorterIsNot) {
  // OQ-11: 136 accepted; below it rejected.
  Model model;
  StubProtocol ok(model, "ok", StubProtocol::kCallManager);
  ok.cm.handler_size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1;
  ok.Load();
  EXPECT_EQ(ok.register_status, NDIS_STATUS_SUCCESS);
  StubProtocol bad(model, "bad", StubProtocol::kCallManager);
  bad.cm.handler_size = 72;
  bad.Load();
  EXPECT_EQ(bad.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
}

TEST(BadCharacteristics, CoCharacteristicsWithoutAfRegisterNotifyFails) {
  // Checks AF-023, OQ-18.
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.co_chars.CoAfRegisterNotifyHandler = nullptr;
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kMissingHandler, RuleId::kAF023));
}

TEST(BadCharacteristics, ClientHandlersWithoutCoCharacteristicsFail) {
  // Checks AF-137.
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.set_options_hook = [&](NDIS_HANDLE h) {
    EXPECT_EQ(NdisSetOptionalHandlers(
                  h, reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&p.client_handlers)),
              NDIS_STATUS_SUCCESS);
  };
  p.Load();
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisRegisterProtocolDriver, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kInconsistentCharacteristics, RuleId::kAF137));
}

TEST(BadCharacteristics, McmCmOidRequestEqualToMiniportOidRequestFails) {
  // Checks AF-134.
  Model model;
  StubMiniport m(model, "m", /*mcm=*/true);
  m.co_chars.CoOidRequestHandler =
      reinterpret_cast<MINIPORT_CO_OID_REQUEST>(m.cm_handlers.CmOidRequestHandler);
  m.Load();
  EXPECT_EQ(m.register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(Last(model).outcome(),
            Outcome(Fn::NdisSetOptionalHandlers, NDIS_STATUS_BAD_CHARACTERISTICS,
                    Reason::kSharedHandler, RuleId::kAF134));
}

TEST(BadCharacteristics, SetOptionalHandlersOutsideSetOptionsFails) {
  Model model;
  StubProtocol p(model, "p", StubProtocol::kClient);
  p.Load();
  ScopedActor as(p.actor);
  EXPECT_EQ(NdisSetOptionalHandlers(p.protocol_handle,
                                    reinterpret_cast<PNDIS_DRIVER_OPTIONAL_HANDLERS>(&p.co_chars)),
            NDIS_STATUS_FAILURE);
}

TEST(BadCharacteristics, NullPointersAreInvalidParameter) {
  Model model;
  NDIS_HANDLE h = nullptr;
  EXPECT_EQ(NdisRegisterProtocolDriver(nullptr, nullptr, &h), NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(NdisMRegisterMiniportDriver(nullptr, nullptr, nullptr, nullptr, nullptr),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(model.rejections().size(), 2u);
}

// ---- Handles. ----

TEST(BadHandles, GarbageHandlesGetFailureAndAreRecorded) {
  Stack st;
  st.Start();
  auto* junk = reinterpret_cast<NDIS_HANDLE>(uintptr_t{0xdeadbeef});
  CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_Q2931);
  CO_SAP sap{};
  NDIS_HANDLE out = nullptr;
  ScopedActor as(st.cl.actor);
  const size_t before = st.model.rejections().size();
  EXPECT_EQ(NdisCmRegisterAddressFamilyEx(junk, &af), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMCmRegisterAddressFamilyEx(junk, &af), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisClOpenAddressFamilyEx(junk, &af, nullptr, &out), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisClCloseAddressFamily(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisCmNotifyCloseAddressFamily(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisClRegisterSap(junk, nullptr, &sap, &out), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisClDeregisterSap(junk), NDIS_STATUS_FAILURE);
  out = nullptr;
  EXPECT_EQ(NdisCoCreateVc(junk, nullptr, nullptr, &out), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisCoDeleteVc(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMCmDeleteVc(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisClCloseCall(junk, nullptr, nullptr, 0), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisCmDeactivateVc(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisCloseAdapterEx(junk), NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisUnbindAdapter(junk), NDIS_STATUS_FAILURE);
  // VOID functions only record.
  NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, junk, nullptr);
  NdisCmCloseAddressFamilyComplete(NDIS_STATUS_SUCCESS, junk);
  NdisClNotifyCloseAddressFamilyComplete(junk, NDIS_STATUS_SUCCESS);
  NdisCmRegisterSapComplete(NDIS_STATUS_SUCCESS, junk, nullptr);
  NdisCmDeregisterSapComplete(NDIS_STATUS_SUCCESS, junk);
  NdisCmMakeCallComplete(NDIS_STATUS_SUCCESS, junk, nullptr, nullptr, nullptr);
  NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, junk, nullptr);
  NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, junk, nullptr);
  NdisMCoDeactivateVcComplete(NDIS_STATUS_SUCCESS, junk);
  NdisClIncomingCallComplete(NDIS_STATUS_SUCCESS, junk, nullptr);
  NdisCmDispatchCallConnected(junk);
  NdisCompleteBindAdapterEx(junk, NDIS_STATUS_SUCCESS);
  NdisCompleteUnbindAdapterEx(junk);
  EXPECT_EQ(st.model.rejections().size() - before, 27u);
  for (size_t i = before; i < st.model.rejections().size(); ++i) {
    EXPECT_EQ(st.model.rejections()[i].reason, Reason::kUnknownHandle)
        << st.model.rejections()[i].ToString();
    EXPECT_FALSE(st.model.rejections()[i].param.empty()) << st.model.rejections()[i].ToString();
  }
}

TEST(BadHandles, WrongKindHandleIsNamedInTheRejection) {
  // Checks AF-140: a binding handle is not an AF handle.
  Stack st;
  st.Start();
  ScopedActor as(st.cl.actor);
  EXPECT_EQ(NdisClCloseAddressFamily(st.cl.binds[0].binding), NDIS_STATUS_FAILURE);
  EXPECT_EQ(Last(st.model).outcome(),
            Outcome(Fn::NdisClCloseAddressFamily, NDIS_STATUS_FAILURE, Reason::kWrongHandleKind,
                    std::nullopt, "NdisAfHandle"));
}

TEST(BadHandles, NullOutPointersAreInvalidParameter) {
  Stack st;
  st.Start();
  CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_Q2931);
  ScopedActor as(st.cl.actor);
  EXPECT_EQ(NdisClOpenAddressFamilyEx(st.cl.binds[0].binding, &af, nullptr, nullptr),
            NDIS_STATUS_INVALID_PARAMETER);
  NDIS_HANDLE out = nullptr;
  EXPECT_EQ(NdisClOpenAddressFamilyEx(st.cl.binds[0].binding, nullptr, nullptr, &out),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(NdisClRegisterSap(st.ClientAf().af, nullptr, nullptr, &out),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(NdisCoCreateVc(st.cl.binds[0].binding, st.ClientAf().af, nullptr, nullptr),
            NDIS_STATUS_INVALID_PARAMETER);
}

TEST(BadHandles, CreateVcWithNonNullOutHandleIsInvalidParameter) {
  // Checks AF-100, OQ-15.
  Stack st;
  st.Start();
  ScopedActor as(st.cl.actor);
  NDIS_HANDLE vc = reinterpret_cast<NDIS_HANDLE>(uintptr_t{1});
  EXPECT_EQ(NdisCoCreateVc(st.cl.binds[0].binding, st.ClientAf().af, nullptr, &vc),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(st.rec.Count(Fn::MiniportCoCreateVc), 0u);
}

TEST(BadHandles, CreateVcOnClosedAfIsFailure) {
  // Checks AF-102, AF-056.
  Stack st;
  st.Start();
  NDIS_HANDLE af = st.ClientAf().af;
  ASSERT_EQ(st.cl.CloseAf(st.ClientAf()), NDIS_STATUS_SUCCESS);
  NDIS_HANDLE vc = nullptr;
  EXPECT_EQ(st.cl.CreateVc(st.cl.binds[0], af, &vc), NDIS_STATUS_FAILURE);
  EXPECT_EQ(Last(st.model).outcome(),
            Outcome(Fn::NdisCoCreateVc, NDIS_STATUS_FAILURE, Reason::kStaleHandle, RuleId::kAF102,
                    "NdisAfHandle"));
}

TEST(BadHandles, CreateVcAllocationFailureIsResources) {
  // Checks AF-102: count the allocations of a started stack, then fail the next.
  uint64_t n = 0;
  {
    Stack probe;
    probe.Start();
    n = probe.model.stats().allocations;
  }
  Settings s;
  s.fail_allocation_at = n + 1;
  Stack st(s);
  st.Start();
  NDIS_HANDLE vc = nullptr;
  EXPECT_EQ(st.cl.CreateVc(st.cl.binds[0], st.ClientAf().af, &vc), NDIS_STATUS_RESOURCES);
}

TEST(Irql, PassiveOnlyFunctionAtDispatchFails) {
  Stack st;
  st.Start();
  ScopedActor as(st.cl.actor);
  NDIS_SPIN_LOCK lock;
  NdisAllocateSpinLock(&lock);
  NdisAcquireSpinLock(&lock);
  CO_ADDRESS_FAMILY af = Af(CO_ADDRESS_FAMILY_Q2931);
  NDIS_HANDLE out = nullptr;
  EXPECT_EQ(NdisClOpenAddressFamilyEx(st.cl.binds[0].binding, &af, nullptr, &out),
            NDIS_STATUS_FAILURE);
  NdisReleaseSpinLock(&lock);
  EXPECT_EQ(Last(st.model).outcome(),
            Outcome(Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_FAILURE, Reason::kIrqlTooHigh));
}

TEST(Run, CallsAfterModelDestroyedGetAdapterNotReady) {
  { Model model; }
  NDIS_HANDLE out = nullptr;
  EXPECT_EQ(NdisClOpenAddressFamilyEx(nullptr, nullptr, nullptr, &out),
            NDIS_STATUS_ADAPTER_NOT_READY);
}

}  // namespace
}  // namespace ndisconf::ndis

namespace ndisconf::ndis {
namespace {

// NdisWaitEvent in a model without threads: it returns TRUE at once for a
// signalled event, and FALSE (recorded) when nothing ready could signal it.
TEST(ModelEvents, WaitOnSignalledEventReturnsTrueWithoutRunningWork) {
  Model model;
  NDIS_EVENT e;
  NdisInitializeEvent(&e);
  NdisSetEvent(&e);
  EXPECT_EQ(NdisWaitEvent(&e, 0), TRUE);
  EXPECT_TRUE(model.rejections().empty());
}

TEST(ModelEvents, WaitWithNothingToRunReturnsFalseAndRecordsHang) {
  Model model;
  NDIS_EVENT e;
  NdisInitializeEvent(&e);
  EXPECT_EQ(NdisWaitEvent(&e, 0), FALSE);
  ASSERT_EQ(model.rejections().size(), 1u);
  EXPECT_EQ(model.rejections()[0].outcome(),
            Outcome(Unrecorded::kNdisWaitEvent, NDIS_STATUS_FAILURE, Reason::kWaitWouldHang));
  NdisResetEvent(&e);
  EXPECT_EQ(NdisWaitEvent(&e, 10), FALSE);
  EXPECT_EQ(model.rejections().back().outcome(),
            Outcome(Unrecorded::kNdisWaitEvent, NDIS_STATUS_FAILURE, Reason::kWaitTimedOut));
}

TEST(ModelEvents, UninitializedOrNullEventIsRejectedNotRead) {
  Model model;
  NDIS_EVENT e{};
  EXPECT_EQ(NdisWaitEvent(&e, 0), FALSE);
  NdisSetEvent(nullptr);
  ASSERT_EQ(model.rejections().size(), 2u);
  EXPECT_EQ(
      model.rejections()[0].outcome(),
      Outcome(Unrecorded::kNdisWaitEvent, NDIS_STATUS_INVALID_PARAMETER, Reason::kNotAllocated));
  EXPECT_EQ(model.rejections()[1].outcome(),
            Outcome(Unrecorded::kNdisSetEvent, NDIS_STATUS_INVALID_PARAMETER, Reason::kNullArgument,
                    std::nullopt, "Event"));
}

}  // namespace
}  // namespace ndisconf::ndis
