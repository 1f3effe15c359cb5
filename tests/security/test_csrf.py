"""Issue 13 point 2: every cookie-authenticated write needs the CSRF token, whatever
`Authorization` header it carries; only a request authenticated by a valid token is exempt."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import csrf_token, login
from webapp.models import OrgRole, Project

NEW_PROJECT = {"title": "Forged project", "template": "ner"}


def _projects(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Project.id)))


@pytest.mark.parametrize("header", ["", "Basic YWRtaW46YWRtaW4=", "Token not-a-token", "Bearer ", "Token"])
def test_cookie_write_with_bogus_authorization_needs_csrf__issue_13_point_2(client, factory, session, header):
    manager = factory.user(OrgRole.MANAGER)
    login(client, manager)
    before = _projects(session)
    response = client.post("/api/projects/", headers={"Authorization": header}, json=NEW_PROJECT)
    assert response.status_code in (400, 403)
    assert "CSRF" in response.get_json()["detail"]
    assert _projects(session) == before


def test_cookie_write_with_another_users_valid_token_needs_csrf__issue_13_point_2(client, factory, session):
    """The cookie's user acts, so the cookie (not the token) authenticated the request."""
    manager, other = factory.user(OrgRole.MANAGER), factory.user(OrgRole.MANAGER)
    login(client, manager)
    before = _projects(session)
    response = client.post("/api/projects/", headers={"Authorization": f"Token {other.api_token}"}, json=NEW_PROJECT)
    assert response.status_code == 400 and _projects(session) == before


def test_cookie_write_with_csrf_token_works__issue_13_point_2(client, factory, session):
    manager = factory.user(OrgRole.MANAGER)
    login(client, manager)
    token = csrf_token(client, "/")
    response = client.post("/api/projects/", headers={"X-CSRFToken": token}, json=NEW_PROJECT)
    assert response.status_code == 201 and _projects(session) == 1


def test_valid_token_write_needs_no_csrf__issue_13_point_2(app, factory, session):
    manager = factory.user(OrgRole.MANAGER)
    script = app.test_client(use_cookies=False)
    response = script.post("/api/projects/", headers={"Authorization": f"Token {manager.api_token}"}, json=NEW_PROJECT)
    assert response.status_code == 201 and _projects(session) == 1


def test_valid_own_token_beside_the_cookie_needs_no_csrf__issue_13_point_2(client, factory, session):
    manager = factory.user(OrgRole.MANAGER)
    login(client, manager)
    response = client.post("/api/projects/", headers={"Authorization": f"Token {manager.api_token}"}, json=NEW_PROJECT)
    assert response.status_code == 201 and _projects(session) == 1
