// Monitor checks on hand-built event sequences: each test drives one rule
// and asserts the exact rule IDs (and check names) reported.
//
// About 600 lines on purpose: one short test per CoNDIS check and the
// monitor's robustness cases, all on the same Trail builder.
#include "conformance/monitor/monitor.h"

#include <ndis.h>

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace ndisconf::monitor {
namespace {

constexpr ActorId kCm = 1, kCl = 2, kMp = 3;
constexpr uint64_t kAfType = 1;
// The miniport adapter every binding of BindAll is to (NdisMiniportHandle).
constexpr uint64_t kAdapter = 0x3001;

// Builds events with consecutive indexes and feeds them to a monitor.
class Trail {
 public:
  explicit Trail(Profile p = {}) : m_(p) {}
  Trail& Call(ActorId a, Fn fn, std::initializer_list<uint64_t> args,
              uint8_t irql = PASSIVE_LEVEL) {
    return Emit(a, fn, Phase::kCall, 0, args, irql);
  }
  Trail& Ret(ActorId a, Fn fn, int32_t status = NDIS_STATUS_SUCCESS,
             std::initializer_list<uint64_t> out = {}, uint8_t irql = PASSIVE_LEVEL) {
    return Emit(a, fn, Phase::kReturn, status, out, irql);
  }
  Trail& Emit(ActorId a, Fn fn, Phase ph, int32_t status, std::initializer_list<uint64_t> args,
              uint8_t irql) {
    Event e;
    e.index = next_++;
    e.fn = fn;
    e.phase = ph;
    e.actor = a;
    e.irql = irql;
    e.status = status;
    e.blob_len = 0;
    for (uint64_t v : args) e.arg[e.arg_count++] = v;
    m_.OnEvent(e);
    return *this;
  }
  std::set<std::string> Rules() {
    m_.Finish();
    std::set<std::string> r;
    for (const Violation& v : m_.violations()) r.insert(v.rule);
    return r;
  }
  std::string Report() const {
    std::string s;
    for (const Violation& v : m_.violations())
      s += v.rule + " " + v.check + " @" + std::to_string(v.event_index) + ": " + v.message + "\n";
    return s;
  }
  Monitor& monitor() { return m_; }

 private:
  Monitor m_;
  uint64_t next_ = 0;
};

uint64_t Hdr(unsigned type, unsigned rev, unsigned size) {
  return (uint64_t{type} << 24) | (rev << 16) | size;
}

void Handlers(Trail& r, ActorId a, unsigned type, unsigned size, uint64_t mask,
              int32_t st = NDIS_STATUS_SUCCESS) {
  r.Call(a, Fn::ProtocolSetOptions, {0x1000u + a, 0});
  r.Call(a, Fn::NdisSetOptionalHandlers, {0x1000u + a, Hdr(type, 1, size), mask});
  r.Ret(a, Fn::NdisSetOptionalHandlers, st);
  r.Ret(a, Fn::ProtocolSetOptions);
}

// CM and client registered and bound; the CM registered AF 1 (S1 1-4).
void BindAll(Trail& r) {
  Handlers(r, kCm, 0x90, 40, 0xf);
  Handlers(r, kCm, 0xa5, 144, 0x1ffff);
  Handlers(r, kCl, 0x90, 40, 0xf);
  Handlers(r, kCl, 0xa6, 160, 0x7ffff);
  r.Call(kCm, Fn::ProtocolBindAdapterEx, {0xc0, 0xbc1, 0, kAdapter});
  r.Call(kCm, Fn::NdisOpenAdapterEx, {0x1001, 0xcb1, 0xbc1})
      .Ret(kCm, Fn::NdisOpenAdapterEx, 0, {0xb001});
  r.Call(kCm, Fn::NdisCmRegisterAddressFamilyEx, {0xb001, kAfType, 1, 0})
      .Ret(kCm, Fn::NdisCmRegisterAddressFamilyEx);
  r.Ret(kCm, Fn::ProtocolBindAdapterEx);
  r.Call(kCl, Fn::ProtocolBindAdapterEx, {0xd0, 0xbc2, 0, kAdapter});
  r.Call(kCl, Fn::NdisOpenAdapterEx, {0x2001, 0xdb1, 0xbc2})
      .Ret(kCl, Fn::NdisOpenAdapterEx, 0, {0xb002});
  r.Ret(kCl, Fn::ProtocolBindAdapterEx);
}

// Open AF 0xaf01 from the notify with the CM's status `cm_status`.
void Open(Trail& r, int32_t cm_status = NDIS_STATUS_SUCCESS,
          int32_t ndis_status = NDIS_STATUS_SUCCESS) {
  r.Call(kCl, Fn::ProtocolCoAfRegisterNotify, {0xdb1, kAfType, 1, 0});
  r.Call(kCl, Fn::NdisClOpenAddressFamilyEx, {0xb002, kAfType, 1, 0, 0xa1});
  r.Call(kCm, Fn::ProtocolCmOpenAf, {0xcb1, kAfType, 1, 0, 0xaf01});
  r.Ret(kCm, Fn::ProtocolCmOpenAf, cm_status, {cm_status == NDIS_STATUS_SUCCESS ? 0xca1u : 0u});
  r.Ret(kCl, Fn::NdisClOpenAddressFamilyEx, ndis_status,
        {ndis_status == NDIS_STATUS_SUCCESS ? 0xaf01u : 0u});
  r.Ret(kCl, Fn::ProtocolCoAfRegisterNotify);
}

using Rules = std::set<std::string>;

TEST(MonitorChecks, TableCoversTheAfRulesAndHasUniqueNames) {
  std::set<std::string> names, rules;
  for (const CheckInfo& c : Monitor::Checks()) {
    EXPECT_TRUE(names.insert(std::string(c.check)).second) << c.check;
    EXPECT_FALSE(c.description.empty());
    rules.insert(std::string(c.rule));
  }
  for (const char* id :
       {"AF-004", "AF-020", "AF-024", "AF-031", "AF-034", "AF-035", "AF-037", "AF-039",
        "AF-053", "AF-057", "AF-060", "AF-065", "AF-083", "AF-090", "AF-103", "AF-104",
        "AF-106", "AF-107", "AF-120", "AF-130", "AF-131", "AF-136", "AF-140"})
    EXPECT_TRUE(rules.count(id)) << id;
}

TEST(MonitorChecks, SyncOpenIsClean) {
  Trail r;
  BindAll(r);
  Open(r);
  EXPECT_EQ(r.Rules(), Rules{}) << r.Report();
}

// A second call manager binds to the adapter the first CM serves AF 1 on
// (BindAll), through its own binding 0xb003, and registers AF 1 there: NDIS
// answers `status`. `adapter` is what its ProtocolBindAdapterEx names.
void SecondCmRegisters(Trail& r, uint64_t adapter, int32_t status) {
  constexpr ActorId kCm2 = 4;
  Handlers(r, kCm2, 0x90, 40, 0xf);
  Handlers(r, kCm2, 0xa5, 144, 0x1ffff);
  r.Call(kCm2, Fn::ProtocolBindAdapterEx, {0xe0, 0xbc4, 0, adapter});
  r.Call(kCm2, Fn::NdisOpenAdapterEx, {0x4001, 0xeb1, 0xbc4})
      .Ret(kCm2, Fn::NdisOpenAdapterEx, 0, {0xb003});
  r.Call(kCm2, Fn::NdisCmRegisterAddressFamilyEx, {0xb003, kAfType, 1, 0})
      .Ret(kCm2, Fn::NdisCmRegisterAddressFamilyEx, status);
  r.Ret(kCm2, Fn::ProtocolBindAdapterEx);
}

TEST(MonitorChecks, SecondCmOnSameAdapterSucceedingViolatesAf004) {
  Trail r;
  BindAll(r);
  SecondCmRegisters(r, kAdapter, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.Rules(), Rules{"AF-004"}) << r.Report();
  EXPECT_EQ(r.monitor().violations()[0].check, "duplicate-af-fails");
  EXPECT_EQ(r.monitor().violations()[0].object, 0xb003u);
}

TEST(MonitorChecks, SecondCmOnSameAdapterRefusedIsClean) {
  Trail r;
  BindAll(r);
  SecondCmRegisters(r, kAdapter, NDIS_STATUS_FAILURE);
  EXPECT_EQ(r.Rules(), Rules{}) << r.Report();
}

TEST(MonitorChecks, SecondCmOnAnotherAdapterMayRegisterTheSameType) {
  Trail r;
  BindAll(r);
  SecondCmRegisters(r, kAdapter + 1, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.Rules(), Rules{}) << r.Report();
}

// A version 1 trace does not say which adapter a binding is to (0): the
// bindings cannot be compared, and nothing is reported.
TEST(MonitorChecks, SecondCmOnUnknownAdapterIsNotJudged) {
  Trail r;
  BindAll(r);
  SecondCmRegisters(r, 0, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.Rules(), Rules{}) << r.Report();
}

TEST(MonitorChecks, SecondRegistrationOnSameBindingSucceedingViolatesAf004) {
  Trail r;
  BindAll(r);
  r.Call(kCm, Fn::ProtocolBindAdapterEx, {0xc0, 0xbc3, 0, kAdapter});
  // Same binding, same AF type again, returned SUCCESS.
  r.Call(kCm, Fn::NdisCmRegisterAddressFamilyEx, {0xb001, kAfType, 1, 0})
      .Ret(kCm, Fn::NdisCmRegisterAddressFamilyEx);
  r.Ret(kCm, Fn::ProtocolBindAdapterEx);
  const Rules got = r.Rules();
  EXPECT_TRUE(got.count("AF-004")) << r.Report();
}

TEST(MonitorChecks, NotifyAboveDispatchViolatesAf024) {
  Trail r;
  BindAll(r);
  r.Call(kCl, Fn::ProtocolCoAfRegisterNotify, {0xdb1, kAfType, 1, 0}, DISPATCH_LEVEL);
  r.Ret(kCl, Fn::ProtocolCoAfRegisterNotify, 0, {}, DISPATCH_LEVEL);
  EXPECT_EQ(r.Rules(), (Rules{"AF-024"})) << r.Report();
}

TEST(MonitorChecks, OpenReturningDifferentHandleViolatesAf031) {
  Trail r;
  BindAll(r);
  r.Call(kCl, Fn::ProtocolCoAfRegisterNotify, {0xdb1, kAfType, 1, 0});
  r.Call(kCl, Fn::NdisClOpenAddressFamilyEx, {0xb002, kAfType, 1, 0, 0xa1});
  r.Call(kCm, Fn::ProtocolCmOpenAf, {0xcb1, kAfType, 1, 0, 0xaf01})
      .Ret(kCm, Fn::ProtocolCmOpenAf, 0, {0xca1});
  r.Ret(kCl, Fn::NdisClOpenAddressFamilyEx, 0, {0xaf99});
  r.Ret(kCl, Fn::ProtocolCoAfRegisterNotify);
  EXPECT_EQ(r.Rules(), (Rules{"AF-031"})) << r.Report();
}

TEST(MonitorChecks, OpenCompleteWithPendingStatusViolatesAf034) {
  Trail r;
  BindAll(r);
  Open(r, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING);
  r.Call(kCm, Fn::NdisCmOpenAddressFamilyComplete,
         {static_cast<uint32_t>(NDIS_STATUS_PENDING), 0xaf01, 0xca1});
  r.Ret(kCm, Fn::NdisCmOpenAddressFamilyComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-034"})) << r.Report();
}

TEST(MonitorChecks, PendedOpenCompletedAtDispatchDeliveredAtDispatchViolatesAf037) {
  Trail r;
  BindAll(r);
  Open(r, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING);
  r.Call(kCm, Fn::NdisCmOpenAddressFamilyComplete, {0, 0xaf01, 0xca1}, DISPATCH_LEVEL);
  r.Call(kCl, Fn::ProtocolClOpenAfCompleteEx, {0xa1, 0xaf01, 0}, DISPATCH_LEVEL);
  r.Ret(kCl, Fn::ProtocolClOpenAfCompleteEx, 0, {}, DISPATCH_LEVEL);
  r.Ret(kCm, Fn::NdisCmOpenAddressFamilyComplete, 0, {}, DISPATCH_LEVEL);
  EXPECT_EQ(r.Rules(), (Rules{"AF-037"})) << r.Report();
}

TEST(MonitorChecks, FailedPendedOpenWithNonNullHandleViolatesAf037) {
  Trail r;
  BindAll(r);
  Open(r, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING);
  const uint32_t res = static_cast<uint32_t>(NDIS_STATUS_RESOURCES);
  r.Call(kCm, Fn::NdisCmOpenAddressFamilyComplete, {res, 0xaf01, 0})
      .Ret(kCm, Fn::NdisCmOpenAddressFamilyComplete);
  r.Call(kCl, Fn::ProtocolClOpenAfCompleteEx, {0xa1, 0xaf01, res})
      .Ret(kCl, Fn::ProtocolClOpenAfCompleteEx);
  EXPECT_EQ(r.Rules(), (Rules{"AF-037"})) << r.Report();
}

TEST(MonitorChecks, CompletedPendedOpenNeverDeliveredViolatesAf037AtFinish) {
  Trail r;
  BindAll(r);
  Open(r, NDIS_STATUS_PENDING, NDIS_STATUS_PENDING);
  r.Call(kCm, Fn::NdisCmOpenAddressFamilyComplete, {0, 0xaf01, 0xca1})
      .Ret(kCm, Fn::NdisCmOpenAddressFamilyComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-037"})) << r.Report();
  EXPECT_EQ(r.monitor().violations()[0].check, "open-complete-delivered");
}

TEST(MonitorChecks, CmCloseAfWithWrongContextViolatesAf035) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xbad}).Ret(kCm, Fn::ProtocolCmCloseAf);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily);
  EXPECT_EQ(r.Rules(), (Rules{"AF-035"})) << r.Report();
}

