// reference/boundary/fn.h: the vocabulary of API crossings.
//
// Every call across the NDIS-shaped API, in either direction, is one Fn.
// The numbering is append-only: a recorded trace names functions by text,
// but fuzz inputs and benchmarks may store the number, so a retired entry
// keeps its slot (BoringSSL fuzzer_tags.h discipline).
//
// For each Fn, FnSpec gives the direction, whether it returns an
// NDIS_STATUS, and the names and kinds of the argument slots recorded on the
// call event and on the return event. The trace format (conformance/trace)
// and the monitor read events through this table only.
#ifndef NDISCONF_REFERENCE_BOUNDARY_FN_H_
#define NDISCONF_REFERENCE_BOUNDARY_FN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ndisconf {

// X(name, direction, returns_status)
//   direction: kDown = a driver calls NDIS; kUp = NDIS calls a driver.
#define NDISCONF_FN_LIST(X)                                     \
  /* 0: driver registration and binding */                      \
  X(NdisRegisterProtocolDriver, kDown, true)                    \
  X(NdisDeregisterProtocolDriver, kDown, false)                 \
  X(NdisMRegisterMiniportDriver, kDown, true)                   \
  X(NdisMDeregisterMiniportDriver, kDown, false)                \
  X(NdisSetOptionalHandlers, kDown, true)                       \
  X(NdisMSetMiniportAttributes, kDown, true)                    \
  X(NdisOpenAdapterEx, kDown, true)                             \
  X(NdisCompleteBindAdapterEx, kDown, false)                    \
  X(NdisCloseAdapterEx, kDown, true)                            \
  X(NdisCompleteUnbindAdapterEx, kDown, false)                  \
  X(NdisUnbindAdapter, kDown, true)                             \
  X(NdisAllocateIoWorkItem, kDown, false)                       \
  X(NdisQueueIoWorkItem, kDown, false)                          \
  X(NdisFreeIoWorkItem, kDown, false)                           \
  /* 14: callbacks into drivers for registration and binding */ \
  X(ProtocolSetOptions, kUp, true)                              \
  X(MiniportSetOptions, kUp, true)                              \
  X(ProtocolBindAdapterEx, kUp, true)                           \
  X(ProtocolOpenAdapterCompleteEx, kUp, false)                  \
  X(ProtocolUnbindAdapterEx, kUp, true)                         \
  X(ProtocolCloseAdapterCompleteEx, kUp, false)                 \
  X(MiniportInitializeEx, kUp, true)                            \
  X(MiniportHaltEx, kUp, false)                                 \
  X(NdisIoWorkItemRoutine, kUp, false)                          \
  /* 23: address families */                                    \
  X(NdisCmRegisterAddressFamilyEx, kDown, true)                 \
  X(NdisMCmRegisterAddressFamilyEx, kDown, true)                \
  X(ProtocolCoAfRegisterNotify, kUp, false)                     \
  X(NdisClOpenAddressFamilyEx, kDown, true)                     \
  X(ProtocolCmOpenAf, kUp, true)                                \
  X(NdisCmOpenAddressFamilyComplete, kDown, false)              \
  X(ProtocolClOpenAfCompleteEx, kUp, false)                     \
  X(NdisClCloseAddressFamily, kDown, true)                      \
  X(ProtocolCmCloseAf, kUp, true)                               \
  X(NdisCmCloseAddressFamilyComplete, kDown, false)             \
  X(ProtocolClCloseAfComplete, kUp, false)                      \
  X(NdisCmNotifyCloseAddressFamily, kDown, true)                \
  X(ProtocolClNotifyCloseAf, kUp, true)                         \
  X(NdisClNotifyCloseAddressFamilyComplete, kDown, false)       \
  X(ProtocolCmNotifyCloseAfComplete, kUp, false)                \
  /* 38: SAPs */                                                \
  X(NdisClRegisterSap, kDown, true)                             \
  X(ProtocolCmRegisterSap, kUp, true)                           \
  X(NdisCmRegisterSapComplete, kDown, false)                    \
  X(ProtocolClRegisterSapComplete, kUp, false)                  \
  X(NdisClDeregisterSap, kDown, true)                           \
  X(ProtocolCmDeregisterSap, kUp, true)                         \
  X(NdisCmDeregisterSapComplete, kDown, false)                  \
  X(ProtocolClDeregisterSapComplete, kUp, false)                \
  /* 46: VCs */                                                 \
  X(NdisCoCreateVc, kDown, true)                                \
  X(NdisCoDeleteVc, kDown, true)                                \
  X(NdisMCmCreateVc, kDown, true)                               \
  X(NdisMCmDeleteVc, kDown, true)                               \
  X(ProtocolCoCreateVc, kUp, true)                              \
  X(ProtocolCoDeleteVc, kUp, true)                              \
  X(MiniportCoCreateVc, kUp, true)                              \
  X(MiniportCoDeleteVc, kUp, true)                              \
  /* 54: calls (VC activation) */                               \
  X(NdisClMakeCall, kDown, true)                                \
  X(ProtocolCmMakeCall, kUp, true)                              \
  X(NdisCmMakeCallComplete, kDown, false)                       \
  X(ProtocolClMakeCallComplete, kUp, false)                     \
  X(NdisClCloseCall, kDown, true)                               \
  X(ProtocolCmCloseCall, kUp, true)                             \
  X(NdisCmCloseCallComplete, kDown, false)                      \
  X(ProtocolClCloseCallComplete, kUp, false)                    \
  X(NdisCmActivateVc, kDown, true)                              \
  X(NdisMCmActivateVc, kDown, true)                             \
  X(NdisCmDeactivateVc, kDown, true)                            \
  X(NdisMCmDeactivateVc, kDown, true)                           \
  X(MiniportCoActivateVc, kUp, true)                            \
  X(MiniportCoDeactivateVc, kUp, true)                          \
  X(NdisMCoActivateVcComplete, kDown, false)                    \
  X(NdisMCoDeactivateVcComplete, kDown, false)                  \
  X(ProtocolCmActivateVcComplete, kUp, false)                   \
  X(ProtocolCmDeactivateVcComplete, kUp, false)                 \
  X(NdisCmDispatchIncomingCall, kDown, true)                    \
  X(ProtocolClIncomingCall, kUp, true)                          \
  X(NdisClIncomingCallComplete, kDown, false)                   \
  X(ProtocolCmIncomingCallComplete, kUp, false)                 \
  X(NdisCmDispatchCallConnected, kDown, false)                  \
  X(ProtocolClCallConnected, kUp, false)                        \
  /* 78: NDIS 5.1 legacy WAN path (docs/wan_events.md) */       \
  X(NdisMInitializeWrapper, kDown, false)                       \
  X(NdisMRegisterMiniport, kDown, true)                         \
  X(MiniportInitialize, kUp, true)                              \
  X(NdisMSetAttributesEx, kDown, false)                         \
  X(MiniportHalt, kUp, false)                                   \
  X(NdisMRegisterInterrupt, kDown, true)                        \
  X(NdisMDeregisterInterrupt, kDown, false)                     \
  X(MiniportISR, kUp, false)                                    \
  X(MiniportHandleInterrupt, kUp, false)                        \
  X(NdisMIndicateStatus, kDown, false)                          \
  X(NdisMIndicateStatusComplete, kDown, false)                  \
  X(MiniportQueryInformation, kUp, true)                        \
  X(MiniportSetInformation, kUp, true)                          \
  X(NdisMQueryInformationComplete, kDown, false)                \
  X(NdisMSetInformationComplete, kDown, false)                  \
  X(MiniportWanSend, kUp, true)                                 \
  X(NdisMWanSendComplete, kDown, false)                         \
  X(NdisMWanIndicateReceive, kDown, true)                       \
  X(NdisMWanIndicateReceiveComplete, kDown, false)              \
  X(NdisRegisterProtocol, kDown, true)                          \
  X(NdisDeregisterProtocol, kDown, true)                        \
  X(ProtocolBindAdapter, kUp, true)                             \
  X(ProtocolUnbindAdapter, kUp, true)                           \
  X(NdisOpenAdapter, kDown, true)                               \
  X(ProtocolOpenAdapterComplete, kUp, false)                    \
  X(NdisCloseAdapter, kDown, true)                              \
  X(ProtocolCloseAdapterComplete, kUp, false)                   \
  X(NdisCompleteBindAdapter, kDown, false)                      \
  X(NdisCompleteUnbindAdapter, kDown, false)                    \
  X(NdisRequest, kDown, true)                                   \
  X(ProtocolRequestComplete, kUp, false)                        \
  X(ProtocolStatus, kUp, false)                                 \
  X(ProtocolStatusComplete, kUp, false)                         \
  X(NdisWanSend, kDown, true)                                   \
  X(ProtocolWanSendComplete, kUp, false)                        \
  X(ProtocolWanReceive, kUp, true)                              \
  /* 114 */                                                     \
  X(ProtocolReceiveComplete, kUp, false)                        \
  /* 115: spin locks (WAN-003: none held while indicating) */   \
  X(NdisAllocateSpinLock, kDown, false)                         \
  X(NdisFreeSpinLock, kDown, false)                             \
  X(NdisAcquireSpinLock, kDown, false)                          \
  X(NdisReleaseSpinLock, kDown, false)                          \
  X(NdisDprAcquireSpinLock, kDown, false)                       \
  X(NdisDprReleaseSpinLock, kDown, false)

