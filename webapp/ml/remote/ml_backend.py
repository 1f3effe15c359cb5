"""Label Studio ML-backend protocol client (ML-1, ML-2, ML-3, ML-6): /health, /setup,
/predict, /webhook, with Label Studio's request and response shapes, so existing backends
plug in unchanged.

The backend learns the project from /setup (label config, extra params) and must be set
up before it predicts; `predict` sets it up once per process and again after a failure.
The project's creator's API token is not sent as /setup's access_token (a backend URL
chosen by a manager must not receive another user's credential).
"""
from __future__ import annotations

import json
from datetime import timezone

from webapp.integrations.payloads import project_payload, task_payload
from webapp.ml.remote import RemoteModelError, auth_kwargs, request_json, secret_box, setting
from webapp.models import Project, Task
from webapp.models.ml import MLModel
from webapp.secret_box import SecretError

Prediction = tuple[list[dict], float | None, str]
WEBHOOK_ACTIONS = ("START_TRAINING", "ANNOTATION_CREATED", "ANNOTATION_UPDATED")
_set_up: dict[tuple, str] = {}  # (model, url, project, extra params) -> model_version


def _url(model: MLModel, path: str) -> str:
    return f"{model.url.rstrip('/')}/{path}"


def _call(model: MLModel, method: str, path: str, body: dict | None = None) -> object:
    return request_json(method, _url(model, path), json=body, **auth_kwargs(model))


def project_uid(project: Project) -> str:
    """Label Studio's "<id>.<created timestamp>" project key."""
    created = project.created_at.replace(tzinfo=project.created_at.tzinfo or timezone.utc)
    return f"{project.id}.{int(created.timestamp())}"


def project_json(project: Project) -> dict:
    return {**project_payload(project), "label_config": project.label_config}


def health(model: MLModel) -> dict:
    answer = _call(model, "GET", "health")
    status = answer.get("status") if isinstance(answer, dict) else None
    if status not in (None, "UP"):
        raise RemoteModelError(f"The model at {model.url} reports status {status!r}, not UP.")
    return answer if isinstance(answer, dict) else {}


def setup_request(model: MLModel, project: Project) -> dict:
    return {"project": project_uid(project), "schema": project.label_config,
            "hostname": setting("QUORUM_PUBLIC_URL", ""), "access_token": "",
            "model_version": (model.extra_params or {}).get("model_version"),
            "extra_params": model.extra_params or {}}


def _key(model: MLModel, project: Project) -> tuple:
    return model.id, model.url, project_uid(project), json.dumps(model.extra_params or {}, sort_keys=True)


def setup(model: MLModel, project: Project) -> str:
    """POST /setup; the backend's model_version ("" when it names none)."""
    answer = _call(model, "POST", "setup", setup_request(model, project))
    version = answer.get("model_version") if isinstance(answer, dict) else None
    _set_up[_key(model, project)] = "" if version is None else str(version)
    return _set_up[_key(model, project)]


def predict_request(model: MLModel, project: Project, tasks: list[Task], context: dict | None = None,
                    reveal_password: bool = True) -> dict:
    password = _proxy_password(project) if reveal_password else "********"
    return {
        "tasks": [task_payload(t) for t in tasks],
        "model_version": _set_up.get(_key(model, project)),
        "project": project_uid(project),
        "label_config": project.label_config,
        "params": {"login": project.proxy_username or None,
                   "password": (password or None) if project.proxy_password_encrypted else None,
                   "context": context},
    }


def _proxy_password(project: Project) -> str:
    if not project.proxy_password_encrypted:
        return ""
    try:
        return secret_box().decrypt(project.proxy_password_encrypted)
    except SecretError:
        return ""


def predict(session_or_none, model: MLModel, project: Project, tasks: list[Task],
            context: dict | None = None) -> list[Prediction]:
    """One batch /predict: (result items, score, model_version) per task, in task order."""
    if not tasks:
        return []
    if _key(model, project) not in _set_up:
        setup(model, project)
    try:
        answer = _call(model, "POST", "predict", predict_request(model, project, tasks, context))
    except RemoteModelError as exc:
        if exc.status is None or exc.status < 500:
            raise
        setup(model, project)  # a restarted backend forgets its setup: once more after it
        answer = _call(model, "POST", "predict", predict_request(model, project, tasks, context))
    return parse_predictions(answer, len(tasks), _set_up.get(_key(model, project)) or f"ml-backend-{model.id}",
                             model.url)


def parse_predictions(answer: object, count: int, default_version: str, url: str = "the backend") -> list[Prediction]:
    """Read {"results": [...]} (1.0.x: per task a prediction dict, a list of predictions, or
    a bare result list), or a bare list of those."""
    top = answer.get("model_version") if isinstance(answer, dict) else None
    results = answer.get("results", answer.get("predictions")) if isinstance(answer, dict) else answer
    if not isinstance(results, list) or len(results) != count:
        got = len(results) if isinstance(results, list) else "no"
        raise RemoteModelError(f"The model at {url} answered {got} prediction(s) for {count} task(s).")
    version = default_version if top is None else str(top)
    return [_one(item, version) for item in results]


def _one(item: object, version: str) -> Prediction:
    if isinstance(item, list) and item and all(isinstance(p, dict) and "result" in p for p in item):
        item = item[0]  # several predictions for one task: the first is the model's pick
    if isinstance(item, dict) and "result" in item:
        score = item.get("score")
        own = item.get("model_version")
        return (list(item.get("result") or []), float(score) if isinstance(score, (int, float)) else None,
                version if own in (None, "") else str(own))
    if isinstance(item, list):
        return [i for i in item if isinstance(i, dict)], None, version
    return [], None, version


def send_webhook(model: MLModel, project: Project, action: str, payload: dict | None = None) -> object:
    """POST /webhook {"action", "project", ...payload} (ML-2 training events)."""
    if action not in WEBHOOK_ACTIONS:
        raise ValueError(f"Unknown ML backend webhook action {action!r}.")
    body = {"action": action, "project": project_json(project), **(payload or {})}
    return _call(model, "POST", "webhook", body)


def connect_check(model: MLModel, project: Project) -> str:
    """ML-1: /health then /setup; the sentence to show, or RemoteModelError."""
    health(model)
    version = setup(model, project)
    return f"The model at {model.url} answered" + (f" (model version {version})." if version else ".")


def test_request(model: MLModel, project: Project, task: Task) -> tuple[dict, object]:
    """ML-3: the /predict request for one task (password masked) and the answer or error."""
    shown = predict_request(model, project, [task], reveal_password=False)
    try:
        setup(model, project)
        shown["model_version"] = _set_up.get(_key(model, project))
        return shown, _call(model, "POST", "predict", predict_request(model, project, [task]))
    except RemoteModelError as exc:
        return shown, str(exc)
