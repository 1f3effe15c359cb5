"""One-off background jobs: enqueue a row, let any process claim and run it.

A job is claimed by a conditional UPDATE (pending -> running) whose row count says who
won, so several app processes may poll the same table safely. Tests call
`webapp.ml.pipeline.run_pending_jobs(session)` instead of waiting for the scheduler.

A worker that dies mid-job leaves its row RUNNING. The running worker keeps a heartbeat
(set on claim, on every `report_progress`, and every HEARTBEAT_EVERY by a thread of its
own, so a job stuck in one long step still looks alive); each runner pass first puts jobs
whose heartbeat is older than STALE_AFTER back to PENDING, up to MAX_ATTEMPTS claims in
all, then marks them FAILED with a message.

Fencing: the claim's attempt number is this worker's token. Every progress write, result
write (`fence`) and outcome is an UPDATE of the job row that requires that attempt and
RUNNING; when no row matches (another worker re-claimed the job, or it was failed), the
worker's transaction is rolled back and ClaimLost stops the job without writing more.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from webapp.dbutil import WRITE_TRANSACTION_OPTION, begin_write
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus

log = logging.getLogger(__name__)
Handler = Callable[[Session, BackgroundJob], str]  # returns the final message
HANDLERS: dict[str, Handler] = {}
# The heartbeat thread beats every minute, so a heartbeat this old (15 missed beats)
# means its worker is gone.
STALE_AFTER = timedelta(minutes=15)
HEARTBEAT_EVERY = timedelta(minutes=1)
MAX_ATTEMPTS = 3


class ClaimLost(RuntimeError):
    """This worker's claim on the job is no longer current: it stops without writing."""


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
            job = session.get(BackgroundJob, job_id, populate_existing=True)
            job.claimed_attempt = job.attempts
            return job


def _claim_is_current(job_id: int, attempt: int):
    return ((BackgroundJob.id == job_id) & (BackgroundJob.attempts == attempt)
            & (BackgroundJob.status == JobStatus.RUNNING))


def _fenced_update(session: Session, job: BackgroundJob, **values) -> None:
    """Join the caller's write transaction (its results then commit with this check, or
    not at all), or start one: on SQLite a read transaction must not upgrade to a write."""
    if not session.connection().get_execution_options().get(WRITE_TRANSACTION_OPTION):
        begin_write(session)
    current = session.execute(
        update(BackgroundJob).where(_claim_is_current(job.id, job.claimed_attempt))
        .values(heartbeat_at=utcnow(), **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not current:
        session.rollback()
        raise ClaimLost(f"background job {job.id}: attempt {job.claimed_attempt} is no longer current")


def fence(session: Session, job: BackgroundJob) -> None:
    """Call right before committing a job's results, written in a `begin_write`
    transaction: raises ClaimLost (all rolled back) unless this worker's claim is current.
    The UPDATE holds the job row (PostgreSQL) or the write lock (SQLite) until that commit,
    so the job cannot be recovered in between."""
    _fenced_update(session, job)


def report_progress(session: Session, job: BackgroundJob, progress: int, total: int | None = None) -> None:
    """Commit progress (and the caller's pending batch) so the polling page sees it; it is
    also a heartbeat. Raises ClaimLost, writing nothing, once the claim is not current."""
    _fenced_update(session, job, progress=progress, **({} if total is None else {"total": total}))
    session.commit()


class Heartbeat:
    """Beats for a running job from a thread with its own session, every `every`, until
    the job ends or its claim is lost. `clock` is injectable for tests."""

    def __init__(self, engine: Engine, job_id: int, attempt: int, every: timedelta = HEARTBEAT_EVERY,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine, self.job_id, self.attempt, self.every, self.clock = engine, job_id, attempt, every, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-job-{job_id}", daemon=True)

    def beat(self) -> bool:
        """One heartbeat in a short transaction of its own; False once the claim is lost."""
        with Session(self.engine) as session:
            begin_write(session)
            current = session.execute(
                update(BackgroundJob).where(_claim_is_current(self.job_id, self.attempt))
                .values(heartbeat_at=self.clock())
            ).rowcount
            session.commit()
        return bool(current)

    def _run(self) -> None:
        while not self._stop.wait(self.every.total_seconds()):
            try:
                if not self.beat():
                    return  # the job's next fenced write stops it
            except OperationalError:  # SQLite busy past its timeout: the next beat may pass
                log.warning("background job %s: heartbeat skipped", self.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


def run_job(session: Session, job: BackgroundJob) -> None:
    handler = HANDLERS.get(job.kind)
    job_id, attempt = job.id, job.claimed_attempt
    try:
        if handler is None:
            raise ValueError(f"no handler for job kind {job.kind!r}")
        with Heartbeat(session.get_bind(), job_id, attempt, HEARTBEAT_EVERY):
            status, message = JobStatus.DONE, handler(session, job) or ""
    except ClaimLost:
        session.rollback()
        log.warning("background job %s: attempt %s lost its claim and stopped", job_id, attempt)
        return
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
        .where(_claim_is_current(job_id, attempt))
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


def latest_job(session: Session, project_id: int, kind: str, **params) -> BackgroundJob | None:
    stmt = select(BackgroundJob).where(BackgroundJob.project_id == project_id, BackgroundJob.kind == kind)
    jobs = session.scalars(stmt.order_by(BackgroundJob.id.desc()).limit(20)).all()
    return next((j for j in jobs if all(j.params.get(k) == v for k, v in params.items())), None)
