#!/usr/bin/env bash
# Runs the benchmarks under bench/ and writes bench/results/<date>-<commit>.json (machine info included).
# Usage: hack/bench.sh [--quick]    (--quick: smallest cases only; hack/test.sh runs it as a smoke test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOTILLA_BENCH_BUILD_DIR:-$root/build-release}
quick=false
[ "${1:-}" = "--quick" ] && quick=true
results=${FLOTILLA_BENCH_RESULTS:-$root/bench/results}
mkdir -p "$results"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target render_bench -j "$(nproc)" >/dev/null

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
out="$results/$(date -u +%Y%m%dT%H%M%SZ)-$commit.json"
filter='.*'
$quick && filter='BM_RenderGateway/100$'
"$build/bench/render_bench" --benchmark_filter="$filter" --benchmark_format=json --benchmark_out="$out.render" \
  --benchmark_out_format=json >/dev/null

python3 - "$out" "$out.render" <<'PY'
import json, platform, os, sys
out, render = sys.argv[1], sys.argv[2]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
doc = {"machine": {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release()},
       "render": json.load(open(render))["benchmarks"]}
json.dump(doc, open(out, "w"), indent=2)
os.remove(render)
for b in doc["render"]:
    print(f'{b["name"]:40s} {b.get("real_time", 0):10.3f} {b.get("time_unit", "")}')
print("results:", out)
PY
