"""S3 clients are reused per saved storage (presign route and sync alike), rebuilt when the
storage's settings change, and never let a request past an outbound policy that now refuses
the endpoint. Builds are counted at boto3's client factory, against moto's standalone server."""
from __future__ import annotations

import threading
from urllib.parse import parse_qs, quote, urlsplit

import boto3
import pytest
import requests

from tests.factories import login
from tests.moto_s3 import start_moto
from webapp.io.storage import s3
from webapp.io.storage.client_cache import ClientCache
from webapp.io.storage.sync import StorageSettings, create_storage, sync_storage
from webapp.models import OrgRole
from webapp.secret_box import box_from_config

SECRET = "cache-secret"
OBJECT = "s3://media/docs/a.txt"
BODY = b"Grace Hopper found the first bug."


@pytest.fixture(scope="module")
def moto_server():
    """moto's server with the bucket in place; module-scoped, so set up before `builds` counts."""
    server, port = start_moto()
    raw = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="AKIDCACHE", aws_secret_access_key=SECRET)
    raw.create_bucket(Bucket="media")
    raw.put_object(Bucket="media", Key="docs/a.txt", Body=BODY)
    yield port
    server.stop()


@pytest.fixture
def endpoint(app, moto_server):
    """moto on loopback, which the app's outbound policy allows for these tests only."""
    app.config["QUORUM_OUTBOUND_ALLOWLIST"] = "127.0.0.1,localhost"
    yield f"http://127.0.0.1:{moto_server}"
    app.config.pop("QUORUM_OUTBOUND_ALLOWLIST", None)


@pytest.fixture
def storage(session, app, factory, endpoint):
    """A source storage over the bucket holding OBJECT, and a task referencing it."""
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["unused"])
    task.data = {"text": "A note.", "source": OBJECT}
    params = {"bucket": "media", "prefix": "docs/", "endpoint_url": endpoint, "access_key_id": "AKIDCACHE"}
    store = create_storage(session, project, StorageSettings("s3", params=params, secret=SECRET), app.config)
    session.commit()
    return store, task, manager


def _presign(client, task_id: int):
    return client.get(f"/api/tasks/{task_id}/presign?fileuri={quote(OBJECT, safe='')}")


def _credential(url: str) -> str:
    return parse_qs(urlsplit(url).query)["X-Amz-Credential"][0]


def test_two_presign_requests_and_a_sync_share_one_client(session, app, client, builds, storage):
    store, task, manager = storage
    login(client, manager)
    first, second = _presign(client, task.id), _presign(client, task.id)
    assert first.status_code == second.status_code == 303
    assert len(builds) == 1
    assert requests.get(second.headers["Location"], timeout=10).content == BODY  # the reused client signs well
    run = sync_storage(session, store.id, app.config)
    assert (run.status, run.created) == ("completed", 1)
    assert len(builds) == 1  # the sync job opens the same storage through the same cache


def _new_keys(app, store):
    store.params = {**store.params, "access_key_id": "AKIDROTATED"}
    store.secret_encrypted = box_from_config(app.config).encrypt("rotated-secret")


def _new_secret_only(app, store):
    store.secret_encrypted = box_from_config(app.config).encrypt("rotated-secret")


def _new_endpoint(app, store):
    store.params = {**store.params, "endpoint_url": store.params["endpoint_url"].replace("127.0.0.1", "localhost")}


def _new_region(app, store):
    store.params = {**store.params, "region": "eu-west-1"}


@pytest.mark.parametrize("edit", [_new_keys, _new_secret_only, _new_endpoint, _new_region])
def test_an_edited_storage_gets_a_new_client(session, app, client, builds, storage, edit):
    store, task, manager = storage
    login(client, manager)
    assert _presign(client, task.id).status_code == 303
    edit(app, store)
    session.commit()
    answer = _presign(client, task.id)
    assert answer.status_code == 303 and len(builds) == 2
    url = answer.headers["Location"]
    assert url.startswith(store.params["endpoint_url"])
    assert _credential(url).startswith(store.params["access_key_id"] + "/")
    assert f"/{store.params['region']}/s3/" in _credential(url)
    assert requests.get(url, timeout=10).content == BODY
    assert _presign(client, task.id).status_code == 303 and len(builds) == 2  # the new one is reused
    assert len(s3._CLIENTS) == 1  # the client with the old settings is gone, not kept beside it


def test_policy_refuses_a_now_forbidden_endpoint_despite_a_cached_client(session, app, client, builds, storage):
    store, task, manager = storage
    login(client, manager)
    assert _presign(client, task.id).status_code == 303
    assert len(s3._CLIENTS) == 1
    app.config["QUORUM_OUTBOUND_ALLOWLIST"] = ""  # loopback is private again
    refused = _presign(client, task.id)
    assert refused.status_code == 404 and "Location" not in refused.headers
    assert "non-public address" in refused.get_data(as_text=True)
    run = sync_storage(session, store.id, app.config)
    assert run.status == "failed" and "non-public address" in run.errors[0]["error"]
    assert len(builds) == 1 and len(s3._CLIENTS) == 1  # refused by the policy, with the client cached
    app.config["QUORUM_OUTBOUND_ALLOWLIST"] = "127.0.0.1"
    assert _presign(client, task.id).status_code == 303 and len(builds) == 1


def test_an_unsaved_storage_is_not_cached(app, builds, endpoint):
    params = {"bucket": "media", "endpoint_url": endpoint, "access_key_id": "AKID"}
    s3.open_adapter(params, SECRET, app.config)
    s3.open_adapter(params, SECRET, app.config)
    assert len(builds) == 2 and len(s3._CLIENTS) == 0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _counting_builder():
    built: list[dict] = []

    def build(settings: dict) -> object:
        built.append(settings)
        return object()

    return built, build


def test_cache_keys_by_storage_and_settings():
    cache, (built, build) = ClientCache(), _counting_builder()
    settings = {"endpoint_url": "https://s3.example", "aws_secret_access_key": SECRET}
    one = cache.get(1, settings, build)
    assert cache.get(1, dict(settings), build) is one
    assert cache.get(2, settings, build) is not one  # another storage, same settings: its own client
    assert cache.get(1, {**settings, "aws_secret_access_key": "other"}, build) is not one
    assert len(built) == 3 and len(cache) == 2
    assert SECRET not in repr(cache._entries) and SECRET not in cache.fingerprint(settings)
    assert ClientCache().fingerprint(settings) != cache.fingerprint(settings)  # keyed per process


def test_cache_entries_expire_and_the_size_is_bounded():
    clock, (built, build) = Clock(), _counting_builder()
    cache = ClientCache(max_entries=3, max_age=60, clock=clock)
    first = cache.get(1, {}, build)
    clock.now = 59
    assert cache.get(1, {}, build) is first
    clock.now = 60
    assert cache.get(1, {}, build) is not first and len(built) == 2  # a deleted storage's keys go too
    for owner in range(2, 6):
        cache.get(owner, {}, build)
    assert len(cache) == 3 and set(cache._entries) == {3, 4, 5}  # least recently used dropped


def test_concurrent_misses_build_once():
    cache, built, results = ClientCache(), [], []
    gate = threading.Barrier(8)

    def build(settings: dict) -> object:
        built.append(settings)
        return object()

    def use() -> None:
        gate.wait()
        results.append(cache.get(1, {"endpoint_url": "https://s3.example"}, build))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len({id(r) for r in results}) == 1
