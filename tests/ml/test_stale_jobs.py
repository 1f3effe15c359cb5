"""Jobs whose worker died mid-run are retried a bounded number of times, then failed
(ML-2, ML-6: training and batch predictions always finish or say why). No sleeps: the
heartbeat is set back directly."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from webapp.ml.jobs import (
    MAX_ATTEMPTS,
    STALE_AFTER,
    claim_next,
    enqueue,
    job_handler,
    recover_stale_jobs,
    report_progress,
    run_job,
)
from webapp.ml.pipeline import run_pending_jobs
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus


@job_handler("test-stale")
def _ok(session, job):
    return "finished"


def _claimed(session, project) -> BackgroundJob:
    enqueue(session, "test-stale", project.id)
    session.commit()
    return claim_next(session)


def _die(session, job: BackgroundJob, ago: timedelta = STALE_AFTER + timedelta(seconds=1)) -> None:
    """The worker's last sign of life was `ago` ago (then it vanished)."""
    job.heartbeat_at = utcnow() - ago
    session.commit()


def test_a_running_job_with_a_stale_heartbeat_is_retried__ML_2_ML_6(session, factory):
    job = _claimed(session, factory.project())
    _die(session, job)
    assert run_pending_jobs(session) == 1  # recovered, claimed again and run
    session.refresh(job)
    assert (job.status, job.message, job.attempts) == (JobStatus.DONE, "finished", 2)


def test_a_fresh_heartbeat_keeps_the_job_running__ML_2(session, factory):
    job = _claimed(session, factory.project())
    _die(session, job, ago=STALE_AFTER - timedelta(minutes=1))
    assert recover_stale_jobs(session) == 0
    job.heartbeat_at = utcnow() - 2 * STALE_AFTER
    session.commit()
    report_progress(session, job, 1, 10)  # a live worker's progress is its heartbeat
    assert recover_stale_jobs(session) == 0
    session.refresh(job)
    assert job.status is JobStatus.RUNNING


def test_retries_are_bounded_then_the_job_fails_with_a_message__ML_2_ML_6(session, factory):
    job = _claimed(session, factory.project())
    for attempt in range(1, MAX_ATTEMPTS):
        _die(session, job)
        assert recover_stale_jobs(session) == 1
        session.refresh(job)
        assert job.status is JobStatus.PENDING and f"attempt {attempt} of {MAX_ATTEMPTS}" in job.message
        assert claim_next(session).id == job.id
    _die(session, job)
    assert recover_stale_jobs(session) == 1
    session.refresh(job)
    assert job.status is JobStatus.FAILED and job.finished_at is not None
    assert job.attempts == MAX_ATTEMPTS and "stopped 3 times" in job.message
    assert run_pending_jobs(session) == 0


def test_the_presumed_dead_worker_cannot_overwrite_the_retry__ML_2(session, factory):
    job = _claimed(session, factory.project())
    _die(session, job)
    recover_stale_jobs(session)
    retry = claim_next(session)  # attempt 2 runs in another worker
    zombie = SimpleNamespace(id=job.id, kind="test-stale", claimed_attempt=1)  # attempt 1 wakes up late
    run_job(session, zombie)
    session.refresh(retry)
    assert (retry.status, retry.attempts) == (JobStatus.RUNNING, 2)


def test_a_job_from_before_heartbeats_is_judged_by_its_start(session, factory):
    job = _claimed(session, factory.project())
    job.heartbeat_at, job.started_at = None, utcnow() - 2 * STALE_AFTER
    session.commit()
    assert recover_stale_jobs(session) == 1
