"""Download a project's annotations (DM-2), streamed."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user, login_required

from webapp.access import Action, authorize_project
from webapp.extensions import db
from webapp.forms.projects import ExportForm
from webapp.io import ExportError, export_project

bp = Blueprint("exports", __name__)


@bp.get("/projects/<int:project_id>/export")
@login_required
def page(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    return render_template("io/export.html", project=project, form=ExportForm(request.args))


def export_response(project, export_type: str, only_annotated: bool) -> Response:
    """A streamed attachment; shared by the page and the API."""
    export = export_project(db.session, project, export_type, only_annotated=only_annotated)
    return Response(
        stream_with_context(export.chunks),
        mimetype=export.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@bp.get("/projects/<int:project_id>/export/download")
@login_required
def download(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    try:
        return export_response(
            project,
            request.args.get("exportType", "JSON"),
            only_annotated=request.args.get("download_all_tasks") != "true",
        )
    except ExportError as exc:
        return render_template("error.html", code=400, message=str(exc)), 400
