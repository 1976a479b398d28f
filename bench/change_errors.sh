#!/usr/bin/env bash
# Errors during changes (issue 11, target 0): a steady stream of requests through the gateway (real HAProxy run by
# the `flotilla gateway` agent) to two echo Microservices while Route changes are applied one after another — a new
# weight split of the Route under load, a Route added, one removed; each a new config HAProxy reloads. Every answer
# is counted; the load generator is tests/e2e/gateway_load.py (back to back on 4 threads, so the rate is whatever
# the machine reaches with the gateway and the backends beside it; the JSON reports it). Prints one JSON document on
# stdout, progress on stderr; everything it started is stopped on exit.
#
# Usage: bench/change_errors.sh [--quick]    (--quick: 20 changes; default 100)
#        FLOTILLA_BINARY picks the binary (default build/flotilla).
changes=100
[ "${1:-}" = "--quick" ] && changes=20
# shellcheck source=dataplane_common.bash
source "$(dirname "$0")/dataplane_common.bash"
# shellcheck source=../tests/e2e/gateway_load.bash
source "$FLOTILLA_SOURCE_DIR/tests/e2e/gateway_load.bash"

ns=changes
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack
{
  gw_edge_gateway $ns with-namespace
  echo_microservices $ns steady alt
  echo ---
  split_route $ns 50
} | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns main
gateway=$(gw_listener $ns edge http)
read -r gateway_ip _ < <(gw_pod_of $ns flotilla.io/gateway=edge)
gw_python "$gateway" <<'PY' || fail "the route under load does not answer"
import sys
import gateway_http as gh
sys.exit(0 if gh.wait_served(sys.argv[1], ["/api/main/x"]) else 1)
PY
reloads() { agent_metric "$gateway_ip:8405" flotilla_gateway_config_reloads_total result=success; }

step "$changes Route changes under load"
reloads_before=$(reloads)
load_start changes "$gateway" /api/main/a
sleep 1
for i in $(seq 1 "$changes"); do
  route_change $ns "$i"
  sleep 0.2
done
gw_wait_programmed $ns edge
sleep 1
load_finish changes
reloads_after=$(reloads)
failed=$(agent_metric "$gateway_ip:8405" flotilla_gateway_config_reloads_total result=failure)
python3 - "$work/load-changes.json" "$changes" "$((reloads_after - reloads_before))" "$failed" >&3 <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
changes, reloads, failed = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
result = {"changes": changes, "reloads": reloads, "rejected_configs": failed, "requests": c["requests"],
          "seconds": round(c["seconds"], 2), "requests_per_second": round(c["requests"] / c["seconds"], 1),
          "ok": c["ok"], "errors": c["errors"], "non2xx": c["non2xx"],
          "target": "0 errors and 0 non-2xx (anchors: Istio, Kong 0)",
          "met": c["errors"] == 0 and c["non2xx"] == 0}
json.dump(result, sys.stdout, indent=2)
print()
PY
