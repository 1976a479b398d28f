#!/usr/bin/env bash
# The install notes (templates/NOTES.txt) tell how to check the install, declare a first Microservice, Gateway and
# Route, and see the metrics; the example manifests in them are valid (`flotilla render` accepts them), in cluster
# and in namespaced mode.
source "$(dirname "$0")/chart_common.bash"
flotilla=${FLOTILLA_BINARY:-$root/build/flotilla}
[ -x "$flotilla" ] || fail "flotilla binary not found at $flotilla (set FLOTILLA_BINARY)"

# `helm template` does not print NOTES.txt and `helm install --dry-run` needs a cluster, so a scratch copy of the
# chart renders it through tpl as one more template.
cp -r "$chart" "$scratch/chart"
cp "$chart/templates/NOTES.txt" "$scratch/chart/files/NOTES.txt"
echo 'notes: {{ tpl (.Files.Get "files/NOTES.txt") . | toJson }}' >"$scratch/chart/templates/notes-as-yaml.yaml"

check_notes() {
  local name=$1 namespace=$2
  shift 2
  helm template "$release" "$scratch/chart" --namespace "$release_namespace" "$@" \
    --show-only templates/notes-as-yaml.yaml >"$scratch/$name.yaml" 2>"$scratch/err" ||
    fail "NOTES.txt does not render ($name): $(cat "$scratch/err")"
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["notes"])' "$scratch/$name.yaml" \
    >"$scratch/$name.txt"
  for expected in "helm test $release -n $release_namespace" \
    "port-forward service/flotilla-metrics 8080:8080" "curl -s http://127.0.0.1:8080/metrics" \
    "kubectl -n $namespace get microservices,routes,gateways" "keeps the CRDs"; do
    grep -qF -- "$expected" "$scratch/$name.txt" || fail "NOTES.txt ($name) does not say '$expected'"
  done
  python3 "$checks" notes-yaml "$scratch/$name.yaml" "$scratch/$name-example.yaml" ||
    fail "NOTES.txt ($name) has no example manifests"
  "$flotilla" render -f "$scratch/$name-example.yaml" >/dev/null 2>"$scratch/err" ||
    fail "the example manifests in NOTES.txt ($name) are invalid: $(cat "$scratch/err")"
  grep -q "namespace: $namespace" "$scratch/$name-example.yaml" || fail "the example ($name) is not in $namespace"
}

check_notes cluster shop
check_notes namespaced team-a --set watchNamespace=team-a --set monitoring.enabled=true
grep -qF "PrometheusRule flotilla" "$scratch/namespaced.txt" || fail "NOTES.txt does not point at the PrometheusRule"
grep -qF -- "--set monitoring.enabled=true" "$scratch/cluster.txt" || fail "NOTES.txt does not mention monitoring"
