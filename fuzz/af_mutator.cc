// The af_lifecycle mutator (af_mutator.h).
#include "fuzz/af_mutator.h"

#include <algorithm>
#include <cstring>

#include "fuzz/af_lifecycle_input.h"

namespace ndisconf::fuzz {
namespace {

// SplitMix64: a seed means the same choices on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

AfOp OpOf(const AfRecord& r) { return *AfOpForTag(r.tag); }

AfRecord RandomRecord(Rng& rng) {
  AfRecord r;
  r.tag = static_cast<uint8_t>(rng.Below(kAfOpCount));
  for (uint8_t& b : r.operand) b = static_cast<uint8_t>(rng.Below(8));  // small indices
  switch (OpOf(r)) {
    case AfOp::kLoadCm:
    case AfOp::kLoadMcm:
      r.operand[0] = static_cast<uint8_t>(rng.Below(128));  // bits 0-6
      break;
    case AfOp::kLoadClient:
      r.operand[0] = static_cast<uint8_t>(rng.Below(64));  // bits 0-5
      break;
    case AfOp::kLoadMiniport:
      r.operand[0] = static_cast<uint8_t>(rng.Below(4));  // bits 0-1
      break;
    default:
      break;
  }
  return r;
}

// Operand i of record r: is it a resource index (re-targeting applies)?
bool IsResource(AfOp op, size_t i) {
  switch (op) {
    case AfOp::kLoadCm:
    case AfOp::kLoadClient:
    case AfOp::kLoadMiniport:
    case AfOp::kLoadMcm:
      return false;
    case AfOp::kRegisterSap:
      return i < 2;  // c af (t is the SAP type)
    case AfOp::kBadCall:
      return i == 0;  // c (fn, kind are selectors)
    default:
      return i < AfOpOperands(op);
  }
}

// A new value for operand i within its type.
uint8_t NewOperand(AfOp op, size_t i, uint8_t old, Rng& rng) {
  switch (op) {
    case AfOp::kLoadCm:
    case AfOp::kLoadMcm:
      return static_cast<uint8_t>((old ^ (1u << rng.Below(7))) & 0x7f);
    case AfOp::kLoadClient:
      return static_cast<uint8_t>((old ^ (1u << rng.Below(6))) & 0x3f);
    case AfOp::kLoadMiniport:
      return static_cast<uint8_t>((old ^ (1u << rng.Below(2))) & 0x3);
    case AfOp::kBadCall:
      if (i == 1) return static_cast<uint8_t>(rng.Below(7));  // BadCallFn
      if (i == 2) return static_cast<uint8_t>(rng.Below(4));  // BadHandle
      break;
    case AfOp::kRegisterSap:
      if (i == 2) return static_cast<uint8_t>(rng.Below(4) | (rng.Below(64) << 2));
      break;
    default:
      break;
  }
  return static_cast<uint8_t>(old + 1 + rng.Below(5));  // another index
}

size_t Emit(const AfProgram& p, uint8_t* out, size_t max_size) {
  AfProgram q = p;
  if (q.records.size() > kAfMutatorMaxRecords) q.records.resize(kAfMutatorMaxRecords);
  std::vector<uint8_t> bytes = EncodeAfProgram(q);
  while (bytes.size() > max_size && !q.records.empty()) {
    q.records.pop_back();
    bytes = EncodeAfProgram(q);
  }
  if (bytes.size() > max_size) {  // the scheduler bytes alone are too long
    q.schedule.resize(max_size == 0 ? 0 : max_size - 1);
    bytes = EncodeAfProgram(q);
  }
  const size_t n = std::min(bytes.size(), max_size);
  if (n > 0) std::memcpy(out, bytes.data(), n);
  return n;
}

}  // namespace

AfProgram DecodeAfProgram(const uint8_t* data, size_t size) {
  AfProgram p;
  if (size == 0) return p;
  const size_t n = std::min<size_t>(data[0], size - 1);
  p.schedule.assign(data + 1, data + 1 + n);
  size_t i = 1 + n;
  while (i < size) {
    const std::optional<AfOp> op = AfOpForTag(data[i]);
    if (!op) {
      ++i;  // unknown tag: skipped, as the target does
      continue;
    }
    const size_t k = AfOpOperands(*op);
    if (size - i - 1 < k) break;  // cut short
    AfRecord r;
    r.tag = data[i];
    std::copy(data + i + 1, data + i + 1 + k, r.operand.begin());
    p.records.push_back(r);
    i += 1 + k;
  }
  return p;
}

std::vector<uint8_t> EncodeAfProgram(const AfProgram& p) {
  std::vector<uint8_t> out;
  const size_t n = std::min<size_t>(p.schedule.size(), 255);
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), p.schedule.begin(), p.schedule.begin() + static_cast<ptrdiff_t>(n));
  for (const AfRecord& r : p.records) {
    out.push_back(r.tag);
    const size_t k = AfOpOperands(OpOf(r));
    out.insert(out.end(), r.operand.begin(), r.operand.begin() + static_cast<ptrdiff_t>(k));
  }
  return out;
}

