#!/usr/bin/env bash
# Live fault 6 (issue 10): two operator replicas with --leader-elect (each on its own metrics and health ports).
# Once the first leads and 60 Microservices are being applied, it is killed with SIGKILL (no Lease release): the
# standby must take the Lease within the lease duration (15 s, plus one 2 s retry period and a little slack) and
# finish the work. From the request log, where each replica's user agent ends with its Lease identity: the standby
# wrote nothing but the Lease while the leader held it, and the killed leader wrote nothing after the standby took
# over. About 90 s.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

lease=(-n flotilla-system get lease flotilla-operator-leader)
holder() { kubectl "${lease[@]}" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null; }

step "start the emulator and replica a; it takes the Lease"
lf_start_apiserver
lf_start_operator operator-a --leader-elect=true
held() { [ -n "$(holder)" ]; }
stack_wait 30 held || fail "replica a never took the Lease"
identity_a=$(holder)
echo "   a = $identity_a"

step "start replica b: a standby"
lf_start_operator operator-b --leader-elect=true
stack_wait 30 lf_ready operator-b || fail "the standby never became ready (warm caches)"
[ "$(holder)" = "$identity_a" ] || fail "the Lease moved to $(holder) while a was alive"

step "apply 60 Microservices; SIGKILL the leader midway"
lf_microservices l 1 60 | lf_apply
lf_expect_names l 1 60
some_deployments() { [ "$(kubectl -n faults get deployments --no-headers 2>/dev/null | wc -l)" -ge 15 ]; }
stack_wait 60 some_deployments || fail "the leader made no progress"
kill -KILL "$(stack_pid operator-a)"
killed=$SECONDS
stack_stop_one operator-a

step "b takes the Lease within its duration and finishes the work"
moved() { local h; h=$(holder); [ -n "$h" ] && [ "$h" != "$identity_a" ]; }
stack_wait 30 moved || fail "the standby did not take the Lease within 30 s"
took=$((SECONDS - killed))
identity_b=$(holder)
echo "   b = $identity_b took the Lease ${took} s after the kill (lease duration 15 s)"
[ "$took" -le 20 ] || fail "the takeover took $took s, more than the lease duration + retry period"
lf_wait_converged 120 "after the failover"

step "never two writers: every write came from the Lease holder of the moment"
lf_requests 0 "$work/requests-leader.json"
lf_py "$work/requests-leader.json" "$identity_a" "$identity_b" <<'PY' >"$work/last.out" || fail "a write from a replica that did not hold the Lease"
import json, sys
a, b = sys.argv[2], sys.argv[3]
records = json.load(open(sys.argv[1]))["items"]
writes = ("create", "update", "patch", "delete", "deletecollection")
def who(r):
    ua = r.get("userAgent", "")
    return "a" if ua.endswith(" " + a) else "b" if ua.endswith(" " + b) else None
ops = [r for r in records if "(operator)" in r.get("userAgent", "")]
unknown = [r["userAgent"] for r in ops if who(r) is None]
# b holds the Lease from its first successful write of it on.
b_lease = [r["index"] for r in ops if who(r) == "b" and r["resource"] == "leases" and r["verb"] in writes and r["code"] < 300]
ok = not unknown and bool(b_lease)
if unknown: print("operator requests without a known identity:", set(unknown))
taken = b_lease[0] if b_lease else float("inf")
a_writes = [r for r in ops if who(r) == "a" and r["verb"] in writes and r["resource"] != "leases"]
b_writes = [r for r in ops if who(r) == "b" and r["verb"] in writes and r["resource"] != "leases"]
b_early = [r for r in b_writes if r["index"] < taken]
a_late = [r for r in ops if who(r) == "a" and r["verb"] in writes and r["index"] > taken]
print(f"a wrote {len(a_writes)} times while leading; b {len(b_writes)} times after taking the Lease")
if b_early: print("b wrote before it held the Lease:", [(r['verb'], r['resource'], r['name']) for r in b_early[:5]]); ok = False
if a_late: print("a wrote after b held the Lease:", [(r['verb'], r['resource'], r['name']) for r in a_late[:5]]); ok = False
if not a_writes or not b_writes: print("both replicas should have written in their turn"); ok = False
sys.exit(0 if ok else 1)
PY
sed 's/^/   /' "$work/last.out"
lf_report "2 replicas with --leader-elect, leader SIGKILLed during a 60-Microservice apply: standby led ${took} s after the kill (lease 15 s + retry 2 s); $(paste -sd';' "$work/last.out")"
echo "$test_name: passed"
