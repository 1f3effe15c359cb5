"""Upload tasks into a project (DM-2): all-or-nothing, bulk."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.access import Action, authorize_project
from webapp.extensions import db
from webapp.forms.projects import ImportForm
from webapp.io import TaskImportError, import_tasks
from webapp.request_limits import large_body

bp = Blueprint("imports", __name__)


@bp.route("/projects/<int:project_id>/import", methods=["GET", "POST"])
@large_body
@login_required
def upload(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    form = ImportForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            result = import_tasks(db.session, project, current_user, upload_file.filename, upload_file.stream)
        except TaskImportError as exc:
            db.session.rollback()
            form.file.errors.append(f"Nothing was imported. {exc.message}")
        else:
            flash(
                f"Imported {result.task_count} tasks, {result.annotation_count} annotations "
                f"and {result.prediction_count} predictions in {result.seconds:.1f} s.",
                "success",
            )
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("io/import.html", project=project, form=form)
