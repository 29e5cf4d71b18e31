// conformance/profile/profile.h: an implementation's capability profile.
//
// A driver team declares, in a checked-in JSON file, what its driver is and
// does, so that the suites judge it on that and not on what it never claimed:
//
//   {
//     "role": "call_manager",
//     "ndis_version": "6.0",
//     "address_families": ["Q2931"],
//     "features": {"saps": true, "calls": true},
//     "may_pend": ["open_af", "close_af"]
//   }
//
//   {
//     "role": "wan_miniport",
//     "ndis_version": "5.1",
//     "features": {"incoming_calls": false}
//   }
//
// role (required): the role it plays, as ndisconf_implementation spells it:
//   call_manager, mcm, client, wan_miniport or wan_protocol.
// ndis_version (required): "MAJOR.MINOR" of the NDIS it is written for: 6.0
//   or later for a call_manager, an mcm or a client (CoNDIS 6), 5.x for a
//   wan_miniport (NDIS WAN miniports register with NdisMRegisterMiniport)
//   or a wan_protocol (NDISWAN indicates NDIS_WAN_LINE_UP to NDIS 5.x
//   protocols).
// address_families (a call_manager's, an mcm's or a client's, required,
//   non-empty): the AFs a call manager registers, or a client opens when
//   offered, by name (Q2931, PPP, TAPI, TAPI_PROXY, ...: kAfNames) or as a
//   number. A wan_miniport or a wan_protocol has none, so no such field.
// features (optional), per role, each true by default:
//   call_manager and mcm: saps (it accepts SAP registrations), calls (it
//     serves the calls clients make);
//   wan_miniport: incoming_calls (it offers the NIC's incoming calls to
//     TAPI with LINE_NEWCALL once media detection is on);
//   client, wan_protocol: none (the field is an error).
//   The suites test what the other roles can ask of the driver, so these
//   are the features a profile can decline.
// may_pend (optional): the operations the driver may complete later, with
//   NDIS_STATUS_PENDING, where the spec allows that as well as finishing at
//   once (kCmMayPend, kWmpMayPend, kClMayPend). A test that sees the driver pend one
//   records the allowed way, and its rules are ACCEPTABLE rather than PASS,
//   with the field that justified it; an operation pended that the list
//   does not name fails the test (the driver does what its profile says it
//   does not). Absent: no claim, every allowed way is accepted. An mcm may
//   pend what a call_manager may; a wan_protocol has no such field.
//
// Tests that need something the profile does not offer are NOT_APPLICABLE,
// naming the profile field (docs/plugging_in.md, "Capability profile"). The
// file is read with nlohmann/json; every error names the file, the field and
// what was expected, and an unknown field is an error (a misspelt one would
// otherwise be ignored).
#ifndef NDISCONF_CONFORMANCE_PROFILE_PROFILE_H_
#define NDISCONF_CONFORMANCE_PROFILE_PROFILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::profile {

struct Features {
  bool saps = true;            // call_manager, mcm
  bool calls = true;           // call_manager, mcm
  bool incoming_calls = true;  // wan_miniport
};

struct CapabilityProfile {
  std::string role;
  int ndis_major = 0, ndis_minor = 0;
  std::vector<uint32_t> address_families;  // NDIS_AF values; none for a wan_miniport
  Features features;
  // may_pend as given, or nullopt when the profile has no such field.
  std::optional<std::vector<std::string>> may_pend;
};

// The operations may_pend can name, per role.
extern const std::string_view kCmMayPend[];
extern const size_t kCmMayPendCount;
extern const std::string_view kWmpMayPend[];
extern const size_t kWmpMayPendCount;
extern const std::string_view kClMayPend[];
extern const size_t kClMayPendCount;

// The known AF names and their NDIS_AF values (CO_ADDRESS_FAMILY_*).
struct AfName {
  std::string_view name;
  uint32_t value;
};
extern const AfName kAfNames[];
extern const size_t kAfNameCount;

// Parses `text`, the contents of `file` (named in messages only). On error
// returns false and sets `*error` to "FILE: ..." (or "FILE:LINE:COL: ..." for
// malformed JSON) naming the field and what was expected.
bool ParseProfile(std::string_view file, std::string_view text, CapabilityProfile* out,
                  std::string* error);

}  // namespace ndisconf::profile

#endif  // NDISCONF_CONFORMANCE_PROFILE_PROFILE_H_
