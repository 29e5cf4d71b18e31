// ndisconf/drivers/support.h: small pieces every reference driver uses.
//
// - OpPolicy: how a driver answers one kind of request: synchronously, or
//   NDIS_STATUS_PENDING and completed later from an NDIS I/O work item (so
//   the model's scheduler, not the driver, decides when), with an injected
//   final status.
// - Deferrer: runs a closure from an NDIS work item (NdisAllocateIoWorkItem
//   + NdisQueueIoWorkItem). The only way a reference driver defers work.
// - CallLog: what NDIS called the driver with, in order, for tests (its
//   history is a History, ndisconf/drivers/history.h).
// - Driver: the base of every reference driver (its DriverEntry).
//
// Everything here runs in the driver's own context (called from NDIS
// callbacks or from the harness under the driver's actor); nothing here
// touches the boundary or the model.
#ifndef NDISCONF_DRIVERS_SUPPORT_H_
#define NDISCONF_DRIVERS_SUPPORT_H_

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ndisconf/drivers/history.h"

namespace ndisconf::drivers {

enum class Completion : uint8_t {
  kSynchronous,  // return the final status from the handler itself
  kPending,      // return NDIS_STATUS_PENDING; complete from a work item
};

// How a driver answers one kind of request. `status` is the final status
// (NDIS_STATUS_SUCCESS, or an injected failure such as
// NDIS_STATUS_RESOURCES), returned directly or passed to the completion.
struct OpPolicy {
  Completion completion = Completion::kSynchronous;
  NDIS_STATUS status = NDIS_STATUS_SUCCESS;

  static OpPolicy Sync(NDIS_STATUS s = NDIS_STATUS_SUCCESS) {
    return {Completion::kSynchronous, s};
  }
  static OpPolicy Pending(NDIS_STATUS s = NDIS_STATUS_SUCCESS) { return {Completion::kPending, s}; }
  bool pends() const { return completion == Completion::kPending; }
};

// One observed crossing into (or, for "own completion" records, inside) a
// driver. Field meaning depends on `fn`; the driver that logs documents it.
struct Observed {
  std::string_view fn;  // e.g. "ProtocolClOpenAfCompleteEx": a literal (static storage)
  NDIS_STATUS status = NDIS_STATUS_SUCCESS;
  NDIS_HANDLE a = nullptr;
  NDIS_HANDLE b = nullptr;
  NDIS_HANDLE c = nullptr;
  uint64_t value = 0;
};

// What a driver observed, for tests: exact counts and the last entry of each
// name for the whole run, and the most recent kHistory entries in order.
// Bounded (a History), so a long run neither grows without limit nor
// allocates once warm.
class CallLog {
 public:
  static constexpr size_t kHistory = 4096;

  CallLog() = default;
  // A copy gets its own empty name cache (the cache points into by_name_).
  CallLog(const CallLog& o) : entries_(o.entries_), by_name_(o.by_name_) {}
  CallLog& operator=(const CallLog& o) {
    if (this != &o) {
      entries_ = o.entries_;
      by_name_ = o.by_name_;
      for (CacheSlot& c : cache_) c = CacheSlot{};
    }
    return *this;
  }

  // Always inline: the caller's Observed is then built straight into the
  // history and the per-name slot (an out-of-line Add reads it back with
  // wider loads than the stores that built it, and stalls on every call).
  [[gnu::always_inline]] void Add(const Observed& o) {
    entries_.push_back(o);
    PerName& p = Slot(o.fn);
    ++p.count;
    p.last = o;
  }
  size_t Count(std::string_view fn) const;
  // The last entry named `fn`, or nullptr.
  const Observed* Last(std::string_view fn) const;
  // The names of the retained history, in order (for readable sequence checks).
  std::vector<std::string> Names() const;
  // The most recent entries (at most kHistory), oldest first.
  const History<Observed, kHistory>& entries() const { return entries_; }
  void Clear();