// After the failed completion the AF is still open, for NDIS and the client
// alike (OQ-07), so a SAP registered on it and a second, clean close are not
// uses after close (AF-056). Fuzzing the example call manager
// (examples/acme_cm), whose close completes with a stale status, found that
// the monitor counted the AF closed.
TEST(MonitorChecks, CloseCompleteWithFailureStatusViolatesAf053AndKeepsTheAfOpen) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xca1}).Ret(kCm, Fn::ProtocolCmCloseAf, NDIS_STATUS_PENDING);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily, NDIS_STATUS_PENDING);
  const uint32_t fail = static_cast<uint32_t>(NDIS_STATUS_FAILURE);
  r.Call(kCm, Fn::NdisCmCloseAddressFamilyComplete, {fail, 0xaf01})
      .Ret(kCm, Fn::NdisCmCloseAddressFamilyComplete);
  r.Call(kCl, Fn::ProtocolClCloseAfComplete, {fail, 0xa1}).Ret(kCl, Fn::ProtocolClCloseAfComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-053"})) << r.Report();
  r.Call(kCl, Fn::NdisClRegisterSap, {0xaf01, 0x5a1, 0x8000, 0});
  r.Call(kCm, Fn::ProtocolCmRegisterSap, {0xca1, 0x8000, 0, 0x5a01})
      .Ret(kCm, Fn::ProtocolCmRegisterSap, 0, {0xc5a1});
  r.Ret(kCl, Fn::NdisClRegisterSap, 0, {0x5a01});
  r.Call(kCl, Fn::NdisClDeregisterSap, {0x5a01});
  r.Call(kCm, Fn::ProtocolCmDeregisterSap, {0xc5a1}).Ret(kCm, Fn::ProtocolCmDeregisterSap);
  r.Ret(kCl, Fn::NdisClDeregisterSap);
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xca1}).Ret(kCm, Fn::ProtocolCmCloseAf);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily);
  EXPECT_EQ(r.Rules(), (Rules{"AF-053"})) << r.Report();
}

