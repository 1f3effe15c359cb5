"""Data Manager pages: the project's task table, its bulk actions and saved tabs (DM-1).

The table is /projects/<id>/data; the project page shows the same table. htmx requests
get only the table partial; the URL follows the view through hx-push-url.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from webapp.access import Action, authorize_project, may, not_found
from webapp.data_manager import (
    BY_KEY,
    COLUMNS,
    MAX_OFFSET,
    PAGE_SIZES,
    get_action,
    load_page,
    matching,
    parse_query,
    registered_actions,
    run_action,
    viewer_for,
)
from webapp.data_manager.tabs import TabError, delete_tab, save_tab, tab_params, user_tabs
from webapp.extensions import db
from webapp.members import members
from webapp.models import OrgRole, Project, Task

bp = Blueprint("data_manager", __name__)


def project_page(project: Project):
    """The project page: header, and the Data Manager when the user may see it (OPT-3, REV-6)."""
    context = {
        "project": project,
        "can_manage": may(db.session, current_user, project, Action.MANAGE),
        "can_annotate": may(db.session, current_user, project, Action.ANNOTATE),
        "dm": None,
    }
    if may(db.session, current_user, project, Action.VIEW_DATA_MANAGER):
        context["dm"] = _dm_context(project, request.args)
    return render_template("projects/detail.html", **context)


def _dm_context(project: Project, args) -> dict:
    viewer = viewer_for(db.session, current_user, project)
    query = parse_query(args, viewer)
    actions = [a for a in registered_actions() if may(db.session, current_user, project, a.permission)]
    asks = {a.asks for a in actions if a.asks}
    # Member lists feed the assign pickers and the annotator filter, and only for those who see them.
    people = members(db.session, project) if asks or "annotators" in viewer.columns else []
    return {
        "viewer": viewer,
        "query": query,
        "page": load_page(db.session, project, viewer, query),
        "columns": [c for c in COLUMNS if c.key in viewer.columns],
        "shown": [BY_KEY[k] for k in query.columns],
        "page_sizes": PAGE_SIZES,
        "max_offset": MAX_OFFSET,
        "actions": actions,
        "asks": asks,
        "people": {role.value: [m.user for m in people if m.effective_role is role]
                   for role in (OrgRole.ANNOTATOR, OrgRole.REVIEWER)},
        "tabs": user_tabs(db.session, project, current_user),
        "tab_params": tab_params,
        "data_url": lambda **params: url_for("data_manager.table", project_id=project.id, **params),
    }


def _partial_wanted() -> bool:
    # A history restore (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and request.headers.get("HX-History-Restore-Request") != "true"


def _table(project: Project, args, message: str | None = None):
    if _partial_wanted():
        context = {"project": project, "dm": _dm_context(project, args), "message": message}
        response = make_response(render_template("data_manager/_table.html", **context))
    else:
        response = make_response(project_page(project))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/projects/<int:project_id>/data")
@login_required
def table(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW_DATA_MANAGER)
    return _table(project, request.args)


@bp.post("/projects/<int:project_id>/data/actions")
@login_required
def act(project_id: int):
    """Run a bulk action on the checked rows, or on every task matching the filters."""
    project = authorize_project(db.session, current_user, project_id, Action.VIEW_DATA_MANAGER)
    action = get_action(request.form.get("action", ""))
    if action is None:
        raise NotFound("Unknown action.")
    if not may(db.session, current_user, project, action.permission):
        raise Forbidden("Your role may not run this action.")
    viewer = viewer_for(db.session, current_user, project)
    query = parse_query(request.form, viewer)
    # The selection is re-checked against what this viewer sees: posted ids are only hints.
    selected = matching(db.session, project, viewer, query).order_by(Task.id)
    if request.form.get("all") != "1":
        ids = request.form.getlist("ids", type=int)
        selected = selected.where(Task.id.in_(ids[:10_000]))
    task_ids = list(db.session.scalars(selected))
    result = run_action(action, db.session, project, current_user, task_ids,
                        user_ids=request.form.getlist("user_ids", type=int))
    if result.redirect:
        if _partial_wanted():
            response = make_response("", 204)
            response.headers["HX-Redirect"] = result.redirect
            return response
        return redirect(result.redirect)
    if _partial_wanted():
        return _table(project, request.form, result.message)
    flash(result.message, "info")
    return redirect(url_for("data_manager.table", project_id=project.id, **query.params()))


@bp.post("/projects/<int:project_id>/data/tabs")
@login_required
def save(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW_DATA_MANAGER)
    query = parse_query(request.form, viewer_for(db.session, current_user, project))
    try:
        tab = save_tab(db.session, project, current_user, request.form.get("title", ""), query)
    except TabError as exc:
        raise BadRequest(str(exc)) from exc
    flash(f"Saved tab “{tab.title}”.", "info")
    return redirect(url_for("data_manager.table", project_id=project.id, **tab_params(tab)))


@bp.post("/projects/<int:project_id>/data/tabs/<int:tab_id>/delete")
@login_required
def remove(project_id: int, tab_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW_DATA_MANAGER)
    if not delete_tab(db.session, project, current_user, tab_id):
        raise not_found()
    return redirect(url_for("data_manager.table", project_id=project.id))
