#!/usr/bin/env bash
# Operator scale benchmark (issue 11): the operator's memory, convergence time, API requests and idle CPU with
# N Microservices + N Routes. For each N it starts a fresh local stack on free ports — `flotilla apiserver
# --simulate-workloads --run-pods` and `flotilla operator` — creates one Gateway and waits until it is Programmed,
# then runs bench/operator_scale.py: N Microservices and N Routes created in one burst, polled by LIST
# until all are Ready / Programmed. Prints one JSON document on stdout (every case, the RSS slope between the two
# largest N as cache bytes per object, the anchors); progress on stderr. Everything it started is stopped on exit.
#
# Only the Gateway's pod runs for real (agent + HAProxy): a Route is Programmed when the gateway pods report that
# they loaded a configuration with it, which needs the agent. The Microservices use an image the emulator only
# simulates, so their pods cost no processes.
#
# The operator runs with --kube-api-qps/--kube-api-burst raised to $FLOTILLA_BENCH_QPS/$FLOTILLA_BENCH_BURST
# (default 1000/2000): converging 1,000 Microservices and Routes takes ~5,000 writes, which the defaults (20/30,
# client-go's) stretch to minutes. The full run also measures the smallest N at the defaults, to show that cost.
#
# Usage: bench/operator_scale.sh [--quick]   (--quick: N = 100 and 10 s of idle CPU; full: N = 100, 1,000, 5,000,
#                                             60 s of idle CPU at 1,000)
#        FLOTILLA_BINARY picks the binary (default build/flotilla); FLOTILLA_BENCH_OBJECTS="N ..." runs only those N
#        (no idle CPU), e.g. while profiling.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
qps=${FLOTILLA_BENCH_QPS:-1000}
burst=${FLOTILLA_BENCH_BURST:-2000}
quick=false
[ "${1:-}" = "--quick" ] && quick=true
source "$root/hack/lib/stack.bash"
stack_require operator_scale kubectl python3 curl haproxy

work=$(mktemp -d -t flotilla-operator-scale-XXXXXX)
trap 'stack_stop; rm -rf "$work"' EXIT
fail() {
  echo "operator_scale: $*" >&2
  [ -s "$work/operator.err" ] && { echo "--- operator log (tail):" >&2; tail -5 "$work/operator.err" >&2; }
  exit 1
}
ns=scale

# run_case N IDLE-SECONDS QPS BURST: one fresh stack, one case; its JSON goes to $work/case-<n>-<qps>.json.
run_case() {
  local n=$1 idle=$2 case_qps=$3 case_burst=$4
  echo "operator_scale: N=$n (kube-api-qps $case_qps, burst $case_burst)" >&2
  local range
  range=$(python3 -c 'import random; print("127.%d.%d.2" % (random.randint(1, 250), random.randint(0, 255)))')
  # Each Microservice makes ~5 objects (Deployment, ReplicaSet, Pod, Service, EndpointSlice), each written a few
  # times: the history must outlast the bulk or the operator's watches would start over with 410 Gone.
  stack_start_apiserver --simulate-workloads --run-pods --pod-addresses-from "$range" --history-size 400000 ||
    fail "the API emulator did not start"
  kubectl apply -f "$root/crds/" >"$work/setup.log" 2>&1 || fail "kubectl apply crds/"
  kubectl wait --for=condition=Established crd --all --timeout=30s >>"$work/setup.log" 2>&1 ||
    fail "CRDs not established"
  stack_start_operator --leader-elect=false --log-level warn --kube-api-qps "$case_qps" \
    --kube-api-burst "$case_burst" || fail "the operator did not start"
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\n' "$ns"
    printf 'apiVersion: flotilla.io/v1alpha1\nkind: Gateway\nmetadata: {name: edge, namespace: %s}\n' "$ns"
    printf 'spec:\n  replicas: 1\n  listeners: [{name: http, port: 80}]\n  allowedRoutes: {namespaces: {from: All}}\n'
  } | kubectl apply -f - >>"$work/setup.log" 2>&1 || fail "applying the Gateway"
  kubectl -n $ns wait --for=condition=Programmed gateway/edge --timeout=90s >>"$work/setup.log" 2>&1 ||
    fail "the Gateway was not programmed"
  python3 "$root/bench/operator_scale.py" --apiserver "$STACK_APISERVER_URL" --operator-pid "$(stack_pid operator)" \
    --apiserver-pid "$(stack_pid apiserver)" --namespace $ns --gateway edge --objects "$n" --idle-seconds "$idle" \
    >"$work/case-$n-$case_qps.json" || fail "the case N=$n failed"
  stack_stop
}

if [ -n "${FLOTILLA_BENCH_OBJECTS:-}" ]; then
  for n in $FLOTILLA_BENCH_OBJECTS; do run_case "$n" 0 "$qps" "$burst"; done
elif $quick; then
  run_case 100 10 "$qps" "$burst"
else
  run_case 100 0 "$qps" "$burst"
  run_case 1000 60 "$qps" "$burst"
  run_case 5000 0 "$qps" "$burst"
  run_case 100 0 20 30
fi

python3 - "$work" "$qps" "$burst" <<'PY'
import glob, json, os, sys
work, qps, burst = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cases, at_defaults = [], []
for path in glob.glob(os.path.join(work, "case-*.json")):
    case_qps = int(path.rsplit("-", 1)[1].removesuffix(".json"))
    (cases if case_qps == qps else at_defaults).append(json.load(open(path)))
cases.sort(key=lambda c: c["objects"])
doc = {"kube_api_qps": qps, "kube_api_burst": burst, "cases": cases}
if at_defaults:
    doc["at_default_limits"] = {"kube_api_qps": 20, "kube_api_burst": 30, "cases": at_defaults}
if len(cases) >= 2:
    small, large = cases[-2], cases[-1]
    # Each case has N Microservices and N Routes in the cache, plus what the emulator made for each Microservice
    # that the operator caches too (Deployment, Service, ...): "per object" is per Microservice + Route pair / 2.
    doc["cache_bytes_per_object"] = round((large["rss_bytes"] - small["rss_bytes"]) /
                                          (2 * (large["objects"] - small["objects"])))
doc["anchors"] = {
    "envoy_gateway_rss_bytes_at_1000_routes": 189 * 2**20,
    "kube_rs_metadata_only_bytes_per_object": 4500,
    "peer_status_seconds_for_1000_routes": 1.0,
}
json.dump(doc, sys.stdout, indent=1)
print()
PY
