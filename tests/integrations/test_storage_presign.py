"""STO-1: s3:// references in task data under a connected source storage open through the
task's presign route: a redirect to a pre-signed GET URL of moto's standalone server that
returns the object, or (presign off) the object passed on by the server; never the keys."""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import boto3
import pytest
import requests
from sqlalchemy import select

from tests.factories import login
from tests.integrations.test_tabs_and_api import HX, _post
from tests.queue.helpers import submit
from webapp.io.storage.base import StorageError
from webapp.io.storage.presign import resolve_storage_urls
from webapp.io.storage.sync import StorageSettings, create_storage
from webapp.models import OrgRole, Storage

SECRET = "presign-secret"
OBJECT = "s3://media/docs/a.txt"
BODY = b"Ada Lovelace wrote the first program."


@pytest.fixture
def bucket(s3_endpoint):
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                      aws_access_key_id="AKIDPRESIGN", aws_secret_access_key=SECRET)
    s3.create_bucket(Bucket="media")
    s3.put_object(Bucket="media", Key="docs/a.txt", Body=BODY)
    return {"bucket": "media", "prefix": "docs/", "endpoint_url": s3_endpoint, "access_key_id": "AKIDPRESIGN"}


@pytest.fixture
def task_with_reference(session, factory):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["unused"])
    task.data = {"text": "A note.", "source": OBJECT, "other": "s3://elsewhere/x.txt",
                 "pages": [{"url": OBJECT}], "outside_prefix": "s3://media/private/b.txt"}
    session.commit()
    return manager, project, task


def _storage(session, app, project, params, **extra):
    create_storage(session, project, StorageSettings("s3", params={**params, **extra}, secret=SECRET), app.config)
    session.commit()


def _path(task_id: int, uri: str = OBJECT) -> str:
    return f"/api/tasks/{task_id}/presign?fileuri={quote(uri, safe='')}"


def test_STO_1_references_are_rewritten_to_the_presign_route(session, app, bucket, task_with_reference):
    _, project, task = task_with_reference
    assert resolve_storage_urls(session, project, task.data, task.id) == task.data  # no storage yet
    _storage(session, app, project, bucket)
    resolved = resolve_storage_urls(session, project, task.data, task.id)
    assert resolved["source"] == resolved["pages"][0]["url"] == _path(task.id)
    assert resolved["text"] == "A note." and resolved["other"] == "s3://elsewhere/x.txt"
    assert resolved["outside_prefix"] == "s3://media/private/b.txt"  # not under the storage's prefix
    assert task.data["source"] == OBJECT  # the task itself is untouched


def test_STO_1_presigned_url_is_fetchable_and_returns_the_object(session, app, client, bucket, task_with_reference):
    manager, project, task = task_with_reference
    _storage(session, app, project, bucket, presign_ttl=5)
    login(client, manager)
    answer = client.get(_path(task.id))
    assert answer.status_code == 303
    url = answer.headers["Location"]
    assert url.startswith(bucket["endpoint_url"]) and SECRET not in url
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == BODY


def test_STO_1_presign_off_passes_the_object_through(session, app, client, bucket, task_with_reference):
    manager, project, task = task_with_reference
    _storage(session, app, project, bucket, presign=False)
    login(client, manager)
    answer = client.get(_path(task.id))
    assert answer.status_code == 200 and answer.data == BODY
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "sandbox"


def test_STO_1_presign_route_checks_access_and_the_reference(session, app, client, factory, bucket, task_with_reference):
    manager, project, task = task_with_reference
    _storage(session, app, project, bucket)
    login(client, factory.user(OrgRole.ANNOTATOR))  # not a member: cannot see the task
    assert client.get(_path(task.id)).status_code == 404
    login(client, manager)
    for uri in ("s3://media/docs/not-in-the-task.txt", "s3://media/private/b.txt", "s3://elsewhere/x.txt"):
        answer = client.get(_path(task.id, uri))
        assert answer.status_code == 404 and "Location" not in answer.headers


def test_STO_1_presign_settings_are_validated(session, app, factory, bucket):
    project = factory.project()
    with pytest.raises(StorageError, match="presign_ttl"):
        create_storage(session, project, StorageSettings("s3", params={**bucket, "presign_ttl": 0}, secret=SECRET), app.config)
    storage = create_storage(session, project, StorageSettings("s3", params=bucket, secret=SECRET), app.config)
    assert storage.params["presign"] is True and storage.params["presign_ttl"] == 15


def test_STO_1_tab_sets_presign_and_expiry(session, client, factory, bucket):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    login(client, manager)
    base = f"/projects/{project.id}/settings/cloud-storage"
    form = client.get(f"{base}?kind=s3", headers=HX).get_data(as_text=True)
    assert 'checked id="presign"' in form and 'name="presign_ttl"' in form
    fields = {"role": "source", "kind": "s3", "mode": "json", "presign_ttl": "30", "secret": SECRET, **bucket}
    page = _post(client, base, fields).get_data(as_text=True)  # the unchecked box is not sent
    assert "objects proxied by the server" in page
    assert session.scalar(select(Storage.params))["presign"] is False
    page = _post(client, base, {**fields, "presign": "y"}).get_data(as_text=True)
    assert "pre-signed URLs, 30 min" in page


def test_STO_1_label_and_review_pages_link_the_stored_object(session, app, client, factory, bucket, task_with_reference):
    manager, project, task = task_with_reference
    _storage(session, app, project, bucket)
    login(client, manager)
    link = f'href="{_path(task.id)}"'.replace("&", "&amp;")
    assert link in client.get(f"/projects/{project.id}/stream").get_data(as_text=True)
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    submit(session, task, annotator, result=[])
    assert link in client.get(f"/projects/{project.id}/review").get_data(as_text=True)
