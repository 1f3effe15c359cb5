"""Redis storage: each key under the prefix is an object; its version is a content hash
(Redis keeps no etag or mtime).

The server is an outbound destination like a webhook or an S3 endpoint: its host and port
pass the outbound policy at save and at every open, and the client connects to the address
the policy checked, so a second DNS answer cannot swap in a private one."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

import redis

from webapp.integrations.http_policy import ForbiddenDestination, policy_from_config
from webapp.io.storage.base import ObjectInfo, StorageError, integer


def _checked_address(host: str, port: int, config: Mapping) -> str:
    """The IP to connect to, if the policy allows `host` (loopback and private networks
    only when allowlisted)."""
    try:
        return policy_from_config(config).check_host(host, port).sockaddr[0]
    except ForbiddenDestination as exc:
        raise StorageError("host", str(exc)) from exc


def clean_params(params: dict, config: Mapping, secret: str = "") -> dict:
    clean = {
        "host": (params.get("host") or "127.0.0.1").strip(),
        "port": integer(params, "port", 6379, 1, 65535),
        "db": integer(params, "db", 0, 0, 255),
    }
    _checked_address(clean["host"], clean["port"], config)
    return clean


class RedisAdapter:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def list(self) -> Iterator[ObjectInfo]:
        for key in sorted(self.client.scan_iter(match=_escape(self.prefix) + "*", count=500)):
            value = self.client.get(key)
            if value is not None:  # not a string key, or deleted meanwhile
                yield ObjectInfo(key.decode(), hashlib.sha256(value).hexdigest())

    def read(self, key: str) -> bytes:
        return self.client.get(key) or b""

    def write(self, key: str, data: bytes) -> None:
        self.client.set(key, data)

    def delete(self, key: str) -> None:
        self.client.delete(key)


def _escape(prefix: str) -> str:
    """The prefix is literal text, not a glob."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in prefix)


def open_adapter(params: dict, secret: str, config: Mapping, storage_id: int | None = None) -> RedisAdapter:
    """Checked on every open: the policy, or the address the host resolves to, may have
    changed since the storage was saved."""
    address = _checked_address(params["host"], params["port"], config)
    client = redis.Redis(
        host=address, port=params["port"], db=params["db"], password=secret or None,
        socket_timeout=10, socket_connect_timeout=5,
    )
    return RedisAdapter(client, params.get("prefix", ""))
