// fuzz/af_from_trace.cc: a recorded run as an af_lifecycle program (see the
// header for what is inferred and how).
#include "fuzz/af_from_trace.h"

#include <ndis.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "fuzz/af_lifecycle_input.h"
#include "reference/boundary/fn.h"

namespace ndisconf::fuzz {
namespace {

enum class Role { kUnknown, kCm, kMcm, kClient, kMiniport };

struct DriverFacts {
  Role role = Role::kUnknown;
  bool miniport = false;  // called NdisMRegisterMiniportDriver
  bool cm = false;        // CM handlers, or registered an AF from a binding
  bool mcm = false;       // registered an AF as a miniport
  bool client = false;    // client handlers, or opened an AF
  size_t afs_registered = 0;
  uint8_t cfg = 0;
  uint64_t first_event = UINT64_MAX;  // its registration: the load order
  size_t index = 0;                   // in its kind's list (the runner's order)
  size_t protocol_index = 0;          // among CMs and clients, in load order
  size_t incoming_index = 0;          // among CMs, then MCMs (INCOMING_CALL)
  size_t miniport_index = 0;          // among miniports and MCMs (ADD_ADAPTER)
};

// The value of the argument slot `name` of `e` (on a call the in-arguments,
// on a return the out values); nullopt when `e` has no such argument.
std::optional<uint64_t> Arg(const Event& e, std::string_view name) {
  const FnSpec& spec = SpecOf(e.fn);
  const ArgSpec* args = e.phase == Phase::kCall ? spec.in : spec.out;
  const size_t count = e.phase == Phase::kCall ? spec.in_count : spec.out_count;
  size_t slot = 0;
  for (size_t i = 0; i < count; ++i) {
    if (args[i].name == name) {
      if (slot >= e.arg_count) return std::nullopt;
      return e.arg[slot];
    }
    slot += SlotsOf(args[i].kind);
  }
  return std::nullopt;
}

uint64_t ArgOr0(const Event& e, std::string_view name) { return Arg(e, name).value_or(0); }

bool IsCompletionCall(Fn fn) {
  return DirectionOf(fn) == Direction::kDown &&
         NameOf(fn).find("Complete") != std::string_view::npos;
}

// Pass 1: each driver's role and the configuration its behaviour shows.
std::map<ActorId, DriverFacts> LearnDrivers(const trace::Trace& t) {
  std::map<ActorId, DriverFacts> drivers;
  std::vector<Fn> open;  // the calls not returned yet, outermost first
  for (const Event& e : t.events) {
    if (e.fn >= Fn::kCount) continue;
    if (e.phase == Phase::kReturn) {
      if (!open.empty()) open.pop_back();
    }
    if (e.actor == kNoActor) {
      if (e.phase == Phase::kCall) open.push_back(e.fn);
      continue;
    }
    DriverFacts& d = drivers[e.actor];
    const bool pended = e.phase == Phase::kReturn && e.status == NDIS_STATUS_PENDING;
    const bool failed = e.phase == Phase::kReturn && e.status != NDIS_STATUS_SUCCESS &&
                        e.status != NDIS_STATUS_PENDING;
    const Fn enclosing = open.empty() ? Fn::kCount : open.back();
    switch (e.fn) {
      case Fn::NdisRegisterProtocolDriver:
      case Fn::NdisMRegisterMiniportDriver:
        if (e.phase == Phase::kCall) d.first_event = std::min(d.first_event, e.index);
        if (e.fn == Fn::NdisMRegisterMiniportDriver) d.miniport = true;
        break;
      case Fn::NdisSetOptionalHandlers:
        if (e.phase == Phase::kCall) {
          const uint64_t type = ArgOr0(e, "Header") >> 24;
          if (type == NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS) d.cm = true;
          if (type == NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS) d.client = true;
        }
        break;
      case Fn::NdisCmRegisterAddressFamilyEx:
        if (e.phase == Phase::kCall) d.cm = true, ++d.afs_registered;
        break;
      case Fn::NdisMCmRegisterAddressFamilyEx:
        if (e.phase == Phase::kCall) d.mcm = true, ++d.afs_registered;
        break;
      case Fn::NdisClOpenAddressFamilyEx:
        d.client = true;
        break;
      // A call manager's pended operations (cfg bits 1-6).
      case Fn::ProtocolCmOpenAf:
        if (pended) d.cfg |= 1u << 1;
        break;
      case Fn::ProtocolCmCloseAf:
        if (pended) d.cfg |= 1u << 2;
        break;
      case Fn::ProtocolCmRegisterSap:
        if (pended) d.cfg |= 1u << 3;
        break;
      case Fn::ProtocolCmDeregisterSap:
        if (pended) d.cfg |= 1u << 4;
        break;
      case Fn::ProtocolCmMakeCall:
        if (pended) d.cfg |= 1u << 5;
        break;
      case Fn::ProtocolCmCloseCall:
        if (pended) d.cfg |= 1u << 6;
        break;
      // A client's answers (bits 0-1 notify_close, 2-3 incoming_call) and
      // what it does from inside its open's completion (bits 4, 5).
      case Fn::ProtocolClNotifyCloseAf:
        if (pended) d.cfg = (d.cfg & ~3u) | 1u;
        if (failed) d.cfg = (d.cfg & ~3u) | 2u;
        break;
      case Fn::ProtocolClIncomingCall:
        if (pended) d.cfg = (d.cfg & ~12u) | 4u;
        if (failed) d.cfg = (d.cfg & ~12u) | 8u;
        break;
      case Fn::NdisClRegisterSap:
      case Fn::NdisCoCreateVc:
        if (e.phase == Phase::kCall && (enclosing == Fn::ProtocolCoAfRegisterNotify ||
                                        enclosing == Fn::ProtocolClOpenAfCompleteEx))
          d.cfg |= e.fn == Fn::NdisClRegisterSap ? 16u : 32u;
        break;
      // A miniport's pended VC activation and deactivation (bits 0, 1).
      case Fn::MiniportCoActivateVc:
        if (pended) d.cfg |= 1u;
        break;
      case Fn::MiniportCoDeactivateVc:
        if (pended) d.cfg |= 2u;
        break;
      default:
        break;
    }
    if (e.phase == Phase::kCall) open.push_back(e.fn);
  }
  for (auto& [id, d] : drivers) {
    if (d.miniport) {
      d.role = d.mcm ? Role::kMcm : Role::kMiniport;
    } else if (d.cm) {
      d.role = Role::kCm;
    } else if (d.client) {
      d.role = Role::kClient;
    }
    if (d.role == Role::kCm || d.role == Role::kMcm) {
      d.cfg &= 0x7e;
      if (d.afs_registered > 1) d.cfg |= 1;  // a second AF (TAPI / Q.2931)
    } else if (d.role == Role::kMiniport) {
      d.cfg &= 3;
    }
  }
  return drivers;
}

class Emitter {
 public:
  explicit Emitter(std::map<ActorId, DriverFacts> drivers) : drivers_(std::move(drivers)) {}

