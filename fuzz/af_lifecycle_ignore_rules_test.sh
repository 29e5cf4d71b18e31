#!/usr/bin/env bash
# NDISCONF_AF_IGNORE_RULES: a seed that breaks AF-034 under the seeded bug
# fails the replay; with AF-034 ignored (among others, spaces allowed) it
# passes; ignoring another rule changes nothing.
set -uo pipefail
replay="$1"
shift
seed=""
for f in "$@"; do [[ "$f" == */s2_open_pended ]] && seed="$f"; done
[[ -n "$seed" ]] || { echo "no corpora/af_lifecycle/s2_open_pended"; exit 1; }
export NDISCONF_IMPL=bug-cm-open-complete-twice
out="$("$replay" "$seed" 2>&1)" && { echo "replay passed, want the AF-034 failure"; exit 1; }
grep -q '^ndisconf-violation: AF-034 check=open-complete-exactly-once' <<<"$out" ||
  { echo "no AF-034 line"; echo "$out"; exit 1; }
NDISCONF_AF_IGNORE_RULES="AF-040, AF-034" "$replay" "$seed" >/dev/null 2>&1 ||
  { echo "AF-034 ignored: replay still fails"; exit 1; }
NDISCONF_AF_IGNORE_RULES="AF-040" "$replay" "$seed" >/dev/null 2>&1 &&
  { echo "AF-040 ignored: AF-034 no longer fails"; exit 1; }
echo PASS
