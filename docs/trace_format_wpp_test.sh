#!/bin/sh
# docs/trace_format.md's WPP example: its converter, run on its formatted log,
# writes exactly the trace the page shows (which the examples test checks).
# usage: trace_format_wpp_test.sh PATH/TO/trace_format.md
set -eu
page=$1
work=${TEST_TMPDIR:-$(mktemp -d)}
# The fenced block after the marker line `<!-- NAME -->` (other marker lines may follow it).
block() {
  awk -v m="<!-- $1 -->" '
    $0 == m { found = 1; next }
    found && !inside && /^```/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }
  ' "$page"
}
block wpp-log > "$work/mycm.log"
block wpp-converter > "$work/convert.sh"
block wpp-converted > "$work/expected.trace"
for f in mycm.log convert.sh expected.trace; do
  if [ ! -s "$work/$f" ]; then
    echo "FAIL: $page has no block for $f (marker missing?)"
    exit 1
  fi
done
(cd "$work" && sh convert.sh)
if ! cmp -s "$work/mycm.trace" "$work/expected.trace"; then
  echo "FAIL: the page's converter does not write the trace the page shows:"
  diff "$work/expected.trace" "$work/mycm.trace" || true
  exit 1
fi
echo "PASS: the WPP converter writes the page's trace ($(wc -l < "$work/mycm.trace") lines)"
