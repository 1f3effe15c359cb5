"""Manual distribution: bulk assign/unassign through the API (ANN-2)."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.queue.helpers import setup_project
from webapp.models import Distribution, OrgRole, TaskAssignment
from webapp.queue import next_task


def _auth(user):
    return {"Authorization": f"Token {user.api_token}"}


def _body(users, **items):
    return {"type": "AN", "users": [u.id for u in users], "selectedItems": {"all": False, **items}}


def _count(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(TaskAssignment))


def test_manager_assigns_and_unassigns_in_bulk__ANN_2(session, factory, client):
    project, (a, b), tasks = setup_project(factory, n_tasks=4, distribution=Distribution.MANUAL)
    url = f"/api/projects/{project.id}/tasks/assignees"
    manager = project.created_by
    r = client.post(url, json=_body([a, b], included=[tasks[1].id, tasks[2].id]), headers=_auth(manager))
    assert r.status_code == 201 and r.get_json() == {"assigned": 4}
    again = client.post(url, json=_body([a], all=True, excluded=[tasks[0].id]), headers=_auth(manager))
    assert again.get_json() == {"assigned": 1}  # existing pairs are kept, not duplicated
    assert next_task(session, project.id, a.id).id == tasks[1].id
    r = client.delete(url, json=_body([a], all=True), headers=_auth(manager))
    assert r.get_json() == {"unassigned": 3}
    assert next_task(session, project.id, a.id) is None
    assert _count(session) == 2


def test_auto_mode_refuses_manual_annotator_assignment__ANN_2(session, factory, client):
    project, (a, _), tasks = setup_project(factory, n_tasks=1)
    r = client.post(
        f"/api/projects/{project.id}/tasks/assignees",
        json=_body([a], included=[tasks[0].id]), headers=_auth(project.created_by),
    )
    assert r.status_code == 400 and "automatically" in r.get_json()["detail"]


def test_only_annotator_members_and_only_managers__ANN_2(session, factory, client):
    project, (a, _), tasks = setup_project(factory, n_tasks=1, distribution=Distribution.MANUAL)
    outsider = factory.user(OrgRole.ANNOTATOR)
    url = f"/api/projects/{project.id}/tasks/assignees"
    r = client.post(url, json=_body([outsider], included=[tasks[0].id]), headers=_auth(project.created_by))
    assert r.status_code == 400 and str(outsider.id) in r.get_json()["detail"]
    r = client.post(url, json=_body([a], included=[tasks[0].id]), headers=_auth(a))
    assert r.status_code == 403
    assert _count(session) == 0
