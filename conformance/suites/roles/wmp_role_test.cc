// Conformance, black box: an NDIS 5.x WAN miniport judged only by what
// crosses the NDIS boundary and what its NIC sees (spec 5.10-5.17;
// sequences W1-W3).
//
// The WAN miniport under test is the implementation's: a driver plugged in
// whole (conformance/plugin), which reaches its NIC through <wan_nic.h>, or
// its C++ Wmp. The reference plays every other role: NDISWAN (and NDISTAPI
// in it) above the miniport, a protocol above NDISWAN, and the software NIC
// with its simulated peer below. The tests act as a TAPI application does
// (through NDISWAN's TAPI requests) and as the remote end does (through the
// NIC's peer), and assert what NDISWAN saw (line-ups, line-downs,
// fragments, TAPI events, request results) and the order of the miniport's
// own NDIS calls; the rule monitor checks every crossing on top. Nothing
// here reads the miniport's configuration, log or state. Its capability
// profile, when it has one, may decline incoming calls.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/recorder.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/nic/fault_plan.h"
#include "spec/wan_buffers.h"

namespace ndisconf::conformance {
namespace {

namespace wan = drivers::wan;
using drivers::WanLowerBinding;

// The SoftNic's default line rate (SoftNicConfig), which a line-up carries
// in 100 bps units (WAN-029).
constexpr uint64_t kLinkSpeedBps = 64000;

class WmpRole : public ConformanceTest {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kWanMiniport; }

  // W1: NDISWAN and a protocol above it, then the miniport under test over
  // a two-channel software NIC; NDISWAN binds to it and asks for its WAN
  // information.
  stack::WanTopology& Build() {
    t_ = WanTopology();
    return t_;
  }

