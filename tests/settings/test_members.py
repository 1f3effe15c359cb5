"""Members settings page (MEM-1..3)."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import csrf_token
from tests.settings.section_helpers import HX, browser_client, manager, project  # noqa: F401 - fixtures
from webapp.access import can_see
from webapp.models import OrgRole, ProjectMember, ProjectRole, WorkspaceMember
from webapp.queue import next_task


def _post(client, project, path: str, data: dict | None = None):
    base = f"/projects/{project.id}/settings/members"
    token = csrf_token(client, base)
    return client.post(base + path, data={"csrf_token": token, **(data or {})}, headers=HX)


def _membership(session, project, user):
    return session.scalar(select(ProjectMember).where(ProjectMember.project_id == project.id,
                                                      ProjectMember.user_id == user.id))


def test_lists_explicit_and_inherited_members__MEM_2(browser_client, project, factory, session):
    admin = factory.user(OrgRole.ADMINISTRATOR)
    annotator = factory.user(OrgRole.ANNOTATOR)
    session.add(WorkspaceMember(workspace_id=project.workspace_id, user_id=annotator.id))
    session.commit()
    html = browser_client.get(f"/projects/{project.id}/settings/members").get_data(as_text=True)
    assert admin.email in html and "administrator, sees every project" in html
    assert annotator.email in html and "via workspace Team" in html
    assert "Managers keep their organisation role." in html  # the manager's role is read-only (MEM-1)


def test_search_add_and_remove__MEM_3(browser_client, project, factory, session):
    annotator = factory.user(OrgRole.ANNOTATOR, email="zelda.finder@example.org")
    factory.tasks(project, ["Alice met Bob"])
    results = browser_client.get(f"/projects/{project.id}/settings/members/search?q=ZELDA", headers=HX)
    assert annotator.email in results.get_data(as_text=True)
    assert not can_see(session, annotator, project)
    html = _post(browser_client, project, "", {"user": annotator.id}).get_data(as_text=True)
    assert "Member added." in html and "<html" not in html
    assert _membership(session, project, annotator) is not None
    # In Auto mode the new member reaches the project and is offered a task at once (MEM-3)
    assert can_see(session, annotator, project) and next_task(session, project.id, annotator.id) is not None
    assert "Member removed." in _post(browser_client, project, f"/{annotator.id}/remove").get_data(as_text=True)
    session.expire_all()
    assert _membership(session, project, annotator) is None


def test_role_override_only_for_annotators_and_reviewers__MEM_1(browser_client, project, factory, session):
    annotator = factory.user(OrgRole.ANNOTATOR)
    other_manager = factory.user(OrgRole.MANAGER)
    factory.member(project, annotator)
    factory.member(project, other_manager)
    assert "Saved" in _post(browser_client, project, f"/{annotator.id}/role", {"role": "reviewer"}).get_data(as_text=True)
    session.expire_all()
    assert _membership(session, project, annotator).role is ProjectRole.REVIEWER
    html = _post(browser_client, project, f"/{other_manager.id}/role", {"role": "annotator"}).get_data(as_text=True)
    assert "only Annotators and Reviewers can have a project-level role" in html
    assert _membership(session, project, other_manager).role is None


def test_inherited_members_cannot_be_added_or_removed__MEM_2(browser_client, project, factory):
    admin = factory.user(OrgRole.ADMINISTRATOR)
    html = _post(browser_client, project, "", {"user": admin.id}).get_data(as_text=True)
    assert "already has access (administrator, sees every project)" in html
    html = _post(browser_client, project, f"/{admin.id}/remove").get_data(as_text=True)
    assert "cannot be removed here (administrator, sees every project)" in html


def test_unknown_user_gets_a_clear_message(browser_client, project):
    html = _post(browser_client, project, "", {"user": 99999}).get_data(as_text=True)
    assert "User 99999 is not a user of this organisation." in html
