"""The General section's form (GEN-1, GEN-2).

It only collects values under their API names; validation is the domain's
(``webapp.project_updates``), so the form and PATCH /api/projects/<id> answer with the
same message.
"""
from __future__ import annotations

from sqlalchemy.orm import Session
from wtforms import BooleanField, ColorField, PasswordField, SelectField, StringField, TextAreaField

from webapp.accounts import sandbox_of, shared_workspaces
from webapp.forms.settings_shared import SettingsForm
from webapp.models import Project, User
from webapp.project_updates import PROXY_PASSWORD


class GeneralForm(SettingsForm):
    workspace = SelectField("Workspace", coerce=int)
    title = StringField("Project name")
    description = TextAreaField("Description")
    color = ColorField("Colour")
    proxy_username = StringField("Proxy user")
    # Never rendered back (PasswordField drops its value): blank keeps the saved one.
    proxy_password = PasswordField("Proxy password")
    clear_proxy_password = BooleanField("Clear the saved password")

    def set_workspace_choices(self, session: Session, user: User, project: Project) -> None:
        """The org's shared workspaces and the user's own Sandbox (GEN-2), plus the
        current one, which may be another user's Sandbox the user is a member of."""
        sandbox = sandbox_of(session, user)
        choices = [(sandbox.id, "Sandbox (only you)")]
        choices += [(ws.id, ws.title) for ws in shared_workspaces(session, user.organization_id)]
        if project.workspace_id not in {ws_id for ws_id, _ in choices}:
            choices.insert(0, (project.workspace_id, project.workspace.title))
        self.workspace.choices = choices

    def changes(self) -> dict:
        values = {
            "workspace": self.workspace.data,
            "title": self.title.data or "",
            "description": self.description.data or "",
            "color": self.color.data or "",
            "proxy_username": self.proxy_username.data or "",
        }
        if self.clear_proxy_password.data:
            values[PROXY_PASSWORD] = ""
        elif self.proxy_password.data:
            values[PROXY_PASSWORD] = self.proxy_password.data
        return values
