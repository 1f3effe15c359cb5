"""The Webhooks and Cloud storage settings tabs (htmx partials) and the LS-like API."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.integrations.conftest import LOOPBACK
from webapp.integrations.delivery import deliver_pending
from webapp.secret_box import box_from_config
from webapp.io.storage.sync import sync_due_storages
from webapp.models import OrgRole, Storage, StorageObject, Webhook, WebhookDelivery

HX = {"HX-Request": "true"}


def _post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data}, headers=HX)


def test_WH_1_tab_adds_webhook_sends_test_and_shows_delivery_log(client, session, factory, receiver, loopback_allowed, app):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    login(client, manager)
    base = f"/projects/{project.id}/settings/webhooks"
    page = client.get(base)
    assert page.status_code == 200 and "Add webhook" in page.get_data(as_text=True)

    bad = _post(client, base, {"url": receiver.url, "headers": "no colon here", "send_for_all_actions": "y"})
    assert bad.status_code == 422 and "Name: value" in bad.get_data(as_text=True)
    saved = _post(client, base, {"url": receiver.url, "headers": "X-Team: nlp", "send_payload": "y",
                                 "send_for_all_actions": "y", "is_active": "y"})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<html" not in html and "Webhook saved." in html and receiver.url in html
    webhook = session.scalar(select(Webhook))
    assert webhook.headers == {"X-Team": "nlp"} and webhook.secret_encrypted

    queued = _post(client, f"{base}/{webhook.id}/test", {})
    assert "Test event queued" in queued.get_data(as_text=True) and 'hx-trigger="every 5s"' in queued.get_data(as_text=True)
    assert receiver.received == []  # the request never waits on the receiver
    deliver_pending(session, LOOPBACK, box_from_config(app.config))
    assert receiver.received[0]["body"]["action"] == "WEBHOOK_TEST"
    log = client.get(f"{base}/{webhook.id}/log", headers=HX).get_data(as_text=True)
    assert "delivery-delivered" in log and "WEBHOOK_TEST" in log and "every 5s" not in log

    edit = client.get(f"{base}?edit={webhook.id}", headers=HX).get_data(as_text=True)
    assert "Edit webhook" in edit and "X-Team: nlp" in edit
    _post(client, f"{base}/{webhook.id}/delete", {})
    assert session.scalars(select(Webhook)).all() == [] and session.scalars(select(WebhookDelivery)).all() == []


def test_WH_1_api_create_list_patch_delete(client, session, factory, loopback_allowed):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    auth = {"Authorization": f"Token {manager.api_token}"}
    created = client.post("/api/webhooks/", json={"project": project.id, "url": "http://127.0.0.1:9/h",
                                                  "send_for_all_actions": False, "actions": ["TASKS_CREATED"]}, headers=auth)
    assert created.status_code == 201, created.json
    hook = created.json
    # The generated signing secret is answered once, at creation (issue 13 point 5), never after.
    assert hook["actions"] == ["TASKS_CREATED"] and len(hook["secret"]) == 64
    listed = client.get(f"/api/webhooks?project={project.id}", headers=auth).json
    assert [w["id"] for w in listed] == [hook["id"]] and "secret" not in listed[0]
    patched = client.patch(f"/api/webhooks/{hook['id']}", json={"is_active": False}, headers=auth)
    assert patched.json["is_active"] is False and patched.json["actions"] == ["TASKS_CREATED"]
    refused = client.patch(f"/api/webhooks/{hook['id']}", json={"url": "http://10.0.0.1/"}, headers=auth)
    assert refused.status_code == 400 and "url" in refused.json["validation_errors"]
    annotator = factory.user(OrgRole.ANNOTATOR)
    assert client.get(f"/api/webhooks/{hook['id']}", headers={"Authorization": f"Token {annotator.api_token}"}).status_code in (403, 404)
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=auth).status_code == 204


def test_WH_1_api_refuses_a_webhook_without_url_or_with_wrong_types(client, session, factory, loopback_allowed):
    """Issue 13 point 6: a missing url or a field of the wrong type is a 400 naming it, not a 500."""
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    auth = {"Authorization": f"Token {manager.api_token}"}
    for body, named in [({}, "'url'"), ({"url": 5}, "'url'"), ({"url": "http://127.0.0.1:9/h", "actions": "X"}, "'actions'"),
                        ({"url": "http://127.0.0.1:9/h", "is_active": "yes"}, "'is_active'")]:
        answer = client.post("/api/webhooks", json={"project": project.id, **body}, headers=auth)
        assert answer.status_code == 400 and named in answer.json["detail"], (body, answer.json)
    assert session.scalar(select(Webhook.id)) is None


def test_STO_1_tab_adds_storage_queues_sync_and_job_runs_it(client, session, factory, app, tmp_path):
    app.config["QUORUM_LOCAL_FILES_ROOT"] = str(tmp_path)
    try:
        (tmp_path / "a.txt").write_text("Ada met Bob")
        manager = factory.user(OrgRole.MANAGER)
        project = factory.project(owner=manager)
        login(client, manager)
        base = f"/projects/{project.id}/settings/cloud-storage"
        assert 'name="bucket"' in client.get(f"{base}?kind=s3", headers=HX).get_data(as_text=True)
        refused = _post(client, base, {"role": "source", "kind": "local", "path": "/etc", "mode": "text"})
        assert refused.status_code == 422 and "inside" in refused.get_data(as_text=True)
        added = _post(client, base, {"role": "source", "kind": "local", "path": ".", "mode": "text",
                                     "title": "Inbox", "sync_interval_minutes": "0"})
        assert added.status_code == 200 and "Inbox" in added.get_data(as_text=True)
        storage = session.scalar(select(Storage))
        queued = _post(client, f"{base}/{storage.id}/sync", {}).get_data(as_text=True)
        assert "Sync queued" in queued and "every 5s" in queued
        assert sync_due_storages(session, app.config) == 1
        assert sync_due_storages(session, app.config) == 0  # done, nothing asked again
        page = client.get(base, headers=HX).get_data(as_text=True)
        assert "completed" in page and "1 tasks imported" in page
        assert session.scalar(select(StorageObject.key)) == "a.txt"
    finally:
        app.config.pop("QUORUM_LOCAL_FILES_ROOT", None)


def test_STO_2_api_creates_target_and_queues_sync(client, session, factory, loopback_allowed):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    auth = {"Authorization": f"Token {manager.api_token}"}
    created = client.post("/api/storages/redis", json={"project": project.id, "role": "target", "db": 15,
                                                      "prefix": "x:", "secret": "pw"}, headers=auth)
    assert created.status_code == 201 and created.json["type"] == "redis" and "secret" not in created.json
    synced = client.post(f"/api/storages/redis/{created.json['id']}/sync", headers=auth)
    assert synced.status_code == 202 and synced.json["sync_requested"] is True
    assert client.post("/api/storages/ftp", json={"project": project.id}, headers=auth).status_code == 400
