#!/usr/bin/env bash
# tools/check_format.sh: checks that every C and C++ file git tracks follows .clang-format.
# Prints the files that do not and exits 1; exits 0 when all do. With --fix, rewrites them.
# CI runs it (.ci/run); run it before you commit.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  *) echo "usage: tools/check_format.sh [--fix]" >&2; exit 2 ;;
esac

command -v clang-format >/dev/null 2>&1 ||
  { echo "check_format: clang-format is not installed (tools/setup.sh installs it)" >&2; exit 2; }

mapfile -t files < <(git ls-files -- '*.c' '*.cc' '*.h')
bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done

if [ "${#bad[@]}" -eq 0 ]; then
  echo "check_format: ${#files[@]} files follow .clang-format"
  exit 0
fi
if [ "$fix" -eq 1 ]; then
  clang-format -i "${bad[@]}"
  echo "check_format: reformatted ${#bad[@]} files"
  exit 0
fi
printf 'check_format: not formatted: %s\n' "${bad[@]}" >&2
echo "check_format: ${#bad[@]} of ${#files[@]} files; fix with tools/check_format.sh --fix" >&2
exit 1
