"""Quality dashboard partial (QA-4..6): GET /projects/<id>/dashboard/quality, loaded by
the project dashboard through htmx. Managers; reviewers when the project shows them
agreement (REV-8)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from webapp.access import Action, authorize_project, effective_role
from webapp.extensions import db
from webapp.models import OrgRole, Project, User
from webapp.quality.dashboard import data_manager_links, low_agreement_tasks, summary
from webapp.quality.ground_truth import annotator_accuracy, model_accuracy

bp = Blueprint("quality", __name__)


def authorize_quality(session: Session, user: User, project_id: int) -> Project:
    project = authorize_project(session, user, project_id, Action.VIEW)
    role = effective_role(session, user, project)
    if role.can_manage or (role is OrgRole.REVIEWER and project.show_agreement_to_reviewers):
        return project
    raise Forbidden("Your role may not see agreement in this project.")


@bp.get("/projects/<int:project_id>/dashboard/quality")
@login_required
def dashboard(project_id: int):
    project = authorize_quality(db.session, current_user, project_id)
    data = summary(db.session, project)
    annotators = sorted({row["a"] for row in data["pairwise"]})
    return render_template(
        "quality/_dashboard.html",
        project=project,
        data=data,
        annotators=annotators,
        matrix={(row["a"], row["b"]): row for row in data["pairwise"]},
        annotator_accuracy=annotator_accuracy(db.session, project),
        model_accuracy=model_accuracy(db.session, project),
        low_tasks=low_agreement_tasks(db.session, project),
        dm_links=data_manager_links(project),
    )
