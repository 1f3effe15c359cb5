"""moto's standalone S3 server on a loopback address: a real HTTP endpoint for the storage
tests, not a patched client."""
from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_moto(ip: str = "127.0.0.1", port: int | None = None):
    """A started ThreadedMotoServer (call .stop()) and its port."""
    from moto.server import ThreadedMotoServer

    port = port or free_port()
    server = ThreadedMotoServer(ip_address=ip, port=port, verbose=False)
    server.start()
    return server, port