TEST(MonitorChecks, CloseCompleteCallbackAfterSyncCloseViolatesAf060) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xca1}).Ret(kCm, Fn::ProtocolCmCloseAf);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily);
  r.Call(kCl, Fn::ProtocolClCloseAfComplete, {0, 0xa1}).Ret(kCl, Fn::ProtocolClCloseAfComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-060"})) << r.Report();
}

TEST(MonitorChecks, NdisChecksProfileForwardingCloseWithSapViolatesAf057) {
  Profile p;
  p.close_with_children = Profile::CloseWithChildren::kNdisChecks;
  Trail r(p);
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClRegisterSap, {0xaf01, 0x5a1, 0x8000, 0});
  r.Call(kCm, Fn::ProtocolCmRegisterSap, {0xca1, 0x8000, 0, 0x5a01})
      .Ret(kCm, Fn::ProtocolCmRegisterSap, 0, {0xc5a1});
  r.Ret(kCl, Fn::NdisClRegisterSap, 0, {0x5a01});
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xca1})
      .Ret(kCm, Fn::ProtocolCmCloseAf, NDIS_STATUS_NOT_ACCEPTED);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily, NDIS_STATUS_NOT_ACCEPTED);
  // AF-050 (the client's obligation) and AF-057 (NDIS should have refused).
  EXPECT_EQ(r.Rules(), (Rules{"AF-050", "AF-057"})) << r.Report();
}

