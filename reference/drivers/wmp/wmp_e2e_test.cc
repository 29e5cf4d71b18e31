// End-to-end runs of the reference WMP over the NDIS model, with a minimal
// NDIS 5 protocol stub bound to it playing NDISWAN/NDISTAPI (it writes the
// NdisLinkContext of an initial line-up and LINE_NEWCALL's htCall, WAN-024,
// WAN-062). The real NDISWAN is tested against the WMP in its own folder.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/common/support.h"
#include "reference/drivers/wmp/wmp.h"
#include "reference/drivers/wmp/wmp_codec.h"
#include "reference/nic/soft_nic.h"
#include "reference/stack/stack.h"

namespace ndisconf::drivers {
namespace {

constexpr HTAPI_LINE kHtLine = 0xA1;
constexpr HTAPI_CALL kHtCall = 0xC1;

// The NDIS 5 protocol stub. One instance per test (NDIS 5 BindAdapter has
// no protocol context, so the stub is found through a global).
class StubWan : public Driver {
 public:
  StubWan() : Driver("stub-ndiswan") { self_ = this; }
  ~StubWan() override { self_ = nullptr; }

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING) override {
    NDIS_PROTOCOL_CHARACTERISTICS c;
    std::memset(&c, 0, sizeof(c));
    c.MajorNdisVersion = 5;
    c.MinorNdisVersion = 1;
    c.OpenAdapterCompleteHandler = [](NDIS_HANDLE, NDIS_STATUS, NDIS_STATUS) {};
    c.CloseAdapterCompleteHandler = [](NDIS_HANDLE, NDIS_STATUS) {};
    c.WanSendCompleteHandler = [](NDIS_HANDLE, PNDIS_WAN_PACKET, NDIS_STATUS) {
      ++self_->send_completes;
    };
    c.ResetCompleteHandler = [](NDIS_HANDLE, NDIS_STATUS) {};
    c.RequestCompleteHandler = [](NDIS_HANDLE, PNDIS_REQUEST, NDIS_STATUS s) {
      self_->completions.push_back(s);
    };
    c.WanReceiveHandler = [](NDIS_HANDLE, PUCHAR, ULONG) -> NDIS_STATUS {
      ++self_->receives;
      return NDIS_STATUS_SUCCESS;
    };
    c.ReceiveCompleteHandler = [](NDIS_HANDLE) {};
    c.StatusHandler = [](NDIS_HANDLE, NDIS_STATUS s, PVOID buf, UINT size) {
      self_->OnStatus(s, buf, size);
    };
    c.StatusCompleteHandler = [](NDIS_HANDLE) { ++self_->status_completes; };
    c.BindAdapterHandler = [](PNDIS_STATUS status, NDIS_HANDLE, PNDIS_STRING name, PVOID, PVOID) {
      NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
      NDIS_MEDIUM media[] = {NdisMediumWan};
      UINT selected = 0;
      NdisOpenAdapter(status, &open_error, &self_->binding, &selected, media, 1, self_->protocol,
                      self_, name, 0, nullptr);
    };
    c.UnbindAdapterHandler = [](PNDIS_STATUS status, NDIS_HANDLE, NDIS_HANDLE) {
      NdisCloseAdapter(status, self_->binding);
    };
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    NdisRegisterProtocol(&s, &protocol, &c, sizeof(c));
    return s;
  }

  void OnStatus(NDIS_STATUS s, PVOID buf, UINT size) {
    events.push_back(s);
    if (s == NDIS_STATUS_WAN_LINE_UP && size >= sizeof(NDIS_MAC_LINE_UP)) {
      auto* up = static_cast<NDIS_MAC_LINE_UP*>(buf);
      if (up->NdisLinkContext == nullptr) {
        up->NdisLinkContext = reinterpret_cast<NDIS_HANDLE>(next_lc);
        next_lc += 0x10;
      }
      line_ups.push_back(*up);
    }
    if (s == NDIS_STATUS_TAPI_INDICATION && size >= sizeof(NDIS_TAPI_EVENT)) {
      auto* e = static_cast<NDIS_TAPI_EVENT*>(buf);
      if (e->ulMsg == LINE_NEWCALL) e->ulParam2 = 0x7001;
      tapi.push_back(*e);
    }
  }

  NDIS_STATUS Request(NDIS_REQUEST_TYPE type, NDIS_OID oid, void* buf, ULONG len) {
    requests.push_back(std::make_unique<NDIS_REQUEST>());
    NDIS_REQUEST& r = *requests.back();
    std::memset(&r, 0, sizeof(r));
    r.RequestType = type;
    r.DATA.QUERY_INFORMATION.Oid = oid;
    r.DATA.QUERY_INFORMATION.InformationBuffer = buf;
    r.DATA.QUERY_INFORMATION.InformationBufferLength = len;
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    NdisRequest(&s, binding, &r);
    return s;
  }

