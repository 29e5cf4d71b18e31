#!/usr/bin/env bash
# wan_status_random_walk's contract (§3): a seeded WAN bug is found with its
# rule line and the program count, exit 1; at the time limit it exits 0
# with the count; an unknown NDISCONF_IMPL exits 2 naming the
# implementations; a bad flag exits 2.
set -uo pipefail
walk="$1"
out="$(NDISCONF_IMPL=bug-ndiswan-no-link-context "$walk" --seed=1 --max_total_time=60 2>&1)"
rc=$?
[[ $rc == 1 ]] || { echo "bug variant: exit $rc, want 1"; echo "$out"; exit 1; }
grep -q '^ndisconf-violation: WAN-024 check=ndiswan-writes-unique-context event=[0-9]*$' \
  <<<"$out" || { echo "no WAN-024 line"; echo "$out"; exit 1; }
grep -q '^random-walk: programs=[1-9][0-9]*$' <<<"$out" || { echo "no program count"; exit 1; }
# The time limit: --max_total_time=0 runs no program, exit 0, count 0.
out="$(NDISCONF_IMPL=bug-ndiswan-no-link-context "$walk" --seed=1 --max_total_time=0 2>&1)"
rc=$?
[[ $rc == 0 ]] || { echo "time limit 0: exit $rc, want 0"; echo "$out"; exit 1; }
grep -q '^random-walk: programs=0$' <<<"$out" || { echo "time limit 0: count"; exit 1; }
out="$(NDISCONF_IMPL=no-such-impl "$walk" --seed=1 --max_total_time=1 2>&1)"
rc=$?
[[ $rc == 2 ]] || { echo "unknown impl: exit $rc, want 2"; exit 1; }
grep -q 'registered: reference' <<<"$out" || { echo "unknown impl: names not listed"; exit 1; }
"$walk" --seed=x --max_total_time=1 2>/dev/null
rc=$?
[[ $rc == 2 ]] || { echo "bad flag: exit $rc, want 2"; exit 1; }
echo PASS
