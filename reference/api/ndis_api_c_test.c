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

/* A driver's list of its contexts, kept with the wdm.h list functions. */
typedef struct _ITEM {
  int Value;
  LIST_ENTRY Link;
} ITEM;

/* 0 if the list functions, CONTAINING_RECORD, FIELD_OFFSET and the helpers behave as
 * wdm.h's do; otherwise the number of the first check that failed. */
static int CheckHelpers(void) {
  LIST_ENTRY head;
  ITEM a = {1, {0, 0}}, b = {2, {0, 0}}, c = {3, {0, 0}};
  LONG count = 0;
  UNREFERENCED_PARAMETER(count);
  InitializeListHead(&head);
  if (!IsListEmpty(&head)) return 1;
  if (RemoveHeadList(&head) != &head) return 2; /* empty: the head itself */
  InsertTailList(&head, &b.Link);
  InsertHeadList(&head, &a.Link);
  InsertTailList(&head, &c.Link); /* a b c */
  if (CONTAINING_RECORD(head.Flink, ITEM, Link)->Value != 1) return 3;
  if (CONTAINING_RECORD(head.Blink, ITEM, Link)->Value != 3) return 4;
  if (FIELD_OFFSET(ITEM, Link) != 8) return 4; /* after int Value, 8-aligned on x64 */
  if (RemoveEntryList(&b.Link)) return 5;      /* a c: not empty */
  if (CONTAINING_RECORD(RemoveTailList(&head), ITEM, Link) != &c) return 6;
  if (!RemoveEntryList(&a.Link) || !IsListEmpty(&head)) return 7;
  if (NdisInterlockedIncrement(&count) != 1 || NdisInterlockedDecrement(&count) != 0) return 8;
  if (!NdisEqualMemory("abc", "abc", 3) || NdisEqualMemory("abc", "abd", 3)) return 9;
  return 0;
}

int main(void) {
  CO_ADDRESS_FAMILY af = {CO_ADDRESS_FAMILY_Q2931, 1, 0};
  if (af.AddressFamily != 1 || af.MajorVersion != 1) return 100;
  return CheckHelpers();
}
