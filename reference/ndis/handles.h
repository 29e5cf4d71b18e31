// reference/ndis/handles.h: the opaque handles the NDIS model hands to
// drivers (AF-042, AF-140).
//
// A handle is a pointer-sized value that encodes (kind, slot, generation)
// and is then scrambled by a seeded bijection, so that:
//   - it is never a pointer into the model (drivers cannot dereference it,
//     and the model never dereferences what a driver passes back: every use
//     is a lookup in the table of the expected kind);
//   - handles of different kinds never collide (the kind is part of the
//     encoded value), and a handle of the wrong kind is recognised as such;
//   - a handle whose object was closed or deleted is recognised as stale,
//     even after its slot was reused (the generation changes);
//   - neighbouring handles do not look alike (they are not guessable from
//     one another), yet a given seed always yields the same values.
//
// HandleTable does not own the objects it names: the model keeps every
// object it ever created alive until it is destroyed, so a stale handle can
// never lead to freed memory.
//
// Single-threaded, no IRQL constraints (plain data structures).
#ifndef NDISCONF_REFERENCE_NDIS_HANDLES_H_
#define NDISCONF_REFERENCE_NDIS_HANDLES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ndisconf::ndis {

// One value per kind of NDIS object a driver can name. The numbering is part
// of the encoding; 0 is never a valid kind.
enum class HandleKind : uint8_t {
  kDriver = 1,     // NdisProtocolHandle / NdisMiniportDriverHandle / NdisDriverHandle
  kAdapter,        // NdisMiniportHandle == MiniportAdapterHandle
  kBinding,        // NdisBindingHandle
  kBindContext,    // BindContext of ProtocolBindAdapterEx
  kUnbindContext,  // UnbindContext of ProtocolUnbindAdapterEx
  kAf,             // NdisAfHandle
  kSap,            // NdisSapHandle
  kVc,             // NdisVcHandle
  kWorkItem,       // NdisIoWorkItemHandle
  kWrapper,        // NdisWrapperHandle (NDIS 5 NdisMInitializeWrapper)
};
inline constexpr int kHandleKindLast = static_cast<int>(HandleKind::kWrapper);

// "NdisAfHandle", "NdisVcHandle", ... (the parameter name drivers know).
const char* HandleKindName(HandleKind kind);

// The seeded, invertible scrambler. Encode never returns 0 for a slot and
// generation the table hands out (the table skips the one value that would).
class HandleCodec {
 public:
  explicit HandleCodec(uint64_t seed);

  struct Fields {
    uint8_t kind;  // raw kind byte (may be out of range for garbage input)
    uint32_t slot;
    uint32_t generation;  // 24 bits
  };
  static constexpr uint32_t kGenerationMask = 0xFFFFFF;

  uint64_t Encode(HandleKind kind, uint32_t slot, uint32_t generation) const;
  Fields Decode(uint64_t value) const;

 private:
  uint64_t k1_, k2_, m1_, m2_, m1_inv_, m2_inv_;
};

// A handle of one kind: a strong type so an AF handle cannot be passed where
// a VC handle is expected inside the model.
template <HandleKind K>
struct Handle {
  uint64_t value = 0;

  static Handle FromNdis(const void* h) {
    return Handle{static_cast<uint64_t>(reinterpret_cast<uintptr_t>(h))};
  }
  void* ndis() const { return reinterpret_cast<void*>(static_cast<uintptr_t>(value)); }
  explicit operator bool() const { return value != 0; }
  friend bool operator==(Handle a, Handle b) { return a.value == b.value; }
  friend bool operator!=(Handle a, Handle b) { return a.value != b.value; }
};

using DriverHandle = Handle<HandleKind::kDriver>;
using AdapterHandle = Handle<HandleKind::kAdapter>;
using BindingHandle = Handle<HandleKind::kBinding>;
using BindContextHandle = Handle<HandleKind::kBindContext>;
using UnbindContextHandle = Handle<HandleKind::kUnbindContext>;
using AfHandle = Handle<HandleKind::kAf>;
using SapHandle = Handle<HandleKind::kSap>;
using VcHandle = Handle<HandleKind::kVc>;
using WorkItemHandle = Handle<HandleKind::kWorkItem>;
using WrapperHandle = Handle<HandleKind::kWrapper>;

// Why a lookup failed.
enum class LookupError : uint8_t {
  kNone,
  kNull,       // the value was 0 / NULL
  kWrongKind,  // it decodes to another (valid) kind
  kStale,      // right kind and slot, but the object was released
  kUnknown,    // decodes to nothing this table ever handed out
};
const char* LookupErrorName(LookupError error);

