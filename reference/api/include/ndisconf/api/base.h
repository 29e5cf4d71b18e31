/* ndisconf/api/base.h: Windows base types mapped for a Linux LP64 host.
 *
 * Spec section 0.3 (and OQ-36): Windows x64 is LLP64, Linux x86-64 is LP64,
 * so ULONG is uint32_t here (never `unsigned long`), and handles and
 * ULONG_PTR are pointer-sized. Every struct in this API is laid out with
 * these rules and static_assert-ed against the spec's x64 tables, so driver
 * code written for Windows sees the same sizes and offsets.
 *
 * Include <ndis.h>, not this file. */
#ifndef NDISCONF_API_BASE_H_
#define NDISCONF_API_BASE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define NDIS_EXTERN_C_BEGIN extern "C" {
#define NDIS_EXTERN_C_END }
#define NDIS_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define NDIS_EXTERN_C_BEGIN
#define NDIS_EXTERN_C_END
#define NDIS_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* SAL-style parameter annotations are documentation only. */
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

#define VOID void
typedef void* PVOID;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint16_t USHORT, *PUSHORT;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t UINT, *PUINT;
typedef int32_t LONG;
typedef uint64_t ULONG64, ULONGLONG;
typedef int64_t LONGLONG;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef uint16_t WCHAR, *PWCHAR, *PWSTR;
typedef char CHAR, *PCHAR;
typedef int64_t NDIS_PHYSICAL_ADDRESS; /* LARGE_INTEGER-sized. */

#ifndef TRUE
#define TRUE ((BOOLEAN)1)
#endif
#ifndef FALSE
#define FALSE ((BOOLEAN)0)
#endif

/* NDIS core typedefs (spec 4.1 "Typedefs"). */
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef int NDIS_STATUS, *PNDIS_STATUS;
typedef ULONG NDIS_OID, *PNDIS_OID;
typedef ULONG NDIS_AF, *PNDIS_AF;

/* Interrupt request levels. The model tracks the current IRQL of the
 * running code path; NDIS_CURRENT_IRQL() reads it (WDK: KeGetCurrentIrql). */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2

/* Counted UTF-16 string (UNICODE_STRING = NDIS_STRING). Length and
 * MaximumLength are in bytes. */
typedef struct _UNICODE_STRING {
  USHORT Length;
  USHORT MaximumLength;
  PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING, NDIS_STRING, *PNDIS_STRING;
NDIS_STATIC_ASSERT(sizeof(UNICODE_STRING) == 16, "UNICODE_STRING x64 size");

/* The model's stand-ins for I/O-manager objects. Drivers only pass
 * pointers to them through; their contents are private to the host. */
typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;

/* A driver's entry point, as the WDK's wdm.h declares it: NTSTATUS is a
 * LONG (ntdef.h) and NDIS_STATUS values are NTSTATUS values, so
 * STATUS_SUCCESS is NDIS_STATUS_SUCCESS. A driver may write either
 * `NTSTATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING)` or
 * `DRIVER_INITIALIZE DriverEntry;` before its definition. */
typedef LONG NTSTATUS;
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
typedef NTSTATUS DRIVER_INITIALIZE(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE* PDRIVER_INITIALIZE;

/* What drivers use from wdm.h and ntdef.h besides NDIS: doubly linked lists
 * with a sentinel head (LIST_ENTRY and the inline functions of wdm.h, same
 * names, arguments and results), CONTAINING_RECORD, FIELD_OFFSET and
 * UNREFERENCED_PARAMETER. Plain C, no NDIS call: nothing here crosses the
 * boundary or is recorded. */
typedef struct _LIST_ENTRY {
  struct _LIST_ENTRY* Flink;
  struct _LIST_ENTRY* Blink;
} LIST_ENTRY, *PLIST_ENTRY;
NDIS_STATIC_ASSERT(sizeof(LIST_ENTRY) == 16, "LIST_ENTRY x64 size");

#define CONTAINING_RECORD(address, type, field) \
  ((type*)((unsigned char*)(address)-offsetof(type, field)))
/* ntdef.h: a member's byte offset, as a LONG. */
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif

static inline VOID InitializeListHead(PLIST_ENTRY ListHead) {
  ListHead->Flink = ListHead->Blink = ListHead;
}
static inline BOOLEAN IsListEmpty(const LIST_ENTRY* ListHead) {
  return (BOOLEAN)(ListHead->Flink == ListHead);
}
/* Unlinks Entry; TRUE if the list is empty afterwards. */
static inline BOOLEAN RemoveEntryList(PLIST_ENTRY Entry) {
  PLIST_ENTRY Next = Entry->Flink, Prev = Entry->Blink;
  Prev->Flink = Next;
  Next->Blink = Prev;
  return (BOOLEAN)(Next == Prev);
}
/* On an empty list these return ListHead itself, as wdm.h's do. */
static inline PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Flink;
  RemoveEntryList(Entry);
  return Entry;
}
static inline PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Blink;
  RemoveEntryList(Entry);
  return Entry;
}
static inline VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY Last = ListHead->Blink;
  Entry->Flink = ListHead;
  Entry->Blink = Last;
  Last->Flink = Entry;
  ListHead->Blink = Entry;
}
static inline VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY First = ListHead->Flink;
  Entry->Flink = First;
  Entry->Blink = ListHead;
  First->Blink = Entry;
  ListHead->Flink = Entry;
}

#endif /* NDISCONF_API_BASE_H_ */
