#!/usr/bin/env bash
# docs/plugging_in.md shows five outputs, each under an HTML comment naming the run
# ("<!-- output of //examples/acme_cm:acme_cm ... -->", "... acme_cm_fixed against
# acme_cm.expectations ...", "... //examples/globex_wan:globex_wan ...", "...
# globex_wan_fixed ...", "... //examples/initech_ndis:initech_ndis ..."). Every line of each
# block must be a line of that run's output, so the page cannot drift from what the tools
# print.
# Usage: plugging_in_test.sh PAGE ACME_CM ACME_CM_FIXED EXPECTATIONS GLOBEX_WAN GLOBEX_WAN_FIXED
#                            INITECH_NDIS
set -uo pipefail
page="$1" acme="$2" fixed="$3" expectations="$4" globex="$5" globex_fixed="$6" initech="$7"
export COLUMNS=100 NO_COLOR=1

# block MARKER: the lines of the fenced block after the comment containing MARKER.
block() {
  awk -v marker="$1" '
    index($0, "<!-- output of " marker) == 1 { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$page"
}

# check NAME MARKER OUTPUT: every line of the block is a line of OUTPUT.
check() {
  local lines missing=0
  lines="$(block "$2")"
  [[ -n "$lines" ]] || { echo "FAIL: no block after '<!-- output of $2'"; exit 1; }
  while IFS= read -r line; do
    grep -qxF -- "$line" <<<"$3" || { echo "FAIL: $1: not in the output: $line"; missing=1; }
  done <<<"$lines"
  if ((missing)); then
    echo "--- $1 printed:"
    echo "$3"
    exit 1
  fi
}

check acme_cm "//examples/acme_cm:acme_cm " "$("$acme" --impl=acme_cm 2>/dev/null)"
check acme_cm_fixed "//examples/acme_cm:acme_cm_fixed against" \
  "$("$fixed" --impl=acme_cm_fixed --expectations="$expectations" \
    '--update-command=bazel run //examples/acme_cm:acme_cm_update_expectations' 2>/dev/null)"
check globex_wan "//examples/globex_wan:globex_wan " "$("$globex" --impl=globex_wan 2>/dev/null)"
check globex_wan_fixed "//examples/globex_wan:globex_wan_fixed " \
  "$("$globex_fixed" --impl=globex_wan_fixed 2>/dev/null)"
check initech_ndis "//examples/initech_ndis:initech_ndis " \
  "$("$initech" --impl=initech-ndis 2>/dev/null)"
echo PASS
