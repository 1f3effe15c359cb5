"""Settings section: Cloud storage (STO-1, STO-2). Add source and target storages, ask
for a sync (the background job runs it), read each storage's latest sync log."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import login_required

from webapp.access import not_found
from webapp.extensions import db
from webapp.forms.settings_integrations import StorageForm, show_domain_error
from webapp.io.storage.base import KINDS, StorageError
from webapp.io.storage.sync import StorageSettings, create_storage, project_storages, request_sync
from webapp.models import Storage
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_cloud_storage", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("cloud_storage", "Cloud storage", "settings_cloud_storage.page"))


def _render(project, *, form=None, message=None, status=200):
    form = form or StorageForm(formdata=None)
    kind = form.kind.data if form.kind.data in KINDS else KINDS[0]
    return render_section(
        "cloud_storage", "cloud_storage.html", project, status=status, form=form, kind=kind,
        storages=project_storages(db.session, project.id), message=message,
    )


def _storage(project, storage_id: int) -> Storage:
    storage = db.session.get(Storage, storage_id)
    if storage is None or storage.project_id != project.id:
        raise not_found()  # one body for a missing id and another project's
    return storage


@bp.get("/cloud-storage")
@login_required
def page(project_id: int):
    """?kind= re-renders the form with that kind's fields (the type select asks for it)."""
    form = StorageForm(formdata=request.args if "kind" in request.args else None)
    form.presign.data = form.presign.data or "presign" not in request.args  # on unless unticked
    return _render(settings_project(project_id), form=form)


@bp.post("/cloud-storage")
@login_required
def create(project_id: int):
    project = settings_project(project_id)
    form = StorageForm()
    if not form.validate_on_submit():
        return _render(project, form=form, status=422)
    settings = StorageSettings(
        kind=form.kind.data, role=form.role.data, title=form.title.data or "", params=form.params(),
        secret=form.secret.data or "", sync_interval_minutes=form.sync_interval_minutes.data or 0,
        write_on_submit=form.write_on_submit.data,
    )
    try:
        create_storage(db.session, project, settings, current_app.config)
    except StorageError as exc:
        db.session.rollback()
        show_domain_error(form, exc.field, exc.message)
        return _render(project, form=form, status=422)
    db.session.commit()
    return _render(project, message="Storage added. Sync it to start.")


@bp.post("/cloud-storage/<int:storage_id>/sync")
@login_required
def sync(project_id: int, storage_id: int):
    project = settings_project(project_id)
    request_sync(_storage(project, storage_id))
    db.session.commit()
    return _render(project, message="Sync queued; the log below updates when it runs.")


@bp.post("/cloud-storage/<int:storage_id>/delete")
@login_required
def delete(project_id: int, storage_id: int):
    project = settings_project(project_id)
    db.session.delete(_storage(project, storage_id))
    db.session.commit()
    return _render(project, message="Storage removed; its tasks and written objects stay.")
