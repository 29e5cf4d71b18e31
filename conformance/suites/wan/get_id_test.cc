// Conformance: OID_TAPI_GET_ID (spec 5.16, OQ-23, E-08): both mandatory
// forms ("ndis"/CALL and "tapi/line"/LINE), the ulSelect semantics, the
// DeviceID VAR_STRING, the permitted return codes, and a pended GET_ID.
// Requests NDISTAPI would not send itself are built byte by byte here and
// issued on NDISWAN's lower binding.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>

#include <cstring>
#include <string>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

namespace wan = ::ndisconf::drivers::wan;
using drivers::WanLinkSends;
using drivers::WanLowerBinding;
using drivers::WanRequestRecord;

constexpr ULONG kIdBody = 32;  // DeviceID string area the requests offer

struct GetIdBuffer {
  std::vector<uint64_t> storage;  // 8-aligned
  ULONG length = 0;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage.data()); }
  NDIS_TAPI_GET_ID* req() { return reinterpret_cast<NDIS_TAPI_GET_ID*>(data()); }
  VAR_STRING& id() { return req()->DeviceID; }
  // The DeviceID string body, if the VAR_STRING puts it inside the buffer.
  std::vector<uint8_t> Body() {
    const VAR_STRING& v = id();
    const size_t base = offsetof(NDIS_TAPI_GET_ID, DeviceID);
    if (v.ulStringOffset < sizeof(VAR_STRING) ||
        base + v.ulStringOffset + v.ulStringSize > length) {
      return {};
    }
    return std::vector<uint8_t>(data() + base + v.ulStringOffset,
                                data() + base + v.ulStringOffset + v.ulStringSize);
  }
};

// [NDIS_TAPI_GET_ID][DeviceID body][class string + NUL] (OQ-23 layout).
GetIdBuffer MakeGetId(ULONG select, HDRV_LINE hd_line, HDRV_CALL hd_call, const std::string& cls,
                      ULONG address_id = 0) {
  GetIdBuffer b;
  const ULONG class_offset = sizeof(NDIS_TAPI_GET_ID) + kIdBody;
  b.length = class_offset + static_cast<ULONG>(cls.size()) + 1;
  b.storage.assign((b.length + 7) / 8, 0);
  NDIS_TAPI_GET_ID* r = b.req();
  r->hdLine = hd_line;
  r->hdCall = hd_call;
  r->ulAddressID = address_id;
  r->ulSelect = select;
  r->ulDeviceClassSize = static_cast<ULONG>(cls.size()) + 1;
  r->ulDeviceClassOffset = class_offset;
  r->DeviceID.ulTotalSize = sizeof(VAR_STRING) + kIdBody;
  std::memcpy(b.data() + class_offset, cls.data(), cls.size());
  return b;
}

class GetId : public ConformanceTest {
 protected:
  // OID_TAPI_GET_ID as a query on NDISWAN's lower binding; synchronous.
  NDIS_STATUS Query(const stack::WanTopology& t, GetIdBuffer& b, UINT* needed = nullptr,
                    UINT length_override = 0) {
    NDIS_REQUEST req;
    std::memset(&req, 0, sizeof(req));
    req.RequestType = NdisRequestQueryInformation;
    req.DATA.QUERY_INFORMATION.Oid = OID_TAPI_GET_ID;
    req.DATA.QUERY_INFORMATION.InformationBuffer = b.data();
    req.DATA.QUERY_INFORMATION.InformationBufferLength =
        length_override ? length_override : b.length;
    NDIS_STATUS s = NDIS_STATUS_FAILURE;
    NDIS_HANDLE binding = t.ndiswan->bindings().at(0)->ndis_binding;
    stack().As(t.ndiswan_id, [&] {
      NdisRequest(&s, binding, &req);
      return s;
    });
    stack().Settle();
    EXPECT_NE(s, NDIS_STATUS_PENDING);
    if (needed != nullptr) *needed = req.DATA.QUERY_INFORMATION.BytesNeeded;
    return s;
  }

