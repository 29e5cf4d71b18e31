// reference/drivers/common/ndis6_characteristics.h: the NDIS 6 characteristics and
// open parameters every reference CoNDIS driver starts from.
//
// Each structure comes back zeroed, with its NDIS_OBJECT_HEADER (type,
// revision 1, size) and, for driver characteristics, NDIS 6.0 and driver
// version 1 set. Handlers for events the reference drivers take no action on
// point to shared defaults (below); a driver then sets the handlers it
// implements, which overwrite them. The CO characteristics and the CoNDIS
// optional handler tables carry only their header: every member of those a
// driver registers is its own (AF-130, AF-131, AF-133).
#ifndef NDISCONF_REFERENCE_DRIVERS_COMMON_NDIS6_CHARACTERISTICS_H_
#define NDISCONF_REFERENCE_DRIVERS_COMMON_NDIS6_CHARACTERISTICS_H_

#include <ndis.h>

#include <vector>

namespace ndisconf::drivers {

// Protocol driver (NdisRegisterProtocolDriver). Defaults: NetPnPEvent returns
// NDIS_STATUS_SUCCESS; Uninstall, OidRequestComplete, StatusEx, receive and
// send-complete do nothing. The caller sets SetOptions, BindAdapterEx,
// UnbindAdapterEx, OpenAdapterCompleteEx, CloseAdapterCompleteEx and Name.
NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Ndis6ProtocolCharacteristics();

// CoNDIS protocol (NdisSetOptionalHandlers from ProtocolSetOptions, AF-137).
// Defaults: CoStatusEx, CoReceive and CoSendComplete do nothing; the caller
// sets CoAfRegisterNotify (AF-023).
NDIS_PROTOCOL_CO_CHARACTERISTICS Ndis6ProtocolCoCharacteristics();

// Miniport driver (NdisMRegisterMiniportDriver). Defaults: Pause and Restart
// return NDIS_STATUS_SUCCESS, OidRequest NDIS_STATUS_NOT_SUPPORTED, Reset
// NDIS_STATUS_SUCCESS without an addressing reset, CheckForHang FALSE; Unload,
// send, return, cancel-send, device PnP, shutdown and cancel-OID do nothing.
// The caller sets SetOptions, InitializeEx and HaltEx.
NDIS_MINIPORT_DRIVER_CHARACTERISTICS Ndis6MiniportCharacteristics();

// CoNDIS miniport (NdisSetOptionalHandlers from MiniportSetOptions): header
// only.
NDIS_MINIPORT_CO_CHARACTERISTICS Ndis6MiniportCoCharacteristics();

// NdisOpenAdapterEx parameters for the adapter named in `params` (NULL name
// when `params` is NULL), offering `media`; NDIS writes the chosen index to
// `*selected`. `media` and `selected` must outlive the call.
NDIS_OPEN_PARAMETERS Ndis6OpenParameters(PNDIS_BIND_PARAMETERS params,
                                         std::vector<NDIS_MEDIUM>& media, PUINT selected);

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMMON_NDIS6_CHARACTERISTICS_H_
