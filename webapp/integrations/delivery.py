"""Background delivery of the webhook outbox (WH-1).

Order: each webhook's rows go out strictly in order. When the oldest pending row fails,
the webhook waits (backoff) and nothing behind it is sent, so a receiver sees every event
once it is back, in order. Each request carries a unique delivery id (a receiver drops
repeats: a crash after sending but before recording re-sends the row) and an HMAC-SHA256
signature of the body.

Delay bound: a failed row is retried after min(5 s * 2^(attempts - 1), 60 s), and the
scheduler runs a pass every 5 s. So once a receiver answers 2xx again, its oldest pending
row goes out at most RECOVERY_BOUND (60 s + 5 s) later, and the rows behind it in the same
pass (up to MAX_PER_PASS, the rest on the following passes).

Auto-disable: only after the webhook failed without a single success for DISABLE_AFTER
(24 hours). Its rows stay pending, events keep queueing, and enabling it again sends them.

Several processes: a lease on the webhook row (an owner token and an expiry) lets one pass
at a time deliver its rows. Every write is its own short transaction that takes the write
lock first (SQLite: BEGIN IMMEDIATE, so it waits instead of failing on a lock upgrade) and
is fenced by the owner token: a pass whose lease was taken over records nothing. No
transaction stays open during a request. A database that stays busy past its timeout
ends that webhook's pass, not the job: the rows are simply sent by a later pass.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy, safe_request
from webapp.integrations.webhooks import webhook_secret
from webapp.models import Webhook, WebhookDelivery
from webapp.models._types import utcnow
from webapp.models.integration import DeliveryStatus
from webapp.secret_box import SecretBox, SecretError

log = logging.getLogger(__name__)

DELIVERY_INTERVAL = timedelta(seconds=5)  # how often the scheduler runs deliver_pending
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(seconds=60)
RECOVERY_BOUND = BACKOFF_MAX + DELIVERY_INTERVAL  # receiver back -> oldest row delivered
DISABLE_AFTER = timedelta(hours=24)
# Renewed after every row; it only has to outlast one request (policy timeout, 10 s).
LEASE = timedelta(seconds=60)
MAX_PER_PASS = 500  # one webhook's backlog does not hold a pass forever


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, None when there was no answer
    error: str  # empty when delivered
    latency_ms: int


@dataclass(frozen=True)
class _Request:
    url: str
    body: bytes
    headers: dict[str, str]


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    # The exponent is capped too: past the cap it changes nothing, and a day-long outage's
    # thousands of attempts would overflow timedelta.
    doublings = min(attempts - 1, (BACKOFF_MAX // BACKOFF_BASE).bit_length())
    return min(BACKOFF_BASE * 2 ** doublings, BACKOFF_MAX)


def deliver_pending(
    session: Session, policy: OutboundPolicy, box: SecretBox, now: datetime | None = None
) -> int:
    """Send every due row of every active webhook; returns how many were delivered.
    `now` is injectable so tests drive outages and backoff without sleeping."""
    now = now or utcnow()
    due_hooks = session.scalars(
        select(WebhookDelivery.webhook_id).distinct()
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now,
               Webhook.is_active.is_(True))
    ).all()
    session.commit()
    return sum(_deliver_webhook(session, hook_id, policy, box, now) for hook_id in due_hooks)


@contextmanager
def _next_pass_when_busy(session: Session, webhook_id: int) -> Iterator[None]:
    """SQLite busy past its timeout (or a dropped connection) ends this webhook's pass,
    not the whole job: its rows stay pending and a lease still held expires."""
    try:
        yield
    except OperationalError:
        session.rollback()
        log.warning("webhook %s: database unavailable, delivery left to the next pass", webhook_id, exc_info=True)


def _deliver_webhook(
    session: Session, webhook_id: int, policy: OutboundPolicy, box: SecretBox, now: datetime
) -> int:
    delivered = 0
    with _next_pass_when_busy(session, webhook_id):
        token = _claim(session, webhook_id, now)
        if token is None:
            return 0  # another process is delivering this webhook's rows
        try:
            delivered = _deliver_rows(session, webhook_id, token, policy, box, now)
        finally:
            session.rollback()  # a no-op unless a write failed half-way
            _release(session, webhook_id, token)
    return delivered


def _deliver_rows(
    session: Session, webhook_id: int, token: str, policy: OutboundPolicy, box: SecretBox, now: datetime
) -> int:
    for delivered in range(MAX_PER_PASS):
        row = session.scalar(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == DeliveryStatus.PENDING)
            .order_by(WebhookDelivery.id).limit(1)
        )
        webhook = session.get(Webhook, webhook_id)
        if row is None or webhook is None or not webhook.is_active or row.next_attempt_at > now:
            return delivered  # the head of the line waits, and so does everything behind it
        row_id, attempts = row.id, row.attempts + 1
        outcome = _attempt(session, webhook, row, policy, box)
        if not _record(session, webhook_id, token, row_id, attempts, outcome, now) or outcome.error:
            return delivered
    return MAX_PER_PASS


def _claim(session: Session, webhook_id: int, now: datetime) -> str | None:
    """The lease's owner token, or None when another pass holds a live lease."""
    token = str(uuid.uuid4())
    begin_write(session)
    won = session.execute(
        update(Webhook)
        .where(Webhook.id == webhook_id, Webhook.is_active.is_(True),
               or_(Webhook.lease_until.is_(None), Webhook.lease_until < now))
        .values(lease_until=now + LEASE, lease_owner=token),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.commit()
    return token if won else None


def _release(session: Session, webhook_id: int, token: str) -> None:
    begin_write(session)
    session.execute(
        update(Webhook).where(Webhook.id == webhook_id, Webhook.lease_owner == token)
        .values(lease_until=None, lease_owner=None),
        execution_options={"synchronize_session": False},
    )
    session.commit()


def _request(webhook: Webhook, row: WebhookDelivery, box: SecretBox) -> _Request:
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        **webhook.headers,
        "Content-Type": "application/json",
        "X-Quorum-Delivery": row.uid,
        "X-Quorum-Event": row.action,
        "X-Quorum-Signature": signature(webhook_secret(webhook, box), body),
    }
    return _Request(webhook.url, body, headers)


