// conformance/suites/roles/cmx_role.h: what the black-box suites of the two
// call-manager roles share (the spec's CMx: a stand-alone call manager,
// cm_role_test.cc, and a miniport call manager, mcm_role_test.cc).
//
// A client asks the same of both: open and close the AF, register SAPs,
// create VCs and make calls. The completion functions are the same too (an
// MCM's NdisMCm*Complete forms are the NdisCm* functions, condis.h), so the
// checks of those requests are written once, here, and each suite's
// TEST_Ps run them on its own topology. What differs (where the AF is
// registered, how the driver leaves: an unbind or a halt) stays in the
// suites. Nothing here reads the driver's configuration, log or state.
#ifndef NDISCONF_CONFORMANCE_SUITES_ROLES_CMX_ROLE_H_
#define NDISCONF_CONFORMANCE_SUITES_ROLES_CMX_ROLE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "conformance/framework/fixture.h"
#include "reference/drivers/client/client.h"

namespace ndisconf::conformance {

class CmxRole : public ConformanceTest {
 protected:
  // Builds the suite's topology with the driver under test, the reference
  // client (which opens every AF it is offered) and whatever else the role
  // needs, and runs it until nothing is left to do. Sets cmx_, client_id_,
  // client_ and adapter_.
  virtual void Build() = 0;

  drivers::Client& client() { return *client_; }
  // Runs a client request as the client, then everything it set off.
  template <class F>
  NDIS_STATUS AsClient(F&& f) {
    const NDIS_STATUS s = stack().As(client_id_, f);
    stack().Settle();
    return s;
  }

  // How many times the driver under test called (or was called through)
  // `fn`, and the index of its first such call (UINT64_MAX if none).
  size_t CmxCalls(Fn fn) const { return CountCalls(cmx_, fn); }
  uint64_t FirstCmxCall(Fn fn) const { return FirstCall(cmx_, fn); }
  // Whether every call of `inner` by the driver under test happened inside
  // one of NDIS's calls of its handler `outer` (between the handler's call
  // and return events), and there was at least one.
  ::testing::AssertionResult AllCallsInside(Fn inner, Fn outer) const;

  // The client was offered an AF by the driver under test, and the first
  // one it was offered (the one the tests use) is open.
  ::testing::AssertionResult FirstAfOpen();
  // The AFs the driver registered with `fn` are the ones its capability
  // profile declares (no check without a profile).
  void ExpectProfileAfs(Fn fn) const;

  // The checks both roles share; a TEST_P cites the rules in the comment
  // (tools/rule_index reads the citations from the TEST_P's body), calls
  // one and may add its own. Each ends the test NOT_APPLICABLE when the
  // profile declines the feature it needs (the caller checks IsSkipped()
  // before adding more).
  void OpensTheAfForTheClient();               // AF-033, AF-034, AF-036
  void ClosesTheAf();                          // AF-052, AF-053, AF-055
  void RegistersAndDeregistersASap();          // AF-083, AF-090
  void RefusesADuplicateSapWithInvalidData();  // AF-082
  void ClosesTheAfAfterARefusedSap();          // AF-053
  void CreatesAndDeletesAVc();                 // AF-104
  void MakesAndClosesACall();                  // AF-104

  ActorId cmx_ = kNoActor, client_id_ = kNoActor;
  ndis::AdapterId adapter_{};
  drivers::Client* client_ = nullptr;
};

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_SUITES_ROLES_CMX_ROLE_H_
