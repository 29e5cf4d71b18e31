/* fuzz/examples/vpn_filter/vpn_filter.c: the example VPN filter's
 * FilterStatus, WITH A BUG: it reads the NDIS_WAN_LINE_UP / LINE_DOWN /
 * FRAGMENT fields after checking only that StatusBuffer is not NULL, never
 * that StatusBufferSize covers the structure. A short buffer makes it read
 * past the end of what NDIS handed it; //fuzz/examples/vpn_filter:vpn_filter
 * finds it (ASan heap-buffer-overflow), and the committed reproducer
 * (crash-short-line-up) replays it. The corrected version is
 * vpn_filter_fixed.c. */
#include "fuzz/examples/vpn_filter/vpn_filter.h"

#include <string.h>

static VPN_FILTER_MODULE g_module;

/* The FilterModuleContext FilterAttach would allocate, fresh for each input. */
NDIS_HANDLE VpnFilterContext(void) {
  NdisZeroMemory(&g_module, sizeof(g_module));
  return &g_module;
}

static VPN_LINK* FindLink(VPN_FILTER_MODULE* m, const UCHAR remote[6], BOOLEAN add) {
  int i;
  for (i = 0; i < VPN_FILTER_MAX_LINKS; ++i) {
    if (m->Links[i].InUse && memcmp(m->Links[i].RemoteAddress, remote, 6) == 0) return &m->Links[i];
  }
  if (!add) return NULL;
  for (i = 0; i < VPN_FILTER_MAX_LINKS; ++i) {
    if (!m->Links[i].InUse) {
      m->Links[i].InUse = TRUE;
      memcpy(m->Links[i].RemoteAddress, remote, 6);
      return &m->Links[i];
    }
  }
  return NULL;
}

VOID VpnFilterStatus(NDIS_HANDLE FilterModuleContext, PNDIS_STATUS_INDICATION StatusIndication) {
  VPN_FILTER_MODULE* m = (VPN_FILTER_MODULE*)FilterModuleContext;
  VPN_LINK* link;
  if (StatusIndication->StatusBuffer == NULL) return;
  switch (StatusIndication->StatusCode) {
    case NDIS_STATUS_WAN_LINE_UP: {
      /* BUG: StatusBufferSize is never compared with sizeof(NDIS_WAN_LINE_UP). */
      PNDIS_WAN_LINE_UP up = (PNDIS_WAN_LINE_UP)StatusIndication->StatusBuffer;
      link = FindLink(m, up->RemoteAddress, TRUE);
      if (link == NULL) return;
      link->Up = TRUE;
      if (up->LinkSpeed != 0) link->LinkSpeed = up->LinkSpeed;
      link->SendWindow = up->SendWindow;
      link->ProtocolType = up->ProtocolType;
      return;
    }
    case NDIS_STATUS_WAN_LINE_DOWN: {
      PNDIS_WAN_LINE_DOWN down = (PNDIS_WAN_LINE_DOWN)StatusIndication->StatusBuffer;
      link = FindLink(m, down->RemoteAddress, FALSE);
      if (link != NULL) link->Up = FALSE;
      return;
    }
    case NDIS_STATUS_WAN_FRAGMENT: {
      PNDIS_WAN_FRAGMENT fragment = (PNDIS_WAN_FRAGMENT)StatusIndication->StatusBuffer;
      link = FindLink(m, fragment->RemoteAddress, FALSE);
      if (link != NULL) ++link->Fragments;
      return;
    }
    default:
      return;
  }
}