TEST(MonitorChecks, NotifyCloseSyncSuccessWithoutClosingViolatesAf064) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCm, Fn::ProtocolUnbindAdapterEx, {0xb1, 0xcb1});
  r.Call(kCm, Fn::NdisCmNotifyCloseAddressFamily, {0xaf01});
  r.Call(kCl, Fn::ProtocolClNotifyCloseAf, {0xa1}).Ret(kCl, Fn::ProtocolClNotifyCloseAf);
  r.Ret(kCm, Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_PENDING);
  r.Call(kCm, Fn::NdisCloseAdapterEx, {0xb001}).Ret(kCm, Fn::NdisCloseAdapterEx);
  r.Ret(kCm, Fn::ProtocolUnbindAdapterEx);
  // AF-064: the client said done without closing; AF-061: the CM closed
  // its binding with the AF open.
  EXPECT_EQ(r.Rules(), (Rules{"AF-061", "AF-064"})) << r.Report();
}

TEST(MonitorChecks, CmNotifyCompleteOnSyncPathViolatesAf067) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCm, Fn::NdisCmNotifyCloseAddressFamily, {0xaf01});
  r.Call(kCl, Fn::ProtocolClNotifyCloseAf, {0xa1});
  r.Call(kCl, Fn::NdisClCloseAddressFamily, {0xaf01});
  r.Call(kCm, Fn::ProtocolCmCloseAf, {0xca1}).Ret(kCm, Fn::ProtocolCmCloseAf);
  r.Ret(kCl, Fn::NdisClCloseAddressFamily);
  r.Ret(kCl, Fn::ProtocolClNotifyCloseAf);
  r.Ret(kCm, Fn::NdisCmNotifyCloseAddressFamily);
  r.Call(kCm, Fn::ProtocolCmNotifyCloseAfComplete, {0xca1, 0})
      .Ret(kCm, Fn::ProtocolCmNotifyCloseAfComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-067"})) << r.Report();
}

