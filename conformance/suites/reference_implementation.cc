// The reference implementation under test: the NDIS model and the reference
// drivers, unmodified (every factory of Implementation left empty).
#include "conformance/framework/implementation.h"

namespace ndisconf::conformance {
namespace {

const RegisterImplementation kReference(Implementation{
    .name = "reference",
    .description = "the embedded reference NDIS model with the reference drivers",
});

}  // namespace
}  // namespace ndisconf::conformance
