#!/usr/bin/env bash
# Runs the benchmarks under bench/ and writes bench/results/<date>-<commit>.json (machine info included).
# Usage: hack/bench.sh [--quick]    (--quick: smallest cases only; hack/test.sh runs it as a smoke test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The same optimised (-O2) build as hack/test.sh and the quickstart (-O3 trips GCC 12's -Wrestrict false positive,
# GCC bug 105329, under -Werror).
build=${FLOTILLA_BENCH_BUILD_DIR:-$root/build}
quick=false
[ "${1:-}" = "--quick" ] && quick=true
results=${FLOTILLA_BENCH_RESULTS:-$root/bench/results}
mkdir -p "$results"

# name → the case run in --quick mode (google-benchmark filter).
declare -A quick_filter=(
  [render_bench]='BM_RenderGateway/100$'
  [apiserver_bench]='BM_List/1000/'
)

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${!quick_filter[@]}" -j "$(nproc)" >/dev/null

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
out="$results/$(date -u +%Y%m%dT%H%M%SZ)-$commit.json"
parts=()
for bench in "${!quick_filter[@]}"; do
  filter='.*'
  $quick && filter=${quick_filter[$bench]}
  "$build/bench/$bench" --benchmark_filter="$filter" --benchmark_format=json --benchmark_out="$out.$bench" \
    --benchmark_out_format=json >/dev/null
  parts+=("$out.$bench")
done

python3 - "$out" "${parts[@]}" <<'PY'
import json, platform, os, sys
out, parts = sys.argv[1], sys.argv[2:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
doc = {"machine": {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release()}}
for part in sorted(parts):
    name = part.rsplit(".", 1)[1].removesuffix("_bench")
    doc[name] = json.load(open(part))["benchmarks"]
    os.remove(part)
json.dump(doc, open(out, "w"), indent=2)
for name, benchmarks in doc.items():
    if name == "machine":
        continue
    for b in benchmarks:
        extra = " ".join(f"{k}={v:.0f}" for k, v in b.items() if k in ("objects", "watchers", "rss_bytes_per_object"))
        print(f'{name:10s} {b["name"]:32s} {b.get("real_time", 0):10.3f} {b.get("time_unit", "")} {extra}')
print("results:", out)
PY
