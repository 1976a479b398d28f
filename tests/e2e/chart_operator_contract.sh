#!/usr/bin/env bash
# The chart and the operator agree: `flotilla render` (the operator's own renderer) turns a Gateway with a TLS
# listener and a Route from another namespace into the objects the operator will create, and
#  - the operator's chart RBAC holds every permission the gateway agent's Roles grant (Kubernetes refuses to let
#    anyone create a Role granting more than it holds; the chart grants no escalate verb),
#  - it may get, patch and delete every kind of object the renderer outputs,
#  - the chart's PodMonitor selects the gateway pods and finds their "agent" and "stats" metrics ports.
source "$(dirname "$0")/chart_common.bash"
flotilla=${FLOTILLA_BINARY:-$root/build/flotilla}
[ -x "$flotilla" ] || fail "flotilla binary not found at $flotilla (set FLOTILLA_BINARY)"

cat >"$scratch/input.yaml" <<'YAML'
apiVersion: flotilla.io/v1alpha1
kind: Gateway
metadata:
  name: edge
  namespace: gateways
spec:
  autoscaling: {minReplicas: 2, maxReplicas: 4, targetCPUUtilization: 70}
  listeners:
    - name: http
      port: 80
    - name: https
      port: 443
      protocol: HTTPS
      tls:
        secretRef:
          name: edge-tls
  allowedRoutes:
    namespaces:
      from: All
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata:
  name: user-service
  namespace: shop
spec:
  image: example.com/user-service:1
  ports: [{name: http, port: 8080}]
  autoscaling: {minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 70}
  disruptionBudget: {minAvailable: 1}
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata:
  name: users
  namespace: shop
spec:
  gatewayRef: {name: edge, namespace: gateways}
  rules:
    - matches: [{path: {type: PathPrefix, value: /api/users}}]
      backends: [{service: user-service, port: http}]
YAML
"$flotilla" render -f "$scratch/input.yaml" >"$scratch/objects.yaml" 2>"$scratch/render.err" ||
  fail "flotilla render failed: $(cat "$scratch/render.err")"

render "$scratch/chart.yaml" --set monitoring.enabled=true
python3 "$checks" agent-role-covered "$scratch/chart.yaml" "$scratch/objects.yaml" "$chart" ||
  fail "the chart's RBAC or PodMonitor does not fit what the operator creates"
# Namespaced mode grants the same rules inside the watched namespace.
render "$scratch/chart-namespaced.yaml" --set monitoring.enabled=true --set watchNamespace=gateways
python3 "$checks" agent-role-covered "$scratch/chart-namespaced.yaml" "$scratch/objects.yaml" "$chart" ||
  fail "in namespaced mode, the chart's RBAC does not cover what the operator creates"

# The check must notice a missing permission: drop the secrets rule from a copy of the rules file.
cp -r "$chart" "$scratch/chart"
python3 - "$scratch/chart/files/operator-rbac.yaml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text, n = re.subn(r"  - apiGroups: \[\"\"\]\n    resources: \[secrets\]\n(    .*\n|      .*\n)*", "", text)
assert n == 1, "secrets rule not found"
open(path, "w").write(text)
PY
helm template "$release" "$scratch/chart" --namespace "$release_namespace" --set monitoring.enabled=true \
  >"$scratch/narrow.yaml" || fail "could not render the narrowed copy"
if python3 "$checks" agent-role-covered "$scratch/narrow.yaml" "$scratch/objects.yaml" "$chart" 2>"$scratch/err"; then
  fail "the contract check accepted an operator that cannot read the Secret it grants"
fi
grep -q "secrets" "$scratch/err" || fail "the contract check failed for another reason: $(cat "$scratch/err")"
