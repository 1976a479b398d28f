"""Gateway change latencies (issue 8, "Endpoint update latency"), measured against a running local stack
(bench/gateway_latency.sh starts it and runs this). Prints one JSON document on stdout; progress goes to stderr.

  endpoint: the Microservice is scaled 1→2; from the moment its EndpointSlice lists the new pod ready (seen by a
            watch) to the first request the gateway serves from that pod (a prober sends requests back to back).
            Then back to 1, and again.
  route:    a new Route is applied; from the start of `kubectl apply` (and from its return, i.e. the API write) to the
            first 200 answer on its path (polled back to back).

Usage: gateway_latency.py --namespace NS --gateway IP:PORT --microservice NAME --trials N
"""

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import threading
import time
import urllib.request


def log(message):
    print(message, file=sys.stderr, flush=True)


def kubectl(*args, stdin=None):
    return subprocess.run(["kubectl", *args], input=stdin, capture_output=True, text=True, check=True).stdout


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def summary(values):
    ms = [round(v * 1000, 1) for v in values]
    return {"samples": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
            "min_ms": min(ms) if ms else None, "max_ms": max(ms) if ms else None, "values_ms": ms}


class SliceWatch:
    """`kubectl get endpointslices -w`: the time each pod was first seen ready (by pod name)."""

    def __init__(self, namespace, service):
        self.ready_since = {}
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            ["kubectl", "-n", namespace, "get", "endpointslices", "-l", "kubernetes.io/service-name=" + service,
             "--watch", "--output-watch-events", "-o", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        decoder = json.JSONDecoder()
        buffer = ""
        for chunk in iter(lambda: self.proc.stdout.readline(), ""):
            buffer += chunk
            while True:
                stripped = buffer.lstrip()
                try:
                    event, end = decoder.raw_decode(stripped)
                except ValueError:
                    break
                buffer = stripped[end:]
                now = time.monotonic()
                obj = event.get("object", event)
                for endpoint in obj.get("endpoints") or []:
                    pod = (endpoint.get("targetRef") or {}).get("name")
                    if pod and (endpoint.get("conditions") or {}).get("ready"):
                        with self.lock:
                            self.ready_since.setdefault(pod, now)

    def since(self, pod):
        with self.lock:
            return self.ready_since.get(pod)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Prober:
    """Requests back to back on one keep-alive connection; records when each pod first answered."""

    def __init__(self, address, path):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.path = path
        self.first_seen = {}
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn = None
        while self.running:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", self.path)
                response = conn.getresponse()
                body = response.read()
                now = time.monotonic()
                if response.status == 200:
                    pod = json.loads(body).get("pod")
                    with self.lock:
                        self.first_seen.setdefault(pod, now)
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError):
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)

    def first(self, pod):
        with self.lock:
            return self.first_seen.get(pod)

    def stop(self):
        self.running = False
        self.thread.join()


