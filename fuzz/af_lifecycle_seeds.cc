// Implementation of fuzz/af_lifecycle_seeds.h. The record format is
// described in fuzz/af_lifecycle_input.h.
#include "fuzz/af_lifecycle_seeds.h"

#include <initializer_list>

#include "fuzz/af_lifecycle_input.h"

namespace ndisconf::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;

// One record: the tag, then its operands.
Bytes R(AfOp op, std::initializer_list<uint8_t> operands = {}) {
  Bytes r = {static_cast<uint8_t>(op)};
  r.insert(r.end(), operands.begin(), operands.end());
  return r;
}

// A program with no scheduler bytes (work items run oldest first).
Bytes Program(std::initializer_list<Bytes> records) {
  Bytes out = {0};
  for (const Bytes& r : records) out.insert(out.end(), r.begin(), r.end());
  return out;
}

// LOAD_CM / LOAD_MCM cfg bits.
constexpr uint8_t kTwoAfs = 1, kPendOpen = 2, kPendClose = 4, kPendRegisterSap = 8,
                  kPendDeregisterSap = 16;
// LOAD_CLIENT cfg bits.
constexpr uint8_t kNotifyPend = 1, kNotifyRefuse = 2, kSapAfterOpen = 16, kCallAfterOpen = 32;
// LOAD_MINIPORT cfg bits.
constexpr uint8_t kPendActivate = 1;

// A CM, a client and a miniport with one adapter: the CM topology of
// Appendix A, in the load order of reference/stack (CM, client, adapter).
Bytes CmSetup(uint8_t cm, uint8_t client, uint8_t miniport = 0) {
  Bytes out;
  for (const Bytes& r : {R(AfOp::kLoadCm, {cm}), R(AfOp::kLoadClient, {client}),
                         R(AfOp::kLoadMiniport, {miniport}), R(AfOp::kAddAdapter, {0})}) {
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

}  // namespace

std::vector<AfSeed> AfLifecycleSeeds() {
  const Bytes settle = R(AfOp::kSettle);
  std::vector<AfSeed> seeds;
  // S1: open synchronously, then the client's own close.
  seeds.push_back({"s1_open_sync",
                   Program({CmSetup(0, 0), settle, R(AfOp::kCloseAf, {0, 0}), settle}), 1, 0, 0});
  // S2: the open pended by the CM, completed later.
  seeds.push_back({"s2_open_pended", Program({CmSetup(kPendOpen, 0), settle}), 1, 0, 0});
  // S3: an MCM registers from MiniportInitializeEx; the client opens.
  seeds.push_back({"s3_mcm_open",
                   Program({R(AfOp::kLoadClient, {0}), R(AfOp::kLoadMcm, {0}),
                            R(AfOp::kAddAdapter, {0}), settle}),
                   1, 0, 0});
  // S4: SAP and a call, then the client's close (calls, VC, SAP, AF) with
  // the deregistration and the close pended by the CM.
  seeds.push_back(
      {"s4_close_with_sap_and_vc",
       Program({CmSetup(kPendClose | kPendDeregisterSap, kSapAfterOpen | kCallAfterOpen), settle,
                R(AfOp::kCloseAf, {0, 0}), settle}),
       1, 1, 0});
  // S5: the CM unbinds with the AF open; the client pends the notify-close.
  seeds.push_back(
      {"s5_cm_unbind_notify_pended",
       Program({CmSetup(0, kNotifyPend | kSapAfterOpen), settle, R(AfOp::kUnbind, {0, 0}), settle}),
       1, 0, 0});
  // S6: the MCM's adapter halts with the AF open.
  seeds.push_back({"s6_mcm_halt",
                   Program({R(AfOp::kLoadClient, {kNotifyPend}), R(AfOp::kLoadMcm, {0}),
                            R(AfOp::kAddAdapter, {0}), settle, R(AfOp::kHalt, {0}), settle}),
                   1, 0, 0});
  // S7: the client unbinds first, with a SAP and a call up.
  seeds.push_back({"s7_client_unbinds_first",
                   Program({CmSetup(0, kSapAfterOpen | kCallAfterOpen), settle,
                            R(AfOp::kUnbind, {1, 0}), settle}),
                   1, 1, 0});
  // S8: an incoming call while the SAP registration is pending.
  seeds.push_back({"s8_incoming_call_during_sap_registration",
                   Program({CmSetup(kPendRegisterSap, 0), settle, R(AfOp::kRegisterSap, {0, 0, 1}),
                            R(AfOp::kIncomingCall, {0, 0}), settle}),
                   1, 1, 0});
  // Two adapters under one CM and one client: an AF on each binding.
  seeds.push_back({"two_adapters_one_cm",
                   Program({CmSetup(0, 0), R(AfOp::kAddAdapter, {0}), settle}), 2, 0, 0});
  // Found by fuzzing (each now a conformance test too): two AFs with pended
  // opens (AF-040); notify-close before the client saw its open complete
  // (AF-065); a refused notify-close during the CM's unbind (AF-061); an
  // incoming call whose SAP went away during activation (AF-090).
  seeds.push_back(
      {"two_afs_pended_opens", Program({CmSetup(kTwoAfs | kPendOpen, 0), settle}), 2, 0, 0});
  seeds.push_back({"notify_close_before_open_complete",
                   Program({CmSetup(kPendOpen, 0), R(AfOp::kRunOne), R(AfOp::kRunOne),
                            R(AfOp::kRunOne), R(AfOp::kUnbind, {0, 0}), settle}),
                   1, 0, 0});
  seeds.push_back({"client_refuses_notify_close",
                   Program({CmSetup(0, kNotifyRefuse), settle, R(AfOp::kUnbind, {0, 0}), settle}),
                   1, 0, 0});
  seeds.push_back(
      {"incoming_call_sap_gone_during_activation",
       Program({CmSetup(0, 0, kPendActivate), settle, R(AfOp::kRegisterSap, {0, 0, 1}),
                R(AfOp::kIncomingCall, {0, 0}), R(AfOp::kDeregisterSap, {0, 0}), settle}),
       1, 0, 0});
  // Bad input: NdisCoCreateVc with *NdisVcHandle not NULL on entry (AF-100).
  seeds.push_back({"bad_create_vc_nonnull_handle",
                   Program({CmSetup(0, 0), settle, R(AfOp::kBadCreateVc, {0, 0}), settle}), 1, 0,
                   1});
  // Bad input: every BAD_CALL function with every handle kind, on a stack
  // with a closed AF (stale handles) and a live SAP and VC.
  Bytes bad = Program({CmSetup(kTwoAfs, kSapAfterOpen), settle, R(AfOp::kCreateVc, {0, 0}),
                       R(AfOp::kCloseAf, {0, 1}), settle});
  uint64_t bad_calls = 0;
  for (uint8_t fn = 0; fn < 7; ++fn) {
    for (uint8_t h = 0; h < 4; ++h) {
      const Bytes r = R(AfOp::kBadCall, {0, fn, h});
      bad.insert(bad.end(), r.begin(), r.end());
      ++bad_calls;
    }
  }
  bad.push_back(static_cast<uint8_t>(AfOp::kSettle));
  seeds.push_back({"bad_handles_every_function", bad, 2, 0, bad_calls});
  return seeds;
}

}  // namespace ndisconf::fuzz
