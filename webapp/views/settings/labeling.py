"""Settings section: Labeling interface (LBL-1..3): XML editor, templates, live preview."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from webapp.forms.settings_labeling import LabelingForm
from webapp.labeling import NLP_TEMPLATES, ConfigError, parse_config, sample_task_data
from webapp.views.settings import Section, register_section, render_section, save_section, settings_project

bp = Blueprint("settings_labeling", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("labeling", "Labeling interface", "settings_labeling.page"))


@bp.route("/labeling", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    """GET ?template=<key> fills the editor with a template; only Save stores it."""
    project = settings_project(project_id)
    form = LabelingForm(project)
    template = NLP_TEMPLATES.get(request.args.get("template", ""))
    if template and request.method == "GET":
        form.label_config.data = template.xml
    saved = save_section(form)
    return render_section(
        "labeling", "labeling.html", project,
        form=form, saved=saved, templates=NLP_TEMPLATES, **preview_context(form.label_config.data),
    )


@bp.post("/labeling/preview")
@login_required
def preview(project_id: int):
    """The live preview (LBL-3): the editor on sample data, or the error with its line."""
    settings_project(project_id)
    return render_template("settings/_labeling_preview.html", **preview_context(request.form.get("label_config", "")))


def preview_context(xml: str | None) -> dict:
    try:
        config = parse_config(xml or "")
    except ConfigError as exc:
        return {"config": None, "config_error": exc}
    return {"config": config, "config_error": None, "sample_data": sample_task_data(config)}
