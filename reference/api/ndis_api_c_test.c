/* Compiles <ndis.h> as C11: the static_asserts on every struct size and
 * offset (spec 4.1) run in C as well as C++. */
#include <ndis.h>
#include <ndistapi.h>
#include <ndiswan.h>

_Static_assert(sizeof(NDIS_STATUS) == 4, "NDIS_STATUS is 32-bit");
_Static_assert(sizeof(NDIS_HANDLE) == 8, "handles are pointer-sized on x64");
_Static_assert(NDIS_STATUS_WAN_LINE_UP == (NDIS_STATUS)0x40010008L, "LINE_UP value");
_Static_assert(NDIS_STATUS_TAPI_INDICATION == (NDIS_STATUS)0x40010080L, "TAPI_INDICATION value");
_Static_assert(OID_TAPI_GET_ID == 0x07030113, "OID_TAPI_GET_ID value");
_Static_assert(NDIS_STATUS_TAPI_NODEVICE == (NDIS_STATUS)0xC001201EL, "TAPI NODEVICE value");
_Static_assert(LINE_NEWCALL == 500, "LINE_NEWCALL");
_Static_assert(NDIS_STATUS_FAILURE == (NDIS_STATUS)0xC0000001L, "FAILURE value");

int main(void) {
  CO_ADDRESS_FAMILY af = {CO_ADDRESS_FAMILY_Q2931, 1, 0};
  return af.AddressFamily == 1 && af.MajorVersion == 1 ? 0 : 1;
}
