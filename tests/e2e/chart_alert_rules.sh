#!/usr/bin/env bash
# The PrometheusRule's groups, extracted from the rendered chart, pass `promtool check rules`, read only metrics the
# project exports, and pass the unit tests in tests/data/prometheus/alerts_test.yaml (every alert firing and not
# firing). A rendering with a different threshold must fail those unit tests, so they really test the chart.
source "$(dirname "$0")/chart_common.bash"
promtool=${PROMTOOL:-/usr/bin/promtool}
[ -x "$promtool" ] || fail "promtool not found at $promtool (Debian package prometheus: hack/install-deps.sh)"

# rules_for DIR [helm args...]: DIR/flotilla-rules.yaml from the rendered PrometheusRule, beside the unit tests.
rules_for() {
  local dir=$1
  shift
  mkdir -p "$dir"
  render "$dir/prometheusrule.yaml" --set monitoring.enabled=true --show-only templates/prometheusrule.yaml "$@"
  python3 "$checks" extract-rules "$dir/prometheusrule.yaml" "$dir/flotilla-rules.yaml" ||
    fail "no PrometheusRule to extract"
  cp "$root/tests/data/prometheus/alerts_test.yaml" "$dir/"
}

rules_for "$scratch/default"
"$promtool" check rules "$scratch/default/flotilla-rules.yaml" >"$scratch/check" 2>&1 ||
  fail "promtool check rules: $(cat "$scratch/check")"
grep -q "SUCCESS: 7 rules found" "$scratch/check" || fail "expected 7 alert rules: $(cat "$scratch/check")"
python3 "$checks" alert-metrics "$scratch/default/flotilla-rules.yaml" "$docs" ||
  fail "an alert reads a metric Flotilla does not export"
(cd "$scratch/default" && "$promtool" test rules alerts_test.yaml) >"$scratch/unit" 2>&1 ||
  fail "promtool test rules: $(cat "$scratch/unit")"

# Every alert of the rendered rules has unit tests.
while read -r alert; do
  grep -q "alertname: $alert\$" "$scratch/default/alerts_test.yaml" || fail "no promtool unit test for $alert"
done < <(sed -n 's/^ *- alert: //p' "$scratch/default/flotilla-rules.yaml")

# Namespaced mode and leader election off still give valid rules (the latter without FlotillaNoLeader).
rules_for "$scratch/namespaced" --set watchNamespace=team-a
"$promtool" check rules "$scratch/namespaced/flotilla-rules.yaml" >/dev/null 2>&1 ||
  fail "promtool check rules failed in namespaced mode"
rules_for "$scratch/single" --set leaderElection.enabled=false --set replicaCount=1
"$promtool" check rules "$scratch/single/flotilla-rules.yaml" >"$scratch/check" 2>&1 ||
  fail "promtool check rules without leader election: $(cat "$scratch/check")"
grep -q "SUCCESS: 6 rules found" "$scratch/check" || fail "expected 6 rules without leader election"

# Thresholds come from values: with circuitOpenMinutes=30 the unit test expecting a firing circuit at 10m fails.
rules_for "$scratch/slow" --set monitoring.circuitOpenMinutes=30
if (cd "$scratch/slow" && "$promtool" test rules alerts_test.yaml) >"$scratch/unit" 2>&1; then
  fail "the unit tests passed against rules with circuitOpenMinutes=30: they do not test the thresholds"
fi
grep -q "FlotillaCircuitOpen" "$scratch/unit" || fail "unexpected unit test failure: $(cat "$scratch/unit")"
