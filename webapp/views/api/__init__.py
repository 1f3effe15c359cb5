"""JSON API with Label Studio's paths and shapes, token or session auth.

Every path answers with and without a trailing slash (Label Studio's clients add one).
Errors are JSON `{"detail": ..., "status_code": ...}`, never a stack trace.
"""

from flask import Blueprint, Flask, request
from flask_login import current_user
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, Unauthorized

from webapp.access import Action, authorize_project
from webapp.auth_loader import authenticated_by_token
from webapp.extensions import csrf, db
from webapp.input_limits import database_id
from webapp.request_limits import refuse_database_value

bp = Blueprint("api", __name__, url_prefix="/api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def route(rule: str, **options):
    """Register `rule` so that `rule/` answers the same, without a redirect."""
    def decorator(view):
        endpoint = f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"
        bp.add_url_rule(rule, endpoint=endpoint, view_func=view, **options)
        bp.add_url_rule(rule + "/", endpoint=endpoint + "_slash", view_func=view, **options)
        return view
    return decorator


def json_body(optional: bool = False) -> dict:
    """The body's JSON object; an ``optional`` body may also be absent (then ``{}``)."""
    body = request.get_json(silent=True)
    if optional and body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def managed_project_in_query(path: str):
    """The project a list is filtered by (`?project=<id>`, as Label Studio's), which the
    user must manage."""
    project_id = request.args.get("project", type=database_id)
    if project_id is None:
        raise BadRequest(f"Give the project: {path}?project=<id>.")
    return authorize_project(db.session, current_user, project_id, Action.MANAGE)


@bp.before_request
def authenticate():
    if not current_user.is_authenticated:
        raise Unauthorized("Authentication required: send 'Authorization: Token <your token>'.")
    # A browser session needs the CSRF token; a script authenticated by a valid token does not.
    if request.method not in SAFE_METHODS and not authenticated_by_token():
        csrf.protect()


@bp.errorhandler(HTTPException)
def json_error(exc: HTTPException):
    return {"detail": exc.description, "status_code": exc.code}, exc.code


# Ahead of the catch-all below: a value the database refuses is the client's error.
bp.register_error_handler(DataError, refuse_database_value)


@bp.errorhandler(Exception)
def unexpected_error(exc: Exception):
    from flask import current_app

    current_app.logger.exception("API error")
    error = InternalServerError()
    return {"detail": "Internal error; it has been logged.", "status_code": error.code}, error.code


def register(app: Flask) -> None:
    from webapp.views.api import (  # noqa: F401 - routes
        annotations, assignments, exports, integrations, members, ml, predictions, projects, quality, reviews,
        storages, task_rows, tasks, users,
    )

    csrf.exempt(bp)
    app.register_blueprint(bp)
