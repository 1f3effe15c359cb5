"""Clients reused across requests and threads: building a boto3 client costs tens of
milliseconds and megabytes, and the label stream opens many stored objects.

One entry per saved storage, valid only for the exact settings it was built from: the key
is the storage id with a digest of everything that goes into the client (endpoint, region,
keys, timeouts, ...), so an edited storage gets a new client on its next use and the old
one, with the old keys, is dropped at once. Entries expire after `max_age` seconds, so the
client of a deleted storage does not hold its keys for the life of the process, and at most
`max_entries` are kept, the least recently used dropped first.

The digest is an HMAC under a random key of this process: no secret sits in a cache key, and
a digest seen elsewhere (a heap dump, a log) cannot be tested against guessed secrets.

The cache does not decide whether a client may be used: callers check the outbound policy
on every use, before asking for a client.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 64
MAX_AGE_SECONDS = 15 * 60


@dataclass(frozen=True)
class _Entry:
    digest: str
    client: Any
    expires: float


class ClientCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()  # held only for dictionary work, never while building
        self._build_lock = threading.Lock()  # one build per settings, however many threads miss
        self._key = os.urandom(32)
        self.max_entries, self.max_age, self._clock = max_entries, max_age, clock

    def fingerprint(self, settings: dict) -> str:
        canonical = json.dumps(settings, sort_keys=True)  # plain values only: no repr with an address in it
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def get(self, owner: Hashable, settings: dict, build: Callable[[dict], Any]) -> Any:
        """The client `build(settings)` made for `owner`, built again when the settings changed."""
        digest = self.fingerprint(settings)
        client = self._lookup(owner, digest)
        if client is not None:
            return client
        with self._build_lock:
            client = self._lookup(owner, digest)  # another thread may have built it meanwhile
            if client is None:
                client = build(settings)
                self._store(owner, _Entry(digest, client, self._clock() + self.max_age))
        return client

    def _lookup(self, owner: Hashable, digest: str) -> Any:
        with self._lock:
            self._drop_expired()
            entry = self._entries.get(owner)
            if entry is None or entry.digest != digest:
                return None
            self._entries.move_to_end(owner)
            return entry.client

    def _store(self, owner: Hashable, entry: _Entry) -> None:
        with self._lock:
            self._entries.pop(owner, None)  # the owner's client for older settings goes now
            self._entries[owner] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _drop_expired(self) -> None:
        now = self._clock()
        for owner in [o for o, e in self._entries.items() if e.expires <= now]:
            del self._entries[owner]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
