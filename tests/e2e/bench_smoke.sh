#!/usr/bin/env bash
# Smoke test of the benchmarks (issue 11): the quick benchmark's smallest cases run once and produce what
# hack/bench.sh merges — bench/operator_scale.sh --quick (100 Microservices + 100 Routes on a real stack) and the
# render benchmark at 100 Routes. It checks the JSON has the expected keys with sane, non-zero values; it never
# checks a figure against a target (these machines are shared and noisy).
set -uo pipefail
root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
render_bench=$(dirname "$binary")/bench/render_bench
[ -x "$render_bench" ] || { echo "bench_smoke: FAILED: no render benchmark at $render_bench" >&2; exit 1; }
work=$(mktemp -d -t flotilla-bench-smoke-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== bench/operator_scale.sh --quick"
FLOTILLA_BINARY=$binary bash "$root/bench/operator_scale.sh" --quick >"$work/scale.json" 2>"$work/scale.err" || {
  echo "bench_smoke: FAILED: operator_scale.sh exited non-zero; its progress:" >&2
  tail -20 "$work/scale.err" >&2
  exit 1
}
echo "== render_bench, 100 Routes"
"$render_bench" --benchmark_filter='BM_RenderGateway/100$' --benchmark_format=json >"$work/render.json" \
  2>"$work/render.err" || { echo "bench_smoke: FAILED: render_bench exited non-zero" >&2; cat "$work/render.err" >&2; exit 1; }

python3 - "$work/scale.json" "$work/render.json" <<'PY'
import json, sys
scale, render = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
problems = []
def check(what, ok):
    if not ok:
        problems.append(what)

cases = scale.get("cases", [])
check("operator_scale has exactly the one quick case (N=100)", [c.get("objects") for c in cases] == [100])
for case in cases:
    check("the case converged", case.get("converged") is True)
    for key in ("apply_seconds", "microservices_ready_seconds", "routes_programmed_seconds", "converged_seconds",
                "operator_cpu_seconds"):
        check(f"{key} is a positive number", isinstance(case.get(key), (int, float)) and case[key] > 0)
    check("converged_seconds is the later of the two", case.get("converged_seconds") ==
          max(case.get("microservices_ready_seconds") or 0, case.get("routes_programmed_seconds") or 0))
    for key in ("rss_before_bytes", "rss_bytes", "hwm_bytes"):
        check(f"{key} is between 1 MiB and 4 GiB", isinstance(case.get(key), int) and 2**20 < case[key] < 2**32)
    check("VmHWM >= VmRSS", case.get("hwm_bytes", 0) >= case.get("rss_bytes", 1))
    requests = case.get("requests", {})
    check("the operator's requests were counted", requests.get("total", 0) > 0)
    check("its writes are split by verb", requests.get("by_verb", {}).get("patch", 0) > 0)
    # Every Microservice got its Deployment and Service (at least 2 owned writes each) and a status.
    check("owned writes per Microservice >= 2", requests.get("owned_writes_per_microservice", 0) >= 2)
    check("status writes per Microservice >= 1", requests.get("status_writes_per_microservice", 0) >= 1)
    check("status writes per Route >= 1", requests.get("status_writes_per_route", 0) >= 1)
    check("re-writes are counted", isinstance(requests.get("rewritten_objects"), int))
    check("owned re-writes are counted", isinstance(requests.get("owned_rewrites"), int))
    idle = case.get("idle", {})
    check("idle CPU was measured over ~10 s", 5 <= idle.get("seconds", 0) <= 60)
    check("idle CPU is a percentage", 0 <= idle.get("cpu_percent_of_one_core", -1) <= 200)
check("the anchors are reported", scale.get("anchors", {}).get("envoy_gateway_rss_bytes_at_1000_routes", 0) > 0)
check("the client rate limits are reported", scale.get("kube_api_qps", 0) > 0 and scale.get("kube_api_burst", 0) > 0)

runs = [b for b in render.get("benchmarks", []) if b.get("name") == "BM_RenderGateway/100"]
check("render_bench ran BM_RenderGateway/100", len(runs) == 1)
for b in runs:
    check("its time is positive", b.get("real_time", 0) > 0 and b.get("cpu_time", 0) > 0)

if problems:
    print("bench_smoke: FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
    print(json.dumps(scale, indent=1)[:3000], file=sys.stderr)
    sys.exit(1)
case = cases[0]
print(f"bench_smoke: ok (N=100 converged in {case['converged_seconds']} s, operator RSS "
      f"{case['rss_bytes'] / 2**20:.1f} MiB, render of 100 Routes {runs[0]['real_time']:.2f} {runs[0]['time_unit']})")
PY
