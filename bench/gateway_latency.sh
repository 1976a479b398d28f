#!/usr/bin/env bash
# Gateway change latencies for the benchmark issue (issue 8 targets: endpoint change effective p99 ≤ 100 ms, route
# change p99 ≤ 500 ms). Starts its own local stack on free ports — `flotilla apiserver --run-pods` (echo backend, gateway
# pod = agent + real HAProxy) and `flotilla operator` — and runs bench/gateway_latency.py against it: TRIALS scale-ups
# (EndpointSlice says the new pod is ready → first request it serves through the gateway) and TRIALS Route applies
# (kubectl apply → first 200 on the new path). Prints the JSON result on stdout (p50/p99/min/max and every value in
# ms); progress on stderr. Everything it started is stopped by pid on exit.
#
# Usage: bench/gateway_latency.sh [--quick | TRIALS]   (default 20 trials, --quick 5, as hack/bench.sh --quick passes;
#        FLOTILLA_BINARY picks the binary, default build/flotilla; FLOTILLA_BENCH_LOGS=DIR keeps the logs,
#        FLOTILLA_OPERATOR_FLAGS adds operator flags)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
case "${1:-}" in
  --quick) trials=5 ;;
  "") trials=20 ;;
  *) trials=$1 ;;
esac
source "$root/hack/lib/stack.bash"
stack_require gateway_latency kubectl python3 curl haproxy

work=$(mktemp -d -t flotilla-gateway-latency-XXXXXX)
# FLOTILLA_BENCH_LOGS=DIR keeps the operator's and the gateway pod's logs there (timestamps for a breakdown).
keep_logs() {
  [ -n "${FLOTILLA_BENCH_LOGS:-}" ] || return 0
  mkdir -p "$FLOTILLA_BENCH_LOGS"
  cp "$work"/*.err "$FLOTILLA_BENCH_LOGS/" 2>/dev/null
  local pod
  pod=$(kubectl -n "$ns" get pods -l flotilla.io/gateway=edge -o 'jsonpath={.items[0].metadata.name}' 2>/dev/null)
  [ -n "$pod" ] && kubectl -n "$ns" logs "$pod" >"$FLOTILLA_BENCH_LOGS/gateway.log" 2>&1
}
trap 'keep_logs; stack_stop; rm -rf "$work"' EXIT
fail() {
  echo "gateway_latency: $*" >&2
  exit 1
}
ns=latency

range=$(python3 -c 'import random; print("127.%d.%d.2" % (random.randint(1, 250), random.randint(0, 255)))')
stack_start_apiserver --simulate-workloads --run-pods --pod-addresses-from "$range" || fail "the API emulator did not start"
kubectl apply -f "$root/crds/" >"$work/setup.log" 2>&1 || fail "kubectl apply crds/"
kubectl wait --for=condition=Established crd --all --timeout=30s >>"$work/setup.log" 2>&1 || fail "CRDs not established"
# FLOTILLA_OPERATOR_FLAGS: extra operator flags (e.g. --kube-api-qps=100) for experiments.
# shellcheck disable=SC2086 # a list of flags
stack_start_operator --leader-elect=false ${FLOTILLA_OPERATOR_FLAGS:-} || fail "the operator did not start"

cat <<YAML | kubectl apply -f - >>"$work/setup.log" 2>&1 || fail "applying the bench objects"
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: flotilla.io/v1alpha1
kind: Gateway
metadata: {name: edge, namespace: $ns}
spec:
  replicas: 1
  listeners: [{name: http, port: 80}]
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: bench, namespace: $ns}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
  replicas: 1
  env: [{name: ECHO_STOP_DELAY_MS, value: "1000"}]
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: probe, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /bench/endpoints}}]
      backends: [{service: bench}]
YAML
kubectl -n $ns wait --for=condition=Programmed gateway/edge --timeout=90s >>"$work/setup.log" 2>&1 ||
  fail "the Gateway was not programmed"
ip=$(kubectl -n $ns get pods -l flotilla.io/gateway=edge -o 'jsonpath={.items[0].status.podIP}')
port=$(kubectl -n $ns get pods -l flotilla.io/gateway=edge -o 'jsonpath={.items[0].spec.containers[0].ports[?(@.name=="http")].containerPort}')
stack_wait 60 curl -sf "http://$ip:$port/bench/endpoints" || fail "the probe Route does not answer at $ip:$port"

agent_port=$(kubectl -n $ns get pods -l flotilla.io/gateway=edge -o 'jsonpath={.items[0].spec.containers[0].ports[?(@.name=="agent")].containerPort}')

python3 "$root/bench/gateway_latency.py" --namespace $ns --gateway "$ip:$port" --microservice bench --trials "$trials" \
  --agent "$ip:$agent_port"