// Maps live handles of kind K to objects of type T (not owned).
template <HandleKind K, typename T>
class HandleTable {
 public:
  explicit HandleTable(const HandleCodec* codec) : codec_(codec) {}
  // A copy is a saved state of the table (Model::Checkpoint), assigned back
  // to the table it was taken from: its slots, generations and free list.
  // It decodes with the source's codec, so it is no table of another model.
  HandleTable(const HandleTable&) = default;
  HandleTable& operator=(const HandleTable&) = default;

  // Names `object` with a fresh handle. Slots are reused oldest-freed first,
  // each reuse with a new generation.
  Handle<K> Insert(T* object) {
    uint32_t slot;
    if (free_head_ < free_.size()) {
      slot = free_[free_head_++];
      if (free_head_ == free_.size()) free_.clear(), free_head_ = 0;
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(Slot{});
    }
    Slot& s = slots_[slot];
    uint64_t value;
    do {  // skip the generation (if any) whose scrambled value is NULL
      s.generation = NextGeneration(s.generation);
      value = codec_->Encode(K, slot, s.generation);
    } while (value == 0);
    s.object = object;
    ++live_;
    return Handle<K>{value};
  }

  struct Result {
    T* object = nullptr;
    LookupError error = LookupError::kNone;
    uint8_t decoded_kind = 0;
  };

  Result Lookup(uint64_t value) const {
    Result r;
    if (value == 0) {
      r.error = LookupError::kNull;
      return r;
    }
    const HandleCodec::Fields f = Decode(value);
    r.decoded_kind = f.kind;
    if (f.kind != static_cast<uint8_t>(K)) {
      r.error = (f.kind >= 1 && f.kind <= kHandleKindLast) ? LookupError::kWrongKind
                                                           : LookupError::kUnknown;
      return r;
    }
    if (f.slot >= slots_.size() || f.generation == 0) {
      r.error = LookupError::kUnknown;
      return r;
    }
    const Slot& s = slots_[f.slot];
    if (f.generation != s.generation || s.object == nullptr) {
      // A generation the slot has not reached yet was never handed out.
      r.error = GenerationSeen(s, f.generation) ? LookupError::kStale : LookupError::kUnknown;
      return r;
    }
    r.object = s.object;
    return r;
  }
  Result Lookup(Handle<K> h) const { return Lookup(h.value); }
  T* Find(uint64_t value) const { return Lookup(value).object; }
  T* Find(Handle<K> h) const { return Lookup(h.value).object; }

  // Invalidates a live handle. Returns false (and changes nothing) if `h`
  // is not live.
  bool Release(Handle<K> h) {
    if (Find(h) == nullptr) return false;
    const uint32_t slot = Decode(h.value).slot;
    slots_[slot].object = nullptr;
    free_.push_back(slot);
    --live_;
    return true;
  }

  size_t live() const { return live_; }

  // Calls f(T*) for every live object, in slot order.
  template <typename F>
  void ForEach(F f) const {
    for (const Slot& s : slots_) {
      if (s.object != nullptr) f(s.object);
    }
  }

 private:
  struct Slot {
    T* object = nullptr;
    uint32_t generation = 0;  // current (or last) generation of the slot
  };
  // Decode is a pure function of the value, and drivers name the same
  // handle many times in a row (every indication of a WAN miniport names
  // its adapter), so the last answer is kept. Only the decoding is
  // remembered: the slot and generation checks run on every lookup.
  HandleCodec::Fields Decode(uint64_t value) const {
    if (!memo_valid_ || value != memo_value_) {
      memo_fields_ = codec_->Decode(value);
      memo_value_ = value;
      memo_valid_ = true;
    }
    return memo_fields_;
  }
  static uint32_t NextGeneration(uint32_t g) {
    g = (g + 1) & HandleCodec::kGenerationMask;
    return g == 0 ? 1 : g;
  }
  static bool GenerationSeen(const Slot& s, uint32_t g) { return g <= s.generation; }

  const HandleCodec* codec_;
  mutable bool memo_valid_ = false;
  mutable uint64_t memo_value_ = 0;
  mutable HandleCodec::Fields memo_fields_{};
  std::vector<Slot> slots_;
  // Released slots, oldest first from free_head_ (a vector, not a deque:
  // a deque allocates a 512-byte block for every table, even an empty one,
  // and a model has a dozen tables).
  std::vector<uint32_t> free_;
  size_t free_head_ = 0;
  size_t live_ = 0;
};

}  // namespace ndisconf::ndis

#endif  // NDISCONF_REFERENCE_NDIS_HANDLES_H_
