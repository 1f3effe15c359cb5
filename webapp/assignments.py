"""Manual assignment of annotators and reviewers to tasks, in bulk (ANN-2, REV-4).

Each call is one INSERT ... SELECT (or one DELETE) whatever the number of tasks.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, delete, exists, insert, literal, select, true
from sqlalchemy.orm import Session

from webapp.access import can_see, effective_role
from webapp.models import AssignmentKind, Distribution, OrgRole, Project, Task, TaskAssignment, User
from webapp.models._types import utcnow


class AssignmentError(ValueError):
    """A refused assignment; the message says why."""


@dataclass(frozen=True)
class Selection:
    """Label Studio's selectedItems: the listed tasks, or all but the excluded ones."""

    all: bool = False
    included: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)

    def where(self, project: Project) -> ColumnElement:
        cond = Task.project_id == project.id
        if self.all:
            return and_(cond, Task.id.not_in(self.excluded)) if self.excluded else cond
        return and_(cond, Task.id.in_(self.included))


def _check_users(session: Session, project: Project, user_ids: list[int], kind: AssignmentKind) -> None:
    wanted = (OrgRole.ANNOTATOR,) if kind is AssignmentKind.ANNOTATOR else (OrgRole.REVIEWER,)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    refused = [
        str(uid) for uid in user_ids
        if uid not in users
        or not can_see(session, users[uid], project)
        or effective_role(session, users[uid], project) not in wanted
    ]
    if refused:
        role = wanted[0].value
        raise AssignmentError(f"Not {role} members of this project: user(s) {', '.join(refused)}.")


def assign(
    session: Session, project: Project, selection: Selection, user_ids: list[int], kind: AssignmentKind
) -> int:
    """Assign every user to every selected task, skipping pairs that exist; commits."""
    if kind is AssignmentKind.ANNOTATOR and project.distribution is Distribution.AUTO:
        raise AssignmentError(
            "This project distributes tasks automatically; switch Distribute Labeling Tasks "
            "to Manual to assign annotators."
        )
    if not user_ids:
        raise AssignmentError("Choose at least one user.")
    _check_users(session, project, user_ids, kind)
    pairs = (
        select(Task.id, User.id, literal(kind, TaskAssignment.kind.type), literal(utcnow()))
        .select_from(Task)
        .join(User, true())  # every selected task with every chosen user
        .where(selection.where(project), User.id.in_(user_ids))
        .where(~exists().where(
            TaskAssignment.task_id == Task.id, TaskAssignment.user_id == User.id, TaskAssignment.kind == kind
        ))
    )
    # RETURNING counts the new rows on both stores (psycopg reports no rowcount here).
    created = session.scalars(
        insert(TaskAssignment)
        .from_select(["task_id", "user_id", "kind", "created_at"], pairs)
        .returning(TaskAssignment.id)
    ).all()
    session.commit()
    return len(created)


def unassign(
    session: Session, project: Project, selection: Selection, user_ids: list[int] | None, kind: AssignmentKind
) -> int:
    """Remove the users (all users when None) from the selected tasks; commits."""
    stmt = delete(TaskAssignment).where(
        TaskAssignment.kind == kind,
        TaskAssignment.task_id.in_(select(Task.id).where(selection.where(project))),
    )
    if user_ids:
        stmt = stmt.where(TaskAssignment.user_id.in_(user_ids))
    result = session.execute(stmt)
    session.commit()
    return result.rowcount or 0
