"""Helpers shared by the data-plane benchmarks (bench/gateway_overhead.py, bench/breaker_reaction.py): finding the
processes a local stack runs (echo pods, HAProxy) under the API emulator, pinning them to CPUs, reading the CPU time
they use, and running wrk with bench/wrk_json.lua. Imported, not run."""

import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(message, file=sys.stderr, flush=True)


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    return {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release()}


def _processes():
    """pid -> (ppid, argv) for every process we can read."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        table[int(entry)] = (ppid, argv)
    return table


def descendants(root):
    """[(pid, argv)] of every process below `root` (the API emulator that runs the pods)."""
    table = _processes()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append((pid, table[pid][1]))
        todo.extend(children.get(pid, []))
    return out


def echo_pid(root, address):
    """The `flotilla echo` process listening on ADDRESS (ip:port)."""
    for pid, argv in descendants(root):
        if "echo" in argv and "--listen" in argv and argv[argv.index("--listen") + 1] == address:
            return pid
    raise RuntimeError("no echo process listening on %s below pid %d" % (address, root))


def haproxy_pids(root):
    """Every HAProxy process (master and workers) below `root`."""
    pids = [pid for pid, argv in descendants(root) if argv and os.path.basename(argv[0]) == "haproxy"]
    if not pids:
        raise RuntimeError("no haproxy process below pid %d" % root)
    return pids


def pin(pids, cpus):
    """All threads of each process onto `cpus` ("1" or "0,1")."""
    for pid in pids:
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)


def cpu_seconds(pids):
    """User + system CPU seconds used so far by the processes (all their threads)."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / CLOCK_TICKS


def wrk(url, connections, threads, seconds, cpus=None, timeout_s=5):
    """One wrk run; returns {"requests", "rps", "latency_ms": {p50, p90, p99, p99.9, mean, max}, "errors"}."""
    command = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "%ds" % timeout_s,
               "-s", os.path.join(HERE, "wrk_json.lua"), url]
    if cpus is not None:
        command = ["taskset", "-c", cpus] + command
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError("wrk printed no summary:\n" + out)
    raw = json.loads(line[len("WRK_JSON "):])
    latency = {("p" + k if k[0].isdigit() else k): round(v / 1000.0, 3) for k, v in raw["latency_us"].items()}
    return {"requests": raw["requests"], "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "latency_ms": latency, "errors": raw["errors"]}


def median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0
