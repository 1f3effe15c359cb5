"""Every settings route × every role (issue 3, item 9; MEM-1, MEM-2).

Routes come from app.url_map, so a new section is covered the day it is registered.
"""
from __future__ import annotations

import pytest

from tests.factories import csrf_token, login
from webapp.accounts import get_or_create_workspace
from webapp.models import OrgRole

PREFIX = "/projects/<int:project_id>/settings"
# Routes for owners and administrators only, not managers (issue 13 point 5: webhook secrets).
ADMIN_ONLY = ("/reveal",)


def settings_routes(app, project_id: int) -> list[tuple[str, str]]:
    """(method, URL) for every settings rule; other URL parts (ids, keys) get 1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        values = {arg: project_id if arg == "project_id" else 1 for arg in rule.arguments}
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        routes += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def call(client, method: str, url: str):
    data = {"csrf_token": csrf_token(client, "/")} if method != "GET" else None
    return client.open(url, method=method, data=data)


@pytest.fixture
def project(session, factory):
    owner = factory.user(OrgRole.MANAGER)
    workspace = get_or_create_workspace(session, owner.organization_id, "Team")
    return factory.project(owner=owner, workspace_id=workspace.id)


def test_routes_are_found(app):
    paths = {url for _, url in settings_routes(app, 1)}
    for section in ("general", "labeling", "danger-zone"):
        assert f"/projects/1/settings/{section}" in paths


@pytest.mark.parametrize("role", [OrgRole.ANNOTATOR, OrgRole.REVIEWER])
def test_annotators_and_reviewers_get_403_everywhere(app, client, factory, project, role):
    user = factory.user(role)
    factory.member(project, user)
    login(client, user)
    answers = {(m, u): call(client, m, u).status_code for m, u in settings_routes(app, project.id)}
    assert answers and set(answers.values()) == {403}, answers


@pytest.mark.parametrize("role", [OrgRole.MANAGER, OrgRole.ANNOTATOR])
def test_users_who_cannot_see_the_project_get_404(app, client, factory, project, role):
    login(client, factory.user(role))  # not a member, not in the workspace
    answers = {(m, u): call(client, m, u).status_code for m, u in settings_routes(app, project.id)}
    assert answers and set(answers.values()) == {404}, answers


@pytest.mark.parametrize("role", [OrgRole.OWNER, OrgRole.ADMINISTRATOR, OrgRole.MANAGER])
def test_owner_administrator_and_manager_pass(app, client, factory, project, role):
    user = factory.user(role)
    if role is OrgRole.MANAGER:
        factory.member(project, user)
    login(client, user)
    for method, url in settings_routes(app, project.id):
        status = call(client, method, url).status_code
        if role is OrgRole.MANAGER and url.endswith(ADMIN_ONLY):
            assert status == 403, (method, url, status)
            continue
        assert status not in (401, 403), (method, url, status)
        if method == "GET" and url.count("/") == 4:  # a section page: /projects/<id>/settings/<key>
            assert status == 200, (url, status)


def test_post_without_csrf_token_is_refused(app, client, factory, project):
    login(client, project.created_by)
    for method, url in settings_routes(app, project.id):
        if method != "GET":
            assert client.open(url, method=method, data={}).status_code == 400, url