  // PROVIDER_INITIALIZE and OPEN of line 0, as NDISTAPI does first.
  HTAPI_LINE OpenLine() {
    HTAPI_LINE line = 0;
    EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->ProviderInitialize(0, 0); }), NDIS_STATUS_SUCCESS);
    EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->Open(0, 0, &line); }), NDIS_STATUS_SUCCESS);
    return line;
  }

  // NDISWAN's link for a call, or nullptr.
  const wan::Link* LinkOf(HTAPI_CALL call) { return t_.ndiswan->core().FindLinkForCall(call); }
  const wan::TapiCall* CallOf(HTAPI_CALL call) { return t_.ndiswan->core().FindCall(call); }

  // The index of each of the miniport's NdisMIndicateStatus calls with
  // `status` (and, for a TAPI indication, message `msg` with ulParam1
  // `param1`), in order.
  std::vector<uint64_t> Indications(NDIS_STATUS status, ULONG msg = 0, ULONG_PTR param1 = 0) {
    std::vector<uint64_t> out;
    for (const Event& e : events()) {
      if (e.actor != t_.wmp_id || e.fn != Fn::NdisMIndicateStatus || e.phase != Phase::kCall ||
          static_cast<NDIS_STATUS>(e.arg[1]) != status) {
        continue;
      }
      if (status == NDIS_STATUS_TAPI_INDICATION) {
        // The buffer as the boundary recorded it, decoded as the monitor
        // decodes it (the x64 NDIS_TAPI_EVENT).
        const spec::wan::Decoded<spec::wan::TapiEvent> te = spec::wan::DecodeTapiEvent(
            spec::wan::ByteView(e.blob, e.blob_len), spec::wan::TapiEventLayout::kUlongPtr);
        if (!te.ok() || te->msg != msg || te->param1 != param1) continue;
      }
      out.push_back(e.index);
    }
    return out;
  }
  // The index of the miniport's last call of `fn`, or 0 if none.
  uint64_t LastWmpCall(Fn fn) const {
    uint64_t last = 0;
    for (const Event& e : events()) {
      if (e.actor == t_.wmp_id && e.fn == fn && e.phase == Phase::kCall) last = e.index;
    }
    return last;
  }
  // Every status the miniport indicated so far is followed by a status
  // complete (WAN-010).
  ::testing::AssertionResult BracketsClosed() const {
    const uint64_t indicated = LastWmpCall(Fn::NdisMIndicateStatus);
    const uint64_t completed = LastWmpCall(Fn::NdisMIndicateStatusComplete);
    if (indicated == 0 || completed > indicated) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "the miniport's last NdisMIndicateStatus (event " << indicated
           << ") has no NdisMIndicateStatusComplete after it";
  }

  // A TAPI request NDISWAN does not build itself, passed down as NDISTAPI
  // would, and its final status (a pended one's completion).
  template <class T>
  NDIS_STATUS Raw(bool query, NDIS_OID oid, const T& request) {
    std::vector<uint8_t> bytes(sizeof(T));
    std::memcpy(bytes.data(), &request, sizeof(T));
    return RawBytes(query, oid, bytes);
  }
  NDIS_STATUS RawBytes(bool query, NDIS_OID oid, std::span<const uint8_t> bytes) {
    return Tapi(t_, [&] { return t_.ndiswan->RawRequest(0, query, oid, bytes); });
  }
  // OID_TAPI_GET_ID as NDISTAPI lays it out (OQ-23): the request, room for
  // the DeviceID, then the device class and its NUL.
  NDIS_STATUS GetId(ULONG select, HDRV_LINE hd_line, HDRV_CALL hd_call, std::string_view cls) {
    constexpr ULONG kIdBody = 36;
    const ULONG class_offset = sizeof(NDIS_TAPI_GET_ID) + kIdBody;
    std::vector<uint8_t> bytes(class_offset + cls.size() + 1, 0);
    NDIS_TAPI_GET_ID r{};
    r.hdLine = hd_line;
    r.hdCall = hd_call;
    r.ulSelect = select;
    r.ulDeviceClassSize = static_cast<ULONG>(cls.size()) + 1;
    r.ulDeviceClassOffset = class_offset;
    r.DeviceID.ulTotalSize = sizeof(VAR_STRING) + kIdBody;
    std::memcpy(bytes.data(), &r, sizeof(r));
    std::memcpy(bytes.data() + class_offset, cls.data(), cls.size());
    return RawBytes(true, OID_TAPI_GET_ID, bytes);
  }

  // Injects each of the six receive errors (CRC, framing, hardware and
  // buffer overrun, time-out, alignment) on channel 0, now, and lets the
  // miniport indicate them. Returns the OR of their WAN_ERROR_* bits.
  uint32_t InjectEveryReceiveError() {
    const nic::FaultKind kinds[] = {nic::FaultKind::kCrc,       nic::FaultKind::kFraming,
                                    nic::FaultKind::kHwOverrun, nic::FaultKind::kBufferOverrun,
                                    nic::FaultKind::kTimeout,   nic::FaultKind::kAlignment};
    uint32_t all = 0;
    for (nic::FaultKind kind : kinds) {
      nic::ScheduledFault f;
      f.kind = kind;
      f.immediate = true;
      EXPECT_EQ(t_.nic->InjectFault(f), nic::OpStatus::kOk);
      all |= nic::FaultKindErrorBit(kind);
    }
    Pump(t_, 2);
    return all;
  }

  // Records each TAPI request of `names` that the miniport pended (an
  // allowed way: it may also finish at once).
  void NotePended(std::initializer_list<std::pair<NDIS_OID, const char*>> names) {
    for (const drivers::WanRequestRecord& r : t_.ndiswan->requests()) {
      if (r.returned != NDIS_STATUS_PENDING) continue;
      for (const auto& [oid, name] : names) {
        if (r.oid == oid && noted_.insert(name).second) Pended(name);
      }
    }
  }

  stack::WanTopology t_;
  std::set<std::string> noted_;
};

// W1: the miniport initializes over its NIC and answers OID_WAN_GET_INFO as a
// TAPI provider, so NDISWAN binds to it and NDISTAPI may use it.
TEST_P(WmpRole, InitializesAsATapiCapableWanMiniport) {
  NDISCONF_RULES("WAN-095");
  Build();
  ASSERT_NE(t_.nic, nullptr);
  EXPECT_EQ(t_.wmp_init_status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t_.ndiswan->bindings().size(), 1u);
  const WanLowerBinding& b = *t_.ndiswan->bindings()[0];
  EXPECT_EQ(b.state, WanLowerBinding::State::kBound);
  ASSERT_TRUE(b.wan_info_known);
  EXPECT_NE(b.wan_info.FramingBits & TAPI_PROVIDER, 0u);
  EXPECT_GT(b.wan_info.MaxFrameSize, 0u);
  EXPECT_GT(b.wan_info.MaxTransmit, 0u);
}

// PROVIDER_INITIALIZE reports the miniport's lines; OPEN gives a line handle.
TEST_P(WmpRole, InitializesTheProviderAndOpensALine) {
  NDISCONF_RULES("WAN-082", "WAN-083");
  Build();
  const HTAPI_LINE line = OpenLine();
  const WanLowerBinding& b = *t_.ndiswan->bindings()[0];
  EXPECT_TRUE(b.provider_up);
  EXPECT_GE(b.num_line_devs, 1u);
  EXPECT_NE(line, 0u);
}

