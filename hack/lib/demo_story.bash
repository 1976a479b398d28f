# The quickstart's story (sourced by hack/quickstart.sh, which provides step/say/fail/progress, $root, $work,
# $binary and the stack functions). Every chapter checks what it shows: if something does not happen, the
# quickstart fails and says which step.

demo_kubectl() { kubectl "$@" 2>&1; }

# demo_get URL: prints "<status> <service> <pod>" for one request through the gateway.
demo_get() {
  local body status
  body=$(curl -s -o - -w '\n%{http_code}' --max-time 5 "$1" 2>/dev/null) || true
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  python3 -c 'import json,sys
try:
    d = json.loads(sys.argv[2]); print(sys.argv[1], d.get("service", "-"), d.get("pod", "-"))
except Exception:
    print(sys.argv[1], "-", "-")' "$status" "$body"
}

# demo_count N URL: N requests; prints "<count> <status> <service> <pod>" lines, most frequent first.
demo_count() {
  local n=$1 url=$2 i
  for ((i = 0; i < n; i++)); do demo_get "$url"; done | sort | uniq -c | sort -rn
}

demo_start_stack() {
  step "Starting the local Kubernetes API (flotilla apiserver --simulate-workloads --run-pods)"
  stack_start_apiserver --simulate-workloads --run-pods || fail "the API emulator did not start"
  say "API server: $STACK_APISERVER_URL   kubeconfig: $KUBECONFIG"
  say "try it yourself: export KUBECONFIG=$KUBECONFIG; kubectl get ns"

  step "Installing the CRDs (kubectl apply -f crds/)"
  demo_kubectl apply -f "$root/crds/" | sed 's/^/    /'
  progress 60 "CRDs established" kubectl wait --for=condition=Established crd --all --timeout=5s
  demo_kubectl create namespace flotilla-system >/dev/null

  step "Starting the operator (flotilla operator --leader-elect)"
  stack_start_operator --leader-elect=true --leader-election-namespace flotilla-system --log-format json ||
    fail "the operator did not start"
  say "metrics: http://$STACK_OPERATOR_METRICS/metrics   health: http://$STACK_OPERATOR_HEALTH/readyz"
  say "log: $work/operator.err"
}

demo_apply_shop() {
  step "Declaring the shop (kubectl apply -f examples/shop/)"
  demo_kubectl apply -f "$root/examples/shop/" | sed 's/^/    /'
  say "(the demo shortens the breaker's open duration from 60 s to 10 s so you can watch it close again)"
  demo_kubectl -n shop patch breakerpolicy default-breaker --type merge -p '{"spec":{"openDuration":"10s"}}' |
    sed 's/^/    /'
  progress 180 "all Microservices Ready" kubectl -n shop wait --for=condition=Ready microservice --all --timeout=5s
  progress 180 "the Gateway Programmed" kubectl -n shop wait --for=condition=Programmed gateway/public --timeout=5s
  demo_kubectl -n shop get microservices,routes,breakerpolicies,gateways | sed 's/^/    /'
  demo_kubectl -n shop get deployments,services,hpa,pdb | sed 's/^/    /'
}

# The gateway pod's address and the container port of the listener named http (80 → 8080 in the pod).
demo_find_gateway() {
  local ip port
  ip=$(kubectl -n shop get pods -l flotilla.io/gateway=public -o jsonpath='{.items[0].status.podIP}')
  port=$(kubectl -n shop get pods -l flotilla.io/gateway=public \
    -o jsonpath='{.items[0].spec.containers[0].ports[?(@.name=="http")].containerPort}')
  [ -n "$ip" ] && [ -n "$port" ] || fail "no running gateway pod found"
  GATEWAY=http://$ip:$port
  GATEWAY_IP=$ip
  say "the gateway listens on $GATEWAY (a real HAProxy, supervised by 'flotilla gateway')"
}

demo_routing() {
  step "Routing: one gateway, each path to its service"
  local line
  for path in /api/users/1 /api/orders /api/payments/42; do
    line=$(demo_get "$GATEWAY$path")
    say "GET $path → $line"
    [ "${line%% *}" = 200 ] || fail "GET $path answered '$line'"
  done
  line=$(demo_get "$GATEWAY/nowhere")
  say "GET /nowhere → $line (no Route matches: 404 with a JSON body)"
  [ "${line%% *}" = 404 ] || fail "GET /nowhere answered '$line', not 404"
}

