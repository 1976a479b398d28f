# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# Shared by tests/e2e/chart_*.sh (sourced, not a test itself): paths, a scratch directory removed on exit, and
# helpers that fail with a clear message.
set -euo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
chart=$root/charts/flotilla
docs=$root/docs/operations.md
checks=$root/tests/e2e/chart_checks.py
test_name=$(basename "$0" .sh)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/flotilla-$test_name.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The release every test renders; its full name is "flotilla", so the operator's metrics job is flotilla-metrics.
release=flotilla
release_namespace=flotilla-system

fail() {
  echo "$test_name: FAIL: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null || fail "'$1' is not installed (hack/install-deps.sh installs it)"
}

need helm
need python3
python3 -c 'import yaml' 2>/dev/null || fail "python3 cannot import yaml (install python3-yaml: hack/install-deps.sh)"

# render OUT [helm template args...]: renders the chart; a rendering error fails the test with helm's message.
render() {
  local out=$1
  shift
  helm template "$release" "$chart" --namespace "$release_namespace" "$@" >"$out" 2>"$out.err" ||
    fail "helm template $* failed: $(cat "$out.err")"
}

# expect_render_failure MESSAGE [helm template args...]: rendering must fail and say MESSAGE.
expect_render_failure() {
  local message=$1
  shift
  if helm template "$release" "$chart" --namespace "$release_namespace" "$@" >"$scratch/out" 2>"$scratch/err"; then
    fail "helm template $* succeeded, but it should have been rejected with: $message"
  fi
  grep -qF -- "$message" "$scratch/err" ||
    fail "helm template $* failed without saying '$message'; it said: $(cat "$scratch/err")"
}
