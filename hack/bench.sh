#!/usr/bin/env bash
# Runs the benchmarks under bench/ and writes bench/results/<date>-<commit>.json (machine info included):
#  - bench/*_bench.cpp: google-benchmark programs (render, API emulator), merged under their name without "_bench";
#  - bench/*.sh: stack benchmarks (operator scale, gateway latency) that start their own processes and print one
#    JSON document on stdout, merged under their name. A failing one is recorded as {"error": ...} and makes the
#    exit status 1, the others still run.
# Full mode also draws the plots (bench/plot_results.py, gnuplot) into docs/img/ (FLOTILLA_BENCH_PLOTS overrides).
# Usage: hack/bench.sh [--quick]    (--quick: smallest cases only, under 5 minutes; full: under 30 minutes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The same optimised (-O2) build as hack/test.sh and the quickstart (-O3 trips GCC 12's -Wrestrict false positive,
# GCC bug 105329, under -Werror).
build=${FLOTILLA_BENCH_BUILD_DIR:-$root/build}
quick=false
[ "${1:-}" = "--quick" ] && quick=true
results=${FLOTILLA_BENCH_RESULTS:-$root/bench/results}
plots=${FLOTILLA_BENCH_PLOTS:-$root/docs/img}
mkdir -p "$results"

# name → the case run in --quick mode (google-benchmark filter).
declare -A quick_filter=(
  [render_bench]='BM_RenderGateway/100$'
  [apiserver_bench]='BM_List/1000/'
)

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target flotilla "${!quick_filter[@]}" -j "$(nproc)" >/dev/null

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
out="$results/$(date -u +%Y%m%dT%H%M%SZ)-$commit.json"
parts=()
for bench in "${!quick_filter[@]}"; do
  filter='.*'
  $quick && filter=${quick_filter[$bench]}
  echo "bench: $bench" >&2
  "$build/bench/$bench" --benchmark_filter="$filter" --benchmark_format=json --benchmark_out="$out.$bench" \
    --benchmark_out_format=json >/dev/null
  parts+=("$out.$bench")
done

status=0
stack_parts=()
for script in "$root"/bench/*.sh; do
  name=$(basename "$script" .sh)
  echo "bench: $name" >&2
  args=()
  $quick && args=(--quick)
  if ! FLOTILLA_BINARY="$build/flotilla" bash "$script" "${args[@]}" >"$out.$name.stack"; then
    echo "bench: $name failed" >&2
    printf '{"error": "%s exited with a failure; see its output above"}\n' "$name" >"$out.$name.stack"
    status=1
  fi
  stack_parts+=("$out.$name.stack")
done

python3 - "$out" "${parts[@]}" "${stack_parts[@]}" <<'PY'
import json, platform, os, sys
out, parts = sys.argv[1], sys.argv[2:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
doc = {"machine": {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
                   "load_average_1m_at_end": os.getloadavg()[0]}}
for part in sorted(parts):
    suffix = part.rsplit(".", 1)[1]
    if suffix == "stack":  # <out>.<name>.stack: one stack benchmark's JSON document
        name = part.rsplit(".", 2)[1]
        doc[name] = json.load(open(part))
    else:
        doc[suffix.removesuffix("_bench")] = json.load(open(part))["benchmarks"]
    os.remove(part)
json.dump(doc, open(out, "w"), indent=2)
for name, value in doc.items():
    if name == "machine" or not isinstance(value, list):
        continue
    for b in value:
        extra = " ".join(f"{k}={v:.0f}" for k, v in b.items() if k in ("objects", "watchers", "rss_bytes_per_object"))
        print(f'{name:10s} {b["name"]:32s} {b.get("real_time", 0):10.3f} {b.get("time_unit", "")} {extra}')
for case in (doc.get("operator_scale") or {}).get("cases", []):
    took = "not converged" if case["converged_seconds"] is None else f'converged {case["converged_seconds"]:7.2f} s'
    print(f'operator_scale N={case["objects"]:<5d} {took}  '
          f'RSS {case["rss_bytes"] / 2**20:6.1f} MiB (own heap and stacks {case["rss_anon_bytes"] / 2**20:.1f})  '
          f'HWM {case["hwm_bytes"] / 2**20:6.1f} MiB  '
          f'requests/object {case["requests"]["per_converged_object"]}')
latency = doc.get("gateway_latency") or {}
for key in ("endpoint_change_to_first_request", "route_apply_to_answer"):
    if key in latency:
        print(f'gateway_latency {key:34s} p50 {latency[key]["p50_ms"]} ms  p99 {latency[key]["p99_ms"]} ms')
print("results:", out)
PY
if ! $quick; then
  python3 "$root/bench/plot_results.py" "$out" "$plots" || status=1
fi
exit $status
