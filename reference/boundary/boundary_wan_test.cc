// The NDIS 5.1 WAN entry points at the boundary: behaviour with no WAN host,
// kBuffer recording (length slot, capped blob, nothing behind NULL), and the
// buffer recorded again on return as the host left it (WAN-024, WAN-103).
#include <gtest/gtest.h>
#include <ndis.h>

#include <cstring>
#include <vector>

#include "ndisconf/boundary/boundary.h"

namespace ndisconf {
namespace {

class Sink : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

// A WAN host that writes a link context into a line-up buffer and otherwise
// reports SUCCESS.
class FakeWanHost : public NdisWanHost {
 public:
  VOID NdisMInitializeWrapper(PNDIS_HANDLE h, PVOID, PVOID, PVOID) override {
    if (h != nullptr) *h = reinterpret_cast<NDIS_HANDLE>(0x1234);
  }
  NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE, PNDIS_MINIPORT_CHARACTERISTICS, UINT) override {
    return NDIS_STATUS_SUCCESS;
  }
  VOID NdisMSetAttributesEx(NDIS_HANDLE, NDIS_HANDLE, UINT, ULONG, NDIS_INTERFACE_TYPE) override {}
  NDIS_STATUS NdisMRegisterInterrupt(PNDIS_MINIPORT_INTERRUPT, NDIS_HANDLE, UINT, UINT, BOOLEAN,
                                     BOOLEAN, NDIS_INTERRUPT_MODE) override {
    return NDIS_STATUS_SUCCESS;
  }
  VOID NdisMDeregisterInterrupt(PNDIS_MINIPORT_INTERRUPT) override {}
  VOID NdisMIndicateStatus(NDIS_HANDLE, NDIS_STATUS s, PVOID buffer, UINT size) override {
    if (s == NDIS_STATUS_WAN_LINE_UP && buffer != nullptr && size >= sizeof(NDIS_MAC_LINE_UP)) {
      static_cast<NDIS_MAC_LINE_UP*>(buffer)->NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(0x77);
    }
  }
  VOID NdisMIndicateStatusComplete(NDIS_HANDLE) override {}
  VOID NdisMQueryInformationComplete(NDIS_HANDLE, NDIS_STATUS) override {}
  VOID NdisMSetInformationComplete(NDIS_HANDLE, NDIS_STATUS) override {}
  VOID NdisMWanSendComplete(NDIS_HANDLE, PNDIS_WAN_PACKET, NDIS_STATUS) override {}
  VOID NdisMWanIndicateReceive(PNDIS_STATUS s, NDIS_HANDLE, NDIS_HANDLE, PUCHAR, ULONG) override {
    *s = NDIS_STATUS_SUCCESS;
  }
  VOID NdisMWanIndicateReceiveComplete(NDIS_HANDLE, NDIS_HANDLE) override {}
  VOID NdisRegisterProtocol(PNDIS_STATUS s, PNDIS_HANDLE, PNDIS_PROTOCOL_CHARACTERISTICS,
                            UINT) override {
    *s = NDIS_STATUS_SUCCESS;
  }
  VOID NdisDeregisterProtocol(PNDIS_STATUS s, NDIS_HANDLE) override { *s = NDIS_STATUS_SUCCESS; }
  VOID NdisOpenAdapter(PNDIS_STATUS s, PNDIS_STATUS, PNDIS_HANDLE, PUINT, PNDIS_MEDIUM, UINT,
                       NDIS_HANDLE, NDIS_HANDLE, PNDIS_STRING, UINT, PVOID) override {
    *s = NDIS_STATUS_SUCCESS;
  }
  VOID NdisCloseAdapter(PNDIS_STATUS s, NDIS_HANDLE) override { *s = NDIS_STATUS_SUCCESS; }
  VOID NdisCompleteBindAdapter(NDIS_HANDLE, NDIS_STATUS, NDIS_STATUS) override {}
  VOID NdisCompleteUnbindAdapter(NDIS_HANDLE, NDIS_STATUS) override {}
  VOID NdisRequest(PNDIS_STATUS s, NDIS_HANDLE, PNDIS_REQUEST r) override {
    if (r != nullptr) r->DATA.QUERY_INFORMATION.BytesWritten = 3;
    *s = r != nullptr ? NDIS_STATUS_SUCCESS : NDIS_STATUS_INVALID_PARAMETER;
  }
  VOID NdisWanSend(PNDIS_STATUS s, NDIS_HANDLE, NDIS_HANDLE, PNDIS_WAN_PACKET) override {
    *s = NDIS_STATUS_PENDING;
  }
};

class WanBoundary : public ::testing::Test {
 protected:
  void SetUp() override {
    Boundary::Get().EndRun();
    Boundary::Get().SetWanHost(&host_);
    Boundary::Get().AddSink(&sink_);
  }
  void TearDown() override {
    Boundary::Get().RemoveSink(&sink_);
    Boundary::Get().EndRun();
  }
  FakeWanHost host_;
  Sink sink_;
};

TEST(WanBoundaryNoHost, StatusFunctionsReportAdapterNotReadyAndVoidOnesDoNothing) {
  Boundary::Get().EndRun();
  ASSERT_EQ(Boundary::Get().wan_host(), nullptr);
  NDIS_HANDLE wrapper = reinterpret_cast<NDIS_HANDLE>(1);
  NdisMInitializeWrapper(&wrapper, nullptr, nullptr, nullptr);
  EXPECT_EQ(wrapper, nullptr);
  EXPECT_EQ(NdisMRegisterMiniport(nullptr, nullptr, 0), NDIS_STATUS_ADAPTER_NOT_READY);
  NDIS_STATUS s = NDIS_STATUS_SUCCESS;
  NdisRequest(&s, nullptr, nullptr);
  EXPECT_EQ(s, NDIS_STATUS_ADAPTER_NOT_READY);
  s = NDIS_STATUS_SUCCESS;
  NdisMWanIndicateReceive(&s, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(s, NDIS_STATUS_ADAPTER_NOT_READY);
  NdisRegisterProtocol(nullptr, nullptr, nullptr, 0);  // NULL Status: nothing written
  NdisMIndicateStatus(nullptr, NDIS_STATUS_WAN_LINE_UP, nullptr, 40);
  NdisMIndicateStatusComplete(nullptr);
}

TEST_F(WanBoundary, IndicateStatusRecordsLengthAndBytesAndTheBufferAfterTheCall) {
  NDIS_MAC_LINE_UP up{};
  up.LinkSpeed = 640;
  NdisMIndicateStatus(reinterpret_cast<NDIS_HANDLE>(0x10), NDIS_STATUS_WAN_LINE_UP, &up,
                      sizeof(up));
  ASSERT_EQ(sink_.events.size(), 2u);
  const Event& call = sink_.events[0];
  const Event& ret = sink_.events[1];
  EXPECT_EQ(call.fn, Fn::NdisMIndicateStatus);
  ASSERT_EQ(call.arg_count, 3);
  EXPECT_EQ(call.arg[1], static_cast<uint32_t>(NDIS_STATUS_WAN_LINE_UP));
  EXPECT_EQ(call.arg[2], sizeof(up));
  ASSERT_EQ(call.blob_len, sizeof(up));
  NDIS_MAC_LINE_UP before;
  std::memcpy(&before, call.blob, sizeof(before));
  EXPECT_EQ(before.LinkSpeed, 640u);
  EXPECT_EQ(before.NdisLinkContext, nullptr);
  ASSERT_EQ(ret.arg_count, 1);
  ASSERT_EQ(ret.blob_len, sizeof(up));
  NDIS_MAC_LINE_UP after;
  std::memcpy(&after, ret.blob, sizeof(after));
  EXPECT_EQ(after.NdisLinkContext, reinterpret_cast<NDIS_HANDLE>(0x77));
}

TEST_F(WanBoundary, BufferIsCappedAtMaxBlobAndNullRecordsOnlyTheLength) {
  std::vector<unsigned char> big(Event::kMaxBlob + 100, 0xAB);
  NdisMIndicateStatus(nullptr, NDIS_STATUS_WAN_FRAGMENT, big.data(), static_cast<UINT>(big.size()));
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].arg[2], big.size());
  EXPECT_EQ(sink_.events[0].blob_len, Event::kMaxBlob);
  sink_.events.clear();
  // The caller claims 4096 bytes behind NULL: the length is recorded, no
  // byte is read.
  NdisMIndicateStatus(nullptr, NDIS_STATUS_WAN_LINE_DOWN, nullptr, 4096);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].arg[2], 4096u);
  EXPECT_EQ(sink_.events[0].blob_len, 0);
}

