"""Project members and organisation users (MEM-1..3), with the page's messages."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from webapp import members as domain
from webapp.access import Action, authorize_project, not_found
from webapp.extensions import db
from webapp.projects import ProjectError
from webapp.views.api import json_body, route
from webapp.views.api.projects import project_error
from webapp.views.api.serializers import user_json


def member_json(member: domain.Member) -> dict:
    return {
        "user": user_json(member.user),
        "role": member.role.value if member.role else None,
        "effective_role": member.effective_role.value,
        "inherited": member.inherited,
    }


@route("/projects/<int:project_id>/members", methods=["GET"])
def list_members(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    return {"results": [member_json(m) for m in domain.members(db.session, project)]}


@route("/projects/<int:project_id>/members", methods=["POST"])
def add(project_id: int):
    """Add a member, or change an explicit member's project role."""
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    body = json_body()
    user_id = body.get("user")
    try:
        # any(==), not a set: the body's "user" may be any JSON value, even unhashable.
        if any(m.user.id == user_id for m in domain.members(db.session, project) if m.explicit):
            member, status = domain.set_role(db.session, project, user_id, body.get("role")), 200
        else:
            member, status = domain.add_member(db.session, project, user_id, body.get("role")), 201
    except ProjectError as exc:
        return project_error(exc)
    db.session.commit()
    return member_json(member), status


@route("/projects/<int:project_id>/members/<int:user_id>", methods=["DELETE"])
def remove(project_id: int, user_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    try:
        domain.remove_member(db.session, project, user_id)
    except ProjectError as exc:
        return project_error(exc)
    db.session.commit()
    return "", 204


def _organisation_users() -> list:
    """Every active user of the organisation (managers and up), filtered by ?search=."""
    if not current_user.org_role.can_manage:
        raise Forbidden("Only managers and administrators list the organisation's users.")
    return domain.search_users(db.session, current_user.organization_id, request.args.get("search", ""), limit=None)


@route("/users", methods=["GET"])
def users():
    """A list, as Label Studio's /api/users answers (issue 16 point 6)."""
    return [user_json(u) for u in _organisation_users()]


@route("/organizations/<int:organization_id>/memberships", methods=["GET"])
def memberships(organization_id: int):
    """Label Studio's `organizations.members.list` (issue 16 point 1): the user's own
    organisation only, `{"count", "results"}` paged by `page` and `page_size`."""
    if organization_id != current_user.organization_id:
        raise not_found()
    found = _organisation_users()
    page = max(request.args.get("page", 1, type=int), 1)
    size = max(request.args.get("page_size", len(found) or 1, type=int), 1)
    rows = found[(page - 1) * size: page * size]
    return {"count": len(found), "results": [
        {"id": u.id, "organization": organization_id, "role": u.org_role.value, "user": user_json(u)}
        for u in rows]}
