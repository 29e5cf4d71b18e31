// Implementation of fuzz/wan_mutator.h. Deterministic: every choice comes
// from the seed libFuzzer passes (SplitMix64).
#include "fuzz/wan_mutator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz/wan_status_input.h"
#include "reference/nic/splitmix64.h"
#include "spec/wan_buffers.h"

namespace ndisconf::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr size_t kMaxPayload = 64;
constexpr uint8_t kRawSel = static_cast<uint8_t>(WanStatusSel::kRaw);
constexpr uint64_t kTags = 6, kSelectors = 6, kFaultKinds = 12, kTapiOps = 4;
// StatusBufferSize values worth trying: the WAN structures' sizes on x64
// (NDIS_MAC_LINE_DOWN 8, NDIS_MAC_FRAGMENT 16, NDIS_MAC_LINE_UP 40, the two
// NDIS_TAPI_EVENT layouts 32 and 48), one less than each, and 0.
constexpr std::array<uint16_t, 11> kSizes = {0, 7, 8, 15, 16, 31, 32, 39, 40, 47, 48};
// Statuses for the raw selector: the WAN ones and a few others.
constexpr std::array<uint32_t, 6> kRawStatuses = {0x40010008, 0x40010009, 0x4001000A,
                                                  0x40010080, 0x4001000B, 0x40010012};

size_t PayloadBytes(uint16_t size) { return std::min<size_t>(size % 1025, kMaxPayload); }

// The header length of a known INDICATE record (tag sel [status] lo hi flags).
size_t IndicateHead(uint8_t sel) { return 2 + (sel == kRawSel ? 4 : 0) + 3; }

Bytes Indicate(uint8_t sel, uint32_t raw, uint16_t size, uint8_t flags, const Bytes& payload) {
  Bytes r = {static_cast<uint8_t>(WanOp::kIndicate), sel};
  if (sel == kRawSel)
    for (int i = 0; i < 4; ++i) r.push_back(static_cast<uint8_t>(raw >> (8 * i)));
  r.push_back(static_cast<uint8_t>(size));
  r.push_back(static_cast<uint8_t>(size >> 8));
  r.push_back(flags);
  Bytes p = payload;
  p.resize(PayloadBytes(size), 0);
  r.insert(r.end(), p.begin(), p.end());
  return r;
}

// A TAPI_INDICATION's NDIS_TAPI_EVENT (x64 layout): a message of either
// kind, line or call, or an unknown one (WAN-061, WAN-062, WAN-068); the
// record's flags may then write the live htLine and htCall into it.
Bytes TapiEventPayload(nic::SplitMix64& rng) {
  constexpr std::array<uint32_t, 8> kMessages = {
      LINE_ADDRESSSTATE, LINE_CALLINFO,     LINE_CALLSTATE, LINE_CLOSE,
      LINE_DEVSPECIFIC,  LINE_LINEDEVSTATE, LINE_NEWCALL,   0x7FFF};
  spec::wan::TapiEvent ev;
  ev.msg = kMessages[rng.Below(kMessages.size())];
  ev.param1 = rng.Below(4) == 0 ? 0 : uint64_t{1} << rng.Below(12);
  if (rng.Below(4) == 0) ev.ht_call = 1 + rng.Below(0x100);
  if (rng.Below(4) == 0) ev.param2 = 1 + rng.Below(0x100);
  return spec::wan::EncodeTapiEvent(ev, spec::wan::TapiEventLayout::kUlongPtr);
}

Bytes NewRecord(nic::SplitMix64& rng) {
  const auto tag = static_cast<uint8_t>(rng.Below(kTags));
  switch (*WanOpForTag(tag)) {
    case WanOp::kIndicate: {
      const auto sel = static_cast<uint8_t>(rng.Below(kSelectors));
      const auto flags = static_cast<uint8_t>(rng.Next() & 0x7E);  // never a NULL buffer
      if (*WanStatusForSel(sel) == WanStatusSel::kTapiIndication && rng.Below(4) != 0) {
        return Indicate(sel, 0, spec::wan::kTapiEventSize, flags, TapiEventPayload(rng));
      }
      const uint16_t size = kSizes[rng.Below(kSizes.size())];
      return Indicate(sel, kRawStatuses[rng.Below(kRawStatuses.size())], size, flags, {});
    }
    case WanOp::kFault:
      return {tag, static_cast<uint8_t>(rng.Below(kFaultKinds)), static_cast<uint8_t>(rng.Next())};
    case WanOp::kPump:
      return {tag, static_cast<uint8_t>(rng.Below(8))};
    case WanOp::kTapi:
      return {tag, static_cast<uint8_t>(rng.Below(kTapiOps))};
    case WanOp::kComplete:
    case WanOp::kInterrupt:
      break;
  }
  return {tag};
}

