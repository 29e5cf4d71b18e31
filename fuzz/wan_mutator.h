// fuzz/wan_mutator.h: the wan_status target's structure-aware mutator
// (LLVMFuzzerCustomMutator / LLVMFuzzerCustomCrossOver in
// wan_status_fuzz_test.cc). It works on whole records of the input format
// (wan_status_input.h): insert a new well-formed record, delete, duplicate
// or swap records, change one operand within its type (a known selector,
// fault kind or TAPI request, a structure size, a flag bit, a count), let
// the byte mutator change an INDICATE payload in place, change the
// scheduler bytes, or splice the records of two inputs. A mutation of an
// input made only of well-formed records gives one made only of
// well-formed records, so nothing is wasted on skipped bytes.
#ifndef NDISCONF_FUZZ_WAN_MUTATOR_H_
#define NDISCONF_FUZZ_WAN_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace ndisconf::fuzz {

enum class WanMutation : uint8_t {
  kInsert,
  kDelete,
  kDuplicate,
  kSwap,
  kOperand,
  kPayload,
  kSchedule,
  kCrossOver,
  kCount,
};

// One record of an input as the target's decoder splits it.
struct WanRecordSpan {
  size_t offset = 0, size = 0;
  bool well_formed = true;  // false: an unknown tag or selector, or cut short
};

// The scheduler prefix's length (1 + n, 0 for an empty input) and the
// records after it.
size_t WanSchedulePrefix(const uint8_t* data, size_t size);
std::vector<WanRecordSpan> SplitWanRecords(const uint8_t* data, size_t size);

// Mutates `data[0, size)` in place into at most `max_size` bytes; returns
// the new size and sets `*kind`. `bytes` is the byte-level mutator
// (LLVMFuzzerMutate's signature) used on payloads.
using ByteMutator = std::function<size_t(uint8_t* data, size_t size, size_t max_size)>;
size_t MutateWanInput(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                      const ByteMutator& bytes, WanMutation* kind);

// The schedule of `a` and a splice of the records of `a` and `b` into
// `out` (at most `max_out` bytes); returns the size.
size_t CrossOverWanInputs(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size,
                          uint8_t* out, size_t max_out, unsigned seed);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_WAN_MUTATOR_H_
