#!/usr/bin/env bash
# Breaker reaction (issue 11, targets: 0 requests to a dead endpoint after its 5th failure; fail fast < 1 ms at the
# gateway when every circuit is open). A 2-replica echo Microservice behind a Route whose BreakerPolicy has the
# default settings (5 consecutive failures), real HAProxy run by the `flotilla gateway` agent; see
# bench/breaker_reaction.py. Starts its own stack with the e2e helpers (tests/e2e/gateway_common.bash). Prints one
# JSON document on stdout, progress on stderr; everything it started is stopped on exit.
#
# Usage: bench/breaker_reaction.sh [--quick]    (--quick: 100 requests after the trip and 2 s of fail-fast;
#        default 500 and 10 s). FLOTILLA_BINARY picks the binary (default build/flotilla).
requests=500 seconds=10
[ "${1:-}" = "--quick" ] && requests=100 seconds=2
# shellcheck source=dataplane_common.bash
source "$(dirname "$0")/dataplane_common.bash"

ns=breaker
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack
{
  gw_edge_gateway $ns with-namespace
  gw_microservices $ns 2 target
  printf -- '---\napiVersion: flotilla.io/v1alpha1\nkind: BreakerPolicy\nmetadata: {name: defaults, namespace: %s}\nspec: {}\n' $ns
  printf -- '---\napiVersion: flotilla.io/v1alpha1\nkind: Route\nmetadata: {name: target, namespace: %s}\n' $ns
  printf 'spec:\n  gatewayRef: {name: edge}\n  rules:\n    - matches: [{path: {value: /b}}]\n'
  printf '      backends: [{service: target}]\n      breakerPolicyRef: {name: defaults}\n'
} | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns target
gateway=$(gw_listener $ns edge http) || exit 1
mapfile -t pods < <(gw_echo_pods $ns target)
[ ${#pods[@]} = 2 ] || fail "target has ${#pods[@]} pods, want 2"
endpoints="${pods[0]/ /=},${pods[1]/ /=}"
stack_wait 60 curl -sf "http://$gateway/b/x" || fail "the Route does not answer at $gateway"
PYTHONDONTWRITEBYTECODE=1 python3 "$FLOTILLA_SOURCE_DIR/bench/breaker_reaction.py" --gateway "$gateway" \
  --path /b/x --endpoints "$endpoints" --requests $requests --seconds $seconds \
  --apiserver-pid "$(stack_pid apiserver)" >"$work/result.json" ||
  fail "the measurement failed"
cat "$work/result.json" >&3
