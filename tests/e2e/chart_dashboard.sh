#!/usr/bin/env bash
# The Grafana dashboard (charts/flotilla/files/dashboards/flotilla.json) is valid JSON with the promised panels,
# every PromQL expression in it reads only metrics the project exports (the docs/operations.md metrics table), and
# the chart ships it unchanged in a ConfigMap labelled grafana_dashboard: "1".
source "$(dirname "$0")/chart_common.bash"

python3 "$checks" promql-selftest "$docs" || fail "the PromQL metric-name checker is broken"
render "$scratch/dashboard.yaml" --show-only templates/grafana-dashboard.yaml
grep -q '^    grafana_dashboard: "1"$' "$scratch/dashboard.yaml" || fail "the dashboard ConfigMap lacks grafana_dashboard: \"1\""
python3 "$checks" dashboard "$chart" "$docs" "$scratch/dashboard.yaml" || fail "dashboard check failed"

# A dashboard reading a metric nobody exports must be rejected: check a copy of the chart with one such panel.
cp -r "$chart" "$scratch/chart"
python3 - "$scratch/chart/files/dashboards/flotilla.json" <<'PY'
import json, sys
board = json.load(open(sys.argv[1]))
board["panels"][1]["targets"][0]["expr"] = "sum(rate(flotilla_made_up_total[5m]))"
json.dump(board, open(sys.argv[1], "w"))
PY
if python3 "$checks" dashboard "$scratch/chart" "$docs" 2>"$scratch/err"; then
  fail "the dashboard check accepted an unknown metric"
fi
grep -q "flotilla_made_up_total" "$scratch/err" || fail "the dashboard check failed for another reason: $(cat "$scratch/err")"
