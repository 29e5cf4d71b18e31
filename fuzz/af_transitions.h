// fuzz/af_transitions.h: the protocol transitions of the CoNDIS AF
// lifecycle an af_lifecycle run reaches (issue 7 §3/§4, contract §3).
//
// A transition is (state machine, state, event, completion mode): one row
// of the state tables of spec section 2 (binding 2.1, MCM adapter 2.2, AF
// registration 2.3, open AF 2.4, SAP 2.5, VC 2.6) or of the call path of
// section 3.6, split by whether the operation completed synchronously or
// pended. The recorder reads only boundary events (what the monitor sees),
// never the program bytes, so it measures what an implementation actually
// did; it keeps a small shadow of each AF, SAP and VC handle's state.
//
// Rows that no program of the af_lifecycle grammar can reach on a conforming
// implementation are in the table with the reason (unreachable()), and do
// not count in the total.
#ifndef NDISCONF_FUZZ_AF_TRANSITIONS_H_
#define NDISCONF_FUZZ_AF_TRANSITIONS_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reference/boundary/event.h"

namespace ndisconf::fuzz {

enum class AfMode : uint8_t { kNone, kSync, kPended };

struct AfTransition {
  std::string_view id;       // the spec row (e.g. "O3"), or "K.." for the call path
  std::string_view machine;  // binding, adapter, registration, af, sap, vc, call
  std::string_view state;
  std::string_view event;
  AfMode mode;
  std::string_view spec;         // section
  std::string_view unreachable;  // empty, or why no program reaches it
};

// Every transition, in table order (stable: the index is the identity).
const std::vector<AfTransition>& AfTransitions();
inline constexpr size_t kMaxAfTransitions = 96;
using AfTransitionSet = std::bitset<kMaxAfTransitions>;
// Number of reachable transitions (the TOTAL of REACHED/TOTAL).
size_t AfReachableTransitionCount();
// Index of the transition whose id and mode are these (tests); -1 if none.
int AfTransitionIndex(std::string_view id, AfMode mode = AfMode::kNone);
// "af OPEN --NdisClCloseAddressFamily ret PENDING--> [pended] (O3, spec 2.4)".
std::string DescribeAfTransition(size_t index);

// Records the transitions of one run from its events. Attach it to the
// boundary (RunAfLifecycleProgram's observer) for one program at a time.
class AfTransitionRecorder : public EventSink {
 public:
  void OnEvent(const Event& e) override;
  const AfTransitionSet& reached() const { return reached_; }
  // Forgets the shadow state (not the transitions reached): a new run.
  void NewRun();

 private:
  enum class S : uint8_t {
    kOpening,
    kOpen,
    kClosing,
    kClosed,
    kFailed,
    kRegistering,
    kRegistered,
    kDeregistering,
    kDeregistered,
    kCreated
  };
  struct Frame {
    Fn fn;
    ActorId actor;
    uint64_t handle;  // the object the call is about (AF, SAP or VC handle)
    bool has_state;
    S state;           // that object's state at the call
    bool upcall;       // NDIS called the CMx / peer inside this call
    bool in_teardown;  // inside an unbind or a halt
  };
  void Hit(std::string_view id, AfMode mode = AfMode::kNone);
  void Call(const Event& e);
  void Return(const Event& e);
  bool Teardown() const;

  AfTransitionSet reached_;
  std::vector<Frame> stack_;
  std::unordered_map<uint64_t, S> af_, sap_, vc_;
  std::unordered_map<ActorId, int> unbinding_;  // pended unbinds per protocol
};

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_TRANSITIONS_H_
