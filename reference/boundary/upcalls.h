// reference/boundary/upcalls.h: recording the calls NDIS makes into drivers.
//
// Private to the boundary library. When a driver hands NDIS a handler table
// (a registration's characteristics, an optional-handlers structure, a work
// item routine), the boundary's C function keeps the driver's table in a
// per-run slot and hands the host a copy in which each non-NULL handler the
// event schema (fn.cc) names is replaced by a thunk of that slot. A thunk
// records the upcall's call event, runs the driver's handler with the
// slot's driver as the current actor, and records the return. The host
// calls what it was given and records nothing.
//
// C function pointers carry no closure, so each slot has its own thunks
// (templates instantiated per slot index): a run can hand NDIS at most
// kMaxHandlerTables tables (boundary.h). Single-threaded, like the boundary.
#ifndef NDISCONF_BOUNDARY_UPCALLS_H_
#define NDISCONF_BOUNDARY_UPCALLS_H_

#include <ndis.h>

#include <cstddef>
#include <memory>

#include "reference/boundary/event.h"

namespace ndisconf::upcalls {

// Forgets every slot and work-item record (Boundary::BeginRun / EndRun).
void Reset();

// The slots taken so far, to come back to (Boundary::Checkpoint). Restore
// puts them back in place, even after a Reset and other runs' slots in
// between, and forgets slots and work-item records taken since.
struct SavedSlots;
std::shared_ptr<const SavedSlots> SaveSlots();
void RestoreSlots(const SavedSlots& saved);

// The copies handed to the host. Each takes a slot attributed to `actor`;
// `registration` marks a driver's registration table, the one
// NdisSetOptionalHandlers later finds by driver handle. `length` is the
// caller's size claim (Header.Size or CharacteristicsLength): no more than
// min(length, sizeof(T)) bytes of `chars` are read (and an NDIS 6
// structure's NDIS_OBJECT_HEADER in any case), the rest of the copy is
// zero. Returns NULL when every slot is taken. `chars` must not be NULL.
// The copy lives until the run ends.
PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Wrap(const NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars,
                                           size_t length, ActorId actor);
PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Wrap(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars,
                                           size_t length, ActorId actor);
PNDIS_MINIPORT_CHARACTERISTICS Wrap(const NDIS_MINIPORT_CHARACTERISTICS* chars, size_t length,
                                    ActorId actor);
PNDIS_PROTOCOL_CHARACTERISTICS Wrap(const NDIS_PROTOCOL_CHARACTERISTICS* chars, size_t length,
                                    ActorId actor);

// Names the driver whose registration table is `wrapped` (a copy returned
// by Wrap above): its driver handle, as the registration returned it.
void SetDriverHandle(const void* wrapped, const void* driver_handle);

// The actor of the driver whose registration the host named
// `driver_handle` (kNoActor when no registration of this run has it).
ActorId DriverActor(NDIS_HANDLE driver_handle);

// NdisSetOptionalHandlers: the structure to hand the host. `opt` itself
// when NULL or of a type with no handler the boundary records (the host
// rejects or ignores it); otherwise a wrapped copy attributed to `actor`,
// or NULL when every slot is taken.
PNDIS_DRIVER_OPTIONAL_HANDLERS WrapOptional(PNDIS_DRIVER_OPTIONAL_HANDLERS opt, ActorId actor);

// NdisQueueIoWorkItem: a record of (routine, context, actor), owned by the
// boundary until the run ends, to hand the host as the work item context
// with WorkItemThunk as the routine. The thunk records
// NdisIoWorkItemRoutine with the driver's context and runs the routine as
// `actor`.
PVOID WrapWorkItem(NDIS_IO_WORKITEM_ROUTINE routine, PVOID context, ActorId actor);
VOID WorkItemThunk(PVOID record, NDIS_HANDLE NdisIoWorkItemHandle);

}  // namespace ndisconf::upcalls

#endif  // NDISCONF_BOUNDARY_UPCALLS_H_
