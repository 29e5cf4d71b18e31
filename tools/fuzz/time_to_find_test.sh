#!/bin/bash
# time_to_find with stand-in binaries: a variant the fuzzer finds gets its
# seconds, one it misses "-", one where another rule fires shows that rule,
# and the summary counts only the right rule.
set -uo pipefail
cd "$TEST_SRCDIR/ndisconf" || exit 1
tmp=$(mktemp -d)
mkdir -p "$tmp/bin" "$tmp/repo/corpora/fake"
echo seed > "$tmp/repo/corpora/fake/seed"
# Both stand-ins: bug-a breaks AF-034, bug-b breaks AF-040 (the variant's
# own rule is AF-057, so that is "another rule"), anything else is clean.
for t in fuzzer random_walk; do
  cat > "$tmp/bin/fake_$t" <<'SH'
#!/bin/bash
case "$NDISCONF_IMPL" in
  bug-a) echo "ndisconf-violation: AF-034 check=x event=1" >&2; exit 1 ;;
  # Found only when run with the target's dictionary and .options flags.
  bug-d) case " $* " in *" -dict="*"/fake.dict "*"-entropic=0 "*)
           echo "ndisconf-violation: AF-011 check=z event=1" >&2; exit 1 ;; esac ;;
  bug-b) echo "ndisconf-violation: AF-040 check=y event=2" >&2; exit 1 ;;
esac
exit 0
SH
  chmod +x "$tmp/bin/fake_$t"
done
printf '"x"\n' > "$tmp/bin/fake.dict"
printf '[libfuzzer]\nentropic = 0\n' > "$tmp/bin/fake.options"
out=$(BUILD_WORKSPACE_DIRECTORY="$tmp/repo" PYTHONPATH=. python3 tools/fuzz/time_to_find.py fake \
  --time=1 --bin-dir="$tmp/bin" --variants=bug-a:AF-034,bug-b:AF-057,bug-c:AF-090,bug-d:AF-011 2>&1)
rc=$?
fail() { echo "FAIL: $1"; echo "$out"; exit 1; }
[ $rc -eq 0 ] || fail "exit $rc"
grep -qE '^\| bug-a \| AF-034 \| [0-9]+\.[0-9] \| [0-9]+\.[0-9] \|$' <<<"$out" || fail "bug-a row"
grep -qF '| bug-b | AF-057 | - (AF-040) | - (AF-040) |' <<<"$out" || fail "bug-b row"
grep -qF '| bug-c | AF-090 | - | - |' <<<"$out" || fail "bug-c row"
grep -qE '^\| bug-d \| AF-011 \| [0-9]+\.[0-9] \| - \|$' <<<"$out" || fail "bug-d row (dict, options)"
grep -qE '^fuzzer: 2/4 found, median [0-9.]+ s, max [0-9.]+ s; random walk: 1/4 found' <<<"$out" ||
  fail "summary"
printf 'entropic = 0\n' > "$tmp/bin/fake.options"
out=$(BUILD_WORKSPACE_DIRECTORY="$tmp/repo" PYTHONPATH=. python3 tools/fuzz/time_to_find.py fake \
  --time=1 --bin-dir="$tmp/bin" --variants=bug-a:AF-034 2>&1)
[ $? -ne 0 ] && grep -qF "$tmp/bin/fake.options: " <<<"$out" || fail "malformed .options accepted"
rm "$tmp/bin/fake.options"
out=$(BUILD_WORKSPACE_DIRECTORY="$tmp/repo" PYTHONPATH=. python3 tools/fuzz/time_to_find.py fake \
  --time=1 --bin-dir="$tmp/bin" --variants=nocolon 2>&1)
[ $? -ne 0 ] && grep -q "NAME:RULE" <<<"$out" || fail "malformed --variants accepted"
rm -rf "$tmp"
echo PASS
