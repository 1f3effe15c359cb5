"""Review stream page (REV-1..3, REV-7, REV-8): the next task to review with every
annotation side by side. The page's actions post to the review API (webapp/views/api/
reviews.py) from static/js/review.js, then reload the fragment."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_annotation, authorize_project, may
from webapp.extensions import db
from webapp.io.storage.presign import storage_links
from webapp.labeling import parse_config
from webapp.models import Project
from webapp.review import ReviewError, mark_ground_truth, next_review, reject_actions

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
    return _render(project)


def _render(project: Project, error: str | None = None):
    context = {
        "project": project,
        "view": next_review(db.session, project, current_user),
        "config": parse_config(project.label_config),
        "reject_actions": [a.value for a in reject_actions(project)],
        # REV-8: managers always see agreement, reviewers only when the project allows it.
        "show_agreement": project.show_agreement_to_reviewers
        or may(db.session, current_user, project, Action.MANAGE),
        "error": error,
    }
    if context["view"] is not None:
        task = context["view"].task
        context["storage_links"] = storage_links(db.session, project, task.data, task.id)
    template = "review/_task.html" if request.htmx else "review/stream.html"
    return render_template(template, **context)


@bp.post("/projects/<int:project_id>/review/annotations/<int:annotation_id>/ground-truth")
@login_required
def ground_truth(project_id: int, annotation_id: int):
    """Mark (value=1) or unmark (value=0) an annotation as its task's ground truth (QA-6),
    then show the review step again (the fragment for htmx)."""
    annotation = authorize_annotation(db.session, current_user, annotation_id, Action.REVIEW, project_id)
    project = db.session.get(Project, project_id)
    try:
        mark_ground_truth(db.session, project.id, annotation.id, current_user, request.form.get("value") == "1")
    except ReviewError as exc:
        db.session.rollback()
        if not request.htmx:
            raise BadRequest(str(exc)) from exc
        return _render(project, str(exc))  # htmx swaps only 2xx answers: the message shows in the step
    if request.htmx:
        return _render(project)
    return redirect(url_for("review.stream", project_id=project.id))
