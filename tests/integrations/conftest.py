"""A webhook receiver on 127.0.0.1 that a test can stop and restart on the same port, and
moto's standalone S3 server (a real HTTP endpoint, not a patched client)."""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.moto_s3 import start_moto
from webapp.integrations.http_policy import OutboundPolicy

LOOPBACK = OutboundPolicy(allowlist=("127.0.0.1",), timeout=2.0)


class Receiver:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.received: list[dict] = []  # {"headers", "body", "raw"}
        self.status = 200
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "raw": raw, "body": json.loads(raw)})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def receiver():
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def loopback_allowed(app):
    """The app's own policy allows loopback for these tests only."""
    app.config["QUORUM_OUTBOUND_ALLOWLIST"] = "127.0.0.1"
    yield LOOPBACK
    app.config.pop("QUORUM_OUTBOUND_ALLOWLIST", None)


@pytest.fixture(scope="module")
def moto_server():
    server, port = start_moto()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_endpoint(moto_server, loopback_allowed):
    """moto's S3 server on loopback, which the outbound policy allows for these tests only."""
    return moto_server
