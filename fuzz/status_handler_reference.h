// fuzz/status_handler_reference.h: the handlers of the default status_handler
// targets (fuzz/status_handler_input.h), taken from the implementation under
// test (NDISCONF_IMPL, contract 2; default the reference):
//   - the protocol above NDISWAN (reference/drivers/wanproto): its NDIS 5
//     ProtocolStatus / ProtocolStatusComplete on its binding to NDISWAN's
//     virtual adapter (edge: above NDISWAN);
//   - NDISWAN (reference/drivers/ndiswan): its lower-edge ProtocolStatus /
//     ProtocolStatusComplete on its binding to the WAN miniport (edge: above
//     a WAN miniport); what it forwards reaches the protocol through the
//     reference NDIS model.
// The WAN stack (NIC, WMP, NDISWAN, protocol over the NDIS model) is built
// once per process, the first time a target is asked for; each input starts
// from the drivers' ResetStatusState (the context factory), so no stack is
// built per input. No monitor and no event sink watch the stack: the oracle
// is the sanitizers and the harness's write check (status_handler_input.h).
// Handlers run as their driver (the boundary's actor stack), as when the
// model calls them.
#ifndef NDISCONF_FUZZ_STATUS_HANDLER_REFERENCE_H_
#define NDISCONF_FUZZ_STATUS_HANDLER_REFERENCE_H_

#include "conformance/framework/implementation.h"
#include "fuzz/status_handler_input.h"
#include "reference/stack/wan_stack.h"

namespace ndisconf::fuzz {

enum class ReferenceHandler : uint8_t { kWanProto, kNdiswan };

// The target for `which` handler of `impl`'s stack. Builds the stack on the
// first call for `impl` (a call for another implementation replaces it, so
// targets of an earlier call stop being valid); returns false with a
// message on stderr when the stack cannot be built.
[[nodiscard]] bool ReferenceStatusHandler(const conformance::Implementation& impl,
                                          ReferenceHandler which, StatusHandlerTarget* out);

// The stack of the last successful ReferenceStatusHandler (tests read the
// drivers' counters from it).
const stack::WanTopology& ReferenceTopology();
const ndis::Model& ReferenceModel();

// LLVMFuzzerInitialize's body for a default target: resolves NDISCONF_IMPL
// (an unknown name: the registered names on stderr, exit 2) and builds the
// target (exit 2 when it cannot be built). Returns the target.
const StatusHandlerTarget& InitializeReferenceTarget(ReferenceHandler which, const char* name);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_STATUS_HANDLER_REFERENCE_H_