// W2: an outbound call. The initial line-up (NdisLinkContext zero) is made
// while GET_ID("ndis") is handled and before it completes; the DeviceID
// returned is the NdisLinkContext NDISWAN wrote back; the line-up carries
// the call's htCall, a link handle and the line rate in 100 bps units; the
// call's state change to CONNECTED is indicated.
TEST_P(WmpRole, MakesACallAndLinesItUpBeforeGetIdCompletes) {
  NDISCONF_RULES("WAN-020", "WAN-021", "WAN-023", "WAN-026", "WAN-027", "WAN-028", "WAN-029",
                 "WAN-064", "WAN-070", "WAN-074", "WAN-084");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const wan::Link* link = LinkOf(call);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->state, wan::LinkState::kUp);
  EXPECT_EQ(link->connection_wrapper_id, reinterpret_cast<NDIS_HANDLE>(call));
  EXPECT_NE(link->link_handle, nullptr);
  EXPECT_EQ(link->link_speed, kLinkSpeedBps / 100);
  const wan::TapiCall* tc = CallOf(call);
  ASSERT_NE(tc, nullptr);
  ASSERT_TRUE(tc->ndis_device_id.has_value());
  EXPECT_EQ(tc->ndis_device_id->handle(), link->context.handle());
  EXPECT_EQ(t_.ndiswan->get_id_mismatches(), 0u);
  EXPECT_EQ(tc->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  NotePended({{OID_TAPI_MAKE_CALL, "OID_TAPI_MAKE_CALL"}, {OID_TAPI_GET_ID, "OID_TAPI_GET_ID"}});
}

// W2: the call is CONNECTED for TAPI only once NDISWAN knows its line, so the
// client cannot send on a link that does not exist yet.
TEST_P(WmpRole, IndicatesConnectedOnlyAfterTheLineUp) {
  NDISCONF_RULES("WAN-022");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const std::vector<uint64_t> up = Indications(NDIS_STATUS_WAN_LINE_UP);
  const std::vector<uint64_t> connected =
      Indications(NDIS_STATUS_TAPI_INDICATION, LINE_CALLSTATE, LINECALLSTATE_CONNECTED);
  ASSERT_EQ(up.size(), 1u);
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_LT(up[0], connected[0]) << "LINECALLSTATE_CONNECTED was indicated before the line-up";
}

// W3: the remote end hangs up. The link goes down (a line-down with its
// NdisLinkContext) and the call becomes DISCONNECTED.
TEST_P(WmpRole, RemoteHangUpTakesTheLinkDownAndDisconnects) {
  NDISCONF_RULES("WAN-025", "WAN-040", "WAN-060", "WAN-061", "WAN-087");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const uint64_t downs = t_.ndiswan->counters().line_downs;
  ASSERT_EQ(t_.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t_, 2);
  EXPECT_EQ(t_.ndiswan->counters().line_downs, downs + 1);
  EXPECT_EQ(LinkOf(call), nullptr) << "NDISWAN still has an up link for the call";
  EXPECT_EQ(CallOf(call)->state, static_cast<ULONG>(LINECALLSTATE_DISCONNECTED));
}

// Every burst of indications is closed by NdisMIndicateStatusComplete: after
// the call's line-up and CONNECTED, after a fragment, after the remote
// hang-up's line-down and DISCONNECTED.
TEST_P(WmpRole, ClosesEveryBurstOfIndications) {
  NDISCONF_RULES("WAN-010");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  EXPECT_TRUE(BracketsClosed()) << "after the call connected";
  nic::ScheduledFault crc;
  crc.kind = nic::FaultKind::kCrc;
  crc.immediate = true;
  ASSERT_EQ(t_.nic->InjectFault(crc), nic::OpStatus::kOk);
  Pump(t_, 2);
  EXPECT_TRUE(BracketsClosed()) << "after a fragment";
  ASSERT_EQ(t_.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t_, 2);
  EXPECT_TRUE(BracketsClosed()) << "after the remote hang-up";
}

// DROP ends the call (IDLE, the link down) and CLOSE_CALL then succeeds.
TEST_P(WmpRole, DropThenCloseCallEndsTheCall) {
  NDISCONF_RULES("WAN-040", "WAN-085", "WAN-086");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const uint64_t downs = t_.ndiswan->counters().line_downs;
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->Drop(call); }), NDIS_STATUS_SUCCESS);
  Pump(t_, 2);
  EXPECT_EQ(t_.ndiswan->counters().line_downs, downs + 1);
  EXPECT_EQ(CallOf(call)->state, static_cast<ULONG>(LINECALLSTATE_IDLE));
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->CloseCall(call); }), NDIS_STATUS_SUCCESS);
  NotePended({{OID_TAPI_DROP, "OID_TAPI_DROP"}});
}

