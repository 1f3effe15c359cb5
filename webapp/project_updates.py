"""The one save path of every settings tab (SettingsForm.save) and PATCH
/api/projects/<id> (issue 3; issue 14 point 1).

``apply_settings`` handles the settings that are plain values; this adds the two that
need more (the workspace needs the session and the user, the proxy password the app's
QUORUM_ENCRYPTION_KEYS), records a PROJECT_UPDATED history row for whatever changed and
emits it through the event channels (webhooks listen there).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webapp.models import Project, User
from webapp.project_events import record_project_updated
from webapp.project_settings import apply_settings
from webapp.projects import ProjectError, resolve_workspace
from webapp.secret_box import SecretBox

WORKSPACE = "workspace"
PROXY_PASSWORD = "proxy_password"  # write-only: never in settings_json or a page


def update_settings(
    session: Session, project: Project, actor: User, changes: dict, *, box: SecretBox
) -> list[str]:
    """Validate and apply ``changes`` (API names), record the event; returns the changed
    names. On ProjectError nothing is recorded and the caller rolls back."""
    changes = dict(changes)
    workspace_id = changes.pop(WORKSPACE, None)
    password = changes.pop(PROXY_PASSWORD, None)
    changed = apply_settings(project, changes)
    if workspace_id is not None and _move(session, project, actor, workspace_id):
        changed.append(WORKSPACE)
    if password is not None and _set_proxy_password(project, password, box):
        changed.append(PROXY_PASSWORD)
    record_project_updated(session, project, actor, changed)
    return changed


def _move(session: Session, project: Project, actor: User, workspace_id: Any) -> bool:
    if isinstance(workspace_id, bool) or not isinstance(workspace_id, int):
        raise ProjectError(WORKSPACE, "'workspace' must be a workspace id.")
    if workspace_id == project.workspace_id:
        return False
    project.workspace_id = resolve_workspace(session, actor, workspace_id).id
    return True


def _set_proxy_password(project: Project, password: Any, box: SecretBox) -> bool:
    """An empty string clears the password; any other string replaces it."""
    if not isinstance(password, str):
        raise ProjectError(PROXY_PASSWORD, "'proxy_password' must be a string.")
    if not password and not project.proxy_password_encrypted:
        return False
    project.proxy_password_encrypted = box.encrypt(password) if password else ""
    return True


def proxy_credentials(project: Project, box: SecretBox) -> tuple[str, str] | None:
    """(user, password) for fetching protected task data, or None when none are set."""
    if not project.proxy_username and not project.proxy_password_encrypted:
        return None
    password = box.decrypt(project.proxy_password_encrypted) if project.proxy_password_encrypted else ""
    return project.proxy_username, password
