// Conformance, black box: a CoNDIS client judged only by what crosses the
// NDIS boundary (spec 5.1-5.6, 5.9; sequences S1, S2, S4, S6).
//
// The client under test is the implementation's: a driver plugged in whole
// (conformance/plugin) or its C++ client. The reference plays every other
// role: a stand-alone call manager that registers the Q.2931 AF on a CoNDIS
// adapter, and the CoNDIS miniport below both. A client decides for itself
// what it opens, so the tests drive it only as NDIS and the call manager
// would: they offer it the AF, notify-close the AF by unbinding the call
// manager, and unbind the client itself. They assert what the call manager
// saw (its AF's state) and the order of the client's own NDIS calls; the
// rule monitor checks every crossing on top. Its capability profile names
// the AFs it opens when offered, and may say that it pends a notify-close.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "conformance/framework/fixture.h"
#include "conformance/framework/recorder.h"
#include "reference/drivers/cm/cm.h"

namespace ndisconf::conformance {
namespace {

using drivers::CallManager;
using drivers::CmAfState;

// Ends the test as NOT_APPLICABLE when the client's capability profile says
// it does not open Q.2931, the AF the tests offer it.
#define NDISCONF_NEEDS_Q2931()                                                                \
  do {                                                                                        \
    if (!OpensQ2931()) {                                                                      \
      NDISCONF_NOT_APPLICABLE("the capability profile's address_families do not list Q2931"); \
    }                                                                                         \
  } while (0)

class ClRole : public ConformanceTest {
 protected:
  std::optional<PluggedRole> BlackBoxRole() const override { return PluggedRole::kClient; }

  // S1: the reference call manager, the client under test, and a CoNDIS
  // miniport whose adapter arrives last, so that both bind to it; the call
  // manager registers Q.2931 and NDIS offers it to the client. Runs until
  // nothing is left to do.
  void Build(const drivers::CallManagerConfig& cm = {}) {
    stack::Stack& s = NewStack();
    cm_ = &s.Load(std::make_unique<CallManager>(cm), &cm_id_);
    s.Load(MakeClientUnderTest(), &client_);
    s.Load(MakeMiniport(), &miniport_);
    adapter_ = s.AddAdapter(miniport_, "comp0", NdisMediumAtm);
    s.Settle();
  }

  // Whether the client is expected to open Q.2931: every client unless its
  // profile lists other AFs only.
  bool OpensQ2931() const {
    if (profile() == nullptr) return true;
    for (uint32_t af : profile()->address_families) {
      if (af == CO_ADDRESS_FAMILY_Q2931) return true;
    }
    return false;
  }

  // The call manager's AFs in `state`.
  size_t CmAfs(CmAfState state) const {
    size_t n = 0;
    for (const auto& af : cm_->afs()) n += af->state == state;
    return n;
  }

  size_t ClientCalls(Fn fn) const { return CountCalls(client_, fn); }
  uint64_t FirstClientCall(Fn fn) const { return FirstCall(client_, fn); }

  // The first event of the run that calls `fn` into or from `actor`, and its
  // matching return.
  struct Span {
    uint64_t call = UINT64_MAX, ret = UINT64_MAX;
  };
  Span FirstSpan(ActorId actor, Fn fn) const {
    Span s;
    for (const Event& e : events()) {
      if (e.actor != actor || e.fn != fn) continue;
      if (e.phase == Phase::kCall && s.call == UINT64_MAX) s.call = e.index;
      if (e.phase == Phase::kReturn && s.call != UINT64_MAX) {
        s.ret = e.index;
        break;
      }
    }
    return s;
  }

