#!/usr/bin/env bash
# The real kubectl (1.32) against `flotilla apiserver`: discovery, CRDs, client-side and server-side apply,
# field-manager conflicts, printing, watches, the three patch types, label, scale, cascading deletion, explain,
# schema validation and the protobuf bodies of `kubectl create`. Every step checks kubectl's output and stops the
# script (exit 1) with a message saying what differed.
set -uo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
command -v kubectl >/dev/null || { echo "kubectl_conformance: kubectl not installed" >&2; exit 1; }
[ -x "$binary" ] || { echo "kubectl_conformance: no flotilla binary at $binary" >&2; exit 1; }
ls "$root"/crds/*.yaml >/dev/null 2>&1 || { echo "kubectl_conformance: no CRDs in $root/crds" >&2; exit 1; }
[ -d "$root/examples/shop" ] || { echo "kubectl_conformance: no examples in $root/examples/shop" >&2; exit 1; }

work=$(mktemp -d -t flotilla-kubectl-XXXXXX)
server_pid=""
watch_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh HOME: kubectl caches discovery and OpenAPI under ~/.kube/cache.
export HOME=$work/home KUBECONFIG=$work/kubeconfig
mkdir -p "$HOME"

fail() {
  echo "kubectl_conformance: FAILED: $*" >&2
  [ -f "$work/last.out" ] && { echo "--- last output:" >&2; cat "$work/last.out" >&2; }
  exit 1
}
step() { echo "== $*"; }

# run CMD...: runs it, keeps its output in last.out, fails the script when it fails.
run() {
  "$@" >"$work/last.out" 2>&1 || fail "'$*' exited $?"
}
# expect TEXT: the last output contains TEXT.
expect() {
  grep -qF -- "$1" "$work/last.out" || fail "expected '$1' in the output of the last command"
}
# run_fails CMD...: the command must fail.
run_fails() {
  if "$@" >"$work/last.out" 2>&1; then fail "'$*' should have failed"; fi
}
# until_true SECONDS CMD...: retries until CMD succeeds.
until_true() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

step "start flotilla apiserver"
"$binary" apiserver --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
until_true 15 grep -q '^listening on ' "$work/server.out" || { cat "$work/server.err" >&2; fail "the server did not start"; }
url=$(sed -n 's/^listening on //p' "$work/server.out")
echo "   $url"

step "version and health"
run kubectl version
expect "Server Version: v1.32"
run kubectl get --raw /healthz
expect "ok"

step "api-resources"
run kubectl api-resources
expect "deployments"
expect "customresourcedefinitions"
expect "horizontalpodautoscalers"

step "apply CRDs and wait for Established"
run kubectl apply -f "$root/crds/"
expect "customresourcedefinition.apiextensions.k8s.io/microservices.flotilla.io created"
run kubectl wait --for=condition=Established crd --all --timeout=30s
expect "condition met"
run kubectl api-resources --api-group=flotilla.io
expect "microservices"

step "apply the shop example (client-side), twice"
run kubectl apply -f "$root/examples/shop/"
expect "microservice.flotilla.io/user-service created"
run kubectl apply -f "$root/examples/shop/"
run kubectl get microservices -n shop user-service -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}'
expect '"kind":"Microservice"'

step "apply the shop example again, server-side (taking over from client-side apply)"
run kubectl apply --server-side --force-conflicts -f "$root/examples/shop/"
expect "microservice.flotilla.io/user-service serverside-applied"

step "server-side apply conflict between two field managers"
cat >"$work/cm-alice.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: shared, namespace: default}
data: {key: alice}
YAML
sed 's/alice/bob/' "$work/cm-alice.yaml" >"$work/cm-bob.yaml"
run kubectl apply --server-side --field-manager=alice -f "$work/cm-alice.yaml"
expect "serverside-applied"
run_fails kubectl apply --server-side --field-manager=bob -f "$work/cm-bob.yaml"
expect 'Apply failed with 1 conflict: conflict with "alice"'
expect ".data.key"
run kubectl apply --server-side --field-manager=bob --force-conflicts -f "$work/cm-bob.yaml"
run kubectl get configmap shared -o jsonpath='{.data.key}'
expect "bob"
run kubectl get configmap shared -o yaml --show-managed-fields
expect "manager: bob"

step "get -o wide / yaml / json with printer columns"
run kubectl get microservices -n shop -o wide
expect "READY"
expect "REPLICAS"
expect "IMAGE"
expect "user-service"
run kubectl get ms user-service -n shop -o yaml
expect "kind: Microservice"
expect "image: flotilla/echo:1"
run kubectl get rt -n shop -o json
expect '"kind": "List"'
run kubectl get routes -A
expect "NAMESPACE"

step "kubectl create (protobuf bodies)"
run kubectl create namespace proto
expect "namespace/proto created"
run kubectl create configmap made --from-literal=a=b -n proto
expect "configmap/made created"
run kubectl create deployment web --image=nginx:1.27 --replicas=2
expect "deployment.apps/web created"
run kubectl get deployment web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}'
expect "2 nginx:1.27"

step "get -w sees a change made by another command"
kubectl get configmaps -w --output-watch-events >"$work/watch.out" 2>&1 &
watch_pid=$!
until_true 10 grep -q "shared" "$work/watch.out" || fail "the watch did not list the existing configmap"
run kubectl create configmap watched --from-literal=x=1
until_true 10 grep -q "ADDED.*watched" "$work/watch.out" || { cat "$work/watch.out" >&2; fail "get -w did not see the new configmap"; }
run kubectl label configmap watched color=blue
expect "configmap/watched labeled"
until_true 10 grep -q "MODIFIED.*watched" "$work/watch.out" || { cat "$work/watch.out" >&2; fail "get -w did not see the label"; }
kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null; watch_pid=""
run kubectl get configmaps --show-labels -l color=blue
expect "color=blue"

step "patch: merge, json and strategic"
run kubectl patch configmap watched --type merge -p '{"data":{"y":"2"}}'
expect "patched"
run kubectl patch configmap watched --type json -p '[{"op":"add","path":"/data/z","value":"3"}]'
run kubectl get configmap watched -o jsonpath='{.data.x}{.data.y}{.data.z}'
expect "123"
run kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'
expect "deployment.apps/web patched"
run kubectl get deployment web -o jsonpath='{range .spec.template.spec.containers[*]}{.name}={.image} {end}'
expect "nginx=nginx:1.28"
run_fails kubectl patch microservice user-service -n shop -p '{"spec":{"replicas":3}}'
expect "application/strategic-merge-patch+json is not supported by flotilla.io/v1alpha1, Kind=Microservice"
run kubectl patch microservice user-service -n shop --type merge -p '{"spec":{"replicas":3}}'
run kubectl get ms user-service -n shop -o jsonpath='{.spec.replicas} {.metadata.generation}'
expect "3 "

step "scale a deployment"
run kubectl scale deployment web --replicas=3
expect "deployment.apps/web scaled"
run kubectl get deployment web -o jsonpath='{.spec.replicas}'
expect "3"

step "delete with foreground cascade removes owned objects"
owner_uid=$(kubectl get deployment web -o jsonpath='{.metadata.uid}')
[ -n "$owner_uid" ] || fail "no uid for deployment web"
cat >"$work/owned.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: owned-by-web
  namespace: default
  ownerReferences:
  - {apiVersion: apps/v1, kind: Deployment, name: web, uid: $owner_uid, controller: true, blockOwnerDeletion: true}
data: {a: b}
YAML
run kubectl apply -f "$work/owned.yaml"
run kubectl delete deployment web --cascade=foreground --timeout=30s
expect 'deployment.apps "web" deleted'
run_fails kubectl get configmap owned-by-web
expect "NotFound"

step "explain a CRD field"
run kubectl explain microservice.spec.autoscaling
expect "KIND:       Microservice"
expect "maxReplicas"

step "a schema-invalid custom resource is rejected with its field path"
cat >"$work/bad.yaml" <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: bad, namespace: shop}
spec: {image: x, replicas: -5}
YAML
run_fails kubectl apply -f "$work/bad.yaml"
expect "spec.replicas"
expect "is invalid"
cat >"$work/unknown.yaml" <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: typo, namespace: shop}
spec: {image: x, colour: blue}
YAML
run_fails kubectl apply -f "$work/unknown.yaml"
expect 'unknown field "spec.colour"'

step "unknown resources and missing objects"
run_fails kubectl get foos
expect "the server doesn't have a resource type \"foos\""
run_fails kubectl get configmap nope
expect 'configmaps "nope" not found'

step "deleting the namespace removes its objects"
run kubectl delete namespace proto --timeout=30s
until_true 15 sh -c '! kubectl get namespace proto' || fail "namespace proto was not deleted"

echo "kubectl_conformance: all steps passed"
