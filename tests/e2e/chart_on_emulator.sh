#!/usr/bin/env bash
# The chart's manifests go into an API server and the operator runs exactly as the chart starts it:
#  - `helm template` output is applied to `flotilla apiserver` with `kubectl apply --server-side` (CRDs validated and
#    served, RBAC objects, Deployment, Service, PodMonitor-free default values);
#  - the operator is started as a process with the args of the chart's Deployment (only the listen addresses are
#    moved to free ports, as a pod network would give it its own) and must report /readyz and take the lease;
#  - a Microservice applied afterwards becomes Ready, so the chart's flags describe a working operator.
source "$(dirname "$0")/chart_common.bash"
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
[ -x "$binary" ] || fail "flotilla binary not found at $binary (set FLOTILLA_BINARY)"
need kubectl
work=$scratch
source "$root/hack/lib/stack.bash"
trap 'stack_stop; rm -rf "$scratch"' EXIT

stack_start_apiserver --simulate-workloads || fail "the API emulator did not start"
kubectl create namespace "$release_namespace" >/dev/null || fail "cannot create $release_namespace"

render "$scratch/chart.yaml" --include-crds
kubectl apply --server-side -f "$root/crds/" >"$scratch/crds.out" 2>&1 || fail "CRDs: $(cat "$scratch/crds.out")"
kubectl wait --for=condition=Established crd --all --timeout=30s >/dev/null || fail "CRDs not established"
# Prometheus Operator kinds (off by default) would need their CRDs; the default render has none.
kubectl apply --server-side -f "$scratch/chart.yaml" >"$scratch/apply.out" 2>&1 ||
  fail "kubectl apply --server-side of the rendered chart failed: $(cat "$scratch/apply.out")"
grep -q "deployment.apps/flotilla serverside-applied" "$scratch/apply.out" || fail "the operator Deployment was not applied"

# The operator container's args, as the chart wrote them.
mapfile -t args < <(kubectl -n "$release_namespace" get deployment flotilla \
  -o jsonpath='{range .spec.template.spec.containers[0].args[*]}{@}{"\n"}{end}')
[ "${args[0]:-}" = operator ] || fail "the chart's operator args do not start with 'operator': ${args[*]}"
echo "chart args: ${args[*]}"
# Later flags win: move the listen addresses to free ports.
STACK_OPERATOR_METRICS=127.0.0.1:$(stack_free_port)
STACK_OPERATOR_HEALTH=127.0.0.1:$(stack_free_port)
POD_NAME=flotilla-chart-test stack_spawn operator "$binary" "${args[@]}" --kubeconfig "$KUBECONFIG" \
  --metrics-bind-address "$STACK_OPERATOR_METRICS" --health-probe-bind-address "$STACK_OPERATOR_HEALTH"
stack_wait 60 curl -fsS "http://$STACK_OPERATOR_HEALTH/readyz" ||
  fail "the operator started with the chart's args is not ready: $(tail -5 "$scratch/operator.err")"
stack_wait 30 bash -c "kubectl -n $release_namespace get lease flotilla-operator-leader -o jsonpath='{.spec.holderIdentity}' | grep -q ." ||
  fail "the operator did not take the leader Lease"

kubectl create namespace shop >/dev/null
kubectl apply -f "$root/examples/shop/user-service.yaml" >/dev/null || fail "applying a Microservice failed"
kubectl -n shop wait --for=condition=Ready microservice/user-service --timeout=60s >/dev/null ||
  fail "the Microservice did not become Ready under the chart-configured operator"
echo "chart_on_emulator: the chart's manifests apply server-side and its operator args run a working operator"
