"""Projects: list with colours, create from NLP templates, open."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.access import Action, authorize_project, may_create_projects, visible_projects
from webapp.accounts import sandbox_of, shared_workspaces
from webapp.extensions import db
from webapp.forms.projects import CreateProjectForm
from webapp.labeling.templates import NLP_TEMPLATES
from webapp.projects import NewProject, ProjectError, create_project, project_counts
from webapp.views.data_manager import project_page

bp = Blueprint("projects", __name__)


@bp.get("/")
@login_required
def index():
    projects = db.session.scalars(visible_projects(current_user).limit(200)).all()
    counts = project_counts(db.session, [p.id for p in projects])
    return render_template(
        "projects/index.html",
        projects=projects,
        counts=counts,
        can_create=may_create_projects(current_user),
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def create():
    if not may_create_projects(current_user):
        abort(403, "Only managers and administrators create projects.")
    form = CreateProjectForm()
    sandbox = sandbox_of(db.session, current_user)
    form.workspace_id.choices = [(sandbox.id, "Sandbox (only you)")] + [
        (ws.id, ws.title) for ws in shared_workspaces(db.session, current_user.organization_id)
    ]
    if form.validate_on_submit():
        new = NewProject(
            title=form.title.data,
            description=form.description.data or "",
            color=form.color.data,
            template=form.template.data,
            workspace_id=form.workspace_id.data,
        )
        try:
            project = create_project(db.session, current_user, new)
        except ProjectError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.title).errors.append(exc.message)
        else:
            db.session.commit()
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/create.html", form=form, templates=NLP_TEMPLATES)


@bp.get("/projects/<int:project_id>")
@login_required
def detail(project_id: int):
    """The project page: its Data Manager (views.data_manager) for whoever may see it."""
    project = authorize_project(db.session, current_user, project_id, Action.VIEW)
    return project_page(project)
