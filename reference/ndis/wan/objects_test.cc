// Reference-model tests of the checks every WAN family shares (spec 1.2, 3.9;
// OQ-19): the version profile, and bad input (null, garbage and stale
// handles, bad arguments).
#include <gtest/gtest.h>
#include <ndistapi.h>

#include <cstring>

#include "reference/ndis/model.h"
#include "reference/ndis/stub_drivers.h"
#include "reference/ndis/stub_wan_drivers.h"
#include "reference/ndis/wan/wan_test_stack.h"

namespace ndisconf::ndis {
namespace {

using testing::StubMiniport5;
using testing::StubProtocol5;

using spec::RuleId;
using testing::FindRejection;
using testing::LineUp;
using testing::Rejected;
using testing::WanStack;

// ---- Version profile (OQ-19). ----

TEST(WanProfile, Ndis6ProfileRefusesTheLegacyFunctionsNamingOq19) {
  Settings s;
  s.wan_version_scope = Settings::WanVersionScope::kNdis6Only;
  Model model(s);
  StubMiniport5 mp(model, "wmp");
  StubProtocol5 p(model, "ndiswan");
  mp.Load();
  p.Load();
  EXPECT_EQ(mp.wrapper, nullptr);
  EXPECT_EQ(mp.register_status, NDIS_STATUS_BAD_VERSION);
  EXPECT_EQ(p.register_status, NDIS_STATUS_BAD_VERSION);
  NDIS_MAC_LINE_DOWN down{};
  NdisMIndicateStatus(reinterpret_cast<NDIS_HANDLE>(0x42), NDIS_STATUS_WAN_LINE_DOWN, &down,
                      sizeof(down));
  const Rejection* r = FindRejection(model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(),
            Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_NOT_SUPPORTED, Reason::kWanVersionScope));
}

// Checks WAN-095 (OQ-19, the NDIS-4-only reading): a WAN status code from
// an NDIS 5.x miniport is refused and reaches no protocol; other statuses
// still do.
TEST(WanProfile, Ndis4OnlyScopeRefusesWanStatusCodesFromA5xMiniport) {
  Settings s;
  s.wan_version_scope = Settings::WanVersionScope::kNdis4Only;
  WanStack st(s);
  st.Start();
  NDIS_MAC_LINE_UP up = LineUp(reinterpret_cast<NDIS_HANDLE>(0x11));
  st.FromDpc([&] {
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_WAN_LINE_UP, &up, sizeof(up));
    NdisMIndicateStatus(st.mh(), NDIS_STATUS_MEDIA_CONNECT, nullptr, 0);
    NdisMIndicateStatusComplete(st.mh());
  });
  const Rejection* r = FindRejection(st.model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(), Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_NOT_SUPPORTED,
                                  Reason::kWanVersionScope, RuleId::kWAN095));
  for (StubProtocol5* p : {&st.wan, &st.up}) {
    ASSERT_EQ(p->bind().statuses.size(), 1u) << p->name;
    EXPECT_EQ(p->bind().statuses[0].status, NDIS_STATUS_MEDIA_CONNECT);
  }
}

TEST(WanProfile, IndicationOnAnNdis6MiniportsAdapterIsRefusedNamingOq19) {
  Model model;
  testing::StubMiniport mp6(model, "mp6", false);
  mp6.co = false;
  mp6.Load();
  mp6.Add("LAN6", NdisMedium802_3);
  ASSERT_NE(mp6.adapter_handle, nullptr);
  NDIS_MAC_LINE_DOWN down{};
  NdisMIndicateStatus(mp6.adapter_handle, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  const Rejection* r = FindRejection(model, Fn::NdisMIndicateStatus);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->outcome(),
            Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE, Reason::kWrongNdisVersion));
}

// ---- Bad input. ----

