"""A requests session whose connections go to one already-resolved address.

The URL keeps its hostname, so the Host header, TLS SNI and certificate verification all use
the name; only the TCP connect is pinned to the address the outbound policy checked. No
second DNS lookup happens at all (the socket connects to the resolver's sockaddr), which
closes the DNS rebinding window between the policy check and the connection.
"""
from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError


class Address(NamedTuple):
    family: int  # socket.AF_INET or AF_INET6
    sockaddr: tuple  # as getaddrinfo answered it: (ip, port) or (ip, port, flow, scope)


class _PinnedConnection:
    """Mixed in before urllib3's HTTP(S)Connection; `address` is set per subclass."""

    address: Address

    def _new_conn(self) -> socket.socket:
        sock = socket.socket(self.address.family, socket.SOCK_STREAM)
        try:
            for option in self.socket_options or ():
                sock.setsockopt(*option)
            if isinstance(self.timeout, (int, float)):
                sock.settimeout(self.timeout)
            sock.connect(self.address.sockaddr)
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
        except OSError as exc:
            sock.close()
            raise NewConnectionError(self, f"Failed to connect to {self.host}: {exc}") from exc
        return sock


def _pinned_pool(pool_class: type[HTTPConnectionPool], address: Address) -> type[HTTPConnectionPool]:
    base: type[HTTPConnection] = pool_class.ConnectionCls
    connection = type("Pinned" + base.__name__, (_PinnedConnection, base), {"address": address})
    return type("Pinned" + pool_class.__name__, (pool_class,), {"ConnectionCls": connection})


def pinned_pool_classes(address: Address, http: type[HTTPConnectionPool] = HTTPConnectionPool,
                        https: type[HTTPSConnectionPool] = HTTPSConnectionPool) -> dict[str, type]:
    """A urllib3 PoolManager's `pool_classes_by_scheme` whose connections all go to `address`.
    `http`/`https` are the pool classes to extend (botocore's own, for an S3 client)."""
    return {"http": _pinned_pool(http, address), "https": _pinned_pool(https, address)}


class PinnedAdapter(HTTPAdapter):
    def __init__(self, address: Address) -> None:
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pinned_pool_classes(self.address)


@contextmanager
def pinned_session(address: Address) -> Iterator[requests.Session]:
    """A one-request session: http and https connect to `address`, no environment proxies."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        yield session
    finally:
        session.close()
