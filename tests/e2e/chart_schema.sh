#!/usr/bin/env bash
# values.schema.json rejects wrong values with a message naming the field, for helm template, lint and install
# alike; the chart's own guards reject unsafe combinations; every value is documented (values.yaml comment,
# schema, docs/operations.md table).
source "$(dirname "$0")/chart_common.bash"

schema_error="values don't meet the specifications of the schema"
expect_render_failure "replicaCount: Invalid type. Expected: integer, given: string" --set replicaCount=two
expect_render_failure "$schema_error" --set replicaCount=two
expect_render_failure "Additional property replicas is not allowed" --set replicas=2
expect_render_failure "Additional property enable is not allowed" --set monitoring.enable=true
expect_render_failure "logFormat must be one of the following" --set logFormat=xml
expect_render_failure "logLevel must be one of the following" --set logLevel=verbose
expect_render_failure "workers: Must be greater than or equal to 1" --set workers=0
expect_render_failure "metrics.port: Must be less than or equal to 65535" --set metrics.port=70000
expect_render_failure "watchNamespace: Does not match pattern" --set watchNamespace=Team_A
expect_render_failure "leaderElection.enabled: Invalid type. Expected: boolean" --set-string leaderElection.enabled=yes
expect_render_failure "image.pullPolicy must be one of the following" --set image.pullPolicy=Sometimes
expect_render_failure "monitoring.gateway5xxRatio: Must be less than or equal to 1" --set monitoring.gateway5xxRatio=5
expect_render_failure "monitoring.interval: Does not match pattern" --set monitoring.interval=30sec
expect_render_failure "resources must be one of the following" --set resources.limit.cpu=1
expect_render_failure "extraArgs.0: Does not match pattern" --set extraArgs[0]=oops
# The chart's own guards for combinations a schema cannot express clearly.
expect_render_failure "every replica would reconcile at once" --set leaderElection.enabled=false
expect_render_failure "metrics.port and health.port are both 9000" --set metrics.port=9000 --set health.port=9000

# `helm lint` applies the same schema (`helm install` too, but it needs a cluster first; the emulator tests cover it).
if helm lint "$chart" --set replicaCount=two >"$scratch/lint" 2>&1; then
  fail "helm lint accepted replicaCount=two"
fi
grep -qF "replicaCount: Invalid type. Expected: integer, given: string" "$scratch/lint" ||
  fail "helm lint rejected replicaCount=two without naming the field: $(cat "$scratch/lint")"
# A values file with the same mistake, as users write them.
printf 'replicaCount: "two"\n' >"$scratch/bad-values.yaml"
expect_render_failure "replicaCount: Invalid type. Expected: integer, given: string" -f "$scratch/bad-values.yaml"

python3 "$checks" values-documented "$chart" "$docs" || fail "a value is not documented"
