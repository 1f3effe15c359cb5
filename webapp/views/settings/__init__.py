"""Project settings: one blueprint module per section of the guide, one shared layout.

Every section lives under /projects/<id>/settings/<section>. A plain request renders the
whole page; an htmx request (HX-Request) gets only the section's partial back.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from flask import Flask, current_app, make_response, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm

from webapp.access import Action, authorize_project
from webapp.extensions import db
from webapp.forms.settings_shared import SettingsForm
from webapp.models import Project
from webapp.secret_box import box_from_config


@dataclass(frozen=True)
class Section:
    key: str  # URL segment and blueprint name suffix
    title: str
    endpoint: str  # the section's page endpoint


# Tab order of the guide; a section joins the tab bar when its module is registered.
SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    SECTIONS.append(section)


def settings_project(project_id: int) -> Project:
    """Only Owner, Administrator and Manager see and change settings."""
    return authorize_project(db.session, current_user, project_id, Action.MANAGE)


def save_section(form: SettingsForm) -> bool:
    """Every tab's save: the form's one path (update_settings), as the signed-in user."""
    return form.save(db.session, current_user, box_from_config(current_app.config))


def render_section(section_key: str, template: str, project: Project, status: int = 200, **context):
    """The partial for htmx, the full page otherwise; Vary so caches keep them apart.
    A POST whose form was refused answers 422 with the form and its errors."""
    if status == 200 and request.method == "POST" and _has_refused_form(context):
        status = 422  # base.html's htmx-config swaps 422 like a success
    context.update(project=project, sections=SECTIONS, active=section_key)
    if request.headers.get("HX-Request") == "true":
        html = render_template(f"settings/{template}", **context)
    else:
        html = render_template("settings/page.html", section_template=f"settings/{template}", **context)
    response = make_response(html, status)
    response.headers["Vary"] = "HX-Request"
    return response


def _has_refused_form(context: dict) -> bool:
    return any(isinstance(value, FlaskForm) and value.errors for value in context.values())


# Section modules in the guide's tab order; each registers its Section on import.
SECTION_MODULES = ("general", "labeling", "annotation", "review", "quality", "members", "model", "predictions", "cloud_storage", "webhooks", "danger_zone")


def register(app: Flask) -> None:
    for name in SECTION_MODULES:
        module = import_module(f"webapp.views.settings.{name}")
        app.register_blueprint(module.bp)
