#!/usr/bin/env bash
# `helm template` renders with the defaults and with each documented option combination, and each rendering holds
# what that combination promises (checked by chart_checks.py scenario NAME).
source "$(dirname "$0")/chart_common.bash"

declare -A scenarios=(
  [default]=""
  [monitoring]="--set monitoring.enabled=true"
  [monitoring-no-gateways-no-leader]="--set monitoring.enabled=true --set monitoring.gateways=false
    --set leaderElection.enabled=false --set replicaCount=1"
  [namespaced]="--set watchNamespace=team-a --set monitoring.enabled=true"
  [no-leader-election]="--set leaderElection.enabled=false --set replicaCount=1"
  [existing-service-account]="--set serviceAccount.create=false --set serviceAccount.name=ops-flotilla"
  [no-rbac]="--set rbac.create=false"
  [no-dashboard]="--set grafanaDashboard.enabled=false"
  [customised]="--set fullnameOverride=fl --set image.repository=registry.example.com:5000/flotilla/operator
    --set image.tag=9.9.9 --set image.pullPolicy=Always --set logFormat=text --set logLevel=debug --set workers=8
    --set kubeApi.qps=50 --set kubeApi.burst=100 --set gateway.image.repository=registry.example.com/gw
    --set gateway.image.tag=2.0 --set metrics.port=9090 --set health.port=9091 --set extraArgs[0]=--extra-flag=1
    --set nodeSelector.role=infra --set tolerations[0].key=infra --set tolerations[0].operator=Exists
    --set tolerations[0].effect=NoSchedule --set priorityClassName=system-cluster-critical
    --set podAnnotations.example\.com/a=b --set podAntiAffinityPreset=hard"
  [own-affinity]="--set affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=zone
    --set affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=In
    --set affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]=a"
  [no-anti-affinity]="--set podAntiAffinityPreset=none"
)

failed=()
for name in "${!scenarios[@]}"; do
  # shellcheck disable=SC2086 # a scenario is a list of words
  render "$scratch/$name.yaml" ${scenarios[$name]}
  python3 "$checks" scenario "$name" "$scratch/$name.yaml" "$release" "$release_namespace" || failed+=("$name")
done
[ ${#failed[@]} -eq 0 ] || fail "scenarios not rendered as promised: ${failed[*]}"

# The checks must notice a broken rendering, or passing proves nothing: a default rendering is not a namespaced one.
if python3 "$checks" scenario namespaced "$scratch/default.yaml" "$release" "$release_namespace" 2>/dev/null; then
  fail "the namespaced scenario check accepted the default (cluster-wide) rendering"
fi
