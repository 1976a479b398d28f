#!/usr/bin/env bash
# Breaker visibility through the operator, end to end (issue 7 item 10, issue 8 "Reporting"): one echo endpoint of a
# Route under a BreakerPolicy starts failing (POST /control on its pod address); HAProxy trips it, the gateway agent
# holds it open and reports it on its Pod (flotilla.io/open-circuits), and the operator shows it in the
# BreakerPolicy's .status.openCircuits with a CircuitOpened Warning Event on the Route; the agent's
# flotilla_circuit_state says 1. Once the endpoint recovers, the circuit closes after openDuration: the status entry
# goes and a CircuitClosed Event follows.
source "$(dirname "$0")/gateway_common.bash"
source "$(dirname "$0")/gateway_load.bash"

ns=breakers
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack

step "a Gateway, a BreakerPolicy (3 failures, open 12 s), a two-pod echo Microservice and its Route"
{
  gw_edge_gateway $ns with-namespace
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: BreakerPolicy
metadata: {name: quick, namespace: $ns}
spec:
  consecutiveFailures: 3
  openDuration: 12s
  halfOpen: {probeInterval: 1s, successesToClose: 1}
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: flaky, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /api/flaky}}]
      breakerPolicyRef: {name: quick}
      backends: [{service: flaky}]
YAML
  gw_microservices $ns 2 flaky
} | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns flaky
gateway=$(gw_listener $ns edge http)
read -r gateway_ip _ < <(gw_pod_of $ns flotilla.io/gateway=edge)
read -r endpoint failing_pod < <(gw_echo_pods $ns flaky | head -1)
[ -n "$endpoint" ] || fail "no flaky pod"
both_pods_serve() {
  gw_python "$gateway" <<'PY'
import sys
import gateway_http as gh
sys.exit(0 if len({gh.request(sys.argv[1], "/api/flaky/x").pod for _ in range(20)}) == 2 else 1)
PY
}
stack_wait 60 both_pods_serve || fail "the two flaky pods do not both serve"
echo "   gateway at $gateway; failing endpoint $endpoint ($failing_pod)"

open_circuits() { kubectl -n $ns get breakerpolicy quick -o 'jsonpath={.status.openCircuits}'; }
# route_event REASON: an Event REASON on Route flaky naming the failing endpoint; prints its type.
route_event() {
  kubectl -n $ns get events -o json | python3 -c '
import json, sys
reason, endpoint = sys.argv[1], sys.argv[2]
found = [e for e in json.load(sys.stdin)["items"] if e["involvedObject"].get("kind") == "Route" and
         e["involvedObject"]["name"] == "flaky" and e["reason"] == reason and endpoint in e.get("message", "")]
print(found[0]["type"] if found else "")
sys.exit(0 if found else 1)' "$1" "$endpoint"
}
circuit_state() { agent_metric "$gateway_ip:8405" flotilla_circuit_state "endpoint=$endpoint"; }

step "the endpoint fails: its circuit opens, the BreakerPolicy status and a Route Event show it"
gw_echo_control "$endpoint" '{"failureRate": 1}'
tripped() {
  gw_python "$gateway" <<'PY' >/dev/null
import sys
import gateway_http as gh
for _ in range(10):
    gh.request(sys.argv[1], "/api/flaky/x")
PY
  [ -n "$(open_circuits)" ]
}
stack_wait 30 tripped || fail "no open circuit in the BreakerPolicy status"
echo "   status.openCircuits: $(open_circuits)"
python3 - "$(open_circuits)" "$endpoint" "$ns" <<'PY' || fail "status.openCircuits is not the failing endpoint"
import datetime, json, sys
circuits, endpoint, ns = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
assert len(circuits) == 1, circuits
c = circuits[0]
assert (c["route"], c["backend"], c["endpoint"]) == (ns + "/flaky", "flaky", endpoint), c
since = datetime.datetime.strptime(c["since"], "%Y-%m-%dT%H:%M:%SZ")
assert abs((datetime.datetime.utcnow() - since).total_seconds()) < 120, c
PY
# While open (12 s: the checks below run well within it), the endpoint gets no traffic at all.
gw_python "$gateway" "$failing_pod" <<'PY' || fail "the open endpoint still gets traffic"
import sys
import gateway_http as gh
answers = [gh.request(sys.argv[1], "/api/flaky/x") for _ in range(20)]
sys.exit(0 if all(a.status == 200 and a.pod != sys.argv[2] for a in answers) else 1)
PY
[ "$(circuit_state)" = 1 ] || fail "flotilla_circuit_state for $endpoint is $(circuit_state), want 1 (open)"
stack_wait 30 route_event CircuitOpened || fail "no CircuitOpened Event on Route flaky"
[ "$(route_event CircuitOpened)" = Warning ] || fail "CircuitOpened is not a Warning"

step "the endpoint recovers: the circuit closes, the status entry goes, CircuitClosed follows"
gw_echo_control "$endpoint" '{"failureRate": 0}'
stack_wait 40 eval '[ -z "$(open_circuits)" ]' || fail "the circuit stayed in the status: $(open_circuits)"
stack_wait 30 route_event CircuitClosed || fail "no CircuitClosed Event on Route flaky"
[ "$(route_event CircuitClosed)" = Normal ] || fail "CircuitClosed is not Normal"
[ "$(circuit_state)" = 0 ] || fail "flotilla_circuit_state for $endpoint is $(circuit_state), want 0 (closed)"
stack_wait 30 both_pods_serve || fail "traffic did not return to the recovered endpoint"

step "PASS"
