"""One case of the operator scale benchmark (issue 11), against a running stack that bench/operator_scale.sh started:
the API emulator, the operator (pid given) and a programmed Gateway. Applies N Microservices + N Routes in one
burst of creates (8 connections in parallel, straight to the API: `kubectl apply` of 2,000 objects takes longer
than the convergence it is meant to start), polls by LIST until every Microservice is Ready and every Route Programmed (both for
their current generation), then reads the operator's memory, its API requests (the emulator's request log) and,
when asked, its CPU over a quiet period. Prints the case as one JSON document on stdout; progress on stderr.

Usage: operator_scale.py --apiserver URL --operator-pid PID --namespace NS --gateway NAME --objects N
                         (NS: the Gateway's; the objects go to namespaces team-000, team-001... of 100 each)
                         [--idle-seconds S] [--timeout S]
"""

import argparse
import collections
import concurrent.futures
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request

OPERATOR_AGENT = "flotilla/0.1.0 (operator)"
PER_NAMESPACE = 100
WRITE_VERBS = ("create", "update", "patch", "delete")
GROUP = "/apis/flotilla.io/v1alpha1"


def log(message):
    print(f"operator_scale: {message}", file=sys.stderr, flush=True)


def is_operator(record):
    """The operator's user agent ends with its leader-election identity."""
    return record.get("userAgent", "").startswith(OPERATOR_AGENT)


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def tenant_namespaces(count):
    """The namespaces the objects go to: PER_NAMESPACE Microservices each, like teams sharing a cluster. (The API
    emulator's workload simulator reconciles a namespace at a time, so one namespace of thousands of Deployments
    would measure the simulator, not the operator.)"""
    return [f"team-{i:03d}" for i in range((count + PER_NAMESPACE - 1) // PER_NAMESPACE)]


def manifests(gateway_namespace, gateway, count):
    """N Microservices (an image the emulator simulates: no process per pod) and one Route to each, interleaved;
    the Routes attach to the one Gateway across namespaces."""
    docs = []
    namespaces = tenant_namespaces(count)
    for i in range(count):
        name, namespace = f"svc-{i:05d}", namespaces[i // PER_NAMESPACE]
        docs.append({"apiVersion": "flotilla.io/v1alpha1", "kind": "Microservice",
                     "metadata": {"name": name, "namespace": namespace},
                     "spec": {"image": "example.com/app:1", "replicas": 1,
                              "ports": [{"name": "http", "port": 8080}]}})
        docs.append({"apiVersion": "flotilla.io/v1alpha1", "kind": "Route",
                     "metadata": {"name": name, "namespace": namespace},
                     "spec": {"gatewayRef": {"name": gateway, "namespace": gateway_namespace},
                              "rules": [{"matches": [{"path": {"value": f"/{name}"}}],
                                         "backends": [{"service": name}]}]}})
    return docs


def create_all(apiserver, docs, connections=8):
    """POSTs every document; each thread keeps one HTTP connection. Raises on the first failure."""
    address = urllib.parse.urlsplit(apiserver)
    local = threading.local()

    def create(doc):
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        plural, namespace = doc["kind"].lower() + "s", doc["metadata"]["namespace"]
        local.connection.request("POST", f"{GROUP}/namespaces/{namespace}/{plural}", body=json.dumps(doc),
                                 headers={"Content-Type": "application/json", "User-Agent": "operator-scale-bench"})
        response = local.connection.getresponse()
        body = response.read()
        if response.status != 201:
            raise RuntimeError(f"creating {plural}/{doc['metadata']['name']}: {response.status} {body[:200]!r}")

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(create, docs))


def condition(conditions, kind):
    return next((c for c in conditions or [] if c.get("type") == kind), None)


def microservice_ready(item):
    ready = condition(item.get("status", {}).get("conditions"), "Ready")
    return (ready is not None and ready.get("status") == "True" and
            item.get("status", {}).get("observedGeneration") == item["metadata"].get("generation"))


def route_programmed(item):
    parents = item.get("status", {}).get("parents") or []
    if not parents:
        return False
    programmed = condition(parents[0].get("conditions"), "Programmed")
    return (programmed is not None and programmed.get("status") == "True" and
            programmed.get("observedGeneration") == item["metadata"].get("generation"))


def count_done(apiserver, resource, done):
    """Across all namespaces: the bench's stack has no other Microservices or Routes."""
    items = get_json(f"{apiserver}{GROUP}/{resource}")["items"]
    return sum(1 for item in items if done(item)), len(items)


def wait_converged(apiserver, count, started, timeout):
    """Seconds from `started` until all Microservices are Ready and all Routes Programmed (each measured apart;
    None for what had not converged after `timeout`), and the last progress seen ("ready/total")."""
    seconds = {}
    progress = {}
    checks = {"microservices": microservice_ready, "routes": route_programmed}
    last_report = 0.0
    while len(seconds) < len(checks) and time.monotonic() - started < timeout:
        now = time.monotonic()
        for resource, done in checks.items():
            if resource in seconds:
                continue
            ok, total = count_done(apiserver, resource, done)
            progress[resource] = f"{ok}/{total}"
            if ok == count and total == count:
                seconds[resource] = time.monotonic() - started
        if now - last_report > 5:
            log(f"  {time.monotonic() - started:6.1f} s: {progress}")
            last_report = now
        # LISTs of thousands of objects cost the emulator (and this script) CPU the operator competes for.
        time.sleep(0.25)
    if len(seconds) < len(checks):
        log(f"  not converged after {timeout:.0f} s: {progress}")
    return {resource: seconds.get(resource) for resource in checks}, progress


def rounded(value):
    return None if value is None else round(value, 2)


def proc_status(pid):
    """VmRSS, VmHWM and VmRSS's two parts in bytes: RssAnon (the process's own heap and stacks) and RssFile (mapped
    code of the binary and its shared libraries, shared with every other process using them)."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                values[key] = int(rest.split()[0]) * 1024
    return values


def cpu_seconds(pid):
    """utime + stime of a process in seconds (fields 14 and 15 of /proc/PID/stat, after the command name)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request_summary(records, count):
    """The operator's API requests since the apply: counts by verb, writes per Microservice and per Route, and
    re-writes (an object's spec, or its status, written more than once while nothing changed its spec)."""
    mine = [r for r in records if is_operator(r)]
    by_verb = collections.Counter(r["verb"] for r in mine)
    writes = [r for r in mine if r["verb"] in WRITE_VERBS]
    by_target = collections.Counter((r["resource"], r["subresource"]) for r in writes)
    per_object = collections.Counter((r["resource"], r["subresource"], r["namespace"], r["name"]) for r in writes)
    # Events are always new objects (generated names) and are not the Microservice's own writes.
    rewrites = {"/".join(k[:2]).rstrip("/") + " " + "/".join(k[2:]): n for k, n in per_object.items()
                if n > 1 and k[0] != "events"}
    owned = ("deployments", "services", "horizontalpodautoscalers", "poddisruptionbudgets")
    per_microservice = sum(n for (res, sub), n in by_target.items() if res in owned and sub == "")
    status_per_microservice = by_target.get(("microservices", "status"), 0)
    status_per_route = by_target.get(("routes", "status"), 0)
    failed = sum(1 for r in mine if r.get("code", 200) >= 400)
    return {
        "total": len(mine),
        "failed": failed,
        "by_verb": dict(sorted(by_verb.items())),
        "writes_by_resource": {"/".join(k).rstrip("/"): n for k, n in sorted(by_target.items())},
        "per_converged_object": round(len(mine) / (2 * count), 3),
        "owned_writes_per_microservice": round(per_microservice / count, 3),
        "status_writes_per_microservice": round(status_per_microservice / count, 3),
        "status_writes_per_route": round(status_per_route / count, 3),
        "rewritten_objects": len(rewrites),
        # Target 0: a Deployment, Service, HPA or PDB written twice although its Microservice's spec never changed.
        "owned_rewrites": sum(1 for (res, sub, _, _), n in per_object.items() if res in owned and sub == "" and n > 1),
        # Informational: statuses written more than once (each write is a step of the rollout a user can see).
        "status_rewritten_objects": sum(1 for (res, sub, _, _), n in per_object.items() if sub == "status" and n > 1),
        "rewrite_examples": dict(sorted(rewrites.items())[:10]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--apiserver", required=True)
    parser.add_argument("--operator-pid", type=int, required=True)
    parser.add_argument("--apiserver-pid", type=int, required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--objects", type=int, required=True)
    parser.add_argument("--idle-seconds", type=float, default=0)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    n, pid = args.objects, args.operator_pid

    docs = manifests(args.namespace, args.gateway, n)
    for namespace in tenant_namespaces(n):
        urllib.request.urlopen(urllib.request.Request(
            f"{args.apiserver}/api/v1/namespaces", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}).encode()))
    before = proc_status(pid)
    first_request = get_json(f"{args.apiserver}/debug/requests?since=0").get("lastIndex", 0)
    log(f"N={n}: applying {2 * n} objects (operator RSS before: {before['VmRSS'] / 2**20:.1f} MiB)")

    cpu_before, apiserver_cpu_before = cpu_seconds(pid), cpu_seconds(args.apiserver_pid)
    started = time.monotonic()
    create_all(args.apiserver, docs)
    applied = time.monotonic() - started
    log(f"  applied in {applied:.1f} s")
    converged, progress = wait_converged(args.apiserver, n, started, args.timeout)
    done = None not in converged.values()
    total = max(converged.values()) if done else None
    cpu_converging = cpu_seconds(pid) - cpu_before
    apiserver_cpu_converging = cpu_seconds(args.apiserver_pid) - apiserver_cpu_before
    log(f"  converged after {total} s from the start of the apply ({converged}); operator CPU {cpu_converging:.1f} s")

    # Let the last status writes and events land before reading memory and the request log.
    time.sleep(2)
    after = proc_status(pid)
    log_since_apply = get_json(f"{args.apiserver}/debug/requests?since={first_request}")
    records = log_since_apply["items"]
    if os.environ.get("OPERATOR_SCALE_REQUEST_LOG"):  # for profiling: the raw request log of the case
        with open(os.environ["OPERATOR_SCALE_REQUEST_LOG"], "w") as f:
            json.dump(records, f)
    result = {
        "objects": n,
        "apply_seconds": round(applied, 2),
        "converged": done,
        "progress_at_end": progress,  # ready/total when the last LIST was taken
        "microservices_ready_seconds": rounded(converged["microservices"]),
        "routes_programmed_seconds": rounded(converged["routes"]),
        "converged_seconds": rounded(total),
        "timeout_seconds": args.timeout,
        # CPU time the operator spent converging: unlike the wall time, hardly affected by what else the machine runs.
        "operator_cpu_seconds": round(cpu_converging, 2),
        # The API emulator and its simulated controllers share the machine: converging costs both.
        "apiserver_cpu_seconds": round(apiserver_cpu_converging, 2),
        "load_average_1m": os.getloadavg()[0],
        "rss_before_bytes": before["VmRSS"],
        "rss_bytes": after["VmRSS"],
        "hwm_bytes": after["VmHWM"],
        "rss_anon_bytes": after["RssAnon"],
        "rss_file_bytes": after["RssFile"],
        "requests": request_summary(records, n),
    }
    if args.idle_seconds > 0:
        log(f"  idle CPU over {args.idle_seconds:.0f} s")
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        mark = log_since_apply.get("lastIndex", first_request)
        time.sleep(args.idle_seconds)
        cpu1, t1 = cpu_seconds(pid), time.monotonic()
        quiet = get_json(f"{args.apiserver}/debug/requests?since={mark}")["items"]
        result["idle"] = {
            "seconds": round(t1 - t0, 1),
            "cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / (t1 - t0), 3),
            "operator_requests": sum(1 for r in quiet if is_operator(r)),
        }
        result["rss_after_idle_bytes"] = proc_status(pid)["VmRSS"]
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
