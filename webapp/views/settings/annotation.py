"""Settings section: Annotation (ANN-1..3, SKIP-*, OPT-*, LIVE-1, SAMP-*)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from webapp.extensions import db
from webapp.forms.settings_annotation import AnnotationForm
from webapp.labeling import sanitize_html
from webapp.ml.sources import source_choices
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_annotation", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("annotation", "Annotation", "settings_annotation.page"))


@bp.route("/annotation", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    sources = source_choices(db.session, project.id)
    form = AnnotationForm(project, sources)
    saved = save_section(form)
    if saved:
        form = AnnotationForm(project, sources, formdata=None)
    return render_section(
        "annotation", "annotation.html", project,
        form=form, saved=saved, preview=sanitize_html(project.expert_instruction),
    )


@bp.get("/annotation/reservation")
@login_required
def reservation(project_id: int):
    """The reservation fieldset for the distribution just chosen, for the htmx swap."""
    project = settings_project(project_id)
    form = AnnotationForm(project, [], formdata=request.args, meta={"csrf": False})
    return render_template("settings/_ann_reservation.html", form=form)
