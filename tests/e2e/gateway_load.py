"""A steady stream of requests through the gateway, counting every answer (tests/e2e/gateway_hitless.sh and the
other hitless checks run it in the background).

    python3 gateway_load.py --address IP:PORT --path /a --path /b --stop-file F --out counts.json [--threads 4]

Each thread sends GET requests one after another, cycling through the paths: half the threads on one keep-alive
connection, half on a fresh connection per request (so both reused connections during a reload and new connects
are exercised). It runs until the stop file exists, then writes
    {"requests": N, "ok": N (2xx), "non2xx": N, "errors": N, "statuses": {...}, "samples": [...], "seconds": S,
     "stale_retries": N}
to --out. An error is anything without an HTTP answer: refused or reset connection, timeout, malformed answer.
The only retry is the one every HTTP client makes: a request that failed on a *reused* keep-alive connection before
any byte of an answer arrived (the server had closed the idle connection) is sent once more on a new connection;
those are counted in stale_retries. A request on a fresh connection is never retried.
"""

import argparse
import http.client
import json
import os
import socket
import threading
import time

TIMEOUT = 10


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.ok = 0
        self.non2xx = 0
        self.errors = 0
        self.stale_retries = 0
        self.statuses = {}
        self.samples = []  # a few failures, for the report

    def answer(self, status, path, body):
        with self.lock:
            self.requests += 1
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
            if 200 <= status < 300:
                self.ok += 1
            else:
                self.non2xx += 1
                if len(self.samples) < 10:
                    self.samples.append("%s -> %d %s" % (path, status, body[:200].decode("utf-8", "replace")))

    def error(self, path, exc):
        with self.lock:
            self.requests += 1
            self.errors += 1
            if len(self.samples) < 10:
                self.samples.append("%s -> %s: %s" % (path, type(exc).__name__, exc))

    def retried(self):
        with self.lock:
            self.stale_retries += 1


def one_request(conn, path):
    conn.request("GET", path, headers={"User-Agent": "flotilla-e2e-load"})
    response = conn.getresponse()
    body = response.read()
    return response, body


def worker(host, port, paths, keep_alive, stop_file, counts, offset):
    conn = None
    reused = False
    i = offset
    while not os.path.exists(stop_file):
        path = paths[i % len(paths)]
        i += 1
        for attempt in (0, 1):
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
                reused = False
            try:
                response, body = one_request(conn, path)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                conn = None
                if reused and attempt == 0:
                    counts.retried()
                    continue
                counts.error(path, exc)
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = None
                counts.error(path, exc)
                break
            counts.answer(response.status, path, body)
            if keep_alive and not response.will_close:
                reused = True
            else:
                conn.close()
                conn = None
            break


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    host, port = args.address.rsplit(":", 1)
    counts = Counts()
    start = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True,
                                args=(host, int(port), args.path, n % 2 == 0, args.stop_file, counts, n))
               for n in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = {"requests": counts.requests, "ok": counts.ok, "non2xx": counts.non2xx, "errors": counts.errors,
              "stale_retries": counts.stale_retries, "statuses": counts.statuses, "samples": counts.samples,
              "seconds": round(time.monotonic() - start, 2)}
    with open(args.out + ".tmp", "w") as f:
        json.dump(result, f)
    os.rename(args.out + ".tmp", args.out)


if __name__ == "__main__":
    socket.setdefaulttimeout(TIMEOUT)
    main()
