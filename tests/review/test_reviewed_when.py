"""REV-2 kept exact: changing "reviewed when" recounts every task (set-based), and a
resubmission after a requeue sends a reviewed task back to review under either setting."""
from __future__ import annotations

from tests.factories import csrf_token, login
from webapp.models import ReviewAction, ReviewedWhen
from webapp.project_settings import apply_settings
from webapp.review import Decision, next_task_to_review, review_annotation

ACCEPT = Decision(ReviewAction.ACCEPT)
REQUEUE = Decision(ReviewAction.REJECT_REQUEUE, "fix the span")


def _one_accepted_one_pending(session, s):
    """Task 0: one accepted, one pending annotation. Task 1: one pending only."""
    first, second = s.tasks[0], s.tasks[1]
    a1 = s.submit(session, first, s.annotators[0])
    s.submit(session, first, s.annotators[1])
    s.submit(session, second, s.annotators[0])
    review_annotation(session, a1.id, s.reviewer, ACCEPT)
    return first, second


def _reviewed(session, tasks) -> list[bool]:
    for t in tasks:
        session.refresh(t)
    return [t.is_reviewed for t in tasks]


def test_changing_reviewed_when_recounts_every_task__REV_2(make_setup, session) -> None:
    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    first, second = _one_accepted_one_pending(session, s)
    assert _reviewed(session, [first, second]) == [True, False]
    assert apply_settings(s.project, {"reviewed_when": "all_processed"}) == ["reviewed_when"]
    session.commit()
    assert _reviewed(session, [first, second]) == [False, False]  # one annotation still pending
    assert next_task_to_review(session, s.project, s.reviewer).id == first.id
    apply_settings(s.project, {"reviewed_when": "one_accepted"})
    session.commit()
    assert _reviewed(session, [first, second]) == [True, False]


def test_settings_page_recounts_reviewed_tasks__REV_2(make_setup, client, session) -> None:
    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    first, _ = _one_accepted_one_pending(session, s)
    login(client, s.manager)
    token = csrf_token(client, f"/projects/{s.project.id}/settings/review")
    response = client.post(
        f"/projects/{s.project.id}/settings/review",
        data={"csrf_token": token, "reviewed_when": "all_processed", "reject_option": "requeue"},
    )
    assert response.status_code == 200
    assert _reviewed(session, [first]) == [False]


def test_recount_is_one_set_based_update__REV_2(make_setup, session) -> None:
    """No per-task loop: the recount is a single UPDATE whatever the number of tasks."""
    from sqlalchemy import event

    s = make_setup(n_tasks=30, annotators=1, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    for t in s.tasks:
        review_annotation(session, s.submit(session, t, s.annotators[0]).id, s.reviewer, ACCEPT)
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        apply_settings(s.project, {"reviewed_when": "all_processed"})
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum(st.lstrip().upper().startswith("UPDATE TASK") for st in statements) == 1
    assert all(_reviewed(session, s.tasks))  # every annotation processed: still reviewed


def _accept_first_requeue_second(session, s, task):
    """Both annotators submit the task; the reviewer accepts the first, requeues the second."""
    a1 = s.submit(session, task, s.annotators[0])
    a2 = s.submit(session, task, s.annotators[1])
    review_annotation(session, a1.id, s.reviewer, ACCEPT)
    review_annotation(session, a2.id, s.reviewer, REQUEUE)
    return a1, a2


def test_one_accepted_resubmission_after_requeue_returns_to_review__REV_2_REV_3(make_setup, session) -> None:
    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    task = s.tasks[0]
    a1 = s.submit(session, task, s.annotators[0])
    a2 = s.submit(session, task, s.annotators[1])
    review_annotation(session, a2.id, s.reviewer, REQUEUE)
    review_annotation(session, a1.id, s.reviewer, ACCEPT)
    assert _reviewed(session, [task]) == [True]
    assert next_task_to_review(session, s.project, s.reviewer) is None
    s.submit(session, task, s.annotators[1])  # the fix comes back
    session.refresh(task)
    assert (task.is_reviewed, task.reviews_pending, task.reviews_resubmitted) == (False, 1, 1)
    assert next_task_to_review(session, s.project, s.reviewer).id == task.id
    review_annotation(session, a2.id, s.reviewer, ACCEPT)
    session.refresh(task)
    assert (task.is_reviewed, task.reviews_accepted, task.reviews_resubmitted) == (True, 2, 0)


def test_one_accepted_fresh_submission_keeps_task_reviewed__REV_2(make_setup, session) -> None:
    """Only a resubmitted fix reopens the task; a new annotator's first submission does not."""
    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    task = s.tasks[0]
    review_annotation(session, s.submit(session, task, s.annotators[0]).id, s.reviewer, ACCEPT)
    s.submit(session, task, s.annotators[1])
    session.refresh(task)
    assert (task.is_reviewed, task.reviews_pending, task.reviews_resubmitted) == (True, 1, 0)


def test_resubmission_recount_survives_a_setting_change__REV_2(make_setup, session) -> None:
    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ALL_PROCESSED)
    task = s.tasks[0]
    _accept_first_requeue_second(session, s, task)
    s.submit(session, task, s.annotators[1])
    apply_settings(s.project, {"reviewed_when": "one_accepted"})
    session.commit()
    assert _reviewed(session, [task]) == [False]  # the fix still waits for its reviewer


def test_one_accepted_update_of_a_requeued_annotation_returns_to_review__REV_2_REV_3(make_setup, session) -> None:
    """The fix may come through the API's PATCH as well as through the stream."""
    from tests.review.conftest import span
    from webapp.annotations import update_annotation

    s = make_setup(annotators=2, reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    task = s.tasks[0]
    _, a2 = _accept_first_requeue_second(session, s, task)
    assert _reviewed(session, [task]) == [True]
    update_annotation(session, a2, {"result": [span(0, 3)]}, actor_id=s.annotators[1].id)
    assert _reviewed(session, [task]) == [False]
    assert next_task_to_review(session, s.project, s.reviewer).id == task.id
