/* fuzz/examples/vpn_filter/vpn_filter_fixed.c: the example VPN filter's
 * FilterStatus as it should be (compare vpn_filter.c): every WAN status is
 * decoded only when StatusBufferSize covers its structure (NDIS_WAN_LINE_UP,
 * NDIS_WAN_LINE_DOWN, NDIS_WAN_FRAGMENT); a shorter buffer is counted and
 * dropped. //fuzz/examples/vpn_filter:vpn_filter_fixed replays the
 * reproducer and the whole status_handler corpus without a finding. */
#include <string.h>

#include "fuzz/examples/vpn_filter/vpn_filter.h"

static VPN_FILTER_MODULE g_module;

NDIS_HANDLE VpnFilterFixedContext(void) {
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

/* The structure NDISWAN indicates with `status`, or 0 for other codes. */
static ULONG NeededSize(NDIS_STATUS status) {
  switch (status) {
    case NDIS_STATUS_WAN_LINE_UP:
      return sizeof(NDIS_WAN_LINE_UP);
    case NDIS_STATUS_WAN_LINE_DOWN:
      return sizeof(NDIS_WAN_LINE_DOWN);
    case NDIS_STATUS_WAN_FRAGMENT:
      return sizeof(NDIS_WAN_FRAGMENT);
    default:
      return 0;
  }
}

VOID VpnFilterFixedStatus(NDIS_HANDLE FilterModuleContext,
                          PNDIS_STATUS_INDICATION StatusIndication) {
  VPN_FILTER_MODULE* m = (VPN_FILTER_MODULE*)FilterModuleContext;
  const ULONG needed = NeededSize(StatusIndication->StatusCode);
  VPN_LINK* link;
  if (needed == 0) return;
  if (StatusIndication->StatusBuffer == NULL || StatusIndication->StatusBufferSize < needed) {
    ++m->Malformed;
    return;
  }
  switch (StatusIndication->StatusCode) {
    case NDIS_STATUS_WAN_LINE_UP: {
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
    default: {
      PNDIS_WAN_FRAGMENT fragment = (PNDIS_WAN_FRAGMENT)StatusIndication->StatusBuffer;
      link = FindLink(m, fragment->RemoteAddress, FALSE);
      if (link != NULL) ++link->Fragments;
      return;
    }
  }
}
