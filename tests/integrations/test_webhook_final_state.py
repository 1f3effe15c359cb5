"""Issue 14 point 2: a webhook payload shows the state the transaction commits.

With "Assign additional annotator" (QA-5), the quality listener turns a low-agreement task
back to unlabeled; the webhooks listener, running before it, used to send
`task.is_labeled: true` for a task committed with false.
"""
from __future__ import annotations

from sqlalchemy import select

from tests.integrations.conftest import LOOPBACK
from tests.quality.helpers import sentiment_project, submit
from webapp.integrations.payloads import task_payload
from webapp.integrations.webhooks import WebhookSettings, create_webhook
from webapp.models import LowAgreementStrategy, Task, WebhookDelivery
from webapp.secret_box import SecretBox, generate_key

ASSIGN = dict(low_agreement_strategy=LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR, agreement_threshold=80)


def test_issue14_point2_annotation_webhook_payload_equals_committed_task(session, factory):
    project, (a, b, _c), (task,) = sentiment_project(factory, annotators=3, overlap=2, **ASSIGN)
    create_webhook(session, project, WebhookSettings(url="http://127.0.0.1:9/hook"), LOOPBACK,
                   SecretBox((generate_key(),)))
    session.commit()
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")  # 0% agreement: one more annotator, task stays open

    session.expire_all()
    committed = session.get(Task, task.id)
    assert committed.is_labeled is False and committed.extra_overlap == 1
    last = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.action == "ANNOTATION_CREATED")
        .order_by(WebhookDelivery.id.desc()).limit(1)
    ).one()
    assert last.payload["task"]["is_labeled"] is False
    assert last.payload["task"] == task_payload(committed)
