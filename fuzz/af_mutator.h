// fuzz/af_mutator.h: the structure-aware mutator of the af_lifecycle
// target (issue 7 §2), behind its LLVMFuzzerCustomMutator and
// LLVMFuzzerCustomCrossOver.
//
// It decodes an input (af_lifecycle_input.h) into its scheduler bytes and
// records, changes it as a program, and encodes it again, so every output
// decodes into the records it was built from: insert a record (any known
// tag, or a record of the dictionary's kind), delete, duplicate, swap, move
// a run of records (splice), re-target a resource operand to another live
// index, change an operand within its type (a LOAD cfg's meaningful bits, a
// BAD_CALL function or handle kind, a SAP type), and the scheduler bytes
// through the raw byte mutator (libFuzzer's LLVMFuzzerMutate in the
// fuzzer). Deterministic: the same input, seed and raw mutator give the
// same output. Unknown tags and a cut-short last record are dropped.
#ifndef NDISCONF_FUZZ_AF_MUTATOR_H_
#define NDISCONF_FUZZ_AF_MUTATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ndisconf::fuzz {

enum class AfMutation : uint8_t {
  kInsert,
  kDelete,
  kDuplicate,
  kSwap,
  kSplice,
  kRetarget,
  kOperand,
  kSchedule,
};
inline constexpr size_t kAfMutationCount = 8;

struct AfRecord {
  uint8_t tag = 0;
  std::array<uint8_t, 3> operand{};
};
struct AfProgram {
  std::vector<uint8_t> schedule;
  std::vector<AfRecord> records;
};

AfProgram DecodeAfProgram(const uint8_t* data, size_t size);
std::vector<uint8_t> EncodeAfProgram(const AfProgram& p);

// libFuzzer's LLVMFuzzerMutate shape: mutates data[0, size) in place
// within max_size, returns the new size.
// The mutator keeps programs at most this many records long (the random
// longest committed seed has 58): libFuzzer lets a target with
// a custom mutator grow inputs to -max_len at once, and a long program
// costs its events in every execution (measured: 264 exec/s unbounded vs
// 1949 for byte mutation, which grows inputs slowly).
inline constexpr size_t kAfMutatorMaxRecords = 64;

using RawMutator = size_t (*)(uint8_t* data, size_t size, size_t max_size);

// Mutates data[0, size) into at most max_size bytes, returns the new size.
// *kind (if given) gets the mutation applied.
size_t MutateAfInput(uint8_t* data, size_t size, size_t max_size, unsigned seed, RawMutator raw,
                     AfMutation* kind = nullptr);
// Records of `a` up to a cut, then records of `b` from a cut (the
// scheduler bytes of `a`), into out (at most max_out bytes).
size_t CrossOverAfInputs(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size,
                         uint8_t* out, size_t max_out, unsigned seed);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_MUTATOR_H_
