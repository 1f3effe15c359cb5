"""Selection and bulk actions, and the registry other packages extend (DM-1)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.data_manager.helpers import annotate
from tests.factories import csrf_token
from webapp.data_manager import actions as registry
from webapp.data_manager import register_action
from webapp.models import Annotation, AssignmentKind, Distribution, OrgRole, Task, TaskAssignment


@pytest.fixture
def setup(factory, session, manager, as_user):
    project = factory.project(owner=manager, distribution=Distribution.MANUAL)
    ann, rev = factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.REVIEWER)
    factory.member(project, ann)
    factory.member(project, rev)
    tasks = factory.tasks(project, [f"task {i}" for i in range(6)])
    client = as_user(manager)
    token = csrf_token(client, f"/projects/{project.id}/data")

    def run(action: str, ids=(), htmx: bool = True, **form):
        data = {"action": action, "ids": [str(i) for i in ids], "csrf_token": token, **form}
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(f"/projects/{project.id}/data/actions", data=data, headers=headers)

    return project, tasks, ann, rev, run


def _assigned(session, kind):
    return set(session.scalars(select(TaskAssignment.task_id).where(TaskAssignment.kind == kind)))


def test_assign_and_unassign_annotators_and_reviewers__DM_1(setup, session):
    _project, tasks, ann, rev, run = setup
    answer = run("assign_annotators", [tasks[0].id, tasks[1].id], user_ids=[str(ann.id)])
    assert "Added 2 annotator assignments" in answer.get_data(as_text=True)
    run("assign_reviewers", [tasks[2].id], user_ids=[str(rev.id)])
    assert _assigned(session, AssignmentKind.ANNOTATOR) == {tasks[0].id, tasks[1].id}
    assert _assigned(session, AssignmentKind.REVIEWER) == {tasks[2].id}
    refused = run("assign_annotators", [tasks[3].id], user_ids=[str(rev.id)]).get_data(as_text=True)
    assert "Not annotator members" in refused
    run("unassign_annotators", [tasks[0].id], user_ids=[str(ann.id)])
    assert _assigned(session, AssignmentKind.ANNOTATOR) == {tasks[1].id}


def test_select_all_matching_applies_the_filters__DM_1(setup, session):
    _project, tasks, _ann, rev, run = setup
    run("assign_reviewers", all="1", q="task 3", user_ids=[str(rev.id)])
    assert _assigned(session, AssignmentKind.REVIEWER) == {tasks[3].id}
    run("assign_reviewers", all="1", user_ids=[str(rev.id)])
    assert _assigned(session, AssignmentKind.REVIEWER) == {t.id for t in tasks}


def test_mark_and_unmark_ground_truth_marks_the_latest_submitted_annotation__DM_1(setup, session):
    _project, tasks, ann, _rev, run = setup
    other = setup[2]
    first = annotate(session, tasks[0], ann)
    latest = annotate(session, tasks[0], other, label="LOC")
    skip = annotate(session, tasks[0], ann, cancelled=True)
    run("mark_ground_truth", [tasks[0].id, tasks[1].id])
    session.expire_all()
    marked = set(session.scalars(select(Annotation.id).where(Annotation.ground_truth.is_(True))))
    assert marked == {latest.id} and first.id != latest.id != skip.id
    assert session.get(Task, tasks[0].id).has_ground_truth and not session.get(Task, tasks[1].id).has_ground_truth
    run("unmark_ground_truth", [tasks[0].id])
    session.expire_all()
    assert not session.get(Task, tasks[0].id).has_ground_truth
    assert not session.scalars(select(Annotation).where(Annotation.ground_truth.is_(True))).all()


def test_delete_tasks_removes_annotations_and_keeps_labels_cache__DM_1(setup, session):
    project, tasks, ann, _rev, run = setup
    annotate(session, tasks[0], ann)
    project.labels_in_use = {"label:PER": 1}
    session.commit()
    answer = run("delete", [tasks[0].id, tasks[1].id], htmx=False)
    assert answer.status_code == 302
    session.expire_all()
    left = set(session.scalars(select(Task.id).where(Task.project_id == project.id)))
    assert left == {t.id for t in tasks[2:]}
    assert not session.scalars(select(Annotation)).all()


def test_open_selection_in_label_stream_redirects__DM_1(setup):
    project, tasks, _ann, _rev, run = setup
    answer = run("label", [tasks[1].id, tasks[0].id])
    assert answer.headers["HX-Redirect"] == f"/projects/{project.id}/stream?tasks={tasks[0].id},{tasks[1].id}"


def test_annotator_may_not_run_manager_actions_nor_act_beyond_own_tasks__DM_1__OPT_3(setup, session, as_user):
    project, tasks, ann, _rev, _run = setup
    project.show_data_manager_to_annotators = True
    session.add(TaskAssignment(task_id=tasks[0].id, user_id=ann.id, kind=AssignmentKind.ANNOTATOR))
    session.commit()
    client = as_user(ann)
    token = csrf_token(client, f"/projects/{project.id}/data")
    url = f"/projects/{project.id}/data/actions"
    ids = [str(t.id) for t in tasks]
    refused = client.post(url, data={"action": "delete", "ids": ids, "csrf_token": token})
    assert refused.status_code == 403
    label = client.post(url, data={"action": "label", "ids": ids, "csrf_token": token}, headers={"HX-Request": "true"})
    assert label.headers["HX-Redirect"].endswith(f"?tasks={tasks[0].id}")  # only the task they see


def test_registered_action_appears_and_runs__DM_1(setup, session, monkeypatch):
    project, tasks, _ann, _rev, run = setup
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    seen = []

    def predict(session, project, user, task_ids):
        seen.extend(task_ids)
        return f"Predicting {len(task_ids)} tasks."

    register_action("test_predict", "Test predictions", predict)
    answer = run("test_predict", [tasks[2].id])
    assert "Predicting 1 tasks." in answer.get_data(as_text=True) and seen == [tasks[2].id]
    assert 'value="test_predict"' in answer.get_data(as_text=True)
    assert run("nope", [tasks[2].id]).status_code == 404