// Every receive error the NIC reports reaches NDISWAN as a fragment on the
// call's link.
TEST_P(WmpRole, ReportsEveryReceiveErrorAsAFragment) {
  NDISCONF_RULES("WAN-050");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  InjectEveryReceiveError();
  const wan::Link* link = LinkOf(call);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->fragments, 6u);
}

// Each fragment carries the WAN_ERROR_* bit of its error (the NIC's bits
// equal them), never Errors zero.
TEST_P(WmpRole, GivesEachFragmentItsErrorBit) {
  NDISCONF_RULES("WAN-051");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const uint32_t all = InjectEveryReceiveError();
  const wan::Link* link = LinkOf(call);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->fragment_errors_seen, all);
}

// Frames both ways on the link: every packet NDISWAN passes down is
// completed, and a frame from the peer is received on the call's link.
TEST_P(WmpRole, SendsAndReceivesOnTheLink) {
  NDISCONF_RULES("WAN-025", "WAN-028");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  const wan::Link* link = LinkOf(call);
  ASSERT_NE(link, nullptr);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(stack().As(t_.proto_id, [&] { return t_.proto->Send(0, link->upper, 40); }),
              NDIS_STATUS_PENDING);
  }
  Pump(t_, 20);
  const drivers::WanLinkSends* sends = t_.ndiswan->sends(link->context);
  ASSERT_NE(sends, nullptr);
  EXPECT_EQ(sends->passed_down, 3u);
  EXPECT_EQ(sends->completed, 3u);
  const uint8_t frame[] = {0xff, 0x03, 0x00, 0x21, 0x45, 0x00};
  const uint64_t receives = link->receives;
  ASSERT_EQ(t_.nic->InjectFrame(nic::ChannelId{0}, frame), nic::OpStatus::kOk);
  Pump(t_, 2);
  EXPECT_EQ(LinkOf(call)->receives, receives + 1);
}