def _attempt(
    session: Session, webhook: Webhook, row: WebhookDelivery, policy: OutboundPolicy, box: SecretBox
) -> Outcome:
    started = time.perf_counter()
    try:
        request = _request(webhook, row, box)
        session.commit()  # no transaction (nor SQLite snapshot) stays open during the request
        response = safe_request(policy, "POST", request.url, data=request.body, headers=request.headers)
        status, error = response.status_code, "" if response.ok else f"HTTP {response.status_code}"
    except (requests.RequestException, ForbiddenDestination, SecretError) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:1000]
    return Outcome(status, error, round((time.perf_counter() - started) * 1000))


def _record(
    session: Session, webhook_id: int, token: str, row_id: int, attempts: int, outcome: Outcome, now: datetime
) -> bool:
    """Log the attempt and renew the lease in one short transaction; False (nothing
    written) when the lease is no longer this pass's."""
    begin_write(session)
    webhook = session.scalar(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.lease_owner == token).with_for_update()
    )
    if webhook is None:
        session.rollback()
        log.warning("webhook %s: lease lost mid-pass; the row is left to its new owner", webhook_id)
        return False
    values = {"attempts": attempts, "response_status": outcome.status, "error": outcome.error,
              "latency_ms": outcome.latency_ms}
    if outcome.error:
        values["next_attempt_at"] = now + backoff(attempts)
        _count_failure(webhook, outcome.error, now)
    else:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
        webhook.consecutive_failures, webhook.failing_since = 0, None
    webhook.lease_until = now + LEASE
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == row_id).values(**values),
                    execution_options={"synchronize_session": False})
    session.commit()
    return True


def _count_failure(webhook: Webhook, error: str, now: datetime) -> None:
    webhook.consecutive_failures += 1
    webhook.failing_since = webhook.failing_since or now
    if now - webhook.failing_since >= DISABLE_AFTER:
        webhook.is_active = False
        webhook.disabled_reason = (
            f"Disabled after failing for {DISABLE_AFTER.total_seconds() / 3600:g} hours "
            f"({webhook.consecutive_failures} failed attempts, none delivered); last error: {error}. "
            "Fix the receiver and enable the webhook again: the events queued meanwhile are then sent."
        )
