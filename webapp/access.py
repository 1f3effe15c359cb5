"""The one place that decides who may see or do what (MEM-1, MEM-2, OPT-3, REV-6).

Every route asks here: a project the user cannot see answers 404, an action the user's
role may not take answers 403.
"""
from __future__ import annotations

from enum import Enum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, NotFound

from webapp.models import (
    Annotation,
    AssignmentKind,
    Distribution,
    OrgRole,
    Project,
    ProjectMember,
    ProjectRole,
    Task,
    TaskAssignment,
    User,
    Workspace,
    WorkspaceMember,
)


class Action(str, Enum):
    VIEW = "view"
    ANNOTATE = "annotate"
    REVIEW = "review"
    MANAGE = "manage"  # settings, import, delete, assign
    EXPORT = "export"
    VIEW_DATA_MANAGER = "view_data_manager"


def effective_role(session: Session, user: User, project: Project) -> OrgRole:
    """Org role, overridden per project for Annotator/Reviewer users only (MEM-1)."""
    if user.org_role not in (OrgRole.ANNOTATOR, OrgRole.REVIEWER):
        return user.org_role
    override = session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == user.id
        )
    )
    if override is ProjectRole.REVIEWER:
        return OrgRole.REVIEWER
    if override is ProjectRole.ANNOTATOR:
        return OrgRole.ANNOTATOR
    return user.org_role


def visible_projects_filter(user: User):
    """A WHERE clause for the projects this user can see (GEN-2, MEM-2).

    Administrators see every shared project; everyone sees their own Sandbox, the
    projects they were added to, and those of the workspaces they belong to.
    """
    member = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    own_or_member = or_(Workspace.sandbox_owner_id == user.id, Project.id.in_(member))
    shared = Workspace.sandbox_owner_id.is_(None)
    if user.org_role.is_admin:
        reachable = or_(own_or_member, shared)
    else:
        ws_member = select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user.id)
        reachable = or_(own_or_member, shared & Project.workspace_id.in_(ws_member))
    return (Project.organization_id == user.organization_id) & reachable


def visible_projects(user: User):
    """A select() of the projects the user can see, newest first."""
    return (
        select(Project)
        .join(Workspace, Workspace.id == Project.workspace_id)
        .where(visible_projects_filter(user))
        .order_by(Project.id.desc())
    )


def can_see(session: Session, user: User, project: Project) -> bool:
    stmt = (
        select(Project.id)
        .join(Workspace, Workspace.id == Project.workspace_id)
        .where(Project.id == project.id, visible_projects_filter(user))
    )
    return session.scalar(stmt) is not None


def may(session: Session, user: User, project: Project, action: Action) -> bool:
    """Whether a user who can see the project may take the action."""
    role = effective_role(session, user, project)
    if role.can_manage:
        return True
    if action is Action.VIEW:
        return True
    if action is Action.ANNOTATE:
        return role is OrgRole.ANNOTATOR
    if action is Action.REVIEW:
        return role is OrgRole.REVIEWER
    if action is Action.VIEW_DATA_MANAGER:
        if role is OrgRole.ANNOTATOR:
            return project.show_data_manager_to_annotators
        return project.show_data_manager_to_reviewers
    return False


def authorize_project(session: Session, user: User, project_id: int, action: Action) -> Project:
    """Load a project for an action: 404 if invisible, 403 if not allowed."""
    project = session.get(Project, project_id)
    if project is None or not can_see(session, user, project):
        raise NotFound(f"Project {project_id} not found.")
    if not may(session, user, project, action):
        raise Forbidden(f"Your role may not {action.value.replace('_', ' ')} in this project.")
    return project


def authorize_task(session: Session, user: User, task_id: int, action: Action) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"Task {task_id} not found.")
    authorize_project(session, user, task.project_id, action)
    return task


def authorize_labeling(session: Session, user: User, project_id: int, task_id: int) -> Task:
    """A task of the project that the user may label: the project's ANNOTATE action, and in
    Manual distribution an annotator only on tasks assigned to them (ANN-2)."""
    project = authorize_project(session, user, project_id, Action.ANNOTATE)
    task = session.get(Task, task_id)
    if task is None or task.project_id != project.id:
        raise NotFound(f"Task {task_id} not found in this project.")
    if project.distribution is Distribution.MANUAL and not effective_role(session, user, project).can_manage:
        assigned = select(TaskAssignment.id).where(
            TaskAssignment.task_id == task.id, TaskAssignment.user_id == user.id,
            TaskAssignment.kind == AssignmentKind.ANNOTATOR,
        )
        if session.scalar(assigned) is None:
            raise Forbidden("This task is not assigned to you.")
    return task


def authorize_annotation(
    session: Session, user: User, annotation_id: int, action: Action
) -> Annotation:
    """Annotators may change only their own annotations; managers any."""
    annotation = session.get(Annotation, annotation_id)
    if annotation is None:
        raise NotFound(f"Annotation {annotation_id} not found.")
    project = authorize_project(session, user, annotation.project_id, action)
    own = annotation.completed_by_id == user.id
    if not own and not effective_role(session, user, project).can_manage:
        raise Forbidden("You may change only your own annotations.")
    return annotation


def require_org_role(user: User, *roles: OrgRole) -> None:
    if user.org_role not in roles:
        raise Forbidden("Your role may not do this.")


def may_create_projects(user: User) -> bool:
    return user.org_role.can_manage


def authorize_project_object(session: Session, user: User, model, object_id: int, action: Action):
    """Load a row that belongs to a project (a webhook, a model connection...) for an
    action: 404 if it does not exist or its project is invisible, 403 if not allowed."""
    row = session.get(model, object_id)
    if row is None:
        raise NotFound(f"{model.__name__} {object_id} not found.")
    authorize_project(session, user, row.project_id, action)
    return row