  stack::WanTopology Topology(const drivers::WmpConfig& wmp = {}) {
    nic::SoftNicConfig nc;
    nc.channel_count = 1;
    stack::WanTopology t = WanTopology(wmp, {}, {}, nc);
    EXPECT_NE(t.nic, nullptr);
    EXPECT_EQ(t.wmp_init_status, NDIS_STATUS_SUCCESS);
    return t;
  }

  // Provider (line IDs from `base`), line 0 open, an outbound call dialled
  // and answered by the peer, no GET_ID yet.
  void Dial(const stack::WanTopology& t, HTAPI_LINE* line, HTAPI_CALL* call, ULONG base = 0) {
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, base); }), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, base, line); }), NDIS_STATUS_SUCCESS);
    ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->MakeCall(*line, "5551234", call); }),
              NDIS_STATUS_SUCCESS);
    Pump(t, 10);
  }

  static uint64_t AsHandle(const std::vector<uint8_t>& body) {
    uint64_t v = 0;
    if (body.size() == sizeof(NDIS_HANDLE)) std::memcpy(&v, body.data(), sizeof(v));
    return v;
  }
};

TEST_P(GetId, NdisClassAnyCaseForCallReturnsLinkContextOfLineUpMadeFirst) {
  NDISCONF_RULES("WAN-070", "WAN-072");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  ASSERT_EQ(t.ndiswan->counters().line_ups, 0u);
  GetIdBuffer b = MakeGetId(LINECALLSELECT_CALL, 0, hd, "NdIs");
  ASSERT_EQ(Query(t, b), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t.ndiswan->counters().line_ups, 1u);  // made before the request returned
  const wan::Link* link = t.ndiswan->core().FindLinkForCall(call);
  ASSERT_NE(link, nullptr);
  // DeviceID: a binary VAR_STRING holding exactly the NdisLinkContext.
  EXPECT_EQ(b.id().ulStringFormat, static_cast<ULONG>(STRINGFORMAT_BINARY));
  EXPECT_EQ(b.id().ulStringSize, sizeof(NDIS_HANDLE));
  EXPECT_EQ(b.id().ulStringOffset, sizeof(VAR_STRING));
  EXPECT_EQ(b.id().ulNeededSize, sizeof(VAR_STRING) + sizeof(NDIS_HANDLE));
  EXPECT_EQ(b.id().ulUsedSize, sizeof(VAR_STRING) + sizeof(NDIS_HANDLE));
  EXPECT_EQ(AsHandle(b.Body()), link->context.value);
  // A second "ndis" GET_ID for the call returns the same link, no new line-up.
  GetIdBuffer again = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  ASSERT_EQ(Query(t, again), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(AsHandle(again.Body()), link->context.value);
}

TEST_P(GetId, TapiLineClassForLineReturnsLineDeviceId) {
  NDISCONF_RULES("WAN-070", "WAN-071");
  stack::WanTopology t = Topology();
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->ProviderInitialize(0, 20); }), NDIS_STATUS_SUCCESS);
  HTAPI_LINE line = 0;
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->Open(0, 20, &line); }), NDIS_STATUS_SUCCESS);
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->GetLineId(line); }), NDIS_STATUS_SUCCESS);
  const wan::TapiLine* l = t.ndiswan->core().FindLine(line);
  ASSERT_TRUE(l->tapi_device_id.has_value());
  EXPECT_EQ(*l->tapi_device_id, 20u);
  // LINE: hdCall is unused, whatever it holds.
  GetIdBuffer b = MakeGetId(LINECALLSELECT_LINE, l->hd_line, 0xDEAD, "tapi/line");
  ASSERT_EQ(Query(t, b), NDIS_STATUS_SUCCESS);
  const std::vector<uint8_t> body = b.Body();
  ASSERT_EQ(body.size(), sizeof(ULONG));
  ULONG id = 0;
  std::memcpy(&id, body.data(), sizeof(id));
  EXPECT_EQ(id, 20u);
  // ADDRESS: hdLine and address 0 are valid; another address ID is not.
  GetIdBuffer addr0 = MakeGetId(LINECALLSELECT_ADDRESS, l->hd_line, 0, "tapi/line", 0);
  EXPECT_EQ(Query(t, addr0), NDIS_STATUS_SUCCESS);
  GetIdBuffer addr3 = MakeGetId(LINECALLSELECT_ADDRESS, l->hd_line, 0, "tapi/line", 3);
  EXPECT_EQ(Query(t, addr3), NDIS_STATUS_TAPI_INVALADDRESSID);
  // CALL: an unknown hdCall fails, even with a valid hdLine alongside.
  GetIdBuffer bad = MakeGetId(LINECALLSELECT_CALL, l->hd_line, 0xDEAD, "ndis");
  EXPECT_EQ(Query(t, bad), NDIS_STATUS_TAPI_INVALCALLHANDLE);
}

