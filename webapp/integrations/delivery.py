"""Background delivery of the webhook outbox (WH-1).

Each webhook's rows go out strictly in order: when the oldest pending row fails, the
webhook waits (backoff) and nothing behind it is sent, so a receiver sees every event
once it is back, in order. Each request carries a unique delivery id (a receiver drops
repeats: a crash after sending but before recording re-sends the row) and an HMAC-SHA256
signature of the body. A lease on the webhook row lets several processes run this job.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta

import requests
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy, safe_request
from webapp.integrations.webhooks import webhook_secret
from webapp.models import Webhook, WebhookDelivery
from webapp.models._types import utcnow
from webapp.secret_box import SecretBox, SecretError

MAX_CONSECUTIVE_FAILURES = 10
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 100


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** (attempts - 1)), BACKOFF_MAX)


def deliver_pending(
    session: Session, policy: OutboundPolicy, box: SecretBox, now: datetime | None = None
) -> int:
    """Send every due row of every webhook; returns how many were delivered."""
    now = now or utcnow()
    due_hooks = session.scalars(
        select(WebhookDelivery.webhook_id).distinct()
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
               Webhook.is_active.is_(True))
    ).all()
    session.commit()
    return sum(_deliver_webhook(session, hook_id, policy, box, now) for hook_id in due_hooks)


def _claim(session: Session, webhook_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(Webhook)
        .where(Webhook.id == webhook_id, or_(Webhook.lease_until.is_(None), Webhook.lease_until < now))
        .values(lease_until=now + LEASE)
    ).rowcount
    session.commit()
    return claimed == 1


def _deliver_webhook(
    session: Session, webhook_id: int, policy: OutboundPolicy, box: SecretBox, now: datetime
) -> int:
    if not _claim(session, webhook_id, now):
        return 0  # another process is delivering this webhook's rows
    webhook = session.get(Webhook, webhook_id)
    delivered = 0
    try:
        rows = session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == "pending")
            .order_by(WebhookDelivery.id).limit(BATCH)
        ).all()
        for row in rows:
            if row.next_attempt_at > now or not webhook.is_active:
                break  # the head of the line waits, and so does everything behind it
            ok = _attempt(webhook, row, policy, box, now)
            session.commit()
            if not ok:
                break
            delivered += 1
    finally:
        webhook.lease_until = None
        session.commit()
    return delivered


def _attempt(
    webhook: Webhook, row: WebhookDelivery, policy: OutboundPolicy, box: SecretBox, now: datetime
) -> bool:
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    row.attempts += 1
    started = time.perf_counter()
    try:
        headers = {
            **webhook.headers,
            "Content-Type": "application/json",
            "X-Quorum-Delivery": row.uid,
            "X-Quorum-Event": row.action,
            "X-Quorum-Signature": signature(webhook_secret(webhook, box), body),
        }
        response = safe_request(policy, "POST", webhook.url, data=body, headers=headers)
        row.response_status = response.status_code
        error = "" if response.ok else f"HTTP {response.status_code}"
    except (requests.RequestException, ForbiddenDestination, SecretError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    row.latency_ms = round((time.perf_counter() - started) * 1000)
    row.error = error
    if not error:
        row.status, row.delivered_at = "delivered", now
        webhook.consecutive_failures = 0
        return True
    row.next_attempt_at = now + backoff(row.attempts)
    webhook.consecutive_failures += 1
    if webhook.consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
        webhook.is_active = False
        webhook.disabled_reason = (
            f"Disabled after {webhook.consecutive_failures} failed deliveries in a row; "
            f"last error: {error}. Fix the receiver and enable the webhook again."
        )
    return False
