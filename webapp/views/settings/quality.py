"""Settings section: Quality (QA-1..5)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from webapp.extensions import db
from webapp.forms.settings_quality import quality_form
from webapp.members import annotator_count
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_quality", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("quality", "Quality", "settings_quality.page"))


@bp.route("/quality", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    form = quality_form(project)
    saved = save_section(form)  # recomputes task overlaps when N or P changed (QA-1)
    if saved:
        form = quality_form(project, formdata=None)
    return render_section(
        "quality", "quality.html", project, form=form, saved=saved,
        annotators=annotator_count(db.session, project),
    )
