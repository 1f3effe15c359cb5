"""STO-1, STO-2 against the real Redis on 127.0.0.1:6379 (database 15, own key prefix)."""
from __future__ import annotations

import os

import pytest
import redis

from tests.integrations.storage_helpers import TEXTS, round_trip
from webapp.io.storage.base import StorageError
from webapp.io.storage.sync import StorageSettings, create_storage
from webapp.models import OrgRole

DB = 15


@pytest.fixture
def prefix():
    client = redis.Redis(host="127.0.0.1", port=6379, db=DB)
    name = f"quorum-test-{os.getpid()}:"
    yield client, name
    for key in client.scan_iter(match=name + "*"):
        client.delete(key)


def test_STO_1_STO_2_redis_sync_in_twice_no_duplicates_annotations_out_and_deleted(session, factory, app, prefix, loopback_allowed):
    client, name = prefix
    for i, text in enumerate(TEXTS):
        client.set(f"{name}in/{i}.txt", text)
    client.set(f"{name}in/skip.bin", "not a task")
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    base = {"host": "127.0.0.1", "port": 6379, "db": DB}

    def read_target():
        return {k.decode(): client.get(k) for k in client.scan_iter(match=f"{name}out/*")}

    round_trip(session, app.config, project, manager, "redis",
               {**base, "prefix": f"{name}in/", "regex_filter": r"\.txt$"},
               {**base, "prefix": f"{name}out/"}, read_target)


def test_STO_1_redis_bad_settings_refused(session, factory, app):
    project = factory.project()
    with pytest.raises(StorageError, match="port"):
        create_storage(session, project, StorageSettings("redis", params={"port": "abc"}), app.config)
    with pytest.raises(StorageError, match="regular expression"):
        create_storage(session, project, StorageSettings("redis", params={"regex_filter": "("}), app.config)
