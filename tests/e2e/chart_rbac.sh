#!/usr/bin/env bash
# The chart's RBAC is rendered from charts/flotilla/files/operator-rbac.yaml and nothing else: a ClusterRole in
# cluster mode, a Role in the watched namespace in namespaced mode, a leader-election Role in the release namespace;
# no wildcards, no Secret writes, no escalate/bind/impersonate, no Pods. The rules can be extracted with
# `helm template --show-only templates/clusterrole.yaml` (or role.yaml, leader-election-rbac.yaml).
source "$(dirname "$0")/chart_common.bash"

rbac_templates=(--show-only templates/clusterrole.yaml --show-only templates/clusterrolebinding.yaml
  --show-only templates/leader-election-rbac.yaml)
render "$scratch/cluster.yaml" "${rbac_templates[@]}"
python3 "$checks" rbac "$scratch/cluster.yaml" "$chart" cluster || fail "cluster-mode RBAC"

render "$scratch/namespaced.yaml" --set watchNamespace=team-a --show-only templates/role.yaml \
  --show-only templates/rolebinding.yaml --show-only templates/leader-election-rbac.yaml
python3 "$checks" rbac "$scratch/namespaced.yaml" "$chart" namespaced || fail "namespaced-mode RBAC"

python3 "$checks" rbac-documented "$chart" "$docs" || fail "docs/operations.md does not describe every permission"

# Namespaced mode renders no cluster-scoped RBAC at all.
render "$scratch/all-namespaced.yaml" --set watchNamespace=team-a
! grep -qE '^kind: (ClusterRole|ClusterRoleBinding)$' "$scratch/all-namespaced.yaml" ||
  fail "namespaced mode renders a ClusterRole or ClusterRoleBinding"

# The check must see a widened role: add a wildcard verb to a copy of the rules file.
cp -r "$chart" "$scratch/chart"
sed -i '0,/verbs: \[get, list, watch\]/s//verbs: ["*"]/' "$scratch/chart/files/operator-rbac.yaml"
helm template "$release" "$scratch/chart" --namespace "$release_namespace" "${rbac_templates[@]}" \
  >"$scratch/wide.yaml" || fail "could not render the widened copy"
if python3 "$checks" rbac "$scratch/wide.yaml" "$scratch/chart" cluster 2>"$scratch/err"; then
  fail "the RBAC check accepted a wildcard verb"
fi
grep -q "wildcard in verbs" "$scratch/err" || fail "the RBAC check failed for another reason: $(cat "$scratch/err")"
