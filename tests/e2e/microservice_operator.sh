#!/usr/bin/env bash
# The Microservice controller end to end (issue 6): `flotilla apiserver --simulate-workloads` and `flotilla operator`
# as separate processes, driven and checked with the real kubectl. The shop example is applied and becomes Ready;
# its Deployments, Services, HPA and PDBs are checked field by field; an image change rolls out (Progressing, then
# Ready with the new observedGeneration); simulated CPU load scales the HPA and Flotilla leaves the count alone;
# switching between autoscaling and fixed replicas never drops the count; a hand edit is restored while another
# tool's annotation stays; a foreign Deployment is never taken over; deleting a Microservice cascades; a restarted
# operator converges without writing anything; `kubectl get ms` shows the printer columns.
set -uo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
command -v kubectl >/dev/null || { echo "microservice_operator: kubectl not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "microservice_operator: python3 not installed" >&2; exit 1; }
[ -x "$binary" ] || { echo "microservice_operator: no flotilla binary at $binary" >&2; exit 1; }

work=$(mktemp -d -t flotilla-ms-operator-XXXXXX)
server_pid=""
operator_pid=""
watch_pids=()
cleanup() {
  for pid in "${watch_pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -n "$operator_pid" ] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh HOME: kubectl caches discovery under ~/.kube/cache.
export HOME=$work/home KUBECONFIG=$work/kubeconfig
mkdir -p "$HOME"

fail() {
  echo "microservice_operator: FAILED: $*" >&2
  [ -f "$work/last.out" ] && { echo "--- last output:" >&2; tail -40 "$work/last.out" >&2; }
  [ -n "${operator_log:-}" ] && [ -f "$operator_log" ] && { echo "--- operator log (tail):" >&2; tail -20 "$operator_log" >&2; }
  exit 1
}
step() { echo "== $*"; }
run() { "$@" >"$work/last.out" 2>&1 || fail "'$*' exited $?"; }
expect() { grep -qF -- "$1" "$work/last.out" || fail "expected '$1' in the output of the last command"; }
until_true() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}
# check WHAT PYTHON-EXPRESSION: evaluates the expression with `o` = the JSON of the last command's output.
check() {
  python3 - "$work/last.out" "$2" <<'PY' || fail "$1"
import json, sys
o = json.load(open(sys.argv[1]))
ok = eval("(" + sys.argv[2] + "\n)")
if not ok:
    print("check failed: " + sys.argv[2], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
# has_event OBJECT REASON [TEXT [TYPE]]: an Event with that reason (TEXT in its message, of TYPE: Normal or
# Warning) about Microservice OBJECT.
has_event() {
  kubectl get events -n shop -o json | python3 -c '
import json, sys
name, reason, text, kind = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
sys.exit(0 if any(e["involvedObject"].get("kind") == "Microservice" and e["involvedObject"]["name"] == name and
                  e["reason"] == reason and text in e.get("message", "") and kind in ("", e.get("type"))
                  for e in json.load(sys.stdin)["items"]) else 1)
' "$1" "$2" "${3:-}" "${4:-}"
}
ns=(-n shop)
jsonpath() { kubectl get "${ns[@]}" "$1" -o "jsonpath=$2"; }
# Condition `type`'s status and reason of a Microservice: "True/RolloutComplete".
ms_condition() { jsonpath "ms/$1" "{.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}"; }
is_condition() { [ "$(ms_condition "$1" "$2")" = "$3" ]; }

step "start flotilla apiserver --simulate-workloads"
"$binary" apiserver --simulate-workloads --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
until_true 15 grep -q '^listening on ' "$work/server.out" || { cat "$work/server.err" >&2; fail "the server did not start"; }
api=$(sed -n 's/^listening on //p' "$work/server.out")
echo "   $api"

step "CRDs and the operator's namespace"
run kubectl apply -f "$root/crds/"
run kubectl wait --for=condition=Established crd --all --timeout=30s
run kubectl create namespace flotilla-system

# start_operator: a new operator process logging to a new file; sets operator_pid, operator_log, metrics_port and
# health_port once it serves.
starts=0
start_operator() {
  starts=$((starts + 1))
  operator_log=$work/operator-$starts.err
  "$binary" operator --kubeconfig "$KUBECONFIG" --leader-elect=true --leader-election-namespace=flotilla-system \
    --metrics-bind-address=127.0.0.1:0 --health-probe-bind-address=127.0.0.1:0 --log-format=json --log-level=info \
    --workers=2 >"$work/operator.out" 2>"$operator_log" &
  operator_pid=$!
  until_true 20 grep -q '"msg":"manager started"' "$operator_log" || fail "the operator did not start"
  metrics_port=$(grep '"msg":"manager started"' "$operator_log" | sed -n 's/.*"metricsPort":\([0-9]*\).*/\1/p')
  health_port=$(grep '"msg":"manager started"' "$operator_log" | sed -n 's/.*"healthPort":\([0-9]*\).*/\1/p')
  [ -n "$metrics_port" ] && [ -n "$health_port" ] || fail "the operator did not say where it serves"
  until_true 30 curl -sf "http://127.0.0.1:$health_port/readyz" || fail "the operator never became ready"
}

step "start flotilla operator (leader election on)"
start_operator
echo "   metrics :$metrics_port, health :$health_port"

step "kubectl apply -f examples/shop/ and wait for Ready"
run kubectl apply -f "$root/examples/shop/"
expect "microservice.flotilla.io/user-service created"
run kubectl wait --for=condition=Ready microservice --all -n shop --timeout=60s
expect "condition met"
microservices="order-service payment-service user-service user-service-v2"

step "Deployments, field by field"
run kubectl get "${ns[@]}" ms user-service -o json
user_uid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["uid"])' "$work/last.out")
run kubectl get "${ns[@]}" deployment user-service -o json --show-managed-fields
check "user-service Deployment spec" "
o['spec']['replicas'] == 2 and
o['spec']['strategy'] == {'type': 'RollingUpdate', 'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}} and
o['spec']['selector']['matchLabels'] == {'app.kubernetes.io/name': 'user-service', 'flotilla.io/microservice': 'user-service'}"
check "user-service container" "
(lambda c: c['name'] == 'user-service' and c['image'] == 'flotilla/echo:1' and
  c['ports'][0]['containerPort'] == 8080 and c['ports'][0]['name'] == 'http' and
  {'name': 'ECHO_SERVICE', 'value': 'user-service'} in c['env'] and
  c['resources']['requests'] == {'cpu': '100m', 'memory': '64Mi'} and c['resources']['limits'] == {'memory': '128Mi'} and
  c['readinessProbe']['httpGet']['path'] == '/healthz' and c['livenessProbe']['periodSeconds'] == 10
)(o['spec']['template']['spec']['containers'][0])"
check "user-service ownerReference" "
o['metadata']['ownerReferences'] == [{'apiVersion': 'flotilla.io/v1alpha1', 'kind': 'Microservice', 'name': 'user-service',
  'uid': '$user_uid', 'controller': True, 'blockOwnerDeletion': True}]"
check "user-service labels and field manager" "
o['metadata']['labels']['app.kubernetes.io/managed-by'] == 'flotilla' and
o['metadata']['labels']['app.kubernetes.io/part-of'] == 'shop' and
any(m['manager'] == 'flotilla' and m['operation'] == 'Apply' for m in o['metadata']['managedFields'])"
run kubectl get "${ns[@]}" deployment order-service -o json --show-managed-fields
check "order-service: spec.replicas is not Flotilla's (the HPA owns it)" "
o['spec']['replicas'] == 2 and
not any(m['manager'] == 'flotilla' and 'f:replicas' in m.get('fieldsV1', {}).get('f:spec', {}) for m in o['metadata']['managedFields'])"

step "Services, the HPA and the PDBs"
run kubectl get "${ns[@]}" service payment-service -o json
check "payment-service Service" "
o['spec']['type'] == 'ClusterIP' and
o['spec']['ports'] == [{'name': 'http', 'port': 8080, 'protocol': 'TCP', 'targetPort': 8080}] and
o['spec']['selector'] == {'app.kubernetes.io/name': 'payment-service', 'flotilla.io/microservice': 'payment-service'} and
o['metadata']['ownerReferences'][0]['kind'] == 'Microservice'"
run kubectl get "${ns[@]}" hpa order-service -o json
check "order-service HPA" "
o['apiVersion'] == 'autoscaling/v2' and
o['spec']['scaleTargetRef'] == {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'name': 'order-service'} and
o['spec']['minReplicas'] == 2 and o['spec']['maxReplicas'] == 10 and
o['spec']['metrics'] == [{'type': 'Resource', 'resource': {'name': 'cpu', 'target': {'type': 'Utilization', 'averageUtilization': 70}}}] and
o['spec']['behavior']['scaleDown']['stabilizationWindowSeconds'] == 300 and
o['metadata']['ownerReferences'][0]['name'] == 'order-service'"
run kubectl get "${ns[@]}" hpa -o json
check "only the autoscaled service has an HPA" "[i['metadata']['name'] for i in o['items']] == ['order-service']"
run kubectl get "${ns[@]}" pdb -o json
check "PDBs for user-service and order-service only" "
sorted((i['metadata']['name'], i['spec']['minAvailable']) for i in o['items']) == [('order-service', 1), ('user-service', 1)]"

step "Microservice status"
run kubectl get "${ns[@]}" ms user-service -o json
check "user-service status" "
(lambda s: s['observedGeneration'] == o['metadata']['generation'] and s['replicas'] == 2 and s['readyReplicas'] == 2 and
  s['updatedReplicas'] == 2 and s['endpoints'] == 2 and s['url'] == 'http://user-service.shop.svc.cluster.local:8080' and
  [c['type'] for c in s['conditions']] == ['Ready', 'Available', 'Progressing', 'Degraded'])(o['status'])"
run kubectl get "${ns[@]}" ms order-service -o json
check "order-service status has the HPA's figures" "o['status']['currentReplicas'] == 2 and o['status']['desiredReplicas'] == 2"

step "kubectl get ms shows the printer columns"
run kubectl get ms -n shop
expect "NAME"
expect "READY"
expect "REPLICAS"
expect "AVAILABLE"
expect "URL"
expect "AGE"
grep -E '^user-service +True +2 +2 +http://user-service.shop.svc.cluster.local:8080 ' "$work/last.out" >/dev/null ||
  fail "kubectl get ms does not show user-service as Ready with 2 replicas and its URL"

step "metrics: flotilla_managed_objects"
run curl -sf "http://127.0.0.1:$metrics_port/metrics"
expect 'flotilla_managed_objects{kind="HorizontalPodAutoscaler"} 1'
expect 'flotilla_managed_objects{kind="PodDisruptionBudget"} 2'

step "image change: a rolling update, Progressing, then Ready with the new observedGeneration"
kubectl get "${ns[@]}" ms user-service -w \
  -o 'jsonpath={.status.observedGeneration} {.status.conditions[?(@.type=="Progressing")].status}{"\n"}' \
  >"$work/ms-watch.out" 2>&1 &
watch_pids+=($!)
until_true 10 test -s "$work/ms-watch.out" || fail "the watch on user-service did not start"
run kubectl patch "${ns[@]}" ms user-service --type merge -p '{"spec":{"image":"flotilla/echo:2"}}'
generation=$(jsonpath ms/user-service '{.metadata.generation}')
run kubectl wait "${ns[@]}" ms/user-service --for=jsonpath='{.status.observedGeneration}'="$generation" --timeout=30s
run kubectl wait "${ns[@]}" ms/user-service --for=condition=Ready --timeout=60s
grep -qx "$generation True" "$work/ms-watch.out" || { cat "$work/ms-watch.out" >&2; fail "no status showed Progressing=True for generation $generation"; }
[ "$(jsonpath deployment/user-service '{.spec.template.spec.containers[0].image}')" = "flotilla/echo:2" ] ||
  fail "the Deployment does not run the new image"
run kubectl get "${ns[@]}" replicasets -l app.kubernetes.io/name=user-service -o json
check "a rolling update: a new ReplicaSet with both pods, the old one scaled to 0" "
sorted((i['spec']['template']['spec']['containers'][0]['image'], i['spec']['replicas']) for i in o['items']) ==
  [('flotilla/echo:1', 0), ('flotilla/echo:2', 2)]"

step "CPU load scales the HPA; Flotilla leaves the count alone"
kubectl get "${ns[@]}" deployment order-service -w -o 'jsonpath={.spec.replicas}{"\n"}' >"$work/replicas.out" 2>&1 &
watch_pids+=($!)
run curl -sf -X POST "$api/debug/metrics" -d '{"namespace":"shop","deployment":"order-service","cpuUtilization":140}'
until_true 40 test "$(jsonpath deployment/order-service '{.spec.replicas}')" -ge 4 || fail "the HPA did not scale up"
run curl -sf -X POST "$api/debug/metrics" -d '{"namespace":"shop","deployment":"order-service","cpuUtilization":70}'
scaled_now() { local r; r=$(jsonpath deployment/order-service '{.spec.replicas}'); [ "$r" = "$(jsonpath hpa/order-service '{.status.desiredReplicas}')" ] && [ "$r" = "$(jsonpath ms/order-service '{.status.desiredReplicas}')" ]; }
until_true 30 scaled_now || fail "the Deployment, HPA and Microservice status do not agree on the scaled count"
run kubectl wait "${ns[@]}" ms/order-service --for=condition=Ready --timeout=60s
scaled=$(jsonpath deployment/order-service '{.spec.replicas}')
echo "   scaled to $scaled"
sleep 2
[ "$(jsonpath deployment/order-service '{.spec.replicas}')" = "$scaled" ] || fail "something changed the HPA's count"
until_true 10 has_event order-service ScaledByHPA || fail "no ScaledByHPA Event"

# replicas_after LINE MIN: every spec.replicas the watch saw from line LINE on is at least MIN.
replicas_after() {
  python3 - "$work/replicas.out" "$1" "$2" <<'PY'
import sys
values = [int(v) for v in open(sys.argv[1]).read().split()][int(sys.argv[2]) - 1:]
print("   spec.replicas seen:", " ".join(map(str, values)))
sys.exit(0 if values and min(values) >= int(sys.argv[3]) else 1)
PY
}

step "switch to fixed replicas: the HPA goes, the count moves straight to the target"
seen=$(wc -l <"$work/replicas.out")
run kubectl patch "${ns[@]}" ms order-service --type merge -p '{"spec":{"autoscaling":null,"replicas":3}}'
until_true 30 sh -c '! kubectl get -n shop hpa order-service' || fail "the HPA was not deleted"
until_true 30 test "$(jsonpath deployment/order-service '{.spec.replicas}')" = 3 || fail "the Deployment did not move to 3"
run kubectl wait "${ns[@]}" ms/order-service --for=condition=Ready --timeout=60s
sleep 1
replicas_after "$seen" 3 || fail "spec.replicas went below 3"

step "and back to autoscaling: the HPA takes over the current count (no drop to 1)"
seen=$(wc -l <"$work/replicas.out")
run kubectl patch "${ns[@]}" ms order-service --type merge \
  -p '{"spec":{"replicas":null,"autoscaling":{"minReplicas":2,"maxReplicas":10,"targetCPUUtilization":70}}}'
until_true 30 kubectl get -n shop hpa order-service || fail "the HPA was not created again"
run kubectl wait "${ns[@]}" ms/order-service --for=condition=Ready --timeout=60s
sleep 2
replicas_after "$seen" 3 || fail "spec.replicas dropped below 3"

step "hand edit restored, foreign annotation kept"
run kubectl set image "${ns[@]}" deployment/user-service user-service=evil/image:1
run kubectl annotate "${ns[@]}" deployment/user-service example.com/owner=team-a
until_true 30 test "$(jsonpath deployment/user-service '{.spec.template.spec.containers[0].image}')" = "flotilla/echo:2" ||
  fail "the hand-edited image was not restored"
[ "$(jsonpath deployment/user-service '{.metadata.annotations.example\.com/owner}')" = "team-a" ] ||
  fail "the foreign annotation was removed"
until_true 10 has_event user-service Updated "restored spec.template.spec.containers[name=user-service].image" ||
  fail "no Updated Event naming the restored field"

step "ownership conflict: a foreign Deployment is never taken over"
run kubectl create deployment legacy -n shop --image=nginx:1.27
cat >"$work/legacy.yaml" <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: legacy, namespace: shop}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
YAML
run kubectl apply -f "$work/legacy.yaml"
until_true 30 is_condition legacy Ready False/OwnershipConflict || fail "no OwnershipConflict: $(ms_condition legacy Ready)"
is_condition legacy Degraded True/OwnershipConflict || fail "Degraded is not True/OwnershipConflict"
run kubectl get "${ns[@]}" deployment legacy -o json
check "the foreign Deployment is untouched" "
o['spec']['template']['spec']['containers'][0]['image'] == 'nginx:1.27' and 'ownerReferences' not in o['metadata']"
until_true 10 has_event legacy OwnershipConflict "Deployment legacy already exists" Warning ||
  fail "no OwnershipConflict Warning Event"
run kubectl delete "${ns[@]}" ms legacy
run kubectl get "${ns[@]}" deployment legacy
expect "legacy"

step "delete cascades"
run kubectl delete "${ns[@]}" ms user-service-v2
gone() { ! kubectl get -n shop "$1" user-service-v2 >/dev/null 2>&1; }
until_true 30 gone deployment || fail "the Deployment of user-service-v2 is still there"
until_true 30 gone service || fail "the Service of user-service-v2 is still there"
no_pods() { [ -z "$(kubectl get pods -n shop -l app.kubernetes.io/name=user-service-v2 -o name)" ]; }
until_true 30 no_pods || fail "pods of user-service-v2 are still there"
microservices="order-service payment-service user-service"

# writes_since INDEX: the operator's write requests after INDEX that concern the Microservices (their objects,
# their status and their Events), as "verb resource/subresource name" lines. Lease renewals are not counted;
# Gateway and Route objects belong to the gateway controllers.
writes_since() {
  curl -sf "$api/debug/requests?since=$1" | python3 -c '
import json, sys
names = sys.argv[1].split()
for r in json.load(sys.stdin)["items"]:
    if r["verb"] not in ("create", "update", "patch", "delete", "deletecollection"): continue
    if "(operator)" not in r.get("userAgent", ""): continue
    name = r.get("name", "")
    ours = r["resource"] in ("deployments", "services", "horizontalpodautoscalers", "poddisruptionbudgets", "microservices") and name in names
    ours = ours or (r["resource"] == "events" and any(name.startswith(n + ".") for n in names))
    if ours: print(r["verb"], r["resource"] + ("/" + r["subresource"] if r.get("subresource") else ""), name)
' "$microservices"
}
last_index() { curl -sf "$api/debug/requests?since=999999999" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lastIndex"])'; }

# wait_quiet: until the operator has not written for 2 s (the rollouts above may still be settling).
wait_quiet() {
  local since start deadline=$((SECONDS + 40))
  since=$(last_index)
  start=$SECONDS
  while [ $SECONDS -lt $deadline ]; do
    sleep 0.5
    if [ -n "$(writes_since "$since")" ]; then
      since=$(last_index)
      start=$SECONDS
    elif [ $((SECONDS - start)) -ge 2 ]; then
      return 0
    fi
  done
  return 1
}

step "steady state: no writes"
for ms in $microservices; do run kubectl wait "${ns[@]}" "ms/$ms" --for=condition=Ready --timeout=60s; done
wait_quiet || fail "the operator kept writing: $(writes_since "$(last_index)")"
quiet_since=$(last_index)
sleep 3
quiet_writes=$(writes_since "$quiet_since")
[ -z "$quiet_writes" ] || fail "writes while nothing changed: $quiet_writes"

step "restart the operator: it converges with no duplicates and no writes"
kill -TERM "$operator_pid"
wait "$operator_pid"
code=$?
operator_pid=""
[ "$code" = 0 ] || fail "the operator exited $code on SIGTERM"
grep -q '"msg":"manager stopped"' "$operator_log" || fail "no graceful shutdown"
restart_since=$(last_index)
start_operator
until_true 30 grep -q '"controller":"microservice","workers"' "$operator_log" || fail "the restarted operator did not start its workers"
sleep 3
restart_writes=$(writes_since "$restart_since")
[ -z "$restart_writes" ] || fail "the restarted operator wrote: $restart_writes"
run kubectl get deployments -n shop -o json
check "one Deployment per Microservice, no duplicates" "
sorted(i['metadata']['name'] for i in o['items'] if i['metadata'].get('ownerReferences', [{}])[0].get('kind') == 'Microservice') ==
  ['order-service', 'payment-service', 'user-service']"
run kubectl get ms -n shop
expect "user-service"

echo "microservice_operator: all steps passed"
