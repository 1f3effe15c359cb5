"""Bulk assignment of annotators/reviewers, in Label Studio Enterprise's shape (ANN-2)."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project
from webapp.assignments import AssignmentError, Selection, assign, unassign
from webapp.extensions import db
from webapp.models import AssignmentKind
from webapp.views.api import route

KINDS = {"AN": AssignmentKind.ANNOTATOR, "RE": AssignmentKind.REVIEWER}


def _ids(value, name: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise BadRequest(f"'{name}' must be a list of ids.")
    return value


def _parse() -> tuple[AssignmentKind, list[int], Selection]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object.")
    kind_name = body.get("type", "AN")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        raise BadRequest("'type' must be \"AN\" (annotators) or \"RE\" (reviewers).")
    items = body.get("selectedItems")
    if not isinstance(items, dict):
        raise BadRequest("'selectedItems' must be {\"all\": false, \"included\": [task ids]}.")
    selection = Selection(
        all=items.get("all") is True,
        included=_ids(items.get("included", []), "included"),
        excluded=_ids(items.get("excluded", []), "excluded"),
    )
    return kind, _ids(body.get("users", []), "users"), selection


@route("/projects/<int:project_id>/tasks/assignees", methods=["POST"])
def create(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    kind, users, selection = _parse()
    try:
        count = assign(db.session, project, selection, users, kind)
    except AssignmentError as exc:
        raise BadRequest(str(exc)) from exc
    return {"assigned": count}, 201


@route("/projects/<int:project_id>/tasks/assignees", methods=["DELETE"])
def remove(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    kind, users, selection = _parse()
    return {"unassigned": unassign(db.session, project, selection, users or None, kind)}
