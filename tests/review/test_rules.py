"""Review domain rules on both databases: REV-2, REV-3, REV-4, REV-5, REV-7."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.queue.helpers import assign, skip
from tests.review.conftest import span
from webapp.models import (
    Annotation,
    Distribution,
    RejectOption,
    Review,
    ReviewAction,
    ReviewedWhen,
    ReviewState,
)
from webapp.queue import next_task
from webapp.review import Decision, ReviewError, decision_from, next_task_to_review, review_annotation

ACCEPT = Decision(ReviewAction.ACCEPT)
REQUEUE = Decision(ReviewAction.REJECT_REQUEUE, "Label the full name")
REMOVE = Decision(ReviewAction.REJECT_REMOVE, "spam")


def _next(session, s):
    task = next_task_to_review(session, s.project, s.reviewer)
    return task.id if task else None


def test_only_submitted_unreviewed_annotations_are_offered__REV_2(make_setup, session) -> None:
    s = make_setup()
    first, second, _ = s.tasks
    assert _next(session, s) is None
    skip(session, first, s.annotators[0])  # a skip is nothing to review
    assert _next(session, s) is None
    a = s.submit(session, second, s.annotators[0])
    assert _next(session, s) == second.id
    review_annotation(session, a.id, s.reviewer, ACCEPT)
    assert _next(session, s) is None


def test_one_accepted_marks_task_reviewed__REV_2(make_setup, session) -> None:
    s = make_setup(reviewed_when=ReviewedWhen.ONE_ACCEPTED)
    task = s.tasks[0]
    a1 = s.submit(session, task, s.annotators[0])
    a2 = s.submit(session, task, s.annotators[1])
    review_annotation(session, a1.id, s.reviewer, REQUEUE)
    session.refresh(task)
    assert not task.is_reviewed and (task.reviews_pending, task.reviews_rejected) == (1, 1)
    review_annotation(session, a2.id, s.reviewer, ACCEPT)
    session.refresh(task)
    assert task.is_reviewed and (task.reviews_accepted, task.reviews_rejected, task.reviews_pending) == (1, 1, 0)


def test_all_processed_needs_every_annotation_reviewed__REV_2(make_setup, session) -> None:
    s = make_setup(reviewed_when=ReviewedWhen.ALL_PROCESSED)
    task = s.tasks[0]
    a1 = s.submit(session, task, s.annotators[0])
    a2 = s.submit(session, task, s.annotators[1])
    review_annotation(session, a1.id, s.reviewer, ACCEPT)
    session.refresh(task)
    assert not task.is_reviewed and task.reviews_pending == 1
    assert _next(session, s) == task.id
    review_annotation(session, a2.id, s.reviewer, REQUEUE)
    session.refresh(task)
    assert task.is_reviewed and (task.reviews_accepted, task.reviews_rejected) == (1, 1)


def test_requeue_returns_to_annotator_and_resubmission_to_review__REV_3(make_setup, session) -> None:
    s = make_setup(reviewed_when=ReviewedWhen.ALL_PROCESSED)
    annotator, other = s.annotators
    task = s.tasks[0]
    annotations = [s.submit(session, t, annotator) for t in s.tasks]
    review_annotation(session, annotations[0].id, s.reviewer, REQUEUE)
    session.expire_all()
    assert annotations[0].review_state is ReviewState.REJECTED_REQUEUED and not annotations[0].was_cancelled
    assert next_task(session, s.project.id, annotator.id).id == task.id  # back in their stream
    assert next_task(session, s.project.id, other.id) is None  # not offered to others
    assert _next(session, s) == s.tasks[1].id
    fixed = s.submit(session, task, annotator, result=[span(0, 12), span(17, 32)])
    session.expire_all()
    assert fixed.id == annotations[0].id and fixed.review_state is ReviewState.PENDING
    assert next_task(session, s.project.id, annotator.id) is None
    session.refresh(task)
    assert not task.is_reviewed and task.reviews_pending == 1
    assert _next(session, s) == task.id  # back to review
    review_annotation(session, fixed.id, s.reviewer, ACCEPT)
    session.refresh(task)
    assert task.is_reviewed and (task.reviews_accepted, task.reviews_rejected) == (1, 0)


def test_remove_marks_cancelled_and_leaves_every_queue__REV_3(make_setup, session) -> None:
    s = make_setup(reject_option=RejectOption.REMOVE)
    annotator = s.annotators[0]
    task = s.tasks[0]
    a = s.submit(session, task, annotator)
    review_annotation(session, a.id, s.reviewer, REMOVE)
    session.expire_all()
    assert a.was_cancelled and a.review_state is ReviewState.REJECTED_REMOVED
    assert (task.total_annotations, task.cancelled_annotations, task.is_labeled) == (0, 1, False)
    assert (task.reviews_rejected, task.is_reviewed) == (1, False)
    assert next_task(session, s.project.id, annotator.id).id != task.id  # not requeued to them
    assert _next(session, s) is None
    with pytest.raises(ReviewError, match="nothing to review"):
        review_annotation(session, a.id, s.reviewer, ACCEPT)


def test_fix_and_accept_keeps_the_original__REV_3(make_setup, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    original = list(a.result)
    fixed = [span(0, 12, "ORG")]
    review = review_annotation(session, a.id, s.reviewer, Decision(ReviewAction.FIX_AND_ACCEPT, result=fixed))
    session.expire_all()
    assert a.result == fixed and review.previous_result == original
    assert a.review_state is ReviewState.ACCEPTED and s.tasks[0].is_reviewed


def test_fix_with_an_invalid_result_is_refused_and_nothing_stored__REV_3(make_setup, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    bad = [span(0, 5, "NOPE")]
    with pytest.raises(ReviewError):
        review_annotation(session, a.id, s.reviewer, Decision(ReviewAction.FIX_AND_ACCEPT, result=bad))
    session.rollback()
    assert session.scalars(select(Review)).all() == []
    assert session.get(Annotation, a.id).review_state is ReviewState.PENDING


@pytest.mark.parametrize(
    ("option", "allowed", "refused"),
    [
        (RejectOption.REQUEUE, ReviewAction.REJECT_REQUEUE, ReviewAction.REJECT_REMOVE),
        (RejectOption.REMOVE, ReviewAction.REJECT_REMOVE, ReviewAction.REJECT_REQUEUE),
    ],
)
def test_reject_option_limits_the_reject_action__REV_3(make_setup, session, option, allowed, refused) -> None:
    s = make_setup(reject_option=option)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    with pytest.raises(ReviewError, match="rejects by"):
        review_annotation(session, a.id, s.reviewer, Decision(refused))
    session.rollback()
    review_annotation(session, a.id, s.reviewer, Decision(allowed))
    assert decision_from(s.project, False).action is allowed  # the project's only option


def test_reviewer_chooses_offers_both_and_asks_which__REV_3(make_setup, session) -> None:
    s = make_setup(reject_option=RejectOption.REVIEWER_CHOOSES)
    with pytest.raises(ReviewError, match="requeue or remove"):
        decision_from(s.project, False)
    assert decision_from(s.project, False, remove=True).action is ReviewAction.REJECT_REMOVE
    assert decision_from(s.project, False, remove=False).action is ReviewAction.REJECT_REQUEUE
    a1 = s.submit(session, s.tasks[0], s.annotators[0])
    a2 = s.submit(session, s.tasks[1], s.annotators[0])
    review_annotation(session, a1.id, s.reviewer, Decision(ReviewAction.REJECT_REMOVE))
    review_annotation(session, a2.id, s.reviewer, Decision(ReviewAction.REJECT_REQUEUE))


def test_comment_required_on_reject_when_on__REV_7(make_setup, session) -> None:
    s = make_setup(require_comment_on_reject=True)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    with pytest.raises(ReviewError, match="Leave a comment"):
        review_annotation(session, a.id, s.reviewer, Decision(ReviewAction.REJECT_REQUEUE, "  "))
    session.rollback()
    review_annotation(session, a.id, s.reviewer, ACCEPT)  # accepting needs no comment


def test_comment_optional_on_reject_when_off__REV_7(make_setup, session) -> None:
    s = make_setup(require_comment_on_reject=False)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    review = review_annotation(session, a.id, s.reviewer, Decision(ReviewAction.REJECT_REQUEUE))
    assert review.comment == ""


def test_only_assigned_tasks_when_on__REV_4(make_setup, session) -> None:
    s = make_setup(review_only_assigned=True)
    first, second, _ = s.tasks
    a = s.submit(session, first, s.annotators[0])
    s.submit(session, second, s.annotators[0])
    s.assign_reviewer(session, second)
    assert _next(session, s) == second.id
    with pytest.raises(ReviewError, match="not assigned"):
        review_annotation(session, a.id, s.reviewer, ACCEPT)


def test_managers_review_every_task_even_when_only_assigned__REV_4(make_setup, session) -> None:
    s = make_setup(review_only_assigned=True)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    assert next_task_to_review(session, s.project, s.manager).id == s.tasks[0].id
    review_annotation(session, a.id, s.manager, ACCEPT)


def test_every_ready_task_when_only_assigned_off__REV_4(make_setup, session) -> None:
    s = make_setup(review_only_assigned=False)
    s.submit(session, s.tasks[0], s.annotators[0])
    s.assign_reviewer(session, s.tasks[1])
    assert _next(session, s) == s.tasks[0].id


def test_only_finished_auto_needs_the_overlap_and_skips_do_not_count__REV_5(make_setup, session) -> None:
    s = make_setup(annotators=3, overlap=2, review_only_finished=True, annotations_per_task_minimum=2)
    task = s.tasks[0]
    s.submit(session, task, s.annotators[0])
    skip(session, task, s.annotators[1])
    assert _next(session, s) is None  # one submission and a skip: not finished
    s.submit(session, task, s.annotators[2])
    assert _next(session, s) == task.id


def test_unfinished_tasks_offered_when_only_finished_off__REV_5(make_setup, session) -> None:
    s = make_setup(overlap=2, review_only_finished=False)
    s.submit(session, s.tasks[0], s.annotators[0])
    assert _next(session, s) == s.tasks[0].id


def test_only_finished_manual_needs_every_assigned_annotator__REV_5(make_setup, session) -> None:
    s = make_setup(distribution=Distribution.MANUAL, review_only_finished=True)
    task = s.tasks[0]
    for user in s.annotators:
        assign(session, [task], user)
    s.submit(session, task, s.annotators[0])
    assert _next(session, s) is None
    skip(session, task, s.annotators[1])
    assert _next(session, s) is None  # a skip is no submission
    s.submit(session, task, s.annotators[1])
    assert _next(session, s) == task.id