TEST(MonitorChecks, PendedNotifyNeverCompletedViolatesAf065AtFinish) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCm, Fn::NdisCmNotifyCloseAddressFamily, {0xaf01});
  r.Call(kCl, Fn::ProtocolClNotifyCloseAf, {0xa1})
      .Ret(kCl, Fn::ProtocolClNotifyCloseAf, NDIS_STATUS_PENDING);
  r.Ret(kCm, Fn::NdisCmNotifyCloseAddressFamily, NDIS_STATUS_PENDING);
  EXPECT_EQ(r.Rules(), (Rules{"AF-065"})) << r.Report();
}

TEST(MonitorChecks, PendedSapRegistrationNeverCompletedViolatesAf083AtFinish) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClRegisterSap, {0xaf01, 0x5a1, 0x8000, 0});
  r.Call(kCm, Fn::ProtocolCmRegisterSap, {0xca1, 0x8000, 0, 0x5a01})
      .Ret(kCm, Fn::ProtocolCmRegisterSap, NDIS_STATUS_PENDING, {0});
  r.Ret(kCl, Fn::NdisClRegisterSap, NDIS_STATUS_PENDING, {0});
  EXPECT_EQ(r.Rules(), (Rules{"AF-083"})) << r.Report();
}

TEST(MonitorChecks, CmDeregisterSapFailingViolatesAf090) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisClRegisterSap, {0xaf01, 0x5a1, 0x8000, 0});
  r.Call(kCm, Fn::ProtocolCmRegisterSap, {0xca1, 0x8000, 0, 0x5a01})
      .Ret(kCm, Fn::ProtocolCmRegisterSap, 0, {0xc5a1});
  r.Ret(kCl, Fn::NdisClRegisterSap, 0, {0x5a01});
  r.Call(kCl, Fn::NdisClDeregisterSap, {0x5a01});
  r.Call(kCm, Fn::ProtocolCmDeregisterSap, {0xc5a1})
      .Ret(kCm, Fn::ProtocolCmDeregisterSap, NDIS_STATUS_RESOURCES);
  r.Ret(kCl, Fn::NdisClDeregisterSap, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(r.Rules(), (Rules{"AF-090"})) << r.Report();
}

void CreateVc(Trail& r, int32_t peer_status = NDIS_STATUS_SUCCESS, bool delete_on_pending = false,
              int32_t result = NDIS_STATUS_SUCCESS) {
  r.Call(kCl, Fn::NdisCoCreateVc, {0xb002, 0xaf01, 0x7c1, 0});
  r.Call(kMp, Fn::MiniportCoCreateVc, {0xf1, 0x7c01}).Ret(kMp, Fn::MiniportCoCreateVc, 0, {0xf2});
  r.Call(kCm, Fn::ProtocolCoCreateVc, {0xca1, 0x7c01})
      .Ret(kCm, Fn::ProtocolCoCreateVc, peer_status, {0xc7c1});
  if (delete_on_pending)
    r.Call(kCm, Fn::ProtocolCoDeleteVc, {0xc7c1}).Ret(kCm, Fn::ProtocolCoDeleteVc);
  r.Ret(kCl, Fn::NdisCoCreateVc, result, {result == NDIS_STATUS_SUCCESS ? 0x7c01u : 0u});
}

TEST(MonitorChecks, CreateVcCallbacksAndDeleteAreClean) {
  Trail r;
  BindAll(r);
  Open(r);
  CreateVc(r);
  r.Call(kCl, Fn::NdisCoDeleteVc, {0x7c01});
  r.Call(kMp, Fn::MiniportCoDeleteVc, {0xf2}).Ret(kMp, Fn::MiniportCoDeleteVc);
  r.Call(kCm, Fn::ProtocolCoDeleteVc, {0xc7c1}).Ret(kCm, Fn::ProtocolCoDeleteVc);
  r.Ret(kCl, Fn::NdisCoDeleteVc);
  EXPECT_EQ(r.Rules(), Rules{}) << r.Report();
}

