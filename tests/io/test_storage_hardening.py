"""Cloud storages reach only what their own settings allow: an S3 storage signs with its own
keys, never the server's AWS credentials (unless the operator allows it), and a Redis
server passes the outbound policy like a webhook, at save and at every open."""
from __future__ import annotations

import os
from urllib.parse import quote

import boto3
import pytest
import redis
from sqlalchemy import func, select

from tests.factories import csrf_token, login
from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy
from webapp.io.storage import redis_storage, s3
from webapp.io.storage.base import StorageError, open_adapter
from webapp.io.storage.sync import StorageSettings, create_storage, sync_storage
from webapp.models import Storage

NO_KEYS = "this server does not lend its own AWS credentials"
PRIVATE = "non-public address"
HX = {"HX-Request": "true"}
REDIS_DB = 15


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Storage))


def _auth(manager) -> dict:
    return {"Authorization": f"Token {manager.api_token}"}


def _under(html: str, field: str, next_field: str) -> str:
    """The markup of one form field: its input and the errors after it (_macros.field)."""
    return html[html.index(f'name="{field}"'):html.index(f'name="{next_field}"')]


def _form(client, project, manager, fields: dict):
    login(client, manager)
    data = {"csrf_token": csrf_token(client, "/"), "role": "source", "mode": "text", **fields}
    return client.post(f"/projects/{project.id}/settings/cloud-storage", data=data, headers=HX)


@pytest.fixture
def boto_clients(monkeypatch):
    """The keyword arguments of every boto3 client built; none is really made, so a test
    that slips through cannot reach AWS with whatever credentials this machine has."""
    s3._CLIENTS.clear()
    made: list[dict] = []
    monkeypatch.setattr(boto3.session.Session, "client", lambda self, *a, **kw: made.append(kw) or object())
    yield made
    s3._CLIENTS.clear()


@pytest.fixture
def server_credentials(app, monkeypatch):
    """Turns QUORUM_S3_SERVER_CREDENTIALS on or off for one test; off is the default."""
    def set_to(value: bool) -> None:
        monkeypatch.setitem(app.config, "QUORUM_S3_SERVER_CREDENTIALS", "1" if value else "0")

    set_to(False)
    return set_to


def _keyless_row(session, project, **params) -> Storage:
    """A storage saved before keys were required: no access key, no secret."""
    row = Storage(project_id=project.id, role="source", kind="s3", title="old",
                  params={"bucket": "media", "prefix": "", "region": "us-east-1", "access_key_id": "",
                          "mode": "text", "presign": True, "presign_ttl": 15, **params})
    session.add(row)
    session.commit()
    return row


# --- S3: no server credentials ---------------------------------------------------------

def test_s3_without_keys_is_refused_by_the_api_until_the_operator_allows_it(session, client, project, manager,
                                                                           server_credentials, boto_clients):
    body = {"project": project.id, "bucket": "media"}
    for extra in ({}, {"access_key_id": "AKIDONLY"}, {"secret": "secret-only"}):
        refused = client.post("/api/storages/s3", json={**body, **extra}, headers=_auth(manager))
        assert refused.status_code == 400
        assert NO_KEYS in refused.json["validation_errors"]["access_key_id"][0]
        assert "anonymous access" in refused.json["detail"]  # not offered either, and said so
    assert _count(session) == 0
    server_credentials(True)
    half = client.post("/api/storages/s3", json={**body, "access_key_id": "AKIDONLY"}, headers=_auth(manager))
    assert half.status_code == 400 and "Give both" in half.json["validation_errors"]["access_key_id"][0]
    accepted = client.post("/api/storages/s3", json=body, headers=_auth(manager))
    assert accepted.status_code == 201 and _count(session) == 1
    assert boto_clients == []  # saving builds no client


