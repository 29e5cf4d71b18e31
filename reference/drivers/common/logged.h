// reference/drivers/common/logged.h: what the reference drivers record in their
// CallLog (reference/drivers/common/support.h), one type per kind of record, and the
// list of kinds each driver records.
//
// A record is either a callback NDIS made into the driver (named after the
// handler, e.g. ProtocolClOpenAfCompleteEx), the return of such a callback
// when the driver also records its entry (the handler's name with "Ret",
// kName ending ":ret"), or a call the driver made itself (prefix "Own",
// kName starting "own:"). Each type's kName is the string a sequence check
// reads in CallLog::Names(). Fields are the handler's arguments (or the
// call's results) under the DDI's names; a `status` field exists only where
// a status was passed, returned or produced, never as a placeholder.
//
// Two drivers that record a name with different arguments get two types
// with the same kName (ClientProtocolBindAdapterEx, CompMiniportInitializeEx,
// NDISWAN's UpperMiniport*); a driver's log accepts only its own kinds, so a
// test that asks a driver for a kind it never records does not compile.
//
// Longer than 600 lines on purpose: it is a catalogue of about a hundred
// small structs, kept in one file so each kind is defined and documented
// once and the per-driver lists at the end can be read against it.
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_LOGGED_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_LOGGED_H_

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ndisconf/api/tapi.h"
#include "reference/drivers/common/support.h"

namespace ndisconf::nic {
enum class OpStatus : uint8_t;  // reference/nic/nic.h
}  // namespace ndisconf::nic

