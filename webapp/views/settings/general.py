"""Settings section: General (GEN-1, GEN-2), with the project's change history."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from webapp.extensions import db
from webapp.forms.settings_general import GeneralForm
from webapp.project_events import project_history
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_general", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("general", "General", "settings_general.page"))


@bp.route("/general", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    form = GeneralForm(project, workspace=project.workspace_id)
    form.set_workspace_choices(db.session, current_user, project)
    saved = save_section(form)
    return render_section(
        "general", "general.html", project,
        form=form, saved=saved, history=project_history(db.session, project),
    )
