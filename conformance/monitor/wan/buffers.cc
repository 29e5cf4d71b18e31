// Rule family "buffers" (spec 5.18, WAN-100 ... WAN-103, and NDISWAN's
// upper edge, WAN-037/042/053): no StatusBuffer byte changes across
// NdisMIndicateStatus except the fields a protocol may write (a new link's
// NdisLinkContext, LINE_NEWCALL's ulParam2); NDISWAN's own NDIS_WAN_*
// indications to protocols have their full size, and only LocalAddress[2..5]
// and DeviceName of NDIS_WAN_LINE_UP change across them.
#include <string>

#include "conformance/monitor/monitor_core.h"

namespace ndisconf::monitor {

using wan::Bytes;
using wan::kLineUpContextOff;
using wan::kWanDeviceNameOff;
using wan::kWanFragmentSize;
using wan::kWanLineDownSize;
using wan::kWanLineUpSize;
using wan::kWanLocalOff;
using wan::kWanReservedLocal;
using wan::View;

// NDISWAN's upward indication (WAN-037, WAN-042, WAN-053): the size of the
// NDIS_WAN_* structure for the status.
void Monitor::State::UpperIndicateCall(const Event& e, Frame& f) {
  const Bytes b = View(Buf(f).blob, f.blob_len, f.len);
  switch (f.gstatus) {
    case NDIS_STATUS_WAN_LINE_UP:
      if (!b.Has(0, kWanLineUpSize))
        Report(kW037, e.index, f.adapter,
               "NDIS_WAN_LINE_UP to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 64");
      return;
    case NDIS_STATUS_WAN_LINE_DOWN:
      if (!b.Has(0, kWanLineDownSize))
        Report(kW042, e.index, f.adapter,
               "NDIS_WAN_LINE_DOWN to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 12");
      return;
    case NDIS_STATUS_WAN_FRAGMENT:
      if (!b.Has(0, kWanFragmentSize))
        Report(kW053, e.index, f.adapter,
               "NDIS_WAN_FRAGMENT to protocols with StatusBufferSize " + std::to_string(f.len) +
                   "; the structure needs 12");
      return;
    default:
      return;
  }
}

// After NDISWAN's upward indication: a protocol may write its per-link
// context into LocalAddress[2..5] and may set DeviceName; nothing else of
// the structure may change (the reserved LocalAddress bytes included).
void Monitor::State::UpperIndicateReturn(const Event& e, const uint64_t* a, Frame& f) {
  const Bytes before = View(Buf(f).blob, f.blob_len, f.len);
  const Bytes after = View(e.blob, e.blob_len, a[0]);
  const Check check = f.gstatus == NDIS_STATUS_WAN_LINE_UP     ? kW037
                      : f.gstatus == NDIS_STATUS_WAN_LINE_DOWN ? kW042
                                                               : kW053;
  if (a[0] != f.len) {
    Report(check, e.index, f.adapter,
           "StatusBufferSize is " + std::to_string(a[0]) + " after NDISWAN's indication, " +
               std::to_string(f.len) + " before");
    return;
  }
  const bool line_up = f.gstatus == NDIS_STATUS_WAN_LINE_UP;
  const size_t n = std::min(before.size(), after.size());
  for (size_t i = 0; i < n; ++i) {
    if (line_up && i >= kWanLocalOff + kWanReservedLocal && i < kWanLocalOff + 6) continue;
    if (line_up && i >= kWanDeviceNameOff && i < kWanLineUpSize) continue;
    if (before.data()[i] == after.data()[i]) continue;
    const bool reserved = line_up && i >= kWanLocalOff && i < kWanLocalOff + kWanReservedLocal;
    Report(check, e.index, f.adapter,
           "byte " + std::to_string(i) + " of NDISWAN's status " + StHex(f.gstatus) +
               " changed from " + Hex(before.data()[i]) + " to " + Hex(after.data()[i]) +
               (reserved ? " (LocalAddress high-order bytes, reserved to NDISWAN)"
                         : " (an IN field of the structure)"));
    return;
  }
}

// After NdisMIndicateStatus: the buffer came back as the rules allow.
void Monitor::State::CheckBufferUnchanged(const Event& e, const uint64_t* a, Frame& f) {
  const uint64_t mh = f.adapter;
  const Bytes before = View(Buf(f).blob, f.blob_len, f.len);
  const Bytes after = View(e.blob, e.blob_len, a[0]);
  if (f.upper) {
    UpperIndicateReturn(e, a, f);
  } else if (a[0] != f.len) {
    // WAN-103: only NdisLinkContext of an initial line-up and LINE_NEWCALL's
    // ulParam2 may change.
    Report(kW103, e.index, mh,
           "StatusBufferSize is " + std::to_string(a[0]) + " after NdisMIndicateStatus, " +
               std::to_string(f.len) + " before");
  } else {
    size_t skip_off = 0, skip_len = 0;
    if (f.initial_line_up) {
      skip_off = kLineUpContextOff;
      skip_len = 8;
    } else if (f.newcall) {
      skip_off = f.p2_off;
      skip_len = f.p2_size;
    }
    // Every byte outside the writable field, and the first that changed.
    const size_t n = std::min(before.size(), after.size());
    const size_t cut = std::min(skip_off, n), resume = std::min(skip_off + skip_len, n);
    const bool same = std::memcmp(before.data(), after.data(), cut) == 0 &&
                      std::memcmp(before.data() + resume, after.data() + resume, n - resume) == 0;
    for (size_t i = 0; !same && i < n; ++i) {
      if (i >= skip_off && i < skip_off + skip_len) continue;
      if (before.data()[i] != after.data()[i]) {
        Report(kW103, e.index, mh,
               "StatusBuffer byte " + std::to_string(i) + " of status " + StHex(f.gstatus) +
                   " changed from " + Hex(before.data()[i]) + " to " + Hex(after.data()[i]) +
                   " across NdisMIndicateStatus");
        break;
      }
    }
  }
}

}  // namespace ndisconf::monitor
