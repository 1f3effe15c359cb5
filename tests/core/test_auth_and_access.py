"""Login, API tokens, CSRF, and the access policy (GEN-2, MEM-1, MEM-2)."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, csrf_token, login
from webapp.access import Action, can_see, effective_role, may
from webapp.accounts import AccountError, create_user
from webapp.models import OrgRole, ProjectRole, WorkspaceMember


def test_login_with_right_and_wrong_password(client, factory):
    user = factory.user(OrgRole.MANAGER)
    token = csrf_token(client)
    bad = client.post("/login", data={"email": user.email, "password": "nope-nope", "csrf_token": token})
    assert b"Wrong email or password" in bad.data
    assert login(client, user).status_code == 302
    assert client.get("/").status_code == 200


def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_form_post_without_csrf_token_is_refused(client, factory):
    user = factory.user(OrgRole.MANAGER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_account_page_shows_api_token_and_rotates_it(client, factory, session):
    user = factory.user()
    login(client, user)
    old = user.api_token
    assert old in client.get("/account").get_data(as_text=True)
    client.post("/account", data={"csrf_token": csrf_token(client, "/account")})
    session.refresh(user)
    assert user.api_token != old


def test_passwords_are_hashed(factory):
    user = factory.user()
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


def test_create_user_refuses_duplicates_and_bad_input(session):
    create_user(session, "a@example.org", PASSWORD, OrgRole.ANNOTATOR)
    with pytest.raises(AccountError, match="already exists"):
        create_user(session, "A@example.org", PASSWORD, OrgRole.ANNOTATOR)
    with pytest.raises(AccountError, match="valid email"):
        create_user(session, "not-an-email", PASSWORD, OrgRole.ANNOTATOR)
    with pytest.raises(AccountError, match="at least"):
        create_user(session, "b@example.org", "short", OrgRole.ANNOTATOR)


def test_sandbox_projects_hidden_from_administrators__GEN_2(session, factory):
    manager = factory.user(OrgRole.MANAGER)
    admin = factory.user(OrgRole.ADMINISTRATOR)
    sandbox_project = factory.project(owner=manager)  # no workspace: the manager's Sandbox
    assert can_see(session, manager, sandbox_project)
    assert not can_see(session, admin, sandbox_project)


def test_admins_see_shared_projects_members_inherit_workspace__MEM_2(session, factory):
    from webapp.accounts import get_or_create_workspace
    from webapp.projects import NewProject, create_project

    manager = factory.user(OrgRole.MANAGER)
    admin = factory.user(OrgRole.OWNER)
    annotator = factory.user(OrgRole.ANNOTATOR)
    ws = get_or_create_workspace(session, manager.organization_id, "Team")
    project = create_project(session, manager, NewProject(title="Shared", template="ner", workspace_id=ws.id))
    session.commit()
    assert can_see(session, admin, project)
    assert not can_see(session, annotator, project)
    session.add(WorkspaceMember(workspace_id=ws.id, user_id=annotator.id))
    session.commit()
    assert can_see(session, annotator, project)


def test_project_role_override_only_for_annotators_and_reviewers__MEM_1(session, factory):
    project = factory.project()
    annotator = factory.user(OrgRole.ANNOTATOR)
    manager = factory.user(OrgRole.MANAGER)
    factory.member(project, annotator, ProjectRole.REVIEWER)
    factory.member(project, manager, ProjectRole.ANNOTATOR)
    assert effective_role(session, annotator, project) is OrgRole.REVIEWER
    assert may(session, annotator, project, Action.REVIEW)
    assert not may(session, annotator, project, Action.ANNOTATE)
    assert effective_role(session, manager, project) is OrgRole.MANAGER


@pytest.mark.parametrize(
    "role, action, allowed",
    [
        (OrgRole.ANNOTATOR, Action.ANNOTATE, True),
        (OrgRole.ANNOTATOR, Action.MANAGE, False),
        (OrgRole.ANNOTATOR, Action.EXPORT, False),
        (OrgRole.REVIEWER, Action.ANNOTATE, False),
        (OrgRole.REVIEWER, Action.REVIEW, True),
        (OrgRole.MANAGER, Action.MANAGE, True),
        (OrgRole.ADMINISTRATOR, Action.EXPORT, True),
    ],
)
def test_role_actions(session, factory, role, action, allowed):
    project = factory.project()
    user = factory.user(role)
    factory.member(project, user)
    assert may(session, user, project, action) is allowed


def test_unseen_project_is_404_forbidden_action_is_403(client, factory):
    project = factory.project()
    outsider = factory.user(OrgRole.ANNOTATOR)
    login(client, outsider)
    assert client.get(f"/projects/{project.id}").status_code == 404
    factory.member(project, outsider)
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert client.get(f"/projects/{project.id}/import").status_code == 403
    assert client.get(f"/projects/{project.id}/export").status_code == 403
