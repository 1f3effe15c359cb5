"""Sampling order (SAMP-1..3) and index use of the next-task query."""
from __future__ import annotations

import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert

from tests.queue.helpers import setup_project, submit
from webapp.models import Prediction, Sampling
from webapp.queue import next_task


def _drain(session, project, user):
    order = []
    while (task := next_task(session, project.id, user.id, rng=random.Random(len(order)))) is not None:
        order.append(task.id)
        submit(session, task, user)
    return order


def test_sequential_is_data_manager_order__SAMP_1(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=5)
    assert _drain(session, project, a) == [t.id for t in tasks]


def test_uniform_is_random_and_covers_every_task__SAMP_2(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=12, sampling=Sampling.UNIFORM)
    order = _drain(session, project, a)
    assert sorted(order) == [t.id for t in tasks]
    assert order != sorted(order)


def _predict(session, project, scores: dict, version: str):
    session.execute(insert(Prediction), [
        {"task_id": t.id, "project_id": project.id, "result": [], "score": s, "model_version": version}
        for t, s in scores.items()
    ])
    session.commit()


def test_uncertainty_lowest_score_of_chosen_source_first__SAMP_3(session, factory):
    project, (a, _), t = setup_project(factory, n_tasks=5, sampling=Sampling.UNCERTAINTY)
    _predict(session, project, {t[0]: 0.9, t[1]: 0.2, t[2]: 0.5}, "v1")
    _predict(session, project, {t[0]: 0.1, t[3]: 0.3}, "v2")
    # No source chosen: the newest prediction set, then tasks without its predictions.
    assert _drain(session, project, a) == [t[0].id, t[3].id, t[1].id, t[2].id, t[4].id]


def test_uncertainty_follows_the_live_predictions_source__SAMP_3(session, factory):
    project, (a, _), t = setup_project(
        factory, n_tasks=4, sampling=Sampling.UNCERTAINTY, live_predictions_source="version:v1"
    )
    _predict(session, project, {t[0]: 0.9, t[1]: 0.2, t[2]: 0.5}, "v1")
    _predict(session, project, {t[0]: 0.1}, "v2")
    assert _drain(session, project, a) == [t[1].id, t[2].id, t[0].id, t[3].id]


@contextmanager
def _statements(session):
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("sampling", list(Sampling))
def test_next_task_costs_five_statements_however_much_was_labeled__SAMP_1_SAMP_2_SAMP_3(
    session, factory, sampling
):
    """The write transaction's opening (BEGIN IMMEDIATE, or PostgreSQL's SET LOCAL), the
    project row, one probe (held reservation, requeued fix, uniform's id range), the pick,
    the reserving upsert. Not one more as the annotator's annotations pile up."""
    project, (a, _), tasks = setup_project(
        factory, n_tasks=8, sampling=sampling, live_predictions_source="version:v1"
    )
    _predict(session, project, {t: i / 10 for i, t in enumerate(tasks)}, "v1")
    project_id, user_id = project.id, a.id
    for _ in range(6):
        with _statements(session) as seen:
            task = next_task(session, project_id, user_id, rng=random.Random(1))
        assert len(seen) == 5, seen
        submit(session, task, a)