demo_canary() {
  step "Canary: Route 'users' sends 90% to user-service and 10% to user-service-v2 (200 requests)"
  local counts v1 v2
  counts=$(demo_count 200 "$GATEWAY/api/users/7" | awk '{c[$3] += $1} END {for (s in c) print c[s], s}')
  echo "$counts" | sed 's/^/    /'
  v1=$(echo "$counts" | awk '$2=="user-service" {print $1}')
  v2=$(echo "$counts" | awk '$2=="user-service-v2" {print $1}')
  [ "${v1:-0}" -gt 0 ] && [ "${v2:-0}" -gt 0 ] || fail "the split did not reach both versions"
  [ "$v1" -gt "$v2" ] || fail "the canary got more traffic than the main version"
}

demo_rate_limit() {
  step "Rate limit: give Route 'orders' 5 requests/s (burst 5), then send a burst of 30"
  demo_kubectl -n shop patch route orders --type json \
    -p '[{"op":"add","path":"/spec/rules/0/rateLimit","value":{"requestsPerSecond":5,"burst":5}}]' | sed 's/^/    /'
  progress 60 "the change is served" bash -c "curl -s -o /dev/null -w '%{http_code}\n' $GATEWAY/api/orders{,,,,,,,,,,,,,,,} | grep -q 429"
  sleep 2
  local counts
  counts=$(for _ in $(seq 30); do curl -s -o /dev/null -w '%{http_code}\n' "$GATEWAY/api/orders"; done | sort | uniq -c)
  echo "$counts" | sed 's/^/    /'
  echo "$counts" | grep -q ' 429$' || fail "no request was limited"
  echo "$counts" | grep -q ' 200$' || fail "every request was limited"
}

# demo_echo_control POD_IP PORT JSON: switches one echo pod's failure behaviour at run time.
demo_echo_control() {
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$3" "http://$1:$2/control" >/dev/null ||
    fail "could not reach echo pod $1:$2"
}

