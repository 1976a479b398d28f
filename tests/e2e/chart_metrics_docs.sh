#!/usr/bin/env bash
# Every metric name registered in src/ (operator, runtime, gateway agent) has a row in the docs/operations.md
# metrics reference table, which is also the list the dashboard and alert checks accept.
source "$(dirname "$0")/chart_common.bash"
python3 "$checks" metrics-documented "$root/src" "$docs" || fail "undocumented metrics (add them to docs/operations.md)"
