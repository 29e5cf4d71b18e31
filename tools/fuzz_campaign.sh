#!/usr/bin/env bash
# fuzz_campaign.sh: run a long libFuzzer campaign on one fuzz target and keep
# what it finds.
#
#   tools/fuzz_campaign.sh TARGET [SECONDS] [JOBS]
#
# TARGET is a fuzz target name, e.g. trace_check (built as
# //fuzz:TARGET_fuzzer under --config=fuzz: libFuzzer + ASan + UBSan, asserts
# live). Its committed corpus is corpora/TARGET/ plus the seed folders that
# //corpora:TARGET takes from elsewhere (e.g. conformance/trace/testdata), and
# its dictionary, if any, fuzz/TARGET.dict. New inputs go to out/fuzz/TARGET/new/ (a scratch corpus,
# outside git); at the end they are minimized against the committed corpus
# with libFuzzer's -merge=1 into out/fuzz/TARGET/merged/, for a person to
# review and commit (fuzzer-found inputs keep their hash names). Crashes,
# leaks and timeouts go to out/fuzz/TARGET/artifacts/; commit each as a
# regression seed once fixed. Exit status: 0 if the campaign found no crash,
# 1 if it did, 2 on a usage or build error.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac

target=$1
seconds=${2:-600}
jobs=${3:-1}
cd "$(dirname "$0")/.."
corpus=corpora/$target
[ -d "$corpus" ] || { echo "fuzz_campaign: no corpus folder $corpus" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz_campaign: SECONDS must be a number" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ ]] || { echo "fuzz_campaign: JOBS must be a number" >&2; exit 2; }

bazel build --config=fuzz "//fuzz:${target}_fuzzer" || exit 2
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz/${target}_fuzzer"
[ -x "$bin" ] || { echo "fuzz_campaign: built binary not found" >&2; exit 2; }

root=$(pwd)
out=$root/out/fuzz/$target
corpus=$root/$corpus
# Seed folders of //corpora:TARGET outside corpora/TARGET: read, never written.
seeds=()
while IFS= read -r dir; do
  [ "$dir" = "corpora/$target" ] || seeds+=("$root/$dir")
done < <(bazel query --noshow_progress "kind('source file', deps(//corpora:$target))" 2>/dev/null |
  sed -n 's#^//\([^:]*\):\(.*\)$#\1/\2#p' | xargs -r -n1 dirname | sort -u)
mkdir -p "$out/new" "$out/merged" "$out/artifacts"
dict=()
[ -f "fuzz/$target.dict" ] && dict=("-dict=$root/fuzz/$target.dict")

echo "fuzz_campaign: $target for ${seconds}s with $jobs job(s); corpus $corpus${seeds[*]:+ and ${seeds[*]}}"
status=0
# From $out: with -jobs, libFuzzer writes its fuzz-N.log files to the
# current directory, which must not be the source tree.
(cd "$out" && "$bin" "$out/new" "$corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" \
  -jobs="$jobs" -workers="$jobs" -artifact_prefix="$out/artifacts/" -print_final_stats=1) ||
  status=$?

# Keep only inputs that add coverage over the committed corpus. (From $out
# too, with the same artifact prefix: a crash during the merge writes a
# reproducer like any other.)
(cd "$out" && "$bin" -merge=1 -artifact_prefix="$out/artifacts/" "$out/merged" "$corpus" \
  "${seeds[@]}" "$out/new" >/dev/null 2>&1) || true
added=$(find "$out/merged" -type f | wc -l)
echo "fuzz_campaign: $added input(s) in $out/merged add coverage; review, then copy to $corpus"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$out/artifacts" 2>/dev/null)" ]; then
  echo "fuzz_campaign: crash or leak found: see $out/artifacts/" >&2
  exit 1
fi
exit 0
