#!/usr/bin/env bash
# Gateway overhead (issue 11, target: p99 added ≤ 0.4 ms, throughput ≥ 80 % of direct at equal cores): one echo
# backend measured with wrk directly and through the gateway (real HAProxy run by the `flotilla gateway` agent) in
# the same run, alternating, same connections/threads/duration; wrk on CPU 0, backend and HAProxy on CPU 1 (see
# bench/gateway_overhead.py). Starts its own stack with the e2e helpers (tests/e2e/gateway_common.bash). Prints one
# JSON document on stdout, progress on stderr; everything it started is stopped on exit.
#
# Usage: bench/gateway_overhead.sh [--quick]    (--quick: 2 rounds of 3 s per run; default 3 rounds of 10 s)
#        FLOTILLA_BINARY picks the binary (default build/flotilla).
rounds=3 seconds=10
[ "${1:-}" = "--quick" ] && rounds=2 seconds=3
# shellcheck source=dataplane_common.bash
source "$(dirname "$0")/dataplane_common.bash"

ns=overhead
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack
{
  gw_edge_gateway $ns with-namespace
  gw_microservices $ns 1 bench
  printf -- '---\napiVersion: flotilla.io/v1alpha1\nkind: Route\nmetadata: {name: bench, namespace: %s}\n' $ns
  printf 'spec:\n  gatewayRef: {name: edge}\n  rules:\n    - matches: [{path: {value: /bench}}]\n'
  printf '      backends: [{service: bench}]\n'
} | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns bench
gateway=$(gw_listener $ns edge http) || exit 1
read -r echo_address _ < <(gw_echo_pods $ns bench)
[ -n "$echo_address" ] || fail "no echo pod"
stack_wait 60 curl -sf "http://$gateway/bench/x" || fail "the Route does not answer at $gateway"
step "gateway $gateway, echo backend $echo_address: $rounds rounds of ${seconds}s each way"
PYTHONDONTWRITEBYTECODE=1 python3 "$FLOTILLA_SOURCE_DIR/bench/gateway_overhead.py" \
  --apiserver-pid "$(stack_pid apiserver)" --echo "$echo_address" --gateway "$gateway" --path /bench/x \
  --rounds $rounds --seconds $seconds >"$work/result.json" || fail "the measurement failed"
cat "$work/result.json" >&3