// One operand of `r` (a well-formed record) changed within its type.
void MutateOperand(Bytes& r, nic::SplitMix64& rng) {
  switch (*WanOpForTag(r[0])) {
    case WanOp::kIndicate: {
      uint8_t sel = r[1];
      size_t h = IndicateHead(sel);
      uint32_t raw = 0;
      if (sel == kRawSel) std::memcpy(&raw, &r[2], 4);
      auto size = static_cast<uint16_t>(r[h - 3] | r[h - 2] << 8);
      uint8_t flags = r[h - 1];
      Bytes payload(r.begin() + static_cast<long>(h), r.end());
      switch (rng.Below(4)) {
        case 0:
          sel = static_cast<uint8_t>(rng.Below(kSelectors));
          break;
        case 1:
          size = kSizes[rng.Below(kSizes.size())];
          break;
        case 2:
          flags ^= static_cast<uint8_t>(1u << rng.Below(7));  // wan_status_input.h's bits
          break;
        default:
          raw = kRawStatuses[rng.Below(kRawStatuses.size())];
          if (sel != kRawSel) sel = kRawSel;
          break;
      }
      r = Indicate(sel, raw, size, flags, payload);
      return;
    }
    case WanOp::kFault:
      if (rng.Below(2) == 0)
        r[1] = static_cast<uint8_t>(rng.Below(kFaultKinds));
      else
        r[2] = static_cast<uint8_t>(rng.Next());
      return;
    case WanOp::kPump:
      r[1] = static_cast<uint8_t>(rng.Below(8));
      return;
    case WanOp::kTapi:
      r[1] = static_cast<uint8_t>(rng.Below(kTapiOps));
      return;
    case WanOp::kComplete:
    case WanOp::kInterrupt:
      r = NewRecord(rng);  // no operand: replace the record
      return;
  }
}

struct Parsed {
  Bytes schedule;  // the prefix, n byte included (empty for "")
  std::vector<Bytes> records;
};

Parsed Parse(const uint8_t* data, size_t size) {
  Parsed p;
  const size_t prefix = WanSchedulePrefix(data, size);
  p.schedule.assign(data, data + prefix);
  for (const WanRecordSpan& s : SplitWanRecords(data, size))
    p.records.emplace_back(data + s.offset, data + s.offset + s.size);
  return p;
}

Bytes Join(const Parsed& p) {
  Bytes out = p.schedule;
  if (out.empty() && !p.records.empty()) out.push_back(0);
  for (const Bytes& r : p.records) out.insert(out.end(), r.begin(), r.end());
  return out;
}

size_t Emit(Parsed& p, uint8_t* out, size_t max) {
  Bytes b = Join(p);
  while (b.size() > max && !p.records.empty()) {
    p.records.pop_back();
    b = Join(p);
  }
  if (b.size() > max) b.resize(max);
  if (!b.empty()) std::memcpy(out, b.data(), b.size());  // an empty vector's data() may be NULL
  return b.size();
}

}  // namespace

size_t WanSchedulePrefix(const uint8_t* data, size_t size) {
  return size == 0 ? 0 : 1 + std::min<size_t>(data[0], size - 1);
}

std::vector<WanRecordSpan> SplitWanRecords(const uint8_t* data, size_t size) {
  std::vector<WanRecordSpan> out;
  size_t p = WanSchedulePrefix(data, size);
  while (p < size) {
    const std::optional<WanOp> op = WanOpForTag(data[p]);
    size_t n = 1;
    bool ok = op.has_value();
    if (op) {
      switch (*op) {
        case WanOp::kIndicate:
          if (p + 1 >= size) {
            n = size - p, ok = false;
          } else if (!WanStatusForSel(data[p + 1])) {
            n = 2, ok = false;
          } else {
            const size_t h = IndicateHead(data[p + 1]);
            if (p + h > size) {
              n = size - p, ok = false;
            } else {
              const auto sz = static_cast<uint16_t>(data[p + h - 3] | data[p + h - 2] << 8);
              const size_t want = PayloadBytes(sz), have = std::min(want, size - p - h);
              n = h + have;
              ok = have == want;
            }
          }
          break;
        case WanOp::kFault:
          n = std::min<size_t>(3, size - p);
          ok = n == 3 && WanFaultForTag(data[p + 1]).has_value();
          break;
        case WanOp::kPump:
        case WanOp::kTapi:
          n = std::min<size_t>(2, size - p);
          ok = n == 2 && (*op == WanOp::kPump || WanTapiForTag(data[p + 1]).has_value());
          break;
        case WanOp::kComplete:
        case WanOp::kInterrupt:
          break;
      }
    }
    out.push_back({p, n, ok});
    p += n;
  }
  return out;
}

