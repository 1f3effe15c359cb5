"""Dashboard: progress per SKIP-4, tasks by state, per-annotator figures (DASH-1)."""
from __future__ import annotations

import re

import pytest

from tests.data_manager.helpers import annotate
from webapp.dashboard import annotator_table, progress, task_states
from webapp.models import OrgRole, ReviewState, SkipQueue
from webapp.queue import recompute_overlap


@pytest.fixture
def project_with_work(factory, session, manager):
    project = factory.project(owner=manager)
    a1, a2 = factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.ANNOTATOR)
    for user in (a1, a2):
        factory.member(project, user)
    tasks = factory.tasks(project, [f"t{i}" for i in range(5)])
    annotate(session, tasks[0], a1, lead_time=10, review_state=ReviewState.ACCEPTED)
    annotate(session, tasks[1], a1, lead_time=20, review_state=ReviewState.REJECTED_REQUEUED)
    annotate(session, tasks[2], a1, lead_time=60)
    annotate(session, tasks[3], a2, cancelled=True)
    annotate(session, tasks[1], a2, lead_time=5)
    tasks[0].is_reviewed = True
    tasks[1].reviews_rejected = 1
    recompute_overlap(session, project)
    session.commit()
    return project, tasks, a1, a2


@pytest.mark.parametrize("skip_queue,finished", [
    (SkipQueue.REQUEUE_FOR_OTHERS, 3), (SkipQueue.REQUEUE_FOR_ME, 3), (SkipQueue.IGNORE_SKIPPED, 4),
])
def test_progress_counts_skips_only_under_ignore_skipped__SKIP_4__DASH_1(project_with_work, session, skip_queue, finished):
    project, *_ = project_with_work
    project.skip_queue = skip_queue
    recompute_overlap(session, project)
    session.commit()
    shown = progress(session, project)
    assert (shown.finished, shown.total) == (finished, 5)
    assert shown.percent < 100


def test_tasks_by_state__DASH_1(project_with_work, session):
    project, *_ = project_with_work
    assert dict(task_states(session, project)) == {
        "Unlabeled": 1, "In progress": 0, "Completed": 3, "Skipped": 1, "Reviewed": 1, "Rejected": 1,
    }


def test_per_annotator_counts_lead_times_and_reviews__DASH_1(project_with_work, session):
    project, _tasks, a1, a2 = project_with_work
    rows = {r.user_id: r for r in annotator_table(session, project)}
    assert (rows[a1.id].annotations, rows[a1.id].skips, rows[a1.id].accepted, rows[a1.id].rejected) == (3, 0, 1, 1)
    assert rows[a1.id].median_lead_time == 20 and rows[a1.id].mean_lead_time == 30
    assert (rows[a2.id].annotations, rows[a2.id].skips, rows[a2.id].median_lead_time) == (1, 1, 5)


def test_median_of_an_even_count_is_the_middle_mean__DASH_1(factory, session, manager):
    project = factory.project(owner=manager)
    ann = factory.user(OrgRole.ANNOTATOR)
    for task, lead in zip(factory.tasks(project, ["a", "b", "c", "d"]), (1, 2, 4, 100)):
        annotate(session, task, ann, lead_time=lead)
    assert annotator_table(session, project)[0].median_lead_time == 3


def test_dashboard_page_draws_svg_and_limits_annotators_to_their_own_row__DASH_1(project_with_work, as_user, manager):
    project, _tasks, a1, a2 = project_with_work
    html = as_user(manager).get(f"/projects/{project.id}/dashboard").get_data(as_text=True)
    assert '<svg class="dash-bar" id="dash-states"' in html and 'data-state="Completed" data-value="3"' in html
    assert "3</strong> of <strong>5</strong>" in html and a1.email in html and a2.email in html
    assert f'hx-get="/projects/{project.id}/dashboard/quality" hx-trigger="load" hx-target="this"' in html
    own = as_user(a2).get(f"/projects/{project.id}/dashboard").get_data(as_text=True)
    assert re.findall(r'data-user-id="(\d+)"', own) == [str(a2.id)]