TEST(MonitorChecks, PeerCreateVcReturningPendingViolatesAf104) {
  Trail r;
  BindAll(r);
  Open(r);
  CreateVc(r, NDIS_STATUS_PENDING, /*delete_on_pending=*/true, NDIS_STATUS_FAILURE);
  // The CM broke AF-104; NDIS deleted the VC and failed the create, as it should.
  // The miniport's half was not rolled back (OQ-13) -> AF-103.
  EXPECT_EQ(r.Rules(), (Rules{"AF-103", "AF-104"})) << r.Report();
}

// A client's NdisCoDeleteVc of the VC CreateVc made, the CM's ProtocolCoDeleteVc answering
// `peer_status`, and NDIS returning SUCCESS.
void DeleteVcWithPeerStatus(Trail& r, int32_t peer_status) {
  r.Call(kCl, Fn::NdisCoDeleteVc, {0x7c01});
  r.Call(kMp, Fn::MiniportCoDeleteVc, {0xf2}).Ret(kMp, Fn::MiniportCoDeleteVc);
  r.Call(kCm, Fn::ProtocolCoDeleteVc, {0xc7c1}).Ret(kCm, Fn::ProtocolCoDeleteVc, peer_status);
  r.Ret(kCl, Fn::NdisCoDeleteVc);
}

// Found by the example call manager (examples/acme_cm), which pends
// ProtocolCoDeleteVc: NDIS deleting the VC anyway and returning SUCCESS is
// what AF-104 asks of it, so the peer alone is reported. A real failure
// from the peer must reach the caller (OQ-14), so SUCCESS then breaks AF-107.
TEST(MonitorChecks, PeerDeleteVcPendingViolatesAf104OnlyAndFailingAf107) {
  Trail pended;
  BindAll(pended);
  Open(pended);
  CreateVc(pended);
  DeleteVcWithPeerStatus(pended, NDIS_STATUS_PENDING);
  EXPECT_EQ(pended.Rules(), Rules{"AF-104"}) << pended.Report();

  Trail failed;
  BindAll(failed);
  Open(failed);
  CreateVc(failed);
  DeleteVcWithPeerStatus(failed, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(failed.Rules(), Rules{"AF-107"}) << failed.Report();
}

TEST(MonitorChecks, CreateVcSkippingMiniportViolatesAf103) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisCoCreateVc, {0xb002, 0xaf01, 0x7c1, 0});
  r.Call(kCm, Fn::ProtocolCoCreateVc, {0xca1, 0x7c01})
      .Ret(kCm, Fn::ProtocolCoCreateVc, 0, {0xc7c1});
  r.Ret(kCl, Fn::NdisCoCreateVc, 0, {0x7c01});
  EXPECT_EQ(r.Rules(), (Rules{"AF-103"})) << r.Report();
}

TEST(MonitorChecks, CreateVcWithNonNullHandleInViolatesAf100) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisCoCreateVc, {0xb002, 0xaf01, 0x7c1, 0x1234});
  r.Ret(kCl, Fn::NdisCoCreateVc, NDIS_STATUS_INVALID_PARAMETER, {0x1234});
  EXPECT_EQ(r.Rules(), (Rules{"AF-100"})) << r.Report();
}

TEST(MonitorChecks, DeleteOfActiveVcSucceedingViolatesAf106) {
  Trail r;
  BindAll(r);
  Open(r);
  CreateVc(r);
  r.Call(kCm, Fn::NdisCmActivateVc, {0x7c01, 0xcc}).Ret(kCm, Fn::NdisCmActivateVc);
  r.Call(kCl, Fn::NdisCoDeleteVc, {0x7c01}).Ret(kCl, Fn::NdisCoDeleteVc);
  EXPECT_EQ(r.Rules(), (Rules{"AF-106"})) << r.Report();
}

TEST(MonitorChecks, DeleteByNonCreatorViolatesAf105) {
  Trail r;
  BindAll(r);
  Open(r);
  CreateVc(r);
  r.Call(kCm, Fn::NdisCoDeleteVc, {0x7c01}).Ret(kCm, Fn::NdisCoDeleteVc, NDIS_STATUS_FAILURE);
  EXPECT_EQ(r.Rules(), (Rules{"AF-105"})) << r.Report();
}

