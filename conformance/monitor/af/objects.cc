// The CoNDIS shadow objects' names and the lookups every CoNDIS family uses.
#include <optional>
#include <string>
#include <vector>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {
namespace af {

const char* AStateName(AState s) {
  switch (s) {
    case AState::kCmOpenCall:
      return "OPEN-IN-CM";
    case AState::kOpening:
      return "OPENING";
    case AState::kOpen:
      return "OPEN";
    case AState::kClosing:
      return "CLOSING";
    case AState::kClosed:
      return "CLOSED";
    case AState::kFailed:
      return "FAILED";
  }
  return "?";
}

const char* SStateName(SState s) {
  switch (s) {
    case SState::kCmCall:
      return "REGISTER-IN-CM";
    case SState::kRegistering:
      return "REGISTERING";
    case SState::kRegistered:
      return "REGISTERED";
    case SState::kFailed:
      return "FAILED";
    case SState::kDeregistering:
      return "DEREGISTERING";
    case SState::kDeregistered:
      return "DEREGISTERED";
  }
  return "?";
}

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kBinding:
      return "binding";
    case Kind::kAf:
      return "AF";
    case Kind::kSap:
      return "SAP";
    case Kind::kVc:
      return "VC";
  }
  return "?";
}
}  // namespace af

using af::AState;

af::Driver& Monitor::State::D(ActorId a) {
  if (a >= drivers.size()) drivers.resize(static_cast<size_t>(a) + 1);
  return drivers[a];
}

std::string Monitor::State::AfDesc(const af::Af& a) const {
  std::string s = af::AStateName(a.state);
  if (a.notify_active) s += "+NOTIFYING";
  return s;
}

af::Af* Monitor::State::FindAf(uint64_t h) {
  auto it = afs.find(h);
  return it == afs.end() ? nullptr : &it->second;
}

af::Sap* Monitor::State::FindSap(uint64_t h) {
  auto it = saps.find(h);
  return it == saps.end() ? nullptr : &it->second;
}

af::Vc* Monitor::State::FindVc(uint64_t h) {
  auto it = vcs.find(h);
  return it == vcs.end() ? nullptr : &it->second;
}

af::Binding* Monitor::State::FindBinding(uint64_t h) {
  auto it = bindings.find(h);
  return it == bindings.end() ? nullptr : &it->second;
}

uint64_t Monitor::State::BindingByCtx(ActorId a, uint64_t ctx) {
  auto it = binding_by_ctx.find(AK(a, ctx));
  return it == binding_by_ctx.end() ? 0 : it->second;
}

void Monitor::State::CloseAf(af::Af& a, uint64_t h, const Event& e) {
  a.state = AState::kClosed;
  a.since = e.index;
  a.cm_done = true;
  DropLive(h);
  af_by_cm_ctx.erase(AK(a.cm, a.cm_ctx));
  af_by_client_ctx.erase(AK(a.client, a.client_ctx));
}

void Monitor::State::FailAf(af::Af& a, uint64_t h, const Event& e) {
  a.state = AState::kFailed;
  a.since = e.index;
  a.cm_done = true;
  DropLive(h);
}

void Monitor::State::WithdrawRegs(uint64_t key) {
  for (af::Reg& r : regs) {
    if (r.live && r.key == key) {
      r.live = false;
      reg_by_key.erase(Key{r.key, r.af[0]});
    }
  }
}

const Frame* Monitor::State::RegisterInProgress(ActorId actor, uint64_t type) const {
  for (size_t i = stack.size(); i-- > 0;) {
    const Frame& s = stack[i];
    if ((s.fn == Fn::NdisCmRegisterAddressFamilyEx || s.fn == Fn::NdisMCmRegisterAddressFamilyEx) &&
        s.actor == actor && s.arg[1] == type)
      return &s;
  }
  return nullptr;
}

const af::Reg* Monitor::State::AnyReg(uint64_t type) const {
  for (const af::Reg& r : regs)
    if (r.live && r.af[0] == type) return &r;
  return nullptr;
}