size_t MutateWanInput(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                      const ByteMutator& bytes, WanMutation* kind) {
  nic::SplitMix64 rng(seed);
  Parsed p = Parse(data, size);
  auto& rs = p.records;
  const auto pick = [&] { return static_cast<long>(rng.Below(rs.size())); };
  // Kinds that need records fall back to an insertion when there are none.
  auto k = static_cast<WanMutation>(rng.Below(static_cast<uint64_t>(WanMutation::kCrossOver)));
  const bool need_one = k != WanMutation::kInsert && k != WanMutation::kSchedule;
  if ((need_one && rs.empty()) || (k == WanMutation::kSwap && rs.size() < 2))
    k = WanMutation::kInsert;
  if (k == WanMutation::kPayload) {
    std::vector<long> with_payload;
    for (size_t i = 0; i < rs.size(); ++i)
      if (rs[i][0] == 0 && rs[i].size() > 1 && WanStatusForSel(rs[i][1]) &&
          rs[i].size() > IndicateHead(rs[i][1]))
        with_payload.push_back(static_cast<long>(i));
    if (with_payload.empty())
      k = WanMutation::kOperand;
    else {
      Bytes& r = rs[static_cast<size_t>(with_payload[rng.Below(with_payload.size())])];
      const size_t h = IndicateHead(r[1]);
      const size_t n = r.size() - h;
      Bytes body(r.begin() + static_cast<long>(h), r.end());
      const size_t m = bytes(body.data(), n, n);  // same length: the record keeps its shape
      body.resize(m);
      body.resize(n, 0);
      std::copy(body.begin(), body.end(), r.begin() + static_cast<long>(h));
    }
  }
  switch (k) {
    case WanMutation::kInsert:
      rs.insert(rs.begin() + static_cast<long>(rng.Below(rs.size() + 1)), NewRecord(rng));
      break;
    case WanMutation::kDelete:
      rs.erase(rs.begin() + pick());
      break;
    case WanMutation::kDuplicate: {
      const Bytes r = rs[static_cast<size_t>(pick())];
      rs.insert(rs.begin() + static_cast<long>(rng.Below(rs.size() + 1)), r);
      break;
    }
    case WanMutation::kSwap: {
      const long a = pick();
      long b = pick();
      if (b == a) b = (a + 1) % static_cast<long>(rs.size());
      std::swap(rs[static_cast<size_t>(a)], rs[static_cast<size_t>(b)]);
      break;
    }
    case WanMutation::kOperand: {
      Bytes& r = rs[static_cast<size_t>(pick())];
      if (SplitWanRecords(Join({{0}, {r}}).data(), r.size() + 1).front().well_formed)
        MutateOperand(r, rng);
      else
        r = NewRecord(rng);  // an unknown or cut-short record becomes a real one
      break;
    }
    case WanMutation::kSchedule: {
      Bytes s(p.schedule.empty() ? Bytes{} : Bytes(p.schedule.begin() + 1, p.schedule.end()));
      if (s.empty() || rng.Below(3) == 0)
        s.push_back(static_cast<uint8_t>(rng.Next()));
      else if (rng.Below(2) == 0)
        s[rng.Below(s.size())] = static_cast<uint8_t>(rng.Next());
      else
        s.pop_back();
      if (s.size() > 255) s.pop_back();
      p.schedule = {static_cast<uint8_t>(s.size())};
      p.schedule.insert(p.schedule.end(), s.begin(), s.end());
      break;
    }
    case WanMutation::kPayload:
    case WanMutation::kCrossOver:
    case WanMutation::kCount:
      break;
  }
  *kind = k;
  return Emit(p, data, max_size);
}

size_t CrossOverWanInputs(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size,
                          uint8_t* out, size_t max_out, unsigned seed) {
  nic::SplitMix64 rng(seed);
  Parsed pa = Parse(a, a_size);
  const Parsed pb = Parse(b, b_size);
  // A prefix of a's records, a run of b's, the rest of a's.
  const size_t cut = rng.Below(pa.records.size() + 1);
  const size_t from = rng.Below(pb.records.size() + 1);
  const size_t len = rng.Below(pb.records.size() - from + 1);
  std::vector<Bytes> rs(pa.records.begin(), pa.records.begin() + static_cast<long>(cut));
  rs.insert(rs.end(), pb.records.begin() + static_cast<long>(from),
            pb.records.begin() + static_cast<long>(from + len));
  rs.insert(rs.end(), pa.records.begin() + static_cast<long>(cut), pa.records.end());
  pa.records = std::move(rs);
  return Emit(pa, out, max_out);
}

}  // namespace ndisconf::fuzz