  CallManager* cm_ = nullptr;
  ActorId cm_id_ = kNoActor, client_ = kNoActor, miniport_ = kNoActor;
  ndis::AdapterId adapter_{};
};

// S1: the client registers as a CoNDIS client, with every client handler
// (the monitor checks the tables), and binds to the CoNDIS adapter.
TEST_P(ClRole, RegistersAndBindsAsACoNdisClient) {
  NDISCONF_RULES("AF-023", "AF-130", "AF-137");
  Build();
  EXPECT_EQ(ClientCalls(Fn::NdisRegisterProtocolDriver), 1u);
  EXPECT_GE(ClientCalls(Fn::NdisSetOptionalHandlers), 1u);
  EXPECT_TRUE(model().IsBound(client_, adapter_));
}

// S2: offered the Q.2931 AF, the client opens it from its
// ProtocolCoAfRegisterNotify, and the open succeeds at the call manager.
TEST_P(ClRole, OpensTheAfItIsOffered) {
  NDISCONF_RULES("AF-030", "AF-039", "AF-040");
  NDISCONF_NEEDS_Q2931();
  Build();
  const Span notify = FirstSpan(client_, Fn::ProtocolCoAfRegisterNotify);
  const uint64_t open = FirstClientCall(Fn::NdisClOpenAddressFamilyEx);
  ASSERT_NE(notify.call, UINT64_MAX) << "NDIS never offered the AF";
  ASSERT_NE(open, UINT64_MAX) << "the client never opened the AF";
  EXPECT_GT(open, notify.call);
  EXPECT_LT(open, notify.ret) << "the open was not made from ProtocolCoAfRegisterNotify";
  EXPECT_EQ(ClientCalls(Fn::NdisClOpenAddressFamilyEx), 1u);
  EXPECT_EQ(CmAfs(CmAfState::kOpen), 1u);
}

// S6: the call manager unbinds, so NDIS notify-closes the AF; the client
// closes it (and completes a pended notify-close), and the call manager's
// unbind finishes with its binding closed.
TEST_P(ClRole, ClosesTheAfWhenNotified) {
  NDISCONF_RULES("AF-056", "AF-058", "AF-060", "AF-064", "AF-065");
  NDISCONF_NEEDS_Q2931();
  Build();
  ASSERT_EQ(CmAfs(CmAfState::kOpen), 1u);
  ASSERT_TRUE(model().UnbindProtocol(cm_id_, adapter_));
  stack().Settle();
  EXPECT_EQ(ClientCalls(Fn::NdisClCloseAddressFamily), 1u);
  EXPECT_GT(FirstClientCall(Fn::NdisClCloseAddressFamily),
            FirstCall(client_, Fn::ProtocolClNotifyCloseAf));
  EXPECT_EQ(CmAfs(CmAfState::kClosed), 1u);
  EXPECT_FALSE(model().IsBound(cm_id_, adapter_));
  EXPECT_EQ(CountCalls(cm_id_, Fn::NdisCloseAdapterEx), 1u);
  if (ClientCalls(Fn::NdisClNotifyCloseAddressFamilyComplete) == 1) Pended("notify_close_af");
  EXPECT_LE(ClientCalls(Fn::NdisClNotifyCloseAddressFamilyComplete), 1u);
}

// S6 with a call manager that pends the close: the client's close pends, so
// it keeps the AF until ProtocolClCloseAfComplete, and a notify-close it
// pended is completed once, after that.
TEST_P(ClRole, ClosesTheAfWhenNotifiedAndTheClosePends) {
  NDISCONF_RULES("AF-058", "AF-060", "AF-064", "AF-065");
  NDISCONF_NEEDS_Q2931();
  drivers::CallManagerConfig cm;
  cm.close_af = drivers::OpPolicy::Pending();
  Build(cm);
  ASSERT_EQ(CmAfs(CmAfState::kOpen), 1u);
  ASSERT_TRUE(model().UnbindProtocol(cm_id_, adapter_));
  stack().Settle();
  EXPECT_EQ(ClientCalls(Fn::NdisClCloseAddressFamily), 1u);
  EXPECT_EQ(CmAfs(CmAfState::kClosed), 1u);
  EXPECT_FALSE(model().IsBound(cm_id_, adapter_));
  const size_t completes = ClientCalls(Fn::NdisClNotifyCloseAddressFamilyComplete);
  EXPECT_LE(completes, 1u);
  if (completes == 1) {
    EXPECT_GT(FirstClientCall(Fn::NdisClNotifyCloseAddressFamilyComplete),
              FirstCall(client_, Fn::ProtocolClCloseAfComplete));
    Pended("notify_close_af");
  }
}

// S4 from the client's side: unbound, the client closes its AF before it
// closes the binding, and the unbind completes with the binding closed.
TEST_P(ClRole, UnbindClosesTheAfBeforeTheBinding) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-123");
  NDISCONF_NEEDS_Q2931();
  Build();
  ASSERT_EQ(CmAfs(CmAfState::kOpen), 1u);
  ASSERT_TRUE(model().UnbindProtocol(client_, adapter_));
  stack().Settle();
  EXPECT_EQ(ClientCalls(Fn::NdisClCloseAddressFamily), 1u);
  EXPECT_LT(FirstClientCall(Fn::NdisClCloseAddressFamily), FirstClientCall(Fn::NdisCloseAdapterEx));
  EXPECT_EQ(ClientCalls(Fn::NdisCloseAdapterEx), 1u);
  EXPECT_EQ(CmAfs(CmAfState::kClosed), 1u);
  EXPECT_FALSE(model().IsBound(client_, adapter_));
}

// Unbound with nothing open, the client just closes its binding.
TEST_P(ClRole, UnbindWithNoAfClosesTheBinding) {
  NDISCONF_RULES("AF-120", "AF-122", "AF-123");
  stack::Stack& s = NewStack();
  s.Load(MakeClientUnderTest(), &client_);
  s.Load(MakeMiniport(), &miniport_);
  adapter_ = s.AddAdapter(miniport_, "comp0", NdisMediumAtm);
  s.Settle();
  ASSERT_TRUE(model().IsBound(client_, adapter_));
  ASSERT_TRUE(model().UnbindProtocol(client_, adapter_));
  stack().Settle();
  EXPECT_EQ(ClientCalls(Fn::NdisClCloseAddressFamily), 0u);
  EXPECT_EQ(ClientCalls(Fn::NdisCloseAdapterEx), 1u);
  EXPECT_FALSE(model().IsBound(client_, adapter_));
}

NDISCONF_INSTANTIATE(ClRole);

}  // namespace
}  // namespace ndisconf::conformance
