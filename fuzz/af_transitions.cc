// The transition table of fuzz/af_transitions.h and its recorder.
#include "fuzz/af_transitions.h"

#include <ndis.h>

#include <cassert>

namespace ndisconf::fuzz {
namespace {

constexpr AfMode kN = AfMode::kNone;
constexpr AfMode kS = AfMode::kSync;
constexpr AfMode kP = AfMode::kPended;

// Why rows are unreachable (shared texts).
constexpr std::string_view kNoFault =
    "no allocation failure: the af_lifecycle grammar injects no resource faults";
constexpr std::string_view kDViolation =
    "a driver obligation broken: the reference drivers never do it (a seeded bug may)";
constexpr std::string_view kCmAccepts =
    "the grammar's call managers complete every open, close and register with SUCCESS "
    "(CmConfig policies are sync or pend, never an error)";
constexpr std::string_view kOwnGuard =
    "the reference client deletes only a VC without a call (AF-106 guard in client_calls.cc), "
    "and BAD_CALL passes only NULL, garbage, stale or wrong-kind handles";

const std::vector<AfTransition>& Table() {
  static const std::vector<AfTransition> table = {
      // ---- 2.1 protocol binding ----
      {"B1", "binding", "UNBOUND", "ProtocolBindAdapterEx ret SUCCESS", kS, "2.1", ""},
      {"B1", "binding", "UNBOUND", "ProtocolBindAdapterEx ret PENDING", kP, "2.1",
       "the reference protocols pend a bind only when NdisOpenAdapterEx pends (B2 pended)"},
      {"B2", "binding", "BINDING", "NdisOpenAdapterEx ret SUCCESS", kS, "2.1", ""},
      {"B2", "binding", "BINDING", "NdisOpenAdapterEx ret PENDING", kP, "2.1",
       "the reference NDIS opens a binding synchronously (model: OpenAdapter never pends)"},
      {"B4", "binding", "OPENED", "ProtocolCoAfRegisterNotify to a client (B4/R8)", kN, "2.1", ""},
      {"B5", "binding", "BOUND", "ProtocolUnbindAdapterEx ret SUCCESS", kS, "2.1", ""},
      {"B5", "binding", "BOUND", "ProtocolUnbindAdapterEx ret PENDING", kP, "2.1", ""},
      {"B6", "binding", "UNBINDING", "CM NdisCmNotifyCloseAddressFamily", kN, "2.1", ""},
      {"B7", "binding", "UNBINDING", "client NdisClCloseAddressFamily", kN, "2.1", ""},
      {"B8", "binding", "UNBINDING", "NdisCloseAdapterEx ret SUCCESS", kS, "2.1", ""},
      {"B8", "binding", "UNBINDING", "NdisCloseAdapterEx ret PENDING", kP, "2.1",
       "the reference NDIS closes a binding synchronously"},
      // ---- 2.2 MCM miniport adapter ----
      {"M1", "adapter", "UNINIT", "MiniportInitializeEx ret SUCCESS", kS, "2.2", ""},
      {"M4", "adapter", "RUNNING", "MiniportHaltEx", kN, "2.2", ""},
      {"M5", "adapter", "HALTING", "MCM NdisCmNotifyCloseAddressFamily", kN, "2.2", ""},
      // ---- 2.3 AF registration ----
      {"R1", "registration", "NONE", "NdisCmRegisterAddressFamilyEx ret SUCCESS", kS, "2.3", ""},
      {"R2/R4", "registration", "NONE or REG", "NdisCmRegisterAddressFamilyEx ret FAILURE", kS,
       "2.3", ""},
      {"R3", "registration", "any", "registration ret RESOURCES", kS, "2.3", kNoFault},
      {"R5", "registration", "NONE", "NdisMCmRegisterAddressFamilyEx ret SUCCESS", kS, "2.3", ""},
      {"R6", "registration", "REG(MCM)", "NdisMCmRegisterAddressFamilyEx ret FAILURE", kS, "2.3",
       "an MCM of the grammar registers distinct AF types, each once"},
      {"R7", "registration", "REG(CM,b)", "MCM registers an AF a CM registered", kS, "2.3",
       "an MCM registers in its MiniportInitializeEx, before any CM can bind to its adapter"},
      // ---- 2.4 open AF instance ----
      {"O1f", "af", "-", "NdisClOpenAddressFamilyEx refused by NDIS", kS, "2.4", ""},
      {"O2", "af", "-", "NdisClOpenAddressFamilyEx ret SUCCESS", kS, "2.4", ""},
      {"O3", "af", "-", "NdisClOpenAddressFamilyEx ret PENDING", kP, "2.4", ""},
      {"O4", "af", "-", "ProtocolCmOpenAf ret error", kS, "2.4", kCmAccepts},
      {"O5", "af", "OPENING", "NdisCmOpenAddressFamilyComplete(SUCCESS)", kP, "2.4", ""},
      {"O6", "af", "OPENING", "NdisCmOpenAddressFamilyComplete(error)", kP, "2.4", kCmAccepts},
      {"O7", "af", "OPENING", "NdisCmOpenAddressFamilyComplete(PENDING)", kP, "2.4", kDViolation},
      {"C1a", "af", "OPEN", "NdisClCloseAddressFamily ret FAILURE (children left)", kS, "2.4",
       "only under OQ-06 ndis-checks; the af_lifecycle stack runs the default, cm-decides"},
      {"C2", "af", "OPEN", "NdisClCloseAddressFamily ret SUCCESS", kS, "2.4", ""},
      {"C3", "af", "OPEN", "NdisClCloseAddressFamily ret PENDING", kP, "2.4", ""},
      {"C4", "af", "OPEN", "NdisClCloseAddressFamily ret NOT_ACCEPTED", kS, "2.4", kCmAccepts},
      {"C5", "af", "CLOSING", "NdisCmCloseAddressFamilyComplete(SUCCESS)", kP, "2.4", ""},
      {"C6", "af", "CLOSING or CLOSED", "NdisClCloseAddressFamily again ret FAILURE", kS, "2.4",
       ""},
      {"N1", "af", "OPEN", "NdisCmNotifyCloseAddressFamily", kN, "2.4", ""},
      {"N3", "af", "NOTIFYING", "ProtocolClNotifyCloseAf ret SUCCESS", kS, "2.4", ""},
      {"N4", "af", "NOTIFYING", "ProtocolClNotifyCloseAf ret PENDING", kP, "2.4", ""},
      {"N5", "af", "NOTIFYING", "NdisClNotifyCloseAddressFamilyComplete", kP, "2.4", ""},
      {"N6", "af", "NOTIFYING", "ProtocolClNotifyCloseAf ret error", kS, "2.4", ""},
      {"N7", "af", "OPENING or CLOSING", "NdisCmNotifyCloseAddressFamily", kN, "2.4",
       "OQ-09: the reference call managers notify-close only AFs open on their side"},
      // ---- 2.5 SAP ----
      {"S1f", "sap", "-", "NdisClRegisterSap refused by NDIS", kS, "2.5", ""},
      {"S2", "sap", "-", "NdisClRegisterSap ret SUCCESS", kS, "2.5", ""},
      {"S3", "sap", "-", "NdisClRegisterSap ret PENDING", kP, "2.5", ""},
      {"S4", "sap", "-", "ProtocolCmRegisterSap ret error", kS, "2.5", ""},
      {"S5", "sap", "REGISTERING", "NdisCmRegisterSapComplete(SUCCESS)", kP, "2.5", ""},
      {"S6", "sap", "REGISTERING", "NdisCmRegisterSapComplete(error)", kP, "2.5", kCmAccepts},
      {"S7a", "sap", "REGISTERING", "NdisCmDispatchIncomingCall", kN, "2.5", ""},
      {"S7b", "sap", "REGISTERED", "NdisCmDispatchIncomingCall", kN, "2.5", ""},
      {"S9", "sap", "REGISTERED", "NdisClDeregisterSap ret SUCCESS", kS, "2.5", ""},
      {"S10", "sap", "REGISTERED", "NdisClDeregisterSap ret PENDING", kP, "2.5", ""},
      {"S11", "sap", "DEREGISTERING", "NdisCmDeregisterSapComplete(SUCCESS)", kP, "2.5", ""},
      {"S12", "sap", "DEREGISTERING or DEREGISTERED", "NdisClDeregisterSap again ret FAILURE", kS,
       "2.5", ""},
      {"S13", "sap", "any, AF closing", "ProtocolClDeregisterSapComplete(FAILURE)", kN, "2.5",
       "the reference client deregisters every SAP, waiting for pending registrations, before "
       "it closes the AF (AF-050 steps, client.cc Step)"},
      // ---- 2.6 VC ----
      {"V1", "vc", "-", "NdisCoCreateVc ret SUCCESS", kS, "2.6", ""},
      {"V1f", "vc", "-", "NdisCoCreateVc refused by NDIS", kS, "2.6", ""},
      {"V1p", "vc", "-", "NdisCoCreateVc, a peer or miniport ret error", kS, "2.6",
       "the grammar's call managers, clients and miniports accept every VC"},
      {"V1x", "vc", "-", "ProtocolCoCreateVc ret PENDING", kP, "2.6",
       "VC callbacks never pend (spec 3.6); the reference drivers do not"},
      {"V2", "vc", "-", "NdisMCmCreateVc ret SUCCESS", kS, "2.6", ""},
      {"V4", "vc", "ACTIVE", "NdisCoDeleteVc ret NOT_ACCEPTED", kS, "2.6", kOwnGuard},
      {"V5", "vc", "DEACTIVATING", "NdisCoDeleteVc ret CLOSING", kS, "2.6", kOwnGuard},
      {"V6", "vc", "CREATED", "NdisCoDeleteVc ret SUCCESS", kS, "2.6", ""},
      {"V7", "vc", "CREATED", "NdisMCmDeleteVc ret SUCCESS", kS, "2.6", ""},
      // ---- the call path of a VC (2.6 V3; 3.6) ----
      {"K1", "call", "CREATED", "NdisClMakeCall ret SUCCESS", kS, "2.6 V3", ""},
      {"K2", "call", "CREATED", "NdisClMakeCall ret PENDING", kP, "2.6 V3", ""},
      {"K3", "call", "CREATED", "NdisClMakeCall ret error", kS, "2.6 V3", ""},
      {"K4", "call", "CALLING", "NdisCmMakeCallComplete(SUCCESS)", kP, "2.6 V3", ""},
      {"K5", "call", "CALLING", "NdisCmMakeCallComplete(error)", kP, "2.6 V3",
       "the grammar's miniports activate every VC, so a pended call completes with SUCCESS"},
      {"K6", "call", "ACTIVATING", "MiniportCoActivateVc ret SUCCESS", kS, "2.6 V3", ""},
      {"K7", "call", "ACTIVATING", "MiniportCoActivateVc ret PENDING", kP, "2.6 V3", ""},
      {"K8", "call", "ACTIVE", "NdisClCloseCall ret SUCCESS", kS, "2.6 V3", ""},
      {"K9", "call", "ACTIVE", "NdisClCloseCall ret PENDING", kP, "2.6 V3", ""},
      {"K10", "call", "CLOSING", "NdisCmCloseCallComplete", kP, "2.6 V3", ""},
      {"K11", "call", "DEACTIVATING", "MiniportCoDeactivateVc ret SUCCESS", kS, "2.6 V3", ""},
      {"K12", "call", "DEACTIVATING", "MiniportCoDeactivateVc ret PENDING", kP, "2.6 V3", ""},
      {"K13", "call", "OFFERED", "ProtocolClIncomingCall ret SUCCESS", kS, "2.6 V3", ""},
      {"K14", "call", "OFFERED", "ProtocolClIncomingCall ret PENDING", kP, "2.6 V3", ""},
      {"K15", "call", "OFFERED", "ProtocolClIncomingCall ret error", kS, "2.6 V3", ""},
      {"K16", "call", "OFFERED", "NdisClIncomingCallComplete(SUCCESS)", kP, "2.6 V3", ""},
      {"K17", "call", "OFFERED", "NdisClIncomingCallComplete(error)", kP, "2.6 V3", ""},
      {"K18", "call", "ACCEPTED", "NdisCmDispatchCallConnected", kN, "2.6 V3", ""},
  };
  assert(table.size() <= kMaxAfTransitions);
  return table;
}

std::string_view ModeName(AfMode m) { return m == kS ? "sync" : m == kP ? "pended" : "-"; }

bool Ok(int32_t s) { return s == NDIS_STATUS_SUCCESS; }
bool Pending(int32_t s) { return s == NDIS_STATUS_PENDING; }
int32_t ArgStatus(const Event& e, size_t slot) {
  return static_cast<int32_t>(static_cast<uint32_t>(e.arg[slot]));
}

}  // namespace

const std::vector<AfTransition>& AfTransitions() { return Table(); }

size_t AfReachableTransitionCount() {
  size_t n = 0;
  for (const AfTransition& t : Table()) n += t.unreachable.empty();
  return n;
}

int AfTransitionIndex(std::string_view id, AfMode mode) {
  const std::vector<AfTransition>& t = Table();
  for (size_t i = 0; i < t.size(); ++i)
    if (t[i].id == id && (mode == kN || t[i].mode == mode)) return static_cast<int>(i);
  return -1;
}

std::string DescribeAfTransition(size_t index) {
  const AfTransition& t = Table().at(index);
  std::string s;
  s.append(t.machine).append(" ").append(t.state).append(" --").append(t.event).append("--> [");
  s.append(ModeName(t.mode)).append("] (").append(t.id).append(", spec ").append(t.spec);
  s.append(")");
  return s;
}

void AfTransitionRecorder::NewRun() {
  stack_.clear();
  af_.clear();
  sap_.clear();
  vc_.clear();
  unbinding_.clear();
}

void AfTransitionRecorder::Hit(std::string_view id, AfMode mode) {
  const int i = AfTransitionIndex(id, mode);
  assert(i >= 0);  // every id the recorder names is in the table
  if (i >= 0) reached_.set(static_cast<size_t>(i));
}

bool AfTransitionRecorder::Teardown() const {
  for (const Frame& f : stack_)
    if (f.fn == Fn::ProtocolUnbindAdapterEx || f.fn == Fn::MiniportHaltEx) return true;
  return false;
}

void AfTransitionRecorder::OnEvent(const Event& e) {
  if (e.phase == Phase::kCall) {
    Call(e);
  } else {
    Return(e);
  }
}

void AfTransitionRecorder::Call(const Event& e) {
  Frame f{e.fn, e.actor, 0, false, S::kOpen, false, Teardown()};
  auto state_of = [&f](const std::unordered_map<uint64_t, S>& m, uint64_t h) {
    f.handle = h;
    auto it = m.find(h);
    if (it != m.end()) {
      f.has_state = true;
      f.state = it->second;
    }
  };
  // Upcalls that show the CMx (or a peer) was reached inside a down-call.
  if (!stack_.empty()) {
    Frame& parent = stack_.back();
    switch (e.fn) {
      case Fn::ProtocolCmOpenAf:
        parent.upcall = true;
        parent.handle = e.arg[4];  // NdisAfHandle (after the 3 AF slots)
        break;
      case Fn::ProtocolCmRegisterSap:
        parent.upcall = true;
        parent.handle = e.arg[3];  // NdisSapHandle (after the 2 SAP slots)
        break;
      case Fn::ProtocolCmCloseAf:
      case Fn::ProtocolCmDeregisterSap:
      case Fn::ProtocolCoCreateVc:
      case Fn::MiniportCoCreateVc:
      case Fn::ProtocolCmMakeCall:
        parent.upcall = true;
        break;
      default:
        break;
    }
  }
  switch (e.fn) {
    case Fn::ProtocolCoAfRegisterNotify:
      Hit("B4");
      break;
    case Fn::ProtocolUnbindAdapterEx:
      ++unbinding_[e.actor];
      break;
    case Fn::NdisCompleteUnbindAdapterEx:
      if (auto it = unbinding_.find(e.actor); it != unbinding_.end() && it->second > 0) {
        --it->second;
        Hit("B5", kP);
      }
      break;
    case Fn::NdisCompleteBindAdapterEx:
      Hit("B1", kP);
      break;
    case Fn::MiniportHaltEx:
      Hit("M4");
      break;
    case Fn::NdisCmNotifyCloseAddressFamily: {
      state_of(af_, e.arg[0]);
      if (f.has_state && f.state == S::kOpen) {
        Hit("N1");
      } else if (f.has_state && (f.state == S::kOpening || f.state == S::kClosing)) {
        Hit("N7");
      }
      bool halting = false;
      for (const Frame& g : stack_) halting |= g.fn == Fn::MiniportHaltEx;
      if (halting) {
        Hit("M5");
      } else if (f.in_teardown || unbinding_[e.actor] > 0) {
        Hit("B6");
      }
      break;
    }
    case Fn::NdisClOpenAddressFamilyEx:
      break;
    case Fn::NdisCmOpenAddressFamilyComplete: {
      auto it = af_.find(e.arg[1]);
      if (it == af_.end() || it->second != S::kOpening) break;
      const int32_t s = ArgStatus(e, 0);
      if (Ok(s)) {
        Hit("O5");
        it->second = S::kOpen;
      } else if (Pending(s)) {
        Hit("O7");
      } else {
        Hit("O6");
        it->second = S::kFailed;
      }
      break;
    }
    case Fn::NdisClCloseAddressFamily:
      state_of(af_, e.arg[0]);
      if (f.in_teardown || unbinding_[e.actor] > 0) Hit("B7");
      break;
    case Fn::NdisCmCloseAddressFamilyComplete: {
      auto it = af_.find(e.arg[1]);
      if (it != af_.end() && it->second == S::kClosing && Ok(ArgStatus(e, 0))) {
        Hit("C5");
        it->second = S::kClosed;
      }
      break;
    }
    case Fn::NdisClNotifyCloseAddressFamilyComplete:
      Hit("N5");
      break;
    case Fn::NdisClRegisterSap:
      break;
    case Fn::NdisCmRegisterSapComplete: {
      auto it = sap_.find(e.arg[1]);
      if (it == sap_.end() || it->second != S::kRegistering) break;
      if (Ok(ArgStatus(e, 0))) {
        Hit("S5");
        it->second = S::kRegistered;
      } else {
        Hit("S6");
        it->second = S::kFailed;
      }
      break;
    }
    case Fn::NdisCmDispatchIncomingCall: {
      auto it = sap_.find(e.arg[0]);
      if (it != sap_.end() && it->second == S::kRegistering) Hit("S7a");
      if (it != sap_.end() && it->second == S::kRegistered) Hit("S7b");
      break;
    }
    case Fn::NdisClDeregisterSap:
      state_of(sap_, e.arg[0]);
      break;
    case Fn::NdisCmDeregisterSapComplete: {
      auto it = sap_.find(e.arg[1]);
      if (it != sap_.end() && it->second == S::kDeregistering && Ok(ArgStatus(e, 0))) {
        Hit("S11");
        it->second = S::kDeregistered;
      }
      break;
    }
    case Fn::ProtocolClDeregisterSapComplete:
      if (ArgStatus(e, 0) == NDIS_STATUS_FAILURE) Hit("S13");
      break;
    case Fn::NdisCmMakeCallComplete:
      Hit(Ok(ArgStatus(e, 0)) ? "K4" : "K5");
      break;
    case Fn::NdisCmCloseCallComplete:
      Hit("K10");
      break;
    case Fn::NdisClIncomingCallComplete:
      Hit(Ok(ArgStatus(e, 0)) ? "K16" : "K17");
      break;
    case Fn::NdisCmDispatchCallConnected:
      Hit("K18");
      break;
    case Fn::NdisMCoActivateVcComplete:
    case Fn::NdisMCoDeactivateVcComplete:
      break;
    default:
      break;
  }
  stack_.push_back(f);
}

void AfTransitionRecorder::Return(const Event& e) {
  // The matching call (calls and returns nest; an unbalanced return, which
  // the monitor reports, is ignored here).
  size_t i = stack_.size();
  while (i > 0 && stack_[i - 1].fn != e.fn) --i;
  if (i == 0) return;
  const Frame f = stack_[i - 1];
  stack_.resize(i - 1);
  const int32_t s = e.status;
  switch (e.fn) {
    case Fn::ProtocolBindAdapterEx:
      if (Ok(s)) Hit("B1", kS);
      break;
    case Fn::NdisOpenAdapterEx:
      if (Ok(s)) Hit("B2", kS);
      if (Pending(s)) Hit("B2", kP);
      break;
    case Fn::ProtocolUnbindAdapterEx:
      if (!Pending(s)) {
        if (auto it = unbinding_.find(e.actor); it != unbinding_.end() && it->second > 0)
          --it->second;
        Hit("B5", kS);
      }
      break;
    case Fn::NdisCloseAdapterEx:
      if (Ok(s)) Hit("B8", kS);
      if (Pending(s)) Hit("B8", kP);
      break;
    case Fn::MiniportInitializeEx:
      if (Ok(s)) Hit("M1");
      break;
    case Fn::NdisCmRegisterAddressFamilyEx:
      Hit(Ok(s) ? "R1" : s == NDIS_STATUS_RESOURCES ? "R3" : "R2/R4");
      break;
    case Fn::NdisMCmRegisterAddressFamilyEx:
      Hit(Ok(s) ? "R5" : s == NDIS_STATUS_RESOURCES ? "R3" : "R6");
      break;
    case Fn::NdisClOpenAddressFamilyEx:
      if (Ok(s)) {
        Hit("O2");
        af_[e.arg[0]] = S::kOpen;
      } else if (Pending(s)) {
        Hit("O3");
        if (f.upcall) af_[f.handle] = S::kOpening;
      } else {
        Hit(f.upcall ? "O4" : "O1f");
      }
      break;
    case Fn::NdisClCloseAddressFamily:
      if (!f.has_state) break;  // a handle NDIS never handed out
      if (f.state == S::kOpen) {
        if (Ok(s)) {
          Hit("C2");
          af_[f.handle] = S::kClosed;
        } else if (Pending(s)) {
          Hit("C3");
          af_[f.handle] = S::kClosing;
        } else if (s == NDIS_STATUS_NOT_ACCEPTED) {
          Hit("C4");
        } else if (!f.upcall) {
          Hit("C1a");
        }
      } else if ((f.state == S::kClosing || f.state == S::kClosed) && !Ok(s) && !Pending(s)) {
        Hit("C6");
      }
      break;
    case Fn::ProtocolClNotifyCloseAf:
      Hit(Ok(s) ? "N3" : Pending(s) ? "N4" : "N6");
      break;
    case Fn::NdisClRegisterSap:
      if (Ok(s)) {
        Hit("S2");
        sap_[e.arg[0]] = S::kRegistered;
      } else if (Pending(s)) {
        Hit("S3");
        if (f.upcall) sap_[f.handle] = S::kRegistering;
      } else {
        Hit(f.upcall ? "S4" : "S1f");
      }
      break;
    case Fn::NdisClDeregisterSap:
      if (!f.has_state) break;
      if (f.state == S::kRegistered && f.upcall) {  // the CMx was asked (S8)
        if (Ok(s)) {
          Hit("S9");
          sap_[f.handle] = S::kDeregistered;
        } else if (Pending(s)) {
          Hit("S10");
          sap_[f.handle] = S::kDeregistering;
        }
      } else if ((f.state == S::kDeregistering || f.state == S::kDeregistered) && !Ok(s) &&
                 !Pending(s)) {
        Hit("S12");
      }
      break;
    case Fn::NdisCoCreateVc:
      if (Ok(s)) {
        Hit("V1");
      } else {
        Hit(f.upcall ? "V1p" : "V1f");
      }
      break;
    case Fn::NdisMCmCreateVc:
      if (Ok(s)) Hit("V2");
      break;
    case Fn::ProtocolCoCreateVc:
      if (Pending(s)) Hit("V1x");
      break;
    case Fn::NdisCoDeleteVc:
      if (Ok(s)) Hit("V6");
      if (s == NDIS_STATUS_NOT_ACCEPTED) Hit("V4");
      if (s == NDIS_STATUS_CLOSING) Hit("V5");
      break;
    case Fn::NdisMCmDeleteVc:
      if (Ok(s)) Hit("V7");
      break;
    case Fn::NdisClMakeCall:
      Hit(Ok(s) ? "K1" : Pending(s) ? "K2" : "K3");
      break;
    case Fn::MiniportCoActivateVc:
      if (Ok(s)) Hit("K6");
      if (Pending(s)) Hit("K7");
      break;
    case Fn::NdisClCloseCall:
      if (Ok(s)) Hit("K8");
      if (Pending(s)) Hit("K9");
      break;
    case Fn::MiniportCoDeactivateVc:
      if (Ok(s)) Hit("K11");
      if (Pending(s)) Hit("K12");
      break;
    case Fn::ProtocolClIncomingCall:
      Hit(Ok(s) ? "K13" : Pending(s) ? "K14" : "K15");
      break;
    default:
      break;
  }
}

}  // namespace ndisconf::fuzz
