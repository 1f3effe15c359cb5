"""Settings section: Review (REV-1..8)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from webapp.forms.settings_review import ReviewForm
from webapp.labeling import sanitize_html
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_review", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("review", "Review", "settings_review.page"))


@bp.route("/review", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    form = ReviewForm(project)
    saved = save_section(form)
    if saved:
        form = ReviewForm(project, formdata=None)
    return render_section(
        "review", "review.html", project, form=form, saved=saved, preview=sanitize_html(project.review_instruction)
    )
