// The NDIS 5.1 WAN entry points at the boundary: behaviour with no WAN host,
// kBuffer recording (length slot, capped blob, nothing behind NULL), the
// buffer recorded again on return as the host left it (WAN-024, WAN-103),
// and the calls a host makes through the characteristics it was handed.
#include <gtest/gtest.h>
#include <ndis.h>

#include <cstring>
#include <vector>

#include "reference/boundary/boundary.h"

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
  NDIS_STATUS NdisMRegisterMiniport(NDIS_HANDLE, PNDIS_MINIPORT_CHARACTERISTICS c, UINT) override {
    if (c != nullptr) miniport = *c;
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
  VOID NdisRegisterProtocol(PNDIS_STATUS s, PNDIS_HANDLE, PNDIS_PROTOCOL_CHARACTERISTICS c,
                            UINT) override {
    if (c != nullptr) protocol = *c;
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

  // The characteristics as the last registration handed them over.
  NDIS_MINIPORT_CHARACTERISTICS miniport{};
  NDIS_PROTOCOL_CHARACTERISTICS protocol{};
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

// ---- Upcalls: the host calls the handlers it was handed; the boundary
// records them (docs/wan_events.md gives the slots). ----

ActorId g_actor_in_handler = kNoActor;

VOID Isr(PBOOLEAN recognized, PBOOLEAN queue, NDIS_HANDLE) {
  g_actor_in_handler = Boundary::Get().CurrentActor();
  *recognized = TRUE;
  *queue = FALSE;
}
NDIS_STATUS WanSend(NDIS_HANDLE, NDIS_HANDLE, PNDIS_WAN_PACKET) { return NDIS_STATUS_PENDING; }
NDIS_STATUS Send(NDIS_HANDLE, PVOID, UINT) { return NDIS_STATUS_SUCCESS; }
VOID Status(NDIS_HANDLE, NDIS_STATUS, PVOID buffer, UINT size) {
  if (size >= 1) static_cast<unsigned char*>(buffer)[0] = 0x5A;  // written back
}

TEST_F(WanBoundary, WanMiniportHandlersCalledByTheHostAreRecordedAsTheMiniport) {
  constexpr ActorId kMiniport = 3;
  NDIS_MINIPORT_CHARACTERISTICS mc{};
  mc.MajorNdisVersion = 5;
  mc.MinorNdisVersion = 1;
  mc.Reserved = NDIS_USE_WAN_WRAPPER;
  mc.ISRHandler = Isr;
  mc.WanSendHandler = WanSend;
  {
    ScopedActor driver(kMiniport);
    ASSERT_EQ(NdisMRegisterMiniport(nullptr, &mc, sizeof(mc)), NDIS_STATUS_SUCCESS);
  }
  EXPECT_NE(host_.miniport.ISRHandler, &Isr);
  EXPECT_EQ(host_.miniport.HaltHandler, nullptr);  // NULL stays NULL
  sink_.events.clear();

  BOOLEAN recognized = FALSE, queue = TRUE;
  host_.miniport.ISRHandler(&recognized, &queue, reinterpret_cast<NDIS_HANDLE>(0xC0));
  EXPECT_EQ(recognized, TRUE);
  EXPECT_EQ(g_actor_in_handler, kMiniport);
  NDIS_WAN_PACKET packet{};
  packet.CurrentLength = 5;
  EXPECT_EQ(host_.miniport.WanSendHandler(reinterpret_cast<NDIS_HANDLE>(0xC0),
                                          reinterpret_cast<NDIS_HANDLE>(0x11), &packet),
            NDIS_STATUS_PENDING);

  ASSERT_EQ(sink_.events.size(), 4u);
  const Event& isr = sink_.events[1];
  EXPECT_EQ(isr.fn, Fn::MiniportISR);
  EXPECT_EQ(isr.phase, Phase::kReturn);
  EXPECT_EQ(isr.actor, kMiniport);
  ASSERT_EQ(isr.arg_count, 2);
  EXPECT_EQ(isr.arg[0], 1u);  // InterruptRecognized
  EXPECT_EQ(isr.arg[1], 0u);  // QueueMiniportHandleInterrupt
  const Event& send = sink_.events[2];
  EXPECT_EQ(send.fn, Fn::MiniportWanSend);
  EXPECT_EQ(send.actor, kMiniport);
  ASSERT_EQ(send.arg_count, 4);
  EXPECT_EQ(send.arg[1], 0x11u);  // NdisLinkHandle
  EXPECT_EQ(send.arg[3], 5u);     // CurrentLength
  EXPECT_EQ(sink_.events[3].status, NDIS_STATUS_PENDING);
}

TEST_F(WanBoundary, SendHandlerOfANonWanMiniportIsHandedOverUnchanged) {
  // SendHandler shares its place with WanSendHandler; only a WAN miniport's
  // is a WanSendHandler to record.
  NDIS_MINIPORT_CHARACTERISTICS mc{};
  mc.MajorNdisVersion = 5;
  mc.SendHandler = Send;
  ASSERT_EQ(NdisMRegisterMiniport(nullptr, &mc, sizeof(mc)), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(host_.miniport.SendHandler, &Send);
}

TEST_F(WanBoundary, ProtocolStatusRecordsTheBufferAgainAsTheProtocolLeftIt) {
  constexpr ActorId kProtocol = 2;
  NDIS_PROTOCOL_CHARACTERISTICS pc{};
  pc.MajorNdisVersion = 5;
  pc.StatusHandler = Status;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NDIS_HANDLE h = nullptr;
  {
    ScopedActor driver(kProtocol);
    NdisRegisterProtocol(&s, &h, &pc, sizeof(pc));
  }
  ASSERT_EQ(s, NDIS_STATUS_SUCCESS);
  sink_.events.clear();
  unsigned char buffer[4] = {1, 2, 3, 4};
  host_.protocol.StatusHandler(reinterpret_cast<NDIS_HANDLE>(0xB0), NDIS_STATUS_WAN_FRAGMENT,
                               buffer, sizeof(buffer));
  ASSERT_EQ(sink_.events.size(), 2u);
  const Event& call = sink_.events[0];
  EXPECT_EQ(call.fn, Fn::ProtocolStatus);
  EXPECT_EQ(call.actor, kProtocol);
  ASSERT_EQ(call.blob_len, 4);
  EXPECT_EQ(call.blob[0], 1);
  const Event& ret = sink_.events[1];
  ASSERT_EQ(ret.blob_len, 4);
  EXPECT_EQ(ret.blob[0], 0x5A);
}

TEST_F(WanBoundary, RegistrationPastTheTableLimitReturnsResources) {
  NDIS_PROTOCOL_CHARACTERISTICS pc{};
  pc.MajorNdisVersion = 5;
  NDIS_STATUS s = NDIS_STATUS_FAILURE;
  NDIS_HANDLE h = nullptr;
  for (size_t i = 0; i < kMaxHandlerTables; ++i) {
    NdisRegisterProtocol(&s, &h, &pc, sizeof(pc));
    ASSERT_EQ(s, NDIS_STATUS_SUCCESS) << i;
  }
  NDIS_MINIPORT_CHARACTERISTICS mc{};
  EXPECT_EQ(NdisMRegisterMiniport(nullptr, &mc, sizeof(mc)), NDIS_STATUS_RESOURCES);
  h = reinterpret_cast<NDIS_HANDLE>(0x1);
  NdisRegisterProtocol(&s, &h, &pc, sizeof(pc));
  EXPECT_EQ(s, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(h, nullptr);
  EXPECT_EQ(sink_.events.back().fn, Fn::NdisRegisterProtocol);
  EXPECT_EQ(sink_.events.back().status, NDIS_STATUS_RESOURCES);
}

}  // namespace
}  // namespace ndisconf
