#!/usr/bin/env bash
# `helm lint` and `helm lint --strict` pass on the chart with its defaults and with every documented option.
source "$(dirname "$0")/chart_common.bash"

combinations=(
  ""
  "--set monitoring.enabled=true"
  "--set watchNamespace=team-a"
  "--set watchNamespace=team-a --set monitoring.enabled=true"
  "--set leaderElection.enabled=false --set replicaCount=1"
  "--set serviceAccount.create=false --set serviceAccount.name=ops-flotilla"
  "--set rbac.create=false"
  "--set grafanaDashboard.enabled=false"
)
for combination in "${combinations[@]}"; do
  for strict in "" "--strict"; do
    # shellcheck disable=SC2086 # each combination is a list of words
    helm lint $strict "$chart" --namespace "$release_namespace" $combination >"$scratch/lint" 2>&1 ||
      fail "helm lint $strict ${combination:-(defaults)}: $(cat "$scratch/lint")"
    grep -q '1 chart(s) linted, 0 chart(s) failed' "$scratch/lint" ||
      fail "helm lint $strict ${combination:-(defaults)} did not report a clean chart: $(cat "$scratch/lint")"
  done
done

# Chart.yaml's appVersion is the project version (CMakeLists.txt), and the chart refuses clusters older than 1.26.
project_version=$(sed -n 's/^project(flotilla VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ -n "$project_version" ] || fail "no project version in CMakeLists.txt"
grep -qx "appVersion: \"$project_version\"" "$chart/Chart.yaml" ||
  fail "Chart.yaml appVersion is not the project version $project_version"
grep -qx 'apiVersion: v2' "$chart/Chart.yaml" || fail "Chart.yaml is not apiVersion v2"
helm template "$release" "$chart" --kube-version 1.26.0 >/dev/null 2>&1 || fail "the chart refuses Kubernetes 1.26"
expect_render_failure "incompatible with Kubernetes v1.25.9" --kube-version 1.25.9
