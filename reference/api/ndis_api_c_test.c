/* Compiles <ndis.h> as C11: the static_asserts on every struct size and
 * offset (spec 4.1) run in C as well as C++. */
#include <ndis.h>

_Static_assert(sizeof(NDIS_STATUS) == 4, "NDIS_STATUS is 32-bit");
_Static_assert(sizeof(NDIS_HANDLE) == 8, "handles are pointer-sized on x64");
_Static_assert(NDIS_STATUS_FAILURE == (NDIS_STATUS)0xC0000001L, "FAILURE value");

int main(void) {
  CO_ADDRESS_FAMILY af = {CO_ADDRESS_FAMILY_Q2931, 1, 0};
  return af.AddressFamily == 1 && af.MajorVersion == 1 ? 0 : 1;
}
