"""HTML error pages; the API blueprint answers JSON instead (see views/api)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.extensions import db

bp = Blueprint("errors", __name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(code: int, message: str):
    """The styled error page. The failed request may have left its transaction broken
    (PendingRollbackError on the next query, which the header's current_user makes), so
    it is rolled back first; if the user still cannot be loaded (the database is down),
    the page is drawn as for a visitor rather than not at all."""
    db.session.rollback()
    if wants_json():
        return {"detail": message, "status_code": code}, code
    try:
        return render_template("error.html", code=code, message=message), code
    except SQLAlchemyError:
        db.session.rollback()
        g._login_user = current_app.login_manager.anonymous_user()
        return render_template("error.html", code=code, message=message), code


@bp.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    return error_page(400, f"CSRF check failed: {exc.description}")


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return error_page(exc.code, exc.description)


@bp.app_errorhandler(InternalServerError)
def server_error(exc: InternalServerError):
    """Unhandled exceptions end here (Flask wraps them), after Flask has logged them."""
    return error_page(500, "Something went wrong on our side; it has been logged.")
