"""Redis storage: each key under the prefix is an object; its version is a content hash
(Redis keeps no etag or mtime)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

import redis

from webapp.io.storage.base import ObjectInfo, integer


def clean_params(params: dict, config: Mapping) -> dict:
    return {
        "host": (params.get("host") or "127.0.0.1").strip(),
        "port": integer(params, "port", 6379, 1, 65535),
        "db": integer(params, "db", 0, 0, 255),
    }


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
    client = redis.Redis(
        host=params["host"], port=params["port"], db=params["db"], password=secret or None,
        socket_timeout=10, socket_connect_timeout=5,
    )
    return RedisAdapter(client, params.get("prefix", ""))
