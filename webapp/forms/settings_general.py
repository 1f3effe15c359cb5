"""Settings forms: the shared base, and the General section's form (GEN-1).

The forms only collect values under their API names; validation is the domain's
(``webapp.project_updates``), so a form and PATCH /api/projects/<id> answer with the
same message.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import BooleanField, ColorField, PasswordField, SelectField, StringField, TextAreaField

from webapp.accounts import sandbox_of, shared_workspaces
from webapp.models import Project, User
from webapp.project_updates import PROXY_PASSWORD, update_settings
from webapp.projects import ProjectError
from webapp.secret_box import SecretBox


class SettingsForm(FlaskForm):
    """A settings section's form; subclasses say which API changes they make."""

    def changes(self) -> dict:
        raise NotImplementedError

    def save(self, session: Session, project: Project, actor: User, box: SecretBox) -> bool:
        """On a valid submit, apply the changes and commit; False (errors shown) otherwise."""
        if not self.validate_on_submit():
            return False
        try:
            update_settings(session, project, actor, self.changes(), box=box)
        except ProjectError as exc:
            session.rollback()
            self.add_domain_error(exc)
            return False
        session.commit()
        return True

    def add_domain_error(self, exc: ProjectError) -> None:
        """Show the domain's message on the field it names (API name = field name)."""
        field = self._fields.get(exc.field)
        if field is None:
            self.form_errors.append(exc.message)
        else:
            field.errors = [*field.errors, exc.message]


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
