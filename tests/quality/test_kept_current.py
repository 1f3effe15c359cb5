"""QA_6: task agreement follows every submit, update, skip and delete; Reset cache
recomputes all of a project's tasks."""
from __future__ import annotations

from sqlalchemy import update

from tests.factories import login
from tests.quality.helpers import choice, sentiment_project, submit
from webapp.annotations import delete_annotation, update_annotation
from webapp.models import Task


def test_QA_6_agreement_follows_submit_update_skip_delete(session, factory):
    project, (a, b, c), (task,) = sentiment_project(factory, annotators=3)
    submit(session, task, a, "Positive")
    session.refresh(task)
    assert task.agreement is None  # one annotation: no pair yet
    ann_b = submit(session, task, b, "Negative")
    session.refresh(task)
    assert task.agreement == 0.0
    update_annotation(session, ann_b, {"result": choice("Positive")})
    session.refresh(task)
    assert task.agreement == 100.0
    skip = submit(session, task, c, was_cancelled=True)
    session.refresh(task)
    assert task.agreement == 100.0  # a skip is not a result to agree with
    delete_annotation(session, skip)
    delete_annotation(session, ann_b)
    session.refresh(task)
    assert task.agreement is None


def test_QA_6_reset_cache_recomputes_every_task(session, factory, client):
    project, (a, b), tasks = sentiment_project(factory, n_tasks=3)
    for task, (va, vb) in zip(tasks, [("Positive", "Positive"), ("Positive", "Negative"), ("Neutral", None)]):
        submit(session, task, a, va)
        if vb:
            submit(session, task, b, vb)
    session.execute(update(Task).values(agreement=42.0))  # a stale cache
    session.commit()
    manager = project.created_by
    login(client, manager)
    page = client.get(f"/projects/{project.id}/settings/danger-zone?confirm=reset_cache")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/projects/{project.id}/settings/danger-zone/reset-cache", data={"csrf_token": token})
    assert response.status_code == 200
    assert "agreement recomputed for 3 tasks" in response.get_data(as_text=True)
    session.expire_all()
    assert [session.get(Task, t.id).agreement for t in tasks] == [100.0, 0.0, None]
