"""Settings section: Danger zone (DZ-1..3). Each action shows a confirmation step first
(GET ?confirm=<action>); its POST then acts and reports what it did."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from webapp.extensions import db
from webapp.forms.settings_danger import ConfirmForm, DeleteProjectForm
from webapp.labels_in_use import count_labels_in_use
from webapp.project_events import record_project_updated
from webapp.projects import delete_project
from webapp.quality.refresh import recompute_project
from webapp.queue.counters import recount
from webapp.tabs import drop_all_tabs
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_danger_zone", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("danger_zone", "Danger zone", "settings_danger_zone.page"))
ACTIONS = ("reset_cache", "drop_tabs", "delete")


def _render(project, *, confirm: str | None = None, message: str | None = None, delete_form=None):
    return render_section(
        "danger_zone", "danger_zone.html", project,
        confirm=confirm if confirm in ACTIONS else None, message=message,
        confirm_form=ConfirmForm(), delete_form=delete_form or DeleteProjectForm(project.title),
    )


@bp.get("/danger-zone")
@login_required
def page(project_id: int):
    return _render(settings_project(project_id), confirm=request.args.get("confirm"))


@bp.post("/danger-zone/reset-cache")
@login_required
def reset_cache(project_id: int):
    project = settings_project(project_id)
    counted = count_labels_in_use(db.session, project)
    tasks = recompute_project(db.session, project)  # agreements in bulk (QA-6)
    recount(db.session, project)  # the project's task and annotation counters
    db.session.commit()
    return _render(project, message=(
        f"Cache reset: read {counted.annotations} annotations; "
        f"{counted.entries} labels and choices are in use; "
        f"agreement recomputed for {tasks} tasks."
    ))


@bp.post("/danger-zone/drop-tabs")
@login_required
def drop_tabs(project_id: int):
    project = settings_project(project_id)
    dropped = drop_all_tabs(db.session, project)
    record_project_updated(db.session, project, current_user, ["tabs"] if dropped else [])
    db.session.commit()
    return _render(project, message=f"Dropped {dropped} Data Manager tab{'' if dropped == 1 else 's'}.")


@bp.post("/danger-zone/delete")
@login_required
def delete(project_id: int):
    project = settings_project(project_id)
    form = DeleteProjectForm(project.title)
    if not form.validate_on_submit():
        return _render(project, confirm="delete", delete_form=form)
    title = project.title
    delete_project(db.session, project)
    db.session.commit()
    flash(f"Project “{title}” and all its tasks and annotations were deleted.", "success")
    target = url_for("projects.index")
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target  # a full navigation, not a swap
        return response
    return redirect(target)
