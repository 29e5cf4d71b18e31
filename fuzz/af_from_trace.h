// fuzz/af_from_trace.h: turns a recorded run (a conformance test's trace, or
// a driver's log in the trace format) into an af_lifecycle program, so that
// every conformance test's scenario becomes a seed of the fuzzer without
// anyone writing it by hand (`af_lifecycle_text from-trace`).
//
// A trace shows what crossed the NDIS boundary, not what a test asked its
// drivers to do, so the program is inferred:
//   - roles: a driver that calls NdisMRegisterMiniportDriver is a miniport,
//     an MCM if it also calls NdisMCmRegisterAddressFamilyEx; a protocol
//     that sets CM optional handlers (NDIS_OBJECT_TYPE_CO_CALL_MANAGER_
//     OPTIONAL_HANDLERS) or calls NdisCmRegisterAddressFamilyEx is a call
//     manager; one that sets client handlers or opens an AF is a client;
//   - each driver's load record carries the configuration its behaviour
//     shows: a CM that returns NDIS_STATUS_PENDING from ProtocolCmOpenAf gets
//     the pend-open_af bit, a client that refuses ProtocolClNotifyCloseAf the
//     refuse setting, a client that registers a SAP from inside its open's
//     completion the SAP-after-open bit, and so on (af_lifecycle_input.h);
//   - loads come in the order the drivers register, adapters in the order
//     MiniportInitializeEx runs;
//   - what a driver starts on its own, outside any other crossing (depth 0):
//     an unbind or halt NDIS starts, a client's close, SAP, VC and call
//     requests, a call manager's incoming call, become the matching records;
//     a pended operation's completion becomes RUN_ONE.
// Resource operands are the indices the runner will see (drivers and
// adapters in load order, a client's AFs, SAPs and VCs in creation order).
// The program does not replay the trace event for event (the reference
// drivers decide the calls in between); it drives the same scenario.
#ifndef NDISCONF_FUZZ_AF_FROM_TRACE_H_
#define NDISCONF_FUZZ_AF_FROM_TRACE_H_

#include <cstdint>
#include <vector>

#include "conformance/trace/trace.h"

namespace ndisconf::fuzz {

// The af_lifecycle program (binary form, no scheduler bytes) for `trace`.
// Empty when the trace has no CoNDIS driver to load.
std::vector<uint8_t> AfProgramFromTrace(const trace::Trace& trace);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_AF_FROM_TRACE_H_
