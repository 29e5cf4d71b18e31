#!/usr/bin/env bash
# The HTML report (conformance/report/html.h) as a browser shows it: the example's main job
# writes the page for the reference and acme_cm in one run; headless Chromium loads it with
# the filters preset in its address, runs its script, and the rendered rows must be exactly
# the ones the filters select. Also writes a screenshot to the test's outputs
# (bazel-testlogs/docs/report_html_test/test.outputs/report.png) for a person to look at.
# Usage: report_html_test.sh MAIN_JOB
set -uo pipefail
main_job="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
shots="${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp}"
page="$tmp/report.html"

command -v chromium >/dev/null ||
  { echo "FAIL: chromium is not installed (tools/setup.sh installs it)"; exit 1; }
"$main_job" --impl=reference,acme_cm --html="$page" \
  '--replay-command=bazel run //examples/acme_cm --' >"$tmp/run.log" 2>&1
[[ $? -eq 1 ]] || { echo "FAIL: the run should exit 1 (acme_cm fails rules)"; tail "$tmp/run.log"; exit 1; }

chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}

# visible QUERY: the IDs of the rule rows the rendered page shows with ?QUERY, and its count line.
visible() {
  local dom
  dom="$(chrome --dump-dom "file://$page?$1")" || { echo "chromium failed"; return 1; }
  grep -o '<tr id="rule-[A-Z]*-[0-9]*"[^>]*>' <<<"$dom" | grep -v ' hidden=' |
    sed 's/<tr id="rule-\([A-Z]*-[0-9]*\)".*/\1/' | tr '\n' ' '
  grep -o 'id="shown">[^<]*' <<<"$dom" | sed 's/id="shown">//'
}

expect() {  # expect QUERY WANT
  local got
  got="$(visible "$1")"
  [[ "$got" == "$2" ]] || { echo "FAIL: ?$1 shows '$got', want '$2'"; exit 1; }
}

expect "verdict=FAIL" "AF-053 AF-061 AF-104 AF-121 4 of 169 rules shown"
expect "verdict=FAIL&family=WAN" "0 of 169 rules shown"
expect "verdict=FAIL&q=ndiscmnotifycloseaddressfamily" "AF-061 AF-121 2 of 169 rules shown"
all="$(visible "")"
[[ "$all" == *"169 of 169 rules shown" ]] || { echo "FAIL: unfiltered page shows '${all: -30}'"; exit 1; }

# The page leads with acme_cm's root causes, each linked to its rule.
dom="$(chrome --dump-dom "file://$page")"
grep -q '<li><a class="id" href="#rule-AF-061">AF-061</a> \[cm-unbind-closes-afs\]' <<<"$dom" ||
  { echo "FAIL: no root cause AF-061 linked to its rule"; exit 1; }
grep -q 'then: <a class="id" href="#rule-AF-121">AF-121</a>' <<<"$dom" ||
  { echo "FAIL: AF-121 is not grouped under AF-061"; exit 1; }
# A failing rule tells how to replay the test that failed it.
grep -qF "bazel run //examples/acme_cm -- --impl=acme_cm &apos;--gtest_filter=Impl/CmRole.UnbindNotifyClosesTheOpenAf/acme_cm&apos; --traces=out/traces" <<<"$dom" ||
  grep -qF "bazel run //examples/acme_cm -- --impl=acme_cm '--gtest_filter=Impl/CmRole.UnbindNotifyClosesTheOpenAf/acme_cm' --traces=out/traces" <<<"$dom" ||
  { echo "FAIL: no replay command for AF-061's failing test"; exit 1; }

chrome --window-size=1400,1100 --screenshot="$shots/report.png" "file://$page?verdict=FAIL" \
  >/dev/null || { echo "FAIL: no screenshot"; exit 1; }
[[ -s "$shots/report.png" ]] || { echo "FAIL: empty screenshot"; exit 1; }
echo PASS
