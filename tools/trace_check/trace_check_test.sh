#!/bin/bash
# Exit codes and output of trace_check: 0 clean, 1 violations (AF-120
# named), 2 malformed (file:line:col), 2 bad option; --help exits 0.
set -u
bin="$1"; data="$2"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
fail() { echo "FAIL: $*"; exit 1; }
"$bin" --help | grep -q "usage: trace_check" || fail "--help"
"$bin" "$data/s1_sync_open.trace" >/dev/null; [ $? -eq 0 ] || fail "clean trace should exit 0"
out=$("$bin" "$data/v_af120_close_adapter_with_af_open.trace"); rc=$?
[ $rc -eq 1 ] || fail "violating trace should exit 1, got $rc"
echo "$out" | grep -q "AF-120 client-closes-afs-before-close-adapter" || fail "AF-120 not printed: $out"
bad="${TEST_TMPDIR:-/tmp}/bad.trace"
printf 'ndisconf-trace 1\n0 call 1 NdisFoo irql=PASSIVE\n' > "$bad"
err=$("$bin" "$bad" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "malformed trace should exit 2, got $rc"
[ "$err" = "$bad:2:10: unknown function 'NdisFoo'" ] || fail "unexpected error text: $err"
"$bin" --close_with_children=sometimes "$data/s1_sync_open.trace" 2>/dev/null; [ $? -eq 2 ] || fail "bad option should exit 2"
"$bin" --close_with_children=ndis-checks --strict=true "$data/s4_client_close.trace" >/dev/null; [ $? -eq 0 ] || fail "S4 under ndis-checks+strict should be clean"
# A relative FILE is relative to where `bazel run` was typed.
abs_data=$(cd "$data" && pwd)
(cd / && BUILD_WORKING_DIRECTORY="$abs_data" "$abs_bin" s1_sync_open.trace >/dev/null); rc=$?
[ $rc -eq 0 ] || fail "relative FILE under BUILD_WORKING_DIRECTORY should exit 0, got $rc"
echo PASS
