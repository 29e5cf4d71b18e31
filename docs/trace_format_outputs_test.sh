#!/bin/sh
# The trace_check output docs/trace_format.md shows is the output it gives.
# A ``` block whose first line is `$ bazel run //tools/trace_check -- FILE...`
# is run on the page's trace blocks marked `<!-- file: FILE -->`
# (s2_never_completed.trace: s2.trace without its last 4 lines, as the page
# says), and stdout and stderr together must equal the rest of the block.
# usage: trace_format_outputs_test.sh PATH/TO/trace_format.md PATH/TO/trace_check
set -eu
page=$1
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=${TEST_TMPDIR:-$(mktemp -d)}
awk -v dir="$work" '
  /^<!-- file: [^ ]+ -->$/ { name = $3; next }
  name != "" && /^```trace$/ { inside = 1; next }
  inside && /^```$/ { inside = 0; close(dir "/" name); name = ""; next }
  inside { print > (dir "/" name) }
' "$page"
head -n -4 "$work/s2.trace" > "$work/s2_never_completed.trace"
awk -v dir="$work" '
  /^```/ && !inside { inside = 1; plain = ($0 == "```"); first = 1; keep = 0; next }
  /^```$/ && inside { inside = 0; if (keep) close(dir "/expected." n); next }
  inside && plain && first {
    first = 0
    if ($0 ~ /^\$ bazel run \/\/tools\/trace_check -- /) {
      n++; keep = 1
      sub(/^\$ bazel run \/\/tools\/trace_check -- /, "")
      print > (dir "/command." n); close(dir "/command." n)
      printf "" > (dir "/expected." n)
    }
    next
  }
  inside && keep { print > (dir "/expected." n) }
' "$page"
count=0
for cmd in "$work"/command.*; do
  k=${cmd##*.}
  (cd "$work" && "$bin" $(cat "$cmd") > "out.$k" 2>&1) || true
  if ! cmp -s "$work/out.$k" "$work/expected.$k"; then
    echo "FAIL: trace_check $(cat "$cmd") prints, unlike the page:"
    diff "$work/expected.$k" "$work/out.$k" || true
    exit 1
  fi
  count=$((count + 1))
done
[ "$count" -ge 4 ] || { echo "FAIL: only $count trace_check commands found on the page"; exit 1; }
echo "PASS: $count trace_check outputs on the page match"
