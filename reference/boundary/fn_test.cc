#include "reference/boundary/fn.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "reference/boundary/event.h"

namespace ndisconf {
namespace {

TEST(FnTable, EveryFunctionHasAUniqueNameThatRoundTrips) {
  std::set<std::string> names;
  for (size_t i = 0; i < kFnCount; ++i) {
    const Fn fn = static_cast<Fn>(i);
    const FnSpec& spec = SpecOf(fn);
    EXPECT_EQ(spec.fn, fn);
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << spec.name;
    ASSERT_EQ(FnByName(spec.name), fn) << spec.name;
  }
  EXPECT_EQ(FnByName("NdisNoSuchFunction"), std::nullopt);
}

TEST(FnTable, EveryFunctionFitsTheEventSlots) {
  for (size_t i = 0; i < kFnCount; ++i) {
    const FnSpec& spec = SpecOf(static_cast<Fn>(i));
    size_t in = 0, out = 0;
    for (size_t k = 0; k < spec.in_count; ++k) in += SlotsOf(spec.in[k].kind);
    for (size_t k = 0; k < spec.out_count; ++k) out += SlotsOf(spec.out[k].kind);
    EXPECT_LE(in, Event::kMaxArgs) << spec.name;
    EXPECT_LE(out, Event::kMaxArgs) << spec.name;
  }
}

TEST(FnTable, NamesFollowTheDirectionConvention) {
  // Driver-to-NDIS entry points are Ndis*; callbacks are Protocol*/Miniport*
  // (plus the work-item routine NDIS runs).
  for (size_t i = 0; i < kFnCount; ++i) {
    const FnSpec& spec = SpecOf(static_cast<Fn>(i));
    const bool ndis_name = spec.name.substr(0, 4) == "Ndis" && spec.fn != Fn::NdisIoWorkItemRoutine;
    EXPECT_EQ(spec.direction == Direction::kDown, ndis_name) << spec.name;
  }
}

TEST(FnTable, BufferArgumentsTakeOneSlotAndAtMostOnePerEvent) {
  EXPECT_EQ(SlotsOf(ArgKind::kBuffer), 1u);
  for (size_t i = 0; i < kFnCount; ++i) {
    const FnSpec& spec = SpecOf(static_cast<Fn>(i));
    // One blob per event: a second buffer (or a SAP) would overwrite it.
    size_t in = 0, out = 0;
    for (size_t k = 0; k < spec.in_count; ++k) {
      in += spec.in[k].kind == ArgKind::kBuffer || spec.in[k].kind == ArgKind::kSap;
    }
    for (size_t k = 0; k < spec.out_count; ++k) {
      out += spec.out[k].kind == ArgKind::kBuffer || spec.out[k].kind == ArgKind::kSap;
    }
    EXPECT_LE(in, 1u) << spec.name;
    EXPECT_LE(out, 1u) << spec.name;
  }
}

TEST(FnTable, WanFunctionsAreAppendedInTheDocumentedOrder) {
  // docs/wan_events.md: appended after ProtocolClCallConnected, in this order.
  const char* kWan[] = {
      "NdisMInitializeWrapper",
      "NdisMRegisterMiniport",
      "MiniportInitialize",
      "NdisMSetAttributesEx",
      "MiniportHalt",
      "NdisMRegisterInterrupt",
      "NdisMDeregisterInterrupt",
      "MiniportISR",
      "MiniportHandleInterrupt",
      "NdisMIndicateStatus",
      "NdisMIndicateStatusComplete",
      "MiniportQueryInformation",
      "MiniportSetInformation",
      "NdisMQueryInformationComplete",
      "NdisMSetInformationComplete",
      "MiniportWanSend",
      "NdisMWanSendComplete",
      "NdisMWanIndicateReceive",
      "NdisMWanIndicateReceiveComplete",
      "NdisRegisterProtocol",
      "NdisDeregisterProtocol",
      "ProtocolBindAdapter",
      "ProtocolUnbindAdapter",
      "NdisOpenAdapter",
      "ProtocolOpenAdapterComplete",
      "NdisCloseAdapter",
      "ProtocolCloseAdapterComplete",
      "NdisCompleteBindAdapter",
      "NdisCompleteUnbindAdapter",
      "NdisRequest",
      "ProtocolRequestComplete",
      "ProtocolStatus",
      "ProtocolStatusComplete",
      "NdisWanSend",
      "ProtocolWanSendComplete",
      "ProtocolWanReceive",
      "ProtocolReceiveComplete",
  };
  size_t index = static_cast<size_t>(Fn::ProtocolClCallConnected) + 1;
  EXPECT_EQ(index, 78u);
  for (const char* name : kWan) {
    ASSERT_EQ(FnByName(name), static_cast<Fn>(index)) << name;
    ++index;
  }
}

TEST(FnTable, StatusBufferIsRecordedOnCallAndReturnOfIndicateStatus) {
  const FnSpec& s = SpecOf(Fn::NdisMIndicateStatus);
  ASSERT_EQ(s.in_count, 3u);
  EXPECT_EQ(s.in[2].kind, ArgKind::kBuffer);
  ASSERT_EQ(s.out_count, 1u);
  EXPECT_EQ(s.out[0].kind, ArgKind::kBuffer);
  EXPECT_FALSE(s.returns_status);
  const FnSpec& q = SpecOf(Fn::MiniportQueryInformation);
  ASSERT_EQ(q.out_count, 3u);
  EXPECT_EQ(q.out[2].kind, ArgKind::kBuffer);
}

}  // namespace
}  // namespace ndisconf