// An incoming call on a line with media detection on: LINE_NEWCALL, the
// htCall NDISTAPI wrote into ulParam2 used from then on, OFFERING; once
// answered and connected, GET_ID lines it up with that htCall.
TEST_P(WmpRole, OffersAnIncomingCallAndAnswersIt) {
  NDISCONF_RULES("WAN-021", "WAN-027", "WAN-062", "WAN-063");
  NDISCONF_NEEDS_FEATURE(incoming_calls);
  Build();
  const HTAPI_LINE line = OpenLine();
  ASSERT_EQ(
      Tapi(t_,
           [&] { return t_.ndiswan->SetDefaultMediaDetection(line, LINEMEDIAMODE_DIGITALDATA); }),
      NDIS_STATUS_SUCCESS);
  ASSERT_EQ(t_.nic->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(t_, 2);
  const auto& ev = t_.ndiswan->tapi_events();
  ASSERT_GE(ev.size(), 1u);
  EXPECT_EQ(ev[0].msg, static_cast<ULONG>(LINE_NEWCALL));
  const HTAPI_CALL call = ev[0].param2;
  ASSERT_NE(call, 0u);
  ASSERT_NE(CallOf(call), nullptr);
  EXPECT_EQ(CallOf(call)->state, static_cast<ULONG>(LINECALLSTATE_OFFERING));
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->Answer(call); }), NDIS_STATUS_SUCCESS);
  Pump(t_, 5);
  EXPECT_NE(Tapi(t_, [&] { return t_.ndiswan->GetCallId(call); }), NDIS_STATUS_FAILURE);
  Pump(t_, 2);
  const wan::Link* link = LinkOf(call);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->connection_wrapper_id, reinterpret_cast<NDIS_HANDLE>(call));
  EXPECT_EQ(CallOf(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  NotePended({{OID_TAPI_ANSWER, "OID_TAPI_ANSWER"}, {OID_TAPI_GET_ID, "OID_TAPI_GET_ID"}});
}

// Without SET_DEFAULT_MEDIA_DETECTION a line is outbound-only: a call the
// NIC offers is not indicated. (Whatever the profile says about incoming
// calls: a driver that declines them must not offer them either.)
TEST_P(WmpRole, OffersNoCallWithoutMediaDetection) {
  NDISCONF_RULES("WAN-063");
  Build();
  OpenLine();
  ASSERT_EQ(t_.nic->InjectIncomingCall(nic::ChannelId{0}, "4711"), nic::OpStatus::kOk);
  Pump(t_, 2);
  EXPECT_TRUE(Indications(NDIS_STATUS_TAPI_INDICATION, LINE_NEWCALL, 0).empty());
  for (const wan::TapiEvent& e : t_.ndiswan->tapi_events()) {
    EXPECT_NE(e.msg, static_cast<ULONG>(LINE_NEWCALL));
  }
}

// WAN-073: GET_ID naming a line or call handle the miniport never gave
// out fails with one of the listed codes; for a device class the miniport
// has no ID for, the answer is one of them too (or an ID).
TEST_P(WmpRole, AnswersGetIdOnlyWithTheListedCodes) {
  NDISCONF_RULES("WAN-073");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  ASSERT_NE(CallOf(call), nullptr);
  const HDRV_CALL hd_call = CallOf(call)->hd_call;
  const std::set<NDIS_STATUS> errors = {
      NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_INVALADDRESSID,
      NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_NODEVICE,
      NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE};
  const NDIS_STATUS bad_call = GetId(LINECALLSELECT_CALL, 0, hd_call ^ 0xDEAD0000, "ndis");
  EXPECT_EQ(errors.count(bad_call), 1u) << "unknown hdCall: 0x" << std::hex << bad_call;
  const NDIS_STATUS bad_line = GetId(LINECALLSELECT_LINE, 0xBEEF0000, 0, "tapi/line");
  EXPECT_EQ(errors.count(bad_line), 1u) << "unknown hdLine: 0x" << std::hex << bad_line;
  const NDIS_STATUS other_class = GetId(LINECALLSELECT_CALL, 0, hd_call, "comm/datamodem");
  EXPECT_TRUE(other_class == NDIS_STATUS_SUCCESS || errors.count(other_class) == 1)
      << "class comm/datamodem: 0x" << std::hex << other_class;
}

// WAN-080: an optional TAPI request the miniport does not support is
// declined with NDIS_STATUS_TAPI_OPERATIONUNAVAIL (not NOT_SUPPORTED or
// INVALID_OID); one it supports is answered as a TAPI request. Either way
// the call goes on.
TEST_P(WmpRole, DeclinesOptionalTapiRequestsWithOperationUnavail) {
  NDISCONF_RULES("WAN-080");
  Build();
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call));
  uint64_t zeros[16] = {};
  const std::pair<NDIS_OID, bool> optional[] = {
      {OID_TAPI_DIAL, false}, {OID_TAPI_SECURE_CALL, false}, {OID_TAPI_GET_EXTENSION_ID, true}};
  for (const auto& [oid, query] : optional) {
    const NDIS_STATUS st = Raw(query, oid, zeros);
    EXPECT_TRUE(st != NDIS_STATUS_NOT_SUPPORTED && st != NDIS_STATUS_INVALID_OID &&
                st != NDIS_STATUS_NOT_RECOGNIZED)
        << "OID 0x" << std::hex << oid << " declined with 0x" << st;
  }
  ASSERT_NE(CallOf(call), nullptr);
  EXPECT_EQ(CallOf(call)->state, static_cast<ULONG>(LINECALLSTATE_CONNECTED));
  EXPECT_NE(LinkOf(call), nullptr);
}

// WAN-088 (OQ-37): CLOSE of a line with a call still up cannot fail; the
// miniport ends the call first (its link goes down), and afterwards
// requests naming the line or the call fail.
TEST_P(WmpRole, ClosesALineWithALiveCallByEndingItFirst) {
  NDISCONF_RULES("WAN-088");
  Build();
  HTAPI_LINE line = 0;
  HTAPI_CALL call = 0;
  ASSERT_TRUE(Connect(t_, &call, &line));
  ASSERT_NE(CallOf(call), nullptr);
  const HDRV_CALL hd_call = CallOf(call)->hd_call;
  ASSERT_NE(t_.ndiswan->core().FindLine(line), nullptr);
  const HDRV_LINE hd_line = t_.ndiswan->core().FindLine(line)->hd_line;
  EXPECT_EQ(Tapi(t_, [&] { return t_.ndiswan->Close(line); }), NDIS_STATUS_SUCCESS);
  Pump(t_, 2);
  EXPECT_EQ(LinkOf(call), nullptr) << "the call's link is still up";
  NDIS_TAPI_DROP drop{};
  drop.hdCall = hd_call;
  EXPECT_NE(Raw(false, OID_TAPI_DROP, drop), NDIS_STATUS_SUCCESS);
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION md{};
  md.hdLine = hd_line;
  md.ulMediaModes = LINEMEDIAMODE_DIGITALDATA;
  EXPECT_NE(Raw(false, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, md), NDIS_STATUS_SUCCESS);
}

NDISCONF_INSTANTIATE(WmpRole);

}  // namespace
}  // namespace ndisconf::conformance