demo_breaker() {
  step "Circuit breaker: payment-service endpoint fails; the breaker opens after 5 failures"
  local pods ips port bad good
  pods=($(kubectl -n shop get pods -l app.kubernetes.io/name=payment-service -o jsonpath='{.items[*].metadata.name}'))
  ips=($(kubectl -n shop get pods -l app.kubernetes.io/name=payment-service -o jsonpath='{.items[*].status.podIP}'))
  port=$(kubectl -n shop get pods "${pods[0]}" -o jsonpath='{.spec.containers[0].ports[0].containerPort}')
  [ ${#ips[@]} -ge 2 ] || fail "payment-service has fewer than 2 pods"
  bad=${pods[0]}
  good=${pods[1]}
  say "making $bad fail every request (POST /control {\"failureRate\":1})"
  demo_echo_control "${ips[0]}" "$port" '{"failureRate":1}'
  say "20 requests to /api/payments:"
  demo_count 20 "$GATEWAY/api/payments" | sed 's/^/    /'
  local after
  after=$(demo_count 10 "$GATEWAY/api/payments")
  say "the next 10 requests (breaker open for $bad):"
  echo "$after" | sed 's/^/    /'
  echo "$after" | grep -q "$bad" && fail "requests still reach $bad after its breaker should have opened"
  demo_plugin_shows_open_circuit "$bad"

  say "now $good fails too: with every endpoint open, the fallback answers at once"
  demo_echo_control "${ips[1]}" "$port" '{"failureRate":1}'
  demo_count 10 "$GATEWAY/api/payments" >/dev/null
  local fast
  fast=$(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' "$GATEWAY/api/payments")
  say "GET /api/payments → $fast"

  say "both recover (failureRate 0); after the open duration the probes close the breakers"
  demo_echo_control "${ips[0]}" "$port" '{"failureRate":0}'
  demo_echo_control "${ips[1]}" "$port" '{"failureRate":0}'
  progress 60 "traffic back on $bad" bash -c "for i in \$(seq 10); do curl -s $GATEWAY/api/payments; done | grep -q '$bad'"
  demo_kubectl -n shop get events --field-selector involvedObject.kind=Route \
    -o custom-columns=REASON:.reason,OBJECT:.involvedObject.name,MESSAGE:.message | grep -E 'REASON|Circuit' |
    sed 's/^/    /'
}

# demo_plugin_shows_open_circuit POD: `kubectl flotilla status` (the same binary, named kubectl-flotilla on the
# PATH, is a kubectl plugin) draws the payments route down to POD's endpoint with its circuit open.
demo_plugin_shows_open_circuit() {
  mkdir -p "$work/bin"
  ln -sf "$binary" "$work/bin/kubectl-flotilla"
  local open_line="$1  .*circuit open"
  progress 30 "kubectl flotilla status shows the open circuit" \
    bash -c "PATH='$work/bin':\$PATH kubectl flotilla status -n shop | grep -q '$open_line'"
  say "kubectl flotilla status -n shop (the kubectl plugin; the payments route):"
  PATH="$work/bin:$PATH" kubectl flotilla status -n shop |
    awk '/Route shop\/payments/ {on = 1; print "    " $0; next} /Route / {on = 0} on {print "    " $0}'
}

demo_autoscaling() {
  step "Autoscaling: order-service's CPU rises to 200% of its request; the HPA scales it, the gateway follows"
  local reloads_before reloads_after
  reloads_before=$(curl -s "http://$GATEWAY_IP:8405/metrics" | awk '/^flotilla_gateway_config_reloads_total.*success/ {print $2}')
  echo '{"namespace":"shop","deployment":"order-service","cpuUtilization":200}' >"$work/cpu.json"
  demo_kubectl create --raw /debug/metrics -f "$work/cpu.json" >/dev/null
  progress 120 "order-service scaled above 2 replicas" \
    bash -c "[ \"\$(kubectl -n shop get deployment order-service -o jsonpath='{.status.readyReplicas}')\" -gt 2 ]"
  demo_kubectl -n shop get hpa order-service | sed 's/^/    /'
  progress 60 "the gateway sends traffic to the new pods" \
    bash -c "[ \$(for i in \$(seq 30); do curl -s $GATEWAY/api/orders; echo; done | grep -o '\"pod\":\"[^\"]*\"' | sort -u | wc -l) -gt 2 ]"
  reloads_after=$(curl -s "http://$GATEWAY_IP:8405/metrics" | awk '/^flotilla_gateway_config_reloads_total.*success/ {print $2}')
  say "HAProxy reloads during the scale-up: before ${reloads_before:-?}, after ${reloads_after:-?} (endpoints go through the runtime API)"
}

# demo_prometheus_has PROMQL: the query returns at least one sample.
demo_prometheus_has() {
  curl -s --get "$PROMETHEUS/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)'
}

demo_prometheus() {
  step "Prometheus: scraping the operator, the gateway agent and HAProxy's exporter"
  local port
  port=$(stack_free_port)
  cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 2s}
scrape_configs:
  - job_name: flotilla-operator
    static_configs: [{targets: ['$STACK_OPERATOR_METRICS']}]
  - job_name: flotilla-gateway-agent
    static_configs: [{targets: ['$GATEWAY_IP:8405']}]
  - job_name: haproxy
    static_configs: [{targets: ['$GATEWAY_IP:8404']}]
YAML
  stack_spawn prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$port"
  PROMETHEUS=http://127.0.0.1:$port
  progress 60 "all three targets up" bash -c "curl -s '$PROMETHEUS/api/v1/query?query=sum(up)' | grep -q '\"3\"'"
  # Each family the story made move must be in Prometheus with a plausible value.
  local query
  for query in 'sum(controller_runtime_reconcile_total)>0' 'count(workqueue_depth)>0' 'count(flotilla_circuit_state)>0' \
    'sum(haproxy_frontend_http_requests_total)>0'; do
    progress 30 "Prometheus answers $query" demo_prometheus_has "$query"
  done
  say "Prometheus: $PROMETHEUS  — queries to try:"
  say "  sum by (controller, result) (rate(controller_runtime_reconcile_total[1m]))"
  say "  flotilla_circuit_state"
  say "  sum by (proxy) (rate(haproxy_backend_http_responses_total[1m]))"
}

demo_main() {
  demo_start_stack
  demo_apply_shop
  demo_find_gateway
  demo_routing
  demo_canary
  demo_rate_limit
  demo_breaker
  demo_autoscaling
  demo_prometheus
  if [ -n "${FLOTILLA_QUICKSTART_EVIDENCE:-}" ]; then
    # For tests/e2e/quickstart.sh: what the operator and the agent did and were granted, before the stack stops.
    kubectl get --raw /debug/requests >"$FLOTILLA_QUICKSTART_EVIDENCE/requests.json"
    kubectl -n shop get role public-gateway -o json >"$FLOTILLA_QUICKSTART_EVIDENCE/agent-role.json"
    curl -s "http://$STACK_OPERATOR_METRICS/metrics" >"$FLOTILLA_QUICKSTART_EVIDENCE/operator.metrics"
    curl -s "http://$GATEWAY_IP:8405/metrics" >"$FLOTILLA_QUICKSTART_EVIDENCE/agent.metrics"
    curl -s "http://$GATEWAY_IP:8404/metrics" >"$FLOTILLA_QUICKSTART_EVIDENCE/haproxy.metrics"
  fi
  step "What just happened"
  say "You declared 5 Microservices, 3 Routes, a BreakerPolicy and a Gateway; Flotilla created their Deployments,"
  say "Services, HPA and PDBs, rendered an HAProxy config from the Routes, and the gateway agent loaded it. Every"
  say "request above went through that real HAProxy to real processes. Try: kubectl -n shop describe route payments"
}