namespace ndisconf::drivers::logged {

// ---------------------------------------------------------------------------
// NDIS 6 protocol edge (client and stand-alone CM).

struct ProtocolSetOptions {
  static constexpr std::string_view kName = "ProtocolSetOptions";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE ndis_driver_handle;
};
// The stand-alone CM records the bind's entry and its return.
struct ProtocolBindAdapterEx {
  static constexpr std::string_view kName = "ProtocolBindAdapterEx";
  NDIS_HANDLE bind_context;
};
struct ProtocolBindAdapterExRet {
  static constexpr std::string_view kName = "ProtocolBindAdapterEx:ret";
  NDIS_STATUS status;
  NDIS_HANDLE bind_context;
};
// The client records the bind once, after its handler returned.
struct ClientProtocolBindAdapterEx {
  static constexpr std::string_view kName = "ProtocolBindAdapterEx";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE bind_context;
};
struct ProtocolUnbindAdapterEx {
  static constexpr std::string_view kName = "ProtocolUnbindAdapterEx";
  NDIS_HANDLE unbind_context;
  NDIS_HANDLE protocol_binding_context;
};
struct ProtocolUnbindAdapterExRet {
  static constexpr std::string_view kName = "ProtocolUnbindAdapterEx:ret";
  NDIS_STATUS status;
  NDIS_HANDLE unbind_context;
  NDIS_HANDLE protocol_binding_context;
};
struct ProtocolOpenAdapterCompleteEx {
  static constexpr std::string_view kName = "ProtocolOpenAdapterCompleteEx";
  NDIS_STATUS status;
  NDIS_HANDLE protocol_binding_context;
};
struct ProtocolCloseAdapterCompleteEx {
  static constexpr std::string_view kName = "ProtocolCloseAdapterCompleteEx";
  NDIS_HANDLE protocol_binding_context;
};
struct ProtocolCoAfRegisterNotify {
  static constexpr std::string_view kName = "ProtocolCoAfRegisterNotify";
  NDIS_HANDLE protocol_binding_context;
  ULONG address_family;  // AddressFamily->AddressFamily, 0 if NDIS passed NULL
};
struct ProtocolCoCreateVc {
  static constexpr std::string_view kName = "ProtocolCoCreateVc";
  NDIS_STATUS status;
  NDIS_HANDLE protocol_af_context;
  NDIS_HANDLE ndis_vc_handle;
  NDIS_HANDLE protocol_vc_context;  // what the handler wrote back (nullptr if no out pointer)
};
struct ProtocolCoDeleteVc {
  static constexpr std::string_view kName = "ProtocolCoDeleteVc";
  NDIS_STATUS status;
  NDIS_HANDLE protocol_vc_context;
};
struct OwnNdisCloseAdapterEx {
  static constexpr std::string_view kName = "own:NdisCloseAdapterEx";
  NDIS_STATUS status;  // what NdisCloseAdapterEx returned
  NDIS_HANDLE ndis_binding_handle;
};

// ---------------------------------------------------------------------------
// CoNDIS client: callbacks (contexts are the client's own ClAf/ClSap/ClVc).

struct ProtocolClOpenAfCompleteEx {
  static constexpr std::string_view kName = "ProtocolClOpenAfCompleteEx";
  NDIS_STATUS status;
  NDIS_HANDLE client_af_context;
  NDIS_HANDLE ndis_af_handle;
};
struct ProtocolClCloseAfComplete {
  static constexpr std::string_view kName = "ProtocolClCloseAfComplete";
  NDIS_STATUS status;
  NDIS_HANDLE client_af_context;
};
struct ProtocolClRegisterSapComplete {
  static constexpr std::string_view kName = "ProtocolClRegisterSapComplete";
  NDIS_STATUS status;
  NDIS_HANDLE client_sap_context;
  NDIS_HANDLE ndis_sap_handle;
};
struct ProtocolClDeregisterSapComplete {
  static constexpr std::string_view kName = "ProtocolClDeregisterSapComplete";
  NDIS_STATUS status;
  NDIS_HANDLE client_sap_context;
};
struct ProtocolClMakeCallComplete {
  static constexpr std::string_view kName = "ProtocolClMakeCallComplete";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
};
struct ProtocolClCloseCallComplete {
  static constexpr std::string_view kName = "ProtocolClCloseCallComplete";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
};
struct ProtocolClIncomingCall {
  static constexpr std::string_view kName = "ProtocolClIncomingCall";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE client_sap_context;
  NDIS_HANDLE client_vc_context;
};
struct ProtocolClIncomingCloseCall {
  static constexpr std::string_view kName = "ProtocolClIncomingCloseCall";
  NDIS_STATUS close_status;
  NDIS_HANDLE client_vc_context;
};
struct ProtocolClCallConnected {
  static constexpr std::string_view kName = "ProtocolClCallConnected";
  NDIS_HANDLE client_vc_context;
};
struct ProtocolClNotifyCloseAf {
  static constexpr std::string_view kName = "ProtocolClNotifyCloseAf";
  NDIS_HANDLE client_af_context;
};
struct ProtocolClNotifyCloseAfRet {
  static constexpr std::string_view kName = "ProtocolClNotifyCloseAf:ret";
  NDIS_STATUS status;
  NDIS_HANDLE client_af_context;
};

// CoNDIS client: its own calls. `client_*_context` is the context it passed
// (its ClAf, ClSap or ClVc); the NDIS handle is the one it holds afterwards.
struct OwnNdisClOpenAddressFamilyEx {
  static constexpr std::string_view kName = "own:NdisClOpenAddressFamilyEx";
  NDIS_STATUS status;
  NDIS_HANDLE client_af_context;
  NDIS_HANDLE ndis_af_handle;  // as written by the call (nullptr unless it succeeded)
  ULONG address_family;
};
struct OwnNdisClCloseAddressFamily {
  static constexpr std::string_view kName = "own:NdisClCloseAddressFamily";
  NDIS_STATUS status;
  NDIS_HANDLE client_af_context;
  NDIS_HANDLE ndis_af_handle;
};
struct OwnNdisClNotifyCloseAddressFamilyComplete {
  static constexpr std::string_view kName = "own:NdisClNotifyCloseAddressFamilyComplete";
  NDIS_STATUS status;  // the status the client completed with
  NDIS_HANDLE client_af_context;
  NDIS_HANDLE ndis_af_handle;
};
struct OwnNdisClRegisterSap {
  static constexpr std::string_view kName = "own:NdisClRegisterSap";
  NDIS_STATUS status;
  NDIS_HANDLE client_sap_context;
  NDIS_HANDLE ndis_sap_handle;  // as written by the call
  ULONG sap_type;
};
struct OwnNdisClDeregisterSap {
  static constexpr std::string_view kName = "own:NdisClDeregisterSap";
  NDIS_STATUS status;
  NDIS_HANDLE client_sap_context;
  NDIS_HANDLE ndis_sap_handle;
};
struct OwnNdisCoCreateVc {
  static constexpr std::string_view kName = "own:NdisCoCreateVc";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
  NDIS_HANDLE ndis_vc_handle;  // as written by the call
};
struct OwnNdisCoDeleteVc {
  static constexpr std::string_view kName = "own:NdisCoDeleteVc";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisClMakeCall {
  static constexpr std::string_view kName = "own:NdisClMakeCall";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisClCloseCall {
  static constexpr std::string_view kName = "own:NdisClCloseCall";
  NDIS_STATUS status;
  NDIS_HANDLE client_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisClIncomingCallComplete {
  static constexpr std::string_view kName = "own:NdisClIncomingCallComplete";
  NDIS_STATUS status;  // the status the client accepted or rejected the call with
  NDIS_HANDLE client_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};

// ---------------------------------------------------------------------------
// Call managers (stand-alone CM and MCM): callbacks (contexts are the CM's
// own CmPort/CmAf/CmSap/CmVc).

struct ProtocolCmOpenAf {
  static constexpr std::string_view kName = "ProtocolCmOpenAf";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE call_mgr_binding_context;
  NDIS_HANDLE ndis_af_handle;
  NDIS_HANDLE call_mgr_af_context;  // what the handler wrote back
  ULONG address_family;             // 0 if NDIS passed no CO_ADDRESS_FAMILY
};
struct ProtocolCmCloseAf {
  static constexpr std::string_view kName = "ProtocolCmCloseAf";
  NDIS_HANDLE call_mgr_af_context;
};
struct ProtocolCmCloseAfRet {
  static constexpr std::string_view kName = "ProtocolCmCloseAf:ret";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_af_context;
};
struct ProtocolCmRegisterSap {
  static constexpr std::string_view kName = "ProtocolCmRegisterSap";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE call_mgr_af_context;
  NDIS_HANDLE ndis_sap_handle;
  NDIS_HANDLE call_mgr_sap_context;  // what the handler wrote back
  ULONG sap_type;                    // 0 if NDIS passed no CO_SAP
};
struct ProtocolCmDeregisterSap {
  static constexpr std::string_view kName = "ProtocolCmDeregisterSap";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_sap_context;
};
struct ProtocolCmMakeCall {
  static constexpr std::string_view kName = "ProtocolCmMakeCall";
  NDIS_HANDLE call_mgr_vc_context;
  NDIS_HANDLE call_mgr_party_context;
};
struct ProtocolCmMakeCallRet {
  static constexpr std::string_view kName = "ProtocolCmMakeCall:ret";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmCloseCall {
  static constexpr std::string_view kName = "ProtocolCmCloseCall";
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmCloseCallRet {
  static constexpr std::string_view kName = "ProtocolCmCloseCall:ret";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmIncomingCallComplete {
  static constexpr std::string_view kName = "ProtocolCmIncomingCallComplete";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmActivateVcComplete {
  static constexpr std::string_view kName = "ProtocolCmActivateVcComplete";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmDeactivateVcComplete {
  static constexpr std::string_view kName = "ProtocolCmDeactivateVcComplete";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_vc_context;
};
struct ProtocolCmNotifyCloseAfComplete {
  static constexpr std::string_view kName = "ProtocolCmNotifyCloseAfComplete";
  NDIS_STATUS status;
  NDIS_HANDLE call_mgr_af_context;
};

// Call managers: their own calls.
struct OwnNdisCmRegisterAddressFamilyEx {
  static constexpr std::string_view kName = "own:NdisCmRegisterAddressFamilyEx";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
  ULONG address_family;
};
struct OwnNdisMCmRegisterAddressFamilyEx {
  static constexpr std::string_view kName = "own:NdisMCmRegisterAddressFamilyEx";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
  ULONG address_family;
};
// The CM's own VC creation and deletion for incoming calls (NdisCoCreateVc /
// NdisMCmCreateVc and their delete forms).
struct OwnCreateVc {
  static constexpr std::string_view kName = "own:CreateVc";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_vc_handle;  // as written by the call
};
struct OwnDeleteVc {
  static constexpr std::string_view kName = "own:DeleteVc";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisCmDispatchIncomingCall {
  static constexpr std::string_view kName = "own:NdisCmDispatchIncomingCall";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_sap_handle;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisMCmDispatchIncomingCall {
  static constexpr std::string_view kName = "own:NdisMCmDispatchIncomingCall";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_sap_handle;
  NDIS_HANDLE ndis_vc_handle;
};
struct OwnNdisCmNotifyCloseAddressFamily {
  static constexpr std::string_view kName = "own:NdisCmNotifyCloseAddressFamily";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_af_handle;
};
struct OwnNdisMCmNotifyCloseAddressFamily {
  static constexpr std::string_view kName = "own:NdisMCmNotifyCloseAddressFamily";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_af_handle;
};

// ---------------------------------------------------------------------------
// NDIS 6 miniport edge (MCM and connection-oriented miniport).

struct MiniportSetOptions {
  static constexpr std::string_view kName = "MiniportSetOptions";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE ndis_driver_handle;
};
// The MCM records the initialize's entry and its return.
struct MiniportInitializeEx {
  static constexpr std::string_view kName = "MiniportInitializeEx";
  NDIS_HANDLE miniport_adapter_handle;
};
struct MiniportInitializeExRet {
  static constexpr std::string_view kName = "MiniportInitializeEx:ret";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
};
// The connection-oriented miniport records it once, after it returned.
struct CompMiniportInitializeEx {
  static constexpr std::string_view kName = "MiniportInitializeEx";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE miniport_adapter_handle;
};
struct MiniportHaltEx {
  static constexpr std::string_view kName = "MiniportHaltEx";
  NDIS_HANDLE miniport_adapter_context;
  NDIS_HALT_ACTION halt_action;
};
struct MiniportHaltExRet {
  static constexpr std::string_view kName = "MiniportHaltEx:ret";
  NDIS_HANDLE miniport_adapter_context;
};
struct MiniportCoCreateVc {
  static constexpr std::string_view kName = "MiniportCoCreateVc";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct MiniportCoDeleteVc {
  static constexpr std::string_view kName = "MiniportCoDeleteVc";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct MiniportCoActivateVc {
  static constexpr std::string_view kName = "MiniportCoActivateVc";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};
struct MiniportCoDeactivateVc {
  static constexpr std::string_view kName = "MiniportCoDeactivateVc";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_vc_context;
  NDIS_HANDLE ndis_vc_handle;
};

// ---------------------------------------------------------------------------
// NDIS 5 WAN protocol edge (NDISWAN's lower edge and the WAN protocol).

struct OwnNdisRegisterProtocol {
  static constexpr std::string_view kName = "own:NdisRegisterProtocol";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_protocol_handle;
};
struct ProtocolBindAdapter {
  static constexpr std::string_view kName = "ProtocolBindAdapter";
  NDIS_HANDLE bind_context;
  PNDIS_STRING device_name;
};
struct ProtocolOpenAdapterComplete {
  static constexpr std::string_view kName = "ProtocolOpenAdapterComplete";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
};
struct ProtocolUnbindAdapter {
  static constexpr std::string_view kName = "ProtocolUnbindAdapter";
  NDIS_HANDLE ndis_binding_handle;
  NDIS_HANDLE unbind_context;
};
struct ProtocolCloseAdapterComplete {
  static constexpr std::string_view kName = "ProtocolCloseAdapterComplete";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
};
struct ProtocolRequestComplete {
  static constexpr std::string_view kName = "ProtocolRequestComplete";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
  PNDIS_REQUEST request;
};
struct ProtocolStatus {
  static constexpr std::string_view kName = "ProtocolStatus";
  NDIS_STATUS general_status;
  NDIS_HANDLE ndis_binding_handle;
  PVOID status_buffer;
  UINT status_buffer_size;
};
struct ProtocolStatusComplete {
  static constexpr std::string_view kName = "ProtocolStatusComplete";
  NDIS_HANDLE ndis_binding_handle;
};
struct ProtocolWanReceive {
  static constexpr std::string_view kName = "ProtocolWanReceive";
  NDIS_HANDLE ndis_link_context;
  ULONG packet_size;
};
struct ProtocolWanSendComplete {
  static constexpr std::string_view kName = "ProtocolWanSendComplete";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
  PNDIS_WAN_PACKET packet;
};
// The WAN protocol's own send.
struct OwnNdisWanSend {
  static constexpr std::string_view kName = "own:NdisWanSend";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_binding_handle;
  NDIS_HANDLE ndis_link_handle;
  PNDIS_WAN_PACKET packet;
};

// ---------------------------------------------------------------------------
// NDIS 5 miniport edge: the WAN miniport, and NDISWAN's own virtual miniport
// (its upper edge, the Upper* types).

struct OwnNdisMRegisterMiniport {
  static constexpr std::string_view kName = "own:NdisMRegisterMiniport";
  NDIS_STATUS status;
  NDIS_HANDLE ndis_wrapper_handle;
};
struct MiniportInitialize {
  static constexpr std::string_view kName = "MiniportInitialize";
  NDIS_HANDLE miniport_adapter_handle;
  UINT medium_array_size;
};
struct MiniportInitializeRet {
  static constexpr std::string_view kName = "MiniportInitialize:ret";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
};
struct MiniportHalt {
  static constexpr std::string_view kName = "MiniportHalt";
  NDIS_HANDLE miniport_adapter_context;
};
struct MiniportISR {
  static constexpr std::string_view kName = "MiniportISR";
  NDIS_HANDLE miniport_adapter_context;
  BOOLEAN interrupt_recognized;
};
struct MiniportHandleInterrupt {
  static constexpr std::string_view kName = "MiniportHandleInterrupt";
  NDIS_HANDLE miniport_adapter_context;
};
struct MiniportQueryInformation {
  static constexpr std::string_view kName = "MiniportQueryInformation";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE miniport_adapter_context;
  NDIS_OID oid;
};
struct MiniportSetInformation {
  static constexpr std::string_view kName = "MiniportSetInformation";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE miniport_adapter_context;
  NDIS_OID oid;
};
struct MiniportReset {
  static constexpr std::string_view kName = "MiniportReset";
  NDIS_HANDLE miniport_adapter_context;
};
struct MiniportWanSend {
  static constexpr std::string_view kName = "MiniportWanSend";
  NDIS_STATUS status;  // what the handler returned
  NDIS_HANDLE miniport_adapter_context;
  NDIS_HANDLE ndis_link_handle;
  PNDIS_WAN_PACKET packet;
};

// The WAN miniport's own calls and indications.
struct OwnNdisMRegisterInterrupt {
  static constexpr std::string_view kName = "own:NdisMRegisterInterrupt";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
};
struct OwnNdisMWanIndicateReceive {
  static constexpr std::string_view kName = "own:NdisMWanIndicateReceive";
  NDIS_STATUS status;  // what NDISWAN wrote back
  NDIS_HANDLE miniport_adapter_handle;
  NDIS_HANDLE ndis_link_context;
  size_t packet_size;
};
// NDIS_STATUS_TAPI_INDICATION with an NDIS_TAPI_EVENT.
struct OwnTapiIndication {
  static constexpr std::string_view kName = "own:TapiIndication";
  HTAPI_LINE ht_line;
  HTAPI_CALL ht_call;
  ULONG_PTR param1;
  ULONG msg;
};
// NDIS_STATUS_WAN_LINE_UP with an NDIS_MAC_LINE_UP.
struct OwnLineUp {
  static constexpr std::string_view kName = "own:LineUp";
  NDIS_HANDLE ndis_link_handle;       // the miniport's link handle
  NDIS_HANDLE ndis_link_context;      // as NDISWAN wrote it back
  NDIS_HANDLE connection_wrapper_id;  // htCall (WAN-027)
  ULONG link_speed;
};
// NDIS_STATUS_WAN_LINE_DOWN with an NDIS_MAC_LINE_DOWN.
struct OwnLineDown {
  static constexpr std::string_view kName = "own:LineDown";
  NDIS_HANDLE ndis_link_handle;
  NDIS_HANDLE ndis_link_context;
};
struct OwnNdisMWanSendComplete {
  static constexpr std::string_view kName = "own:NdisMWanSendComplete";
  NDIS_STATUS status;  // the send's final status
  NDIS_HANDLE miniport_adapter_handle;
  PNDIS_WAN_PACKET packet;
};
struct OwnNdisMQueryInformationComplete {
  static constexpr std::string_view kName = "own:NdisMQueryInformationComplete";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
  NDIS_OID oid;
};
struct OwnNdisMSetInformationComplete {
  static constexpr std::string_view kName = "own:NdisMSetInformationComplete";
  NDIS_STATUS status;
  NDIS_HANDLE miniport_adapter_handle;
  NDIS_OID oid;
};
// The WAN miniport's dial on its NIC.
struct OwnNicDial {
  static constexpr std::string_view kName = "own:Nic.Dial";
  nic::OpStatus result;
};

// NDISWAN's virtual miniport (upper edge): NDIS calls these with no
// adapter context of interest, and NDISWAN records their entry.
struct UpperMiniportInitialize {
  static constexpr std::string_view kName = "MiniportInitialize";
  NDIS_HANDLE miniport_adapter_handle;
};
struct UpperMiniportHalt {
  static constexpr std::string_view kName = "MiniportHalt";
  NDIS_HANDLE miniport_adapter_handle;  // the handle NDISWAN held until then
};
struct UpperMiniportQueryInformation {
  static constexpr std::string_view kName = "MiniportQueryInformation";
  PVOID information_buffer;
  NDIS_OID oid;
};
struct UpperMiniportSetInformation {
  static constexpr std::string_view kName = "MiniportSetInformation";
  PVOID information_buffer;
  NDIS_OID oid;
};
struct UpperMiniportWanSend {
  static constexpr std::string_view kName = "MiniportWanSend";
  NDIS_HANDLE ndis_link_handle;
  PNDIS_WAN_PACKET packet;
};
// A send NDISWAN refused (WAN-033): no link up for the handle, or no packet.
struct OwnSendRefused {
  static constexpr std::string_view kName = "own:SendRefused";
  NDIS_HANDLE ndis_link_handle;
  PNDIS_WAN_PACKET packet;
};

}  // namespace ndisconf::drivers::logged

namespace ndisconf::drivers {

// What each reference driver records.
using ClientLog =
    CallLog<logged::ProtocolSetOptions, logged::ClientProtocolBindAdapterEx,
            logged::ProtocolUnbindAdapterEx, logged::ProtocolUnbindAdapterExRet,
            logged::ProtocolOpenAdapterCompleteEx, logged::ProtocolCloseAdapterCompleteEx,
            logged::ProtocolCoAfRegisterNotify, logged::ProtocolCoCreateVc,
            logged::ProtocolCoDeleteVc, logged::ProtocolClOpenAfCompleteEx,
            logged::ProtocolClCloseAfComplete, logged::ProtocolClRegisterSapComplete,
            logged::ProtocolClDeregisterSapComplete, logged::ProtocolClMakeCallComplete,
            logged::ProtocolClCloseCallComplete, logged::ProtocolClIncomingCall,
            logged::ProtocolClIncomingCloseCall, logged::ProtocolClCallConnected,
            logged::ProtocolClNotifyCloseAf, logged::ProtocolClNotifyCloseAfRet,
            logged::OwnNdisCloseAdapterEx, logged::OwnNdisClOpenAddressFamilyEx,
            logged::OwnNdisClCloseAddressFamily, logged::OwnNdisClNotifyCloseAddressFamilyComplete,
            logged::OwnNdisClRegisterSap, logged::OwnNdisClDeregisterSap, logged::OwnNdisCoCreateVc,
            logged::OwnNdisCoDeleteVc, logged::OwnNdisClMakeCall, logged::OwnNdisClCloseCall,
            logged::OwnNdisClIncomingCallComplete>;

// The stand-alone CM and the MCM share CmCore, and so one log type.
using CmLog = CallLog<
    // Common call-manager records (CmCore).
    logged::ProtocolCoCreateVc, logged::ProtocolCoDeleteVc, logged::ProtocolCmOpenAf,
    logged::ProtocolCmCloseAf, logged::ProtocolCmCloseAfRet, logged::ProtocolCmRegisterSap,
    logged::ProtocolCmDeregisterSap, logged::ProtocolCmMakeCall, logged::ProtocolCmMakeCallRet,
    logged::ProtocolCmCloseCall, logged::ProtocolCmCloseCallRet,
    logged::ProtocolCmIncomingCallComplete, logged::ProtocolCmActivateVcComplete,
    logged::ProtocolCmDeactivateVcComplete, logged::ProtocolCmNotifyCloseAfComplete,
    logged::OwnCreateVc, logged::OwnDeleteVc, logged::OwnNdisCmDispatchIncomingCall,
    logged::OwnNdisMCmDispatchIncomingCall, logged::OwnNdisCmNotifyCloseAddressFamily,
    logged::OwnNdisMCmNotifyCloseAddressFamily,
    // Stand-alone CM (protocol edge).
    logged::ProtocolSetOptions, logged::ProtocolBindAdapterEx, logged::ProtocolBindAdapterExRet,
    logged::ProtocolUnbindAdapterEx, logged::ProtocolUnbindAdapterExRet,
    logged::ProtocolOpenAdapterCompleteEx, logged::ProtocolCloseAdapterCompleteEx,
    logged::ProtocolCoAfRegisterNotify, logged::OwnNdisCloseAdapterEx,
    logged::OwnNdisCmRegisterAddressFamilyEx,
    // MCM (miniport edge).
    logged::MiniportSetOptions, logged::MiniportInitializeEx, logged::MiniportInitializeExRet,
    logged::MiniportHaltEx, logged::MiniportHaltExRet, logged::MiniportCoActivateVc,
    logged::MiniportCoDeactivateVc, logged::OwnNdisMCmRegisterAddressFamilyEx>;

using CompLog =
    CallLog<logged::MiniportSetOptions, logged::CompMiniportInitializeEx, logged::MiniportHaltEx,
            logged::MiniportCoCreateVc, logged::MiniportCoDeleteVc, logged::MiniportCoActivateVc,
            logged::MiniportCoDeactivateVc>;

using WanProtoLog =
    CallLog<logged::OwnNdisRegisterProtocol, logged::ProtocolBindAdapter,
            logged::ProtocolOpenAdapterComplete, logged::ProtocolRequestComplete,
            logged::ProtocolUnbindAdapter, logged::ProtocolCloseAdapterComplete,
            logged::ProtocolStatus, logged::ProtocolStatusComplete, logged::OwnNdisWanSend,
            logged::ProtocolWanSendComplete, logged::ProtocolWanReceive>;

using NdiswanLog = CallLog<
    // Lower edge: a protocol bound to WAN miniports.
    logged::OwnNdisRegisterProtocol, logged::ProtocolBindAdapter,
    logged::ProtocolOpenAdapterComplete, logged::ProtocolUnbindAdapter,
    logged::ProtocolCloseAdapterComplete, logged::ProtocolRequestComplete, logged::ProtocolStatus,
    logged::ProtocolStatusComplete, logged::ProtocolWanReceive, logged::ProtocolWanSendComplete,
    // Upper edge: its virtual miniport.
    logged::OwnNdisMRegisterMiniport, logged::UpperMiniportInitialize, logged::UpperMiniportHalt,
    logged::UpperMiniportQueryInformation, logged::UpperMiniportSetInformation,
    logged::UpperMiniportWanSend, logged::OwnSendRefused>;

using WmpLog =
    CallLog<logged::OwnNdisMRegisterMiniport, logged::MiniportInitialize,
            logged::MiniportInitializeRet, logged::MiniportHalt, logged::MiniportISR,
            logged::MiniportHandleInterrupt, logged::MiniportQueryInformation,
            logged::MiniportSetInformation, logged::MiniportReset, logged::MiniportWanSend,
            logged::OwnNdisMRegisterInterrupt, logged::OwnNdisMWanIndicateReceive,
            logged::OwnTapiIndication, logged::OwnLineUp, logged::OwnLineDown,
            logged::OwnNdisMWanSendComplete, logged::OwnNdisMQueryInformationComplete,
            logged::OwnNdisMSetInformationComplete, logged::OwnNicDial>;

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_LOGGED_H_
