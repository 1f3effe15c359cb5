"""WH-1: webhooks from an outbox, delivered in order with retries, signed, logged."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integrations.conftest import LOOPBACK
from webapp.annotations.service import Submission, delete_annotation, submit_annotation, update_annotation
from webapp.integrations.delivery import DISABLE_AFTER, deliver_pending
from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy
from webapp.integrations.webhooks import (
    WebhookError, WebhookSettings, create_webhook, update_webhook, webhook_secret,
)
from webapp.hooks import on_tasks_change, remove_listener
from webapp.io import import_records
from webapp.secret_box import SecretBox, generate_key
from webapp.models import OrgRole, Task, WebhookDelivery
from webapp.models._types import utcnow
from webapp.project_events import record_project_updated
from webapp.projects import delete_project

KEY = SecretBox((generate_key(),))


def _hook(session, project, url, **settings):
    webhook = create_webhook(session, project, WebhookSettings(url=url, **settings), LOOPBACK, KEY)
    session.commit()
    return webhook


def test_WH_1_receiver_outage_loses_no_event_and_keeps_order(session, factory, receiver):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    webhook = _hook(session, project, receiver.url, headers={"X-Team": "nlp"})
    receiver.stop()

    import_records(session, project, manager, [{"text": "one"}, {"text": "two"}])
    task_id = session.scalar(select(Task.id).where(Task.project_id == project.id).order_by(Task.id))
    annotation = submit_annotation(session, task_id, manager, Submission(result=[]))
    update_annotation(session, annotation, {"lead_time": 3.0}, manager.id)
    record_project_updated(session, project, manager, ["title"])
    session.commit()
    delete_annotation(session, annotation, manager.id)

    now = utcnow()
    assert deliver_pending(session, LOOPBACK, KEY, now) == 0  # receiver down: retried later
    receiver.start()
    assert deliver_pending(session, LOOPBACK, KEY, now + timedelta(seconds=1)) == 0  # backoff
    assert deliver_pending(session, LOOPBACK, KEY, now + timedelta(minutes=5)) == 5

    actions = [r["body"]["action"] for r in receiver.received]
    assert actions == ["TASKS_CREATED", "ANNOTATION_CREATED", "ANNOTATION_UPDATED",
                       "PROJECT_UPDATED", "ANNOTATIONS_DELETED"]
    created = receiver.received[1]["body"]
    assert created["annotation"]["id"] == annotation.id and created["task"]["id"] == task_id
    assert created["project"]["id"] == project.id
    ids = [r["headers"]["X-Quorum-Delivery"] for r in receiver.received]
    assert len(set(ids)) == 5
    secret = webhook_secret(webhook, KEY)
    for request in receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), request["raw"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Quorum-Signature"] == expected
        assert request["headers"]["X-Team"] == "nlp"
    log = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [row.status for row in log] == ["delivered"] * 5
    assert log[0].attempts == 2 and log[1].attempts == 1 and log[0].response_status == 200
    assert deliver_pending(session, LOOPBACK, KEY, now + timedelta(hours=1)) == 0  # nothing twice


def test_WH_1_chosen_events_and_payload_off(session, factory, receiver):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    _hook(session, project, receiver.url, send_for_all_actions=False,
          actions=["PROJECT_UPDATED"], send_payload=False)
    import_records(session, project, manager, [{"text": "one"}])
    record_project_updated(session, project, manager, ["title"])
    session.commit()
    deliver_pending(session, LOOPBACK, KEY)
    assert [r["body"] for r in receiver.received] == [{"action": "PROJECT_UPDATED"}]


def test_WH_1_rolled_back_change_leaves_no_event(session, factory, receiver):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    _hook(session, project, receiver.url)
    record_project_updated(session, project, manager, ["title"])
    session.rollback()
    assert session.scalars(select(WebhookDelivery)).all() == []


def test_WH_1_tasks_deleted_with_project_is_queued_before_the_delete(session, factory, receiver):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    _hook(session, project, receiver.url)
    factory.tasks(project, ["a", "b"])
    seen = []
    listener = on_tasks_change(lambda s, e: seen.append((e.change.value, len(e.task_ids))))
    try:
        delete_project(session, project, manager.id)
        session.commit()
    finally:
        remove_listener(listener)
    assert seen == [("TASKS_DELETED", 2)]


def test_WH_1_auto_disable_after_a_long_outage_then_resume(session, factory, receiver):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    webhook = _hook(session, project, receiver.url)
    receiver.status = 500
    record_project_updated(session, project, manager, ["title"])
    session.commit()
    now = utcnow()
    for elapsed in (timedelta(0), timedelta(hours=1), DISABLE_AFTER - timedelta(minutes=1)):
        deliver_pending(session, LOOPBACK, KEY, now + elapsed)
    session.refresh(webhook)
    assert webhook.is_active  # issue 13 point 8: failures alone do not disable, only a long outage
    deliver_pending(session, LOOPBACK, KEY, now + DISABLE_AFTER)
    session.refresh(webhook)
    assert not webhook.is_active and "HTTP 500" in webhook.disabled_reason
    record_project_updated(session, project, manager, ["description"])  # still queued
    session.commit()

    receiver.status = 200
    update_webhook(webhook, WebhookSettings(url=receiver.url), LOOPBACK, KEY)
    session.commit()
    assert webhook.disabled_reason == "" and webhook.consecutive_failures == 0
    assert deliver_pending(session, LOOPBACK, KEY) == 2  # re-enabling ends the backoff
    assert [r["body"]["fields"] for r in receiver.received[-2:]] == [["title"], ["description"]]


def test_WH_1_bad_settings_are_refused(session, factory):
    project = factory.project()
    with pytest.raises(WebhookError, match="header"):
        create_webhook(session, project, WebhookSettings(url="http://127.0.0.1/", headers={"Bad Name": "x"}), LOOPBACK, KEY)
    with pytest.raises(WebhookError, match="non-public"):
        create_webhook(session, project, WebhookSettings(url="http://127.0.0.1/"), OutboundPolicy(), KEY)
    with pytest.raises(WebhookError, match="Unknown actions"):
        create_webhook(session, project, WebhookSettings(url="http://127.0.0.1/", send_for_all_actions=False, actions=["NOPE"]), LOOPBACK, KEY)


def test_WH_1_outbound_policy_blocks_private_hosts_and_redirects_to_them(receiver):
    for url in ("http://127.0.0.1:9/", "http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/", "file:///etc/passwd"):
        with pytest.raises(ForbiddenDestination):
            OutboundPolicy().check_url(url)
    OutboundPolicy(allow_private=True).check_url("http://10.0.0.1/")
    OutboundPolicy(allowlist=("10.0.0.0/8",)).check_url("http://10.1.2.3/")
