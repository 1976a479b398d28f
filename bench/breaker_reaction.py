"""Breaker reaction (issue 11): how many requests a dead endpoint still gets after its breaker's threshold, and how
fast the gateway answers once every endpoint's circuit is open. bench/breaker_reaction.sh starts the stack (a
2-replica echo Microservice behind a Route with a BreakerPolicy of default settings: 5 consecutive failures) and runs
this. Prints one JSON document on stdout; progress on stderr.

  after threshold: endpoint A is switched to fail every request (echo POST /control {"failureRate": 1}); requests
                   are sent one after the other through the gateway until A has answered 5 failures, then N more.
                   A's own request counter (echo GET /control "requests", which counts every request it answered
                   except health checks) says how many reached it; the target is 5 and not one more.
  fail fast:       B is switched to fail as well; once both circuits are open the gateway answers the policy's
                   fallback (503) itself. wrk on one connection measures that answer's latency (target < 1 ms), and
                   the counters of A and B say no request reached either meanwhile.

Usage: breaker_reaction.py --gateway IP:PORT --path P --endpoints IP:PORT,IP:PORT [--requests N] [--seconds S]
"""

import argparse
import http.client
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataplane as dp  # noqa: E402

THRESHOLD = 5  # the BreakerPolicy's consecutiveFailures (default)
TARGET_FAST_FAIL_MS = 1.0


def control(address, settings=None):
    data = json.dumps(settings).encode() if settings is not None else None
    request = urllib.request.Request("http://%s/control" % address, data=data,
                                     method="POST" if settings is not None else "GET")
    return json.loads(urllib.request.urlopen(request, timeout=5).read())


def served(address):
    return control(address)["requests"]


class Client:
    """Sequential requests on one keep-alive connection: (status, pod or None, seconds)."""

    def __init__(self, address, path):
        self.host, port = address.rsplit(":", 1)
        self.port, self.path, self.conn = int(port), path, None

    def send(self):
        start = time.monotonic()
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.conn.request("GET", self.path)
        response = self.conn.getresponse()
        body = response.read()
        if response.will_close:
            self.conn.close()
            self.conn = None
        try:
            pod = json.loads(body).get("pod")
        except ValueError:
            pod = None
        return response.status, pod, time.monotonic() - start


def fail_until_tripped(client, address, pod, limit=200):
    """Switches the endpoint to fail and sends requests until it has answered THRESHOLD failures."""
    control(address, {"failureRate": 1})
    failures = sent = 0
    while failures < THRESHOLD:
        status, answered_by, _ = client.send()
        sent += 1
        if answered_by == pod and status >= 500:
            failures += 1
        if sent >= limit:
            raise RuntimeError("%s answered only %d failures in %d requests" % (pod, failures, sent))
    return sent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--endpoints", required=True, help="IP:PORT=POD,IP:PORT=POD of the two echo pods")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--apiserver-pid", type=int, help="pin HAProxy to CPU 1 and wrk to CPU 0 (2+ cores)")
    args = parser.parse_args()
    wrk_cpus = None
    if args.apiserver_pid and (os.cpu_count() or 1) >= 2:
        dp.pin(dp.haproxy_pids(args.apiserver_pid), "1")
        wrk_cpus = "0"
    (a_address, a_pod), (b_address, b_pod) = [e.split("=") for e in args.endpoints.split(",")]
    client = Client(args.gateway, args.path)

    # Both endpoints serve before anything fails.
    seen = {client.send()[1] for _ in range(10)}
    if seen != {a_pod, b_pod}:
        raise RuntimeError("both pods should serve before the test, saw %s" % seen)

    dp.log("== %s fails every request; requests one at a time until its 5th failure, then %d more" % (
        a_pod, args.requests))
    a_before = served(a_address)
    sent_to_trip = fail_until_tripped(client, a_address, a_pod)
    after = [client.send() for _ in range(args.requests)]
    time.sleep(1)  # the agent's breaker hold has long taken over (it polls every 500 ms)
    after += [client.send() for _ in range(args.requests)]
    a_total = served(a_address) - a_before
    a_after_threshold = a_total - THRESHOLD
    answered_by_a = sum(1 for _, pod, _ in after if pod == a_pod)
    non_200 = sum(1 for status, _, _ in after if status != 200)
    dp.log("   %s got %d requests in all (%d after its 5th failure); the client saw %d answers from it and %d non-200 "
           "after the threshold, of %d" % (a_pod, a_total, a_after_threshold, answered_by_a, non_200, len(after)))

    dp.log("== %s fails too: both circuits open, the fallback answers" % b_pod)
    b_before = served(b_address)
    fail_until_tripped(client, b_address, b_pod)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, pod, _ = client.send()
        if status == 503 and pod is None:
            break
    else:
        raise RuntimeError("the gateway never answered the fallback 503 with both endpoints failing")
    b_tripped = served(b_address) - b_before
    counts_before = (served(a_address), served(b_address))
    fast = dp.wrk("http://%s%s" % (args.gateway, args.path), connections=1, threads=1, seconds=args.seconds,
                  cpus=wrk_cpus)
    counts_after = (served(a_address), served(b_address))
    reached = (counts_after[0] - counts_before[0]) + (counts_after[1] - counts_before[1])
    dp.log("   fallback on one connection: %d answers, p50 %.3f ms, p99 %.3f ms, %d non-2xx; %d reached an endpoint" % (
        fast["requests"], fast["latency_ms"]["p50"], fast["latency_ms"]["p99"], fast["errors"]["status"], reached))
    for address in (a_address, b_address):
        control(address, {"failureRate": 0})

    result = {
        "benchmark": "breaker_reaction",
        "machine": dp.machine(),
        "policy": {"consecutiveFailures": THRESHOLD, "note": "BreakerPolicy with default settings"},
        "pinning": "wrk on CPU 0, HAProxy on CPU 1" if wrk_cpus else "not pinned",
        "after_threshold": {
            "requests_sent": len(after),
            "requests_to_trip": sent_to_trip,
            "dead_endpoint_requests_total": a_total,
            "dead_endpoint_requests_after_threshold": a_after_threshold,
            "answers_from_dead_endpoint_after_threshold": answered_by_a,
            "non_200_after_threshold": non_200,
        },
        "fail_fast": {
            "second_endpoint_requests_to_trip": b_tripped,
            "requests": fast["requests"],
            "rps": fast["rps"],
            "latency_ms": fast["latency_ms"],
            "non_2xx": fast["errors"]["status"],
            "requests_reaching_endpoints": reached,
        },
        "targets": {"dead_endpoint_requests_after_threshold": 0, "fail_fast_p99_ms": TARGET_FAST_FAIL_MS},
    }
    result["met"] = {"after_threshold": a_after_threshold == 0,
                     "fail_fast": fast["latency_ms"]["p99"] < TARGET_FAST_FAIL_MS
                     and fast["errors"]["status"] == fast["requests"] and reached == 0}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
