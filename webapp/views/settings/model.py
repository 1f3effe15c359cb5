"""Settings section: Model (ML-1..4, AL-1). Connections, training with progress, autolabeling."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from webapp.access import not_found
from webapp.extensions import db
from webapp.forms.settings_model import AutolabelForm, ModelConnectionForm, TrainOnSubmitForm
from webapp.ml import external, remote
from webapp.ml.autolabel import AUTOLABEL_JOB, audit_figures, settings_of
from webapp.ml.connections import check_and_apply
from webapp.ml.jobs import latest_job
from webapp.ml.live_source import model_id_of
from webapp.ml.predict import latest_version
from webapp.ml.remote import RemoteModelError
from webapp.ml.sources import source_version
from webapp.ml.stages import enqueue_autolabel
from webapp.ml.training import TRAIN_JOB, enqueue_training
from webapp.models.ml import MLModel, ModelKind, ModelVersion
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_model", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("model", "Model", "settings_model.page"))
bp.record_once(lambda state: remote.configure(state.app.config))  # outbound policy, secret keys


def _model_of(project, model_id: int) -> MLModel:
    model = db.session.get(MLModel, model_id)
    if model is None or model.project_id != project.id:
        raise not_found()  # one body for a missing id and another project's
    return model


def _render(project, status: int = 200, **context):
    models = db.session.scalars(select(MLModel).where(MLModel.project_id == project.id).order_by(MLModel.id)).all()
    settings = settings_of(db.session, project.id)
    context.setdefault("connect_form", ModelConnectionForm(formdata=None, title="Built-in model"))
    context.setdefault("train_form", TrainOnSubmitForm(project, formdata=None))
    context.setdefault("autolabel_form", AutolabelForm(formdata=None, obj=settings))
    return render_section(
        "model", "model.html", project, status, models=models,
        jobs={m.id: latest_job(db.session, project.id, TRAIN_JOB, model_id=m.id) for m in models},
        versions={m.id: latest_version(db.session, m.id) for m in models},
        **_autolabel_context(project), **context,
    )


def _autolabel_context(project) -> dict:
    return {"figures": audit_figures(db.session, project.id),
            "autolabel_job": latest_job(db.session, project.id, AUTOLABEL_JOB),
            "figures_url": url_for(".autolabel_figures", project_id=project.id)}


@bp.get("/model/autolabel/figures")
@login_required
def autolabel_figures(project_id: int):
    """The AL-1 figures partial; it polls itself while an autolabeling job runs."""
    project = settings_project(project_id)
    return render_template("partials/autolabel_figures.html", **_autolabel_context(project))


@bp.route("/model", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    """GET shows the tab; POST saves "Start model training on annotation submission" (ML-2)."""
    project = settings_project(project_id)
    form = TrainOnSubmitForm(project)
    return _render(project, train_form=form, saved=save_section(form))


@bp.post("/model/connections")
@login_required
def connect(project_id: int):
    project = settings_project(project_id)
    form = ModelConnectionForm()
    if not form.validate_on_submit():
        return _render(project, 422, connect_form=form, connect_open=True)
    model = MLModel(project_id=project.id)
    try:
        checked = check_and_apply(model, project, form.connection())
    except RemoteModelError as exc:
        return _render(project, 422, connect_form=form, connect_open=True, error=_not_saved(form, exc))
    db.session.add(model)
    db.session.commit()
    return _render(project, message=f"Model “{model.title}” added. {checked}".strip())


def _not_saved(form: ModelConnectionForm, error: RemoteModelError) -> str:
    return f"Not saved: {error}" if form.url.data in str(error) else f"Not saved: {form.url.data}: {error}"


@bp.route("/model/connections/<int:model_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, model_id: int):
    project = settings_project(project_id)
    model = _model_of(project, model_id)
    # A POST is read from its form data only: a field it omits must not fall back to the
    # model's value (extra_params is a dict there, not the form's JSON text).
    form = ModelConnectionForm() if request.method == "POST" else ModelConnectionForm(formdata=None, obj=model)
    form.stored = model
    if request.method == "GET":
        form.fill_from(model)
        return _render(project, edit_form=form, editing=model)
    if not form.validate_on_submit():
        return _render(project, 422, edit_form=form, editing=model)
    try:
        checked = check_and_apply(model, project, form.connection())
    except RemoteModelError as exc:
        db.session.rollback()  # nothing half-stored: the stored connection stays as it was
        return _render(project, 422, edit_form=form, editing=model, error=_not_saved(form, exc))
    db.session.commit()
    return _render(project, message=f"Model “{model.title}” saved. {checked}".strip())


@bp.post("/model/connections/<int:model_id>/test")
@login_required
def test_request(project_id: int, model_id: int):
    """ML-3 "Send test request": the request sent and the answer, as JSON."""
    project = settings_project(project_id)
    model = _model_of(project, model_id)
    if not FlaskForm().validate_on_submit():
        abort(400, "The form expired: reload the page.")
    sent, answer = external.send_test_request(db.session, model, project)
    test = {"model": model, "sent": remote.pretty(sent), "failed": isinstance(answer, str),
            "answer": answer if isinstance(answer, str) else remote.pretty(answer)}
    if request.headers.get("HX-Request"):
        return render_template("settings/_model_test.html", **test)
    return _render(project, test=test)


@bp.post("/model/connections/<int:model_id>/delete")
@login_required
def delete(project_id: int, model_id: int):
    project = settings_project(project_id)
    model = _model_of(project, model_id)
    db.session.delete(model)
    if model_id_of(project.live_predictions_source) == model.id:
        project.live_predictions_source = ""  # a deleted model can no longer pre-fill
    db.session.commit()
    return _render(project, message=f"Model “{model.title}” deleted.")


@bp.post("/model/connections/<int:model_id>/train")
@login_required
def train(project_id: int, model_id: int):
    project = settings_project(project_id)
    model = _model_of(project, model_id)
    enqueue_training(db.session, model)
    db.session.commit()
    return _render(project, message=TRAIN_MESSAGES[model.kind])


TRAIN_MESSAGES = {
    ModelKind.BUILTIN: "Training queued: it runs in the background.",
    ModelKind.ML_BACKEND: "Training queued: the backend is sent START_TRAINING in the background and trains itself.",
    ModelKind.OPENAI_CHAT: "Evaluation queued: the chat model labels the ground-truth tasks in the background.",
}


@bp.get("/model/connections/<int:model_id>/status")
@login_required
def status(project_id: int, model_id: int):
    """The htmx progress partial; it polls itself while the job runs."""
    project = settings_project(project_id)
    model = _model_of(project, model_id)
    return render_template("settings/_job_status.html", project=project, model=model,
                           job=latest_job(db.session, project.id, TRAIN_JOB, model_id=model.id),
                           version=latest_version(db.session, model.id),
                           poll_url=url_for(".status", project_id=project.id, model_id=model.id))


@bp.post("/model/autolabel")
@login_required
def autolabel(project_id: int):
    project = settings_project(project_id)
    settings = settings_of(db.session, project.id)
    form = AutolabelForm()
    if not form.validate_on_submit():
        return _render(project, 422, autolabel_form=form)
    form.populate_obj(settings)
    for name in ("threshold", "audit_fraction", "accuracy_floor"):
        setattr(settings, name, float(getattr(form, name).data))
    message = "Autolabeling settings saved."
    version = source_version(db.session, project) or _newest_version(project.id)
    if settings.enabled and version:
        enqueue_autolabel(db.session, project.id, version)
        message += f" Autolabeling queued with {version}."
    db.session.commit()
    return _render(project, message=message)


def _newest_version(project_id: int) -> str | None:
    return db.session.scalar(
        select(ModelVersion.version).join(MLModel, MLModel.id == ModelVersion.model_id)
        .where(MLModel.project_id == project_id).order_by(ModelVersion.id.desc()).limit(1)
    )
