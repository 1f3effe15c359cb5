"""Review stream page (REV-1..3, REV-7, REV-8): the next task to review with every
annotation side by side. The page's actions post to the review API (webapp/views/api/
reviews.py) from static/js/review.js, then reload the fragment."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from webapp.access import Action, authorize_project, may
from webapp.extensions import db
from webapp.labeling import parse_config
from webapp.models import Project
from webapp.review import next_review, reject_actions

bp = Blueprint("review", __name__)


@bp.app_template_global()
def can_review(project: Project) -> bool:
    """For the project page's Review button."""
    return current_user.is_authenticated and may(db.session, current_user, project, Action.REVIEW)


@bp.get("/projects/<int:project_id>/review")
@login_required
def stream(project_id: int):
    """The next task to review; htmx/fetch callers get the fragment."""
    project = authorize_project(db.session, current_user, project_id, Action.REVIEW)
    context = {
        "project": project,
        "view": next_review(db.session, project, current_user),
        "config": parse_config(project.label_config),
        "reject_actions": [a.value for a in reject_actions(project)],
        # REV-8: managers always see agreement, reviewers only when the project allows it.
        "show_agreement": project.show_agreement_to_reviewers
        or may(db.session, current_user, project, Action.MANAGE),
    }
    template = "review/_task.html" if request.htmx else "review/stream.html"
    return render_template(template, **context)
