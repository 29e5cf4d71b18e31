/* fuzz/examples/vpn_filter/vpn_filter.h: the per-module state of the example
 * VPN filter (an NDIS 6 filter above NDISWAN that tracks the WAN links
 * NDISWAN reports, e.g. to route tunnel traffic only over a link that is
 * up). Plain C, written against <ndis.h> only, as a third party's filter
 * would be. Two builds of its FilterStatus: vpn_filter.c (with the bug this
 * example is about) and vpn_filter_fixed.c. */
#ifndef NDISCONF_FUZZ_EXAMPLES_VPN_FILTER_VPN_FILTER_H_
#define NDISCONF_FUZZ_EXAMPLES_VPN_FILTER_VPN_FILTER_H_

#include <ndis.h>

#define VPN_FILTER_MAX_LINKS 4

typedef struct _VPN_LINK {
  BOOLEAN InUse;
  BOOLEAN Up;
  UCHAR RemoteAddress[6];
  ULONG LinkSpeed;
  USHORT SendWindow;
  USHORT ProtocolType;
  ULONG Fragments;
} VPN_LINK;

typedef struct _VPN_FILTER_MODULE {
  VPN_LINK Links[VPN_FILTER_MAX_LINKS];
  ULONG Malformed; /* indications dropped because their buffer was too small */
} VPN_FILTER_MODULE;

#endif /* NDISCONF_FUZZ_EXAMPLES_VPN_FILTER_VPN_FILTER_H_ */