namespace {

// What may happen next to an open AF instance (spec 2.4, rows O*, C*, N*).
std::vector<std::string> AfNext(const af::Af& a, uint64_t handle) {
  const std::string h = Hex(handle);
  std::vector<std::string> next;
  if (a.open_complete_owed)
    next.push_back("NDIS calls the client's ProtocolClOpenAfCompleteEx for " + h +
                   " (O5, O6; AF-037)");
  if (a.close_complete_owed)
    next.push_back("NDIS calls the client's ProtocolClCloseAfComplete for " + h + " (C5; AF-054)");
  if (a.cm_notify_owed)
    next.push_back("NDIS calls the call manager's ProtocolCmNotifyCloseAfComplete for " + h +
                   " (N5; AF-065)");
  if (a.client_notify_owed)
    next.push_back("the client calls NdisClNotifyCloseAddressFamilyComplete(NdisAfHandle=" + h +
                   ") once it has closed what it had on the AF (N2, N5; AF-064, AF-065)");
  switch (a.state) {
    case af::AState::kCmOpenCall:
      next.push_back(
          "the call manager's ProtocolCmOpenAf returns SUCCESS, PENDING or an error "
          "(O2-O4; AF-033)");
      break;
    case af::AState::kOpening:
      if (a.open_owed)
        next.push_back(
            "the call manager calls NdisCmOpenAddressFamilyComplete(Status other than "
            "PENDING, NdisAfHandle=" +
            h + ") (O5, O6; AF-034)");
      break;
    case af::AState::kOpen:
      if (a.notify_active && !a.notify_pending) {
        next.push_back(
            "the client's ProtocolClNotifyCloseAf returns SUCCESS once the client has "
            "closed the AF, or PENDING (N3, N4; AF-067)");
      }
      if (!a.notify_active) {
        next.push_back(
            "the client calls NdisClRegisterSap, NdisCoCreateVc or "
            "NdisClCloseAddressFamily(NdisAfHandle=" +
            h + ") (S1, C1)");
        next.push_back("the call manager calls NdisCmNotifyCloseAddressFamily(NdisAfHandle=" + h +
                       ") from ProtocolUnbindAdapterEx or MiniportHaltEx (N1; AF-061)");
      } else {
        next.push_back(
            "the client closes its calls, deregisters its SAPs and calls "
            "NdisClCloseAddressFamily(NdisAfHandle=" +
            h + ") (N2; AF-064)");
      }
      break;
    case af::AState::kClosing:
      if (a.close_owed)
        next.push_back(
            "the call manager calls NdisCmCloseAddressFamilyComplete(SUCCESS, "
            "NdisAfHandle=" +
            h + ") (C5; AF-053)");
      else if (!a.cm_done)
        next.push_back(
            "the call manager's ProtocolCmCloseAf returns SUCCESS, PENDING or "
            "NOT_ACCEPTED (C2-C4; AF-052)");
      break;
    case af::AState::kClosed:
    case af::AState::kFailed:
      break;
  }
  return next;
}

// What may happen next to a SAP (spec 2.5, rows S*).
std::vector<std::string> SapNext(const af::Sap& s, uint64_t handle) {
  const std::string h = Hex(handle);
  std::vector<std::string> next;
  if (s.reg_complete_owed)
    next.push_back("NDIS calls the client's ProtocolClRegisterSapComplete for " + h +
                   " (S5, S6; AF-084)");
  if (s.dereg_complete_owed)
    next.push_back("NDIS calls the client's ProtocolClDeregisterSapComplete for " + h +
                   " (S11; AF-091)");
  switch (s.state) {
    case af::SState::kCmCall:
      next.push_back(
          "the call manager's ProtocolCmRegisterSap returns SUCCESS, PENDING or an "
          "error (S2-S4; AF-083)");
      break;
    case af::SState::kRegistering:
      if (s.reg_owed)
        next.push_back("the call manager calls NdisCmRegisterSapComplete(Status, NdisSapHandle=" +
                       h + ") (S5, S6; AF-083)");
      next.push_back("the call manager calls NdisCmDispatchIncomingCall(NdisSapHandle=" + h +
                     ", ...) (S7; AF-086)");
      break;
    case af::SState::kRegistered:
      next.push_back("the client calls NdisClDeregisterSap(NdisSapHandle=" + h + ") (S8; AF-088)");
      next.push_back("the call manager calls NdisCmDispatchIncomingCall(NdisSapHandle=" + h +
                     ", ...) (S7; AF-086)");
      break;
    case af::SState::kDeregistering:
      if (s.dereg_owed)
        next.push_back(
            "the call manager calls NdisCmDeregisterSapComplete(SUCCESS, NdisSapHandle=" + h +
            ") (S11; AF-090)");
      else
        next.push_back(
            "the call manager's ProtocolCmDeregisterSap returns SUCCESS or PENDING "
            "(S9, S10; AF-090)");
      break;
    case af::SState::kFailed:
    case af::SState::kDeregistered:
      break;
  }
  return next;
}

}  // namespace

std::optional<Monitor::ObjectView> Monitor::Inspect(uint64_t handle) const {
  if (auto it = s_->afs.find(handle); it != s_->afs.end())
    return ObjectView{"AF", s_->AfDesc(it->second), AfNext(it->second, handle)};
  if (auto it = s_->saps.find(handle); it != s_->saps.end())
    return ObjectView{"SAP", af::SStateName(it->second.state), SapNext(it->second, handle)};
  return s_->InspectWan(handle);
}

}  // namespace ndisconf::monitor
