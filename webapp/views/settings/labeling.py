"""Settings section: Labeling interface (placeholder until its form lands)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_labeling", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("labeling", "Labeling interface", "settings_labeling.page"))


@bp.get("/labeling")
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    return render_section("labeling", "placeholder.html", project)
