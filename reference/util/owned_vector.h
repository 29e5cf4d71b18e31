// reference/util/owned_vector.h: OwnedVector, objects owned by pointer that
// copy by value.
//
// The model and the reference drivers own the objects they hand out
// (adapters, bindings, calls, links, ...) through unique_ptr, so that each
// keeps its address for the owner's lifetime: NDIS and the other drivers
// hold those addresses. An OwnedVector is such a vector that can also be
// saved and restored, which is what a harness reusing one stack for many
// runs needs (fuzz/wan_status: the stack is built once, and put back into
// its post-setup state between inputs):
//
//   - a copy holds copies of the objects (new addresses);
//   - copy assignment assigns in place: the i-th object of the target keeps
//     its address and takes the value of the i-th object of the source;
//     objects past the source's size are destroyed, missing ones are copies.
//
// So `saved = owner.objects;` ... `owner.objects = saved;` brings back the
// objects of the time of the copy, at their old addresses, and destroys
// those made since. A pointer inside a saved copy still points where the
// original's did (into the owner's objects, not the copy's): the copy is
// for assigning back, not an independent structure. T must be copyable and
// must not be a base class of the objects stored (a copy would slice).
#ifndef NDISCONF_REFERENCE_UTIL_OWNED_VECTOR_H_
#define NDISCONF_REFERENCE_UTIL_OWNED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <vector>

namespace ndisconf {

template <class T>
class OwnedVector : public std::vector<std::unique_ptr<T>> {
  using Base = std::vector<std::unique_ptr<T>>;

 public:
  OwnedVector() = default;
  OwnedVector(OwnedVector&&) noexcept = default;
  OwnedVector& operator=(OwnedVector&&) noexcept = default;
  ~OwnedVector() = default;

  OwnedVector(const OwnedVector& other) : Base() {
    this->reserve(other.size());
    for (const std::unique_ptr<T>& p : other) this->push_back(Copy(p));
  }

  OwnedVector& operator=(const OwnedVector& other) {
    if (this == &other) return *this;
    if (this->size() > other.size()) this->resize(other.size());
    for (size_t i = 0; i < this->size(); ++i) {
      std::unique_ptr<T>& mine = (*this)[i];
      if (mine != nullptr && other[i] != nullptr) {
        *mine = *other[i];
      } else {
        mine = Copy(other[i]);
      }
    }
    for (size_t i = this->size(); i < other.size(); ++i) this->push_back(Copy(other[i]));
    return *this;
  }

 private:
  static std::unique_ptr<T> Copy(const std::unique_ptr<T>& p) {
    return p == nullptr ? nullptr : std::make_unique<T>(*p);
  }
};

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_UTIL_OWNED_VECTOR_H_
