#!/bin/bash
# The main job as a user runs it: where it writes, what it refuses, what it
# prints. Each check names the outcome it expects (exit code, message, file).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }
unset BUILD_WORKSPACE_DIRECTORY  # no default out/ndisconf

# Relative report paths are relative to where `bazel run` was typed
# (BUILD_WORKING_DIRECTORY), not to the runfiles tree the tool runs in.
wd="$tmp/wd"; mkdir -p "$wd"
out=$(cd / && BUILD_WORKING_DIRECTORY="$wd" "$bin" --json=rel.json --junit=sub/rel.xml \
  --coverage=cov.md 2>&1); rc=$?
[ $rc -eq 0 ] || fail "reference run should exit 0, got $rc: $out"
[ -s "$wd/rel.json" ] || fail "--json=rel.json not written to \$BUILD_WORKING_DIRECTORY/rel.json"
[ -s "$wd/sub/rel.xml" ] || fail "--junit=sub/rel.xml not written under \$BUILD_WORKING_DIRECTORY"
[ -s "$wd/cov.md" ] || fail "--coverage=cov.md not written to \$BUILD_WORKING_DIRECTORY"
[ ! -e /rel.json ] || fail "rel.json written to the tool's working directory"
echo "$out" | grep -qx "wrote $wd/rel.json" || fail "no 'wrote $wd/rel.json' line: $out"

echo PASS
