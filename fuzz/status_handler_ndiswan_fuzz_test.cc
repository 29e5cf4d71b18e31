// Fuzz target: status indications straight into NDISWAN's lower-edge NDIS 5
// ProtocolStatus / ProtocolStatusComplete (reference/drivers/ndiswan, or
// NDISCONF_IMPL's NDISWAN), as a WAN miniport's NdisMIndicateStatus would
// reach it, each buffer in its own exactly-sized heap allocation; what
// NDISWAN forwards goes on to the protocol through the NDIS model. Input
// format, delivery and the write check (WAN-103: only a new link's
// NdisLinkContext and LINE_NEWCALL's ulParam2 may change):
// fuzz/status_handler_input.h; the corpus is status_handler's.
#include <cstddef>
#include <cstdint>

#include "fuzz/status_handler_input.h"
#include "fuzz/status_handler_reference.h"

namespace {
const ndisconf::fuzz::StatusHandlerTarget& Target() {
  static const ndisconf::fuzz::StatusHandlerTarget& t = ndisconf::fuzz::InitializeReferenceTarget(
      ndisconf::fuzz::ReferenceHandler::kNdiswan, "status_handler_ndiswan");
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Target();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ndisconf::fuzz::RunStatusHandlerInputOrAbort(data, size, Target());
  return 0;
}
