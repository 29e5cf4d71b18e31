// Model::Checkpoint and Model::Rollback (model.h): the model's state saved
// as a copy of Model::Impl and assigned back. Impl's copy is memberwise
// (model_impl.h), so a member added to Impl is saved and restored with the
// rest; owned objects come back in place (OwnedVector), so every pointer
// NDIS or a driver holds into them stays valid.
#include <cstdlib>

#include "reference/ndis/model_impl.h"

namespace ndisconf::ndis {

bool Model::Checkpoint() {
  const Impl& m = *impl_;
  if (!m.queue.empty() || !m.driver_memory.empty() || m.held_locks != 0 ||
      m.irql != PASSIVE_LEVEL) {
    return false;
  }
  if (saved_ == nullptr) {
    saved_ = std::make_unique<Impl>(m);
  } else {
    *saved_ = m;
  }
  return true;
}

bool Model::Rollback() {
  if (saved_ == nullptr) return false;
  // The pool is the model's (~Impl): blocks a driver got since the
  // checkpoint go, as they would with the model (the drivers' own state is
  // rolled back to before they had them).
  for (auto& [p, n] : impl_->driver_memory) std::free(const_cast<void*>(p));
  impl_->driver_memory.clear();
  *impl_ = *saved_;
  return true;
}

}  // namespace ndisconf::ndis
