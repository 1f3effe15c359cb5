"""One-off background jobs: enqueue a row, let any process claim and run it.

A job is claimed by a conditional UPDATE (pending -> running) whose row count says who
won, so several app processes may poll the same table safely. Tests call
`run_pending_jobs(session)` instead of waiting for the scheduler.

A worker that dies mid-job leaves its row RUNNING. The running worker keeps a heartbeat
(set on claim and on every `report_progress`); each runner pass first puts jobs whose
heartbeat is older than STALE_AFTER back to PENDING, up to MAX_ATTEMPTS claims in all,
then marks them FAILED with a message. A late answer from the presumed-dead worker is
ignored: a job's outcome is recorded only by the claim (attempt) that is current.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus

log = logging.getLogger(__name__)
Handler = Callable[[Session, BackgroundJob], str]  # returns the final message
HANDLERS: dict[str, Handler] = {}
# A handler reports progress at least this often (training: per control; predictions: per
# batch of 500 tasks), so a heartbeat this old means its worker is gone.
STALE_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3


def job_handler(kind: str):
    def decorator(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn
    return decorator


def enqueue(session: Session, kind: str, project_id: int, params: dict | None = None,
            dedupe_key: str | None = None) -> BackgroundJob:
    """Add a pending job (flushed, not committed). With `dedupe_key`, an existing pending
    job of that key is returned instead, so bursts of triggers queue one job (ML-2)."""
    if dedupe_key is not None:
        pending = session.scalar(select(BackgroundJob).where(BackgroundJob.dedupe_key == dedupe_key))
        if pending is not None:
            return pending
    job = BackgroundJob(project_id=project_id, kind=kind, params=params or {}, dedupe_key=dedupe_key)
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # another process queued the same key a moment ago
        return session.scalar(select(BackgroundJob).where(BackgroundJob.dedupe_key == dedupe_key))
    return job


def claim_next(session: Session) -> BackgroundJob | None:
    """Atomically move the oldest pending job to running; None when there is none."""
    while True:
        begin_write(session)  # SQLite: a read then a write in one deferred transaction can fail
        job_id = session.scalar(
            select(BackgroundJob.id).where(BackgroundJob.status == JobStatus.PENDING)
            .order_by(BackgroundJob.id).limit(1)
        )
        if job_id is None:
            session.commit()
            return None
        won = session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.status == JobStatus.PENDING)
            .values(status=JobStatus.RUNNING, dedupe_key=None, started_at=utcnow(), heartbeat_at=utcnow(),
                    attempts=BackgroundJob.attempts + 1)
        ).rowcount
        session.commit()
        if won:
            return session.get(BackgroundJob, job_id, populate_existing=True)


def report_progress(session: Session, job: BackgroundJob, progress: int, total: int | None = None) -> None:
    """Commit progress so the polling page sees it; it is also the worker's heartbeat."""
    job.heartbeat_at = utcnow()
    job.progress = progress
    if total is not None:
        job.total = total
    session.commit()


def run_job(session: Session, job: BackgroundJob) -> None:
    handler = HANDLERS.get(job.kind)
    job_id, attempt = job.id, job.attempts
    try:
        if handler is None:
            raise ValueError(f"no handler for job kind {job.kind!r}")
        status, message = JobStatus.DONE, handler(session, job) or ""
    except Exception as exc:  # a failed job is reported on its row, the runner goes on
        log.exception("background job %s failed", job_id)
        session.rollback()
        status, message = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
    _finish(session, job_id, attempt, status, message)


def _finish(session: Session, job_id: int, attempt: int, status: JobStatus, message: str) -> None:
    """Record the outcome unless the job was recovered and claimed again meanwhile."""
    begin_write(session)
    recorded = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status == JobStatus.RUNNING,
               BackgroundJob.attempts == attempt)
        .values(status=status, message=message, finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.commit()
    if not recorded:
        log.warning("background job %s: attempt %s ended after it was given up on", job_id, attempt)


def recover_stale_jobs(session: Session, now: datetime | None = None, stale_after: timedelta = STALE_AFTER,
                       max_attempts: int = MAX_ATTEMPTS) -> int:
    """Requeue (or, after `max_attempts` claims, fail) RUNNING jobs whose worker stopped
    beating; returns how many rows changed. Safe to run in several processes at once."""
    alive = func.coalesce(BackgroundJob.heartbeat_at, BackgroundJob.started_at, BackgroundJob.created_at)
    stale = (BackgroundJob.status == JobStatus.RUNNING) & (alive < (now or utcnow()) - stale_after)
    changed = 0
    begin_write(session)
    for job_id, attempts in session.execute(select(BackgroundJob.id, BackgroundJob.attempts).where(stale)).all():
        changed += session.execute(
            update(BackgroundJob).where(BackgroundJob.id == job_id, BackgroundJob.attempts == attempts, stale)
            .values(**_recovery(attempts, max_attempts)),
            execution_options={"synchronize_session": False},
        ).rowcount
    session.commit()
    return changed


def _recovery(attempts: int, max_attempts: int) -> dict:
    if attempts < max_attempts:
        return {"status": JobStatus.PENDING, "heartbeat_at": None, "message":
                f"The worker running this job stopped (attempt {attempts} of {max_attempts}); retrying."}
    return {"status": JobStatus.FAILED, "finished_at": utcnow(), "message":
            f"The worker running this job stopped {attempts} times; gave up. Start it again to retry."}


def run_pending_jobs(session: Session, limit: int | None = None) -> int:
    """Run pending jobs until none is left (or `limit`); returns how many ran."""
    from webapp.ml import autolabel, predict, training  # noqa: F401 - register the job kinds

    recover_stale_jobs(session)
    ran = 0
    while limit is None or ran < limit:
        job = claim_next(session)
        if job is None:
            break
        run_job(session, job)
        ran += 1
    return ran


def latest_job(session: Session, project_id: int, kind: str, **params) -> BackgroundJob | None:
    stmt = select(BackgroundJob).where(BackgroundJob.project_id == project_id, BackgroundJob.kind == kind)
    jobs = session.scalars(stmt.order_by(BackgroundJob.id.desc()).limit(20)).all()
    return next((j for j in jobs if all(j.params.get(k) == v for k, v in params.items())), None)
