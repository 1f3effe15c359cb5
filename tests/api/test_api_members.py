"""Members and users through the API (MEM-1..3), with the page's messages."""
from __future__ import annotations

import pytest

from webapp.accounts import get_or_create_workspace
from webapp.models import OrgRole


def auth(user) -> dict:
    return {"Authorization": f"Token {user.api_token}"}


@pytest.fixture
def manager(factory):
    return factory.user(OrgRole.MANAGER)


@pytest.fixture
def project(factory, session, manager):
    workspace = get_or_create_workspace(session, manager.organization_id, "Team")
    return factory.project(owner=manager, workspace_id=workspace.id)


def test_add_change_role_list_and_remove__MEM_1_MEM_3(client, project, manager, factory):
    annotator = factory.user(OrgRole.ANNOTATOR)
    url = f"/api/projects/{project.id}/members"
    added = client.post(url, headers=auth(manager), json={"user": annotator.id, "role": None})
    assert added.status_code == 201 and added.get_json()["effective_role"] == "annotator"
    changed = client.post(url + "/", headers=auth(manager), json={"user": annotator.id, "role": "reviewer"})
    assert changed.status_code == 200 and changed.get_json()["effective_role"] == "reviewer"
    listed = client.get(url, headers=auth(manager)).get_json()["results"]
    assert {m["user"]["id"]: m["role"] for m in listed if m["inherited"] is None} == {
        manager.id: None, annotator.id: "reviewer"}
    assert client.delete(f"{url}/{annotator.id}", headers=auth(manager)).status_code == 204


def test_lists_administrators_as_inherited__MEM_2(client, project, manager, factory):
    admin = factory.user(OrgRole.ADMINISTRATOR)
    listed = client.get(f"/api/projects/{project.id}/members", headers=auth(manager)).get_json()["results"]
    assert {"user": admin.id, "inherited": "administrator, sees every project"} in [
        {"user": m["user"]["id"], "inherited": m["inherited"]} for m in listed]
    answer = client.delete(f"/api/projects/{project.id}/members/{admin.id}", headers=auth(manager))
    assert answer.status_code == 400 and "cannot be removed here" in answer.get_json()["detail"]


@pytest.mark.parametrize("body, message", [
    ({"user": 99999}, "User 99999 is not a user of this organisation."),
    ({"user": "x"}, "User x is not a user of this organisation."),
    ({"role": "annotator"}, "User None is not a user of this organisation."),
])
def test_bad_member_requests(client, project, manager, body, message):
    answer = client.post(f"/api/projects/{project.id}/members", headers=auth(manager), json=body)
    assert answer.status_code == 400 and answer.get_json()["detail"] == message


def test_role_override_refused_for_managers__MEM_1(client, project, manager, factory):
    other = factory.user(OrgRole.MANAGER)
    answer = client.post(f"/api/projects/{project.id}/members", headers=auth(manager),
                         json={"user": other.id, "role": "annotator"})
    assert answer.status_code == 400
    assert answer.get_json()["validation_errors"]["role"][0].endswith(
        "only Annotators and Reviewers can have a project-level role.")
    bad = client.post(f"/api/projects/{project.id}/members", headers=auth(manager), json={"user": other.id, "role": "boss"})
    assert bad.get_json()["detail"] == "The project role must be annotator, reviewer or empty."


def test_members_need_manager_rights(client, project, factory):
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    assert client.get(f"/api/projects/{project.id}/members", headers=auth(annotator)).status_code == 403
    assert client.get("/api/users", headers=auth(annotator)).status_code == 403


def test_users_search(client, manager, factory):
    factory.user(OrgRole.ANNOTATOR, email="findme.please@example.org")
    found = client.get("/api/users?search=FINDME", headers=auth(manager)).get_json()
    assert [u["email"] for u in found] == ["findme.please@example.org"]
    assert len(client.get("/api/users/", headers=auth(manager)).get_json()) >= 2  # a list (issue 16 point 6)
