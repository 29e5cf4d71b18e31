#!/bin/bash
# tools/fuzz_campaign.sh with a stand-in fuzzer (NDISCONF_FUZZER): its
# arguments, the count of inputs that add coverage (new, distinct contents
# only, stable across runs), the progress lines and the log, and that the
# fuzzer and its workers die with the script, kill -9 included.
set -u
script="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; exit 1; }

root="$tmp/root"
mkdir -p "$root/tools" "$root/corpora/fake"
cp "$script" "$root/tools/fuzz_campaign.sh"
printf 'seed-a' > "$root/corpora/fake/seed_a"
printf 'seed-b' > "$root/corpora/fake/seed_b"

# The stand-in: in fuzz mode it writes status lines like libFuzzer's, starts
# a worker (as -jobs does), drops inputs into the scratch corpus (a copy of a
# committed seed, two new contents, one of them twice) and runs until
# -max_total_time; with -merge=1 it copies every input of the other folders
# into the first one under a content-hash name, as libFuzzer does.
fake="$tmp/fake_fuzzer"
cat > "$fake" <<'FAKE'
#!/bin/bash
merge=0; secs=1; dirs=()
for a in "$@"; do
  case "$a" in
    -merge=1) merge=1 ;;
    -max_total_time=*) secs=${a#*=} ;;
    -artifact_prefix=*) artifacts=${a#*=} ;;
    -*) ;;
    *) dirs+=("$a") ;;
  esac
done
if [ $merge -eq 1 ]; then
  for d in "${dirs[@]:1}"; do
    for f in "$d"/*; do [ -f "$f" ] && cp "$f" "${dirs[0]}/$(sha1sum < "$f" | cut -c1-40)"; done
  done
  exit 0
fi
if [ -n "${FAKE_CRASH:-}" ]; then
  echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow"; printf 'x' > "${artifacts}crash-0"; exit 1
fi
echo $$ > "$FAKE_PIDS/fuzzer"
sleep 1000 & echo $! > "$FAKE_PIDS/worker"
new=${dirs[0]}
printf 'seed-a' > "$new/copy_of_seed"
printf 'found-1' > "$new/f1"; printf 'found-1' > "$new/f1_again"; printf 'found-2' > "$new/f2"
for ((i = 1; i <= secs * 4; i++)); do
  printf '#%d\tpulse  cov: %d ft: %d corp: 3/21b lim: 4 exec/s: 100 rss: 30Mb\n' $((i * 100)) $((10 + i)) $((20 + i))
  sleep 0.25
done
kill "$(cat "$FAKE_PIDS/worker")"
exit 0
FAKE
chmod +x "$fake"
export NDISCONF_FUZZER="$fake" NDISCONF_FUZZ_PROGRESS_SECONDS=1 FAKE_PIDS="$tmp/pids"
mkdir -p "$FAKE_PIDS"
run() { "$root/tools/fuzz_campaign.sh" "$@"; }

# Usage errors exit 2 with a message.
run fake abc >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "bad SECONDS should exit 2"
grep -q "SECONDS must be a positive number" "$tmp/err" || fail "bad SECONDS: $(cat "$tmp/err")"
run nosuch 5 >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "unknown target should exit 2"
grep -q "no corpus folder corpora/nosuch" "$tmp/err" || fail "unknown target: $(cat "$tmp/err")"
run fake 5 0 >/dev/null 2>&1; [ $? -eq 2 ] || fail "JOBS=0 should exit 2"
run --help | grep -q "fuzz_campaign.sh TARGET \[SECONDS\] \[JOBS\]" || fail "--help"

# A run: short progress lines, libFuzzer's output in the log, two new inputs.
out=$(run fake 3 2>&1); rc=$?
[ $rc -eq 0 ] || fail "a clean campaign should exit 0, got $rc: $out"
echo "$out" | grep -qF "fuzz_campaign: libFuzzer's output goes to $root/out/fuzz/fake/fuzz.log (its workers'" ||
  fail "log location not said: $out"
echo "$out" | grep -q '^fuzz_campaign: [0-9]*s/3s #[0-9]* pulse cov: [0-9]* ft: [0-9]* corp: 3/21b exec/s: 100$' ||
  fail "no progress line: $out"
echo "$out" | grep -q '^#[0-9]' && fail "libFuzzer's lines dumped on the terminal: $out"
[ "$(grep -c '^#[0-9]' "$root/out/fuzz/fake/fuzz.log")" -eq 12 ] || fail "fuzz.log lacks the fuzzer's output"
echo "$out" | grep -q "^fuzz_campaign: 2 new input(s) add coverage: $root/out/fuzz/fake/added/;" ||
  fail "expected 2 new inputs (the seed copy and the duplicate not counted): $out"
[ "$(ls "$root/out/fuzz/fake/added" | wc -l)" -eq 2 ] || fail "added/ should hold 2 files"

# A second run finds the same two: the count does not grow.
out=$(run fake 1 2>&1)
echo "$out" | grep -q "^fuzz_campaign: 2 new input(s) add coverage" || fail "second run count: $out"

# A crash: exit 1, the artifact kept, the way to it said.
out=$(FAKE_CRASH=1 run fake 1 2>&1); rc=$?
[ $rc -eq 1 ] || fail "a crash should exit 1, got $rc"
echo "$out" | grep -qF "fuzz_campaign: crash or leak found: see $root/out/fuzz/fake/artifacts/" ||
  fail "crash not reported: $out"
[ -f "$root/out/fuzz/fake/artifacts/crash-0" ] || fail "crash artifact missing"
rm -f "$root/out/fuzz/fake/artifacts/crash-0"

# kill -9 of the script: the fuzzer and its worker die too.
rm -f "$FAKE_PIDS"/*
"$root/tools/fuzz_campaign.sh" fake 300 >/dev/null 2>&1 &
campaign=$!
# The waits below end as soon as the state is reached; their bounds (60 s)
# only matter on a loaded machine, where a tight bound made this test flaky.
for _ in $(seq 600); do [ -s "$FAKE_PIDS/worker" ] && break; sleep 0.1; done
[ -s "$FAKE_PIDS/worker" ] || fail "the stand-in fuzzer did not start"
fuzzer=$(cat "$FAKE_PIDS/fuzzer"); worker=$(cat "$FAKE_PIDS/worker")
kill -KILL "$campaign"
wait "$campaign" 2>/dev/null
for _ in $(seq 600); do
  kill -0 "$fuzzer" 2>/dev/null || kill -0 "$worker" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$fuzzer" 2>/dev/null && fail "the fuzzer outlived kill -9 of the script"
kill -0 "$worker" 2>/dev/null && fail "the fuzzer's worker outlived kill -9 of the script"

echo PASS
