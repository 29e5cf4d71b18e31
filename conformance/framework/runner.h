// conformance/framework/runner.h: the main job's driver.
//
// Runs the linked-in conformance suites against one implementation under
// test, then turns the per-test record (rules cited, result, monitor
// findings) into per-rule verdicts and writes them as a table, JSON and
// JUnit XML. `tools/ndisconf` is this function; each seeded-bug test is this
// function run with --impl=<variant> --expect-fail=<rule>.
#ifndef NDISCONF_CONFORMANCE_FRAMEWORK_RUNNER_H_
#define NDISCONF_CONFORMANCE_FRAMEWORK_RUNNER_H_

namespace ndisconf::conformance {

// Exit codes: 0 no rule FAILs (or, with --expect-fail, the named rule FAILs);
// 1 a rule FAILs (or the expected one does not); 2 usage or I/O error.
int RunnerMain(int argc, char** argv);

}  // namespace ndisconf::conformance

#endif  // NDISCONF_CONFORMANCE_FRAMEWORK_RUNNER_H_
