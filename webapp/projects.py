"""Creating, changing and deleting projects; the rules behind GEN-1 and LBL-2."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.accounts import sandbox_of
from webapp.hooks import TasksChange, TasksEvent, tasks_changed
from webapp.input_limits import control_characters
from webapp.labeling import ConfigError, parse_config
from webapp.labeling.templates import NLP_TEMPLATES
from webapp.models import Project, ProjectMember, Task, User, Workspace
from webapp.models.project import DEFAULT_COLOR

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_TITLE = 200


class ProjectError(ValueError):
    """A refused project change; `field` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def plain_text(field: str, value: object, label: str = "") -> str:
    """A text value from a form or a JSON body: a string (None is empty) that any database
    stores, so no NUL, control character or lone surrogate (issue 13 point 6)."""
    label = label or f"'{field}'"
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProjectError(field, f"{label} must be a string.")
    if problem := control_characters(value):
        raise ProjectError(field, f"{label} {problem}.")
    return value


def validate_title(title: object) -> str:
    title = plain_text("title", title, "The project name").strip()
    if not 1 <= len(title) <= MAX_TITLE:
        raise ProjectError("title", f"The project name must have 1 to {MAX_TITLE} characters.")
    return title


def validate_color(color: object) -> str:
    color = plain_text("color", color).strip() or DEFAULT_COLOR
    if not COLOR_RE.match(color):
        raise ProjectError("color", f"Colour '{color}' is not of the form #rrggbb.")
    return color.lower()


def validate_label_config(xml: object) -> str:
    xml = plain_text("label_config", xml, "The labeling config")
    try:
        parse_config(xml)
    except ConfigError as exc:
        raise ProjectError("label_config", str(exc)) from exc
    return xml


def resolve_workspace(session: Session, user: User, workspace_id: int | None) -> Workspace:
    if workspace_id is None:
        return sandbox_of(session, user)
    ws = session.get(Workspace, workspace_id)
    if ws is None or ws.organization_id != user.organization_id or (
        ws.is_sandbox and ws.sandbox_owner_id != user.id
    ):
        raise ProjectError("workspace", f"Workspace {workspace_id} does not exist.")
    return ws


@dataclass
class NewProject:
    title: str
    label_config: str = ""
    template: str | None = None
    description: str = ""
    color: str = DEFAULT_COLOR
    workspace_id: int | None = None


def create_project(session: Session, user: User, new: NewProject) -> Project:
    config = plain_text("label_config", new.label_config, "The labeling config")
    if not config and new.template:
        plain_text("template", new.template)
        if new.template not in NLP_TEMPLATES:
            raise ProjectError("template", f"Unknown template '{new.template}'.")
        config = NLP_TEMPLATES[new.template].xml
    if not config:
        raise ProjectError("label_config", "Choose a template or give a labeling config.")
    project = Project(
        organization_id=user.organization_id,
        workspace_id=resolve_workspace(session, user, new.workspace_id).id,
        created_by_id=user.id,
        title=validate_title(new.title),
        description=plain_text("description", new.description),
        color=validate_color(new.color),
        label_config=validate_label_config(config),
    )
    session.add(project)
    session.flush()
    session.add(ProjectMember(project_id=project.id, user_id=user.id))
    return project


def delete_project(session: Session, project: Project, actor_id: int | None = None) -> None:
    """Remove the project with all its tasks, annotations and data (DZ-3)."""
    task_ids = tuple(session.scalars(select(Task.id).where(Task.project_id == project.id)))
    tasks_changed(session, TasksEvent(TasksChange.DELETED, project, task_ids, actor_id))
    session.execute(delete(Task).where(Task.project_id == project.id))
    session.delete(project)


@dataclass(frozen=True)
class ProjectCounts:
    tasks: int
    labeled: int
    annotations: int


def project_counts(session: Session, project_ids: list[int]) -> dict[int, ProjectCounts]:
    """Counts for the project list from the projects' counters (webapp/queue/counters.py)."""
    if not project_ids:
        return {}
    rows = session.execute(
        select(Project.id, Project.task_count, Project.finished_task_count, Project.annotation_count)
        .where(Project.id.in_(project_ids))
    )
    return {pid: ProjectCounts(tasks, labeled, annotations) for pid, tasks, labeled, annotations in rows}
