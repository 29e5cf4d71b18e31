#include "conformance/plugin/plugged_driver.h"

#include <cstddef>
#include <cstdio>

namespace ndisconf::plugin {
namespace {

// Copies byte by byte, outside AddressSanitizer's view: the range holds the
// driver's globals and, in an ASan build, the poisoned redzones between them,
// which a checked copy (or memcpy's interceptor) would report. Volatile keeps
// the compiler from turning the loop back into a memcpy call.
__attribute__((no_sanitize("address"))) void CopyRaw(volatile unsigned char* to,
                                                     const volatile unsigned char* from, size_t n) {
  for (size_t i = 0; i < n; ++i) to[i] = from[i];
}

}  // namespace

bool ImageState::PrepareLoad(const void* loader) {
  if (loaded_by_ != nullptr && loaded_by_ != loader) return false;
  loaded_by_ = loader;
  const size_t n = static_cast<size_t>(image_.state_end - image_.state_begin);
  if (!saved_) {
    pristine_.resize(n);
    CopyRaw(pristine_.data(), image_.state_begin, n);
    saved_ = true;
  } else {
    CopyRaw(image_.state_begin, pristine_.data(), n);
  }
  return true;
}

void ImageState::Unloaded(const void* loader) {
  if (loaded_by_ == loader) loaded_by_ = nullptr;
}

NDIS_STATUS PluggedDriver::DriverEntry(PDRIVER_OBJECT driver_object,
                                       PUNICODE_STRING registry_path) {
  if (!state_->PrepareLoad(this)) {
    std::fprintf(stderr, "ndisconf: driver '%s' is already loaded; a driver image loads once\n",
                 name().c_str());
    return NDIS_STATUS_FAILURE;
  }
  return image_.entry(driver_object, registry_path);
}

}  // namespace ndisconf::plugin
