"""My work: an annotator's submitted, skipped, drafted and requeued-for-fix annotations,
keyset-paged; a requeued one links to the stream, where it comes back first (REV-3)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project
from webapp.extensions import db
from webapp.review.my_work import WorkFilter, my_work

bp = Blueprint("my_work", __name__)


@bp.get("/projects/<int:project_id>/my-work")
@login_required
def page(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.ANNOTATE)
    try:
        kind = WorkFilter(request.args.get("show", WorkFilter.ALL.value))
    except ValueError:
        raise BadRequest("'show' must be one of: " + ", ".join(f.value for f in WorkFilter)) from None
    before = request.args.get("before", type=int)
    work = my_work(db.session, project.id, current_user.id, kind, before)
    return render_template("my_work/page.html", project=project, work=work, kind=kind, filters=list(WorkFilter))