  std::vector<uint8_t> Run(const trace::Trace& t) {
    out_.push_back(0);  // no scheduler bytes: the oldest ready work item runs
    EmitLoads();
    std::vector<Fn> open;
    for (const Event& e : t.events) {
      if (e.fn >= Fn::kCount) continue;
      if (e.phase == Phase::kReturn) {
        if (!open.empty()) open.pop_back();
        Learn(e);
        continue;
      }
      Learn(e);
      if (open.empty()) Outermost(e);
      open.push_back(e.fn);
    }
    return out_;
  }

  bool empty() const { return loads_ == 0; }

 private:
  DriverFacts* Of(ActorId id) {
    auto it = drivers_.find(id);
    return it == drivers_.end() || it->second.role == Role::kUnknown ? nullptr : &it->second;
  }

  void Record(AfOp op, std::initializer_list<size_t> operands) {
    out_.push_back(static_cast<uint8_t>(op));
    for (size_t v : operands) out_.push_back(static_cast<uint8_t>(v));
  }

  void EmitLoads() {
    std::vector<std::pair<uint64_t, ActorId>> order;
    for (const auto& [id, d] : drivers_)
      if (d.role != Role::kUnknown) order.emplace_back(d.first_event, id);
    std::sort(order.begin(), order.end());
    size_t count[5] = {}, protocols = 0, miniports = 0;
    std::vector<DriverFacts*> cms, mcms;
    for (const auto& [first, id] : order) {
      DriverFacts& d = drivers_[id];
      d.index = count[static_cast<int>(d.role)]++;
      switch (d.role) {
        case Role::kCm:
          d.protocol_index = protocols++;
          cms.push_back(&d);
          Record(AfOp::kLoadCm, {d.cfg});
          break;
        case Role::kClient:
          d.protocol_index = protocols++;
          Record(AfOp::kLoadClient, {d.cfg});
          break;
        case Role::kMcm:
          d.miniport_index = miniports++;
          mcms.push_back(&d);
          Record(AfOp::kLoadMcm, {d.cfg});
          break;
        case Role::kMiniport:
          d.miniport_index = miniports++;
          Record(AfOp::kLoadMiniport, {d.cfg});
          break;
        case Role::kUnknown:
          break;
      }
      ++loads_;
    }
    // A trace written by hand may leave the miniport out (the spec's
    // sequences show the protocols only): the program loads one, and adds an
    // adapter for each miniport handle the bindings name.
    if (miniports == 0 && protocols > 0) {
      Record(AfOp::kLoadMiniport, {0});
      implied_miniport_ = true;
    }
    size_t n = 0;
    for (DriverFacts* d : cms) d->incoming_index = n++;
    for (DriverFacts* d : mcms) d->incoming_index = n++;
  }

