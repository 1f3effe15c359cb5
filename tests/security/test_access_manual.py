"""Issue 13 point 1: Manual distribution is enforced on every read and write of a task
(ANN-2), "review only manually assigned tasks" on every review (REV-4), and an annotator
in Auto reads any task of the project but only their own annotations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.security.helpers import As
from tests.security.world import NER, Role, build_world
from webapp.models import Annotation, AssignmentKind, Distribution, Draft, TaskAssignment


@pytest.fixture
def manual(session, factory):
    return build_world(session, factory, Distribution.MANUAL)


def _count(session, model, **where) -> int:
    return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _task_routes(world, task_id: int) -> list[tuple[str, str, object]]:
    stream = f"/projects/{world.project.id}/stream"
    return [
        ("GET", f"/api/tasks/{task_id}", None),
        ("GET", f"/api/tasks/{task_id}/presign?fileuri=s3://bucket/a.txt", None),
        ("POST", f"/api/tasks/{task_id}/annotations", {"result": NER}),
        ("POST", f"{stream}/tasks/{task_id}/submit", {"result": NER}),
        ("POST", f"{stream}/tasks/{task_id}/draft", {"result": NER}),
        ("POST", f"{stream}/tasks/{task_id}/skip", {}),
        ("POST", f"{stream}/suggest", {"task_id": task_id, "context": {}}),
    ]


def test_manual_annotator_neither_reads_nor_writes_an_unassigned_task__ANN_2(client, session, manual):
    """Issue 13 point 1: read, API submit, stream submit, draft, skip and suggest all 404."""
    me = As(client, manual.annotator)
    before = _count(session, Annotation), _count(session, Draft)
    answers = {url: me.send(method, url, body).status_code for method, url, body in _task_routes(manual, manual.task.id)}
    assert set(answers.values()) == {404}, answers
    assert (_count(session, Annotation), _count(session, Draft)) == before  # nothing stored


def test_manual_annotator_reads_and_labels_an_assigned_task__ANN_2(client, session, manual):
    me = As(client, manual.annotator)
    url = f"/projects/{manual.project.id}/stream/tasks/{manual.assigned.id}"
    assert me.get(f"/api/tasks/{manual.assigned.id}").status_code == 200
    assert me.send("POST", url + "/draft", {"result": NER}).status_code == 200
    assert me.send("POST", url + "/submit", {"result": NER}).status_code == 200
    assert _count(session, Annotation, task_id=manual.assigned.id, completed_by_id=manual.annotator.id) == 1


def test_manual_annotator_loses_their_annotation_with_the_assignment__ANN_2(client, manual):
    """The annotation they made before the unassignment: not readable, not changeable."""
    me = As(client, manual.annotator)
    url = f"/api/annotations/{manual.annotation.id}"
    assert me.get(url).status_code == 404
    assert me.send("PATCH", url, {"result": []}).status_code == 404
    assert me.send("DELETE", url).status_code == 404


def test_auto_annotator_reads_any_task_but_only_own_annotations(client, session, factory):
    """Auto: every task of the project is one the annotator may label, so may read."""
    world = build_world(session, factory, Distribution.AUTO)
    other = world.users[Role.MANAGER]
    me = As(client, world.annotator)
    mine = me.get(f"/api/tasks/{world.task.id}").get_json()
    assert [a["id"] for a in mine["annotations"]] == [world.annotation.id]
    theirs = me.send("POST", f"/api/tasks/{world.assigned.id}/annotations", {"result": NER}).get_json()["id"]
    client.post("/logout", headers={"X-CSRFToken": me.token})
    manager = As(client, other)
    assert manager.send("POST", f"/api/tasks/{world.assigned.id}/annotations", {"result": NER}).status_code == 201
    client.post("/logout", headers={"X-CSRFToken": manager.token})
    me = As(client, world.annotator)
    body = me.get(f"/api/tasks/{world.assigned.id}").get_json()
    assert [a["id"] for a in body["annotations"]] == [theirs]  # not the manager's


def test_reviewer_sees_only_assigned_tasks_when_asked__REV_4(client, session, manual):
    """Issue 13 point 1: with "review only manually assigned tasks" a reviewer reads and
    reviews only the tasks assigned to them for review."""
    manual.project.review_only_assigned = True
    session.commit()
    reviewer = manual.users[Role.REVIEWER]
    me = As(client, reviewer)
    review = {"accepted": True}
    assert me.get(f"/api/tasks/{manual.task.id}").status_code == 404
    assert me.send("POST", f"/api/annotations/{manual.annotation.id}/reviews", review).status_code == 404
    session.add(TaskAssignment(task_id=manual.task.id, user_id=reviewer.id, kind=AssignmentKind.REVIEWER))
    session.commit()
    assert me.get(f"/api/tasks/{manual.task.id}").status_code == 200
    assert me.send("POST", f"/api/annotations/{manual.annotation.id}/reviews", review).status_code == 201
