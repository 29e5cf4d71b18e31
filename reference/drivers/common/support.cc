// Implementation of reference/drivers/common/support.h.
#include "reference/drivers/common/support.h"

#include <cstring>

namespace ndisconf::drivers {

bool Deferrer::Defer(NDIS_HANDLE ndis_object, std::function<void()> fn) {
  NDIS_HANDLE work_item = NdisAllocateIoWorkItem(ndis_object);
  if (work_item == nullptr) return false;
  auto item = std::make_unique<Item>(Item{this, work_item, std::move(fn)});
  Item* raw = item.get();
  items_.emplace(raw, std::move(item));
  NdisQueueIoWorkItem(work_item, &Deferrer::Routine, raw);
  return true;
}

VOID Deferrer::Routine(PVOID context, NDIS_HANDLE work_item) {
  Item* item = static_cast<Item*>(context);
  Deferrer* owner = item->owner;
  std::function<void()> fn = std::move(item->fn);
  owner->items_.erase(item);  // frees `item`
  NdisFreeIoWorkItem(work_item);
  fn();
}

SapBuffer::SapBuffer(ULONG sap_type, std::vector<uint8_t> bytes) {
  size_t total = offsetof(CO_SAP, Sap) + (bytes.empty() ? 1 : bytes.size());
  storage_.assign((total + 7) / 8, 0);
  PCO_SAP sap = get();
  sap->SapType = sap_type;
  sap->SapLength = static_cast<ULONG>(bytes.size());
  if (!bytes.empty()) std::memcpy(sap->Sap, bytes.data(), bytes.size());
}

SapBuffer SapBuffer::CopyOf(const CO_SAP* sap) {
  if (sap == nullptr) return SapBuffer();
  std::vector<uint8_t> bytes(sap->Sap, sap->Sap + sap->SapLength);
  return SapBuffer(sap->SapType, std::move(bytes));
}

bool SapBuffer::SameAs(const SapBuffer& other) const {
  if (empty() || other.empty()) return false;
  const CO_SAP* a = get();
  const CO_SAP* b = other.get();
  return a->SapType == b->SapType && a->SapLength == b->SapLength &&
         std::memcmp(a->Sap, b->Sap, a->SapLength) == 0;
}

}  // namespace ndisconf::drivers
