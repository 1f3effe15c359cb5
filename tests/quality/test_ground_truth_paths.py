"""QA_6: every way to mark ground truth (Data Manager bulk action, review stream, submit)
goes through one rule: one ground truth per task, has_ground_truth kept, accuracy right."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.quality.helpers import sentiment_project, submit
from webapp.data_manager import get_action, run_action
from webapp.models import Annotation, OrgRole, RejectOption, ReviewAction, Task
from webapp.quality.ground_truth import annotator_accuracy, set_ground_truth, set_ground_truth_of
from webapp.review import Decision, ReviewError, mark_ground_truth, review_annotation


def _truths(session, task) -> list[int]:
    session.expire_all()
    return list(session.scalars(select(Annotation.id).where(
        Annotation.task_id == task.id, Annotation.ground_truth.is_(True)).order_by(Annotation.id)))


def _labelled(session, factory, **settings):
    project, (a, b), tasks = sentiment_project(factory, n_tasks=2, **settings)
    older = submit(session, tasks[0], a, "Positive")
    newer = submit(session, tasks[0], b, "Negative")
    return project, (a, b), tasks, older, newer


def test_QA_6_bulk_mark_replaces_an_older_ground_truth(session, factory):
    project, _, tasks, older, newer = _labelled(session, factory)
    set_ground_truth(session, older, True)
    session.commit()
    action = get_action("mark_ground_truth")
    result = run_action(action, session, project, project.created_by, [tasks[0].id, tasks[1].id])
    assert result.message == "Marked 1 annotation as ground truth."
    assert _truths(session, tasks[0]) == [newer.id]  # one per task: the older one is unmarked
    assert session.get(Task, tasks[0].id).has_ground_truth and not session.get(Task, tasks[1].id).has_ground_truth
    run_action(get_action("unmark_ground_truth"), session, project, project.created_by, [tasks[0].id])
    assert _truths(session, tasks[0]) == [] and not session.get(Task, tasks[0].id).has_ground_truth


def test_QA_6_bulk_rule_keeps_the_newest_of_one_task_and_never_a_skip(session, factory):
    project, (a, b), tasks, older, newer = _labelled(session, factory)
    skipped = submit(session, tasks[1], a, was_cancelled=True)
    assert set_ground_truth_of(session, [older.id, newer.id, skipped.id], True) == 1
    session.commit()
    assert _truths(session, tasks[0]) == [newer.id] and _truths(session, tasks[1]) == []


def test_QA_6_accuracy_follows_the_bulk_mark(session, factory):
    project, (a, b), tasks, older, newer = _labelled(session, factory)
    run_action(get_action("mark_ground_truth"), session, project, project.created_by, [tasks[0].id])
    assert [(x.key, x.accuracy, x.tasks) for x in annotator_accuracy(session, project)] == [(a.email, 0.0, 1)]


def test_QA_6_submit_with_ground_truth_unmarks_the_others(session, factory):
    project, (a, b), tasks, older, newer = _labelled(session, factory)
    set_ground_truth(session, older, True)
    session.commit()
    submit(session, tasks[0], b, "Negative", ground_truth=True)  # b updates their own annotation
    assert _truths(session, tasks[0]) == [newer.id]
    assert session.get(Task, tasks[0].id).has_ground_truth


def _reviewer(factory, project):
    reviewer = factory.user(OrgRole.REVIEWER)
    factory.member(project, reviewer)
    return reviewer


def test_QA_6_review_stream_marks_ground_truth(session, factory):
    project, _, tasks, older, newer = _labelled(session, factory)
    reviewer = _reviewer(factory, project)
    mark_ground_truth(session, project.id, older.id, reviewer, True)
    assert _truths(session, tasks[0]) == [older.id]
    mark_ground_truth(session, project.id, newer.id, reviewer, True)
    assert _truths(session, tasks[0]) == [newer.id] and session.get(Task, tasks[0].id).has_ground_truth
    mark_ground_truth(session, project.id, newer.id, reviewer, False)
    assert _truths(session, tasks[0]) == [] and not session.get(Task, tasks[0].id).has_ground_truth


def test_QA_6_review_stream_refusals__REV_4(session, factory):
    project, (a, _), tasks, older, _ = _labelled(session, factory, review_only_assigned=True)
    reviewer = _reviewer(factory, project)
    for project_id, annotation_id, message in (
        (project.id, older.id, "not assigned to you"),
        (project.id + 1000, older.id, "not found"),
    ):
        try:
            mark_ground_truth(session, project_id, annotation_id, reviewer, True)
            raise AssertionError("accepted")
        except ReviewError as exc:
            assert message in str(exc)
        session.rollback()
    assert _truths(session, tasks[0]) == []


def test_QA_6_review_remove_drops_the_ground_truth__REV_3(session, factory):
    project, _, tasks, older, newer = _labelled(session, factory, reject_option=RejectOption.REMOVE)
    reviewer = _reviewer(factory, project)
    mark_ground_truth(session, project.id, older.id, reviewer, True)
    review_annotation(session, older.id, reviewer, Decision(ReviewAction.REJECT_REMOVE, "spam"))
    assert _truths(session, tasks[0]) == [] and not session.get(Task, tasks[0].id).has_ground_truth


def test_QA_6_review_page_button_marks_and_unmarks(session, factory, client):
    project, _, tasks, older, _ = _labelled(session, factory)
    reviewer = _reviewer(factory, project)
    login(client, reviewer)
    page = client.get(f"/projects/{project.id}/review").get_data(as_text=True)
    assert "Mark as ground truth" in page
    token = csrf_token(client, f"/projects/{project.id}/review")
    url = f"/projects/{project.id}/review/annotations/{older.id}/ground-truth"
    fragment = client.post(url, data={"csrf_token": token, "value": "1"}, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and "data-ground-truth" in html
    assert "Unmark ground truth" in html and _truths(session, tasks[0]) == [older.id]
    plain = client.post(url, data={"csrf_token": token, "value": "0"})
    assert plain.status_code == 302 and _truths(session, tasks[0]) == []
    assert client.post(f"/projects/{project.id}/review/annotations/999999/ground-truth",
                       data={"csrf_token": token, "value": "1"}).status_code == 404


def test_QA_6_annotators_cannot_mark_from_the_review_stream(session, factory, client):
    project, (a, _), _, older, _ = _labelled(session, factory)
    login(client, a)
    token = csrf_token(client, "/")
    answer = client.post(f"/projects/{project.id}/review/annotations/{older.id}/ground-truth",
                         data={"csrf_token": token, "value": "1"})
    assert answer.status_code == 403