  // Keeps the handle maps current (every event, any depth).
  void Learn(const Event& e) {
    DriverFacts* d = Of(e.actor);
    switch (e.fn) {
      case Fn::MiniportInitializeEx:
        if (e.phase == Phase::kCall && d != nullptr) {
          adapter_of_miniport_handle_[ArgOr0(e, "NdisMiniportHandle")] = adapters_;
          Record(AfOp::kAddAdapter, {d->miniport_index});
          ++adapters_;
        }
        break;
      case Fn::NdisMSetMiniportAttributes:
        if (auto it = adapter_of_miniport_handle_.find(ArgOr0(e, "NdisMiniportHandle"));
            it != adapter_of_miniport_handle_.end())
          adapter_of_context_[ArgOr0(e, "MiniportAdapterContext")] = it->second;
        break;
      case Fn::ProtocolBindAdapterEx:
        if (e.phase == Phase::kCall) {
          const uint64_t handle = ArgOr0(e, "NdisMiniportHandle");
          if (implied_miniport_ && adapter_of_miniport_handle_.count(handle) == 0) {
            adapter_of_miniport_handle_[handle] = adapters_++;
            Record(AfOp::kAddAdapter, {0});
          }
          adapter_of_bind_context_[ArgOr0(e, "BindContext")] =
              IndexOf(adapter_of_miniport_handle_, handle);
        }
        break;
      case Fn::NdisOpenAdapterEx:
        if (e.phase == Phase::kCall)
          adapter_of_binding_[ArgOr0(e, "ProtocolBindingContext")] =
              IndexOf(adapter_of_bind_context_, ArgOr0(e, "BindContext"));
        break;
      case Fn::NdisClOpenAddressFamilyEx:
        if (d != nullptr && e.phase == Phase::kCall) {
          af_of_context_[ArgOr0(e, "ClientAfContext")] = afs_[e.actor]++;
          last_open_context_[e.actor] = ArgOr0(e, "ClientAfContext");
        } else if (d != nullptr && ArgOr0(e, "NdisAfHandle") != 0) {
          af_of_handle_[ArgOr0(e, "NdisAfHandle")] = af_of_context_[last_open_context_[e.actor]];
        }
        break;
      case Fn::ProtocolClOpenAfCompleteEx:
        if (e.phase == Phase::kCall)
          af_of_handle_[ArgOr0(e, "NdisAfHandle")] =
              IndexOf(af_of_context_, ArgOr0(e, "ProtocolAfContext"));
        break;
      case Fn::NdisClRegisterSap:
        if (d != nullptr && e.phase == Phase::kCall)
          sap_of_context_[ArgOr0(e, "ProtocolSapContext")] = saps_[e.actor]++;
        else if (d != nullptr && ArgOr0(e, "NdisSapHandle") != 0)
          sap_of_handle_[ArgOr0(e, "NdisSapHandle")] = saps_[e.actor] - 1;
        break;
      case Fn::ProtocolClRegisterSapComplete:
        if (e.phase == Phase::kCall)
          sap_of_handle_[ArgOr0(e, "NdisSapHandle")] =
              IndexOf(sap_of_context_, ArgOr0(e, "ProtocolSapContext"));
        break;
      case Fn::ProtocolCmRegisterSap:
        if (d != nullptr && e.phase == Phase::kCall)
          cm_sap_of_handle_[ArgOr0(e, "NdisSapHandle")] = cm_saps_[e.actor]++;
        break;
      case Fn::NdisCoCreateVc:
        if (d != nullptr && e.phase == Phase::kReturn && e.status == NDIS_STATUS_SUCCESS)
          vc_of_handle_[ArgOr0(e, "NdisVcHandle")] = vcs_[e.actor]++;
        break;
      case Fn::ProtocolCoCreateVc:
        if (d != nullptr && d->role == Role::kClient && e.phase == Phase::kCall)
          vc_of_handle_[ArgOr0(e, "NdisVcHandle")] = vcs_[e.actor]++;
        break;
      default:
        break;
    }
  }