  static inline StubWan* self_ = nullptr;
  NDIS_HANDLE protocol = nullptr;
  NDIS_HANDLE binding = nullptr;
  uintptr_t next_lc = 0x1C000;
  std::vector<NDIS_STATUS> events;
  std::vector<NDIS_MAC_LINE_UP> line_ups;
  std::vector<NDIS_TAPI_EVENT> tapi;
  std::vector<NDIS_STATUS> completions;
  std::vector<std::unique_ptr<NDIS_REQUEST>> requests;
  int status_completes = 0, receives = 0, send_completes = 0;
};

class WmpE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nic_ = nic::SoftNic::Create({});
    ASSERT_NE(nic_, nullptr);
    stack_ = std::make_unique<stack::Stack>();
    WmpConfig config;
    config.raise_interrupt = [this](NDIS_HANDLE) { stack_->model().RaiseInterrupt(adapter_); };
    ActorId wmp_actor = kNoActor;
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    wmp_ = &stack_->Load(std::make_unique<Wmp>(*nic_, config), &wmp_actor, &s);
    ASSERT_EQ(s, NDIS_STATUS_SUCCESS);
    stub_ = &stack_->Load(std::make_unique<StubWan>(), nullptr, &s);
    ASSERT_EQ(s, NDIS_STATUS_SUCCESS);
    NDIS_STATUS init = NDIS_STATUS_FAILURE;
    adapter_ = stack_->AddAdapter(wmp_actor, "wmp0", NdisMediumWan, &init);
    ASSERT_EQ(init, NDIS_STATUS_SUCCESS);
    stack_->Settle();
    ASSERT_NE(stub_->binding, nullptr);
  }
  NDIS_STATUS Query(NDIS_OID oid, void* buf, ULONG len) {
    return stack_->As(*stub_,
                      [&] { return stub_->Request(NdisRequestQueryInformation, oid, buf, len); });
  }
  void Advance(nic::Ticks t) {
    nic_->Advance(t);
    stack_->Settle();
  }

  std::unique_ptr<nic::SoftNic> nic_;  // outlives the stack (and the WMP)
  std::unique_ptr<stack::Stack> stack_;
  Wmp* wmp_ = nullptr;
  StubWan* stub_ = nullptr;
  ndis::AdapterId adapter_ = 0;
};

TEST_F(WmpE2eTest, W1OutboundCallOverTheModel) {
  // Checks WAN-021:
  // W1 end to end: line-up before GET_ID returns, DeviceID = NdisLinkContext, CONNECTED after
  NDIS_WAN_INFO info{};
  ASSERT_EQ(Query(OID_WAN_GET_INFO, &info, sizeof(info)), NDIS_STATUS_SUCCESS);
  EXPECT_NE(info.FramingBits & TAPI_PROVIDER, 0u);
  NDIS_TAPI_PROVIDER_INITIALIZE pi{};
  pi.ulDeviceIDBase = 0;
  ASSERT_EQ(Query(OID_TAPI_PROVIDER_INITIALIZE, &pi, sizeof(pi)), NDIS_STATUS_SUCCESS);
  NDIS_TAPI_OPEN open{};
  open.htLine = kHtLine;
  ASSERT_EQ(Query(OID_TAPI_OPEN, &open, sizeof(open)), NDIS_STATUS_SUCCESS);
  NDIS_TAPI_MAKE_CALL mc;
  std::memset(&mc, 0, sizeof(mc));
  mc.hdLine = open.hdLine;
  mc.htCall = kHtCall;
  mc.bUseDefaultLineCallParams = TRUE;
  ASSERT_EQ(Query(OID_TAPI_MAKE_CALL, &mc, sizeof(mc)), NDIS_STATUS_SUCCESS);
  ASSERT_NE(mc.hdCall, 0u);

  std::vector<uint8_t> buf(wmp::kDeviceIdBodyOffset + 16 + 5, 0);
  NDIS_TAPI_GET_ID g;
  std::memset(&g, 0, sizeof(g));
  g.hdCall = mc.hdCall;
  g.ulSelect = LINECALLSELECT_CALL;
  g.ulDeviceClassSize = 5;
  g.ulDeviceClassOffset = static_cast<ULONG>(wmp::kDeviceIdBodyOffset + 16);
  g.DeviceID.ulTotalSize = sizeof(VAR_STRING) + 16;
  std::memcpy(buf.data(), &g, wmp::kDeviceIdBodyOffset);
  std::memcpy(buf.data() + wmp::kDeviceIdBodyOffset + 16, "ndis", 4);
  ASSERT_EQ(Query(OID_TAPI_GET_ID, buf.data(), static_cast<ULONG>(buf.size())),
            NDIS_STATUS_SUCCESS);
  ASSERT_EQ(stub_->line_ups.size(), 1u);
  auto body = wmp::ReadDeviceId(buf);
  ASSERT_TRUE(body && body->size() == sizeof(NDIS_HANDLE));
  NDIS_HANDLE lc;
  std::memcpy(&lc, body->data(), sizeof(lc));
  EXPECT_EQ(lc, stub_->line_ups[0].NdisLinkContext);
  EXPECT_EQ(stub_->line_ups[0].ConnectionWrapperID, reinterpret_cast<NDIS_HANDLE>(kHtCall));

  Advance(10);
  bool connected = false;
  for (const NDIS_TAPI_EVENT& e : stub_->tapi) {
    if (e.ulMsg == LINE_CALLSTATE && e.ulParam1 == LINECALLSTATE_CONNECTED) connected = true;
  }
  EXPECT_TRUE(connected);
  EXPECT_GT(stub_->status_completes, 0);
  EXPECT_TRUE(stack_->model().rejections().empty())
      << stack_->model().rejections().front().ToString();
}

}  // namespace
}  // namespace ndisconf::drivers
