// fuzz/wan_status_recorder.h: the wan_status runner's recorder of WAN
// transitions (wan_status_transitions.h), an event sink on the boundary.
#ifndef NDISCONF_FUZZ_WAN_STATUS_RECORDER_H_
#define NDISCONF_FUZZ_WAN_STATUS_RECORDER_H_

#include <ndis.h>
#include <ndiswan.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz/wan_status_transitions.h"
#include "reference/boundary/event.h"
#include "reference/drivers/ndiswan/ndiswan.h"
#include "reference/ndis/model.h"

namespace ndisconf::fuzz {

// Records the WAN transitions (wan_status_transitions.h) of the WMP's status
// indications and brackets from the events of the run: NDISWAN's state of
// the named link before the call and its counters' change across it.
class TransitionRecorder : public EventSink {
 public:
  ActorId wmp = kNoActor;
  const drivers::Ndiswan* ndiswan = nullptr;
  const ndis::Model* model = nullptr;
  bool recording = false;  // off while the harness builds the stack
  uint64_t reached = 0;    // WanTransitionBit()s

  void Reach(WanTransition t) { reached |= WanTransitionBit(t); }
  void OnEvent(const Event& e) override {
    if (!recording || e.actor != wmp) return;
    if (e.fn == Fn::NdisMIndicateStatusComplete && e.phase == Phase::kCall) {
      Reach(open_ ? WanTransition::kBracketClose : WanTransition::kBracketCompleteQuiet);
      open_ = false;
      return;
    }
    if (e.fn != Fn::NdisMIndicateStatus) return;
    if (e.phase == Phase::kCall) {
      Reach(open_ ? WanTransition::kBracketStatusAgain : WanTransition::kBracketOpen);
      open_ = true;
      status_ = static_cast<NDIS_STATUS>(e.arg[1]);
      before_ = ndiswan->counters();
      rejections_before_ = model->rejections().size();
      const size_t off = status_ == NDIS_STATUS_WAN_LINE_UP
                             ? offsetof(NDIS_MAC_LINE_UP, NdisLinkContext)
                             : 0;  // NDIS_MAC_LINE_DOWN, NDIS_MAC_FRAGMENT
      context_ = 0;
      if (size_t{e.blob_len} >= off + sizeof context_)
        std::memcpy(&context_, e.blob + off, sizeof context_);
      const auto it = ndiswan->core().links().find(context_);
      link_down_ =
          it != ndiswan->core().links().end() && it->second.state == drivers::wan::LinkState::kDown;
      return;
    }
    if (e.phase == Phase::kReturn) Classify();
  }

 private:
  using W = WanTransition;
  using R = drivers::wan::Reason;
  bool open_ = false;
  NDIS_STATUS status_ = 0;
  drivers::wan::Counters before_;
  size_t rejections_before_ = 0;  // the model's, at the call
  uintptr_t context_ = 0;
  bool link_down_ = false;  // the named link was brought down before

  // Whether the model refused the indication: a rejection of
  // NdisMIndicateStatus among those it recorded since the call.
  bool Refused() const {
    const std::vector<ndis::Rejection>& r = model->rejections();
    for (size_t i = rejections_before_; i < r.size(); ++i)
      if (r[i].fn == Fn::NdisMIndicateStatus) return true;
    return false;
  }
  // The reason NDISWAN rejected the indication with, if it did.
  std::optional<R> Rejected(const drivers::wan::Counters& c) const {
    for (size_t i = 0; i < drivers::wan::kReasonCount; ++i)
      if (c.rejected[i] != before_.rejected[i]) return static_cast<R>(i);
    return std::nullopt;
  }
  void Classify() {
    if (Refused()) return Reach(W::kRefusedUnderSpinLock);
    const drivers::wan::Counters& c = ndiswan->counters();
    const std::optional<R> r = Rejected(c);
    const bool malformed = r == R::kNullBuffer || r == R::kShortBuffer;
    switch (status_) {
      case NDIS_STATUS_WAN_LINE_UP:
        if (c.line_ups != before_.line_ups) return Reach(W::kLineUpInitial);
        if (c.line_up_updates != before_.line_up_updates) return Reach(W::kLineUpUpdate);
        if (malformed) return Reach(W::kLineUpMalformed);
        if (r == R::kDuplicateLineUp) return Reach(W::kLineUpDuplicate);
        if (r == R::kLinkHandleMismatch) return Reach(W::kLineUpHandleMismatch);
        if (r == R::kUnknownContext)
          return Reach(link_down_ ? W::kLineUpStaleContext : W::kLineUpUnknownContext);
        return;
      case NDIS_STATUS_WAN_LINE_DOWN:
        if (c.line_downs != before_.line_downs) return Reach(W::kLineDownUp);
        if (malformed) return Reach(W::kLineDownMalformed);
        if (r == R::kUnknownLink) return Reach(link_down_ ? W::kLineDownDown : W::kLineDownUnknown);
        return;
      case NDIS_STATUS_WAN_FRAGMENT:
        if (c.fragments != before_.fragments) return Reach(W::kFragmentUp);
        if (malformed) return Reach(W::kFragmentMalformed);
        if (r == R::kUnknownLink) return Reach(link_down_ ? W::kFragmentDown : W::kFragmentUnknown);
        return;
      case NDIS_STATUS_TAPI_INDICATION:
        if (c.tapi_events != before_.tapi_events) return Reach(W::kTapiAccepted);
        if (malformed) return Reach(W::kTapiMalformed);
        if (r == R::kTapiUnknownLine) return Reach(W::kTapiUnknownLine);
        if (r == R::kTapiUnknownCall) return Reach(W::kTapiUnknownCall);
        if (r == R::kTapiUnknownMessage) return Reach(W::kTapiUnknownMessage);
        if (r == R::kTapiBadNewCall) return Reach(W::kTapiBadNewCall);
        if (r == R::kTapiNotProvider) return Reach(W::kTapiNotProvider);
        return;
      default:
        if (c.other_status != before_.other_status) return Reach(W::kOtherStatusIgnored);
        return;
    }
  }
};

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_STATUS_RECORDER_H_
