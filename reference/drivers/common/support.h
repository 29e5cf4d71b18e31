// reference/drivers/common/support.h: small pieces every reference driver uses.
//
// - OpPolicy: how a driver answers one kind of request: synchronously, or
//   NDIS_STATUS_PENDING and completed later from an NDIS I/O work item (so
//   the model's scheduler, not the driver, decides when), with an injected
//   final status.
// - Deferrer: runs a closure from an NDIS work item (NdisAllocateIoWorkItem
//   + NdisQueueIoWorkItem). The only way a reference driver defers work.
// - CallLog: what NDIS called the driver with, and what it called, typed by
//   kind (the kinds are in reference/drivers/common/logged.h), for tests (its
//   history is a History, reference/drivers/common/history.h).
// - Driver: the base of every reference driver (its DriverEntry);
//   LoggingDriver adds the driver's CallLog.
//
// Everything here runs in the driver's own context (called from NDIS
// callbacks or from the harness under the driver's actor); nothing here
// touches the boundary or the model.
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_SUPPORT_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_SUPPORT_H_

#include <ndis.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "reference/drivers/common/history.h"

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

// What a driver observed, for tests: for each kind of record (a type of
// reference/drivers/common/logged.h, one of `Entries`), the exact count and the last
// record for the whole run; and the most recent kHistory records in order.
// Bounded (a History), so a long run neither grows without limit nor
// allocates once warm. A kind is found by its type at compile time: the
// per-kind counters are an array indexed by the kind's position in
// `Entries`, so recording hashes nothing, and asking for a kind that is not
// in `Entries` does not compile.
template <class... Entries>
class CallLog {
 public:
  static constexpr size_t kHistory = 4096;
  // One record of any kind; `index()` is its kind's position in `Entries`.
  using Entry = std::variant<Entries...>;
  // True if T is one of this log's kinds; the members below accept no other.
  template <class T>
  static constexpr bool kHolds = (std::is_same_v<T, Entries> || ...);

  // Records `e`. Always inline: the caller's record is then built straight
  // into the history and the per-kind slot.
  template <class T>
  requires kHolds<T>
  [[gnu::always_inline]] void Add(const T& e) {
    constexpr size_t kIndex = IndexOf<T>();
    entries_.push_back(Entry(std::in_place_index<kIndex>, e));
    ++counts_[kIndex];
    std::get<kIndex>(last_) = e;
  }
  // How many records of kind T were added since construction or Clear().
  template <class T>
  requires kHolds<T> size_t Count()
  const { return counts_[IndexOf<T>()]; }
  // The last record of kind T, or nullptr if there was none.
  template <class T>
  requires kHolds<T>
  const T* Last() const {
    constexpr size_t kIndex = IndexOf<T>();
    return counts_[kIndex] == 0 ? nullptr : &std::get<kIndex>(last_);
  }
  // The retained records of kind T (the last kHistory of any kind), oldest
  // first. Allocates: for tests, not for the recording path.
  template <class T>
  requires kHolds<T> std::vector<T> All()
  const {
    std::vector<T> out;
    for (const Entry& e : entries_) {
      if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
  }
  // The kName of a record's kind.
  static std::string_view NameOf(const Entry& e) { return kNames[e.index()]; }
  // The names of the retained history, in order (for readable sequence checks).
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    names.reserve(entries_.size());
    for (const Entry& e : entries_) names.emplace_back(NameOf(e));
    return names;
  }
  // The most recent records (at most kHistory), oldest first.
  const History<Entry, kHistory>& entries() const { return entries_; }
  void Clear() {
    entries_.clear();
    counts_ = {};
  }
  // Returns to `earlier`, a copy of this log taken before (History::RestoreFrom).
  void RestoreFrom(const CallLog& earlier) {
    entries_.RestoreFrom(earlier.entries_);
    counts_ = earlier.counts_;
    last_ = earlier.last_;
  }

 private:
  // The position of T in Entries; T must appear exactly once.
  template <class T>
  static constexpr size_t IndexOf() {
    constexpr bool kMatch[] = {std::is_same_v<T, Entries>...};
    size_t index = sizeof...(Entries), found = 0;
    for (size_t i = 0; i < sizeof...(Entries); ++i) {
      if (kMatch[i]) {
        index = i;
        ++found;
      }
    }
    return found == 1 ? index : sizeof...(Entries);
  }
  static_assert(((IndexOf<Entries>() < sizeof...(Entries)) && ...),
                "a kind appears twice in a CallLog's list");
  static constexpr std::string_view kNames[] = {Entries::kName...};

  History<Entry, kHistory> entries_;
  std::array<size_t, sizeof...(Entries)> counts_{};
  std::tuple<Entries...> last_{};
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

 protected:
  Deferrer deferrer_;

 private:
  std::string name_;
};

// A reference driver with a CallLog of its own kinds (`Log`, one of the
// logs of reference/drivers/common/logged.h).
template <class Log>
class LoggingDriver : public Driver {
 public:
  using Driver::Driver;
  // What NDIS called this driver with and what it called itself, in order.
  const Log& log() const { return log_; }
  Log& mutable_log() { return log_; }

 protected:
  Log log_;
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

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_SUPPORT_H_
