"""HTTP: one request on a new connection (call), a keep-alive client (Client), waiting for a route,
and Prometheus text from /metrics."""
import http.client
import json
import re
import time
import urllib.parse

from . import ScriptError


class Answer:
    __slots__ = ("status", "headers", "body", "seconds")

    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        return json.loads(self.body)

    def text(self, limit=300):
        return self.body[:limit].decode("utf-8", "replace")


def split_base(base):
    """(host, port) of http://host:port."""
    parts = urllib.parse.urlsplit(base)
    return parts.hostname, parts.port or 80


def call(method, base, path, document=None, token=None, timeout=10.0, raw_body=None, headers=None):
    """One request on a new connection (so a failure is never a stale keep-alive). Raises OSError or
    http.client.HTTPException when no answer came."""
    host, port = split_base(base)
    headers = dict(headers or {}, **{"Accept": "application/json", "Connection": "close"})
    body = raw_body
    if document is not None:
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, dict(response.getheaders()), data, time.monotonic() - started)
    finally:
        conn.close()


def request_once(method, base, path, body=None, headers=None, timeout=30):
    """(status, body bytes) of one request with exactly the headers given."""
    host, port = split_base(base)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """One keep-alive connection to one server. A failed request closes it (the next request opens a
    new one) and is reported to the caller as a socket error: nothing is retried behind its back."""

    def __init__(self, base, timeout=30):
        self.base = base
        self.host, self.port = split_base(base)
        self.timeout = timeout
        self.connection = None

    def call(self, method, path, document=None, token=None, headers=None, raw=None):
        """(status or None, body bytes or error text, seconds)."""
        body = raw if raw is not None else (json.dumps(document, separators=(",", ":")).encode() if document is not None else None)
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        if headers:
            h.update(headers)
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=h)
            response = self.connection.getresponse()
            data = response.read()
            if (response.getheader("Connection") or "").lower() == "close":
                self.close()
            return response.status, data, time.perf_counter() - started
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, "%s: %s" % (type(error).__name__, error), time.perf_counter() - started

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except OSError:
                pass
            self.connection = None


def wait_http_ok(base, path, timeout, proc=None, expect=200):
    """Waits until GET path answers `expect`; returns seconds waited. ScriptError if proc exits first or
    time runs out."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise ScriptError("the process exited (status %s) before %s%s answered" % (proc.returncode, base, path))
        try:
            answer = call("GET", base, path, timeout=2)
            last = answer.status
            if answer.status == expect:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            last = type(error).__name__
        time.sleep(0.05)
    raise ScriptError("GET %s%s did not answer %d within %ds (last: %s)" % (base, path, expect, timeout, last))


def parse_metrics(text):
    """Prometheus text as {name{labels}: value} (samples only)."""
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def metrics(base):
    """GET /metrics of a metrics port (`serve --metrics-port`); {} when it does not answer 200."""
    status, body = request_once("GET", base, "/metrics", timeout=10)
    return parse_metrics(body.decode(errors="replace")) if status == 200 else {}


def server_requests_total(sample):
    return int(sum(v for k, v in sample.items() if k.startswith("http_server_request_duration_seconds_count")))


def outbox_figures(base):
    """(trellis_outbox_depth, {state: count}) from a metrics port."""
    m = metrics(base)
    states = {re.search(r'state="([^"]*)"', k).group(1): int(v) for k, v in m.items()
              if k.startswith("trellis_outbox{") and 'state="' in k}
    depth = m.get("trellis_outbox_depth")
    return (int(depth) if depth is not None else None), states


def audit_records(base, admin_token):
    """The audit trail through GET /v1/audit (an administrator's token), up to the page that is not full
    (reading the trail is itself audited, so there is always one more record: the read before)."""
    out, after = [], 0
    while True:
        answer = call("GET", base, "/v1/audit?after=%d&limit=1000" % after, token=admin_token, timeout=60)
        if answer.status != 200:
            raise ScriptError("GET /v1/audit answered %d: %s" % (answer.status, answer.text()))
        page = answer.json()
        records = page.get("records", [])
        out.extend(records)
        if len(records) < 1000:
            return out
        after = page.get("next_after") or records[-1]["sequence"]


def error_envelope_ok(body):
    """Whether a body is the API's error envelope {"error": {"code", "message", ...}}."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    err = doc.get("error") if isinstance(doc, dict) else None
    return isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str)
