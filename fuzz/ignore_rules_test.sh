#!/usr/bin/env bash
# NDISCONF_IGNORE_RULES and NDISCONF_EXPECTATIONS (fuzz/ignored_rules.h),
# through both targets' replay binaries: a seed that fails under a seeded bug
# passes with the broken rule ignored (among others, spaces allowed) or
# listed as a known failure; ignoring another rule changes nothing; a
# misspelt rule ID or a malformed expectations file stops the binary with
# exit 2 and names the problem.
# Then NDISCONF_WAN_STATS's line at exit.
# Usage: ignore_rules_test.sh AF_REPLAY WAN_REPLAY CORPUS_FILE...
set -uo pipefail
af_replay="$1"
wan_replay="$2"
shift 2
seed_named() {
  for f in "${@:2}"; do [[ "$f" == */"$1" ]] && { echo "$f"; return; }; done
}

# check REPLAY SEED IMPL RULE CHECK OTHER_RULE
check() {
  local replay="$1" seed="$2" rule="$4" check="$5" other="$6" out
  [[ -n "$seed" ]] || { echo "missing seed"; exit 1; }
  export NDISCONF_IMPL="$3"
  out="$("$replay" "$seed" 2>&1)" && { echo "$3: replay passed, want the $rule failure"; exit 1; }
  grep -q "^ndisconf-violation: $rule check=$check " <<<"$out" ||
    { echo "$3: no $rule line"; echo "$out"; exit 1; }
  NDISCONF_IGNORE_RULES="$other, $rule" "$replay" "$seed" >/dev/null 2>&1 ||
    { echo "$3: $rule ignored: replay still fails"; exit 1; }
  NDISCONF_IGNORE_RULES="$other" "$replay" "$seed" >/dev/null 2>&1 &&
    { echo "$3: $other ignored: $rule no longer fails"; exit 1; }
  out="$(NDISCONF_IGNORE_RULES="$rule,${rule%-*}-1" "$replay" "$seed" 2>&1)"
  [[ $? -eq 2 ]] || { echo "$3: a misspelt rule ID did not exit 2"; echo "$out"; exit 1; }
  grep -qF "NDISCONF_IGNORE_RULES: '${rule%-*}-1' is no rule ID of the catalog" <<<"$out" ||
    { echo "$3: no message naming the misspelt ID"; echo "$out"; exit 1; }
  # The same rule as a known failure of an expectations file.
  local exp="${TEST_TMPDIR:-/tmp}/expectations"
  printf '# known failures\n%s  not fixed yet\n' "$rule" >"$exp"
  NDISCONF_EXPECTATIONS="$exp" "$replay" "$seed" >/dev/null 2>&1 ||
    { echo "$3: $rule expected: replay still fails"; exit 1; }
  printf '%s\n' "$rule" >"$exp"
  out="$(NDISCONF_EXPECTATIONS="$exp" "$replay" "$seed" 2>&1)"
  [[ $? -eq 2 ]] || { echo "$3: a reasonless expectation did not exit 2"; echo "$out"; exit 1; }
  grep -qF "NDISCONF_EXPECTATIONS: $exp:1:$((${#rule} + 1)): expected the reason" <<<"$out" ||
    { echo "$3: no message naming the file, line and column"; echo "$out"; exit 1; }
  unset NDISCONF_IMPL
}

check "$af_replay" "$(seed_named af_lifecycle/s2_open_pended "$@")" bug-cm-open-complete-twice \
  AF-034 open-complete-exactly-once AF-040
wan_seed="$(seed_named wan_status/empty "$@")"
check "$wan_replay" "$wan_seed" bug-ndiswan-no-link-context WAN-024 '[a-z-]*' WAN-033

out="$(NDISCONF_WAN_STATS=1 "$wan_replay" "$wan_seed" 2>&1)"
grep -Eq '^wan_status: 1 inputs \(1 on the reused stack\), [0-9]+ events, [0-9.]+ per input$' <<<"$out" ||
  { echo "no stats line"; echo "$out"; exit 1; }
echo PASS
