// Driver-level tests of the reference WMP over a SoftNic, with a fake NDIS
// (testing/fake_ndis5.h) playing NDIS, NDISWAN and NDISTAPI: the spec's
// Appendix A W1, W2 and W3 sequences and the WMP obligations of 5.11-5.17.
// End-to-end runs over the NDIS model: wmp_e2e_test.cc.
//
// Why one file of ~630 lines: a third of it is the WmpTest fixture (fake NDIS
// wiring, dial/answer/GET_ID helpers) that every test below uses, and the
// tests follow the spec's W1, W2, W3 sequences in order, each next to the
// edge cases of the same step; split, both halves would need that fixture
// through a shared header and the sequences would be read in two places.
#include "reference/drivers/wmp/wmp.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/wmp/testing/fake_ndis5.h"
#include "reference/drivers/wmp/wmp_codec.h"
#include "reference/nic/soft_nic.h"

namespace ndisconf::drivers {
namespace {

using testing::FakeNdis5;

constexpr ULONG kBase = 10;
constexpr HTAPI_LINE kHtLine = 0xA1;
constexpr HTAPI_CALL kHtCall = 0xC1;

class WmpTest : public ::testing::Test {
 protected:
  void Start(WmpConfig config = {}, nic::SoftNicConfig nic_config = {}) {
    nic_ = nic::SoftNic::Create(nic_config);
    ASSERT_NE(nic_, nullptr);
    config.raise_interrupt = [this](NDIS_HANDLE) { fake_.RaiseInterrupt(); };
    wmp_ = std::make_unique<Wmp>(*nic_, config);
    ASSERT_EQ(wmp_->DriverEntry(nullptr, nullptr), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(fake_.Initialize(), NDIS_STATUS_SUCCESS);
  }
  void TearDown() override {
    // Every indication bracket closed (WAN-010); none from the ISR, none
    // with a lock held, none at the wrong IRQL (WAN-002..004).
    EXPECT_EQ(fake_.bracket_depth, 0);
    EXPECT_EQ(fake_.violations, 0);
  }
  WmpAdapter& adapter() { return wmp_->mutable_adapter(0); }
  void Advance(nic::Ticks t) {
    nic_->Advance(t);
    fake_.Run();
  }

  NDIS_STATUS ProviderInit() {
    NDIS_TAPI_PROVIDER_INITIALIZE r{};
    r.ulDeviceIDBase = kBase;
    NDIS_STATUS s = fake_.Query(OID_TAPI_PROVIDER_INITIALIZE, &r, sizeof(r));
    num_lines_ = r.ulNumLineDevs;
    provider_id_ = r.ulProviderID;
    return s;
  }
  HDRV_LINE Open(ULONG device = kBase, HTAPI_LINE ht = kHtLine) {
    NDIS_TAPI_OPEN r{};
    r.ulDeviceID = device;
    r.htLine = ht;
    EXPECT_EQ(fake_.Query(OID_TAPI_OPEN, &r, sizeof(r)), NDIS_STATUS_SUCCESS);
    return r.hdLine;
  }
  NDIS_STATUS MediaDetection(HDRV_LINE line, ULONG modes) {
    NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION r{};
    r.hdLine = line;
    r.ulMediaModes = modes;
    return fake_.Set(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, &r, sizeof(r));
  }
  NDIS_STATUS MakeCall(HDRV_LINE line, HDRV_CALL* hd, const std::string& number = "5551234",
                       HTAPI_CALL ht = kHtCall) {
    std::vector<uint8_t> buf(sizeof(NDIS_TAPI_MAKE_CALL) + number.size() + 1, 0);
    NDIS_TAPI_MAKE_CALL r;
    std::memset(&r, 0, sizeof(r));
    r.hdLine = line;
    r.htCall = ht;
    r.ulDestAddressSize = static_cast<ULONG>(number.size() + 1);
    r.ulDestAddressOffset = sizeof(NDIS_TAPI_MAKE_CALL);
    r.bUseDefaultLineCallParams = TRUE;
    std::memcpy(buf.data(), &r, sizeof(r));
    std::memcpy(buf.data() + sizeof(r), number.data(), number.size());
    NDIS_STATUS s = fake_.Query(OID_TAPI_MAKE_CALL, buf.data(), static_cast<ULONG>(buf.size()));
    std::memcpy(&r, buf.data(), sizeof(r));
    *hd = r.hdCall;
    return s;
  }
  // OID_TAPI_GET_ID; *lc gets the DeviceID body as a handle (if any).
  std::vector<uint8_t> GetIdBuffer(const std::string& device_class, ULONG select, HDRV_CALL call,
                                   HDRV_LINE line = 0) {
    const size_t body = 16;
    const size_t class_offset = wmp::kDeviceIdBodyOffset + body;
    std::vector<uint8_t> buf(class_offset + device_class.size() + 1, 0);
    NDIS_TAPI_GET_ID g;
    std::memset(&g, 0, sizeof(g));
    g.hdLine = line;
    g.hdCall = call;
    g.ulSelect = select;
    g.ulDeviceClassSize = static_cast<ULONG>(device_class.size() + 1);
    g.ulDeviceClassOffset = static_cast<ULONG>(class_offset);
    g.DeviceID.ulTotalSize = static_cast<ULONG>(sizeof(VAR_STRING) + body);
    std::memcpy(buf.data(), &g, wmp::kDeviceIdBodyOffset);
    std::memcpy(buf.data() + class_offset, device_class.data(), device_class.size());
    return buf;
  }
  NDIS_STATUS GetId(HDRV_CALL call, NDIS_HANDLE* lc, const std::string& cls = "NDIS") {
    get_id_buf_ = GetIdBuffer(cls, LINECALLSELECT_CALL, call);
    NDIS_STATUS s =
        fake_.Query(OID_TAPI_GET_ID, get_id_buf_.data(), static_cast<ULONG>(get_id_buf_.size()));
    *lc = DeviceIdHandle();
    return s;
  }
  NDIS_HANDLE DeviceIdHandle() {
    auto body = wmp::ReadDeviceId(get_id_buf_);
    NDIS_HANDLE lc = nullptr;
    if (body && body->size() == sizeof(lc)) std::memcpy(&lc, body->data(), sizeof(lc));
    return lc;
  }
  NDIS_STATUS CallOid(NDIS_OID oid, HDRV_CALL call) {
    NDIS_TAPI_CLOSE_CALL r{};  // ulRequestID, hdCall: the prefix of DROP/ANSWER/ACCEPT too
    r.hdCall = call;
    std::vector<uint8_t> buf(sizeof(NDIS_TAPI_DROP) + 8, 0);
    std::memcpy(buf.data(), &r, sizeof(r));
    return fake_.Set(oid, buf.data(), static_cast<ULONG>(buf.size()));
  }
  NDIS_STATUS Close(HDRV_LINE line) {
    NDIS_TAPI_CLOSE r{};
    r.hdLine = line;
    return fake_.Set(OID_TAPI_CLOSE, &r, sizeof(r));
  }
  // Index in fake_.calls of the first NdisMIndicateStatus matching.
  size_t IndexOf(NDIS_STATUS status, ULONG msg = 0, ULONG_PTR p1 = 0) {
    for (size_t i = 0; i < fake_.calls.size(); ++i) {
      const auto& c = fake_.calls[i];
      if (c.fn != "NdisMIndicateStatus" || c.status != status) continue;
      if (status != NDIS_STATUS_TAPI_INDICATION) return i;
      NDIS_TAPI_EVENT e;
      std::memcpy(&e, c.out.data(), sizeof(e));
      if (e.ulMsg == msg && (p1 == 0 || e.ulParam1 == p1)) return i;
    }
    return SIZE_MAX;
  }
  // W1 up to a connected call; returns hdCall, *lc the link context.
  HDRV_CALL ConnectedOutbound(NDIS_HANDLE* lc) {
    EXPECT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
    HDRV_LINE line = Open();
    HDRV_CALL hd = 0;
    EXPECT_EQ(MakeCall(line, &hd), NDIS_STATUS_SUCCESS);
    EXPECT_EQ(GetId(hd, lc), NDIS_STATUS_SUCCESS);
    Advance(10);
    return hd;
  }

  FakeNdis5 fake_;
  std::unique_ptr<nic::SoftNic> nic_;
  std::unique_ptr<Wmp> wmp_;
  ULONG num_lines_ = 0;
  ULONG_PTR provider_id_ = 0;
  std::vector<uint8_t> get_id_buf_;
};

TEST_F(WmpTest, RegistersNdis51WanWrapperAndAnswersGetInfoAsTapiProvider) {
  // Checks WAN-095:
  // registers with NDIS_USE_WAN_WRAPPER ... TAPI_PROVIDER in NDIS_WAN_INFO.FramingBits
  Start();
  const NDIS_MINIPORT_CHARACTERISTICS& c = fake_.chars();
  EXPECT_EQ(c.MajorNdisVersion, 5);
  EXPECT_EQ(c.MinorNdisVersion, 1);
  EXPECT_EQ(c.Reserved, static_cast<UINT>(NDIS_USE_WAN_WRAPPER));
  EXPECT_NE(c.WanSendHandler, nullptr);
  EXPECT_NE(c.ISRHandler, nullptr);
  EXPECT_NE(c.HandleInterruptHandler, nullptr);
  EXPECT_NE(c.QueryInformationHandler, nullptr);
  EXPECT_NE(c.SetInformationHandler, nullptr);
  EXPECT_EQ(fake_.attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE, 0u);  // serialized default
  NDIS_WAN_INFO info{};
  ASSERT_EQ(fake_.Query(OID_WAN_GET_INFO, &info, sizeof(info)), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(info.FramingBits & (TAPI_PROVIDER | PPP_FRAMING),
            static_cast<ULONG>(TAPI_PROVIDER | PPP_FRAMING));
  EXPECT_EQ(info.MaxTransmit, 4u);  // WAN-096: the default send window
  EXPECT_EQ(info.Endpoints, 2u);
  ULONG speed = 0;
  ASSERT_EQ(fake_.Query(OID_GEN_LINK_SPEED, &speed, sizeof(speed)), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(speed, 640u);  // 64 kbps in 100 bps units
}

TEST_F(WmpTest, TwoInstancesRegisterDistinctInitializeEntryPoints) {
  Start();
  Wmp other(*nic_);
  EXPECT_NE(other.instance(), wmp_->instance());
  EXPECT_NE(other.MakeCharacteristics().InitializeHandler, fake_.chars().InitializeHandler);
}

TEST_F(WmpTest, DeserializedConfigSetsTheAttribute) {
  WmpConfig config;
  config.deserialized = true;
  Start(config);
  EXPECT_NE(fake_.attribute_flags() & NDIS_ATTRIBUTE_DESERIALIZE, 0u);
}

TEST_F(WmpTest, ProviderInitializeNumbersLinesFromBase) {
  // Checks WAN-082: line IDs base..base+n-1; a unique ulProviderID
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(num_lines_, 2u);
  EXPECT_EQ(provider_id_, reinterpret_cast<ULONG_PTR>(fake_.AdapterHandle()));
  EXPECT_NE(Open(kBase + 1), 0u);
  NDIS_TAPI_OPEN r{};
  r.ulDeviceID = kBase + 2;
  EXPECT_EQ(fake_.Query(OID_TAPI_OPEN, &r, sizeof(r)), NDIS_STATUS_TAPI_NODEVICE);
}

TEST_F(WmpTest, W1OutboundCallLineUpBeforeGetIdReturnsAndConnectedAfter) {
  // Checks WAN-021, WAN-026, WAN-022:
  // the initial line-up ... must be completed before GET_ID returns
  // DeviceID = NdisLinkContext
  // line-up(call) < LINE_CALLSTATE(CONNECTED, htCall)
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_LINE line = Open();
  HDRV_CALL hd = 0;
  ASSERT_EQ(MakeCall(line, &hd), NDIS_STATUS_SUCCESS);
  EXPECT_NE(hd, 0u);
  EXPECT_EQ(fake_.CallStates(),
            (std::vector<ULONG_PTR>{LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING}));
  for (const NDIS_TAPI_EVENT& e : fake_.TapiEvents()) {
    EXPECT_EQ(e.htLine, kHtLine);
    EXPECT_EQ(e.htCall, kHtCall);
  }
  NDIS_HANDLE lc = nullptr;
  const size_t before = fake_.calls.size();
  ASSERT_EQ(GetId(hd, &lc), NDIS_STATUS_SUCCESS);
  // The line-up happened inside the request, with a NULL context going in.
  ASSERT_EQ(fake_.LineUps().size(), 1u);
  const size_t up_index = IndexOf(NDIS_STATUS_WAN_LINE_UP);
  ASSERT_GE(up_index, before);
  NDIS_MAC_LINE_UP in;
  std::memcpy(&in, fake_.calls[up_index].in.data(), sizeof(in));
  EXPECT_EQ(in.NdisLinkContext, nullptr);                                     // WAN-023
  EXPECT_EQ(in.ConnectionWrapperID, reinterpret_cast<NDIS_HANDLE>(kHtCall));  // WAN-027
  EXPECT_NE(in.NdisLinkHandle, nullptr);                                      // WAN-028
  EXPECT_EQ(in.LinkSpeed, 640u);
  EXPECT_EQ(in.Quality, NdisWanErrorControl);
  ASSERT_NE(lc, nullptr);
  EXPECT_EQ(lc, fake_.LineUps()[0].NdisLinkContext);  // WAN-026
  EXPECT_EQ(adapter().links[0]->link_context, lc);    // WAN-025
  EXPECT_EQ(fake_.calls[up_index + 1].fn, "NdisMIndicateStatusComplete");
  // Not connected yet on the NIC: no CONNECTED so far.
  EXPECT_EQ(IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED),
            SIZE_MAX);
  Advance(10);
  const size_t connected =
      IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  ASSERT_NE(connected, SIZE_MAX);
  EXPECT_GT(connected, up_index);
  EXPECT_EQ(adapter().calls[0]->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));

  // L7: a send on the link completes through the NIC's TxComplete.
  uint8_t frame[16] = {0xFF, 0x03};
  NDIS_WAN_PACKET p{};
  p.CurrentBuffer = frame;
  p.CurrentLength = sizeof(frame);
  EXPECT_EQ(fake_.WanSend(in.NdisLinkHandle, &p), NDIS_STATUS_PENDING);
  Advance(5);
  ASSERT_EQ(fake_.send_completions.size(), 1u);
  EXPECT_EQ(fake_.send_completions[0].first, &p);
  EXPECT_EQ(fake_.send_completions[0].second, NDIS_STATUS_SUCCESS);
}

TEST_F(WmpTest, ConnectBeforeGetIdIsHeldUntilTheLineUp) {
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_CALL hd = 0;
  ASSERT_EQ(MakeCall(Open(), &hd), NDIS_STATUS_SUCCESS);
  Advance(10);  // the NIC connects; no line-up yet
  EXPECT_EQ(IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED),
            SIZE_MAX);
  EXPECT_TRUE(adapter().calls[0]->connected_held);
  NDIS_HANDLE lc = nullptr;
  ASSERT_EQ(GetId(hd, &lc), NDIS_STATUS_SUCCESS);
  const size_t up = IndexOf(NDIS_STATUS_WAN_LINE_UP);
  const size_t connected =
      IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  ASSERT_NE(connected, SIZE_MAX);
  EXPECT_LT(up, connected);  // WAN-022
}

TEST_F(WmpTest, SecondGetIdReturnsTheSameContextWithoutALineUp) {
  // Checks WAN-034:
  // a line-up only for the first GET_ID of a call (or a new class with separate channels)
  Start();
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  NDIS_HANDLE again = nullptr;
  ASSERT_EQ(GetId(hd, &again, "ndis"), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(again, lc);
  EXPECT_EQ(fake_.LineUps().size(), 1u);
}

TEST_F(WmpTest, SeparateChannelsPerClassMakeANewLineUpForANewClass) {
  WmpConfig config;
  config.separate_channels_per_class = true;
  config.data_device_classes = {"ndis", "ndis/voice"};
  Start(config);
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  NDIS_HANDLE second = nullptr;
  ASSERT_EQ(GetId(hd, &second, "NDIS/Voice"), NDIS_STATUS_SUCCESS);
  EXPECT_NE(second, lc);
  ASSERT_EQ(fake_.LineUps().size(), 2u);
  EXPECT_NE(fake_.LineUps()[0].NdisLinkHandle, fake_.LineUps()[1].NdisLinkHandle);
}

TEST_F(WmpTest, PendedGetIdMakesTheLineUpBeforeItsCompletion) {
  // Checks WAN-074: If GET_ID is pended, the initial line-up must still precede its completion
  for (bool deserialized : {false, true}) {
    SCOPED_TRACE(deserialized ? "deserialized" : "serialized");
    fake_.calls.clear();
    fake_.request_completions.clear();
    WmpConfig config;
    config.get_id = GetIdCompletion::kPending;
    config.deserialized = deserialized;
    wmp_.reset();
    Start(config);
    ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
    HDRV_CALL hd = 0;
    ASSERT_EQ(MakeCall(Open(), &hd), NDIS_STATUS_SUCCESS);
    NDIS_HANDLE lc = nullptr;
    ASSERT_EQ(GetId(hd, &lc), NDIS_STATUS_PENDING);
    EXPECT_EQ(fake_.LineUps().size(), deserialized ? 0u : 1u);
    fake_.Run();
    ASSERT_EQ(fake_.request_completions.size(), 1u);
    EXPECT_EQ(fake_.request_completions[0], NDIS_STATUS_SUCCESS);
    size_t complete = 0;
    for (size_t i = 0; i < fake_.calls.size(); ++i) {
      if (fake_.calls[i].fn == "NdisMQueryInformationComplete") complete = i;
    }
    EXPECT_LT(IndexOf(NDIS_STATUS_WAN_LINE_UP), complete);
    EXPECT_EQ(DeviceIdHandle(), fake_.LineUps()[0].NdisLinkContext);
  }
}

TEST_F(WmpTest, GetIdForms) {
  // Checks WAN-073: a stale hdCall gives INVALCALLHANDLE
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_LINE line = Open(kBase + 1);
  NDIS_HANDLE lc = nullptr;
  EXPECT_EQ(GetId(0x9999, &lc), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  EXPECT_TRUE(fake_.LineUps().empty());
  // "tapi/line" + LINE: the line's device ID (WAN-070 form 2).
  get_id_buf_ = GetIdBuffer("tapi/line", LINECALLSELECT_LINE, 0, line);
  ASSERT_EQ(
      fake_.Query(OID_TAPI_GET_ID, get_id_buf_.data(), static_cast<ULONG>(get_id_buf_.size())),
      NDIS_STATUS_SUCCESS);
  auto body = wmp::ReadDeviceId(get_id_buf_);
  ASSERT_TRUE(body && body->size() == sizeof(ULONG));
  ULONG id = 0;
  std::memcpy(&id, body->data(), sizeof(id));
  EXPECT_EQ(id, kBase + 1);
  get_id_buf_ = GetIdBuffer("tapi/line", LINECALLSELECT_LINE, 0, line + 77);
  EXPECT_EQ(
      fake_.Query(OID_TAPI_GET_ID, get_id_buf_.data(), static_cast<ULONG>(get_id_buf_.size())),
      NDIS_STATUS_TAPI_INVALLINEHANDLE);
  // Malformed class offset (WAN-072).
  get_id_buf_ = GetIdBuffer("ndis", LINECALLSELECT_CALL, 1);
  reinterpret_cast<NDIS_TAPI_GET_ID*>(get_id_buf_.data())->ulDeviceClassOffset = 0xFFFF;
  EXPECT_EQ(
      fake_.Query(OID_TAPI_GET_ID, get_id_buf_.data(), static_cast<ULONG>(get_id_buf_.size())),
      NDIS_STATUS_INVALID_DATA);
  ULONG needed = 0;
  EXPECT_EQ(fake_.Query(OID_TAPI_GET_ID, get_id_buf_.data(), 10, nullptr, &needed),
            NDIS_STATUS_INVALID_LENGTH);
  EXPECT_EQ(needed, sizeof(NDIS_TAPI_GET_ID));
}

TEST_F(WmpTest, W2InboundCallNewCallOfferingAnswerLineUpConnected) {
  // Checks WAN-062, WAN-091:
  // LINE_NEWCALL{htCall 0, hdCall, 0, 0}; keep ulParam2; then OFFERING with the media mode
  // ANSWER without a preceding ACCEPT is treated as both
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_LINE line = Open();
  ASSERT_EQ(MediaDetection(line, LINEMEDIAMODE_DIGITALDATA), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(nic_->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  fake_.Run();
  std::vector<NDIS_TAPI_EVENT> ev = fake_.TapiEvents();
  ASSERT_EQ(ev.size(), 2u);
  NDIS_TAPI_EVENT in_newcall;
  std::memcpy(&in_newcall,
              fake_.calls[IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_NEWCALL)].in.data(),
              sizeof(in_newcall));
  EXPECT_EQ(in_newcall.htLine, kHtLine);
  EXPECT_EQ(in_newcall.htCall, 0u);
  EXPECT_EQ(in_newcall.ulParam2, 0u);
  EXPECT_EQ(in_newcall.ulParam3, 0u);
  const HDRV_CALL hd = in_newcall.ulParam1;
  const HTAPI_CALL ht = ev[0].ulParam2;  // written by NDISTAPI
  EXPECT_NE(ht, 0u);
  EXPECT_EQ(ev[1].ulMsg, static_cast<ULONG>(LINE_CALLSTATE));
  EXPECT_EQ(ev[1].htCall, ht);
  EXPECT_EQ(ev[1].ulParam1, static_cast<ULONG_PTR>(LINECALLSTATE_OFFERING));
  EXPECT_EQ(ev[1].ulParam3, static_cast<ULONG_PTR>(LINEMEDIAMODE_DIGITALDATA));
  ASSERT_EQ(CallOid(OID_TAPI_ANSWER, hd), NDIS_STATUS_SUCCESS);
  Advance(5);
  EXPECT_EQ(IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED),
            SIZE_MAX);
  NDIS_HANDLE lc = nullptr;
  ASSERT_EQ(GetId(hd, &lc), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(fake_.LineUps().size(), 1u);
  EXPECT_EQ(fake_.LineUps()[0].ConnectionWrapperID, reinterpret_cast<NDIS_HANDLE>(ht));
  const size_t connected =
      IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  ASSERT_NE(connected, SIZE_MAX);
  EXPECT_LT(IndexOf(NDIS_STATUS_WAN_LINE_UP), connected);
}

TEST_F(WmpTest, IncomingCallWithoutMediaDetectionIsNotIndicated) {
  // Checks WAN-063: With no SET_DEFAULT_MEDIA_DETECTION the line is outbound-only
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_LINE line = Open();
  ASSERT_EQ(nic_->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  fake_.Run();
  EXPECT_TRUE(fake_.TapiEvents().empty());
  EXPECT_EQ(adapter().counts.offers_rejected, 1u);
  // Voice is not among the modes enabled: still not indicated.
  ASSERT_EQ(MediaDetection(line, LINEMEDIAMODE_DIGITALDATA), NDIS_STATUS_SUCCESS);
  Advance(1);
  ASSERT_EQ(nic_->InjectIncomingCall(nic::ChannelId{0}, "2", nic::Bearer::kVoice),
            nic::OpStatus::kOk);
  fake_.Run();
  EXPECT_TRUE(fake_.TapiEvents().empty());
  EXPECT_EQ(MediaDetection(line, LINEMEDIAMODE_G3FAX), NDIS_STATUS_TAPI_INVALMEDIAMODE);
}

TEST_F(WmpTest, RingingLineStateOnlyWhenEnabled) {
  // Checks WAN-065: LINE_LINEDEVSTATE only if enabled by SET_STATUS_MESSAGES
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_LINE line = Open();
  ASSERT_EQ(MediaDetection(line, LINEMEDIAMODE_DIGITALDATA), NDIS_STATUS_SUCCESS);
  NDIS_TAPI_SET_STATUS_MESSAGES m{};
  m.hdLine = line;
  m.ulLineStates = LINEDEVSTATE_RINGING;
  ASSERT_EQ(fake_.Set(OID_TAPI_SET_STATUS_MESSAGES, &m, sizeof(m)), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(nic_->InjectIncomingCall(nic::ChannelId{0}, "1"), nic::OpStatus::kOk);
  fake_.Run();
  EXPECT_NE(IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING),
            SIZE_MAX);
}

TEST_F(WmpTest, W3FragmentLineDownDropCloseCallCloseShutdown) {
  // Checks WAN-050, WAN-040, WAN-085, WAN-086:
  // a partial packet -> NDIS_STATUS_WAN_FRAGMENT {NdisLinkContext, Errors}
  // Whenever a link goes down, NDIS_STATUS_WAN_LINE_DOWN
  // DROP: indicate IDLE; handles stay valid until CLOSE_CALL
  // CLOSE_CALL cannot fail; a DROP after it fails
  Start();
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  nic::ScheduledFault crc;
  crc.channel = nic::ChannelId{0};
  crc.kind = nic::FaultKind::kCrc;
  ASSERT_EQ(nic_->InjectFault(crc), nic::OpStatus::kOk);
  const uint8_t frame[] = {1, 2, 3, 4};
  ASSERT_EQ(nic_->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);
  fake_.Run();
  const size_t frag = IndexOf(NDIS_STATUS_WAN_FRAGMENT);
  ASSERT_NE(frag, SIZE_MAX);
  NDIS_MAC_FRAGMENT f;
  std::memcpy(&f, fake_.calls[frag].in.data(), sizeof(f));
  EXPECT_EQ(f.NdisLinkContext, lc);
  EXPECT_EQ(f.Errors, WAN_ERROR_CRC);
  // A good frame is received on the link's context.
  ASSERT_EQ(nic_->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);
  fake_.Run();
  ASSERT_EQ(fake_.received.size(), 1u);

  ASSERT_EQ(nic_->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  fake_.Run();
  const size_t down = IndexOf(NDIS_STATUS_WAN_LINE_DOWN);
  ASSERT_NE(down, SIZE_MAX);
  NDIS_MAC_LINE_DOWN d;
  std::memcpy(&d, fake_.calls[down].in.data(), sizeof(d));
  EXPECT_EQ(d.NdisLinkContext, lc);
  const size_t disc =
      IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED);
  ASSERT_NE(disc, SIZE_MAX);
  NDIS_TAPI_EVENT e;
  std::memcpy(&e, fake_.calls[disc].in.data(), sizeof(e));
  EXPECT_EQ(e.ulParam2, static_cast<ULONG_PTR>(LINEDISCONNECTMODE_NORMAL));  // WAN-087
  EXPECT_EQ(e.htCall, kHtCall);

  EXPECT_EQ(CallOid(OID_TAPI_DROP, hd), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(fake_.CallStates().back(), static_cast<ULONG_PTR>(LINECALLSTATE_IDLE));
  EXPECT_EQ(CallOid(OID_TAPI_DROP, hd), NDIS_STATUS_SUCCESS);  // still valid (WAN-085)
  EXPECT_EQ(CallOid(OID_TAPI_CLOSE_CALL, hd), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(CallOid(OID_TAPI_DROP, hd), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  EXPECT_EQ(CallOid(OID_TAPI_CLOSE_CALL, hd), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  EXPECT_EQ(fake_.LineUps().size(), 1u);
  EXPECT_EQ(adapter().counts.line_down, 1u);
  HDRV_LINE line = adapter().lines[0].hd_line;
  EXPECT_EQ(Close(line), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(Close(line), NDIS_STATUS_TAPI_INVALLINEHANDLE);
  NDIS_TAPI_PROVIDER_SHUTDOWN s{};
  EXPECT_EQ(fake_.Set(OID_TAPI_PROVIDER_SHUTDOWN, &s, sizeof(s)), NDIS_STATUS_SUCCESS);
}

TEST_F(WmpTest, CloseCallOnAConnectedCallDropsWithLineDownThenIdle) {
  // Checks OQ-28: line-down before CLOSE_CALL completes for a call that had a line-up
  Start();
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  EXPECT_EQ(CallOid(OID_TAPI_CLOSE_CALL, hd), NDIS_STATUS_SUCCESS);
  const size_t down = IndexOf(NDIS_STATUS_WAN_LINE_DOWN);
  const size_t idle = IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_IDLE);
  ASSERT_NE(down, SIZE_MAX);
  ASSERT_NE(idle, SIZE_MAX);
  EXPECT_LT(down, idle);
}

TEST_F(WmpTest, CloseWithALiveCallClosesTheCallFirst) {
  // Checks WAN-088: CLOSE on an active line: calls are closed first (OQ-37)
  Start();
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  EXPECT_EQ(Close(adapter().lines[0].hd_line), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(adapter().counts.line_down, 1u);
  EXPECT_EQ(fake_.CallStates().back(), static_cast<ULONG_PTR>(LINECALLSTATE_IDLE));
  EXPECT_EQ(CallOid(OID_TAPI_DROP, hd), NDIS_STATUS_TAPI_INVALCALLHANDLE);
}

TEST_F(WmpTest, SpeedChangeMakesANewLineUpWithBothHandles) {
  // Checks WAN-032:
  // later line-ups carry both NdisLinkHandle and NdisLinkContext and the new LinkSpeed
  Start();
  NDIS_HANDLE lc = nullptr;
  ConnectedOutbound(&lc);
  nic::ScheduledFault speed;
  speed.channel = nic::ChannelId{0};
  speed.kind = nic::FaultKind::kSpeedChange;
  speed.speed_bps = 128000;
  ASSERT_EQ(nic_->InjectFault(speed), nic::OpStatus::kOk);
  fake_.Run();
  std::vector<NDIS_MAC_LINE_UP> ups = fake_.LineUps();
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(ups[1].NdisLinkContext, lc);
  EXPECT_EQ(ups[1].NdisLinkHandle, ups[0].NdisLinkHandle);
  EXPECT_EQ(ups[1].LinkSpeed, 1280u);
  EXPECT_EQ(fake_.LineUps().size(), 2u);  // NDISWAN did not hand out a new context
  EXPECT_EQ(adapter().links[0]->link_context, lc);
}

TEST_F(WmpTest, UnsupportedTapiOidIsOperationUnavail) {
  // Checks WAN-080: unsupported TAPI requests -> NDIS_STATUS_TAPI_OPERATIONUNAVAIL
  Start();
  uint8_t buf[64] = {};
  EXPECT_EQ(fake_.Set(OID_TAPI_DEV_SPECIFIC, buf, sizeof(buf)), NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  EXPECT_EQ(fake_.Query(0x0001FFFF, buf, sizeof(buf)), NDIS_STATUS_INVALID_OID);
  EXPECT_EQ(fake_.Set(OID_WAN_GET_INFO, buf, sizeof(buf)), NDIS_STATUS_INVALID_OID);
}

TEST_F(WmpTest, SendOnUnknownOrDownLinkIsRefused) {
  // Checks WAN-033: no MiniportWanSend with an unknown or unestablished NdisLinkHandle
  Start();
  NDIS_WAN_PACKET p{};
  uint8_t byte = 0;
  p.CurrentBuffer = &byte;
  p.CurrentLength = 1;
  int not_a_link = 0;
  EXPECT_EQ(fake_.WanSend(&not_a_link, &p), NDIS_STATUS_INVALID_DATA);
  NDIS_HANDLE lc = nullptr;
  HDRV_CALL hd = ConnectedOutbound(&lc);
  NDIS_HANDLE mlh = fake_.LineUps()[0].NdisLinkHandle;
  EXPECT_EQ(CallOid(OID_TAPI_DROP, hd), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(fake_.WanSend(mlh, &p), NDIS_STATUS_FAILURE);
  EXPECT_EQ(adapter().counts.sends_refused, 2u);
}

TEST_F(WmpTest, HaltDisconnectsWithoutIndicatingAndKeepsCallState) {
  // Checks WAN-089: Halt disconnects calls but keeps per-call state until CLOSE_CALL
  Start();
  NDIS_HANDLE lc = nullptr;
  ConnectedOutbound(&lc);
  const size_t before = fake_.calls.size();
  fake_.Halt();
  for (size_t i = before; i < fake_.calls.size(); ++i) {
    EXPECT_NE(fake_.calls[i].fn, "NdisMIndicateStatus");  // WAN-002
  }
  ASSERT_EQ(adapter().calls.size(), 1u);
  EXPECT_FALSE(adapter().calls[0]->closed);
  EXPECT_EQ(adapter().calls[0]->ht_call, kHtCall);
  EXPECT_EQ(nic_->Status(nic::ChannelId{0})->call_state, nic::CallState::kIdle);
}

TEST_F(WmpTest, DialFailureBusyDisconnectsWithBusyMode) {
  nic::SoftNicConfig nc;
  nc.channels.resize(2);
  nc.channels[0].peer.dial_outcome = nic::DialOutcome::kBusy;
  Start({}, nc);
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_CALL hd = 0;
  ASSERT_EQ(MakeCall(Open(), &hd), NDIS_STATUS_SUCCESS);
  Advance(5);
  const size_t disc =
      IndexOf(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED);
  ASSERT_NE(disc, SIZE_MAX);
  NDIS_TAPI_EVENT e;
  std::memcpy(&e, fake_.calls[disc].in.data(), sizeof(e));
  EXPECT_EQ(e.ulParam2, static_cast<ULONG_PTR>(LINEDISCONNECTMODE_BUSY));
  NDIS_HANDLE lc = nullptr;
  EXPECT_EQ(GetId(hd, &lc), NDIS_STATUS_FAILURE);
  EXPECT_TRUE(fake_.LineUps().empty());
}

TEST_F(WmpTest, MakeCallOnUnknownLineIsInvalLineHandle) {
  Start();
  ASSERT_EQ(ProviderInit(), NDIS_STATUS_SUCCESS);
  HDRV_CALL hd = 0;
  EXPECT_EQ(MakeCall(0x4242, &hd), NDIS_STATUS_TAPI_INVALLINEHANDLE);
  HDRV_LINE line = Open();
  EXPECT_EQ(MakeCall(line, &hd, "not a number!"), NDIS_STATUS_TAPI_INVALADDRESS);
}

}  // namespace
}  // namespace ndisconf::drivers
