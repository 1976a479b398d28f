#!/usr/bin/env bash
# The gateway keeps serving its last good config and survives crashes, end to end (issue 8: "A config that HAProxy
# rejects ... is not loaded", "Kill the HAProxy worker ... kill the agent"), with a real gateway pod (agent + HAProxy)
# and real requests:
#   1. a hand-edited ConfigMap with an invalid haproxy.cfg (the operator stopped, so it cannot put it back) is not
#      loaded: the agent reports HAProxy's error on its Pod, the failure counter moves, the old routes answer every
#      request; the restarted operator restores the ConfigMap and the error goes away without a reload;
#   2. a config the operator renders and HAProxy rejects (the TLS Secret it names was replaced by a key that does not
#      match the certificate): the Gateway shows Programmed=False/Invalid with HAProxy's message and a Warning Event,
#      the Route that changed is not served, the old routes answer every request; fixing the Secret programs it;
#   3. the HAProxy worker is killed: the agent starts HAProxy again (one master), traffic resumes;
#   4. the agent is killed (SIGKILL): the pod runner restarts it, it adopts the running HAProxy (same master pid, no
#      second one, no start or reload) and not one request fails meanwhile.
source "$(dirname "$0")/gateway_common.bash"
source "$(dirname "$0")/gateway_load.bash"

ns=lastgood
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack

step "a Gateway with an HTTPS listener (OpenSSL certificate), an echo Microservice and a Route"
run openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=shop.example.com -keyout "$work/tls.key" \
  -out "$work/tls.crt"
run openssl genrsa -out "$work/other.key" 2048
run kubectl create namespace $ns
# tls_secret KEY: the kubernetes.io/tls Secret edge-tls with the certificate and KEY (applied as YAML: kubectl create
# secret tls would refuse a key that does not match).
tls_secret() {
  cat <<YAML
apiVersion: v1
kind: Secret
metadata: {name: edge-tls, namespace: $ns}
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 <"$work/tls.crt")
  tls.key: $(base64 -w0 <"$1")
YAML
}
tls_secret "$work/tls.key" | gw_apply
# route NAME PATH: a Route to the echo service.
route() {
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: $1, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: $2}}]
      backends: [{service: steady}]
YAML
}
{
  cat <<YAML
apiVersion: flotilla.io/v1alpha1
kind: Gateway
metadata: {name: edge, namespace: $ns}
spec:
  replicas: 1
  listeners:
    - {name: http, port: 80}
    - {name: https, port: 443, protocol: HTTPS, tls: {secretRef: {name: edge-tls}}}
YAML
  echo_microservices $ns steady
  route stable /api/stable
} | gw_apply
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns stable
gateway=$(gw_listener $ns edge http)
read -r gateway_ip gateway_pod < <(gw_pod_of $ns flotilla.io/gateway=edge)
agent="$gateway_ip:8405"
runtime_dir=$(gateway_runtime_dir $ns edge)
[ -S "$runtime_dir/master.sock" ] || fail "no master socket in $runtime_dir"
gw_python "$gateway" <<'PY' || fail "the Route does not answer"
import sys
import gateway_http as gh
sys.exit(0 if gh.wait_served(sys.argv[1], ["/api/stable/x"]) else 1)
PY
master=$(haproxy_masters "$runtime_dir")
[ "$(wc -w <<<"$master")" = 1 ] || fail "want one HAProxy master for $runtime_dir, found: $master"
echo "   gateway pod $gateway_pod at $gateway; HAProxy master $master"

pod_annotation() { kubectl -n $ns get pod "$gateway_pod" -o "jsonpath={.metadata.annotations.flotilla\.io/$1}"; }
reloads() { agent_metric "$agent" flotilla_gateway_config_reloads_total "result=$1"; }
config_error_has() { pod_annotation config-error | grep -qF -- "$1"; }

step "1. an invalid haproxy.cfg edited into the ConfigMap (operator stopped) is not loaded"
load_start edit "$gateway" /api/stable/a
stack_stop_one operator
success_before=$(reloads success)
failure_before=$(reloads failure)
run kubectl -n $ns get configmap edge-config -o json
python3 - "$work/last.out" "$work/bad-cm.json" <<'PY' || fail "editing the ConfigMap"
import json, sys
cm = json.load(open(sys.argv[1]))
text = cm["data"]["haproxy.cfg"]
assert "\ndefaults\n" in text, "no defaults section"
cm["data"]["haproxy.cfg"] = text.replace("\ndefaults\n", "\ndefaults\n    this-is-not-a-keyword 1\n", 1)
cm["metadata"]["annotations"].pop("flotilla.io/config-hash", None)  # the agent hashes the text itself
json.dump(cm, open(sys.argv[2], "w"))
PY
run kubectl replace -f "$work/bad-cm.json"
stack_wait 30 config_error_has this-is-not-a-keyword || fail "the agent did not report HAProxy's error: $(pod_annotation config-error)"
echo "   the pod reports: $(pod_annotation config-error | head -c 200)"
config_error_has "[ALERT]" || fail "the reported error is not HAProxy's [ALERT] output"
[ "$(reloads failure)" -gt "$failure_before" ] || fail "flotilla_gateway_config_reloads_total{result=failure} did not move"
[ "$(reloads success)" = "$success_before" ] || fail "a config was loaded"
[ "$(haproxy_masters "$runtime_dir")" = "$master" ] || fail "the HAProxy master changed"
! grep -q this-is-not-a-keyword "$runtime_dir/haproxy.cfg" || fail "the rejected text is in haproxy.cfg"
stack_start_operator --leader-elect=false --log-format json || fail "the operator did not start again"
stack_wait 30 eval '[ -z "$(pod_annotation config-error)" ]' || fail "the error stayed after the operator restored the ConfigMap"
[ "$(reloads success)" = "$success_before" ] || fail "restoring the loaded config reloaded HAProxy"
gw_wait_programmed $ns edge
load_stop edit