 private:
  struct PerName {
    size_t count = 0;
    Observed last;
  };
  // Add runs on every callback, so hashing the name each time shows in the
  // benchmarks. Names are literals: the same name nearly always arrives with
  // the same characters' address. This small direct-mapped cache, keyed by
  // that address and the length, finds the by_name_ entry without hashing
  // the text; a miss falls back to the map. The map's nodes never move, so
  // the cached pointers stay valid until Clear() empties both.
  struct CacheSlot {
    const char* data = nullptr;
    size_t size = 0;
    PerName* per = nullptr;
  };
  static constexpr size_t kCacheSlots = 64;  // a power of two

  PerName& Slot(std::string_view fn) {
    const auto addr = reinterpret_cast<uintptr_t>(fn.data());
    CacheSlot& c = cache_[(addr >> 3 ^ addr >> 9) & (kCacheSlots - 1)];
    if (c.per != nullptr && c.data == fn.data() && c.size == fn.size()) return *c.per;
    return SlotMiss(fn, c);
  }
  PerName& SlotMiss(std::string_view fn, CacheSlot& c);

  History<Observed, kHistory> entries_;
  std::unordered_map<std::string_view, PerName> by_name_;
  CacheSlot cache_[kCacheSlots];
};

// Runs closures from NDIS I/O work items. Each Defer allocates a work item
// on `ndis_object` (a binding or miniport adapter handle), queues it, and
// frees it when its routine runs. Items whose routine never ran (the run
// ended first) are released by the destructor without calling NDIS.
class Deferrer {
 public:
  Deferrer() = default;
  Deferrer(const Deferrer&) = delete;
  Deferrer& operator=(const Deferrer&) = delete;

  // Returns false, without queueing, if NDIS could not allocate a work
  // item; the caller then fails its request synchronously instead of
  // pending it. IRQL <= DISPATCH_LEVEL.
  [[nodiscard]] bool Defer(NDIS_HANDLE ndis_object, std::function<void()> fn);
  size_t outstanding() const { return items_.size(); }

 private:
  struct Item {
    Deferrer* owner;
    NDIS_HANDLE work_item;
    std::function<void()> fn;
  };
  static VOID Routine(PVOID context, NDIS_HANDLE work_item);
  std::unordered_map<Item*, std::unique_ptr<Item>> items_;
};

// The base of every reference driver. The harness (ndisconf::stack::Stack)
// calls DriverEntry through the model's LoadDriver, as the I/O manager would.
class Driver {
 public:
  explicit Driver(std::string name) : name_(std::move(name)) {}
  virtual ~Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  virtual NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) = 0;
  const std::string& name() const { return name_; }
  // Every callback NDIS made into this driver, in order.
  const CallLog& log() const { return log_; }
  CallLog& mutable_log() { return log_; }

 protected:
  CallLog log_;
  Deferrer deferrer_;

 private:
  std::string name_;
};

// A CO_SAP with its variable-length Sap bytes, kept in one buffer so that a
// PCO_SAP into it stays valid for the owner's lifetime.
class SapBuffer {
 public:
  SapBuffer() = default;
  SapBuffer(ULONG sap_type, std::vector<uint8_t> bytes);
  // Copies SapType, SapLength and SapLength bytes from `sap`.
  static SapBuffer CopyOf(const CO_SAP* sap);
  PCO_SAP get() { return reinterpret_cast<PCO_SAP>(storage_.data()); }
  const CO_SAP* get() const { return reinterpret_cast<const CO_SAP*>(storage_.data()); }
  ULONG type() const { return get()->SapType; }
  // SapType, SapLength and the bytes are equal.
  bool SameAs(const SapBuffer& other) const;
  bool empty() const { return storage_.empty(); }

 private:
  std::vector<uint64_t> storage_;  // 8-aligned backing for the CO_SAP
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_DRIVERS_SUPPORT_H_
