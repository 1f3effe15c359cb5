"""Issue 13 point 8: a live job heartbeats regularly (from a thread of its own, whatever its
handler is doing), so the stale rule never fires on it; a lost claim stops the beats.
Time is an injected clock; the one threaded test waits for a condition, not a duration."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.ml import jobs
from webapp.ml.jobs import (
    HEARTBEAT_EVERY, STALE_AFTER, Heartbeat, claim_next, enqueue, job_handler, recover_stale_jobs, run_job,
)
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus

LONG_STEP = {}  # what the threaded test's handler saw


def _claimed(session, factory, kind: str = "test-heartbeat") -> BackgroundJob:
    enqueue(session, kind, factory.project().id)
    session.commit()
    return claim_next(session)


def _heartbeat_at(session, job_id: int):
    session.rollback()
    return session.get(BackgroundJob, job_id, populate_existing=True).heartbeat_at


def test_issue_13_point_8_a_747_second_job_beats_and_is_never_stale(session, factory):
    job = _claimed(session, factory)
    start = utcnow()
    clock = {"now": start}
    heartbeat = Heartbeat(session.get_bind(), job.id, job.claimed_attempt, clock=lambda: clock["now"])
    elapsed = timedelta(0)
    while elapsed <= timedelta(seconds=747) + STALE_AFTER:  # well past the stale rule
        clock["now"] = start + elapsed
        assert heartbeat.beat()
        assert _heartbeat_at(session, job.id) == clock["now"]
        # Checked just before the next beat is due: never stale while beating.
        assert recover_stale_jobs(session, now=clock["now"] + HEARTBEAT_EVERY) == 0
        elapsed += HEARTBEAT_EVERY
    assert session.get(BackgroundJob, job.id).status is JobStatus.RUNNING
    # Beats stop (the worker died): the rule fires once STALE_AFTER has passed.
    assert recover_stale_jobs(session, now=clock["now"] + STALE_AFTER + timedelta(seconds=1)) == 1


def test_issue_13_point_8_a_heartbeat_from_a_lost_claim_writes_nothing(session, factory):
    job = _claimed(session, factory)
    stale = utcnow() - 2 * STALE_AFTER
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job.id).values(heartbeat_at=stale))
    session.commit()
    assert recover_stale_jobs(session) == 1 and claim_next(session).id == job.id  # attempt 2
    old = Heartbeat(session.get_bind(), job.id, attempt=1, clock=lambda: utcnow() + timedelta(hours=1))
    before = _heartbeat_at(session, job.id)
    assert not old.beat()
    assert _heartbeat_at(session, job.id) == before


@job_handler("test-heartbeat-long-step")
def _long_step(session, job):
    """One long step with no progress report: its heartbeat is set back (as if the step had
    run 20 minutes), then the handler waits until the heartbeat thread has refreshed it."""
    stale = utcnow() - timedelta(minutes=20)
    with Session(session.get_bind()) as other:
        other.execute(update(BackgroundJob).where(BackgroundJob.id == job.id).values(heartbeat_at=stale))
        other.commit()
    refreshed = threading.Event()
    for _ in range(1000):  # bounded: at most ~10 s
        if _heartbeat_at(session, job.id) > stale:
            refreshed.set()
            break
        refreshed.wait(0.01)
    LONG_STEP["refreshed"] = refreshed.is_set()
    LONG_STEP["recovered"] = recover_stale_jobs(session)
    return "finished"


def test_issue_13_point_8_the_heartbeat_thread_beats_during_a_long_step(session, factory, monkeypatch):
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", timedelta(milliseconds=10))
    job = _claimed(session, factory, "test-heartbeat-long-step")
    run_job(session, job)
    assert LONG_STEP == {"refreshed": True, "recovered": 0}
    session.rollback()
    row = session.get(BackgroundJob, job.id, populate_existing=True)
    assert (row.status, row.message, row.attempts) == (JobStatus.DONE, "finished", 1)
