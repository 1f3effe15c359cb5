"""WH-1: the review and training events reach webhooks through the outbox, written in the
transaction of the change, in Label Studio's payload shape."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from tests.integrations.conftest import LOOPBACK
from tests.queue.helpers import submit
from tests.review.conftest import TEXT, span
from webapp.hooks import on_review_change, remove_listener
from webapp.integrations.delivery import deliver_pending
from webapp.integrations.webhooks import WebhookSettings, create_webhook
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.training import enqueue_training
from webapp.secret_box import SecretBox, generate_key
from webapp.models import Annotation, OrgRole, Review, ReviewAction, WebhookDelivery
from webapp.models.ml import MLModel, ModelKind
from webapp.review import Decision, review_annotation

KEY = SecretBox((generate_key(),))
CHOICES = ('<View><Text name="text" value="$text"/><Choices name="intent" toName="text">'
           '<Choice value="pos"/><Choice value="neg"/></Choices></View>')


def _hook(session, project, url, actions):
    create_webhook(session, project, WebhookSettings(
        url=url, send_for_all_actions=False, actions=actions), LOOPBACK, KEY)
    session.commit()


def _reviewed_project(session, factory):
    project = factory.project(owner=factory.user(OrgRole.MANAGER))
    annotator, reviewer = factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.REVIEWER)
    factory.member(project, annotator)
    factory.member(project, reviewer)
    [task] = factory.tasks(project, [TEXT])
    return project, task, submit(session, task, annotator, result=[span()]), reviewer


def test_WH_1_review_created_then_updated(session, factory, receiver):
    project, task, annotation, reviewer = _reviewed_project(session, factory)
    _hook(session, project, receiver.url, ["REVIEW_CREATED", "REVIEW_UPDATED"])

    first = review_annotation(session, annotation.id, reviewer, Decision(ReviewAction.REJECT_REQUEUE, "Fix it"))
    fixed = [span(0, 3)]
    second = review_annotation(session, annotation.id, reviewer, Decision(ReviewAction.FIX_AND_ACCEPT, result=fixed))
    assert deliver_pending(session, LOOPBACK, KEY) == 2

    created, updated = (r["body"] for r in receiver.received)
    assert set(created) == {"action", "review", "annotation", "task", "project"}
    assert created["action"] == "REVIEW_CREATED" and updated["action"] == "REVIEW_UPDATED"
    assert created["review"]["id"] == first.id and created["review"]["accepted"] is False
    assert created["review"]["comment"] == "Fix it" and created["review"]["created_by"] == reviewer.id
    assert updated["review"]["id"] == second.id and updated["review"]["accepted"] is True
    assert updated["review"]["previous_annotation_history_result"] == [span()]
    assert updated["annotation"]["id"] == annotation.id and updated["annotation"]["result"] == fixed
    assert updated["task"]["id"] == task.id and updated["project"]["id"] == project.id


def test_WH_1_review_event_is_part_of_the_review_transaction(session, factory, receiver):
    """A review that dies after its event was queued, before the commit, leaves no outbox row."""
    project, _, annotation, reviewer = _reviewed_project(session, factory)
    _hook(session, project, receiver.url, ["REVIEW_CREATED"])
    queued = []

    def crash(s, event):
        queued.extend(s.new)  # the webhook listener, registered first, has added its row
        raise RuntimeError("crash after the event was queued")

    listener = on_review_change(crash)
    try:
        with pytest.raises(RuntimeError):
            review_annotation(session, annotation.id, reviewer, Decision(ReviewAction.ACCEPT))
    finally:
        remove_listener(listener)
    session.rollback()
    assert any(isinstance(row, WebhookDelivery) for row in queued)
    assert session.scalars(select(WebhookDelivery)).all() == []
    assert session.scalars(select(Review)).all() == []


def test_WH_1_start_training_when_the_training_job_starts(session, factory, receiver):
    project = factory.project(owner=factory.user(OrgRole.MANAGER), label_config=CHOICES)
    tasks = factory.tasks(project, [f"the film was {'great' if i % 2 else 'awful'} {i}" for i in range(12)])
    annotator = factory.user(OrgRole.ANNOTATOR)
    session.execute(insert(Annotation), [{
        "task_id": t.id, "project_id": project.id, "completed_by_id": annotator.id,
        "result": [{"from_name": "intent", "to_name": "text", "type": "choices",
                    "value": {"choices": ["pos" if i % 2 else "neg"]}}]} for i, t in enumerate(tasks)])
    model = MLModel(project_id=project.id, kind=ModelKind.BUILTIN, title="Built-in")
    session.add(model)
    session.commit()
    _hook(session, project, receiver.url, ["START_TRAINING"])

    enqueue_training(session, model)
    enqueue_training(session, model)  # debounced into the same job: one training, one event
    session.commit()
    assert session.scalars(select(WebhookDelivery)).all() == []  # queued, not started yet
    assert run_pending_jobs(session) == 1
    assert deliver_pending(session, LOOPBACK, KEY) == 1
    [body] = [r["body"] for r in receiver.received]
    assert body["action"] == "START_TRAINING" and body["project"]["id"] == project.id
    assert set(body) == {"action", "project"}
