#!/usr/bin/env bash
# Soak mode of the reliability suite (tests/reliability): the same gtest binaries hack/test.sh runs, with the
# fuzzers turned up from their CI size (a few hundred cases, fixed seed) to many cases with a fresh seed, then the
# live fault scripts (tests/reliability/fault_*.sh) with FLOTILLA_SOAK=1: the issue's full durations (a minute of
# watch drops, 60 s of server errors and foreign edits, 2 minutes of quiet for the hot-loop check).
# Usage: hack/soak.sh [--cases N] [--seed S] [--report FILE] [--no-faults]
#   --cases N      cases per fuzzer (FLOTILLA_FUZZ_CASES; default 10000; fuzzers that start a process per case
#                  or render a whole Gateway per case take a fixed share of it)
#   --seed S       FLOTILLA_FUZZ_SEED (default: random); every failure prints the seed and case that replay it
#   --report FILE  also write the summary tables (Markdown) to FILE
#   --no-faults    only the fuzzers and table-driven suites, not the live fault scripts (about 15 minutes)
# Exit status: 0 when every binary passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOTILLA_BUILD_DIR:-$root/build}
cases=${FLOTILLA_FUZZ_CASES:-10000}
seed=${FLOTILLA_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
report=""
faults=1
while [ $# -gt 0 ]; do
  case $1 in
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    --no-faults) faults=0; shift ;;
    *) echo "usage: hack/soak.sh [--cases N] [--seed S] [--report FILE] [--no-faults]" >&2; exit 2 ;;
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

# The live fault scripts, one after the other (each runs its own emulator and operators), at full duration.
fault_rows=()
if [ "$faults" = 1 ]; then
  for script in "$root"/tests/reliability/fault_*.sh; do
    name=$(basename "$script" .sh)
    log="$logs/$name.log"
    start=$(date +%s)
    result=passed
    FLOTILLA_SOAK=1 FLOTILLA_BINARY="$build/flotilla" FLOTILLA_SOURCE_DIR="$root" bash "$script" >"$log" 2>&1 ||
      { result=FAILED; status=1; }
    seconds=$(($(date +%s) - start))
    echo "$name: $result (${seconds}s)"
    summary=$(sed -n 's/^fault report: //p' "$log" | tail -1)
    [ "$result" = passed ] || { summary="see $log"; grep -E 'FAILED|logs kept' "$log" | head -5 | sed 's/^/  /'; }
    # A table cell: no pipes, no newlines.
    fault_rows+=("| $name | ${summary//|//} | $result (${seconds} s) |")
  done
fi

if [ -n "$report" ]; then
  {
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
    echo "Soak run of $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, $cases cases per fuzzer, seed $seed:"
    echo
    echo "| binary | fuzzer | cases and outcome | result |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    if [ ${#fault_rows[@]} -gt 0 ]; then
      echo
      echo "Live faults (tests/reliability/fault_*.sh, FLOTILLA_SOAK=1):"
      echo
      echo "| script | what was tried and measured | result |"
      echo "|---|---|---|"
      printf '%s\n' "${fault_rows[@]}"
    fi
  } >"$report"
  echo "== report written to $report"
fi
if [ $status -ne 0 ]; then
  echo "== FAILED; replay with: FLOTILLA_FUZZ_SEED=$seed FLOTILLA_FUZZ_CASES=$cases $build/tests/<binary>"
fi
exit $status
