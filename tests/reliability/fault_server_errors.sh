#!/usr/bin/env bash
# Live fault 4 (issue 10): for a while (20 s in CI, 60 s under FLOTILLA_SOAK=1) every request is 500 ms slower and
# a share of the operator's fail (each second its next 2 patches, applies and status writes, answer 500 and the
# next 2 answer 503 with Retry-After 1 s; one LIST 500, one WATCH 503) while 20 Microservices are created and 5
# changed. The retries stay bounded (reflector backoff 0.8 s → 30 s, per object at most 30 s between retries, and
# no object retried more than once a second on average), and once the fault ends the operator converges to exactly
# the declared state within the maximum backoff plus a margin (60 s).
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

fault_seconds=$(lf_duration 20 60)

step "start the emulator and the operator; 10 Microservices converge"
lf_start_apiserver
lf_start_operator operator
lf_microservices e 1 10 | lf_apply
lf_wait_converged 90 "10 Microservices"
lf_mark_user e-1

since=$(lf_last_index)
step "$fault_seconds s of +500 ms latency and 500/503 errors; meanwhile 20 new Microservices, 5 changed"
lf_fault '{"latency": [{"ms": 500}]}'
faulted() {
  local end=$((SECONDS + fault_seconds))
  while [ $SECONDS -lt $end ]; do
    curl -fsS -X POST "$LF_API/debug/faults" -d '{"errors": [
      {"code": 500, "count": 2, "verb": "patch", "userAgent": "(operator)"},
      {"code": 503, "count": 2, "retryAfterSeconds": 1, "verb": "patch", "userAgent": "(operator)"},
      {"code": 500, "count": 1, "verb": "list", "userAgent": "(operator)"},
      {"code": 503, "count": 1, "retryAfterSeconds": 1, "verb": "watch", "userAgent": "(operator)"}]}' >/dev/null
    # Every 5 s the watches drop too, so the reflectors meet the LIST/WATCH errors and back off.
    if (((SECONDS - end) % 5 == 0)); then curl -fsS -X POST "$LF_API/debug/faults" -d '{"closeWatches": true}' >/dev/null; fi
    sleep 1
  done
}
faulted &
faults_pid=$!
# The errors are for the operator only (user agent); kubectl meets the latency.
lf_microservices e 11 30 | lf_apply
for i in 1 2 3 4 5; do
  run kubectl -n faults patch ms "e-$i" --type merge -p '{"spec":{"image":"flotilla/echo:4"}}'
done
wait "$faults_pid"
lf_fault '{"reset": true}'
ended=$SECONDS
lf_expect_names e 1 30

step "after the fault: the declared state within 60 s"
lf_wait_converged 60 "60 s after the errors and latency ended"
echo "   converged $((SECONDS - ended)) s after the fault ended"
lf_user_marks_kept e-1

step "retries were bounded"
lf_requests "$since" "$work/requests-errors.json"
lf_py "$work/requests-errors.json" "$fault_seconds" <<'PY' >"$work/last.out" || fail "unbounded retries"
import collections, json, sys
records = [r for r in json.load(open(sys.argv[1]))["items"] if "(operator)" in r.get("userAgent", "")]
failed = [r for r in records if r["code"] in (500, 503)]
print(f"operator requests: {len(records)}, answered 500/503: {len(failed)}")
def key(r): return (r["verb"], r["resource"], r.get("subresource", ""), r.get("namespace", ""), r.get("name", ""))
# Lists and watches: the reflector backs off (0.8 s doubling to 30 s), so per resource at most one LIST or WATCH
# attempt per 0.8 s of the whole window.
window = float(sys.argv[2]) + 60
reads = collections.Counter(r["resource"] for r in records if r["verb"] in ("list", "watch"))
hot_reads = {k: n for k, n in reads.items() if n > window / 0.8}
# Writes per object: at most one a second on average over the window.
writes = collections.Counter(key(r) for r in records if r["verb"] in ("update", "patch", "delete") and r.get("name"))
hot_writes = {k: n for k, n in writes.items() if n > window}
print("most list/watch attempts on one resource:", max(reads.values(), default=0))
print("most writes to one object: %d (%s)" % (writes.most_common(1)[0][1], "/".join(writes.most_common(1)[0][0])) if writes else "no writes")
if not failed: print("no request of the operator failed: the fault did not reach it")
if hot_reads: print("list/watch retried too often:", hot_reads)
if hot_writes: print("writes retried too often:", list(hot_writes.items())[:5])
sys.exit(0 if failed and not hot_reads and not hot_writes else 1)
PY
sed 's/^/   /' "$work/last.out"
lf_report "${fault_seconds} s of +500 ms latency and 500/503 on a share of the operator's requests while 20 created, 5 changed: converged $((SECONDS - ended)) s after the end; $(paste -sd';' "$work/last.out")"
echo "$test_name: passed"
