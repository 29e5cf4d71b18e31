// Conformance: NDIS handles name exactly one object and are NDIS's own
// (spec 5.10; handle flow of 1.1).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "conformance/framework/fixture.h"

namespace ndisconf::conformance {
namespace {

using drivers::ClAfState;
using drivers::Client;
using drivers::ClientConfig;
using drivers::SapSpec;

// Every handle NDIS gave out, with what it names ("af 0", "vc 3", ...).
class HandleCensus {
 public:
  // Records that `h` names `object`; a handle seen before must name the
  // same object (the CM and the client see the same NdisAfHandle).
  void Add(NDIS_HANDLE h, const std::string& object) {
    ++count_;
    if (h == nullptr) {
      errors_.push_back(object + " has a NULL handle");
      return;
    }
    auto [it, fresh] = names_.emplace(h, object);
    if (!fresh && it->second != object) {
      errors_.push_back(object + " and " + it->second + " share handle " +
                        std::to_string(reinterpret_cast<uintptr_t>(h)));
    }
  }
  // A driver-owned address must not be used as a handle.
  void NotAHandle(const void* p, const std::string& what) {
    if (auto it = names_.find(const_cast<void*>(p)); it != names_.end()) {
      errors_.push_back(it->second + " handle equals the address of " + what);
    }
  }
  const std::vector<std::string>& errors() const { return errors_; }
  size_t distinct() const { return names_.size(); }
  size_t count() const { return count_; }

 private:
  std::map<const void*, std::string> names_;
  std::vector<std::string> errors_;
  size_t count_ = 0;
};

class Handles : public ConformanceTest {};

TEST_P(Handles, LiveHandlesAreDistinctAcrossObjectKinds) {
  NDISCONF_RULES("AF-140");
  ClientConfig c;
  c.saps_after_open = {{0x1, {1, 2, 3}}};
  c.vcs_after_open = 2;
  c.make_calls_after_open = true;
  NewStack();
  stack::CmTopologyParts parts;
  parts.cm = [&] { return MakeCm(); };
  parts.client = [&] { return MakeClient(c); };
  parts.miniport = [&] { return MakeMiniport(); };
  ClientConfig c2 = c;
  c2.saps_after_open = {{0x1, {4, 5, 6}}};
  stack::TwoClientTopology t = stack::BuildTwoClientTopology(
      stack(), parts, [&] { return std::make_unique<Client>(c2, "client2"); });
  stack().Settle();

  HandleCensus census;
  const std::vector<Client*> clients = {t.client1, t.client2};
  for (size_t k = 0; k < clients.size(); ++k) {
    const Client& cl = *clients[k];
    const std::string who = "client" + std::to_string(k + 1) + " ";
    ASSERT_EQ(cl.afs().size(), 1u) << who;
    ASSERT_EQ(cl.saps().size(), 1u) << who;
    ASSERT_EQ(cl.vcs().size(), 2u) << who;
    for (const auto& b : cl.bindings())
      census.Add(b->ndis_binding, who + "binding " + std::to_string(b->index));
    for (const auto& a : cl.afs()) census.Add(a->ndis_af, who + "af " + std::to_string(a->index));
    for (const auto& s : cl.saps())
      census.Add(s->ndis_sap, who + "sap " + std::to_string(s->index));
    for (const auto& v : cl.vcs()) census.Add(v->ndis_vc, who + "vc " + std::to_string(v->index));
  }
  const drivers::CallManager& cm = *t.cm;
  for (const auto& p : cm.ports())
    census.Add(p->ndis_handle, "cm binding " + std::to_string(p->index));
  for (const auto& a : t.miniport->adapters()) census.Add(a->ndis_handle, "miniport adapter");
  // The CM sees the same AF, SAP and VC handles as the clients.
  std::set<NDIS_HANDLE> client_afs, cm_afs, client_saps, cm_saps, client_vcs, cm_vcs;
  for (const Client* cl : clients) {
    for (const auto& a : cl->afs()) client_afs.insert(a->ndis_af);
    for (const auto& s : cl->saps()) client_saps.insert(s->ndis_sap);
    for (const auto& v : cl->vcs()) client_vcs.insert(v->ndis_vc);
  }
  for (const auto& a : cm.afs()) cm_afs.insert(a->ndis_af);
  for (const auto& s : cm.saps()) cm_saps.insert(s->ndis_sap);
  for (const auto& v : cm.vcs()) cm_vcs.insert(v->ndis_vc);
  EXPECT_EQ(client_afs, cm_afs);
  EXPECT_EQ(client_saps, cm_saps);
  EXPECT_EQ(client_vcs, cm_vcs);

  // 1 adapter, 2 client bindings + 1 CM binding, 2 AFs, 2 SAPs, 4 VCs: all distinct.
  EXPECT_EQ(census.count(), 12u);
  EXPECT_EQ(census.distinct(), 12u);
  // Handles are NDIS's: none is the address of a driver's own context.
  for (const Client* cl : clients) {
    for (const auto& b : cl->bindings()) census.NotAHandle(b.get(), "a client binding context");
    for (const auto& a : cl->afs()) census.NotAHandle(a.get(), "a ClientAfContext");
    for (const auto& s : cl->saps()) census.NotAHandle(s.get(), "a ProtocolSapContext");
    for (const auto& v : cl->vcs()) census.NotAHandle(v.get(), "a ProtocolVcContext");
  }
  for (const auto& a : cm.afs()) census.NotAHandle(a.get(), "a CallMgrAfContext");
  for (const auto& v : cm.vcs()) census.NotAHandle(v.get(), "a CallMgrVcContext");
  for (const std::string& e : census.errors()) ADD_FAILURE() << e;
}

TEST_P(Handles, NewAfOpenGetsHandleDistinctFromClosedOne) {
  NDISCONF_RULES("AF-140");
  stack::CmTopology t = CmTopology();
  stack().Settle();
  ASSERT_EQ(t.client->afs().size(), 1u);
  const NDIS_HANDLE first = t.client->afs()[0]->ndis_af;
  stack().As(*t.client, [&] { t.client->TearDownAf(0); });
  stack().Settle();
  ASSERT_EQ(t.client->afs()[0]->state, ClAfState::kClosed);
  // A second client opens the same registration: a new instance, a new handle.
  ActorId c2 = kNoActor;
  Client& client2 = stack().Load(std::make_unique<Client>(ClientConfig{}, "client2"), &c2);
  EXPECT_EQ(model().BindProtocol(c2, t.adapter), NDIS_STATUS_SUCCESS);
  stack().Settle();
  ASSERT_EQ(client2.afs().size(), 1u);
  EXPECT_EQ(client2.afs()[0]->state, ClAfState::kOpen);
  EXPECT_NE(client2.afs()[0]->ndis_af, nullptr);
  EXPECT_NE(client2.afs()[0]->ndis_af, first);
  EXPECT_NE(client2.afs()[0]->ndis_af, client2.bindings()[0]->ndis_binding);
  ASSERT_EQ(t.cm->afs().size(), 2u);
  EXPECT_EQ(t.cm->afs()[1]->ndis_af, client2.afs()[0]->ndis_af);
}

NDISCONF_INSTANTIATE(Handles);

}  // namespace
}  // namespace ndisconf::conformance
