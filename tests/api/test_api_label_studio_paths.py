"""Label Studio's own paths the SDK calls (issue 16 point 1 and point 6): /api/tasks,
/api/predictions, whoami, version, export_type, ml kind, localfiles storage."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.api.test_api import NER_RESULT, auth
from webapp.ml.pipeline import run_pending_jobs
from webapp.models import Annotation, OrgRole, Project, Task


@pytest.fixture
def manager(factory):
    return factory.user(OrgRole.MANAGER)


@pytest.fixture
def project(factory, manager):
    return factory.project(manager)


def test_tasks_list_is_label_studio_paginated_shape__issue_16_point_1(client, factory, manager, project):
    factory.tasks(project, [f"Alice {i}" for i in range(3)])
    page = client.get(f"/api/tasks/?project={project.id}&page=1&page_size=2", headers=auth(manager)).get_json()
    assert (page["total"], page["total_annotations"], page["total_predictions"]) == (3, 0, 0)
    assert [t["data"]["text"] for t in page["tasks"]] == ["Alice 0", "Alice 1"]
    assert "annotations" not in page["tasks"][0]  # fields=task_only by default, as Label Studio
    full = client.get(f"/api/tasks?project={project.id}&page=2&page_size=2&fields=all", headers=auth(manager))
    assert [t["annotations"] for t in full.get_json()["tasks"]] == [[]]
    past = client.get(f"/api/tasks?project={project.id}&page=3&page_size=2", headers=auth(manager)).get_json()
    assert past["tasks"] == [] and past["total"] == 3  # the SDK's pager stops on an empty page
    assert client.get("/api/tasks", headers=auth(manager)).status_code == 400


def test_task_create_update_delete__issue_16_point_1(client, session, manager, project):
    created = client.post("/api/tasks/", headers=auth(manager),
                          json={"project": project.id, "data": {"text": "Alice smiles"}, "meta": {"src": "a"}})
    assert created.status_code == 201, created.get_json()
    task_id = created.get_json()["id"]
    assert session.get(Project, project.id).task_count == 1
    bad = client.patch(f"/api/tasks/{task_id}/", headers=auth(manager), json={"data": {"other": 1}})
    assert bad.status_code == 400 and "text" in bad.get_json()["detail"]
    patched = client.patch(f"/api/tasks/{task_id}/", headers=auth(manager), json={"data": {"text": "Bob"}, "meta": {}})
    assert patched.status_code == 200 and patched.get_json()["data"] == {"text": "Bob"}
    assert client.delete(f"/api/tasks/{task_id}/", headers=auth(manager)).status_code == 204
    session.expire_all()
    assert session.get(Task, task_id) is None and session.get(Project, project.id).task_count == 0


def test_delete_all_tasks_and_annotator_refused__issue_16_point_1(client, session, factory, manager, project):
    tasks = factory.tasks(project, ["a", "b"])
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    assert client.delete(f"/api/tasks/{tasks[0].id}", headers=auth(annotator)).status_code == 403
    assert client.delete(f"/api/projects/{project.id}/tasks/", headers=auth(annotator)).status_code == 403
    assert client.delete(f"/api/projects/{project.id}/tasks/", headers=auth(manager)).status_code == 204
    session.expire_all()
    assert session.get(Project, project.id).task_count == 0


def test_predictions_crud__issue_16_point_1(client, session, factory, manager, project):
    task = factory.tasks(project, ["Alice smiles"])[0]
    created = client.post("/api/predictions/", headers=auth(manager),
                          json={"task": task.id, "result": NER_RESULT, "score": 0.5, "model_version": "v1"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["score"], body["model_version"], body["task"]) == (0.5, "v1", task.id)
    pid = body["id"]
    assert [p["id"] for p in client.get(f"/api/predictions?task={task.id}", headers=auth(manager)).get_json()] == [pid]
    assert len(client.get(f"/api/predictions/?project={project.id}", headers=auth(manager)).get_json()) == 1
    patched = client.patch(f"/api/predictions/{pid}/", headers=auth(manager), json={"score": 0.9})
    assert patched.get_json()["score"] == 0.9 and patched.get_json()["id"] == pid
    wrong = client.post("/api/predictions", headers=auth(manager), json={"task": task.id, "result": [{"x": 1}]})
    assert wrong.status_code == 400
    session.expire_all()
    assert session.get(Task, task.id).total_predictions == 1
    assert client.delete(f"/api/predictions/{pid}", headers=auth(manager)).status_code == 204
    assert client.get(f"/api/predictions/{pid}", headers=auth(manager)).status_code == 404
    session.expire_all()
    assert session.get(Task, task.id).total_predictions == 0


def test_whoami_version_users_list__issue_16_point_6(client, factory, manager):
    assert client.get("/api/current-user/whoami/", headers=auth(manager)).get_json()["id"] == manager.id
    assert client.get("/api/version", headers=auth(manager)).get_json()["release"]
    for _ in range(25):
        factory.user(OrgRole.ANNOTATOR)
    assert len(client.get("/api/users/", headers=auth(manager)).get_json()) == 26  # a list of all of them
    members = client.get(f"/api/organizations/{manager.organization_id}/memberships?page_size=10&page=3",
                         headers=auth(manager)).get_json()
    assert len(members["results"]) == 6 and members["count"] == 26
    other = client.get(f"/api/organizations/{manager.organization_id + 1}/memberships", headers=auth(manager))
    assert other.status_code == 404


def test_export_type_accepted_and_unknown_refused__issue_16_point_6(client, factory, manager, project):
    factory.tasks(project, ["Alice"])
    csv = client.get(f"/api/projects/{project.id}/export?export_type=CSV&download_all_tasks=true",
                     headers=auth(manager))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    unknown = client.get(f"/api/projects/{project.id}/export?export_type=XML", headers=auth(manager))
    assert unknown.status_code == 400


def test_ml_create_without_kind_is_a_backend__issue_16_point_6(client, manager, project):
    """No kind and a URL: the ML backend, checked (here: unreachable, so refused), never a
    built-in model saved with an empty URL."""
    answer = client.post("/api/ml/", headers=auth(manager), json={"project": project.id, "url": "http://127.0.0.1:9"})
    assert answer.status_code == 400 and "Not saved" in answer.get_json()["detail"]
    builtin = client.post("/api/ml", headers=auth(manager), json={"project": project.id, "kind": "builtin",
                                                                  "is_interactive": True})
    assert builtin.status_code == 201, builtin.get_json()
    assert (builtin.get_json()["is_interactive"], builtin.get_json()["state"]) == (True, "CO")
    changed = client.patch(f"/api/ml/{builtin.get_json()['id']}", headers=auth(manager), json={"is_interactive": False})
    assert changed.get_json()["is_interactive"] is False


def test_localfiles_is_local_storage__issue_16_point_6(client, manager, project, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_LOCAL_FILES_ROOT", str(tmp_path))
    answer = client.post("/api/storages/localfiles", headers=auth(manager),
                         json={"project": project.id, "path": str(tmp_path)})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["type"] == "localfiles"


def test_storages_listed_and_read_in_label_studio_paths__issue_16_point_2(client, manager, project, tmp_path, app,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_LOCAL_FILES_ROOT", str(tmp_path))
    source = client.post("/api/storages/localfiles/", headers=auth(manager),
                         json={"project": project.id, "path": str(tmp_path)}).get_json()
    target = client.post("/api/storages/export/localfiles", headers=auth(manager),
                         json={"project": project.id, "path": str(tmp_path)})
    assert target.status_code == 201 and target.get_json()["role"] == "target"
    target = target.get_json()
    listed = client.get(f"/api/storages/localfiles?project={project.id}", headers=auth(manager)).get_json()
    assert [s["id"] for s in listed] == [source["id"]]
    exported = client.get(f"/api/storages/export/localfiles/?project={project.id}", headers=auth(manager)).get_json()
    assert [s["id"] for s in exported] == [target["id"]]
    assert client.get(f"/api/storages/localfiles/{source['id']}", headers=auth(manager)).get_json()["type"] == "localfiles"
    assert client.get(f"/api/storages/localfiles/{target['id']}", headers=auth(manager)).status_code == 404
    assert client.post(f"/api/storages/export/localfiles/{target['id']}/sync", headers=auth(manager)).status_code == 202
    valid = client.post("/api/storages/localfiles/validate", headers=auth(manager),
                        json={"project": project.id, "path": str(tmp_path)})
    assert valid.status_code == 200
    outside = client.post("/api/storages/export/localfiles/validate", headers=auth(manager),
                          json={"project": project.id, "path": "/etc"})
    assert outside.status_code == 400 and "path" in outside.get_json()["validation_errors"]
    assert client.delete(f"/api/storages/export/localfiles/{target['id']}", headers=auth(manager)).status_code == 204
    assert client.delete(f"/api/storages/localfiles/{source['id']}", headers=auth(manager)).status_code == 204
    assert client.get(f"/api/storages/localfiles?project={project.id}", headers=auth(manager)).get_json() == []


def test_projects_list_pages_end__issue_16_point_1(client, factory, manager):
    for _ in range(3):
        factory.project(manager)
    first = client.get("/api/projects?page=1&page_size=2", headers=auth(manager)).get_json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert client.get("/api/projects?page=3&page_size=2", headers=auth(manager)).get_json()["results"] == []
    assert client.get("/api/projects?page=2", headers=auth(manager)).get_json()["results"] == []


def test_export_snapshot_made_in_the_background__issue_16_point_1(client, session, factory, manager, project,
                                                                 tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_EXPORT_DIR", str(tmp_path))
    factory.tasks(project, ["Alice"])
    base = f"/api/projects/{project.id}/exports"
    created = client.post(base + "/", headers=auth(manager), json={"title": "Mine"}).get_json()
    assert created["status"] == "created" and created["title"] == "Mine"
    early = client.get(f"{base}/{created['id']}/download", headers=auth(manager))
    assert early.status_code == 400 and "created" in early.get_json()["detail"]
    assert run_pending_jobs(session) == 1
    assert client.get(f"{base}/{created['id']}", headers=auth(manager)).get_json()["status"] == "completed"
    saved = client.get(f"{base}/{created['id']}/download?exportType=JSON", headers=auth(manager))
    assert [t["data"] for t in saved.get_json()] == [{"text": "Alice"}]
    assert client.get(f"{base}/{created['id']}/download?exportType=CSV", headers=auth(manager)).status_code == 400
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    assert client.get(base, headers=auth(annotator)).status_code == 403
    assert client.delete(f"{base}/{created['id']}", headers=auth(manager)).status_code == 204
    assert client.get(base, headers=auth(manager)).get_json() == [] and list(tmp_path.iterdir()) == []


def test_import_keeps_known_authors_and_skips_prediction_ids__issue_16_point_6(client, session, factory, manager,
                                                                               project):
    """Label Studio's JSON export: `completed_by` as an id or an object is kept when that
    person is a user of the organisation; predictions listed by id are skipped."""
    colleague = factory.user(OrgRole.ANNOTATOR)
    stranger_id = 10**6
    annotation = {"result": NER_RESULT, "lead_time": 2.0}
    records = [{"data": {"text": "Alice smiles"}, "predictions": [41, 42], "annotations": [
        {**annotation, "completed_by": colleague.id},
        {**annotation, "completed_by": {"id": stranger_id, "email": colleague.email.upper()}},
        {**annotation, "completed_by": stranger_id},
        annotation,
    ]}]
    answer = client.post(f"/api/projects/{project.id}/import", headers=auth(manager), json=records)
    assert answer.status_code == 201, answer.get_json()
    assert (answer.get_json()["annotation_count"], answer.get_json()["prediction_count"]) == (4, 0)
    task_id = session.scalar(select(Task.id).where(Task.project_id == project.id))
    authors = session.scalars(select(Annotation.completed_by_id).where(Annotation.task_id == task_id)
                              .order_by(Annotation.id)).all()
    assert authors == [colleague.id, colleague.id, manager.id, manager.id]
    refused = client.post(f"/api/projects/{project.id}/import", headers=auth(manager),
                          json=[{"data": {"text": "Alice"}, "annotations": [{**annotation, "completed_by": "bob"}]}])
    assert refused.status_code == 400 and "completed_by" in refused.get_json()["detail"]


def test_tasks_list_reads_label_studio_query__issue_16_point_1(client, factory, manager, project):
    """The SDK's `query` JSON: filters joined by "and" and an ordering; what the Data
    Manager cannot express is refused, not ignored."""
    tasks = factory.tasks(project, ["Alice here", "Bob there", "Alice there"])
    tasks[2].total_predictions = 2
    factory.session.commit()
    query = {"filters": {"conjunction": "and", "items": [
        {"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "Alice"},
        {"filter": "filter:tasks:total_predictions", "operator": "greater", "type": "Number", "value": 0}]},
        "ordering": ["-tasks:id"]}
    found = client.get("/api/tasks", query_string={"project": project.id, "query": json.dumps(query)},
                       headers=auth(manager)).get_json()
    assert [t["id"] for t in found["tasks"]] == [tasks[2].id] and found["total"] == 1
    ordered = client.get("/api/tasks", query_string={"project": project.id, "query": '{"ordering": ["-tasks:id"]}'},
                         headers=auth(manager)).get_json()
    assert [t["id"] for t in ordered["tasks"]] == [t.id for t in reversed(tasks)]
    either = {"filters": {"conjunction": "or", "items": query["filters"]["items"]}}
    for bad in (either, {"filters": {"items": [{"filter": "filter:tasks:nope", "operator": "equal"}]}}, "{"):
        raw = bad if isinstance(bad, str) else json.dumps(bad)
        refused = client.get("/api/tasks", query_string={"project": project.id, "query": raw}, headers=auth(manager))
        assert refused.status_code == 400, raw