  static size_t IndexOf(const std::map<uint64_t, size_t>& m, uint64_t key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
  }

  // A crossing that no other crossing contains: something a driver, NDIS or
  // the test started on its own.
  void Outermost(const Event& e) {
    DriverFacts* d = Of(e.actor);
    if (d == nullptr) return;
    const bool client = d->role == Role::kClient;
    switch (e.fn) {
      case Fn::NdisIoWorkItemRoutine:
        Record(AfOp::kRunOne, {});
        return;
      case Fn::ProtocolUnbindAdapterEx: {
        const size_t a = IndexOf(adapter_of_binding_, ArgOr0(e, "ProtocolBindingContext"));
        Record(AfOp::kUnbind, {d->protocol_index, a});
        unbound_[{e.actor, a}] = true;
        return;
      }
      case Fn::ProtocolBindAdapterEx: {
        const size_t a = IndexOf(adapter_of_bind_context_, ArgOr0(e, "BindContext"));
        if (unbound_[{e.actor, a}]) {
          Record(AfOp::kBind, {d->protocol_index, a});
          unbound_[{e.actor, a}] = false;
        }
        return;
      }
      case Fn::MiniportHaltEx:
        Record(AfOp::kHalt, {IndexOf(adapter_of_context_, ArgOr0(e, "MiniportAdapterContext"))});
        return;
      case Fn::NdisCmDispatchIncomingCall:
        Record(AfOp::kIncomingCall,
               {d->incoming_index, IndexOf(cm_sap_of_handle_, ArgOr0(e, "NdisSapHandle"))});
        return;
      default:
        break;
    }
    if (IsCompletionCall(e.fn)) {
      Record(AfOp::kRunOne, {});
      return;
    }
    if (!client) return;
    const size_t c = d->index;
    switch (e.fn) {
      case Fn::NdisClCloseAddressFamily:
        Record(AfOp::kCloseAf, {c, IndexOf(af_of_handle_, ArgOr0(e, "NdisAfHandle"))});
        break;
      case Fn::NdisClRegisterSap:
        Record(AfOp::kRegisterSap, {c, IndexOf(af_of_handle_, ArgOr0(e, "NdisAfHandle")),
                                    static_cast<size_t>(ArgOr0(e, "Sap") & 0xff)});
        break;
      case Fn::NdisClDeregisterSap:
        Record(AfOp::kDeregisterSap, {c, IndexOf(sap_of_handle_, ArgOr0(e, "NdisSapHandle"))});
        break;
      case Fn::NdisCoCreateVc:
        Record(AfOp::kCreateVc, {c, IndexOf(af_of_handle_, ArgOr0(e, "NdisAfHandle"))});
        break;
      case Fn::NdisCoDeleteVc:
        Record(AfOp::kDeleteVc, {c, IndexOf(vc_of_handle_, ArgOr0(e, "NdisVcHandle"))});
        break;
      case Fn::NdisClMakeCall:
        Record(AfOp::kMakeCall, {c, IndexOf(vc_of_handle_, ArgOr0(e, "NdisVcHandle"))});
        break;
      case Fn::NdisClCloseCall:
        Record(AfOp::kCloseCall, {c, IndexOf(vc_of_handle_, ArgOr0(e, "NdisVcHandle"))});
        break;
      default:
        break;
    }
  }

  std::map<ActorId, DriverFacts> drivers_;
  std::vector<uint8_t> out_;
  size_t loads_ = 0, adapters_ = 0;
  bool implied_miniport_ = false;
  // Handles and contexts the trace shows, to the runner's indices.
  std::map<uint64_t, size_t> adapter_of_miniport_handle_, adapter_of_context_,
      adapter_of_bind_context_, adapter_of_binding_;
  std::map<uint64_t, size_t> af_of_context_, af_of_handle_, sap_of_context_, sap_of_handle_,
      cm_sap_of_handle_, vc_of_handle_;
  std::map<ActorId, size_t> afs_, saps_, cm_saps_, vcs_;
  std::map<ActorId, uint64_t> last_open_context_;
  std::map<std::pair<ActorId, size_t>, bool> unbound_;
};

}  // namespace

std::vector<uint8_t> AfProgramFromTrace(const trace::Trace& trace) {
  Emitter emitter(LearnDrivers(trace));
  std::vector<uint8_t> program = emitter.Run(trace);
  if (emitter.empty()) return {};
  return program;
}

}  // namespace ndisconf::fuzz
