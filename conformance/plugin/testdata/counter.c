/* A "driver" for plugin_test: global state with the names every plugged-in
 * driver tends to have, and a DriverEntry that changes it. Built twice, as
 * two isolated objects, into one test binary. */
#include <ndis.h>

int Loads;    /* zero-initialised (.bss) */
int Step = 7; /* initialised (.data) */
char Name[16] = "counter";
static int Calls; /* file-local */

int Bump(void) { return ++Calls; }

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  (void)DriverObject;
  (void)RegistryPath;
  Loads += Step;
  Step += 1;
  Name[0] = 'C';
  return (NTSTATUS)(Loads * 100 + Bump());
}