TEST_F(WanBoundary, CharacteristicsAreReadOnlyWithinTheGivenLength) {
  NDIS_MINIPORT_CHARACTERISTICS mc{};
  mc.MajorNdisVersion = 5;
  mc.MinorNdisVersion = 1;
  mc.Reserved = NDIS_USE_WAN_WRAPPER;
  mc.HaltHandler = [](NDIS_HANDLE) {};
  EXPECT_EQ(NdisMRegisterMiniport(nullptr, &mc, sizeof(mc)), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].arg[1], 0x501u);
  EXPECT_EQ(sink_.events[0].arg[2], NDIS_USE_WAN_WRAPPER);
  EXPECT_EQ(sink_.events[0].arg[3], 1u << 3);  // HaltHandler is the fourth handler
  sink_.events.clear();
  // A length of 1 covers neither the version nor Reserved nor any handler.
  EXPECT_EQ(NdisMRegisterMiniport(nullptr, &mc, 1), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(sink_.events[0].arg[1], kNullSlot);
  EXPECT_EQ(sink_.events[0].arg[2], kNullSlot);
  EXPECT_EQ(sink_.events[0].arg[3], 0u);
}

TEST_F(WanBoundary, RequestReturnCarriesStatusWrittenAndBytesDone) {
  NDIS_REQUEST r{};
  r.RequestType = NdisRequestQueryInformation;
  unsigned char buf[8] = {1, 2, 3};
  r.DATA.QUERY_INFORMATION.Oid = 0x01010101;
  r.DATA.QUERY_INFORMATION.InformationBuffer = buf;
  r.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(buf);
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NdisRequest(&s, nullptr, &r);
  EXPECT_EQ(s, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].arg[2], 0x01010101u);
  EXPECT_EQ(sink_.events[1].status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(sink_.events[1].arg[0], 3u);
  EXPECT_EQ(sink_.events[1].blob_len, sizeof(buf));
  sink_.events.clear();
  NdisRequest(&s, nullptr, nullptr);  // NULL request: recorded, never dereferenced here
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].arg[1], kNullSlot);
}

}  // namespace
}  // namespace ndisconf
