"""Settings section: Predictions (PRED-1, ML-6): prediction sets, delete, predict all tasks."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from webapp.extensions import db
from webapp.ml.errors import TrainingError
from webapp.ml.jobs import latest_job
from webapp.ml.live_source import version_of
from webapp.ml.predict import PREDICT_JOB, predict_tasks
from webapp.ml.predictions import delete_prediction_set, prediction_sets
from webapp.models.ml import BackgroundJob
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_predictions", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("predictions", "Predictions", "settings_predictions.page"))


def _render(project, status: int = 200, **context):
    return render_section(
        "predictions", "predictions.html", project, status, form=FlaskForm(),
        sets=prediction_sets(db.session, project.id), job=latest_job(db.session, project.id, PREDICT_JOB),
        **context,
    )


@bp.get("/predictions")
@login_required
def page(project_id: int):
    return _render(settings_project(project_id))


@bp.post("/predictions/delete")
@login_required
def delete(project_id: int):
    project = settings_project(project_id)
    form = FlaskForm()
    version = request.form.get("model_version")  # "" is the set imported without a version
    if not form.validate_on_submit() or version is None:
        return _render(project, 422, error="Choose a prediction set to delete.")
    gone = delete_prediction_set(db.session, project.id, version)
    if version_of(project.live_predictions_source) == version:
        project.live_predictions_source = ""  # the set no longer exists to pre-fill from
    db.session.commit()
    return _render(project, message=f"Deleted {gone} prediction(s) of {version}.")


@bp.post("/predictions/run")
@login_required
def run(project_id: int):
    """Batch predictions over every task with the built-in model (ML-6)."""
    project = settings_project(project_id)
    if not FlaskForm().validate_on_submit():
        return _render(project, 422, error="The form expired: reload the page.")
    try:
        predict_tasks(db.session, project, None)
    except TrainingError as exc:
        return _render(project, 422, error=str(exc))
    db.session.commit()
    return _render(project, message="Predictions queued: they run in the background.")


@bp.get("/predictions/jobs/<int:job_id>")
@login_required
def job_status(project_id: int, job_id: int):
    project = settings_project(project_id)
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.project_id != project.id:
        job = None
    return render_template("partials/job_progress.html", job=job,
                           poll_url=url_for(".job_status", project_id=project.id, job_id=job_id))
