#!/usr/bin/env bash
# Hitless gateway changes, end to end (issue 8, "Zero errors under change" and "No reload for endpoint-only
# changes"): while a steady stream of requests goes through the gateway pod (agent + real HAProxy) to real echo
# backends,
#   1. endpoint-only changes — the backend scaled 1→3→1 (within its 4 server slots), a pod replaced — are applied
#      through HAProxy's runtime API: flotilla_gateway_config_reloads_total does not move, the endpoint update
#      counter does, and every request answers 2xx;
#   2. the backend is scaled 1→5→1 with kubectl (5 pods outgrow the slots: the operator renders more, a reload);
#   3. 50 Route changes are applied one after another (Routes added and removed, the weights of the Route under load
#      changed), each a new config HAProxy reloads seamlessly.
# Every request of every phase must answer 2xx: the counts are printed (errors 0, non-2xx 0).
# The echo backends keep serving 2 s after SIGTERM (echo_microservices in gateway_load.bash).
source "$(dirname "$0")/gateway_common.bash"
source "$(dirname "$0")/gateway_load.bash"

ns=hitless
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack

step "apply the Gateway, two echo Microservices and the Routes under load"
{
  gw_edge_gateway $ns with-namespace
  echo_microservices $ns steady alt
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: stable, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /api/stable}}]
      backends: [{service: steady}]
YAML
} | gw_apply
split_route $ns 50 | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns stable main
gateway=$(gw_listener $ns edge http)
read -r gateway_ip _ < <(gw_pod_of $ns flotilla.io/gateway=edge)
agent="$gateway_ip:8405"
echo "   gateway listener at $gateway, agent metrics at $agent"
gw_python "$gateway" <<'PY' || fail "the routes under load do not answer"
import sys
import gateway_http as gh
sys.exit(0 if gh.wait_served(sys.argv[1], ["/api/stable/x", "/api/main/x"]) else 1)
PY

metric() { agent_metric "$agent" "$@"; }
reloads() { metric flotilla_gateway_config_reloads_total result=success; }
config_hash() { kubectl -n $ns get configmap edge-config -o 'jsonpath={.metadata.annotations.flotilla\.io/config-hash}'; }
paths=(/api/stable/a /api/main/b)

step "endpoint-only changes (scale 1→3→1 within the slots, a pod replaced): no reload, all 2xx"
hash_before=$(config_hash)
reloads_before=$(reloads)
updates_before=$(metric flotilla_gateway_endpoint_updates_total)
load_start endpoints "$gateway" "${paths[@]}"
# served_by_pods N: the last requests to /api/stable came from N different pods.
served_by_pods() {
  gw_python "$gateway" "$1" <<'PY'
import sys
import gateway_http as gh
pods = {gh.request(sys.argv[1], "/api/stable/p").pod for _ in range(60)}
sys.exit(0 if len(pods) == int(sys.argv[2]) else 1)
PY
}
# pods_left N: only N steady pods exist, the terminating ones included (their processes have stopped): the load
# must go on until then, as the race between a pod's SIGTERM and its endpoint's removal ends only there.
pods_left() { [ "$(kubectl -n $ns get pods -l app.kubernetes.io/name=steady -o name | wc -l)" = "$1" ]; }
run kubectl -n $ns scale microservice/steady --replicas=3
stack_wait 60 served_by_pods 3 || fail "3 steady pods never served /api/stable"
# A pod replaced while its siblings serve (deleting the only pod of a Deployment is an outage anywhere).
read -r _ old_pod < <(gw_pod_of $ns app.kubernetes.io/name=steady)
run kubectl -n $ns delete pod "$old_pod" --wait=false
replaced() {
  gw_python "$gateway" "$old_pod" <<'PY'
import sys
import gateway_http as gh
pods = {gh.request(sys.argv[1], "/api/stable/p").pod for _ in range(60)}
sys.exit(0 if len(pods) == 3 and sys.argv[2] not in pods else 1)
PY
}
stack_wait 60 replaced || fail "the replacement of pod $old_pod never served"
run kubectl -n $ns scale microservice/steady --replicas=1
stack_wait 60 served_by_pods 1 || fail "steady never went back to 1 pod"
stack_wait 60 pods_left 1 || fail "the scaled-down steady pods never went away"
load_stop endpoints
[ "$(config_hash)" = "$hash_before" ] || fail "the config changed for endpoint-only changes"
reloads_after=$(reloads)
updates_after=$(metric flotilla_gateway_endpoint_updates_total)
echo "   reloads: $reloads_before → $reloads_after; runtime API endpoint updates: $updates_before → $updates_after"
[ "$reloads_after" = "$reloads_before" ] || fail "HAProxy reloaded for endpoint-only changes"
[ "$updates_after" -gt "$updates_before" ] || fail "no endpoint update went through the runtime API"

step "scale steady 1→5→1 under load"
load_start scaling "$gateway" "${paths[@]}"
run kubectl -n $ns scale microservice/steady --replicas=5
stack_wait 60 served_by_pods 5 || fail "5 steady pods never served /api/stable"
run kubectl -n $ns scale microservice/steady --replicas=1
stack_wait 60 served_by_pods 1 || fail "steady never went back to 1 pod"
stack_wait 60 pods_left 1 || fail "the scaled-down steady pods never went away"
load_stop scaling
echo "   reloads so far: $(reloads)"

step "50 Route changes under load (add, remove, change weights)"
reloads_before=$(reloads)
load_start routes "$gateway" "${paths[@]}"
for i in $(seq 1 50); do
  route_change $ns "$i"
  sleep 0.2
done
# The last changes are in: the config they render is loaded.
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns stable main
load_stop routes
gw_python "$gateway" <<'PY' || fail "the last Route changes are not what the gateway serves"
import sys
import gateway_http as gh
# extra-49 was added and removed again; extra-48 never existed.
sys.exit(0 if [gh.request(sys.argv[1], p).status for p in ("/api/extra-49", "/api/extra-48", "/api/main/x")] == [404, 404, 200] else 1)
PY
reloads_after=$(reloads)
echo "   reloads during the Route changes: $((reloads_after - reloads_before))"
[ $((reloads_after - reloads_before)) -ge 5 ] || fail "the 50 Route changes caused fewer than 5 reloads"
[ "$(metric flotilla_gateway_config_reloads_total result=failure)" = 0 ] || fail "a config was rejected"

step "PASS"