TEST(MonitorChecks, VcHandleCollidingWithLiveAfHandleViolatesAf140) {
  Trail r;
  BindAll(r);
  Open(r);
  r.Call(kCl, Fn::NdisCoCreateVc, {0xb002, 0xaf01, 0x7c1, 0});
  r.Call(kMp, Fn::MiniportCoCreateVc, {0xf1, 0xaf01}).Ret(kMp, Fn::MiniportCoCreateVc, 0, {0xf2});
  r.Call(kCm, Fn::ProtocolCoCreateVc, {0xca1, 0xaf01})
      .Ret(kCm, Fn::ProtocolCoCreateVc, 0, {0xc7c1});
  r.Ret(kCl, Fn::NdisCoCreateVc, 0, {0xaf01});
  EXPECT_EQ(r.Rules(), (Rules{"AF-140"})) << r.Report();
}

TEST(MonitorChecks, ClientHandlersWithNullMemberAcceptedViolatesAf130) {
  Trail r;
  Handlers(r, kCl, 0xa6, 160, 0x7ffff & ~(uint64_t{1} << 18));
  EXPECT_EQ(r.Rules(), (Rules{"AF-130"})) << r.Report();
}

TEST(MonitorChecks, CmHandlerSize136AcceptedByDefaultButNotWhenProfileRequires144) {
  Trail ok;
  Handlers(ok, kCm, 0xa5, 136, 0xffff);
  EXPECT_EQ(ok.Rules(), Rules{}) << ok.Report();
  Profile p;
  p.accept_cm_handler_size_136 = false;
  Trail strict(p);
  Handlers(strict, kCm, 0xa5, 136, 0xffff);
  EXPECT_EQ(strict.Rules(), (Rules{"AF-136"})) << strict.Report();
}

TEST(MonitorChecks, CmNotifyCompleteToSize136CmViolatesAf131) {
  Trail r;
  Handlers(r, kCm, 0xa5, 136, 0xffff);
  r.Call(kCm, Fn::ProtocolCmNotifyCloseAfComplete, {0xca1, 0})
      .Ret(kCm, Fn::ProtocolCmNotifyCloseAfComplete);
  EXPECT_EQ(r.Rules(), (Rules{"AF-067", "AF-131"})) << r.Report();
}

TEST(MonitorChecks, OpenOutsideNotifyViolatesAf030UnlessRelaxed) {
  for (bool relaxed : {false, true}) {
    Profile p;
    p.require_open_from_notify = !relaxed;
    Trail r(p);
    BindAll(r);
    r.Call(kCl, Fn::NdisClOpenAddressFamilyEx, {0xb002, kAfType, 1, 0, 0xa1});
    r.Call(kCm, Fn::ProtocolCmOpenAf, {0xcb1, kAfType, 1, 0, 0xaf01})
        .Ret(kCm, Fn::ProtocolCmOpenAf, 0, {0xca1});
    r.Ret(kCl, Fn::NdisClOpenAddressFamilyEx, 0, {0xaf01});
    EXPECT_EQ(r.Rules(), relaxed ? Rules{} : Rules{"AF-030"}) << r.Report();
  }
}

TEST(MonitorChecks, RegisterOutsideBindViolatesAf001) {
  Trail r;
  BindAll(r);
  r.Call(kCm, Fn::NdisCmRegisterAddressFamilyEx, {0xb001, 3, 1, 0})
      .Ret(kCm, Fn::NdisCmRegisterAddressFamilyEx);
  EXPECT_EQ(r.Rules(), (Rules{"AF-001"})) << r.Report();
}

TEST(MonitorRobustness, ReturnWithoutCallIsReportedAndIgnored) {
  Trail r;
  r.Ret(kCl, Fn::NdisClCloseAddressFamily, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.Rules(), (Rules{"MON-001"})) << r.Report();
  EXPECT_NE(r.monitor().violations()[0].message.find("no matching open call"), std::string::npos);
}

TEST(MonitorRobustness, UnknownFunctionAndShortEventAreReported) {
  Trail r;
  r.Emit(kCl, static_cast<Fn>(9999), Phase::kCall, 0, {}, 0);
  r.Call(kCl, Fn::NdisClOpenAddressFamilyEx, {0xb002});  // 1 slot, schema has 5
  r.Ret(kCl, Fn::NdisClOpenAddressFamilyEx, NDIS_STATUS_FAILURE, {0});
  const Rules got = r.Rules();
  EXPECT_TRUE(got.count("MON-004")) << r.Report();
}

TEST(MonitorRobustness, CallNeverReturnedIsReportedAtFinish) {
  Trail r;
  r.Call(kCm, Fn::ProtocolBindAdapterEx, {0xc0, 0xbc1, 0, kAdapter});
  EXPECT_EQ(r.Rules(), (Rules{"MON-002"})) << r.Report();
}

