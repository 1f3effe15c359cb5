"""The one place that decides who may see or do what (MEM-1, MEM-2, ANN-2, OPT-3, REV-4, REV-6).

Every route asks here, for projects, tasks and annotations alike: a row the user cannot
see answers the same 404 as a missing one ("Not found.", so no answer tells them apart),
an action the user's role may not take answers 403.
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


NOT_FOUND = "Not found."


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


def not_found() -> NotFound:
    """The one answer for a row that does not exist and for one the user may not see, so
    that no status code or message tells them apart (no existence oracle)."""
    return NotFound(NOT_FOUND)


def authorize_project(session: Session, user: User, project_id: int, action: Action) -> Project:
    """Load a project for an action: 404 if invisible, 403 if not allowed."""
    project = session.get(Project, project_id)
    if project is None or not can_see(session, user, project):
        raise not_found()
    if not may(session, user, project, action):
        raise Forbidden(f"Your role may not {action.value.replace('_', ' ')} in this project.")
    return project


# Tasks and annotations.
#
# Which tasks a user sees inside a visible project, as Label Studio Enterprise decides it:
# - managers (owner, administrator, manager) see every task;
# - annotators in Manual distribution see and label only the tasks assigned to them
#   (ANN-2, OPT-3); what they did on a task since unassigned stays in My work;
# - annotators in Auto distribution may label any task of the project: the label stream
#   chooses what to offer, but Label Studio lets an annotator open a task of their
#   project by id and submit it (the annotation counts against the overlap, ANN-5), so
#   every task of the project is one they may label and therefore read;
# - reviewers see every task, or with "review only manually assigned tasks" (REV-4) only
#   the tasks assigned to them for review.
# An annotator sees only their own annotations; reviewers and managers every annotation
# of a task they see. Whatever a user may not see answers the same 404 as a missing id.


def _assigned(user_id: int, kind: AssignmentKind):
    return Task.id.in_(
        select(TaskAssignment.task_id).where(TaskAssignment.user_id == user_id, TaskAssignment.kind == kind)
    )


def tasks_filter(project: Project, role: OrgRole, user_id: int):
    """A WHERE clause on Task for the project's tasks a user with this effective role may
    see; None for all of them."""
    if role is OrgRole.ANNOTATOR and project.distribution is Distribution.MANUAL:
        return _assigned(user_id, AssignmentKind.ANNOTATOR)  # ANN-2
    if role is OrgRole.REVIEWER and project.review_only_assigned:
        return _assigned(user_id, AssignmentKind.REVIEWER)  # REV-4
    return None


def visible_tasks_filter(session: Session, user: User, project: Project):
    return tasks_filter(project, effective_role(session, user, project), user.id)


def _task_matches(session: Session, task: Task, clause) -> bool:
    return clause is None or session.scalar(select(Task.id).where(Task.id == task.id, clause)) is not None


def authorize_task(
    session: Session, user: User, task_id: int, action: Action, project_id: int | None = None
) -> Task:
    """Load a task for an action. 404 (one body) if it does not exist, is not in
    `project_id` when given, or the user may not see it; 403 if their role may not take
    the action. A task an annotator may see is one they may label, and the reverse."""
    task = session.get(Task, task_id)
    if task is None or project_id not in (None, task.project_id):
        raise not_found()
    project = session.get(Project, task.project_id)
    if not can_see(session, user, project):
        raise not_found()
    if not _task_matches(session, task, visible_tasks_filter(session, user, project)):
        raise not_found()
    if not may(session, user, project, action):
        raise Forbidden(f"Your role may not {action.value.replace('_', ' ')} in this project.")
    return task


def authorize_labeling(session: Session, user: User, project_id: int, task_id: int) -> Task:
    """A task of the project that the user may label now: the label stream's submit,
    skip, draft and suggest routes and the annotations API ask here."""
    return authorize_task(session, user, task_id, Action.ANNOTATE, project_id=project_id)


def authorize_annotation(
    session: Session, user: User, annotation_id: int, action: Action, project_id: int | None = None
) -> Annotation:
    """Load an annotation for an action: VIEW reads it, REVIEW reviews it, ANNOTATE
    changes or deletes it. Others' annotations are invisible to annotators (404); a
    reviewer sees them but changes none (403); managers change any."""
    annotation = session.get(Annotation, annotation_id)
    if annotation is None or project_id not in (None, annotation.project_id):
        raise not_found()
    task = authorize_task(session, user, annotation.task_id, Action.VIEW)  # 404 before any 403
    project = session.get(Project, task.project_id)
    if annotation.completed_by_id != user.id and effective_role(session, user, project) is OrgRole.ANNOTATOR:
        raise not_found()
    if action is not Action.VIEW:  # ANNOTATE: annotators (own work) and managers only
        authorize_task(session, user, task.id, action)
    return annotation


def authorize_ground_truth(session: Session, user: User, project: Project) -> None:
    """QA-6, REV-4, DM-1: ground truth is set by managers (API, Data Manager) and by
    reviewers in the review stream, never by an annotator on their own work."""
    if not may(session, user, project, Action.MANAGE):
        raise Forbidden(
            "Only managers may mark or unmark ground truth here; reviewers do it in the review stream."
        )


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
        raise not_found()
    authorize_project(session, user, row.project_id, action)
    return row
