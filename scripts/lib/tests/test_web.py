import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from trellis_scripts import ScriptError
from trellis_scripts.web import Client, call, error_envelope_ok, parse_metrics, server_requests_total, split_base, wait_http_ok

METRICS = """# HELP trellis_outbox_depth Referrals waiting for delivery.
# TYPE trellis_outbox_depth gauge
trellis_outbox_depth 3
trellis_outbox{state="pending"} 2
http_server_request_duration_seconds_count{route="/readyz",status="200"} 5
http_server_request_duration_seconds_count{route="/v1/matches",status="200"} 7
not_a_number NaN-ish
"""


def test_parse_metrics_keeps_samples_and_skips_comments():
    m = parse_metrics(METRICS)
    assert m["trellis_outbox_depth"] == 3.0
    assert m['trellis_outbox{state="pending"}'] == 2.0
    assert "not_a_number" not in m
    assert server_requests_total(m) == 12


def test_error_envelope():
    assert error_envelope_ok(b'{"error":{"code":"not_found","message":"no referral"}}')
    assert not error_envelope_ok(b'{"error":"not_found"}')
    assert not error_envelope_ok(b"<html>")


def test_split_base():
    assert split_base("http://127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert split_base("http://localhost") == ("localhost", 80)


class Echo(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = json.dumps({"got": json.loads(body), "auth": self.headers.get("Authorization")}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_call_and_client_send_json_with_a_bearer_token(echo):
    answer = call("POST", echo, "/x", document={"a": 1}, token="trt_x")
    assert answer.status == 201
    assert answer.json() == {"got": {"a": 1}, "auth": "Bearer trt_x"}
    client = Client(echo)
    for n in range(3):  # one keep-alive connection, reused
        status, body, seconds = client.call("POST", "/x", {"n": n})
        assert status == 201 and json.loads(body)["got"] == {"n": n} and seconds >= 0
    client.close()


def test_a_client_reports_a_refused_connection_as_a_socket_error(echo):
    from trellis_scripts.ports import free_port
    status, error, _ = Client("http://127.0.0.1:%d" % free_port(), timeout=2).call("GET", "/")
    assert status is None
    assert error.startswith("ConnectionRefusedError")


def test_waiting_for_a_route_that_never_answers_200_gives_up(echo):
    with pytest.raises(ScriptError, match="did not answer 200"):
        wait_http_ok(echo, "/readyz", 0.5)  # the echo server answers GET with 501
