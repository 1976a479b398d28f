"""Plots of one hack/bench.sh result file, drawn by gnuplot as SVG (hack/bench.sh runs it in full mode):

  operator-scale.svg     operator RSS (after convergence, and before the apply) and convergence time vs the number
                         of Microservices + Routes (bench/operator_scale.sh), with the targets
  gateway-latency.svg    the distribution (CDF) of the per-trial latencies through the gateway
                         (bench/gateway_latency.sh): endpoint change → served, Route apply → answering

A plot whose benchmark is missing from the file (or failed) is skipped with a note on stderr.

Usage: plot_results.py RESULT.json OUTDIR
"""

import json
import os
import subprocess
import sys
import tempfile

STYLE = """set terminal svg size 800,560 dynamic font 'sans,12' background '#ffffff'
set grid
set key outside below
"""


def gnuplot(script, data_files):
    with tempfile.TemporaryDirectory() as tmp:
        for name, rows in data_files.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.writelines(" ".join(str(v) for v in row) + "\n" for row in rows)
        subprocess.run(["gnuplot"], input=script, text=True, check=True, cwd=tmp)


def operator_scale(result, out):
    cases = result.get("cases") or []
    if not cases:
        return False
    # A case that did not converge within its timeout has no time: gnuplot leaves NaN out.
    rows = [(c["objects"], c["rss_bytes"] / 2**20, c["rss_before_bytes"] / 2**20,
             "NaN" if c.get("converged_seconds") is None else c["converged_seconds"]) for c in cases]
    unconverged = "".join(
        f"set label 'N={c['objects']}: not converged in {c.get('timeout_seconds', 0):.0f} s' at {c['objects']}, "
        f"{c['rss_bytes'] / 2**20:.1f} right offset -1,-1\n" for c in cases if c.get("converged_seconds") is None)
    gnuplot(STYLE + unconverged + f"""set output '{out}'
set title 'flotilla operator: N Microservices + N Routes (kube-api-qps {result.get("kube_api_qps")})'
set xlabel 'N (Microservices, and as many Routes)'
set logscale x
set ylabel 'RSS (MiB)'
set y2label 'time to all Ready and Programmed (s)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
plot 'scale.dat' using 1:2 with linespoints lw 2 title 'operator RSS after convergence', \\
     'scale.dat' using 1:3 with linespoints dt 2 title 'operator RSS before the apply', \\
     'scale.dat' using 1:4 axes x1y2 with linespoints lw 2 title 'convergence time (right axis)', \\
     'targets.dat' using 1:2 with points pt 7 ps 1.2 title 'RSS targets (32 MiB at 1k, 64 MiB at 5k)', \\
     'targets.dat' using 1:3 axes x1y2 with points pt 9 ps 1.2 title 'convergence target (5 s at 1k)'
""", {"scale.dat": rows, "targets.dat": [(1000, 32, 5), (5000, 64, "NaN")]})
    return True


def cdf_rows(values):
    ordered = sorted(values)
    return [(v, (i + 1) / len(ordered)) for i, v in enumerate(ordered)] or [("NaN", "NaN")]


def gateway_latency(result, out):
    endpoint = (result.get("endpoint_change_to_first_request") or {}).get("values_ms") or []
    route = (result.get("route_apply_to_answer") or {}).get("values_ms") or []
    if not endpoint and not route:
        return False
    gnuplot(STYLE + f"""set output '{out}'
set title 'change → served through the gateway ({len(endpoint)} endpoint changes, {len(route)} Route applies)'
set xlabel 'latency (ms)'
set logscale x
set ylabel 'fraction of trials'
set yrange [0:1.05]
set arrow from 100, graph 0 to 100, graph 1 nohead dt 2
set arrow from 500, graph 0 to 500, graph 1 nohead dt 2
set label 'endpoint p99 target' at 100, graph 0.5 left offset 0.5,0
set label 'route p99 target' at 500, graph 0.3 right offset -0.5,0
plot 'endpoint.dat' using 1:2 with steps lw 2 title 'endpoint change → first request served by the new pod', \\
     'route.dat' using 1:2 with steps lw 2 title 'Route apply → first 200 on its path'
""", {"endpoint.dat": cdf_rows(endpoint), "route.dat": cdf_rows(route)})
    return True


def main():
    result_path, outdir = sys.argv[1], os.path.abspath(sys.argv[2])  # gnuplot runs in a scratch directory
    result = json.load(open(result_path))
    os.makedirs(outdir, exist_ok=True)
    for name, plot, file in (("operator_scale", operator_scale, "operator-scale.svg"),
                             ("gateway_latency", gateway_latency, "gateway-latency.svg")):
        part = result.get(name)
        path = os.path.join(outdir, file)
        if isinstance(part, dict) and "error" not in part and plot(part, path):
            print(f"plot: {path}", file=sys.stderr)
        else:
            print(f"plot: no {name} results in {result_path}; {file} not drawn", file=sys.stderr)


if __name__ == "__main__":
    main()
