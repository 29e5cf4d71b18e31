// Fuzz target: status indications straight into the NDIS 5 ProtocolStatus /
// ProtocolStatusComplete of the protocol above NDISWAN
// (reference/drivers/wanproto, or NDISCONF_IMPL's protocol), each buffer in
// its own exactly-sized heap allocation. Input format, delivery and the
// write check (WAN-037 / WAN-042 / WAN-053: what a protocol may write into
// NDISWAN's buffers): fuzz/status_handler_input.h. The handler and its
// reused stack: fuzz/status_handler_reference.h. A third party's handler:
// fuzz/status_handler.bzl, docs/status_handler.md.
#include <cstddef>
#include <cstdint>

#include "fuzz/status_handler_input.h"
#include "fuzz/status_handler_reference.h"

namespace {
const ndisconf::fuzz::StatusHandlerTarget& Target() {
  static const ndisconf::fuzz::StatusHandlerTarget& t = ndisconf::fuzz::InitializeReferenceTarget(
      ndisconf::fuzz::ReferenceHandler::kWanProto, "status_handler");
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
