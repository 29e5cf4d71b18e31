// Private to //reference/drivers/ndiswan: the definitions of Ndiswan's
// in-flight records (Request, Send), needed by every .cc file of Ndiswan.
#ifndef NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_IMPL_H_
#define NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_IMPL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference/drivers/ndiswan/ndiswan.h"

namespace ndisconf::drivers {

// An NdisRequest in flight: the NDIS_REQUEST and its information buffer,
// owned here until the request completes.
struct Ndiswan::Request {
  enum class Kind : uint8_t {
    kWanInfo,
    kLinkSpeed,
    kProviderInit,
    kProviderShutdown,
    kOpen,
    kClose,
    kSetMedia,
    kSetStatusMessages,
    kMakeCall,
    kGetCallId,
    kGetLineId,
    kAccept,
    kAnswer,
    kDrop,
    kCloseCall,
    kRaw,  // RawRequest: passed down as given, its outcome only recorded
  };
  Kind kind = Kind::kWanInfo;
  NDIS_OID oid = 0;
  NDIS_REQUEST req{};
  std::vector<uint64_t> storage;  // 8-aligned information buffer
  size_t record = 0;
  uintptr_t subject = 0;
  bool issuing = false;
  bool finished = false;
  // kRaw: a query (else a set), and the information buffer's exact length.
  bool raw_query = false;
  ULONG raw_length = 0;

  Request(Kind k, NDIS_OID o, size_t bytes, uintptr_t subj = 0)
      : kind(k), oid(o), storage((bytes + 7) / 8, 0), subject(subj) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage.data()); }
  ULONG size() const { return static_cast<ULONG>(storage.size() * 8); }
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(data());
  }
};

// One upper packet: NDISWAN's own NDIS_WAN_PACKET describing the same bytes
// goes down (the protocol's ProtocolReserved fields stay the protocol's).
struct Ndiswan::Send {
  PNDIS_WAN_PACKET upper = nullptr;
  NDIS_WAN_PACKET lower{};
  uintptr_t link = 0;
  bool in_miniport = false;
  bool sync_caller = false;  // OnMiniportWanSend is still on the stack for it
  bool done = false;
  NDIS_STATUS status = NDIS_STATUS_PENDING;
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDISWAN_IMPL_H_
