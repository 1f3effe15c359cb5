"""Settings section: Members (MEM-1..3)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from webapp import members as domain
from webapp.extensions import db
from webapp.forms.settings_members import AddMemberForm, RemoveForm, RoleForm, UserSearchForm
from webapp.projects import ProjectError
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_members", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("members", "Members", "settings_members.page"))


def _render(project, notice: str | None = None, error: str | None = None):
    return render_section(
        "members", "members.html", project, members=domain.members(db.session, project),
        role_form=RoleForm(), search_form=UserSearchForm(), notice=notice, error=error,
    )


def _change(project, form, change, notice: str):
    """Validate the form, make one domain change, answer the section with its outcome."""
    if not form.validate_on_submit():
        return _render(project, error=" ".join(e for errs in form.errors.values() for e in errs))
    try:
        change()
    except ProjectError as exc:
        db.session.rollback()
        return _render(project, error=exc.message)
    db.session.commit()
    return _render(project, notice=notice)


@bp.get("/members")
@login_required
def page(project_id: int):
    return _render(settings_project(project_id))


@bp.post("/members")
@login_required
def add(project_id: int):
    project = settings_project(project_id)
    form = AddMemberForm()
    return _change(project, form, lambda: domain.add_member(db.session, project, form.user.data), "Member added.")


@bp.post("/members/<int:user_id>/role")
@login_required
def role(project_id: int, user_id: int):
    project = settings_project(project_id)
    form = RoleForm()
    return _change(project, form, lambda: domain.set_role(db.session, project, user_id, form.role.data), "Saved")


@bp.post("/members/<int:user_id>/remove")
@login_required
def remove(project_id: int, user_id: int):
    project = settings_project(project_id)
    return _change(project, RemoveForm(), lambda: domain.remove_member(db.session, project, user_id), "Member removed.")


@bp.get("/members/search")
@login_required
def search(project_id: int):
    """Organisation users matching the search box, for the htmx results list."""
    project = settings_project(project_id)
    form = UserSearchForm()
    users = domain.search_users(db.session, project.organization_id, form.q.data or "")
    listed = {m.user.id for m in domain.members(db.session, project)}
    return render_template("settings/_members_search.html", project=project, users=users, listed=listed)