step "2. a rendered config HAProxy rejects (key does not match the certificate): Programmed=False/Invalid"
load_start rejected "$gateway" /api/stable/a
tls_secret "$work/other.key" | gw_apply
# Secrets are read when a config is loaded: a new Route makes one.
route fresh /api/fresh | gw_apply
gateway_condition() {
  kubectl -n $ns get gateway edge -o 'jsonpath={.status.conditions[?(@.type=="Programmed")].status}/{.status.conditions[?(@.type=="Programmed")].reason}'
}
stack_wait 60 eval '[ "$(gateway_condition)" = False/Invalid ]' || fail "the Gateway is $(gateway_condition), want False/Invalid"
message=$(kubectl -n $ns get gateway edge -o 'jsonpath={.status.conditions[?(@.type=="Programmed")].message}')
echo "   Gateway Programmed: $(gateway_condition): ${message:0:240}"
grep -qF "[ALERT]" <<<"$message" || fail "the Gateway's message does not carry HAProxy's [ALERT] lines"
grep -qF "edge-tls.pem" <<<"$message" || fail "the Gateway's message does not name the certificate HAProxy refused"
has_gateway_warning() {
  kubectl -n $ns get events -o json | python3 -c '
import json, sys
sys.exit(0 if any(e["involvedObject"].get("kind") == "Gateway" and e["reason"] == "Invalid" and e["type"] == "Warning"
                  for e in json.load(sys.stdin)["items"]) else 1)'
}
stack_wait 30 has_gateway_warning || fail "no Warning Event Invalid on the Gateway"
[ "$(gw_route_condition $ns fresh Programmed)" = False/Invalid ] ||
  fail "Route fresh: Programmed is $(gw_route_condition $ns fresh Programmed), want False/Invalid"
gw_python "$gateway" <<'PY' || fail "the rejected config is served"
import sys
import gateway_http as gh
sys.exit(0 if gh.request(sys.argv[1], "/api/fresh/x").status == 404 else 1)
PY
[ "$(haproxy_masters "$runtime_dir")" = "$master" ] || fail "the HAProxy master changed"
tls_secret "$work/tls.key" | gw_apply
route fresh2 /api/fresh2 | gw_apply  # the next config, with the Secret fixed
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns fresh fresh2
load_stop rejected

step "3. kill the HAProxy worker: the agent starts HAProxy again, traffic resumes"
workers=$(haproxy_workers "$runtime_dir")
[ -n "$workers" ] || fail "no HAProxy worker of $runtime_dir"
starts_before=$(reloads success)
kill -KILL $workers
killed_at=$(date +%s.%N)
serves_again() {
  gw_python "$gateway" <<'PY'
import sys
import gateway_http as gh
try:
    sys.exit(0 if gh.request(sys.argv[1], "/api/stable/x", timeout=2).status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}
stack_wait 30 serves_again || fail "traffic did not resume after the worker was killed"
echo "   traffic resumed $(python3 -c "import time; print('%.1f' % (time.time() - $killed_at))") s after the kill"
new_master=$(haproxy_masters "$runtime_dir")
[ "$(wc -w <<<"$new_master")" = 1 ] || fail "want one HAProxy master after the restart, found: $new_master"
echo "   HAProxy master $master → $new_master; starts/reloads $starts_before → $(reloads success)"
master=$new_master

step "4. kill the agent: it is restarted, adopts HAProxy, and no request fails"
load_start agent "$gateway" /api/stable/a /api/fresh/b
old_agent=$(gateway_agent_pid)
[ -n "$old_agent" ] || fail "no gateway agent process under the emulator"
kill -KILL "$old_agent"
new_agent_ready() {
  local pid
  pid=$(gateway_agent_pid)
  [ -n "$pid" ] && [ "$pid" != "$old_agent" ] && curl -sf --max-time 2 "http://$agent/readyz" >/dev/null
}
stack_wait 30 new_agent_ready || fail "the agent was not restarted (or is not ready)"
sleep 2  # traffic through the adopted HAProxy, under the new agent
load_stop agent
echo "   agent $old_agent → $(gateway_agent_pid); HAProxy masters now: $(haproxy_masters "$runtime_dir" | xargs)"
[ "$(haproxy_masters "$runtime_dir")" = "$master" ] || fail "HAProxy was not adopted: masters $(haproxy_masters "$runtime_dir" | xargs), was $master"
[ "$(reloads success)" = 0 ] || fail "the restarted agent started or reloaded HAProxy ($(reloads success) loads)"
restarts=$(kubectl -n $ns get pod "$gateway_pod" -o 'jsonpath={.status.containerStatuses[0].restartCount}')
[ "${restarts:-0}" -ge 1 ] || fail "the pod shows no container restart"
[ -z "$(pod_annotation config-error)" ] || fail "the adopted config reports an error: $(pod_annotation config-error)"

step "PASS"
