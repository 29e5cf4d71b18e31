// reference/drivers/common/history.h: History, the most recent items of a stream.
//
// Header-only and free of NDIS calls, so any driver-side component (the
// reference drivers' logs, NDISWAN's core) can keep bounded records for
// tests without linking anything.
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_HISTORY_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_HISTORY_H_

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace ndisconf::drivers {

// The most recent `Capacity` items of a stream, oldest first, for tests to
// read. Grows to Capacity items, then each push overwrites the oldest, so a
// long run (a benchmark, a fuzz campaign) has bounded memory and, once
// full, neither allocates nor moves items. Indexing, front(), back() and
// iteration are oldest first; a reference stays valid until the next push.
template <class T, size_t Capacity = 4096>
class History {
  static_assert(Capacity > 0);

 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const History* h, size_t i) : h_(h), i_(i) {}
    reference operator*() const { return (*h_)[i_]; }
    pointer operator->() const { return &(*h_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const const_iterator& o) const { return h_ == o.h_ && i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    const History* h_ = nullptr;
    size_t i_ = 0;
  };

  static constexpr size_t capacity() { return Capacity; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // The i-th oldest item retained; i < size().
  const T& operator[](size_t i) const {
    size_t j = head_ + i;
    if (j >= items_.size()) j -= items_.size();
    return items_[j];
  }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[items_.size() - 1]; }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, items_.size()); }

  void push_back(T item) {
    if (items_.size() < Capacity) return Grow(std::move(item));
    items_[head_] = std::move(item);
    head_ = head_ + 1 == Capacity ? 0 : head_ + 1;
  }
  void clear() {
    items_.clear();
    head_ = 0;
    ++clears_;
  }
  // Returns to `earlier`, a copy of this history taken before (a reused
  // stack put back into its saved state, fuzz/wan_status). While nothing
  // was overwritten or cleared since the copy, only the items pushed since
  // are dropped; otherwise the copy's items are copied back.
  void RestoreFrom(const History& earlier) {
    if (clears_ == earlier.clears_ && items_.size() < Capacity &&
        items_.size() >= earlier.items_.size()) {
      items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(earlier.items_.size()),
                   items_.end());
    } else {
      items_ = earlier.items_;
    }
    head_ = earlier.head_;
    clears_ = earlier.clears_;
  }

 private:
  // Out of line: the steady state (full) is the path worth inlining.
  [[gnu::noinline]] void Grow(T item) { items_.push_back(std::move(item)); }

  std::vector<T> items_;
  size_t head_ = 0;    // the oldest item, once full (0 until then)
  size_t clears_ = 0;  // clear() calls, for RestoreFrom
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_HISTORY_H_
