"""Next-task basics: reservations, overlap, skips (ANN-3..6, SKIP-1..3)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.annotations import Submission, submit_annotation
from webapp.models import Distribution, OrgRole, Reservation, SkipQueue
from webapp.models._types import utcnow
from webapp.queue import next_task, sweep_expired_reservations


def _setup(factory, n_tasks=3, annotators=2, **settings):
    project = factory.project(**settings)
    users = [factory.user(OrgRole.ANNOTATOR) for _ in range(annotators)]
    for u in users:
        factory.member(project, u)
    tasks = factory.tasks(project, [f"text {i}" for i in range(n_tasks)])
    return project, users, tasks


def test_reserved_task_not_given_to_another_annotator__ANN_5(session, factory):
    project, (a, b), tasks = _setup(factory)
    assert next_task(session, project.id, a.id).id == tasks[0].id
    assert next_task(session, project.id, b.id).id == tasks[1].id


def test_reopening_renews_own_reservation__ANN_3(session, factory):
    project, (a, _), tasks = _setup(factory, reservation_minutes=10)
    now = utcnow()
    next_task(session, project.id, a.id, now)
    later = now + timedelta(minutes=5)
    assert next_task(session, project.id, a.id, later).id == tasks[0].id
    expires = session.scalar(select(Reservation.expires_at).where(Reservation.user_id == a.id))
    assert abs((expires - (later + timedelta(minutes=10))).total_seconds()) < 1


def test_expired_reservation_counts_for_nothing__ANN_6(session, factory):
    project, (a, b), tasks = _setup(factory, reservation_minutes=1)
    now = utcnow()
    next_task(session, project.id, a.id, now)
    after_expiry = now + timedelta(minutes=2)
    assert next_task(session, project.id, b.id, after_expiry).id == tasks[0].id
    assert sweep_expired_reservations(session, now + timedelta(minutes=3)) == 2


def test_overlap_two_lets_two_annotators_hold_a_task__ANN_5(session, factory):
    project, (a, b, c), tasks = _setup(factory, n_tasks=1, annotators=3)
    tasks[0].overlap = 2
    session.commit()
    assert next_task(session, project.id, a.id).id == tasks[0].id
    assert next_task(session, project.id, b.id).id == tasks[0].id
    assert next_task(session, project.id, c.id) is None


def test_submit_ends_reservation_and_finishes_task__ANN_4(session, factory):
    project, (a, b), tasks = _setup(factory, n_tasks=1)
    task = next_task(session, project.id, a.id)
    submit_annotation(session, task.id, a, Submission(result=[]))
    assert session.scalar(select(Reservation)) is None
    assert next_task(session, project.id, b.id) is None


def test_requeue_to_me_comes_back_after_the_rest__SKIP_1(session, factory):
    project, (a, _), tasks = _setup(factory, n_tasks=2, skip_queue=SkipQueue.REQUEUE_FOR_ME)
    first = next_task(session, project.id, a.id)
    submit_annotation(session, first.id, a, Submission(was_cancelled=True))
    second = next_task(session, project.id, a.id)
    assert second.id == tasks[1].id
    submit_annotation(session, second.id, a, Submission(result=[]))
    again = next_task(session, project.id, a.id)
    assert again.id == first.id
    submit_annotation(session, again.id, a, Submission(result=[]))
    session.refresh(tasks[0])
    assert tasks[0].is_labeled and tasks[0].cancelled_annotations == 0


def test_requeue_to_others_never_back_to_me__SKIP_2(session, factory):
    project, (a, b), tasks = _setup(factory, n_tasks=1, skip_queue=SkipQueue.REQUEUE_FOR_OTHERS)
    task = next_task(session, project.id, a.id)
    submit_annotation(session, task.id, a, Submission(was_cancelled=True))
    assert next_task(session, project.id, a.id) is None
    assert next_task(session, project.id, b.id).id == task.id


def test_ignore_skipped_counts_as_completed__SKIP_3(session, factory):
    project, (a, b), tasks = _setup(factory, n_tasks=1, skip_queue=SkipQueue.IGNORE_SKIPPED)
    task = next_task(session, project.id, a.id)
    submit_annotation(session, task.id, a, Submission(was_cancelled=True))
    session.refresh(task)
    assert task.is_labeled
    assert next_task(session, project.id, b.id) is None


def test_manual_mode_offers_only_assigned_tasks__ANN_2(session, factory):
    from webapp.models import AssignmentKind, TaskAssignment

    project, (a, b), tasks = _setup(factory, distribution=Distribution.MANUAL)
    session.add(TaskAssignment(task_id=tasks[2].id, user_id=a.id, kind=AssignmentKind.ANNOTATOR))
    session.commit()
    assert next_task(session, project.id, a.id).id == tasks[2].id
    assert next_task(session, project.id, b.id) is None
    assert session.scalar(select(Reservation)) is None


def test_second_submit_by_same_annotator_updates_instead_of_duplicating__ANN_5(session, factory):
    from sqlalchemy import func

    from webapp.models import Annotation

    project, (a, _), tasks = _setup(factory, n_tasks=1)
    task = next_task(session, project.id, a.id)
    first = submit_annotation(session, task.id, a, Submission(result=[]))
    again = submit_annotation(session, task.id, a, Submission(result=[]))
    assert again.id == first.id
    assert session.scalar(select(func.count(Annotation.id))) == 1


def test_reopening_with_two_held_reservations_of_one_instant_is_deterministic__ANN_3(session, factory):
    """A settings change can leave an annotator two live reservations made at the same
    instant; reopening renews the one with the higher task id, whatever the plan."""
    project, (a, _), tasks = _setup(factory, n_tasks=3)
    expires = utcnow() + timedelta(minutes=30)
    session.add_all([Reservation(task_id=t.id, user_id=a.id, expires_at=expires) for t in tasks[:2]])
    session.commit()
    assert {next_task(session, project.id, a.id).id for _ in range(5)} == {tasks[1].id}
