// Implementation of fuzz/wan_status_seeds.h. The record format is described
// at the top of fuzz/wan_status_fuzz_test.cc.
#include "fuzz/wan_status_seeds.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>

#include "fuzz/wan_status_input.h"
#include "spec/wan_buffers.h"

namespace ndisconf::fuzz {
namespace {

namespace wb = spec::wan;
using Bytes = std::vector<uint8_t>;

// The target reads at most this many payload bytes of an INDICATE record.
constexpr size_t kMaxPayload = 64;

uint8_t Tag(WanOp op) { return static_cast<uint8_t>(op); }
uint8_t Sel(WanStatusSel sel) { return static_cast<uint8_t>(sel); }
uint8_t Tapi(WanTapiOp op) { return static_cast<uint8_t>(op); }

// FAULT's kind bytes (WanFaultForTag), by the fault they select.
constexpr uint8_t kLinkLoss = 0, kSpeed = 2, kCrc = 3, kPartial = 9, kReset = 10, kHang = 11;

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// One INDICATE record. The target reads exactly min(size, 64) payload
// bytes, so the payload is zero-padded (or cut) to that length; otherwise
// the target would read the next records as payload. `raw` is the status
// of a kRaw record.
Bytes Indicate(WanStatusSel sel, uint16_t size, uint8_t flags = 0,
               std::span<const uint8_t> payload = {}, uint32_t raw = 0) {
  Bytes rec = {Tag(WanOp::kIndicate), Sel(sel)};
  if (sel == WanStatusSel::kRaw) {
    for (int i = 0; i < 4; ++i) rec.push_back(static_cast<uint8_t>(raw >> (8 * i)));
  }
  rec.push_back(static_cast<uint8_t>(size & 0xFF));
  rec.push_back(static_cast<uint8_t>(size >> 8));
  rec.push_back(flags);
  const size_t body = std::min<size_t>(size, kMaxPayload);
  Bytes padded(body, 0);
  std::copy_n(payload.begin(), std::min(body, payload.size()), padded.begin());
  rec.insert(rec.end(), padded.begin(), padded.end());
  return rec;
}

// Records, then COMPLETE and INTERRUPT (the batch is played).
Bytes Batch(std::initializer_list<Bytes> records) {
  Bytes out = Cat(records);
  out.push_back(Tag(WanOp::kComplete));
  out.push_back(Tag(WanOp::kInterrupt));
  return out;
}

// A fragment with `errors`; the target writes the live link's context.
Bytes Fragment(uint32_t errors, uint16_t size = wb::kMacFragmentSize,
               uint8_t flags = kIndicateLiveContext) {
  const auto f = wb::EncodeMacFragment({.link_context = 0, .errors = errors});
  return Indicate(WanStatusSel::kFragment, size, flags, f);
}

Bytes LineUp(const wb::MacLineUp& up, uint8_t flags) {
  const auto b = wb::EncodeMacLineUp(up);
  return Indicate(WanStatusSel::kLineUp, wb::kMacLineUpSize, flags, b);
}

Bytes TapiEvent(const wb::TapiEvent& ev, uint16_t size, uint8_t flags = 0) {
  return Indicate(WanStatusSel::kTapiIndication, size, flags,
                  wb::EncodeTapiEvent(ev, wb::TapiEventLayout::kUlongPtr));
}

Bytes Fault(uint8_t kind, uint8_t arg) { return {Tag(WanOp::kFault), kind, arg}; }
Bytes Pump(uint8_t n) { return {Tag(WanOp::kPump), n}; }
Bytes TapiOp(WanTapiOp op) { return {Tag(WanOp::kTapi), Tapi(op)}; }

// The seeds' records, without the scheduler prefix.
std::vector<NamedSeed> Bodies() {
  const uint8_t live = kIndicateLiveContext;
  std::vector<NamedSeed> s;
  s.push_back({"fragment_on_live_link", Batch({Fragment(1), Fragment(0x3F)})});
  s.push_back({"fragment_error_bits_zero_and_undefined",
               Batch({Fragment(0), Fragment(0x40), Fragment(0xFFFFFFFF)})});
  // One batch: each record's live context is taken when it is decoded, so
  // the fragment and the second line-down name the link the first took down.
  s.push_back({"line_down_then_fragment_on_stale_link",
               Batch({Indicate(WanStatusSel::kLineDown, wb::kMacLineDownSize, live), Fragment(1),
                      Indicate(WanStatusSel::kLineDown, wb::kMacLineDownSize, live)})});
  s.push_back({"null_buffer_every_status",
               Batch({Indicate(WanStatusSel::kLineUp, 40, kIndicateNullBuffer),
                      Indicate(WanStatusSel::kLineDown, 40, kIndicateNullBuffer),
                      Indicate(WanStatusSel::kFragment, 40, kIndicateNullBuffer),
                      Indicate(WanStatusSel::kTapiIndication, 40, kIndicateNullBuffer),
                      Indicate(WanStatusSel::kMediaConnect, 40, kIndicateNullBuffer)})});
  s.push_back(
      {"sizes_zero_to_far_past", Batch({Fragment(1, 0), Fragment(1, 1), Fragment(1, 15),
                                        Fragment(1, 17), Fragment(1, 64), Fragment(1, 1024)})});
  s.push_back({"size_of_another_status",
               Batch({Indicate(WanStatusSel::kLineUp, wb::kMacLineDownSize, live),
                      Indicate(WanStatusSel::kLineDown, wb::kMacLineUpSize, live)})});
  // An update of the live link (its context written by the target) with
  // another NdisLinkHandle, then an initial line-up for an unknown handle.
  s.push_back({"line_up_update_and_initial_for_unknown_handle",
               Batch({LineUp({.link_speed = 1280, .quality = 2, .send_window = 4}, live),
                      LineUp({.link_speed = 640,
                              .quality = 7,
                              .send_window = 1,
                              .connection_wrapper_id = 0x1234,
                              .link_handle = 0x5678},
                             0)})});
  s.push_back({"tapi_events_unknown_message_and_handles",
               Batch({TapiEvent({.ht_line = 0xDEAD,
                                 .ht_call = 0xFFFF,
                                 .msg = 1,
                                 .param1 = 2,
                                 .param2 = 3,
                                 .param3 = 4},
                                wb::kTapiEventSize),
                      TapiEvent({}, wb::kTapiEventCompatSize)})});
  // On the setup's open line (the target writes its htLine, and for the
  // second event also its call's htCall): a line event NDISWAN accepts, a
  // call event for no call (WAN-061) and a LINE_NEWCALL that already names
  // a call (WAN-062); NDISWAN rejects the last two.
  s.push_back({"tapi_events_on_the_live_line",
               Batch({TapiEvent({.msg = LINE_LINEDEVSTATE, .param1 = LINEDEVSTATE_OTHER},
                                wb::kTapiEventSize, kIndicateLiveHtLine),
                      TapiEvent({.msg = LINE_CALLSTATE, .param1 = LINECALLSTATE_IDLE},
                                wb::kTapiEventSize, kIndicateLiveHtLine),
                      TapiEvent({.msg = LINE_NEWCALL, .param1 = 7}, wb::kTapiEventSize,
                                kIndicateLiveHtLine | kIndicateLiveHtCall)})});
  s.push_back({"unknown_and_other_status_codes",
               Batch({Indicate(WanStatusSel::kMediaConnect, 0),
                      Indicate(WanStatusSel::kRaw, 4, 0, Bytes{'a', 'b', 'c', 'd'}, 0x40010099),
                      Indicate(WanStatusSel::kRaw, 0, kIndicateNullBuffer, {}, 0xC0000001)})});
  s.push_back({"fragment_under_spin_lock",
               Batch({Fragment(1, wb::kMacFragmentSize, live | kIndicateUnderLock), Fragment(2)})});
  s.push_back(
      {"nic_faults_tapi_and_time",
       Cat({Fault(kCrc, 0), Fault(kSpeed, 127), Pump(3), Fault(kPartial, 5), Fault(kLinkLoss, 0),
            Pump(7), TapiOp(WanTapiOp::kDrop), TapiOp(WanTapiOp::kCloseCall),
            TapiOp(WanTapiOp::kMakeCall), Pump(7), Pump(7), TapiOp(WanTapiOp::kGetId), Pump(2),
            Fault(kReset, 2), Pump(4), Fault(kHang, 1), Pump(1)})});
  s.push_back({"indications_interleaved_with_faults",
               Cat({Fragment(1),
                    Fault(kCrc, 0),
                    Indicate(WanStatusSel::kLineDown, wb::kMacLineDownSize, live),
                    TapiOp(WanTapiOp::kDrop),
                    {Tag(WanOp::kComplete), Tag(WanOp::kInterrupt)},
                    Pump(2)})});
  // Cut inside its INDICATE record: the target drops it.
  s.push_back({"truncated_record",
               {Tag(WanOp::kIndicate), Sel(WanStatusSel::kFragment), wb::kMacFragmentSize}});
  return s;
}

const NamedSeed* Find(const std::vector<NamedSeed>& seeds, const std::string& name) {
  for (const NamedSeed& s : seeds) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

std::vector<NamedSeed> WanStatusSeeds() {
  const std::vector<NamedSeed> bodies = Bodies();
  std::vector<NamedSeed> out;
  // The empty input: no scheduler byte, no record.
  out.push_back({"empty", {}});
  // Every other seed starts with 0 scheduler bytes (FIFO).
  for (const NamedSeed& b : bodies) {
    Bytes data = {0};
    data.insert(data.end(), b.data.begin(), b.data.end());
    out.push_back({b.name, std::move(data)});
  }
  // Scheduler bytes (ndis::ByteChooser) that vary the order of NDIS's
  // deferred work, in front of another seed's records.
  const Bytes schedule = {1, 0, 3, 1, 2, 0, 1, 1, 0, 2, 1, 3, 0, 1};
  Bytes reordered = {static_cast<uint8_t>(schedule.size())};
  reordered.insert(reordered.end(), schedule.begin(), schedule.end());
  const NamedSeed* base = Find(bodies, "nic_faults_tapi_and_time");
  reordered.insert(reordered.end(), base->data.begin(), base->data.end());
  out.push_back({"nic_faults_tapi_and_time_reordered", std::move(reordered)});
  return out;
}

}  // namespace ndisconf::fuzz
