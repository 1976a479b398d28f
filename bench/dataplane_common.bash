# shellcheck shell=bash
# Shared by the data-plane stack benchmarks (bench/gateway_overhead.sh, bench/breaker_reaction.sh), sourced after
# they parse their arguments: stdout becomes the JSON document only (saved as fd 3, everything else goes to stderr),
# wrk must be installed, and the e2e stack helpers (tests/e2e/gateway_common.bash) start the stack and stop
# everything on exit.
exec 3>&1 1>&2
export FLOTILLA_SOURCE_DIR=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
command -v wrk >/dev/null || { echo "$(basename "$0" .sh): wrk is not installed (hack/install-deps.sh)" >&2; exit 1; }
# shellcheck source=../tests/e2e/gateway_common.bash
source "$FLOTILLA_SOURCE_DIR/tests/e2e/gateway_common.bash"
