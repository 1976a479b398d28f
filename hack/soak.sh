#!/usr/bin/env bash
# Soak mode of the reliability suite (tests/reliability): the same gtest binaries hack/test.sh runs, with the
# fuzzers turned up from their CI size (a few hundred cases, fixed seed) to many cases with a fresh seed.
# Usage: hack/soak.sh [--cases N] [--seed S] [--report FILE]
#   --cases N      cases per fuzzer (FLOTILLA_FUZZ_CASES; default 10000; fuzzers that start a process per case
#                  or render a whole Gateway per case take a fixed share of it)
#   --seed S       FLOTILLA_FUZZ_SEED (default: random); every failure prints the seed and case that replay it
#   --report FILE  also write the summary table (Markdown) to FILE
# Exit status: 0 when every binary passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOTILLA_BUILD_DIR:-$root/build}
cases=${FLOTILLA_FUZZ_CASES:-10000}
seed=${FLOTILLA_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
report=""
while [ $# -gt 0 ]; do
  case $1 in
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    *) echo "usage: hack/soak.sh [--cases N] [--seed S] [--report FILE]" >&2; exit 2 ;;
  esac
done

echo "== configure ($build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${FLOTILLA_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
mapfile -t targets < <(cmake --build "$build" --target help |
  sed -n 's/^\(reliability_[A-Za-z0-9_]*\):.*/\1/p' | sort -u)
[ ${#targets[@]} -gt 0 ] || { echo "no reliability_* targets under tests/reliability" >&2; exit 1; }
echo "== build (flotilla ${targets[*]})"
cmake --build "$build" -j "${FLOTILLA_JOBS:-$(nproc)}" --target flotilla "${targets[@]}"

logs=$(mktemp -d "${TMPDIR:-/tmp}/flotilla-soak.XXXXXX")
echo "== soak: $cases cases per fuzzer, seed $seed (logs in $logs)"
status=0
rows=()
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  start=$(date +%s)
  result=passed
  FLOTILLA_FUZZ_CASES=$cases FLOTILLA_FUZZ_SEED=$seed "$build/tests/$target" --gtest_color=no >"$log" 2>&1 ||
    { result=FAILED; status=1; }
  seconds=$(($(date +%s) - start))
  tests=$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran.*/\1/p' "$log" | tail -1)
  echo "$target: $result (${tests:-?} tests, ${seconds}s)"
  # The fuzzers print one summary line each ("config injection: seed ..., N cases ...").
  while IFS= read -r line; do
    echo "  $line"
    rows+=("| $target | ${line%%:*} | ${line#*: } | $result |")
  done < <(grep -E '^(config injection|gateway fields|parser fuzz|render CLI fuzz): ' "$log" || true)
  [ "$result" = passed ] || grep -E 'Failure|FAILED|replay with' "$log" | head -40 | sed 's/^/  /'
done

if [ -n "$report" ]; then
  {
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
    echo "Soak run of $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, $cases cases per fuzzer, seed $seed:"
    echo
    echo "| binary | fuzzer | cases and outcome | result |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
  } >"$report"
  echo "== report written to $report"
fi
if [ $status -ne 0 ]; then
  echo "== FAILED; replay with: FLOTILLA_FUZZ_SEED=$seed FLOTILLA_FUZZ_CASES=$cases $build/tests/<binary>"
fi
exit $status
