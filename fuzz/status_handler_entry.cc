// fuzz/status_handler_entry.cc: LLVMFuzzerTestOneInput of a third party's
// status_handler target, compiled once per target by
// ndisconf_status_handler_fuzzer (fuzz/status_handler.bzl) with these
// defines naming the handler under test:
//   NDISCONF_SH_SHAPE            0 = NDIS 5 ProtocolStatus, 1 = ProtocolStatusEx,
//                                2 = FilterStatus
//   NDISCONF_SH_EDGE             0 = above NDISWAN, 1 = above a WAN miniport
//   NDISCONF_SH_HANDLER          the handler's C symbol
//   NDISCONF_SH_COMPLETE         (NDIS 5, optional) ProtocolStatusComplete's symbol
//   NDISCONF_SH_CONTEXT_FACTORY  (optional) NDIS_HANDLE f(void), called per input
#include <ndis.h>

#include <cstddef>
#include <cstdint>

#include "fuzz/status_handler_input.h"

#if !defined(NDISCONF_SH_SHAPE) || !defined(NDISCONF_SH_EDGE) || !defined(NDISCONF_SH_HANDLER)
#error "compile through ndisconf_status_handler_fuzzer (fuzz/status_handler.bzl)"
#endif

extern "C" {
#if NDISCONF_SH_SHAPE == 0
VOID NDISCONF_SH_HANDLER(NDIS_HANDLE, NDIS_STATUS, PVOID, UINT);
#ifdef NDISCONF_SH_COMPLETE
VOID NDISCONF_SH_COMPLETE(NDIS_HANDLE);
#endif
#else
VOID NDISCONF_SH_HANDLER(NDIS_HANDLE, PNDIS_STATUS_INDICATION);
#endif
#ifdef NDISCONF_SH_CONTEXT_FACTORY
NDIS_HANDLE NDISCONF_SH_CONTEXT_FACTORY(void);
#endif
}

namespace {

ndisconf::fuzz::StatusHandlerTarget MakeTarget() {
  ndisconf::fuzz::StatusHandlerTarget t;
  t.shape = static_cast<ndisconf::fuzz::ShShape>(NDISCONF_SH_SHAPE);
  t.edge = static_cast<ndisconf::fuzz::ShEdge>(NDISCONF_SH_EDGE);
#if NDISCONF_SH_SHAPE == 0
  t.ndis5 = &NDISCONF_SH_HANDLER;
#ifdef NDISCONF_SH_COMPLETE
  t.ndis5_complete = &NDISCONF_SH_COMPLETE;
#endif
#else
  t.ndis6 = &NDISCONF_SH_HANDLER;
#endif
#ifdef NDISCONF_SH_CONTEXT_FACTORY
  t.context_factory = &NDISCONF_SH_CONTEXT_FACTORY;
#endif
  return t;
}

const ndisconf::fuzz::StatusHandlerTarget kTarget = MakeTarget();

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ndisconf::fuzz::RunStatusHandlerInputOrAbort(data, size, kTarget);
  return 0;
}
