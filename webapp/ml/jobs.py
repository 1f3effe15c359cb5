"""One-off background jobs: enqueue a row, let any process claim and run it.

A job is claimed by a conditional UPDATE (pending -> running) whose row count says who
won, so several app processes may poll the same table safely. Tests call
`run_pending_jobs(session)` instead of waiting for the scheduler.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus

log = logging.getLogger(__name__)
Handler = Callable[[Session, BackgroundJob], str]  # returns the final message
HANDLERS: dict[str, Handler] = {}


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
            .values(status=JobStatus.RUNNING, dedupe_key=None, started_at=utcnow())
        ).rowcount
        session.commit()
        if won:
            return session.get(BackgroundJob, job_id, populate_existing=True)


def report_progress(session: Session, job: BackgroundJob, progress: int, total: int | None = None) -> None:
    """Commit progress so the polling page sees it."""
    job.progress = progress
    if total is not None:
        job.total = total
    session.commit()


def run_job(session: Session, job: BackgroundJob) -> None:
    handler = HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise ValueError(f"no handler for job kind {job.kind!r}")
        message = handler(session, job)
        job.status, job.message = JobStatus.DONE, message or ""
    except Exception as exc:  # a failed job is reported on its row, the runner goes on
        log.exception("background job %s failed", job.id)
        session.rollback()
        job = session.get(BackgroundJob, job.id)
        job.status, job.message = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
    job.finished_at = utcnow()
    session.commit()


def run_pending_jobs(session: Session, limit: int | None = None) -> int:
    """Run pending jobs until none is left (or `limit`); returns how many ran."""
    from webapp.ml import autolabel, predict, training  # noqa: F401 - register the job kinds

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
