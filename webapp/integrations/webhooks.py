"""Webhook configuration and the outbox (WH-1).

An event becomes one WebhookDelivery row per interested webhook, written in the same
transaction as the change that caused it: a rollback leaves no event behind, a commit
never loses one. delivery.py sends the rows in the background.

The signing secret is shown once, when Quorum generates it, and afterwards only to an
owner or administrator who asks. Moving a webhook to another URL without giving a secret
replaces the secret, so the new receiver never learns the one the old receiver trusts.
"""
from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy
from webapp.models import Project, Webhook, WebhookDelivery
from webapp.models._types import utcnow
from webapp.models.integration import DeliveryStatus
from webapp.secret_box import SecretBox

ACTIONS = (
    "TASKS_CREATED", "TASKS_DELETED", "ANNOTATION_CREATED", "ANNOTATION_UPDATED",
    "ANNOTATIONS_DELETED", "PROJECT_UPDATED", "REVIEW_CREATED", "REVIEW_UPDATED",
    "START_TRAINING",
)
TEST_ACTION = "WEBHOOK_TEST"  # the "send test" button's event, sent whatever the choice
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
_RESERVED_HEADERS = {"content-type", "content-length", "host", "x-quorum-signature", "x-quorum-delivery"}
MAX_HEADERS = 20


class SecretChange(str, Enum):
    """What a save did to the signing secret."""

    KEPT = "kept"
    GIVEN = "given"  # the request carried the new secret
    GENERATED = "generated"  # a new webhook, or a new URL without a secret: show it once


class WebhookError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class WebhookSettings:
    url: str
    headers: dict = field(default_factory=dict)
    send_payload: bool = True
    send_for_all_actions: bool = True
    actions: list = field(default_factory=list)
    is_active: bool = True
    secret: str = ""  # empty: keep the current one (or generate one for a new webhook)


def validate_headers(headers: object) -> dict[str, str]:
    if not isinstance(headers, dict):
        raise WebhookError("headers", "Headers must be an object of header names to values.")
    if len(headers) > MAX_HEADERS:
        raise WebhookError("headers", f"At most {MAX_HEADERS} headers.")
    clean = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise WebhookError("headers", f"{name!r} is not a valid header name.")
        if name.lower() in _RESERVED_HEADERS:
            raise WebhookError("headers", f"The {name} header is set by Quorum itself.")
        if not isinstance(value, str) or "\r" in value or "\n" in value or len(value) > 2000:
            raise WebhookError("headers", f"The value of {name} must be one line of text.")
        clean[name] = value
    return clean


def _check_types(s: WebhookSettings) -> None:
    """API bodies are untyped JSON: a wrong type is the caller's error, not a crash later."""
    for name in ("url", "secret"):
        if not isinstance(getattr(s, name), str):
            raise WebhookError(name, f"'{name}' must be a string.")
    for name in ("send_payload", "send_for_all_actions", "is_active"):
        if not isinstance(getattr(s, name), bool):
            raise WebhookError(name, f"'{name}' must be true or false.")
    if not isinstance(s.actions, list):
        raise WebhookError("actions", "'actions' must be a list of event names.")


def _apply(webhook: Webhook, s: WebhookSettings, policy: OutboundPolicy, box: SecretBox) -> SecretChange:
    _check_types(s)
    try:
        policy.check_url(s.url.strip())
    except ForbiddenDestination as exc:
        raise WebhookError("url", str(exc)) from exc
    unknown = [a for a in s.actions if a not in ACTIONS]
    if unknown:
        raise WebhookError("actions", f"Unknown actions: {', '.join(map(str, unknown))}.")
    if not s.send_for_all_actions and not s.actions:
        raise WebhookError("actions", "Choose at least one event, or send all events.")
    moved = bool(webhook.url) and webhook.url != s.url.strip()
    webhook.url = s.url.strip()
    webhook.headers = validate_headers(s.headers)
    webhook.send_payload = s.send_payload
    webhook.send_for_all_actions = s.send_for_all_actions
    webhook.actions = [a for a in ACTIONS if a in s.actions]
    if s.is_active and not webhook.is_active:
        webhook.consecutive_failures, webhook.failing_since, webhook.disabled_reason = 0, None, ""  # re-enabled by hand
    webhook.is_active = s.is_active
    if s.secret:
        webhook.secret_encrypted = box.encrypt(s.secret)
        return SecretChange.GIVEN
    if moved or not webhook.secret_encrypted:
        webhook.secret_encrypted = box.encrypt(secrets.token_hex(32))
        return SecretChange.GENERATED
    return SecretChange.KEPT


def create_webhook(
    session: Session, project: Project, s: WebhookSettings, policy: OutboundPolicy, box: SecretBox
) -> Webhook:
    webhook = Webhook(project_id=project.id, is_active=False, secret_encrypted="")
    _apply(webhook, s, policy, box)
    session.add(webhook)
    session.flush()
    return webhook


def update_webhook(
    webhook: Webhook, s: WebhookSettings, policy: OutboundPolicy, box: SecretBox
) -> SecretChange:
    resumed = s.is_active and not webhook.is_active
    change = _apply(webhook, s, policy, box)
    session = object_session(webhook)
    if resumed and session is not None:  # the fixed receiver gets the backlog now, not after backoff
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == DeliveryStatus.PENDING)
            .values(next_attempt_at=utcnow())
        )
    return change


def webhook_secret(webhook: Webhook, box: SecretBox) -> str:
    return box.decrypt(webhook.secret_encrypted)


def project_webhooks(session: Session, project_id: int) -> list[Webhook]:
    return list(session.scalars(
        select(Webhook).where(Webhook.project_id == project_id).order_by(Webhook.id)
    ))


def enqueue(session: Session, project_id: int, action: str, payload: Callable[[], dict]) -> int:
    """Add one outbox row per active webhook that wants `action`; `payload` builds the
    body only when some webhook does. Paused (disabled) webhooks still queue, so that
    re-enabling one delivers what happened meanwhile."""
    hooks = [
        w for w in project_webhooks(session, project_id)
        if (w.is_active or w.disabled_reason) and (w.send_for_all_actions or action in w.actions)
    ]
    if not hooks:
        return 0
    body = {"action": action, **payload()}
    for webhook in hooks:
        session.add(WebhookDelivery(
            webhook_id=webhook.id, uid=str(uuid.uuid4()), action=action,
            payload=body if webhook.send_payload else {"action": action},
        ))
    return len(hooks)


def enqueue_test(session: Session, webhook: Webhook, project_payload: dict) -> WebhookDelivery:
    row = WebhookDelivery(
        webhook_id=webhook.id, uid=str(uuid.uuid4()), action=TEST_ACTION,
        payload={"action": TEST_ACTION, "project": project_payload},
    )
    session.add(row)
    return row


def recent_deliveries(session: Session, webhook_id: int, limit: int = 20) -> list[WebhookDelivery]:
    return list(session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)
    ))
