"""A scriptable JSON server on 127.0.0.1 for model-source tests, and the loopback fixture.

`stub.routes[(method, path)] = fn(request) -> (status, body)` answers; every request is
recorded in `stub.requests` as {"method", "path", "headers", "body"}.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webapp.ml import remote
from webapp.ml.remote import ml_backend


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stub:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], object] = {}
        self.requests: list[dict] = []
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                           "body": json.loads(raw) if raw else None}
                stub.requests.append(request)
                time.sleep(stub.delay)
                route = stub.routes.get((self.command, self.path))
                status, body = route(request) if route else (404, {"detail": f"no route {self.path}"})
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback(app, monkeypatch):
    """The app's outbound policy allows 127.0.0.1 for this test; retries back off fast."""
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "127.0.0.1")
    monkeypatch.setattr(remote, "BACKOFF", 0.01)
    monkeypatch.setattr(ml_backend, "_set_up", {})  # each test sets its backends up anew
    remote.configure(app.config)


@pytest.fixture
def stub(loopback):
    server = Stub()
    yield server
    server.close()
