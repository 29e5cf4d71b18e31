#!/usr/bin/env bash
# tools/coverage.sh: source-based line/region coverage of the project's own code.
#
# Usage: tools/coverage.sh [--html=DIR] [--corpus=PATH ...] [TARGET_PATTERN ...]
#        (default pattern: //...)
#
# --html=DIR also writes `llvm-cov-14 show -format=html` to DIR (DIR/index.html).
# --corpus=PATH (repeatable) runs each test binary with these paths as its
# arguments instead of none: meant for the fuzz replayers //fuzz:NAME_fuzz_test,
# so the report covers a campaign's working corpus (bazel run //tools/fuzz does this).
#
# Builds the cc_test targets matching the patterns with --config=coverage
# (-fprofile-instr-generate -fcoverage-mapping), runs each test binary with LLVM_PROFILE_FILE
# set, merges the profiles with llvm-profdata-14 and prints `llvm-cov-14 report` for the
# project's sources (external/, generated files and *_test.cc excluded). `bazel coverage` is
# not used: it needs coverage tools that cannot be downloaded here (docs/bazel_offline.md).
#
# Output: the report on stdout; profiles and the merged out/coverage/coverage.profdata under
# out/coverage/ (git-ignored), for `llvm-cov-14 show` by hand. Exits non-zero if a build or a
# test binary fails (the report is still printed when there is something to report).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
html=""
corpus=()
patterns=()
for arg in "$@"; do
  case "$arg" in
    --html=*) html=${arg#--html=} ;;
    --corpus=*) corpus+=("${arg#--corpus=}") ;;
    -*) echo "coverage: unknown option $arg" >&2; exit 2 ;;
    *) patterns+=("$arg") ;;
  esac
done
[ "${#patterns[@]}" -gt 0 ] || patterns=("//...")

for tool in bazel llvm-profdata-14 llvm-cov-14; do
  command -v "$tool" >/dev/null 2>&1 || { echo "coverage: $tool not found: run tools/setup.sh" >&2; exit 2; }
done

query="kind('cc_test rule', set(${patterns[*]}))"
mapfile -t tests < <(bazel query --noshow_progress "$query" 2>/dev/null)
[ "${#tests[@]}" -gt 0 ] || { echo "coverage: no cc_test matches: ${patterns[*]}" >&2; exit 2; }
echo "coverage: ${#tests[@]} test(s): ${tests[*]}" >&2

status=0
# --keep_going: a target that does not build is reported and skipped; the rest are measured.
bazel build --config=coverage --keep_going "${tests[@]}" || status=1
bin=$(bazel info --config=coverage bazel-bin 2>/dev/null)

out="$root/out/coverage"
rm -rf "$out"
mkdir -p "$out/profraw"

objects=()
for t in "${tests[@]}"; do
  rel=${t#//}
  exe="$bin/${rel/://}"
  [ -x "$exe" ] || { echo "coverage: no binary for $t at $exe" >&2; status=1; continue; }
  objects+=("$exe")
  name=${rel//[\/:]/_}
  # Run as bazel test would: from the runfiles tree, with its variables set.
  runfiles="$exe.runfiles"
  (
    cd "$runfiles/ndisconf" 2>/dev/null || cd "$root"
    TEST_SRCDIR="$runfiles" TEST_WORKSPACE=ndisconf TEST_TMPDIR="$(mktemp -d)" \
      LLVM_PROFILE_FILE="$out/profraw/$name-%p.profraw" "$exe" "${corpus[@]}" >"$out/$name.log" 2>&1
  ) || { echo "coverage: $t failed (log: $out/$name.log)" >&2; status=1; }
done

shopt -s nullglob
raws=("$out"/profraw/*.profraw)
[ "${#raws[@]}" -gt 0 ] || { echo "coverage: no profiles were written" >&2; exit 1; }
llvm-profdata-14 merge -sparse "${raws[@]}" -o "$out/coverage.profdata"

args=("${objects[0]}")
for o in "${objects[@]:1}"; do args+=(-object "$o"); done
llvm-cov-14 report -instr-profile="$out/coverage.profdata" \
  -ignore-filename-regex='(^|/)(external|bazel-out)/|_test\.(cc|c)$|^/usr/' "${args[@]}"
if [ -n "$html" ]; then
  mkdir -p "$html"
  llvm-cov-14 show -format=html -output-dir="$html" -instr-profile="$out/coverage.profdata" \
    -ignore-filename-regex='(^|/)(external|bazel-out)/|_test\.(cc|c)$|^/usr/' "${args[@]}"
  echo "coverage: HTML report: $html/index.html" >&2
fi
echo "coverage: merged profile: $out/coverage.profdata" >&2
exit "$status"
