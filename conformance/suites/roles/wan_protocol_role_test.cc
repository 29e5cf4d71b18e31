// Conformance, black box: a protocol bound above NDISWAN (the spec's PROTO)
// judged only by what crosses the NDIS boundary (spec 5.12-5.14; sequences
// W1 and W3).
//
// The protocol under test is the implementation's: a driver plugged in
// whole (conformance/plugin) or its C++ protocol. The reference plays every
// other role: the WAN miniport over the software NIC below, NDISWAN in
// between, and NDISTAPI dialling through NDISWAN. The tests bring a link up
// and break it as the line would, and assert what the protocol did with
// what NDISWAN indicated to it: the status buffers as it left them and the
// NDIS calls it made, as the event stream records them; the rule monitor
// checks every crossing on top. Its timers and retry counts (WAN-036,
// WAN-041) never cross the boundary, so no test here can judge them: those
// rules stay INCONCLUSIVE for a plugged-in protocol.
#include <gtest/gtest.h>
#include <ndis.h>
#include <ndiswan.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "conformance/framework/fixture.h"
#include "conformance/framework/recorder.h"

namespace ndisconf::conformance {
namespace {

class WanProtocolRole : public ConformanceTest {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kWanProtocol; }

  // W1: the NIC, the WAN miniport, NDISWAN and the protocol under test,
  // which must have opened NDISWAN's adapter; then one call dialled and its
  // link lined up.
  ::testing::AssertionResult BuildAndConnect() {
    t_ = WanTopology();
    if (t_.nic == nullptr) return ::testing::AssertionFailure() << "no WAN topology";
    if (CountCalls(t_.proto_id, Fn::NdisOpenAdapter) == 0) {
      return ::testing::AssertionFailure() << "the protocol never opened NDISWAN's adapter";
    }
    return Connect(t_, &call_, &line_);
  }

  // The status indications NDISWAN made to the protocol with `status`: the
  // call event (the buffer as given) and its return (the buffer as the
  // protocol left it).
  struct Indication {
    const Event* call = nullptr;
    const Event* ret = nullptr;
  };
  std::vector<Indication> StatusesSeen(NDIS_STATUS status) const {
    std::vector<Indication> out;
    bool open = false;  // the last ProtocolStatus was one of `status` and has not returned
    for (const Event& e : events()) {
      if (e.actor != t_.proto_id || e.fn != Fn::ProtocolStatus) continue;
      if (e.phase == Phase::kCall) {
        open = static_cast<NDIS_STATUS>(e.arg[1]) == status;
        if (open) out.push_back({&e, nullptr});
      } else if (open) {
        out.back().ret = &e;
        open = false;
      }
    }
    return out;
  }

  // A CRC error on channel 0 now, which the miniport indicates as a
  // fragment and NDISWAN passes up.
  ::testing::AssertionResult CrcError() {
    nic::ScheduledFault crc;
    crc.kind = nic::FaultKind::kCrc;
    crc.immediate = true;
    if (t_.nic->InjectFault(crc) != nic::OpStatus::kOk)
      return ::testing::AssertionFailure() << "the NIC refused the fault";
    Pump(t_, 2);
    return ::testing::AssertionSuccess();
  }

  stack::WanTopology t_;
  HTAPI_LINE line_ = 0;
  HTAPI_CALL call_ = 0;
};

// W1: the protocol may write its per-link context into LocalAddress of the
// line-up, but the two high-order bytes are NDISWAN's (WAN-037): as the
// protocol returns from ProtocolStatus they hold what NDISWAN put there.
TEST_P(WanProtocolRole, LineUpKeepsTheBytesNdiswanReserves) {
  NDISCONF_RULES("WAN-037");
  ASSERT_TRUE(BuildAndConnect());
  const std::vector<Indication> ups = StatusesSeen(NDIS_STATUS_WAN_LINE_UP);
  ASSERT_EQ(ups.size(), 1u);
  ASSERT_NE(ups[0].ret, nullptr) << "ProtocolStatus never returned";
  const size_t at = offsetof(NDIS_WAN_LINE_UP, LocalAddress);
  ASSERT_GE(ups[0].call->blob_len, at + 2);
  ASSERT_GE(ups[0].ret->blob_len, at + 2);
  EXPECT_EQ(ups[0].ret->blob[at], ups[0].call->blob[at]);
  EXPECT_EQ(ups[0].ret->blob[at + 1], ups[0].call->blob[at + 1]);
}

// W3: on a fragment the protocol tells the remote node at once (WAN-054):
// one NdisWanSend on its binding, which NDISWAN accepts and passes to the
// miniport's MiniportWanSend for that link.
TEST_P(WanProtocolRole, NotifiesThePeerAtOnceOnAFragment) {
  NDISCONF_RULES("WAN-054");
  ASSERT_TRUE(BuildAndConnect());
  const size_t sends = CountCalls(t_.proto_id, Fn::NdisWanSend);
  const size_t passed_down = CountCalls(t_.wmp_id, Fn::MiniportWanSend);
  ASSERT_TRUE(CrcError());
  ASSERT_EQ(StatusesSeen(NDIS_STATUS_WAN_FRAGMENT).size(), 1u);
  EXPECT_EQ(CountCalls(t_.proto_id, Fn::NdisWanSend), sends + 1);
  EXPECT_EQ(CountCalls(t_.wmp_id, Fn::MiniportWanSend), passed_down + 1);
  for (const Event& e : events()) {
    if (e.actor == t_.proto_id && e.fn == Fn::NdisWanSend && e.phase == Phase::kReturn) {
      const auto s = static_cast<NDIS_STATUS>(e.status);
      EXPECT_TRUE(s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_PENDING)
          << "NdisWanSend at event " << e.index << " returned 0x" << std::hex << e.status;
    }
  }
}

// W3 twice: the remote end hangs up (a line-down), the next call lines up
// a new link, and a fragment on it is notified at once like the first
// link's (WAN-054): the protocol follows links across their line-downs.
TEST_P(WanProtocolRole, NotifiesOnTheNextLinkAfterALineDown) {
  NDISCONF_RULES("WAN-054");
  ASSERT_TRUE(BuildAndConnect());
  ASSERT_EQ(t_.nic->InjectRemoteHangUp(nic::ChannelId{0}), nic::OpStatus::kOk);
  Pump(t_, 2);
  ASSERT_EQ(StatusesSeen(NDIS_STATUS_WAN_LINE_DOWN).size(), 1u);
  // NDISTAPI closes the call that went idle and dials again on the line.
  ASSERT_EQ(Tapi(t_, [&] { return t_.ndiswan->CloseCall(call_); }), NDIS_STATUS_SUCCESS);
  ASSERT_TRUE(Connect(t_, &call_, &line_));
  ASSERT_EQ(StatusesSeen(NDIS_STATUS_WAN_LINE_UP).size(), 2u);
  const size_t sends = CountCalls(t_.proto_id, Fn::NdisWanSend);
  ASSERT_TRUE(CrcError());
  EXPECT_EQ(CountCalls(t_.proto_id, Fn::NdisWanSend), sends + 1);
}

NDISCONF_INSTANTIATE(WanProtocolRole);

}  // namespace
}  // namespace ndisconf::conformance
