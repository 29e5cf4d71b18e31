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

# An output that cannot be written is a usage error found before any test
# runs: exit 2, one precise message, no rule verdict, no report overwritten.
echo OLD > "$wd/keep.json"
: > "$tmp/afile"
out=$("$bin" --json="$wd/keep.json" --traces="$tmp/afile/traces" 2>"$tmp/err"); rc=$?
[ $rc -eq 2 ] || fail "unwritable --traces should exit 2, got $rc"
[ "$(cat "$tmp/err")" = "ndisconf: --traces=$tmp/afile/traces: cannot create folder $tmp/afile/traces: Not a directory" ] ||
  fail "unexpected --traces error: $(cat "$tmp/err")"
[ -z "$out" ] || fail "no verdict may be printed on an I/O error: $out"
[ "$(cat "$wd/keep.json")" = OLD ] || fail "the JSON report was overwritten"
# A trace that cannot be written once the tests run (here: its file name is
# taken by a folder) is an I/O error too: exit 2, the file named, no verdict.
mkdir -p "$tmp/traces/Impl_CloseAf_SyncCloseReachesCmWithItsContextAndGetsNoCompletion_reference.trace"
out=$("$bin" --json="$wd/keep.json" --traces="$tmp/traces" \
  --gtest_filter='Impl/CloseAf.SyncCloseReachesCmWithItsContextAndGetsNoCompletion/*' 2>"$tmp/err"); rc=$?
[ $rc -eq 2 ] || fail "a trace write failure should exit 2, got $rc"
[ "$(tail -n 1 "$tmp/err")" = "ndisconf: --traces=$tmp/traces: cannot write the trace $tmp/traces/Impl_CloseAf_SyncCloseReachesCmWithItsContextAndGetsNoCompletion_reference.trace; no report written" ] ||
  fail "unexpected trace write error: $(cat "$tmp/err")"
echo "$out" | grep -q " rules: " && fail "verdicts printed after a trace write failure: $out"
[ "$(cat "$wd/keep.json")" = OLD ] || fail "the JSON report was overwritten after a trace write failure"
"$bin" --json="$wd" 2>"$tmp/err" >/dev/null; rc=$?
[ $rc -eq 2 ] || fail "--json=<folder> should exit 2, got $rc"
[ "$(cat "$tmp/err")" = "ndisconf: --json=$wd: $wd is a folder" ] || fail "unexpected --json error: $(cat "$tmp/err")"
"$bin" --json="$wd/keep.json" --coverage="$tmp/afile/cov.md" 2>"$tmp/err" >/dev/null; rc=$?
[ $rc -eq 2 ] || fail "unwritable --coverage should exit 2, got $rc"
grep -q "^ndisconf: --coverage=$tmp/afile/cov.md: cannot create folder $tmp/afile: Not a directory$" "$tmp/err" ||
  fail "unexpected --coverage error: $(cat "$tmp/err")"
[ "$(cat "$wd/keep.json")" = OLD ] || fail "the JSON report was overwritten"
ls "$wd" | grep -q partial && fail "a .partial file was left behind"
# The default report folder (under `bazel run`, <workspace>/out/ndisconf) is
# checked the same way and named as the default.
BUILD_WORKSPACE_DIRECTORY="$tmp/afile" "$bin" 2>"$tmp/err" >/dev/null; rc=$?
[ $rc -eq 2 ] || fail "an unwritable default report folder should exit 2, got $rc"
[ "$(cat "$tmp/err")" = "ndisconf: default report $tmp/afile/out/ndisconf/reference.json: cannot create folder $tmp/afile/out/ndisconf: Not a directory" ] ||
  fail "unexpected default-report error: $(cat "$tmp/err")"

# A selection that names an unknown rule or selects nothing is an error
# (exit 2, what was wrong named), and no report is touched.
check_refused() {  # EXPECTED_STDERR ARGS...
  local want="$1"; shift
  out=$("$bin" --json="$wd/keep.json" "$@" 2>"$tmp/err"); rc=$?
  [ $rc -eq 2 ] || fail "$* should exit 2, got $rc"
  [ "$(cat "$tmp/err")" = "$want" ] || fail "$*: unexpected message: $(cat "$tmp/err")"
  echo "$out" | grep -q " rules: " && fail "$*: verdicts printed: $out"
  [ "$(cat "$wd/keep.json")" = OLD ] || fail "$*: the JSON report was overwritten"
}
check_refused "ndisconf: --rules: unknown rule prefix or ID 'XYZ' (prefixes: AF, WAN)" --rules=XYZ
check_refused "ndisconf: --rules: unknown rule prefix or ID 'AF-999' (prefixes: AF, WAN)" --rules=AF,AF-999
check_refused "ndisconf: --rules selects no rule (give prefixes such as AF,WAN or rule IDs)" --rules=
check_refused "ndisconf: --expect-fail=AF-034 is outside --rules" --rules=WAN --expect-fail=AF-034
check_refused "ndisconf: no test selected (check --gtest_filter); no report written" \
  --gtest_filter=NoSuchTest.Anywhere

