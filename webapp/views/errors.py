"""HTML error pages; the API blueprint answers JSON instead (see views/api)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


@bp.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    if wants_json():
        return {"detail": f"CSRF check failed: {exc.description}", "status_code": 400}, 400
    return render_template("error.html", code=400, message=f"CSRF check failed: {exc.description}"), 400


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if wants_json():
        return {"detail": exc.description, "status_code": exc.code}, exc.code
    return render_template("error.html", code=exc.code, message=exc.description), exc.code
