"""Next-task selection: one short write transaction over indexed counters.

Pick under BEGIN IMMEDIATE (SQLite) or with FOR UPDATE SKIP LOCKED (PostgreSQL), reserve,
commit. Eligibility lives in candidates.py, order in ordering.py.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write, is_postgres
from webapp.models import Project, Reservation, Task
from webapp.models._types import utcnow
from webapp.queue import candidates
from webapp.queue.ordering import first_in_order, span_columns
from webapp.queue.reservations import reserve

# A PostgreSQL candidate can fail its re-check only when a concurrent call reserved it.
_MAX_HELD = 50  # live reservations one user may hold in a project
_MAX_RECHECKS = 20


def next_task(
    session: Session,
    project_id: int,
    user_id: int,
    now: datetime | None = None,
    rng: random.Random | None = None,
    selection: Sequence[int] | None = None,
) -> Task | None:
    """The task this annotator should label now, reserved for them in Auto mode; commits.

    `selection` narrows the stream to tasks picked in the Data Manager; every rule of the
    queue still applies inside it.
    """
    now = now or utcnow()
    begin_write(session, durable=False)  # a lost reservation only re-offers its task
    project = session.get(Project, project_id)
    task = _choose(session, project, user_id, now, rng or random.Random(), selection)
    session.commit()
    return task


def _choose(
    session: Session, project: Project, user_id: int, now: datetime, rng, selection
) -> Task | None:
    def narrow(stmt: Select | None) -> Select | None:
        return stmt.where(Task.id.in_(selection)) if stmt is not None and selection else stmt

    fresh = narrow(candidates.fresh(project, user_id, now))
    probe = _probe(session, project, user_id, now, narrow)
    if probe.holds_reservation:
        held = _held(session, project, fresh, user_id, now)
        if held is not None:
            return _reserved(session, project, held, user_id, now)  # reopening renews it (ANN-3)
    if probe.fix is not None:
        # A reviewer waits for it (REV-3); no sampling order applies.
        return _reserved(session, project, session.get(Task, probe.fix), user_id, now)
    for stmt in (fresh, narrow(candidates.requeued(project, user_id, now))):
        if stmt is None:
            continue
        for _ in range(_MAX_RECHECKS):
            task = first_in_order(session, project, stmt, rng, probe.span)
            if task is None:
                break
            if _claim(session, project, stmt, task.id, user_id, now):
                return task
            stmt = stmt.where(Task.id != task.id)
    return None


@dataclass(frozen=True)
class _Probe:
    holds_reservation: bool  # a live reservation of the annotator's in this project
    fix: int | None  # the first task a reviewer requeued to them
    span: tuple  # uniform sampling's id range (ordering.span_columns)


def _probe(session: Session, project: Project, user_id: int, now: datetime, narrow) -> _Probe:
    """Everything the choice needs to know before picking, read in one round trip."""
    held = exists(_held_ids(project, user_id, now)) if project.uses_reservations else false()
    fix = narrow(candidates.fix_requested(project, user_id)).with_only_columns(Task.id)
    row = session.execute(
        select(held, fix.order_by(Task.id).limit(1).scalar_subquery(), *span_columns(project))
    ).one()
    return _Probe(holds_reservation=bool(row[0]), fix=row[1], span=tuple(row[2:]) or (None, None))


def _held_ids(project: Project, user_id: int, now: datetime) -> Select:
    return (
        select(Reservation.task_id)
        .join(Task, Task.id == Reservation.task_id)
        .where(Reservation.user_id == user_id, Reservation.expires_at > now, Task.project_id == project.id)
    )


def _held(session: Session, project: Project, fresh: Select, user_id: int, now: datetime) -> Task | None:
    """The annotator's own live reservation, if that task is still theirs to label.

    Driven from the user's few reservations, then one indexed check per task: joining
    the candidates to reservations let the planner walk every unfinished task.
    """
    held = session.scalars(
        _held_ids(project, user_id, now)
        # Newest first; the task id breaks a tie (reservations made at one instant), so
        # reopening is deterministic whatever order the plan reads the rows in.
        .order_by(Reservation.expires_at.desc(), Reservation.task_id.desc())
        .limit(_MAX_HELD)
    ).all()
    for task_id in held:
        task = session.scalar(fresh.where(Task.id == task_id).limit(1))
        if task is not None:
            return task
    return None


def _reserved(session: Session, project: Project, task: Task, user_id: int, now: datetime) -> Task:
    if project.uses_reservations:
        reserve(session, project, task.id, user_id, now)
    return task


def _claim(session: Session, project: Project, stmt: Select, task_id: int, user_id: int, now: datetime) -> bool:
    """Reserve the pick in Auto mode; False when a concurrent call got there first.

    PostgreSQL: the pick's subqueries read the statement's snapshot, so a reservation
    committed meanwhile by the previous holder of the row lock was invisible. Holding the
    lock now, the reserving statement (a new snapshot in READ COMMITTED) re-checks the
    pick against every reservation. SQLite: BEGIN IMMEDIATE already serialised the pick.
    """
    if not project.uses_reservations:
        return True
    only_if = stmt.where(Task.id == task_id) if is_postgres(session) else None
    return reserve(session, project, task_id, user_id, now, only_if=only_if)
