// The Chooser implementations of scheduler.h that the model ships.
#include "reference/ndis/scheduler.h"

namespace ndisconf::ndis {

const char* WorkKindName(WorkKind kind) {
  switch (kind) {
    case WorkKind::kAfRegisterNotify:
      return "AfRegisterNotify";
    case WorkKind::kDeferredCompletion:
      return "DeferredCompletion";
    case WorkKind::kUnbind:
      return "Unbind";
    case WorkKind::kDriverWorkItem:
      return "DriverWorkItem";
    case WorkKind::kDpc:
      return "Dpc";
  }
  return "?";
}

size_t ByteChooser::Pick(const std::vector<WorkInfo>& ready) {
  if (ready.empty() || pos_ >= bytes_.size()) return 0;
  return bytes_[pos_++] % ready.size();
}

bool ByteChooser::RunInline(WorkKind) {
  if (pos_ >= bytes_.size()) return false;
  return (bytes_[pos_++] & 1) != 0;
}

}  // namespace ndisconf::ndis
