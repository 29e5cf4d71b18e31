#!/bin/bash
# A stand-in for a libFuzzer binary (tools/fuzz tests). Fuzzing: records its
# pid in $FAKE_PIDS, prints libFuzzer-like status lines, writes inputs
# "new-input-K" (K = 1..$FAKE_NEW) into the first corpus folder, then sleeps
# out -max_total_time. -merge=1: copies every input of the other folders that
# is not in the first under its SHA-1 name, slowly ($FAKE_MERGE_PAUSE).
# -runs=1 FILE: "crashes" with a violation line when FILE holds "bug".
merge=0; secs=1; dirs=(); runs=0
for a in "$@"; do
  case "$a" in
    -merge=1) merge=1 ;;
    -runs=*) runs=1 ;;
    -max_total_time=*) secs=${a#*=} ;;
    -*) ;;
    *) dirs+=("$a") ;;
  esac
done
[ -n "${FAKE_PIDS:-}" ] && echo $$ > "$FAKE_PIDS/$$"
if [ $runs -eq 1 ]; then
  if grep -q bug "${dirs[0]}"; then
    echo "ndisconf-violation: AF-040 check=fake_check event=3" >&2; kill -ABRT $$
  fi
  exit 0
fi
if [ $merge -eq 1 ]; then
  for d in "${dirs[@]:1}"; do
    for f in "$d"/*; do
      [ -f "$f" ] || continue
      h=$(sha1sum < "$f" | cut -c1-40)
      [ -e "${dirs[0]}/$h" ] && continue
      cat "$f" > "${dirs[0]}/$h"
      sleep "${FAKE_MERGE_PAUSE:-0}"
    done
  done
  exit 0
fi
echo "#2	INITED cov: 10 ft: 20 corp: 2/10b exec/s: 0 rss: 30Mb"
for k in $(seq 1 "${FAKE_NEW:-0}"); do
  printf 'new-input-%d\n' "$k" > "${dirs[0]}/in$k"
done
echo "#100	NEW    cov: 12 ft: 24 corp: 4/20b lim: 4 exec/s: 50 rss: 30Mb"
sleep "$secs"
echo "Done 100 runs in $secs second(s)"
echo "stat::number_of_executed_units: 100"
