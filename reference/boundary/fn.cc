// The argument schema of every API crossing (see fn.h).
#include "reference/boundary/fn.h"

#include <array>

namespace ndisconf {
namespace {

using K = ArgKind;
constexpr ArgSpec H(std::string_view n) { return {n, K::kHandle}; }
constexpr ArgSpec S(std::string_view n) { return {n, K::kStatus}; }
constexpr ArgSpec U(std::string_view n) { return {n, K::kUlong}; }
constexpr ArgSpec A(std::string_view n) { return {n, K::kAf}; }
constexpr ArgSpec P(std::string_view n) { return {n, K::kSap}; }
constexpr ArgSpec R(std::string_view n) { return {n, K::kHeader}; }
constexpr ArgSpec M(std::string_view n) { return {n, K::kMask}; }
constexpr ArgSpec B(std::string_view n) { return {n, K::kBuffer}; }

void Set(FnSpec& spec, std::initializer_list<ArgSpec> in, std::initializer_list<ArgSpec> out) {
  size_t n = 0;
  for (const ArgSpec& a : in) spec.in[n++] = a;
  spec.in_count = n;
  n = 0;
  for (const ArgSpec& a : out) spec.out[n++] = a;
  spec.out_count = n;
}

// Argument rows, in Fn order. Handles passed by pointer for output are
// recorded on the return event as the value written.
void FillArgs(Fn fn, FnSpec& spec) {
  switch (fn) {
    case Fn::NdisRegisterProtocolDriver:
      return Set(spec, {H("ProtocolDriverContext"), R("Header"), M("Handlers")},
                 {H("NdisProtocolHandle")});
    case Fn::NdisDeregisterProtocolDriver:
      return Set(spec, {H("NdisProtocolHandle")}, {});
    case Fn::NdisMRegisterMiniportDriver:
      return Set(spec, {H("DriverObject"), H("MiniportDriverContext"), R("Header"), M("Handlers")},
                 {H("NdisMiniportDriverHandle")});
    case Fn::NdisMDeregisterMiniportDriver:
      return Set(spec, {H("NdisMiniportDriverHandle")}, {});
    case Fn::NdisSetOptionalHandlers:
      return Set(spec, {H("NdisDriverHandle"), R("Header"), M("Handlers")}, {});
    case Fn::NdisMSetMiniportAttributes:
      return Set(spec, {H("NdisMiniportHandle"), R("Header"), H("MiniportAdapterContext")}, {});
    case Fn::NdisOpenAdapterEx:
      return Set(spec, {H("NdisProtocolHandle"), H("ProtocolBindingContext"), H("BindContext")},
                 {H("NdisBindingHandle")});
    case Fn::NdisCompleteBindAdapterEx:
      return Set(spec, {H("BindAdapterContext"), S("Status")}, {});
    case Fn::NdisCloseAdapterEx:
      return Set(spec, {H("NdisBindingHandle")}, {});
    case Fn::NdisCompleteUnbindAdapterEx:
      return Set(spec, {H("UnbindContext")}, {});
    case Fn::NdisUnbindAdapter:
      return Set(spec, {H("NdisBindingHandle")}, {});
    case Fn::NdisAllocateIoWorkItem:
      return Set(spec, {H("NdisObjectHandle")}, {H("NdisIoWorkItemHandle")});
    case Fn::NdisQueueIoWorkItem:
      return Set(spec, {H("NdisIoWorkItemHandle"), H("Routine"), H("WorkItemContext")}, {});
    case Fn::NdisFreeIoWorkItem:
      return Set(spec, {H("NdisIoWorkItemHandle")}, {});
    case Fn::ProtocolSetOptions:
      return Set(spec, {H("NdisDriverHandle"), H("DriverContext")}, {});
    case Fn::MiniportSetOptions:
      return Set(spec, {H("NdisDriverHandle"), H("DriverContext")}, {});
    case Fn::ProtocolBindAdapterEx:
      // NdisMiniportHandle: the adapter the binding is to (trace version 2).
      return Set(
          spec,
          {H("ProtocolDriverContext"), H("BindContext"), U("MediaType"), H("NdisMiniportHandle")},
          {});
    case Fn::ProtocolOpenAdapterCompleteEx:
      return Set(spec, {H("ProtocolBindingContext"), S("Status")}, {});
    case Fn::ProtocolUnbindAdapterEx:
      return Set(spec, {H("UnbindContext"), H("ProtocolBindingContext")}, {});
    case Fn::ProtocolCloseAdapterCompleteEx:
      return Set(spec, {H("ProtocolBindingContext")}, {});
    case Fn::MiniportInitializeEx:
      return Set(spec, {H("NdisMiniportHandle"), H("MiniportDriverContext")}, {});
    case Fn::MiniportHaltEx:
      return Set(spec, {H("MiniportAdapterContext"), U("HaltAction")}, {});
    case Fn::NdisIoWorkItemRoutine:
      return Set(spec, {H("WorkItemContext"), H("NdisIoWorkItemHandle")}, {});
    case Fn::NdisCmRegisterAddressFamilyEx:
      return Set(spec, {H("NdisBindingHandle"), A("AddressFamily")}, {});
    case Fn::NdisMCmRegisterAddressFamilyEx:
      return Set(spec, {H("MiniportAdapterHandle"), A("AddressFamily")}, {});
    case Fn::ProtocolCoAfRegisterNotify:
      return Set(spec, {H("ProtocolBindingContext"), A("AddressFamily")}, {});
    case Fn::NdisClOpenAddressFamilyEx:
      return Set(spec, {H("NdisBindingHandle"), A("AddressFamily"), H("ClientAfContext")},
                 {H("NdisAfHandle")});
    case Fn::ProtocolCmOpenAf:
      return Set(spec, {H("CallMgrBindingContext"), A("AddressFamily"), H("NdisAfHandle")},
                 {H("CallMgrAfContext")});
    case Fn::NdisCmOpenAddressFamilyComplete:
      return Set(spec, {S("Status"), H("NdisAfHandle"), H("CallMgrAfContext")}, {});
    case Fn::ProtocolClOpenAfCompleteEx:
      return Set(spec, {H("ProtocolAfContext"), H("NdisAfHandle"), S("Status")}, {});
    case Fn::NdisClCloseAddressFamily:
      return Set(spec, {H("NdisAfHandle")}, {});
    case Fn::ProtocolCmCloseAf:
      return Set(spec, {H("CallMgrAfContext")}, {});
    case Fn::NdisCmCloseAddressFamilyComplete:
      return Set(spec, {S("Status"), H("NdisAfHandle")}, {});
    case Fn::ProtocolClCloseAfComplete:
      return Set(spec, {S("Status"), H("ProtocolAfContext")}, {});
    case Fn::NdisCmNotifyCloseAddressFamily:
      return Set(spec, {H("NdisAfHandle")}, {});
    case Fn::ProtocolClNotifyCloseAf:
      return Set(spec, {H("ClientAfContext")}, {});
    case Fn::NdisClNotifyCloseAddressFamilyComplete:
      return Set(spec, {H("NdisAfHandle"), S("Status")}, {});
    case Fn::ProtocolCmNotifyCloseAfComplete:
      return Set(spec, {H("CallMgrAfContext"), S("Status")}, {});
    case Fn::NdisClRegisterSap:
      return Set(spec, {H("NdisAfHandle"), H("ProtocolSapContext"), P("Sap")},
                 {H("NdisSapHandle")});
    case Fn::ProtocolCmRegisterSap:
      return Set(spec, {H("CallMgrAfContext"), P("Sap"), H("NdisSapHandle")},
                 {H("CallMgrSapContext")});
    case Fn::NdisCmRegisterSapComplete:
      return Set(spec, {S("Status"), H("NdisSapHandle"), H("CallMgrSapContext")}, {});
    case Fn::ProtocolClRegisterSapComplete:
      return Set(spec, {S("Status"), H("ProtocolSapContext"), P("Sap"), H("NdisSapHandle")}, {});
    case Fn::NdisClDeregisterSap:
      return Set(spec, {H("NdisSapHandle")}, {});
    case Fn::ProtocolCmDeregisterSap:
      return Set(spec, {H("CallMgrSapContext")}, {});
    case Fn::NdisCmDeregisterSapComplete:
      return Set(spec, {S("Status"), H("NdisSapHandle")}, {});
    case Fn::ProtocolClDeregisterSapComplete:
      return Set(spec, {S("Status"), H("ProtocolSapContext")}, {});
    case Fn::NdisCoCreateVc:
      return Set(
          spec,
          {H("NdisBindingHandle"), H("NdisAfHandle"), H("ProtocolVcContext"), H("NdisVcHandleIn")},
          {H("NdisVcHandle")});
    case Fn::NdisCoDeleteVc:
      return Set(spec, {H("NdisVcHandle")}, {});
    case Fn::NdisMCmCreateVc:
      return Set(spec,
                 {H("MiniportAdapterHandle"), H("NdisAfHandle"), H("MiniportVcContext"),
                  H("NdisVcHandleIn")},
                 {H("NdisVcHandle")});
    case Fn::NdisMCmDeleteVc:
      return Set(spec, {H("NdisVcHandle")}, {});
    case Fn::ProtocolCoCreateVc:
      return Set(spec, {H("ProtocolAfContext"), H("NdisVcHandle")}, {H("ProtocolVcContext")});
    case Fn::ProtocolCoDeleteVc:
      return Set(spec, {H("ProtocolVcContext")}, {});
    case Fn::MiniportCoCreateVc:
      return Set(spec, {H("MiniportAdapterContext"), H("NdisVcHandle")}, {H("MiniportVcContext")});
    case Fn::MiniportCoDeleteVc:
      return Set(spec, {H("MiniportVcContext")}, {});
    case Fn::NdisClMakeCall:
      return Set(spec, {H("NdisVcHandle"), H("CallParameters"), H("ProtocolPartyContext")},
                 {H("NdisPartyHandle")});
    case Fn::ProtocolCmMakeCall:
      return Set(spec, {H("CallMgrVcContext"), H("CallParameters"), H("NdisPartyHandle")},
                 {H("CallMgrPartyContext")});
    case Fn::NdisCmMakeCallComplete:
      return Set(spec,
                 {S("Status"), H("NdisVcHandle"), H("NdisPartyHandle"), H("CallMgrPartyContext"),
                  H("CallParameters")},
                 {});
    case Fn::ProtocolClMakeCallComplete:
      return Set(spec,
                 {S("Status"), H("ProtocolVcContext"), H("NdisPartyHandle"), H("CallParameters")},
                 {});
    case Fn::NdisClCloseCall:
      return Set(spec, {H("NdisVcHandle"), H("NdisPartyHandle"), U("Size")}, {});
    case Fn::ProtocolCmCloseCall:
      return Set(spec, {H("CallMgrVcContext"), H("CallMgrPartyContext"), U("Size")}, {});
    case Fn::NdisCmCloseCallComplete:
      return Set(spec, {S("Status"), H("NdisVcHandle"), H("NdisPartyHandle")}, {});
    case Fn::ProtocolClCloseCallComplete:
      return Set(spec, {S("Status"), H("ProtocolVcContext"), H("ProtocolPartyContext")}, {});
    case Fn::NdisCmActivateVc:
      return Set(spec, {H("NdisVcHandle"), H("CallParameters")}, {});
    case Fn::NdisMCmActivateVc:
      return Set(spec, {H("NdisVcHandle"), H("CallParameters")}, {});
    case Fn::NdisCmDeactivateVc:
      return Set(spec, {H("NdisVcHandle")}, {});
    case Fn::NdisMCmDeactivateVc:
      return Set(spec, {H("NdisVcHandle")}, {});
    case Fn::MiniportCoActivateVc:
      return Set(spec, {H("MiniportVcContext"), H("CallParameters")}, {});
    case Fn::MiniportCoDeactivateVc:
      return Set(spec, {H("MiniportVcContext")}, {});
    case Fn::NdisMCoActivateVcComplete:
      return Set(spec, {S("Status"), H("NdisVcHandle"), H("CallParameters")}, {});
    case Fn::NdisMCoDeactivateVcComplete:
      return Set(spec, {S("Status"), H("NdisVcHandle")}, {});
    case Fn::ProtocolCmActivateVcComplete:
      return Set(spec, {S("Status"), H("CallMgrVcContext"), H("CallParameters")}, {});
    case Fn::ProtocolCmDeactivateVcComplete:
      return Set(spec, {S("Status"), H("CallMgrVcContext")}, {});
    case Fn::NdisCmDispatchIncomingCall:
      return Set(spec, {H("NdisSapHandle"), H("NdisVcHandle"), H("CallParameters")}, {});
    case Fn::ProtocolClIncomingCall:
      return Set(spec, {H("ProtocolSapContext"), H("ProtocolVcContext"), H("CallParameters")}, {});
    case Fn::NdisClIncomingCallComplete:
      return Set(spec, {S("Status"), H("NdisVcHandle"), H("CallParameters")}, {});
    case Fn::ProtocolCmIncomingCallComplete:
      return Set(spec, {S("Status"), H("CallMgrVcContext"), H("CallParameters")}, {});
    case Fn::NdisCmDispatchCallConnected:
      return Set(spec, {H("NdisVcHandle")}, {});
    case Fn::ProtocolClCallConnected:
      return Set(spec, {H("ProtocolVcContext")}, {});
    // NDIS 5.1 legacy WAN path: docs/wan_events.md is the source of these rows.
    case Fn::NdisMInitializeWrapper:
      return Set(spec, {}, {H("NdisWrapperHandle")});
    case Fn::NdisMRegisterMiniport:
      return Set(spec,
                 {H("NdisWrapperHandle"), U("Version"), U("Reserved"), M("Handlers"),
                  U("CharacteristicsLength")},
                 {});
    case Fn::MiniportInitialize:
      return Set(
          spec,
          {H("MiniportAdapterHandle"), H("WrapperConfigurationContext"), U("MediumArraySize")},
          {U("SelectedMediumIndex")});
    case Fn::NdisMSetAttributesEx:
      return Set(
          spec, {H("MiniportAdapterHandle"), H("MiniportAdapterContext"), U("AttributeFlags")}, {});
    case Fn::MiniportHalt:
      return Set(spec, {H("MiniportAdapterContext")}, {});
    case Fn::NdisMRegisterInterrupt:
      return Set(spec, {H("Interrupt"), H("MiniportAdapterHandle")}, {});
    case Fn::NdisMDeregisterInterrupt:
      return Set(spec, {H("Interrupt")}, {});
    case Fn::MiniportISR:
      return Set(spec, {H("MiniportAdapterContext")},
                 {U("InterruptRecognized"), U("QueueMiniportHandleInterrupt")});
    case Fn::MiniportHandleInterrupt:
      return Set(spec, {H("MiniportAdapterContext")}, {});
    case Fn::NdisMIndicateStatus:
      return Set(spec, {H("MiniportHandle"), S("GeneralStatus"), B("StatusBuffer")},
                 {B("StatusBuffer")});
    case Fn::NdisMIndicateStatusComplete:
      return Set(spec, {H("MiniportHandle")}, {});
    case Fn::MiniportQueryInformation:
      return Set(spec, {H("MiniportAdapterContext"), U("Oid"), B("InformationBuffer")},
                 {U("BytesWritten"), U("BytesNeeded"), B("InformationBuffer")});
    case Fn::MiniportSetInformation:
      return Set(spec, {H("MiniportAdapterContext"), U("Oid"), B("InformationBuffer")},
                 {U("BytesRead"), U("BytesNeeded")});
    case Fn::NdisMQueryInformationComplete:
      return Set(spec, {H("MiniportAdapterHandle"), S("Status")}, {});
    case Fn::NdisMSetInformationComplete:
      return Set(spec, {H("MiniportAdapterHandle"), S("Status")}, {});
    case Fn::MiniportWanSend:
      return Set(spec, {H("MiniportAdapterContext"), H("NdisLinkHandle"), H("Packet"), U("Length")},
                 {});
    case Fn::NdisMWanSendComplete:
      return Set(spec, {H("MiniportAdapterHandle"), H("Packet"), S("Status")}, {});
    case Fn::NdisMWanIndicateReceive:
      return Set(spec, {H("MiniportAdapterHandle"), H("NdisLinkContext"), U("PacketSize")}, {});
    case Fn::NdisMWanIndicateReceiveComplete:
      return Set(spec, {H("MiniportAdapterHandle"), H("NdisLinkContext")}, {});
    case Fn::NdisRegisterProtocol:
      return Set(spec, {U("Version"), M("Handlers"), U("CharacteristicsLength")},
                 {H("NdisProtocolHandle")});
    case Fn::NdisDeregisterProtocol:
      return Set(spec, {H("NdisProtocolHandle")}, {});
    case Fn::ProtocolBindAdapter:
      return Set(spec, {H("BindContext"), H("DeviceName")}, {});
    case Fn::ProtocolUnbindAdapter:
      return Set(spec, {H("ProtocolBindingContext"), H("UnbindContext")}, {});
    case Fn::NdisOpenAdapter:
      return Set(spec, {H("NdisProtocolHandle"), H("ProtocolBindingContext"), U("MediumArraySize")},
                 {H("NdisBindingHandle"), U("SelectedMediumIndex")});
    case Fn::ProtocolOpenAdapterComplete:
      return Set(spec, {H("ProtocolBindingContext"), S("Status"), S("OpenErrorStatus")}, {});
    case Fn::NdisCloseAdapter:
      return Set(spec, {H("NdisBindingHandle")}, {});
    case Fn::ProtocolCloseAdapterComplete:
      return Set(spec, {H("ProtocolBindingContext"), S("Status")}, {});
    case Fn::NdisCompleteBindAdapter:
      return Set(spec, {H("BindAdapterContext"), S("Status"), S("OpenStatus")}, {});
    case Fn::NdisCompleteUnbindAdapter:
      return Set(spec, {H("UnbindAdapterContext"), S("Status")}, {});
    case Fn::NdisRequest:
      return Set(spec, {H("NdisBindingHandle"), U("RequestType"), U("Oid"), B("InformationBuffer")},
                 {U("BytesDone"), U("BytesNeeded"), B("InformationBuffer")});
    case Fn::ProtocolRequestComplete:
      return Set(spec,
                 {H("ProtocolBindingContext"), H("NdisRequest"), S("Status"), U("Oid"),
                  B("InformationBuffer")},
                 {});
    case Fn::ProtocolStatus:
      return Set(spec, {H("ProtocolBindingContext"), S("GeneralStatus"), B("StatusBuffer")},
                 {B("StatusBuffer")});
    case Fn::ProtocolStatusComplete:
      return Set(spec, {H("ProtocolBindingContext")}, {});
    case Fn::NdisWanSend:
      return Set(spec, {H("NdisBindingHandle"), H("NdisLinkHandle"), H("Packet"), U("Length")}, {});
    case Fn::ProtocolWanSendComplete:
      return Set(spec, {H("ProtocolBindingContext"), H("Packet"), S("Status")}, {});
    case Fn::ProtocolWanReceive:
      return Set(spec, {H("NdisLinkContext"), U("PacketSize")}, {});
    case Fn::ProtocolReceiveComplete:
      return Set(spec, {H("ProtocolBindingContext")}, {});
    // Spin locks: the NDIS_SPIN_LOCK's address names the lock.
    case Fn::NdisAllocateSpinLock:
    case Fn::NdisFreeSpinLock:
    case Fn::NdisAcquireSpinLock:
    case Fn::NdisReleaseSpinLock:
    case Fn::NdisDprAcquireSpinLock:
    case Fn::NdisDprReleaseSpinLock:
      return Set(spec, {H("SpinLock")}, {});
    case Fn::kCount:
      break;
  }
}

struct Static {
  Direction dir;
  bool ret;
  std::string_view name;
};
constexpr Static kStatic[] = {
#define NDISCONF_FN_STATIC(name, dir, ret) {Direction::dir, ret, #name},
    NDISCONF_FN_LIST(NDISCONF_FN_STATIC)
#undef NDISCONF_FN_STATIC
};
static_assert(sizeof(kStatic) / sizeof(kStatic[0]) == kFnCount);

std::array<FnSpec, kFnCount> BuildTable() {
  std::array<FnSpec, kFnCount> table{};
  for (size_t i = 0; i < kFnCount; ++i) {
    const Fn fn = static_cast<Fn>(i);
    FnSpec& spec = table[i];
    spec.fn = fn;
    spec.name = kStatic[i].name;
    spec.direction = kStatic[i].dir;
    spec.returns_status = kStatic[i].ret;
    FillArgs(fn, spec);
  }
  return table;
}

const std::array<FnSpec, kFnCount>& Table() {
  static const std::array<FnSpec, kFnCount> table = BuildTable();
  return table;
}

}  // namespace

const FnSpec& SpecOf(Fn fn) { return Table()[static_cast<size_t>(fn)]; }

std::string_view NameOf(Fn fn) {
  const size_t i = static_cast<size_t>(fn);
  return i < kFnCount ? kStatic[i].name : std::string_view("?");
}

std::optional<Fn> FnByName(std::string_view name) {
  for (size_t i = 0; i < kFnCount; ++i) {
    if (kStatic[i].name == name) return static_cast<Fn>(i);
  }
  return std::nullopt;
}

}  // namespace ndisconf
