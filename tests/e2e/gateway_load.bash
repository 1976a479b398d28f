# shellcheck shell=bash
# Shared by the hitless gateway checks (tests/e2e/gateway_hitless.sh, gateway_last_good.sh; sourced after
# gateway_common.bash): a steady stream of requests through the gateway with every answer counted, the gateway
# agent's metrics, and the processes of a gateway pod.

# load_start NAME ADDRESS PATH...: starts tests/e2e/gateway_load.py sending requests to ADDRESS for the PATHs until
# load_stop NAME.
load_start() {
  local name=$1 address=$2 path args=()
  shift 2
  for path in "$@"; do args+=(--path "$path"); done
  rm -f "$work/load-$name.stop" "$work/load-$name.json"
  stack_spawn "load-$name" python3 "$root/tests/e2e/gateway_load.py" --address "$address" --threads 4 "${args[@]}" \
    --stop-file "$work/load-$name.stop" --out "$work/load-$name.json"
}

# load_finish NAME: stops the stream; its counts are then in $work/load-NAME.json (requests, seconds, ok, errors,
# non2xx, stale_retries, samples).
load_finish() {
  touch "$work/load-$1.stop"
  stack_wait 30 test -s "$work/load-$1.json" || fail "the load generator ($1) did not finish"
  stack_stop_one "load-$1"
}

# load_stop NAME: stops the stream, prints its counts and fails the test unless it had at least 100 requests, all
# answered 2xx (errors 0, non-2xx 0).
load_stop() {
  load_finish "$1"
  python3 - "$work/load-$1.json" "$1" <<'PY' || fail "requests failed during $1"
import json, sys
c = json.load(open(sys.argv[1]))
print("   %s: %d requests in %.1f s: 2xx %d, errors %d, non-2xx %d (stale keep-alive retries %d)" % (
    sys.argv[2], c["requests"], c["seconds"], c["ok"], c["errors"], c["non2xx"], c["stale_retries"]))
for sample in c["samples"]:
    print("     " + sample)
sys.exit(0 if c["requests"] >= 100 and c["errors"] == 0 and c["non2xx"] == 0 else 1)
PY
}

# agent_metric AGENT NAME [LABEL=VALUE]: the sum of the agent's (host:port) samples of NAME with that label (0 when
# there are none).
agent_metric() {
  curl -sf --max-time 5 -o "$work/metrics.txt" "http://$1/metrics" || fail "the agent's /metrics at $1"
  gw_python "$work/metrics.txt" "$2" "${3:-}" <<'PY'
import sys
import gateway_http as gh
text, name, selector = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
want = dict([selector.split("=", 1)]) if selector else {}
print(int(sum(v for labels, v in gh.metric_samples(text, name) if all(labels.get(k) == x for k, x in want.items()))))
PY
}

# echo_microservices NS NAME...: YAML of one-replica echo Microservices that keep serving 2 s after SIGTERM
# (ECHO_STOP_DELAY_MS), as a Kubernetes app must to scale down without losing requests: a pod's SIGTERM and its
# endpoint's removal race (a real cluster uses a preStop sleep); the gateway stops sending it new requests (drain)
# within that time.
echo_microservices() {
  local ns=$1 name
  shift
  for name in "$@"; do
    gw_microservices "$ns" 1 "$name"
    echo '  env: [{name: ECHO_STOP_DELAY_MS, value: "2000"}]'
  done
}

# split_route NS WEIGHT: Route "main" on Gateway edge splitting /api/main between the echo Microservices steady
# (WEIGHT) and alt (100 - WEIGHT).
split_route() {
  cat <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: main, namespace: $1}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /api/main}}]
      backends: [{service: steady, weight: $2}, {service: alt, weight: $((100 - $2))}]
YAML
}

# extra_route NS N: Route extra-N on Gateway edge, /api/extra-N to alt.
extra_route() {
  cat <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: extra-$2, namespace: $1}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /api/extra-$2}}]
      backends: [{service: alt}]
YAML
}

# route_change NS I: the I-th of a cycle of Route changes under load, each a new config: a new split of "main",
# a Route added, the Route added before removed.
route_change() {
  case $(($2 % 3)) in
    0) split_route "$1" $((10 + ($2 * 7) % 81)) | gw_apply ;;
    1) extra_route "$1" "$2" | gw_apply ;;
    2) run kubectl -n "$1" delete route "extra-$(($2 - 1))" ;;
  esac
}

# gateway_runtime_dir NS GATEWAY: the gateway pod's runtime directory on this machine (the emulator keeps it in the
# pod's scratch directory, apiserver/pod_launch.h): haproxy.pid, master.sock, last-good.json.
gateway_runtime_dir() {
  local uid
  uid=$(kubectl -n "$1" get pods -l "flotilla.io/gateway=$2" -o 'jsonpath={.items[0].metadata.uid}')
  [ -n "$uid" ] || fail "no gateway pod of $1/$2"
  echo "${TMPDIR:-/tmp}/flotilla-pod-$uid/gateway"
}

# haproxy_processes RUNTIME-DIR: "<pid> <ppid>" of every HAProxy process started with that runtime directory's master
# socket (a master and its workers, which are forks of it).
haproxy_processes() {
  ps -eo pid=,ppid=,args= | awk -v sock="$1/master.sock" '$3 ~ /haproxy$/ && index($0, sock) { print $1, $2 }'
}

# haproxy_masters RUNTIME-DIR: the pids of the HAProxy masters of that runtime directory (processes whose parent is
# not one of them), one per line.
haproxy_masters() {
  haproxy_processes "$1" | awk '{ pid[$1] = 1; parent[$1] = $2 } END { for (p in pid) if (!(parent[p] in pid)) print p }'
}

# haproxy_workers RUNTIME-DIR: the pids of the HAProxy workers of that runtime directory.
haproxy_workers() {
  haproxy_processes "$1" | awk '{ pid[$1] = 1; parent[$1] = $2 } END { for (p in pid) if (parent[p] in pid) print p }'
}

# gateway_agent_pid: the pid of the gateway agent the emulator runs (its child `flotilla gateway ...`).
gateway_agent_pid() {
  ps -o pid=,args= --ppid "$(stack_pid apiserver)" | awk '$3 == "gateway" { print $1 }'
}
