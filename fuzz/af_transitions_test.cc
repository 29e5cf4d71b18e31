// The transition recorder (af_transitions.h): what named seeds reach on the
// reference, and what an empty program reaches (nothing).
#include "fuzz/af_transitions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "conformance/framework/implementation.h"
#include "fuzz/af_lifecycle_input.h"
#include "fuzz/af_lifecycle_seeds.h"

namespace ndisconf::fuzz {
namespace {

// "O3/pended" etc.: the ids (and mode) a program reaches on the reference.
std::set<std::string> Reached(const std::vector<uint8_t>& program) {
  const conformance::Implementation* impl = conformance::FindImplementation("reference");
  EXPECT_NE(impl, nullptr);
  AfTransitionRecorder rec;
  if (impl != nullptr) (void)RunAfLifecycleProgram(*impl, program.data(), program.size(), &rec);
  std::set<std::string> out;
  const std::vector<AfTransition>& t = AfTransitions();
  for (size_t i = 0; i < t.size(); ++i) {
    if (!rec.reached()[i]) continue;
    std::string id(t[i].id);
    if (t[i].mode == AfMode::kSync) id += "/sync";
    if (t[i].mode == AfMode::kPended) id += "/pended";
    out.insert(id);
  }
  return out;
}

std::vector<uint8_t> Seed(const std::string& name) {
  for (const AfSeed& s : AfLifecycleSeeds())
    if (s.name == name) return s.data;
  ADD_FAILURE() << "no seed " << name;
  return {};
}

TEST(AfTransitions, TableRowsAreUniqueAndFit) {
  const std::vector<AfTransition>& t = AfTransitions();
  ASSERT_LE(t.size(), kMaxAfTransitions);
  std::set<std::pair<std::string, int>> seen;
  size_t reachable = 0;
  for (const AfTransition& r : t) {
    EXPECT_TRUE(seen.insert({std::string(r.id), static_cast<int>(r.mode)}).second) << r.id;
    reachable += r.unreachable.empty();
  }
  EXPECT_EQ(AfReachableTransitionCount(), reachable);
  EXPECT_EQ(DescribeAfTransition(static_cast<size_t>(AfTransitionIndex("O3"))),
            "af - --NdisClOpenAddressFamilyEx ret PENDING--> [pended] (O3, spec 2.4)");
}

TEST(AfTransitions, EmptyProgramReachesNothing) {
  EXPECT_TRUE(Reached({}).empty());
  EXPECT_TRUE(Reached({0}).empty());  // an empty schedule, no records
}

TEST(AfTransitions, SyncOpenSeed) {
  const std::set<std::string> r = Reached(Seed("s1_open_sync"));
  EXPECT_TRUE(r.count("O2/sync")) << "spec A S1: ProtocolCmOpenAf returns SUCCESS";
  EXPECT_TRUE(r.count("B4")) << "the client is notified of the AF";
  EXPECT_TRUE(r.count("R1/sync"));
  EXPECT_TRUE(r.count("B1/sync"));
  EXPECT_FALSE(r.count("O3/pended"));
  EXPECT_FALSE(r.count("O5/pended"));
}

TEST(AfTransitions, PendedOpenSeed) {
  const std::set<std::string> r = Reached(Seed("s2_open_pended"));
  EXPECT_TRUE(r.count("O3/pended"));
  EXPECT_TRUE(r.count("O5/pended"));
  EXPECT_FALSE(r.count("O2/sync"));
}

TEST(AfTransitions, CmUnbindNotifyPendedSeed) {
  const std::set<std::string> r = Reached(Seed("s5_cm_unbind_notify_pended"));
  EXPECT_TRUE(r.count("N1"));
  EXPECT_TRUE(r.count("N4/pended"));
  EXPECT_TRUE(r.count("N5/pended"));
  EXPECT_TRUE(r.count("B6")) << "the CM notifies from its unbind";
  EXPECT_FALSE(r.count("M5")) << "no halt in this seed";
}

TEST(AfTransitions, McmHaltSeed) {
  const std::set<std::string> r = Reached(Seed("s6_mcm_halt"));
  EXPECT_TRUE(r.count("R5/sync"));
  EXPECT_TRUE(r.count("M4"));
  EXPECT_TRUE(r.count("M5")) << "the MCM notifies from MiniportHaltEx";
  EXPECT_FALSE(r.count("B6"));
}

TEST(AfTransitions, IncomingCallDuringSapRegistrationSeed) {
  const std::set<std::string> r = Reached(Seed("s8_incoming_call_during_sap_registration"));
  EXPECT_TRUE(r.count("S3/pended"));
  EXPECT_TRUE(r.count("S7a")) << "spec S7: a call offered while the SAP registers";
  EXPECT_FALSE(r.count("S7b"));
}

// The committed corpus reaches every reachable transition, so a campaign
// started from it begins with all of them (and a change of the reference
// that makes one unreachable shows here).
TEST(AfTransitions, CommittedCorpusReachesEveryReachableTransition) {
  namespace fs = std::filesystem;
  const conformance::Implementation* impl = conformance::FindImplementation("reference");
  ASSERT_NE(impl, nullptr);
  AfTransitionRecorder rec;
  size_t files = 0;
  std::error_code ec;
  for (const fs::directory_entry& f : fs::directory_iterator("corpora/af_lifecycle", ec)) {
    std::ifstream in(f.path(), std::ios::binary);
    const std::vector<uint8_t> p((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    rec.NewRun();
    (void)RunAfLifecycleProgram(*impl, p.data(), p.size(), &rec);
    ++files;
  }
  ASSERT_GT(files, 0u);
  const std::vector<AfTransition>& t = AfTransitions();
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].unreachable.empty()) {
      EXPECT_TRUE(rec.reached()[i]) << DescribeAfTransition(i);
    }
  }
}

TEST(AfTransitions, NewRunForgetsHandlesNotTransitions) {
  const conformance::Implementation* impl = conformance::FindImplementation("reference");
  ASSERT_NE(impl, nullptr);
  AfTransitionRecorder rec;
  const std::vector<uint8_t> p = Seed("s2_open_pended");
  (void)RunAfLifecycleProgram(*impl, p.data(), p.size(), &rec);
  const AfTransitionSet first = rec.reached();
  rec.NewRun();
  EXPECT_EQ(rec.reached(), first);
  (void)RunAfLifecycleProgram(*impl, p.data(), p.size(), &rec);
  EXPECT_EQ(rec.reached(), first);
}

}  // namespace
}  // namespace ndisconf::fuzz
