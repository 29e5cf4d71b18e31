#!/bin/bash
# Exit codes and output of trace_check: 0 clean, 1 violations (AF-120
# named), 2 malformed (file:line:col), 2 bad option; --help exits 0.
set -u
bin="$1"; data="$2"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
fail() { echo "FAIL: $*"; exit 1; }
"$bin" --help | grep -q "usage: trace_check" || fail "--help"
"$bin" "$data/s1_sync_open.trace" >/dev/null; [ $? -eq 0 ] || fail "clean trace should exit 0"
out=$("$bin" "$data/v_af120_close_adapter_with_af_open.trace"); rc=$?
[ $rc -eq 1 ] || fail "violating trace should exit 1, got $rc"
echo "$out" | grep -q "AF-120 client-closes-afs-before-close-adapter" || fail "AF-120 not printed: $out"
bad="${TEST_TMPDIR:-/tmp}/bad.trace"
printf 'ndisconf-trace 1\n0 call 1 NdisFoo irql=PASSIVE\n' > "$bad"
err=$("$bin" "$bad" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "malformed trace should exit 2, got $rc"
[ "$err" = "$bad:2:10: unknown function 'NdisFoo'" ] || fail "unexpected error text: $err"
"$bin" --close_with_children=sometimes "$data/s1_sync_open.trace" 2>/dev/null; [ $? -eq 2 ] || fail "bad option should exit 2"
"$bin" --close_with_children=ndis-checks --strict=true "$data/s4_client_close.trace" >/dev/null; [ $? -eq 0 ] || fail "S4 under ndis-checks+strict should be clean"
# A relative FILE is relative to where `bazel run` was typed.
abs_data=$(cd "$data" && pwd)
(cd / && BUILD_WORKING_DIRECTORY="$abs_data" "$abs_bin" s1_sync_open.trace >/dev/null); rc=$?
[ $rc -eq 0 ] || fail "relative FILE under BUILD_WORKING_DIRECTORY should exit 0, got $rc"
tmp="${TEST_TMPDIR:-/tmp}"

# Event indices must increase: a repeated or smaller index is malformed.
printf 'ndisconf-trace 1\ndriver 1 cl\n0 call cl NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n0 ret cl NdisCloseAdapterEx irql=PASSIVE status=SUCCESS\n' > "$tmp/dup.trace"
err=$("$bin" "$tmp/dup.trace" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "a repeated event index should exit 2, got $rc"
[ "$err" = "$tmp/dup.trace:4:1: event index 0 is used twice" ] || fail "repeated index: $err"
printf 'ndisconf-trace 1\ndriver 1 cl\n5 call cl NdisCloseAdapterEx irql=PASSIVE NdisBindingHandle=0x1\n4 ret cl NdisCloseAdapterEx irql=PASSIVE status=SUCCESS\n' > "$tmp/back.trace"
err=$("$bin" "$tmp/back.trace" 2>&1 >/dev/null)
[ "$err" = "$tmp/back.trace:4:1: event index 4 after event 5: indices must increase" ] || fail "decreasing index: $err"

# Violations print in event order, whatever order the monitor found them in:
# the open pended at event 29 is reported at the end of the run (AF-034),
# the stray return at event 32 while replaying (MON-001).
{ cat "$data/v_af034_open_never_completed.trace"
  echo "32 ret cl NdisClCloseAddressFamily irql=PASSIVE status=SUCCESS"; } > "$tmp/order.trace"
out=$("$bin" "$tmp/order.trace"); rc=$?
[ $rc -eq 1 ] || fail "order.trace should exit 1, got $rc"
found=$(echo "$out" | grep ': event ' | sed 's/.*: event \([0-9]*\): \([A-Z0-9-]*\) .*/\1 \2/')
[ "$found" = "29 AF-034
32 MON-001" ] || fail "violations should be event 29 AF-034, then event 32 MON-001: $out"
# Each names its line in the file; the first is followed by its rule from the catalog.
line29=$(grep -n '^29 ' "$tmp/order.trace" | cut -d: -f1)
[ "$(echo "$out" | sed -n 1p | cut -d' ' -f1)" = "$tmp/order.trace:$line29:" ] ||
  fail "first violation should name line $line29: $out"
echo "$out" | sed -n 2p | grep -q '^  AF-034 (MUST, CMx): After ProtocolCmOpenAf returned PENDING' ||
  fail "the first violation's rule text should follow it: $out"
# Then the AF as the run left it (AF-034 is an end-of-run check) and what may come next.
[ "$(echo "$out" | sed -n 3,4p)" = "  AF 0xaf01 at the end of the trace: OPENING
  allowed next: the call manager calls NdisCmOpenAddressFamilyComplete(Status other than PENDING, NdisAfHandle=0xaf01) (O5, O6; AF-034)" ] ||
  fail "object and allowed next: $out"
# A rule broken by an event: the state before that event (AF-120: the client
# closed its binding with the AF open; it should have closed the AF).
out=$("$bin" "$data/v_af120_close_adapter_with_af_open.trace")
[ "$(echo "$out" | sed -n 3,4p)" = "  AF 0xaf01 before event 34: OPEN
  allowed next: the client calls NdisClRegisterSap, NdisCoCreateVc or NdisClCloseAddressFamily(NdisAfHandle=0xaf01) (S1, C1)" ] ||
  fail "AF-120 object and allowed next: $out"
# The WAN objects too: a link that went down has nothing next (WAN-043); a
# call whose GET_ID is in progress owes its line-up first (WAN-021); an
# adapter whose driver holds a spin lock releases it first (WAN-003).
out=$("$bin" "$data/wv_wan043_fragment_after_line_down.trace")
[ "$(echo "$out" | sed -n 3,4p)" = "  WAN link 0x61 before event 62: DOWN
  allowed next: nothing (the handle is no longer valid)" ] || fail "WAN-043 link: $out"
out=$("$bin" "$data/wv_wan021_get_id_without_line_up.trace")
[ "$(echo "$out" | sed -n 3,4p)" = "  TAPI call 0x41 before event 31: DIALING
  allowed next: the miniport lines the call up (NDIS_STATUS_WAN_LINE_UP with NdisLinkContext zero) before it completes the OID_TAPI_GET_ID it is handling (WAN-021, WAN-023, WAN-034)" ] ||
  fail "WAN-021 call: $out"
out=$("$bin" "$data/wv_wan003_indicate_under_spin_lock.trace")
[ "$(echo "$out" | sed -n 3,4p)" = "  WAN adapter 0xa001 before event 58: RUNNING, its driver holding 1 spin lock(s)
  allowed next: the miniport releases its spin locks (NdisReleaseSpinLock, NdisDprReleaseSpinLock) before it indicates status or completes a bracket (WAN-003)" ] ||
  fail "WAN-003 adapter: $out"
out=$("$bin" "$tmp/order.trace")
[ "$(echo "$out" | tail -1)" = "$tmp/order.trace: 33 event(s), 2 violation(s); the first at line $line29: AF-034" ] ||
  fail "summary: $(echo "$out" | tail -1)"
[ "$("$bin" "$data/s1_sync_open.trace")" = "$data/s1_sync_open.trace: conformant: 32 event(s), 2 driver(s), 0 violation(s)" ] ||
  fail "conformant summary: $("$bin" "$data/s1_sync_open.trace")"

# --json: one document for all files, with the verdict of each; exit status as without it.
"$bin" --json "$tmp/order.trace" "$data/s1_sync_open.trace" "$tmp/dup.trace" "$tmp/none.trace" \
  > "$tmp/out.json" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "--json with a malformed file should exit 2, got $rc"
python3 - "$tmp/out.json" "$tmp" "$line29" <<'PY' || fail "--json: $(cat "$tmp/out.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
tmp, line29 = sys.argv[2], int(sys.argv[3])
f = doc["files"]
assert [x["verdict"] for x in f] == ["violations", "conformant", "malformed", "unreadable"], f
v = f[0]["violations"]
assert [(x["rule"], x["event"], x["line"]) for x in v] == [("AF-034", 29, line29), ("MON-001", 32, line29 + 3)], v
assert v[0]["level"] == "MUST" and v[0]["rule_text"].startswith("After ProtocolCmOpenAf returned PENDING"), v[0]
assert v[0]["object"] == "0xaf01" and v[0]["state"] == "OPENING" and v[0]["check"] == "pending-open-completed", v[0]
assert f[0]["events"] == 33 and f[0]["drivers"] == 2 and f[0]["not_shown"] == 0, f[0]
o = f[0]["first_object"]
assert (o["kind"], o["handle"], o["when"], o["state"]) == ("AF", "0xaf01", "at the end of the trace", "OPENING"), o
assert len(o["allowed_next"]) == 1 and "NdisCmOpenAddressFamilyComplete" in o["allowed_next"][0], o
assert "first_object" not in f[1], f[1]
assert f[1]["violations"] == [] and f[1]["events"] == 32, f[1]
assert f[2]["error"] == {"line": 4, "column": 1, "message": "event index 0 is used twice"}, f[2]
assert f[3]["error"]["message"].startswith("cannot open: "), f[3]
PY

# Beyond 100000 violations the rest are counted, and the output says so.
awk 'BEGIN { print "ndisconf-trace 1"; print "driver 1 cl";
  for (i = 0; i < 100003; i++) print i " ret cl NdisClCloseAddressFamily irql=PASSIVE status=SUCCESS" }' > "$tmp/many.trace"
"$bin" "$tmp/many.trace" > "$tmp/many.out"; rc=$?
[ $rc -eq 1 ] || fail "many.trace should exit 1, got $rc"
[ "$(grep -c ': event [0-9]*: MON-001 ' "$tmp/many.out")" -eq 100000 ] || fail "expected 100000 violation lines"
[ "$(tail -2 "$tmp/many.out")" = "$tmp/many.trace: ... and 3 more violation(s) not shown
$tmp/many.trace: 100003 event(s), 100003 violation(s); the first at line 3: MON-001" ] ||
  fail "cap not reported: $(tail -2 "$tmp/many.out")"

# Windows line ends read the same as Unix ones.
sed 's/$/\r/' "$data/s1_sync_open.trace" > "$tmp/crlf.trace"
[ "$("$bin" "$tmp/crlf.trace")" = "$tmp/crlf.trace: conformant: 32 event(s), 2 driver(s), 0 violation(s)" ] ||
  fail "CRLF: $("$bin" "$tmp/crlf.trace" 2>&1)"
# A trace cut inside a line is malformed at that point; one cut between
# lines leaves calls open (MON-002).
head -c 1500 "$data/s1_sync_open.trace" > "$tmp/cut.trace"
err=$("$bin" "$tmp/cut.trace" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "a trace cut inside a line should exit 2, got $rc: $err"
echo "$err" | grep -q "^$tmp/cut.trace:[0-9]*:[0-9]*: " || fail "cut: $err"
grep -v '^[23][0-9] ' "$data/s1_sync_open.trace" > "$tmp/short.trace"
out=$("$bin" "$tmp/short.trace"); rc=$?
[ $rc -eq 1 ] || fail "a trace cut between lines should exit 1, got $rc"
echo "$out" | grep -q ': MON-002 calls-returned-at-finish: ' || fail "short trace: $out"
# Binary garbage (every byte value, in a fixed order) is malformed, with its place.
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", (i * 37 + 11) % 256 }' > "$tmp/garbage.trace"
err=$("$bin" "$tmp/garbage.trace" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "garbage should exit 2, got $rc"
echo "$err" | grep -q "^$tmp/garbage.trace:[0-9]*:[0-9]*: " || fail "garbage: $err"

# Bytes of the file quoted in an error are escaped, not echoed raw.
printf 'ndisconf-trace 1\n0 call 1 Ndis\007Foo\033[2J irql=PASSIVE\n' > "$tmp/bin.trace"
err=$("$bin" "$tmp/bin.trace" 2>&1 >/dev/null)
[ "$err" = "$tmp/bin.trace:2:10: unknown function 'Ndis\\x07Foo\\x1b[2J'" ] || fail "binary bytes: $err"

# A folder is named as such.
err=$("$bin" "$data" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "a folder should exit 2, got $rc"
[ "$err" = "$data: is a folder, not a trace file" ] || fail "folder: $err"

# Options: an unknown one is named and the usage follows; a known one
# without a value says so; both exit 2.
err=$("$bin" --x "$data/s1_sync_open.trace" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "--x should exit 2, got $rc"
[ "$(echo "$err" | head -1)" = "trace_check: unknown option --x" ] || fail "--x: $err"
echo "$err" | grep -q "^usage: trace_check" || fail "--x should print the usage"
err=$("$bin" --nope=1 "$data/s1_sync_open.trace" 2>&1 >/dev/null)
[ "$(echo "$err" | head -1)" = "trace_check: unknown option --nope" ] || fail "--nope=1: $err"
err=$("$bin" --strict "$data/s1_sync_open.trace" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "--strict without a value should exit 2, got $rc"
[ "$(echo "$err" | head -1)" = "trace_check: option --strict needs =value" ] || fail "--strict: $err"

# --help describes both rule families, the WAN profile keys and the exit codes.
help=$("$bin" --help)
for want in "AF-xxx" "WAN-xxx" "--wan_report_unknown_link_context" "  0  every FILE" "  1  some FILE" "  2  a usage error"; do
  echo "$help" | grep -qF -- "$want" || fail "--help lacks '$want'"
done
"$bin" --list-checks | grep -q "^WAN-" || fail "--list-checks lists no WAN check"

echo PASS
