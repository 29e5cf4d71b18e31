// The status_handler harness and its default targets: the committed seeds
// are exactly what their source (status_handler_seeds.cc) generates and do
// what their names say on the reference protocol and on NDISWAN; every
// buffer reaches the handler with exactly its declared size (NULL for 0 and
// for NULL_BUFFER), in both shapes; ProtocolStatusComplete closes each
// burst; the write check names the rule of the edge (and the monitor's
// check of that rule); unknown tags are skipped.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "conformance/monitor/monitor.h"
#include "fuzz/status_handler_input.h"
#include "fuzz/status_handler_reference.h"
#include "fuzz/status_handler_seeds.h"

namespace ndisconf::fuzz {
namespace {

std::vector<uint8_t> SeedFile(const std::string& name) {
  std::ifstream in("corpora/status_handler/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "no seed corpora/status_handler/" << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> Seed(const std::string& name) {
  for (const ShSeed& s : StatusHandlerSeeds())
    if (s.name == name) return s.data;
  ADD_FAILURE() << "no seed named " << name;
  return {};
}

TEST(StatusHandlerSeeds, CommittedSeedsAreWhatTheSourceGenerates) {
  for (const ShSeed& s : StatusHandlerSeeds()) {
    EXPECT_EQ(SeedFile(s.name), s.data)
        << s.name << " differs from fuzz/status_handler_seeds.cc: bazel run "
        << "//fuzz:status_handler_seeds";
  }
}

// ---- A recording handler in both shapes. ----

struct Delivery {
  bool complete = false;
  NDIS_STATUS status = 0;
  bool null = false;
  size_t size = 0;
  std::vector<uint8_t> bytes;
};
std::vector<Delivery> g_seen;
NDIS_HANDLE g_context_seen = nullptr;
int g_context_calls = 0;
// What the recording handler writes: byte offset into the buffer (or -1).
int g_write_at = -1;

void Record(NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
  g_context_seen = ctx;
  Delivery d;
  d.status = status;
  d.null = buffer == nullptr;
  d.size = size;
  if (buffer != nullptr) {
    d.bytes.assign(static_cast<uint8_t*>(buffer), static_cast<uint8_t*>(buffer) + size);
    if (g_write_at >= 0 && static_cast<UINT>(g_write_at) < size)
      static_cast<uint8_t*>(buffer)[g_write_at] ^= 0xFF;
  }
  g_seen.push_back(d);
}
VOID Ndis5Status(NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
  Record(ctx, status, buffer, size);
}
VOID Ndis5Complete(NDIS_HANDLE) { g_seen.push_back(Delivery{.complete = true}); }
VOID Ndis6Status(NDIS_HANDLE ctx, PNDIS_STATUS_INDICATION ind) {
  EXPECT_EQ(ind->Header.Type, NDIS_OBJECT_TYPE_STATUS_INDICATION);
  EXPECT_EQ(ind->Header.Revision, NDIS_STATUS_INDICATION_REVISION_1);
  EXPECT_EQ(ind->Header.Size, sizeof(NDIS_STATUS_INDICATION));
  EXPECT_NE(ind->SourceHandle, nullptr);
  Record(ctx, ind->StatusCode, ind->StatusBuffer, ind->StatusBufferSize);
}
NDIS_HANDLE Context() {
  ++g_context_calls;
  return reinterpret_cast<NDIS_HANDLE>(uintptr_t{0xC0});
}

StatusHandlerTarget Recorder(ShShape shape, ShEdge edge = ShEdge::kAboveNdiswan) {
  StatusHandlerTarget t;
  t.shape = shape;
  t.edge = edge;
  if (shape == ShShape::kNdis5) {
    t.ndis5 = &Ndis5Status;
    t.ndis5_complete = &Ndis5Complete;
  } else {
    t.ndis6 = &Ndis6Status;
  }
  t.context_factory = &Context;
  return t;
}

ShRunStats RunInput(const std::vector<uint8_t>& in, const StatusHandlerTarget& t) {
  g_seen.clear();
  g_context_calls = 0;
  return RunStatusHandlerInput(in.data(), in.size(), t);
}

TEST(StatusHandlerDelivery, EveryBufferHasExactlyItsDeclaredSizeAndNullForZero) {
  const std::vector<uint8_t> in = Seed("short_buffers");
  for (ShShape shape : {ShShape::kNdis5, ShShape::kNdis6, ShShape::kFilter}) {
    const ShRunStats s = RunInput(in, Recorder(shape));
    EXPECT_EQ(g_context_calls, 1);
    EXPECT_EQ(g_context_seen, reinterpret_cast<NDIS_HANDLE>(uintptr_t{0xC0}));
    ASSERT_EQ(s.indications, 2u * kShStructCount);
    size_t i = 0;
    for (uint8_t k = 0; k < kShStructCount; ++k) {
      const size_t full = ShStructSize(static_cast<ShStruct>(k));
      EXPECT_EQ(g_seen[i].size, full - 1);
      EXPECT_FALSE(g_seen[i].null);
      EXPECT_EQ(g_seen[i].bytes.size(), full - 1);
      EXPECT_EQ(g_seen[i + 1].size, 1u);
      i += 2;
    }
  }
  RunInput(ShProgram().Raw(NDIS_STATUS_MEDIA_CONNECT, {}).bytes(), Recorder(ShShape::kNdis6));
  ASSERT_EQ(g_seen.size(), 1u);
  EXPECT_TRUE(g_seen[0].null) << "size 0: NULL, as NdisMIndicateStatus(h, s, NULL, 0)";
}

TEST(StatusHandlerDelivery, NullBufferKeepsItsSize) {
  RunInput(ShProgram().NullBuffer(ShStruct::kMacLineUp, 40).bytes(), Recorder(ShShape::kNdis5));
  ASSERT_EQ(g_seen.size(), 2u);
  EXPECT_EQ(g_seen[0].status, NDIS_STATUS_WAN_LINE_UP);
  EXPECT_TRUE(g_seen[0].null);
  EXPECT_EQ(g_seen[0].size, 40u);
  EXPECT_TRUE(g_seen[1].complete) << "NDIS 5: the burst is closed at the end";
}

TEST(StatusHandlerDelivery, Ndis6HasNoCompleteCalls) {
  const ShRunStats s = RunInput(Seed("wan_line_up_fragment_down"), Recorder(ShShape::kFilter));
  EXPECT_EQ(s.indications, 3u);
  EXPECT_EQ(s.completes, 0u);
  for (const Delivery& d : g_seen) EXPECT_FALSE(d.complete);
}

TEST(StatusHandlerDelivery, WanLineUpIsNdiswansLayout) {
  RunInput(ShProgram().WanLineUp(3, 288, 4, 7).bytes(), Recorder(ShShape::kNdis5));
  ASSERT_EQ(g_seen.size(), 2u);
  const Delivery& d = g_seen[0];
  ASSERT_EQ(d.size, sizeof(NDIS_WAN_LINE_UP));
  NDIS_WAN_LINE_UP up;
  std::memcpy(&up, d.bytes.data(), sizeof(up));
  EXPECT_EQ(up.LinkSpeed, 288u);
  EXPECT_EQ(up.SendWindow, 4u);
  ULONG quality = 0;
  std::memcpy(&quality, d.bytes.data() + offsetof(NDIS_WAN_LINE_UP, Quality), sizeof(quality));
  EXPECT_EQ(quality, 7u) << "an out-of-range quality is carried through (OQ-22)";
  EXPECT_EQ(up.RemoteAddress[5], 4u) << "link slot 3 is upper link id 4";
  EXPECT_EQ(up.ProtocolType, 0x0800u);
  EXPECT_NE(up.DeviceName.Buffer, nullptr);
}

TEST(StatusHandlerDelivery, UnknownTagsAreSkipped) {
  const ShRunStats s =
      RunInput(ShProgram().UnknownTag(kShOpCount).WanLineDown(1).UnknownTag(0xFF).bytes(),
               Recorder(ShShape::kNdis5));
  EXPECT_EQ(s.skipped, 2u);
  EXPECT_EQ(s.indications, 1u);
  EXPECT_EQ(g_seen[0].status, NDIS_STATUS_WAN_LINE_DOWN);
}

TEST(StatusHandlerDelivery, RecordsPastTheLimitAreIgnored) {
  ShProgram p;
  for (uint32_t i = 0; i < kMaxRecords + 3; ++i) p.WanFragment(static_cast<uint8_t>(i));
  const ShRunStats s = RunInput(p.bytes(), Recorder(ShShape::kNdis6));
  EXPECT_EQ(s.indications, kMaxRecords);
  EXPECT_TRUE(s.truncated);
  EXPECT_FALSE(RunInput(Seed("short_buffers"), Recorder(ShShape::kNdis6)).truncated);
}

// ---- The write check. ----

TEST(StatusHandlerWriteCheck, ProtocolContextInLocalAddressIsAllowed) {
  g_write_at = offsetof(NDIS_WAN_LINE_UP, LocalAddress) + 2;
  const ShRunStats s = RunInput(Seed("wan_line_up_fragment_down"), Recorder(ShShape::kNdis5));
  g_write_at = -1;
  EXPECT_EQ(s.violation.rule, nullptr);
}

TEST(StatusHandlerWriteCheck, ReservedLocalAddressByteIsWan037) {
  g_write_at = offsetof(NDIS_WAN_LINE_UP, LocalAddress);
  const ShRunStats s = RunInput(Seed("wan_line_up_fragment_down"), Recorder(ShShape::kFilter));
  g_write_at = -1;
  ASSERT_NE(s.violation.rule, nullptr);
  EXPECT_STREQ(s.violation.rule, "WAN-037");
  EXPECT_STREQ(s.violation.check, "upper-line-up-shape");
  EXPECT_EQ(s.violation.event, 0u);
  EXPECT_EQ(s.violation.offset, offsetof(NDIS_WAN_LINE_UP, LocalAddress));
  EXPECT_EQ(s.indications, 1u) << "the input stops at the violation";
}

TEST(StatusHandlerWriteCheck, LineDownWriteIsWan042) {
  g_write_at = 0;
  const ShRunStats s =
      RunInput(ShProgram().Complete().WanLineDown(0).bytes(), Recorder(ShShape::kNdis5));
  g_write_at = -1;
  ASSERT_NE(s.violation.rule, nullptr);
  EXPECT_STREQ(s.violation.rule, "WAN-042");
  EXPECT_EQ(s.violation.event, 1u) << "the complete before it is event 0";
}

TEST(StatusHandlerWriteCheck, LowerEdgeAllowsOnlyANewLinksContext) {
  g_write_at = offsetof(NDIS_MAC_LINE_UP, NdisLinkContext);
  StatusHandlerTarget t = Recorder(ShShape::kNdis5, ShEdge::kAboveMiniport);
  ShRunStats s = RunInput(ShProgram().MacLineUp(0, false, 1, 1, 2).bytes(), t);
  EXPECT_EQ(s.violation.rule, nullptr) << "initial line-up: NDISWAN writes the context (WAN-024)";
  s = RunInput(ShProgram().MacLineUp(0, false, 1, 1, 2).MacLineUp(0, true, 1, 1, 2).bytes(), t);
  g_write_at = -1;
  ASSERT_NE(s.violation.rule, nullptr) << "an update's context is not NDISWAN's to change";
  EXPECT_STREQ(s.violation.rule, "WAN-103");
  EXPECT_STREQ(s.violation.check, "status-buffer-unchanged");
  EXPECT_EQ(s.violation.event, 1u);
}

TEST(StatusHandlerWriteCheck, RulesAndChecksAreTheMonitors) {
  const std::vector<std::pair<std::string, std::string>> used = {
      {"WAN-037", "upper-line-up-shape"},
      {"WAN-042", "upper-line-down-shape"},
      {"WAN-053", "upper-fragment-shape"},
      {"WAN-103", "status-buffer-unchanged"}};
  for (const auto& [rule, check] : used) {
    bool found = false;
    for (const monitor::CheckInfo& c : monitor::Monitor::Checks())
      found = found || (c.rule == rule && c.check == check);
    EXPECT_TRUE(found) << rule << " check=" << check << " is not in the monitor's table";
  }
}

// ---- The default targets on the reference. ----

const conformance::Implementation& Reference() {
  return *conformance::FindImplementation("reference");
}

StatusHandlerTarget Default(ReferenceHandler which,
                            const conformance::Implementation& impl = Reference()) {
  StatusHandlerTarget t;
  EXPECT_TRUE(ReferenceStatusHandler(impl, which, &t));
  return t;
}

TEST(StatusHandlerReference, ProtocolFollowsALinksLife) {
  const StatusHandlerTarget t = Default(ReferenceHandler::kWanProto);
  const ShRunStats s = RunInput(Seed("wan_line_up_fragment_down"), t);
  EXPECT_EQ(s.violation.rule, nullptr);
  const drivers::WanProto& p = *ReferenceTopology().proto;
  EXPECT_EQ(p.counters().indications, 3u);
  EXPECT_EQ(p.counters().status_completes, 2u);
  EXPECT_EQ(p.counters().malformed, 0u);
  const drivers::WpLink* link = p.link(drivers::wan::UpperLinkId{1});
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->line_ups, 1u);
  EXPECT_EQ(link->fragments, 1u);
  EXPECT_EQ(link->notifications_sent, 1u) << "WAN-054: the peer is told at once";
  EXPECT_EQ(link->line_downs, 1u);
  EXPECT_EQ(p.mode(), drivers::TimerMode::kDegraded) << "WAN-041 after the line-down";
}

TEST(StatusHandlerReference, EachInputStartsFromNoLinks) {
  const StatusHandlerTarget t = Default(ReferenceHandler::kWanProto);
  RunInput(Seed("wan_two_links_update"), t);
  EXPECT_EQ(ReferenceTopology().proto->links().size(), 2u);
  RunInput(Seed("wan_unknown_links"), t);
  const drivers::WanProto& p = *ReferenceTopology().proto;
  EXPECT_TRUE(p.links().empty());
  EXPECT_EQ(p.counters().unknown_link, 2u) << "WAN-101: links never up";
  EXPECT_EQ(p.counters().indications, 2u);
}

TEST(StatusHandlerReference, ProtocolCountsMalformedAndIgnored) {
  const StatusHandlerTarget t = Default(ReferenceHandler::kWanProto);
  RunInput(Seed("short_buffers"), t);
  const drivers::WanProto& p = *ReferenceTopology().proto;
  // Six WAN statuses (NDIS_WAN_* and NDIS_MAC_* shapes) cut to size - 1 and
  // to 1 byte: all too short for the protocol's NDIS_WAN_* structure but the
  // 15-byte NDIS_MAC_FRAGMENT (NDIS_WAN_FRAGMENT needs 12: decoded, its link
  // unknown). The two TAPI indications are ignored (WAN-006).
  EXPECT_EQ(p.counters().malformed, 11u);
  EXPECT_EQ(p.counters().unknown_link, 1u);
  EXPECT_EQ(p.counters().ignored, 2u);
  RunInput(Seed("null_buffers"), t);
  EXPECT_EQ(p.counters().malformed, 6u);
}

TEST(StatusHandlerReference, NdiswanAcceptsUpdatesAndRejectsUnknownContexts) {
  const StatusHandlerTarget t = Default(ReferenceHandler::kNdiswan);
  ShRunStats s = RunInput(Seed("mac_line_up_update_fragment_down"), t);
  EXPECT_EQ(s.violation.rule, nullptr);
  const stack::WanTopology& w = ReferenceTopology();
  EXPECT_EQ(w.ndiswan->counters().line_ups, 1u);
  EXPECT_EQ(w.ndiswan->counters().line_up_updates, 1u);
  EXPECT_EQ(w.ndiswan->counters().fragments, 2u) << "WAN-052: Errors 0 counts too";
  EXPECT_EQ(w.ndiswan->counters().line_downs, 1u);
  // Forwarded up through the model: line-up, update, two fragments, line-down.
  EXPECT_EQ(w.proto->counters().indications, 5u);
  s = RunInput(Seed("mac_duplicate_and_unknown"), t);
  EXPECT_EQ(s.violation.rule, nullptr);
  const drivers::wan::Counters& c = w.ndiswan->counters();
  EXPECT_EQ(c.line_ups, 1u) << "counters start over with each input";
  EXPECT_EQ(c.Rejected(drivers::wan::Reason::kDuplicateLineUp), 1u);
  EXPECT_EQ(c.Rejected(drivers::wan::Reason::kUnknownContext), 1u) << "OQ-25";
  EXPECT_EQ(c.Rejected(drivers::wan::Reason::kUnknownLink), 2u) << "WAN-101";
}

TEST(StatusHandlerReference, EverySeedRunsCleanOnBothTargets) {
  for (ReferenceHandler which : {ReferenceHandler::kWanProto, ReferenceHandler::kNdiswan}) {
    const StatusHandlerTarget t = Default(which);
    const size_t refused = ReferenceModel().rejections().size();
    for (const ShSeed& seed : StatusHandlerSeeds()) {
      const ShRunStats s = RunInput(seed.data, t);
      EXPECT_EQ(s.violation.rule, nullptr) << seed.name;
      EXPECT_GT(s.indications, 0u) << seed.name;
      EXPECT_GT(s.completes, 0u) << seed.name;
    }
    // What NDISWAN forwards from the harness's context (PASSIVE_LEVEL, no
    // lock) is legal: NDIS refuses none of it (WAN-002 / WAN-003).
    EXPECT_EQ(ReferenceModel().rejections().size(), refused);
  }
}

TEST(StatusHandlerReference, SeededBugClobberingLocalAddressIsWan037) {
  const conformance::Implementation* bug =
      conformance::FindImplementation("bug-wanproto-clobbers-reserved-local-address");
  ASSERT_NE(bug, nullptr);
  const StatusHandlerTarget t = Default(ReferenceHandler::kWanProto, *bug);
  const ShRunStats s = RunInput(Seed("wan_line_up_fragment_down"), t);
  ASSERT_NE(s.violation.rule, nullptr);
  EXPECT_STREQ(s.violation.rule, "WAN-037");
  EXPECT_STREQ(s.violation.check, "upper-line-up-shape");
  EXPECT_EQ(s.violation.event, 0u);
  EXPECT_EQ(s.violation.offset, offsetof(NDIS_WAN_LINE_UP, LocalAddress));
  (void)Default(ReferenceHandler::kWanProto);  // back to the reference for later tests
}

}  // namespace
}  // namespace ndisconf::fuzz
