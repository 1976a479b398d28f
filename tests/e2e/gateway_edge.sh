#!/usr/bin/env bash
# The gateway's edge features, end to end (issue 7, items 8–10), through a real HAProxy in a gateway pod:
#   - a TLS listener whose certificate comes from a kubernetes.io/tls Secret made with OpenSSL, and an HTTP
#     listener that redirects to it (redirectToHttps); a third, plain listener serves as is;
#   - X-Request-ID generated when absent (and answered), passed through when present; W3C traceparent propagated,
#     generated when absent or malformed;
#   - the JSON access log (kubectl logs of the gateway pod): route, backend, status, timings, request id;
#   - the agent's /metrics (config loaded, flotilla_* series) and HAProxy's own Prometheus exporter on the stats
#     port; the Gateway's status shows the pod address that serves;
#   - the TLS private key never reaches a log: the operator (at debug level), the agent and HAProxy logs are
#     scanned for the test key's PEM lines and for its base64 form as stored in the Secret.
# shellcheck source-path=SCRIPTDIR source=gateway_common.bash
source "$(dirname "$0")/gateway_common.bash"
command -v openssl >/dev/null || fail "openssl is not installed"

ns=edge
step "start the stack (apiserver --run-pods, CRDs, operator logging at debug level)"
gw_start_stack --log-level debug

step "a test certificate (OpenSSL) in a kubernetes.io/tls Secret"
run openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=shop.example.com \
  -addext subjectAltName=DNS:shop.example.com -keyout "$work/tls.key" -out "$work/tls.crt"
run kubectl create namespace $ns
run kubectl -n $ns create secret tls shop-tls --cert "$work/tls.crt" --key "$work/tls.key"

step "apply the Gateway (http → https redirect, https with the Secret, plain http), a Microservice and a Route"
{
  cat <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Gateway
metadata: {name: front, namespace: $ns}
spec:
  replicas: 1
  listeners:
    - {name: http, port: 80, redirectToHttps: true}
    - {name: https, port: 443, protocol: HTTPS, tls: {secretRef: {name: shop-tls}}}
    - {name: plain, port: 81}
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: api, namespace: $ns}
spec:
  gatewayRef: {name: front}
  hostnames: [shop.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /api}}]
      backends: [{service: api}]
YAML
  gw_microservices $ns 2 api
} | gw_apply
gw_wait_programmed $ns front
gw_wait_routes_programmed $ns api
https=$(gw_listener $ns front https) || exit 1
http=$(gw_listener $ns front http) || exit 1
plain=$(gw_listener $ns front plain) || exit 1
gateway_ip=${https%:*}
stats=$(gw_listener $ns front stats) || exit 1
agent=$(gw_listener $ns front agent) || exit 1
echo "   https $https, http $http, plain $plain, stats $stats, agent $agent"

step "the Gateway's status shows the serving pod's address"
run kubectl -n $ns get gateway front -o 'jsonpath={.status.addresses[*].value}'
grep -qw -- "$gateway_ip" "$work/last.out" || fail "status.addresses does not list the gateway pod's address $gateway_ip"

step "TLS: the listener serves the Secret's certificate"
curl_tls() { curl -sS --max-time 5 --cacert "$work/tls.crt" --resolve "shop.example.com:${https#*:}:$gateway_ip" "$@"; }
served_over_tls() { curl_tls -f -o "$work/tls.json" "https://shop.example.com:${https#*:}/api/tls"; }
stack_wait 60 served_over_tls || { curl_tls "https://shop.example.com:${https#*:}/api/tls" >&2; fail "no answer over TLS"; }
gw_python "$work/tls.json" "$https" "$work/tls.crt" <<'PY' || fail "TLS"
import json, sys
import gateway_http as gh
checks = gh.Checks("tls")
body = json.load(open(sys.argv[1]))
checks.check(body["service"] == "api" and body["path"] == "/api/tls", "over TLS: %s" % body)
checks.check(body["headers"].get("x-forwarded-proto") == "https", "X-Forwarded-Proto: %r" % body["headers"].get("x-forwarded-proto"))
# Python's TLS client, verifying the certificate against the test CA and the name shop.example.com.
a = gh.request(sys.argv[2], "/api/py", headers={"Host": "shop.example.com"}, tls=gh.tls_context(sys.argv[3]),
               server_name="shop.example.com")
checks.check(a.status == 200 and a.service == "api", "python over TLS: %s" % a.describe())
checks.done("verified certificate for shop.example.com; X-Forwarded-Proto https")
PY

step "HTTP listener with redirectToHttps: 301 to https://, path and query kept"
run curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: shop.example.com' \
  "http://$http/api/x?y=1"
