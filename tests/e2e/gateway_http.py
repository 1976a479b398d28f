"""HTTP helpers for the gateway end-to-end tests (tests/e2e/gateway_*.sh import it through gw_python).

Real requests over real sockets (http.client), with what the checks need: status, headers, the echo backend's JSON
body (which service and pod answered, what path and headers arrived) and how long the answer took.
"""

import concurrent.futures
import http.client
import json
import socket
import ssl
import sys
import time


class Answer:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers  # list of (name, value) as received
        self.body = body
        self.elapsed = elapsed
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        """The value of a response header (first one), or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def service(self):
        return self.json.get("service") if isinstance(self.json, dict) else None

    @property
    def pod(self):
        return self.json.get("pod") if isinstance(self.json, dict) else None

    def describe(self):
        what = self.service or (self.body[:120].decode("utf-8", "replace") if self.body else "")
        return "%d %s" % (self.status, what)


class Client:
    """One keep-alive connection to host:port, reopened when the server closes it."""

    def __init__(self, address, tls=None, server_name=None, timeout=10):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.tls = tls
        self.server_name = server_name
        self.timeout = timeout
        self.conn = None

    def _connect(self):
        if self.tls is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        conn = http.client.HTTPSConnection(self.server_name or self.host, self.port, timeout=self.timeout,
                                           context=self.tls)
        # Connect to the pod address while presenting (and verifying) the server name, like curl --resolve.
        conn._create_connection = lambda *_args, **_kw: socket.create_connection(
            (self.host, self.port), self.timeout)
        return conn

    def request(self, path, method="GET", headers=None, body=None):
        headers = dict(headers or {})
        for attempt in range(2):
            if self.conn is None:
                self.conn = self._connect()
            start = time.monotonic()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                answer = Answer(response.status, response.getheaders(), data, time.monotonic() - start)
                if response.will_close:
                    self.close()
                return answer
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection the server closed: retry once on a new one.
                self.close()
                if attempt == 1:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def request(address, path, method="GET", headers=None, body=None, timeout=10, tls=None, server_name=None):
    """One request on a fresh connection."""
    client = Client(address, tls=tls, server_name=server_name, timeout=timeout)
    try:
        return client.request(path, method=method, headers=headers, body=body)
    finally:
        client.close()


def concurrently(count, fn):
    """Runs fn(i) for i in range(count) all at once (one thread each); returns the results in order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fn, range(count)))


def poll(deadline_seconds, fn, interval=0.2):
    """Calls fn until it returns something truthy (returned) or the deadline passes (None)."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        result = fn()
        if result:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def wait_served(address, paths, deadline_seconds=60, **kwargs):
    """Waits until a request for each path is answered 200 (new endpoints pass health checks before they get
    traffic); returns whether all were."""
    return all(poll(deadline_seconds, lambda p=p: request(address, p, **kwargs).status == 200, 0.3) for p in paths)


def tls_context(ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    return context


def metric_samples(text, name):
    """[(labels dict, value)] of a Prometheus text exposition's samples of metric `name`."""
    samples = []
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        rest = line[len(name):]
        labels = {}
        if rest.startswith("{"):
            end = rest.index("}")
            for part in _split_labels(rest[1:end]):
                key, value = part.split("=", 1)
                labels[key] = json.loads(value)
            rest = rest[end + 1:]
        elif not rest.startswith(" "):
            continue  # another metric whose name starts with this one
        samples.append((labels, float(rest.split()[0])))
    return samples


def _split_labels(text):
    parts, current, quoted, escaped = [], "", False, False
    for c in text:
        if escaped:
            current += c
            escaped = False
        elif c == "\\":
            current += c
            escaped = True
        elif c == '"':
            current += c
            quoted = not quoted
        elif c == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += c
    if current:
        parts.append(current)
    return parts


class Checks:
    """Collects failed checks, prints them all, and exits 1 at the end if any failed."""

    def __init__(self, name):
        self.name = name
        self.failures = []

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)
            print("   FAIL: " + message, file=sys.stderr)
        return ok

    def done(self, summary=None):
        if self.failures:
            print("%s: %d check(s) failed" % (self.name, len(self.failures)), file=sys.stderr)
            sys.exit(1)
        if summary:
            print("   " + summary)
