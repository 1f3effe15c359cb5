"""Issue 13 point 7: a real 4-worker gunicorn, 16 annotators submitting through the API
while a manager saves Data Manager tabs and General settings and runs a bulk action
("create annotations from predictions") on a few thousand tasks: no 5xx, no task over
its overlap, every submitted annotation stored.

On the test store: a SQLite file by default (the case it is about: one writer at a time,
BEGIN IMMEDIATE, batches), PostgreSQL when DATABASE_URL says so.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, insert, select

from bench.annotator_clients import gunicorn, run_clients
from tests.load.conftest import WebClient
from webapp.models import Annotation, DataManagerTab, OrgRole, Prediction, Project, Task

POSITIVE = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}]
LABELED_TASKS = 150  # overlap 2: 300 submissions
BULK_TASKS = 3000
MANAGER_ROUNDS = 12


def _with_predictions(session, factory, owner) -> int:
    project = factory.project(owner=owner, template="text_classification")
    tasks = factory.tasks(project, [f"bulk {i}" for i in range(BULK_TASKS)])
    session.execute(insert(Prediction), [
        {"task_id": t.id, "project_id": project.id, "result": POSITIVE, "score": 0.9, "model_version": "v1"}
        for t in tasks
    ])
    session.commit()
    return project.id


def _manager_saves(manager: WebClient, project_id: int, workspace_id: int) -> list[int]:
    statuses = []
    for i in range(MANAGER_ROUNDS):
        answer = manager.post(f"/projects/{project_id}/data/tabs", {"title": f"tab {i}"})
        statuses += [r.status_code for r in answer.history] + [answer.status_code]
        answer = manager.post(f"/projects/{project_id}/settings/general",
                              {"title": f"Renamed {i}", "description": "", "workspace": workspace_id})
        statuses += [r.status_code for r in answer.history] + [answer.status_code]
    return statuses


def _bulk_action(manager: WebClient, project_id: int) -> list[int]:
    answer = manager.post(f"/projects/{project_id}/data/actions",
                          {"action": "annotations_from_predictions", "all": "1"})
    return [r.status_code for r in answer.history] + [answer.status_code]


def test_four_workers_annotators_and_manager_without_errors__issue_13_point_7(app, session, factory):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager, template="text_classification", annotations_per_task_minimum=2)
    factory.tasks(project, [f"review {i}" for i in range(LABELED_TASKS)], overlap=2)
    annotators = [factory.user(OrgRole.ANNOTATOR) for _ in range(16)]
    for user in annotators:
        factory.member(project, user)
    tokens = [u.api_token for u in annotators]
    project_id, workspace_id, email = project.id, project.workspace_id, manager.email
    bulk_id = _with_predictions(session, factory, manager)
    session.close()

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base, ThreadPoolExecutor(3) as pool:
        saver, bulk = WebClient(base, email), WebClient(base, email)
        saves = pool.submit(_manager_saves, saver, project_id, workspace_id)
        action = pool.submit(_bulk_action, bulk, bulk_id)
        run = run_clients(base, project_id, tokens, POSITIVE)
        statuses = saves.result() + action.result()

    assert run.errors == ()
    assert [s for s in statuses if s >= 500] == [] and set(statuses) <= {200, 302}
    assert run.submitted == 2 * LABELED_TASKS
    stored = session.scalar(select(func.count()).select_from(Annotation).where(Annotation.project_id == project_id))
    assert stored == run.submitted
    counts = session.scalars(select(Task.total_annotations).where(Task.project_id == project_id)).all()
    assert set(counts) == {2}  # none over its overlap
    assert session.scalar(select(func.count()).select_from(Annotation).where(Annotation.project_id == bulk_id)) == BULK_TASKS
    assert session.scalar(select(func.count()).select_from(DataManagerTab)) == MANAGER_ROUNDS
    assert session.get(Project, project_id).title == f"Renamed {MANAGER_ROUNDS - 1}"