TEST_P(GetId, ErrorsAreAmongTheListedReturnCodes) {
  NDISCONF_RULES("WAN-073");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  const HDRV_LINE hl = t.ndiswan->core().FindLine(line)->hd_line;
  GetIdBuffer bad_line = MakeGetId(LINECALLSELECT_LINE, 0xBEEF, 0, "tapi/line");
  EXPECT_EQ(Query(t, bad_line), NDIS_STATUS_TAPI_INVALLINEHANDLE);
  GetIdBuffer no_device = MakeGetId(LINECALLSELECT_CALL, 0, hd, "comm/datamodem");
  EXPECT_EQ(Query(t, no_device), NDIS_STATUS_TAPI_NODEVICE);
  GetIdBuffer line_no_device = MakeGetId(LINECALLSELECT_LINE, hl, 0, "ndis");
  EXPECT_EQ(Query(t, line_no_device), NDIS_STATUS_TAPI_NODEVICE);
  GetIdBuffer bad_select = MakeGetId(0x40, hl, hd, "ndis");
  EXPECT_EQ(Query(t, bad_select), NDIS_STATUS_FAILURE);
  // After CLOSE_CALL the hdCall is stale.
  ASSERT_EQ(Tapi(t, [&] { return t.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  GetIdBuffer stale = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  EXPECT_EQ(Query(t, stale), NDIS_STATUS_TAPI_INVALCALLHANDLE);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 0u);
}

TEST_P(GetId, MalformedBufferGetsInvalidLengthOrInvalidData) {
  NDISCONF_RULES("WAN-072", "WAN-073");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  // E-08: shorter than NDIS_TAPI_GET_ID -> INVALID_LENGTH with BytesNeeded.
  GetIdBuffer short_buf = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  UINT needed = 0;
  EXPECT_EQ(Query(t, short_buf, &needed, sizeof(NDIS_TAPI_GET_ID) - 1), NDIS_STATUS_INVALID_LENGTH);
  EXPECT_EQ(needed, sizeof(NDIS_TAPI_GET_ID));
  // The class string lies past the end of the buffer -> INVALID_DATA.
  GetIdBuffer outside = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  outside.req()->ulDeviceClassOffset = outside.length;
  EXPECT_EQ(Query(t, outside), NDIS_STATUS_INVALID_DATA);
  GetIdBuffer oversize = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  oversize.req()->ulDeviceClassSize = 0xFFFFFFF0u;
  EXPECT_EQ(Query(t, oversize), NDIS_STATUS_INVALID_DATA);
  // None of these made a line-up or touched the call.
  EXPECT_EQ(t.ndiswan->counters().line_ups, 0u);
  EXPECT_TRUE(t.ndiswan->core().FindCall(call)->live);
}

TEST_P(GetId, DeviceIdTooSmallReportsNeededSizeAndSucceeds) {
  NDISCONF_RULES("WAN-072");
  stack::WanTopology t = Topology();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  const HDRV_CALL hd = t.ndiswan->core().FindCall(call)->hd_call;
  GetIdBuffer b = MakeGetId(LINECALLSELECT_CALL, 0, hd, "ndis");
  b.id().ulTotalSize = sizeof(VAR_STRING);  // no room for the handle
  ASSERT_EQ(Query(t, b), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(b.id().ulNeededSize, sizeof(VAR_STRING) + sizeof(NDIS_HANDLE));
  EXPECT_EQ(b.id().ulUsedSize, sizeof(VAR_STRING));
  EXPECT_EQ(b.id().ulStringSize, 0u);
}

TEST_P(GetId, PendedGetIdCompletesOnlyAfterTheInitialLineUp) {
  NDISCONF_RULES("WAN-074", "WAN-070");
  drivers::WmpConfig c;
  c.get_id = drivers::GetIdCompletion::kPending;
  c.deserialized = true;  // the line-up comes from the completing work item
  stack::WanTopology t = Topology(c);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  NDIS_STATUS returned = NDIS_STATUS_FAILURE;
  returned = stack().As(t.ndiswan_id, [&] { return t.ndiswan->GetCallId(call); });
  EXPECT_EQ(returned, NDIS_STATUS_PENDING);
  stack().Settle();
  const WanRequestRecord& r = t.ndiswan->requests().back();
  EXPECT_EQ(r.oid, static_cast<NDIS_OID>(OID_TAPI_GET_ID));
  ASSERT_TRUE(r.completed);
  EXPECT_EQ(r.final_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(t.ndiswan->counters().line_ups, 1u);
  const wan::TapiCall* tc = t.ndiswan->core().FindCall(call);
  const wan::Link* link = t.ndiswan->core().FindLinkForCall(call);
  ASSERT_NE(link, nullptr);
  ASSERT_TRUE(tc->ndis_device_id.has_value());
  EXPECT_EQ(tc->ndis_device_id->value, link->context.value);
  EXPECT_EQ(t.ndiswan->get_id_mismatches(), 0u);
}

// A miniport that claims OID_TAPI_GET_ID is not supported.
class GetIdUnsupported : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_GET_ID) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

// A miniport that fails GET_ID with a status outside the listed ones.
class GetIdBadStatus : public drivers::Wmp {
 public:
  using Wmp::Wmp;
  NDIS_STATUS OnRequest(drivers::WmpAdapter& a, bool query, NDIS_OID oid, PVOID buffer,
                        ULONG length, PULONG done, PULONG needed) override {
    if (oid == OID_TAPI_GET_ID) return NDIS_STATUS_TAPI_INVALPARAM;
    return Wmp::OnRequest(a, query, oid, buffer, length, done, needed);
  }
};

template <class W>
stack::WanTopology BuildWith(stack::Stack& s) {
  stack::WanTopologyParts parts;
  parts.nic.channel_count = 1;
  parts.wmp = [](nic::Nic& n, std::function<void(NDIS_HANDLE)> raise) {
    drivers::WmpConfig c;
    c.nics = {&n};
    c.raise_interrupt = std::move(raise);
    return std::unique_ptr<drivers::Wmp>(std::make_unique<W>(c));
  };
  return stack::BuildWanTopology(s, parts);
}

TEST_P(GetId, MonitorFlagsGetIdAnsweredAsUnsupported) {
  NDISCONF_RULES("WAN-070");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::WanTopology t = BuildWith<GetIdUnsupported>(NewStack());
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call); }), NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
  ExpectViolation("WAN-070");
}

TEST_P(GetId, MonitorFlagsGetIdReturnCodeOutsideTheList) {
  NDISCONF_RULES("WAN-073");
  if (impl().name != "reference") NDISCONF_NOT_APPLICABLE("uses the reference WMP as a base");
  stack::WanTopology t = BuildWith<GetIdBadStatus>(NewStack());
  ASSERT_NE(t.nic, nullptr);
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  Dial(t, &line, &call);
  EXPECT_EQ(Tapi(t, [&] { return t.ndiswan->GetCallId(call); }), NDIS_STATUS_TAPI_INVALPARAM);
  ExpectViolation("WAN-073");
}

NDISCONF_INSTANTIATE(GetId);

}  // namespace
}  // namespace ndisconf::conformance
