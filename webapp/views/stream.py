"""Label stream: the next task in the editor, and the submit, skip and draft routes.

Rules: ANN-1 (instructions), ANN-3 (next_task reserves), ANN-7 (drafts, lead time),
OPT-1/2/5 (enforced by submit_annotation), LIVE-1 (prefill from a prediction set),
ML-5 (interactive suggestions for a selection, see static/js/suggest.js).
The editor posts JSON (see static/js/stream.js); errors answer ``{"detail": ...}``.
"""
from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_labeling, authorize_project
from webapp.annotations import AnnotationError, Submission, save_draft, submit_annotation
from webapp.extensions import db
from webapp.input_limits import database_id
from webapp.forms.stream import draft_from, submission_from
from webapp.io.storage.presign import storage_links
from webapp.labeling import parse_config
from webapp.ml.interactive import InteractiveError, interactive_model, suggest
from webapp.ml.sources import live_prediction
from webapp.models import Draft, Project, Task
from webapp.projects import project_counts
from webapp.queue.next_task import next_task
from webapp.review.my_work import FixRequest, fix_request

MAX_SELECTION = 1000
bp = Blueprint("stream", __name__)
TASK_URL = "/projects/<int:project_id>/stream/tasks/<int:task_id>"

# The editor partial renders HyperText and instructions through the sanitiser.


@bp.get("/projects/<int:project_id>/stream")
@login_required
def label(project_id: int):
    """The next task (reserved for this annotator); htmx/fetch callers get the fragment."""
    project = authorize_project(db.session, current_user, project_id, Action.ANNOTATE)
    selection = _selection(request.args.get("tasks", ""))
    task = next_task(db.session, project.id, current_user.id, selection=selection)
    context = _task_context(project, task)
    context["selection"] = ",".join(map(str, selection or ()))
    if request.htmx:
        return render_template("stream/_task.html", **context)
    return render_template("stream/label.html", **context)


def _selection(raw: str) -> list[int] | None:
    """Task ids chosen in the Data Manager ("Open selected in the label stream")."""
    ids = []
    for part in raw.split(","):
        with suppress(ValueError):  # not an id: ignored, as a stale link may carry anything
            ids.append(database_id(part))
    return ids[:MAX_SELECTION] or None


@bp.post(TASK_URL + "/submit")
@login_required
def submit(project_id: int, task_id: int):
    task = _task_of(project_id, task_id)
    return _store(task, submission_from(request.get_json(silent=True), skip=False))


@bp.post(TASK_URL + "/skip")
@login_required
def skip(project_id: int, task_id: int):
    task = _task_of(project_id, task_id)
    return _store(task, submission_from(request.get_json(silent=True), skip=True))


@bp.post(TASK_URL + "/draft")
@login_required
def draft(project_id: int, task_id: int):
    task = _task_of(project_id, task_id)
    result, lead_time = draft_from(request.get_json(silent=True))
    try:
        saved = save_draft(db.session, task, current_user, result, lead_time)
    except AnnotationError as exc:
        return _refused(exc)
    return {"draft_id": saved.id, "updated_at": saved.updated_at.isoformat()}


@bp.post("/projects/<int:project_id>/stream/suggest")
@login_required
def suggestions(project_id: int):
    """ML-5: the model's suggestions for the annotator's action, JSON {task_id, context}."""
    body = request.get_json(silent=True)
    task_id = body.get("task_id") if isinstance(body, dict) else None
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise BadRequest("Send a JSON object with an integer 'task_id' and a 'context'.")
    task = authorize_labeling(db.session, current_user, project_id, task_id)
    try:
        return {"suggestions": suggest(db.session, db.session.get(Project, project_id), task, body.get("context"))}
    except InteractiveError as exc:
        return _refused(exc)


def _task_of(project_id: int, task_id: int) -> Task:
    """The access gate for submit, skip and draft: Manual distribution is enforced (ANN-2)."""
    return authorize_labeling(db.session, current_user, project_id, task_id)


def _store(task: Task, submission: Submission):
    try:
        annotation = submit_annotation(db.session, task.id, current_user, submission)
    except AnnotationError as exc:
        return _refused(exc)
    return {"annotation_id": annotation.id, "was_cancelled": annotation.was_cancelled}


def _refused(exc: ValueError):
    db.session.rollback()
    return {"detail": str(exc), "status_code": 400}, 400


def _task_context(project: Project, task: Task | None) -> dict:
    counts = project_counts(db.session, [project.id])[project.id]
    context = {"project": project, "task": task, "counts": counts}
    if task is not None:
        context["config"] = parse_config(project.label_config)
        context["fix"] = fix_request(db.session, task.id, current_user.id)
        context["state"] = _initial_state(project, task, context["fix"])
        context["storage_links"] = storage_links(db.session, project, task.data, task.id)
        if interactive_model(db.session, project) is not None:  # ML-5: the editor may ask
            context["state"]["suggest_url"] = url_for("stream.suggestions", project_id=project.id)
    return context


def _initial_state(project: Project, task: Task, fix: FixRequest | None) -> dict:
    """What the editor opens with: the annotator's draft, else the annotation a reviewer
    sent back for a fix (REV-3), else the live prediction (LIVE-1)."""
    saved = db.session.scalar(
        select(Draft).where(Draft.task_id == task.id, Draft.user_id == current_user.id)
    )
    if saved is not None:
        return {"result": saved.result, "lead_time": saved.lead_time or 0, "source": "draft"}
    if fix is not None:
        return {"result": fix.annotation.result, "lead_time": fix.annotation.lead_time or 0, "source": "fix"}
    prediction = live_prediction(db.session, project, task)
    if prediction is not None:
        state = {"result": prediction.result, "lead_time": 0, "source": "prediction"}
        if project.reveal_preannotations_interactively:
            state["reveal_hidden"] = True  # OPT-4: "hidden" regions wait for a selection
        return state
    return {"result": [], "lead_time": 0, "source": None}