TEST(WanBadInput, NullAndGarbageHandlesAreRejectedWithoutCrashing) {
  WanStack st;
  st.Start();
  const size_t before = st.model.rejections().size();
  NDIS_MAC_LINE_DOWN down{};
  NDIS_HANDLE garbage = reinterpret_cast<NDIS_HANDLE>(0xDEADBEEF);
  NdisMIndicateStatus(nullptr, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  NdisMIndicateStatus(garbage, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  // A binding handle is not a miniport adapter handle.
  NdisMIndicateStatus(st.wan.bind().binding, NDIS_STATUS_WAN_LINE_DOWN, &down, sizeof(down));
  NdisMIndicateStatusComplete(garbage);
  NdisMQueryInformationComplete(nullptr, NDIS_STATUS_SUCCESS);
  NdisMWanSendComplete(garbage, nullptr, NDIS_STATUS_SUCCESS);
  NdisMWanIndicateReceiveComplete(nullptr, nullptr);
  NdisMDeregisterInterrupt(nullptr);
  NdisMSetAttributesEx(garbage, nullptr, 0, 0, NdisInterfaceInternal);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisMWanIndicateReceive(&s, garbage, nullptr, nullptr, 10);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  NdisMWanIndicateReceive(nullptr, st.mh(), nullptr, nullptr, 10);
  EXPECT_EQ(st.model.rejections().size(), before + 11);
  EXPECT_TRUE(
      Rejected(st.model, Outcome(Fn::NdisMIndicateStatus, NDIS_STATUS_FAILURE,
                                 Reason::kWrongHandleKind, std::nullopt, "MiniportAdapterHandle")));
  EXPECT_TRUE(st.wan.bind().statuses.empty());
}

TEST(WanBadInput, RequestWithNullOrBadArgumentsGetsPreciseStatuses) {
  WanStack st;
  st.Start();
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisRequest(&s, st.wan.bind().binding, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  NDIS_REQUEST r{};
  const uint32_t seven = 7;  // not an NDIS_REQUEST_TYPE: stored as raw bytes
  std::memcpy(&r.RequestType, &seven, sizeof(seven));
  NdisRequest(&s, st.wan.bind().binding, &r);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  r.RequestType = NdisRequestQueryInformation;
  NdisRequest(&s, st.mh(), &r);  // an adapter handle is not a binding handle
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  NdisRequest(nullptr, st.wan.bind().binding, &r);  // nowhere to write: rejected, not run
  EXPECT_TRUE(st.mp.queries.empty());
  NdisWanSend(&s, st.wan.bind().binding, nullptr, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
}

TEST(WanBadInput, OpenAdapterOutsideABindOrForAnUnknownNameFails) {
  WanStack st;
  st.Start();
  NDIS_STATUS s = NDIS_STATUS_SUCCESS, open_error;
  NDIS_HANDLE binding = nullptr;
  UINT selected = 0;
  NDIS_MEDIUM media[] = {NdisMediumWan};
  NdisOpenAdapter(&s, &open_error, &binding, &selected, media, 1, st.wan.handle, nullptr,
                  st.wan.bind().device_name, 0, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(
      Rejected(st.model, Outcome(Fn::NdisOpenAdapter, NDIS_STATUS_FAILURE, Reason::kWrongState)));
  std::u16string other = u"NOPE";
  NDIS_STRING name{static_cast<USHORT>(other.size() * 2), static_cast<USHORT>(other.size() * 2),
                   reinterpret_cast<PWSTR>(other.data())};
  NdisOpenAdapter(&s, &open_error, &binding, &selected, media, 1, st.wan.handle, nullptr, &name, 0,
                  nullptr);
  EXPECT_EQ(s, NDIS_STATUS_ADAPTER_NOT_FOUND);
  NdisOpenAdapter(&s, &open_error, &binding, &selected, nullptr, 0, st.wan.handle, nullptr, &name,
                  0, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(binding, nullptr);
}

TEST(WanBadInput, RegisterInterruptOutsideInitializeFails) {
  WanStack st;
  st.Start();
  NDIS_MINIPORT_INTERRUPT intr{};
  EXPECT_EQ(NdisMRegisterInterrupt(&intr, st.mh(), 1, 1, TRUE, FALSE, NdisInterruptLatched),
            NDIS_STATUS_FAILURE);
  EXPECT_EQ(NdisMRegisterInterrupt(nullptr, st.mh(), 1, 1, TRUE, FALSE, NdisInterruptLatched),
            NDIS_STATUS_INVALID_PARAMETER);
  EXPECT_TRUE(Rejected(st.model, Outcome(Fn::NdisMRegisterInterrupt, NDIS_STATUS_FAILURE,
                                         Reason::kOutsideCallback)));
}

TEST(WanBadInput, InitializeSelectingNoMediumFailsTheAdapter) {
  Model model;
  StubMiniport5 mp(model, "wmp");
  mp.medium = NdisMedium802_3;  // the hardware offers only WAN
  mp.Load();
  mp.Add("WAN1", NdisMediumWan);
  EXPECT_EQ(mp.init_status, NDIS_STATUS_UNSUPPORTED_MEDIA);
}

}  // namespace
}  // namespace ndisconf::ndis
