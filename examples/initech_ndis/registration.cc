// Initech's status path as an implementation under test, "initech-ndis":
// the reference drivers everywhere, on the model, with InitechStatusPath in
// front of its NDIS 5.1 functions (Boundary::SetWanHost).
#include <memory>

#include "conformance/framework/implementation.h"
#include "examples/initech_ndis/initech_ndis.h"

namespace {

using ndisconf::conformance::Implementation;
using ndisconf::conformance::RegisterImplementation;

const RegisterImplementation kInitechNdis(Implementation{
    .name = "initech-ndis",
    .description = "Initech's own NDIS 5.1 status path in front of the model (an example host)",
    // One object for both host interfaces (InstallHosts makes it the WAN
    // host too).
    .host = [](ndisconf::ndis::Model& model) -> std::unique_ptr<ndisconf::NdisHost> {
      return std::make_unique<initech::InitechStatusPath>(model);
    },
});

}  // namespace
