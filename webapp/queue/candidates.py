"""Which tasks an annotator may be offered: one SELECT per queue, not yet ordered.

Each is filtered row by row along an index walk (ix_task_next in Auto mode, the
annotator's ix_assignment_user_queue in Manual mode), so nothing here counts the project.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.sql.elements import ColumnElement

from webapp.models import (
    Annotation,
    AssignmentKind,
    Distribution,
    Project,
    ReviewState,
    SkipQueue,
    Task,
    TaskAssignment,
)
from webapp.queue.overlap import finished_expr
from webapp.queue.reservations import live_reservations_of_others


def annotated_by(user_id: int, cancelled: bool | None = None) -> ColumnElement:
    cond = and_(Annotation.task_id == Task.id, Annotation.completed_by_id == user_id)
    if cancelled is not None:
        cond = and_(cond, Annotation.was_cancelled.is_(cancelled))
    return exists().where(cond)


def _base(project: Project, user_id: int) -> Select:
    """Manual mode walks the annotator's own assignments, not the project (ANN-2)."""
    stmt = select(Task).where(Task.project_id == project.id)
    if project.distribution is Distribution.MANUAL:
        stmt = stmt.join(
            TaskAssignment,
            and_(
                TaskAssignment.task_id == Task.id,
                TaskAssignment.user_id == user_id,
                TaskAssignment.kind == AssignmentKind.ANNOTATOR,
            ),
        )
    return stmt


def capacity_left(project: Project, user_id: int, now: datetime) -> ColumnElement:
    """Finished annotations plus others' live reservations stay below overlap (ANN-5, ANN-6)."""
    return finished_expr(project) + live_reservations_of_others(Task.id, user_id, now) < Task.overlap


def _auto_only(project: Project, user_id: int, now: datetime) -> list[ColumnElement]:
    # In Manual mode every assigned annotator is expected to label the task: overlap,
    # is_labeled and reservations are Auto-mode notions (ANN-2, ANN-3, QA-1).
    if project.distribution is Distribution.MANUAL:
        return []
    return [Task.is_labeled.is_(False), capacity_left(project, user_id, now)]


def fresh(project: Project, user_id: int, now: datetime) -> Select:
    """Tasks this annotator never touched (no annotation, no skip)."""
    return _base(project, user_id).where(~annotated_by(user_id), *_auto_only(project, user_id, now))


def requeued(project: Project, user_id: int, now: datetime) -> Select | None:
    """Requeue to me: my skipped tasks, offered after everything else (SKIP-1).

    Auto: only while the task is incomplete. Manual: until I submit it. The other skip
    modes never bring a task back to its skipper (SKIP-2, SKIP-3).
    """
    if project.skip_queue is not SkipQueue.REQUEUE_FOR_ME:
        return None
    return _base(project, user_id).where(
        annotated_by(user_id, cancelled=True),
        ~annotated_by(user_id, cancelled=False),
        *_auto_only(project, user_id, now),
    )


def fix_requested(project: Project, user_id: int) -> Select:
    """Tasks whose annotation by this annotator a reviewer rejected and requeued (REV-3):
    offered first, whatever the task's overlap, until resubmitted. Walks the annotator's
    annotations (ix_annotation_user_project), not the project."""
    return select(Task).join(
        Annotation,
        and_(
            Annotation.task_id == Task.id,
            Annotation.completed_by_id == user_id,
            Annotation.project_id == project.id,
            Annotation.review_state == ReviewState.REJECTED_REQUEUED,
            Annotation.was_cancelled.is_(False),
        ),
    )
