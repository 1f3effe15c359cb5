"""Queue rules: overlap (QA-1..3), skip queue in both modes (SKIP-1..4), options (OPT-1, 2, 5)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.queue.helpers import assign, setup_project, skip, submit
from webapp.annotations import AnnotationError
from webapp.models import Distribution, OrgRole, Reservation, Sampling, SkipQueue, Task
from webapp.queue import next_task, overlap_for_task_id, project_progress, recompute_overlap


def _ids(session, project, **where):
    stmt = select(Task.id).where(Task.project_id == project.id).order_by(Task.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Task, key) == value)
    return session.scalars(stmt).all()


# --- QA-1: overlap with enforcement percentage ----------------------------------------

def test_overlap_share_is_exact_and_stable__QA_1(session, factory):
    project, _, _ = setup_project(factory, n_tasks=200, annotations_per_task_minimum=3, overlap_percentage=30)
    recompute_overlap(session, project)
    session.commit()
    enforced = _ids(session, project, overlap=3)
    assert len(enforced) == 60 and len(_ids(session, project, overlap=1)) == 140
    recompute_overlap(session, project)
    session.commit()
    assert _ids(session, project, overlap=3) == enforced  # no reshuffle
    assert all(overlap_for_task_id(project, i) == 3 for i in enforced)


def test_overlap_recompute_updates_is_labeled_and_manual_ignores_it__QA_1(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=2, annotations_per_task_minimum=2)
    recompute_overlap(session, project)
    session.commit()
    submit(session, tasks[0], a)
    assert not session.get(Task, tasks[0].id).is_labeled
    project.distribution = Distribution.MANUAL
    recompute_overlap(session, project)
    session.commit()
    assert _ids(session, project, overlap=1) == [t.id for t in tasks]
    assert session.get(Task, tasks[0].id).is_labeled


def test_import_sets_the_overlap_share__QA_1(session, factory):
    from webapp.io import import_records

    project = factory.project(annotations_per_task_minimum=2, overlap_percentage=50)
    import_records(session, project, project.created_by, [{"text": f"t{i}"} for i in range(100)])
    assert len(_ids(session, project, overlap=2)) == 50


def test_overlap_first_then_id_order__QA_2(session, factory):
    project, (a, _), tasks = setup_project(
        factory, n_tasks=10, annotations_per_task_minimum=2, overlap_percentage=50, show_overlap_first=True
    )
    recompute_overlap(session, project)
    session.commit()
    first_enforced = _ids(session, project, overlap=2)[0]
    assert first_enforced != tasks[0].id  # else the test proves nothing
    assert next_task(session, project.id, a.id).id == first_enforced


def test_ground_truth_first_over_sampling__QA_3__SAMP_4(session, factory):
    project, (a, b), tasks = setup_project(
        factory, n_tasks=30, overlap=2, annotations_per_task_minimum=2,
        show_ground_truth_first=True, sampling=Sampling.UNIFORM,
    )
    submit(session, tasks[20], project.created_by, ground_truth=True)
    assert next_task(session, project.id, a.id).id == tasks[20].id


def test_breadth_first_finishes_tasks_in_progress__QA_1(session, factory):
    project, (a, b), tasks = setup_project(factory, n_tasks=3, overlap=2, annotations_per_task_minimum=2)
    submit(session, tasks[2], a)
    assert next_task(session, project.id, b.id).id == tasks[2].id


# --- SKIP-1..4 in both distribution modes ----------------------------------------------

def test_requeue_to_me_auto_returns_only_if_incomplete__SKIP_1(session, factory):
    project, (a, b), tasks = setup_project(factory, n_tasks=1, skip_queue=SkipQueue.REQUEUE_FOR_ME)
    skip(session, next_task(session, project.id, a.id), a)
    # The skipper still holds the reservation (ANN-4), so the other annotator waits.
    assert next_task(session, project.id, b.id) is None
    submit(session, tasks[0], b)
    assert next_task(session, project.id, a.id) is None


def test_requeue_to_me_manual_keeps_coming_back__SKIP_1(session, factory):
    project, (a, _), tasks = setup_project(
        factory, n_tasks=2, distribution=Distribution.MANUAL, skip_queue=SkipQueue.REQUEUE_FOR_ME
    )
    assign(session, tasks, a)
    skip(session, next_task(session, project.id, a.id), a)
    assert next_task(session, project.id, a.id).id == tasks[1].id
    submit(session, tasks[1], a)
    for _ in range(2):
        again = next_task(session, project.id, a.id)
        assert again.id == tasks[0].id
        skip(session, again, a)
    submit(session, tasks[0], a)
    assert next_task(session, project.id, a.id) is None


def test_requeue_to_others_manual_waits_for_a_manager__SKIP_2(session, factory):
    project, (a, b), tasks = setup_project(
        factory, n_tasks=1, distribution=Distribution.MANUAL, skip_queue=SkipQueue.REQUEUE_FOR_OTHERS
    )
    assign(session, tasks, a)
    skip(session, next_task(session, project.id, a.id), a)
    assert next_task(session, project.id, a.id) is None
    assert next_task(session, project.id, b.id) is None
    assign(session, tasks, b)
    assert next_task(session, project.id, b.id).id == tasks[0].id


def test_ignore_skipped_auto_overlap_two_goes_to_others__SKIP_3(session, factory):
    project, (a, b, c), tasks = setup_project(
        factory, n_tasks=1, annotators=3, overlap=2, skip_queue=SkipQueue.IGNORE_SKIPPED
    )
    skip(session, next_task(session, project.id, a.id), a)
    assert next_task(session, project.id, a.id) is None
    submit(session, next_task(session, project.id, b.id), b)
    assert session.get(Task, tasks[0].id).is_labeled
    assert next_task(session, project.id, c.id) is None


def test_ignore_skipped_manual_others_still_see_it__SKIP_3(session, factory):
    project, (a, b), tasks = setup_project(
        factory, n_tasks=1, distribution=Distribution.MANUAL, skip_queue=SkipQueue.IGNORE_SKIPPED
    )
    assign(session, tasks, a)
    assign(session, tasks, b)
    skip(session, next_task(session, project.id, a.id), a)
    assert next_task(session, project.id, a.id) is None
    assert next_task(session, project.id, b.id).id == tasks[0].id


@pytest.mark.parametrize(
    "mode, finished",
    [(SkipQueue.REQUEUE_FOR_ME, 1), (SkipQueue.REQUEUE_FOR_OTHERS, 1), (SkipQueue.IGNORE_SKIPPED, 2)],
)
def test_progress_counts_skips_only_when_ignored__SKIP_4(session, factory, mode, finished):
    project, (a, _), tasks = setup_project(factory, n_tasks=2, skip_queue=mode)
    skip(session, tasks[0], a)
    submit(session, tasks[1], a)
    assert project_progress(project) == (finished, 2)


def test_skip_releases_reservation_per_mode__ANN_4(session, factory):
    for mode, kept in [(SkipQueue.REQUEUE_FOR_ME, 1), (SkipQueue.REQUEUE_FOR_OTHERS, 0), (SkipQueue.IGNORE_SKIPPED, 0)]:
        project, (a, _), _ = setup_project(factory, n_tasks=1, skip_queue=mode)
        skip(session, next_task(session, project.id, a.id), a)
        held = session.scalar(select(func.count()).select_from(Reservation).where(Reservation.user_id == a.id))
        assert held == kept, mode


# --- OPT-1, OPT-2, OPT-5 -----------------------------------------------------------------

def test_skip_refused_when_hidden__OPT_1(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=1, show_skip_button=False)
    with pytest.raises(AnnotationError, match="Skipping is turned off"):
        skip(session, tasks[0], a)


def test_empty_submission_refused__OPT_2(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=1, enable_empty_annotation=False)
    with pytest.raises(AnnotationError, match="Empty annotations are not allowed"):
        submit(session, tasks[0], a, result=[])


def test_skip_needs_comment__OPT_5(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=1, require_comment_on_skip=True)
    with pytest.raises(AnnotationError, match="comment"):
        skip(session, tasks[0], a)
    skip(session, tasks[0], a, comment="unreadable")


# --- MEM-3 -------------------------------------------------------------------------------

def test_new_member_gets_tasks_at_once__MEM_3(session, factory, client):
    project = factory.project()
    factory.tasks(project, ["one"])
    user = factory.user(OrgRole.ANNOTATOR)
    headers = {"Authorization": f"Token {user.api_token}"}
    assert client.get(f"/api/projects/{project.id}/next", headers=headers).status_code == 404
    factory.member(project, user)
    response = client.get(f"/api/projects/{project.id}/next", headers=headers)
    assert response.status_code == 200, response.get_json()
