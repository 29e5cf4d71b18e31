// The CoNDIS shadow objects' names and the lookups every CoNDIS family uses.
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

}  // namespace ndisconf::monitor
