"""WH-1 outbound safety: the checked address is the connected one (no DNS rebinding), and
every redirect hop is resolved and checked again."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy, safe_request

REAL_GETADDRINFO = socket.getaddrinfo
UNUSED = "10.255.255.1"  # the rebinding answer: a connection there would time out


class FakeDNS:
    """Answers for names in `answers`, one per call (the last repeats); counts the calls.
    IP literals go to the real resolver (which does no lookup for them)."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.calls.append(host)
        queue = self.answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def server():
    """127.0.0.1: GET /to?url=X redirects to X; anything else answers with its Host header."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path.startswith("/to?url="):
                self.send_response(302)
                self.send_header("Location", self.path[len("/to?url="):])
                self.end_headers()
                return
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_WH_1_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", FakeDNS({"inside.test": ["192.168.1.20"]}))
    with pytest.raises(ForbiddenDestination, match="non-public address 192.168.1.20"):
        safe_request(OutboundPolicy(), "GET", "http://inside.test/")
    with pytest.raises(ForbiddenDestination, match="non-public"):
        safe_request(OutboundPolicy(allowlist=("other.test",)), "GET", "http://inside.test/")


def test_WH_1_connection_uses_the_checked_address_not_a_second_answer(monkeypatch, server):
    dns = FakeDNS({"rebind.test": ["127.0.0.1", UNUSED]})
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    policy = OutboundPolicy(allowlist=("127.0.0.1",), timeout=2.0)
    response = safe_request(policy, "GET", f"http://rebind.test:{server}/page")
    assert response.status_code == 200
    assert response.text == f"rebind.test:{server}"  # the Host header keeps the name
    assert dns.calls == ["rebind.test"]  # resolved once; the second answer was never asked


def test_WH_1_every_redirect_hop_is_checked_and_pinned(monkeypatch, server):
    dns = FakeDNS({"hop.test": ["127.0.0.1", UNUSED], "inside.test": ["10.1.2.3"]})
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    policy = OutboundPolicy(allowlist=("127.0.0.1",), timeout=2.0)
    base = f"http://127.0.0.1:{server}"
    for target in ("http://169.254.169.254/latest/meta-data", "http://inside.test/"):
        with pytest.raises(ForbiddenDestination, match="non-public"):
            safe_request(policy, "GET", f"{base}/to?url={target}")
    allowed = safe_request(policy, "GET", f"{base}/to?url=http://hop.test:{server}/end")
    assert allowed.text == f"hop.test:{server}"
    assert dns.calls == ["inside.test", "hop.test"]  # each hop resolved once, then pinned
