"""Issue 13 point 8 (WH-1): webhooks reach a receiver that comes back, within a stated
bound, on both databases, with one or several concurrent delivery passes.

The receiver (127.0.0.1) is down, then answers 500, then 200. Time is the injected `now`
of deliver_pending, advanced by the scheduler's interval: no sleeps. The bound is
RECOVERY_BOUND (backoff capped at 60 s + one 5 s interval) after the receiver recovers.
"""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integrations.conftest import LOOPBACK
from webapp.dbutil import begin_write
from webapp.extensions import db
from webapp.integrations.delivery import DELIVERY_INTERVAL, RECOVERY_BOUND, deliver_pending
from webapp.integrations.webhooks import WebhookSettings, create_webhook
from webapp.models import OrgRole, Project, User, Webhook, WebhookDelivery
from webapp.models._types import utcnow
from webapp.project_events import record_project_updated
from webapp.secret_box import SecretBox, generate_key

KEY = SecretBox((generate_key(),))
ERRORS_FOR = timedelta(seconds=20)  # after coming back up, the receiver answers 500 this long


class Timeline:
    """The receiver's state at each simulated instant, and which requests it accepted."""

    def __init__(self, receiver, start, down_for: timedelta) -> None:
        self.receiver, self.start = receiver, start
        self.recovers_at = start + down_for + ERRORS_FOR
        self.up_at = start + down_for
        self.accepted: dict[str, object] = {}  # delivery id -> first time it was answered 200
        self.accepted_count: Counter = Counter()
        self.order: list[str] = []  # delivery ids in the order the receiver accepted them
        self._seen = 0

    def set_state(self, now) -> None:
        if now >= self.up_at and self.receiver._server is None:
            self.receiver.start()
        self.receiver.status = 200 if now >= self.recovers_at else 500

    def collect(self, now) -> None:
        for request in self.receiver.received[self._seen:]:
            if self.receiver.status == 200:
                uid = request["headers"]["X-Quorum-Delivery"]
                self.accepted_count[uid] += 1
                self.order.append(uid)
                self.accepted.setdefault(uid, now)
        self._seen = len(self.receiver.received)


def _events(session, factory, receiver, hooks: int, per_hook: int) -> list[int]:
    manager = factory.user(OrgRole.MANAGER)
    webhook_ids = []
    for _ in range(hooks):
        project = factory.project(owner=manager)
        webhook_ids.append(create_webhook(session, project, WebhookSettings(url=receiver.url), LOOPBACK, KEY).id)
        session.commit()
        for k in range(per_hook):
            record_project_updated(session, project, manager, [f"field-{k}"])
            session.commit()
    return webhook_ids


def _assert_all_delivered_once_in_order(session, timeline: Timeline, expected: int) -> None:
    session.rollback()
    rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert len(rows) == expected and {r.status for r in rows} == {"delivered"}
    assert set(timeline.accepted) == {r.uid for r in rows}  # none lost...
    assert set(timeline.accepted_count.values()) == {1}  # ...none delivered twice
    late = max(timeline.accepted.values()) - timeline.recovers_at
    assert late <= RECOVERY_BOUND, late
    for hook_id in {r.webhook_id for r in rows}:  # each webhook's events in order
        mine = [r.uid for r in rows if r.webhook_id == hook_id]
        assert [uid for uid in timeline.order if uid in set(mine)] == mine
    hooks = session.scalars(select(Webhook)).all()
    assert all(h.is_active and h.lease_owner is None and h.failing_since is None for h in hooks)


@pytest.mark.parametrize("down_for", [timedelta(seconds=35), timedelta(minutes=30)], ids=["35s", "30min"])
def test_issue_13_point_8_a_receiver_that_comes_back_gets_every_event_within_the_bound(
        session, factory, receiver, down_for):
    assert RECOVERY_BOUND == timedelta(seconds=65)  # the bound the README states
    _events(session, factory, receiver, hooks=1, per_hook=26)
    receiver.stop()
    timeline = Timeline(receiver, utcnow(), down_for)
    now = timeline.start
    while len(timeline.accepted) < 26 and now <= timeline.recovers_at + 2 * RECOVERY_BOUND:
        timeline.set_state(now)
        deliver_pending(session, LOOPBACK, KEY, now)
        timeline.collect(now)
        now += DELIVERY_INTERVAL
    _assert_all_delivered_once_in_order(session, timeline, expected=26)


def test_issue_13_point_8_concurrent_passes_deliver_each_event_once(app, session, factory, receiver):
    """Four passes at every tick (threads with their own sessions, as four workers), while a
    fifth writer keeps adding events: none lost, none twice, all within the bound."""
    webhook_ids = _events(session, factory, receiver, hooks=3, per_hook=8)
    project_ids = [session.get(Webhook, w).project_id for w in webhook_ids]
    manager_id = session.get(Project, project_ids[0]).created_by_id
    receiver.stop()
    timeline = Timeline(receiver, utcnow(), timedelta(seconds=35))

    def deliver(now) -> None:
        with app.app_context():
            try:
                deliver_pending(db.session, LOOPBACK, KEY, now)
            finally:
                db.session.remove()

    def write_events(tick: int) -> None:
        with app.app_context():
            try:
                begin_write(db.session)
                manager = db.session.get(User, manager_id)
                for project_id in project_ids:
                    record_project_updated(db.session, db.session.get(Project, project_id), manager, [f"t{tick}"])
                db.session.commit()
            finally:
                db.session.remove()

    ticks, now, added = 0, timeline.start, 0
    with ThreadPoolExecutor(max_workers=5) as pool:
        while now <= timeline.recovers_at + 2 * RECOVERY_BOUND:
            timeline.set_state(now)
            futures = [pool.submit(deliver, now) for _ in range(4)]
            if ticks < 15:  # new events keep arriving through the outage and the recovery
                futures.append(pool.submit(write_events, ticks))
                added += len(project_ids)
            for future in futures:
                future.result()  # a pass that failed fails the test
            timeline.collect(now)
            ticks, now = ticks + 1, now + DELIVERY_INTERVAL
    _assert_all_delivered_once_in_order(session, timeline, expected=3 * 8 + added)


def test_issue_13_point_8_a_pass_whose_lease_was_taken_over_records_nothing(session, factory, receiver, monkeypatch):
    """A pass stalls in a request past its lease; another pass takes the webhook over and
    delivers the row. The stalled pass's late answer is not recorded (fenced by the lease)."""
    from sqlalchemy.orm import Session

    from webapp.integrations import delivery

    _events(session, factory, receiver, hooks=1, per_hook=1)
    now = utcnow()
    send = delivery.safe_request
    takeovers = []

    def stalled_send(*args, **kwargs):
        if not takeovers:  # while the first pass waits for its answer, its lease expires
            takeovers.append("started")
            with Session(session.get_bind()) as other:
                takeovers.append(deliver_pending(other, LOOPBACK, KEY, now + delivery.LEASE + DELIVERY_INTERVAL))
        return send(*args, **kwargs)

    monkeypatch.setattr(delivery, "safe_request", stalled_send)
    assert deliver_pending(session, LOOPBACK, KEY, now) == 0  # its answer came too late to count
    assert takeovers == ["started", 1]
    session.rollback()
    row = session.scalar(select(WebhookDelivery))
    assert (row.status, row.attempts, row.delivered_at) == ("delivered", 1, now + delivery.LEASE + DELIVERY_INTERVAL)
    assert session.scalar(select(Webhook)).lease_owner is None