size_t MutateAfInput(uint8_t* data, size_t size, size_t max_size, unsigned seed, RawMutator raw,
                     AfMutation* kind) {
  Rng rng(seed);
  AfProgram p = DecodeAfProgram(data, size);
  std::vector<AfRecord>& r = p.records;
  auto m = static_cast<AfMutation>(rng.Below(kAfMutationCount));
  // Mutations that need records fall back to an insertion.
  if (r.empty() && m != AfMutation::kSchedule) m = AfMutation::kInsert;
  if (r.size() < 2 && (m == AfMutation::kSwap || m == AfMutation::kSplice)) m = AfMutation::kInsert;
  switch (m) {
    case AfMutation::kInsert:
      r.insert(r.begin() + static_cast<ptrdiff_t>(rng.Below(r.size() + 1)), RandomRecord(rng));
      break;
    case AfMutation::kDelete:
      r.erase(r.begin() + static_cast<ptrdiff_t>(rng.Below(r.size())));
      break;
    case AfMutation::kDuplicate: {
      const size_t i = rng.Below(r.size());
      const AfRecord copy = r[i];
      r.insert(r.begin() + static_cast<ptrdiff_t>(rng.Below(r.size() + 1)), copy);
      break;
    }
    case AfMutation::kSwap:
      std::swap(r[rng.Below(r.size())], r[rng.Below(r.size())]);
      break;
    case AfMutation::kSplice: {  // move a run of records elsewhere
      const size_t from = rng.Below(r.size());
      const size_t len = 1 + rng.Below(std::min<size_t>(r.size() - from, 8));
      std::vector<AfRecord> run(r.begin() + static_cast<ptrdiff_t>(from),
                                r.begin() + static_cast<ptrdiff_t>(from + len));
      r.erase(r.begin() + static_cast<ptrdiff_t>(from),
              r.begin() + static_cast<ptrdiff_t>(from + len));
      r.insert(r.begin() + static_cast<ptrdiff_t>(rng.Below(r.size() + 1)), run.begin(), run.end());
      break;
    }
    case AfMutation::kRetarget:
    case AfMutation::kOperand: {
      // A record with an operand of the wanted class, if there is one.
      const bool resource = m == AfMutation::kRetarget;
      std::vector<std::pair<size_t, size_t>> slots;
      for (size_t i = 0; i < r.size(); ++i) {
        const AfOp op = OpOf(r[i]);
        for (size_t j = 0; j < AfOpOperands(op); ++j)
          if (IsResource(op, j) == resource) slots.push_back({i, j});
      }
      if (slots.empty()) {
        r.insert(r.begin() + static_cast<ptrdiff_t>(rng.Below(r.size() + 1)), RandomRecord(rng));
        m = AfMutation::kInsert;
        break;
      }
      const auto [i, j] = slots[rng.Below(slots.size())];
      r[i].operand[j] = NewOperand(OpOf(r[i]), j, r[i].operand[j], rng);
      break;
    }
    case AfMutation::kSchedule: {
      std::vector<uint8_t>& s = p.schedule;
      const size_t cap = 32;
      s.resize(std::max<size_t>(s.size(), 1));
      const size_t old = s.size();
      s.resize(cap);
      s.resize(raw(s.data(), old, cap));
      break;
    }
  }
  if (kind != nullptr) *kind = m;
  return Emit(p, data, max_size);
}

size_t CrossOverAfInputs(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size,
                         uint8_t* out, size_t max_out, unsigned seed) {
  Rng rng(seed);
  const AfProgram pa = DecodeAfProgram(a, a_size);
  const AfProgram pb = DecodeAfProgram(b, b_size);
  AfProgram c;
  c.schedule = pa.schedule;
  const size_t cut_a = rng.Below(pa.records.size() + 1);
  const size_t cut_b = rng.Below(pb.records.size() + 1);
  c.records.assign(pa.records.begin(), pa.records.begin() + static_cast<ptrdiff_t>(cut_a));
  c.records.insert(c.records.end(), pb.records.begin() + static_cast<ptrdiff_t>(cut_b),
                   pb.records.end());
  return Emit(c, out, max_out);
}

}  // namespace ndisconf::fuzz
