#!/usr/bin/env bash
# The gateway's resilience features, end to end (issue 7, items 4–7 and the breaker metric of item 10), with real
# HAProxy in front of real `flotilla echo` pods whose behaviour is switched at run time (POST /control):
#   - timeouts (request, backendRequest) → 504 when /slow exceeds them; timed-out attempts retried on the other
#     endpoint, and only as often as whole attempts fit in the request timeout;
#   - retries: 5xx / a specific code / none, with one of two endpoints failing; connect-failure with one endpoint
#     refusing connections; the policy's maxRetries caps them (counted by HAProxy's own exporter on the stats port);
#   - the circuit breaker per endpoint: after consecutiveFailures the failing endpoint gets no more requests, stays
#     out for openDuration, comes back after passing probes; flotilla_circuit_state on the agent's /metrics; with
#     every endpoint open the fallback answers at once; a fallback service takes over when so configured;
#   - the bulkhead: maxConnections + maxPendingRequests → quick 503s; scaleLimitsWithReplicas divides the limit
#     over the endpoints and follows scaling;
#   - the rate limit (with and without burst) → 429 with Retry-After.
# shellcheck source-path=SCRIPTDIR source=gateway_common.bash
source "$(dirname "$0")/gateway_common.bash"

ns=resilience
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack

step "apply the Microservices and BreakerPolicies, then (every endpoint ready) the Gateway and Routes"
policy() { # policy NAME SPEC-YAML
  printf -- '---\napiVersion: flotilla.io/v1alpha1\nkind: BreakerPolicy\nmetadata: {name: %s, namespace: %s}\nspec: %s\n' \
    "$1" "$ns" "$2"
}
route() { # route NAME PATH SERVICE POLICY [EXTRA-RULE-YAML]: one rule, prefix PATH stripped
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: $1, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {type: PathPrefix, value: $2}}]
      rewrite: {pathPrefix: /}
      backends: [{service: $3}]
      breakerPolicyRef: {name: $4}
      ${5:-}
