"""Settings section: Danger zone (placeholder until its form lands)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_danger_zone", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("danger_zone", "Danger zone", "settings_danger_zone.page"))


@bp.get("/danger-zone")
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    return render_section("danger_zone", "placeholder.html", project)
