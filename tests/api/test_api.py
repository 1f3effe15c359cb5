"""The JSON API with Label Studio's paths and shapes (DM-2, LBL-2, OPT-1, OPT-2, ANN-5)."""
from __future__ import annotations

import json

import pytest

from tests.factories import login
from webapp.models import OrgRole

NER_RESULT = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]


@pytest.fixture
def manager(factory):
    return factory.user(OrgRole.MANAGER)


def auth(user) -> dict:
    return {"Authorization": f"Token {user.api_token}"}


def test_requires_authentication(client):
    response = client.get("/api/projects")
    assert response.status_code == 401
    assert "Token" in response.get_json()["detail"]


@pytest.mark.parametrize("path", ["/api/current-user", "/api/current-user/"])
def test_paths_answer_with_and_without_trailing_slash(client, manager, path):
    response = client.get(path, headers=auth(manager))
    assert response.status_code == 200
    assert response.get_json() == {"id": manager.id, "email": manager.email, "username": manager.email,
                                   "first_name": "", "role": "manager",
                                   "active_organization": manager.organization_id}


def test_current_user_token(client, manager):
    assert client.get("/api/current-user/token", headers=auth(manager)).get_json() == {"token": manager.api_token}


def test_project_crud(client, manager):
    created = client.post("/api/projects/", headers=auth(manager), json={"title": "API project", "template": "ner",
                                                                        "maximum_annotations": 2})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["title"] == "API project" and body["maximum_annotations"] == 2
    pid = body["id"]
    patched = client.patch(f"/api/projects/{pid}", headers=auth(manager), json={"skip_queue": "IGNORE_SKIPPED", "color": "#112233"})
    assert patched.get_json()["skip_queue"] == "IGNORE_SKIPPED"
    listed = client.get("/api/projects", headers=auth(manager)).get_json()
    assert [p["id"] for p in listed["results"]] == [pid]
    assert client.delete(f"/api/projects/{pid}/", headers=auth(manager)).status_code == 204
    assert client.get(f"/api/projects/{pid}", headers=auth(manager)).status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"color": "red"}, "#rrggbb"),
        ({"title": ""}, "1 to 200"),
        ({"skip_queue": "NEVER"}, "must be one of"),
        ({"reservation_minutes": 0}, "from 1 to 1440"),
        ({"label_config": "<View><Text name='t' value='$text'/>"}, "line"),
        ({"label_config": "<View><Text name='t' value='$text'/><Choices name='c' toName='nope'><Choice value='a'/></Choices></View>"}, "nope"),
        ({"no_such_field": 1}, "Unknown"),
    ],
)
def test_patch_refuses_bad_values_with_clear_message__LBL_2(client, factory, manager, changes, message):
    project = factory.project(owner=manager)
    response = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert response.status_code == 400
    assert message in response.get_json()["detail"]


def test_annotator_cannot_change_project(client, factory, manager):
    project = factory.project(owner=manager)
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    assert client.patch(f"/api/projects/{project.id}", headers=auth(annotator), json={"title": "x"}).status_code == 403
    assert client.post("/api/projects", headers=auth(annotator), json={"title": "x", "template": "ner"}).status_code == 403


def test_import_body_tasks_and_next_and_submit(client, factory, manager):
    project = factory.project(owner=manager)
    tasks = [{"data": {"text": "Alice went home"}}, {"text": "Bob stayed"}]
    imported = client.post(f"/api/projects/{project.id}/import", headers=auth(manager), json=tasks)
    assert imported.status_code == 201 and imported.get_json()["task_count"] == 2
    page = client.get(f"/api/projects/{project.id}/tasks?page=1&page_size=1", headers=auth(manager)).get_json()
    assert len(page) == 1 and page[0]["data"] == {"text": "Alice went home"}

    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    first = client.get(f"/api/projects/{project.id}/next", headers=auth(annotator)).get_json()
    assert first["data"]["text"] == "Alice went home"
    created = client.post(f"/api/tasks/{first['id']}/annotations/", headers=auth(annotator), json={"result": NER_RESULT, "lead_time": 3.5})
    assert created.status_code == 201, created.get_json()
    second = client.get(f"/api/projects/{project.id}/next/", headers=auth(annotator)).get_json()
    assert second["data"]["text"] == "Bob stayed"
    task = client.get(f"/api/tasks/{first['id']}", headers=auth(manager)).get_json()
    assert task["is_labeled"] and task["annotations"][0]["result"] == NER_RESULT


def test_import_is_all_or_nothing_through_api__DM_2(client, factory, manager):
    project = factory.project(owner=manager)
    tasks = [{"data": {"text": "ok"}}, {"data": {"other": "missing text"}}]
    response = client.post(f"/api/projects/{project.id}/import", headers=auth(manager), json=tasks)
    assert response.status_code == 400
    assert "Nothing was imported" in response.get_json()["detail"]
    assert client.get(f"/api/projects/{project.id}", headers=auth(manager)).get_json()["task_number"] == 0


