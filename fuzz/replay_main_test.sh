#!/bin/bash
# Checks the corpus replayer's path handling and errors (fuzz/replay_main.cc):
# a relative path the user typed is read from BUILD_WORKING_DIRECTORY, a
# missing or empty corpus exits 1 with its name.
set -u
replay="$1"
fail() { echo "FAIL: $*"; exit 1; }
work="$TEST_TMPDIR/user"
mkdir -p "$work/seeds" "$work/empty"
printf 'abc' > "$work/seeds/a"
printf 'def' > "$work/seeds/b"

out=$(BUILD_WORKING_DIRECTORY="$work" "$replay" seeds 2>&1) || fail "relative corpus: $out"
[ "$out" = "replayed 2 input(s)" ] || fail "relative corpus: $out"

out=$(BUILD_WORKING_DIRECTORY="$work" "$replay" seeds/a 2>&1) || fail "relative file: $out"
[ "$out" = "replayed 1 input(s)" ] || fail "relative file: $out"

out=$(BUILD_WORKING_DIRECTORY="$work" "$replay" missing 2>&1); rc=$?
[ $rc -eq 1 ] || fail "missing path should exit 1, got $rc"
[ "$out" = "$work/missing: no corpus files" ] || fail "missing path: $out"

out=$(BUILD_WORKING_DIRECTORY="$work" "$replay" empty 2>&1); rc=$?
[ $rc -eq 1 ] || fail "empty corpus should exit 1, got $rc"
[ "$out" = "$work/empty: no corpus files" ] || fail "empty corpus: $out"

out=$("$replay" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "no argument should exit 2, got $rc"
echo PASS