class ValueWatch:
    """`kubectl get KIND NAME --watch -o jsonpath=PATH`: the time each new value was first seen."""

    def __init__(self, namespace, kind, name, jsonpath):
        self.seen = []  # (monotonic time, value), in order
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            ["kubectl", "-n", namespace, "get", kind, name, "--watch", "-o", "jsonpath=" + jsonpath + "{\"\\n\"}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in iter(self.proc.stdout.readline, ""):
            now = time.monotonic()
            value = line.strip()
            with self.lock:
                if not self.seen or self.seen[-1][1] != value:
                    self.seen.append((now, value))

    def first_after(self, since, value=None):
        """(time, value) of the first change after `since` (to `value`, when given)."""
        with self.lock:
            for at, seen in self.seen:
                if at >= since and (value is None or seen == value):
                    return at, seen
        return None, None

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def agent_load_seconds(agent):
    """(sum, count) of the agent's flotilla_gateway_reload_duration_seconds histogram: how long its config loads
    took (applying endpoints, haproxy -c, the master CLI reload until the new worker serves)."""
    if not agent:
        return None
    text = urllib.request.urlopen("http://%s/metrics" % agent, timeout=5).read().decode()
    values = {}
    for line in text.splitlines():
        for name in ("flotilla_gateway_reload_duration_seconds_sum", "flotilla_gateway_reload_duration_seconds_count"):
            if line.startswith(name):
                values[name] = float(line.rsplit(" ", 1)[1])
    return (values.get("flotilla_gateway_reload_duration_seconds_sum"),
            values.get("flotilla_gateway_reload_duration_seconds_count"))


def pods_of(namespace, microservice):
    out = kubectl("-n", namespace, "get", "pods", "-l", "app.kubernetes.io/name=" + microservice, "-o", "json")
    return {p["metadata"]["name"] for p in json.loads(out)["items"] if not p["metadata"].get("deletionTimestamp")}


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError("timed out waiting for " + what)


def endpoint_trials(args):
    watch = SliceWatch(args.namespace, args.microservice)
    prober = Prober(args.gateway, "/bench/endpoints")
    latencies = []
    try:
        for trial in range(args.trials):
            before = pods_of(args.namespace, args.microservice)
            kubectl("-n", args.namespace, "scale", "microservice/" + args.microservice, "--replicas=2")
            new = wait_for(lambda: pods_of(args.namespace, args.microservice) - before, 60, "a new pod")
            pod = next(iter(new))
            served = wait_for(lambda: prober.first(pod), 120, "the new pod to be served")
            ready = watch.since(pod)
            if ready is None:
                raise RuntimeError("the EndpointSlice watch never saw pod %s ready" % pod)
            latencies.append(served - ready)
            log("   endpoint trial %d: %s served %.0f ms after its EndpointSlice said ready" % (
                trial + 1, pod, (served - ready) * 1000))
            kubectl("-n", args.namespace, "scale", "microservice/" + args.microservice, "--replicas=1")
            wait_for(lambda: len(pods_of(args.namespace, args.microservice)) == 1, 60, "the scale-down")
    finally:
        prober.stop()
        watch.stop()
    return latencies


def route_yaml(namespace, name, path, service):
    return """apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: %s, namespace: %s}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: %s}}]
      backends: [{service: %s}]
""" % (name, namespace, path, service)


def route_trials(args):
    """Also splits each trial at two points seen by watches: the operator writing the new config into the ConfigMap
    (its config-hash annotation), and the gateway pod reporting that hash loaded (agent: haproxy -c + reload)."""
    host, port = args.gateway.rsplit(":", 1)
    from_apply, from_write = [], []
    phases = {"write_to_configmap": [], "configmap_to_reported_loaded": [], "configmap_to_answer": [],
              "agent_load": []}
    gateway_pod = kubectl("-n", args.namespace, "get", "pods", "-l", "flotilla.io/gateway=edge", "-o",
                          "jsonpath={.items[0].metadata.name}")
    config_watch = ValueWatch(args.namespace, "configmap", "edge-config",
                              "{.metadata.annotations.flotilla\\.io/config-hash}")
    loaded_watch = ValueWatch(args.namespace, "pod", gateway_pod,
                              "{.metadata.annotations.flotilla\\.io/loaded-config-hash}")
    time.sleep(1)  # both watches have listed
    for trial in range(args.trials):
        # Each trial is one isolated change: the operator's client-side rate limit (--kube-api-qps 20, burst 30)
        # refills between trials. Back to back, the status and Event writes of the previous trials use up the
        # budget and the next ConfigMap write queues behind them (measured: +160 ms at the median).
        time.sleep(args.pause)
        name = "latency-%d-%d" % (os.getpid(), trial)
        path = "/bench/" + name
        answered = {}

        def poll():
            conn = None
            while "at" not in answered:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(host, int(port), timeout=5)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    if response.status == 200:
                        answered["at"] = time.monotonic()
                    elif response.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException):
                    conn = None
                    time.sleep(0.005)

        loads_before = agent_load_seconds(args.agent)
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        start = time.monotonic()
        kubectl("apply", "-f", "-", stdin=route_yaml(args.namespace, name, path, args.microservice))
        written = time.monotonic()
        poller.join(120)
        if "at" not in answered:
            raise RuntimeError("Route %s never answered" % name)
        from_apply.append(answered["at"] - start)
        from_write.append(answered["at"] - written)
        # The watches may lag the answer by a few ms: wait a little for them before splitting the trial.
        wait_for(lambda: config_watch.first_after(start)[0] is not None, 5, "the ConfigMap watch")
        configmap_at, new_hash = config_watch.first_after(start)
        loaded_at = None
        if configmap_at is not None:
            phases["write_to_configmap"].append(configmap_at - written)
            phases["configmap_to_answer"].append(answered["at"] - configmap_at)
            try:
                wait_for(lambda: loaded_watch.first_after(configmap_at, new_hash)[0] is not None, 10, "the pod report")
                loaded_at, _ = loaded_watch.first_after(configmap_at, new_hash)
                phases["configmap_to_reported_loaded"].append(loaded_at - configmap_at)
            except RuntimeError:
                pass
        loads_after = agent_load_seconds(args.agent)
        if loads_before and loads_after and loads_after[1] == loads_before[1] + 1:
            phases["agent_load"].append(loads_after[0] - loads_before[0])
        log("   route trial %d: answering %.0f ms after kubectl apply started (%.0f ms after it returned; "
            "ConfigMap written %s ms after it returned, reported loaded %s ms after that)" % (
                trial + 1, from_apply[-1] * 1000, from_write[-1] * 1000,
                "%.0f" % ((configmap_at - written) * 1000) if configmap_at else "?",
                "%.0f" % ((loaded_at - configmap_at) * 1000) if loaded_at else "?"))
    config_watch.stop()
    loaded_watch.stop()
    return from_apply, from_write, phases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--microservice", required=True)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between Route trials")
    parser.add_argument("--agent", default="", help="IP:PORT of the gateway agent's /metrics (load durations)")
    args = parser.parse_args()
    log("== endpoint change → first request served by the new endpoint (%d trials)" % args.trials)
    endpoints = endpoint_trials(args)
    log("== Route apply → route answering (%d trials)" % args.trials)
    from_apply, from_write, phases = route_trials(args)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    json.dump({
        "benchmark": "gateway_latency",
        "machine": {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release()},
        "endpoint_change_to_first_request": summary(endpoints),
        "route_apply_to_answer": summary(from_apply),
        "route_api_write_to_answer": summary(from_write),
        # Where a Route change's time goes, from watches (resolution: a few ms of watch delivery each).
        "route_phases": {name: summary(values) for name, values in phases.items()},
        "targets_ms": {"endpoint_change_p99": 100, "route_change_p99": 500},
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
