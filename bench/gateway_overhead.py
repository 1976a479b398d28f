"""Gateway overhead (issue 11): wrk against one echo backend directly and through the gateway (HAProxy started by
the `flotilla gateway` agent), in the same run, alternating, with the same connections, threads and duration.
bench/gateway_overhead.sh starts the stack and runs this. Prints one JSON document on stdout; progress on stderr.

Equal cores: on a machine with 2 or more cores wrk runs on CPU 0 and the serving side on CPU 1 — the echo backend
alone in the direct runs, the echo backend and HAProxy together in the gateway runs (taskset, every thread). So the
gateway has to fit its work into the core the backend already had, as a sidecar-less gateway on the backend's node
would, and the load generator never competes with either. The CPU time the echo backend and HAProxy use per request
is measured too (from /proc), which says which one limits throughput.

Usage: gateway_overhead.py --apiserver-pid PID --echo IP:PORT --gateway IP:PORT --path P
                           [--rounds N] [--seconds S] [--connections C] [--threads T]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataplane as dp  # noqa: E402

TARGET_ADDED_P99_MS = 0.4
TARGET_THROUGHPUT_RATIO = 0.8


def measure(name, url, args, server_pids, wrk_cpus, connections):
    before = {k: dp.cpu_seconds(p) for k, p in server_pids.items()}
    started = time.monotonic()
    run = dp.wrk(url, connections, args.threads, args.seconds, cpus=wrk_cpus)
    wall = time.monotonic() - started
    cpu = {k: dp.cpu_seconds(p) - before[k] for k, p in server_pids.items()}
    run["cpu_us_per_request"] = {k: round(v * 1e6 / max(1, run["requests"]), 1) for k, v in cpu.items()}
    run["cpu_share_of_a_core"] = {k: round(v / wall, 2) for k, v in cpu.items()}
    dp.log("   %-8s c=%-3d %8.0f req/s  p50 %.3f ms  p99 %.3f ms  errors %s  cpu/request %s" % (
        name, connections, run["rps"], run["latency_ms"]["p50"], run["latency_ms"]["p99"],
        {k: v for k, v in run["errors"].items() if v} or 0, run["cpu_us_per_request"]))
    return run


def summary(runs):
    return {"rps": dp.median([r["rps"] for r in runs]),
            "p50_ms": dp.median([r["latency_ms"]["p50"] for r in runs]),
            "p99_ms": dp.median([r["latency_ms"]["p99"] for r in runs]),
            "errors": sum(sum(r["errors"].values()) for r in runs)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--apiserver-pid", type=int, required=True)
    parser.add_argument("--echo", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    echo = dp.echo_pid(args.apiserver_pid, args.echo)
    haproxy = dp.haproxy_pids(args.apiserver_pid)
    pinned = (os.cpu_count() or 1) >= 2
    wrk_cpus = "0" if pinned else None
    if pinned:
        dp.pin([echo] + haproxy, "1")
    pinning = ("wrk on CPU 0; echo backend and HAProxy (all threads) on CPU 1" if pinned
               else "not pinned (1 core): wrk, HAProxy and the echo backend share it")
    dp.log("== %s" % pinning)
    server = {"echo": [echo], "haproxy": haproxy}
    direct_url = "http://%s%s" % (args.echo, args.path)
    gateway_url = "http://%s%s" % (args.gateway, args.path)
    dp.wrk(direct_url, args.connections, args.threads, 1, cpus=wrk_cpus)  # warm-up (connections, caches)
    dp.wrk(gateway_url, args.connections, args.threads, 1, cpus=wrk_cpus)

    # Saturation (closed loop, `connections` at once) and one connection (requests back to back: the latency a
    # request gains from the extra hop, without queueing).
    direct, gateway, direct_one, gateway_one = [], [], [], []
    for round_ in range(args.rounds):
        dp.log("== round %d of %d" % (round_ + 1, args.rounds))
        order = [("direct", direct_url, direct, direct_one), ("gateway", gateway_url, gateway, gateway_one)]
        if round_ % 2:
            order.reverse()  # alternate who goes first, so drift in the machine's load hits both alike
        for name, url, runs, _ in order:
            runs.append(measure(name, url, args, server, wrk_cpus, args.connections))
        for name, url, _, runs in order:
            runs.append(measure(name, url, args, server, wrk_cpus, 1))

    added_p99 = [g["latency_ms"]["p99"] - d["latency_ms"]["p99"] for d, g in zip(direct, gateway)]
    added_p50 = [g["latency_ms"]["p50"] - d["latency_ms"]["p50"] for d, g in zip(direct, gateway)]
    ratio = [g["rps"] / d["rps"] for d, g in zip(direct, gateway) if d["rps"] > 0]
    echo_us = dp.median([r["cpu_us_per_request"]["echo"] for r in gateway])
    haproxy_us = dp.median([r["cpu_us_per_request"]["haproxy"] for r in gateway])
    direct_echo_share = dp.median([r["cpu_share_of_a_core"]["echo"] for r in direct])
    result = {
        "benchmark": "gateway_overhead",
        "machine": dp.machine(),
        "settings": {"connections": args.connections, "threads": args.threads, "seconds": args.seconds,
                     "rounds": args.rounds, "path": args.path, "pinning": pinning},
        "direct": summary(direct),
        "gateway": summary(gateway),
        "added_p50_ms": round(dp.median(added_p50), 3),
        "added_p99_ms": round(dp.median(added_p99), 3),
        "throughput_ratio": round(dp.median(ratio), 3) if ratio else None,
        "cpu_us_per_request_through_gateway": {"echo": echo_us, "haproxy": haproxy_us},
        # The direct runs' backend near a whole core means the echo backend, not wrk, set the direct throughput.
        "echo_core_share_direct": direct_echo_share,
        "echo_is_bottleneck_direct": direct_echo_share is not None and direct_echo_share >= 0.9,
        "targets": {"added_p99_ms": TARGET_ADDED_P99_MS, "throughput_ratio": TARGET_THROUGHPUT_RATIO},
        "one_connection": {
            "direct": summary(direct_one), "gateway": summary(gateway_one),
            "added_p50_ms": round(dp.median([g["latency_ms"]["p50"] - d["latency_ms"]["p50"]
                                             for d, g in zip(direct_one, gateway_one)]), 3),
            "added_p99_ms": round(dp.median([g["latency_ms"]["p99"] - d["latency_ms"]["p99"]
                                             for d, g in zip(direct_one, gateway_one)]), 3)},
        "runs": {"direct": direct, "gateway": gateway, "direct_one_connection": direct_one,
                 "gateway_one_connection": gateway_one},
    }
    # A difference smaller than the direct runs' own p99 spread between rounds is noise, not a result.
    spread = max(r["latency_ms"]["p99"] for r in direct) - min(r["latency_ms"]["p99"] for r in direct)
    result["direct_p99_spread_ms"] = round(spread, 3)
    result["added_p99_resolvable"] = spread <= TARGET_ADDED_P99_MS
    result["met"] = {"added_p99": result["added_p99_resolvable"] and result["added_p99_ms"] <= TARGET_ADDED_P99_MS,
                     "throughput_ratio": (result["throughput_ratio"] or 0) >= TARGET_THROUGHPUT_RATIO}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
