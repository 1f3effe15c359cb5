"""ML API (Label Studio's /api/ml paths): model connections (ML-1), test request (ML-3),
training, batch predictions, and background job progress. Secrets are write-only."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project, authorize_project_object
from webapp.extensions import db
from webapp.ml.connections import Connection, check_and_apply, connection_problems
from webapp.ml.external import send_test_request
from webapp.ml.predict import predict_tasks
from webapp.ml.remote import RemoteModelError
from webapp.ml.errors import TrainingError
from webapp.ml.training import enqueue_training
from webapp.models import Project
from webapp.models.ml import BackgroundJob, MLModel, ModelKind
from webapp.views.api import json_body, managed_project_in_query, route


def model_json(model: MLModel) -> dict:
    return {"id": model.id, "project": model.project_id, "kind": model.kind.value, "title": model.title,
            "url": model.url, "auth_method": model.auth_method, "basic_auth_user": model.basic_auth_user,
            "extra_params": model.extra_params,
            "interactive_preannotations": model.interactive_preannotations, "is_active": model.is_active,
            "created_at": model.created_at.isoformat(),
            # Label Studio's names for the same (its SDK reads these).
            "is_interactive": model.interactive_preannotations, "state": "CO" if model.is_active else "DI"}


def _body() -> dict:
    """The request's fields, Label Studio's `is_interactive` read as ours."""
    body = dict(json_body(optional=True))
    if "is_interactive" in body:
        body["interactive_preannotations"] = body.pop("is_interactive")
    return body


def job_json(job: BackgroundJob) -> dict:
    return {"id": job.id, "project": job.project_id, "kind": job.kind, "status": job.status.value,
            "progress": job.progress, "total": job.total, "message": job.message,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def _model(model_id: int) -> MLModel:
    return authorize_project_object(db.session, current_user, MLModel, model_id, Action.MANAGE)


@route("/ml", methods=["GET"])
def list_models():
    project = managed_project_in_query("/api/ml")
    models = db.session.scalars(select(MLModel).where(MLModel.project_id == project.id).order_by(MLModel.id))
    return [model_json(m) for m in models]


@route("/ml", methods=["POST"])
def create_model():
    """ML-1: {"project", "kind", "title", "url", "auth_method", "basic_auth_user",
    "auth_secret", "extra_params", "interactive_preannotations"}; an external model is
    saved only when it answers its health check (and /setup)."""
    body = _body()
    if not isinstance(body.get("project"), int):
        raise BadRequest("'project' (the project id) is required.")
    project = authorize_project(db.session, current_user, body["project"], Action.MANAGE)
    model = MLModel(project_id=project.id)
    _save(model, project, _connection(body, model), stored=None)
    db.session.add(model)
    db.session.commit()
    return model_json(model), 201


@route("/ml/<int:model_id>", methods=["PATCH"])
def update_model(model_id: int):
    model = _model(model_id)
    body = {**model_json(model), **_body()}
    _save(model, db.session.get(Project, model.project_id), _connection(body, model), stored=model)
    db.session.commit()
    return model_json(model)


def _default_kind(body: dict) -> ModelKind:
    """Label Studio's SDK sends no `kind` (issue 16 point 6): a URL names an ML backend."""
    return ModelKind.ML_BACKEND if str(body.get("url") or "").strip() else ModelKind.BUILTIN


def _connection(body: dict, model: MLModel) -> Connection:
    try:
        kind = ModelKind(body.get("kind") or _default_kind(body).value)
    except ValueError:
        raise BadRequest(f"'kind' is one of {', '.join(k.value for k in ModelKind)}.") from None
    if not isinstance(body.get("extra_params", {}), dict):
        raise BadRequest("'extra_params' must be a JSON object.")
    return Connection(kind=kind, title=str(body.get("title") or model.title or "Built-in model")[:200],
                      url=str(body.get("url") or "").strip(), auth_method=str(body.get("auth_method") or "none"),
                      basic_auth_user=str(body.get("basic_auth_user") or ""),
                      secret=str(body.get("auth_secret") or ""), extra_params=body.get("extra_params") or {},
                      interactive_preannotations=bool(body.get("interactive_preannotations", False)),
                      is_active=bool(body.get("is_active", True)))


def _save(model: MLModel, project: Project, connection: Connection, stored: MLModel | None) -> None:
    problems = connection_problems(connection, stored)
    if problems:
        raise BadRequest(" ".join(problems.values()))
    try:
        check_and_apply(model, project, connection)
    except RemoteModelError as exc:
        db.session.rollback()
        raise BadRequest(f"Not saved: {exc}") from None


@route("/ml/<int:model_id>/predict/test", methods=["POST"])
def test_model(model_id: int):
    """ML-3: {"request": what was sent, "response": the answer} or {"request", "error"}."""
    model = _model(model_id)
    sent, answer = send_test_request(db.session, model, db.session.get(Project, model.project_id))
    return {"request": sent, "error": answer} if isinstance(answer, str) else {"request": sent, "response": answer}


@route("/ml/<int:model_id>", methods=["GET"])
def get_model(model_id: int):
    return model_json(_model(model_id))


@route("/ml/<int:model_id>", methods=["DELETE"])
def delete_model(model_id: int):
    db.session.delete(_model(model_id))
    db.session.commit()
    return "", 204


@route("/ml/<int:model_id>/train", methods=["POST"])
def train_model(model_id: int):
    job = enqueue_training(db.session, _model(model_id))
    db.session.commit()
    return job_json(job), 202


@route("/projects/<int:project_id>/predict", methods=["POST"])
def batch_predict(project_id: int):
    """Body: {"task_ids": [...]} (omit for every task), optional "model" id (ML-6)."""
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    body = json_body(optional=True)
    task_ids = body.get("task_ids")
    if task_ids is not None and not (isinstance(task_ids, list) and all(isinstance(i, int) for i in task_ids)):
        raise BadRequest("'task_ids' must be a list of task ids.")
    model_id = body.get("model")
    if model_id is not None and (isinstance(model_id, bool) or not isinstance(model_id, int)):
        raise BadRequest("'model' must be a model id.")
    model = _model(model_id) if model_id is not None else None
    if model is not None and model.project_id != project.id:
        raise BadRequest("The model belongs to another project.")
    try:
        job = predict_tasks(db.session, project, task_ids, model)
    except TrainingError as exc:
        raise BadRequest(str(exc)) from None
    db.session.commit()
    return job_json(job), 202


@route("/jobs/<int:job_id>", methods=["GET"])
def get_job(job_id: int):
    job = authorize_project_object(db.session, current_user, BackgroundJob, job_id, Action.MANAGE)
    return job_json(job)