YAML
}
# An address where nothing listens: its connections are refused.
dead=$GW_POD_NET.254
curl -s --max-time 2 "http://$dead:8080/" >/dev/null && fail "something listens on $dead:8080"
# The backends first, so that every endpoint is in the gateway's first config (rendered endpoints start UP; later
# ones must pass health checks first, which the refusing endpoint never would).
{
  echo "apiVersion: v1
kind: Namespace
metadata: {name: $ns}"
  gw_microservices $ns 1 slow doomed backup narrow solo
  # solo's second endpoint refuses connections: an EndpointSlice of another manager (the workload simulator
  # leaves it alone), as for endpoints outside the cluster.
  echo "---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: solo-refusing
  namespace: $ns
  labels: {kubernetes.io/service-name: solo, endpointslice.kubernetes.io/managed-by: e2e.flotilla.io}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints: [{addresses: [\"$dead\"], conditions: {ready: true}}]"
  gw_microservices $ns 2 flaky fragile
  # Autoscaled: the simulated HPA scales it when the test reports CPU load (POST /debug/metrics).
  echo "---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: wide, namespace: $ns}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
  resources: {requests: {cpu: 100m}}
  autoscaling: {minReplicas: 2, maxReplicas: 3, targetCPUUtilization: 70}"
  # The breaker never trips where a test is about something else.
  policy lenient '{consecutiveFailures: 1000}'
  policy budget '{consecutiveFailures: 1000, maxRetries: 1}'
  policy fast '{consecutiveFailures: 3, openDuration: 5s, halfOpen: {probeInterval: 300ms, successesToClose: 2},
    failureOn: [5xx], fallback: {status: 503, body: fragile is down}}'
  policy to-backup '{consecutiveFailures: 2, openDuration: 60s, fallback: {service: backup}}'
  policy bulkhead '{consecutiveFailures: 1000, maxConnections: 2, maxPendingRequests: 2, scaleLimitsWithReplicas: false}'
  policy shared '{consecutiveFailures: 1000, maxConnections: 12, scaleLimitsWithReplicas: true,
    halfOpen: {probeInterval: 300ms}}'
  # Health checks once a minute: the refusing endpoint stays in rotation while the test runs.
  policy unchecked '{consecutiveFailures: 1000, halfOpen: {probeInterval: 60s}}'
} | gw_apply
run kubectl -n $ns wait --for=condition=Ready ms --all --timeout=60s
{
  gw_edge_gateway $ns
  route request-timeout /t/request slow lenient 'timeout: {request: 1s}'
  route backend-timeout /t/backend slow lenient 'timeout: {backendRequest: 1s}'
  route retry-timeout /t/retry flaky lenient $'timeout: {request: 3s}\n      retries: {attempts: 2, perTryTimeout: 1s, retryOn: [timeout]}'
  route retry-timeout-unfit /t/unfit flaky lenient $'timeout: {request: 2s}\n      retries: {attempts: 2, perTryTimeout: 1500ms, retryOn: [timeout]}'
  route retry-5xx /r/5xx flaky lenient 'retries: {attempts: 2, retryOn: [5xx]}'
  route retry-503 /r/503 flaky lenient 'retries: {attempts: 2, retryOn: [503]}'
  route no-retry /r/none flaky lenient
  route retry-budget /r/budget flaky budget 'retries: {attempts: 5, retryOn: [5xx]}'
  route retry-connect /r/connect solo unchecked 'retries: {attempts: 2, retryOn: [connect-failure]}'
  route no-retry-connect /r/connect-none solo unchecked 'retries: {attempts: 0}'
  route breaker /b fragile fast
  route fallback-service /fb doomed to-backup
  route bulk /bulk narrow bulkhead 'timeout: {request: 10s}'
  route shared /shared wide shared
  route limited /rl slow lenient 'rateLimit: {requestsPerSecond: 5}'
  route bursty /burst slow lenient 'rateLimit: {requestsPerSecond: 5, burst: 10}'
} | gw_apply
routes="request-timeout backend-timeout retry-timeout retry-timeout-unfit retry-5xx retry-503 no-retry retry-budget
  retry-connect no-retry-connect breaker fallback-service bulk shared limited bursty"

step "wait until the Gateway and its Routes are Programmed"
gw_wait_programmed $ns edge
# shellcheck disable=SC2086 # a list of names
gw_wait_routes_programmed $ns $routes
gateway=$(gw_listener $ns edge http) || exit 1
stats=$(gw_listener $ns edge stats) || exit 1
agent=$(gw_listener $ns edge agent) || exit 1
echo "   gateway $gateway, HAProxy stats $stats, agent $agent"
gw_python "$gateway" /t/request /t/backend /r/5xx /r/503 /r/none /r/budget /b /fb /bulk /shared <<'PY' || fail "not every Route is served within 60 s"
import sys
import gateway_http as gh
sys.exit(0 if gh.wait_served(sys.argv[1], sys.argv[2:]) else 1)
PY

step "timeouts: request and backendRequest → 504 when /slow takes longer"
gw_python "$gateway" <<'PY' || fail "timeouts"
import sys
import gateway_http as gh

gateway = sys.argv[1]
checks = gh.Checks("timeouts")
for prefix in ("/t/request", "/t/backend"):
    fast = gh.request(gateway, prefix + "/slow?ms=100")
    checks.check(fast.status == 200, "%s/slow?ms=100: %s, want 200" % (prefix, fast.describe()))
    slow = gh.request(gateway, prefix + "/slow?ms=4000")
    checks.check(slow.status == 504, "%s/slow?ms=4000: %s, want 504" % (prefix, slow.describe()))
    # The 1 s timeout, not the backend's 4 s, ended the request (generous bound for a busy machine).
    checks.check(slow.elapsed < 3.5, "%s: the 504 took %.1f s" % (prefix, slow.elapsed))
    print("   %s: 200 in %.2f s, 504 after %.2f s" % (prefix, fast.elapsed, slow.elapsed))
checks.done()
PY

mapfile -t flaky < <(gw_echo_pods $ns flaky)
[ ${#flaky[@]} = 2 ] || fail "flaky has ${#flaky[@]} pods, want 2"
bad=${flaky[0]%% *}
bad_pod=${flaky[0]#* }

step "timeouts retried on the other endpoint, and only as often as attempts fit in timeout.request"
gw_echo_control "$bad" '{"latencyMs": 5000}'
gw_python "$gateway" <<'PY' || fail "timeout retries"
import sys
import gateway_http as gh
gateway = sys.argv[1]
checks = gh.Checks("timeout retries")
# One of two endpoints takes 5 s: its attempts time out after perTryTimeout 1 s and are retried on the other.
answers = [gh.request(gateway, "/t/retry/x") for _ in range(6)]
checks.check(all(a.status == 200 for a in answers), "retryOn [timeout]: %s, want 6 × 200" % [a.describe() for a in answers])
slowest = max(a.elapsed for a in answers)
checks.check(slowest < 2.5, "a retried request took %.1f s (one 1 s attempt, then a fast one)" % slowest)
# Two retries of 1.5 s attempts do not fit in timeout.request 2s: the whole request still ends with it.
unfit = gh.request(gateway, "/t/unfit/slow?ms=5000")
checks.check(unfit.status == 504 and unfit.elapsed < 3.5,
             "timeout.request 2s with retried 1.5 s attempts: %s after %.1f s, want 504 within the request timeout" % (unfit.describe(), unfit.elapsed))
print("   retried timeouts: 6 × 200, slowest %.2f s; unfitting retries: 504 after %.2f s" % (slowest, unfit.elapsed))
checks.done()
PY
gw_echo_control "$bad" '{"latencyMs": 0}'
run kubectl -n $ns get route retry-timeout-unfit \
  -o 'jsonpath={.status.parents[0].conditions[?(@.type=="ResolvedRefs")].message}'
grep -q "timeouts are not retried" "$work/last.out" || fail "Route retry-timeout-unfit does not warn that its timeouts are not retried"

step "retries: one of two flaky endpoints fails"
retry_rounds() { # retry_rounds FAIL-STATUS: the answers of 20 requests to each retry route, as JSON
  gw_python "$gateway" "$1" <<'PY'
import collections, json, sys
import gateway_http as gh
out = {}
for prefix in ("/r/none", "/r/5xx", "/r/503"):
    client = gh.Client(sys.argv[1])
    out[prefix] = collections.Counter(client.request(prefix + "/x").status for _ in range(20))
print(json.dumps(out))
PY
}
gw_echo_control "$bad" '{"failureRate": 1, "failStatus": 503}'
with503=$(retry_rounds 503)
gw_echo_control "$bad" '{"failStatus": 500}'
with500=$(retry_rounds 500)
gw_echo_control "$bad" '{"failureRate": 0}'
echo "   $bad_pod failing with 503: $with503"
echo "   $bad_pod failing with 500: $with500"
gw_python "$with503" "$with500" <<'PY' || fail "retries"
import json, sys
import gateway_http as gh
with503, with500 = json.loads(sys.argv[1]), json.loads(sys.argv[2])
checks = gh.Checks("retries")
# Without retries about every other request meets the failing endpoint (round robin).
checks.check(with503["/r/none"].get("503", 0) >= 5, "/r/none: the failing endpoint was not hit: %s" % with503["/r/none"])
checks.check(with503["/r/5xx"] == {"200": 20}, "retryOn [5xx] with 503s: %s, want 20 × 200" % with503["/r/5xx"])
checks.check(with503["/r/503"] == {"200": 20}, "retryOn [503] with 503s: %s, want 20 × 200" % with503["/r/503"])
checks.check(with500["/r/5xx"] == {"200": 20}, "retryOn [5xx] with 500s: %s, want 20 × 200" % with500["/r/5xx"])
# A specific code retries that code only.
checks.check(with500["/r/503"].get("500", 0) >= 5, "retryOn [503] retried 500s: %s" % with500["/r/503"])
checks.done()
PY

step "retries on connect-failure: one of solo's two endpoints refuses connections"
gw_python "$gateway" "$stats" <<'PY' || fail "connect-failure retries"
import collections, sys, urllib.request
import gateway_http as gh
gateway, stats = sys.argv[1], sys.argv[2]
checks = gh.Checks("connect-failure")
def redispatches():
    text = urllib.request.urlopen("http://%s/metrics" % stats, timeout=5).read().decode()
    # A refused connection is retried on another endpoint (option redispatch 1): HAProxy counts a redispatch.
    return sum(v for l, v in gh.metric_samples(text, "haproxy_backend_redispatch_warnings_total") if "_retry-connect_" in l["proxy"])
redispatched_before = redispatches()
client = gh.Client(gateway)
none = collections.Counter(client.request("/r/connect-none/x").status for _ in range(20))
retried = collections.Counter(client.request("/r/connect/x").status for _ in range(20))
redispatched = redispatches() - redispatched_before
print("   without retries: %s; with retryOn [connect-failure]: %s (%d retried on the other endpoint)" % (dict(none), dict(retried), redispatched))
checks.check(none[503] >= 5, "without retries the refusing endpoint should fail requests: %s" % dict(none))
checks.check(retried == {200: 20}, "with retries every request should succeed: %s" % dict(retried))
checks.check(redispatched >= 5, "the retrying backend redispatched %s requests, want the refusing endpoint tried" % redispatched)
checks.done()
PY

step "retries never exceed the policy's budget (maxRetries 1 although the Route asks for 5)"
for pod in "${flaky[@]}"; do gw_echo_control "${pod%% *}" '{"failureRate": 1, "failStatus": 503}'; done
gw_python "$gateway" "$stats" <<'PY' || fail "retry budget"
import sys, urllib.request
import gateway_http as gh
gateway, stats = sys.argv[1], sys.argv[2]
checks = gh.Checks("retry budget")

def retries_by_backend():
    text = urllib.request.urlopen("http://%s/metrics" % stats, timeout=5).read().decode()
    return {labels["proxy"]: value for labels, value in gh.metric_samples(text, "haproxy_backend_retry_warnings_total")}

before = retries_by_backend()
client = gh.Client(gateway)
answers = [client.request(path).status for path in ["/r/budget/x"] * 10 + ["/r/5xx/x"] * 10]
after = retries_by_backend()
delta = {proxy: after[proxy] - before.get(proxy, 0) for proxy in after}
budget = [v for proxy, v in delta.items() if "retry-budget" in proxy]
five = [v for proxy, v in delta.items() if "retry-5xx" in proxy]
print("   retries counted by HAProxy for 10 requests each: retry-budget %s, retry-5xx %s" % (budget, five))
checks.check(answers == [503] * 20, "with every endpoint failing, want 20 × 503: %s" % answers)
checks.check(budget == [10.0], "retry-budget: %s retries for 10 requests, want exactly 1 each (maxRetries 1)" % budget)
checks.check(five == [20.0], "retry-5xx: %s retries for 10 requests, want 2 each (attempts 2)" % five)
checks.done()
PY
for pod in "${flaky[@]}"; do gw_echo_control "${pod%% *}" '{"failureRate": 0}'; done

step "circuit breaker: a failing endpoint is taken out after 3 consecutive failures, and comes back"
mapfile -t fragile < <(gw_echo_pods $ns fragile)
[ ${#fragile[@]} = 2 ] || fail "fragile has ${#fragile[@]} pods, want 2"
gw_python "$gateway" "$agent" "${fragile[0]}" "${fragile[1]}" <<'PY' || fail "circuit breaker"
import json, sys, time, urllib.request
import gateway_http as gh

gateway, agent = sys.argv[1], sys.argv[2]
bad_address, bad_pod = sys.argv[3].split()
good_address, good_pod = sys.argv[4].split()
checks = gh.Checks("breaker")
OPEN_DURATION = 5.0

def control(address, settings):
    req = urllib.request.Request("http://%s/control" % address, data=json.dumps(settings).encode(), method="POST")
    urllib.request.urlopen(req, timeout=5).read()

def circuit_state(endpoint):
    text = urllib.request.urlopen("http://%s/metrics" % agent, timeout=5).read().decode()
    states = [(labels, v) for labels, v in gh.metric_samples(text, "flotilla_circuit_state") if labels.get("endpoint") == endpoint]
    return states

client = gh.Client(gateway)
# Both endpoints serve before the failure starts.
checks.check(gh.poll(30, lambda: {client.request("/b/x").pod for _ in range(6)} == {bad_pod, good_pod}),
             "both fragile pods do not serve")
# A circuit that never opened reads closed (the agent exports every served endpoint's circuit).
closed = circuit_state(bad_address)
checks.check(all(v == 0 for _, v in closed), "flotilla_circuit_state of %s before the failure: %s" % (bad_address, closed))

control(bad_address, {"failureRate": 1})
log = []  # (time sent, pod, status)
def send():
    start = time.monotonic()
    a = client.request("/b/x")
    log.append((start, a.pod, a.status))
    return a

# Sequential requests until the failing endpoint has had 3 failures in a row...
failures = 0
while failures < 3 and len(log) < 50:
    a = send()
    if a.pod == bad_pod:
        checks.check(a.status == 500, "the failing pod answered %s" % a.status)
        failures += 1
tripped_at = time.monotonic()
# ...then HAProxy has marked it down: the requests right after the threshold go to the other endpoint.
following = [send().pod for _ in range(5)]
checks.check(following == [good_pod] * 5, "the requests after the 3rd failure went to %s" % following)
# And it gets no more (until the agent's next poll holds it open, its health check could readmit it once: at most
# 3 more failures, docs/gateway.md: up to 2 × consecutiveFailures).
for _ in range(35):
    send()
late = [entry for entry in log if entry[0] >= tripped_at and entry[1] == bad_pod]
checks.check(len(late) <= 3, "the failing endpoint still got %d requests after its 3rd failure" % len(late))
last_bad = max((i for i, entry in enumerate(log) if entry[1] == bad_pod), default=-1)
tail = log[last_bad + 1:]
checks.check(len(tail) >= 30 and all(pod == good_pod and status == 200 for _, pod, status in tail),
             "after the trip want only 200s from %s, got %s" % (good_pod, [(p, s) for _, p, s in tail[:10]]))
print("   %d requests to the failing pod in all (%d after the 3rd failure), then %d × 200 from the other" %
      (sum(1 for e in log if e[1] == bad_pod), len(late), len(tail)))

opened = gh.poll(10, lambda: any(v == 1 for _, v in circuit_state(bad_address)))
states = circuit_state(bad_address)
checks.check(opened and len(states) == 1 and states[0][0].get("gateway") == "resilience/edge" and
             states[0][0].get("route") == "resilience/breaker" and "breaker" in states[0][0].get("backend", ""),
             "flotilla_circuit_state{gateway,route,backend,endpoint=%s} is not 1 (open): %s" % (bad_address, states))

# Open: no traffic for openDuration, even though the endpoint is healthy again at once. Then its probes pass
# (successesToClose 2) and traffic returns.
control(bad_address, {"failureRate": 0})
recovered = len(log)
back = gh.poll(30, lambda: send().pod == bad_pod, 0.05)
checks.check(back, "traffic never returned to %s after it recovered" % bad_pod)
while_open = log[recovered:-1]
checks.check(all(pod == good_pod and status == 200 for _, pod, status in while_open),
             "while open: %s" % [(p, s) for _, p, s in while_open if p != good_pod or s != 200][:5])
returned_after = log[-1][0] - tripped_at
# The hold starts after the trip, so the first request to reach the endpoint again was sent at least
# openDuration after it (less the agent's poll interval, which the hold may start late by but not early).
checks.check(returned_after >= OPEN_DURATION - 0.5,
             "traffic returned %.1f s after the trip, before openDuration %.0f s" % (returned_after, OPEN_DURATION))
print("   traffic back on the recovered pod %.1f s after the trip (openDuration %.0f s), %d requests in between"
      % (returned_after, OPEN_DURATION, len(while_open)))
checks.check(gh.poll(10, lambda: all(v == 0 for _, v in circuit_state(bad_address)) and circuit_state(bad_address)),
             "flotilla_circuit_state of %s is not back to 0: %s" % (bad_address, circuit_state(bad_address)))

# Every endpoint open: the fallback answers at once (503 with a JSON body), never a hang.
for address in (bad_address, good_address):
    control(address, {"failureRate": 1})
all_open = gh.poll(20, lambda: client.request("/b/x").json == {"error": "fragile is down"}, 0.02)
checks.check(all_open, "the fallback never answered with both endpoints failing")
answers = [client.request("/b/x") for _ in range(20)]
checks.check(all(a.status == 503 and a.json == {"error": "fragile is down"} and a.header("Retry-After") for a in answers),
             "fallback answers: %s" % [a.describe() for a in answers[:5]])
slowest = max(a.elapsed for a in answers)
checks.check(slowest < 0.5, "a fallback answer took %.2f s" % slowest)
print("   fallback with every circuit open: 20 × 503 JSON, slowest %.1f ms" % (slowest * 1000))
for address in (bad_address, good_address):
    control(address, {"failureRate": 0})
checks.done()
PY

step "fallback service: with its only endpoint open, the policy's fallback Microservice answers"
read -r doomed _ < <(gw_echo_pods $ns doomed)
gw_echo_control "$doomed" '{"failureRate": 1}'
gw_python "$gateway" <<'PY' || fail "fallback service"
import sys
import gateway_http as gh
client = gh.Client(sys.argv[1])
checks = gh.Checks("fallback service")
first = [client.request("/fb/x").status for _ in range(2)]
checks.check(first == [500, 500], "the first two requests should meet the failing pod: %s" % first)
served = gh.poll(10, lambda: client.request("/fb/x").service == "backup", 0.05)
checks.check(served, "the fallback service never took over")
answers = [client.request("/fb/x") for _ in range(10)]
checks.check(all(a.status == 200 and a.service == "backup" for a in answers),
             "answers after the trip: %s" % [a.describe() for a in answers])
checks.done("doomed tripped after 2 failures; backup serves its traffic")
PY

step "bulkhead: maxConnections 2 + maxPendingRequests 2 → excess requests get 503 at once"
gw_python "$gateway" <<'PY' || fail "bulkhead"
import collections, sys, time
import gateway_http as gh
gateway = sys.argv[1]
checks = gh.Checks("bulkhead")
answers = gh.concurrently(10, lambda i: gh.request(gateway, "/bulk/slow?ms=1500"))
by_status = collections.Counter(a.status for a in answers)
rejected = [a for a in answers if a.status == 503]
served = [a for a in answers if a.status == 200]
print("   10 concurrent 1.5 s requests: %s; 503s within %.0f ms" % (dict(by_status), 1000 * max((a.elapsed for a in rejected), default=0)))
checks.check(by_status[200] + by_status[503] == 10, "unexpected answers: %s" % dict(by_status))
# 2 in flight + 2 queued may be served; the rest is rejected.
checks.check(2 <= len(served) <= 4, "%d served, want 2..4" % len(served))
checks.check(len(rejected) >= 6, "%d rejected, want at least 6" % len(rejected))
checks.check(all(a.json == {"error": "too many pending requests"} for a in rejected), "503 bodies: %s" % [a.body for a in rejected[:2]])
checks.check(all(a.elapsed < 1.0 for a in rejected), "a 503 waited: %s" % [round(a.elapsed, 2) for a in rejected])
checks.done()
PY

step "scaleLimitsWithReplicas: maxConnections 12 over 2 endpoints, then over 3 once the HPA scales up"
per_endpoint_limits() {
  gw_python "$stats" <<'PY'
import sys, urllib.request
import gateway_http as gh
text = urllib.request.urlopen("http://%s/metrics" % sys.argv[1], timeout=5).read().decode()
status = {(l["proxy"], l["server"]): v for l, v in gh.metric_samples(text, "haproxy_server_status") if l.get("state") == "UP"}
limits = sorted(int(v) for l, v in gh.metric_samples(text, "haproxy_server_limit_sessions")
                if "_shared_" in l["proxy"] and status.get((l["proxy"], l["server"])) == 1)
print(" ".join(map(str, limits)))
PY
}
limits_are() { [ "$(per_endpoint_limits)" = "$1" ]; }
stack_wait 30 limits_are "6 6" || fail "per-endpoint limits with 2 endpoints: '$(per_endpoint_limits)', want '6 6'"
# 2 pods at 105 % of their CPU request with a 70 % target: the HPA wants 3 (its maximum).
run curl -sf -X POST "$STACK_APISERVER_URL/debug/metrics" \
  -d "{\"namespace\":\"$ns\",\"deployment\":\"wide\",\"cpuUtilization\":105}"
hpa_scaled_to() { [ "$(kubectl -n $ns get hpa wide -o 'jsonpath={.status.desiredReplicas}')" = "$1" ]; }
stack_wait 60 hpa_scaled_to 3 || fail "the HPA did not scale wide to 3"
stack_wait 60 limits_are "4 4 4" ||
  fail "per-endpoint limits with 3 endpoints: '$(per_endpoint_limits)', want '4 4 4'"
echo "   2 endpoints: 6 each; 3 endpoints: 4 each"

step "rate limit: 5 requests/s (and with burst 10) → 429 with Retry-After"
gw_python "$gateway" <<'PY' || fail "rate limit"
import collections, sys, time
import gateway_http as gh
client = gh.Client(sys.argv[1])
checks = gh.Checks("rate limit")
# 15 requests at once (well within one window); the burst allows 10 per 10/5 = 2 s instead of 5 per second.
for prefix, allowed, retry_after in (("/rl", 5, "1"), ("/burst", 10, "2")):
    answers = [client.request(prefix + "/x") for _ in range(15)]
    by_status = collections.Counter(a.status for a in answers)
    print("   %s: 15 requests at once: %s" % (prefix, dict(by_status)))
    checks.check(by_status[200] == allowed and by_status[429] == 15 - allowed,
                 "%s: want %d × 200 and %d × 429, got %s" % (prefix, allowed, 15 - allowed, dict(by_status)))
    limited = [a for a in answers if a.status == 429]
    checks.check(all(a.header("Retry-After") == retry_after for a in limited),
                 "%s: Retry-After %s, want %s" % (prefix, [a.header("Retry-After") for a in limited[:3]], retry_after))
    checks.check(all(a.json == {"error": "rate limited", "route": "resilience/%s/0" % ("limited" if prefix == "/rl" else "bursty")}
                     for a in limited), "%s: 429 bodies: %s" % (prefix, [a.body for a in limited[:2]]))
# Once the window has passed, the Route serves again.
served = gh.poll(5, lambda: client.request("/rl/x").status == 200, 0.3)
checks.check(served, "the rate-limited Route does not serve again after its window")
checks.done()
PY

echo "$test_name: all steps passed"