[ "$(cat "$work/last.out")" = "301 https://shop.example.com/api/x?y=1" ] ||
  fail "redirect: got '$(cat "$work/last.out")', want '301 https://shop.example.com/api/x?y=1'"
run curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H 'Host: shop.example.com' "http://$plain/api/x"
[ "$(cat "$work/last.out")" = 200 ] || fail "the plain listener answered $(cat "$work/last.out"), want 200 (no redirect)"

step "X-Request-ID and traceparent"
gw_python "$plain" <<'PY' || fail "request id and traceparent"
import re, sys
import gateway_http as gh
plain = sys.argv[1]
checks = gh.Checks("tracing")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

def get(headers):
    headers = dict(headers, Host="shop.example.com")
    a = gh.request(plain, "/api/trace", headers=headers)
    checks.check(a.status == 200, "request with %s: %s" % (headers, a.describe()))
    return a, (a.json or {}).get("headers", {})

# Absent: generated, the same at the backend and in the answer, different per request.
a1, seen1 = get({})
a2, seen2 = get({})
rid = seen1.get("x-request-id", "")
checks.check(UUID.match(rid), "generated X-Request-ID at the backend: %r" % rid)
checks.check(a1.header_values("X-Request-ID") == [rid], "answer's X-Request-ID %r, want %r" % (a1.header_values("X-Request-ID"), rid))
checks.check(seen2.get("x-request-id") not in ("", rid), "two requests got the same id %r" % rid)
# Present: passed through unchanged, exactly once.
a3, seen3 = get({"X-Request-ID": "e2e-req-42"})
checks.check(seen3.get("x-request-id") == "e2e-req-42", "passed-through X-Request-ID at the backend: %r" % seen3.get("x-request-id"))
checks.check(a3.header_values("X-Request-ID") == ["e2e-req-42"], "answer's X-Request-ID: %r" % a3.header_values("X-Request-ID"))
# Malformed (a space is not allowed): replaced by a generated one.
_, seen4 = get({"X-Request-ID": "bad id"})
checks.check(UUID.match(seen4.get("x-request-id", "")), "a malformed X-Request-ID was not replaced: %r" % seen4.get("x-request-id"))

# traceparent: generated when absent, propagated when valid, replaced when malformed.
checks.check(TRACEPARENT.match(seen1.get("traceparent", "")), "generated traceparent: %r" % seen1.get("traceparent"))
checks.check(seen1.get("traceparent") != seen2.get("traceparent"), "two requests got the same traceparent")
valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
_, seen5 = get({"traceparent": valid})
checks.check(seen5.get("traceparent") == valid, "propagated traceparent: %r, want %r" % (seen5.get("traceparent"), valid))
_, seen6 = get({"traceparent": "garbage"})
checks.check(TRACEPARENT.match(seen6.get("traceparent", "")), "a malformed traceparent was not replaced: %r" % seen6.get("traceparent"))
checks.done("X-Request-ID generated/passed/replaced; traceparent generated/propagated/replaced")
PY

step "JSON access log (kubectl logs of the gateway pod): route, backend, status, timings, request id"
gateway_pod=$(kubectl -n $ns get pods -l flotilla.io/gateway=front -o 'jsonpath={.items[0].metadata.name}')
run curl -sS --max-time 5 -o /dev/null -H 'Host: shop.example.com' -H 'X-Request-ID: e2e-no-route' "http://$plain/nowhere"
access_logged() { kubectl -n $ns logs "$gateway_pod" >"$work/gateway.log" 2>&1 && grep -q e2e-no-route "$work/gateway.log"; }
stack_wait 30 access_logged || fail "kubectl logs $gateway_pod shows no access log line for request e2e-no-route"
gw_python "$work/gateway.log" <<'PY' || fail "access log"
import json, sys
import gateway_http as gh
checks = gh.Checks("access log")
entries = {}
for line in open(sys.argv[1]):
    if line.startswith('{"time"'):
        entry = json.loads(line)  # every access log line is one JSON object
        entries[entry["request_id"]] = entry
served, missed = entries.get("e2e-req-42"), entries.get("e2e-no-route")
checks.check(served is not None, "no access log entry for request e2e-req-42")
checks.check(missed is not None, "no access log entry for request e2e-no-route")
if served:
    checks.check(served["route"] == "edge/api/0" and served["backend"].startswith("be_edge_api_") and
                 served["status"] == 200 and served["method"] == "GET" and served["path"] == "/api/trace" and
                 served["frontend"] == "gateway" and served["server"].startswith("ep"),
                 "the served request's entry: %s" % served)
    timings = [served[k] for k in ("request_ms", "queue_ms", "connect_ms", "response_ms", "total_ms")]
    checks.check(all(isinstance(t, int) and t >= 0 for t in timings), "timings: %s" % timings)
