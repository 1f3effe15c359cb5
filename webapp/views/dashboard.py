"""Project dashboard (DASH-1): progress, tasks by state, per-annotator work."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from webapp.access import Action, authorize_project, effective_role
from webapp.dashboard import annotator_table, progress, task_states
from webapp.extensions import db
from webapp.ml.autolabel import autolabel_summary
from webapp.models import OrgRole

bp = Blueprint("dashboard", __name__)


@bp.get("/projects/<int:project_id>/dashboard")
@login_required
def page(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW)
    # Annotators see their own row only, as they see no Annotators column (OPT-3).
    own = effective_role(db.session, current_user, project) is OrgRole.ANNOTATOR
    return render_template(
        "dashboard/page.html",
        project=project,
        progress=progress(db.session, project),
        states=task_states(db.session, project),
        annotators=annotator_table(db.session, project, only_user_id=current_user.id if own else None),
        autolabel=None if own else autolabel_summary(db.session, project.id),
    )
