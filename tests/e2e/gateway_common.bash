# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# Shared by tests/e2e/gateway_*.sh (sourced, not a test itself): each script runs its own stack —
# `flotilla apiserver --simulate-workloads --run-pods` (echo backends and the gateway pod, agent + real HAProxy, as
# local processes on their own 127.x addresses) and `flotilla operator` — drives it with the real kubectl and sends
# real HTTP requests through HAProxy. Everything started here is stopped on exit, the scratch directory removed.
set -uo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
test_name=$(basename "$0" .sh)

for tool in kubectl python3 curl haproxy; do
  command -v "$tool" >/dev/null || { echo "$test_name: $tool is not installed (hack/install-deps.sh)" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "$test_name: no flotilla binary at $binary" >&2; exit 1; }

work=$(mktemp -d -t "flotilla-$test_name-XXXXXX")
# shellcheck source-path=SCRIPTDIR source=../../hack/lib/stack.bash
source "$root/hack/lib/stack.bash"
gw_cleanup() {
  stack_stop
  rm -rf "$work"
}
trap gw_cleanup EXIT

fail() {
  echo "$test_name: FAILED: $*" >&2
  [ -s "$work/last.out" ] && { echo "--- last output:" >&2; tail -30 "$work/last.out" >&2; }
  [ -s "$work/operator.err" ] && { echo "--- operator log (warnings and errors):" >&2; grep -v '"level":"info"' "$work/operator.err" | tail -15 >&2; }
  exit 1
}
step() { echo "== $*"; }
run() { "$@" >"$work/last.out" 2>&1 || fail "'$*' exited $?"; }

# gw_python [args...]: python3 reading its program from stdin, with tests/e2e/gateway_http.py importable.
# No bytecode cache: nothing is written into the source tree.
gw_python() { PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$root/tests/e2e${PYTHONPATH:+:$PYTHONPATH}" python3 - "$@"; }

# gw_start_stack [operator flags...]: the API emulator running pods, the CRDs, and the operator (no leader election:
# one replica).
# Pods get addresses from a random 127.x.y.0/24 range, so scripts running in parallel never race for one address.
# Sets GW_POD_NET, the pods' /24 ("127.x.y").
gw_start_stack() {
  GW_POD_NET=$(python3 -c 'import random; print("127.%d.%d" % (random.randint(1, 250), random.randint(0, 255)))')
  stack_start_apiserver --simulate-workloads --run-pods --pod-addresses-from "$GW_POD_NET.2" ||
    fail "the API emulator did not start"
  run kubectl apply -f "$root/crds/"
  run kubectl wait --for=condition=Established crd --all --timeout=30s
  stack_start_operator --leader-elect=false --log-format json "$@" || fail "the operator did not start"
}

# gw_apply: kubectl apply -f - with the YAML on stdin.
gw_apply() { kubectl apply -f - >"$work/last.out" 2>&1 || fail "kubectl apply failed"; }

# gw_wait_programmed NS GATEWAY: the gateway pods serve the Gateway's current generation.
gw_wait_programmed() {
  run kubectl -n "$1" wait --for=condition=Programmed "gateway/$2" --timeout=60s
}

# gw_route_condition NS ROUTE TYPE: "<status>/<reason>" of a condition of the Route's first parent.
gw_route_condition() {
  kubectl -n "$1" get "route/$2" \
    -o "jsonpath={.status.parents[0].conditions[?(@.type==\"$3\")].status}/{.status.parents[0].conditions[?(@.type==\"$3\")].reason}"
}

# gw_route_programmed NS ROUTE: the Route's first parent says Programmed=True for the Route's current generation.
gw_route_programmed() {
  local jsonpath='{.metadata.generation} {.status.parents[0].conditions[?(@.type=="Programmed")].observedGeneration}'
  jsonpath+=' {.status.parents[0].conditions[?(@.type=="Programmed")].status}'
  local generation observed status
  read -r generation observed status < <(kubectl -n "$1" get "route/$2" -o "jsonpath=$jsonpath")
  [ "$status" = True ] && [ "$observed" = "$generation" ]
}

# gw_wait_routes_programmed NS ROUTE...: every Route is Programmed for its generation, and Accepted and
# ResolvedRefs too.
gw_wait_routes_programmed() {
  local ns=$1 route type
  shift
  for route in "$@"; do
    stack_wait 60 gw_route_programmed "$ns" "$route" ||
      fail "Route $ns/$route is not Programmed: $(gw_route_condition "$ns" "$route" Programmed)"
    for type in Accepted ResolvedRefs; do
      case $(gw_route_condition "$ns" "$route" "$type") in
        True/*) ;;
        *) fail "Route $ns/$route: $type is $(gw_route_condition "$ns" "$route" "$type")" ;;
      esac
    done
  done
}

# gw_pod_of NS LABEL-SELECTOR: "<podIP> <pod name>" of the first pod with the selector.
gw_pod_of() {
  kubectl -n "$1" get pods -l "$2" -o 'jsonpath={.items[0].status.podIP} {.items[0].metadata.name}'
}

# gw_listener NS GATEWAY PORT-NAME: "<podIP>:<containerPort>" where the (first) gateway pod serves a listener (a
# listener port below 1024 is served on port + 8000 inside the pod), or its "stats" or "agent" port.
gw_listener() {
  local pods=(-n "$1" get pods -l "flotilla.io/gateway=$2")
  local ip port
  ip=$(kubectl "${pods[@]}" -o 'jsonpath={.items[0].status.podIP}')
  port=$(kubectl "${pods[@]}" -o "jsonpath={.items[0].spec.containers[0].ports[?(@.name==\"$3\")].containerPort}")
  if [ -z "$ip" ] || [ -z "$port" ]; then fail "no gateway pod of $1/$2 serving listener $3"; fi
  echo "$ip:$port"
}

# gw_echo_pods NS MICROSERVICE: "<podIP>:<port> <pod name>" lines of the Microservice's ready echo pods.
gw_echo_pods() {
  kubectl -n "$1" get pods -l "app.kubernetes.io/name=$2" \
    -o 'jsonpath={range .items[*]}{.status.podIP}:{.spec.containers[0].ports[0].containerPort} {.metadata.name}{"\n"}{end}'
}

# gw_echo_control ADDRESS JSON: changes the echo pod's behaviour at run time (POST /control on its own address).
gw_echo_control() {
  curl -sf --max-time 5 -X POST "http://$1/control" -d "$2" >"$work/last.out" 2>&1 ||
    fail "POST /control $2 to the echo pod at $1 failed"
}

# gw_microservices NS REPLICAS NAME...: YAML of echo Microservices (image flotilla/echo: each pod answers with its
# service and pod name), one port named http on 8080, no probes (a pod is ready once its port accepts connections).
gw_microservices() {
  local ns=$1 replicas=$2 name
  shift 2
  for name in "$@"; do
    cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: $name, namespace: $ns}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
  replicas: $replicas
YAML
  done
}

# gw_edge_gateway NS [with-namespace]: the YAML of the plain one-replica HTTP Gateway "edge" most scripts route
# through (preceded by its Namespace when asked).
gw_edge_gateway() {
  if [ "${2:-}" = with-namespace ]; then printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\n' "$1"; fi
  printf 'apiVersion: flotilla.io/v1alpha1\nkind: Gateway\nmetadata: {name: edge, namespace: %s}\nspec:\n  replicas: 1\n  listeners: [{name: http, port: 80}]\n' "$1"
}
