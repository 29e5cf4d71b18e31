#!/usr/bin/env bash
# NDISCONF_WAN_IGNORE_RULES: the empty seed fails the replay under a seeded
# bug that breaks WAN-024; with WAN-024 ignored (among others, spaces
# allowed) it passes; ignoring another rule changes nothing. NDISCONF_WAN_STATS
# prints the run's count at exit.
set -uo pipefail
replay="$1"
shift
seed=""
for f in "$@"; do [[ "$f" == */empty ]] && seed="$f"; done
[[ -n "$seed" ]] || { echo "no corpora/wan_status/empty"; exit 1; }
export NDISCONF_IMPL=bug-ndiswan-no-link-context
out="$("$replay" "$seed" 2>&1)" && { echo "replay passed, want the WAN-024 failure"; exit 1; }
grep -q '^ndisconf-violation: WAN-024 ' <<<"$out" || { echo "no WAN-024 line"; echo "$out"; exit 1; }
NDISCONF_WAN_IGNORE_RULES="WAN-033, WAN-024" "$replay" "$seed" >/dev/null 2>&1 ||
  { echo "WAN-024 ignored: replay still fails"; exit 1; }
NDISCONF_WAN_IGNORE_RULES="WAN-033" "$replay" "$seed" >/dev/null 2>&1 &&
  { echo "WAN-033 ignored: WAN-024 no longer fails"; exit 1; }
out="$(NDISCONF_WAN_IGNORE_RULES=WAN-024 NDISCONF_WAN_STATS=1 "$replay" "$seed" 2>&1)"
grep -Eq '^wan_status: 1 inputs \(1 on the reused stack\), [0-9]+ events, [0-9.]+ per input$' <<<"$out" ||
  { echo "no stats line"; echo "$out"; exit 1; }
echo PASS
