"""Who sees which tasks and columns of the Data Manager (OPT-3, REV-6, REV-8).

Whether a role may open the Data Manager at all is access.Action.VIEW_DATA_MANAGER;
this module decides, for a user who may, the task scope and the columns. Both the page
and the API go through `viewer_for`, so a withheld column is never computed, rendered
or serialised.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from webapp.access import effective_role, tasks_filter
from webapp.data_manager.columns import BY_KEY, WITH_AGREEMENT, WITHHOLDABLE
from webapp.models import (
    Annotation,
    Distribution,
    Draft,
    OrgRole,
    Project,
    Task,
    User,
)


@dataclass(frozen=True)
class Viewer:
    user_id: int
    role: OrgRole
    columns: frozenset[str]  # the columns this viewer may see
    scope: ColumnElement | None  # extra WHERE on Task; None: every task of the project

    @property
    def sees_all_annotations(self) -> bool:
        """Annotators see their own annotations only: others' would name the annotators."""
        return self.role is not OrgRole.ANNOTATOR


def withheld_columns(project: Project, role: OrgRole) -> frozenset[str]:
    if role.can_manage:
        return frozenset()
    if role is OrgRole.ANNOTATOR:
        return WITHHOLDABLE  # OPT-3
    withheld = {"reviewers"}  # REV-6: no other reviewers
    if not project.show_agreement_to_reviewers:
        withheld |= WITH_AGREEMENT  # REV-8
    return frozenset(withheld)


def task_scope(project: Project, role: OrgRole, user_id: int) -> ColumnElement | None:
    """The tasks access.py lets this viewer see, narrowed for annotators in Auto mode to
    the tasks they completed or drafted (OPT-3): the table is their work, not the queue."""
    if role is OrgRole.ANNOTATOR and project.distribution is Distribution.AUTO:
        completed = select(Annotation.task_id).where(
            Annotation.completed_by_id == user_id,
            Annotation.project_id == project.id,
            Annotation.was_cancelled.is_(False),
        )
        drafted = select(Draft.task_id).where(Draft.user_id == user_id)
        return or_(Task.id.in_(completed), Task.id.in_(drafted))
    return tasks_filter(project, role, user_id)


def viewer_for(session: Session, user: User, project: Project) -> Viewer:
    role = effective_role(session, user, project)
    columns = frozenset(BY_KEY) - withheld_columns(project, role)
    return Viewer(user.id, role, columns, task_scope(project, role, user.id))