TEST(MonitorRobustness, UndeclaredActorIsReportedOnceDriversAreDeclared) {
  Trail r;
  r.monitor().DeclareDrivers({DriverInfo{1, "cm"}});
  r.Call(9, Fn::NdisCloseAdapterEx, {0x1}).Ret(9, Fn::NdisCloseAdapterEx);
  EXPECT_EQ(r.Rules(), (Rules{"MON-003"})) << r.Report();
}

// Every report names a check of the monitor's table (with its rule) and an
// event that was fed: hostile input may produce reports, never garbage ones.
void ExpectWellFormedReports(const Monitor& m, uint64_t events_fed) {
  for (const Violation& v : m.violations()) {
    const auto& checks = Monitor::Checks();
    const bool known = std::any_of(checks.begin(), checks.end(), [&](const CheckInfo& c) {
      return c.check == v.check && c.rule == v.rule;
    });
    EXPECT_TRUE(known) << v.rule << " [" << v.check << "]";
    EXPECT_LT(v.event_index, events_fed) << v.rule << " [" << v.check << "]";
    EXPECT_FALSE(v.message.empty()) << v.rule << " [" << v.check << "]";
  }
}

// Pseudo-random events (fixed seed): the monitor must not crash or hang.
TEST(MonitorRobustness, RandomEventsNeverCrash) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  Monitor m;
  for (int i = 0; i < 200000; ++i) {
    Event e;
    e.index = static_cast<uint64_t>(i);
    e.fn = static_cast<Fn>(next() % (kFnCount + 2));
    e.phase = (next() & 1) ? Phase::kCall : Phase::kReturn;
    e.actor = static_cast<ActorId>(next() % 5);
    e.irql = static_cast<uint8_t>(next() % 3);
    e.status = (next() & 1) ? 0
                            : static_cast<int32_t>(next() % 4 == 0 ? NDIS_STATUS_PENDING
                                                                   : NDIS_STATUS_FAILURE);
    e.arg_count = static_cast<uint8_t>(next() % 10);  // may exceed kMaxArgs
    for (auto& a : e.arg) a = next() % 8;
    e.blob_len = static_cast<uint16_t>(next() % 400);  // may exceed kMaxBlob
    m.OnEvent(e);
  }
  m.Finish();
  ASSERT_FALSE(m.violations().empty());  // random calls break rules
  ExpectWellFormedReports(m, 200000);
}

// A long steady state (S1-style open/close churn, 50,000 AFs opened and
// closed outside any notification) keeps no state per closed AF that could
// turn into a late report: the only finding is AF-030 on each open. Its
// throughput is a benchmark (benchmarks/stack_benchmark, BM_MonitorOnly),
// not a test.
TEST(MonitorChurn, OpenCloseChurnReportsOnlyAf030) {
  Trail r;
  BindAll(r);
  Monitor& m = r.monitor();
  uint64_t idx = 1000;
  auto emit = [&](ActorId a, Fn fn, Phase ph, int32_t st, std::initializer_list<uint64_t> args) {
    Event e;
    e.index = idx++;
    e.fn = fn;
    e.phase = ph;
    e.actor = a;
    e.status = st;
    for (uint64_t v : args) e.arg[e.arg_count++] = v;
    m.OnEvent(e);
  };
  for (uint64_t i = 0; i < 50000; ++i) {
    const uint64_t h = 0x100000 + i, ctx = 0x200000 + i, cmctx = 0x300000 + i;
    emit(kCl, Fn::NdisClOpenAddressFamilyEx, Phase::kCall, 0, {0xb002, kAfType, 1, 0, ctx});
    emit(kCm, Fn::ProtocolCmOpenAf, Phase::kCall, 0, {0xcb1, kAfType, 1, 0, h});
    emit(kCm, Fn::ProtocolCmOpenAf, Phase::kReturn, 0, {cmctx});
    emit(kCl, Fn::NdisClOpenAddressFamilyEx, Phase::kReturn, 0, {h});
    emit(kCl, Fn::NdisClCloseAddressFamily, Phase::kCall, 0, {h});
    emit(kCm, Fn::ProtocolCmCloseAf, Phase::kCall, 0, {cmctx});
    emit(kCm, Fn::ProtocolCmCloseAf, Phase::kReturn, 0, {});
    emit(kCl, Fn::NdisClCloseAddressFamily, Phase::kReturn, 0, {});
  }
  // Only AF-030 (opens outside the notify) is expected here.
  ASSERT_FALSE(m.violations().empty());
  for (const Violation& v : m.violations()) EXPECT_EQ(v.rule, "AF-030") << v.message;
}

}  // namespace
}  // namespace ndisconf::monitor
