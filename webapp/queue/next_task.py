"""Next-task selection: one short write transaction over indexed counters.

The full rule set (sampling orders, overlap first, low agreement) grows here; the shape
stays: pick with a row lock (PostgreSQL) or under BEGIN IMMEDIATE (SQLite), reserve,
commit.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write, lock_rows
from webapp.models import (
    Annotation,
    AssignmentKind,
    Distribution,
    Project,
    SkipQueue,
    Task,
    TaskAssignment,
    User,
)
from webapp.models._types import utcnow
from webapp.queue.reservations import live_reservation_task, live_reservations_of_others, reserve


def next_task(session: Session, project_id: int, user_id: int, now: datetime | None = None) -> Task | None:
    """The task this annotator should label now, reserved for them in Auto mode; commits."""
    now = now or utcnow()
    begin_write(session)
    project = session.get(Project, project_id)
    user = session.get(User, user_id)
    task = _choose(session, project, user, now)
    if task is not None and project.uses_reservations:
        reserve(session, project, task.id, user.id, now)
    session.commit()
    return task


def _choose(session: Session, project: Project, user: User, now: datetime) -> Task | None:
    if project.uses_reservations:
        held = live_reservation_task(session, project.id, user.id, now)
        if held is not None:
            task = session.get(Task, held)
            if task is not None and not task.is_labeled and not _finished_by(session, task.id, user.id):
                return task
    fresh = session.scalar(lock_rows(session, _fresh_tasks(project, user, now)).limit(1))
    if fresh is not None:
        return fresh
    if project.skip_queue is SkipQueue.REQUEUE_FOR_ME:
        return session.scalar(lock_rows(session, _my_skipped_tasks(project, user, now)).limit(1))
    return None


def _finished_by(session: Session, task_id: int, user_id: int) -> bool:
    return session.scalar(
        select(exists().where(Annotation.task_id == task_id, Annotation.completed_by_id == user_id))
    )


def _annotated_by(user_id: int, cancelled: bool | None = None):
    cond = and_(Annotation.task_id == Task.id, Annotation.completed_by_id == user_id)
    if cancelled is not None:
        cond = and_(cond, Annotation.was_cancelled.is_(cancelled))
    return exists().where(cond)


def _capacity_left(project: Project, user: User, now: datetime):
    """Finished annotations plus others' live reservations stay below overlap (ANN-5)."""
    finished = Task.total_annotations
    if project.skip_queue is SkipQueue.IGNORE_SKIPPED:
        finished = finished + Task.cancelled_annotations
    return finished + live_reservations_of_others(Task.id, user.id, now) < Task.overlap


def _base(project: Project, user: User) -> Select:
    stmt = select(Task).where(Task.project_id == project.id, Task.is_labeled.is_(False))
    if project.distribution is Distribution.MANUAL:
        assigned = exists().where(
            TaskAssignment.task_id == Task.id,
            TaskAssignment.user_id == user.id,
            TaskAssignment.kind == AssignmentKind.ANNOTATOR,
        )
        stmt = stmt.where(assigned)
    return stmt


def _fresh_tasks(project: Project, user: User, now: datetime) -> Select:
    stmt = _base(project, user).where(~_annotated_by(user.id))
    if project.uses_reservations:
        stmt = stmt.where(_capacity_left(project, user, now))
    return stmt.order_by(Task.id)


def _my_skipped_tasks(project: Project, user: User, now: datetime) -> Select:
    """Requeue to me: my skipped tasks come back after the rest (SKIP-1)."""
    stmt = _base(project, user).where(
        _annotated_by(user.id, cancelled=True), ~_annotated_by(user.id, cancelled=False)
    )
    if project.uses_reservations:
        stmt = stmt.where(_capacity_left(project, user, now))
    return stmt.order_by(Task.id)