enum class Direction : uint8_t { kDown, kUp };

enum class Fn : uint16_t {
#define NDISCONF_FN_ENUM(name, dir, ret) name,
  NDISCONF_FN_LIST(NDISCONF_FN_ENUM)
#undef NDISCONF_FN_ENUM
      kCount
};
inline constexpr size_t kFnCount = static_cast<size_t>(Fn::kCount);

// Direction of each Fn, by number (SpecOf(fn).direction, without the table
// lookup: every crossing asks).
inline constexpr Direction kFnDirection[kFnCount] = {
#define NDISCONF_FN_DIRECTION(name, dir, ret) Direction::dir,
    NDISCONF_FN_LIST(NDISCONF_FN_DIRECTION)
#undef NDISCONF_FN_DIRECTION
};
// `fn` must be < Fn::kCount.
constexpr Direction DirectionOf(Fn fn) { return kFnDirection[static_cast<size_t>(fn)]; }

// How one argument slot is recorded and printed.
enum class ArgKind : uint8_t {
  kHandle,  // pointer-sized opaque value, printed 0x...
  kStatus,  // NDIS_STATUS, printed by name when known
  kUlong,   // 32-bit value, printed 0x...
  kAf,      // CO_ADDRESS_FAMILY: three slots (AddressFamily, Major, Minor)
  kSap,     // CO_SAP: two slots (SapType, SapLength) + the Sap bytes in the blob
  kHeader,  // NDIS_OBJECT_HEADER packed Type<<24 | Revision<<16 | Size
  kMask,    // bit set (e.g. which handlers are non-NULL), printed 0x...
  kIrql,    // KIRQL
  // A caller-given buffer: one slot with the length the caller claims, and
  // the first min(length, Event::kMaxBlob) bytes in the event blob (none if
  // the pointer is NULL). At most one kBuffer argument per event.
  kBuffer,
};

// Number of Event::arg slots an argument of this kind uses.
constexpr size_t SlotsOf(ArgKind k) { return k == ArgKind::kAf ? 3 : k == ArgKind::kSap ? 2 : 1; }

struct ArgSpec {
  std::string_view name;
  ArgKind kind;
};

inline constexpr size_t kMaxArgSpecs = 6;

struct FnSpec {
  Fn fn;
  std::string_view name;
  Direction direction;
  bool returns_status;
  // Arguments recorded on the call event, in signature order.
  ArgSpec in[kMaxArgSpecs];
  size_t in_count;
  // Values recorded on the return event (out parameters, after the status).
  ArgSpec out[3];
  size_t out_count;
};

// The spec of `fn`. `fn` must be < Fn::kCount.
const FnSpec& SpecOf(Fn fn);
std::string_view NameOf(Fn fn);
// Looks a function up by its exact name; nullopt if unknown.
std::optional<Fn> FnByName(std::string_view name);

}  // namespace ndisconf

#endif  // NDISCONF_REFERENCE_BOUNDARY_FN_H_
