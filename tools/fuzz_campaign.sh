#!/usr/bin/env bash
# fuzz_campaign.sh: run a long libFuzzer campaign on one fuzz target and keep
# what it finds.
#
#   tools/fuzz_campaign.sh TARGET [SECONDS] [JOBS]
#
# TARGET is a fuzz target name, e.g. trace_check (built as
# //fuzz:TARGET_fuzzer under --config=fuzz: libFuzzer + ASan + UBSan, asserts
# live). Its committed corpus is corpora/TARGET/ plus the seed folders that
# //corpora:TARGET takes from elsewhere (e.g. conformance/trace/testdata, read
# only), and its dictionary, if any, fuzz/TARGET.dict. New inputs go to
# out/fuzz/TARGET/new/ (a scratch corpus, outside git, kept across runs). While it runs, a progress line is printed
# every 10 seconds; libFuzzer's own output goes to out/fuzz/TARGET/fuzz.log
# (and, from its -jobs workers, fuzz-N.log beside it).
# At the end the inputs are merged against the committed corpus (-merge=1)
# and those that add coverage and are not already committed (by content) are
# put in out/fuzz/TARGET/added/ for a person to review and commit
# (fuzzer-found inputs keep their hash names). Crashes, leaks and timeouts go
# to out/fuzz/TARGET/artifacts/; commit each as a regression seed once fixed.
# The fuzzer dies with this script, even on kill -9. Exit status: 0 if the
# campaign found no crash, 1 if it did, 2 on a usage or build error.
# NDISCONF_FUZZER=PATH runs that binary instead of building one.
set -euo pipefail

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac
[ $# -le 3 ] || { echo "fuzz_campaign: too many arguments (see --help)" >&2; exit 2; }

target=$1
seconds=${2:-600}
jobs=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[[ "$target" =~ ^[a-z0-9_]+$ ]] || { echo "fuzz_campaign: bad TARGET '$target'" >&2; exit 2; }
corpus=$root/corpora/$target
[ -d "$corpus" ] || { echo "fuzz_campaign: no corpus folder corpora/$target" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz_campaign: SECONDS must be a positive number" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz_campaign: JOBS must be a positive number" >&2; exit 2; }
progress_every=${NDISCONF_FUZZ_PROGRESS_SECONDS:-10}

if [ -n "${NDISCONF_FUZZER:-}" ]; then
  bin=$NDISCONF_FUZZER
else
  bazel build --config=fuzz "//fuzz:${target}_fuzzer" || exit 2
  bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz/${target}_fuzzer"
fi
[ -x "$bin" ] || { echo "fuzz_campaign: no fuzzer binary at $bin" >&2; exit 2; }

out=$root/out/fuzz/$target
log=$out/fuzz.log
mkdir -p "$out/new" "$out/artifacts"
rm -rf "$out/merged" "$out/added" "$out"/fuzz-*.log
mkdir -p "$out/merged" "$out/added"
# Seed folders of //corpora:TARGET outside corpora/TARGET: read, never written.
seeds=()
if command -v bazel >/dev/null 2>&1; then
  while IFS= read -r dir; do
    [ "$dir" = "corpora/$target" ] || seeds+=("$root/$dir")
  done < <(bazel query --noshow_progress "kind('source file', deps(//corpora:$target))" \
    2>/dev/null | sed -n 's#^//\([^:]*\):\(.*\)$#\1/\2#p' | xargs -r -n1 dirname | sort -u)
fi
dict=()
[ -f "fuzz/$target.dict" ] && dict=("-dict=$root/fuzz/$target.dict")

# The fuzzer runs in its own process group (setsid), so it and the workers
# -jobs starts can be stopped together. It gets SIGKILL when this script
# dies (setpriv --pdeathsig), and a watchdog kills the whole group once this
# script is gone, however it ended (kill -9 included).
group=""
watchdog=""
stop_group() {
  if [ -n "$group" ]; then kill -KILL -- "-$group" 2>/dev/null || true; fi
  group=""
}
cleanup() {
  stop_group
  if [ -n "$watchdog" ]; then kill -KILL "$watchdog" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP

pdeathsig=()
command -v setpriv >/dev/null 2>&1 && pdeathsig=(setpriv --pdeathsig KILL --)

# The newest libFuzzer status line ("#N ... cov: ... ft: ... corp: ...") in
# its logs (with -jobs, each worker writes fuzz-N.log), shortened.
latest_status() {
  local f
  for f in "$log" "$out"/fuzz-*.log; do
    [ -f "$f" ] && tail -n 50 "$f" | grep -a '^#[0-9]' | tail -n 1
  done | tail -n 1 | sed -e 's/\t/ /g' -e 's/ lim: [^ ]*//' -e 's/ \(rss\|L\): .*//' -e 's/  */ /g'
}

# libFuzzer's closing line ("Done N runs in T second(s)"), else the last status.
final_status() {
  local done_line
  done_line=$(cat "$log" "$out"/fuzz-*.log 2>/dev/null | grep -a '^Done [0-9]* runs' | tail -n 1)
  echo "${done_line:-$(latest_status)}"
}

# run_fuzzer LOGFILE SHOW_PROGRESS ARGS...: runs the fuzzer from $out (with
# -jobs, libFuzzer writes fuzz-N.log to its working directory, which must not
# be the source tree); returns its exit status.
run_fuzzer() {
  local logfile=$1 show=$2
  shift 2
  (cd "$out" && exec setsid "${pdeathsig[@]}" "$bin" "$@") >"$logfile" 2>&1 &
  local pid=$!
  group=$pid
  local started=$SECONDS
  local script=$$
  (
    trap '' INT TERM HUP
    while kill -0 "$script" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  ) &
  watchdog=$!
  local next=$progress_every
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$show" = yes ] && [ $((SECONDS - started)) -ge "$next" ]; then
      next=$((next + progress_every))
      echo "fuzz_campaign: $((SECONDS - started))s/${seconds}s $(latest_status)"
    fi
  done
  local status=0
  wait "$pid" || status=$?
  stop_group  # the -jobs workers, if any outlived it
  kill -KILL "$watchdog" 2>/dev/null || true
  watchdog=""
  return "$status"
}

# Content hashes of the regular files under a folder, one per line, sorted.
hashes() { find "$@" -type f -exec sha256sum {} + | cut -d' ' -f1 | sort -u; }

echo "fuzz_campaign: $target for ${seconds}s with $jobs job(s); corpus corpora/$target${seeds[*]:+ and ${seeds[*]#$root/}}"
echo "fuzz_campaign: libFuzzer's output goes to $log (its workers': $out/fuzz-N.log)"
status=0
run_fuzzer "$log" yes "$out/new" "$corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" \
  -jobs="$jobs" -workers="$jobs" -artifact_prefix="$out/artifacts/" -print_final_stats=1 ||
  status=$?
echo "fuzz_campaign: finished (exit $status): $(final_status)"

# Keep only inputs that add coverage over the committed corpus: merge into a
# copy of it, then keep the inputs whose content is not committed. (A crash
# during the merge writes a reproducer like any other.)
cp -R "$corpus/." "$out/merged/"
for d in "${seeds[@]}"; do cp -R "$d/." "$out/merged/"; done
run_fuzzer "$out/merge.log" no -merge=1 -artifact_prefix="$out/artifacts/" "$out/merged" \
  "$out/new" || echo "fuzz_campaign: the merge failed; see $out/merge.log" >&2
# Count each content once, and none that is already committed (the merge
# folder starts as a copy of the corpus; a seed may also be rediscovered).
seen=$(hashes "$corpus" "${seeds[@]}")
while IFS= read -r f; do
  h=$(sha256sum "$f" | cut -d' ' -f1)
  grep -qx "$h" <<<"$seen" && continue
  seen+=$'\n'$h
  cp "$f" "$out/added/"
done < <(find "$out/merged" -type f | sort)
added=$(find "$out/added" -type f | wc -l)
echo "fuzz_campaign: $added new input(s) add coverage: $out/added/; review, then copy to corpora/$target"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$out/artifacts" 2>/dev/null)" ]; then
  echo "fuzz_campaign: crash or leak found: see $out/artifacts/ and $log" >&2
  exit 1
fi
exit 0