# A rule ID selects that rule alone.
out=$("$bin" --rules=AF-034 2>/dev/null); rc=$?
[ $rc -eq 0 ] || fail "--rules=AF-034 should exit 0, got $rc"
echo "$out" | grep -q "^1 rules: 1 PASS, 0 ACCEPTABLE, 0 FAIL" || fail "--rules=AF-034 should report one PASS: $out"

# While the suite runs, stderr (not a terminal here) shows a progress line at
# every tenth of the tests and the failures, not GoogleTest's line per test.
"$bin" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || fail "reference run should exit 0, got $rc"
grep -q '^\[ RUN      \]\|^\[       OK \]' "$tmp/err" && fail "per-test RUN/OK lines printed"
[ "$(grep -c '^ndisconf: [0-9]*/[0-9]* tests run, 0 failed$' "$tmp/err")" -eq 10 ] ||
  fail "expected 10 progress lines: $(head -20 "$tmp/err")"
tail -1 "$tmp/err" | grep -q '^ndisconf: \([0-9]*\)/\1 tests run, 0 failed$' ||
  fail "last line should count every test: $(tail -1 "$tmp/err")"
"$bin" --impl=bug-cm-open-complete-twice >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "a seeded bug should exit 1, got $rc"
grep -q '^\[  FAILED  \] Impl/OpenAf\.' "$tmp/err" || fail "failed tests not named"
grep -q '^monitor: AF-034 \[open-complete-exactly-once\]' "$tmp/err" || fail "failure text not shown"
grep -q '^\[       OK \]' "$tmp/err" && fail "passing tests printed"
[ "$("$bin" --verbose 2>/dev/null | grep -c '^\[ RUN      \]')" -gt 100 ] || fail "--verbose should print every test"

# The table fits $COLUMNS, wraps instead of cutting, shows the reason of
# every INCONCLUSIVE rule, and carries no colour when not on a terminal.
out=$(COLUMNS=80 "$bin" 2>/dev/null)
long=$(echo "$out" | grep -v '^ndisconf: \|^wrote \|^note: \| rules: ' | awk 'length($0) > 80')
[ -z "$long" ] || fail "table lines wider than COLUMNS=80: $long"
echo "$out" | grep -q "$(printf '\033')" && fail "colour escapes written to a pipe"
inconclusive=$(echo "$out" | grep -c '^[A-Z]*-[0-9]* .* INCONCLUSIVE ')
[ "$inconclusive" -gt 0 ] || fail "expected INCONCLUSIVE rows in the reference run"
echo "$out" | awk -v n="$inconclusive" '
  / INCONCLUSIVE / && /^[A-Z]+-[0-9]+ / { pending = 1; rows++; next }
  /^[A-Z]+-[0-9]+ / { if (pending) missing++; pending = 0; next }
  /^ +why: / { if (pending) shown++; pending = 0 }
  END { exit !(rows == n && shown == n && missing == 0) }' ||
  fail "an INCONCLUSIVE row has no 'why:' reason"

# Several implementations in one run: a verdict column each, a report each
# under --out, one HTML page; the seeded bug's rule FAILs, so exit 1.
out=$("$bin" --impl=reference,bug-cm-open-complete-twice --rules=AF-034 --out="$tmp/several" \
  2>/dev/null); rc=$?
[ $rc -eq 1 ] || fail "a run with a failing implementation should exit 1, got $rc"
echo "$out" | grep -qx 'ID       LEVEL     reference  bug-cm-open-complete-twice  ' ||
  fail "no verdict column per implementation: $out"
echo "$out" | grep -qx 'AF-034   MUST      PASS       FAIL                        ' ||
  fail "AF-034 should be PASS and FAIL side by side: $out"
echo "$out" | grep -q '^  AF-034 \[open-complete-exactly-once\]: ' ||
  fail "no root cause for the seeded bug: $out"
for f in reference.json reference.junit.xml bug-cm-open-complete-twice.json report.html; do
  [ -s "$tmp/several/$f" ] || fail "--out with several implementations did not write $f"
done
grep -q '"root_causes": \[$' "$tmp/several/bug-cm-open-complete-twice.json" ||
  fail "the JSON report has no root causes"
out=$("$bin" --impl=reference,bug-cm-open-complete-twice --json="$tmp/x.json" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "--json with several implementations should exit 2, got $rc"
[ "$out" = "ndisconf: --json is for one implementation; with several, --out writes a report per implementation" ] ||
  fail "unexpected message for --json with several: $out"
out=$("$bin" --impl=reference,nope 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "ndisconf: unknown implementation 'nope' (see --list)" ] ||
  fail "an unknown name in --impl should exit 2 naming it, got $rc: $out"

echo PASS