if missed:
    checks.check(missed["status"] == 404 and missed["route"] == "-" and missed["path"] == "/nowhere",
                 "the unrouted request's entry: %s" % missed)
checks.done("%d access log entries, one JSON object per line" % len(entries))
PY

step "HAProxy's Prometheus exporter on the stats port, the agent's metrics"
gw_python "$plain" "$stats" "$agent" "$(kubectl -n $ns get gateway front -o 'jsonpath={.status.configHash}')" <<'PY' || fail "metrics"
import sys, urllib.request
import gateway_http as gh
plain, stats, agent, config_hash = sys.argv[1:5]
checks = gh.Checks("metrics")
def scrape(address):
    return urllib.request.urlopen("http://%s/metrics" % address, timeout=5).read().decode()

def backend_2xx(text):
    return sum(v for l, v in gh.metric_samples(text, "haproxy_backend_http_responses_total")
               if l.get("proxy", "").startswith("be_edge_api_") and l.get("code") == "2xx")

def up_servers():
    return [l["server"] for l, v in gh.metric_samples(scrape(stats), "haproxy_server_status")
            if l.get("proxy", "").startswith("be_edge_api_") and l.get("state") == "UP" and v == 1]
# Both api endpoints pass their health checks (new endpoints start DOWN until they do).
checks.check(gh.poll(60, lambda: len(up_servers()) == 2), "haproxy_server_status: %s UP in the api backend, want 2" % up_servers())
before = scrape(stats)
for _ in range(7):
    gh.request(plain, "/api/count", headers={"Host": "shop.example.com"})
after = scrape(stats)
checks.check(gh.metric_samples(after, "haproxy_process_start_time_seconds"), "no haproxy_process_* series on the stats port")
checks.check(backend_2xx(after) - backend_2xx(before) == 7,
             "haproxy_backend_http_responses_total{code=2xx} grew by %s for 7 requests" % (backend_2xx(after) - backend_2xx(before)))
# The exporter is not on the traffic listeners.
listener = gh.request(plain, "/metrics", headers={"Host": "shop.example.com"})
checks.check(listener.status == 404, "GET /metrics on a listener: %s, want 404 (no route)" % listener.describe())

agent_text = scrape(agent)
info = gh.metric_samples(agent_text, "flotilla_gateway_config_info")
checks.check(info == [({"hash": config_hash}, 1.0)], "flotilla_gateway_config_info: %s, want the Gateway's configHash %s" % (info, config_hash))
circuits = [(l.get("endpoint"), v) for l, v in gh.metric_samples(agent_text, "flotilla_circuit_state")
            if l.get("backend", "").startswith("be_edge_api_") and l.get("route") == "edge/api"]
checks.check(len(circuits) == 2 and all(v == 0 for _, v in circuits),
             "flotilla_circuit_state: %s, want the 2 api endpoints closed (0) before any trip" % circuits)
loads = {l.get("result"): v for l, v in gh.metric_samples(agent_text, "flotilla_gateway_config_reloads_total")}
checks.check(loads.get("success", 0) >= 1 and loads.get("failure") == 0, "flotilla_gateway_config_reloads_total: %s" % loads)
checks.done("HAProxy exporter: 2 api servers UP, 2xx counted; agent: config %s loaded, 2 closed circuits" % config_hash[:19])
PY

step "no TLS key material in the operator, agent or HAProxy logs"
for pod in $(kubectl -n $ns get pods -o name); do
  kubectl -n $ns logs "$pod" --all-containers >"$work/pod-${pod#pod/}.log" 2>&1 || fail "kubectl logs $pod"
done
gw_python "$work/tls.key" "$work"/operator.out "$work"/operator.err "$work"/pod-*.log <<'PY' || fail "key material logged"
import base64, sys
key = open(sys.argv[1], "rb").read()
pem_lines = [l for l in key.decode().splitlines() if l and not l.startswith("-----")]
secret_form = base64.b64encode(key).decode()  # what the Secret's data.tls.key holds
# Any 40-character window of either form identifies the key; windows every 20 characters catch partial dumps.
fragments = pem_lines + [secret_form[i:i + 40] for i in range(0, len(secret_form) - 40, 20)]
leaks = []
for path in sys.argv[2:]:
    text = open(path, errors="replace").read()
    hits = sum(1 for f in fragments if f in text)
    if hits:
        leaks.append("%s: %d fragments of the private key" % (path, hits))
    print("   %s: %d bytes scanned" % (path.rsplit("/", 1)[1], len(text)))
if leaks:
    sys.exit("\n".join(leaks))
PY

echo "$test_name: all steps passed"