def test_s3_without_keys_is_refused_by_the_settings_tab_on_the_key_field(session, client, project, manager,
                                                                         server_credentials):
    page = _form(client, project, manager, {"kind": "s3", "bucket": "media", "access_key_id": "AKID"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and NO_KEYS in html
    assert NO_KEYS in _under(html, "access_key_id", "secret")  # on the key field, not only at the top
    assert _count(session) == 0
    kept = _form(client, project, manager, {"kind": "s3", "bucket": "media", "access_key_id": "AKID", "secret": "s"})
    assert kept.status_code == 200 and _count(session) == 1


def test_a_stored_keyless_s3_storage_never_gets_a_client_with_the_servers_credentials(
        session, app, client, factory, project, manager, server_credentials, boto_clients):
    row = _keyless_row(session, project)
    with pytest.raises(StorageError, match=NO_KEYS) as refused:
        open_adapter("s3", row.params, "", app.config, row.id)
    assert refused.value.field == "access_key_id"
    run = sync_storage(session, row.id, app.config)
    assert run.status == "failed" and NO_KEYS in run.errors[0]["error"]
    [task] = factory.tasks(project, ["unused"])
    task.data = {"text": "x", "source": "s3://media/a.txt"}
    session.commit()
    login(client, manager)
    presigned = client.get(f"/api/tasks/{task.id}/presign?fileuri={quote('s3://media/a.txt', safe='')}")
    assert presigned.status_code == 404 and "Location" not in presigned.headers
    assert boto_clients == []  # refused before boto3 could look for credentials of its own

    server_credentials(True)  # the operator's choice: then, and only then, boto3's own chain
    open_adapter("s3", row.params, "", app.config, row.id)
    assert [(c["aws_access_key_id"], c["aws_secret_access_key"]) for c in boto_clients] == [(None, None)]


def test_a_stored_s3_storage_with_half_a_key_pair_is_refused_at_open(session, app, project, server_credentials,
                                                                     boto_clients):
    row = _keyless_row(session, project, access_key_id="AKIDNOSECRET")
    with pytest.raises(StorageError, match=NO_KEYS):
        open_adapter("s3", row.params, "", app.config, row.id)
    with pytest.raises(StorageError, match=NO_KEYS):
        open_adapter("s3", {**row.params, "access_key_id": ""}, "secret-only", app.config)
    assert boto_clients == []


# --- Redis: the outbound policy -------------------------------------------------------

def test_policy_checks_a_host_and_port_that_are_no_url():
    with pytest.raises(ForbiddenDestination, match=f"{PRIVATE} 10.1.2.3"):
        OutboundPolicy().check_host("10.1.2.3", 6379)
    address = OutboundPolicy(allowlist=("10.0.0.0/8",)).check_host("10.1.2.3", 6379)
    assert address.sockaddr[:2] == ("10.1.2.3", 6379)


def test_redis_on_a_private_address_is_refused_at_save(session, app, client, project, manager):
    body = {"project": project.id, "host": "10.1.2.3", "port": 6379}
    refused = client.post("/api/storages/redis", json=body, headers=_auth(manager))
    assert refused.status_code == 400 and PRIVATE in refused.json["validation_errors"]["host"][0]
    page = _form(client, project, manager, {"kind": "redis", "host": "127.0.0.1", "port": "6379"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and PRIVATE in _under(html, "host", "port")
    with pytest.raises(StorageError, match=PRIVATE) as direct:
        create_storage(session, project, StorageSettings("redis", params={}), app.config)  # the 127.0.0.1 default
    assert direct.value.field == "host"
    session.rollback()
    assert _count(session) == 0


def test_a_stored_redis_storage_is_checked_again_at_every_open(session, app, project, monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "127.0.0.1")
    params = {"host": "127.0.0.1", "port": 6379, "db": REDIS_DB, "prefix": f"quorum-hardening-{os.getpid()}:"}
    row = create_storage(session, project, StorageSettings("redis", params=params), app.config)
    session.commit()
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "")  # loopback is private again
    connects: list = []
    monkeypatch.setattr(redis_storage.redis, "Redis", lambda **kw: connects.append(kw))
    with pytest.raises(StorageError, match=PRIVATE):
        open_adapter("redis", row.params, "", app.config, row.id)
    run = sync_storage(session, row.id, app.config)
    assert run.status == "failed" and PRIVATE in run.errors[0]["error"]
    assert connects == []  # refused before any connection


def test_allowlisted_loopback_redis_works_and_connects_to_the_checked_address(session, app, project, monkeypatch):
    key = f"quorum-hardening-{os.getpid()}:in/a.txt"
    params = {"host": "127.0.0.1", "port": 6379, "db": REDIS_DB, "prefix": key.rsplit("/", 1)[0] + "/"}
    with pytest.raises(StorageError, match=PRIVATE):
        create_storage(session, project, StorageSettings("redis", params=params), app.config)
    session.rollback()
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "127.0.0.1,localhost")
    direct = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    direct.set(key, "Ada met Bob")
    try:
        row = create_storage(session, project, StorageSettings("redis", params=params), app.config)
        session.commit()
        run = sync_storage(session, row.id, app.config)
        assert (run.status, run.errors, run.created) == ("completed", [], 1)
    finally:
        direct.delete(key)
    pinned = open_adapter("redis", {**params, "host": "localhost"}, "", app.config)
    assert pinned.client.connection_pool.connection_kwargs["host"] in ("127.0.0.1", "::1")  # no second lookup