def test_bad_results_refused_with_message(client, factory, manager):
    project = factory.project(owner=manager, enable_empty_annotation=False)
    [task] = factory.tasks(project, ["Alice went home"])
    bad_label = [dict(NER_RESULT[0], value={"start": 0, "end": 5, "text": "Alice", "labels": ["NOPE"]})]
    r = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": bad_label})
    assert r.status_code == 400 and "NOPE" in r.get_json()["detail"]
    wrong_text = [dict(NER_RESULT[0], value={"start": 0, "end": 5, "text": "Bob", "labels": ["PER"]})]
    r = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": wrong_text})
    assert r.status_code == 400
    outside = [dict(NER_RESULT[0], value={"start": 0, "end": 500, "labels": ["PER"]})]
    r = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": outside})
    assert r.status_code == 400


def test_empty_annotation_refused_when_not_allowed__OPT_2(client, factory, manager):
    project = factory.project(owner=manager, enable_empty_annotation=False)
    [task] = factory.tasks(project, ["Alice"])
    r = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": []})
    assert r.status_code == 400 and "Empty annotations are not allowed" in r.get_json()["detail"]


def test_skip_via_was_cancelled_and_refused_when_hidden__OPT_1(client, factory, manager):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice"])
    r = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"was_cancelled": True})
    assert r.status_code == 201 and r.get_json()["was_cancelled"] is True
    client.patch(f"/api/projects/{project.id}", headers=auth(manager), json={"show_skip_button": False})
    [other] = factory.tasks(project, ["Bob"])
    r = client.post(f"/api/tasks/{other.id}/annotations", headers=auth(manager), json={"was_cancelled": True})
    assert r.status_code == 400 and "Skipping is turned off" in r.get_json()["detail"]


def test_patch_and_delete_annotation_keep_counters(client, factory, manager, session):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice went home"])
    aid = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": NER_RESULT}).get_json()["id"]
    r = client.patch(f"/api/annotations/{aid}/", headers=auth(manager), json={"ground_truth": True})
    assert r.get_json()["ground_truth"] is True
    assert client.patch(f"/api/annotations/{aid}", headers=auth(manager), json={"id": 5}).status_code == 400
    assert client.delete(f"/api/annotations/{aid}", headers=auth(manager)).status_code == 204
    session.refresh(task)
    assert task.total_annotations == 0 and not task.is_labeled


def test_others_cannot_change_my_annotation(client, factory, manager):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice"])
    a1, a2 = factory.user(), factory.user()
    factory.member(project, a1)
    factory.member(project, a2)
    aid = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(a1), json={"result": []}).get_json()["id"]
    # Another annotator's annotation is invisible: the same 404 as a missing id (issue 13 point 1).
    assert client.delete(f"/api/annotations/{aid}", headers=auth(a2)).status_code == 404
    assert client.get(f"/api/annotations/{aid}", headers=auth(a1)).status_code == 200


def test_export_json_through_api__DM_2(client, factory, manager):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice went home"])
    client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": NER_RESULT})
    r = client.get(f"/api/projects/{project.id}/export?exportType=JSON", headers=auth(manager))
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    exported = json.loads(r.get_data(as_text=True))
    assert exported[0]["annotations"][0]["result"] == NER_RESULT
    bad = client.get(f"/api/projects/{project.id}/export?exportType=XML", headers=auth(manager))
    assert bad.status_code == 400


def test_session_api_write_needs_csrf(client, factory, manager):
    project = factory.project(owner=manager)
    login(client, manager)
    assert client.patch(f"/api/projects/{project.id}", json={"title": "x"}).status_code == 400
    assert client.get(f"/api/projects/{project.id}").status_code == 200


def test_task_agreement_shown_to_managers_withheld_from_annotators__OPT_3(client, factory, manager, session):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice went home"])
    task.agreement = 75.0
    session.commit()
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    assert client.get(f"/api/tasks/{task.id}", headers=auth(manager)).get_json()["agreement"] == 75.0
    assert "agreement" not in client.get(f"/api/tasks/{task.id}", headers=auth(annotator)).get_json()


def test_ground_truth_patch_keeps_one_per_task__QA_6(client, factory, manager, session):
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Alice went home"])
    other = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, other)
    first = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(manager), json={"result": NER_RESULT}).get_json()["id"]
    second = client.post(f"/api/tasks/{task.id}/annotations", headers=auth(other), json={"result": []}).get_json()["id"]
    client.patch(f"/api/annotations/{first}", headers=auth(manager), json={"ground_truth": True})
    client.patch(f"/api/annotations/{second}", headers=auth(manager), json={"ground_truth": True})
    assert client.get(f"/api/annotations/{first}", headers=auth(manager)).get_json()["ground_truth"] is False
    assert client.get(f"/api/annotations/{second}", headers=auth(manager)).get_json()["ground_truth"] is True
